package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/config"
	"github.com/portflow/portflow/internal/server"
	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/telemetry"
)

// serve runs the service until ctx ends, then shuts down in order: not ready → (delay) → stop
// accepting and finish in-flight requests → stop background workers → close the pool → flush logs.
func serve(ctx context.Context, getenv func(string) string, stdout io.Writer) (err error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log, err := telemetry.NewLogger(cfg.LogLevel, cfg.LogFormat, stdout)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	logConfig(log, cfg)

	if cfg.MigrateOnStart {
		if err := migrateOnStart(ctx, log, cfg); err != nil {
			return err
		}
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{ConnectTimeout: cfg.DatabaseConnectTimeout, MaxConns: int32(cfg.DatabaseMaxConns)})
	if err != nil {
		return err
	}
	defer db.Close()

	registry := telemetry.NewRegistry()
	registry.MustRegister(telemetry.NewPoolCollector(db.Pool))
	srv := server.New(server.Options{Logger: log, Registry: registry, DB: db, Version: version})

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on PORTFLOW_HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	defer ln.Close()
	app, err := assemble(ctx, cfg, getenv, log, registry, db, srv, ln.Addr())
	if err != nil {
		return err
	}
	defer app.close()

	httpServer := srv.HTTPServer(ctx)
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(ln) }()
	if err := app.orchestrator.Start(ctx); err != nil {
		return err
	}
	go app.ensureSubscriptions(ctx)
	srv.SetReady(true)
	log.Info("listening", zap.String("addr", ln.Addr().String()), zap.String("callback_url", app.callbackURL))

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		return fmt.Errorf("http server stopped: %w", err)
	}

	log.Info("shutting down")
	srv.SetReady(false)
	if cfg.ShutdownDelay > 0 {
		time.Sleep(cfg.ShutdownDelay) // let load balancers see /readyz fail before we stop accepting
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http shutdown did not finish in time", zap.Error(err))
	}
	if err := app.orchestrator.Stop(shutdownCtx); err != nil {
		log.Warn("workers did not stop in time", zap.Error(err))
	}
	log.Info("stopped")
	return nil
}

func logConfig(log *zap.Logger, cfg config.Config) {
	summary := cfg.Summary()
	fields := make([]zap.Field, 0, len(summary)+1)
	fields = append(fields, zap.String("version", version))
	for _, k := range cfg.SummaryKeys() {
		fields = append(fields, zap.String(k, summary[k]))
	}
	log.Info("configuration", fields...)
	if len(cfg.Generated) > 0 {
		log.Warn("sandbox mode: Bandwidth is simulated in-process; generated values for unset settings",
			zap.Strings("generated", cfg.Generated))
	}
}

func migrateOnStart(ctx context.Context, log *zap.Logger, cfg config.Config) error {
	if err := ensureDatabase(ctx, cfg.DatabaseURL, cfg.DatabaseConnectTimeout); err != nil {
		return err
	}
	m, err := store.NewMigrator(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer m.Close()
	n, err := m.Up(ctx)
	if err != nil {
		return err
	}
	v, _ := m.Version(ctx)
	log.Info("schema migrated", zap.Int("applied", n), zap.Int64("version", v))
	return nil
}
