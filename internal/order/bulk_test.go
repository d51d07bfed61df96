package order

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

const tollFreeTN = "8005550100"

// bulkIntake is a request that goes through a bulk port-in: it holds a toll-free number.
func bulkIntake() Intake {
	in := testIntake()
	in.Numbers = append(in.Numbers, tollFreeTN)
	return in
}

// compactOrderID is the id of the n-th port order of a bulk request.
func compactOrderID(n int) string {
	return fmt.Sprintf("%s-%d", strings.ReplaceAll(requestID, "-", ""), n)
}

// bulkStages drives bulkIntake through the bulk flow and returns the request at each stage.
func bulkStages(t *testing.T) map[string]*flow {
	t.Helper()
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	out := map[string]*flow{}
	f := newFlow(t, bulkIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	out["creating"] = &flow{t: t, r: f.r}
	f.apply(BulkCreated{At: at(1), BandwidthOrderID: "bulk-1"})
	out["validating"] = &flow{t: t, r: f.r}
	f.apply(BulkValidated{At: at(2), BandwidthOrderID: "bulk-1", ProcessingStatus: BulkStatusValid, Children: []BulkChild{
		{BandwidthOrderID: "child-1", Numbers: []string{"9195551001", "9195551002"}},
		{BandwidthOrderID: "child-tf", Numbers: []string{tollFreeTN}},
	}})
	out["children at CSR"] = &flow{t: t, r: f.r}
	f.apply(CsrCreated{At: at(3), PortOrder: compactOrderID(1), CsrOrderID: "csr-1"})
	f.apply(csrComplete(at(4), compactOrderID(1), "csr-1"))
	out["preparing"] = &flow{t: t, r: f.r}
	f.apply(DraftPrepared{At: at(5), PortOrder: compactOrderID(1), BandwidthOrderID: "child-1"})
	f.apply(DraftPrepared{At: at(5), PortOrder: compactOrderID(2), BandwidthOrderID: "child-tf"})
	out["submitting"] = &flow{t: t, r: f.r}
	cancel := &flow{t: t, r: f.r}
	cancel.apply(CancelRequested{At: at(6)})
	out["cancel while submitting"] = cancel
	f.apply(BulkSubmitted{At: at(6), BandwidthOrderID: "bulk-1", ProcessingStatus: BulkStatusInProgress, LastModified: at(6)})
	out["submitted"] = &flow{t: t, r: f.r}
	return out
}

func bulkFixtures(t *testing.T) []fixture {
	stages := bulkStages(t)
	var out []fixture
	for _, name := range []string{"validating", "children at CSR", "preparing", "submitting", "cancel while submitting", "submitted"} {
		out = append(out, fixture{"bulk " + name, stages[name].r})
	}
	return out
}

// bulkSampleEvents are the variants of the bulk event kinds aimed at r.
func bulkSampleEvents(r PortRequest, kind EventKind, now time.Time, ids []string) []Event {
	bulkID := "bulk-1"
	if r.Bulk != nil && r.Bulk.BandwidthOrderID != "" {
		bulkID = r.Bulk.BandwidthOrderID
	}
	var children []BulkChild
	for _, o := range r.Orders {
		if o.BandwidthOrderID != "" {
			children = append(children, BulkChild{BandwidthOrderID: o.BandwidthOrderID, Numbers: o.Numbers})
		}
	}
	var out []Event
	switch kind {
	case KindBulkCreated:
		out = append(out, BulkCreated{At: now, BandwidthOrderID: bulkID}, BulkCreated{At: now, BandwidthOrderID: "bulk-2"})
	case KindBulkRejected:
		out = append(out,
			BulkRejected{At: now, Call: BulkCallTnList, Errors: []BandwidthError{{Code: "7339", Numbers: []string{"9195551002"}}}},
			BulkRejected{At: now, Call: BulkCallCreate, Errors: []BandwidthError{{Code: "7333", Description: "porting not enabled"}}},
			BulkRejected{At: now, Call: BulkCallCreate, Errors: []BandwidthError{{Code: "7000"}}})
	case KindBulkValidated:
		out = append(out,
			BulkValidated{At: now, BandwidthOrderID: bulkID, ProcessingStatus: BulkStatusValidating},
			BulkValidated{At: now, BandwidthOrderID: bulkID, ProcessingStatus: BulkStatusValid, Children: []BulkChild{
				{BandwidthOrderID: "child-1", Numbers: []string{"9195551001", "9195551002"}},
				{BandwidthOrderID: "child-tf", Numbers: []string{tollFreeTN}}}},
			BulkValidated{At: now, BandwidthOrderID: bulkID, ProcessingStatus: BulkStatusValid, Children: []BulkChild{
				{BandwidthOrderID: "child-tf", Numbers: []string{tollFreeTN}}}},
			BulkValidated{At: now, BandwidthOrderID: bulkID, ProcessingStatus: BulkStatusInvalid, Errors: []BandwidthError{
				{Code: "7331", Description: "Rate Center Not Present", Numbers: []string{"9195551001", "9195551002", tollFreeTN}}}},
			BulkValidated{At: now, BandwidthOrderID: bulkID, ProcessingStatus: BulkStatusInvalid, Errors: []BandwidthError{
				{Code: "7205", Numbers: []string{"9195551002"}}}})
	case KindBulkSubmitted:
		out = append(out, BulkSubmitted{At: now, BandwidthOrderID: bulkID, ProcessingStatus: BulkStatusInProgress, LastModified: now})
	case KindBulkSubmitRejected:
		named := map[string][]BandwidthError{}
		for _, c := range children {
			named[c.BandwidthOrderID] = []BandwidthError{{Code: "7518", Description: "invalid billing number"}}
			break
		}
		out = append(out,
			BulkSubmitRejected{At: now, Errors: []BandwidthError{{Code: "7653", Description: "still validating"}}},
			BulkSubmitRejected{At: now, ChildErrors: named})
	case KindBulkObserved:
		out = append(out,
			BulkObserved{At: now, BandwidthOrderID: bulkID, ProcessingStatus: BulkStatusNeedsAttention, LastModified: now},
			BulkObserved{At: now, BandwidthOrderID: bulkID, ProcessingStatus: BulkStatusInProgress, LastModified: now})
	}
	for _, id := range ids {
		switch kind {
		case KindDraftPrepared:
			out = append(out, DraftPrepared{At: now, PortOrder: id, BandwidthOrderID: "child-new"})
		case KindDraftRejected:
			out = append(out, DraftRejected{At: now, PortOrder: id, Errors: []BandwidthError{{Code: "7518"}}},
				DraftRejected{At: now, PortOrder: id, Errors: []BandwidthError{{Code: "7000"}}})
		}
	}
	return out
}

func TestBulkRouteIsChosenBySizeTollFreeAndCarriers(t *testing.T) {
	large := testIntake()
	large.Numbers = nil
	for i := range 51 {
		large.Numbers = append(large.Numbers, fmt.Sprintf("91955520%02d", i))
	}
	multi := testIntake()
	multi.Policy.BulkForMultipleCarriers = true
	single := testIntake()
	cases := []struct {
		name string
		in   Intake
		ev   PortabilityChecked
		bulk bool
	}{
		{"51 numbers", large, portability(t0, frontier, PortTypeAutomated, large.Numbers...), true},
		{"two carriers with the multi-carrier policy", multi, PortabilityChecked{At: t0, Portable: []PortableNumber{
			{TN: "9195551001", Carrier: frontier, PortType: PortTypeAutomated}, {TN: "9195551002", Carrier: clarity, PortType: PortTypeAutomated}}}, true},
		{"two carriers without it", single, PortabilityChecked{At: t0, Portable: []PortableNumber{
			{TN: "9195551001", Carrier: frontier, PortType: PortTypeAutomated}, {TN: "9195551002", Carrier: clarity, PortType: PortTypeAutomated}}}, false},
		{"toll-free number", bulkIntake(), portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFlow(t, c.in)
			d := f.apply(Accepted{At: t0})
			if check := onlyEffect[CheckPortability](t, d); slices.Contains(check.Numbers, tollFreeTN) {
				t.Fatalf("the toll-free number went to the LNP checker: %v", check.Numbers)
			}
			d = f.apply(c.ev)
			create, isBulk := firstEffect[CreateBulkPortIn](d)
			if isBulk != c.bulk {
				t.Fatalf("bulk = %v, want %v (effects %+v)", isBulk, c.bulk, d.Effects)
			}
			if !c.bulk {
				return
			}
			if create.Plan.CustomerOrderID != requestID || f.r.Status != StatusCheckingPortability || len(f.r.Orders) != 0 {
				t.Fatalf("plan %+v, status %s, %d orders", create.Plan, f.r.Status, len(f.r.Orders))
			}
		})
	}
}

