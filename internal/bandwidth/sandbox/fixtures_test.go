package sandbox

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The sandbox's XML is checked against Bandwidth's real payload shapes (testdata/, copied from
// Bandwidth's documentation and SDK test suites): every element the sandbox writes must appear
// at the same path in a fixture of the same kind, so a misspelt or misplaced element fails here
// rather than in a client that was written against the same misreading.

// elementPaths returns the set of element paths of an XML document ("CsrResponse/CsrData/…").
func elementPaths(t *testing.T, doc []byte) map[string]bool {
	t.Helper()
	paths := map[string]bool{}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return paths
		}
		if err != nil {
			t.Fatalf("parse XML: %v\n%s", err, doc)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			stack = append(stack, el.Name.Local)
			paths[strings.Join(stack, "/")] = true
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

func fixturePaths(t *testing.T, names ...string) map[string]bool {
	t.Helper()
	all := map[string]bool{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatalf("read fixture: %v", err)
		}
		for p := range elementPaths(t, b) {
			all[p] = true
		}
	}
	return all
}

// assertShape fails for every element of got that no fixture has, unless it is an allowed
// extra (an element PROTOCOL.md documents but no fixture happens to show).
func assertShape(t *testing.T, got []byte, allowedExtras []string, fixtures ...string) {
	t.Helper()
	want := fixturePaths(t, fixtures...)
	for _, p := range allowedExtras {
		want[p] = true
	}
	var unknown []string
	for p := range elementPaths(t, got) {
		if !want[p] {
			unknown = append(unknown, p)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Fatalf("elements not in %v: %v\n%s", fixtures, unknown, got)
	}
}

func TestResponsesMatchBandwidthShapes(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypeCSRs, rcv.srv.URL, false)
	h.subscribe(orderTypePortins, rcv.srv.URL, false)

	csrGets := []string{"csr-get-complete-full-echo.xml", "csr-get-complete-parsed-address.xml", "csr-get-with-errors-26500.xml", "csr-get-200-failed-26500.xml"}
	portinGets := []string{"portin-get-submitted-full.xml", "portin-get-cancelled-with-errors.xml", "portin-create-201-pending-documents.xml", "portin-create-400-validation.xml", "portin-put-400-errors-with-tns.xml"}
	portinExtras := []string{
		"LnpOrderResponse/ActualFocDate", "LnpOrderResponse/LosingCarrierSPID", "LnpOrderResponse/LosingCarrierIsWireless",
		"LnpOrderResponse/CustomerOrderId", "LnpOrderResponse/EarliestEstimate", "LnpOrderResponse/BulkPortinOrderId",
	}
	// ServiceAddress parts PROTOCOL §5.2 documents that no fixture happens to fill.
	for _, el := range []string{"HousePrefix", "HouseSuffix", "PreDirectional", "StreetSuffix", "PostDirectional", "AddressLine2", "PlusFour"} {
		portinExtras = append(portinExtras, "LnpOrderResponse/Subscriber/ServiceAddress/"+el)
	}

	t.Run("CSR create", func(t *testing.T) {
		r := h.call("POST", "/csrs", `<Csr><WorkingOrBillingTelephoneNumber>9192000000</WorkingOrBillingTelephoneNumber></Csr>`).expect(t, http.StatusCreated)
		assertShape(t, r.body, nil, "csr-create-201-received.xml")
	})
	t.Run("CSR get, every outcome", func(t *testing.T) {
		extra := `<CustomerOrderId>shape</CustomerOrderId><AccountNumber>1</AccountNumber><EndUserName>Pat</EndUserName><AddressLine1>1 Main St</AddressLine1><City>Raleigh</City><State>NC</State><ZIPCode>27601</ZIPCode><TypeOfService>residential</TypeOfService>`
		for i, o := range []CSROutcome{CSRComplete, CSRCompleteUnparsed, CSRCompleteWithError, CSRFailed} {
			id := h.createCSR(NumberFor(Scenario{CSR: o}, 50+i), extra)
			waitFor(t, "the CSR outcome", func() bool { s, _ := h.sb.Order(id); return s.Status != csrProcessing })
			assertShape(t, h.call("GET", "/csrs/"+id, "").expect(t, http.StatusOK).body, nil, csrGets...)
		}
	})
	t.Run("CSR 400", func(t *testing.T) {
		assertShape(t, h.call("POST", "/csrs", `<Csr/>`).expect(t, http.StatusBadRequest).body, nil, "csr-create-400.xml")
	})
	t.Run("CSR notification", func(t *testing.T) {
		waitFor(t, "a CSR callback", func() bool {
			for _, c := range h.sb.Callbacks() {
				if c.OrderType == orderTypeCSRs && c.Outcome == CallbackDelivered {
					return true
				}
			}
			return false
		})
		for _, c := range h.sb.Callbacks() {
			if c.OrderType == orderTypeCSRs {
				assertShape(t, []byte(c.Body), []string{"Notification/CustomerOrderId"}, "notification-csrs-complete.xml")
			}
		}
	})

	var portinID string
	t.Run("port-in create, get, list, history, SUPP, notifications", func(t *testing.T) {
		spec := specFor(NumberFor(Scenario{Carrier: CarrierWireless}, 60))
		spec.CustomerOrderID, spec.RequestedFocDate = "shape-1", validFoc
		r := h.call("POST", "/portins", spec.xml()).expect(t, http.StatusCreated)
		assertShape(t, r.body, portinExtras, portinGets...)
		portinID = decodeAs[lnpOrderResponse](t, r.body).OrderID
		assertShape(t, h.call("GET", "/portins/"+portinID, "").expect(t, http.StatusOK).body, portinExtras, portinGets...)
		h.waitStatus(portinID, "COMPLETE")
		assertShape(t, h.call("GET", "/portins/"+portinID, "").expect(t, http.StatusOK).body, portinExtras, portinGets...)
		assertShape(t, h.call("GET", "/portins?page=1&size=10", "").expect(t, http.StatusOK).body,
			[]string{"LNPResponseWrapper/lnpPortInfoForGivenStatus/CustomerOrderId", "LNPResponseWrapper/Links/next"}, "portins-list-foc.xml")
		assertShape(t, h.call("GET", "/portins/"+portinID+"/history", "").expect(t, http.StatusOK).body, nil, "portin-history.xml")
		assertShape(t, h.call("DELETE", "/portins/"+portinID, "").expect(t, http.StatusBadRequest).body, nil, "portin-delete-400-7304.xml")
		for _, c := range h.sb.Callbacks() {
			if c.OrderID == portinID {
				assertShape(t, []byte(c.Body), []string{"Notification/OrderId", "Notification/Message"}, "notification-order-webhook-generic.xml")
			}
		}

		bad := specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 61))
		bad.Zip = "99999"
		id := h.createPortIn(bad)
		h.waitStatus(id, "EXCEPTION")
		assertShape(t, h.call("GET", "/portins/"+id, "").expect(t, http.StatusOK).body, portinExtras, portinGets...)
		r = h.call("PUT", "/portins/"+id, `<LnpOrderSupp><RequestedFocDate>`+validFoc+`</RequestedFocDate></LnpOrderSupp>`).expect(t, http.StatusOK)
		assertShape(t, r.body, nil, "portin-put-200-requested-supp.xml")
	})
	t.Run("LOA list and activation status", func(t *testing.T) {
		spec := specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 62))
		spec.Triggered = true
		id := h.createPortIn(spec)
		h.call("POST", "/portins/"+id+"/loas", "LOA", "Content-Type", "text/plain").expect(t, http.StatusCreated)
		assertShape(t, h.call("GET", "/portins/"+id+"/loas?metadata=true", "").expect(t, http.StatusOK).body, nil, "portin-loas-file-list.xml")
		assertShape(t, h.call("GET", "/portins/"+id+"/activationStatus", "").expect(t, http.StatusBadRequest).body, nil, "activation-status-put-400-7342.xml")
		h.waitStatus(id, "FOC")
		// The fixture's not-yet-activated list is empty; PROTOCOL §5.10 gives both lists one shape.
		assertShape(t, h.call("GET", "/portins/"+id+"/activationStatus", "").expect(t, http.StatusOK).body,
			[]string{"ActivationStatusResponse/ActivationStatus/NotYetActivatedTelephoneNumbersList/TelephoneNumber"}, "activation-status-get-200.xml")
	})
	t.Run("portability check", func(t *testing.T) {
		body := checkBody(NumberFor(Scenario{}, 1), NumberFor(Scenario{Carrier: CarrierWireless}, 1), NumberFor(Scenario{Carrier: CarrierOffNet}, 1), NumberFor(Scenario{NonPortable: true}, 1))
		for _, mode := range []string{"true", "offnetportability", "false"} {
			assertShape(t, h.call("POST", "/lnpchecker?fullCheck="+mode, body).expect(t, http.StatusOK).body, nil,
				"lnpchecker-fullcheck-offnetportability.xml", "lnpchecker-fullcheck-true.xml")
		}
		assertShape(t, h.call("POST", "/lnpchecker?fullCheck=true", checkBody("61746052083")).expect(t, http.StatusBadRequest).body, nil, "lnpchecker-400-invalid-tn.xml")
	})
	t.Run("subscriptions", func(t *testing.T) {
		assertShape(t, h.call("GET", "/subscriptions", "").expect(t, http.StatusOK).body, nil, "subscriptions-list.xml")
	})
	t.Run("bulk TN lists and submit errors", func(t *testing.T) {
		a1 := NumberFor(Scenario{Carrier: CarrierWireline}, 70)
		id := decodeAs[bulkPortinResponse](t, h.call("POST", "/bulkPortins", bulkBody(a1, "")).expect(t, http.StatusCreated).body).BulkPortin.OrderID
		h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(a1, NumberFor(Scenario{NonPortable: true}, 70))).expect(t, http.StatusAccepted)
		waitFor(t, "INVALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == bulkInvalidDraft })
		assertShape(t, h.call("GET", "/bulkPortins/"+id+"/tnList", "").expect(t, http.StatusOK).body, nil, "bulk-tnlist-invalid-draft-tns.xml")
		h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(a1)).expect(t, http.StatusAccepted)
		waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == bulkValidDraft })
		assertShape(t, h.call("GET", "/bulkPortins/"+id+"/tnList", "").expect(t, http.StatusOK).body, nil, "bulk-tnlist-valid-draft-tns.xml")
		r := h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusBadRequest)
		assertShape(t, r.body, nil, "bulk-patch-400-portin-list-errors.xml")
	})
}

