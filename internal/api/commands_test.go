package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
)

// missingID is a well-formed id no request has.
const missingID = "01900000-0000-7000-8000-000000000000"

// TestCommandsRejectInvalidInput covers the documented refusals of PATCH, cancel, activate,
// documents and events: each with the right status, code and pointer, and none changing anything.
func TestCommandsRejectInvalidInput(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.client(t)
	// A request whose CSR fails and whose address is wrong: it ends up waiting for a correction,
	// and meanwhile is a real target for every command.
	id := c.create(createBody(number(sandbox.CarrierWireline, sandbox.CSRFailed, 201))).ID
	huge := `{"pin": "` + strings.Repeat("1", 1<<20) + `"}`

	patches := []invalidCase{
		{name: "malformed JSON", body: `{"pin": }`, status: 400, code: "malformed_json"},
		{name: "text/plain", body: `{"pin": "1234"}`, headers: []string{"Content-Type", "text/plain"}, status: 415, code: "unsupported_media_type"},
		{name: "over 1 MiB", body: huge, status: 413, code: "body_too_large"},
		{name: "empty object", body: `{}`, status: 422, pointer: "", fieldCode: "empty"},
		{name: "confirm false alone", body: `{"confirm": false}`, status: 422, pointer: "", fieldCode: "empty"},
		{name: "null PIN", body: `{"pin": null}`, status: 422, pointer: "/pin", fieldCode: "invalid_type"},
		{name: "confirm as a string", body: `{"confirm": "yes"}`, status: 422, pointer: "/confirm", fieldCode: "invalid_type"},
		{name: "status cannot be patched", body: `{"status": "completed"}`, status: 422, pointer: "/status", fieldCode: "unknown_field"},
		{name: "partial address", body: `{"service_address": {"line1": "1 Main St", "state": "NC", "zip": "27601"}}`, status: 422, pointer: "/service_address/city", fieldCode: "required"},
		{name: "residential without last name", body: `{"subscriber": {"type": "residential"}}`, status: 422, pointer: "/subscriber/last_name", fieldCode: "required"},
		{name: "FOC date in words", body: `{"requested_foc_date": "tomorrow"}`, status: 422, pointer: "/requested_foc_date", fieldCode: "invalid_format"},
		{name: "short billing number", body: `{"billing_telephone_number": "555-1234"}`, status: 422, pointer: "/billing_telephone_number", fieldCode: "invalid_format"},
		{name: "blank LOA signer", body: `{"loa_authorizing_person": ""}`, status: 422, pointer: "/loa_authorizing_person", fieldCode: "required"},
		{name: "stale If-Match", body: `{"confirm": true}`, headers: []string{"If-Match", `"0"`}, status: 412, code: "precondition_failed"},
	}
	for _, tc := range patches {
		t.Run("PATCH "+tc.name, func(t *testing.T) { checkInvalid(t, e.client(t), http.MethodPatch, path(id), tc) })
	}

	cancels := []invalidCase{
		{name: "malformed JSON", body: `{"reason"`, status: 400, code: "malformed_json"},
		{name: "text/plain", body: `changed my mind`, headers: []string{"Content-Type", "text/plain"}, status: 415, code: "unsupported_media_type"},
		{name: "over 1 MiB", body: huge, status: 413, code: "body_too_large"},
		{name: "reason as a number", body: `{"reason": 5}`, status: 422, pointer: "/reason", fieldCode: "invalid_type"},
		{name: "reason too long", body: `{"reason": "` + strings.Repeat("r", 501) + `"}`, status: 422, pointer: "/reason", fieldCode: "too_long"},
		{name: "unknown field", body: `{"why": "moving"}`, status: 422, pointer: "/why", fieldCode: "unknown_field"},
		{name: "stale If-Match", body: nil, headers: []string{"If-Match", `"0"`}, status: 412, code: "precondition_failed"},
	}
	for _, tc := range cancels {
		t.Run("cancel "+tc.name, func(t *testing.T) { checkInvalid(t, e.client(t), http.MethodPost, path(id, "/cancel"), tc) })
	}
	t.Run("activate stale If-Match", func(t *testing.T) {
		checkInvalid(t, e.client(t), http.MethodPost, path(id, "/activate"), invalidCase{headers: []string{"If-Match", `"0"`}, status: 412, code: "precondition_failed"})
	})

	big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 3_000_000)...)
	noFile, noFileType := multipartBody(t, map[string]string{"type": "LOA"}, "", "", nil)
	extra, extraType := multipartBody(t, map[string]string{"note": "signed"}, "loa.pdf", "application/pdf", pdf)
	gif, gifType := multipartBody(t, nil, "loa.gif", "image/gif", []byte("GIF89a"))
	bigPart, bigPartType := multipartBody(t, nil, "loa.pdf", "application/pdf", big)
	documents := []invalidCase{
		{name: "zip archive", body: []byte("PK\x03\x04"), headers: []string{"Content-Type", "application/zip"}, status: 415, code: "unsupported_media_type"},
		{name: "no Content-Type", body: pdf, headers: []string{"Content-Type", ""}, status: 415, code: "unsupported_media_type"},
		{name: "GIF in a multipart", body: gif, headers: []string{"Content-Type", gifType}, status: 415, code: "unsupported_media_type"},
		{name: "octet-stream without a known extension", body: pdf, headers: []string{"Content-Type", "application/octet-stream"}, status: 415, code: "unsupported_media_type"},
		{name: "over 3 MB raw", body: big, headers: []string{"Content-Type", "application/pdf"}, status: 413, code: "body_too_large"},
		{name: "over 3 MB in a multipart", body: bigPart, headers: []string{"Content-Type", bigPartType}, status: 413, code: "body_too_large"},
		{name: "multipart without a file", body: noFile, headers: []string{"Content-Type", noFileType}, status: 422, pointer: "/file", fieldCode: "required"},
		{name: "multipart with an unknown field", body: extra, headers: []string{"Content-Type", extraType}, status: 422, pointer: "/note", fieldCode: "unknown_field"},
		{name: "multipart without a boundary", body: "--x\r\n", headers: []string{"Content-Type", "multipart/form-data"}, status: 400, code: "malformed_multipart"},
		{name: "multipart cut short", body: "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n%PDF", headers: []string{"Content-Type", "multipart/form-data; boundary=b"}, status: 400, code: "malformed_multipart"},
		{name: "not a PDF", body: []byte("<html>loa</html>"), headers: []string{"Content-Type", "application/pdf"}, status: 422, pointer: "/file", fieldCode: "content_mismatch"},
		{name: "empty file", body: []byte{}, headers: []string{"Content-Type", "application/pdf"}, status: 422, pointer: "/file", fieldCode: "empty"},
		{name: "unknown document type", body: pdf, headers: []string{"Content-Type", "application/pdf"}, status: 422, pointer: "/type", fieldCode: "invalid_value"},
		{name: "unknown query parameter", body: pdf, headers: []string{"Content-Type", "application/pdf"}, status: 400, code: "invalid_parameter"},
		{name: "stale If-Match", body: pdf, headers: []string{"Content-Type", "application/pdf", "If-Match", `"0"`}, status: 412, code: "precondition_failed"},
	}
	queries := map[string]string{"unknown document type": "?type=CONTRACT", "unknown query parameter": "?kind=LOA"}
	for _, tc := range documents {
		t.Run("documents "+tc.name, func(t *testing.T) {
			checkInvalid(t, e.client(t), http.MethodPost, path(id, "/documents", queries[tc.name]), tc)
		})
	}
	var docs int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM documents`).Scan(&docs); err != nil {
		t.Fatal(err)
	}
	if docs != 0 {
		t.Errorf("%d documents stored from refused uploads", docs)
	}

	events := []struct{ query, code string }{
		{"?limit=0", "invalid_parameter"},
		{"?limit=201", "invalid_parameter"},
		{"?cursor=bm9wZQ", "invalid_parameter"},
		{"?cursor=" + listCursorOf(t, c), "invalid_parameter"},
		{"?page=2", "invalid_parameter"},
	}
	for _, tc := range events {
		t.Run("events "+tc.query, func(t *testing.T) {
			p := e.client(t).do(http.MethodGet, path(id, "/events", tc.query), nil).expect(t, http.StatusBadRequest).problem(t)
			if p.Code != tc.code {
				t.Errorf("%+v", p)
			}
		})
	}

	// Unknown ids: 404 everywhere, with valid input so that nothing else is wrong.
	for _, target := range []string{missingID, "not-a-uuid"} {
		for _, call := range []struct {
			method, path string
			body         any
			headers      []string
		}{
			{http.MethodGet, path(target), nil, nil},
			{http.MethodPatch, path(target), `{"confirm": true}`, nil},
			{http.MethodPatch, path(target), `{"confirm": true}`, []string{"If-Match", `"1"`}},
			{http.MethodPost, path(target, "/cancel"), nil, nil},
			{http.MethodPost, path(target, "/activate"), nil, nil},
			{http.MethodPost, path(target, "/documents"), pdf, []string{"Content-Type", "application/pdf"}},
			{http.MethodGet, path(target, "/events"), nil, nil},
		} {
			p := c.do(call.method, call.path, call.body, call.headers...).expect(t, http.StatusNotFound).problem(t)
			if p.Code != "not_found" {
				t.Errorf("%s %s: %+v", call.method, call.path, p)
			}
		}
	}

	// Paths and methods the API does not have.
	if p := c.do(http.MethodGet, "/v1/port-orders", nil).expect(t, http.StatusNotFound).problem(t); p.Code != "not_found" {
		t.Errorf("unknown path: %+v", p)
	}
	if p := c.do(http.MethodDelete, path(id), nil).expect(t, http.StatusMethodNotAllowed).problem(t); p.Code != "method_not_allowed" {
		t.Errorf("DELETE: %+v", p)
	}

	// None of it touched the request.
	pr := c.do(http.MethodGet, path(id), nil).expect(t, http.StatusOK).portRequest(t)
	if len(pr.DocumentIDs) != 0 {
		t.Errorf("documents on the request: %v", pr.DocumentIDs)
	}
	if pr.Status == "cancel_requested" || pr.Status == "cancelled" {
		t.Errorf("request %s after refused commands", pr.Status)
	}
}

// listCursorOf returns a cursor of the request listing (refused by /events).
func listCursorOf(t *testing.T, c *client) string {
	t.Helper()
	var page struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
		NextCursor *string `json:"next_cursor"`
	}
	c.do(http.MethodGet, "/v1/port-requests?limit=1", nil).expect(t, http.StatusOK).decode(t, &page)
	if page.NextCursor != nil {
		return *page.NextCursor
	}
	// One request only: its cursor is as good.
	c.do(http.MethodPost, "/v1/port-requests", createBody(number(sandbox.CarrierWireline, sandbox.CSRFailed, 202))).expect(t, http.StatusCreated)
	c.do(http.MethodGet, "/v1/port-requests?limit=1", nil).expect(t, http.StatusOK).decode(t, &page)
	if page.NextCursor == nil {
		t.Fatal("no next_cursor with two requests and limit=1")
	}
	return *page.NextCursor
}
