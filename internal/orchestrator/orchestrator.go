// Package orchestrator runs portflow's porting flow. It owns the transactions (every state
// change: lock the request row, order.Decide, save the state and the timeline, enqueue follow-up
// jobs — in one transaction), the job queue (River on Postgres), the workers that call Bandwidth
// (never inside a transaction), the processing of stored callbacks, the reconciler that polls what
// callbacks missed, and the use cases the REST API calls. It is the one package that ties the
// store, the Bandwidth client and the queue together.
package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/secrets"
	"github.com/portflow/portflow/internal/store"
)

// Options configure an Orchestrator.
type Options struct {
	DB        *store.DB
	Box       *secrets.Box
	Bandwidth *bandwidth.Client
	Logger    *zap.Logger
	Registry  *prometheus.Registry

	// SiteID and PeerID are where ported numbers land (BANDWIDTH_SITE_ID, BANDWIDTH_PEER_ID).
	SiteID, PeerID string
	// CsrFailurePolicy is copied onto each new request.
	CsrFailurePolicy order.CsrFailurePolicy
	// CsrTimeout is how long a CSR may stay unanswered (default order.DefaultCsrTimeout).
	CsrTimeout time.Duration
	// BulkThreshold: requests with more numbers go through a bulk port-in (default
	// order.DefaultBulkThreshold). BulkForMultipleCarriers sends requests whose numbers have
	// several losing carriers through one too. Both are copied onto each new request.
	BulkThreshold           int
	BulkForMultipleCarriers bool
	// BulkDraftDeadline (default order.DefaultBulkDraftDeadline, scaled by TimeScale) is how long
	// a bulk draft waits for its slowest child.
	BulkDraftDeadline time.Duration

	// ReconcileInterval is how often the reconciler looks for requests whose check is due.
	// Default 5 s (scaled by TimeScale, at least 250 ms); the per-request cadence itself comes
	// from order.NextCheck.
	ReconcileInterval time.Duration
	// Workers is how many jobs one replica runs at once (default 32).
	Workers int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// TimeScale compresses portflow's own waiting (the reconcile cadence and the CSR timeout) for
	// a Bandwidth whose processing is compressed too: the sandbox. 1 (the default) is real time;
	// sandbox mode uses step/1 min, so the two-minute "check soon" takes two sandbox steps.
	TimeScale float64
}

// Orchestrator is the porting engine of one replica. Several replicas share the work through
// Postgres: River claims jobs with FOR UPDATE SKIP LOCKED and each decision locks its request row.
type Orchestrator struct {
	opts     Options
	db       *store.DB
	requests *store.Requests
	bw       *bandwidth.Client
	log      *zap.Logger
	river    *river.Client[pgx.Tx]
	metrics  *metrics
	now      func() time.Time
}

// New builds an orchestrator; Start runs its workers.
func New(opts Options) (*Orchestrator, error) {
	if opts.DB == nil || opts.Box == nil || opts.Bandwidth == nil || opts.Logger == nil || opts.Registry == nil {
		return nil, errors.New("orchestrator: DB, Box, Bandwidth, Logger and Registry are required")
	}
	if opts.TimeScale <= 0 {
		opts.TimeScale = 1
	}
	if opts.ReconcileInterval == 0 {
		opts.ReconcileInterval = max(250*time.Millisecond, time.Duration(float64(5*time.Second)*opts.TimeScale))
	}
	if opts.Workers == 0 {
		opts.Workers = 32
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CsrFailurePolicy == "" {
		opts.CsrFailurePolicy = order.CsrProceed
	}
	if opts.CsrTimeout == 0 {
		opts.CsrTimeout = time.Duration(float64(order.DefaultCsrTimeout) * opts.TimeScale)
	}
	if opts.BulkThreshold == 0 {
		opts.BulkThreshold = order.DefaultBulkThreshold
	}
	if opts.BulkDraftDeadline == 0 {
		opts.BulkDraftDeadline = time.Duration(float64(order.DefaultBulkDraftDeadline) * opts.TimeScale)
	}
	o := &Orchestrator{
		opts:     opts,
		db:       opts.DB,
		requests: store.NewRequests(opts.DB, opts.Box),
		bw:       opts.Bandwidth,
		log:      opts.Logger.Named("orchestrator"),
		now:      opts.Now,
	}
	m, err := newMetrics(opts.Registry)
	if err != nil {
		return nil, err
	}
	o.metrics = m

	workers := river.NewWorkers()
	river.AddWorker(workers, &effectWorker{o: o})
	river.AddWorker(workers, &checkWorker{o: o})
	river.AddWorker(workers, &activationDueWorker{o: o})
	river.AddWorker(workers, &callbackWorker{o: o})
	river.AddWorker(workers, &reconcileWorker{o: o})

	// River reports its routine start/stop at info; only its warnings belong in portflow's log.
	riverCore, err := zapcore.NewIncreaseLevelCore(o.log.Core(), zapcore.WarnLevel)
	if err != nil {
		riverCore = o.log.Core()
	}
	riverLog := slog.New(zapslog.NewHandler(riverCore, zapslog.WithName("river")))
	client, err := river.NewClient(riverpgxv5.New(opts.DB.Pool), &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}},
		Workers: workers,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(opts.ReconcileInterval),
				func() (river.JobArgs, *river.InsertOpts) { return reconcileArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
		// Jobs are picked up on LISTEN/NOTIFY within milliseconds; the poll is only a fallback.
		FetchCooldown:     20 * time.Millisecond,
		FetchPollInterval: time.Second,
		JobTimeout:        2 * time.Minute,
		// A job whose replica died (SIGKILL, OOM) is handed to another one soon after the job
		// timeout, not after River's default hour.
		RescueStuckJobsAfter: 3 * time.Minute,
		MaxAttempts:          25,
		Logger:               riverLog,
		ErrorHandler:         &jobErrorHandler{log: o.log},
		RetryPolicy:          retryPolicy{},
	})
	if err != nil {
		return nil, fmt.Errorf("create job client: %w", err)
	}
	o.river = client
	return o, nil
}

// Start runs the workers and the periodic reconciler until Stop.
func (o *Orchestrator) Start(ctx context.Context) error {
	if err := o.river.Start(ctx); err != nil {
		return fmt.Errorf("start job client: %w", err)
	}
	return nil
}

// Stop lets running jobs finish (until ctx ends), then stops the workers.
func (o *Orchestrator) Stop(ctx context.Context) error {
	if err := o.river.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stop job client: %w", err)
	}
	return nil
}

// Requests exposes the request store (read side for the API).
func (o *Orchestrator) Requests() *store.Requests { return o.requests }

// jobErrorHandler logs job failures; River retries them with backoff.
type jobErrorHandler struct{ log *zap.Logger }

func (h *jobErrorHandler) HandleError(_ context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	h.log.Warn("job failed; will retry", zap.String("kind", job.Kind), zap.Int64("job_id", job.ID),
		zap.Int("attempt", job.Attempt), zap.Error(err))
	return nil
}

func (h *jobErrorHandler) HandlePanic(_ context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	h.log.Error("job panicked; will retry", zap.String("kind", job.Kind), zap.Int64("job_id", job.ID),
		zap.Any("panic", panicVal), zap.String("trace", trace))
	return nil
}
