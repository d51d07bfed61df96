package order

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// corrected applies what an operator supplied and resumes every port order whose action it
// resolves. It is refused when it resolves none.
func (d *decider) corrected(ev Corrected) error {
	if d.r.Status != StatusActionRequired {
		return rejected(RejectNotAwaitingCorrection,
			"The request is %s; corrections are accepted only while it is action_required.", d.r.Status)
	}
	supplied, pinChanged, err := d.applyCorrection(ev)
	if err != nil {
		return err
	}
	var missing []string
	resumed := 0
	for i := range d.r.Orders {
		o := &d.r.Orders[i]
		if o.Status != OrderActionRequired || o.Action == nil {
			continue
		}
		if lacking := lackingFields(o.Action, supplied, ev.Confirm); len(lacking) > 0 {
			missing = appendUnique(missing, lacking...)
			continue
		}
		if d.resume(o, ev, supplied, pinChanged) {
			resumed++
		} else {
			missing = appendUnique(missing, o.Action.Fields...)
		}
	}
	if resumed == 0 {
		want := "a change to what was sent"
		if len(missing) > 0 {
			want = strings.Join(missing, ", ")
		}
		return rejected(RejectCorrectionIncomplete,
			"The correction resolves nothing that is waiting: supply %s, or confirm where the action allows it. %s", want, d.actionsSummary())
	}
	// New documents also go to port orders that were not waiting for them.
	if len(ev.Documents) > 0 {
		for i := range d.r.Orders {
			if o := &d.r.Orders[i]; !o.Status.Terminal() && o.Status != OrderActionRequired && !d.uploadEmitted(o.ID) {
				d.uploadPendingDocuments(o)
			}
		}
	}
	return nil
}

// applyCorrection validates the supplied fields and writes them into the request. It returns the
// set of fields supplied and whether the PIN changed.
func (d *decider) applyCorrection(ev Corrected) (map[string]bool, bool, error) {
	var v validator
	supplied := map[string]bool{}
	pinChanged := false
	if ev.AccountNumber != nil {
		if *ev.AccountNumber == "" {
			v.add("/account_number", "required", "must not be empty")
		}
		d.r.AccountNumber = *ev.AccountNumber
		supplied[FieldAccountNumber] = true
	}
	if ev.PIN != nil {
		if *ev.PIN == "" {
			v.add("/pin", "required", "must not be empty")
		}
		pinChanged = *ev.PIN != d.r.PIN
		d.r.PIN = *ev.PIN
		supplied[FieldPIN] = true
	}
	if ev.ServiceAddressParts != nil {
		validateAddress(&v, "/service_address", *ev.ServiceAddressParts)
		d.r.ServiceAddressParts = *ev.ServiceAddressParts
		if ev.ServiceAddress != nil {
			d.r.ServiceAddress = *ev.ServiceAddress
		}
		supplied[FieldServiceAddress] = true
	} else if ev.ServiceAddress != nil {
		v.add("/service_address", "unparsed", "the corrected address must come with its parsed parts")
	}
	if ev.Subscriber != nil {
		validateSubscriber(&v, "/subscriber", *ev.Subscriber)
		d.r.Subscriber = *ev.Subscriber
		supplied[FieldSubscriber] = true
	}
	if ev.BillingNumber != nil {
		if !nanpPattern.MatchString(*ev.BillingNumber) {
			v.add("/billing_number", "invalid", "must be a 10-digit North American number")
		}
		d.r.BillingNumber = *ev.BillingNumber
		supplied[FieldBillingNumber] = true
	}
	if ev.LoaAuthorizingPerson != nil {
		name := strings.Join(strings.Fields(*ev.LoaAuthorizingPerson), " ")
		if name == "" {
			v.add("/loa_authorizing_person", "required", "must not be empty")
		}
		d.r.LoaAuthorizingPerson = name
		supplied[FieldLoaAuthorizingPerson] = true
	}
	if ev.FocWish != nil {
		today := DateOf(d.now.In(eastern))
		if ev.FocWish.Before(today.AddDays(1)) || today.AddDays(maxFocDaysOut).Before(*ev.FocWish) {
			v.add("/requested_foc_date", "out_of_range", fmt.Sprintf("must be between tomorrow and %d days out", maxFocDaysOut))
		}
		wish := *ev.FocWish
		d.r.FocWish = &wish
		supplied[FieldRequestedFocDate] = true
	}
	if len(ev.Documents) > 0 {
		for _, id := range ev.Documents {
			if !slices.Contains(d.r.Documents, id) {
				d.r.Documents = append(d.r.Documents, id)
			}
		}
		supplied[FieldDocuments] = true
	}
	if len(v.problems) > 0 {
		msgs := make([]string, len(v.problems))
		for i, p := range v.problems {
			msgs[i] = p.Pointer + ": " + p.Message
		}
		return nil, false, rejected(RejectCorrectionInvalid, "The correction is invalid: %s.", strings.Join(msgs, "; "))
	}
	return supplied, pinChanged, nil
}

