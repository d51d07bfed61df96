package sandbox

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// statusesOf lists the status transitions of an order's history (entries that do not change
// the status, such as an LOA upload, are left out).
func statusesOf(snap OrderSnapshot) []string {
	var out []string
	for _, e := range snap.History {
		if len(out) == 0 || out[len(out)-1] != e.Status {
			out = append(out, e.Status)
		}
	}
	return out
}

func TestPortInSubmittedFocComplete(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverChallenge)
	subID := h.subscribe(orderTypePortins, rcv.srv.URL, true)
	tn := NumberFor(Scenario{Carrier: CarrierWireline}, 1)
	spec := specFor(tn)
	spec.CustomerOrderID, spec.RequestedFocDate = "pr-1", validFoc

	r := h.call("POST", "/portins", spec.xml()).expect(t, http.StatusCreated)
	created := decodeAs[lnpOrderResponse](t, r.body)
	if created.OrderID == "" || created.Status == nil || created.Status.Code != 201 || created.ProcessingStatus != "SUBMITTED" {
		t.Fatalf("create reply %+v", created)
	}
	if loc := r.header.Get("Location"); loc != h.srv.URL+"/api/accounts/"+testAccount+"/portins/"+created.OrderID {
		t.Fatalf("Location %q", loc)
	}
	id := created.OrderID

	got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+id, "").expect(t, http.StatusOK).body)
	if got.OrderID != "" || got.Status != nil {
		t.Fatal("GET carries OrderId/Status, which only create and SUPP replies have")
	}
	if got.LosingCarrierSPID != "7024" || got.PortType != "AUTOMATED" || got.CustomerOrderID != "pr-1" || got.Subscriber.ServiceAddress.AddressType != "Service" {
		t.Fatalf("GET %+v", got)
	}

	snap := h.waitStatus(id, "COMPLETE")
	if want := []string{"SUBMITTED", "FOC", "COMPLETE"}; !reflect.DeepEqual(statusesOf(snap), want) {
		t.Fatalf("history %v, want %v", statusesOf(snap), want)
	}
	// 11:30 ET on the requested day (EDT, UTC-4): the time of a non-triggered request is ignored.
	if snap.ActualFocDate != "2026-03-12T15:30:00.000Z" {
		t.Fatalf("ActualFocDate %s", snap.ActualFocDate)
	}

	var notes []portinNotification
	waitFor(t, "three notifications", func() bool { notes = rcv.notifications(t); return len(notes) == 3 })
	for i, want := range []string{"SUBMITTED", "FOC", "COMPLETE"} {
		n := notes[i]
		if n.Status != want || n.OrderID != id || n.SubscriptionID != subID || n.OrderType != "portins" || n.CustomerOrderID != "pr-1" || n.LastModifiedDate == "" {
			t.Fatalf("notification %d: %+v", i, n)
		}
	}
	if notes[1].ActualFocDate != "2026-03-12T15:30:00.000Z" || notes[0].ActualFocDate != "" {
		t.Fatalf("ActualFocDate only on FOC: %q / %q", notes[0].ActualFocDate, notes[1].ActualFocDate)
	}
	if notes[2].CompletedTelephoneNumbers == nil || !reflect.DeepEqual(notes[2].CompletedTelephoneNumbers.TelephoneNumber, []string{tn}) {
		t.Fatalf("COMPLETE notification numbers %+v", notes[2].CompletedTelephoneNumbers)
	}

	history := decodeAs[orderHistoryWrapper](t, h.call("GET", "/portins/"+id+"/history", "").expect(t, http.StatusOK).body)
	if len(history.History) != 3 || history.History[2].Status != "COMPLETE" || history.History[0].Note != "Order has been created" {
		t.Fatalf("history %+v", history.History)
	}
	if v := h.sb.Violations(); len(v) != 0 {
		t.Fatalf("a correct flow recorded violations: %+v", v)
	}
}

func TestPortInWithoutRequestedDateGetsTheEarliest(t *testing.T) {
	h := newHarness(t)
	tn := NumberFor(Scenario{Carrier: CarrierWireless}, 2)
	id := h.createPortIn(specFor(tn))
	snap := h.waitStatus(id, "COMPLETE")
	want := bandwidthTime(EarliestFocDate(CarrierWireless, mondayMorning))
	if snap.ActualFocDate != want || want != "2026-03-09T15:30:00.000Z" {
		t.Fatalf("ActualFocDate %s, want %s (Monday a week out, 11:30 EDT)", snap.ActualFocDate, want)
	}
}

