package order

import (
	"fmt"
	"strings"
	"time"
)

// stage orders the live port order statuses by progress; a request is as far along as its
// least advanced live port order.
var stage = map[OrderStatus]Status{
	OrderAwaitingCsr:      StatusAwaitingCsr,
	OrderCsrRequested:     StatusAwaitingCsr,
	OrderCreating:         StatusSubmitting,
	OrderPreparing:        StatusSubmitting,
	OrderReady:            StatusSubmitting,
	OrderSubmitted:        StatusSubmitted,
	OrderPendingDocuments: StatusSubmitted,
	OrderException:        StatusSubmitted,
	OrderRequestedSupp:    StatusSubmitted,
	OrderFoc:              StatusFoc,
}

var stageRank = map[Status]int{StatusAwaitingCsr: 0, StatusSubmitting: 1, StatusSubmitted: 2, StatusFoc: 3}

// AggregateStatus computes a request's status, with a sentence saying why, from its numbers and
// port orders:
//
//   - before any port order exists, the status the request was put in (received,
//     checking_portability), or a terminal one once every number is settled;
//   - once every port order is finished: completed when every number ported,
//     partially_completed when some did, cancelled when none did and a cancel was asked for,
//     failed otherwise;
//   - action_required when any port order waits for an operator;
//   - cancel_requested when any port order is being cancelled;
//   - otherwise the stage of the least advanced live port order.
func AggregateStatus(r PortRequest) (Status, string) {
	if len(r.Orders) == 0 {
		if len(r.Numbers) > 0 && allNumbersSettled(r) {
			return finishedStatus(r)
		}
		switch {
		case r.Status == StatusCheckingPortability && r.bulkWaitsForBandwidth():
			if r.Bulk.Step == BulkStepCreating {
				return r.Status, "Creating the Bandwidth bulk port-in."
			}
			return r.Status, "Bandwidth is validating the numbers of bulk port-in " + r.Bulk.BandwidthOrderID + " and splitting them by losing carrier."
		case r.Status == StatusCheckingPortability:
			return r.Status, "Checking portability and losing carriers with Bandwidth."
		default:
			return StatusReceived, "Received; the portability check starts shortly."
		}
	}
	live := 0
	for _, o := range r.Orders {
		if !o.Status.Terminal() {
			live++
		}
	}
	if live == 0 {
		return finishedStatus(r)
	}
	for _, o := range r.Orders {
		if o.Status == OrderActionRequired && o.Action != nil {
			return StatusActionRequired, o.Action.Message
		}
	}
	for _, o := range r.Orders {
		if o.Status == OrderRequestedCancel || ((o.Status == OrderCreating || o.Status == OrderReady) && o.CancelRequested) {
			return StatusCancelRequested, "Cancellation requested; waiting for Bandwidth to confirm it."
		}
	}
	least := StatusFoc
	for _, o := range r.Orders {
		if s, ok := stage[o.Status]; ok && stageRank[s] < stageRank[least] {
			least = s
		}
	}
	return least, stageReason(r, least)
}

func stageReason(r PortRequest, s Status) string {
	var reason string
	switch s {
	case StatusAwaitingCsr:
		reason = "Waiting for the customer service record (CSR) from the losing carrier."
	case StatusSubmitting:
		reason = "Submitting the port-in to Bandwidth."
		if r.Bulk != nil && (r.Bulk.Step == BulkStepPreparing || r.Bulk.Step == BulkStepSubmitting) {
			reason = "Preparing the child port-ins of bulk port-in " + r.Bulk.BandwidthOrderID + " with the validated data; the bulk is submitted once all are ready."
		}
	case StatusSubmitted:
		reason = "Bandwidth is processing the port; waiting for the losing carrier's firm order commitment (FOC)."
	case StatusFoc:
		var earliest time.Time
		for _, o := range r.Orders {
			if o.Status == OrderFoc && !o.ActualFocDate.IsZero() && (earliest.IsZero() || o.ActualFocDate.Before(earliest)) {
				earliest = o.ActualFocDate
			}
		}
		reason = "FOC confirmed for " + formatFoc(earliest) + "."
		if r.Activation.Mode == ActivationOnDemand {
			reason += " Activation is on demand."
		}
	}
	for _, o := range r.Orders {
		if o.Activation.Error != "" && o.Status == OrderFoc {
			reason += " " + o.Activation.Error
		}
		if o.CancelRefusal != "" && !o.Status.Terminal() {
			reason += " " + o.CancelRefusal
		}
	}
	return reason
}

func allNumbersSettled(r PortRequest) bool {
	for _, n := range r.Numbers {
		if n.Status == NumberPending || n.Status == NumberPorting {
			return false
		}
	}
	return true
}

// finishedStatus is the terminal status of a request whose numbers are all settled.
func finishedStatus(r PortRequest) (Status, string) {
	var completed, cancelled, failed int
	var failures []string
	for _, n := range r.Numbers {
		switch n.Status {
		case NumberCompleted:
			completed++
		case NumberCancelled:
			cancelled++
		default:
			failed++
			if n.Reason != "" && len(failures) < 3 {
				failures = append(failures, n.TN+": "+n.Reason)
			}
		}
	}
	total := len(r.Numbers)
	switch {
	case completed == total:
		return StatusCompleted, fmt.Sprintf("All %d numbers ported.", total)
	case completed > 0:
		var rest []string
		if cancelled > 0 {
			rest = append(rest, fmt.Sprintf("%d cancelled", cancelled))
		}
		if failed > 0 {
			rest = append(rest, fmt.Sprintf("%d failed", failed))
		}
		return StatusPartiallyCompleted, fmt.Sprintf("%d of %d numbers ported; %s.", completed, total, strings.Join(rest, ", "))
	case !r.CancelRequestedAt.IsZero() || (cancelled > 0 && failed == 0):
		return StatusCancelled, "Cancelled on request."
	}
	reason := "No number could be ported."
	if len(failures) > 0 {
		reason += " " + strings.Join(failures, "; ") + "."
	}
	return StatusFailed, reason
}

// firstAction is the action shown on the request: the first port order waiting for an operator.
func firstAction(r PortRequest) *ActionRequired {
	for _, o := range r.Orders {
		if o.Status == OrderActionRequired && o.Action != nil {
			return o.Action.clone()
		}
	}
	return nil
}
