package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/order"
)

// scenario is one of a run's two halves: how many callbacks the sandbox drops.
type scenario struct {
	name string
	drop float64
}

// result is what one scenario measured.
type result struct {
	requests  int
	statuses  map[order.Status]int
	completed int
	// wall is from the first submission to the last request finishing.
	wall time.Duration
	// transactions is the database's transaction count over the scenario: engine start,
	// submissions, the flow, River's background work, shutdown.
	transactions int64
	// apiCalls are the Bandwidth API requests the sandbox received from the first submission to
	// the last request finishing (the callback subscriptions set up before are not counted);
	// tokenCalls the OAuth2 token requests in that time.
	apiCalls, tokenCalls int64
	// byEndpoint splits the same calls by endpoint, from portflow_bandwidth_api_calls_total.
	byEndpoint map[string]float64
	// reaction holds, sorted, every callback's reaction: from its arrival to the start of the job
	// that makes the Bandwidth call it causes (first attempts only).
	reaction []time.Duration
	// reactionRetried counts reactions whose job needed more than one attempt.
	reactionRetried int
	// Where the reaction goes, each sorted: the callback job's wait in the queue, the time from
	// the arrival until the effect job is committed (the callback job's wait and its work), and
	// the effect job's wait in the queue.
	callbackJobWait, arrivalToEffect, effectJobWait []time.Duration
	// histP99 is the bucket bound portflow_callback_reaction_seconds puts the p99 in: portflow's
	// own view of the same latency, to cross-check the measurement.
	histP99   float64
	callbacks map[sandbox.CallbackOutcome]int
	// missed is portflow_callbacks_missed_total: changes the reconciler found first.
	missed float64
	jobs   map[string]int
	// violations are the protocol rules the sandbox saw portflow break.
	violations []string
	// load is the machine's highest one-minute load average seen at the start and the end: a
	// benchmark on a machine busy with other work measures that work too.
	load float64
}

func (r result) perCompleted(n float64) float64 {
	if r.completed == 0 {
		return 0
	}
	return n / float64(r.completed)
}

func (r result) throughput() float64 {
	if r.wall <= 0 {
		return 0
	}
	return float64(r.completed) / r.wall.Seconds()
}

func (r result) summary() string {
	return fmt.Sprintf("%d/%d completed in %.1fs (%.1f/s); %.1f Postgres transactions, %.1f API calls per completed request; reaction p50 %.0f ms, p99 %.0f ms",
		r.completed, r.requests, r.wall.Seconds(), r.throughput(), r.perCompleted(float64(r.transactions)),
		r.perCompleted(float64(r.apiCalls)), ms(percentile(r.reaction, 0.50)), ms(percentile(r.reaction, 0.99)))
}

// runScenario runs one scenario on a fresh database and drops the database afterwards.
func runScenario(ctx context.Context, cfg config, sc scenario, seed uint64, logf func(string, ...any)) (res result, err error) {
	db, err := createDatabase(ctx, cfg.databaseURL)
	if db != nil {
		defer func() {
			if cfg.keep {
				logf("  database %s kept", db.name)
				db.close()
				return
			}
			if derr := db.drop(); derr != nil {
				err = errors.Join(err, derr)
			}
		}()
	}
	if err != nil {
		return result{}, err
	}
	txBefore, err := db.transactions(ctx)
	if err != nil {
		return result{}, err
	}

	eng, err := startEngine(ctx, cfg, sc, db.url, seed)
	if err != nil {
		if eng != nil {
			eng.stop()
		}
		return result{}, err
	}
	res = result{requests: cfg.requests, load: loadAverage()}
	apiBefore, tokensBefore := eng.calls.api.Load(), eng.calls.tokens.Load()
	endpointsBefore, err := counterByLabel(eng.registry, "portflow_bandwidth_api_calls_total", "endpoint")
	if err != nil {
		eng.stop()
		return result{}, err
	}

	firstSubmit, runErr := feed(ctx, eng.orch, eng.registry, workload(cfg.mix, cfg.requests), cfg.concurrency, cfg.timeout, logf)
	res.apiCalls = eng.calls.api.Load() - apiBefore
	res.tokenCalls = eng.calls.tokens.Load() - tokensBefore
	endpointsAfter, err := counterByLabel(eng.registry, "portflow_bandwidth_api_calls_total", "endpoint")
	if err != nil {
		runErr = errors.Join(runErr, err)
	}
	res.byEndpoint = map[string]float64{}
	for k, v := range endpointsAfter {
		if d := v - endpointsBefore[k]; d > 0 {
			res.byEndpoint[k] = d
		}
	}
	res.load = max(res.load, loadAverage())
	eng.stop()
	res.callbacks = map[sandbox.CallbackOutcome]int{}
	for _, cb := range eng.sandbox.Callbacks() {
		res.callbacks[cb.Outcome]++
	}
	for _, v := range eng.sandbox.Violations() {
		res.violations = append(res.violations, fmt.Sprintf("%s: %s — %s", v.Rule, v.Request, v.Message))
	}
	if missed, err := counterByLabel(eng.registry, "portflow_callbacks_missed_total", ""); err == nil {
		res.missed = missed[""]
	}
	res.histP99 = histogramBound(eng.registry, "portflow_callback_reaction_seconds", 0.99)

	txAfter, err := db.transactions(ctx)
	if err != nil {
		return res, errors.Join(runErr, err)
	}
	res.transactions = txAfter - txBefore
	// The figures below are read after the count, on a connection of their own, so that reading
	// them costs the measured database nothing.
	if err := res.analyse(ctx, db.url, firstSubmit); err != nil {
		return res, errors.Join(runErr, err)
	}
	if runErr != nil {
		return res, fmt.Errorf("%w; final statuses %v", runErr, res.statuses)
	}
	return res, nil
}

