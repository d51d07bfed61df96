package orchestrator_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/order"
)

func TestHappyPathCompletes(t *testing.T) {
	e := newEnv(t, sandbox.Faults{})
	tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete}, 1)
	r, created, err := e.orch.Create(context.Background(), customer([]string{tn}, nil))
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	done := e.waitStatus(t, r.ID, order.StatusCompleted, 20*time.Second)
	if len(done.Orders) != 1 || done.Orders[0].BandwidthOrderID == "" {
		t.Fatalf("orders: %+v", done.Orders)
	}
	if n := e.sandbox.CreateCount("portins", done.Orders[0].ID); n != 1 {
		t.Errorf("port-ins created for %s: %d, want 1", done.Orders[0].ID, n)
	}
	if v := e.sandbox.Violations(); len(v) != 0 {
		t.Errorf("protocol violations: %+v", v)
	}
}

func trueAddress(tn string) order.Address {
	rec := sandbox.CarrierRecordFor(tn)
	return order.Address{Line1: rec.ServiceAddress.Line(), City: rec.ServiceAddress.City, State: rec.ServiceAddress.State, Zip: rec.ServiceAddress.Zip}
}

func wrongAddress(tn string) order.Address {
	a := trueAddress(tn)
	a.Line1 = "9999 Wrong Way"
	return a
}

func TestWrongAddressFixedFromCsr(t *testing.T) {
	e := newEnv(t, sandbox.Faults{})
	tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete}, 2)
	bad := wrongAddress(tn)
	r, _, err := e.orch.Create(context.Background(), customer([]string{tn}, &bad))
	if err != nil {
		t.Fatal(err)
	}
	done := e.waitStatus(t, r.ID, order.StatusCompleted, 20*time.Second)
	po := done.Orders[0]
	if po.AddressSource != order.SourceCsr {
		t.Errorf("address source %q, want csr", po.AddressSource)
	}
	if len(po.Csr.Differences) == 0 {
		t.Error("no differences recorded between the customer's address and the CSR")
	}
	rec := sandbox.CarrierRecordFor(tn)
	if po.Address.HouseNumber != rec.ServiceAddress.HouseNumber {
		t.Errorf("port-in house number %q, want the carrier's %q", po.Address.HouseNumber, rec.ServiceAddress.HouseNumber)
	}
}

func TestNoCsrWrongAddressRejectedThenCorrected(t *testing.T) {
	e := newEnv(t, sandbox.Faults{})
	tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRFailed}, 3)
	bad := wrongAddress(tn)
	r, _, err := e.orch.Create(context.Background(), customer([]string{tn}, &bad))
	if err != nil {
		t.Fatal(err)
	}
	held := e.waitStatus(t, r.ID, order.StatusActionRequired, 20*time.Second)
	if held.Action == nil || len(held.Action.Errors) == 0 {
		t.Fatalf("action_required without Bandwidth's errors: %+v", held.Action)
	}
	good := trueAddress(tn)
	sub := customer([]string{tn}, nil).Subscriber
	if _, err := e.orch.Correct(context.Background(), r.ID, order.Corrected{ServiceAddress: &good, Subscriber: &sub}); err != nil {
		t.Fatal(err)
	}
	e.waitStatus(t, r.ID, order.StatusCompleted, 20*time.Second)
}

func TestWirelessWithoutPinStopsBeforeSubmission(t *testing.T) {
	e := newEnv(t, sandbox.Faults{})
	tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireless, CSR: sandbox.CSRFailed}, 4)
	r, _, err := e.orch.Create(context.Background(), customer([]string{tn}, nil))
	if err != nil {
		t.Fatal(err)
	}
	held := e.waitStatus(t, r.ID, order.StatusActionRequired, 20*time.Second)
	if n := e.sandbox.CreateCount("portins", held.Orders[0].ID); n != 0 {
		t.Errorf("%d port-ins sent for a wireless number without account number and PIN", n)
	}
	rec := sandbox.CarrierRecordFor(tn)
	acct, pin := order.Secret(rec.AccountNumber), order.Secret(rec.PIN)
	if _, err := e.orch.Correct(context.Background(), r.ID, order.Corrected{AccountNumber: &acct, PIN: &pin}); err != nil {
		t.Fatal(err)
	}
	e.waitStatus(t, r.ID, order.StatusCompleted, 20*time.Second)
}

