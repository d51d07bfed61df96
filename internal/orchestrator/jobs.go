package orchestrator

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/order"
)

// effectArgs is one effect to perform. The effect itself is sealed (it may carry a PIN).
type effectArgs struct {
	RequestID string           `json:"request_id"`
	Effect    order.EffectKind `json:"effect"`
	PortOrder string           `json:"port_order,omitempty"`
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
}

func (callbackArgs) Kind() string { return "portflow_callback" }

// reconcileArgs is the periodic sweep for requests whose next check is due.
type reconcileArgs struct{}

func (reconcileArgs) Kind() string { return "portflow_reconcile" }

// uniqueWhileQueued makes a job unique among the queued and running ones only, so a finished
// check never blocks the next.
var uniqueWhileQueued = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}}

func (reconcileArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: uniqueWhileQueued}
}

func (checkArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: uniqueWhileQueued}
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

// Work enqueues a check for every request whose next check is due. Checks are unique while
// queued, so overlapping sweeps (or replicas) never double a check.
func (w *reconcileWorker) Work(ctx context.Context, _ *river.Job[reconcileArgs]) error {
	ids, err := w.o.requests.Due(ctx, w.o.now(), 1000)
	if err != nil || len(ids) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: checkArgs{RequestID: id}}
	}
	_, err = w.o.river.InsertMany(ctx, params)
	return err
}

func (w *reconcileWorker) Timeout(*river.Job[reconcileArgs]) time.Duration { return 30 * time.Second }
