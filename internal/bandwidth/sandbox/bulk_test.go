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

// suppFull supplements a detached child with everything a flow sends: billing number,
// subscriber with the whole service address replaced (ResetAddressFields), LOA authorizer,
// WirelessInfo for the wireless carrier, and the numbers the child keeps.
func (h *harness) suppFull(orderID, btn, businessName string, tns ...string) {
	h.t.Helper()
	spec := specFor(btn)
	spec.Root, spec.TNs = "LnpOrderSupp", tns
	spec.SubscriberType, spec.BusinessName, spec.FirstName, spec.LastName = "BUSINESS", businessName, "", ""
	body := strings.Replace(spec.xml(), "<ServiceAddress>", "<ServiceAddress><ResetAddressFields>true</ResetAddressFields>", 1)
	h.call("PUT", "/portins/"+orderID, body).expect(h.t, http.StatusOK)
}

func portinListBody(ids ...string) string {
	var b strings.Builder
	b.WriteString("<PortinList>")
	for _, id := range ids {
		b.WriteString("<PortinOrderId>" + id + "</PortinOrderId>")
	}
	b.WriteString("</PortinList>")
	return b.String()
}

// TestBulkChildrenSuppliedWhileDetachedKeepTheirOwnData walks portflow's bulk flow: detach
// every child, supplement each with its own data (shrinking one), put the freed number on a
// new draft, attach them all, submit. The children go to the carrier with their own data.
func TestBulkChildrenSuppliedWhileDetachedKeepTheirOwnData(t *testing.T) {
	h := newHarness(t)
	a1 := NumberFor(Scenario{Carrier: CarrierWireline}, 50)
	a2 := NumberFor(Scenario{Carrier: CarrierWireline}, 51)
	w1 := NumberFor(Scenario{Carrier: CarrierWireless}, 50)
	id := decodeAs[bulkPortinResponse](t, h.call("POST", "/bulkPortins", bulkBody(a1, "Pat Doe")).expect(t, http.StatusCreated).body).BulkPortin.OrderID
	h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(a1, a2, w1)).expect(t, http.StatusAccepted)
	waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == bulkValidDraft })
	children := decodeAs[tnListResponse](t, h.call("GET", "/bulkPortins/"+id+"/tnList", "").expect(t, http.StatusOK).body).ChildPortinOrderList.Orders
	if len(children) != 2 || !reflect.DeepEqual(children[0].TnList.TNs, []string{a1, a2}) || !reflect.DeepEqual(children[1].TnList.TNs, []string{w1}) {
		t.Fatalf("children %+v", children)
	}
	wirelineChild, wirelessChild := children[0].OrderID, children[1].OrderID

	// With the bulk's defaults alone the wireless child lacks its account number and PIN.
	res := decodeAs[bulkPortinResponse](t, h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusBadRequest).body)
	if pes := res.PortinListErrors.PortinErrors; len(pes) != 1 || pes[0].PortinOrderID != wirelessChild ||
		len(pes[0].Errors.Error) != 2 || pes[0].Errors.Error[0].ErrorCode != "7212" || pes[0].Errors.Error[1].ErrorCode != "7213" {
		t.Fatalf("submit with the defaults only: %+v", res.PortinListErrors)
	}

	h.call("PUT", "/bulkPortins/"+id+"/portinList", `<PortinList/>`).expect(t, http.StatusOK)
	if pl := decodeAs[portinListResponse](t, h.call("GET", "/bulkPortins/"+id+"/portinList", "").expect(t, http.StatusOK).body); len(pl.PortinList.OrderIDs) != 0 {
		t.Fatalf("children after detaching all: %v", pl.PortinList.OrderIDs)
	}
	h.suppFull(wirelineChild, a1, "Oak City Plumbing", a1) // a2 leaves the child
	h.suppFull(wirelessChild, w1, "Triangle Dental PA", w1)
	rest := specFor(a2)
	rest.ProcessingStatus = "DRAFT"
	restID := h.createPortIn(rest) // a2, removed from its child, is free for a draft of its own

	h.call("PUT", "/bulkPortins/"+id+"/portinList", portinListBody(wirelineChild, wirelessChild, restID)).expect(t, http.StatusOK)
	if got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+restID, "").expect(t, http.StatusOK).body); got.BulkPortinOrderID != id {
		t.Fatalf("attached draft names bulk %q", got.BulkPortinOrderID)
	}
	h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusOK)
	for _, child := range []string{wirelineChild, wirelessChild, restID} {
		h.waitStatus(child, statusComplete)
	}
	waitFor(t, "COMPLETED", func() bool { return h.bulkStatus(id) == bulkCompleted })

	rec := CarrierRecordFor(w1)
	got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+wirelessChild, "").expect(t, http.StatusOK).body)
	if got.BillingTelephoneNumber != w1 || got.Subscriber.BusinessName != "Triangle Dental PA" ||
		got.Subscriber.ServiceAddress.HouseNumber != rec.ServiceAddress.HouseNumber || got.Subscriber.ServiceAddress.PreDirectional != rec.ServiceAddress.PreDirectional ||
		got.WirelessInfo == nil || got.WirelessInfo.AccountNumber != rec.AccountNumber {
		t.Fatalf("wireless child after submit %+v", got)
	}
	if got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+wirelineChild, "").expect(t, http.StatusOK).body); !reflect.DeepEqual(got.ListOfPhoneNumbers.PhoneNumber, []string{a1}) {
		t.Fatalf("shrunk child numbers %v", got.ListOfPhoneNumbers.PhoneNumber)
	}
}

