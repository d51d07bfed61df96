package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/config"
	"github.com/portflow/portflow/internal/telemetry"
)

// defaultSandboxAddr is where `portflow sandbox` listens unless SANDBOX_HTTP_ADDR says otherwise.
const defaultSandboxAddr = ":9090"

// sandboxShutdownTimeout bounds the graceful stop: in-flight API calls finish, then the callbacks
// already on their way are delivered (or recorded as not sent).
const sandboxShutdownTimeout = 5 * time.Second

// sandboxSettings is the configuration of `portflow sandbox`.
type sandboxSettings struct {
	addr      string
	logLevel  string
	logFormat string
	opts      sandbox.Options
}

// loadSandboxSettings reads the sandbox command's environment. Like config.Load it reports every
// problem at once, one per variable, so a compose file is fixed in one round.
func loadSandboxSettings(getenv func(string) string) (sandboxSettings, error) {
	var problems []string
	problem := func(name, format string, args ...any) {
		problems = append(problems, name+" "+fmt.Sprintf(format, args...))
	}
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	s := sandboxSettings{
		addr:      get("SANDBOX_HTTP_ADDR", defaultSandboxAddr),
		logLevel:  strings.ToLower(get("PORTFLOW_LOG_LEVEL", "info")),
		logFormat: strings.ToLower(get("PORTFLOW_LOG_FORMAT", "json")),
		opts: sandbox.Options{
			AccountID:    get("SANDBOX_ACCOUNT_ID", ""),
			ClientID:     get("SANDBOX_CLIENT_ID", ""),
			ClientSecret: get("SANDBOX_CLIENT_SECRET", ""),
		},
	}
	if _, _, err := net.SplitHostPort(s.addr); err != nil {
		problem("SANDBOX_HTTP_ADDR", "must be host:port (for example :9090), got %q", s.addr)
	}
	step := get("SANDBOX_STEP", "1s")
	if d, err := time.ParseDuration(step); err != nil || d <= 0 {
		problem("SANDBOX_STEP", "must be a positive duration such as 1s or 200ms, got %q", step)
	} else {
		s.opts.Step = d
	}
	if raw := get("SANDBOX_FAULTS", ""); raw != "" {
		// The same JSON document PUT /_sandbox/faults takes, e.g. {"errorAfterCreate":0.3}.
		if err := json.Unmarshal([]byte(raw), &s.opts.Faults); err != nil {
			problem("SANDBOX_FAULTS", "must be a JSON object like PUT /_sandbox/faults takes: %v", err)
		}
	}
	if raw := get("SANDBOX_SEED", ""); raw != "" {
		seed, err := strconv.ParseUint(raw, 10, 64)
		if err != nil {
			problem("SANDBOX_SEED", "must be a whole number from 0 to %d, got %q", uint64(math.MaxUint64), raw)
		}
		s.opts.Seed = seed
	}
	if (s.opts.ClientID == "") != (s.opts.ClientSecret == "") {
		problem("SANDBOX_CLIENT_ID", "and SANDBOX_CLIENT_SECRET must be set together")
	}
	if len(problems) > 0 {
		return sandboxSettings{}, &config.Error{Problems: problems}
	}
	return s, nil
}

// runSandbox runs `portflow sandbox`: the Bandwidth sandbox alone, as its own server, so that
// Bandwidth's state outlives portflow processes (docker-compose, benchmarks, crash tests). It
// serves until ctx ends, then stops gracefully.
func runSandbox(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("sandbox takes no arguments; configuration comes from the environment (SANDBOX_*)\n%s", usage)
	}
	s, err := loadSandboxSettings(getenv)
	if err != nil {
		return err
	}
	log, err := telemetry.NewLogger(s.logLevel, s.logFormat, stdout)
	if err != nil {
		return fmt.Errorf("PORTFLOW_LOG_LEVEL/PORTFLOW_LOG_FORMAT: %w", err)
	}
	defer func() { _ = log.Sync() }()
	s.opts.Logf = log.Named("sandbox").Sugar().Debugf

	sb, err := sandbox.New(s.opts)
	if err != nil {
		// The step was checked above, so what the sandbox refuses is the fault injection (a share
		// outside 0..1 or a negative duration): report it as the setting it came from.
		return &config.Error{Problems: []string{"SANDBOX_FAULTS is out of range: " + err.Error()}}
	}
	// Close waits for callback deliveries in flight; it runs after the HTTP server stopped so no
	// new order can start a lifecycle meanwhile.
	defer sb.Close()

	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listen on SANDBOX_HTTP_ADDR %s: %w", s.addr, err)
	}
	defer ln.Close()

	mux := http.NewServeMux()
	// A container health check (`portflow healthcheck` with PORTFLOW_HTTP_ADDR set to the
	// sandbox's address) asks /readyz; Bandwidth's API has no such path, so nothing is shadowed.
	healthy := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ready"}`+"\n")
	}
	mux.HandleFunc("GET /livez", healthy)
	mux.HandleFunc("GET /readyz", healthy)
	mux.Handle("/", sb.Handler())
	httpServer := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          zap.NewStdLog(log.Named("http")),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(ln) }()

	current := sb.CurrentFaults()
	log.Info("listening", zap.String("addr", ln.Addr().String()),
		zap.Duration("step", s.opts.Step), zap.Any("faults", current), zap.Uint64("seed", s.opts.Seed),
		zap.String("token_url", "/api/v1/oauth2/token"), zap.String("inspect", "/_sandbox/"))

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		return fmt.Errorf("sandbox http server stopped: %w", err)
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sandboxShutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("sandbox http shutdown did not finish in time", zap.Error(err))
	}
	sb.Close()
	log.Info("stopped")
	return nil
}
