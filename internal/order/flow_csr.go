package order

import (
	"fmt"
	"strings"
	"time"
)

// portabilityChecked fails what cannot port, groups the rest by losing carrier and port type,
// and starts a CSR lookup per group — unless the carrier needs account details the customer did
// not give, in which case nothing is sent for that group until an operator supplies them.
func (d *decider) portabilityChecked(ev PortabilityChecked) {
	if d.r.Status != StatusCheckingPortability || d.r.Bulk != nil {
		d.ignore("portability check result arrived in status %s", d.r.Status)
		return
	}
	for _, nf := range ev.NotPortable {
		if n := d.number(nf.TN); n != nil && n.Status == NumberPending {
			n.Status, n.Reason = NumberFailed, notPortableReason(nf)
		}
	}
	type groupKey struct {
		spid, name, portType string
		account              NumberAccount
	}
	portable := map[string]PortableNumber{}
	for _, p := range ev.Portable {
		portable[p.TN] = p
	}
	var (
		keys   []groupKey
		groups = map[groupKey][]string{}
		first  = map[groupKey]PortableNumber{}
	)
	tollFree := false
	var routes []BulkRoute
	routeIndex := map[BulkRoute]int{}
	for i := range d.r.Numbers {
		n := &d.r.Numbers[i]
		if n.Status != NumberPending {
			continue
		}
		if IsTollFree(n.TN) {
			tollFree = true
			continue
		}
		p, ok := portable[n.TN]
		if !ok {
			n.Status, n.Reason = NumberFailed, "the portability check returned no result for this number"
			continue
		}
		route := BulkRoute{Carrier: p.Carrier, PortType: p.PortType}
		if _, ok := routeIndex[route]; !ok {
			routes = append(routes, route)
			routeIndex[route] = len(routes)
		}
		n.Route = routeIndex[route]
		k := groupKey{spid: p.Carrier.SPID, name: p.Carrier.Name, portType: p.PortType}
		if n.Account != nil {
			k.account = *n.Account
		}
		if _, seen := groups[k]; !seen {
			keys = append(keys, k)
			first[k] = p
		}
		groups[k] = append(groups[k], n.TN)
	}
	if d.usesBulk(len(routes), tollFree) {
		if len(d.pendingNumbers()) == 0 {
			return
		}
		d.startBulk(routes)
		return
	}
	for i := range d.r.Numbers {
		d.r.Numbers[i].Route = 0 // routes matter only to a bulk port-in
	}
	for _, k := range keys {
		numbers := groups[k]
		o := PortOrder{
			ID:                 fmt.Sprintf("%s-%d", d.r.ID, len(d.r.Orders)+1),
			Carrier:            first[k].Carrier,
			PortType:           k.portType,
			Numbers:            numbers,
			StatusSince:        d.now,
			SendAccountDetails: first[k].Carrier.IsWireless || first[k].Carrier.AccountNumberRequired,
		}
		if k.account != (NumberAccount{}) {
			acct := k.account
			o.Account = &acct
		}
		o.BillingNumber = d.billingNumberFor(&o)
		for _, tn := range numbers {
			n := d.number(tn)
			n.Status, n.PortOrder = NumberPorting, o.ID
		}
		o.Status = OrderAwaitingCsr
		d.r.Orders = append(d.r.Orders, o)
		po := &d.r.Orders[len(d.r.Orders)-1]
		d.note(po, fmt.Sprintf("port order for %s (%s): %s", carrierName(po.Carrier), po.PortType, strings.Join(po.Numbers, ", ")))
		if missing := d.missingAccountDetails(po); len(missing) > 0 {
			d.requireAction(po, d.accountDetailsAction(po, missing))
			continue
		}
		d.requestCsr(po)
	}
}

// groupBillingNumber is the BTN of a port order: the customer's billing number when it is among
// the group's numbers, otherwise the group's first number (a second carrier cannot know the
// customer's main BTN).
func groupBillingNumber(btn string, numbers []string) string {
	for _, tn := range numbers {
		if tn == btn {
			return btn
		}
	}
	return numbers[0]
}

func notPortableReason(nf NumberFailure) string {
	reason := nf.Reason
	if reason == "" {
		reason = "not portable"
	}
	if nf.Code != "" {
		return nf.Code + ": " + reason
	}
	return reason
}

