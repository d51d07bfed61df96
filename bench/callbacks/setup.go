package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/callbacks"
	portflowconfig "github.com/portflow/portflow/internal/config"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/secrets"
	"github.com/portflow/portflow/internal/server"
	"github.com/portflow/portflow/internal/store"
)

// Credentials the load generator presents; the reference receiver ignores them.
const (
	benchUser     = "bandwidth"
	benchPassword = "bench-callback-password"
)

// Seeded orders: half of the load names one of them (so the intake's known-order lookups hit real
// index entries), the other half names orders portflow has never seen.
const (
	seededRequests = 1000
	seededOrders   = 10000
	seededCsrs     = 2000
)

// target is one HTTP receiver under test.
type target struct {
	name     string
	url      string
	server   *http.Server
	accepted atomic.Int64 // 200s it gave, warm-up included
	// registry holds portflow's metrics (nil for the reference).
	registry *prometheus.Registry
}

// writeGroups reads portflow's group-commit histogram: transactions so far and the callbacks
// they carried.
func (t *target) writeGroups() (transactions uint64, callbacks float64) {
	if t.registry == nil {
		return 0, 0
	}
	families, err := t.registry.Gather()
	if err != nil {
		return 0, 0
	}
	for _, f := range families {
		if f.GetName() == "portflow_callback_write_batch_size" && len(f.GetMetric()) == 1 {
			h := f.GetMetric()[0].GetHistogram()
			return h.GetSampleCount(), h.GetSampleSum()
		}
	}
	return 0, 0
}

// facts describe the run for the report.
type facts struct {
	cpus              int
	goVersion         string
	postgresVersion   string
	synchronousCommit string
	maxConnections    int
	poolSize          int32
}

type env struct {
	cfg          config
	adminURL     string
	created      []string
	referenceURL string
	db           *store.DB
	refPool      *pgxpool.Pool
	portflow     *target
	reference    *target
	facts        facts
	sequence     atomic.Int64 // makes every notification distinct
}