func TestTwoCarriersTwoPortIns(t *testing.T) {
	e := newEnv(t, sandbox.Faults{})
	a := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete}, 5)
	b := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierInternal, CSR: sandbox.CSRComplete}, 5)
	r, _, err := e.orch.Create(context.Background(), customer([]string{a, b}, nil))
	if err != nil {
		t.Fatal(err)
	}
	done := e.waitStatus(t, r.ID, order.StatusCompleted, 30*time.Second)
	if len(done.Orders) != 2 {
		t.Fatalf("%d port orders, want 2 (one per losing carrier)", len(done.Orders))
	}
	// Two losing carriers go through one bulk port-in (PORTFLOW_BULK_MULTI_CARRIER): its two
	// children are the port-ins, none is created on its own.
	if n := e.sandbox.CreateCount("bulkPortins", r.ID); n != 1 {
		t.Errorf("%d bulk port-ins created, want 1", n)
	}
	for _, po := range done.Orders {
		if po.BulkOrderID == "" || po.BulkOrderID != done.Bulk.BandwidthOrderID {
			t.Errorf("port order %s not submitted with the bulk: %q", po.ID, po.BulkOrderID)
		}
		if n := e.sandbox.CreateCount("portins", po.ID); n != 0 {
			t.Errorf("port order %s: %d port-ins created on their own, want 0", po.ID, n)
		}
	}
	if done.Bulk.Step != order.BulkStepFinished {
		t.Errorf("bulk step %s, want finished", done.Bulk.Step)
	}
}

func TestCancelMidFlight(t *testing.T) {
	e := newEnv(t, sandbox.Faults{})
	tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWirelineStrict, CSR: sandbox.CSRComplete}, 6)
	r, _, err := e.orch.Create(context.Background(), customer([]string{tn}, nil))
	if err != nil {
		t.Fatal(err)
	}
	e.waitFor(t, r.ID, 20*time.Second, func(r order.PortRequest) bool {
		return len(r.Orders) == 1 && r.Orders[0].BandwidthOrderID != ""
	})
	if _, err := e.orch.Cancel(context.Background(), r.ID, "customer changed their mind"); err != nil {
		t.Fatal(err)
	}
	e.waitStatus(t, r.ID, order.StatusCancelled, 20*time.Second)
}

func TestOnDemandActivation(t *testing.T) {
	e := newEnv(t, sandbox.Faults{})
	tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete}, 7)
	req := customer([]string{tn}, nil)
	req.Activation = order.Activation{Mode: order.ActivationOnDemand}
	r, _, err := e.orch.Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	e.waitStatus(t, r.ID, order.StatusFoc, 20*time.Second)
	if _, err := e.orch.Activate(context.Background(), r.ID); err != nil {
		t.Fatal(err)
	}
	e.waitStatus(t, r.ID, order.StatusCompleted, 20*time.Second)
}

func TestDocumentUploadedToPortIn(t *testing.T) {
	e := newEnv(t, sandbox.Faults{})
	// A carrier that does not insist on the LOA: this test is about the upload itself, not about
	// racing the strict carrier's answer (which comes two sandbox steps after the create).
	tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete}, 8)
	r, _, err := e.orch.Create(context.Background(), customer([]string{tn}, nil))
	if err != nil {
		t.Fatal(err)
	}
	_, docID, err := e.orch.AddDocument(context.Background(), r.ID, orchestrator.NewDocument{
		Type: "LOA", ContentType: "application/pdf", FileName: "loa.pdf", Content: []byte("%PDF-1.4 signed letter of authorization"),
	})
	if err != nil {
		t.Fatal(err)
	}
	done := e.waitStatus(t, r.ID, order.StatusCompleted, 20*time.Second)
	if !slices.Contains(done.Orders[0].DocumentsUploaded, docID) {
		t.Errorf("document %s not uploaded: %v", docID, done.Orders[0].DocumentsUploaded)
	}
}

// TestMissingLoaRejectionRecoversWithTheDocument: a carrier that insists on the LOA rejects the
// port-in (7424); the document supplied afterwards is uploaded and the order resubmitted.
func TestMissingLoaRejectionRecoversWithTheDocument(t *testing.T) {
	e := newEnv(t, sandbox.Faults{})
	tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWirelineStrict, CSR: sandbox.CSRComplete}, 9)
	r, _, err := e.orch.Create(context.Background(), customer([]string{tn}, nil))
	if err != nil {
		t.Fatal(err)
	}
	held := e.waitStatus(t, r.ID, order.StatusActionRequired, 20*time.Second)
	if held.Action == nil || !slices.Contains(held.Action.Fields, order.FieldDocuments) {
		t.Fatalf("action %+v, want one asking for documents", held.Action)
	}
	if _, _, err := e.orch.AddDocument(context.Background(), r.ID, orchestrator.NewDocument{
		Type: "LOA", ContentType: "application/pdf", FileName: "loa.pdf", Content: []byte("%PDF-1.4 signed letter of authorization"),
	}); err != nil {
		t.Fatal(err)
	}
	e.waitStatus(t, r.ID, order.StatusCompleted, 20*time.Second)
}
