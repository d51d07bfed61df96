package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/problem"
)

// largeRequest is the part of a large request's answer the bulk tests read.
type largeRequest struct {
	ID           string           `json:"id"`
	NumberCount  int              `json:"number_count"`
	NumberCounts map[string]int   `json:"number_counts"`
	PhoneNumbers []map[string]any `json:"phone_numbers"`
	Links        struct {
		Numbers string `json:"numbers"`
	} `json:"links"`
}

// TestCreateAcceptsTwentyThousandNumbers: the largest request, each number with an account of the
// longest allowed account number and PIN, fits the body limit, is accepted and is answered
// without its numbers inline; one more number is refused with how to fix it.
func TestCreateAcceptsTwentyThousandNumbers(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	c := e.client(t)

	body := createBody(number(sandbox.CarrierWireline, sandbox.CSRComplete, 1))
	items := numbersFrom(order.MaxNumbers)
	for i, tn := range items {
		items[i] = map[string]any{"number": "+1" + tn.(string), "billing_number": "+19192999999",
			"account_number": fmt.Sprintf("%064d", i), "pin": fmt.Sprintf("%032d", i)}
	}
	body["phone_numbers"] = items
	raw := mustJSON(t, body)
	if len(raw) < 3<<20 {
		t.Fatalf("the body is %d bytes; the test means one far above the 1 MiB of other bodies", len(raw))
	}
	resp := c.do(http.MethodPost, "/v1/port-requests", raw).expect(t, http.StatusCreated)
	var created largeRequest
	resp.decode(t, &created)
	if created.NumberCount != order.MaxNumbers || created.NumberCounts["pending"] != order.MaxNumbers {
		t.Errorf("number_count %d, number_counts %v; want %d pending", created.NumberCount, created.NumberCounts, order.MaxNumbers)
	}
	if created.PhoneNumbers != nil {
		t.Errorf("%d numbers listed inline, want none above 1,000", len(created.PhoneNumbers))
	}
	if created.Links.Numbers != "/v1/port-requests/"+created.ID+"/numbers" {
		t.Errorf("links.numbers = %q", created.Links.Numbers)
	}
	var stored int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM port_request_numbers WHERE request_id = $1`, created.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != order.MaxNumbers {
		t.Errorf("%d numbers stored, want %d", stored, order.MaxNumbers)
	}
	r, err := e.orch.Get(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := r.Numbers[order.MaxNumbers-1]
	if last.Account == nil || last.Account.PIN.Reveal() != fmt.Sprintf("%032d", order.MaxNumbers-1) {
		t.Errorf("the last number's account %+v, want its own PIN", last.Account)
	}

	body["phone_numbers"] = numbersFrom(order.MaxNumbers + 1)
	p := c.do(http.MethodPost, "/v1/port-requests", body).expect(t, http.StatusUnprocessableEntity).problem(t)
	if len(p.Errors) != 1 || p.Errors[0].Pointer != "/phone_numbers" || p.Errors[0].Code != "too_many" ||
		!strings.Contains(p.Errors[0].Message, "20000") || !strings.Contains(p.Errors[0].Message, "split") {
		t.Errorf("20,001 numbers: %+v, want too_many saying the limit and to split", p.Errors)
	}
}

// TestCreateWithPerNumberAccounts: object items carry their own account to the stored request;
// plain items use the request's.
func TestCreateWithPerNumberAccounts(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	c := e.client(t)
	body := createBody("9192000001", "9192000002", "9192000003")
	body["phone_numbers"] = []any{
		"9192000001",
		map[string]any{"number": "+19192000002", "billing_number": "9192000099", "account_number": "ACCT-2", "pin": "2222"},
		map[string]any{"number": "9192000003", "pin": "3333"},
		map[string]any{"number": "9192000003", "pin": "3333"}, // the same number and account again: de-duplicated
	}
	created := c.create(body)
	if len(created.PhoneNumbers) != 3 {
		t.Fatalf("numbers %+v, want 3", created.PhoneNumbers)
	}
	stored, err := e.orch.Get(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	accounts := accountsOf(stored)
	want := map[string]string{
		"9192000001": "none",
		"9192000002": "9192000099/ACCT-2/2222",
		"9192000003": "//3333",
	}
	if fmt.Sprint(accounts) != fmt.Sprint(want) {
		t.Errorf("stored accounts %v, want %v", accounts, want)
	}
}

// accountsOf renders each stored number's own account as billing/account/pin ("none" without).
func accountsOf(r order.PortRequest) map[string]string {
	out := map[string]string{}
	for _, n := range r.Numbers {
		if n.Account == nil {
			out[n.TN] = "none"
			continue
		}
		out[n.TN] = n.Account.BillingNumber + "/" + n.Account.AccountNumber.Reveal() + "/" + n.Account.PIN.Reveal()
	}
	return out
}

// importBody builds a multipart import: parts as name/content pairs, in order.
func importBody(t *testing.T, parts ...string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, parts[i], parts[i]+".txt"))
		switch parts[i] {
		case "request":
			h.Set("Content-Type", "application/json")
		case "numbers":
			h.Set("Content-Type", "text/csv")
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// importRequestPart is a valid request part (a create body without phone_numbers).
func importRequestPart(t *testing.T, edit func(map[string]any)) string {
	t.Helper()
	b := createBody("9192000001")
	delete(b, "phone_numbers")
	if edit != nil {
		edit(b)
	}
	return mustJSON(t, b)
}

func (c *client) importCSV(body []byte, contentType string, headers ...string) *response {
	c.t.Helper()
	return c.do(http.MethodPost, "/v1/port-requests/import", body, append([]string{"Content-Type", contentType}, headers...)...)
}

// TestImportCreatesRequestWithPerNumberAccounts: a CSV with its columns in any order, a byte
// order mark, CRLF line ends and blank lines creates the request, each row's account reaching the
// stored request; the same import with the same Idempotency-Key replays, even reformatted, and a
// different one under that key is refused.
func TestImportCreatesRequestWithPerNumberAccounts(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	c := e.client(t)
	csvText := "\xef\xbb\xbfPIN, Number ,account_number,billing_number\r\n" +
		"1111,9192000001,,\r\n" +
		"\r\n" +
		"2222,+19192000002,ACCT-2,9192000099\r\n" +
		",,,\r\n" +
		",9192000003,,\r\n"
	body, ct := importBody(t, "request", importRequestPart(t, nil), "numbers", csvText)
	resp := c.importCSV(body, ct, "Idempotency-Key", "import-1").expect(t, http.StatusCreated)
	created := resp.portRequest(t)
	if resp.header.Get("Location") != "/v1/port-requests/"+created.ID || len(created.PhoneNumbers) != 3 {
		t.Fatalf("Location %q, numbers %+v", resp.header.Get("Location"), created.PhoneNumbers)
	}
	stored, err := e.orch.Get(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"9192000001": "//1111",
		"9192000002": "9192000099/ACCT-2/2222",
		"9192000003": "none",
	}
	if got := accountsOf(stored); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stored accounts %v, want %v", got, want)
	}

	// The same rows with other formatting: the same submission.
	reformatted := "number,pin,billing_number,account_number\n9192000001,1111,,\n+19192000002,2222,9192000099,ACCT-2\n9192000003,,,\n"
	body, ct = importBody(t, "request", importRequestPart(t, nil), "numbers", reformatted)
	replay := c.importCSV(body, ct, "Idempotency-Key", "import-1").expect(t, http.StatusCreated)
	if replay.header.Get("Idempotent-Replayed") != "true" || replay.portRequest(t).ID != created.ID {
		t.Errorf("replay: Idempotent-Replayed %q, id %s, want the first request %s", replay.header.Get("Idempotent-Replayed"), replay.portRequest(t).ID, created.ID)
	}
	body, ct = importBody(t, "request", importRequestPart(t, nil), "numbers", "number\n9192000001\n")
	p := c.importCSV(body, ct, "Idempotency-Key", "import-1").expect(t, http.StatusConflict).problem(t)
	if p.Code != "idempotency_key_reused" {
		t.Errorf("another import under the same key: %+v", p)
	}
	if n := e.countRequests(t); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// importCase is one bad import and the answer it must get.
type importCase struct {
	name    string
	parts   []string
	headers []string
	status  int
	code    string
	// errors are the pointer → code pairs errors[] must hold exactly (422 only).
	errors map[string]string
	// messages are texts some field error message must contain.
	messages []string
	// detail is a text the problem's detail must contain.
	detail string
}

func TestImportRejectsBadInput(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	c := e.client(t)
	valid := importRequestPart(t, nil)
	manyBad := "number,pin\n"
	for i := range 150 {
		manyBad += fmt.Sprintf("919300%04d,%s\n", i, strings.Repeat("9", 40))
	}
	tooMany := &strings.Builder{}
	tooMany.WriteString("number\n")
	for i := range order.MaxNumbers + 1 {
		fmt.Fprintf(tooMany, "919%07d\n", 2000000+i)
	}
	cases := []importCase{
		{name: "bad rows, each with its line", parts: []string{"request", valid, "numbers",
			"number,pin,billing_number\n9192000001,1234,\n\n919200000,,\n9192000003,12345678901234567890123456789012345,\n9192000004,,0192000004\n"},
			status: 422, errors: map[string]string{
				"/numbers/line/4/number":         "invalid_format",
				"/numbers/line/5/pin":            "too_long",
				"/numbers/line/6/billing_number": "invalid_format",
			}, messages: []string{"line 4: ", "line 5: ", "line 6: "}},
		{name: "a row without its number", parts: []string{"request", valid, "numbers", "number,pin\n9192000001,1\n,2\n"},
			status: 422, errors: map[string]string{"/numbers/line/3/number": "required"}, messages: []string{"line 3: "}},
		{name: "a row with too many fields and a bad row after it", parts: []string{"request", valid, "numbers", "number\n9192000001\n9192000002,1234\n919200000\n"},
			status: 422, errors: map[string]string{"/numbers/line/3": "invalid_format", "/numbers/line/4/number": "invalid_format"}, messages: []string{"line 3: has 2 fields", "line 4: "}},
		{name: "a stray quote", parts: []string{"request", valid, "numbers", "number,pin\n9192000001,12\"34\n"},
			status: 422, errors: map[string]string{"/numbers/line/2": "invalid_format"}, messages: []string{"line 2: "}},
		{name: "a number listed twice with different accounts", parts: []string{"request", valid, "numbers", "number,pin\n9192000001,1\n9192000001,2\n"},
			status: 422, errors: map[string]string{"/numbers/line/3": "duplicate"}, messages: []string{"/numbers/line/2"}},
		{name: "an unknown column", parts: []string{"request", valid, "numbers", "number,extension\n9192000001,12\n"},
			status: 422, errors: map[string]string{"/numbers/line/1": "unknown_column"}, messages: []string{`"extension"`}},
		{name: "no header row", parts: []string{"request", valid, "numbers", "9192000001\n9192000002\n"},
			status: 422, errors: map[string]string{"/numbers/line/1": "unknown_column"}, messages: []string{"header row"}},
		{name: "no number column", parts: []string{"request", valid, "numbers", "pin,account_number\n1234,A1\n"},
			status: 422, errors: map[string]string{"/numbers/line/1": "required"}},
		{name: "a header without rows", parts: []string{"request", valid, "numbers", "number\n\n"},
			status: 422, errors: map[string]string{"/numbers": "required"}},
		{name: "an empty CSV", parts: []string{"request", valid, "numbers", ""},
			status: 422, errors: map[string]string{"/numbers": "required"}},
		{name: "more than 20000 rows", parts: []string{"request", valid, "numbers", tooMany.String()},
			status: 422, errors: map[string]string{"/numbers": "too_many"}, messages: []string{"split"}},
		{name: "problems are capped at 100", parts: []string{"request", valid, "numbers", manyBad},
			status: 422, errors: nil},
		{name: "the numbers part missing", parts: []string{"request", valid},
			status: 422, errors: map[string]string{"/numbers": "required"}},
		{name: "the request part missing", parts: []string{"numbers", "number\n9192000001\n"},
			status: 422, errors: map[string]string{"/request": "required"}},
		{name: "both parts missing", parts: []string{},
			status: 422, errors: map[string]string{"/request": "required", "/numbers": "required"}},
		{name: "an unknown part", parts: []string{"request", valid, "numbers", "number\n9192000001\n", "file", "x"},
			status: 422, errors: map[string]string{"/file": "unknown_field"}},
		{name: "a part twice", parts: []string{"request", valid, "numbers", "number\n9192000001\n", "numbers", "number\n9192000002\n"},
			status: 422, errors: map[string]string{"/numbers": "duplicate"}},
		{name: "phone_numbers in the request part", parts: []string{"request", importRequestPart(t, func(b map[string]any) { b["phone_numbers"] = []any{"9192000001"} }), "numbers", "number\n9192000001\n"},
			status: 422, errors: map[string]string{"/request/phone_numbers": "unknown_field"}},
		{name: "a bad request field and a bad row", parts: []string{"request", importRequestPart(t, func(b map[string]any) { sub(b, "subscriber")["type"] = "person" }), "numbers", "number\n1234\n"},
			status: 422, errors: map[string]string{"/request/subscriber/type": "invalid_value", "/numbers/line/2/number": "invalid_format"}},
		{name: "a street that cannot be read", parts: []string{"request", importRequestPart(t, func(b map[string]any) { sub(b, "service_address")["line1"] = "PO Box 12" }), "numbers", "number\n9192000001\n"},
			status: 422, errors: map[string]string{"/request/service_address/line1": "unparseable"}},
		{name: "the request part not JSON", parts: []string{"request", "{subscriber: 1}", "numbers", "number\n9192000001\n"},
			status: 400, code: "malformed_json"},
		{name: "the numbers part not UTF-8", parts: []string{"request", valid, "numbers", "number,pin\n9192000001,\xe9\n"},
			status: 400, code: "invalid_encoding"},
		{name: "JSON instead of multipart", headers: []string{"Content-Type", "application/json"},
			status: 415, code: "unsupported_media_type"},
		{name: "multipart without a boundary", headers: []string{"Content-Type", "multipart/form-data"},
			status: 400, code: "malformed_multipart"},
		{name: "over 8 MiB", parts: []string{"request", valid, "numbers", "number\n" + strings.Repeat("9192000001\n", (8<<20)/11+1)},
			status: 413, code: "body_too_large", detail: "split a larger list"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client(t)
			body, ct := importBody(t, tc.parts...)
			headers := tc.headers
			if len(headers) == 0 {
				headers = []string{"Content-Type", ct}
			}
			p := c.do(http.MethodPost, "/v1/port-requests/import", body, headers...).expect(t, tc.status).problem(t)
			code := tc.code
			if code == "" {
				code = "validation_failed"
			}
			if p.Code != code || p.Detail == "" || !strings.Contains(p.Detail, tc.detail) {
				t.Fatalf("problem %+v, want code %s and a detail with %q", p, code, tc.detail)
			}
			if tc.status != http.StatusUnprocessableEntity {
				return
			}
			if tc.errors == nil { // the capped case
				if len(p.Errors) != 100 || !strings.HasPrefix(p.Errors[99].Message, "line 101: ") {
					t.Errorf("%d errors (last %+v), want the first 100 rows' problems", len(p.Errors), p.Errors[len(p.Errors)-1])
				}
				return
			}
			got := map[string]string{}
			for _, fe := range p.Errors {
				got[fe.Pointer] = fe.Code
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.errors) || len(p.Errors) != len(tc.errors) {
				raw, _ := json.Marshal(p.Errors)
				t.Errorf("errors %s, want %v", raw, tc.errors)
			}
			for _, m := range tc.messages {
				if !slices.ContainsFunc(p.Errors, func(fe problem.FieldError) bool { return strings.Contains(fe.Message, m) }) {
					t.Errorf("no error message contains %q: %s", m, mustJSON(t, p.Errors))
				}
			}
		})
	}
	if n := e.countRequests(t); n != 0 {
		t.Fatalf("%d requests stored from bad imports", n)
	}
	// The valid import the cases were made from is accepted: the cases fail for their fault.
	body, ct := importBody(t, "request", valid, "numbers", "number\n9192000001\n")
	c.importCSV(body, ct).expect(t, http.StatusCreated)
}

// TestImportTakesTwentyThousandRows: the largest import, every row with its own account, is
// accepted whole.
func TestImportTakesTwentyThousandRows(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	c := e.client(t)
	var csvText strings.Builder
	csvText.WriteString("number,billing_number,account_number,pin\n")
	for i := range order.MaxNumbers {
		fmt.Fprintf(&csvText, "919%07d,9192999999,%064d,%032d\n", 2000000+i, i, i)
	}
	body, ct := importBody(t, "request", importRequestPart(t, nil), "numbers", csvText.String())
	var created largeRequest
	c.importCSV(body, ct).expect(t, http.StatusCreated).decode(t, &created)
	if created.NumberCount != order.MaxNumbers || created.NumberCounts["pending"] != order.MaxNumbers {
		t.Errorf("number_count %d, counts %v; want %d pending", created.NumberCount, created.NumberCounts, order.MaxNumbers)
	}
	r, err := e.orch.Get(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a := r.Numbers[12345].Account; a == nil || a.AccountNumber.Reveal() != fmt.Sprintf("%064d", 12345) || a.BillingNumber != "9192999999" {
		t.Errorf("row 12,345's account %+v", a)
	}
}