func TestCarrierRejectionsThenSuppToComplete(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypePortins, rcv.srv.URL, false)
	type change func(*portinSpec, CarrierRecord)
	wrongHouse := func(s *portinSpec, rec CarrierRecord) { s.HouseNumber = rec.ServiceAddress.HouseNumber + "1" }
	cases := []struct {
		name    string
		carrier Carrier
		change  change
		codes   []string
		fix     string // SUPP body that corrects the order
	}{
		{"address", CarrierWireline, wrongHouse, []string{"7402"}, ""},
		{"wrong account number", CarrierWireless, func(s *portinSpec, _ CarrierRecord) { s.AccountNumber = "000000000" }, []string{"7401"}, ""},
		{"wrong PIN", CarrierWireless, func(s *portinSpec, _ CarrierRecord) { s.PIN = "0000x" }, []string{"7435"}, ""},
		{"no LOA at a strict carrier", CarrierWirelineStrict, func(*portinSpec, CarrierRecord) {}, []string{"7424"}, ""},
		{"address and account", CarrierWireless, func(s *portinSpec, rec CarrierRecord) {
			wrongHouse(s, rec)
			s.AccountNumber = "1"
		}, []string{"7402", "7401"}, ""},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tn := NumberFor(Scenario{Carrier: tc.carrier}, 100+i)
			rec := CarrierRecordFor(tn)
			spec := specFor(tn)
			tc.change(&spec, rec)
			id := h.createPortIn(spec)
			h.waitStatus(id, "EXCEPTION")
			got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+id, "").expect(t, http.StatusOK).body)
			if codes := errorCodes(got.Errors); !reflect.DeepEqual(codes, tc.codes) {
				t.Fatalf("codes %v, want %v", codes, tc.codes)
			}
			var exception *portinNotification
			waitFor(t, "the EXCEPTION notification", func() bool {
				for _, n := range rcv.notifications(t) {
					if n.OrderID == id && n.Status == "EXCEPTION" {
						exception = &n
						return true
					}
				}
				return false
			})
			if !strings.HasPrefix(exception.Message, tc.codes[0]+": ") {
				t.Fatalf("EXCEPTION message %q, want it to start with the code", exception.Message)
			}

			// Fix what the carrier rejected with a SUPP.
			var supp string
			switch tc.codes[0] {
			case "7402":
				supp = fmt.Sprintf(`<LnpOrderSupp><Subscriber><ServiceAddress><HouseNumber>%s</HouseNumber></ServiceAddress></Subscriber>%s</LnpOrderSupp>`,
					rec.ServiceAddress.HouseNumber, wirelessXML(rec))
			case "7424":
				h.call("POST", "/portins/"+id+"/loas?documentType=LOA", "%PDF-1.4 signed", "Content-Type", "application/pdf").expect(t, http.StatusCreated)
				supp = `<LnpOrderSupp><RequestedFocDate>` + validFoc + `</RequestedFocDate></LnpOrderSupp>`
			default:
				supp = `<LnpOrderSupp>` + wirelessXML(rec) + `</LnpOrderSupp>`
			}
			r := h.call("PUT", "/portins/"+id, supp).expect(t, http.StatusOK)
			reply := decodeAs[lnpOrderResponse](t, r.body)
			if reply.ProcessingStatus != "REQUESTED_SUPP" || reply.Status.Code != 200 || reply.OrderID != id {
				t.Fatalf("SUPP reply %+v", reply)
			}
			snap := h.waitStatus(id, "COMPLETE")
			if want := []string{"SUBMITTED", "EXCEPTION", "REQUESTED_SUPP", "FOC", "COMPLETE"}; !reflect.DeepEqual(statusesOf(snap), want) {
				t.Fatalf("history %v", statusesOf(snap))
			}
		})
	}
}

func wirelessXML(rec CarrierRecord) string {
	if !rec.Carrier.Wireless {
		return ""
	}
	return `<WirelessInfo><AccountNumber>` + rec.AccountNumber + `</AccountNumber><PinNumber>` + rec.PIN + `</PinNumber></WirelessInfo>`
}