// lackingFields lists what an action still needs from this correction; empty means resolved.
// A confirmable action could go on with no new data at all, so a confirmation or any one of its
// fields resolves it (any supplied data when it names none); otherwise every field is needed.
func lackingFields(a *ActionRequired, supplied map[string]bool, confirm bool) []string {
	var lacking []string
	for _, f := range a.Fields {
		if !supplied[f] {
			lacking = append(lacking, f)
		}
	}
	if !a.Confirmable {
		return lacking
	}
	resolvedByData := len(lacking) < len(a.Fields) || (len(a.Fields) == 0 && len(supplied) > 0)
	if confirm || resolvedByData {
		return nil
	}
	if len(a.Fields) == 0 {
		return []string{"confirm"}
	}
	return lacking
}

// resume continues a port order after its action was resolved; false when there is nothing to
// resume with after all (the correction changes nothing that was sent).
func (d *decider) resume(o *PortOrder, ev Corrected, supplied map[string]bool, pinChanged bool) bool {
	a := o.Action
	d.takeCorrection(o, a, supplied)
	switch a.Resume {
	case ResumeCreateCsr:
		if missing := d.missingAccountDetails(o); len(missing) > 0 {
			return false
		}
		d.requestCsr(o)
	case ResumeUpdateCsr:
		o.Csr.Deadline = d.now.Add(d.r.Policy.CsrTimeout)
		o.Csr.ReconcileAt = time.Time{}
		o.Csr.Outcome = ""
		d.emit(UpdateCsr{PortOrder: o.ID, CsrOrderID: o.Csr.OrderID, Plan: d.csrPlan(o)})
		d.setStatus(o, OrderCsrRequested, "CSR resubmitted with the operator's information")
	case ResumeWithoutCsr, ResumeCreatePortIn:
		d.useCustomerData(o)
		d.createPortIn(o, "submitting the port-in after the operator's correction")
	case ResumeUploadDocument:
		if len(ev.Documents) == 0 {
			return false
		}
		d.setStatus(o, statusFromProcessing(o.ProcessingStatus), "new documents supplied")
		d.uploadPendingDocuments(o)
		d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
	case ResumeSupp:
		// A port-in rejected for a missing LOA (7424) stays in EXCEPTION until it is resubmitted:
		// with the document, send a SUPP carrying a fresh FOC date (the old one has usually
		// passed its lead time by then), so the carrier looks at the order again.
		documentsResubmit := len(ev.Documents) > 0 && slices.Contains(classesOf(a.Errors), ClassDocuments)
		includeFoc := supplied[FieldRequestedFocDate] || documentsResubmit || slices.Contains(classesOf(a.Errors), ClassFocDate)
		plan := d.buildSupp(o, includeFoc, pinChanged)
		switch {
		case !plan.Empty():
			plan.Reason = "operator correction of " + describeErrors(a.Errors)
			d.sendSupp(o, plan)
			d.uploadPendingDocuments(o)
		case ev.Confirm || len(ev.Documents) > 0:
			// Nothing to change on the order itself: the operator settled it elsewhere or sent
			// documents. Go back to following the order.
			d.setStatus(o, statusFromProcessing(o.ProcessingStatus), "operator confirmed; following the order again")
			d.uploadPendingDocuments(o)
			d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
		default:
			return false
		}
	}
	return true
}

