package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/callbacks"
	portflowconfig "github.com/portflow/portflow/internal/config"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/secrets"
	"github.com/portflow/portflow/internal/server"
	"github.com/portflow/portflow/internal/store"
)

// The sandbox's default account and OAuth2 client, and the callback credentials portflow
// registers on its subscriptions.
const (
	sandboxAccount      = "9900000"
	sandboxClientID     = "sandbox-client"
	sandboxClientSecret = "sandbox-secret"
	callbackUser        = "bandwidth"
	callbackPassword    = "bench-callback-password"
)

// engine is portflow's porting engine wired as portflow serve wires it, against a sandbox on its
// own loopback listener.
type engine struct {
	db       *store.DB
	sandbox  *sandbox.Sandbox
	orch     *orchestrator.Orchestrator
	registry *prometheus.Registry
	calls    *callCounter
	servers  []*http.Server
}

// startEngine builds and starts everything; on error the returned engine (when not nil) still
// needs stop.
func startEngine(ctx context.Context, cfg config, sc scenario, databaseURL string, seed uint64) (*engine, error) {
	e := &engine{registry: prometheus.NewRegistry()}
	log := warnLogger()
	var err error
	e.db, err = store.Open(ctx, databaseURL, store.Options{MaxConns: cfg.poolSize, ApplicationName: "portflow-bench-flow"})
	if err != nil {
		return nil, err
	}

	e.sandbox, err = sandbox.New(sandbox.Options{Step: cfg.step, Faults: sandbox.Faults{DropCallbacks: sc.drop}, Seed: seed})
	if err != nil {
		return e, fmt.Errorf("start sandbox: %w", err)
	}
	e.calls = &callCounter{next: e.sandbox.Handler()}
	sandboxURL, err := e.listen(&http.Server{Handler: e.calls, ReadHeaderTimeout: 5 * time.Second})
	if err != nil {
		return e, err
	}

	bw, err := bandwidth.New(bandwidth.Config{
		BaseURL: sandboxURL + "/api", TokenURL: sandboxURL + "/api/v1/oauth2/token", AccountID: sandboxAccount,
		ClientID: sandboxClientID, ClientSecret: sandboxClientSecret, UserAgent: "portflow-bench-flow",
		Observe: orchestrator.ObserveBandwidthCall(e.registry),
	})
	if err != nil {
		return e, fmt.Errorf("Bandwidth client: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return e, fmt.Errorf("encryption key: %w", err)
	}
	box, err := secrets.New(key)
	if err != nil {
		return e, err
	}
	e.orch, err = orchestrator.New(orchestrator.Options{
		DB: e.db, Box: box, Bandwidth: bw, Logger: log, Registry: e.registry, SiteID: "1001", PeerID: "2001",
		Workers: cfg.workers,
		// As in sandbox mode: one sandbox step stands for one minute of Bandwidth's time.
		TimeScale: float64(cfg.step) / float64(time.Minute),
	})
	if err != nil {
		return e, err
	}

	handler, err := callbacks.NewHandler(store.InboxReceiver{DB: e.db, OnAcceptedBatch: e.orch.InboxBatchHook()}, callbacks.Options{
		Credentials: []callbacks.Credential{{Username: callbackUser, Password: callbackPassword}}, Logger: log, Registry: e.registry,
	})
	if err != nil {
		return e, err
	}
	srv := server.New(server.Options{Logger: log, Registry: e.registry, DB: e.db, Version: "bench"})
	srv.Router.Method(http.MethodPost, portflowconfig.CallbackPath, handler)
	portflowURL, err := e.listen(srv.HTTPServer(ctx))
	if err != nil {
		return e, err
	}
	srv.SetReady(true)

	if err := e.orch.Start(ctx); err != nil {
		return e, err
	}
	err = e.orch.EnsureSubscriptions(ctx, orchestrator.CallbackSubscription{
		URL: portflowURL + portflowconfig.CallbackPath, Username: callbackUser, Password: callbackPassword,
	})
	if err != nil {
		return e, err
	}
	return e, nil
}

// listen serves srv on a loopback port and returns its base URL.
func (e *engine) listen(srv *http.Server) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen on loopback: %w", err)
	}
	e.servers = append(e.servers, srv)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// stop ends everything in the order portflow serve does, with the sandbox first so that no
// callback is in flight when portflow stops taking them; it closes the pool last, which ends the
// database sessions (and so flushes their statistics).
func (e *engine) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if e.sandbox != nil {
		e.sandbox.Close()
	}
	if e.orch != nil {
		_ = e.orch.Stop(ctx)
	}
	for i := len(e.servers) - 1; i >= 0; i-- {
		_ = e.servers[i].Shutdown(ctx)
	}
	if e.db != nil {
		e.db.Close()
	}
}

// callCounter counts the requests the sandbox receives: the Bandwidth API calls, and the OAuth2
// token requests apart. The inspection endpoints are not counted.
type callCounter struct {
	next   http.Handler
	api    atomic.Int64
	tokens atomic.Int64
}

func (c *callCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/oauth2/token"):
		c.tokens.Add(1)
	case !strings.HasPrefix(r.URL.Path, "/_sandbox/"):
		c.api.Add(1)
	}
	c.next.ServeHTTP(w, r)
}

// warnLogger writes portflow's warnings and errors to stderr: under load they are the first
// sign of trouble (retries, failed jobs), and routine lines would drown the progress output.
func warnLogger() *zap.Logger {
	enc := zap.NewDevelopmentEncoderConfig()
	enc.TimeKey = ""
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.Lock(os.Stderr), zap.WarnLevel)
	return zap.New(core)
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

func randomSuffix() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// errTimeout means the requests did not all finish within -timeout.
var errTimeout = errors.New("requests unfinished at the deadline")
