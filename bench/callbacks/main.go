// Command callbacks is the load benchmark of portflow's Bandwidth callback intake. It is run on
// purpose (bench/callbacks/run.sh), never in CI, and touches nothing but loopback and the
// databases it creates and drops itself.
//
// In one run, at each connection count, it measures:
//
//   - portflow: the real callback handler behind the real HTTP middleware, with the real store
//     (one transaction: inbox INSERT … RETURNING plus the River job insert) on a real Postgres;
//   - reference: a minimal receiver, net/http + pgx, one INSERT of the raw body per request;
//   - pgbench: a one-row INSERT script, the ceiling this machine's Postgres sets.
//
// Every request is a distinct authenticated port-in notification, so every 200 must leave one
// inbox row and one processing job behind; the benchmark counts them afterwards. It prints a
// markdown table and a verdict on the target: at 64 connections portflow sustains at least 70% of
// the reference's throughput with a p99 under twice the reference's, with zero errors and no
// accepted callback missing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

type config struct {
	databaseURL  string
	connections  []int
	duration     time.Duration
	slice        time.Duration
	warmup       time.Duration
	pgbench      string
	poolSize     int32
	targetConns  int
	minRatio     float64
	maxP99Factor float64
	cpuProfile   string
	maxBatch     int
	writers      int
	perEntryJobs bool
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench/callbacks:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	// Bounded in time whatever happens: the levels' own durations plus generous set-up room.
	budget := time.Duration(len(cfg.connections))*3*(cfg.duration+cfg.warmup+10*time.Second) + 2*time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return fmt.Errorf("-cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("-cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	env, err := setUp(ctx, cfg, logf)
	if env != nil {
		defer env.tearDown(logf)
	}
	if err != nil {
		return err
	}

	var rows []resultRow
	for _, conns := range cfg.connections {
		ref, pf, err := env.measurePair(ctx, conns, cfg)
		if err != nil {
			return fmt.Errorf("at %d connections: %w", conns, err)
		}
		logf("reference  c=%-3d %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d", conns, ref.throughput(), ms(ref.p50), ms(ref.p99), ref.errors)
		logf("portflow   c=%-3d %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d  (%.1f callbacks per transaction)", conns, pf.throughput(), ms(pf.p50), ms(pf.p99), pf.errors, pf.groupSize)
		pgb, err := env.measurePgbench(ctx, conns, cfg)
		if err != nil {
			logf("pgbench    c=%-3d skipped: %v", conns, err)
		} else {
			logf("pgbench    c=%-3d %8.0f tx/s   p50 %6.2f ms  p99 %6.2f ms", pgb.clients, pgb.throughput(), ms(pgb.p50), ms(pgb.p99))
		}
		rows = append(rows, resultRow{conns: conns, reference: ref, portflow: pf, pgbench: pgb, pgbenchErr: err})
	}
	check, err := env.verifyInbox(ctx)
	if err != nil {
		return err
	}
	passed := printReport(stdout, cfg, env.facts, rows, check)
	if !passed {
		return errors.New("target not met (see the verdict above)")
	}
	return nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("bench/callbacks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defaultURL := os.Getenv("PORTFLOW_BENCH_DATABASE_URL")
	if defaultURL == "" {
		defaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	var (
		cfg   config
		conns string
	)
	fs.StringVar(&cfg.databaseURL, "database-url", defaultURL, "Postgres server to create the benchmark databases on (env PORTFLOW_BENCH_DATABASE_URL); the role needs CREATEDB")
	fs.StringVar(&conns, "connections", "1,16,64,256", "comma-separated concurrent HTTP connections per level")
	fs.DurationVar(&cfg.duration, "duration", 6*time.Second, "measured time per system and level")
	fs.DurationVar(&cfg.slice, "slice", 2*time.Second, "the reference and portflow take turns in slices this long")
	fs.DurationVar(&cfg.warmup, "warmup", time.Second, "unmeasured load on each system before a level's measurement")
	fs.StringVar(&cfg.pgbench, "pgbench", "pgbench", "pgbench executable (the row is skipped when it is missing)")
	var pool int
	fs.IntVar(&pool, "pool", 0, "Postgres pool size of both receivers; 0 = portflow's default, max(4, CPUs)")
	fs.IntVar(&cfg.targetConns, "target-connections", 64, "level the verdict is judged at")
	fs.Float64Var(&cfg.minRatio, "min-ratio", 0.70, "portflow throughput must reach this fraction of the reference's")
	fs.Float64Var(&cfg.maxP99Factor, "max-p99-factor", 2.0, "portflow p99 must stay under this multiple of the reference's")
	fs.IntVar(&cfg.maxBatch, "max-batch", 0, "portflow's callbacks.Options.MaxBatch (group commit; 1 = a transaction per callback); 0 = its default")
	fs.IntVar(&cfg.writers, "writers", 0, "portflow's callbacks.Options.MaxConcurrentWrites; 0 = its default")
	fs.BoolVar(&cfg.perEntryJobs, "per-entry-jobs", false, "enqueue jobs with the orchestrator's per-callback hook (InboxHook as OnAccepted: one River InsertTx per callback) instead of the server's batched one (InboxBatchHook as OnAcceptedBatch: one InsertManyTx per group)")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run (receivers and load generator share the process) to this file")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	for _, s := range strings.Split(conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 4096 {
			return config{}, fmt.Errorf("-connections: %q is not a count from 1 to 4096", s)
		}
		cfg.connections = append(cfg.connections, n)
	}
	if cfg.duration < time.Second || cfg.duration > 5*time.Minute {
		return config{}, errors.New("-duration must be from 1s to 5m")
	}
	if cfg.slice < 500*time.Millisecond || cfg.slice > cfg.duration {
		return config{}, errors.New("-slice must be from 500ms to -duration")
	}
	if pool < 0 || pool > 1000 {
		return config{}, errors.New("-pool must be from 0 to 1000")
	}
	cfg.poolSize = int32(pool)
	if cfg.poolSize == 0 {
		cfg.poolSize = int32(max(4, runtime.NumCPU())) // pgxpool's default, which portflow uses
	}
	if _, err := pgx.ParseConfig(cfg.databaseURL); err != nil {
		return config{}, fmt.Errorf("-database-url: %w", err)
	}
	return cfg, nil
}

// withDatabase returns serverURL pointing at database name.
func withDatabase(serverURL, name string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("parse database URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
