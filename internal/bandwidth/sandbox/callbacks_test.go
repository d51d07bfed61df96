package sandbox

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// settledCallbacks waits until n callbacks for the order are no longer pending.
func (h *harness) settledCallbacks(orderID string, n int) []CallbackRecord {
	h.t.Helper()
	var out []CallbackRecord
	waitFor(h.t, fmt.Sprintf("%d settled callbacks for %s", n, orderID), func() bool {
		out = out[:0]
		for _, c := range h.sb.Callbacks() {
			if c.OrderID == orderID && c.Outcome != CallbackPending {
				out = append(out, c)
			}
		}
		return len(out) >= n
	})
	return out
}

func (h *harness) subscriptionStatus(id string) string {
	h.t.Helper()
	res := decodeAs[subscriptionsResponse](h.t, h.call("GET", "/subscriptions/"+id, "").expect(h.t, http.StatusOK).body)
	return res.Subscriptions[0].CallbackSubscription.Status
}

func TestCallbackHandshake(t *testing.T) {
	cases := []struct {
		name        string
		mode        receiverMode
		credentials bool
		outcome     CallbackOutcome
		attempts    []CallbackAttempt // Time left out
		subStatus   string
		requests    int
	}{
		{
			name: "challenge answered: authorized retry carries the body", mode: receiverChallenge, credentials: true,
			outcome: CallbackDelivered, subStatus: "200 OK", requests: 2,
			attempts: []CallbackAttempt{{Authorized: false, WithBody: false, StatusCode: 401}, {Authorized: true, WithBody: true, StatusCode: 200}},
		},
		{
			name: "401 without WWW-Authenticate: the callback is lost", mode: receiverNoChallenge, credentials: true,
			outcome: CallbackLost, subStatus: "401 Unauthorized", requests: 1,
			attempts: []CallbackAttempt{{Authorized: false, WithBody: false, StatusCode: 401}},
		},
		{
			name: "200 to the bodiless challenge request: the body never comes", mode: receiverOpen, credentials: true,
			outcome: CallbackLost, subStatus: "200 OK", requests: 1,
			attempts: []CallbackAttempt{{Authorized: false, WithBody: false, StatusCode: 200}},
		},
		{
			name: "no credentials: one POST with the body", mode: receiverOpen, credentials: false,
			outcome: CallbackDelivered, subStatus: "200 OK", requests: 1,
			attempts: []CallbackAttempt{{Authorized: false, WithBody: true, StatusCode: 200}},
		},
		{
			name: "a failing receiver is recorded and never retried", mode: receiverFails, credentials: false,
			outcome: CallbackFailed, subStatus: "500 Internal Server Error: receiver is down", requests: 1,
			attempts: []CallbackAttempt{{Authorized: false, WithBody: true, StatusCode: 500}},
		},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			rcv := newReceiver(t, tc.mode)
			subID := h.subscribe(orderTypeCSRs, rcv.srv.URL, tc.credentials)
			id := h.createCSR(NumberFor(Scenario{CSR: CSRComplete}, i), "")
			rec := h.settledCallbacks(id, 1)[0]
			if rec.Outcome != tc.outcome || rec.SubscriptionID != subID || rec.Status != "COMPLETE" {
				t.Fatalf("record %+v, want outcome %s", rec, tc.outcome)
			}
			for j := range rec.Attempts {
				rec.Attempts[j].Time = time.Time{}
			}
			if !reflect.DeepEqual(rec.Attempts, tc.attempts) {
				t.Fatalf("attempts %+v, want %+v", rec.Attempts, tc.attempts)
			}
			got := rcv.requests()
			if len(got) != tc.requests {
				t.Fatalf("receiver saw %d requests, want %d", len(got), tc.requests)
			}
			if tc.credentials {
				if got[0].authorized || got[0].body != "" {
					t.Fatalf("first request authorized=%v with body %q; it must carry neither", got[0].authorized, got[0].body)
				}
			}
			last := got[len(got)-1]
			if tc.outcome == CallbackDelivered && (last.body != rec.Body || !strings.Contains(last.body, "<Status>COMPLETE</Status>")) {
				t.Fatalf("delivered body %q, recorded %q", last.body, rec.Body)
			}
			if tc.outcome == CallbackDelivered && tc.credentials && (last.user != "cb-user" || last.pass != "cb-pass") {
				t.Fatalf("authorized retry used %s:%s", last.user, last.pass)
			}
			if st := h.subscriptionStatus(subID); st != tc.subStatus {
				t.Fatalf("subscription Status %q, want %q", st, tc.subStatus)
			}
		})
	}
}

