package sandbox

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// bulkBody is a <BulkPortin> whose subscriber address is the carrier's record of tn.
func bulkBody(tn, loaAuthorizer string) string {
	a := CarrierRecordFor(tn).ServiceAddress
	loa := ""
	if loaAuthorizer != "" {
		loa = "<LoaAuthorizingPerson>" + loaAuthorizer + "</LoaAuthorizingPerson>"
	}
	return fmt.Sprintf(`<BulkPortin><CustomerOrderId>bulk-1</CustomerOrderId><RequestedFocDate>%s</RequestedFocDate>%s<SiteId>2297</SiteId>`+
		`<Subscriber><SubscriberType>BUSINESS</SubscriberType><BusinessName>Oak City Plumbing</BusinessName><ServiceAddress>`+
		`<HouseNumber>%s</HouseNumber><PreDirectional>%s</PreDirectional><StreetName>%s</StreetName><StreetSuffix>%s</StreetSuffix>`+
		`<City>%s</City><StateCode>%s</StateCode><Zip>%s</Zip></ServiceAddress></Subscriber></BulkPortin>`,
		validFoc, loa, a.HouseNumber, a.PreDirectional, a.StreetName, a.StreetSuffix, a.City, a.State, a.Zip)
}

func tnListBody(tns ...string) string {
	return "<TnList><TN>" + strings.Join(tns, "</TN><TN>") + "</TN></TnList>"
}

func (h *harness) bulkStatus(id string) string {
	snap, _ := h.sb.Order(id)
	return snap.Status
}

func TestBulkPortIn(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypeBulkPortins, rcv.srv.URL, false)
	a1 := NumberFor(Scenario{Carrier: CarrierWireline}, 1)
	a2 := NumberFor(Scenario{Carrier: CarrierWireline}, 2)
	b1 := NumberFor(Scenario{Carrier: CarrierInternal}, 1)
	bad := NumberFor(Scenario{Carrier: CarrierWireline, NonPortable: true}, 1)

	r := h.call("POST", "/bulkPortins", bulkBody(a1, "Pat Doe")).expect(t, http.StatusCreated)
	created := decodeAs[bulkPortinResponse](t, r.body).BulkPortin
	if created == nil || created.ProcessingStatus != "DRAFT" || created.OrderID == "" || created.CustomerOrderID != "bulk-1" {
		t.Fatalf("create reply %s", r.body)
	}
	id := created.OrderID

	invalid := decodeAs[responseStatusEnvelope](t, h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody("19192000000")).expect(t, http.StatusBadRequest).body)
	if invalid.ResponseStatus.ErrorCode != "7339" || !strings.Contains(invalid.ResponseStatus.Description, "19192000000") {
		t.Fatalf("invalid TN list %+v", invalid.ResponseStatus)
	}

	accepted := decodeAs[tnListResponse](t, h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(a1, a2, b1, bad)).expect(t, http.StatusAccepted).body)
	if accepted.ProcessingStatus != "VALIDATE_DRAFT_TNS" || accepted.OrderID != id {
		t.Fatalf("tnList reply %+v", accepted)
	}
	waitFor(t, "INVALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == "INVALID_DRAFT_TNS" })
	list := decodeAs[tnListResponse](t, h.call("GET", "/bulkPortins/"+id+"/tnList", "").expect(t, http.StatusOK).body)
	if !reflect.DeepEqual(list.PortableTnList.TN, []string{a1, a2, b1}) || len(list.ChildPortinOrder) != 2 || list.ChildPortinOrderList != nil {
		t.Fatalf("invalid list %+v", list)
	}
	if e := list.ErrorList.Error; len(e) != 1 || e[0].Code != "7331" || !reflect.DeepEqual(e[0].TnList.TNs, []string{bad}) {
		t.Fatalf("error list %+v", e)
	}
	refused := decodeAs[bulkPortinResponse](t, h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusBadRequest).body)
	if refused.PortinListErrors.PortinErrors[0].Errors.Error[0].ErrorCode != "7648" {
		t.Fatalf("submit of an invalid list %+v", refused)
	}

	h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(a1, a2, b1)).expect(t, http.StatusAccepted)
	waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == "VALID_DRAFT_TNS" })
	valid := decodeAs[tnListResponse](t, h.call("GET", "/bulkPortins/"+id+"/tnList", "").expect(t, http.StatusOK).body)
	children := valid.ChildPortinOrderList.Orders
	if len(children) != 2 || !reflect.DeepEqual(children[0].TnList.TNs, []string{a1, a2}) || !reflect.DeepEqual(children[1].TnList.TNs, []string{b1}) {
		t.Fatalf("children %+v", children)
	}
	childA, childB := children[0].OrderID, children[1].OrderID
	child := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+childA, "").expect(t, http.StatusOK).body)
	if child.ProcessingStatus != "DRAFT" || child.BulkPortinOrderID != id || child.Subscriber.BusinessName != "Oak City Plumbing" || child.BillingTelephoneNumber != a1 {
		t.Fatalf("child %+v", child)
	}
	conflict := decodeAs[lnpOrderResponse](t, h.call("PUT", "/portins/"+childA, `<LnpOrderSupp><PeerId>5</PeerId></LnpOrderSupp>`).expect(t, http.StatusConflict).body)
	if codes := errorCodes(conflict.Errors); !reflect.DeepEqual(codes, []string{"7717"}) {
		t.Fatalf("SUPP of a draft bulk's child: %v", codes)
	}
	h.call("PUT", "/bulkPortins/"+id, bulkBody(a1, "Pat Doe")).expect(t, http.StatusConflict) // 7703: children exist

	pl := decodeAs[portinListResponse](t, h.call("GET", "/bulkPortins/"+id+"/portinList", "").expect(t, http.StatusOK).body)
	if !reflect.DeepEqual(pl.PortinList.OrderIDs, []string{childA, childB}) {
		t.Fatalf("portinList %+v", pl)
	}

	h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusOK)
	// Child A's address is its billing number's record; child B (Bandwidth's own number) has
	// another record, so its carrier rejects the shared address.
	h.waitStatus(childA, "COMPLETE")
	h.waitStatus(childB, "EXCEPTION")
	waitFor(t, "NEEDS_ATTENTION", func() bool { return h.bulkStatus(id) == "NEEDS_ATTENTION" })
	pl = decodeAs[portinListResponse](t, h.call("GET", "/bulkPortins/"+id+"/portinList", "").expect(t, http.StatusOK).body)
	if pl.Errors == nil || pl.Errors.Error[0].PortinOrderID != childB || pl.Errors.Error[0].ErrorCode != "7402" {
		t.Fatalf("portinList errors %+v", pl.Errors)
	}
	h.call("DELETE", "/portins/"+childB, "").expect(t, http.StatusOK)
	waitFor(t, "PARTIAL", func() bool { return h.bulkStatus(id) == "PARTIAL" })
	h.call("DELETE", "/bulkPortins/"+id, "").expect(t, http.StatusBadRequest)

	var statuses []string
	waitFor(t, "bulk callbacks", func() bool {
		statuses = statuses[:0]
		for _, n := range rcv.notifications(t) {
			statuses = append(statuses, n.Status)
		}
		return len(statuses) > 0 && statuses[len(statuses)-1] == "PARTIAL"
	})
	// While child B is being cancelled no child needs attention, so the bulk is IN_PROGRESS again.
	if want := []string{"DRAFT", "IN_PROGRESS", "NEEDS_ATTENTION", "IN_PROGRESS", "PARTIAL"}; !reflect.DeepEqual(statuses, want) {
		t.Fatalf("bulk callbacks %v, want %v", statuses, want)
	}
}

