package order

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Decision is what Decide concluded from one event.
type Decision struct {
	// Request is the new state. Its NextCheckAt is always recomputed, even when nothing else
	// changed, so the reconciler's cadence follows the request.
	Request PortRequest
	// Effects is the work to enqueue, in order. Polls may be asked for without a change.
	Effects []Effect
	// Timeline lists the status changes and noteworthy facts, oldest first.
	Timeline []Entry
	// Changed is true when the request's state changed (beyond NextCheckAt): save it, with its
	// version increased, and append Timeline.
	Changed bool
	// Ignored says why the event changed nothing (stale, repeated, not applicable); empty when it
	// was applied. Ignored decisions have no effects.
	Ignored string
}

// Entry is one timeline line: a status change of the request (PortOrder empty) or of one port
// order, or a fact worth showing (From == To).
type Entry struct {
	At        time.Time `json:"at"`
	PortOrder string    `json:"port_order,omitempty"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Cause     EventKind `json:"cause"`
	Detail    string    `json:"detail,omitempty"`
}

// ErrNotInTable means Decide reached a status the transition table does not allow — a bug in
// this package, never a consequence of input.
var ErrNotInTable = errors.New("order: transition not in the table")

// Timing of reissues and retries.
const (
	// reissueAfter: a create (CSR or port-in) or cancel not answered by then is issued again;
	// the calls are idempotent, so this only heals jobs that were lost.
	reissueAfter = 15 * time.Minute
	// retryLaterDelay: how long to wait after Bandwidth said "try again later".
	retryLaterDelay = 30 * time.Minute
	// csrReconcileGrace: after the CSR deadline one last read is made; without an answer by
	// then the CSR counts as timed out.
	csrReconcileGrace = 15 * time.Minute
	// cancelCutoff: Bandwidth refuses to cancel within 24 h of the FOC date (7301, 7390).
	cancelCutoff = 24 * time.Hour
	// maxFocRecomputations bounds automatic FOC date corrections, so a carrier that keeps
	// refusing dates reaches an operator instead of a loop.
	maxFocRecomputations = 2
)

// Decide applies one event to a request: the whole porting state machine as a pure function.
// Stale or repeated events return the request unchanged with Ignored set. Commands that are not
// possible in the request's state return a *RejectedError. r is not modified.
func Decide(r PortRequest, ev Event) (Decision, error) {
	if ev == nil {
		return Decision{}, errors.New("order: nil event")
	}
	d := &decider{before: r.clone(), r: r.clone(), ev: ev, now: ev.Time()}
	if err := d.dispatch(); err != nil {
		return Decision{}, err
	}
	return d.finish()
}

// decider carries one decision in progress.
type decider struct {
	// numberIndex maps a number to its index in r.Numbers (built on first use: a bulk request
	// holds up to 20,000 numbers).
	numberIndex map[string]int
	before      PortRequest
	r           PortRequest
	ev          Event
	now         time.Time
	effects     []Effect
	timeline    []Entry
	ignored     string
}

// number returns the state of tn in the request being decided, or nil.
func (d *decider) number(tn string) *NumberState {
	if d.numberIndex == nil {
		d.numberIndex = make(map[string]int, len(d.r.Numbers))
		for i, n := range d.r.Numbers {
			d.numberIndex[n.TN] = i
		}
	}
	i, ok := d.numberIndex[tn]
	if !ok {
		return nil
	}
	return &d.r.Numbers[i]
}

func (d *decider) dispatch() error {
	if n, ok := d.ev.(Notified); ok && n.Subject == SubjectBulk {
		d.bulkNotified(n)
		return nil
	}
	if oe, ok := d.ev.(portOrderEvent); ok {
		if d.r.order(oe.portOrderID()) == nil {
			d.ignore("request %s has no port order %q", d.r.ID, oe.portOrderID())
			return nil
		}
	}
	switch ev := d.ev.(type) {
	case Accepted:
		d.accepted()
	case PortabilityChecked:
		d.portabilityChecked(ev)
	case PortabilityRejected:
		d.portabilityRejected(ev)
	case CsrCreated:
		d.csrCreated(ev)
	case CsrRejected:
		d.csrRejected(ev)
	case CsrObserved:
		d.csrObserved(ev)
	case PortInCreated:
		d.portInCreated(ev)
	case PortInRejected:
		d.portInRejected(ev)
	case PortInObserved:
		d.portInObserved(ev)
	case DocumentsUploaded:
		d.documentsUploaded(ev)
	case DocumentsRejected:
		d.documentsRejected(ev)
	case SuppRejected:
		d.suppRejected(ev)
	case Corrected:
		return d.corrected(ev)
	case CancelRequested:
		return d.cancelRequested(ev)
	case CancelRefused:
		d.cancelRefused(ev)
	case ActivationRequested:
		return d.activationRequested()
	case ActivationDue:
		d.activationDue(ev)
	case ActivationRefused:
		d.activationRefused(ev)
	case NoteReceived:
		d.noteReceived(ev)
	case DocumentsAdded:
		return d.documentsAdded(ev)
	case Notified:
		d.notified(ev)
	case CheckDue:
		d.checkDue()
	case BulkCreated:
		d.bulkCreated(ev)
	case BulkRejected:
		d.bulkRejected(ev)
	case BulkValidated:
		d.bulkValidated(ev)
	case DraftPrepared:
		d.draftPrepared(ev)
	case DraftRejected:
		d.draftRejected(ev)
	case BulkSubmitted:
		d.bulkSubmitted(ev)
	case BulkSubmitRejected:
		d.bulkSubmitRejected(ev)
	case BulkObserved:
		d.bulkObserved(ev)
	default:
		return fmt.Errorf("order: unknown event %T", ev)
	}
	return nil
}

func (d *decider) finish() (Decision, error) {
	kind := d.ev.Kind()
	if d.ignored != "" {
		return Decision{Request: d.before, Ignored: d.ignored}, nil
	}
	from := d.before.Status
	d.advanceBulk()
	d.finishBulk()
	d.r.Status, d.r.StatusReason = AggregateStatus(d.r)
	d.r.Action = firstAction(d.r)
	if d.r.Status != from {
		d.timeline = append(d.timeline, Entry{At: d.now, From: string(from), To: string(d.r.Status), Cause: kind, Detail: d.r.StatusReason})
	}
	if !Allowed(from, kind, d.r.Status) {
		return Decision{}, fmt.Errorf("%w: %s on %s gave %s", ErrNotInTable, kind, from, d.r.Status)
	}
	changed := !sameState(d.before, d.r)
	if changed {
		d.r.Version = d.before.Version + 1
		d.r.UpdatedAt = d.now
	}
	d.r.NextCheckAt = NextCheck(d.r, d.now)
	return Decision{Request: d.r, Effects: d.effects, Timeline: d.timeline, Changed: changed}, nil
}

// sameState compares two requests as they would be stored, ignoring the bookkeeping fields a
// decision always rewrites.
func sameState(a, b PortRequest) bool {
	norm := func(r PortRequest) []byte {
		r.NextCheckAt, r.Version, r.UpdatedAt = time.Time{}, 0, time.Time{}
		b, err := json.Marshal(r)
		if err != nil {
			// Unreachable: every field marshals.
			panic(fmt.Sprintf("order: marshal request: %v", err))
		}
		return b
	}
	return bytes.Equal(norm(a), norm(b))
}

func (d *decider) ignore(format string, args ...any) {
	d.ignored = fmt.Sprintf(format, args...)
	d.effects = nil
	d.timeline = nil
}

func (d *decider) emit(e Effect) { d.effects = append(d.effects, e) }

// note adds a timeline entry about a port order without a status change.
func (d *decider) note(o *PortOrder, detail string) {
	d.timeline = append(d.timeline, Entry{At: d.now, PortOrder: o.ID, From: string(o.Status), To: string(o.Status), Cause: d.ev.Kind(), Detail: detail})
}

// setStatus moves a port order and records it on the timeline.
func (d *decider) setStatus(o *PortOrder, to OrderStatus, detail string) {
	if o.Status == to {
		if detail != "" {
			d.note(o, detail)
		}
		return
	}
	d.timeline = append(d.timeline, Entry{At: d.now, PortOrder: o.ID, From: string(o.Status), To: string(to), Cause: d.ev.Kind(), Detail: detail})
	o.Status = to
	o.StatusSince = d.now
	if to != OrderActionRequired {
		o.Action = nil
	}
	if to.Terminal() {
		o.RetryAt, o.PendingSupp = time.Time{}, nil
	}
}

// requireAction stops a port order for an operator.
func (d *decider) requireAction(o *PortOrder, a *ActionRequired) {
	d.leaveBulk(o, "waiting for an operator: "+a.Code)
	a.PortOrder = o.ID
	a.Since = d.now
	o.Action = a
	o.RetryAt = time.Time{}
	if o.Status == OrderActionRequired {
		d.note(o, a.Message)
		return
	}
	d.setStatus(o, OrderActionRequired, a.Message)
}

// finishNumbers sets the status of every number of a port order that is still in flight.
func (d *decider) finishNumbers(o *PortOrder, status NumberStatus, reason string) {
	for _, tn := range o.Numbers {
		if n := d.number(tn); n != nil && (n.Status == NumberPorting || n.Status == NumberPending) {
			n.Status, n.Reason = status, reason
		}
	}
}

// pendingNumbers lists the numbers not yet assigned to a port order or finished.
func (d *decider) pendingNumbers() []string {
	var out []string
	for _, n := range d.r.Numbers {
		if n.Status == NumberPending {
			out = append(out, n.TN)
		}
	}
	return out
}

// accepted starts the portability check.
func (d *decider) accepted() {
	if d.r.Status != StatusReceived {
		d.ignore("request already started (%s)", d.r.Status)
		return
	}
	d.r.Status = StatusCheckingPortability
	if checkable := d.checkableNumbers(); len(checkable) > 0 {
		d.emit(CheckPortability{Numbers: checkable})
		return
	}
	// Only toll-free numbers: the bulk port-in's validation is their portability check.
	d.startBulk(nil)
}

// checkDue is the reconcile tick: reissue what may have been lost, poll what is waiting, act on
// deadlines.
func (d *decider) checkDue() {
	switch {
	case d.r.Status == StatusReceived:
		d.accepted()
		return
	case d.r.Status == StatusCheckingPortability && d.r.Bulk != nil:
		d.reconcileBulk()
		return
	case d.r.Status == StatusCheckingPortability:
		if checkable := d.checkableNumbers(); len(checkable) > 0 {
			d.emit(CheckPortability{Numbers: checkable})
		} else {
			d.startBulk(nil)
		}
		return
	case d.r.Status.Terminal():
		d.ignore("request is %s", d.r.Status)
		return
	}
	if d.r.Bulk != nil {
		d.reconcileBulk()
	}
	for i := range d.r.Orders {
		o := &d.r.Orders[i]
		if !o.Status.Terminal() {
			d.reconcile(o)
		}
	}
}

// reconcile is one port order's share of a reconcile tick: reissue a create or cancel whose
// answer is overdue (the calls are idempotent), resend a SUPP Bandwidth asked to retry, and
// otherwise read the order, because a lost callback must delay it by minutes, never forever.
func (d *decider) reconcile(o *PortOrder) {
	due := !d.now.Before(o.RetryAt)
	switch o.Status {
	case OrderAwaitingCsr:
		if due {
			d.requestCsr(o)
		}
	case OrderCsrRequested:
		d.reconcileCsr(o)
	case OrderCreating:
		if due {
			// Find-or-create by CustomerOrderId: harmless if the first create got through.
			d.createPortIn(o, "")
		}
	case OrderPreparing:
		if due {
			// Writing the same data into the draft again is harmless.
			d.prepareChild(o, "")
		}
	case OrderReady:
		// Waits for the bulk's submission, which the bulk's own reconcile reissues.
	case OrderActionRequired:
		if o.BandwidthOrderID != "" {
			d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
		}
	case OrderRequestedCancel:
		if due && o.CancelRequested && o.ProcessingStatus != ProcessingRequestedCancel {
			d.emit(CancelPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
			o.RetryAt = d.now.Add(reissueAfter)
		}
		d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
	default:
		if o.PendingSupp != nil && due {
			plan := o.PendingSupp.clone()
			o.PendingSupp = nil
			if plan.WirelessInfo != nil {
				// The PIN is kept only on the request.
				plan.WirelessInfo.PIN = d.pinFor(o)
			}
			d.sendSupp(o, plan)
			return
		}
		d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
	}
}

// notified turns a notification (a hint) into a read of the order it names.
func (d *decider) notified(ev Notified) {
	o := d.r.order(ev.PortOrder)
	if o.Status.Terminal() {
		d.ignore("port order %s is %s", o.ID, o.Status)
		return
	}
	switch {
	case ev.Subject == SubjectCsr && o.Csr.OrderID != "":
		d.emit(FetchCsr{PortOrder: o.ID, CsrOrderID: o.Csr.OrderID})
	case ev.Subject == SubjectPortIn && o.BandwidthOrderID != "" && !o.InBulk:
		d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
	default:
		d.ignore("port order %s has no %s order to read yet", o.ID, ev.Subject)
	}
}

// bulkNotified turns a bulkPortins notification into a read of the bulk (or of its TN list
// while it is being validated).
func (d *decider) bulkNotified(ev Notified) {
	b := d.r.Bulk
	switch {
	case b == nil || b.BandwidthOrderID == "":
		d.ignore("request has no bulk port-in to read")
	case b.Step == BulkStepValidating:
		d.emit(CollectBulkChildren{BandwidthOrderID: b.BandwidthOrderID})
	case b.Step == BulkStepSubmitted:
		d.emit(FetchBulkPortIn{BandwidthOrderID: b.BandwidthOrderID})
	default:
		d.ignore("bulk port-in %s is %s; nothing to read", b.BandwidthOrderID, b.Step)
	}
}

// noteReceived records a note Bandwidth added and re-reads the order.
func (d *decider) noteReceived(ev NoteReceived) {
	o := d.r.order(ev.PortOrder)
	if ev.Text == "" || ev.Text == o.LastNote {
		d.ignore("note already recorded")
		return
	}
	o.LastNote = ev.Text
	d.note(o, "Bandwidth note: "+ev.Text)
	if !o.Status.Terminal() && o.BandwidthOrderID != "" && !o.InBulk {
		d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
	}
}
