package main

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/order"
)

// loadBalancer spreads requests over the replicas in turn: Bandwidth knows one callback URL for the
// deployment, as behind a real load balancer, so both replicas receive callbacks.
type loadBalancer struct {
	mu       sync.RWMutex
	backends []*httputil.ReverseProxy
	next     atomic.Uint64
}

func (lb *loadBalancer) add(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	// A replica that has stopped (at the end of the test) is simply unavailable, as behind a real
	// load balancer; the sandbox records the callback as failed.
	proxy.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) }
	lb.mu.Lock()
	lb.backends = append(lb.backends, proxy)
	lb.mu.Unlock()
	return nil
}

func (lb *loadBalancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lb.mu.RLock()
	backends := lb.backends
	lb.mu.RUnlock()
	if len(backends) == 0 {
		http.Error(w, "no replica is up", http.StatusBadGateway)
		return
	}
	backends[lb.next.Add(1)%uint64(len(backends))].ServeHTTP(w, r)
}

// decisionAuditSQL records every write of a request's state, with the version it replaced and the
// one it wrote, from inside Postgres. It is instrumentation of this test's database only.
const decisionAuditSQL = `
CREATE TABLE test_decision_audit (
    id          bigserial PRIMARY KEY,
    request_id  uuid NOT NULL,
    old_version bigint NOT NULL,
    new_version bigint NOT NULL,
    tx          bigint NOT NULL
);
CREATE FUNCTION test_audit_decision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO test_decision_audit (request_id, old_version, new_version, tx)
    VALUES (NEW.id, OLD.version, NEW.version, txid_current());
    RETURN NEW;
END $$;
CREATE TRIGGER test_audit_decision AFTER UPDATE OF state ON port_requests
    FOR EACH ROW EXECUTE FUNCTION test_audit_decision();`

