package order

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"
)

func TestTransitionTableIsComplete(t *testing.T) {
	for _, s := range Statuses {
		for _, k := range EventKinds {
			var matches int
			for _, r := range rules {
				if r.On == k && slices.Contains(r.From, s) {
					matches++
				}
			}
			if matches != 1 {
				t.Errorf("(%s, %s) is covered by %d rules, want exactly 1", s, k, matches)
			}
		}
	}
	for i, r := range rules {
		switch {
		case r.Refused && (r.Stay || len(r.To) > 0 || r.MayRefuse):
			t.Errorf("rule %d (%s): a refused rule has no targets", i, r.On)
		case !r.Refused && !r.Stay && len(r.To) == 0:
			t.Errorf("rule %d (%s): no targets", i, r.On)
		case r.Note == "":
			t.Errorf("rule %d (%s): no note", i, r.On)
		}
		for _, to := range r.To {
			if !to.Valid() {
				t.Errorf("rule %d: unknown status %q", i, to)
			}
		}
	}
	for _, s := range terminals {
		for _, k := range EventKinds {
			tr, _ := lookup(s, k)
			if !tr.Refused && !slices.Equal(tr.To, []Status{s}) {
				t.Errorf("terminal %s can leave on %s: %v", s, k, tr.To)
			}
		}
	}
}

// fixture is a request in some status, reached by driving real flows.
type fixture struct {
	name string
	r    PortRequest
}