// TestBulkSubmitRefusesANumberOnTwoChildren: children submitted together cannot share a
// number, as if each were submitted in turn (7205).
func TestBulkSubmitRefusesANumberOnTwoChildren(t *testing.T) {
	h := newHarness(t)
	a1 := NumberFor(Scenario{Carrier: CarrierWireline}, 55)
	id := decodeAs[bulkPortinResponse](t, h.call("POST", "/bulkPortins", bulkBody(a1, "Pat Doe")).expect(t, http.StatusCreated).body).BulkPortin.OrderID
	h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(a1)).expect(t, http.StatusAccepted)
	waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == bulkValidDraft })
	child := decodeAs[portinListResponse](t, h.call("GET", "/bulkPortins/"+id+"/portinList", "").expect(t, http.StatusOK).body).PortinList.OrderIDs[0]
	dup := specFor(a1)
	dup.ProcessingStatus = "DRAFT"
	dupID := h.createPortIn(dup)
	h.call("PUT", "/bulkPortins/"+id+"/portinList", portinListBody(child, dupID)).expect(t, http.StatusOK)
	res := decodeAs[bulkPortinResponse](t, h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusBadRequest).body)
	if pes := res.PortinListErrors.PortinErrors; len(pes) != 1 || pes[0].PortinOrderID != dupID || pes[0].Errors.Error[0].ErrorCode != "7205" {
		t.Fatalf("two children with one number: %+v", res.PortinListErrors)
	}
}

// TestBulkStatusCountsOnlyAttachedChildren: a child detached and deleted, and a child
// detached and submitted on its own, do not count towards the bulk's status.
func TestBulkStatusCountsOnlyAttachedChildren(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypeBulkPortins, rcv.srv.URL, false)
	a1 := NumberFor(Scenario{Carrier: CarrierWireline}, 60)
	b1 := NumberFor(Scenario{Carrier: CarrierInternal}, 60)
	w1 := NumberFor(Scenario{Carrier: CarrierWireless}, 60)
	id := decodeAs[bulkPortinResponse](t, h.call("POST", "/bulkPortins", bulkBody(a1, "Pat Doe")).expect(t, http.StatusCreated).body).BulkPortin.OrderID
	h.call("PUT", "/bulkPortins/"+id+"/tnList", tnListBody(a1, b1, w1)).expect(t, http.StatusAccepted)
	waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(id) == bulkValidDraft })
	ids := decodeAs[portinListResponse](t, h.call("GET", "/bulkPortins/"+id+"/portinList", "").expect(t, http.StatusOK).body).PortinList.OrderIDs
	if len(ids) != 3 {
		t.Fatalf("children %v", ids)
	}
	childA, childB, childW := ids[0], ids[1], ids[2]

	h.call("PUT", "/bulkPortins/"+id+"/portinList", portinListBody(childA)).expect(t, http.StatusOK)
	h.call("DELETE", "/portins/"+childW, "").expect(t, http.StatusOK)
	h.call("GET", "/portins/"+childW, "").expect(t, http.StatusNotFound)
	// Submitted on its own, child B's carrier rejects the bulk's address (its own record differs).
	h.call("PUT", "/portins/"+childB, `<LnpOrderSupp><ProcessingStatus>SUBMITTED</ProcessingStatus></LnpOrderSupp>`).expect(t, http.StatusOK)
	h.waitStatus(childB, statusException)

	h.call("PATCH", "/bulkPortins/"+id, `<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>`).expect(t, http.StatusOK)
	h.waitStatus(childA, statusComplete)
	waitFor(t, "COMPLETED", func() bool { return h.bulkStatus(id) == bulkCompleted })
	var statuses []string
	waitFor(t, "the COMPLETED callback", func() bool {
		statuses = statuses[:0]
		for _, n := range rcv.notifications(t) {
			statuses = append(statuses, n.Status)
		}
		return len(statuses) > 0 && statuses[len(statuses)-1] == bulkCompleted
	})
	if want := []string{"DRAFT", "IN_PROGRESS", "COMPLETED"}; !reflect.DeepEqual(statuses, want) {
		t.Fatalf("bulk callbacks %v, want %v", statuses, want)
	}
	pl := decodeAs[portinListResponse](t, h.call("GET", "/bulkPortins/"+id+"/portinList", "").expect(t, http.StatusOK).body)
	if !reflect.DeepEqual(pl.PortinList.OrderIDs, []string{childA}) || pl.Errors != nil {
		t.Fatalf("portinList %+v", pl)
	}
}