// takeCorrection copies the corrected data that matters to a port order into it.
func (d *decider) takeCorrection(o *PortOrder, a *ActionRequired, supplied map[string]bool) {
	if supplied[FieldServiceAddress] {
		o.Address, o.AddressSource = d.r.ServiceAddressParts, SourceOperator
	}
	if supplied[FieldSubscriber] {
		o.NameSource = SourceOperator
	}
	if supplied[FieldAccountNumber] {
		o.AccountNumber = d.r.AccountNumber
		if o.Account != nil {
			o.Account.AccountNumber = d.r.AccountNumber
		}
	}
	if supplied[FieldPIN] && o.Account != nil {
		// The operator's PIN replaces the one the numbers came with.
		o.Account.PIN = d.r.PIN
	}
	asked := slices.Contains(a.Fields, FieldAccountNumber) || slices.Contains(a.Fields, FieldPIN)
	portInRejection := a.Resume == ResumeSupp || a.Resume == ResumeCreatePortIn
	if asked && portInRejection && (supplied[FieldAccountNumber] || supplied[FieldPIN]) {
		// The carrier rejected the port-in for its account details: from now on they go on it.
		// (Not after a CSR question: wireless details on a wireline port are an error, 6209.)
		o.SendAccountDetails = true
		if o.AccountNumber == "" {
			o.AccountNumber = d.r.AccountNumber
		}
	}
	if supplied[FieldBillingNumber] && slices.Contains(a.Fields, FieldBillingNumber) {
		o.BillingNumber = d.r.BillingNumber
	}
}

func (d *decider) uploadEmitted(portOrder string) bool {
	for _, e := range d.effects {
		if u, ok := e.(UploadDocuments); ok && u.PortOrder == portOrder {
			return true
		}
	}
	return false
}

// actionsSummary lists what the waiting port orders ask for.
func (d *decider) actionsSummary() string {
	var parts []string
	for _, o := range d.r.Orders {
		if o.Status == OrderActionRequired && o.Action != nil {
			ask := strings.Join(o.Action.Fields, ", ")
			if o.Action.Confirmable {
				if ask != "" {
					ask += " or "
				}
				ask += "confirm"
			}
			parts = append(parts, fmt.Sprintf("Port order %s (%s) needs %s.", o.ID, o.Action.Code, ask))
		}
	}
	return strings.Join(parts, " ")
}

