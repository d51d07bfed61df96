package order

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// createPortIn issues the port-in of a port order with the data chosen so far.
func (d *decider) createPortIn(o *PortOrder, detail string) {
	if o.InBulk {
		d.prepareChild(o, detail)
		return
	}
	plan := d.portInPlan(o, d.focFor(o))
	o.Submitted = plan.withoutPIN()
	o.RetryAt = d.now.Add(reissueAfter)
	d.emit(CreatePortIn{PortOrder: o.ID, Plan: plan})
	d.setStatus(o, OrderCreating, detail)
}

// focFor computes the RequestedFocDate for a port order now. After the carrier has rejected a
// date, the lead asked for by 7412 applies.
func (d *decider) focFor(o *PortOrder) time.Time {
	if o.PortType == PortTypeManualTollFree && d.r.FocWish == nil {
		// The LNP checker does not cover toll-free numbers, so their RespOrg's interval is
		// unknown: Bandwidth picks the earliest date when none is requested.
		return time.Time{}
	}
	lead := 1
	if o.FocRecomputations > 0 {
		lead = remediationLeadBusinessDays
	}
	return focDate(d.now, d.r.FocWish, o.Carrier.MinimumPortingIntervalDays, lead, d.activationFor(o))
}

// activationFor is the activation that applies to a port order: on-demand only where Bandwidth
// honours Triggered, otherwise Bandwidth's scheduled default.
func (d *decider) activationFor(o *PortOrder) Activation {
	if d.r.Activation.Mode == ActivationOnDemand && supportsTrigger(o.PortType) {
		return d.r.Activation
	}
	return Activation{Mode: ActivationScheduled}
}

// portInPlan is the complete port-in of a port order.
func (d *decider) portInPlan(o *PortOrder, foc time.Time) PortInPlan {
	plan := PortInPlan{
		CustomerOrderID:      o.ID,
		Numbers:              slices.Clone(o.Numbers),
		BillingNumber:        o.BillingNumber,
		Subscriber:           d.subscriberPlan(o),
		ServiceAddress:       o.Address,
		RequestedFocDate:     foc,
		Triggered:            d.activationFor(o).Mode == ActivationOnDemand,
		PartialPort:          d.partialPort(o),
		LoaAuthorizingPerson: LoaName(d.r.LoaAuthorizingPerson),
		PortType:             o.PortType,
	}
	if o.SendAccountDetails {
		plan.WirelessInfo = &WirelessInfo{AccountNumber: o.AccountNumber, PIN: d.pinFor(o)}
	}
	return plan
}

// subscriberPlan is the subscriber name sent: the customer's, or the CSR's once an address or
// name rejection made portflow switch to it.
func (d *decider) subscriberPlan(o *PortOrder) SubscriberPlan {
	s := d.r.Subscriber
	if o.NameSource == SourceCsr && o.Csr.Data != nil && o.Csr.Data.CustomerName != "" {
		s = subscriberFromCsrName(s.Type, o.Csr.Data.CustomerName)
	}
	plan := SubscriberPlan{Type: strings.ToUpper(string(s.Type))}
	if s.Type == SubscriberBusiness {
		plan.BusinessName = truncateRunes(s.BusinessName, maxSubscriberNameLen)
	} else {
		plan.FirstName = truncateRunes(s.FirstName, maxSubscriberNameLen)
		plan.LastName = truncateRunes(s.LastName, maxSubscriberNameLen)
	}
	return plan
}

// subscriberFromCsrName reads the CSR's single customer-name string: a business name as it is,
// a person as given names and surname ("SMITH, JOHN" and "JOHN SMITH" alike).
func subscriberFromCsrName(t SubscriberType, name string) Subscriber {
	name = strings.Join(strings.Fields(name), " ")
	if t == SubscriberBusiness {
		return Subscriber{Type: t, BusinessName: name}
	}
	if last, first, ok := strings.Cut(name, ","); ok {
		return Subscriber{Type: t, FirstName: strings.TrimSpace(first), LastName: strings.TrimSpace(last)}
	}
	words := strings.Fields(name)
	if len(words) < 2 {
		return Subscriber{Type: t, LastName: name}
	}
	return Subscriber{Type: t, FirstName: strings.Join(words[:len(words)-1], " "), LastName: words[len(words)-1]}
}