func TestBandwidthRequestFixturesAreUnderstood(t *testing.T) {
	h := newHarness(t)
	t.Run("on-net port-in request example", func(t *testing.T) {
		body, err := os.ReadFile("testdata/portin-create-request-onnet.xml")
		if err != nil {
			t.Fatal(err)
		}
		// The documentation example is a draft, so it is created with little validation.
		created := decodeAs[lnpOrderResponse](t, h.call("POST", "/portins", string(body)).expect(t, http.StatusCreated).body)
		if created.ProcessingStatus != "DRAFT" || created.WirelessInfo == nil || created.WirelessInfo.AccountNumber != "771297665AABC" ||
			created.CustomerOrderID != "myOrder" || created.Triggered != "true" || created.Subscriber.ServiceAddress.County != "Canyon" ||
			len(created.TnAttributes.TnAttribute) != 3 || created.NewBillingTelephoneNumber != "9175131245" {
			t.Fatalf("fields of the example were not read: %+v", created)
		}
		// Its placeholder site and peer ids, BUSINESS subscriber without a BusinessName and 2016
		// FOC date are refused when it is submitted, as Bandwidth would.
		res := decodeAs[lnpOrderResponse](t, h.call("PUT", "/portins/"+created.OrderID, `<LnpOrderSupp><ProcessingStatus>SUBMITTED</ProcessingStatus></LnpOrderSupp>`).expect(t, http.StatusBadRequest).body)
		if codes := errorCodes(res.Errors); !reflect.DeepEqual(codes, []string{"7309", "7312", "7324", "7209"}) {
			t.Fatalf("codes %v", codes)
		}
	})
	t.Run("CSR cancel request example", func(t *testing.T) {
		body, err := os.ReadFile("testdata/csr-put-request-cancel.xml")
		if err != nil {
			t.Fatal(err)
		}
		id := h.createCSR(NumberFor(Scenario{CSR: CSRActionRequired}, 80), "")
		h.waitStatus(id, csrActionRequired)
		h.call("PUT", "/csrs/"+id, string(body)).expect(t, http.StatusOK)
		h.waitStatus(id, csrCancelled)
	})
}
