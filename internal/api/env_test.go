package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/portflow/portflow/internal/api"
	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/callbacks"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/problem"
	"github.com/portflow/portflow/internal/secrets"
	"github.com/portflow/portflow/internal/server"
	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/testdb"
)

// testToken is the API token test clients send; secondToken is another valid one.
const (
	testToken   = "api-test-token-0001"
	secondToken = "api-test-token-0002"
)

// env is portflow as it runs: a real Postgres, the real orchestrator with its workers, the
// sandbox playing Bandwidth over HTTP and calling portflow's callback endpoint back, and the API
// mounted on the real HTTP server with its middleware — all served by httptest.
type env struct {
	orch    *orchestrator.Orchestrator
	sandbox *sandbox.Sandbox
	db      *store.DB
	box     *secrets.Box
	url     string
}

type envOptions struct {
	rateLimit api.RateLimit
	// now is the API's clock (the rate limiter's); default time.Now.
	now func() time.Time
	// idle leaves the workers stopped: requests stay as stored.
	idle bool
	// db, when set, is used instead of a fresh test database (the workers are not started).
	db *store.DB
	// box, when set, replaces the default encryption key.
	box *secrets.Box
}

func testBox(t *testing.T, fill string) *secrets.Box {
	t.Helper()
	box, err := secrets.New([]byte(strings.Repeat(fill, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func newEnv(t *testing.T, opts envOptions) *env {
	t.Helper()
	ctx := context.Background()
	log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	e := &env{db: opts.db, box: opts.box}
	startWorkers := e.db == nil && !opts.idle
	if e.db == nil {
		db, err := store.Open(ctx, testdb.URL(t), store.Options{MaxConns: 24})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		e.db = db
	}
	if e.box == nil {
		e.box = testBox(t, "k")
	}
	sb, err := sandbox.New(sandbox.Options{Step: 25 * time.Millisecond, ActivationWaitSteps: 400, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	e.sandbox = sb
	bwServer := httptest.NewServer(sb.Handler())
	t.Cleanup(bwServer.Close)
	t.Cleanup(sb.Close)
	reg := prometheus.NewRegistry()
	bw, err := bandwidth.New(bandwidth.Config{
		BaseURL: bwServer.URL + "/api", TokenURL: bwServer.URL + "/api/v1/oauth2/token", AccountID: "9900000",
		ClientID: "sandbox-client", ClientSecret: "sandbox-secret",
		RetryBaseDelay: 10 * time.Millisecond, RetryMaxDelay: 100 * time.Millisecond,
		Observe: orchestrator.ObserveBandwidthCall(reg),
	})
	if err != nil {
		t.Fatal(err)
	}
	orch, err := orchestrator.New(orchestrator.Options{
		DB: e.db, Box: e.box, Bandwidth: bw, Logger: log, Registry: reg, SiteID: "1001", PeerID: "2001",
		ReconcileInterval: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.orch = orch

	srv := server.New(server.Options{Logger: log, Registry: reg, DB: e.db, Version: "test"})
	a, err := api.New(api.Options{PortRequests: orch, History: orch.Requests(), Logger: log, RateLimit: opts.rateLimit, Now: opts.now})
	if err != nil {
		t.Fatal(err)
	}
	a.Mount(srv.Router, api.RequireToken(api.NewTokenSet([]string{testToken, secondToken})))
	cb, err := callbacks.NewHandler(store.InboxReceiver{DB: e.db, OnAcceptedBatch: orch.InboxBatchHook()}, callbacks.Options{
		Credentials: []callbacks.Credential{{Username: "bw", Password: "callback-password"}}, Logger: log, Registry: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Router.Method(http.MethodPost, "/callbacks/bandwidth", cb)
	httpServer := httptest.NewServer(srv.Router)
	t.Cleanup(httpServer.Close)
	e.url = httpServer.URL

	if startWorkers {
		if err := orch.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = orch.Stop(stopCtx)
		})
		if err := orch.EnsureSubscriptions(ctx, orchestrator.CallbackSubscription{
			URL: httpServer.URL + "/callbacks/bandwidth", Username: "bw", Password: "callback-password",
		}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// unreachableDB is a store handle on a port where no Postgres listens: every query fails to
// connect, as when the database is down.
func unreachableDB(t *testing.T) *store.DB {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/portflow?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return &store.DB{Pool: pool}
}

// countRequests counts the rows of port_requests.
func (e *env) countRequests(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM port_requests`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// client is an API client whose every response is validated against openapi.yaml.
type client struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client
}

func (e *env) client(t *testing.T) *client {
	return &client{t: t, base: e.url, token: testToken, http: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &validatingTransport{t: t, base: http.DefaultTransport},
	}}
}

// response is a received answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// call is one request: a body (nil, []byte or string sent as is, anything else as JSON) and
// headers as name/value pairs.
func (c *client) do(method, path string, body any, headers ...string) *response {
	c.t.Helper()
	var reader io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		reader = bytes.NewReader(b)
		contentType = "application/json"
	case string:
		reader = strings.NewReader(b)
		contentType = "application/json"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
		contentType = "application/json"
	}
	req, err := http.NewRequest(method, c.base+path, reader)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// expect fails the test unless the status is want.
func (r *response) expect(t *testing.T, want int) *response {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body: %s", r.status, want, r.body)
	}
	return r
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r *response) problem(t *testing.T) problem.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, r.body)
	}
	var p problem.Problem
	r.decode(t, &p)
	return p
}

// portRequest is the part of a response the tests read.
type portRequest struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	StatusReason   string `json:"status_reason"`
	Version        int64  `json:"version"`
	AccountNumber  string `json:"account_number"`
	PIN            string `json:"pin"`
	ActionRequired *struct {
		Code        string   `json:"code"`
		Fields      []string `json:"fields"`
		Confirmable bool     `json:"confirmable"`
		Errors      []struct {
			Code string `json:"code"`
		} `json:"errors"`
	} `json:"action_required"`
	PhoneNumbers []struct {
		Number string `json:"number"`
		Status string `json:"status"`
	} `json:"phone_numbers"`
	Csr *struct {
		Status      string `json:"status"`
		OrderID     string `json:"order_id"`
		Differences []struct {
			Field string `json:"field"`
		} `json:"differences"`
	} `json:"csr"`
	ServiceAddressUsed *struct {
		HouseNumber string `json:"house_number"`
		Source      string `json:"source"`
		Corrected   bool   `json:"corrected"`
	} `json:"service_address_used"`
	PortOrders []struct {
		ID               string  `json:"id"`
		BandwidthOrderID *string `json:"bandwidth_order_id"`
		ProcessingStatus *string `json:"processing_status"`
		FocDate          *string `json:"foc_date"`
	} `json:"port_orders"`
	DocumentIDs []string `json:"document_ids"`
	Timeline    []struct {
		ID     int64  `json:"id"`
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
	} `json:"timeline"`
}

func (r *response) portRequest(t *testing.T) portRequest {
	t.Helper()
	var pr portRequest
	r.decode(t, &pr)
	return pr
}

// waitFor polls GET /v1/port-requests/{id} until cond holds.
func (c *client) waitFor(id string, timeout time.Duration, what string, cond func(portRequest) bool) portRequest {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		pr := c.do(http.MethodGet, "/v1/port-requests/"+id, nil).expect(c.t, http.StatusOK).portRequest(c.t)
		if cond(pr) {
			return pr
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("request %s: not %s within %s; status %s (%s)", id, what, timeout, pr.Status, pr.StatusReason)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

func (c *client) waitStatus(id, status string, timeout time.Duration) portRequest {
	c.t.Helper()
	return c.waitFor(id, timeout, status, func(pr portRequest) bool { return pr.Status == status })
}

// number returns a sandbox number for a scenario; seq keeps numbers of one test apart.
func number(carrier sandbox.Carrier, csr sandbox.CSROutcome, seq int) string {
	return sandbox.NumberFor(sandbox.Scenario{Carrier: carrier, CSR: csr}, seq)
}

// createBody is a valid create body for numbers, with the carrier's true service address.
func createBody(numbers ...string) map[string]any {
	rec := sandbox.CarrierRecordFor(numbers[0])
	list := make([]any, len(numbers))
	for i, n := range numbers {
		list[i] = n
	}
	return map[string]any{
		"phone_numbers":          list,
		"subscriber":             map[string]any{"type": "business", "business_name": "Blue Ridge Bakery"},
		"service_address":        map[string]any{"line1": rec.ServiceAddress.Line(), "city": rec.ServiceAddress.City, "state": rec.ServiceAddress.State, "zip": rec.ServiceAddress.Zip},
		"loa_authorizing_person": "Jane Doe",
		"activation":             map[string]any{"mode": "scheduled"},
	}
}

// create posts a valid request and returns its id.
func (c *client) create(body map[string]any) portRequest {
	c.t.Helper()
	return c.do(http.MethodPost, "/v1/port-requests", body).expect(c.t, http.StatusCreated).portRequest(c.t)
}

func path(id string, rest ...string) string {
	return "/v1/port-requests/" + id + strings.Join(rest, "")
}

func quoted(v int64) string { return fmt.Sprintf("%q", fmt.Sprint(v)) }

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
