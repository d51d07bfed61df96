package orchestrator_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/order"
)

// businessMove is one customer moving a whole business: 2,000 numbers at four losing carriers
// (wireline, Bandwidth itself, a wireless carrier, an off-net carrier reached through Level 3),
// toll-free numbers, and numbers in a rate center Bandwidth does not serve.
type businessMove struct {
	request  orchestrator.NewRequest
	groups   map[string][]string // by kind: wireline, internal, wireless, offnet, tollfree, unportable
	wireless sandbox.CarrierRecord
}

func newBusinessMove() businessMove {
	m := businessMove{groups: map[string][]string{}}
	add := func(kind string, n int, tn func(i int) string) {
		for i := range n {
			m.groups[kind] = append(m.groups[kind], tn(i))
		}
	}
	scenario := func(c sandbox.Carrier) func(int) string {
		return func(i int) string {
			return sandbox.NumberFor(sandbox.Scenario{Carrier: c, CSR: sandbox.CSRComplete}, i)
		}
	}
	add("wireline", 900, scenario(sandbox.CarrierWireline))
	add("internal", 500, scenario(sandbox.CarrierInternal))
	add("wireless", 300, scenario(sandbox.CarrierWireless))
	add("offnet", 100, scenario(sandbox.CarrierOffNet))
	add("tollfree", 150, func(i int) string { return fmt.Sprintf("800555%04d", i) })
	add("unportable", 50, func(i int) string { return fmt.Sprintf("605200%04d", i) })
	var numbers []string
	for _, kind := range []string{"wireline", "internal", "wireless", "offnet", "tollfree", "unportable"} {
		numbers = append(numbers, m.groups[kind]...)
	}
	// The customer's address and billing number are the main (wireline) account's; the wireless
	// numbers are on an account of their own, given per number as the CSV intake would.
	m.request = customer(numbers, nil)
	m.wireless = sandbox.CarrierRecordFor(m.groups["wireless"][0])
	m.request.NumberAccounts = map[string]order.NumberAccount{}
	for _, tn := range m.groups["wireless"] {
		m.request.NumberAccounts[tn] = order.NumberAccount{
			BillingNumber: m.wireless.TN, AccountNumber: order.Secret(m.wireless.AccountNumber), PIN: order.Secret(m.wireless.PIN),
		}
	}
	return m
}

// outcome is what a finished move looks like, comparable between runs.
type outcome struct {
	status  order.Status
	numbers map[string]order.NumberStatus
	orders  []string // "port type/carrier/size", sorted
}

func (e *env) runBusinessMove(t *testing.T, m businessMove, timeout time.Duration) (order.PortRequest, outcome) {
	t.Helper()
	ctx := context.Background()
	r, created, err := e.orch.Create(ctx, m.request)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	if _, _, err := e.orch.AddDocument(ctx, r.ID, orchestrator.NewDocument{Type: "LOA", ContentType: "application/pdf", Content: []byte("%PDF-1.4 signed LOA")}); err != nil {
		t.Fatal(err)
	}
	done := e.waitFor(t, r.ID, timeout, func(r order.PortRequest) bool { return r.Status.Terminal() })
	out := outcome{status: done.Status, numbers: map[string]order.NumberStatus{}}
	for _, n := range done.Numbers {
		out.numbers[n.TN] = n.Status
	}
	for _, o := range done.Orders {
		out.orders = append(out.orders, fmt.Sprintf("%s/%s/%d", o.PortType, o.Carrier.Name, len(o.Numbers)))
	}
	slices.Sort(out.orders)
	return done, out
}