func TestAddressSpelledDifferentlyStillMatches(t *testing.T) {
	h := newHarness(t)
	tn := NumberFor(Scenario{Carrier: CarrierWireline}, 150)
	rec := CarrierRecordFor(tn)
	spec := specFor(tn)
	// The whole street in one field, lower case, and a unit the carrier does not keep.
	spec.PreDirectional, spec.StreetSuffix = "", ""
	spec.StreetName = strings.ToLower(strings.Join(nonEmpty(rec.ServiceAddress.PreDirectional, rec.ServiceAddress.StreetName, longSuffix[rec.ServiceAddress.StreetSuffix]), " "))
	spec.AddressLine2 = "Apt 4"
	spec.City = strings.ToLower(spec.City)
	h.waitStatus(h.createPortIn(spec), "COMPLETE")
}

func TestTriggeredActivation(t *testing.T) {
	// The triggered order must outwait another order's whole lifecycle, however loaded the
	// machine: give its scheduled activation far more steps than that lifecycle takes.
	h := newHarness(t, func(o *Options) { o.ActivationWaitSteps = 200 })
	tn := NumberFor(Scenario{Carrier: CarrierWireline}, 200)
	spec := specFor(tn)
	spec.Triggered, spec.RequestedFocDate = true, "2026-03-12T14:00:00-04:00"
	id := h.createPortIn(spec)

	before := decodeAs[activationStatusResponse](t, h.call("GET", "/portins/"+id+"/activationStatus", "").expect(t, http.StatusBadRequest).body)
	if before.ResponseStatus.ErrorCode != "7342" {
		t.Fatalf("activation before FOC: %+v", before.ResponseStatus)
	}
	h.call("PUT", "/portins/"+id+"/activationStatus", `<ActivationStatus><AutoActivationDate>2000-02-23</AutoActivationDate></ActivationStatus>`).expect(t, http.StatusBadRequest)

	snap := h.waitStatus(id, "FOC")
	if snap.ActualFocDate != "2026-03-12T18:00:00.000Z" {
		t.Fatalf("ActualFocDate %s: a triggered order keeps its requested time", snap.ActualFocDate)
	}
	// An order created now runs through FOC to COMPLETE; the triggered one must still wait.
	other := h.createPortIn(specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 201)))
	h.waitStatus(other, "COMPLETE")
	if s, _ := h.sb.Order(id); s.Status != "FOC" {
		t.Fatalf("triggered order is %s without an activation request", s.Status)
	}

	st := decodeAs[activationStatusResponse](t, h.call("GET", "/portins/"+id+"/activationStatus", "").expect(t, http.StatusOK).body)
	if st.ActivationStatus.AutoActivationDate != "2026-03-12T14:00:00-04:00" || !reflect.DeepEqual(st.ActivationStatus.NotYetActivatedTelephoneNumbersList.TelephoneNumber, []string{tn}) {
		t.Fatalf("activation status %+v", st.ActivationStatus)
	}
	h.call("POST", "/portins/"+id+"/activationStatus", "").expect(t, http.StatusMethodNotAllowed)
	if !h.hasViolation(RuleActivationMethod) {
		t.Fatal("POST activationStatus not recorded")
	}
	h.call("PUT", "/portins/"+id+"/activationStatus", `<ActivationStatus><AutoActivationDate>2000-02-23</AutoActivationDate></ActivationStatus>`).expect(t, http.StatusOK)
	h.waitStatus(id, "COMPLETE")
	gone := decodeAs[activationStatusResponse](t, h.call("GET", "/portins/"+id+"/activationStatus", "").expect(t, http.StatusNotFound).body)
	if gone.ResponseStatus.ErrorCode != "7349" {
		t.Fatalf("activation after COMPLETE: %+v", gone.ResponseStatus)
	}
}

func TestActivationRefusals(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.ActivationWaitSteps = 1000 })
	cases := []struct {
		name      string
		carrier   Carrier
		triggered bool
		code      string
	}{
		{"not triggered", CarrierWireline, false, "7345"},
		{"Bandwidth is the losing carrier", CarrierInternal, true, "7344"},
		{"wireless ports are not triggered", CarrierWireless, true, "7345"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := specFor(NumberFor(Scenario{Carrier: tc.carrier}, 210+i))
			spec.Triggered = tc.triggered
			id := h.createPortIn(spec)
			var res activationStatusResponse
			waitFor(t, "a FOC-state refusal", func() bool {
				r := h.call("PUT", "/portins/"+id+"/activationStatus", `<ActivationStatus><AutoActivationDate>2000-02-23</AutoActivationDate></ActivationStatus>`)
				res = decodeAs[activationStatusResponse](t, r.body)
				return res.ResponseStatus != nil && res.ResponseStatus.ErrorCode != "7342"
			})
			if res.ResponseStatus.ErrorCode != tc.code {
				t.Fatalf("code %s, want %s", res.ResponseStatus.ErrorCode, tc.code)
			}
		})
	}
}