func firstEffect[E Effect](d Decision) (E, bool) {
	for _, e := range d.Effects {
		if v, ok := e.(E); ok {
			return v, true
		}
	}
	var zero E
	return zero, false
}

func allEffects[E Effect](d Decision) []E {
	var out []E
	for _, e := range d.Effects {
		if v, ok := e.(E); ok {
			out = append(out, v)
		}
	}
	return out
}

func TestBulkHappyPathPreparesEveryChildBeforeSubmitting(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	f := newFlow(t, bulkIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	d := f.apply(BulkCreated{At: at(1), BandwidthOrderID: "bulk-1"})
	put := onlyEffect[PutBulkTnList](t, d)
	if !slices.Equal(put.Numbers, []string{"9195551001", "9195551002", tollFreeTN}) {
		t.Fatalf("TN list %v", put.Numbers)
	}
	if d := f.apply(BulkValidated{At: at(2), BandwidthOrderID: "bulk-1", ProcessingStatus: BulkStatusValidating}); len(d.Effects) != 0 {
		t.Fatalf("still validating asked for %+v", d.Effects)
	}
	d = f.apply(BulkValidated{At: at(3), BandwidthOrderID: "bulk-1", ProcessingStatus: BulkStatusValid, Children: []BulkChild{
		{BandwidthOrderID: "child-1", Numbers: []string{"9195551001", "9195551002"}},
		{BandwidthOrderID: "child-tf", Numbers: []string{tollFreeTN}},
	}})
	if len(f.r.Orders) != 2 || f.r.Bulk.Step != BulkStepPreparing {
		t.Fatalf("orders %d, step %s", len(f.r.Orders), f.r.Bulk.Step)
	}
	csr := onlyEffect[CreateCsr](t, Decision{Effects: allEffectsAsEffects(allEffects[CreateCsr](d))})
	if csr.Plan.WorkingOrBillingNumber != "9195551001" {
		t.Fatalf("CSR on %s", csr.Plan.WorkingOrBillingNumber)
	}
	tf := onlyEffect[PrepareDraft](t, Decision{Effects: allEffectsAsEffects(allEffects[PrepareDraft](d))})
	if tf.BandwidthOrderID != "child-tf" || tf.Plan.PortType != PortTypeManualTollFree {
		t.Fatalf("toll-free draft %+v", tf)
	}
	if _, ok := firstEffect[SubmitBulk](d); ok {
		t.Fatal("submitted before the CSR")
	}
	f.apply(CsrCreated{At: at(4), PortOrder: compactOrderID(1), CsrOrderID: "csr-1"})
	csrAddress := AddressParts{HouseNumber: "9", StreetName: "ELM", StreetSuffix: "ST", City: "CARY", StateCode: "NC", Zip: "27511"}
	d = f.apply(CsrObserved{At: at(5), PortOrder: compactOrderID(1), CsrOrderID: "csr-1", Status: CsrComplete, LastModified: at(5),
		Data: &CsrData{CustomerName: "ACME", AccountNumber: "ACCT-9", Address: csrAddress}})
	prep := onlyEffect[PrepareDraft](t, d)
	if prep.BandwidthOrderID != "child-1" || prep.Plan.ServiceAddress != csrAddress || prep.Plan.BillingNumber != "9195551001" {
		t.Fatalf("child draft %+v", prep)
	}
	if d := f.apply(DraftPrepared{At: at(6), PortOrder: compactOrderID(1), BandwidthOrderID: "child-1"}); len(allEffects[SubmitBulk](d)) != 0 {
		t.Fatal("submitted while the toll-free child was not ready")
	}
	d = f.apply(DraftPrepared{At: at(6), PortOrder: compactOrderID(2), BandwidthOrderID: "child-tf"})
	submit := onlyEffect[SubmitBulk](t, d)
	if !slices.Equal(submit.Children, []string{"child-1", "child-tf"}) {
		t.Fatalf("submit %+v", submit)
	}
	d = f.apply(BulkSubmitted{At: at(7), BandwidthOrderID: "bulk-1", ProcessingStatus: BulkStatusInProgress, LastModified: at(7)})
	if f.r.Status != StatusSubmitted || len(allEffects[FetchPortIn](d)) != 2 || len(allEffects[UploadDocuments](d)) != 2 {
		t.Fatalf("status %s, effects %+v", f.r.Status, d.Effects)
	}
	for _, o := range f.r.Orders {
		if o.InBulk || o.BulkOrderID != "bulk-1" || o.Status != OrderSubmitted {
			t.Fatalf("order after submit %+v", o)
		}
	}
	// From here the children are ordinary port orders.
	for i, id := range []string{"child-1", "child-tf"} {
		f.apply(PortInObserved{At: at(8 + i), PortOrder: compactOrderID(i + 1), BandwidthOrderID: id, ProcessingStatus: ProcessingComplete, LastModified: at(8 + i)})
	}
	if f.r.Status != StatusCompleted || f.r.Bulk.Step != BulkStepFinished {
		t.Fatalf("status %s, bulk %s", f.r.Status, f.r.Bulk.Step)
	}
}

func allEffectsAsEffects[E Effect](list []E) []Effect {
	out := make([]Effect, len(list))
	for i, e := range list {
		out[i] = e
	}
	return out
}

func TestBulkInvalidNumbersFailAndTheListIsSentAgain(t *testing.T) {
	f := bulkStages(t)["validating"]
	d := f.apply(BulkValidated{At: t0.Add(time.Hour), BandwidthOrderID: "bulk-1", ProcessingStatus: BulkStatusInvalid, Errors: []BandwidthError{
		{Code: "7205", Description: "Telephone number is already being processed on another order", Numbers: []string{"9195551002"}}}})
	put := onlyEffect[PutBulkTnList](t, d)
	if !slices.Equal(put.Numbers, []string{"9195551001", tollFreeTN}) {
		t.Fatalf("TN list sent again: %v", put.Numbers)
	}
	n := f.r.number("9195551002")
	if n.Status != NumberFailed || !strings.Contains(n.Reason, "7205") {
		t.Fatalf("invalid number %+v", n)
	}
}

func TestBulkChildNeedingAnOperatorLeavesTheBulk(t *testing.T) {
	in := bulkIntake()
	in.Numbers = []string{"9199172854", "9195551001", tollFreeTN}
	in.BillingNumber = "9195551001"
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	f.apply(PortabilityChecked{At: t0, Portable: []PortableNumber{
		{TN: "9199172854", Carrier: tmobile, PortType: PortTypeAutomated},
		{TN: "9195551001", Carrier: frontier, PortType: PortTypeAutomated}}})
	f.apply(BulkCreated{At: t0, BandwidthOrderID: "bulk-1"})
	d := f.apply(BulkValidated{At: t0, BandwidthOrderID: "bulk-1", ProcessingStatus: BulkStatusValid, Children: []BulkChild{
		{BandwidthOrderID: "child-w", Numbers: []string{"9199172854"}},
		{BandwidthOrderID: "child-f", Numbers: []string{"9195551001"}},
		{BandwidthOrderID: "child-tf", Numbers: []string{tollFreeTN}}}})
	discard := onlyEffect[DiscardDraft](t, Decision{Effects: allEffectsAsEffects(allEffects[DiscardDraft](d))})
	if discard.BandwidthOrderID != "child-w" || f.r.Status != StatusActionRequired {
		t.Fatalf("discard %+v, status %s", discard, f.r.Status)
	}
	wireless := f.r.Orders[0]
	if wireless.InBulk || wireless.BandwidthOrderID != "" || wireless.Action == nil || wireless.Action.Code != ActionAccountDetailsRequired {
		t.Fatalf("wireless order %+v", wireless)
	}
	// The others go ahead without it.
	f.apply(CsrCreated{At: t0, PortOrder: compactOrderID(2), CsrOrderID: "csr-2"})
	f.apply(csrComplete(t0.Add(time.Minute), compactOrderID(2), "csr-2"))
	f.apply(DraftPrepared{At: t0.Add(2 * time.Minute), PortOrder: compactOrderID(2), BandwidthOrderID: "child-f"})
	d = f.apply(DraftPrepared{At: t0.Add(2 * time.Minute), PortOrder: compactOrderID(3), BandwidthOrderID: "child-tf"})
	if submit := onlyEffect[SubmitBulk](t, d); !slices.Equal(submit.Children, []string{"child-f", "child-tf"}) {
		t.Fatalf("submit %+v", submit)
	}
	// The operator answers: the wireless numbers are created as an ordinary port-in.
	pin, account := Secret("1234"), Secret("ACCT")
	d = f.apply(Corrected{At: t0.Add(time.Hour), PIN: &pin, AccountNumber: &account})
	if csr := onlyEffect[CreateCsr](t, d); csr.PortOrder != compactOrderID(1) {
		t.Fatalf("CSR %+v", csr)
	}
	f.apply(CsrCreated{At: t0.Add(time.Hour), PortOrder: compactOrderID(1), CsrOrderID: "csr-1"})
	d = f.apply(csrComplete(t0.Add(2*time.Hour), compactOrderID(1), "csr-1"))
	if create := onlyEffect[CreatePortIn](t, d); create.Plan.WirelessInfo == nil || create.Plan.WirelessInfo.PIN != pin {
		t.Fatalf("standalone port-in %+v", create)
	}
}

func TestBulkChildIsSplitByPortTypeLimitAndAccount(t *testing.T) {
	in := testIntake()
	in.Numbers = nil
	for i := range 1500 {
		in.Numbers = append(in.Numbers, fmt.Sprintf("919556%04d", i))
	}
	in.BillingNumber = in.Numbers[0]
	own := NumberAccount{BillingNumber: "9195569999", AccountNumber: "OWN-1", PIN: "9999"}
	in.NumberAccounts = map[string]NumberAccount{in.Numbers[1400]: own, in.Numbers[1401]: own}
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, in.Numbers...))
	f.apply(BulkCreated{At: t0, BandwidthOrderID: "bulk-1"})
	d := f.apply(BulkValidated{At: t0, BandwidthOrderID: "bulk-1", ProcessingStatus: BulkStatusValid, Children: []BulkChild{
		{BandwidthOrderID: "child-1", Numbers: in.Numbers}}})
	if len(f.r.Orders) != 3 {
		t.Fatalf("%d port orders, want 3 (999 + 499 on the shared account, 2 on their own)", len(f.r.Orders))
	}
	sizes := []int{len(f.r.Orders[0].Numbers), len(f.r.Orders[1].Numbers), len(f.r.Orders[2].Numbers)}
	if !slices.Equal(sizes, []int{999, 499, 2}) || f.r.Orders[0].BandwidthOrderID != "child-1" || f.r.Orders[1].BandwidthOrderID != "" {
		t.Fatalf("sizes %v, ids %q %q", sizes, f.r.Orders[0].BandwidthOrderID, f.r.Orders[1].BandwidthOrderID)
	}
	var ownCsr CsrPlan
	for _, c := range allEffects[CreateCsr](d) {
		if c.PortOrder == f.r.Orders[2].ID {
			ownCsr = c.Plan
		}
	}
	if ownCsr.WorkingOrBillingNumber != own.BillingNumber || ownCsr.AccountNumber != own.AccountNumber || ownCsr.PIN != own.PIN {
		t.Fatalf("CSR of the numbers with their own account: %+v", ownCsr)
	}
	for _, o := range f.r.Orders {
		if len(o.ID) > 40 {
			t.Fatalf("port order id %q exceeds Bandwidth's 40-character CustomerOrderId", o.ID)
		}
	}
}