// partialPort reports whether numbers stay behind on the account: the CSR lists working numbers
// that are not in this port order, or a carrier rejection made portflow set it.
func (d *decider) partialPort(o *PortOrder) bool {
	if o.PartialPortRemediationUsed {
		return true
	}
	if o.Csr.Outcome != CsrOutcomeComplete || o.Csr.Data == nil {
		return false
	}
	for _, wtn := range o.Csr.Data.WorkingNumbers {
		if !slices.Contains(o.Numbers, wtn) {
			return true
		}
	}
	return false
}

// portInCreated records the Bandwidth order, uploads the documents and applies its status.
func (d *decider) portInCreated(ev PortInCreated) {
	o := d.r.order(ev.PortOrder)
	switch {
	case o.BandwidthOrderID == ev.BandwidthOrderID:
		d.ignore("Bandwidth order %s already recorded", ev.BandwidthOrderID)
		return
	case o.BandwidthOrderID != "":
		d.ignore("port order %s already has Bandwidth order %s; %s ignored", o.ID, o.BandwidthOrderID, ev.BandwidthOrderID)
		return
	case o.Status != OrderCreating:
		d.ignore("port order %s is %s, not creating", o.ID, o.Status)
		return
	}
	o.BandwidthOrderID = ev.BandwidthOrderID
	o.RetryAt = time.Time{}
	d.note(o, "Bandwidth order "+ev.BandwidthOrderID+" created")
	if o.CancelRequested && ev.ProcessingStatus != ProcessingCancelled && ev.ProcessingStatus != ProcessingComplete {
		// Cancelled while the create was in flight: cancel what it made.
		o.RetryAt = d.now.Add(reissueAfter)
		d.emit(CancelPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
	}
	d.uploadPendingDocuments(o)
	d.applyPortInState(o, observation{
		status: ev.ProcessingStatus, errors: ev.Errors, lastModified: ev.LastModified,
	})
}

// uploadPendingDocuments uploads the request's documents the port-in does not have yet.
func (d *decider) uploadPendingDocuments(o *PortOrder) {
	if o.BandwidthOrderID == "" || o.CancelRequested || o.InBulk {
		// A bulk child gets its documents once the bulk is submitted.
		return
	}
	var pending []string
	for _, id := range d.r.Documents {
		if !slices.Contains(o.DocumentsUploaded, id) {
			pending = append(pending, id)
		}
	}
	if len(pending) > 0 {
		d.emit(UploadDocuments{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID, DocumentIDs: pending})
	}
}

// portInRejected handles a 4xx on create: no order exists, so a fix means creating it again.
func (d *decider) portInRejected(ev PortInRejected) {
	o := d.r.order(ev.PortOrder)
	if o.Status != OrderCreating {
		d.ignore("port order %s is %s, not creating", o.ID, o.Status)
		return
	}
	o.Errors = cloneErrors(ev.Errors)
	o.RetryAt = time.Time{}
	if o.CancelRequested {
		d.finishNumbers(o, NumberCancelled, "cancelled before the port-in was created")
		d.setStatus(o, OrderCancelled, "port-in refused while cancelling: nothing to cancel")
		return
	}
	if onlyRetryLater(ev.Errors) {
		o.RetryAt = d.now.Add(retryLaterDelay)
		d.note(o, "Bandwidth asked to retry the port-in later: "+describeErrors(ev.Errors))
		return
	}
	if rem, ok := d.planRemedy(o, ev.Errors); ok {
		d.applyRemedy(o, rem)
		d.createPortIn(o, "Bandwidth refused the port-in ("+describeErrors(ev.Errors)+"); creating it again "+rem.describe()+".")
		return
	}
	d.requireAction(o, actionForErrors(ev.Errors, ResumeCreatePortIn))
}

// observation is a port-in state as Bandwidth reports it.
type observation struct {
	status       string
	foc          time.Time
	errors       []BandwidthError
	completed    []string
	lastModified time.Time
}

// portInObserved applies a read of the port-in (GET is the truth; notifications only hint).
func (d *decider) portInObserved(ev PortInObserved) {
	o := d.r.order(ev.PortOrder)
	if o.BandwidthOrderID == "" && o.Status == OrderCreating && ev.BandwidthOrderID != "" {
		// Found by CustomerOrderId before the create reported back.
		d.portInCreated(PortInCreated{At: ev.At, PortOrder: ev.PortOrder, BandwidthOrderID: ev.BandwidthOrderID,
			ProcessingStatus: ev.ProcessingStatus, Errors: ev.Errors, LastModified: ev.LastModified})
		return
	}
	obs := observation{status: ev.ProcessingStatus, foc: ev.ActualFocDate, errors: ev.Errors,
		completed: ev.CompletedNumbers, lastModified: ev.LastModified}
	switch {
	case o.InBulk:
		d.ignore("port order %s is a draft of the bulk port-in; it is followed once submitted", o.ID)
	case o.BandwidthOrderID == "":
		d.ignore("port order %s has no Bandwidth order yet", o.ID)
	case ev.BandwidthOrderID != "" && ev.BandwidthOrderID != o.BandwidthOrderID:
		d.ignore("Bandwidth order %s is not port order %s's (%s)", ev.BandwidthOrderID, o.ID, o.BandwidthOrderID)
	case o.Status.Terminal():
		d.ignore("port order %s is %s", o.ID, o.Status)
	case !ev.LastModified.IsZero() && ev.LastModified.Before(o.LastModified):
		d.ignore("stale read of %s: modified %s, already have %s", o.BandwidthOrderID,
			ev.LastModified.Format(timeLayout), o.LastModified.Format(timeLayout))
	case d.sameObservation(o, obs):
		d.ignore("%s unchanged (%s)", o.BandwidthOrderID, ev.ProcessingStatus)
	default:
		d.applyPortInState(o, obs)
	}
}

func (d *decider) sameObservation(o *PortOrder, obs observation) bool {
	return obs.status == o.ProcessingStatus &&
		obs.lastModified.Equal(o.LastModified) &&
		(obs.foc.IsZero() || obs.foc.Equal(o.ActualFocDate)) &&
		sameCodes(obs.errors, o.Errors) &&
		(len(obs.completed) == 0 || slices.Equal(obs.completed, o.CompletedNumbers))
}

// applyPortInState mirrors Bandwidth's ProcessingStatus into the port order and reacts to it.
func (d *decider) applyPortInState(o *PortOrder, obs observation) {
	o.ProcessingStatus = obs.status
	if !obs.lastModified.IsZero() {
		o.LastModified = obs.lastModified
	}
	o.Errors = cloneErrors(obs.errors)
	if !obs.foc.IsZero() {
		o.ActualFocDate = obs.foc
	}
	if o.InFlightSupp != nil && obs.status != ProcessingException {
		// Bandwidth has taken the SUPP: what it holds now includes it.
		if o.Submitted != nil {
			o.InFlightSupp.apply(o.Submitted)
		}
		o.InFlightSupp = nil
	}

	if o.CancelRequested {
		switch obs.status {
		case ProcessingCancelled:
			d.finishNumbers(o, NumberCancelled, "cancelled on request")
			d.setStatus(o, OrderCancelled, "Bandwidth cancelled the port order")
		case ProcessingComplete:
			d.complete(o, obs.completed, "completed before the cancellation took effect")
		default:
			d.setStatus(o, OrderRequestedCancel, "")
		}
		return
	}

	switch obs.status {
	case ProcessingSubmitted:
		d.setStatus(o, OrderSubmitted, "")
	case ProcessingPendingDocuments:
		d.setStatus(o, OrderPendingDocuments, "")
		d.uploadPendingDocuments(o)
	case ProcessingRequestedSupp:
		if len(obs.errors) > 0 && o.Status != OrderRequestedSupp {
			d.handleRejection(o, obs.errors)
			return
		}
		d.setStatus(o, OrderRequestedSupp, "")
	case ProcessingException:
		d.handleRejection(o, obs.errors)
	case ProcessingFoc:
		d.setStatus(o, OrderFoc, "FOC date "+formatFoc(o.ActualFocDate))
		d.scheduleActivation(o)
	case ProcessingComplete:
		d.complete(o, obs.completed, "")
	case ProcessingCancelled:
		reason := "Bandwidth cancelled the port order"
		if len(obs.errors) > 0 {
			reason += " (" + describeErrors(obs.errors) + ")"
		}
		d.finishNumbers(o, NumberFailed, reason)
		d.setStatus(o, OrderFailed, reason)
	case ProcessingRequestedCancel:
		d.setStatus(o, OrderRequestedCancel, "cancellation requested outside portflow")
	default:
		// DRAFT, toll-free validation states, or no status at all: the order exists, so it
		// leaves "creating"; the next read says where it really is.
		if o.Status == OrderCreating {
			d.setStatus(o, OrderSubmitted, "Bandwidth order in status "+obs.status+"; reading it again")
			d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
			return
		}
		d.note(o, "Bandwidth status "+obs.status)
	}
}

// complete finishes a port order: the numbers Bandwidth lists completed, any others failed.
func (d *decider) complete(o *PortOrder, completed []string, detail string) {
	if len(completed) == 0 {
		completed = o.Numbers
	}
	o.CompletedNumbers = slices.Clone(completed)
	done := make(map[string]bool, len(completed))
	for _, tn := range completed {
		done[tn] = true
	}
	for _, tn := range o.Numbers {
		n := d.number(tn)
		if n == nil {
			continue
		}
		if done[tn] {
			n.Status, n.Reason = NumberCompleted, ""
		} else if n.Status == NumberPorting {
			n.Status, n.Reason = NumberFailed, "Bandwidth completed the port order without this number"
		}
	}
	if detail == "" {
		detail = fmt.Sprintf("%d of %d numbers ported", len(o.CompletedNumbers), len(o.Numbers))
	}
	d.setStatus(o, OrderComplete, detail)
}

// scheduleActivation asks to be woken at the on-demand activation time of the FOC day Bandwidth
// confirmed, which may not be the day requested.
func (d *decider) scheduleActivation(o *PortOrder) {
	a := d.activationFor(o)
	if a.Mode != ActivationOnDemand || a.At == nil || o.ActualFocDate.IsZero() || !o.Activation.RequestedAt.IsZero() {
		return
	}
	at := activationInstant(o.ActualFocDate, *a.At)
	if at.Equal(o.Activation.ScheduledFor) {
		return
	}
	o.Activation.ScheduledFor = at
	d.emit(ScheduleActivation{PortOrder: o.ID, At: at})
}

// handleRejection reacts to EXCEPTION (or REQUESTED_SUPP with errors): wait when Bandwidth is
// working on it, fix it automatically once when portflow can, ask an operator otherwise.
func (d *decider) handleRejection(o *PortOrder, errs []BandwidthError) {
	if o.Status == OrderActionRequired && o.Action != nil && sameCodes(o.Action.Errors, errs) {
		d.note(o, "still rejected: "+describeErrors(errs)+"; waiting for the operator")
		return
	}
	if len(errs) == 0 || onlyRetryLater(errs) {
		d.setStatus(o, OrderException, "Bandwidth is working on the rejection: "+describeErrors(errs))
		return
	}
	if rem, ok := d.planRemedy(o, errs); ok {
		d.applyRemedy(o, rem)
		plan := d.buildSupp(o, rem.foc, false)
		plan.Reason = "automatic fix of " + describeErrors(errs) + ": " + rem.describe()
		if !plan.Empty() {
			d.sendSupp(o, plan)
			return
		}
	}
	d.requireAction(o, actionForErrors(errs, ResumeSupp))
}

// remedy is what portflow can fix on its own, each at most once (or a bounded number of times):
// the carrier's address/name from the CSR, a new FOC date, the partial-port flag.
type remedy struct {
	csr, foc, partial bool
}

func (r remedy) describe() string {
	var parts []string
	if r.csr {
		parts = append(parts, "with the CSR's service address and name")
	}
	if r.foc {
		parts = append(parts, "with a recomputed FOC date")
	}
	if r.partial {
		parts = append(parts, "as a partial port")
	}
	return strings.Join(parts, ", ")
}

// planRemedy decides whether every error needing an operator can be fixed automatically.
func (d *decider) planRemedy(o *PortOrder, errs []BandwidthError) (remedy, bool) {
	var rem remedy
	for _, c := range classesOf(errs) {
		switch {
		case !c.needsOperator():
		case c == ClassAddressName && d.csrFixAvailable(o):
			rem.csr = true
		case c == ClassFocDate && o.FocRecomputations < maxFocRecomputations:
			rem.foc = true
		case c == ClassPartialPort && !o.PartialPortRemediationUsed && !d.partialPort(o):
			rem.partial = true
		default:
			return remedy{}, false
		}
	}
	return rem, rem.csr || rem.foc || rem.partial
}

// csrFixAvailable: a COMPLETE CSR holds an address or name that was not sent yet, and the one
// automatic CSR correction has not been used.
func (d *decider) csrFixAvailable(o *PortOrder) bool {
	if o.CsrRemediationUsed || o.Csr.Outcome != CsrOutcomeComplete || o.Csr.Data == nil {
		return false
	}
	addressUnused := o.AddressSource != SourceCsr && o.Csr.Data.Address.Complete()
	nameUnused := o.NameSource != SourceCsr && o.Csr.Data.CustomerName != ""
	return addressUnused || nameUnused
}

func (d *decider) applyRemedy(o *PortOrder, rem remedy) {
	if rem.csr {
		o.CsrRemediationUsed = true
		if o.Csr.Data.Address.Complete() {
			o.Address, o.AddressSource = o.Csr.Data.Address, SourceCsr
		}
		if o.Csr.Data.CustomerName != "" {
			o.NameSource = SourceCsr
		}
	}
	if rem.foc {
		o.FocRecomputations++
	}
	if rem.partial {
		o.PartialPortRemediationUsed = true
	}
}

// buildSupp compares the port-in as it should be now with what Bandwidth has and keeps only the
// differences. The FOC date is recomputed on every plan, so it is included only when asked.
func (d *decider) buildSupp(o *PortOrder, includeFoc, pinChanged bool) SuppPlan {
	fresh := d.portInPlan(o, d.focFor(o))
	prev := o.Submitted
	if prev == nil {
		prev = &PortInPlan{}
	}
	var plan SuppPlan
	if fresh.ServiceAddress != prev.ServiceAddress {
		plan.ServiceAddress = &fresh.ServiceAddress
	}
	if fresh.Subscriber != prev.Subscriber {
		plan.Subscriber = &fresh.Subscriber
	}
	if fresh.BillingNumber != prev.BillingNumber {
		plan.BillingNumber = &fresh.BillingNumber
	}
	if fresh.LoaAuthorizingPerson != prev.LoaAuthorizingPerson {
		plan.LoaAuthorizingPerson = &fresh.LoaAuthorizingPerson
	}
	if fresh.PartialPort != prev.PartialPort {
		plan.PartialPort = &fresh.PartialPort
	}
	if fresh.WirelessInfo != nil {
		accountChanged := prev.WirelessInfo == nil || prev.WirelessInfo.AccountNumber != fresh.WirelessInfo.AccountNumber
		if accountChanged || pinChanged {
			plan.WirelessInfo = fresh.WirelessInfo
		}
	}
	if includeFoc {
		plan.RequestedFocDate = &fresh.RequestedFocDate
	}
	return plan
}

// sendSupp issues a SUPP and waits for Bandwidth to take it.
func (d *decider) sendSupp(o *PortOrder, plan SuppPlan) {
	d.emit(SuppPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID, Plan: plan})
	sent := plan.clone()
	sent.WirelessInfo = nil
	if plan.WirelessInfo != nil {
		sent.WirelessInfo = &WirelessInfo{AccountNumber: plan.WirelessInfo.AccountNumber}
	}
	o.InFlightSupp = &sent
	o.RetryAt = time.Time{}
	d.setStatus(o, OrderRequestedSupp, "SUPP sent: "+plan.Reason)
}