func TestTriggeredOrderActivatesAtItsScheduledTimeWithoutARequest(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.ActivationWaitSteps = 3 })
	spec := specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 220))
	spec.Triggered = true
	h.waitStatus(h.createPortIn(spec), "COMPLETE")
}

func TestCancelFreesTheNumbers(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypePortins, rcv.srv.URL, false)
	tn := NumberFor(Scenario{Carrier: CarrierWireless}, 300)
	id := h.createPortIn(specFor(tn))

	dup := decodeAs[lnpOrderResponse](t, h.call("POST", "/portins", specFor(tn).xml()).expect(t, http.StatusBadRequest).body)
	if codes := errorCodes(dup.Errors); !reflect.DeepEqual(codes, []string{"7205"}) || dup.Errors[0].TelephoneNumbers == nil || dup.Errors[0].TelephoneNumbers.TNs[0] != tn {
		t.Fatalf("second order for the same number: %+v", dup.Errors)
	}

	r := h.call("DELETE", "/portins/"+id, "").expect(t, http.StatusOK)
	if got := decodeAs[lnpOrderResponse](t, r.body); got.ProcessingStatus != "REQUESTED_CANCEL" || got.Status.Code != 200 {
		t.Fatalf("cancel reply %+v", got)
	}
	h.waitStatus(id, "CANCELLED")
	again := decodeAs[lnpOrderResponse](t, h.call("DELETE", "/portins/"+id, "").expect(t, http.StatusBadRequest).body)
	if codes := errorCodes(again.Errors); !reflect.DeepEqual(codes, []string{"7303"}) {
		t.Fatalf("cancel of a cancelled order: %v", codes)
	}
	waitFor(t, "REQUESTED_CANCEL and CANCELLED callbacks", func() bool {
		var statuses []string
		for _, n := range rcv.notifications(t) {
			if n.OrderID == id {
				statuses = append(statuses, n.Status)
			}
		}
		return reflect.DeepEqual(statuses, []string{"SUBMITTED", "REQUESTED_CANCEL", "CANCELLED"})
	})
	second := h.createPortIn(specFor(tn))
	h.waitStatus(second, "COMPLETE")
	done := decodeAs[lnpOrderResponse](t, h.call("DELETE", "/portins/"+second, "").expect(t, http.StatusBadRequest).body)
	if codes := errorCodes(done.Errors); !reflect.DeepEqual(codes, []string{"7304"}) {
		t.Fatalf("cancel of a complete order: %v", codes)
	}
	h.call("DELETE", "/portins/no-such-order", "").expect(t, http.StatusNotFound)
}

