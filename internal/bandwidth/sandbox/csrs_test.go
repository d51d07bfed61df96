package sandbox

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestCSROutcomes(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypeCSRs, rcv.srv.URL, false)
	cases := []struct {
		outcome      CSROutcome
		carrier      Carrier
		status       string
		errorCode    string
		parsed       bool // ServiceAddress has HouseNumber etc.
		unparsedOnly bool // ServiceAddress has only UnparsedAddress
		message      string
	}{
		{CSRComplete, CarrierWireline, "COMPLETE", "", true, false, "The CSR request is complete."},
		{CSRCompleteUnparsed, CarrierInternal, "COMPLETE", "", false, true, "The CSR request is complete."},
		{CSRCompleteWithError, CarrierWireline, "COMPLETE", "26500", false, false, "26500: CSR is not available for this TN"},
		{CSRActionRequired, CarrierWireless, "ACTION_REQUIRED", "", false, false, "The CSR request requires action"},
		{CSRFailed, CarrierWirelineStrict, "FAILED", "26500", false, false, "The CSR request has failed."},
	}
	for i, tc := range cases {
		t.Run(tc.outcome.String(), func(t *testing.T) {
			tn := NumberFor(Scenario{Carrier: tc.carrier, CSR: tc.outcome}, i)
			id := h.createCSR(tn, `<CustomerOrderId>csr-`+tc.outcome.String()+`</CustomerOrderId>`)
			h.waitStatus(id, tc.status)
			res := decodeAs[csrResponse](t, h.call("GET", "/csrs/"+id, "").expect(t, http.StatusOK).body)
			if res.Status != tc.status || res.OrderID != id || res.CustomerOrderID != "csr-"+tc.outcome.String() {
				t.Fatalf("GET: status %s order %s coid %s", res.Status, res.OrderID, res.CustomerOrderID)
			}
			var codes []string
			if res.Errors != nil {
				for _, e := range res.Errors.Error {
					codes = append(codes, e.Code)
				}
			}
			if strings.Join(codes, ",") != tc.errorCode {
				t.Fatalf("errors %v, want %q", codes, tc.errorCode)
			}
			rec := CarrierRecordFor(tn)
			switch {
			case tc.parsed:
				a := res.CsrData.ServiceAddress
				if a.HouseNumber != rec.ServiceAddress.HouseNumber || a.Zip != rec.ServiceAddress.Zip || a.State != rec.ServiceAddress.State || a.UnparsedAddress == "" {
					t.Fatalf("parsed address %+v, record %+v", a, rec.ServiceAddress)
				}
				if res.CsrData.AccountNumber != rec.AccountNumber || res.CsrData.CustomerName != rec.CustomerName {
					t.Fatalf("CsrData %+v, record %+v", res.CsrData, rec)
				}
			case tc.unparsedOnly:
				a := *res.CsrData.ServiceAddress
				if a.UnparsedAddress != rec.ServiceAddress.Unparsed() || a.HouseNumber != "" || a.City != "" || a.Zip != "" {
					t.Fatalf("unparsed-only address %+v", a)
				}
			case tc.status == "ACTION_REQUIRED":
				if res.CsrData != nil {
					t.Fatalf("ACTION_REQUIRED carries CsrData %+v", res.CsrData)
				}
			default:
				if res.CsrData == nil || res.CsrData.ServiceAddress != nil || res.CsrData.WorkingTelephoneNumber != tn {
					t.Fatalf("CsrData %+v, want only the working number", res.CsrData)
				}
			}
			var got *csrNotification
			waitFor(t, "the CSR notification", func() bool {
				for _, c := range rcv.requests() {
					n := decodeAs[csrNotification](t, []byte(c.body))
					if n.OrderID == id {
						got = &n
						return true
					}
				}
				return false
			})
			if got.Status != tc.status || !strings.HasPrefix(got.Message, tc.message) || got.OrderType != "csrs" || got.CustomerOrderID != "csr-"+tc.outcome.String() {
				t.Fatalf("notification %+v", got)
			}
		})
	}
}

