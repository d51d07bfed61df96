package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
)

// flowTimeout bounds one port's journey through the sandbox (25 ms per Bandwidth step).
const flowTimeout = 25 * time.Second

// TestLifecycle walks port requests through the real engine and the sandbox over the API: the
// happy path, a correction, on-demand activation, a cancellation and a document upload.
func TestLifecycle(t *testing.T) {
	e := newEnv(t, envOptions{})

	t.Run("completes with the carrier's address from the CSR", func(t *testing.T) {
		t.Parallel()
		c := e.client(t)
		tn := number(sandbox.CarrierWireline, sandbox.CSRComplete, 101)
		body := createBody(tn)
		body["service_address"].(map[string]any)["line1"] = "9999 Wrong Way"
		body["account_number"] = "919-001234"
		body["pin"] = "8642"
		body["customer_order_id"] = "ACME 0042"

		resp := c.do(http.MethodPost, "/v1/port-requests", body).expect(t, http.StatusCreated)
		created := resp.portRequest(t)
		if got := resp.header.Get("Location"); got != "/v1/port-requests/"+created.ID {
			t.Errorf("Location %q", got)
		}
		if got := resp.header.Get("ETag"); got != quoted(created.Version) {
			t.Errorf("ETag %q, want %s", got, quoted(created.Version))
		}
		if resp.header.Get("Idempotent-Replayed") != "" {
			t.Error("a first submission is marked as a replay")
		}
		if created.AccountNumber != "****34" || created.PIN != "****" {
			t.Errorf("secrets not masked: account %q, pin %q", created.AccountNumber, created.PIN)
		}
		if strings.Contains(string(resp.body), "919-001234") || strings.Contains(string(resp.body), "8642") {
			t.Errorf("a secret is in the response in clear: %s", resp.body)
		}
		if len(created.Timeline) == 0 || created.Timeline[0].To != "received" {
			t.Errorf("timeline of a new request: %+v", created.Timeline)
		}

		// A correction is refused outside action_required, with the reason.
		p := c.do(http.MethodPatch, path(created.ID), map[string]any{"confirm": true}).expect(t, http.StatusConflict).problem(t)
		if p.Code != "not_awaiting_correction" || !strings.Contains(p.Detail, "action_required") {
			t.Errorf("PATCH outside action_required: %+v", p)
		}

		done := c.waitStatus(created.ID, "completed", flowTimeout)
		if len(done.PortOrders) != 1 {
			t.Fatalf("port orders: %+v", done.PortOrders)
		}
		po := done.PortOrders[0]
		if po.BandwidthOrderID == nil || po.ProcessingStatus == nil || *po.ProcessingStatus != "COMPLETE" || po.FocDate == nil {
			t.Errorf("port order: %+v", po)
		}
		if done.Csr == nil || done.Csr.Status != "COMPLETE" || done.Csr.OrderID == "" || len(done.Csr.Differences) == 0 {
			t.Errorf("csr: %+v", done.Csr)
		}
		rec := sandbox.CarrierRecordFor(tn)
		if u := done.ServiceAddressUsed; u == nil || u.Source != "csr" || u.HouseNumber != rec.ServiceAddress.HouseNumber {
			t.Errorf("service_address_used %+v, want the carrier's house number %s from the csr", u, rec.ServiceAddress.HouseNumber)
		}
		for _, n := range done.PhoneNumbers {
			if n.Status != "completed" {
				t.Errorf("number %s is %s", n.Number, n.Status)
			}
		}

		// Conditional GET.
		get := c.do(http.MethodGet, path(done.ID), nil).expect(t, http.StatusOK)
		c.do(http.MethodGet, path(done.ID), nil, "If-None-Match", get.header.Get("ETag")).expect(t, http.StatusNotModified)
		c.do(http.MethodGet, path(done.ID), nil, "If-None-Match", `"0"`).expect(t, http.StatusOK)

		// The events, page by page, are the embedded timeline.
		var ids []int64
		cursor, pages := "", 0
		var last eventsPage
		for {
			q := "?limit=3"
			if cursor != "" {
				q += "&cursor=" + cursor
			}
			c.do(http.MethodGet, path(done.ID, "/events", q), nil).expect(t, http.StatusOK).decode(t, &last)
			pages++
			for _, ev := range last.Data {
				ids = append(ids, ev.ID)
			}
			if last.NextCursor == nil {
				break
			}
			cursor = *last.NextCursor
		}
		var embedded []int64
		for _, entry := range done.Timeline {
			embedded = append(embedded, entry.ID)
		}
		if !slices.Equal(ids, embedded) || pages < 2 {
			t.Errorf("events %v over %d pages, timeline %v", ids, pages, embedded)
		}
		if last.ResumeCursor == nil {
			t.Fatal("last page without resume_cursor")
		}
		var after eventsPage
		c.do(http.MethodGet, path(done.ID, "/events?cursor="+*last.ResumeCursor), nil).expect(t, http.StatusOK).decode(t, &after)
		if len(after.Data) != 0 || after.ResumeCursor == nil || *after.ResumeCursor != *last.ResumeCursor {
			t.Errorf("polling with resume_cursor after the end: %+v", after)
		}

		// Nothing more can be done to a completed request; each refusal says why.
		for _, tc := range []struct {
			method, path, code string
			body               any
		}{
			{http.MethodPost, path(done.ID, "/cancel"), "already_finished", nil},
			{http.MethodPost, path(done.ID, "/activate"), "activation_not_in_foc", nil},
			{http.MethodPatch, path(done.ID), "not_awaiting_correction", map[string]any{"pin": "1111"}},
		} {
			p := c.do(tc.method, tc.path, tc.body).expect(t, http.StatusConflict).problem(t)
			if p.Code != tc.code || p.Detail == "" {
				t.Errorf("%s %s: %+v, want code %s", tc.method, tc.path, p, tc.code)
			}
		}
		upload := c.do(http.MethodPost, path(done.ID, "/documents?type=LOA"), pdf, "Content-Type", "application/pdf").expect(t, http.StatusConflict).problem(t)
		if upload.Code != "already_finished" {
			t.Errorf("document for a completed request: %+v", upload)
		}
	})

	t.Run("wireless number waits for the account details, then completes after PATCH", func(t *testing.T) {
		t.Parallel()
		c := e.client(t)
		tn := number(sandbox.CarrierWireless, sandbox.CSRFailed, 102)
		created := c.create(createBody(tn))
		held := c.waitStatus(created.ID, "action_required", flowTimeout)
		if held.ActionRequired == nil || !slices.Contains(held.ActionRequired.Fields, "account_number") || !slices.Contains(held.ActionRequired.Fields, "pin") {
			t.Fatalf("action_required: %+v", held.ActionRequired)
		}
		rec := sandbox.CarrierRecordFor(tn)
		fix := map[string]any{"account_number": rec.AccountNumber, "pin": rec.PIN}

		// A stale If-Match is refused and changes nothing.
		stale := c.do(http.MethodPatch, path(created.ID), fix, "If-Match", quoted(held.Version-1)).expect(t, http.StatusPreconditionFailed)
		if stale.problem(t).Code != "precondition_failed" || stale.header.Get("ETag") != quoted(held.Version) {
			t.Errorf("412 answer: %s (ETag %s)", stale.body, stale.header.Get("ETag"))
		}
		still := c.do(http.MethodGet, path(created.ID), nil).expect(t, http.StatusOK).portRequest(t)
		if still.Version != held.Version || still.Status != "action_required" {
			t.Errorf("a refused PATCH changed the request: %+v", still)
		}

		fixed := c.do(http.MethodPatch, path(created.ID), fix, "If-Match", quoted(held.Version)).expect(t, http.StatusOK).portRequest(t)
		if fixed.Version <= held.Version || fixed.Status == "action_required" {
			t.Errorf("after the correction: status %s, version %d (was %d)", fixed.Status, fixed.Version, held.Version)
		}
		if fixed.PIN != "****" || !strings.HasPrefix(fixed.AccountNumber, "****") || len(fixed.AccountNumber) > 6 {
			t.Errorf("secrets not masked after PATCH: %q %q", fixed.AccountNumber, fixed.PIN)
		}
		c.waitStatus(created.ID, "completed", flowTimeout)
	})

	t.Run("on-demand activation", func(t *testing.T) {
		t.Parallel()
		c := e.client(t)
		body := createBody(number(sandbox.CarrierWireline, sandbox.CSRComplete, 103))
		body["activation"] = map[string]any{"mode": "on_demand"}
		created := c.create(body)
		early := c.do(http.MethodPost, path(created.ID, "/activate"), nil)
		if early.status == http.StatusConflict {
			if p := early.problem(t); p.Code != "activation_not_in_foc" {
				t.Errorf("activate before FOC: %+v", p)
			}
		} else {
			t.Errorf("activate before FOC answered %d: %s", early.status, early.body)
		}
		invoice := c.do(http.MethodPost, path(created.ID, "/documents?type=invoice&file_name=bill.txt"), "Account 42, March", "Content-Type", "text/plain; charset=utf-8").expect(t, http.StatusCreated)
		var doc struct {
			Document struct {
				Type        string `json:"type"`
				ContentType string `json:"content_type"`
				FileName    string `json:"file_name"`
			} `json:"document"`
		}
		invoice.decode(t, &doc)
		if doc.Document.Type != "INVOICE" || doc.Document.ContentType != "text/plain" || doc.Document.FileName != "bill.txt" {
			t.Errorf("raw upload: %s", invoice.body)
		}
		foc := c.waitStatus(created.ID, "foc", flowTimeout)
		activated := c.do(http.MethodPost, path(created.ID, "/activate"), nil, "If-Match", quoted(foc.Version)).expect(t, http.StatusAccepted).portRequest(t)
		if activated.Version <= foc.Version {
			t.Errorf("activation changed nothing: version %d", activated.Version)
		}
		c.waitStatus(created.ID, "completed", flowTimeout)
	})

	t.Run("cancel mid-flight", func(t *testing.T) {
		t.Parallel()
		c := e.client(t)
		created := c.create(createBody(number(sandbox.CarrierWirelineStrict, sandbox.CSRComplete, 104)))
		c.waitFor(created.ID, flowTimeout, "submitted to Bandwidth", func(pr portRequest) bool {
			return len(pr.PortOrders) == 1 && pr.PortOrders[0].BandwidthOrderID != nil
		})
		p := c.do(http.MethodPost, path(created.ID, "/cancel"), "", "Content-Type", "").expect(t, http.StatusAccepted).portRequest(t)
		if p.Status != "cancel_requested" && p.Status != "cancelled" {
			t.Errorf("after cancel: %s", p.Status)
		}
		// Cancelling again is accepted and changes nothing.
		c.do(http.MethodPost, path(created.ID, "/cancel"), map[string]any{"reason": "customer changed their mind"}).expect(t, http.StatusAccepted)
		done := c.waitStatus(created.ID, "cancelled", flowTimeout)
		for _, n := range done.PhoneNumbers {
			if n.Status != "cancelled" {
				t.Errorf("number %s is %s after cancellation", n.Number, n.Status)
			}
		}
	})

	t.Run("a strict carrier asks for the LOA; uploading it as multipart resolves the action", func(t *testing.T) {
		t.Parallel()
		c := e.client(t)
		created := c.create(createBody(number(sandbox.CarrierWirelineStrict, sandbox.CSRComplete, 105)))
		held := c.waitStatus(created.ID, "action_required", flowTimeout)
		if held.ActionRequired == nil || !slices.Contains(held.ActionRequired.Fields, "documents") {
			t.Fatalf("action_required: %+v", held.ActionRequired)
		}
		body, contentType := multipartBody(t, map[string]string{"type": "LOA"}, "loa.pdf", "application/pdf", pdf)
		resp := c.do(http.MethodPost, path(created.ID, "/documents"), body, "Content-Type", contentType).expect(t, http.StatusCreated)
		var doc struct {
			Document struct {
				ID          string `json:"id"`
				Type        string `json:"type"`
				ContentType string `json:"content_type"`
				FileName    string `json:"file_name"`
				SizeBytes   int    `json:"size_bytes"`
			} `json:"document"`
			PortRequest portRequest `json:"port_request"`
		}
		resp.decode(t, &doc)
		if doc.Document.Type != "LOA" || doc.Document.ContentType != "application/pdf" || doc.Document.FileName != "loa.pdf" || doc.Document.SizeBytes != len(pdf) {
			t.Errorf("document: %+v", doc.Document)
		}
		if !slices.Contains(doc.PortRequest.DocumentIDs, doc.Document.ID) {
			t.Errorf("document %s not on the request: %v", doc.Document.ID, doc.PortRequest.DocumentIDs)
		}
		// The document resolves the action at once. (Whether Bandwidth then resubmits the
		// EXCEPTION order is the flow's business, tested in internal/orchestrator.)
		if doc.PortRequest.Status == "action_required" || doc.PortRequest.ActionRequired != nil {
			t.Errorf("the LOA did not resolve the action: %s", doc.PortRequest.StatusReason)
		}
	})
}

type eventsPage struct {
	Data []struct {
		ID int64 `json:"id"`
	} `json:"data"`
	NextCursor   *string `json:"next_cursor"`
	ResumeCursor *string `json:"resume_cursor"`
}

// pdf is a minimal PDF: the signature is what portflow checks.
var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// multipartBody builds a multipart/form-data body with fields and one file part.
func multipartBody(t *testing.T, fields map[string]string, fileName, fileType string, content []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if content != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+fileName+`"`)
		if fileType != "" {
			h.Set("Content-Type", fileType)
		}
		part, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}
