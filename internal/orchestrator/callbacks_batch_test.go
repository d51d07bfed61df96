package orchestrator

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/secrets"
	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/testdb"
)

// newIntakeOrchestrator builds an orchestrator on a fresh database without starting it: its hooks
// enqueue jobs, and nothing works them off, so the tests see every job exactly as it was queued.
// Its Bandwidth client points at a port nothing listens on; no test here makes it call out.
func newIntakeOrchestrator(t *testing.T) (*Orchestrator, *store.DB) {
	t.Helper()
	db, err := store.Open(context.Background(), testdb.URL(t), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	bw, err := bandwidth.New(bandwidth.Config{
		BaseURL: "http://127.0.0.1:9/api", TokenURL: "http://127.0.0.1:9/api/v1/oauth2/token", AccountID: "9900000",
		ClientID: "unused", ClientSecret: "unused",
	})
	if err != nil {
		t.Fatal(err)
	}
	box, err := secrets.New([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	o, err := New(Options{DB: db, Box: box, Bandwidth: bw, Logger: zaptest.NewLogger(t), Registry: prometheus.NewRegistry(),
		SiteID: "1001", PeerID: "2001"})
	if err != nil {
		t.Fatal(err)
	}
	return o, db
}

func statusCallback(key, orderID, status string) store.InboundCallback {
	return store.InboundCallback{
		DedupeKey: key, OrderType: "portins", OrderID: orderID, CustomerOrderID: "pf-" + orderID,
		Status: status, Message: "status " + status,
		Body:        []byte("<Notification><OrderId>" + orderID + "</OrderId><Status>" + status + "</Status></Notification>"),
		ContentType: "application/xml; charset=utf-8",
	}
}

// queuedJob is a river_job row as the tests compare it.
type queuedJob struct {
	Kind        string
	Queue       string
	State       string
	Priority    int
	MaxAttempts int
	Args        callbackArgs
	Xmin        string
}

func queuedJobs(t *testing.T, db *store.DB) []queuedJob {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(),
		`SELECT kind, queue, state::text, priority, max_attempts, args, xmin::text FROM river_job ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var jobs []queuedJob
	for rows.Next() {
		var (
			j    queuedJob
			args []byte
		)
		if err := rows.Scan(&j.Kind, &j.Queue, &j.State, &j.Priority, &j.MaxAttempts, &args, &j.Xmin); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(args, &j.Args); err != nil {
			t.Fatalf("job args %s: %v", args, err)
		}
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return jobs
}

func countOf(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The batch hook queues, for a group of N new callbacks, the N jobs the per-callback hook would
// (same kind, args and options), all in the transaction that stores the group's inbox rows.
func TestInboxBatchHookQueuesEveryJobOfAGroupInItsTransaction(t *testing.T) {
	ctx := context.Background()
	o, db := newIntakeOrchestrator(t)

	// The per-callback hook's job, for comparison.
	perCallback := store.InboxReceiver{DB: db, OnAccepted: o.InboxHook()}
	if _, err := perCallback.Accept(ctx, statusCallback("single", "order-single", "FOC")); err != nil {
		t.Fatal(err)
	}
	reference := queuedJobs(t, db)
	if len(reference) != 1 {
		t.Fatalf("per-callback hook queued %d jobs, want 1", len(reference))
	}
	if _, err := db.Pool.Exec(ctx, `DELETE FROM river_job`); err != nil {
		t.Fatal(err)
	}

	const statuses = 24
	var batch []store.InboundCallback
	for i := range statuses {
		batch = append(batch, statusCallback(fmt.Sprint("group-", i), fmt.Sprint("order-", i), "FOC"))
	}
	note := statusCallback("group-note", "order-note", "")
	note.Note = "LNP team: the LOA signature is missing"
	batch = append(batch,
		note,
		statusCallback("group-0", "order-0", "FOC"),     // the same event twice in one burst: no second job
		statusCallback("single", "order-single", "FOC"), // stored before: no job
		store.InboundCallback{DedupeKey: "malformed:x", Body: []byte("<Notif"), Malformed: true, ParseError: "unexpected EOF"},
	)
	receiver := store.InboxReceiver{DB: db, OnAcceptedBatch: o.InboxBatchHook()}
	res, err := receiver.AcceptBatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}

	jobs := queuedJobs(t, db)
	const want = statuses + 1 // the status notifications and the note
	if len(jobs) != want {
		t.Fatalf("batch hook queued %d jobs, want %d (one per new, well-formed callback)", len(jobs), want)
	}
	byInboxID := make(map[int64]queuedJob, len(jobs))
	for _, j := range jobs {
		if j.Kind != reference[0].Kind || j.Queue != reference[0].Queue || j.State != reference[0].State ||
			j.Priority != reference[0].Priority || j.MaxAttempts != reference[0].MaxAttempts {
			t.Errorf("batch job %+v differs from the per-callback hook's %+v in kind or options", j, reference[0])
		}
		byInboxID[j.Args.InboxID] = j
	}
	for i := range statuses + 1 {
		row, err := db.InboxEntry(ctx, res[i].InboxID)
		if err != nil {
			t.Fatal(err)
		}
		job, ok := byInboxID[row.ID]
		if !ok {
			t.Errorf("callback %d (inbox %d) has no job", i, row.ID)
			continue
		}
		wantArgs := callbackArgsOf(row)
		switch {
		case !job.Args.ReceivedAt.Equal(wantArgs.ReceivedAt):
			t.Errorf("inbox %d: job received_at %s, row %s", row.ID, job.Args.ReceivedAt, wantArgs.ReceivedAt)
		case (job.Args.Notification == nil) != (wantArgs.Notification == nil):
			t.Errorf("inbox %d: job notification %+v, want %+v", row.ID, job.Args.Notification, wantArgs.Notification)
		case wantArgs.Notification != nil && *job.Args.Notification != *wantArgs.Notification:
			t.Errorf("inbox %d: job notification %+v, want %+v", row.ID, *job.Args.Notification, *wantArgs.Notification)
		}
	}

	// One transaction wrote the group's rows and all its jobs: they share one xmin.
	if n := countOf(t, db, `SELECT count(DISTINCT x) FROM (
			SELECT xmin::text AS x FROM river_job
			UNION ALL SELECT xmin::text FROM callback_inbox WHERE dedupe_key <> 'single') t`); n != 1 {
		t.Errorf("the group's inbox rows and jobs were written by %d transactions, want 1", n)
	}
}

// A failing job insert rolls the whole group back: no inbox row and no job of it stays, so none of
// its callbacks is acknowledged; the same callbacks go in once the queue takes them.
func TestInboxBatchHookFailureRollsBackTheGroup(t *testing.T) {
	ctx := context.Background()
	o, db := newIntakeOrchestrator(t)
	// The job queue refuses one job of the group, as a full disk or a lost connection would.
	if _, err := db.Pool.Exec(ctx, `
		CREATE FUNCTION refuse_job() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.args->'notification'->>'status' = 'REFUSED' THEN
				RAISE EXCEPTION 'job queue refused inbox %', NEW.args->>'inbox_id';
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_job BEFORE INSERT ON river_job FOR EACH ROW EXECUTE FUNCTION refuse_job()`); err != nil {
		t.Fatal(err)
	}
	receiver := store.InboxReceiver{DB: db, OnAcceptedBatch: o.InboxBatchHook()}
	var batch []store.InboundCallback
	for i := range 10 {
		batch = append(batch, statusCallback(fmt.Sprint("group-", i), fmt.Sprint("order-", i), "FOC"))
	}
	refused := statusCallback("group-refused", "order-refused", "REFUSED")

	_, err := receiver.AcceptBatch(ctx, append(append([]store.InboundCallback{}, batch...), refused))
	if err == nil || !strings.Contains(err.Error(), "job queue refused") {
		t.Fatalf("AcceptBatch error = %v, want the job queue's refusal", err)
	}
	if n := countOf(t, db, `SELECT count(*) FROM callback_inbox`); n != 0 {
		t.Errorf("%d inbox rows of the failed group stored, want none", n)
	}
	if n := countOf(t, db, `SELECT count(*) FROM river_job`); n != 0 {
		t.Errorf("%d jobs of the failed group queued, want none", n)
	}

	// Nothing of the failed group blocks its callbacks later (no dedupe key was taken).
	res, err := receiver.AcceptBatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Duplicate {
			t.Errorf("callback %d counted as a duplicate of the rolled-back group", i)
		}
	}
	if n := countOf(t, db, `SELECT count(*) FROM river_job j JOIN callback_inbox c ON c.id = (j.args->>'inbox_id')::bigint`); n != len(batch) {
		t.Errorf("%d jobs for the retried group, want %d", n, len(batch))
	}
}
