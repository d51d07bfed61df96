package sandbox

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// numbersFor returns n consecutive numbers of a scenario starting at seq from.
func numbersFor(s Scenario, from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = NumberFor(s, from+i)
	}
	return out
}

func TestPortTypeNumberLimits(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name     string
		scenario Scenario
		n        int
		portType string // on success
		code     string // on refusal
	}{
		{"automated on-net at its limit", Scenario{Carrier: CarrierWireline}, 999, "AUTOMATED", ""},
		{"automated on-net over its limit", Scenario{Carrier: CarrierWireline}, 1000, "", "7314"},
		{"automated off-net at its limit", Scenario{Carrier: CarrierOffNet}, 49, "AUTOMATEDOFFNET", ""},
		{"automated off-net over 49 becomes manual off-net", Scenario{Carrier: CarrierOffNet}, 50, "MANUALOFFNET", ""},
		{"manual off-net over its limit", Scenario{Carrier: CarrierOffNet}, 5001, "", "7314"},
		{"internal at its limit", Scenario{Carrier: CarrierInternal}, 5000, "INTERNAL", ""},
		{"internal over its limit", Scenario{Carrier: CarrierInternal}, 5001, "", "7314"},
		{"toll-free at its limit", Scenario{Carrier: CarrierTollFree}, 5000, "MANUAL_TOLLFREE", ""},
		{"toll-free over its limit", Scenario{Carrier: CarrierTollFree}, 5001, "", "7314"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tns := numbersFor(tc.scenario, i*6000, tc.n)
			body := tollFreeOrder("", tns...)
			if tc.scenario.Carrier != CarrierTollFree {
				spec := specFor(tns[0])
				spec.TNs = tns
				body = spec.xml()
			}
			if tc.code != "" {
				res := decodeAs[lnpOrderResponse](t, h.call("POST", "/portins", body).expect(t, http.StatusBadRequest).body)
				if codes := errorCodes(res.Errors); !reflect.DeepEqual(codes, []string{tc.code}) || !strings.Contains(res.Errors[0].Description, "split") {
					t.Fatalf("errors %+v, want only %s saying to split", res.Errors, tc.code)
				}
				// A draft is not held to the limit; submitting it is.
				draft := strings.Replace(body, "</ListOfPhoneNumbers>", "</ListOfPhoneNumbers><ProcessingStatus>DRAFT</ProcessingStatus>", 1)
				id := decodeAs[lnpOrderResponse](t, h.call("POST", "/portins", draft).expect(t, http.StatusCreated).body).OrderID
				if tc.scenario.Carrier == CarrierTollFree {
					h.waitStatus(id, statusValidDraftTFNs) // a toll-free draft is submitted once validated
				}
				res = decodeAs[lnpOrderResponse](t, h.call("PUT", "/portins/"+id, `<LnpOrderSupp><ProcessingStatus>SUBMITTED</ProcessingStatus></LnpOrderSupp>`).expect(t, http.StatusBadRequest).body)
				if codes := errorCodes(res.Errors); !reflect.DeepEqual(codes, []string{tc.code}) {
					t.Fatalf("draft submit errors %v, want %s", codes, tc.code)
				}
				h.call("DELETE", "/portins/"+id, "").expect(t, http.StatusOK)
				return
			}
			id := decodeAs[lnpOrderResponse](t, h.call("POST", "/portins", body).expect(t, http.StatusCreated).body).OrderID
			got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+id, "").expect(t, http.StatusOK).body)
			if got.PortType != tc.portType || len(got.ListOfPhoneNumbers.PhoneNumber) != tc.n {
				t.Fatalf("PortType %s with %d numbers, want %s with %d", got.PortType, len(got.ListOfPhoneNumbers.PhoneNumber), tc.portType, tc.n)
			}
		})
	}
}

// TestBulkSubmitEnforcesTheLimitsPerChild: validation makes one child per carrier whatever its
// size; the submit refuses an oversized child in the PortinListErrors shape, and the caller
// splits it (SUPP shrinking the child, a new draft for the rest, attach, submit).
func TestBulkSubmitEnforcesTheLimitsPerChild(t *testing.T) {
	h := newHarness(t)
	big := numbersFor(Scenario{Carrier: CarrierWireline}, 40000, 1000)
	internal := NumberFor(Scenario{Carrier: CarrierInternal}, 40000)
	id := decodeAs[bulkPortinResponse](t, h.call("POST", "/bulkPortins", bulkBody(big[0], "Pat Doe")).expect(t, http.StatusCreated).body).BulkPortin.OrderID
	h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(append(append([]string(nil), big...), internal)...)).expect(t, http.StatusAccepted)
	waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == bulkValidDraft })
	children := decodeAs[tnListResponse](t, h.call("GET", "/bulkPortins/"+id+"/tnList", "").expect(t, http.StatusOK).body).ChildPortinOrderList.Orders
	if len(children) != 2 || len(children[0].TnList.TNs) != 1000 {
		t.Fatalf("children %d, first with %d numbers", len(children), len(children[0].TnList.TNs))
	}
	bigChild, internalChild := children[0].OrderID, children[1].OrderID

	res := decodeAs[bulkPortinResponse](t, h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusBadRequest).body)
	if res.PortinListErrors == nil || len(res.PortinListErrors.PortinErrors) != 1 {
		t.Fatalf("submit of an oversized child %+v", res)
	}
	pe := res.PortinListErrors.PortinErrors[0]
	if pe.PortinOrderID != bigChild || len(pe.Errors.Error) != 1 || pe.Errors.Error[0].ErrorCode != "7314" {
		t.Fatalf("child errors %+v", pe)
	}
	if h.bulkStatus(id) != bulkValidDraft {
		t.Fatalf("a refused submit left the bulk %s", h.bulkStatus(id))
	}

	// Split: detach, shrink the child to 999 numbers, put the freed number on a new draft, attach.
	h.call("PUT", "/bulkPortins/"+id+"/portinList", `<PortinList></PortinList>`).expect(t, http.StatusOK)
	h.call("PUT", "/portins/"+bigChild, `<LnpOrderSupp><ListOfPhoneNumbers><PhoneNumber>`+strings.Join(big[:999], `</PhoneNumber><PhoneNumber>`)+`</PhoneNumber></ListOfPhoneNumbers></LnpOrderSupp>`).expect(t, http.StatusOK)
	rest := specFor(big[999])
	rest.ProcessingStatus = "DRAFT"
	restID := h.createPortIn(rest)
	// The internal child carries the bulk's address, which is not its carrier's record: it
	// stays out (a flow would port it on its own).
	h.call("DELETE", "/portins/"+internalChild, "").expect(t, http.StatusOK)
	h.call("PUT", "/bulkPortins/"+id+"/portinList", fmt.Sprintf(`<PortinList><PortinOrderId>%s</PortinOrderId><PortinOrderId>%s</PortinOrderId></PortinList>`, bigChild, restID)).expect(t, http.StatusOK)
	h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusOK)
	h.waitStatus(bigChild, statusComplete)
	h.waitStatus(restID, statusComplete)
	waitFor(t, "COMPLETED", func() bool { return h.bulkStatus(id) == bulkCompleted })
}