// TestTwoReplicasShareTheWork runs two replicas against one database and one Bandwidth and
// processes 200 requests: no Bandwidth create is ever made twice, no request is handled by two
// replicas at once, and both replicas do part of the work.
func TestTwoReplicasShareTheWork(t *testing.T) {
	if testing.Short() {
		t.Skip("200 requests through two replicas: skipped with -short")
	}
	seed := fleetSeed(t)
	// Creates answered with a 500 after creating make a replica retry them: the retry must find
	// the order instead of creating a second one, whichever replica runs it.
	f := newFleet(t, 100*time.Millisecond, sandbox.Faults{ErrorAfterCreate: 0.2}, seed)
	sb, in := f.sandbox, f.intake
	if _, err := in.db.Pool.Exec(context.Background(), decisionAuditSQL); err != nil {
		t.Fatalf("install the decision audit: %v", err)
	}

	lb := &loadBalancer{}
	front := httptest.NewServer(lb)
	t.Cleanup(front.Close)
	replicas := make([]*runningServer, 2)
	for i := range replicas {
		env := f.serverEnv("127.0.0.1:0")
		env["PORTFLOW_PUBLIC_URL"] = front.URL
		replicas[i] = startServer(t, env)
		if err := lb.add(replicas[i].BaseURL); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	t.Cleanup(func() { logCallbackOutcomes(t, sb) })
	ids := in.createAll(t, completingRequests(200))
	in.requireCompressedSchedule(t, ids)
	reqs := in.awaitTerminal(t, ids, 90*time.Second)
	t.Logf("200 requests finished in %s (each took %s); sandbox faults injected: %+v",
		time.Since(start).Round(time.Millisecond), durations(reqs), sb.FaultStats())
	slowest := slices.MaxFunc(reqs, func(a, b order.PortRequest) int {
		return cmp.Compare(a.UpdatedAt.Sub(a.CreatedAt), b.UpdatedAt.Sub(b.CreatedAt))
	})
	t.Logf("the slowest request:\n%s", in.describe(t, slowest))

	// No duplicate create of any kind: one port-in per port order, one CSR where one was made…
	assertOneBandwidthOrderEach(t, sb, reqs)
	// …and one callback subscription per order type, although both replicas ensured them.
	assertOneSubscriptionEach(t, sb.URL, front.URL)

	assertNeverDecidedTwiceAtOnce(t, in, ids)

	// Both replicas worked: River ran jobs under two client ids, and each replica moved requests.
	var clients []string
	err := in.db.Pool.QueryRow(context.Background(), `
		SELECT coalesce(array_agg(DISTINCT client ORDER BY client), '{}')
		  FROM river_job, unnest(attempted_by) AS client
		 WHERE state = 'completed' AND kind LIKE 'portflow_%'`).Scan(&clients)
	if err != nil {
		t.Fatal(err)
	}
	if len(clients) != 2 {
		t.Errorf("jobs were run by River clients %v, want the two replicas", clients)
	}
	moved := make([]map[string]bool, len(replicas))
	for i, r := range replicas {
		moved[i] = requestsMovedBy(r.Logs.String())
		if len(moved[i]) == 0 {
			t.Errorf("replica %d changed no request's status", i)
		}
	}
	both := 0
	for id := range moved[0] {
		if moved[1][id] {
			both++
		}
	}
	t.Logf("replica 0 moved %d requests, replica 1 moved %d; %d requests were moved by both (in turn)", len(moved[0]), len(moved[1]), both)
}

// assertNeverDecidedTwiceAtOnce proves from the audit that no request was decided on by two
// replicas at once. Every decision locks the request row, decides on what it read, and writes
// version+1. Had two replicas decided concurrently, both would have read the same version v and
// both written v+1: the second write would replace a row already at v+1 with v+1 (or lower), and
// the audit, which sees the row it replaces, would record old_version >= new_version. So the
// criterion is: for every request, the writes form the chain v → v+1 → … → final, one write per
// transaction, with no version written twice and none skipped.
func assertNeverDecidedTwiceAtOnce(t *testing.T, in *fleetIntake, ids []string) {
	t.Helper()
	ctx := context.Background()
	type write struct {
		oldVersion, newVersion, tx, final int64
	}
	writes := map[string][]write{}
	rows, err := in.db.Pool.Query(ctx, `
		SELECT a.request_id::text, a.old_version, a.new_version, a.tx, r.version
		  FROM test_decision_audit a JOIN port_requests r ON r.id = a.request_id
		 ORDER BY a.request_id, a.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var w write
		if err := rows.Scan(&id, &w.oldVersion, &w.newVersion, &w.tx, &w.final); err != nil {
			t.Fatal(err)
		}
		writes[id] = append(writes[id], w)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, id := range ids {
		ws := writes[id]
		total += len(ws)
		if len(ws) == 0 {
			t.Errorf("request %s: no decision recorded", id)
			continue
		}
		seenTx := map[int64]bool{}
		for i, w := range ws {
			if w.newVersion != w.oldVersion+1 {
				t.Errorf("request %s: a decision replaced version %d with %d — decided on a stale read, i.e. twice at once", id, w.oldVersion, w.newVersion)
			}
			if i > 0 && w.oldVersion != ws[i-1].newVersion {
				t.Errorf("request %s: version %d was followed by a write over version %d", id, ws[i-1].newVersion, w.oldVersion)
			}
			if seenTx[w.tx] {
				t.Errorf("request %s: transaction %d wrote its state twice", id, w.tx)
			}
			seenTx[w.tx] = true
		}
		if last := ws[len(ws)-1]; last.newVersion != last.final {
			t.Errorf("request %s: the last recorded write made version %d, the row holds %d", id, last.newVersion, last.final)
		}
	}
	t.Logf("%d decisions on %d requests, each on the version the previous one wrote", total, len(ids))
}

// assertOneSubscriptionEach checks Bandwidth's callback subscriptions: one per order type, all at
// the deployment's public URL.
func assertOneSubscriptionEach(t *testing.T, sandboxURL, publicURL string) {
	t.Helper()
	bw, err := bandwidth.New(bandwidth.Config{
		BaseURL: sandboxURL + "/api", TokenURL: sandboxURL + "/api/v1/oauth2/token", AccountID: fleetAccountID,
		ClientID: fleetClientID, ClientSecret: fleetClientSecret,
	})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := bw.ListSubscriptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	perType := map[string]int{}
	for _, s := range subs {
		perType[s.OrderType]++
		if s.CallbackSubscription == nil || !strings.HasPrefix(s.CallbackSubscription.URL, publicURL) {
			t.Errorf("subscription %s (%s) does not call the public URL %s: %+v", s.SubscriptionID, s.OrderType, publicURL, s.CallbackSubscription)
		}
	}
	for _, orderType := range []string{"portins", "csrs"} {
		if perType[orderType] != 1 {
			t.Errorf("%d callback subscriptions for %s, want 1: %v", perType[orderType], orderType, perType)
		}
	}
}

// requestsMovedBy returns the ids of the requests whose status a server changed, from its log.
func requestsMovedBy(logs string) map[string]bool {
	moved := map[string]bool{}
	for _, line := range strings.Split(logs, "\n") {
		var entry struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "request status changed" {
			moved[entry.RequestID] = true
		}
	}
	return moved
}