// Request scenarios.
const (
	mixCompleting = "completing"
	mixWireline   = "wireline"
)

// workload builds n requests that all complete. The completing mix, per five requests: two
// wireline numbers whose CSR is found and whose customer typed the carrier's address, one where
// the customer's street number is wrong (the CSR's address wins), one number already on
// Bandwidth (an INTERNAL port) and one wireless number without a real-time CSR, where the
// customer gave the account number and PIN.
func workload(mix string, n int) []orchestrator.NewRequest {
	out := make([]orchestrator.NewRequest, n)
	for i := range out {
		kind := i % 5
		if mix == mixWireline {
			kind = 0
		}
		switch kind {
		case 0, 1:
			out[i] = customerRequest(sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete}, i), false)
		case 2:
			out[i] = customerRequest(sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete}, i), true)
		case 3:
			out[i] = customerRequest(sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierInternal, CSR: sandbox.CSRComplete}, i), false)
		case 4:
			tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireless, CSR: sandbox.CSRFailed}, i)
			out[i] = customerRequest(tn, false)
			rec := sandbox.CarrierRecordFor(tn)
			out[i].AccountNumber, out[i].PIN = order.Secret(rec.AccountNumber), order.Secret(rec.PIN)
		}
	}
	return out
}

// customerRequest is a request for one number as a customer would fill it in, from the losing
// carrier's record; wrongStreetNumber replaces the house number, which only the CSR can repair.
func customerRequest(tn string, wrongStreetNumber bool) orchestrator.NewRequest {
	rec := sandbox.CarrierRecordFor(tn)
	a := rec.ServiceAddress
	if wrongStreetNumber {
		a.HouseNumber = "9" + a.HouseNumber
	}
	// The carrier's customer name as the business name: the CSR comparison then finds only the
	// differences the scenario means to have.
	sub := order.Subscriber{Type: order.SubscriberBusiness, BusinessName: rec.CustomerName}
	return orchestrator.NewRequest{
		Numbers:              []string{tn},
		Subscriber:           sub,
		ServiceAddress:       order.Address{Line1: a.Line(), City: a.City, State: a.State, Zip: a.Zip},
		LoaAuthorizingPerson: "Jane Doe",
		Activation:           order.Activation{Mode: order.ActivationScheduled},
	}
}