func TestCallbackSubscriptionScopes(t *testing.T) {
	h := newHarness(t)
	all := newReceiver(t, receiverOpen)
	one := newReceiver(t, receiverOpen)
	e164 := newReceiver(t, receiverOpen)
	h.subscribe(orderTypePortins, all.srv.URL, false)
	h.call("POST", "/subscriptions", `<Subscription><OrderType>portins</OrderType><CallbackSubscription><URL>`+e164.srv.URL+`</URL><NumberFormat>E164</NumberFormat></CallbackSubscription></Subscription>`).expect(t, http.StatusCreated)

	tn := NumberFor(Scenario{}, 10)
	id := h.createPortIn(specFor(tn))
	other := h.createPortIn(specFor(NumberFor(Scenario{}, 11)))
	h.call("POST", "/subscriptions", `<Subscription><OrderType>portins</OrderType><OrderId>`+id+`</OrderId><CallbackSubscription><URL>`+one.srv.URL+`</URL></CallbackSubscription></Subscription>`).expect(t, http.StatusCreated)
	h.waitStatus(id, "COMPLETE")
	h.waitStatus(other, "COMPLETE")
	waitFor(t, "all callbacks settled", func() bool {
		for _, c := range h.sb.Callbacks() {
			if c.Outcome == CallbackPending {
				return false
			}
		}
		return len(all.notifications(t)) == 6
	})
	for _, n := range one.notifications(t) {
		if n.OrderID != id {
			t.Fatalf("per-order subscription got a callback for %s", n.OrderID)
		}
	}
	if len(one.notifications(t)) == 0 {
		t.Fatal("per-order subscription got nothing")
	}
	var completed []string
	for _, n := range e164.notifications(t) {
		if n.OrderID == id && n.Status == "COMPLETE" {
			completed = n.CompletedTelephoneNumbers.TelephoneNumber
		}
	}
	if !reflect.DeepEqual(completed, []string{"+1" + tn}) {
		t.Fatalf("E164 subscription numbers %v", completed)
	}
}

func TestExpiredSubscriptionGetsNoCallbacks(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.call("POST", "/subscriptions", `<Subscription><OrderType>csrs</OrderType><CallbackSubscription><URL>`+rcv.srv.URL+`</URL><Expiry>60</Expiry></CallbackSubscription></Subscription>`).expect(t, http.StatusCreated)
	h.clock.Advance(61 * time.Second)
	id := h.createCSR(NumberFor(Scenario{CSR: CSRFailed}, 1), "")
	h.waitStatus(id, "FAILED")
	if n := len(h.sb.Callbacks()); n != 0 {
		t.Fatalf("%d callbacks for an expired subscription", n)
	}
}

func TestCallbacksOfOneOrderArriveInOrder(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Step = 2 * time.Millisecond })
	rcv := newReceiver(t, receiverChallenge)
	h.subscribe(orderTypePortins, rcv.srv.URL, true)
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, h.createPortIn(specFor(NumberFor(Scenario{}, 40+i))))
	}
	for _, id := range ids {
		h.settledCallbacks(id, 3)
	}
	byOrder := map[string][]string{}
	for _, n := range rcv.notifications(t) {
		byOrder[n.OrderID] = append(byOrder[n.OrderID], n.Status)
	}
	for _, id := range ids {
		if want := []string{"SUBMITTED", "FOC", "COMPLETE"}; !reflect.DeepEqual(byOrder[id], want) {
			t.Fatalf("order %s callbacks %v, want %v", id, byOrder[id], want)
		}
	}
}

func TestCloseWaitsForDeliveriesAndStopsTimers(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypePortins, rcv.srv.URL, false)
	id := h.createPortIn(specFor(NumberFor(Scenario{}, 60)))
	h.sb.Close()
	for _, c := range h.sb.Callbacks() {
		if c.Outcome == CallbackPending {
			t.Fatalf("Close returned with callback %d still pending", c.ID)
		}
	}
	if s, _ := h.sb.Order(id); s.Status != "SUBMITTED" {
		t.Fatalf("order moved to %s after Close", s.Status)
	}
	h.sb.Close() // idempotent
}