func TestCSRActionRequiredUntilAccountInfoIsSupplied(t *testing.T) {
	h := newHarness(t)
	tn := NumberFor(Scenario{Carrier: CarrierWireless, CSR: CSRActionRequired}, 3)
	rec := CarrierRecordFor(tn)
	id := h.createCSR(tn, "")
	h.waitStatus(id, "ACTION_REQUIRED")

	notes := decodeAs[notesResponse](t, h.call("GET", "/csrs/"+id+"/notes", "").expect(t, http.StatusOK).body)
	if len(notes.Notes) != 1 || notes.Notes[0].UserID != lnpTeamUser || !strings.Contains(notes.Notes[0].Description, "account number and PIN") {
		t.Fatalf("notes %+v", notes.Notes)
	}

	// The account number alone is not enough for the wireless carrier.
	h.call("PUT", "/csrs/"+id, `<Csr><AccountNumber>`+rec.AccountNumber+`</AccountNumber></Csr>`).expect(t, http.StatusOK)
	h.waitStatus(id, "ACTION_REQUIRED") // the PUT made it PROCESSING; the carrier asks again
	again := decodeAs[notesResponse](t, h.call("GET", "/csrs/"+id+"/notes", "").expect(t, http.StatusOK).body)
	if len(again.Notes) != 2 {
		t.Fatalf("%d notes after the incomplete PUT, want the carrier's second request", len(again.Notes))
	}
	r := h.call("PUT", "/csrs/"+id, `<Csr><AccountNumber>`+rec.AccountNumber+`</AccountNumber><EndUserPIN>`+rec.PIN+`</EndUserPIN></Csr>`).expect(t, http.StatusOK)
	if got := decodeAs[csrResponse](t, r.body).Status; got != "PROCESSING" {
		t.Fatalf("PUT reply status %s, want PROCESSING", got)
	}
	h.waitStatus(id, "COMPLETE")
	res := decodeAs[csrResponse](t, h.call("GET", "/csrs/"+id, "").expect(t, http.StatusOK).body)
	if res.CsrData == nil || res.CsrData.AccountNumber != rec.AccountNumber || res.EndUserPIN != rec.PIN {
		t.Fatalf("completed CSR %+v", res)
	}
	h.call("PUT", "/csrs/"+id, `<Csr><Status>REQUESTED_CANCEL</Status></Csr>`).expect(t, http.StatusBadRequest)

	direct := NumberFor(Scenario{Carrier: CarrierWireline, CSR: CSRActionRequired}, 4)
	directRec := CarrierRecordFor(direct)
	id2 := h.createCSR(direct, `<AccountNumber>`+directRec.AccountNumber+`</AccountNumber>`)
	h.waitStatus(id2, "COMPLETE")
}

func TestCSRCancel(t *testing.T) {
	h := newHarness(t)
	id := h.createCSR(NumberFor(Scenario{CSR: CSRActionRequired}, 9), "")
	h.waitStatus(id, "ACTION_REQUIRED")
	body := `<Csr><Status>REQUESTED_CANCEL</Status></Csr>`
	r := h.call("PUT", "/csrs/"+id, body).expect(t, http.StatusOK)
	if got := decodeAs[csrResponse](t, r.body).Status; got != "REQUESTED_CANCEL" {
		t.Fatalf("reply status %s", got)
	}
	h.waitStatus(id, "CANCELLED")
	h.call("GET", "/csrs/not-an-order", "").expect(t, http.StatusNotFound)
}

func TestCSRValidation(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name, body, code string
	}{
		{"missing number", `<Csr><CustomerOrderId>x</CustomerOrderId></Csr>`, "1003"},
		{"invalid number", `<Csr><WorkingOrBillingTelephoneNumber>12345</WorkingOrBillingTelephoneNumber></Csr>`, "7201"},
		{"customer code not numeric", `<Csr><WorkingOrBillingTelephoneNumber>9192000000</WorkingOrBillingTelephoneNumber><CustomerCode>AB</CustomerCode></Csr>`, "1019"},
		{"bad state", `<Csr><WorkingOrBillingTelephoneNumber>9192000000</WorkingOrBillingTelephoneNumber><State>XX</State></Csr>`, "1019"},
		{"customer order id too long", `<Csr><WorkingOrBillingTelephoneNumber>9192000000</WorkingOrBillingTelephoneNumber><CustomerOrderId>` + strings.Repeat("a", 41) + `</CustomerOrderId></Csr>`, "7318"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := decodeAs[csrOrderResponse](t, h.call("POST", "/csrs", tc.body).expect(t, http.StatusBadRequest).body)
			if len(res.Errors.Error) == 0 || res.Errors.Error[0].Code != tc.code {
				t.Fatalf("errors %+v, want code %s", res.Errors.Error, tc.code)
			}
		})
	}
}

func TestCSRDuplicateCustomerOrderIDIsAViolation(t *testing.T) {
	h := newHarness(t)
	tn := NumberFor(Scenario{CSR: CSRComplete}, 11)
	h.createCSR(tn, `<CustomerOrderId>req-1</CustomerOrderId>`)
	if h.hasViolation(RuleDuplicateCreate) {
		t.Fatal("first create recorded as duplicate")
	}
	h.createCSR(tn, `<CustomerOrderId>req-1</CustomerOrderId>`)
	if !h.hasViolation(RuleDuplicateCreate) {
		t.Fatal("second create with the same CustomerOrderId not recorded")
	}
	if n := h.sb.CreateCount(orderTypeCSRs, "req-1"); n != 2 {
		t.Fatalf("CreateCount %d, want 2", n)
	}
}