func statusFixtures(t *testing.T) []fixture {
	t.Helper()
	var out []fixture
	add := func(name string, f *flow) { out = append(out, fixture{name, f.r}) }

	fresh := newFlow(t, testIntake())
	add("received", fresh)

	checking := newFlow(t, testIntake())
	checking.apply(Accepted{At: t0})
	add("checking portability", checking)

	awaitingCreate := newFlow(t, testIntake())
	awaitingCreate.apply(Accepted{At: t0})
	awaitingCreate.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	add("CSR being created", awaitingCreate)

	csrRequested := newFlow(t, testIntake())
	csrRequested.apply(Accepted{At: t0})
	csrRequested.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	csrRequested.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	add("CSR requested", csrRequested)

	reconciling := newFlow(t, testIntake())
	reconciling.r = csrRequested.r
	reconciling.apply(CheckDue{At: t0.Add(DefaultCsrTimeout + time.Minute)})
	add("CSR past its deadline", reconciling)

	// Two carriers: one at the CSR step, the other in FOC.
	mixed := newFlow(t, testIntake())
	mixed.apply(Accepted{At: t0})
	mixed.apply(PortabilityChecked{At: t0, Portable: []PortableNumber{
		{TN: "9195551001", Carrier: frontier, PortType: PortTypeAutomated},
		{TN: "9195551002", Carrier: clarity, PortType: PortTypeAutomatedOffNet},
	}})
	mixed.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	mixed.apply(CsrCreated{At: t0, PortOrder: orderID(2), CsrOrderID: "csr-2"})
	mixed.apply(csrComplete(t0.Add(time.Minute), orderID(2), "csr-2"))
	add("two carriers, one creating", mixed)
	mixedFoc := newFlow(t, testIntake())
	mixedFoc.r = mixed.r
	mixedFoc.apply(PortInCreated{At: t0.Add(2 * time.Minute), PortOrder: orderID(2), BandwidthOrderID: "bw-2", ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(2 * time.Minute)})
	mixedFoc.apply(PortInObserved{At: t0.Add(3 * time.Minute), PortOrder: orderID(2), BandwidthOrderID: "bw-2", ProcessingStatus: ProcessingFoc,
		ActualFocDate: time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC), LastModified: t0.Add(3 * time.Minute)})
	add("two carriers, one at CSR one in FOC", mixedFoc)

	creating := newFlow(t, testIntake())
	creating.r = csrRequested.r
	creating.apply(csrComplete(t0.Add(time.Minute), orderID(1), "csr-1"))
	add("creating", creating)

	submitted := toSubmitted(t, testIntake())
	add("submitted", submitted)

	onDemand := testIntake()
	at := TimeOfDay{17, 0}
	onDemand.Activation = Activation{Mode: ActivationOnDemand, At: &at}
	foc := toSubmitted(t, onDemand)
	foc.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingFoc,
		ActualFocDate: time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC), LastModified: t0.Add(time.Hour)})
	add("FOC, on demand", foc)

	focDay := newFlow(t, onDemand)
	focDay.r = foc.r
	focDay.apply(ActivationRequested{At: time.Date(2026, 3, 5, 14, 0, 0, 0, time.UTC)})
	add("FOC day, activation requested", focDay)

	supp := newFlow(t, testIntake())
	supp.r = submitted.r
	supp.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingException,
		Errors: []BandwidthError{{Code: "7412"}}, LastModified: t0.Add(time.Hour)})
	add("SUPP in flight", supp)

	wireless := testIntake()
	wireless.Numbers, wireless.BillingNumber = []string{"9199172854"}, "9199172854"
	preflight := newFlow(t, wireless)
	preflight.apply(Accepted{At: t0})
	preflight.apply(portability(t0, tmobile, PortTypeAutomated, "9199172854"))
	add("action: wireless details", preflight)

	hold := testIntake()
	hold.Policy.OnCsrFailure = CsrHold
	held := newFlow(t, hold)
	held.apply(Accepted{At: t0})
	held.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	held.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	held.apply(CsrObserved{At: t0.Add(time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1", Status: CsrFailed})
	add("action: CSR unavailable, hold", held)

	csrInfo := newFlow(t, testIntake())
	csrInfo.r = csrRequested.r
	csrInfo.apply(CsrObserved{At: t0.Add(time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1", Status: CsrActionRequired, LastModified: t0.Add(time.Minute)})
	add("action: CSR information", csrInfo)

	rejectedCreate := newFlow(t, testIntake())
	rejectedCreate.r = creating.r
	rejectedCreate.apply(PortInRejected{At: t0.Add(2 * time.Minute), PortOrder: orderID(1), Errors: []BandwidthError{{Code: "7309"}}})
	add("action: create rejected", rejectedCreate)

	exception := newFlow(t, testIntake())
	exception.r = submitted.r
	exception.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingException,
		Errors: []BandwidthError{{Code: "7401"}}, LastModified: t0.Add(time.Hour)})
	add("action: account number rejected", exception)

	mixedAction := newFlow(t, testIntake())
	mixedAction.r = mixedFoc.r
	mixedAction.apply(CsrObserved{At: t0.Add(4 * time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1", Status: CsrActionRequired, LastModified: t0.Add(4 * time.Minute)})
	add("action: one of two carriers", mixedAction)

	cancelling := newFlow(t, testIntake())
	cancelling.r = submitted.r
	cancelling.apply(CancelRequested{At: t0.Add(time.Hour)})
	add("cancel requested", cancelling)

	cancelCreating := newFlow(t, testIntake())
	cancelCreating.r = creating.r
	cancelCreating.apply(CancelRequested{At: t0.Add(2 * time.Minute)})
	add("cancel requested while creating", cancelCreating)

	cancelMixed := newFlow(t, testIntake())
	cancelMixed.r = mixedFoc.r
	cancelMixed.apply(PortInObserved{At: t0.Add(5 * time.Minute), PortOrder: orderID(2), BandwidthOrderID: "bw-2", ProcessingStatus: ProcessingComplete, LastModified: t0.Add(5 * time.Minute)})
	cancelMixed.apply(csrComplete(t0.Add(6*time.Minute), orderID(1), "csr-1"))
	cancelMixed.apply(PortInCreated{At: t0.Add(7 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(7 * time.Minute)})
	cancelMixed.apply(CancelRequested{At: t0.Add(8 * time.Minute)})
	add("cancel requested, other port order complete", cancelMixed)

	// Multi-carrier situations, where one port order's end decides the request's.
	two := func(name string) *flow {
		f := newFlow(t, testIntake())
		f.apply(Accepted{At: t0})
		f.apply(PortabilityChecked{At: t0, Portable: []PortableNumber{
			{TN: "9195551001", Carrier: frontier, PortType: PortTypeAutomated},
			{TN: "9195551002", Carrier: clarity, PortType: PortTypeAutomatedOffNet},
		}})
		for n := 1; n <= 2; n++ {
			f.apply(CsrCreated{At: t0, PortOrder: orderID(n), CsrOrderID: "csr-" + fmt.Sprint(n)})
		}
		return f
	}
	stage := func(f *flow, n int, to string, at time.Time) {
		id, bw := orderID(n), "bw-"+fmt.Sprint(n)
		o := f.order(n)
		if o.Status == OrderCsrRequested {
			csr := csrComplete(at, id, o.Csr.OrderID)
			csr.Data.WorkingNumbers = o.Numbers
			f.apply(csr)
		}
		if to == "creating" {
			return
		}
		if o := f.order(n); o.BandwidthOrderID == "" {
			f.apply(PortInCreated{At: at, PortOrder: id, BandwidthOrderID: bw, ProcessingStatus: ProcessingSubmitted, LastModified: at})
		}
		ev := PortInObserved{At: at.Add(time.Second), PortOrder: id, BandwidthOrderID: bw, ProcessingStatus: to, LastModified: at.Add(time.Second),
			ActualFocDate: time.Date(2026, 3, 9, 15, 30, 0, 0, time.UTC)}
		if to == ProcessingException {
			ev.Errors = []BandwidthError{{Code: "7401"}}
		}
		f.apply(ev)
	}
	atCsrOtherComplete := two("")
	stage(atCsrOtherComplete, 2, ProcessingComplete, t0.Add(time.Minute))
	add("two carriers, one at CSR one complete", atCsrOtherComplete)

	actionOtherComplete := two("")
	stage(actionOtherComplete, 2, ProcessingComplete, t0.Add(time.Minute))
	stage(actionOtherComplete, 1, ProcessingException, t0.Add(2*time.Minute))
	add("action: one of two carriers, other complete", actionOtherComplete)

	focOtherFailed := two("")
	stage(focOtherFailed, 2, ProcessingCancelled, t0.Add(time.Minute))
	stage(focOtherFailed, 1, ProcessingFoc, t0.Add(2*time.Minute))
	add("two carriers, one failed one in FOC", focOtherFailed)

	creatingOtherFailed := two("")
	stage(creatingOtherFailed, 2, ProcessingCancelled, t0.Add(time.Minute))
	stage(creatingOtherFailed, 1, "creating", t0.Add(2*time.Minute))
	add("two carriers, one failed one creating", creatingOtherFailed)

	cancelAction := newFlow(t, testIntake())
	cancelAction.r = exception.r
	cancelAction.apply(CancelRequested{At: t0.Add(2 * time.Hour)})
	add("cancel requested from action_required", cancelAction)

	cancelFoc := newFlow(t, testIntake())
	cancelFoc.r = foc.r
	cancelFoc.apply(CancelRequested{At: t0.Add(2 * time.Hour)})
	add("cancel requested in FOC", cancelFoc)

	externalCancel := newFlow(t, testIntake())
	externalCancel.r = submitted.r
	externalCancel.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingRequestedCancel, LastModified: t0.Add(time.Hour)})
	add("cancel requested outside portflow", externalCancel)

	completed := newFlow(t, testIntake())
	completed.r = submitted.r
	completed.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingComplete, LastModified: t0.Add(time.Hour)})
	add("completed", completed)

	partial := newFlow(t, testIntake())
	partial.r = cancelMixed.r
	partial.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingCancelled, LastModified: t0.Add(time.Hour)})
	add("partially completed", partial)

	cancelled := newFlow(t, testIntake())
	cancelled.r = cancelling.r
	cancelled.apply(PortInObserved{At: t0.Add(2 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingCancelled, LastModified: t0.Add(2 * time.Hour)})
	add("cancelled", cancelled)

	out = append(out, bulkFixtures(t)...)

	failed := newFlow(t, testIntake())
	failed.r = submitted.r
	failed.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingCancelled,
		Errors: []BandwidthError{{Code: "7611", Description: "cancelled by the porting vendor"}}, LastModified: t0.Add(time.Hour)})
	add("failed", failed)

	return out
}