// feed submits the requests so that at most concurrency of them are in the flow at once (a
// closed loop over whole port requests: a new one enters when one finishes), then waits until
// all have finished or the timeout passes. Progress is judged from the orchestrator's own
// transition counter: polling the database would add transactions to the count being measured.
// It returns when the first request was submitted.
func feed(ctx context.Context, orch *orchestrator.Orchestrator, reg *prometheus.Registry, reqs []orchestrator.NewRequest,
	concurrency int, timeout time.Duration, logf func(string, ...any)) (time.Time, error) {
	first := time.Now()
	deadline := first.Add(timeout)
	nextLog := first.Add(5 * time.Second)
	submitted := 0
	for {
		finished, err := finishedRequests(reg)
		if err != nil {
			return first, err
		}
		for submitted < len(reqs) && submitted-finished < concurrency {
			if _, _, err := orch.Create(ctx, reqs[submitted]); err != nil {
				return first, fmt.Errorf("submit request %d: %w", submitted, err)
			}
			submitted++
		}
		if finished >= len(reqs) {
			return first, nil
		}
		now := time.Now()
		if now.After(deadline) {
			return first, fmt.Errorf("%w: %d of %d finished after %s", errTimeout, finished, len(reqs), timeout)
		}
		if now.After(nextLog) {
			logf("  %d of %d finished", finished, len(reqs))
			nextLog = now.Add(5 * time.Second)
		}
		select {
		case <-ctx.Done():
			return first, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// finishedRequests counts the requests that reached a final status.
func finishedRequests(reg *prometheus.Registry) (int, error) {
	byStatus, err := counterByLabel(reg, "portflow_request_transitions_total", "to")
	if err != nil {
		return 0, err
	}
	finished := 0
	for status, v := range byStatus {
		if order.Status(status).Terminal() {
			finished += int(v)
		}
	}
	return finished, nil
}

// analyse reads, after the measurement, what the database recorded: final statuses, when the
// last request finished, the reaction of every callback-driven job, and the jobs by kind.
func (r *result) analyse(ctx context.Context, databaseURL string, firstSubmit time.Time) error {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return fmt.Errorf("connect for the analysis: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	r.statuses = map[order.Status]int{}
	rows, err := conn.Query(ctx, `SELECT status, count(*) FROM port_requests GROUP BY status`)
	if err != nil {
		return fmt.Errorf("count statuses: %w", err)
	}
	for rows.Next() {
		var (
			s string
			n int
		)
		if err := rows.Scan(&s, &n); err != nil {
			return err
		}
		r.statuses[order.Status(s)] = n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("count statuses: %w", err)
	}
	r.completed = r.statuses[order.StatusCompleted]

	var last *time.Time
	err = conn.QueryRow(ctx, `SELECT max(updated_at) FROM port_requests
		WHERE status IN ('completed', 'partially_completed', 'cancelled', 'failed')`).Scan(&last)
	if err != nil {
		return fmt.Errorf("find the last finished request: %w", err)
	}
	if last != nil {
		r.wall = last.Sub(firstSubmit)
	}

	// A callback's arrival is its inbox row's received_at, which the effect job carries as
	// notified_at; the job's first attempt starts with the Bandwidth call it exists for.
	rows, err = conn.Query(ctx, `SELECT attempt, extract(epoch FROM attempted_at - (args->>'notified_at')::timestamptz)
		FROM river_job WHERE kind = 'portflow_effect' AND args ? 'notified_at' AND attempted_at IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("read reactions: %w", err)
	}
	for rows.Next() {
		var (
			attempt int
			seconds float64
		)
		if err := rows.Scan(&attempt, &seconds); err != nil {
			return err
		}
		if attempt > 1 {
			r.reactionRetried++
			continue
		}
		r.reaction = append(r.reaction, time.Duration(seconds*float64(time.Second)))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read reactions: %w", err)
	}
	sort.Slice(r.reaction, func(i, j int) bool { return r.reaction[i] < r.reaction[j] })

	if r.callbackJobWait, err = durations(ctx, conn, `SELECT extract(epoch FROM attempted_at - created_at)
		FROM river_job WHERE kind = 'portflow_callback' AND attempted_at IS NOT NULL`); err != nil {
		return fmt.Errorf("read callback job waits: %w", err)
	}
	if r.arrivalToEffect, err = durations(ctx, conn, `SELECT extract(epoch FROM created_at - (args->>'notified_at')::timestamptz)
		FROM river_job WHERE kind = 'portflow_effect' AND args ? 'notified_at'`); err != nil {
		return fmt.Errorf("read effect enqueue delays: %w", err)
	}
	if r.effectJobWait, err = durations(ctx, conn, `SELECT extract(epoch FROM attempted_at - created_at)
		FROM river_job WHERE kind = 'portflow_effect' AND args ? 'notified_at' AND attempted_at IS NOT NULL AND attempt = 1`); err != nil {
		return fmt.Errorf("read effect job waits: %w", err)
	}

	r.jobs = map[string]int{}
	rows, err = conn.Query(ctx, `SELECT kind, count(*) FROM river_job GROUP BY kind`)
	if err != nil {
		return fmt.Errorf("count jobs: %w", err)
	}
	for rows.Next() {
		var (
			kind string
			n    int
		)
		if err := rows.Scan(&kind, &n); err != nil {
			return err
		}
		r.jobs[kind] = n
	}
	return rows.Err()
}

// loadAverage returns the one-minute load average (0 where /proc/loadavg does not exist).
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(fields[0], 64)
	return v
}

// durations runs a query of seconds and returns them as sorted durations.
func durations(ctx context.Context, conn *pgx.Conn, query string) ([]time.Duration, error) {
	rows, err := conn.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	secs, err := pgx.CollectRows(rows, pgx.RowTo[float64])
	if err != nil {
		return nil, err
	}
	out := make([]time.Duration, len(secs))
	for i, s := range secs {
		out[i] = time.Duration(s * float64(time.Second))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// counterByLabel sums a counter's series by one label's value ("" sums them all).
func counterByLabel(reg *prometheus.Registry, name, label string) (map[string]float64, error) {
	families, err := reg.Gather()
	if err != nil {
		return nil, fmt.Errorf("gather metrics: %w", err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			key := ""
			for _, lp := range m.GetLabel() {
				if label != "" && lp.GetName() == label {
					key = lp.GetValue()
				}
			}
			out[key] += m.GetCounter().GetValue()
		}
	}
	return out, nil
}

// histogramBound returns the upper bound of the histogram bucket that holds quantile q (+Inf past
// the last bucket, 0 when the histogram is empty or missing).
func histogramBound(reg *prometheus.Registry, name string, q float64) float64 {
	families, err := reg.Gather()
	if err != nil {
		return 0
	}
	for _, f := range families {
		if f.GetName() != name || len(f.GetMetric()) == 0 {
			continue
		}
		h := f.GetMetric()[0].GetHistogram()
		total := float64(h.GetSampleCount())
		if total == 0 {
			return 0
		}
		for _, b := range h.GetBucket() {
			if float64(b.GetCumulativeCount()) >= q*total {
				return b.GetUpperBound()
			}
		}
		return math.Inf(1)
	}
	return 0
}
