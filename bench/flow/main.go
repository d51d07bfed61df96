// Command flow is the end-to-end benchmark of portflow's porting flow. It is run on purpose
// (bench/flow/run.sh), never in CI, and touches nothing but loopback and the databases it creates
// and drops itself.
//
// One run submits N port requests whose scenarios all complete (CSR found, wireline; Bandwidth
// itself as losing carrier; wireless without a CSR but with account number and PIN) to the real
// engine — store, orchestrator with its River workers, the callback handler behind portflow's
// HTTP middleware on a loopback listener, the Bandwidth client — driving the in-process Bandwidth
// sandbox over loopback HTTP with a small lifecycle step. At most -concurrency requests are in
// the flow at once (a new one is submitted when one finishes), so portflow runs busy but not
// swamped by a backlog, as in production. When every request has finished it measures:
//
//   - completed requests per second, from the first submission to the last request finishing;
//   - Postgres transactions per completed request: the xact_commit+xact_rollback delta of the
//     benchmark's own database in pg_stat_database;
//   - Bandwidth API calls per completed request, counted where the sandbox receives them (the
//     OAuth2 token requests excluded), with the per-endpoint split from portflow's own
//     portflow_bandwidth_api_calls_total;
//   - reaction latency, from a callback's arrival (its inbox row) to the start of the job that
//     makes the Bandwidth call it causes, p50 and p99, with where that time goes (the queue
//     waits of the two jobs in between, from River's own timestamps).
//
// Each run does this twice, on a fresh database each time: with every callback delivered, then
// with the sandbox dropping a share of them (30% by default), so the reconciler has to find what
// the lost callbacks would have announced. The figures are printed as markdown tables, per run and
// as medians over the runs, next to the targets.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// config is the benchmark's command line.
type config struct {
	databaseURL string
	requests    int
	concurrency int
	step        time.Duration
	drop        float64
	runs        int
	timeout     time.Duration
	poolSize    int32
	workers     int
	mix         string
	seed        uint64
	keep        bool
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench/flow:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	// Bounded in time whatever happens: every scenario's own deadline plus room to set up and
	// tear down.
	budget := time.Duration(cfg.runs)*2*(cfg.timeout+time.Minute) + time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }

	facts, err := readFacts(ctx, cfg)
	if err != nil {
		return err
	}
	scenarios := []scenario{
		{name: "all callbacks delivered", drop: 0},
		{name: fmt.Sprintf("%.0f%% of callbacks dropped", cfg.drop*100), drop: cfg.drop},
	}
	var results [][]result // [run][scenario]
	for i := range cfg.runs {
		var row []result
		for _, sc := range scenarios {
			logf("run %d/%d, %s: %d requests", i+1, cfg.runs, sc.name, cfg.requests)
			res, err := runScenario(ctx, cfg, sc, uint64(i)+cfg.seed, logf)
			if err != nil {
				return fmt.Errorf("run %d, %s: %w", i+1, sc.name, err)
			}
			logf("  %s", res.summary())
			row = append(row, res)
		}
		results = append(results, row)
	}
	passed := printReport(stdout, cfg, facts, scenarios, results)
	if !passed {
		return errors.New("a target was missed (see the verdict above)")
	}
	return nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("bench/flow", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defaultURL := os.Getenv("PORTFLOW_BENCH_DATABASE_URL")
	if defaultURL == "" {
		defaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	var (
		cfg  config
		pool int
	)
	fs.StringVar(&cfg.databaseURL, "database-url", defaultURL, "Postgres server to create the benchmark databases on (env PORTFLOW_BENCH_DATABASE_URL); the role needs CREATEDB")
	fs.IntVar(&cfg.requests, "requests", 300, "port requests per scenario")
	fs.IntVar(&cfg.concurrency, "concurrency", 16, "port requests in the flow at once: a new one is submitted when one finishes")
	fs.DurationVar(&cfg.step, "step", 10*time.Millisecond, "the sandbox's lifecycle step; portflow's own waiting is compressed to match (TimeScale = step / 1 min)")
	fs.Float64Var(&cfg.drop, "drop", 0.3, "share of callbacks the sandbox drops in the second scenario")
	fs.IntVar(&cfg.runs, "runs", 1, "how many times to run both scenarios; the report gives the median of each figure")
	fs.DurationVar(&cfg.timeout, "timeout", 3*time.Minute, "hard limit for one scenario's requests to finish")
	fs.IntVar(&pool, "pool", 0, "Postgres pool size of the engine; 0 = what portflow serve uses (pgx's default, max(4, CPUs))")
	fs.IntVar(&cfg.workers, "workers", 0, "jobs run at once; 0 = portflow's default (32)")
	fs.StringVar(&cfg.mix, "mix", mixCompleting, "request scenarios: "+mixCompleting+" (wireline with CSR, Bandwidth-internal, wireless without CSR) or "+mixWireline+" (wireline with CSR only)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "the sandbox's fault seed of the first run (run i uses seed+i)")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the databases for inspection instead of dropping them (their names are printed)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	switch {
	case cfg.requests < 1 || cfg.requests > 20000:
		return config{}, errors.New("-requests must be from 1 to 20000")
	case cfg.concurrency < 1 || cfg.concurrency > 1000:
		return config{}, errors.New("-concurrency must be from 1 to 1000")
	case cfg.step < time.Millisecond || cfg.step > time.Second:
		return config{}, errors.New("-step must be from 1ms to 1s")
	case cfg.drop < 0 || cfg.drop > 1:
		return config{}, errors.New("-drop must be a share from 0 to 1")
	case cfg.runs < 1 || cfg.runs > 20:
		return config{}, errors.New("-runs must be from 1 to 20")
	case cfg.timeout < 5*time.Second || cfg.timeout > 30*time.Minute:
		return config{}, errors.New("-timeout must be from 5s to 30m")
	case pool < 0 || pool > 1000:
		return config{}, errors.New("-pool must be from 0 to 1000")
	case cfg.workers < 0 || cfg.workers > 1000:
		return config{}, errors.New("-workers must be from 0 to 1000")
	case cfg.mix != mixCompleting && cfg.mix != mixWireline:
		return config{}, fmt.Errorf("-mix must be %s or %s", mixCompleting, mixWireline)
	}
	cfg.poolSize = int32(pool)
	if _, err := pgx.ParseConfig(cfg.databaseURL); err != nil {
		return config{}, fmt.Errorf("-database-url: %w", err)
	}
	return cfg, nil
}

// facts describe the machine and settings of a run, for the report.
type facts struct {
	cpus            int
	goVersion       string
	postgresVersion string
	poolSize        int32
	workers         int
}

func readFacts(ctx context.Context, cfg config) (facts, error) {
	f := facts{cpus: runtime.NumCPU(), goVersion: runtime.Version(), poolSize: cfg.poolSize, workers: cfg.workers}
	if f.poolSize == 0 {
		f.poolSize = int32(max(4, runtime.NumCPU())) // pgxpool's default, which portflow serve uses
	}
	if f.workers == 0 {
		f.workers = 32 // orchestrator.Options.Workers' default
	}
	admin, err := pgx.Connect(ctx, cfg.databaseURL)
	if err != nil {
		return f, fmt.Errorf("connect to %s: %w (set PORTFLOW_BENCH_DATABASE_URL or -database-url)", redact(cfg.databaseURL), err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if err := admin.QueryRow(ctx, `SELECT current_setting('server_version')`).Scan(&f.postgresVersion); err != nil {
		return f, fmt.Errorf("read the server version: %w", err)
	}
	return f, nil
}

func redact(raw string) string {
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