// sampleEvents returns several events of a kind aimed at a request: each port order, each
// relevant Bandwidth status, fresh and stale.
func sampleEvents(r PortRequest, kind EventKind) []Event {
	now := r.UpdatedAt.Add(time.Minute)
	late := now.Add(DefaultCsrTimeout + time.Hour)
	ids := []string{orderID(1)}
	for i := range r.Orders {
		if r.Orders[i].ID != orderID(1) {
			ids = append(ids, r.Orders[i].ID)
		}
	}
	get := func(id string) PortOrder {
		for _, o := range r.Orders {
			if o.ID == id {
				return o
			}
		}
		return PortOrder{ID: id}
	}
	errs := func(codes ...string) []BandwidthError {
		var out []BandwidthError
		for _, c := range codes {
			out = append(out, BandwidthError{Code: c, Description: "sample " + c})
		}
		return out
	}
	account, pin := Secret("12345678"), Secret("2468")
	address := AddressParts{HouseNumber: "9", StreetName: "Elm", City: "Cary", StateCode: "NC", Zip: "27511"}
	wish := Date{2026, 3, 25}
	var out []Event
	switch kind {
	case KindAccepted:
		out = append(out, Accepted{At: now})
	case KindPortabilityChecked:
		out = append(out,
			portability(now, frontier, PortTypeAutomated, "9195551001", "9195551002"),
			portability(now, tmobile, PortTypeAutomated, "9195551001", "9195551002"),
			PortabilityChecked{At: now, NotPortable: []NumberFailure{{TN: "9195551001"}, {TN: "9195551002"}}})
	case KindPortabilityRejected:
		out = append(out,
			PortabilityRejected{At: now, Errors: []BandwidthError{{Code: "7201", Numbers: []string{"9195551002"}}}},
			PortabilityRejected{At: now, Errors: errs("7000")},
			PortabilityRejected{At: now, Errors: errs("7333")})
	}
	for _, id := range ids {
		o := get(id)
		switch kind {
		case KindCsrCreated:
			out = append(out, CsrCreated{At: now, PortOrder: id, CsrOrderID: "csr-new"}, CsrCreated{At: now, PortOrder: id, CsrOrderID: o.Csr.OrderID})
		case KindCsrRejected:
			out = append(out, CsrRejected{At: now, PortOrder: id, Errors: errs("12160")}, CsrRejected{At: now, PortOrder: id, Errors: errs("7000")})
		case KindCsrObserved:
			good := csrComplete(now, id, o.Csr.OrderID)
			bad := good
			bad.Errors = errs("26500")
			out = append(out, good, bad,
				CsrObserved{At: now, PortOrder: id, CsrOrderID: o.Csr.OrderID, Status: CsrFailed, Errors: errs("26500"), LastModified: now},
				CsrObserved{At: now, PortOrder: id, CsrOrderID: o.Csr.OrderID, Status: CsrActionRequired, LastModified: now},
				CsrObserved{At: now, PortOrder: id, CsrOrderID: o.Csr.OrderID, Status: CsrProcessing, LastModified: now},
				CsrObserved{At: late, PortOrder: id, CsrOrderID: o.Csr.OrderID, Status: CsrProcessing, LastModified: now},
				CsrObserved{At: now, PortOrder: id, CsrOrderID: "csr-other", Status: CsrComplete})
		case KindPortInCreated:
			for _, ps := range []string{ProcessingSubmitted, ProcessingException, ProcessingFoc, ProcessingComplete, ProcessingCancelled, ProcessingRequestedCancel} {
				ev := PortInCreated{At: now, PortOrder: id, BandwidthOrderID: "bw-new", ProcessingStatus: ps, LastModified: now}
				if ps == ProcessingException {
					ev.Errors = errs("7402")
				}
				out = append(out, ev)
			}
		case KindPortInRejected:
			out = append(out, PortInRejected{At: now, PortOrder: id, Errors: errs("7402")},
				PortInRejected{At: now, PortOrder: id, Errors: errs("7323")},
				PortInRejected{At: now, PortOrder: id, Errors: errs("7309")})
		case KindPortInObserved:
			bw := o.BandwidthOrderID
			if bw == "" {
				bw = "bw-new"
			}
			for _, ps := range []string{ProcessingSubmitted, ProcessingPendingDocuments, ProcessingException, ProcessingRequestedSupp,
				ProcessingFoc, ProcessingComplete, ProcessingCancelled, ProcessingRequestedCancel, ProcessingDraft} {
				ev := PortInObserved{At: now, PortOrder: id, BandwidthOrderID: bw, ProcessingStatus: ps, LastModified: now,
					ActualFocDate: time.Date(2026, 3, 9, 15, 30, 0, 0, time.UTC)}
				out = append(out, ev)
				if ps == ProcessingException || ps == ProcessingRequestedSupp {
					for _, codes := range [][]string{{"7402"}, {"7412"}, {"7434"}, {"7401", "7435"}, {"7484"}, {"9999"}} {
						ev.Errors = errs(codes...)
						out = append(out, ev)
					}
				}
			}
			out = append(out,
				PortInObserved{At: now, PortOrder: id, BandwidthOrderID: bw, ProcessingStatus: ProcessingComplete, LastModified: t0.Add(-time.Hour)},
				PortInObserved{At: now, PortOrder: id, BandwidthOrderID: bw, ProcessingStatus: ProcessingComplete, LastModified: now,
					CompletedNumbers: []string{"9195551001"}})
		case KindDocumentsUploaded:
			out = append(out, DocumentsUploaded{At: now, PortOrder: id, DocumentIDs: []string{"loa-1"}}, DocumentsUploaded{At: now, PortOrder: id, DocumentIDs: []string{"loa-9"}})
		case KindDocumentsRejected:
			out = append(out, DocumentsRejected{At: now, PortOrder: id, DocumentIDs: []string{"loa-1"}, Errors: errs("7638")})
		case KindSuppRejected:
			out = append(out, SuppRejected{At: now, PortOrder: id, Errors: errs("7412")},
				SuppRejected{At: now, PortOrder: id, Errors: errs("7300")},
				SuppRejected{At: now, PortOrder: id, Errors: errs("7483")})
		case KindCancelRefused:
			out = append(out, CancelRefused{At: now, PortOrder: id, Errors: errs("7304")},
				CancelRefused{At: now, PortOrder: id, Errors: errs("7303")},
				CancelRefused{At: now, PortOrder: id, Errors: errs("7301")})
		case KindActivationDue:
			out = append(out, ActivationDue{At: now, PortOrder: id, ScheduledFor: o.Activation.ScheduledFor},
				ActivationDue{At: now, PortOrder: id, ScheduledFor: now})
		case KindActivationRefused:
			out = append(out, ActivationRefused{At: now, PortOrder: id, Errors: errs("7342")},
				ActivationRefused{At: now, PortOrder: id, Errors: errs("7340")})
		case KindNoteReceived:
			out = append(out, NoteReceived{At: now, PortOrder: id, Text: "LOA required"})
		case KindNotified:
			out = append(out, Notified{At: now, PortOrder: id, Subject: SubjectCsr}, Notified{At: now, PortOrder: id, Subject: SubjectPortIn})
		}
	}
	switch kind {
	case KindCorrected:
		out = append(out,
			Corrected{At: now},
			Corrected{At: now, Confirm: true},
			Corrected{At: now, AccountNumber: &account, PIN: &pin},
			Corrected{At: now, ServiceAddressParts: &address, Subscriber: &Subscriber{Type: SubscriberBusiness, BusinessName: "Acme"}},
			Corrected{At: now, FocWish: &wish},
			Corrected{At: now, Documents: []string{"loa-7"}},
			Corrected{At: now, ServiceAddressParts: &AddressParts{City: "Cary"}})
	case KindDocumentsAdded:
		out = append(out, DocumentsAdded{At: now, Documents: []string{"loa-7"}}, DocumentsAdded{At: now, Documents: []string{"loa-1"}})
	case KindCancelRequested:
		out = append(out, CancelRequested{At: now}, CancelRequested{At: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)})
	case KindActivationRequested:
		out = append(out, ActivationRequested{At: now}, ActivationRequested{At: time.Date(2026, 3, 5, 15, 0, 0, 0, time.UTC)},
			ActivationRequested{At: time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC)})
	case KindCheckDue:
		out = append(out, CheckDue{At: now}, CheckDue{At: late}, CheckDue{At: late.Add(time.Hour)}, CheckDue{At: now.Add(72 * time.Hour)})
	}
	out = append(out, bulkSampleEvents(r, kind, now, ids)...)
	return out
}