// cancelRequested cancels what can be cancelled: nothing sent → cancelled at once; a CSR →
// CancelCsr; a port-in → DELETE and follow it to CANCELLED. Refused as a whole when Bandwidth
// would refuse a port order (within 24 h of its FOC date), so a request is never half-cancelled
// by surprise.
func (d *decider) cancelRequested(ev CancelRequested) error {
	switch d.r.Status {
	case StatusCancelRequested, StatusCancelled:
		d.ignore("cancellation already requested")
		return nil
	case StatusCompleted, StatusPartiallyCompleted:
		return rejected(RejectAlreadyFinished, "The request is %s: the numbers have already ported and cannot be cancelled.", d.r.Status)
	case StatusFailed:
		return rejected(RejectAlreadyFinished, "The request has failed; nothing is left to cancel.")
	}
	for _, o := range d.r.Orders {
		if o.Status.Terminal() || o.ActualFocDate.IsZero() || o.BandwidthOrderID == "" {
			continue
		}
		if !d.now.Before(o.ActualFocDate.Add(-cancelCutoff)) {
			return rejected(RejectCancelTooCloseToFoc,
				"Bandwidth does not allow cancelling within 24 hours of the FOC date: port order %s (%s) is due %s. Cancel the other port orders individually with Bandwidth support, or let the port complete.",
				o.ID, strings.Join(o.Numbers, ", "), o.ActualFocDate.In(eastern).Format("2006-01-02 15:04 MST"))
		}
	}
	d.r.CancelRequestedAt = d.now
	reason := "cancelled on request"
	if ev.Reason != "" {
		reason += ": " + ev.Reason
	}
	for i := range d.r.Numbers {
		if n := &d.r.Numbers[i]; n.Status == NumberPending {
			n.Status, n.Reason = NumberCancelled, reason
		}
	}
	if b := d.r.Bulk; b != nil {
		switch b.Step {
		case BulkStepCreating, BulkStepValidating, BulkStepPreparing:
			// Nothing was submitted: the draft goes, and with it its attached children.
			d.abandonBulk("cancelled on request")
		}
	}
	for i := range d.r.Orders {
		o := &d.r.Orders[i]
		if o.Status.Terminal() {
			continue
		}
		o.CancelRequested = true
		o.StatusBeforeCancel = o.Status
		o.CancelRefusal = ""
		switch {
		case o.InBulk && d.r.Bulk.Step == BulkStepSubmitting:
			// The submission is in flight: what it submits is cancelled when it reports back.
			d.note(o, "cancellation requested while the bulk port-in is being submitted")
		case o.InBulk:
			if o.Csr.OrderID != "" && (o.Csr.Outcome == "" || o.Csr.Outcome == CsrOutcomeActionRequired) {
				d.emit(CancelCsr{PortOrder: o.ID, CsrOrderID: o.Csr.OrderID})
			}
			d.leaveBulk(o, "cancelled")
			d.finishNumbers(o, NumberCancelled, reason)
			d.setStatus(o, OrderCancelled, reason)
		case o.BandwidthOrderID != "":
			d.emit(CancelPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
			o.RetryAt = d.now.Add(reissueAfter)
			// Keep a pending operator action: if Bandwidth refuses the cancellation, the port
			// order goes back to waiting for it.
			action := o.Action
			d.setStatus(o, OrderRequestedCancel, reason)
			o.Action = action
		case o.Status == OrderCreating:
			// The create is in flight: cancel what it makes when it reports back.
			d.note(o, "cancellation requested while the port-in is being created")
		default:
			if o.Csr.OrderID != "" && (o.Csr.Outcome == "" || o.Csr.Outcome == CsrOutcomeActionRequired) {
				d.emit(CancelCsr{PortOrder: o.ID, CsrOrderID: o.Csr.OrderID})
			}
			d.finishNumbers(o, NumberCancelled, reason)
			d.setStatus(o, OrderCancelled, reason)
		}
	}
	return nil
}

// cancelRefused restores a port order whose cancellation Bandwidth refused, with the reason.
func (d *decider) cancelRefused(ev CancelRefused) {
	o := d.r.order(ev.PortOrder)
	if !o.CancelRequested || o.Status != OrderRequestedCancel {
		d.ignore("port order %s is not being cancelled", o.ID)
		return
	}
	if hasCode(ev.Errors, cancelAlreadyDone...) {
		// Already cancelled or being cancelled: the refusal is Bandwidth saying "done".
		d.note(o, "Bandwidth reports the cancellation already under way ("+describeErrors(ev.Errors)+")")
		d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
		return
	}
	o.CancelRequested = false
	o.CancelRefusal = cancelRefusalSentence(ev.Errors)
	back := o.StatusBeforeCancel
	if back == "" || back == OrderCreating || back == OrderRequestedCancel {
		back = statusFromProcessing(o.ProcessingStatus)
	}
	if back == OrderActionRequired && o.Action == nil {
		back = statusFromProcessing(o.ProcessingStatus)
	}
	action := o.Action
	d.setStatus(o, back, o.CancelRefusal)
	if back == OrderActionRequired {
		o.Action = action
	}
	o.RetryAt = time.Time{}
	d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
}

// activationRequested activates the on-demand port orders in FOC now (PUT activationStatus with
// a time in the past). Refused with the reason when Bandwidth would refuse it.
func (d *decider) activationRequested() error {
	if d.r.Status != StatusFoc {
		if d.r.Status.Terminal() {
			return rejected(RejectActivationNotInFoc, "The request is %s; there is nothing to activate.", d.r.Status)
		}
		return rejected(RejectActivationNotInFoc,
			"Activation is possible once Bandwidth has confirmed a FOC date; the request is %s.", d.r.Status)
	}
	if d.r.Activation.Mode != ActivationOnDemand {
		return rejected(RejectActivationNotOnDemand,
			"The request uses scheduled activation: Bandwidth activates the numbers at 11:30 ET on the FOC date.")
	}
	// Whether the FOC day's activation window is open is Bandwidth's call (7342): the
	// orchestrator asks Bandwidth (GET activationStatus) before it applies this event, so the
	// operator gets Bandwidth's own answer, and a sandbox with compressed time works the same.
	var eligible []*PortOrder
	for i := range d.r.Orders {
		o := &d.r.Orders[i]
		if o.Status == OrderFoc && o.Submitted != nil && o.Submitted.Triggered {
			eligible = append(eligible, o)
		}
	}
	if len(eligible) == 0 {
		return rejected(RejectActivationNotSupported,
			"None of the port orders in FOC was created for on-demand activation (manual port types cannot be triggered); Bandwidth activates them at 11:30 ET on the FOC date.")
	}
	activated := 0
	for _, o := range eligible {
		if !o.Activation.RequestedAt.IsZero() {
			continue
		}
		d.activate(o, "activation requested by the operator")
		activated++
	}
	if activated == 0 {
		d.ignore("activation already requested")
	}
	return nil
}

func (d *decider) activate(o *PortOrder, detail string) {
	o.Activation.RequestedAt = d.now
	o.Activation.Error = ""
	d.emit(ActivatePortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID, At: d.now})
	d.note(o, detail)
}