// accountNumberFor is the account number known for a port order: the one already chosen for
// it (from its CSR), its numbers' own, or the request's.
func (d *decider) accountNumberFor(o *PortOrder) Secret {
	switch {
	case o.AccountNumber != "":
		return o.AccountNumber
	case o.Account != nil && o.Account.AccountNumber != "":
		return o.Account.AccountNumber
	}
	return d.r.AccountNumber
}

// pinFor is the port-out PIN of a port order: its numbers' own, or the request's.
func (d *decider) pinFor(o *PortOrder) Secret {
	if o.Account != nil && o.Account.PIN != "" {
		return o.Account.PIN
	}
	return d.r.PIN
}

// missingAccountDetails lists what the losing carrier needs that the request lacks: wireless
// carriers need the account number and PIN, some wireline carriers the account number.
func (d *decider) missingAccountDetails(o *PortOrder) []string {
	var missing []string
	if (o.Carrier.IsWireless || o.Carrier.AccountNumberRequired) && d.accountNumberFor(o) == "" {
		missing = append(missing, FieldAccountNumber)
	}
	if o.Carrier.IsWireless && d.pinFor(o) == "" {
		missing = append(missing, FieldPIN)
	}
	return missing
}

func (d *decider) accountDetailsAction(o *PortOrder, missing []string) *ActionRequired {
	kind := "requires the customer's account number"
	if o.Carrier.IsWireless {
		kind = "is a wireless carrier and requires the customer's account number and port-out PIN"
	}
	return &ActionRequired{
		Code: ActionAccountDetailsRequired,
		Message: fmt.Sprintf("%s %s; supply %s for numbers %s. Nothing has been sent to Bandwidth for them yet.",
			carrierName(o.Carrier), kind, strings.Join(missing, " and "), strings.Join(o.Numbers, ", ")),
		Fields: missing,
		Resume: ResumeCreateCsr,
	}
}

func carrierName(c Carrier) string {
	if c.Name != "" {
		return c.Name
	}
	if c.SPID != "" {
		return "Carrier " + c.SPID
	}
	return "The losing carrier"
}

// portabilityRejected handles a 4xx from the portability check: numbers it names fail and the
// rest are checked again; without named numbers the request fails, unless Bandwidth only asked
// to retry later.
func (d *decider) portabilityRejected(ev PortabilityRejected) {
	if d.r.Status != StatusCheckingPortability || d.r.Bulk != nil {
		d.ignore("portability rejection arrived in status %s", d.r.Status)
		return
	}
	if onlyRetryLater(ev.Errors) {
		d.ignore("portability check asked to retry later (%s); the next check retries", describeErrors(ev.Errors))
		return
	}
	named := false
	for _, e := range ev.Errors {
		for _, tn := range e.Numbers {
			if n := d.number(tn); n != nil && n.Status == NumberPending {
				n.Status, n.Reason = NumberFailed, e.String()
				named = true
			}
		}
	}
	if !named {
		for i := range d.r.Numbers {
			if n := &d.r.Numbers[i]; n.Status == NumberPending && !IsTollFree(n.TN) {
				n.Status, n.Reason = NumberFailed, "portability check refused: "+describeErrors(ev.Errors)
			}
		}
		if len(d.pendingNumbers()) > 0 {
			d.startBulk(nil)
		}
		return
	}
	if rest := d.checkableNumbers(); len(rest) > 0 {
		d.emit(CheckPortability{Numbers: rest})
	} else if len(d.pendingNumbers()) > 0 {
		d.startBulk(nil)
	}
}

// requestCsr asks for the CSR of a port order (find-or-create by CustomerOrderId).
func (d *decider) requestCsr(o *PortOrder) {
	d.emit(CreateCsr{PortOrder: o.ID, Plan: d.csrPlan(o)})
	o.RetryAt = d.now.Add(reissueAfter)
	d.setStatus(o, OrderAwaitingCsr, "")
}

