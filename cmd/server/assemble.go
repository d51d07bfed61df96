package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/api"
	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/callbacks"
	"github.com/portflow/portflow/internal/config"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/secrets"
	"github.com/portflow/portflow/internal/server"
	"github.com/portflow/portflow/internal/store"
)

// sandboxPrefix is where the in-process Bandwidth sandbox is mounted in sandbox mode.
const sandboxPrefix = "/sandbox/bandwidth"

// app holds the wired components of a running server.
type app struct {
	log          *zap.Logger
	orchestrator *orchestrator.Orchestrator
	sandbox      *sandbox.Sandbox
	callbackURL  string
	cfg          config.Config
}

// assemble builds every component and mounts the HTTP routes. It is the only place that knows
// how the packages fit together.
func assemble(ctx context.Context, cfg config.Config, getenv func(string) string, log *zap.Logger,
	registry *prometheus.Registry, db *store.DB, srv *server.Server, addr net.Addr) (*app, error) {
	a := &app{log: log, cfg: cfg, callbackURL: cfg.CallbackURL()}
	box, err := secrets.New(cfg.EncryptionKey)
	if err != nil {
		return nil, fmt.Errorf("PORTFLOW_ENCRYPTION_KEY: %w", err)
	}

	bwCfg := bandwidth.Config{
		BaseURL: cfg.Bandwidth.APIURL, AccountID: cfg.Bandwidth.AccountID, TokenURL: cfg.Bandwidth.TokenURL,
		ClientID: cfg.Bandwidth.ClientID, ClientSecret: cfg.Bandwidth.ClientSecret,
		Username: cfg.Bandwidth.Username, Password: cfg.Bandwidth.Password,
		UserAgent: "portflow/" + version,
		Observe:   orchestrator.ObserveBandwidthCall(registry),
	}
	if cfg.Sandbox {
		// The sandbox plays Bandwidth on this server's own listener: the client calls it over
		// real HTTP and it calls portflow's callback endpoint back, exactly as Bandwidth would.
		local := "http://" + loopback(addr)
		sb, err := sandbox.New(sandbox.Options{
			AccountID: cfg.Bandwidth.AccountID, ClientID: cfg.Bandwidth.ClientID, ClientSecret: cfg.Bandwidth.ClientSecret,
			Username: cfg.Bandwidth.Username, Password: cfg.Bandwidth.Password,
			Step: cfg.SandboxStep, BaseURL: local + sandboxPrefix,
			// A fresh seed per start: the sandbox's order ids come from it, and a database kept
			// from an earlier run already holds the ids a fixed seed would hand out again.
			Seed: uint64(time.Now().UnixNano()),
			Logf: log.Named("sandbox").Sugar().Debugf,
		})
		if err != nil {
			return nil, fmt.Errorf("start sandbox: %w", err)
		}
		a.sandbox = sb
		srv.Router.Mount(sandboxPrefix, http.StripPrefix(sandboxPrefix, sb.Handler()))
		bwCfg.BaseURL = local + sandboxPrefix + "/api"
		bwCfg.TokenURL = local + sandboxPrefix + "/api/v1/oauth2/token"
		if getenv("PORTFLOW_PUBLIC_URL") == "" {
			a.callbackURL = local + config.CallbackPath
		}
		log.Info("Bandwidth sandbox mounted", zap.String("api", bwCfg.BaseURL), zap.String("inspect", local+sandboxPrefix+"/_sandbox/"))
	}
	bw, err := bandwidth.New(bwCfg)
	if err != nil {
		return nil, fmt.Errorf("Bandwidth client: %w", err)
	}
	// Time compression follows the sandbox portflow talks to: the in-process one, or a separate
	// `portflow sandbox` whose step PORTFLOW_SANDBOX_STEP names.
	timeScale := 1.0
	if cfg.Sandbox || getenv("PORTFLOW_SANDBOX_STEP") != "" {
		timeScale = float64(cfg.SandboxStep) / float64(time.Minute)
	}
	orch, err := orchestrator.New(orchestrator.Options{
		DB: db, Box: box, Bandwidth: bw, Logger: log, Registry: registry,
		SiteID: cfg.Bandwidth.SiteID, PeerID: cfg.Bandwidth.PeerID,
		CsrFailurePolicy: order.CsrFailurePolicy(cfg.CsrFailurePolicy),
		BulkThreshold:    cfg.BulkThreshold, BulkForMultipleCarriers: cfg.BulkMultiCarrier,
		TimeScale: timeScale,
	})
	if err != nil {
		return nil, err
	}
	a.orchestrator = orch

	creds := []callbacks.Credential{{Username: cfg.CallbackUsername, Password: cfg.CallbackPassword}}
	if cfg.CallbackPreviousUsername != "" {
		creds = append(creds, callbacks.Credential{Username: cfg.CallbackPreviousUsername, Password: cfg.CallbackPreviousPassword})
	}
	cb, err := callbacks.NewHandler(store.InboxReceiver{DB: db, OnAcceptedBatch: orch.InboxBatchHook()}, callbacks.Options{
		Credentials: creds, MaxBodyBytes: cfg.CallbackMaxBodyBytes, Logger: log, Registry: registry,
	})
	if err != nil {
		return nil, err
	}
	srv.Router.Method(http.MethodPost, config.CallbackPath, cb)

	requireToken := api.RequireToken(api.NewTokenSet(cfg.APITokens))
	srv.Router.With(requireToken).Mount("/v1/callbacks", callbacks.InboxHandler(db, log))
	restAPI, err := api.New(api.Options{PortRequests: orch, History: orch.Requests(), Logger: log,
		RateLimit: api.RateLimit{PerSecond: cfg.APIRateLimit, Burst: cfg.APIRateBurst}})
	if err != nil {
		return nil, fmt.Errorf("REST API: %w", err)
	}
	restAPI.Mount(srv.Router, requireToken)
	return a, nil
}

// ensureSubscriptions registers portflow's callback URL with Bandwidth, retrying with backoff
// while Bandwidth cannot be reached (start-up does not wait for it: polling covers the gap).
func (a *app) ensureSubscriptions(ctx context.Context) {
	cs := orchestrator.CallbackSubscription{URL: a.callbackURL, Username: a.cfg.CallbackUsername, Password: a.cfg.CallbackPassword}
	delay := time.Second
	for {
		err := a.orchestrator.EnsureSubscriptions(ctx, cs)
		if err == nil || ctx.Err() != nil {
			return
		}
		a.log.Error("could not ensure Bandwidth callback subscriptions; retrying", zap.Error(err), zap.Duration("in", delay))
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, 5*time.Minute)
	}
}

func (a *app) close() {
	if a.sandbox != nil {
		a.sandbox.Close()
	}
}

// loopback turns a listen address into one this machine can dial (":8080" listens on every
// interface; callbacks from the in-process sandbox go to 127.0.0.1).
func loopback(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		return "127.0.0.1:" + strconv.Itoa(tcp.Port)
	}
	return tcp.String()
}
