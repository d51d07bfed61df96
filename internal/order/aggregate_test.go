package order

import (
	"strings"
	"testing"
	"time"
)

func TestAggregateStatus(t *testing.T) {
	num := func(tn string, s NumberStatus) NumberState {
		return NumberState{TN: tn, Status: s, Reason: "reason " + tn}
	}
	ord := func(s OrderStatus) PortOrder { return PortOrder{Status: s} }
	action := PortOrder{Status: OrderActionRequired, Action: &ActionRequired{Code: "pin_rejected", Message: "supply the PIN"}}
	cases := []struct {
		name       string
		r          PortRequest
		want       Status
		wantReason string
	}{
		{"no orders yet", PortRequest{Status: StatusCheckingPortability, Numbers: []NumberState{num("1", NumberPending)}}, StatusCheckingPortability, "Checking"},
		{"every number failed the check", PortRequest{Status: StatusCheckingPortability, Numbers: []NumberState{num("1", NumberFailed)}}, StatusFailed, "reason 1"},
		{"all complete", PortRequest{Numbers: []NumberState{num("1", NumberCompleted), num("2", NumberCompleted)}, Orders: []PortOrder{ord(OrderComplete), ord(OrderComplete)}}, StatusCompleted, "All 2"},
		{"complete and cancelled", PortRequest{Numbers: []NumberState{num("1", NumberCompleted), num("2", NumberCancelled)}, Orders: []PortOrder{ord(OrderComplete), ord(OrderCancelled)}}, StatusPartiallyCompleted, "1 of 2 numbers ported; 1 cancelled"},
		{"complete and not portable", PortRequest{Numbers: []NumberState{num("1", NumberCompleted), num("2", NumberFailed)}, Orders: []PortOrder{ord(OrderComplete)}}, StatusPartiallyCompleted, "1 failed"},
		{"cancelled on request", PortRequest{CancelRequestedAt: t0, Numbers: []NumberState{num("1", NumberCancelled), num("2", NumberFailed)}, Orders: []PortOrder{ord(OrderCancelled)}}, StatusCancelled, "Cancelled"},
		{"cancelled by Bandwidth", PortRequest{Numbers: []NumberState{num("1", NumberFailed)}, Orders: []PortOrder{ord(OrderFailed)}}, StatusFailed, "reason 1"},
		{"operator needed wins", PortRequest{Orders: []PortOrder{ord(OrderFoc), action, ord(OrderRequestedCancel)}}, StatusActionRequired, "supply the PIN"},
		{"cancelling wins over progress", PortRequest{Orders: []PortOrder{ord(OrderFoc), ord(OrderRequestedCancel)}}, StatusCancelRequested, "Cancellation"},
		{"creating under cancel", PortRequest{Orders: []PortOrder{{Status: OrderCreating, CancelRequested: true}}}, StatusCancelRequested, ""},
		{"least advanced: CSR", PortRequest{Orders: []PortOrder{ord(OrderFoc), ord(OrderCsrRequested)}}, StatusAwaitingCsr, "CSR"},
		{"least advanced: creating", PortRequest{Orders: []PortOrder{ord(OrderFoc), ord(OrderCreating), ord(OrderComplete)}}, StatusSubmitting, ""},
		{"least advanced: exception", PortRequest{Orders: []PortOrder{ord(OrderFoc), ord(OrderException)}}, StatusSubmitted, ""},
		{"all live in FOC", PortRequest{Orders: []PortOrder{{Status: OrderFoc, ActualFocDate: time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC)}, ord(OrderComplete)}}, StatusFoc, "2026-03-05"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, reason := AggregateStatus(tc.r)
			if got != tc.want {
				t.Fatalf("status %s (%s), want %s", got, reason, tc.want)
			}
			if !strings.Contains(reason, tc.wantReason) {
				t.Fatalf("reason %q lacks %q", reason, tc.wantReason)
			}
		})
	}
}