func TestPortInValidation(t *testing.T) {
	h := newHarness(t)
	base := func(seq int) portinSpec { return specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 400+seq)) }
	cases := []struct {
		name  string
		spec  func() portinSpec
		codes []string
	}{
		{"missing site", func() portinSpec { s := base(0); s.SiteID = ""; return s }, []string{"7309"}},
		{"missing billing number", func() portinSpec { s := base(1); s.BTN = ""; return s }, []string{"1003"}},
		{"business without name", func() portinSpec { s := base(2); s.SubscriberType = "BUSINESS"; return s }, []string{"7324"}},
		{"residential with business name", func() portinSpec { s := base(3); s.BusinessName = "ACME"; return s }, []string{"7211"}},
		{"bad ZIP", func() portinSpec { s := base(4); s.Zip = "2760"; return s }, []string{"7214"}},
		{"bad state", func() portinSpec { s := base(5); s.State = "XX"; return s }, []string{"7395"}},
		{"bad directional", func() portinSpec { s := base(6); s.PreDirectional = "North"; return s }, []string{"7329"}},
		{"LOA authorizer too long", func() portinSpec { s := base(7); s.LoaAuthorizer = "Bartholomew Longname"; return s }, []string{"7357"}},
		{"missing LOA authorizer", func() portinSpec { s := base(8); s.LoaAuthorizer = ""; return s }, []string{"1003"}},
		{"invalid number", func() portinSpec { s := base(9); s.TNs = []string{"0192000000"}; return s }, []string{"7201"}},
		{"duplicate numbers", func() portinSpec { s := base(10); s.TNs = []string{s.BTN, s.BTN}; return s }, []string{"7360"}},
		{"non-portable rate center", func() portinSpec {
			return specFor(NumberFor(Scenario{Carrier: CarrierWireline, NonPortable: true}, 11))
		}, []string{"7331"}},
		{"two losing carriers", func() portinSpec {
			s := base(12)
			s.TNs = append(s.TNs, NumberFor(Scenario{Carrier: CarrierInternal}, 412))
			return s
		}, []string{"7495"}},
		{"wireless without account and PIN", func() portinSpec {
			s := specFor(NumberFor(Scenario{Carrier: CarrierWireless}, 413))
			s.AccountNumber, s.PIN = "", ""
			return s
		}, []string{"7212", "7213"}},
		{"weekend FOC", func() portinSpec { s := base(14); s.RequestedFocDate = "2026-03-14"; return s }, []string{"7208"}},
		{"FOC before the minimum interval", func() portinSpec { s := base(15); s.RequestedFocDate = "2026-03-04"; return s }, []string{"7209"}},
		{"FOC too far out", func() portinSpec { s := base(16); s.RequestedFocDate = "2026-04-15"; return s }, []string{"7210"}},
		{"unreadable FOC", func() portinSpec { s := base(17); s.RequestedFocDate = "next week"; return s }, []string{"7207"}},
		{"submitted status on create", func() portinSpec { s := base(18); s.ProcessingStatus = "SUBMITTED"; return s }, []string{"1019"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := decodeAs[lnpOrderResponse](t, h.call("POST", "/portins", tc.spec().xml()).expect(t, http.StatusBadRequest).body)
			if codes := errorCodes(res.Errors); !reflect.DeepEqual(codes, tc.codes) {
				t.Fatalf("codes %v, want %v: %+v", codes, tc.codes, res.Errors)
			}
			if res.Status == nil || res.Status.Code != 400 || res.Status.Description != statusTextInvalid || res.OrderID != "" {
				t.Fatalf("error envelope %+v", res)
			}
		})
	}
	if n := len(h.sb.Orders()); n != 0 {
		t.Fatalf("%d orders created by invalid requests", n)
	}
	if !h.hasViolation(RuleLoaAuthorizerLength) {
		t.Fatal("LoaAuthorizingPerson over 15 characters not recorded")
	}
	misplaced := strings.Replace(base(19).xml(), "</Subscriber>", "<WirelessInfo><AccountNumber>1</AccountNumber><PinNumber>2</PinNumber></WirelessInfo></Subscriber>", 1)
	res := decodeAs[lnpOrderResponse](t, h.call("POST", "/portins", misplaced).expect(t, http.StatusBadRequest).body)
	if codes := errorCodes(res.Errors); !reflect.DeepEqual(codes, []string{"7481"}) {
		t.Fatalf("WirelessInfo inside Subscriber: %v", codes)
	}
}