// TestEveryStatusEventPair runs every event kind, in several variants, against requests in every
// status and checks Decide against the transition table: refusals only where the table allows
// them, results always among the table's targets, ignored events always no-ops.
func TestEveryStatusEventPair(t *testing.T) {
	fixtures := statusFixtures(t)
	covered := map[Status]map[EventKind]int{}
	reached := map[[2]Status]bool{}
	for _, fx := range fixtures {
		if covered[fx.r.Status] == nil {
			covered[fx.r.Status] = map[EventKind]int{}
		}
		for _, kind := range EventKinds {
			for i, ev := range sampleEvents(fx.r, kind) {
				name := fmt.Sprintf("%s/%s/%d", fx.name, kind, i)
				tr, _ := lookup(fx.r.Status, kind)
				d, err := Decide(fx.r, ev)
				covered[fx.r.Status][kind]++
				if err != nil {
					var rej *RejectedError
					switch {
					case errors.As(err, &rej) && (tr.Refused || tr.MayRefuse):
						if rej.Message == "" {
							t.Errorf("%s: rejection without a message", name)
						}
					case errors.As(err, &rej):
						t.Errorf("%s: refused (%v) but the table does not allow refusing %s in %s", name, err, kind, fx.r.Status)
					default:
						t.Errorf("%s: %v", name, err)
					}
					continue
				}
				if tr.Refused {
					t.Errorf("%s: the table refuses %s in %s, Decide accepted it", name, kind, fx.r.Status)
				}
				if !slices.Contains(tr.To, d.Request.Status) {
					t.Errorf("%s: %s → %s not in the table's %v", name, fx.r.Status, d.Request.Status, tr.To)
				}
				reached[[2]Status{fx.r.Status, d.Request.Status}] = true
				if d.Ignored != "" && (d.Changed || len(d.Effects) > 0 || len(d.Timeline) > 0 || !reflect.DeepEqual(d.Request, fx.r)) {
					t.Errorf("%s: ignored (%s) but not a no-op", name, d.Ignored)
				}
				if d.Request.Status != fx.r.Status && !d.Changed {
					t.Errorf("%s: status changed without Changed", name)
				}
				if d.Request.Status.Terminal() && !d.Request.NextCheckAt.IsZero() {
					t.Errorf("%s: terminal request still scheduled", name)
				}
				if !d.Request.Status.Terminal() && d.Request.NextCheckAt.IsZero() {
					t.Errorf("%s: live request without a next check", name)
				}
			}
		}
	}
	cases := 0
	for _, byKind := range covered {
		for _, n := range byKind {
			cases += n
		}
	}
	t.Logf("%d decisions over %d fixture requests in %d statuses", cases, len(fixtures), len(covered))
	for _, s := range Statuses {
		for _, k := range EventKinds {
			if covered[s][k] == 0 {
				t.Errorf("no test case for (%s, %s)", s, k)
			}
		}
	}
	// Every status change the table allows should be reachable; list those no case reached.
	var unreached []string
	for _, tr := range Transitions() {
		for _, to := range tr.To {
			if to != tr.From && !reached[[2]Status{tr.From, to}] {
				unreached = append(unreached, fmt.Sprintf("%s→%s", tr.From, to))
			}
		}
	}
	sort.Strings(unreached)
	unreached = slices.Compact(unreached)
	if len(unreached) > 0 {
		t.Errorf("status changes the table allows but no case reaches: %v", unreached)
	}
}

// The stored form of a request is its JSON: a round trip must keep every decision the same.
func TestRequestSurvivesJSON(t *testing.T) {
	for _, fx := range statusFixtures(t) {
		b, err := json.Marshal(fx.r)
		if err != nil {
			t.Fatalf("%s: marshal: %v", fx.name, err)
		}
		var back PortRequest
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: unmarshal: %v", fx.name, err)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(b) {
			t.Fatalf("%s: JSON round trip differs:\n%s\n%s", fx.name, b, again)
		}
		ev := CheckDue{At: fx.r.UpdatedAt.Add(3 * time.Hour)}
		d1, err1 := Decide(fx.r, ev)
		d2, err2 := Decide(back, ev)
		e1, _ := json.Marshal(d1.Effects)
		e2, _ := json.Marshal(d2.Effects)
		if (err1 == nil) != (err2 == nil) || d1.Request.Status != d2.Request.Status || string(e1) != string(e2) {
			t.Fatalf("%s: decision differs after a JSON round trip", fx.name)
		}
	}
}
