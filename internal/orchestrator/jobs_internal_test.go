package orchestrator

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portflow/portflow/internal/order"
)

// TestCreateIsNotReissuedWhileItRuns: a find-or-create that is still running keeps its reissue
// out of the queue (two overlapping runs would both find nothing and both create); one running
// for longer than runningBlocksReissue is taken for an orphan and no longer does.
func TestCreateIsNotReissuedWhileItRuns(t *testing.T) {
	o, db := newIntakeOrchestrator(t)
	ctx := context.Background()
	const requestID = "01a20900-0000-7000-8000-000000000001"
	create := order.PrepareDraft{PortOrder: "po-6", Plan: order.PortInPlan{CustomerOrderID: "po-6"}}
	enqueue := func() int {
		t.Helper()
		if err := db.InTx(ctx, func(tx pgx.Tx) error {
			return o.enqueue(ctx, tx, requestID, []order.Effect{create}, originReconcile, time.Time{})
		}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE args->>'port_order' = 'po-6'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := enqueue(); n != 1 {
		t.Fatalf("%d jobs after the first create, want 1", n)
	}
	// The first run starts; the unique window turns over (its key no longer matches).
	if _, err := db.Pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempted_at = now(), unique_key = NULL WHERE args->>'port_order' = 'po-6'`); err != nil {
		t.Fatal(err)
	}
	if n := enqueue(); n != 1 {
		t.Fatalf("%d jobs: a reissue was queued while the create was running", n)
	}
	// A run that started long ago is an orphan: the reissue goes in.
	if _, err := db.Pool.Exec(ctx, `UPDATE river_job SET attempted_at = now() - interval '2 minutes' WHERE args->>'port_order' = 'po-6'`); err != nil {
		t.Fatal(err)
	}
	if n := enqueue(); n != 2 {
		t.Fatalf("%d jobs: the reissue of an orphaned create was not queued", n)
	}
}