func TestBulkBusinessMoveOfTwoThousandNumbers(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 numbers twice: skipped with -short")
	}
	m := newBusinessMove()
	e := newEnv(t, sandbox.Faults{})
	start := time.Now()
	done, clean := e.runBusinessMove(t, m, 3*time.Minute)
	t.Logf("2,000 numbers finished %s in %s: %d port orders %v", done.Status, time.Since(start).Round(time.Millisecond), len(done.Orders), clean.orders)

	if done.Status != order.StatusPartiallyCompleted {
		t.Fatalf("status %s (%s), want partially_completed", done.Status, done.StatusReason)
	}
	for kind, tns := range m.groups {
		for _, tn := range tns {
			n := numberState(done, tn)
			switch {
			case kind == "unportable" && (n.Status != order.NumberFailed || !strings.Contains(n.Reason, "7331")):
				t.Fatalf("%s number %s: %s (%s), want failed with 7331", kind, tn, n.Status, n.Reason)
			case kind != "unportable" && n.Status != order.NumberCompleted:
				t.Fatalf("%s number %s: %s (%s), want completed", kind, tn, n.Status, n.Reason)
			}
		}
	}
	// One bulk port-in; its children, split where one port-in cannot hold them: off-net
	// automated ports take at most 49 numbers.
	if n := e.sandbox.CreateCount("bulkPortins", done.ID); n != 1 {
		t.Errorf("%d bulk port-ins created, want 1", n)
	}
	want := map[string][]int{
		order.PortTypeAutomated + "/wireline": {900}, order.PortTypeAutomated + "/wireless": {300},
		order.PortTypeInternal: {500}, order.PortTypeAutomatedOffNet: {2, 49, 49}, order.PortTypeManualTollFree: {150},
	}
	got := map[string][]int{}
	mismatches := 0
	for _, o := range done.Orders {
		key := o.PortType
		if o.PortType == order.PortTypeAutomated {
			key += map[bool]string{true: "/wireless", false: "/wireline"}[o.Carrier.IsWireless]
		}
		got[key] = append(got[key], len(o.Numbers))
		if o.BulkOrderID != done.Bulk.BandwidthOrderID || o.Status != order.OrderComplete {
			t.Errorf("port order %s: bulk %q, status %s", o.ID, o.BulkOrderID, o.Status)
		}
		if o.PortType == order.PortTypeManualTollFree {
			continue
		}
		// Every other child went with its CSR-validated address, for its own billing number.
		rec := sandbox.CarrierRecordFor(o.BillingNumber)
		if o.AddressSource != order.SourceCsr || o.Address.HouseNumber != rec.ServiceAddress.HouseNumber || o.Submitted.ServiceAddress != o.Address {
			t.Errorf("port order %s (%s): address %+v from %s, carrier record %+v", o.ID, o.PortType, o.Address, o.AddressSource, rec.ServiceAddress)
		}
		if len(o.Csr.Differences) > 0 {
			mismatches++
		}
		if o.Carrier.IsWireless && (o.BillingNumber != m.wireless.TN || o.Submitted.WirelessInfo == nil || o.AccountNumber.Reveal() != m.wireless.AccountNumber) {
			t.Errorf("wireless port order %s: BTN %s, wireless info %+v", o.ID, o.BillingNumber, o.Submitted.WirelessInfo)
		}
	}
	for k := range got {
		slices.Sort(got[k])
	}
	if !maps.EqualFunc(got, want, slices.Equal[[]int]) {
		t.Errorf("port orders by kind %v, want %v", got, want)
	}
	if mismatches < 3 {
		t.Errorf("%d port orders had CSR differences from the customer's input, want at least 3 (the other accounts' addresses)", mismatches)
	}

	// The same move with 30% of Bandwidth's callbacks lost converges to the same outcome.
	faulty := newEnv(t, sandbox.Faults{DropCallbacks: 0.3})
	start = time.Now()
	_, lossy := faulty.runBusinessMove(t, m, 4*time.Minute)
	stats := faulty.sandbox.FaultStats()
	t.Logf("with %d of %d callbacks dropped: finished %s in %s", stats.DroppedCallbacks, len(faulty.sandbox.Callbacks())+stats.DroppedCallbacks, lossy.status, time.Since(start).Round(time.Millisecond))
	if stats.DroppedCallbacks == 0 {
		t.Fatal("no callback was dropped")
	}
	if lossy.status != clean.status || !maps.Equal(lossy.numbers, clean.numbers) || !slices.Equal(lossy.orders, clean.orders) {
		t.Errorf("with lost callbacks: %s, orders %v; without: %s, orders %v", lossy.status, lossy.orders, clean.status, clean.orders)
	}
}

func numberState(r order.PortRequest, tn string) order.NumberState {
	for _, n := range r.Numbers {
		if n.TN == tn {
			return n
		}
	}
	return order.NumberState{TN: tn}
}

// TestBulkChildWaitingForAnOperatorDoesNotHoldTheOthers: a wireless child without account
// details leaves the bulk; the rest is submitted and completes; the operator's answer then ports
// the wireless numbers with a port-in of their own.
func TestBulkChildWaitingForAnOperatorDoesNotHoldTheOthers(t *testing.T) {
	e := newEnv(t, sandbox.Faults{})
	ctx := context.Background()
	var numbers []string
	for i := range 60 {
		numbers = append(numbers, sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete}, 1000+i))
	}
	var wireless []string
	for i := range 5 {
		wireless = append(wireless, sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireless, CSR: sandbox.CSRComplete}, 1000+i))
	}
	r, _, err := e.orch.Create(ctx, customer(append(numbers, wireless...), nil))
	if err != nil {
		t.Fatal(err)
	}
	held := e.waitFor(t, r.ID, time.Minute, func(r order.PortRequest) bool {
		for _, o := range r.Orders {
			if !o.Carrier.IsWireless && o.Status == order.OrderComplete {
				return true
			}
		}
		return false
	})
	if held.Status != order.StatusActionRequired || held.Action == nil || held.Action.Code != order.ActionAccountDetailsRequired {
		t.Fatalf("status %s, action %+v", held.Status, held.Action)
	}
	var waiting order.PortOrder
	for _, o := range held.Orders {
		if o.Carrier.IsWireless {
			waiting = o
		}
	}
	if waiting.InBulk || waiting.BandwidthOrderID != "" || waiting.BulkOrderID != "" {
		t.Fatalf("the waiting wireless order is still tied to the bulk: %+v", waiting)
	}
	rec := sandbox.CarrierRecordFor(waiting.BillingNumber)
	account, pin := order.Secret(rec.AccountNumber), order.Secret(rec.PIN)
	if _, err := e.orch.Correct(ctx, r.ID, order.Corrected{AccountNumber: &account, PIN: &pin}); err != nil {
		t.Fatal(err)
	}
	done := e.waitStatus(t, r.ID, order.StatusCompleted, time.Minute)
	for _, o := range done.Orders {
		if o.Carrier.IsWireless {
			if o.BulkOrderID != "" || e.sandbox.CreateCount("portins", o.ID) != 1 {
				t.Errorf("wireless order %s: bulk %q, %d port-ins of its own", o.ID, o.BulkOrderID, e.sandbox.CreateCount("portins", o.ID))
			}
		} else if o.BulkOrderID != done.Bulk.BandwidthOrderID {
			t.Errorf("wireline order %s not submitted with the bulk", o.ID)
		}
	}
}
