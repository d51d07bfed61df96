package order

// Bulk port-ins (PROTOCOL §7). A request with more numbers than Policy.BulkThreshold, with
// toll-free numbers, or (Policy.BulkForMultipleCarriers) with numbers of several losing carriers
// goes through one Bandwidth bulk port-in:
//
//  1. the portability check fails what cannot port and records each number's losing carrier
//     and port type (toll-free numbers skip it: the LNP checker does not take them);
//  2. a DRAFT bulk port-in is created with the request's shared defaults and its TN list is
//     sent; Bandwidth validates it and splits it into draft child port-ins. Numbers it finds
//     invalid fail with its code and the list is sent again without them;
//  3. the children are detached (Bandwidth refuses a SUPP of a child attached to a draft bulk,
//     7717) and become port orders. A child whose numbers need different port-ins — more
//     numbers than its port type allows, or numbers of different accounts (CSV intake) — is
//     split: its first part keeps the child, the others get drafts of their own;
//  4. each port order gets its CSR (toll-free ones skip it) and then a SUPP of its draft with
//     the validated address, subscriber, account number and PIN; it is then ready;
//  5. once every port order still in the bulk is ready, they are attached again and the bulk is
//     submitted (PATCH IN_PROGRESS). From then on each child is an ordinary port order
//     (remediation, activation, cancel), and the bulk's own status is followed from its
//     notifications and reads.
//
// A port order that needs an operator at steps 3–4 leaves the bulk at once — its draft is
// deleted and it is created as an ordinary port-in once the operator has answered — so one bad
// child never holds up the others, and no draft is left idle toward Bandwidth's 48-hour purge.

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

const (
	// maxTnListPuts bounds how often a TN list Bandwidth finds invalid is sent again without
	// the numbers it names.
	maxTnListPuts = 3
	// maxBulkSubmits bounds bulk submissions refused without naming a child.
	maxBulkSubmits = 3
)

// tollFreeNPAs are the toll-free area codes: such numbers are ported through a bulk port-in,
// whose validation handles them (the LNP checker does not).
var tollFreeNPAs = map[string]bool{"800": true, "833": true, "844": true, "855": true, "866": true, "877": true, "888": true}

// IsTollFree reports whether tn is a toll-free number.
func IsTollFree(tn string) bool { return len(tn) == 10 && tollFreeNPAs[tn[:3]] }

// tollFreeRoute is the route of toll-free numbers: Bandwidth's validation gives them a child
// of their own (MANUAL_TOLLFREE).
var tollFreeRoute = BulkRoute{Carrier: Carrier{Name: "Toll-free RespOrg"}, PortType: PortTypeManualTollFree}

// maxNumbersPerPortIn is how many numbers one port-in of a port type may carry (PROTOCOL §5.3).
func maxNumbersPerPortIn(portType string) int {
	switch portType {
	case PortTypeAutomated:
		return 999
	case PortTypeAutomatedOffNet:
		// Above 49 Bandwidth converts the port to manual off-net; keep it automated.
		return 49
	default:
		return 5000
	}
}

// bulkThreshold is the request size above which a bulk port-in is used.
func (r *PortRequest) bulkThreshold() int {
	if r.Policy.BulkThreshold > 0 {
		return r.Policy.BulkThreshold
	}
	return DefaultBulkThreshold
}

// bulkDraftDeadline: port orders not ready this long after the bulk draft was created leave the
// bulk, and the rest is submitted, so no draft gets near Bandwidth's 48-hour purge.
func (p Policy) bulkDraftDeadline() time.Duration {
	if p.BulkDraftDeadline > 0 {
		return p.BulkDraftDeadline
	}
	return DefaultBulkDraftDeadline
}

// usesBulk decides the route once the portability check has grouped the numbers.
func (d *decider) usesBulk(routes int, tollFree bool) bool {
	return len(d.r.Numbers) > d.r.bulkThreshold() || tollFree || (d.r.Policy.BulkForMultipleCarriers && routes > 1)
}