// TestDeleteDraftRemovesItAndFreesItsNumbers: DELETE on a draft removes it entirely
// (PROTOCOL §5.3), attached to a bulk or not.
func TestDeleteDraftRemovesItAndFreesItsNumbers(t *testing.T) {
	h := newHarness(t)
	tn := NumberFor(Scenario{Carrier: CarrierWireline}, 70)
	draft := specFor(tn)
	draft.ProcessingStatus = "DRAFT"
	id := h.createPortIn(draft)
	reply := decodeAs[lnpOrderResponse](t, h.call("DELETE", "/portins/"+id, "").expect(t, http.StatusOK).body)
	if reply.OrderID != id || reply.Status == nil || reply.Status.Code != http.StatusOK {
		t.Fatalf("delete reply %+v", reply)
	}
	h.call("GET", "/portins/"+id, "").expect(t, http.StatusNotFound)
	h.call("DELETE", "/portins/"+id, "").expect(t, http.StatusNotFound)
	h.call("PUT", "/portins/"+id, `<LnpOrderSupp><SiteId>2297</SiteId></LnpOrderSupp>`).expect(t, http.StatusNotFound)
	if list := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=10&status=draft", "").expect(t, http.StatusOK).body); list.TotalCount != 0 {
		t.Fatalf("deleted draft still listed: %d", list.TotalCount)
	}
	if snap, _ := h.sb.Order(id); !snap.Deleted {
		t.Fatal("inspection does not show the draft as deleted")
	}
	live := h.createPortIn(specFor(tn)) // the number is free
	if list := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=10&orderTn="+tn, "").expect(t, http.StatusOK).body); list.TotalCount != 1 || list.Orders[0].OrderID != live {
		t.Fatalf("orders with %s: %+v", tn, list.Orders)
	}

	a1 := NumberFor(Scenario{Carrier: CarrierWireline}, 71)
	b1 := NumberFor(Scenario{Carrier: CarrierInternal}, 71)
	bulk := decodeAs[bulkPortinResponse](t, h.call("POST", "/bulkPortins", bulkBody(a1, "Pat Doe")).expect(t, http.StatusCreated).body).BulkPortin.OrderID
	h.call("PUT", "/bulkPortins/"+bulk+"/tnList", tnListBody(a1, b1)).expect(t, http.StatusAccepted)
	waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(bulk) == bulkValidDraft })
	ids := decodeAs[portinListResponse](t, h.call("GET", "/bulkPortins/"+bulk+"/portinList", "").expect(t, http.StatusOK).body).PortinList.OrderIDs
	h.call("DELETE", "/portins/"+ids[1], "").expect(t, http.StatusOK)
	if pl := decodeAs[portinListResponse](t, h.call("GET", "/bulkPortins/"+bulk+"/portinList", "").expect(t, http.StatusOK).body); !reflect.DeepEqual(pl.PortinList.OrderIDs, ids[:1]) {
		t.Fatalf("children after deleting one: %v", pl.PortinList.OrderIDs)
	}
	h.createPortIn(specFor(b1)) // its number is free too
}