func TestBulkSubmitReportsEveryChildsErrors(t *testing.T) {
	h := newHarness(t)
	a1 := NumberFor(Scenario{Carrier: CarrierWireline}, 10)
	b1 := NumberFor(Scenario{Carrier: CarrierInternal}, 10)
	id := decodeAs[bulkPortinResponse](t, h.call("POST", "/bulkPortins", bulkBody(a1, "")).expect(t, http.StatusCreated).body).BulkPortin.OrderID
	h.call("PUT", "/bulkPortins/"+id, bulkBody(a1, "")).expect(t, http.StatusOK) // no children yet: replace allowed
	h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(a1, b1)).expect(t, http.StatusAccepted)
	waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == "VALID_DRAFT_TNS" })

	res := decodeAs[bulkPortinResponse](t, h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusBadRequest).body)
	if res.ResponseStatus.Description != "Please check your input parameters." || len(res.PortinListErrors.PortinErrors) != 2 {
		t.Fatalf("submit without LOA authorizer %+v", res)
	}
	for _, pe := range res.PortinListErrors.PortinErrors {
		if pe.Errors.Error[0].ErrorCode != "1003" {
			t.Fatalf("child %s errors %+v", pe.PortinOrderID, pe.Errors.Error)
		}
	}
	if h.bulkStatus(id) != "VALID_DRAFT_TNS" {
		t.Fatal("a failed submit changed the bulk status")
	}
	// A PATCH re-applies the default to every child; the submit then goes through.
	h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><LoaAuthorizingPerson>Pat Doe</LoaAuthorizingPerson><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusOK)
	if h.bulkStatus(id) != "IN_PROGRESS" {
		t.Fatalf("bulk status %s after submit", h.bulkStatus(id))
	}
}

func TestBulkDraftDeletionAndPortinListEdits(t *testing.T) {
	h := newHarness(t)
	a1 := NumberFor(Scenario{Carrier: CarrierWireline}, 20)
	b1 := NumberFor(Scenario{Carrier: CarrierInternal}, 20)
	id := decodeAs[bulkPortinResponse](t, h.call("POST", "/bulkPortins", bulkBody(a1, "Pat Doe")).expect(t, http.StatusCreated).body).BulkPortin.OrderID
	h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(a1, b1)).expect(t, http.StatusAccepted)
	waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == "VALID_DRAFT_TNS" })
	pl := decodeAs[portinListResponse](t, h.call("GET", "/bulkPortins/"+id+"/portinList", "").expect(t, http.StatusOK).body)
	kept, detached := pl.PortinList.OrderIDs[0], pl.PortinList.OrderIDs[1]

	h.call("PUT", "/bulkPortins/"+id+"/portinList", `<PortinList><PortinOrderId>`+kept+`</PortinOrderId></PortinList>`).expect(t, http.StatusOK)
	if got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+detached, "").expect(t, http.StatusOK).body); got.BulkPortinOrderID != "" {
		t.Fatalf("detached child still names bulk %s", got.BulkPortinOrderID)
	}
	bad := decodeAs[portinListResponse](t, h.call("PUT", "/bulkPortins/"+id+"/portinList", `<PortinList><PortinOrderId>nope</PortinOrderId></PortinList>`).expect(t, http.StatusBadRequest).body)
	if bad.Errors == nil || bad.Errors.Error[0].PortinOrderID != "nope" {
		t.Fatalf("attach of an unknown order %+v", bad)
	}
	h.call("DELETE", "/bulkPortins/"+id, "").expect(t, http.StatusOK)
	h.call("GET", "/bulkPortins/"+id, "").expect(t, http.StatusNotFound)
	h.call("GET", "/portins/"+kept, "").expect(t, http.StatusNotFound)
	h.call("GET", "/portins/"+detached, "").expect(t, http.StatusOK)
}
