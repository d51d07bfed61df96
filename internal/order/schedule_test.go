package order

import (
	"testing"
	"time"
)

func TestNextCheck(t *testing.T) {
	now := t0
	foc := now.Add(5 * 24 * time.Hour)
	live := func(o PortOrder) PortRequest { return PortRequest{Status: StatusSubmitted, Orders: []PortOrder{o}} }
	cases := []struct {
		name string
		r    PortRequest
		want time.Time
	}{
		{"terminal", PortRequest{Status: StatusCompleted}, time.Time{}},
		{"checking portability", PortRequest{Status: StatusCheckingPortability}, now.Add(checkSoon)},
		{"port-in being created", live(PortOrder{Status: OrderCreating, RetryAt: now.Add(reissueAfter)}), now.Add(reissueAfter)},
		{"CSR waiting", live(PortOrder{Status: OrderCsrRequested, Csr: CsrLookup{Deadline: now.Add(time.Hour)}}), now.Add(checkCsr)},
		{"CSR deadline first", live(PortOrder{Status: OrderCsrRequested, Csr: CsrLookup{Deadline: now.Add(3 * time.Minute)}}), now.Add(3 * time.Minute)},
		{"CSR past deadline", live(PortOrder{Status: OrderCsrRequested, Csr: CsrLookup{Deadline: now.Add(-time.Minute)}}), now.Add(checkSoon)},
		{"CSR last read pending", live(PortOrder{Status: OrderCsrRequested, Csr: CsrLookup{Deadline: now.Add(-time.Hour), ReconcileAt: now.Add(-5 * time.Minute)}}), now.Add(10 * time.Minute)},
		{"just submitted", live(PortOrder{Status: OrderSubmitted, StatusSince: now.Add(-10 * time.Minute)}), now.Add(checkFresh)},
		{"submitted hours ago", live(PortOrder{Status: OrderSubmitted, StatusSince: now.Add(-5 * time.Hour)}), now.Add(checkWaiting)},
		{"submitted days ago", live(PortOrder{Status: OrderException, StatusSince: now.Add(-72 * time.Hour)}), now.Add(checkDays)},
		{"FOC days away", live(PortOrder{Status: OrderFoc, ActualFocDate: foc}), now.Add(checkDays)},
		{"FOC just over a day away", live(PortOrder{Status: OrderFoc, ActualFocDate: now.Add(26 * time.Hour)}), now.Add(2 * time.Hour)},
		{"FOC within a day", live(PortOrder{Status: OrderFoc, ActualFocDate: now.Add(10 * time.Hour)}), now.Add(checkAroundFoc)},
		{"FOC passed, not complete", live(PortOrder{Status: OrderFoc, ActualFocDate: now.Add(-2 * time.Hour)}), now.Add(checkAroundFoc)},
		{"cancelling", live(PortOrder{Status: OrderRequestedCancel}), now.Add(checkCancelling)},
		{"operator, order at Bandwidth", live(PortOrder{Status: OrderActionRequired, BandwidthOrderID: "bw"}), now.Add(checkOperator)},
		{"operator, nothing at Bandwidth", live(PortOrder{Status: OrderActionRequired}), now.Add(checkOperator)},
		{"soonest port order wins", PortRequest{Status: StatusSubmitted, Orders: []PortOrder{
			{Status: OrderFoc, ActualFocDate: foc},
			{Status: OrderSubmitted, StatusSince: now},
		}}, now.Add(checkFresh)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NextCheck(tc.r, now); !got.Equal(tc.want) {
				t.Fatalf("NextCheck = %s, want %s", got, tc.want)
			}
		})
	}
}
