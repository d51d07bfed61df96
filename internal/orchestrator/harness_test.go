package orchestrator_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/callbacks"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/secrets"
	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/testdb"
)

// env is portflow's engine wired to the sandbox over real HTTP, with a real callback endpoint.
type env struct {
	orch    *orchestrator.Orchestrator
	sandbox *sandbox.Sandbox
	db      *store.DB
	reg     *prometheus.Registry
}

// step is the sandbox's lifecycle step in these tests; portflow's own waiting is compressed to
// match (TimeScale), as in sandbox mode.
const step = 25 * time.Millisecond

func newEnv(t *testing.T, faults sandbox.Faults) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, testdb.URL(t), store.Options{MaxConns: 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	sb, err := sandbox.New(sandbox.Options{Step: step, ActivationWaitSteps: 400, Faults: faults, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	bwServer := httptest.NewServer(sb.Handler())
	t.Cleanup(bwServer.Close)
	t.Cleanup(sb.Close)
	// Every flow must keep to Bandwidth's protocol: the sandbox records each breach.
	t.Cleanup(func() {
		if v := sb.Violations(); len(v) > 0 {
			t.Errorf("%d protocol violation(s) recorded by the sandbox, first: %+v", len(v), v[0])
		}
	})
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
	box, err := secrets.New([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	orch, err := orchestrator.New(orchestrator.Options{
		DB: db, Box: box, Bandwidth: bw, Logger: log, Registry: reg, SiteID: "1001", PeerID: "2001",
		TimeScale:               float64(step) / float64(time.Minute),
		BulkForMultipleCarriers: true, // as the server's default (PORTFLOW_BULK_MULTI_CARRIER)
	})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := callbacks.NewHandler(store.InboxReceiver{DB: db, OnAcceptedBatch: orch.InboxBatchHook()}, callbacks.Options{
		Credentials: []callbacks.Credential{{Username: "bw", Password: "callback-password"}}, Logger: log, Registry: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	cbServer := httptest.NewServer(cb)
	t.Cleanup(cbServer.Close)
	if err := orch.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = orch.Stop(stopCtx)
	})
	if err := orch.EnsureSubscriptions(ctx, orchestrator.CallbackSubscription{URL: cbServer.URL, Username: "bw", Password: "callback-password"}); err != nil {
		t.Fatal(err)
	}
	return &env{orch: orch, sandbox: sb, db: db, reg: reg}
}

// customer builds a request for numbers as the customer would type it, with the carrier's true
// address unless address overrides it.
func customer(numbers []string, address *order.Address) orchestrator.NewRequest {
	rec := sandbox.CarrierRecordFor(numbers[0])
	a := order.Address{Line1: rec.ServiceAddress.Line(), City: rec.ServiceAddress.City, State: rec.ServiceAddress.State, Zip: rec.ServiceAddress.Zip}
	if address != nil {
		a = *address
	}
	return orchestrator.NewRequest{
		Numbers:              numbers,
		Subscriber:           order.Subscriber{Type: order.SubscriberBusiness, BusinessName: "Blue Ridge Bakery"},
		ServiceAddress:       a,
		LoaAuthorizingPerson: "Jane Doe",
		Activation:           order.Activation{Mode: order.ActivationScheduled},
	}
}

// waitFor polls a request until cond holds or the timeout passes.
func (e *env) waitFor(t *testing.T, id string, timeout time.Duration, cond func(order.PortRequest) bool) order.PortRequest {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r, err := e.orch.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if cond(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("request %s: condition not met within %s; status %s (%s), action %+v", id, timeout, r.Status, r.StatusReason, r.Action)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *env) waitStatus(t *testing.T, id string, want order.Status, timeout time.Duration) order.PortRequest {
	t.Helper()
	return e.waitFor(t, id, timeout, func(r order.PortRequest) bool { return r.Status == want })
}

// metricSum adds up every series of a registered counter.
func metricSum(t *testing.T, e *env, name string) float64 {
	t.Helper()
	families, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			var sum float64
			for _, m := range f.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
			return sum
		}
	}
	t.Fatalf("metric %s not registered", name)
	return 0
}