// suppRejected handles a 4xx on a SUPP: retry later, recompute a refused date once more, or ask
// an operator.
func (d *decider) suppRejected(ev SuppRejected) {
	o := d.r.order(ev.PortOrder)
	if o.Status != OrderRequestedSupp || o.InFlightSupp == nil {
		d.ignore("port order %s has no SUPP in flight", o.ID)
		return
	}
	sent := o.InFlightSupp
	o.InFlightSupp = nil
	if onlyRetryLater(ev.Errors) {
		retry := sent.clone()
		o.PendingSupp = &retry
		o.RetryAt = d.now.Add(retryLaterDelay)
		d.note(o, "Bandwidth asked to retry the SUPP later: "+describeErrors(ev.Errors))
		return
	}
	o.Errors = cloneErrors(ev.Errors)
	if rem, ok := d.planRemedy(o, ev.Errors); ok && rem.foc && !rem.csr && !rem.partial {
		d.applyRemedy(o, rem)
		plan := d.buildSupp(o, true, false)
		plan.Reason = "the SUPP's FOC date was refused (" + describeErrors(ev.Errors) + "); recomputed"
		d.sendSupp(o, plan)
		return
	}
	d.requireAction(o, actionForErrors(ev.Errors, ResumeSupp))
}

// documentsUploaded records uploaded documents and resumes a port order waiting for them.
func (d *decider) documentsUploaded(ev DocumentsUploaded) {
	o := d.r.order(ev.PortOrder)
	added := false
	for _, id := range ev.DocumentIDs {
		if !slices.Contains(o.DocumentsUploaded, id) {
			o.DocumentsUploaded = append(o.DocumentsUploaded, id)
			added = true
		}
	}
	if !added {
		d.ignore("documents already recorded")
		return
	}
	d.note(o, fmt.Sprintf("uploaded %d document(s) to Bandwidth", len(ev.DocumentIDs)))
	if o.Status == OrderActionRequired && o.Action != nil && o.Action.Resume == ResumeUploadDocument {
		d.setStatus(o, statusFromProcessing(o.ProcessingStatus), "documents uploaded")
		d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
	}
}

