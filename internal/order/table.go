package order

import (
	"fmt"
	"slices"
)

// Rule is one line of the transition table: what an event of kind On may do to a request in any
// of the From statuses.
type Rule struct {
	From []Status
	On   EventKind
	// To lists the statuses the request may have afterwards.
	To []Status
	// OrStay adds "unchanged" to To.
	OrStay bool
	// Stay means the event never changes the request's status (it may change data, add timeline
	// entries or ask for effects).
	Stay bool
	// Refused means the event is always refused in these statuses (*RejectedError).
	Refused bool
	// MayRefuse means the event can be refused here, depending on the request's data.
	MayRefuse bool
	Note      string
}

// Transition is the table's answer for one (status, event kind) pair.
type Transition struct {
	From      Status
	On        EventKind
	To        []Status
	Refused   bool
	MayRefuse bool
	Note      string
}

var (
	preCheck  = []Status{StatusReceived, StatusCheckingPortability}
	terminals = []Status{StatusCompleted, StatusPartiallyCompleted, StatusCancelled, StatusFailed}
	finishes  = []Status{StatusCompleted, StatusPartiallyCompleted, StatusFailed}
)

func except(list []Status, drop ...Status) []Status {
	var out []Status
	for _, s := range list {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

func join(lists ...[]Status) []Status {
	var out []Status
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// rules is the transition table. Every (status, event kind) pair is covered by exactly one rule
// (TestTransitionTableIsComplete), Decide never leaves it (it returns ErrNotInTable), and
// docs/state-machine.md is rendered from it.
var rules = []Rule{
	{From: []Status{StatusReceived}, On: KindAccepted, To: []Status{StatusCheckingPortability},
		Note: "asks for the portability check"},
	{From: except(Statuses, StatusReceived), On: KindAccepted, Stay: true,
		Note: "already started: a repeat changes nothing"},

	{From: []Status{StatusCheckingPortability}, On: KindPortabilityChecked,
		To: []Status{StatusAwaitingCsr, StatusActionRequired, StatusFailed}, OrStay: true,
		Note: "non-portable numbers fail; the rest are grouped by losing carrier and port type; a CSR is requested per group, except groups whose carrier needs an account number/PIN the customer did not give (action_required before anything is sent); a large, toll-free or multi-carrier request creates a bulk port-in instead (stays checking_portability while Bandwidth validates it)"},
	{From: except(Statuses, StatusCheckingPortability), On: KindPortabilityChecked, Stay: true,
		Note: "stale: the check is over"},

	{From: []Status{StatusCheckingPortability}, On: KindPortabilityRejected,
		To: []Status{StatusFailed}, OrStay: true,
		Note: "numbers Bandwidth names fail and the rest are checked again; retry-later codes wait for the next check"},
	{From: except(Statuses, StatusCheckingPortability), On: KindPortabilityRejected, Stay: true,
		Note: "stale: the check is over"},

	{From: Statuses, On: KindCsrCreated, Stay: true,
		Note: "records the CSR order and starts its deadline; a CSR created for a cancelled port order is cancelled"},

	{From: []Status{StatusAwaitingCsr}, On: KindCsrRejected,
		To: []Status{StatusSubmitting, StatusActionRequired}, OrStay: true,
		Note: "no CSR: proceed with the customer's address, or hold for an operator (policy)"},
	{From: except(Statuses, StatusAwaitingCsr), On: KindCsrRejected, Stay: true,
		Note: "another port order's CSR, or stale"},

	{From: []Status{StatusAwaitingCsr}, On: KindCsrObserved,
		To: []Status{StatusSubmitting, StatusActionRequired}, OrStay: true,
		Note: "COMPLETE with an address: the CSR's address wins and the port-in is created; FAILED, 26500 or no address: policy; ACTION_REQUIRED: operator; no answer by the deadline: policy"},
	{From: []Status{StatusActionRequired}, On: KindCsrObserved,
		To: []Status{StatusAwaitingCsr, StatusSubmitting}, OrStay: true,
		Note: "a CSR that completes while an operator was asked resumes the port order"},
	{From: except(Statuses, StatusAwaitingCsr, StatusActionRequired), On: KindCsrObserved, Stay: true,
		Note: "a late CSR is recorded for remediation; stale or repeated reads change nothing"},

	{From: []Status{StatusSubmitting}, On: KindPortInCreated,
		To: join([]Status{StatusSubmitted, StatusFoc, StatusActionRequired, StatusCancelRequested}, finishes), OrStay: true,
		Note: "records the Bandwidth order, uploads the LOA, then applies the order's status"},
	{From: []Status{StatusAwaitingCsr}, On: KindPortInCreated,
		To: []Status{StatusActionRequired, StatusCancelRequested}, OrStay: true,
		Note: "another port order is still at the CSR step"},
	{From: []Status{StatusCancelRequested}, On: KindPortInCreated,
		To: []Status{StatusCancelled, StatusPartiallyCompleted, StatusCompleted}, OrStay: true,
		Note: "created while a cancel was pending: cancel it now"},
	{From: except(Statuses, StatusSubmitting, StatusAwaitingCsr, StatusCancelRequested), On: KindPortInCreated, Stay: true,
		Note: "repeated or stale"},

	{From: []Status{StatusSubmitting, StatusAwaitingCsr}, On: KindPortInRejected,
		To: []Status{StatusActionRequired}, OrStay: true,
		Note: "retry later, fix automatically once (CSR address, FOC date), or ask the operator"},
	{From: []Status{StatusCancelRequested}, On: KindPortInRejected,
		To: []Status{StatusCancelled, StatusPartiallyCompleted}, OrStay: true,
		Note: "nothing was created, so nothing is left to cancel"},
	{From: except(Statuses, StatusSubmitting, StatusAwaitingCsr, StatusCancelRequested), On: KindPortInRejected, Stay: true,
		Note: "stale"},

	{From: []Status{StatusSubmitted}, On: KindPortInObserved,
		To: join([]Status{StatusFoc, StatusActionRequired, StatusCancelRequested}, finishes), OrStay: true,
		Note: "mirrors Bandwidth: FOC records ActualFocDate, EXCEPTION is remediated or goes to an operator, COMPLETE records the numbers"},
	{From: []Status{StatusFoc}, On: KindPortInObserved,
		To: join([]Status{StatusSubmitted, StatusActionRequired, StatusCancelRequested}, finishes), OrStay: true,
		Note: "mirrors Bandwidth; a SUPP after FOC goes back to submitted"},
	{From: []Status{StatusSubmitting}, On: KindPortInObserved,
		To: join([]Status{StatusSubmitted, StatusFoc, StatusActionRequired, StatusCancelRequested}, finishes), OrStay: true,
		Note: "a port-in found by CustomerOrderId before its create reported back counts as created; otherwise another port order moved"},
	{From: []Status{StatusAwaitingCsr}, On: KindPortInObserved,
		To: []Status{StatusActionRequired, StatusCancelRequested}, OrStay: true,
		Note: "another port order moved; one is still at the CSR step"},
	{From: []Status{StatusActionRequired}, On: KindPortInObserved,
		To: join([]Status{StatusAwaitingCsr, StatusSubmitting, StatusSubmitted, StatusFoc, StatusCancelRequested}, finishes), OrStay: true,
		Note: "Bandwidth moved on by itself (fixed by its LNP team, cancelled, completed): the operator action lapses"},
	{From: []Status{StatusCancelRequested}, On: KindPortInObserved,
		To: join([]Status{StatusCancelled, StatusSubmitted, StatusFoc, StatusActionRequired}, finishes), OrStay: true,
		Note: "follows REQUESTED_CANCEL to CANCELLED (or COMPLETE if the cancel came too late); a cancellation made outside portflow that Bandwidth reverses is followed too"},
	{From: join(preCheck, terminals), On: KindPortInObserved, Stay: true,
		Note: "stale"},

	{From: Statuses, On: KindDocumentsUploaded, Stay: true,
		Note: "records the uploaded documents; resumes a port order waiting for them"},

	{From: []Status{StatusAwaitingCsr, StatusSubmitting, StatusSubmitted, StatusFoc}, On: KindDocumentsRejected,
		To: []Status{StatusActionRequired}, OrStay: true,
		Note: "the operator must supply a valid document"},
	{From: join(preCheck, []Status{StatusActionRequired, StatusCancelRequested}, terminals), On: KindDocumentsRejected, Stay: true,
		Note: "already waiting for an operator, cancelling, or stale"},

	{From: []Status{StatusAwaitingCsr, StatusSubmitting, StatusSubmitted}, On: KindSuppRejected,
		To: []Status{StatusActionRequired}, OrStay: true,
		Note: "retry later, recompute the FOC date, or ask the operator"},
	{From: except(Statuses, StatusAwaitingCsr, StatusSubmitting, StatusSubmitted), On: KindSuppRejected, Stay: true,
		Note: "stale"},

	{From: []Status{StatusActionRequired}, On: KindCorrected,
		To: []Status{StatusAwaitingCsr, StatusSubmitting, StatusSubmitted, StatusFoc}, OrStay: true, MayRefuse: true,
		Note: "applies the operator's data: CSR again, port-in created, or a SUPP; refused when it resolves nothing"},
	{From: except(Statuses, StatusActionRequired), On: KindCorrected, Refused: true,
		Note: "corrections are accepted only while action_required"},

	{From: preCheck, On: KindCancelRequested, To: []Status{StatusCancelled},
		Note: "nothing was sent to Bandwidth"},
	{From: []Status{StatusAwaitingCsr, StatusActionRequired}, On: KindCancelRequested,
		To: []Status{StatusCancelRequested, StatusCancelled, StatusPartiallyCompleted}, MayRefuse: true,
		Note: "port orders with nothing at Bandwidth are cancelled at once (their CSR cancelled), live port-ins are deleted; refused within 24 h of a FOC date"},
	{From: []Status{StatusSubmitting}, On: KindCancelRequested,
		To: []Status{StatusCancelRequested, StatusCancelled}, MayRefuse: true,
		Note: "deletes every live port-in (one being created is deleted once it exists) and follows REQUESTED_CANCEL to CANCELLED; a bulk not yet submitted is deleted with its drafts at once"},
	{From: []Status{StatusSubmitted, StatusFoc}, On: KindCancelRequested,
		To: []Status{StatusCancelRequested}, MayRefuse: true,
		Note: "deletes every live port-in and follows REQUESTED_CANCEL to CANCELLED; refused within 24 h of a FOC date"},
	{From: []Status{StatusCancelRequested, StatusCancelled}, On: KindCancelRequested, Stay: true,
		Note: "already cancelling: a repeat changes nothing"},
	{From: finishes, On: KindCancelRequested, Refused: true,
		Note: "the request is finished"},

	{From: []Status{StatusCancelRequested}, On: KindCancelRefused,
		To: []Status{StatusSubmitted, StatusFoc, StatusActionRequired}, OrStay: true,
		Note: "Bandwidth refused (within 24 h of FOC, already complete): the port order goes on, with the reason shown"},
	{From: except(Statuses, StatusCancelRequested), On: KindCancelRefused, Stay: true,
		Note: "stale"},

	{From: []Status{StatusFoc}, On: KindActivationRequested, Stay: true, MayRefuse: true,
		Note: "activates on-demand port orders now; refused for scheduled activation or before the FOC day (7342)"},
	{From: except(Statuses, StatusFoc), On: KindActivationRequested, Refused: true,
		Note: "activation needs a FOC"},

	{From: Statuses, On: KindActivationDue, Stay: true,
		Note: "the chosen activation time arrived: activate if still in FOC"},
	{From: Statuses, On: KindActivationRefused, Stay: true,
		Note: "records Bandwidth's refusal as a clear error; the operator may try again"},
	{From: Statuses, On: KindNoteReceived, Stay: true,
		Note: "records the note and re-reads the order"},
	{From: []Status{StatusActionRequired}, On: KindDocumentsAdded,
		To: []Status{StatusSubmitted, StatusFoc}, OrStay: true, MayRefuse: true,
		Note: "kept and uploaded; resolves a port order waiting for documents, as a correction would"},
	{From: except(Statuses, join(terminals, []Status{StatusActionRequired})...), On: KindDocumentsAdded, Stay: true,
		Note: "kept and uploaded to every live port-in"},
	{From: terminals, On: KindDocumentsAdded, Refused: true,
		Note: "the request is finished"},
	{From: Statuses, On: KindNotified, Stay: true,
		Note: "a notification is only a hint: re-read the order"},

	{From: Statuses, On: KindBulkCreated, Stay: true,
		Note: "records the bulk draft and sends its TN list; a draft made after a cancellation, or a duplicate, is deleted"},

	{From: []Status{StatusCheckingPortability}, On: KindBulkRejected,
		To: []Status{StatusFailed}, OrStay: true,
		Note: "numbers Bandwidth names fail and the list is sent again; a refusal naming none fails the rest; retry-later codes wait"},
	{From: except(Statuses, StatusCheckingPortability), On: KindBulkRejected, Stay: true,
		Note: "stale"},

	{From: []Status{StatusCheckingPortability}, On: KindBulkValidated,
		To: []Status{StatusAwaitingCsr, StatusSubmitting, StatusActionRequired, StatusFailed}, OrStay: true,
		Note: "VALID: children become port orders (split by port-type limit and account) and start their CSR (toll-free: straight to the draft update); INVALID: named numbers fail and the list is sent again"},
	{From: except(Statuses, StatusCheckingPortability), On: KindBulkValidated, Stay: true,
		Note: "stale: validation is over"},

	{From: Statuses, On: KindDraftPrepared, Stay: true,
		Note: "the child is ready; once every child in the bulk is, the bulk is submitted"},

	{From: []Status{StatusSubmitting, StatusAwaitingCsr}, On: KindDraftRejected,
		To: []Status{StatusActionRequired}, OrStay: true,
		Note: "the child leaves the bulk for an operator; the others go ahead"},
	{From: except(Statuses, StatusSubmitting, StatusAwaitingCsr), On: KindDraftRejected, Stay: true,
		Note: "stale"},

	{From: []Status{StatusSubmitting}, On: KindBulkSubmitted,
		To: []Status{StatusSubmitted}, OrStay: true,
		Note: "the children are ordinary port-ins from now on"},
	{From: []Status{StatusCancelRequested}, On: KindBulkSubmitted, Stay: true,
		Note: "submitted while a cancel was pending: every child is deleted now"},
	{From: except(Statuses, StatusSubmitting, StatusCancelRequested), On: KindBulkSubmitted, Stay: true,
		Note: "stale, or another port order sets the status"},

	{From: []Status{StatusSubmitting}, On: KindBulkSubmitRejected,
		To: []Status{StatusActionRequired}, OrStay: true,
		Note: "children Bandwidth names leave the bulk for an operator and the rest is submitted again; a refusal naming none is retried a few times"},
	{From: []Status{StatusCancelRequested}, On: KindBulkSubmitRejected,
		To: []Status{StatusCancelled}, OrStay: true,
		Note: "nothing was submitted: the children waiting to be cancelled are cancelled"},
	{From: except(Statuses, StatusSubmitting, StatusCancelRequested), On: KindBulkSubmitRejected, Stay: true,
		Note: "stale"},

	{From: Statuses, On: KindBulkObserved, Stay: true,
		Note: "records the bulk's status; a change re-reads every live child"},

	{From: []Status{StatusReceived}, On: KindCheckDue, To: []Status{StatusCheckingPortability},
		Note: "starts a request that was stored but not started"},
	{From: []Status{StatusAwaitingCsr}, On: KindCheckDue,
		To: []Status{StatusSubmitting, StatusActionRequired}, OrStay: true,
		Note: "polls the CSR; past its deadline, reconciles once and then proceeds by policy"},
	{From: except(Statuses, StatusReceived, StatusAwaitingCsr), On: KindCheckDue, Stay: true,
		Note: "polls every live order and reissues lost requests"},
}

// Transitions expands the table into one Transition per (status, event kind) pair, in the order
// of Statuses and EventKinds.
func Transitions() []Transition {
	var out []Transition
	for _, s := range Statuses {
		for _, k := range EventKinds {
			t, ok := lookup(s, k)
			if !ok {
				panic(fmt.Sprintf("order: transition table has no rule for (%s, %s)", s, k))
			}
			out = append(out, t)
		}
	}
	return out
}

// lookup finds the transition for a pair; the first matching rule wins.
func lookup(from Status, on EventKind) (Transition, bool) {
	for _, r := range rules {
		if r.On != on || !slices.Contains(r.From, from) {
			continue
		}
		t := Transition{From: from, On: on, Refused: r.Refused, MayRefuse: r.MayRefuse, Note: r.Note}
		switch {
		case r.Refused:
		case r.Stay:
			t.To = []Status{from}
		default:
			t.To = slices.Clone(r.To)
			if r.OrStay && !slices.Contains(t.To, from) {
				t.To = append(t.To, from)
			}
		}
		return t, true
	}
	return Transition{}, false
}

// Allowed reports whether the table lets an event of kind on take a request from one status to
// another.
func Allowed(from Status, on EventKind, to Status) bool {
	t, ok := lookup(from, on)
	return ok && !t.Refused && slices.Contains(t.To, to)
}
