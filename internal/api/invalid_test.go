package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/order"
)

// invalidCase is one bad request and the answer it must get.
type invalidCase struct {
	name string
	// body is sent as is when it is a string or []byte; a func edits a valid body.
	body    any
	headers []string
	status  int
	code    string
	// pointer and fieldCode, for a 422, are the field error that must be in errors[].
	pointer   string
	fieldCode string
	// fieldErrors is how many errors[] entries the answer has (default 1 for a 422).
	fieldErrors int
}

// edit returns a valid create body changed by fn.
func edit(fn func(b map[string]any)) func() map[string]any {
	return func() map[string]any {
		b := createBody(number(sandbox.CarrierWireline, sandbox.CSRComplete, 900))
		fn(b)
		return b
	}
}

func sub(b map[string]any, name string) map[string]any { return b[name].(map[string]any) }

func numbersFrom(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("919%07d", 2000000+i)
	}
	return out
}

func eastern(days int) string {
	return time.Now().In(order.Eastern()).AddDate(0, 0, days).Format(time.DateOnly)
}

var invalidCreates = []invalidCase{
	// Not JSON, or not readable as JSON.
	{name: "truncated JSON", body: `{"phone_numbers": [`, status: 400, code: "malformed_json"},
	{name: "empty body", body: "", status: 400, code: "malformed_json"},
	{name: "two JSON values", body: `{} {}`, status: 400, code: "malformed_json"},
	{name: "a member given twice", body: `{"pin": "1234", "pin": "5678"}`, status: 400, code: "malformed_json"},
	{name: "not UTF-8", body: []byte("{\"loa_authorizing_person\": \"Jos\xe9\"}"), status: 400, code: "invalid_encoding"},
	{name: "byte order mark", body: "\xef\xbb\xbf{}", status: 400, code: "malformed_json"},
	{name: "nested too deep", body: strings.Repeat("[", 40) + strings.Repeat("]", 40), status: 400, code: "malformed_json"},
	{name: "single quotes", body: `{'pin': '1234'}`, status: 400, code: "malformed_json"},
	{name: "Idempotency-Key too long", body: edit(func(map[string]any) {}), headers: []string{"Idempotency-Key", strings.Repeat("k", 256)}, status: 400, code: "invalid_idempotency_key"},
	{name: "Idempotency-Key with a space", body: edit(func(map[string]any) {}), headers: []string{"Idempotency-Key", "my key"}, status: 400, code: "invalid_idempotency_key"},
	// Not JSON by its media type, or too large.
	{name: "text/plain", body: edit(func(map[string]any) {}), headers: []string{"Content-Type", "text/plain"}, status: 415, code: "unsupported_media_type"},
	{name: "Latin-1 charset", body: edit(func(map[string]any) {}), headers: []string{"Content-Type", "application/json; charset=iso-8859-1"}, status: 415, code: "unsupported_media_type"},
	{name: "no Content-Type", body: edit(func(map[string]any) {}), headers: []string{"Content-Type", ""}, status: 415, code: "unsupported_media_type"},
	{name: "over 8 MiB", body: `{"loa_authorizing_person": "` + strings.Repeat("x", 8<<20) + `"}`, status: 413, code: "body_too_large"},
	// The shape.
	{name: "an array body", body: `[]`, status: 422, code: "validation_failed", pointer: "", fieldCode: "invalid_type"},
	{name: "a string body", body: `"port 9195551234"`, status: 422, code: "validation_failed", pointer: "", fieldCode: "invalid_type"},
	{name: "unknown field", body: edit(func(b map[string]any) { b["phone_number"] = "9195551234" }), status: 422, pointer: "/phone_number", fieldCode: "unknown_field"},
	{name: "unknown nested field", body: edit(func(b map[string]any) { sub(b, "subscriber")["middle_name"] = "Q" }), status: 422, pointer: "/subscriber/middle_name", fieldCode: "unknown_field"},
	{name: "unknown field in the address", body: edit(func(b map[string]any) { sub(b, "service_address")["country"] = "US" }), status: 422, pointer: "/service_address/country", fieldCode: "unknown_field"},
	// Numbers.
	{name: "no phone_numbers", body: edit(func(b map[string]any) { delete(b, "phone_numbers") }), status: 422, pointer: "/phone_numbers", fieldCode: "required"},
	{name: "empty phone_numbers", body: edit(func(b map[string]any) { b["phone_numbers"] = []any{} }), status: 422, pointer: "/phone_numbers", fieldCode: "required"},
	{name: "phone_numbers not an array", body: edit(func(b map[string]any) { b["phone_numbers"] = "9192000001" }), status: 422, pointer: "/phone_numbers", fieldCode: "invalid_type"},
	{name: "nine digits", body: edit(func(b map[string]any) { b["phone_numbers"] = []any{"919200000"} }), status: 422, pointer: "/phone_numbers/0", fieldCode: "invalid_format"},
	{name: "area code starting with 1", body: edit(func(b map[string]any) { b["phone_numbers"] = []any{"9192000001", "1192000001"} }), status: 422, pointer: "/phone_numbers/1", fieldCode: "invalid_format"},
	{name: "formatted number", body: edit(func(b map[string]any) { b["phone_numbers"] = []any{"(919) 200-0001"} }), status: 422, pointer: "/phone_numbers/0", fieldCode: "invalid_format"},
	{name: "number as a JSON number", body: edit(func(b map[string]any) { b["phone_numbers"] = []any{"9192000001", 9192000002} }), status: 422, pointer: "/phone_numbers/1", fieldCode: "invalid_type"},
	{name: "more than 20000 numbers", body: edit(func(b map[string]any) { b["phone_numbers"] = numbersFrom(order.MaxNumbers + 1) }), status: 422, pointer: "/phone_numbers", fieldCode: "too_many"},
	{name: "a number as a boolean", body: edit(func(b map[string]any) { b["phone_numbers"] = []any{"9192000001", true} }), status: 422, pointer: "/phone_numbers/1", fieldCode: "invalid_type"},
	// Numbers with their own account.
	{name: "item with a PIN as a number", body: edit(func(b map[string]any) {
		b["phone_numbers"] = []any{"9192000001", map[string]any{"number": "9192000002", "pin": 1234}}
	}), status: 422, pointer: "/phone_numbers/1/pin", fieldCode: "invalid_type"},
	{name: "item with a PIN of 33 characters", body: edit(func(b map[string]any) {
		b["phone_numbers"] = []any{map[string]any{"number": "9192000002", "pin": strings.Repeat("7", 33)}}
	}), status: 422, pointer: "/phone_numbers/0/pin", fieldCode: "too_long"},
	{name: "item with an empty account number", body: edit(func(b map[string]any) {
		b["phone_numbers"] = []any{map[string]any{"number": "9192000002", "account_number": " "}}
	}), status: 422, pointer: "/phone_numbers/0/account_number", fieldCode: "invalid_format"},
	{name: "item without its number", body: edit(func(b map[string]any) {
		b["phone_numbers"] = []any{map[string]any{"pin": "1234"}}
	}), status: 422, pointer: "/phone_numbers/0/number", fieldCode: "required"},
	{name: "item with a bad billing number", body: edit(func(b map[string]any) {
		b["phone_numbers"] = []any{map[string]any{"number": "9192000002", "billing_number": "0192000002"}}
	}), status: 422, pointer: "/phone_numbers/0/billing_number", fieldCode: "invalid_format"},
	{name: "item with an unknown member", body: edit(func(b map[string]any) {
		b["phone_numbers"] = []any{map[string]any{"number": "9192000002", "extension": "12"}}
	}), status: 422, pointer: "/phone_numbers/0/extension", fieldCode: "unknown_field"},
	{name: "a number listed twice with different accounts", body: edit(func(b map[string]any) {
		b["phone_numbers"] = []any{map[string]any{"number": "9192000002", "pin": "1111"}, map[string]any{"number": "+19192000002", "pin": "2222"}}
	}), status: 422, pointer: "/phone_numbers/1", fieldCode: "duplicate"},
	{name: "bad billing number", body: edit(func(b map[string]any) { b["billing_telephone_number"] = "+44 20 7946 0000" }), status: 422, pointer: "/billing_telephone_number", fieldCode: "invalid_format"},
	// Customer order id (Bandwidth 7318).
	{name: "customer_order_id with an underscore", body: edit(func(b map[string]any) { b["customer_order_id"] = "ACME_42" }), status: 422, pointer: "/customer_order_id", fieldCode: "invalid_format"},
	{name: "customer_order_id of 41 characters", body: edit(func(b map[string]any) { b["customer_order_id"] = strings.Repeat("A", 41) }), status: 422, pointer: "/customer_order_id", fieldCode: "too_long"},
	// Subscriber (Bandwidth 7211, 7324, 7355, 7356).
	{name: "no subscriber", body: edit(func(b map[string]any) { delete(b, "subscriber") }), status: 422, pointer: "/subscriber", fieldCode: "required"},
	{name: "subscriber as a string", body: edit(func(b map[string]any) { b["subscriber"] = "Blue Ridge Bakery" }), status: 422, pointer: "/subscriber", fieldCode: "invalid_type"},
	{name: "unknown subscriber type", body: edit(func(b map[string]any) { sub(b, "subscriber")["type"] = "person" }), status: 422, pointer: "/subscriber/type", fieldCode: "invalid_value"},
	{name: "business without a name", body: edit(func(b map[string]any) { delete(sub(b, "subscriber"), "business_name") }), status: 422, pointer: "/subscriber/business_name", fieldCode: "required"},
	{name: "business name of 26 characters", body: edit(func(b map[string]any) { sub(b, "subscriber")["business_name"] = strings.Repeat("B", 26) }), status: 422, pointer: "/subscriber/business_name", fieldCode: "too_long"},
	{name: "residential without a last name", body: edit(func(b map[string]any) { b["subscriber"] = map[string]any{"type": "residential", "first_name": "Jane"} }), status: 422, pointer: "/subscriber/last_name", fieldCode: "required"},
	{name: "residential with a business name", body: edit(func(b map[string]any) {
		b["subscriber"] = map[string]any{"type": "residential", "last_name": "Doe", "business_name": "Doe Inc"}
	}), status: 422, pointer: "/subscriber/business_name", fieldCode: "not_allowed"},
	// Service address.
	{name: "no service address", body: edit(func(b map[string]any) { delete(b, "service_address") }), status: 422, pointer: "/service_address", fieldCode: "required"},
	{name: "no city", body: edit(func(b map[string]any) { delete(sub(b, "service_address"), "city") }), status: 422, pointer: "/service_address/city", fieldCode: "required"},
	{name: "unknown state", body: edit(func(b map[string]any) { sub(b, "service_address")["state"] = "XX" }), status: 422, pointer: "/service_address/state", fieldCode: "invalid_value"},
	{name: "four-digit ZIP", body: edit(func(b map[string]any) { sub(b, "service_address")["zip"] = "2760" }), status: 422, pointer: "/service_address/zip", fieldCode: "invalid_format"},
	{name: "line break in the street", body: edit(func(b map[string]any) { sub(b, "service_address")["line1"] = "1234 Main St\nApt 2" }), status: 422, pointer: "/service_address/line1", fieldCode: "invalid_format"},
	{name: "street without a house number", body: edit(func(b map[string]any) { sub(b, "service_address")["line1"] = "Main Street" }), status: 422, pointer: "/service_address/line1", fieldCode: "unparseable"},
	{name: "PO box", body: edit(func(b map[string]any) { sub(b, "service_address")["line1"] = "PO Box 1234" }), status: 422, pointer: "/service_address/line1", fieldCode: "unparseable"},
	// Account details.
	{name: "empty account number", body: edit(func(b map[string]any) { b["account_number"] = "" }), status: 422, pointer: "/account_number", fieldCode: "invalid_format"},
	{name: "PIN as a number", body: edit(func(b map[string]any) { b["pin"] = 1234 }), status: 422, pointer: "/pin", fieldCode: "invalid_type"},
	{name: "account number of 65 characters", body: edit(func(b map[string]any) { b["account_number"] = strings.Repeat("9", 65) }), status: 422, pointer: "/account_number", fieldCode: "too_long"},
	// LOA.
	{name: "no LOA signer", body: edit(func(b map[string]any) { delete(b, "loa_authorizing_person") }), status: 422, pointer: "/loa_authorizing_person", fieldCode: "required"},
	{name: "blank LOA signer", body: edit(func(b map[string]any) { b["loa_authorizing_person"] = "   " }), status: 422, pointer: "/loa_authorizing_person", fieldCode: "required"},
	{name: "null LOA signer", body: edit(func(b map[string]any) { b["loa_authorizing_person"] = nil }), status: 422, pointer: "/loa_authorizing_person", fieldCode: "required"},
	// FOC date (Bandwidth 7210).
	{name: "FOC date in words", body: edit(func(b map[string]any) { b["requested_foc_date"] = "next tuesday" }), status: 422, pointer: "/requested_foc_date", fieldCode: "invalid_format"},
	{name: "FOC date today", body: edit(func(b map[string]any) { b["requested_foc_date"] = eastern(0) }), status: 422, pointer: "/requested_foc_date", fieldCode: "too_soon"},
	{name: "FOC date 60 days out", body: edit(func(b map[string]any) { b["requested_foc_date"] = eastern(60) }), status: 422, pointer: "/requested_foc_date", fieldCode: "too_far"},
	// Activation.
	{name: "no activation", body: edit(func(b map[string]any) { delete(b, "activation") }), status: 422, pointer: "/activation", fieldCode: "required"},
	{name: "unknown activation mode", body: edit(func(b map[string]any) { b["activation"] = map[string]any{"mode": "now"} }), status: 422, pointer: "/activation/mode", fieldCode: "invalid_value"},
	{name: "activation at 25:00", body: edit(func(b map[string]any) { b["activation"] = map[string]any{"mode": "on_demand", "at": "25:00"} }), status: 422, pointer: "/activation/at", fieldCode: "invalid_format"},
	{name: "activation time with scheduled", body: edit(func(b map[string]any) { b["activation"] = map[string]any{"mode": "scheduled", "at": "14:00"} }), status: 422, pointer: "/activation/at", fieldCode: "not_allowed"},
	{name: "activation at 03:00", body: edit(func(b map[string]any) { b["activation"] = map[string]any{"mode": "on_demand", "at": "03:00"} }), status: 422, pointer: "/activation/at", fieldCode: "outside_window"},
	// Several faults at once are all reported.
	{name: "three faults", body: edit(func(b map[string]any) {
		b["pin"] = 12
		sub(b, "service_address")["zip"] = "ABCDE"
		b["extra"] = true
	}), status: 422, pointer: "/extra", fieldCode: "unknown_field", fieldErrors: 3},
}