// checkableNumbers are the pending numbers the LNP checker can answer for.
func (d *decider) checkableNumbers() []string {
	var out []string
	for _, n := range d.r.Numbers {
		if n.Status == NumberPending && !IsTollFree(n.TN) {
			out = append(out, n.TN)
		}
	}
	return out
}

// startBulk creates the draft bulk port-in for the pending numbers.
func (d *decider) startBulk(routes []BulkRoute) {
	d.r.Bulk = &BulkOrder{Step: BulkStepCreating, StepSince: d.now, Routes: routes, RetryAt: d.now.Add(reissueAfter)}
	d.emit(CreateBulkPortIn{Plan: d.bulkPlan()})
	d.timeline = append(d.timeline, Entry{At: d.now, From: string(d.r.Status), To: string(d.r.Status), Cause: d.ev.Kind(),
		Detail: fmt.Sprintf("%d numbers go through a Bandwidth bulk port-in", len(d.pendingNumbers()))})
}

// bulkPlan is the bulk's shared defaults: the request's subscriber, address and authorizer.
func (d *decider) bulkPlan() BulkPlan {
	return BulkPlan{
		CustomerOrderID:      d.r.ID,
		LoaAuthorizingPerson: LoaName(d.r.LoaAuthorizingPerson),
		Subscriber:           d.subscriberPlan(&PortOrder{}),
		ServiceAddress:       d.r.ServiceAddressParts,
	}
}

// setBulkStep moves the bulk and notes it on the timeline.
func (d *decider) setBulkStep(step BulkStep, detail string) {
	b := d.r.Bulk
	if b.Step == step {
		return
	}
	d.timeline = append(d.timeline, Entry{At: d.now, From: string(d.r.Status), To: string(d.r.Status), Cause: d.ev.Kind(),
		Detail: "bulk port-in " + string(b.Step) + " → " + string(step) + ": " + detail})
	b.Step, b.StepSince = step, d.now
	b.RetryAt = time.Time{}
}

// bulkCreated records the draft and sends its TN list.
func (d *decider) bulkCreated(ev BulkCreated) {
	b := d.r.Bulk
	switch {
	case b == nil:
		d.ignore("request has no bulk port-in")
		return
	case b.BandwidthOrderID == ev.BandwidthOrderID:
		d.ignore("bulk port-in %s already recorded", ev.BandwidthOrderID)
		return
	case b.BandwidthOrderID != "":
		// A second draft from a reissued create: delete it, keep the first.
		d.emit(DeleteBulkPortIn{BandwidthOrderID: ev.BandwidthOrderID})
		d.timeline = append(d.timeline, Entry{At: d.now, From: string(d.r.Status), To: string(d.r.Status), Cause: d.ev.Kind(),
			Detail: "duplicate bulk draft " + ev.BandwidthOrderID + " deleted"})
		return
	}
	b.BandwidthOrderID = ev.BandwidthOrderID
	b.CreatedAt = d.now
	b.ProcessingStatus = BulkStatusDraft
	if !d.r.CancelRequestedAt.IsZero() || b.Step != BulkStepCreating {
		d.emit(DeleteBulkPortIn{BandwidthOrderID: ev.BandwidthOrderID})
		d.setBulkStep(BulkStepAbandoned, "created after the request was cancelled; deleted")
		return
	}
	d.putTnList("draft " + ev.BandwidthOrderID + " created")
}

// putTnList sends the pending numbers as the bulk's TN list.
func (d *decider) putTnList(detail string) {
	b := d.r.Bulk
	b.TnListPuts++
	d.emit(PutBulkTnList{BandwidthOrderID: b.BandwidthOrderID, Numbers: d.pendingNumbers()})
	d.setBulkStep(BulkStepValidating, detail)
	b.RetryAt = d.now.Add(reissueAfter)
}

