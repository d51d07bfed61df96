package sandbox

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// tollFreeOrder is a toll-free <LnpOrder>: no billing number, no subscriber (PROTOCOL §5.2).
func tollFreeOrder(extra string, tns ...string) string {
	return `<LnpOrder><SiteId>2297</SiteId><LoaAuthorizingPerson>Pat Doe</LoaAuthorizingPerson>` + extra +
		`<ListOfPhoneNumbers><PhoneNumber>` + strings.Join(tns, `</PhoneNumber><PhoneNumber>`) + `</PhoneNumber></ListOfPhoneNumbers></LnpOrder>`
}

func TestTollFreePortInWaitsInPendingDocumentsForItsLOA(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypePortins, rcv.srv.URL, false)
	tf1 := NumberFor(Scenario{Carrier: CarrierTollFree}, 1)
	tf2 := NumberFor(Scenario{Carrier: CarrierTollFree}, 2)
	if !strings.HasPrefix(tf1, "800") {
		t.Fatalf("NumberFor toll-free gave %s", tf1)
	}

	mixed := decodeAs[lnpOrderResponse](t, h.call("POST", "/portins", tollFreeOrder("", tf1, NumberFor(Scenario{}, 1))).expect(t, http.StatusBadRequest).body)
	if codes := errorCodes(mixed.Errors); !reflect.DeepEqual(codes, []string{"7386"}) {
		t.Fatalf("toll-free mixed with another number: %v", codes)
	}

	r := h.call("POST", "/portins", tollFreeOrder("<RequestedFocDate>"+validFoc+"</RequestedFocDate>", tf1, tf2)).expect(t, http.StatusCreated)
	id := decodeAs[lnpOrderResponse](t, r.body).OrderID
	got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+id, "").expect(t, http.StatusOK).body)
	if got.ProcessingStatus != statusPendingDocuments || got.PortType != "MANUAL_TOLLFREE" || got.LosingCarrierName != "Toll-Free RespOrg" ||
		got.LosingCarrierSPID != "" || got.LosingCarrierIsWireless != "false" || got.BillingTelephoneNumber != "" {
		t.Fatalf("toll-free port-in %+v", got)
	}

	// Toll-free documents: PDF or TIFF only (7638), and the documentType must be given (7640).
	base := "/portins/" + id + "/loas"
	for _, tc := range []struct {
		name, query, contentType, code string
	}{
		{"plain text", "?documentType=LOA", "text/plain", "7638"},
		{"no documentType", "", "application/pdf", "7640"},
	} {
		res := decodeAs[fileUploadResponse](t, h.call("POST", base+tc.query, "%PDF-1.4", "Content-Type", tc.contentType).expect(t, http.StatusBadRequest).body)
		if res.ResultCode != tc.code {
			t.Fatalf("%s: resultCode %s, want %s", tc.name, res.ResultCode, tc.code)
		}
	}
	// A document that is not an LOA does not release the order; retagging it as LOA does.
	other := decodeAs[fileUploadResponse](t, h.call("POST", base+"?documentType=OTHER", "II*\x00tiff", "Content-Type", "image/tiff").expect(t, http.StatusCreated).body)
	if snap, _ := h.sb.Order(id); snap.Status != statusPendingDocuments {
		t.Fatalf("status %s after a non-LOA document", snap.Status)
	}
	h.call("PUT", base+"/"+other.Filename+"/metadata", `<FileMetaData><DocumentType>LOA</DocumentType></FileMetaData>`).expect(t, http.StatusOK)
	snap := h.waitStatus(id, statusComplete)
	if want := []string{"PENDING_DOCUMENTS", "SUBMITTED", "FOC", "COMPLETE"}; !reflect.DeepEqual(statusesOf(snap), want) {
		t.Fatalf("toll-free history %v, want %v", statusesOf(snap), want)
	}
	var notified []string
	waitFor(t, "the COMPLETE notification", func() bool {
		notified = notified[:0]
		for _, n := range rcv.notifications(t) {
			notified = append(notified, n.Status)
		}
		return len(notified) == 4
	})
	if want := []string{"PENDING_DOCUMENTS", "SUBMITTED", "FOC", "COMPLETE"}; !reflect.DeepEqual(notified, want) {
		t.Fatalf("notifications %v, want %v", notified, want)
	}
}