// setUp creates and prepares both databases and starts both receivers on loopback. On error the
// returned env (when not nil) still needs tearDown.
func setUp(ctx context.Context, cfg config, logf func(string, ...any)) (*env, error) {
	e := &env{cfg: cfg, adminURL: cfg.databaseURL}
	admin, err := pgx.Connect(ctx, cfg.databaseURL)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w (set PORTFLOW_BENCH_DATABASE_URL or -database-url)", redact(cfg.databaseURL), err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if err := e.readFacts(ctx, admin); err != nil {
		return nil, err
	}

	suffix := randomSuffix()
	portflowName, referenceName := "pfbench_portflow_"+suffix, "pfbench_reference_"+suffix
	for _, name := range []string{portflowName, referenceName} {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return e, fmt.Errorf("create database %s (the role needs CREATEDB): %w", name, err)
		}
		e.created = append(e.created, name)
	}
	portflowURL, err := withDatabase(cfg.databaseURL, portflowName)
	if err != nil {
		return e, err
	}
	if e.referenceURL, err = withDatabase(cfg.databaseURL, referenceName); err != nil {
		return e, err
	}
	logf("databases %s and %s created; migrating portflow's schema", portflowName, referenceName)

	m, err := store.NewMigrator(portflowURL)
	if err != nil {
		return e, err
	}
	_, err = m.Up(ctx)
	_ = m.Close()
	if err != nil {
		return e, err
	}
	if e.db, err = store.Open(ctx, portflowURL, store.Options{MaxConns: cfg.poolSize, ApplicationName: "portflow-bench"}); err != nil {
		return e, err
	}
	if err := seedOrders(ctx, e.db); err != nil {
		return e, err
	}
	intake := callbacks.Options{MaxBatch: cfg.maxBatch, MaxConcurrentWrites: cfg.writers}
	if e.portflow, err = startPortflow(ctx, e.db, intake, cfg.perEntryJobs); err != nil {
		return e, err
	}

	refCfg, err := pgxpool.ParseConfig(e.referenceURL)
	if err != nil {
		return e, err
	}
	refCfg.MaxConns = cfg.poolSize
	if e.refPool, err = pgxpool.NewWithConfig(ctx, refCfg); err != nil {
		return e, fmt.Errorf("reference pool: %w", err)
	}
	// The reference receiver's table, and an identical one for pgbench so the two never mix.
	for _, table := range []string{"callbacks", "pgbench_callbacks"} {
		if _, err := e.refPool.Exec(ctx, `CREATE TABLE `+table+` (
			id          bigserial PRIMARY KEY,
			body        bytea NOT NULL,
			received_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return e, fmt.Errorf("create table %s: %w", table, err)
		}
	}
	if e.reference, err = startReference(e.refPool); err != nil {
		return e, err
	}
	return e, nil
}

func (e *env) readFacts(ctx context.Context, admin *pgx.Conn) error {
	e.facts = facts{cpus: runtime.NumCPU(), goVersion: runtime.Version(), poolSize: e.cfg.poolSize}
	var maxConns, reserved, inUse int
	err := admin.QueryRow(ctx, `SELECT current_setting('server_version'), current_setting('synchronous_commit'),
		current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int,
		(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int`).
		Scan(&e.facts.postgresVersion, &e.facts.synchronousCommit, &maxConns, &reserved, &inUse)
	if err != nil {
		return fmt.Errorf("read server settings: %w", err)
	}
	e.facts.maxConnections = maxConns
	if free := maxConns - reserved - inUse - 2*int(e.cfg.poolSize); free < 10 {
		return fmt.Errorf("the server has %d connections free; the benchmark needs both receivers' pools (%d each) and room for pgbench", free, e.cfg.poolSize)
	}
	return nil
}

// seedOrders gives the inbox's known-order lookups real rows to find.
func seedOrders(ctx context.Context, db *store.DB) error {
	return db.InTx(ctx, func(tx pgx.Tx) error {
		stmts := []string{
			fmt.Sprintf(`INSERT INTO port_requests (id, status, state, number_count)
				SELECT md5('request' || i)::uuid, 'submitted', '{}', 10 FROM generate_series(1, %d) i`, seededRequests),
			fmt.Sprintf(`INSERT INTO port_orders (id, request_id, status, bandwidth_order_id)
				SELECT 'pf-' || lpad(i::text, 8, '0'), md5('request' || (i %% %d + 1))::uuid, 'submitted', %s
				FROM generate_series(0, %d) i`, seededRequests, knownOrderIDSQL, seededOrders-1),
			fmt.Sprintf(`INSERT INTO csr_lookups (csr_order_id, port_order_id, request_id, status)
				SELECT 'csr-' || i, 'pf-' || lpad(i::text, 8, '0'), md5('request' || (i %% %d + 1))::uuid, 'RECEIVED'
				FROM generate_series(0, %d) i`, seededRequests, seededCsrs-1),
			`ANALYZE port_orders; ANALYZE csr_lookups`,
		}
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return fmt.Errorf("seed orders: %w", err)
			}
		}
		return nil
	})
}

// knownOrderIDSQL renders order i's Bandwidth id exactly as knownOrderID does.
const knownOrderIDSQL = `lpad(to_hex(i), 8, '0') || '-0000-4000-8000-000000000000'`

// startPortflow serves the real callback handler behind portflow's real HTTP middleware, with the
// intake wired as the server wires it (cmd/server/assemble.go): the orchestrator's job hook, which
// queues each group's processing jobs with one River InsertManyTx in the inbox transaction
// (InboxBatchHook), or (perEntryJobs) one InsertTx per callback (InboxHook). The orchestrator is
// built as the server builds it, sharing the pool, but not started: its workers would process the
// jobs and call Bandwidth, which is not what this benchmark measures, and would compete with the
// receivers for the CPUs. Its Bandwidth client points at a loopback port nothing listens on.
func startPortflow(ctx context.Context, db *store.DB, opts callbacks.Options, perEntryJobs bool) (*target, error) {
	registry := prometheus.NewRegistry()
	orch, err := newOrchestrator(db, registry)
	if err != nil {
		return nil, err
	}
	receiver := store.InboxReceiver{DB: db, OnAcceptedBatch: orch.InboxBatchHook()}
	if perEntryJobs {
		receiver = store.InboxReceiver{DB: db, OnAccepted: orch.InboxHook()}
	}
	opts.Credentials = []callbacks.Credential{{Username: benchUser, Password: benchPassword}}
	opts.Logger = zap.NewNop()
	opts.Registry = registry
	handler, err := callbacks.NewHandler(receiver, opts)
	if err != nil {
		return nil, err
	}
	srv := server.New(server.Options{Logger: zap.NewNop(), Registry: registry, DB: db, Version: "bench"})
	srv.Router.Handle(portflowconfig.CallbackPath, handler)
	t, err := serve("portflow", srv.HTTPServer(ctx), portflowconfig.CallbackPath)
	if err != nil {
		return nil, err
	}
	t.registry = registry
	return t, nil
}

// newOrchestrator builds the orchestrator whose intake hooks the benchmark measures.
func newOrchestrator(db *store.DB, registry *prometheus.Registry) (*orchestrator.Orchestrator, error) {
	bw, err := bandwidth.New(bandwidth.Config{
		BaseURL: "http://127.0.0.1:9/api", TokenURL: "http://127.0.0.1:9/api/v1/oauth2/token", AccountID: "9900000",
		ClientID: "bench-unused", ClientSecret: "bench-unused",
	})
	if err != nil {
		return nil, fmt.Errorf("Bandwidth client: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("encryption key: %w", err)
	}
	box, err := secrets.New(key)
	if err != nil {
		return nil, err
	}
	return orchestrator.New(orchestrator.Options{
		DB: db, Box: box, Bandwidth: bw, Logger: zap.NewNop(), Registry: registry, SiteID: "1001", PeerID: "2001",
	})
}

// startReference serves the minimal receiver: read the body, one INSERT, 200.
func startReference(pool *pgxpool.Pool) (*target, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /callbacks/bandwidth", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		if _, err := pool.Exec(r.Context(), `INSERT INTO callbacks (body) VALUES ($1)`, body); err != nil {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	return serve("reference", &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}, "/callbacks/bandwidth")
}

func serve(name string, srv *http.Server, path string) (*target, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for %s: %w", name, err)
	}
	go func() { _ = srv.Serve(ln) }()
	return &target{name: name, url: "http://" + ln.Addr().String() + path, server: srv}, nil
}

// tearDown stops the receivers, closes the pools and drops the databases, even after a failure
// or an interrupt.
func (e *env) tearDown(logf func(string, ...any)) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, t := range []*target{e.portflow, e.reference} {
		if t != nil {
			_ = t.server.Shutdown(ctx)
		}
	}
	if e.db != nil {
		e.db.Close()
	}
	if e.refPool != nil {
		e.refPool.Close()
	}
	if len(e.created) == 0 {
		return
	}
	admin, err := pgx.Connect(ctx, e.adminURL)
	if err != nil {
		logf("cleanup: cannot connect to drop %v: %v", e.created, err)
		return
	}
	defer admin.Close(ctx)
	for _, name := range e.created {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			logf("cleanup: drop %s: %v", name, err)
		}
	}
	logf("databases %v dropped", e.created)
}

// inboxCheck is the after-run count: every callback portflow accepted must be in the inbox with
// its processing job.
type inboxCheck struct {
	accepted, rows, jobs   int64
	referenceAccepted      int64
	referenceRows          int64
	missingRows, extraJobs int64
}

func (c inboxCheck) complete() bool { return c.rows == c.accepted && c.jobs == c.accepted }

func (e *env) verifyInbox(ctx context.Context) (inboxCheck, error) {
	c := inboxCheck{accepted: e.portflow.accepted.Load(), referenceAccepted: e.reference.accepted.Load()}
	// A processing job names its inbox row in its args (inbox_id), whatever the job's kind.
	err := e.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM callback_inbox),
		(SELECT count(*) FROM river_job j JOIN callback_inbox c ON c.id = (j.args->>'inbox_id')::bigint)`).Scan(&c.rows, &c.jobs)
	if err != nil {
		return c, fmt.Errorf("count inbox rows: %w", err)
	}
	if err := e.refPool.QueryRow(ctx, `SELECT count(*) FROM callbacks`).Scan(&c.referenceRows); err != nil {
		return c, fmt.Errorf("count reference rows: %w", err)
	}
	c.missingRows = c.accepted - c.rows
	c.extraJobs = c.jobs - c.accepted
	return c, nil
}

func randomSuffix() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func redact(raw string) string {
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