// bulkRejected handles a 4xx from the bulk create or the TN list.
func (d *decider) bulkRejected(ev BulkRejected) {
	b := d.r.Bulk
	if b == nil || (b.Step != BulkStepCreating && b.Step != BulkStepValidating) {
		d.ignore("no bulk step waits for this answer")
		return
	}
	b.Errors = cloneErrors(ev.Errors)
	if onlyRetryLater(ev.Errors) {
		b.RetryAt = d.now.Add(retryLaterDelay)
		d.timeline = append(d.timeline, Entry{At: d.now, From: string(d.r.Status), To: string(d.r.Status), Cause: d.ev.Kind(),
			Detail: "Bandwidth asked to retry the bulk port-in later: " + describeErrors(ev.Errors)})
		return
	}
	named := d.failNamedNumbers(ev.Errors)
	rest := d.pendingNumbers()
	switch {
	case named && len(rest) > 0 && ev.Call == BulkCallTnList && b.TnListPuts < maxTnListPuts:
		d.putTnList("TN list sent again without the numbers Bandwidth refused")
	case len(rest) > 0:
		reason := "Bandwidth refused the bulk port-in: " + describeErrors(ev.Errors)
		for _, tn := range rest {
			n := d.number(tn)
			n.Status, n.Reason = NumberFailed, reason
		}
		d.abandonBulk(reason)
	default:
		d.abandonBulk("no number is left to port")
	}
}

// failNamedNumbers fails the pending numbers Bandwidth's errors name; it reports whether any.
func (d *decider) failNamedNumbers(errs []BandwidthError) bool {
	named := false
	for _, e := range errs {
		for _, tn := range e.Numbers {
			if n := d.number(tn); n != nil && n.Status == NumberPending {
				n.Status, n.Reason = NumberFailed, e.String()
				named = true
			}
		}
	}
	return named
}

// abandonBulk deletes the draft: nothing is left to submit with it.
func (d *decider) abandonBulk(reason string) {
	b := d.r.Bulk
	if b.BandwidthOrderID != "" {
		d.emit(DeleteBulkPortIn{BandwidthOrderID: b.BandwidthOrderID})
	}
	d.setBulkStep(BulkStepAbandoned, reason)
}

// bulkValidated applies the TN list's validation.
func (d *decider) bulkValidated(ev BulkValidated) {
	b := d.r.Bulk
	switch {
	case b == nil || b.Step != BulkStepValidating:
		d.ignore("the bulk port-in is not being validated")
		return
	case ev.BandwidthOrderID != "" && ev.BandwidthOrderID != b.BandwidthOrderID:
		d.ignore("bulk port-in %s is not this request's (%s)", ev.BandwidthOrderID, b.BandwidthOrderID)
		return
	}
	switch ev.ProcessingStatus {
	case BulkStatusInvalid:
		b.ProcessingStatus = ev.ProcessingStatus
		b.Errors = cloneErrors(ev.Errors)
		d.failNamedNumbers(ev.Errors)
		switch rest := d.pendingNumbers(); {
		case len(rest) == 0:
			d.abandonBulk("Bandwidth found no portable number in the TN list")
		case b.TnListPuts < maxTnListPuts:
			d.putTnList(fmt.Sprintf("Bandwidth refused %s; TN list sent again with the %d other numbers", describeErrors(ev.Errors), len(rest)))
		default:
			reason := "Bandwidth kept refusing the bulk TN list: " + describeErrors(ev.Errors)
			for _, tn := range rest {
				n := d.number(tn)
				n.Status, n.Reason = NumberFailed, reason
			}
			d.abandonBulk(reason)
		}
	case BulkStatusValid:
		b.ProcessingStatus = ev.ProcessingStatus
		b.Errors = cloneErrors(ev.Errors)
		d.failNamedNumbers(ev.Errors)
		d.adoptChildren(ev.Children)
	default:
		if ev.ProcessingStatus == b.ProcessingStatus {
			d.ignore("bulk port-in %s still %s", b.BandwidthOrderID, ev.ProcessingStatus)
			return
		}
		b.ProcessingStatus = ev.ProcessingStatus
		b.RetryAt = time.Time{}
	}
}