// TestTollFreeDraftIsValidatedBeforeItCanBeSubmitted: a toll-free draft goes through
// VALIDATE_DRAFT_TFNS to VALID_DRAFT_TFNS (or INVALID_DRAFT_TFNS) and is submitted only from
// VALID_DRAFT_TFNS (7637); with its LOA already there it goes straight to SUBMITTED.
func TestTollFreeDraftIsValidatedBeforeItCanBeSubmitted(t *testing.T) {
	h := newHarness(t)
	tf := NumberFor(Scenario{Carrier: CarrierTollFree}, 10)
	other := NumberFor(Scenario{}, 10)
	id := decodeAs[lnpOrderResponse](t, h.call("POST", "/portins", tollFreeOrder("<ProcessingStatus>DRAFT</ProcessingStatus>", tf, other)).expect(t, http.StatusCreated).body).OrderID
	h.waitStatus(id, statusInvalidDraftTFNs)
	got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+id, "").expect(t, http.StatusOK).body)
	if codes := errorCodes(got.Errors); !reflect.DeepEqual(codes, []string{"7386"}) || !reflect.DeepEqual(got.Errors[0].TelephoneNumbers.TNs, []string{other}) {
		t.Fatalf("invalid toll-free draft errors %+v", got.Errors)
	}
	res := decodeAs[lnpOrderResponse](t, h.call("PUT", "/portins/"+id, `<LnpOrderSupp><ProcessingStatus>SUBMITTED</ProcessingStatus></LnpOrderSupp>`).expect(t, http.StatusBadRequest).body)
	if codes := errorCodes(res.Errors); !reflect.DeepEqual(codes, []string{"7637"}) {
		t.Fatalf("submit of an invalid toll-free draft: %v", codes)
	}
	if list := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=10&status=draft", "").expect(t, http.StatusOK).body); list.TotalCount != 1 || list.Orders[0].ProcessingStatus != statusInvalidDraftTFNs {
		t.Fatalf("status=draft listing %+v", list.Orders)
	}

	h.call("PUT", "/portins/"+id, `<LnpOrderSupp><ListOfPhoneNumbers><PhoneNumber>`+tf+`</PhoneNumber></ListOfPhoneNumbers></LnpOrderSupp>`).expect(t, http.StatusOK)
	h.waitStatus(id, statusValidDraftTFNs)
	h.call("POST", "/portins/"+id+"/loas?documentType=LOA", "%PDF-1.4", "Content-Type", "application/pdf").expect(t, http.StatusCreated)
	h.call("PUT", "/portins/"+id, `<LnpOrderSupp><ProcessingStatus>SUBMITTED</ProcessingStatus></LnpOrderSupp>`).expect(t, http.StatusOK)
	snap := h.waitStatus(id, statusComplete)
	want := []string{"VALIDATE_DRAFT_TFNS", "INVALID_DRAFT_TFNS", "VALIDATE_DRAFT_TFNS", "VALID_DRAFT_TFNS", "SUBMITTED", "FOC", "COMPLETE"}
	if !reflect.DeepEqual(statusesOf(snap), want) {
		t.Fatalf("history %v, want %v", statusesOf(snap), want)
	}
}

func TestTollFreeNumbersOutsideThePortIn(t *testing.T) {
	h := newHarness(t)
	tf := NumberFor(Scenario{Carrier: CarrierTollFree}, 20)
	wireline := NumberFor(Scenario{}, 20)

	// /lnpchecker does not check toll-free numbers (PROTOCOL §6.2): unsupported, no carrier.
	res := decodeAs[numberPortabilityResponse](t, h.call("POST", "/lnpchecker?fullCheck=true", checkBody(wireline, tf)).expect(t, http.StatusOK).body)
	if !reflect.DeepEqual(res.PortableNumbers.TNs, []string{wireline}) || res.PortType != portTypeMixed {
		t.Fatalf("portable %v, PortType %s", res.PortableNumbers.TNs, res.PortType)
	}
	if un := groupTNs(res.UnsupportedRateCenters); !reflect.DeepEqual(un["TOLLFREE"], []string{tf}) {
		t.Fatalf("unsupported rate centers %v", un)
	}
	for _, g := range res.SupportedLosingCarriers.Groups {
		if contains(g.TnList.TNs, tf) {
			t.Fatalf("toll-free number listed under losing carrier %s", g.LosingCarrierName)
		}
	}

	// A RespOrg keeps no customer service record.
	csr := h.createCSR(tf, "")
	waitFor(t, "the toll-free CSR to fail", func() bool {
		snap, _ := h.sb.Order(csr)
		return snap.Status == csrFailed
	})
	if rec := CarrierRecordFor(tf); rec.Carrier.Carrier != CarrierTollFree || rec.CSR != CSRFailed || rec.RateCenter.Coverage != CoverageTollFree {
		t.Fatalf("toll-free record %+v", rec)
	}
}

func TestBulkPortInPutsTollFreeNumbersInTheirOwnChild(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypeBulkPortins, rcv.srv.URL, false)
	a1 := NumberFor(Scenario{Carrier: CarrierWireline}, 30)
	tf1 := NumberFor(Scenario{Carrier: CarrierTollFree}, 30)
	tf2 := NumberFor(Scenario{Carrier: CarrierTollFree}, 31)
	id := decodeAs[bulkPortinResponse](t, h.call("POST", "/bulkPortins", bulkBody(a1, "Pat Doe")).expect(t, http.StatusCreated).body).BulkPortin.OrderID
	h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(tf1, a1, tf2)).expect(t, http.StatusAccepted)
	waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == bulkValidDraft })
	children := decodeAs[tnListResponse](t, h.call("GET", "/bulkPortins/"+id+"/tnList", "").expect(t, http.StatusOK).body).ChildPortinOrderList.Orders
	if len(children) != 2 || !reflect.DeepEqual(children[0].TnList.TNs, []string{tf1, tf2}) || !reflect.DeepEqual(children[1].TnList.TNs, []string{a1}) {
		t.Fatalf("children %+v", children)
	}
	tfChild, wirelineChild := children[0].OrderID, children[1].OrderID
	got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+tfChild, "").expect(t, http.StatusOK).body)
	if got.PortType != "MANUAL_TOLLFREE" || got.LosingCarrierName != "Toll-Free RespOrg" || got.LosingCarrierIsWireless != "false" ||
		got.BillingTelephoneNumber != "" || got.BulkPortinOrderID != id {
		t.Fatalf("toll-free child %+v", got)
	}

	h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusOK)
	h.waitStatus(wirelineChild, statusComplete)
	h.waitStatus(tfChild, statusPendingDocuments)
	if st := h.bulkStatus(id); st != bulkInProgress {
		t.Fatalf("bulk %s while its toll-free child waits for the LOA", st)
	}
	h.call("POST", "/portins/"+tfChild+"/loas", "%PDF-1.4", "Content-Type", "application/pdf", "documentType", "LOA").expect(t, http.StatusCreated)
	h.waitStatus(tfChild, statusComplete)
	waitFor(t, "COMPLETED", func() bool { return h.bulkStatus(id) == bulkCompleted })
}