// documentsRejected asks the operator for a document Bandwidth accepts.
func (d *decider) documentsRejected(ev DocumentsRejected) {
	o := d.r.order(ev.PortOrder)
	if o.Status.Terminal() || o.CancelRequested || o.Status == OrderActionRequired || o.Status == OrderRequestedCancel {
		d.ignore("port order %s is %s; upload refusal not acted on", o.ID, o.Status)
		return
	}
	// A refused document is refused for its content or name: it is not offered again.
	d.r.Documents = slices.DeleteFunc(d.r.Documents, func(id string) bool { return slices.Contains(ev.DocumentIDs, id) })
	d.requireAction(o, &ActionRequired{
		Code: ActionDocumentsRejected,
		Message: "Bandwidth refused the document upload (" + describeErrors(ev.Errors) +
			"): upload the signed LOA again as a PDF or TIFF under 3 MB with a file name of at most 50 characters.",
		Fields: []string{FieldDocuments},
		Errors: cloneErrors(ev.Errors),
		Resume: ResumeUploadDocument,
	})
}

// statusFromProcessing maps Bandwidth's ProcessingStatus to the port order status that mirrors it.
func statusFromProcessing(ps string) OrderStatus {
	switch ps {
	case ProcessingPendingDocuments:
		return OrderPendingDocuments
	case ProcessingException:
		return OrderException
	case ProcessingRequestedSupp:
		return OrderRequestedSupp
	case ProcessingFoc:
		return OrderFoc
	case ProcessingRequestedCancel:
		return OrderRequestedCancel
	case ProcessingComplete:
		return OrderComplete
	case ProcessingCancelled:
		return OrderCancelled
	}
	return OrderSubmitted
}

func formatFoc(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return focDay(t).String()
}