// childPart is the numbers of one Bandwidth child that one port-in can carry.
type childPart struct {
	route   int
	account NumberAccount
	numbers []string
}

// adoptChildren turns Bandwidth's draft children into port orders and starts each one.
func (d *decider) adoptChildren(children []BulkChild) {
	b := d.r.Bulk
	compact := strings.ReplaceAll(d.r.ID, "-", "")
	for _, child := range children {
		parts := d.splitChild(child)
		for i, part := range parts {
			route := tollFreeRoute
			if part.route > 0 && part.route <= len(b.Routes) {
				route = b.Routes[part.route-1]
			}
			o := PortOrder{
				// The request id without dashes keeps "{id}-{n}" within Bandwidth's 40-character
				// CustomerOrderId for any number of port orders.
				ID:                 fmt.Sprintf("%s-%d", compact, len(d.r.Orders)+1),
				Carrier:            route.Carrier,
				PortType:           route.PortType,
				Numbers:            part.numbers,
				StatusSince:        d.now,
				SendAccountDetails: route.Carrier.IsWireless || route.Carrier.AccountNumberRequired,
				InBulk:             true,
				BulkOrderID:        b.BandwidthOrderID,
				Status:             OrderAwaitingCsr,
			}
			if part.account != (NumberAccount{}) {
				acct := part.account
				o.Account = &acct
			}
			o.BillingNumber = d.billingNumberFor(&o)
			if i == 0 {
				o.BandwidthOrderID = child.BandwidthOrderID
			}
			for _, tn := range o.Numbers {
				n := d.number(tn)
				n.Status, n.PortOrder = NumberPorting, o.ID
			}
			d.r.Orders = append(d.r.Orders, o)
			po := &d.r.Orders[len(d.r.Orders)-1]
			detail := fmt.Sprintf("bulk child for %s (%s): %d numbers", carrierName(po.Carrier), po.PortType, len(po.Numbers))
			if po.BandwidthOrderID == "" {
				detail += fmt.Sprintf(", split from child %s", child.BandwidthOrderID)
			}
			d.note(po, detail)
			d.startChild(po)
		}
	}
	for _, tn := range d.pendingNumbers() {
		n := d.number(tn)
		n.Status, n.Reason = NumberFailed, "Bandwidth placed this number in no child port-in of the bulk"
	}
	if len(d.r.Orders) == 0 {
		d.abandonBulk("Bandwidth made no child port-in")
		return
	}
	d.setBulkStep(BulkStepPreparing, fmt.Sprintf("%d children from Bandwidth, %d port orders", len(children), len(d.r.Orders)))
}

// splitChild groups a child's numbers into what one port-in can carry: one losing carrier and
// port type, one account, at most the port type's limit.
func (d *decider) splitChild(child BulkChild) []childPart {
	type key struct {
		route   int
		account NumberAccount
	}
	var keys []key
	groups := map[key][]string{}
	for _, tn := range child.Numbers {
		n := d.number(tn)
		if n == nil || n.Status != NumberPending {
			continue
		}
		k := key{route: n.Route}
		if n.Account != nil {
			k.account = *n.Account
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], tn)
	}
	var parts []childPart
	for _, k := range keys {
		portType := tollFreeRoute.PortType
		if k.route > 0 && k.route <= len(d.r.Bulk.Routes) {
			portType = d.r.Bulk.Routes[k.route-1].PortType
		}
		for chunk := range slices.Chunk(groups[k], maxNumbersPerPortIn(portType)) {
			parts = append(parts, childPart{route: k.route, account: k.account, numbers: chunk})
		}
	}
	return parts
}

// billingNumberFor is the BTN of a port order: its account's billing number when the customer
// gave one per number, else the request's when it is among the numbers, else the first number.
func (d *decider) billingNumberFor(o *PortOrder) string {
	if o.Account != nil && o.Account.BillingNumber != "" {
		return o.Account.BillingNumber
	}
	return groupBillingNumber(d.r.BillingNumber, o.Numbers)
}