// activationDue activates at the scheduled time, if the order is still in FOC for that time.
func (d *decider) activationDue(ev ActivationDue) {
	o := d.r.order(ev.PortOrder)
	switch {
	case o.Status != OrderFoc:
		d.ignore("port order %s is %s, not in FOC", o.ID, o.Status)
	case o.Activation.ScheduledFor.IsZero() || d.activationFor(o).Mode != ActivationOnDemand:
		d.ignore("port order %s has no scheduled activation", o.ID)
	case !ev.ScheduledFor.Equal(o.Activation.ScheduledFor):
		d.ignore("activation for %s no longer scheduled (now %s)", ev.ScheduledFor.Format(timeLayout), o.Activation.ScheduledFor.Format(timeLayout))
	case !o.Activation.RequestedAt.IsZero():
		d.ignore("activation already requested")
	default:
		d.activate(o, "scheduled activation time reached")
	}
}

// activationRefused records Bandwidth's refusal as a clear error and lets the operator retry.
func (d *decider) activationRefused(ev ActivationRefused) {
	o := d.r.order(ev.PortOrder)
	if o.Activation.RequestedAt.IsZero() || o.Status.Terminal() {
		d.ignore("no activation in flight for port order %s", o.ID)
		return
	}
	o.Activation.RequestedAt = time.Time{}
	o.Activation.Error = activationRefusalSentence(ev.Errors)
	d.note(o, o.Activation.Error)
	if hasCode(ev.Errors, "7340", "7349") {
		d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
	}
}

// documentsAdded keeps a new customer document and sends it to every live port-in. While a port
// order waits for documents, the document resolves that action exactly as a correction would.
func (d *decider) documentsAdded(ev DocumentsAdded) error {
	if d.r.Status.Terminal() {
		return rejected(RejectAlreadyFinished, "The request is %s; documents can no longer be sent to Bandwidth.", d.r.Status)
	}
	if d.r.Status == StatusActionRequired {
		for _, o := range d.r.Orders {
			if o.Status == OrderActionRequired && o.Action != nil && slices.Contains(o.Action.Fields, FieldDocuments) {
				return d.corrected(Corrected{At: ev.At, Documents: ev.Documents})
			}
		}
	}
	var added []string
	for _, id := range ev.Documents {
		if !slices.Contains(d.r.Documents, id) {
			d.r.Documents = append(d.r.Documents, id)
			added = append(added, id)
		}
	}
	if len(added) == 0 {
		d.ignore("documents already added")
		return nil
	}
	for i := range d.r.Orders {
		if o := &d.r.Orders[i]; !o.Status.Terminal() {
			d.uploadPendingDocuments(o)
		}
	}
	d.timeline = append(d.timeline, Entry{At: d.now, From: string(d.r.Status), To: string(d.r.Status), Cause: KindDocumentsAdded,
		Detail: fmt.Sprintf("%d document(s) added", len(added))})
	return nil
}
