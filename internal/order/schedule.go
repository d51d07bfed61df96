package order

import "time"

// The reconcile cadence. Callbacks are only hints and can be lost, so every live order is polled;
// how often depends on how likely it is to change soon.
const (
	// checkSoon: something was just asked of Bandwidth (portability, CSR or port-in creation).
	checkSoon = 2 * time.Minute
	// checkBulkValidation: Bandwidth validates a bulk TN list in seconds to minutes and sends
	// no notification for it, so it is polled.
	checkBulkValidation = 30 * time.Second
	// checkCsr: a real-time CSR answers within minutes.
	checkCsr = 10 * time.Minute
	// checkFresh: within the first hour after a port order changed, changes come in bursts.
	checkFresh = 5 * time.Minute
	// checkWaiting: waiting for the losing carrier (hours to days).
	checkWaiting = time.Hour
	// checkDays: a port order that has not moved for a day.
	checkDays = 4 * time.Hour
	// checkAroundFoc: within a day of the FOC date and after it, until complete.
	checkAroundFoc = 15 * time.Minute
	// checkCancelling: a cancellation is normally confirmed within minutes.
	checkCancelling = 15 * time.Minute
	// checkOperator: a port order waiting for an operator is still read now and then, in case
	// Bandwidth's LNP team moves it.
	checkOperator = 6 * time.Hour
)

// NextCheck is when the reconciler should next send CheckDue for r, given the time now; zero
// when the request is finished. It is soon after a change and around the FOC date, and rare while
// a FOC date is days away.
func NextCheck(r PortRequest, now time.Time) time.Time {
	if r.Status.Terminal() {
		return time.Time{}
	}
	if len(r.Orders) == 0 {
		if r.bulkWaitsForBandwidth() && r.Bulk.Step == BulkStepValidating {
			return now.Add(checkBulkValidation)
		}
		return now.Add(checkSoon)
	}
	var next time.Time
	if r.Bulk != nil && r.Bulk.Step == BulkStepSubmitting {
		next = now.Add(checkSoon)
	}
	for _, o := range r.Orders {
		t := orderNextCheck(o, now)
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if next.IsZero() {
		// Only operator actions without a Bandwidth order remain: a rare tick still notices
		// anything the operator's correction left behind.
		next = now.Add(checkOperator)
	}
	return next
}

func orderNextCheck(o PortOrder, now time.Time) time.Time {
	soonest := func(ts ...time.Time) time.Time {
		var best time.Time
		for _, t := range ts {
			if !t.IsZero() && t.After(now) && (best.IsZero() || t.Before(best)) {
				best = t
			}
		}
		if best.IsZero() {
			return now.Add(checkSoon)
		}
		return best
	}
	switch o.Status {
	case OrderAwaitingCsr, OrderCreating, OrderPreparing:
		if o.RetryAt.After(now) {
			return o.RetryAt
		}
		return now.Add(checkSoon)
	case OrderCsrRequested:
		if !now.Before(o.Csr.Deadline) {
			if o.Csr.ReconcileAt.IsZero() {
				return now.Add(checkSoon)
			}
			return soonest(o.Csr.ReconcileAt.Add(csrReconcileGrace))
		}
		return soonest(now.Add(checkCsr), o.Csr.Deadline)
	case OrderSubmitted, OrderPendingDocuments, OrderException, OrderRequestedSupp:
		age := now.Sub(o.StatusSince)
		every := checkDays
		switch {
		case age < time.Hour:
			every = checkFresh
		case age < 24*time.Hour:
			every = checkWaiting
		}
		if o.PendingSupp != nil {
			return soonest(now.Add(every), o.RetryAt)
		}
		return now.Add(every)
	case OrderFoc:
		if o.ActualFocDate.IsZero() {
			return now.Add(checkWaiting)
		}
		dayBefore := o.ActualFocDate.Add(-24 * time.Hour)
		if !now.Before(dayBefore) {
			return now.Add(checkAroundFoc)
		}
		return soonest(now.Add(checkDays), dayBefore)
	case OrderRequestedCancel:
		return now.Add(checkCancelling)
	case OrderReady:
		return now.Add(checkSoon)
	case OrderActionRequired:
		if o.BandwidthOrderID != "" {
			return now.Add(checkOperator)
		}
	}
	return time.Time{}
}