// startChild starts a new bulk port order: a CSR first, except for toll-free numbers (there is
// no customer service record to ask for) and carriers that need account details the customer
// did not give (an operator first, outside the bulk).
func (d *decider) startChild(o *PortOrder) {
	if o.PortType == PortTypeManualTollFree {
		d.useCustomerData(o)
		d.prepareChild(o, "toll-free numbers: no CSR to ask for")
		return
	}
	if missing := d.missingAccountDetails(o); len(missing) > 0 {
		d.requireAction(o, d.accountDetailsAction(o, missing))
		return
	}
	d.requestCsr(o)
}

// prepareChild writes the chosen data into the child's draft (or a new draft for a split part).
func (d *decider) prepareChild(o *PortOrder, detail string) {
	plan := d.portInPlan(o, d.focFor(o))
	o.Submitted = plan.withoutPIN()
	o.RetryAt = d.now.Add(reissueAfter)
	d.emit(PrepareDraft{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID, Plan: plan})
	d.setStatus(o, OrderPreparing, detail)
}

// leaveBulk takes a port order out of the bulk before submission: its draft is deleted and the
// port order goes on as an ordinary port-in once its operator action is resolved.
func (d *decider) leaveBulk(o *PortOrder, why string) {
	if !o.InBulk {
		return
	}
	o.InBulk = false
	o.BulkOrderID = ""
	if o.BandwidthOrderID != "" {
		d.emit(DiscardDraft{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
		o.BandwidthOrderID = ""
	}
	o.Submitted = nil
	d.note(o, "left the bulk port-in ("+why+"); it is ported on its own, so the other port orders go ahead")
	if o.Status == OrderPreparing || o.Status == OrderReady {
		// Its data is chosen: create it as an ordinary port-in now.
		d.createPortIn(o, "")
	}
}

// draftPrepared marks a child ready for the bulk's submission.
func (d *decider) draftPrepared(ev DraftPrepared) {
	o := d.r.order(ev.PortOrder)
	if !o.InBulk || o.Status != OrderPreparing {
		d.ignore("port order %s is not preparing a bulk draft (%s)", o.ID, o.Status)
		return
	}
	if o.BandwidthOrderID == "" {
		o.BandwidthOrderID = ev.BandwidthOrderID
	}
	o.RetryAt = time.Time{}
	d.setStatus(o, OrderReady, "draft "+o.BandwidthOrderID+" holds the validated data; waiting for the bulk submission")
}

// draftRejected handles a refused draft update: the port order leaves the bulk for an operator.
func (d *decider) draftRejected(ev DraftRejected) {
	o := d.r.order(ev.PortOrder)
	if !o.InBulk || o.Status != OrderPreparing {
		d.ignore("port order %s is not preparing a bulk draft (%s)", o.ID, o.Status)
		return
	}
	if onlyRetryLater(ev.Errors) {
		o.RetryAt = d.now.Add(retryLaterDelay)
		d.note(o, "Bandwidth asked to retry the draft update later: "+describeErrors(ev.Errors))
		return
	}
	o.Errors = cloneErrors(ev.Errors)
	d.requireAction(o, actionForErrors(ev.Errors, ResumeCreatePortIn))
}

// advanceBulk runs after every decision on a bulk request being prepared: once every port
// order still in the bulk is ready, the bulk is submitted; with none left, it is deleted.
func (d *decider) advanceBulk() {
	b := d.r.Bulk
	if b == nil || b.Step != BulkStepPreparing || d.now.Before(b.RetryAt) {
		return
	}
	var ready []string
	waiting := 0
	for i := range d.r.Orders {
		o := &d.r.Orders[i]
		if !o.InBulk || o.Status.Terminal() {
			continue
		}
		if o.Status == OrderReady {
			ready = append(ready, o.BandwidthOrderID)
			continue
		}
		if deadline := d.r.Policy.bulkDraftDeadline(); !d.now.Before(b.CreatedAt.Add(deadline)) {
			d.leaveBulk(o, fmt.Sprintf("not ready %s after the bulk draft was created; Bandwidth purges drafts idle for 48 hours", deadline))
			continue
		}
		waiting++
	}
	switch {
	case waiting > 0:
	case len(ready) == 0:
		d.abandonBulk("every port order left the bulk")
	default:
		b.Errors = nil
		d.emit(SubmitBulk{BandwidthOrderID: b.BandwidthOrderID, Children: ready})
		d.setBulkStep(BulkStepSubmitting, fmt.Sprintf("%d children ready; submitting", len(ready)))
		b.RetryAt = d.now.Add(reissueAfter)
	}
}

// bulkSubmitted hands the submitted children over to the ordinary port-in flow.
func (d *decider) bulkSubmitted(ev BulkSubmitted) {
	b := d.r.Bulk
	if b == nil || b.Step != BulkStepSubmitting {
		d.ignore("the bulk port-in is not being submitted")
		return
	}
	b.ProcessingStatus = ev.ProcessingStatus
	if !ev.LastModified.IsZero() {
		b.LastModified = ev.LastModified
	}
	b.SubmittedAt = d.now
	d.setBulkStep(BulkStepSubmitted, "Bandwidth is working the children")
	for i := range d.r.Orders {
		o := &d.r.Orders[i]
		if !o.InBulk || o.Status != OrderReady {
			continue
		}
		o.InBulk = false
		o.ProcessingStatus = ProcessingSubmitted
		if o.CancelRequested {
			o.RetryAt = d.now.Add(reissueAfter)
			d.emit(CancelPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
			d.setStatus(o, OrderRequestedCancel, "submitted with the bulk after the cancellation; cancelling it")
			continue
		}
		d.setStatus(o, OrderSubmitted, "submitted with bulk port-in "+b.BandwidthOrderID)
		d.uploadPendingDocuments(o)
		d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
	}
}

// bulkSubmitRejected takes the children Bandwidth refused out of the bulk (to an operator) and
// submits the rest; a refusal naming no child is retried a bounded number of times.
func (d *decider) bulkSubmitRejected(ev BulkSubmitRejected) {
	b := d.r.Bulk
	if b == nil || b.Step != BulkStepSubmitting {
		d.ignore("the bulk port-in is not being submitted")
		return
	}
	b.Errors = cloneErrors(ev.Errors)
	named := 0
	for i := range d.r.Orders {
		o := &d.r.Orders[i]
		if !o.InBulk || o.Status.Terminal() {
			continue
		}
		if o.CancelRequested {
			// Nothing was submitted: what was to be cancelled is simply dropped.
			o.InBulk = false
			if o.BandwidthOrderID != "" {
				d.emit(DiscardDraft{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
			}
			d.finishNumbers(o, NumberCancelled, "cancelled on request")
			d.setStatus(o, OrderCancelled, "cancelled before the bulk submission")
			continue
		}
		errs, ok := ev.ChildErrors[o.BandwidthOrderID]
		if !ok {
			continue
		}
		named++
		o.Errors = cloneErrors(errs)
		if rem, ok := d.planRemedy(o, errs); ok {
			// Fixable without an operator (a FOC date the carrier cannot meet, the CSR's
			// address): write the fix into the draft and submit again with the others.
			d.applyRemedy(o, rem)
			d.prepareChild(o, "Bandwidth refused the child ("+describeErrors(errs)+"); preparing it again "+rem.describe())
			continue
		}
		d.requireAction(o, actionForErrors(errs, ResumeCreatePortIn))
	}
	d.setBulkStep(BulkStepPreparing, "submission refused: "+describeErrors(ev.Errors))
	if named > 0 {
		return
	}
	b.Submits++
	if b.Submits >= maxBulkSubmits {
		// The bulk as a whole keeps being refused: every child goes to an operator on its own.
		for i := range d.r.Orders {
			if o := &d.r.Orders[i]; o.InBulk && !o.Status.Terminal() {
				d.requireAction(o, actionForErrors(ev.Errors, ResumeCreatePortIn))
			}
		}
		return
	}
	b.RetryAt = d.now.Add(retryLaterDelay)
}

// bulkObserved records the bulk's status; a change sends a read of every live child, whose
// reads are the truth for portflow's per-number status.
func (d *decider) bulkObserved(ev BulkObserved) {
	b := d.r.Bulk
	switch {
	case b == nil || b.BandwidthOrderID == "" || (ev.BandwidthOrderID != "" && ev.BandwidthOrderID != b.BandwidthOrderID):
		d.ignore("not this request's bulk port-in")
		return
	case !ev.LastModified.IsZero() && ev.LastModified.Before(b.LastModified):
		d.ignore("stale read of bulk port-in %s", b.BandwidthOrderID)
		return
	case ev.ProcessingStatus == b.ProcessingStatus:
		d.ignore("bulk port-in %s unchanged (%s)", b.BandwidthOrderID, ev.ProcessingStatus)
		return
	}
	d.timeline = append(d.timeline, Entry{At: d.now, From: string(d.r.Status), To: string(d.r.Status), Cause: d.ev.Kind(),
		Detail: "bulk port-in " + b.BandwidthOrderID + " is " + ev.ProcessingStatus})
	b.ProcessingStatus = ev.ProcessingStatus
	if !ev.LastModified.IsZero() {
		b.LastModified = ev.LastModified
	}
	if b.Step != BulkStepSubmitted {
		return
	}
	for i := range d.r.Orders {
		o := &d.r.Orders[i]
		if o.BulkOrderID == b.BandwidthOrderID && !o.Status.Terminal() && o.BandwidthOrderID != "" {
			d.emit(FetchPortIn{PortOrder: o.ID, BandwidthOrderID: o.BandwidthOrderID})
		}
	}
}

// reconcileBulk is the bulk's share of a reconcile tick.
func (d *decider) reconcileBulk() {
	b := d.r.Bulk
	due := !d.now.Before(b.RetryAt)
	switch b.Step {
	case BulkStepCreating:
		if due {
			d.emit(CreateBulkPortIn{Plan: d.bulkPlan()})
			b.RetryAt = d.now.Add(reissueAfter)
		}
	case BulkStepValidating:
		if b.ProcessingStatus == BulkStatusDraft && due {
			// The TN list never reached Bandwidth (the 202 was lost): send it again.
			d.emit(PutBulkTnList{BandwidthOrderID: b.BandwidthOrderID, Numbers: d.pendingNumbers()})
			b.RetryAt = d.now.Add(reissueAfter)
			return
		}
		d.emit(CollectBulkChildren{BandwidthOrderID: b.BandwidthOrderID})
	case BulkStepSubmitting:
		if due {
			var ready []string
			for _, o := range d.r.Orders {
				if o.InBulk && o.Status == OrderReady {
					ready = append(ready, o.BandwidthOrderID)
				}
			}
			d.emit(SubmitBulk{BandwidthOrderID: b.BandwidthOrderID, Children: ready})
			b.RetryAt = d.now.Add(reissueAfter)
		}
	case BulkStepSubmitted:
		d.emit(FetchBulkPortIn{BandwidthOrderID: b.BandwidthOrderID})
	}
}

// finishBulk marks a submitted bulk finished once every child is.
func (d *decider) finishBulk() {
	b := d.r.Bulk
	if b == nil || b.Step != BulkStepSubmitted {
		return
	}
	for _, o := range d.r.Orders {
		if o.BulkOrderID == b.BandwidthOrderID && !o.Status.Terminal() {
			return
		}
	}
	d.setBulkStep(BulkStepFinished, "every child port-in is finished")
}

// bulkWaitsForBandwidth: the request has no port orders yet and its bulk is being created or
// validated.
func (r *PortRequest) bulkWaitsForBandwidth() bool {
	return r.Bulk != nil && (r.Bulk.Step == BulkStepCreating || r.Bulk.Step == BulkStepValidating)
}
