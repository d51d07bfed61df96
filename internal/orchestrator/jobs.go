package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/order"
)

// effectArgs is one effect to perform. The effect itself is sealed (it may carry a PIN).
type effectArgs struct {
	// RequestID, Effect and PortOrder identify the effect for unique jobs (creates).
	RequestID string           `json:"request_id" river:"unique"`
	Effect    order.EffectKind `json:"effect" river:"unique"`
	PortOrder string           `json:"port_order,omitempty" river:"unique"`
	Sealed    string           `json:"sealed"`
	Origin    origin           `json:"origin"`
	// NotifiedAt is when the callback that led here arrived (reaction-latency metric).
	NotifiedAt time.Time `json:"notified_at,omitzero"`
}

func (effectArgs) Kind() string { return "portflow_effect" }

// checkArgs asks for a reconcile tick (CheckDue) on one request.
type checkArgs struct {
	RequestID string `json:"request_id"`
}

func (checkArgs) Kind() string { return "portflow_check" }

// activationDueArgs fires at a scheduled on-demand activation time.
type activationDueArgs struct {
	RequestID    string    `json:"request_id"`
	PortOrder    string    `json:"port_order"`
	ScheduledFor time.Time `json:"scheduled_for"`
}

func (activationDueArgs) Kind() string { return "portflow_activation_due" }

// callbackArgs processes one stored callback.
type callbackArgs struct {
	InboxID    int64     `json:"inbox_id"`
	ReceivedAt time.Time `json:"received_at"`
	// Notification is the callback's content (see callbackArgsOf); nil for a note, and in jobs
	// queued before it existed: their worker reads the inbox row.
	Notification *notificationArgs `json:"notification,omitempty"`
}

func (callbackArgs) Kind() string { return "portflow_callback" }

// reconcileArgs is the periodic sweep for requests whose next check is due.
type reconcileArgs struct{}

func (reconcileArgs) Kind() string { return "portflow_reconcile" }

// singleFlight makes a check (per request) or a reconcile sweep unique among the queued and
// running ones, so overlapping sweeps and replicas never double it and a finished one never
// blocks the next — within one window of singleFlightWindow. River keeps a job running until its
// worker reports back, and a replica killed mid-job never does: River rescues the orphan only
// after RescueStuckJobsAfter (an hour by default). Unique while running alone would let one crash
// block a request's checks, or every sweep of the deployment, for that hour. With ByPeriod the
// unique key holds the window the job was queued in, so an orphan blocks new ones only until the
// window turns over. A check still waiting in the queue at a window boundary must not get a twin
// in the next window (under a backlog that would multiply the checks): the sweep skips requests
// whose check is still queued (see reconcileWorker).
var singleFlight = river.UniqueOpts{ByArgs: true, ByPeriod: singleFlightWindow, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}}

// singleFlightWindow is real time, not scaled with Options.TimeScale: it is about the job queue,
// not about Bandwidth. It is how long a crash can hold a request's checks (or the sweeps) back.
const singleFlightWindow = 10 * time.Second

func (reconcileArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{UniqueOpts: singleFlight} }

func (checkArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{UniqueOpts: singleFlight} }

// isCreate reports the effects that create an order at Bandwidth.
func isCreate(e order.Effect) bool {
	switch e.(type) {
	case order.CreateCsr, order.CreatePortIn, order.CreateBulkPortIn, order.PrepareDraft, order.SubmitBulk:
		return true
	}
	return false
}

// queuedStates are the River states of a job that will run (again) by itself. A running job is
// not among them: it may be the orphan of a dead replica, which only the unique window gets past.
const queuedStates = `('available', 'pending', 'scheduled', 'retryable')`

// runningBlocksReissue is how long a running create keeps a reissue of the same create out of
// the queue. The unique window alone lets a reissue in when the window turns over while the first
// run is still in flight (a slow call, or a decision waiting for the request's row), and two runs
// of a find-or-create that overlap both find nothing and both create. A run older than this is
// taken for the orphan of a dead replica and no longer blocks.
const runningBlocksReissue = time.Minute