func TestDraftPortIn(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypePortins, rcv.srv.URL, false)
	spec := specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 500))
	spec.ProcessingStatus, spec.SiteID = "DRAFT", "" // drafts are barely validated
	id := h.createPortIn(spec)
	got := decodeAs[lnpOrderResponse](t, h.call("GET", "/portins/"+id, "").expect(t, http.StatusOK).body)
	if got.ProcessingStatus != "DRAFT" || got.EarliestEstimate == "" {
		t.Fatalf("draft %+v", got)
	}
	history := decodeAs[orderHistoryWrapper](t, h.call("GET", "/portins/"+id+"/history", "").expect(t, http.StatusOK).body)
	if history.IrisStatus == nil || history.IrisStatus.Code != "7710" {
		t.Fatalf("draft history %+v", history)
	}
	if list := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=10", "").expect(t, http.StatusOK).body); list.TotalCount != 0 {
		t.Fatal("drafts are listed without status=draft")
	}
	if list := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=10&status=draft", "").expect(t, http.StatusOK).body); list.TotalCount != 1 {
		t.Fatal("status=draft does not list the draft")
	}
	// Submitting validates fully: the site is still missing.
	res := decodeAs[lnpOrderResponse](t, h.call("PUT", "/portins/"+id, `<LnpOrderSupp><ProcessingStatus>SUBMITTED</ProcessingStatus></LnpOrderSupp>`).expect(t, http.StatusBadRequest).body)
	if codes := errorCodes(res.Errors); !reflect.DeepEqual(codes, []string{"7309"}) {
		t.Fatalf("submit without site: %v", codes)
	}
	h.call("PUT", "/portins/"+id, `<LnpOrderSupp><SiteId>2297</SiteId><ProcessingStatus>SUBMITTED</ProcessingStatus></LnpOrderSupp>`).expect(t, http.StatusOK)
	h.waitStatus(id, "COMPLETE")
	if h.hasViolation(RuleProcessingStatus) {
		t.Fatal("SUBMITTED from DRAFT recorded as a violation")
	}

	drop := specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 501))
	drop.ProcessingStatus = "DRAFT"
	dropID := h.createPortIn(drop)
	h.call("DELETE", "/portins/"+dropID, "").expect(t, http.StatusOK)
	h.call("GET", "/portins/"+dropID, "").expect(t, http.StatusNotFound)
	for _, n := range rcv.notifications(t) {
		if n.OrderID == dropID || n.Status == "DRAFT" {
			t.Fatalf("a draft produced a callback: %+v", n)
		}
	}
}

func TestSuppRules(t *testing.T) {
	h := newHarness(t)
	tn := NumberFor(Scenario{Carrier: CarrierWireline}, 600)
	bad := specFor(tn)
	bad.Zip = "99999"
	id := h.createPortIn(bad)
	h.waitStatus(id, "EXCEPTION")

	h.call("PUT", "/portins/"+id, `<LnpOrder><RequestedFocDate>`+validFoc+`</RequestedFocDate></LnpOrder>`).expect(t, http.StatusBadRequest)
	res := decodeAs[lnpOrderResponse](t, h.call("PUT", "/portins/"+id, `<LnpOrderSupp><ProcessingStatus>EXCEPTION</ProcessingStatus></LnpOrderSupp>`).expect(t, http.StatusBadRequest).body)
	if codes := errorCodes(res.Errors); !reflect.DeepEqual(codes, []string{"7367"}) || !h.hasViolation(RuleProcessingStatus) {
		t.Fatalf("ProcessingStatus echo: %v, violation recorded %v", codes, h.hasViolation(RuleProcessingStatus))
	}
	res = decodeAs[lnpOrderResponse](t, h.call("PUT", "/portins/"+id, `<LnpOrderSupp><RequestedFocDate>2026-03-14</RequestedFocDate></LnpOrderSupp>`).expect(t, http.StatusBadRequest).body)
	if codes := errorCodes(res.Errors); !reflect.DeepEqual(codes, []string{"7208"}) {
		t.Fatalf("SUPP to a Saturday: %v", codes)
	}

	// Echoing server-side fields is answered but recorded; the partial address update keeps the
	// rest of the address.
	zip := CarrierRecordFor(tn).ServiceAddress.Zip
	echo := `<LnpOrderSupp><OrderId>` + id + `</OrderId><ActualFocDate>2026-03-12T15:30:00.000Z</ActualFocDate><Subscriber><ServiceAddress><Zip>` + zip + `</Zip></ServiceAddress></Subscriber></LnpOrderSupp>`
	h.call("PUT", "/portins/"+id, echo).expect(t, http.StatusOK)
	if !h.hasViolation(RuleReadOnlyField) {
		t.Fatal("echoed OrderId/ActualFocDate not recorded")
	}
	h.call("PUT", "/portins/"+id, `<LnpOrderSupp><RequestedFocDate>`+validFoc+`</RequestedFocDate></LnpOrderSupp>`).expect(t, http.StatusBadRequest) // REQUESTED_SUPP: 7300
	h.waitStatus(id, "COMPLETE")
	done := decodeAs[lnpOrderResponse](t, h.call("PUT", "/portins/"+id, `<LnpOrderSupp><RequestedFocDate>`+validFoc+`</RequestedFocDate></LnpOrderSupp>`).expect(t, http.StatusBadRequest).body)
	if codes := errorCodes(done.Errors); !reflect.DeepEqual(codes, []string{"7304"}) {
		t.Fatalf("SUPP of a complete order: %v", codes)
	}
	history := decodeAs[orderHistoryWrapper](t, h.call("GET", "/portins/"+id+"/history", "").expect(t, http.StatusOK).body)
	var diff string
	for _, e := range history.History {
		if e.Status == "REQUESTED_SUPP" {
			diff = e.Difference
		}
	}
	if !strings.Contains(diff, `Zip : "99999" --> "`+zip+`"`) {
		t.Fatalf("SUPP history difference %q", diff)
	}
}