// csrPlan is the CSR request for a port order: its billing number plus everything the customer
// gave that helps the carrier find the account.
func (d *decider) csrPlan(o *PortOrder) CsrPlan {
	line1 := d.r.ServiceAddress.Line1
	if line1 == "" {
		line1 = d.r.ServiceAddressParts.line1()
	}
	return CsrPlan{
		CustomerOrderID:        o.ID,
		WorkingOrBillingNumber: o.BillingNumber,
		AccountNumber:          d.accountNumberFor(o),
		PIN:                    d.pinFor(o),
		EndUserName:            d.r.Subscriber.DisplayName(),
		AuthorizingUserName:    d.r.LoaAuthorizingPerson,
		AddressLine1:           line1,
		City:                   d.r.ServiceAddressParts.City,
		State:                  d.r.ServiceAddressParts.StateCode,
		Zip:                    d.r.ServiceAddressParts.Zip,
		TypeOfService:          string(d.r.Subscriber.Type),
	}
}

// csrCreated records the CSR order and starts its deadline.
func (d *decider) csrCreated(ev CsrCreated) {
	o := d.r.order(ev.PortOrder)
	if o.Csr.OrderID == ev.CsrOrderID {
		d.ignore("CSR order %s already recorded", ev.CsrOrderID)
		return
	}
	if o.Status == OrderCancelled {
		// The create was in flight when the request was cancelled: cancel what it made.
		o.Csr.OrderID = ev.CsrOrderID
		d.emit(CancelCsr{PortOrder: o.ID, CsrOrderID: ev.CsrOrderID})
		d.note(o, "CSR order "+ev.CsrOrderID+" created after the cancellation; cancelling it")
		return
	}
	if o.Status != OrderAwaitingCsr {
		d.ignore("port order %s is %s, not awaiting a CSR order", o.ID, o.Status)
		return
	}
	o.Csr = CsrLookup{
		OrderID:     ev.CsrOrderID,
		Status:      CsrReceived,
		RequestedAt: d.now,
		Deadline:    d.now.Add(d.r.Policy.CsrTimeout),
	}
	o.RetryAt = time.Time{}
	d.setStatus(o, OrderCsrRequested, "CSR order "+ev.CsrOrderID+" placed for "+o.BillingNumber)
}

// csrRejected handles a 4xx from creating (or updating) a CSR: no CSR can be had.
func (d *decider) csrRejected(ev CsrRejected) {
	o := d.r.order(ev.PortOrder)
	if o.Status != OrderAwaitingCsr && o.Status != OrderCsrRequested {
		d.ignore("port order %s is %s, not waiting for a CSR", o.ID, o.Status)
		return
	}
	if onlyRetryLater(ev.Errors) {
		if o.Status == OrderAwaitingCsr {
			o.RetryAt = d.now.Add(retryLaterDelay)
			d.note(o, "CSR request to be retried later: "+describeErrors(ev.Errors))
			return
		}
		d.ignore("CSR update asked to retry later (%s); the CSR is polled until its deadline", describeErrors(ev.Errors))
		return
	}
	o.Csr.Errors = cloneErrors(ev.Errors)
	d.csrUnavailable(o, CsrOutcomeFailed, "Bandwidth refused the CSR request ("+describeErrors(ev.Errors)+").")
}