func TestBulkCancelBeforeSubmissionDeletesTheDraft(t *testing.T) {
	f := bulkStages(t)["preparing"]
	d := f.apply(CancelRequested{At: t0.Add(time.Hour)})
	if del := onlyEffect[DeleteBulkPortIn](t, Decision{Effects: allEffectsAsEffects(allEffects[DeleteBulkPortIn](d))}); del.BandwidthOrderID != "bulk-1" {
		t.Fatalf("delete %+v", del)
	}
	if f.r.Status != StatusCancelled || f.r.Bulk.Step != BulkStepAbandoned || len(allEffects[DiscardDraft](d)) != 2 {
		t.Fatalf("status %s, step %s, effects %+v", f.r.Status, f.r.Bulk.Step, d.Effects)
	}
}

func TestBulkCancelDuringSubmissionCancelsWhatWasSubmitted(t *testing.T) {
	f := bulkStages(t)["cancel while submitting"]
	if f.r.Status != StatusCancelRequested {
		t.Fatalf("status %s", f.r.Status)
	}
	d := f.apply(BulkSubmitted{At: t0.Add(time.Hour), BandwidthOrderID: "bulk-1", ProcessingStatus: BulkStatusInProgress})
	if got := allEffects[CancelPortIn](d); len(got) != 2 {
		t.Fatalf("cancels %+v", d.Effects)
	}
}