// effectWaiting reports whether the same effect (same request, kind and port order) already waits
// in the queue, or has been running for less than runningBlocksReissue.
func effectWaiting(ctx context.Context, tx pgx.Tx, a effectArgs) (bool, error) {
	var waiting bool
	err := tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM river_job
		 WHERE kind = $1
		   AND (state IN `+queuedStates+` OR (state = 'running' AND attempted_at > now() - $5::interval))
		   AND args->>'request_id' = $2 AND args->>'effect' = $3 AND coalesce(args->>'port_order', '') = $4)`,
		a.Kind(), a.RequestID, string(a.Effect), a.PortOrder, runningBlocksReissue).Scan(&waiting)
	if err != nil {
		return false, fmt.Errorf("look for a queued %s of %s: %w", a.Effect, a.RequestID, err)
	}
	return waiting, nil
}

// retryPolicy retries failed jobs quickly at first (Bandwidth 5xx are usually brief) and then
// backs off to at most 10 minutes, with jitter so that a Bandwidth outage does not end in a
// thundering herd.
type retryPolicy struct{}

func (retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	d := time.Second << min(job.Attempt, 10)
	d = min(d, 10*time.Minute)
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	return time.Now().Add(d)
}

type effectWorker struct {
	river.WorkerDefaults[effectArgs]
	o *Orchestrator
}

func (w *effectWorker) Work(ctx context.Context, job *river.Job[effectArgs]) error {
	o, a := w.o, job.Args
	e, err := o.openEffect(a)
	if err != nil {
		o.log.Error("effect job cannot be read; dropping it", zap.String("request_id", a.RequestID), zap.Error(err))
		return river.JobCancel(err)
	}
	if !a.NotifiedAt.IsZero() && job.Attempt == 1 {
		o.metrics.reactionLatency.Observe(time.Since(a.NotifiedAt).Seconds())
	}
	ev, evidence, err := o.perform(ctx, a.RequestID, e)
	if err != nil {
		var bwErr *bandwidth.Error
		if errors.As(err, &bwErr) && bwErr.Class == bandwidth.ClassRateLimited && !bwErr.RetryAt.IsZero() {
			return river.JobSnooze(time.Until(bwErr.RetryAt) + 50*time.Millisecond)
		}
		o.log.Warn("effect failed; will retry", zap.String("request_id", a.RequestID), zap.String("effect", string(a.Effect)),
			zap.String("port_order", a.PortOrder), zap.Int("attempt", job.Attempt), zap.Error(err))
		return err
	}
	if ev == nil {
		return nil
	}
	return w.o.applyFromJob(ctx, a.RequestID, ev, a.Origin, evidence)
}

// applyFromJob applies an event produced by a job; a refusal by the state machine is final (the
// request moved on meanwhile), so it ends the job instead of retrying it.
func (o *Orchestrator) applyFromJob(ctx context.Context, requestID string, ev order.Event, org origin, evidence any) error {
	_, err := o.apply(ctx, requestID, ev, org, evidence)
	var rejected *order.RejectedError
	if errors.As(err, &rejected) {
		o.log.Info("event no longer applies", zap.String("request_id", requestID), zap.String("event", string(ev.Kind())), zap.String("reason", rejected.Message))
		return nil
	}
	return err
}

type checkWorker struct {
	river.WorkerDefaults[checkArgs]
	o *Orchestrator
}

func (w *checkWorker) Work(ctx context.Context, job *river.Job[checkArgs]) error {
	return w.o.applyFromJob(ctx, job.Args.RequestID, order.CheckDue{At: w.o.now()}, originReconcile, nil)
}

type activationDueWorker struct {
	river.WorkerDefaults[activationDueArgs]
	o *Orchestrator
}

func (w *activationDueWorker) Work(ctx context.Context, job *river.Job[activationDueArgs]) error {
	a := job.Args
	return w.o.applyFromJob(ctx, a.RequestID, order.ActivationDue{At: w.o.now(), PortOrder: a.PortOrder, ScheduledFor: a.ScheduledFor}, originFlow, nil)
}

type reconcileWorker struct {
	river.WorkerDefaults[reconcileArgs]
	o *Orchestrator
}

// Work enqueues a check for every request whose next check is due and that has none waiting in
// the queue yet. Checks are also unique while queued or running (singleFlight), so overlapping
// sweeps (or replicas) never double a check.
func (w *reconcileWorker) Work(ctx context.Context, _ *river.Job[reconcileArgs]) error {
	ids, err := w.o.requests.Due(ctx, w.o.now(), 1000)
	if err != nil || len(ids) == 0 {
		return err
	}
	// Only checks waiting in the queue count (see queuedStates).
	rows, err := w.o.db.Pool.Query(ctx, `
		SELECT DISTINCT args->>'request_id' FROM river_job
		 WHERE kind = $1 AND state IN `+queuedStates+`
		   AND args->>'request_id' = ANY($2::text[])`, checkArgs{}.Kind(), ids)
	if err != nil {
		return fmt.Errorf("find queued checks: %w", err)
	}
	queued, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("find queued checks: %w", err)
	}
	waiting := make(map[string]bool, len(queued))
	for _, id := range queued {
		waiting[id] = true
	}
	params := make([]river.InsertManyParams, 0, len(ids))
	for _, id := range ids {
		if !waiting[id] {
			params = append(params, river.InsertManyParams{Args: checkArgs{RequestID: id}})
		}
	}
	if len(params) == 0 {
		return nil
	}
	_, err = w.o.river.InsertMany(ctx, params)
	return err
}

func (w *reconcileWorker) Timeout(*river.Job[reconcileArgs]) time.Duration { return 30 * time.Second }