// csrObserved applies a read of the CSR order.
func (d *decider) csrObserved(ev CsrObserved) {
	o := d.r.order(ev.PortOrder)
	switch {
	case o.Csr.OrderID == "" || ev.CsrOrderID != o.Csr.OrderID:
		d.ignore("CSR order %q is not the CSR of port order %s", ev.CsrOrderID, o.ID)
		return
	case o.Status.Terminal():
		d.ignore("port order %s is %s", o.ID, o.Status)
		return
	case !ev.LastModified.IsZero() && ev.LastModified.Before(o.Csr.LastModified):
		d.ignore("stale CSR read: modified %s, already have %s", ev.LastModified.Format(timeLayout), o.Csr.LastModified.Format(timeLayout))
		return
	}
	outcome, why := csrOutcome(ev)
	waitingForCsr := o.Status == OrderCsrRequested
	operatorAskedAboutCsr := o.Status == OrderActionRequired && o.Action != nil &&
		(o.Action.Resume == ResumeUpdateCsr || o.Action.Resume == ResumeWithoutCsr)

	if waitingForCsr && outcome == "" && !d.now.Before(o.Csr.Deadline) {
		o.Csr.Status = ev.Status
		d.csrUnavailable(o, CsrOutcomeTimedOut, fmt.Sprintf("The losing carrier did not answer the CSR request within %s.", d.r.Policy.CsrTimeout))
		return
	}
	if ev.Status == o.Csr.Status && ev.LastModified.Equal(o.Csr.LastModified) && sameCodes(ev.Errors, o.Csr.Errors) &&
		(outcome != CsrOutcomeComplete || o.Csr.Outcome == CsrOutcomeComplete) {
		d.ignore("CSR %s unchanged (%s)", ev.CsrOrderID, ev.Status)
		return
	}
	o.Csr.Status = ev.Status
	if !ev.LastModified.IsZero() {
		o.Csr.LastModified = ev.LastModified
	}

	switch {
	case waitingForCsr || operatorAskedAboutCsr:
		switch outcome {
		case CsrOutcomeComplete:
			d.useCsr(o, ev)
			d.createPortIn(o, csrSummary(o))
		case CsrOutcomeFailed:
			o.Csr.Errors = cloneErrors(ev.Errors)
			if ev.Data != nil {
				data := cloneCsrData(*ev.Data)
				o.Csr.Data = &data
			}
			if waitingForCsr || o.Action.Resume == ResumeUpdateCsr {
				// The carrier gave up while an operator was asked for CSR details: the
				// question is moot and the failure policy applies.
				d.csrUnavailable(o, CsrOutcomeFailed, why)
			} else {
				o.Csr.Outcome = CsrOutcomeFailed
				d.note(o, why)
			}
		case CsrOutcomeActionRequired:
			o.Csr.Outcome = CsrOutcomeActionRequired
			o.Csr.Errors = cloneErrors(ev.Errors)
			if waitingForCsr {
				d.requireAction(o, csrInformationAction(ev.Errors))
			}
		default:
			d.note(o, "CSR is "+ev.Status)
		}
	case outcome == CsrOutcomeComplete && o.Csr.Outcome != CsrOutcomeComplete:
		// A CSR that arrives after the port order went on without it is kept: an address or
		// name rejection can then be fixed with it.
		o.Csr.Outcome = CsrOutcomeComplete
		data := cloneCsrData(*ev.Data)
		o.Csr.Data = &data
		o.Csr.Differences = append([]FieldDifference(nil), ev.Differences...)
		o.Csr.Errors = cloneErrors(ev.Errors)
		d.note(o, "late CSR recorded; it is used if the carrier rejects the address or name")
	default:
		d.ignore("CSR read changes nothing for port order %s (%s)", o.ID, o.Status)
	}
}

const timeLayout = "2006-01-02T15:04:05Z07:00"

// csrOutcome reads a CSR observation: "" while the carrier is still working on it. A COMPLETE
// that carries 26500 or no usable address is a failure in disguise (PROTOCOL §3.2, §4.5).
func csrOutcome(ev CsrObserved) (CsrOutcome, string) {
	switch ev.Status {
	case CsrComplete:
		switch {
		case hasCode(ev.Errors, "26500"):
			return CsrOutcomeFailed, "The CSR came back COMPLETE but with error " + describeErrors(ev.Errors) + "."
		case ev.Data == nil || !ev.Data.Address.Complete():
			return CsrOutcomeFailed, "The CSR came back COMPLETE without a usable service address."
		}
		return CsrOutcomeComplete, ""
	case CsrFailed:
		return CsrOutcomeFailed, "The CSR lookup failed (" + describeErrors(ev.Errors) + ")."
	case CsrActionRequired:
		return CsrOutcomeActionRequired, ""
	case CsrCancelled, CsrRequestedCancel:
		return CsrOutcomeFailed, "The CSR order was cancelled."
	}
	return "", ""
}

func csrInformationAction(errs []BandwidthError) *ActionRequired {
	msg := "The losing carrier needs more information before it releases the customer service record, usually the account number and PIN/passcode: supply them to resubmit the CSR, or confirm to resubmit as it is."
	if len(errs) > 0 {
		msg += " Bandwidth said: " + describeErrors(errs) + "."
	}
	return &ActionRequired{
		Code:        ActionCsrInformationRequired,
		Message:     msg,
		Fields:      []string{FieldAccountNumber, FieldPIN},
		Confirmable: true,
		Errors:      cloneErrors(errs),
		Resume:      ResumeUpdateCsr,
	}
}