func TestBulkDraftIsNeverLeftToThePurge(t *testing.T) {
	f := bulkStages(t)["children at CSR"]
	// The toll-free child is ready; the CSR never answers.
	f.apply(DraftPrepared{At: t0.Add(5 * time.Minute), PortOrder: compactOrderID(2), BandwidthOrderID: "child-tf"})
	d := f.apply(CheckDue{At: t0.Add(DefaultBulkDraftDeadline + time.Minute)})
	if submit := onlyEffect[SubmitBulk](t, Decision{Effects: allEffectsAsEffects(allEffects[SubmitBulk](d))}); !slices.Equal(submit.Children, []string{"child-tf"}) {
		t.Fatalf("submit %+v", submit)
	}
	if o := f.r.Orders[0]; o.InBulk || o.BandwidthOrderID != "" {
		t.Fatalf("the late child stayed in the bulk: %+v", o)
	}
}

func TestBulkSubmitRefusalFixesWhatItCanAndHoldsTheRest(t *testing.T) {
	f := bulkStages(t)["submitting"]
	before := f.r.Orders[0].Submitted.RequestedFocDate
	d := f.apply(BulkSubmitRejected{At: t0.Add(time.Hour), ChildErrors: map[string][]BandwidthError{
		"child-1":  {{Code: "7209", Description: "Requested FOC date is before the losing carrier's minimum porting interval"}},
		"child-tf": {{Code: "7518", Description: "Invalid billing telephone number"}},
	}})
	prep := onlyEffect[PrepareDraft](t, Decision{Effects: allEffectsAsEffects(allEffects[PrepareDraft](d))})
	if o := f.r.Orders[0]; prep.BandwidthOrderID != "child-1" || o.FocRecomputations != 1 || !o.InBulk || o.Status != OrderPreparing ||
		prep.Plan.RequestedFocDate.Before(before) {
		t.Fatalf("re-prepared %+v (FOC was %s), order %+v", prep, before, o)
	}
	if tf := f.r.Orders[1]; tf.InBulk || tf.Status != OrderActionRequired || tf.Action.Resume != ResumeCreatePortIn {
		t.Fatalf("toll-free child after an unfixable refusal: %+v", tf)
	}
	if f.r.Bulk.Step != BulkStepPreparing || f.r.Status != StatusActionRequired {
		t.Fatalf("step %s, status %s", f.r.Bulk.Step, f.r.Status)
	}
	// The fixed child is ready again: the bulk goes without the held one.
	d = f.apply(DraftPrepared{At: t0.Add(2 * time.Hour), PortOrder: compactOrderID(1), BandwidthOrderID: "child-1"})
	if submit := onlyEffect[SubmitBulk](t, d); !slices.Equal(submit.Children, []string{"child-1"}) {
		t.Fatalf("resubmit %+v", submit)
	}
}

func TestBulkSubmitRefusedAsAWholeIsRetriedThenHandedToAnOperator(t *testing.T) {
	f := bulkStages(t)["submitting"]
	at := t0.Add(time.Hour)
	for i := range maxBulkSubmits {
		f.apply(BulkSubmitRejected{At: at, Errors: []BandwidthError{{Code: "7999", Description: "internal error"}}})
		if i < maxBulkSubmits-1 {
			if f.r.Bulk.RetryAt.IsZero() {
				t.Fatalf("refusal %d: no retry scheduled", i+1)
			}
			at = f.r.Bulk.RetryAt
			if submit := onlyEffect[SubmitBulk](t, f.apply(CheckDue{At: at})); len(submit.Children) != 2 {
				t.Fatalf("retry %d: %+v", i+1, submit)
			}
		}
	}
	for _, o := range f.r.Orders {
		if o.InBulk || o.Status != OrderActionRequired {
			t.Fatalf("after %d refusals: %+v", maxBulkSubmits, o)
		}
	}
}