func TestDuplicateCustomerOrderIDIsAViolation(t *testing.T) {
	h := newHarness(t)
	first := specFor(NumberFor(Scenario{}, 700))
	first.CustomerOrderID = "pr-dup"
	h.createPortIn(first)
	second := specFor(NumberFor(Scenario{}, 701))
	second.CustomerOrderID = "pr-dup"
	h.createPortIn(second)
	if !h.hasViolation(RuleDuplicateCreate) || h.sb.CreateCount(orderTypePortins, "pr-dup") != 2 {
		t.Fatalf("violation %v, CreateCount %d", h.hasViolation(RuleDuplicateCreate), h.sb.CreateCount(orderTypePortins, "pr-dup"))
	}
}

func TestListAndSearchPortIns(t *testing.T) {
	// The listing below expects every order still SUBMITTED: slow steps keep a loaded machine
	// from moving one to FOC mid-test.
	h := newHarness(t, func(o *Options) { o.Step = time.Second })
	var ids, tns []string
	for i := 0; i < 3; i++ {
		spec := specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 800+i))
		spec.CustomerOrderID = fmt.Sprintf("pr-list-%d", i)
		ids = append(ids, h.createPortIn(spec))
		tns = append(tns, spec.BTN)
	}
	byCOID := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=300&customerOrderId=pr-list-1", "").expect(t, http.StatusOK).body)
	if byCOID.TotalCount != 1 || byCOID.Orders[0].OrderID != ids[1] || byCOID.Orders[0].OrderType != "port_in" || byCOID.Orders[0].LNPLosingCarrierName == "" {
		t.Fatalf("customerOrderId search %+v", byCOID)
	}
	byTN := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=300&orderTn="+tns[2], "").expect(t, http.StatusOK).body)
	if byTN.TotalCount != 1 || byTN.Orders[0].OrderID != ids[2] {
		t.Fatalf("orderTn search %+v", byTN)
	}
	page1 := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=2&status=submitted", "").expect(t, http.StatusOK).body)
	if page1.TotalCount != 3 || len(page1.Orders) != 2 {
		t.Fatalf("first page %+v", page1)
	}
	m := linkURL.FindStringSubmatch(page1.Links.Next)
	if m == nil {
		t.Fatalf("next link %q", page1.Links.Next)
	}
	next, _ := url.Parse(html.UnescapeString(m[1]))
	if next.Query().Get("page") != ids[2] || next.Query().Get("status") != "submitted" {
		t.Fatalf("next link %s", next)
	}
	page2 := decodeAs[lnpResponseWrapper](t, h.call("GET", next.String(), "").expect(t, http.StatusOK).body)
	if len(page2.Orders) != 1 || page2.Orders[0].OrderID != ids[2] {
		t.Fatalf("second page %+v", page2)
	}
	h.call("GET", "/portins?page=1&size=10&tn="+tns[0]+"&date=2026-03-02", "").expect(t, http.StatusBadRequest)
	h.call("GET", "/portins?page=1&size=10&startdate=2026-03-01", "").expect(t, http.StatusBadRequest)
	dated := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=10&startdate=2026-03-01&enddate=2026-03-02", "").expect(t, http.StatusOK).body)
	if dated.TotalCount != 3 {
		t.Fatalf("date range found %d orders, want 3", dated.TotalCount)
	}
	if none := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=10&date=2026-03-03", "").expect(t, http.StatusOK).body); none.TotalCount != 0 {
		t.Fatalf("orders modified on another day: %d", none.TotalCount)
	}
}