// reconcileCsr polls a CSR and enforces its deadline: once past it, one last read is made; if
// that read does not come back in time either, the CSR counts as timed out.
func (d *decider) reconcileCsr(o *PortOrder) {
	if d.now.Before(o.Csr.Deadline) {
		d.emit(FetchCsr{PortOrder: o.ID, CsrOrderID: o.Csr.OrderID})
		return
	}
	switch {
	case o.Csr.ReconcileAt.IsZero():
		o.Csr.ReconcileAt = d.now
		d.emit(FetchCsr{PortOrder: o.ID, CsrOrderID: o.Csr.OrderID})
		d.note(o, "CSR deadline passed; reading the CSR one last time")
	case !d.now.Before(o.Csr.ReconcileAt.Add(csrReconcileGrace)):
		d.csrUnavailable(o, CsrOutcomeTimedOut, fmt.Sprintf("The losing carrier did not answer the CSR request within %s.", d.r.Policy.CsrTimeout))
	default:
		d.emit(FetchCsr{PortOrder: o.ID, CsrOrderID: o.Csr.OrderID})
	}
}

// csrUnavailable applies the CSR failure policy: go on with the customer's address, or hold
// the port order for an operator.
func (d *decider) csrUnavailable(o *PortOrder, outcome CsrOutcome, why string) {
	o.Csr.Outcome = outcome
	if d.r.Policy.OnCsrFailure == CsrHold {
		d.requireAction(o, &ActionRequired{
			Code: ActionCsrUnavailable,
			Message: why + " Confirm the customer's service address (" + d.r.ServiceAddressParts.String() +
				") to submit the port with it, or supply the address the losing carrier has on file.",
			Fields:      []string{FieldServiceAddress},
			Confirmable: true,
			Errors:      cloneErrors(o.Csr.Errors),
			Resume:      ResumeWithoutCsr,
		})
		return
	}
	d.useCustomerData(o)
	d.createPortIn(o, why+" Submitting with the customer's address.")
}

// useCsr takes the address (the CSR wins) and account number from a COMPLETE CSR.
func (d *decider) useCsr(o *PortOrder, ev CsrObserved) {
	data := cloneCsrData(*ev.Data)
	o.Csr.Outcome = CsrOutcomeComplete
	o.Csr.Data = &data
	o.Csr.Differences = append([]FieldDifference(nil), ev.Differences...)
	o.Csr.Errors = cloneErrors(ev.Errors)
	o.Address, o.AddressSource = data.Address, SourceCsr
	if o.NameSource == "" {
		o.NameSource = SourceCustomer
	}
	o.AccountNumber = data.AccountNumber
	if o.AccountNumber == "" {
		o.AccountNumber = d.accountNumberFor(o)
	}
}

// useCustomerData takes the customer's address and account number (no CSR to go by).
func (d *decider) useCustomerData(o *PortOrder) {
	if o.AddressSource != SourceOperator {
		o.Address, o.AddressSource = d.r.ServiceAddressParts, SourceCustomer
	}
	if o.NameSource == "" {
		o.NameSource = SourceCustomer
	}
	if o.AccountNumber == "" {
		o.AccountNumber = d.accountNumberFor(o)
	}
}

func csrSummary(o *PortOrder) string {
	if len(o.Csr.Differences) == 0 {
		return "CSR complete and matches the customer's input; submitting the port-in."
	}
	fields := make([]string, len(o.Csr.Differences))
	for i, f := range o.Csr.Differences {
		fields[i] = f.Field
	}
	return fmt.Sprintf("CSR complete; it differs from the customer's input in %s. Submitting the port-in with the CSR's service address.", strings.Join(fields, ", "))
}

func cloneCsrData(c CsrData) CsrData {
	c.WorkingNumbers = append([]string(nil), c.WorkingNumbers...)
	return c
}

// sameCodes reports whether two error lists hold the same codes in the same order.
func sameCodes(a, b []BandwidthError) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Code != b[i].Code {
			return false
		}
	}
	return true
}