var linkURL = regexp.MustCompile(`Link=<([^>]*)>;rel="next";`)

func TestCSRListPaginates(t *testing.T) {
	h := newHarness(t)
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, h.createCSR(NumberFor(Scenario{CSR: CSRFailed}, 20+i), ""))
	}
	for _, id := range ids {
		h.waitStatus(id, "FAILED")
	}
	res := decodeAs[csrResponses](t, h.call("GET", "/csrs?modifiedDateFrom=2026-03-01&size=2&status=failed", "").expect(t, http.StatusOK).body)
	if res.TotalCount != 3 || len(res.CSRs) != 2 || res.CSRs[0].OrderID != ids[0] {
		t.Fatalf("first page: total %d, %d entries", res.TotalCount, len(res.CSRs))
	}
	m := linkURL.FindStringSubmatch(res.Links.Next)
	if m == nil {
		t.Fatalf("next link %q", res.Links.Next)
	}
	next, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil || next.Query().Get("page") != ids[2] || next.Query().Get("status") != "failed" {
		t.Fatalf("next link %q keeps neither page nor filter", m[1])
	}
	page2 := decodeAs[csrResponses](t, h.call("GET", next.String(), "").expect(t, http.StatusOK).body)
	if len(page2.CSRs) != 1 || page2.CSRs[0].OrderID != ids[2] || page2.Links.Next != "" {
		t.Fatalf("second page %+v", page2)
	}
	none := decodeAs[csrResponses](t, h.call("GET", "/csrs?status=complete", "").expect(t, http.StatusOK).body)
	if none.TotalCount != 0 {
		t.Fatalf("status filter: %d complete CSRs, want 0", none.TotalCount)
	}
	bad := decodeAs[csrOrderResponse](t, h.call("GET", "/csrs?status=done", "").expect(t, http.StatusBadRequest).body)
	if bad.Errors.Error[0].Code != "15518" {
		t.Fatalf("bad status code %s", bad.Errors.Error[0].Code)
	}
}

func TestNotes(t *testing.T) {
	h := newHarness(t)
	for _, kind := range []string{"csrs", "portins"} {
		t.Run(kind, func(t *testing.T) {
			var id string
			if kind == "csrs" {
				id = h.createCSR(NumberFor(Scenario{CSR: CSRFailed}, 30), "")
			} else {
				id = h.createPortIn(specFor(NumberFor(Scenario{}, 31)))
			}
			h.call("GET", "/"+kind+"/"+id+"/notes", "").expect(t, http.StatusNoContent)
			r := h.call("POST", "/"+kind+"/"+id+"/notes", `<Note><UserId>sandbox</UserId><Description>Customer called</Description></Note>`).expect(t, http.StatusCreated)
			loc := r.header.Get("Location")
			if !strings.Contains(loc, "/"+kind+"/"+id+"/notes/") || len(r.body) != 0 {
				t.Fatalf("Location %q body %q", loc, r.body)
			}
			noteID := loc[strings.LastIndex(loc, "/")+1:]
			h.call("PUT", "/"+kind+"/"+id+"/notes/"+noteID, `<Note><UserId>sandbox</UserId><Description>Customer called twice</Description></Note>`).expect(t, http.StatusOK)
			notes := decodeAs[notesResponse](t, h.call("GET", "/"+kind+"/"+id+"/notes", "").expect(t, http.StatusOK).body)
			if len(notes.Notes) != 1 || notes.Notes[0].Description != "Customer called twice" || notes.Notes[0].ID != noteID {
				t.Fatalf("notes %+v", notes.Notes)
			}
			for body, code := range map[string]string{
				`<Note><Description>x</Description></Note>`:                                                        "12501",
				`<Note><UserId>mallory</UserId><Description>x</Description></Note>`:                                "1001",
				`<Note><UserId>sandbox</UserId><Description>` + strings.Repeat("x", 501) + `</Description></Note>`: "1019",
			} {
				res := decodeAs[responseStatusEnvelope](t, h.call("POST", "/"+kind+"/"+id+"/notes", body).expect(t, http.StatusBadRequest).body)
				if res.ResponseStatus.ErrorCode != code || res.XMLName.Local != "NoteResponse" {
					t.Errorf("note %q: %s %s, want NoteResponse %s", body[:30], res.XMLName.Local, res.ResponseStatus.ErrorCode, code)
				}
			}
		})
	}
}