// TestCreateRejectsInvalidBodies: every invalid body gets the right status, code and field
// pointer, and nothing reaches the database.
func TestCreateRejectsInvalidBodies(t *testing.T) {
	if len(invalidCreates) < 40 {
		t.Fatalf("only %d cases", len(invalidCreates))
	}
	e := newEnv(t, envOptions{})
	c := e.client(t)
	for _, tc := range invalidCreates {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client(t)
			checkInvalid(t, c, http.MethodPost, "/v1/port-requests", tc)
		})
	}
	if n := e.countRequests(t); n != 0 {
		t.Fatalf("%d rows in port_requests after only invalid requests", n)
	}
	// The valid body the cases were edited from is accepted: the cases fail for their fault.
	c.do(http.MethodPost, "/v1/port-requests", edit(func(map[string]any) {})()).expect(t, http.StatusCreated)
	if n := e.countRequests(t); n != 1 {
		t.Fatalf("%d rows after one valid request", n)
	}
}

// checkInvalid sends tc and checks the answer.
func checkInvalid(t *testing.T, c *client, method, target string, tc invalidCase) {
	t.Helper()
	var body any
	switch b := tc.body.(type) {
	case func() map[string]any:
		body = b()
	default:
		body = b
	}
	p := c.do(method, target, body, tc.headers...).expect(t, tc.status).problem(t)
	wantCode := tc.code
	if wantCode == "" && tc.status == http.StatusUnprocessableEntity {
		wantCode = "validation_failed"
	}
	if p.Code != wantCode || p.Status != tc.status || p.Detail == "" {
		t.Errorf("problem %+v, want code %s", p, wantCode)
	}
	if tc.status != http.StatusUnprocessableEntity {
		if len(p.Errors) != 0 {
			t.Errorf("a %d with field errors: %+v", tc.status, p.Errors)
		}
		return
	}
	want := tc.fieldErrors
	if want == 0 {
		want = 1
	}
	if len(p.Errors) != want {
		t.Errorf("%d field errors, want %d: %+v", len(p.Errors), want, p.Errors)
	}
	found := false
	for _, fe := range p.Errors {
		if fe.Message == "" {
			t.Errorf("field error without a message: %+v", fe)
		}
		if fe.Pointer == tc.pointer && fe.Code == tc.fieldCode {
			found = true
		}
	}
	if !found {
		raw, _ := json.Marshal(p.Errors)
		t.Errorf("no field error %q %s in %s", tc.pointer, tc.fieldCode, raw)
	}
}
