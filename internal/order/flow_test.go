package order

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// csrComplete is a COMPLETE CSR for the test intake: same address, both numbers on the account.
func csrComplete(at time.Time, portOrder, csrID string) CsrObserved {
	return CsrObserved{
		At: at, PortOrder: portOrder, CsrOrderID: csrID, Status: CsrComplete, LastModified: at,
		Data: &CsrData{
			CustomerName: "ACME WIDGETS", AccountNumber: "88001234",
			Address:        customerAddress,
			WorkingNumbers: []string{"9195551001", "9195551002"},
		},
	}
}

// toSubmitted drives a fresh single-carrier request to a submitted port-in; returns the flow.
func toSubmitted(t *testing.T, in Intake) *flow {
	t.Helper()
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	f.apply(portability(t0.Add(time.Minute), frontier, PortTypeAutomated, in.Numbers...))
	f.apply(CsrCreated{At: t0.Add(2 * time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1"})
	f.apply(csrComplete(t0.Add(5*time.Minute), orderID(1), "csr-1"))
	f.apply(PortInCreated{At: t0.Add(6 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(6 * time.Minute)})
	f.wantStatus(StatusSubmitted)
	return f
}

func TestHappyPath(t *testing.T) {
	f := newFlow(t, testIntake())
	f.wantStatus(StatusReceived)

	d := f.apply(Accepted{At: t0})
	f.wantStatus(StatusCheckingPortability)
	if got := onlyEffect[CheckPortability](t, d); !slices.Equal(got.Numbers, []string{"9195551001", "9195551002"}) {
		t.Fatalf("CheckPortability numbers %v", got.Numbers)
	}

	d = f.apply(portability(t0.Add(time.Minute), frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.wantStatus(StatusAwaitingCsr)
	csr := onlyEffect[CreateCsr](t, d)
	if csr.PortOrder != orderID(1) || csr.Plan.CustomerOrderID != orderID(1) || csr.Plan.WorkingOrBillingNumber != "9195551001" {
		t.Fatalf("CreateCsr %+v", csr)
	}
	if csr.Plan.AddressLine1 != "123 Main St" || csr.Plan.EndUserName != "Acme Widgets" || csr.Plan.TypeOfService != "business" {
		t.Fatalf("CSR plan does not carry the customer's data: %+v", csr.Plan)
	}
	if n := f.r.Numbers[0]; n.Status != NumberPorting || n.PortOrder != orderID(1) {
		t.Fatalf("number after grouping: %+v", n)
	}

	d = f.apply(CsrCreated{At: t0.Add(2 * time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1"})
	f.wantOrderStatus(1, OrderCsrRequested)
	noEffects(t, d)
	if want := t0.Add(2*time.Minute + DefaultCsrTimeout); !f.order(1).Csr.Deadline.Equal(want) {
		t.Fatalf("CSR deadline %s, want %s", f.order(1).Csr.Deadline, want)
	}

	d = f.apply(csrComplete(t0.Add(5*time.Minute), orderID(1), "csr-1"))
	f.wantStatus(StatusSubmitting)
	create := onlyEffect[CreatePortIn](t, d)
	wantPlan := PortInPlan{
		CustomerOrderID: orderID(1),
		Numbers:         []string{"9195551001", "9195551002"},
		BillingNumber:   "9195551001",
		Subscriber:      SubscriberPlan{Type: "BUSINESS", BusinessName: "Acme Widgets"},
		ServiceAddress:  customerAddress,
		// Monday 09:00 ET + Frontier's 3-day interval = Thursday, at Bandwidth's 11:30 ET default.
		RequestedFocDate:     time.Date(2026, 3, 5, 11, 30, 0, 0, Eastern()),
		LoaAuthorizingPerson: "J Applebaum",
		PortType:             PortTypeAutomated,
	}
	if !reflect.DeepEqual(create.Plan, wantPlan) {
		t.Fatalf("port-in plan\n got %+v\nwant %+v", create.Plan, wantPlan)
	}

	d = f.apply(PortInCreated{At: t0.Add(6 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(6 * time.Minute)})
	f.wantStatus(StatusSubmitted)
	if up := onlyEffect[UploadDocuments](t, d); up.BandwidthOrderID != "bw-1" || !slices.Equal(up.DocumentIDs, []string{"loa-1"}) {
		t.Fatalf("UploadDocuments %+v", up)
	}
	f.apply(DocumentsUploaded{At: t0.Add(7 * time.Minute), PortOrder: orderID(1), DocumentIDs: []string{"loa-1"}})

	foc := time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC)
	d = f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingFoc, ActualFocDate: foc, LastModified: t0.Add(50 * time.Minute)})
	f.wantStatus(StatusFoc)
	noEffects(t, d) // scheduled activation: Bandwidth activates by itself
	if !strings.Contains(f.r.StatusReason, "2026-03-05") {
		t.Fatalf("FOC reason %q does not name the date", f.r.StatusReason)
	}

	f.apply(PortInObserved{At: foc.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingComplete, CompletedNumbers: []string{"9195551001", "9195551002"}, LastModified: foc})
	f.wantStatus(StatusCompleted)
	for _, n := range f.r.Numbers {
		if n.Status != NumberCompleted {
			t.Fatalf("number %s is %s after COMPLETE", n.TN, n.Status)
		}
	}
	if !f.r.NextCheckAt.IsZero() {
		t.Fatalf("a completed request is still scheduled for %s", f.r.NextCheckAt)
	}
	if f.r.Version < 8 {
		t.Fatalf("version %d: each change must increase it", f.r.Version)
	}
}

func TestCsrFixesAddress(t *testing.T) {
	in := testIntake()
	in.Numbers, in.BillingNumber = []string{"9198675309"}, "9198675309"
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9198675309"))
	csr := csrFromFixture(t, "csr-get-complete-parsed-address.xml", orderID(1), t0.Add(5*time.Minute))
	f.apply(CsrCreated{At: t0.Add(time.Minute), PortOrder: orderID(1), CsrOrderID: csr.CsrOrderID})
	csr.Differences = []FieldDifference{
		{Field: "house_number", Customer: "123", Csr: "1234"},
		{Field: "city", Customer: "Raleigh", Csr: "Durham"},
	}

	d := f.apply(csr)
	create := onlyEffect[CreatePortIn](t, d)
	want := AddressParts{HouseNumber: "1234", StreetName: "Main", StreetSuffix: "ST", City: "Durham", StateCode: "NC", Zip: "27707"}
	if create.Plan.ServiceAddress != want {
		t.Fatalf("port-in address %+v, want the CSR's %+v", create.Plan.ServiceAddress, want)
	}
	o := f.order(1)
	if o.AddressSource != SourceCsr || len(o.Csr.Differences) != 2 || o.Csr.Outcome != CsrOutcomeComplete {
		t.Fatalf("CSR not recorded: source %s, csr %+v", o.AddressSource, o.Csr)
	}
	if create.Plan.PartialPort {
		t.Fatal("every number on the account ports: PartialPort must be false")
	}
	if !strings.Contains(f.last.Timeline[0].Detail, "house_number, city") {
		t.Fatalf("timeline does not name the differences: %+v", f.last.Timeline)
	}
}

func TestPartialPortFromCsrWorkingNumbers(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	csr := csrComplete(t0.Add(time.Minute), orderID(1), "csr-1")
	csr.Data.WorkingNumbers = append(csr.Data.WorkingNumbers, "9195551003") // stays with the carrier
	if plan := onlyEffect[CreatePortIn](t, f.apply(csr)).Plan; !plan.PartialPort {
		t.Fatal("a number stays on the account: PartialPort must be true")
	}
}

// A COMPLETE CSR carrying 26500 is a failure in disguise: with the default policy the port-in
// goes out with the customer's address.
func TestCsrCompleteWith26500IsFailure(t *testing.T) {
	in := testIntake()
	in.Numbers, in.BillingNumber = []string{"9196191211"}, "9196191211"
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9196191211"))
	csr := csrFromFixture(t, "csr-get-with-errors-26500.xml", orderID(1), t0.Add(5*time.Minute))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: csr.CsrOrderID})

	d := f.apply(csr)
	create := onlyEffect[CreatePortIn](t, d)
	if create.Plan.ServiceAddress != customerAddress {
		t.Fatalf("address %+v, want the customer's", create.Plan.ServiceAddress)
	}
	o := f.order(1)
	if o.Csr.Outcome != CsrOutcomeFailed || o.AddressSource != SourceCustomer || !hasCode(o.Csr.Errors, "26500") {
		t.Fatalf("CSR outcome %s source %s errors %v", o.Csr.Outcome, o.AddressSource, o.Csr.Errors)
	}
}

// CSR unavailable → port-in rejected for the address → action_required → operator corrects →
// SUPP → completed.
func TestCsrUnavailableThenRejectedThenCorrected(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	failed := csrFromFixture(t, "csr-get-200-failed-26500.xml", orderID(1), t0.Add(3*time.Minute))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: failed.CsrOrderID})
	d := f.apply(failed)
	f.wantStatus(StatusSubmitting)
	onlyEffect[CreatePortIn](t, d)

	exception := []BandwidthError{{Code: "7402", Description: "Order is being rejected at this time for address mismatch."}}
	d = f.apply(PortInCreated{At: t0.Add(5 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(5 * time.Minute)})
	d = f.apply(PortInObserved{At: t0.Add(26 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingException, Errors: exception, LastModified: t0.Add(25 * time.Hour)})
	f.wantStatus(StatusActionRequired)
	noEffects(t, d) // no CSR data to fix it with: the operator decides
	a := f.r.Action
	if a == nil || a.Code != "address_or_name_rejected" || !slices.Equal(a.Fields, []string{FieldServiceAddress, FieldSubscriber}) {
		t.Fatalf("action %+v", a)
	}
	if !strings.Contains(a.Message, "7402") || !strings.Contains(a.Message, "service address") {
		t.Fatalf("action message %q must explain and cite the code", a.Message)
	}

	// A correction with only half of what was asked is refused with what is missing.
	newAddress := AddressParts{HouseNumber: "125", StreetName: "Main", StreetSuffix: "St", City: "Raleigh", StateCode: "NC", Zip: "27601"}
	rej := f.refuse(Corrected{At: t0.Add(27 * time.Hour), ServiceAddressParts: &newAddress}, RejectCorrectionIncomplete)
	if !strings.Contains(rej.Message, FieldSubscriber) {
		t.Fatalf("rejection %q does not say what is missing", rej.Message)
	}

	sub := Subscriber{Type: SubscriberBusiness, BusinessName: "Acme Widgets Inc"}
	d = f.apply(Corrected{At: t0.Add(27 * time.Hour), ServiceAddressParts: &newAddress, Subscriber: &sub})
	f.wantStatus(StatusSubmitted)
	supp := onlyEffect[SuppPortIn](t, d)
	if supp.BandwidthOrderID != "bw-1" || supp.Plan.ServiceAddress == nil || *supp.Plan.ServiceAddress != newAddress {
		t.Fatalf("SUPP %+v", supp)
	}
	if supp.Plan.Subscriber == nil || supp.Plan.Subscriber.BusinessName != "Acme Widgets Inc" {
		t.Fatalf("SUPP subscriber %+v", supp.Plan.Subscriber)
	}
	if supp.Plan.RequestedFocDate != nil || supp.Plan.LoaAuthorizingPerson != nil || supp.Plan.WirelessInfo != nil {
		t.Fatalf("SUPP carries fields that did not change: %+v", supp.Plan)
	}

	f.apply(PortInObserved{At: t0.Add(28 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingFoc, ActualFocDate: time.Date(2026, 3, 9, 16, 30, 0, 0, time.UTC), LastModified: t0.Add(28 * time.Hour)})
	f.wantStatus(StatusFoc)
	if got := f.order(1).Submitted.ServiceAddress; got != newAddress {
		t.Fatalf("the SUPP taken by Bandwidth is not what portflow now believes was sent: %+v", got)
	}
	f.apply(PortInObserved{At: t0.Add(8 * 24 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingComplete, LastModified: t0.Add(8 * 24 * time.Hour)})
	f.wantStatus(StatusCompleted)
}

func TestWirelessWithoutPinStopsBeforeAnyBandwidthCall(t *testing.T) {
	in := testIntake()
	in.Numbers, in.BillingNumber = []string{"9199172854"}, "9199172854"
	in.AccountNumber = "771297665"
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	d := f.apply(portabilityFromFixture(t, "lnpchecker-fullcheck-true.xml", t0.Add(time.Minute)))

	f.wantStatus(StatusActionRequired)
	noEffects(t, d)
	a := f.r.Action
	if a.Code != ActionAccountDetailsRequired || !slices.Equal(a.Fields, []string{FieldPIN}) || a.PortOrder != orderID(1) {
		t.Fatalf("action %+v", a)
	}
	if !strings.Contains(a.Message, "T-Mobile") || !strings.Contains(a.Message, "Nothing has been sent") {
		t.Fatalf("message %q", a.Message)
	}

	// CheckDue must not send anything either while the PIN is missing.
	noEffects(t, f.apply(CheckDue{At: t0.Add(time.Hour)}))

	pin := Secret("4321")
	d = f.apply(Corrected{At: t0.Add(2 * time.Hour), PIN: &pin})
	f.wantStatus(StatusAwaitingCsr)
	csr := onlyEffect[CreateCsr](t, d)
	if csr.Plan.PIN != "4321" || csr.Plan.AccountNumber != "771297665" {
		t.Fatalf("CSR plan lacks the account details: %+v", csr.Plan)
	}

	// No CSR from a wireless carrier: the port-in goes out with WirelessInfo.
	f.apply(CsrCreated{At: t0.Add(2 * time.Hour), PortOrder: orderID(1), CsrOrderID: "csr-w"})
	d = f.apply(CsrObserved{At: t0.Add(3 * time.Hour), PortOrder: orderID(1), CsrOrderID: "csr-w", Status: CsrFailed,
		Errors: []BandwidthError{{Code: "26500", Description: "CSR is not available for this TN"}}})
	plan := onlyEffect[CreatePortIn](t, d).Plan
	if plan.WirelessInfo == nil || plan.WirelessInfo.AccountNumber != "771297665" || plan.WirelessInfo.PIN != "4321" {
		t.Fatalf("wireless port-in without WirelessInfo: %+v", plan.WirelessInfo)
	}
	if f.order(1).Submitted.WirelessInfo.PIN != "" {
		t.Fatal("the stored copy of the port-in keeps the PIN")
	}
	// T-Mobile's interval is one day: Tuesday.
	if want := time.Date(2026, 3, 3, 11, 30, 0, 0, Eastern()); !plan.RequestedFocDate.Equal(want) {
		t.Fatalf("FOC %s, want %s", plan.RequestedFocDate, want)
	}
}

// The lnpchecker sample has two portable numbers at two carriers and three in unsupported rate
// centres: two port orders, three failed numbers.
func TestPortabilityGroupsByCarrierAndPortType(t *testing.T) {
	in := testIntake()
	in.Numbers = []string{"9199172854", "2086433254", "6052539874", "2174477093", "6137230461"}
	in.BillingNumber = "2086433254"
	in.AccountNumber, in.PIN = "771297665", "1234"
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	d := f.apply(portabilityFromFixture(t, "lnpchecker-fullcheck-true.xml", t0))

	f.wantStatus(StatusAwaitingCsr)
	if len(f.r.Orders) != 2 {
		t.Fatalf("%d port orders, want 2", len(f.r.Orders))
	}
	wireless, internal := f.order(1), f.order(2)
	if wireless.Carrier.SPID != "6529" || !wireless.SendAccountDetails || wireless.BillingNumber != "9199172854" {
		t.Fatalf("wireless port order %+v", wireless)
	}
	if internal.PortType != PortTypeInternal || internal.BillingNumber != "2086433254" || internal.SendAccountDetails {
		t.Fatalf("internal port order %+v", internal)
	}
	if got := len(effectsOf[CreateCsr](d)); got != 2 {
		t.Fatalf("%d CSR requests, want 2", got)
	}
	var failed []string
	for _, n := range f.r.Numbers {
		if n.Status == NumberFailed {
			failed = append(failed, n.TN)
			if !strings.Contains(n.Reason, "rate center") {
				t.Fatalf("failed number %s has reason %q", n.TN, n.Reason)
			}
		}
	}
	if !slices.Equal(failed, []string{"6052539874", "2174477093", "6137230461"}) {
		t.Fatalf("failed numbers %v", failed)
	}
}

func TestNothingPortableFails(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(PortabilityChecked{At: t0, NotPortable: []NumberFailure{
		{TN: "9195551001", Code: "7378", Reason: "not in service on the losing carrier account"},
	}})
	f.wantStatus(StatusFailed)
	if n := f.r.Numbers[1]; n.Status != NumberFailed || !strings.Contains(n.Reason, "no result") {
		t.Fatalf("number without a result: %+v", n)
	}
	if !strings.Contains(f.r.StatusReason, "7378") {
		t.Fatalf("reason %q does not carry the code", f.r.StatusReason)
	}
}

func TestPortabilityRejectedNamedNumbersFailRestRechecked(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	d := f.apply(PortabilityRejected{At: t0, Errors: []BandwidthError{{Code: "7201", Description: "Telephone number is invalid", Numbers: []string{"9195551002"}}}})
	f.wantStatus(StatusCheckingPortability)
	if got := onlyEffect[CheckPortability](t, d); !slices.Equal(got.Numbers, []string{"9195551001"}) {
		t.Fatalf("re-check %v", got.Numbers)
	}
	d = f.apply(PortabilityRejected{At: t0.Add(time.Minute), Errors: []BandwidthError{{Code: "7000", Description: "API request has timed out"}}})
	if d.Ignored == "" || d.Changed {
		t.Fatalf("retry-later must change nothing: %+v", d)
	}
	f.apply(PortabilityRejected{At: t0.Add(2 * time.Minute), Errors: []BandwidthError{{Code: "7333", Description: "Porting is not enabled on the account."}}})
	f.wantStatus(StatusFailed)
}

// Two carriers; one port order completes, then the customer cancels the other.
func TestTwoPortOrdersOneCancelledIsPartiallyCompleted(t *testing.T) {
	in := testIntake()
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	f.apply(PortabilityChecked{At: t0, Portable: []PortableNumber{
		{TN: "9195551001", Carrier: frontier, PortType: PortTypeAutomated},
		{TN: "9195551002", Carrier: clarity, PortType: PortTypeAutomatedOffNet},
	}})
	if f.order(2).BillingNumber != "9195551002" {
		t.Fatalf("second carrier's BTN %s, want its own number", f.order(2).BillingNumber)
	}
	for n := 1; n <= 2; n++ {
		f.apply(CsrCreated{At: t0, PortOrder: orderID(n), CsrOrderID: "csr-" + orderID(n)})
		csr := csrComplete(t0.Add(time.Minute), orderID(n), "csr-"+orderID(n))
		csr.Data.WorkingNumbers = f.order(n).Numbers
		f.apply(csr)
		f.apply(PortInCreated{At: t0.Add(2 * time.Minute), PortOrder: orderID(n), BandwidthOrderID: "bw-" + orderID(n),
			ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(2 * time.Minute)})
	}
	f.wantStatus(StatusSubmitted)
	foc := time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC)
	f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-" + orderID(1),
		ProcessingStatus: ProcessingFoc, ActualFocDate: foc, LastModified: t0.Add(time.Hour)})
	f.wantStatus(StatusSubmitted) // the other port order has no FOC yet
	f.apply(PortInObserved{At: foc.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-" + orderID(1),
		ProcessingStatus: ProcessingComplete, LastModified: foc.Add(time.Hour)})
	f.wantStatus(StatusSubmitted)

	d := f.apply(CancelRequested{At: foc.Add(2 * time.Hour), Reason: "customer changed their mind"})
	f.wantStatus(StatusCancelRequested)
	if c := onlyEffect[CancelPortIn](t, d); c.BandwidthOrderID != "bw-"+orderID(2) {
		t.Fatalf("cancelled %+v", c)
	}
	f.apply(PortInObserved{At: foc.Add(3 * time.Hour), PortOrder: orderID(2), BandwidthOrderID: "bw-" + orderID(2),
		ProcessingStatus: ProcessingRequestedCancel, LastModified: foc.Add(3 * time.Hour)})
	f.wantStatus(StatusCancelRequested)
	f.apply(PortInObserved{At: foc.Add(4 * time.Hour), PortOrder: orderID(2), BandwidthOrderID: "bw-" + orderID(2),
		ProcessingStatus: ProcessingCancelled, LastModified: foc.Add(4 * time.Hour)})
	f.wantStatus(StatusPartiallyCompleted)
	if f.r.StatusReason != "1 of 2 numbers ported; 1 cancelled." {
		t.Fatalf("reason %q", f.r.StatusReason)
	}
}

func TestCancelMidFlight(t *testing.T) {
	f := toSubmitted(t, testIntake())
	d := f.apply(CancelRequested{At: t0.Add(time.Hour)})
	f.wantStatus(StatusCancelRequested)
	onlyEffect[CancelPortIn](t, d)
	// A repeat is a no-op.
	if d := f.apply(CancelRequested{At: t0.Add(61 * time.Minute)}); d.Ignored == "" || len(d.Effects) != 0 {
		t.Fatalf("repeated cancel: %+v", d)
	}
	// A stale read from before the DELETE does not undo the cancellation.
	f.apply(PortInObserved{At: t0.Add(62 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(6 * time.Minute)})
	f.wantStatus(StatusCancelRequested)
	f.apply(PortInObserved{At: t0.Add(2 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingCancelled, LastModified: t0.Add(2 * time.Hour)})
	f.wantStatus(StatusCancelled)
	for _, n := range f.r.Numbers {
		if n.Status != NumberCancelled {
			t.Fatalf("number %s is %s", n.TN, n.Status)
		}
	}
	f.refuse(ActivationRequested{At: t0.Add(3 * time.Hour)}, RejectActivationNotInFoc)
}

func TestCancelBeforeAnythingWasSent(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	d := f.apply(CancelRequested{At: t0.Add(time.Second)})
	f.wantStatus(StatusCancelled)
	noEffects(t, d)
	// The portability answer arriving afterwards is stale.
	if d := f.apply(portability(t0.Add(time.Minute), frontier, PortTypeAutomated, "9195551001", "9195551002")); d.Ignored == "" {
		t.Fatal("portability result after cancellation must be ignored")
	}
}

func TestCancelWhileCsrPendingCancelsTheCsr(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	d := f.apply(CancelRequested{At: t0.Add(30 * time.Second)})
	f.wantStatus(StatusCancelled)
	noEffects(t, d) // the CSR order does not exist yet
	// The in-flight create reports back: its CSR is cancelled at once.
	d = f.apply(CsrCreated{At: t0.Add(time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-late"})
	if c := onlyEffect[CancelCsr](t, d); c.CsrOrderID != "csr-late" {
		t.Fatalf("CancelCsr %+v", c)
	}
	f.wantStatus(StatusCancelled)
}

func TestCancelWhileCreatingWaitsForTheCreate(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	f.apply(csrComplete(t0.Add(time.Minute), orderID(1), "csr-1"))
	d := f.apply(CancelRequested{At: t0.Add(2 * time.Minute)})
	f.wantStatus(StatusCancelRequested)
	noEffects(t, d)
	d = f.apply(PortInCreated{At: t0.Add(3 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(3 * time.Minute)})
	onlyEffect[CancelPortIn](t, d)
	if len(effectsOf[UploadDocuments](d)) != 0 {
		t.Fatal("documents uploaded to a port-in being cancelled")
	}
	f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingCancelled, LastModified: t0.Add(time.Hour)})
	f.wantStatus(StatusCancelled)
}

func TestCancelRefusedWithin24HoursOfFoc(t *testing.T) {
	f := toSubmitted(t, testIntake())
	foc := time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC)
	f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingFoc, ActualFocDate: foc, LastModified: t0.Add(time.Hour)})
	rej := f.refuse(CancelRequested{At: foc.Add(-23 * time.Hour)}, RejectCancelTooCloseToFoc)
	if !strings.Contains(rej.Message, "24 hours") || !strings.Contains(rej.Message, "2026-03-05 11:30 EST") {
		t.Fatalf("message %q", rej.Message)
	}
	// Two days out it is accepted — and when Bandwidth refuses anyway, the order goes on.
	d := f.apply(CancelRequested{At: foc.Add(-48 * time.Hour)})
	onlyEffect[CancelPortIn](t, d)
	refusal := loadFixture(t, "portin-delete-400-7304.xml").bandwidthErrors()
	d = f.apply(CancelRefused{At: foc.Add(-47 * time.Hour), PortOrder: orderID(1), Errors: refusal})
	f.wantStatus(StatusFoc)
	onlyEffect[FetchPortIn](t, d)
	if !strings.Contains(f.r.StatusReason, "already complete") || !strings.Contains(f.r.StatusReason, "7304") {
		t.Fatalf("the refusal is not shown: %q", f.r.StatusReason)
	}
}

func TestCancelRefusedForFinishedRequest(t *testing.T) {
	f := toSubmitted(t, testIntake())
	f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingComplete, LastModified: t0.Add(time.Hour)})
	f.refuse(CancelRequested{At: t0.Add(2 * time.Hour)}, RejectAlreadyFinished)
}

func TestDuplicateAndStaleObservationsAreNoOps(t *testing.T) {
	f := toSubmitted(t, testIntake())
	obs := PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingFoc, ActualFocDate: time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC), LastModified: t0.Add(time.Hour)}
	first := f.apply(obs)
	if !first.Changed {
		t.Fatal("the first FOC observation must change the request")
	}
	before := f.r

	obs.At = t0.Add(2 * time.Hour)
	cases := map[string]Event{
		"repeated observation":  obs,
		"older observation":     PortInObserved{At: t0.Add(3 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(10 * time.Minute)},
		"other Bandwidth order": PortInObserved{At: t0.Add(3 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-other", ProcessingStatus: ProcessingCancelled, LastModified: t0.Add(4 * time.Hour)},
		"repeated create":       PortInCreated{At: t0.Add(3 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingSubmitted},
		"repeated CSR created":  CsrCreated{At: t0.Add(3 * time.Hour), PortOrder: orderID(1), CsrOrderID: "csr-1"},
		"unknown port order":    PortInObserved{At: t0.Add(3 * time.Hour), PortOrder: requestID + "-9", ProcessingStatus: ProcessingComplete},
		"repeated documents":    DocumentsUploaded{At: t0.Add(3 * time.Hour), PortOrder: orderID(1), DocumentIDs: []string{"loa-1"}},
		"repeated accept":       Accepted{At: t0.Add(3 * time.Hour)},
	}
	f.apply(DocumentsUploaded{At: t0.Add(time.Hour), PortOrder: orderID(1), DocumentIDs: []string{"loa-1"}})
	before = f.r
	for name, ev := range cases {
		t.Run(name, func(t *testing.T) {
			d, err := Decide(before, ev)
			if err != nil {
				t.Fatal(err)
			}
			if d.Changed || d.Ignored == "" || len(d.Effects) != 0 || len(d.Timeline) != 0 {
				t.Fatalf("not a no-op: changed=%v ignored=%q effects=%v timeline=%v", d.Changed, d.Ignored, d.Effects, d.Timeline)
			}
			if !reflect.DeepEqual(d.Request, before) {
				t.Fatal("an ignored event changed the request")
			}
		})
	}
}

// The CSR came too late to be used; the carrier rejects the customer's address; portflow SUPPs
// with the CSR's address once; a second rejection goes to the operator instead of looping.
func TestRemediateOnceThenActionRequired(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})

	// Deadline passes: one last read, then the default policy proceeds with the customer's data.
	deadline := t0.Add(DefaultCsrTimeout)
	d := f.apply(CheckDue{At: deadline.Add(time.Minute)})
	onlyEffect[FetchCsr](t, d)
	f.wantStatus(StatusAwaitingCsr)
	d = f.apply(CheckDue{At: deadline.Add(20 * time.Minute)})
	f.wantStatus(StatusSubmitting)
	if got := onlyEffect[CreatePortIn](t, d).Plan.ServiceAddress; got != customerAddress {
		t.Fatalf("address %+v", got)
	}
	if f.order(1).Csr.Outcome != CsrOutcomeTimedOut {
		t.Fatalf("CSR outcome %s", f.order(1).Csr.Outcome)
	}
	f.apply(PortInCreated{At: deadline.Add(21 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingSubmitted, LastModified: deadline.Add(21 * time.Minute)})

	// The CSR answers late, with another address: recorded, not used yet.
	late := csrComplete(deadline.Add(time.Hour), orderID(1), "csr-1")
	csrAddress := AddressParts{HouseNumber: "123", StreetName: "Main", StreetSuffix: "St", AddressLine2: "Ste 200", City: "Raleigh", StateCode: "NC", Zip: "27601"}
	late.Data.Address = csrAddress
	d = f.apply(late)
	noEffects(t, d)
	if o := f.order(1); o.Csr.Outcome != CsrOutcomeComplete || o.AddressSource != SourceCustomer {
		t.Fatalf("late CSR: outcome %s, source %s", o.Csr.Outcome, o.AddressSource)
	}

	reject := []BandwidthError{{Code: "7402", Description: "address mismatch"}}
	d = f.apply(PortInObserved{At: t0.Add(30 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingException, Errors: reject, LastModified: t0.Add(30 * time.Hour)})
	f.wantStatus(StatusSubmitted)
	supp := onlyEffect[SuppPortIn](t, d)
	if supp.Plan.ServiceAddress == nil || *supp.Plan.ServiceAddress != csrAddress {
		t.Fatalf("automatic SUPP address %+v", supp.Plan.ServiceAddress)
	}
	if supp.Plan.Subscriber == nil || supp.Plan.Subscriber.BusinessName != "ACME WIDGETS" {
		t.Fatalf("automatic SUPP must also use the CSR's name: %+v", supp.Plan.Subscriber)
	}
	if !f.order(1).CsrRemediationUsed {
		t.Fatal("remediation not marked as used")
	}
	// The same EXCEPTION read again before Bandwidth processed the SUPP is not a new rejection.
	d = f.apply(PortInObserved{At: t0.Add(30*time.Hour + time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingException, Errors: reject, LastModified: t0.Add(30 * time.Hour)})
	if d.Ignored == "" {
		t.Fatal("the pre-SUPP exception re-read must be ignored")
	}

	d = f.apply(PortInObserved{At: t0.Add(50 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingException, Errors: reject, LastModified: t0.Add(49 * time.Hour)})
	f.wantStatus(StatusActionRequired)
	noEffects(t, d)
	if f.r.Action.Code != "address_or_name_rejected" {
		t.Fatalf("action %+v", f.r.Action)
	}
}

func TestFocDateRejectionRecomputesBoundedly(t *testing.T) {
	f := toSubmitted(t, testIntake())
	tooSoon := []BandwidthError{{Code: "7412", Description: "unable to meet the due date"}}
	at := t0.Add(24 * time.Hour) // Tuesday 09:00 ET
	for i := 1; i <= maxFocRecomputations; i++ {
		d := f.apply(PortInObserved{At: at, PortOrder: orderID(1), BandwidthOrderID: "bw-1",
			ProcessingStatus: ProcessingException, Errors: tooSoon, LastModified: at})
		supp := onlyEffect[SuppPortIn](t, d)
		if supp.Plan.RequestedFocDate == nil {
			t.Fatalf("attempt %d: SUPP without a FOC date", i)
		}
		// 7412 asks for 3 business days: from Tuesday that is Friday, also past Frontier's 3 days.
		if i == 1 {
			if want := time.Date(2026, 3, 6, 11, 30, 0, 0, Eastern()); !supp.Plan.RequestedFocDate.Equal(want) {
				t.Fatalf("recomputed FOC %s, want %s", supp.Plan.RequestedFocDate, want)
			}
		}
		if supp.Plan.ServiceAddress != nil || supp.Plan.Subscriber != nil {
			t.Fatalf("date SUPP carries unrelated fields: %+v", supp.Plan)
		}
		at = at.Add(time.Hour)
	}
	f.apply(PortInObserved{At: at, PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingException, Errors: tooSoon, LastModified: at})
	f.wantStatus(StatusActionRequired)
	if f.r.Action.Code != "foc_date_rejected" || !slices.Equal(f.r.Action.Fields, []string{FieldRequestedFocDate}) {
		t.Fatalf("action %+v", f.r.Action)
	}
	wish := Date{2026, 3, 20}
	d := f.apply(Corrected{At: at.Add(time.Hour), FocWish: &wish})
	supp := onlyEffect[SuppPortIn](t, d)
	if want := time.Date(2026, 3, 20, 11, 30, 0, 0, Eastern()); supp.Plan.RequestedFocDate == nil || !supp.Plan.RequestedFocDate.Equal(want) {
		t.Fatalf("operator's date not sent: %v", supp.Plan.RequestedFocDate)
	}
}

func TestAccountAndPinRejectionsAskForExactlyThat(t *testing.T) {
	cases := []struct {
		code   string
		action string
		fields []string
	}{
		{"7401", "account_number_rejected", []string{FieldAccountNumber}},
		{"7435", "pin_rejected", []string{FieldPIN}},
		{"7212", "account_number_rejected", []string{FieldAccountNumber}},
		{"7213", "pin_rejected", []string{FieldPIN}},
		{"6515", "account_or_pin_rejected", []string{FieldAccountNumber, FieldPIN}},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			f := toSubmitted(t, testIntake())
			f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
				ProcessingStatus: ProcessingException, Errors: []BandwidthError{{Code: tc.code, Description: "rejected"}}, LastModified: t0.Add(time.Hour)})
			f.wantStatus(StatusActionRequired)
			if f.r.Action.Code != tc.action || !slices.Equal(f.r.Action.Fields, tc.fields) {
				t.Fatalf("action %+v", f.r.Action)
			}
		})
	}

	// Supplying the PIN sends WirelessInfo with both values, as Bandwidth requires.
	f := toSubmitted(t, testIntake())
	f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingException, Errors: []BandwidthError{{Code: "7435", Description: "PIN"}}, LastModified: t0.Add(time.Hour)})
	pin := Secret("9911")
	d := f.apply(Corrected{At: t0.Add(2 * time.Hour), PIN: &pin})
	supp := onlyEffect[SuppPortIn](t, d)
	if w := supp.Plan.WirelessInfo; w == nil || w.PIN != "9911" || w.AccountNumber != "88001234" {
		t.Fatalf("SUPP WirelessInfo %+v (account number should be the CSR's)", w)
	}
}

func TestUnknownErrorsGoToTheOperatorWithCodes(t *testing.T) {
	f := toSubmitted(t, testIntake())
	errs := loadFixture(t, "portin-get-cancelled-with-errors.xml").bandwidthErrors()
	f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingException, Errors: errs, LastModified: t0.Add(time.Hour)})
	f.wantStatus(StatusActionRequired)
	a := f.r.Action
	if a.Code != "numbers_in_conflict" || !a.Confirmable {
		t.Fatalf("action %+v", a)
	}
	for _, want := range []string{"0000: Generic Error", "7205: Telephone number is already being processed on another order"} {
		if !strings.Contains(a.Message, want) {
			t.Fatalf("message %q lacks %q", a.Message, want)
		}
	}
	// Confirming (the other order was cancelled) goes back to following the order.
	d := f.apply(Corrected{At: t0.Add(2 * time.Hour), Confirm: true})
	f.wantStatus(StatusSubmitted)
	onlyEffect[FetchPortIn](t, d)
}