func TestLOADocuments(t *testing.T) {
	h := newHarness(t)
	tn := NumberFor(Scenario{Carrier: CarrierWirelineStrict}, 900)
	id := h.createPortIn(specFor(tn))
	base := "/portins/" + id + "/loas"

	empty := decodeAs[fileListResponse](t, h.call("GET", base, "").expect(t, http.StatusOK).body)
	if empty.FileCount != 0 || empty.ResultMessage != "No LOA files found for order" {
		t.Fatalf("empty list %+v", empty)
	}
	r := h.call("POST", base, "%PDF-1.4 signed LOA", "Content-Type", "application/pdf", "documentType", "LOA").expect(t, http.StatusCreated)
	up := decodeAs[fileUploadResponse](t, r.body)
	if up.ResultCode != "0" || !strings.HasPrefix(up.Filename, id+"-") || !strings.HasSuffix(up.Filename, ".pdf") || !strings.HasSuffix(r.header.Get("Location"), "/loas/"+up.Filename) {
		t.Fatalf("upload reply %+v, Location %q", up, r.header.Get("Location"))
	}
	// The strict carrier accepts the order now that an LOA is on it.
	h.waitStatus(id, "FOC")

	list := decodeAs[fileListResponse](t, h.call("GET", base+"?metadata=true", "").expect(t, http.StatusOK).body)
	if list.FileCount != 1 || list.FileData[0].FileName != up.Filename || list.FileData[0].FileMetaData.DocumentType != "LOA" {
		t.Fatalf("list %+v", list)
	}
	plain := decodeAs[fileListResponse](t, h.call("GET", base, "").expect(t, http.StatusOK).body)
	if len(plain.FileNames) != 1 || plain.FileNames[0] != up.Filename {
		t.Fatalf("plain list %+v", plain)
	}
	dl := h.call("GET", base+"/"+up.Filename, "").expect(t, http.StatusOK)
	if string(dl.body) != "%PDF-1.4 signed LOA" || dl.header.Get("Content-Type") != "application/pdf" || !strings.Contains(dl.header.Get("Content-Disposition"), up.Filename) {
		t.Fatalf("download %q %v", dl.body, dl.header)
	}
	h.call("PUT", base+"/"+up.Filename+"/metadata", `<FileMetaData><DocumentName>signed.pdf</DocumentName><DocumentType>LOA</DocumentType></FileMetaData>`).expect(t, http.StatusOK)
	meta := decodeAs[fileMetaDataXML](t, h.call("GET", base+"/"+up.Filename+"/metadata", "").expect(t, http.StatusOK).body)
	if meta.DocumentName != "signed.pdf" {
		t.Fatalf("metadata %+v", meta)
	}

	refusals := []struct {
		name    string
		query   string
		headers []string
		status  int
		code    string
	}{
		{"query and header disagree", "?documentType=LOA", []string{"Content-Type", "application/pdf", "documentType", "INVOICE"}, http.StatusConflict, "7641"},
		{"unknown document type", "?documentType=PHOTO", []string{"Content-Type", "application/pdf"}, http.StatusBadRequest, "7639"},
		{"unaccepted file type", "", []string{"Content-Type", "application/zip"}, http.StatusBadRequest, "1019"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			res := decodeAs[fileUploadResponse](t, h.call("POST", base+tc.query, "data", tc.headers...).expect(t, tc.status).body)
			if res.ResultCode != tc.code {
				t.Fatalf("resultCode %s, want %s", res.ResultCode, tc.code)
			}
		})
	}
	second := decodeAs[fileUploadResponse](t, h.call("POST", base, "notes", "Content-Type", "text/plain", "documentType", "OTHER").expect(t, http.StatusCreated).body)
	h.call("DELETE", base+"/"+second.Filename, "").expect(t, http.StatusOK)
	h.call("GET", base+"/"+second.Filename, "").expect(t, http.StatusNotFound)
	h.waitStatus(id, "COMPLETE")
	h.call("DELETE", base+"/"+up.Filename, "").expect(t, http.StatusBadRequest)
}

func TestTimeCompression(t *testing.T) {
	// A port that takes days at Bandwidth takes 4 steps here; check it does not take much more.
	h := newHarness(t, func(o *Options) { o.Step = 5 * time.Millisecond })
	start := time.Now()
	h.waitStatus(h.createPortIn(specFor(NumberFor(Scenario{}, 950))), "COMPLETE")
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("a 4-step port took %v", d)
	}
}
