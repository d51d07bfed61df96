package orchestrator_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/order"
)

// mixedRequests builds n requests whose outcomes differ: completed (CSR found, CSR failed but
// the customer's address right, wireless with account details), failed (not portable) and
// partially completed (one portable and one non-portable number).
func mixedRequests(n int) []orchestrator.NewRequest {
	out := make([]orchestrator.NewRequest, n)
	for i := range out {
		seq := 1000 + i
		switch i % 5 {
		case 0:
			out[i] = customer([]string{sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete}, seq)}, nil)
		case 1:
			out[i] = customer([]string{sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRFailed}, seq)}, nil)
		case 2:
			tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireless, CSR: sandbox.CSRFailed}, seq)
			out[i] = customer([]string{tn}, nil)
			rec := sandbox.CarrierRecordFor(tn)
			out[i].AccountNumber, out[i].PIN = order.Secret(rec.AccountNumber), order.Secret(rec.PIN)
		case 3:
			out[i] = customer([]string{sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete, NonPortable: true}, seq)}, nil)
		case 4:
			ok := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierInternal, CSR: sandbox.CSRComplete}, seq)
			bad := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete, NonPortable: true}, seq+5000)
			out[i] = customer([]string{ok, bad}, nil)
		}
	}
	return out
}

// runAll creates the requests and waits until every one is finished; it returns the final
// statuses in input order.
func (e *env) runAll(t *testing.T, reqs []orchestrator.NewRequest, timeout time.Duration) []order.Status {
	t.Helper()
	ids := make([]string, len(reqs))
	var wg sync.WaitGroup
	errs := make(chan error, len(reqs))
	sem := make(chan struct{}, 8)
	for i, in := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r, _, err := e.orch.Create(context.Background(), in)
			if err != nil {
				errs <- fmt.Errorf("request %d: %w", i, err)
				return
			}
			ids[i] = r.ID
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	statuses := make([]order.Status, len(ids))
	deadline := time.Now().Add(timeout)
	for {
		pending := 0
		for i, id := range ids {
			if statuses[i].Terminal() {
				continue
			}
			r, err := e.orch.Get(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			statuses[i] = r.Status
			if !r.Status.Terminal() {
				pending++
			}
		}
		if pending == 0 {
			return statuses
		}
		if time.Now().After(deadline) {
			for i, s := range statuses {
				if !s.Terminal() {
					r, _ := e.orch.Get(context.Background(), ids[i])
					t.Errorf("request %d (%s) still %s: %s", i, ids[i], s, r.StatusReason)
				}
			}
			t.Fatalf("%d of %d requests unfinished after %s", pending, len(ids), timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLostAndDuplicatedCallbacksConverge: Bandwidth never retries a callback, so portflow must
// reach the same outcome when 30% of them are lost and 20% arrive twice; the reconciler's repairs
// are counted as missed callbacks.
func TestLostAndDuplicatedCallbacksConverge(t *testing.T) {
	if testing.Short() {
		t.Skip("200 requests twice: skipped with -short")
	}
	const n = 200
	reqs := mixedRequests(n)

	clean := newEnv(t, sandbox.Faults{})
	want := clean.runAll(t, reqs, 90*time.Second)

	faulty := newEnv(t, sandbox.Faults{DropCallbacks: 0.3, DuplicateCallbacks: 0.2})
	got := faulty.runAll(t, reqs, 120*time.Second)

	counts := map[order.Status]int{}
	for i := range want {
		counts[want[i]]++
		if got[i] != want[i] {
			t.Errorf("request %d: %s with faults, %s without", i, got[i], want[i])
		}
	}
	t.Logf("final statuses: %v", counts)
	if counts[order.StatusCompleted] == 0 || counts[order.StatusFailed] == 0 || counts[order.StatusPartiallyCompleted] == 0 {
		t.Errorf("the mix should produce completed, failed and partially completed requests: %v", counts)
	}
	stats := faulty.sandbox.FaultStats()
	missed := metricSum(t, faulty, "portflow_callbacks_missed_total")
	t.Logf("sandbox dropped %d callbacks and duplicated %d; portflow counted %.0f missed", stats.DroppedCallbacks, stats.DuplicateCallbacks, missed)
	if stats.DroppedCallbacks == 0 || stats.DuplicateCallbacks == 0 {
		t.Fatalf("faults not applied: %+v", stats)
	}
	if missed == 0 || missed > float64(stats.DroppedCallbacks) {
		t.Errorf("missed-callback count %.0f: want between 1 and the %d dropped", missed, stats.DroppedCallbacks)
	}
	// Without injected faults a callback can still fail (portflow answering 503 under load);
	// only those may be counted as missed.
	undelivered := 0
	for _, cb := range clean.sandbox.Callbacks() {
		if cb.Outcome != sandbox.CallbackDelivered {
			undelivered++
		}
	}
	if cleanMissed := metricSum(t, clean, "portflow_callbacks_missed_total"); cleanMissed > float64(undelivered) {
		t.Errorf("%.0f missed callbacks counted, but only %d callbacks went undelivered", cleanMissed, undelivered)
	}
	for _, e := range []*env{clean, faulty} {
		if v := e.sandbox.Violations(); len(v) != 0 {
			t.Errorf("protocol violations: %+v", v[:min(len(v), 5)])
		}
	}
}