func TestBandwidthWorkingOnRejectionWaits(t *testing.T) {
	f := toSubmitted(t, testIntake())
	d := f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingException, Errors: []BandwidthError{{Code: "7484", Description: "our processing team is attempting to resolve the rejection"}},
		LastModified: t0.Add(time.Hour)})
	f.wantStatus(StatusSubmitted)
	f.wantOrderStatus(1, OrderException)
	noEffects(t, d)
}

func TestCsrHoldPolicy(t *testing.T) {
	in := testIntake()
	in.Policy.OnCsrFailure = CsrHold
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	d := f.apply(CsrObserved{At: t0.Add(time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1", Status: CsrFailed,
		Errors: []BandwidthError{{Code: "26500", Description: "CSR is not available for this TN"}}})
	f.wantStatus(StatusActionRequired)
	noEffects(t, d)
	if f.r.Action.Code != ActionCsrUnavailable || !f.r.Action.Confirmable || !strings.Contains(f.r.Action.Message, "123 Main St") {
		t.Fatalf("action %+v", f.r.Action)
	}
	f.refuse(Corrected{At: t0.Add(time.Hour)}, RejectCorrectionIncomplete)
	d = f.apply(Corrected{At: t0.Add(time.Hour), Confirm: true})
	f.wantStatus(StatusSubmitting)
	if plan := onlyEffect[CreatePortIn](t, d).Plan; plan.ServiceAddress != customerAddress {
		t.Fatalf("plan address %+v", plan.ServiceAddress)
	}
}

func TestCsrActionRequiredThenOperatorSuppliesInfo(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	f.apply(CsrObserved{At: t0.Add(time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1", Status: CsrActionRequired, LastModified: t0.Add(time.Minute)})
	f.wantStatus(StatusActionRequired)
	if f.r.Action.Code != ActionCsrInformationRequired {
		t.Fatalf("action %+v", f.r.Action)
	}
	account, pin := Secret("55443322"), Secret("7777")
	d := f.apply(Corrected{At: t0.Add(time.Hour), AccountNumber: &account, PIN: &pin})
	f.wantStatus(StatusAwaitingCsr)
	upd := onlyEffect[UpdateCsr](t, d)
	if upd.CsrOrderID != "csr-1" || upd.Plan.AccountNumber != "55443322" || upd.Plan.PIN != "7777" {
		t.Fatalf("UpdateCsr %+v", upd)
	}
	if want := t0.Add(time.Hour + DefaultCsrTimeout); !f.order(1).Csr.Deadline.Equal(want) {
		t.Fatalf("deadline not restarted: %s", f.order(1).Csr.Deadline)
	}
	f.apply(csrComplete(t0.Add(2*time.Hour), orderID(1), "csr-1"))
	f.wantStatus(StatusSubmitting)
}

func TestRetryLaterOnCreate(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	f.apply(csrComplete(t0.Add(time.Minute), orderID(1), "csr-1"))
	d := f.apply(PortInRejected{At: t0.Add(2 * time.Minute), PortOrder: orderID(1),
		Errors: []BandwidthError{{Code: "7323", Description: "Unable to contact vendor for porting information. Please submit your request again later."}}})
	f.wantStatus(StatusSubmitting)
	noEffects(t, d)
	retryAt := f.order(1).RetryAt
	if !retryAt.Equal(t0.Add(2*time.Minute + retryLaterDelay)) {
		t.Fatalf("retry at %s", retryAt)
	}
	if !f.r.NextCheckAt.Equal(retryAt) {
		t.Fatalf("next check %s, want the retry time %s", f.r.NextCheckAt, retryAt)
	}
	noEffects(t, f.apply(CheckDue{At: retryAt.Add(-time.Minute)}))
	onlyEffect[CreatePortIn](t, f.apply(CheckDue{At: retryAt}))
}

func TestPortInRejectedForAddressRecreatesWithCsrOnce(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	f.apply(CsrObserved{At: t0.Add(DefaultCsrTimeout + time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1", Status: CsrProcessing})
	f.wantStatus(StatusSubmitting) // timed out on that read: proceeded with the customer's data
	late := csrComplete(t0.Add(DefaultCsrTimeout+2*time.Minute), orderID(1), "csr-1")
	late.Data.Address.Zip = "27602"
	f.apply(late)
	d := f.apply(PortInRejected{At: t0.Add(DefaultCsrTimeout + 3*time.Minute), PortOrder: orderID(1),
		Errors: []BandwidthError{{Code: "7214", Description: "ZIP code is invalid"}}})
	if plan := onlyEffect[CreatePortIn](t, d).Plan; plan.ServiceAddress.Zip != "27602" {
		t.Fatalf("recreated with %+v", plan.ServiceAddress)
	}
	f.apply(PortInRejected{At: t0.Add(DefaultCsrTimeout + 4*time.Minute), PortOrder: orderID(1),
		Errors: []BandwidthError{{Code: "7214", Description: "ZIP code is invalid"}}})
	f.wantStatus(StatusActionRequired)
	newAddress := customerAddress
	newAddress.Zip = "27603"
	d = f.apply(Corrected{At: t0.Add(DefaultCsrTimeout + time.Hour), ServiceAddressParts: &newAddress, Subscriber: &Subscriber{Type: SubscriberBusiness, BusinessName: "Acme Widgets"}})
	if plan := onlyEffect[CreatePortIn](t, d).Plan; plan.ServiceAddress.Zip != "27603" {
		t.Fatalf("operator's address not used: %+v", plan.ServiceAddress)
	}
}

func TestOnDemandActivation(t *testing.T) {
	in := testIntake()
	at := TimeOfDay{17, 0}
	in.Activation = Activation{Mode: ActivationOnDemand, At: &at}
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	plan := onlyEffect[CreatePortIn](t, f.apply(csrComplete(t0.Add(time.Minute), orderID(1), "csr-1"))).Plan
	if !plan.Triggered || !plan.RequestedFocDate.Equal(time.Date(2026, 3, 5, 17, 0, 0, 0, Eastern())) {
		t.Fatalf("on-demand plan: triggered %v, FOC %s", plan.Triggered, plan.RequestedFocDate)
	}
	f.apply(PortInCreated{At: t0.Add(2 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(2 * time.Minute)})
	f.refuse(ActivationRequested{At: t0.Add(time.Hour)}, RejectActivationNotInFoc)

	// Bandwidth confirms Friday instead of Thursday: activation is scheduled on Friday.
	foc := time.Date(2026, 3, 6, 22, 0, 0, 0, time.UTC)
	d := f.apply(PortInObserved{At: t0.Add(2 * time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingFoc, ActualFocDate: foc, LastModified: t0.Add(2 * time.Hour)})
	sched := onlyEffect[ScheduleActivation](t, d)
	if want := time.Date(2026, 3, 6, 17, 0, 0, 0, Eastern()); !sched.At.Equal(want) {
		t.Fatalf("scheduled %s, want %s", sched.At, want)
	}

	// On the FOC day the operator activates; Bandwidth says not yet (7342): a clear error.
	morning := time.Date(2026, 3, 6, 13, 0, 0, 0, time.UTC)
	act := onlyEffect[ActivatePortIn](t, f.apply(ActivationRequested{At: morning}))
	if act.BandwidthOrderID != "bw-1" || !act.At.Equal(morning) {
		t.Fatalf("ActivatePortIn %+v", act)
	}
	if d := f.apply(ActivationRequested{At: morning.Add(time.Minute)}); d.Ignored == "" {
		t.Fatal("a second activation while one is in flight must be a no-op")
	}
	refused := loadFixture(t, "activation-status-put-400-7342.xml").bandwidthErrors()
	f.apply(ActivationRefused{At: morning.Add(2 * time.Minute), PortOrder: orderID(1), Errors: refused})
	f.wantStatus(StatusFoc)
	if !strings.Contains(f.r.StatusReason, "not allowed yet") || !strings.Contains(f.r.StatusReason, "7342") {
		t.Fatalf("refusal not shown: %q", f.r.StatusReason)
	}

	// A stale wake-up (for a time no longer scheduled) does nothing; the right one activates.
	if d := f.apply(ActivationDue{At: morning, PortOrder: orderID(1), ScheduledFor: time.Date(2026, 3, 5, 17, 0, 0, 0, Eastern())}); d.Ignored == "" {
		t.Fatal("stale ActivationDue must be ignored")
	}
	onlyEffect[ActivatePortIn](t, f.apply(ActivationDue{At: sched.At, PortOrder: orderID(1), ScheduledFor: sched.At}))
	f.apply(PortInObserved{At: sched.At.Add(10 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingComplete, LastModified: sched.At.Add(5 * time.Minute)})
	f.wantStatus(StatusCompleted)
}

func TestScheduledActivationCannotBeTriggered(t *testing.T) {
	f := toSubmitted(t, testIntake())
	f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingFoc, ActualFocDate: time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC), LastModified: t0.Add(time.Hour)})
	f.refuse(ActivationRequested{At: time.Date(2026, 3, 5, 14, 0, 0, 0, time.UTC)}, RejectActivationNotOnDemand)
}

func TestManualPortTypeIsNeverTriggered(t *testing.T) {
	in := testIntake()
	in.Activation = Activation{Mode: ActivationOnDemand}
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeManualOffNet, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	plan := onlyEffect[CreatePortIn](t, f.apply(csrComplete(t0.Add(time.Minute), orderID(1), "csr-1"))).Plan
	if plan.Triggered || plan.RequestedFocDate.In(Eastern()).Hour() != 11 {
		t.Fatalf("manual port: triggered %v at %s", plan.Triggered, plan.RequestedFocDate)
	}
}

func TestCorrectedOutsideActionRequiredIsRefused(t *testing.T) {
	f := toSubmitted(t, testIntake())
	pin := Secret("1")
	rej := f.refuse(Corrected{At: t0.Add(time.Hour), PIN: &pin}, RejectNotAwaitingCorrection)
	if !strings.Contains(rej.Message, "submitted") {
		t.Fatalf("message %q", rej.Message)
	}
}

func TestDocumentsRejectedAsksForANewDocument(t *testing.T) {
	f := toSubmitted(t, testIntake())
	f.apply(DocumentsRejected{At: t0.Add(time.Hour), PortOrder: orderID(1), DocumentIDs: []string{"loa-1"},
		Errors: []BandwidthError{{Code: "7800", Description: "Document name too long, max 50 characters"}}})
	f.wantStatus(StatusActionRequired)
	if f.r.Action.Code != ActionDocumentsRejected || !slices.Equal(f.r.Action.Fields, []string{FieldDocuments}) {
		t.Fatalf("action %+v", f.r.Action)
	}
	d := f.apply(Corrected{At: t0.Add(2 * time.Hour), Documents: []string{"loa-2"}})
	f.wantStatus(StatusSubmitted)
	if up := onlyEffect[UploadDocuments](t, d); !slices.Equal(up.DocumentIDs, []string{"loa-2"}) {
		t.Fatalf("upload %+v", up)
	}
}

func TestNotificationsOnlyTriggerReads(t *testing.T) {
	f := toSubmitted(t, testIntake())
	d := f.apply(Notified{At: t0.Add(time.Hour), PortOrder: orderID(1), Subject: SubjectPortIn, Status: ProcessingFoc})
	if d.Changed {
		t.Fatal("a notification alone must not change the request")
	}
	if got := onlyEffect[FetchPortIn](t, d); got.BandwidthOrderID != "bw-1" {
		t.Fatalf("fetch %+v", got)
	}
	f.wantOrderStatus(1, OrderSubmitted)

	d = f.apply(NoteReceived{At: t0.Add(2 * time.Hour), PortOrder: orderID(1), Text: "LOA required"})
	if !d.Changed || len(d.Timeline) != 1 || !strings.Contains(d.Timeline[0].Detail, "LOA required") {
		t.Fatalf("note not recorded: %+v", d)
	}
	onlyEffect[FetchPortIn](t, d)
	if d := f.apply(NoteReceived{At: t0.Add(3 * time.Hour), PortOrder: orderID(1), Text: "LOA required"}); d.Ignored == "" {
		t.Fatal("a repeated note must be ignored")
	}
}

func TestCheckDuePollsAndReissues(t *testing.T) {
	f := newFlow(t, testIntake())
	// A stored request that was never started is started by the reconciler.
	onlyEffect[CheckPortability](t, f.apply(CheckDue{At: t0}))
	f.wantStatus(StatusCheckingPortability)
	onlyEffect[CheckPortability](t, f.apply(CheckDue{At: t0.Add(5 * time.Minute)}))

	f.apply(portability(t0.Add(6*time.Minute), frontier, PortTypeAutomated, "9195551001", "9195551002"))
	// The CreateCsr job is in flight: not reissued right away, but after reissueAfter.
	noEffects(t, f.apply(CheckDue{At: t0.Add(8 * time.Minute)}))
	onlyEffect[CreateCsr](t, f.apply(CheckDue{At: t0.Add(6*time.Minute + reissueAfter)}))

	f.apply(CsrCreated{At: t0.Add(30 * time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1"})
	onlyEffect[FetchCsr](t, f.apply(CheckDue{At: t0.Add(40 * time.Minute)}))
}

func TestDecideDoesNotModifyItsInput(t *testing.T) {
	f := toSubmitted(t, testIntake())
	in := f.r
	snapshot := in.clone()
	_, err := Decide(in, PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingException, Errors: []BandwidthError{{Code: "7402"}}, LastModified: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, snapshot) {
		t.Fatal("Decide modified the request it was given")
	}
}

func TestNilAndUnknownEvents(t *testing.T) {
	r := newFlow(t, testIntake()).r
	if _, err := Decide(r, nil); err == nil {
		t.Fatal("nil event accepted")
	}
	var rej *RejectedError
	if _, err := Decide(r, nil); errors.As(err, &rej) {
		t.Fatal("a nil event is a programming error, not a rejection")
	}
}

func TestConfirmableActionResolvedByAnyOfItsFields(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	f.apply(CsrObserved{At: t0.Add(time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1", Status: CsrActionRequired, LastModified: t0.Add(time.Minute)})
	pin := Secret("7777")
	if upd := onlyEffect[UpdateCsr](t, f.apply(Corrected{At: t0.Add(time.Hour), PIN: &pin})); upd.Plan.PIN != "7777" {
		t.Fatalf("UpdateCsr %+v", upd)
	}
}

func TestCorrectionWithInvalidDataIsRefused(t *testing.T) {
	f := toSubmitted(t, testIntake())
	// The first rejection is fixed automatically with the CSR's name; the second needs the operator.
	for i := 1; i <= 2; i++ {
		at := t0.Add(time.Duration(i) * time.Hour)
		f.apply(PortInObserved{At: at, PortOrder: orderID(1), BandwidthOrderID: "bw-1",
			ProcessingStatus: ProcessingException, Errors: []BandwidthError{{Code: "7402"}}, LastModified: at})
	}
	f.wantStatus(StatusActionRequired)
	bad := AddressParts{HouseNumber: "1", StreetName: "Main", City: "Raleigh", StateCode: "NC", Zip: "ABCDE"}
	rej := f.refuse(Corrected{At: t0.Add(3 * time.Hour), ServiceAddressParts: &bad, Subscriber: &Subscriber{Type: SubscriberBusiness, BusinessName: "Acme"}}, RejectCorrectionInvalid)
	if !strings.Contains(rej.Message, "/service_address/zip") {
		t.Fatalf("message %q does not point at the field", rej.Message)
	}
	f.wantStatus(StatusActionRequired)
}

func TestAccountRejectionOnCreateAddsAccountDetails(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	f.apply(csrComplete(t0.Add(time.Minute), orderID(1), "csr-1"))
	f.apply(PortInRejected{At: t0.Add(2 * time.Minute), PortOrder: orderID(1), Errors: []BandwidthError{{Code: "7212", Description: "Account number required or incorrect"}}})
	f.wantStatus(StatusActionRequired)
	account := Secret("ACCT-2")
	plan := onlyEffect[CreatePortIn](t, f.apply(Corrected{At: t0.Add(time.Hour), AccountNumber: &account})).Plan
	if plan.WirelessInfo == nil || plan.WirelessInfo.AccountNumber != "ACCT-2" {
		t.Fatalf("recreated port-in lacks the account number: %+v", plan.WirelessInfo)
	}
}

func TestCreatedWithoutStatusIsReadAgain(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	f.apply(csrComplete(t0.Add(time.Minute), orderID(1), "csr-1"))
	d := f.apply(PortInCreated{At: t0.Add(2 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1"})
	f.wantOrderStatus(1, OrderSubmitted)
	onlyEffect[FetchPortIn](t, d)
}

func TestActivationDueForScheduledActivationIsIgnored(t *testing.T) {
	f := toSubmitted(t, testIntake())
	f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingFoc, ActualFocDate: time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC), LastModified: t0.Add(time.Hour)})
	if d := f.apply(ActivationDue{At: t0.Add(2 * time.Hour), PortOrder: orderID(1)}); d.Ignored == "" || len(d.Effects) > 0 {
		t.Fatalf("scheduled port activated by a wake-up: %+v", d)
	}
}

func TestSubscriberFromCsrName(t *testing.T) {
	cases := []struct {
		kind SubscriberType
		name string
		want Subscriber
	}{
		{SubscriberBusiness, "House  of Mouse", Subscriber{Type: SubscriberBusiness, BusinessName: "House of Mouse"}},
		{SubscriberResidential, "JOHN SMITH", Subscriber{Type: SubscriberResidential, FirstName: "JOHN", LastName: "SMITH"}},
		{SubscriberResidential, "SMITH, JOHN Q", Subscriber{Type: SubscriberResidential, FirstName: "JOHN Q", LastName: "SMITH"}},
		{SubscriberResidential, "MARY ANN VAN", Subscriber{Type: SubscriberResidential, FirstName: "MARY ANN", LastName: "VAN"}},
		{SubscriberResidential, "CHER", Subscriber{Type: SubscriberResidential, LastName: "CHER"}},
	}
	for _, tc := range cases {
		if got := subscriberFromCsrName(tc.kind, tc.name); got != tc.want {
			t.Errorf("subscriberFromCsrName(%s, %q) = %+v, want %+v", tc.kind, tc.name, got, tc.want)
		}
	}
}

// A residential rejection for the name is fixed with the CSR's name, split into its parts.
func TestResidentialNameRemediation(t *testing.T) {
	in := testIntake()
	in.Subscriber = Subscriber{Type: SubscriberResidential, FirstName: "Jon", LastName: "Smith"}
	f := newFlow(t, in)
	f.apply(Accepted{At: t0})
	f.apply(portability(t0, frontier, PortTypeAutomated, "9195551001", "9195551002"))
	f.apply(CsrCreated{At: t0, PortOrder: orderID(1), CsrOrderID: "csr-1"})
	csr := csrComplete(t0.Add(time.Minute), orderID(1), "csr-1")
	csr.Data.CustomerName = "SMITH, JONATHAN"
	f.apply(csr)
	f.apply(PortInCreated{At: t0.Add(2 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(2 * time.Minute)})
	d := f.apply(PortInObserved{At: t0.Add(time.Hour), PortOrder: orderID(1), BandwidthOrderID: "bw-1",
		ProcessingStatus: ProcessingException, Errors: []BandwidthError{{Code: "7429", Description: "End User name mismatch"}}, LastModified: t0.Add(time.Hour)})
	supp := onlyEffect[SuppPortIn](t, d)
	want := SubscriberPlan{Type: "RESIDENTIAL", FirstName: "JONATHAN", LastName: "SMITH"}
	if supp.Plan.Subscriber == nil || *supp.Plan.Subscriber != want {
		t.Fatalf("SUPP subscriber %+v, want %+v", supp.Plan.Subscriber, want)
	}
	if supp.Plan.ServiceAddress != nil {
		t.Fatal("the CSR address was already used; the SUPP must not resend it")
	}
}

func TestDocumentsAddedGoToLivePortIns(t *testing.T) {
	f := newFlow(t, testIntake())
	f.apply(Accepted{At: t0})
	f.apply(portability(t0.Add(time.Minute), frontier, PortTypeAutomated, "9195551001", "9195551002"))
	// Before any port-in exists the document is kept and nothing is uploaded yet.
	d := f.apply(DocumentsAdded{At: t0.Add(90 * time.Second), Documents: []string{"loa-1"}})
	noEffects(t, d)
	if !slices.Contains(f.r.Documents, "loa-1") {
		t.Fatalf("document not kept: %v", f.r.Documents)
	}
	f.apply(CsrCreated{At: t0.Add(2 * time.Minute), PortOrder: orderID(1), CsrOrderID: "csr-1"})
	f.apply(csrComplete(t0.Add(5*time.Minute), orderID(1), "csr-1"))
	d = f.apply(PortInCreated{At: t0.Add(6 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingSubmitted, LastModified: t0.Add(6 * time.Minute)})
	if up := onlyEffect[UploadDocuments](t, d); !slices.Equal(up.DocumentIDs, []string{"loa-1"}) {
		t.Fatalf("the document added earlier was not uploaded with the new port-in: %+v", up)
	}
	// A document added while submitted goes straight to the port-in.
	d = f.apply(DocumentsAdded{At: t0.Add(7 * time.Minute), Documents: []string{"invoice-2"}})
	if up := onlyEffect[UploadDocuments](t, d); up.BandwidthOrderID != "bw-1" || !slices.Contains(up.DocumentIDs, "invoice-2") {
		t.Fatalf("UploadDocuments %+v", up)
	}
	if d := f.apply(DocumentsAdded{At: t0.Add(8 * time.Minute), Documents: []string{"invoice-2"}}); d.Ignored == "" {
		t.Fatal("adding the same document twice must be a no-op")
	}
	f.apply(PortInObserved{At: t0.Add(9 * time.Minute), PortOrder: orderID(1), BandwidthOrderID: "bw-1", ProcessingStatus: ProcessingComplete,
		LastModified: t0.Add(9 * time.Minute), CompletedNumbers: []string{"9195551001", "9195551002"}})
	f.wantStatus(StatusCompleted)
	f.refuse(DocumentsAdded{At: t0.Add(10 * time.Minute), Documents: []string{"late"}}, RejectAlreadyFinished)
}
