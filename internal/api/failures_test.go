package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/api"
	"github.com/portflow/portflow/internal/bandwidth/sandbox"
)

// TestAuthentication: every operation answers 401 without a valid token, the same way each time.
func TestAuthentication(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	id := missingID
	calls := []struct{ method, path string }{
		{http.MethodPost, "/v1/port-requests"},
		{http.MethodGet, "/v1/port-requests"},
		{http.MethodGet, path(id)},
		{http.MethodPatch, path(id)},
		{http.MethodPost, path(id, "/cancel")},
		{http.MethodPost, path(id, "/activate")},
		{http.MethodPost, path(id, "/documents")},
		{http.MethodGet, path(id, "/events")},
		{http.MethodGet, "/openapi.yaml"},
	}
	for _, token := range []string{"", "wrong-token-value", testToken + "x"} {
		c := e.client(t)
		c.token = token
		var details []string
		for _, call := range calls {
			resp := c.do(call.method, call.path, `{}`).expect(t, http.StatusUnauthorized)
			p := resp.problem(t)
			if p.Code != "unauthorized" || resp.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s without a valid token: %+v", call.method, call.path, p)
			}
			details = append(details, p.Detail)
		}
		for _, d := range details[1:] {
			if d != details[0] {
				t.Errorf("401 details differ (%q, %q): they must not hint at what was wrong", d, details[0])
			}
		}
	}
}

// TestOpenAPIDocumentServed: /openapi.yaml is the embedded document the tests validate against.
func TestOpenAPIDocumentServed(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	resp := e.client(t).do(http.MethodGet, "/openapi.yaml", nil).expect(t, http.StatusOK)
	if !bytes.Equal(resp.body, api.OpenAPIDocument()) {
		t.Error("the served document differs from the embedded one")
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type %q", ct)
	}
	doc, _, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %s, want 3.1", doc.OpenAPI)
	}
	// Every operation the API serves is in it.
	for _, want := range []string{"createPortRequest", "listPortRequests", "getPortRequest", "correctPortRequest",
		"cancelPortRequest", "activatePortRequest", "addDocument", "listEvents", "getOpenAPI"} {
		found := false
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				found = found || op.OperationID == want
			}
		}
		if !found {
			t.Errorf("operation %s is not documented", want)
		}
	}
	// HEAD answers like GET, without the body.
	req, err := http.NewRequest(http.MethodHead, e.url+"/openapi.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	head, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.StatusCode != http.StatusOK || head.Header.Get("Content-Type") != "application/yaml" {
		t.Errorf("HEAD /openapi.yaml: %d %v", head.StatusCode, head.Header)
	}
}

// TestDatabaseDown: with Postgres unreachable every operation answers 503 with Retry-After and
// no internals.
func TestDatabaseDown(t *testing.T) {
	e := newEnv(t, envOptions{db: unreachableDB(t)})
	c := e.client(t)
	for _, call := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/v1/port-requests", nil},
		{http.MethodPost, "/v1/port-requests", createBody(number(sandbox.CarrierWireline, sandbox.CSRComplete, 401))},
		{http.MethodGet, path(missingID), nil},
		{http.MethodPost, path(missingID, "/cancel"), nil},
	} {
		resp := c.do(call.method, call.path, call.body).expect(t, http.StatusServiceUnavailable)
		p := resp.problem(t)
		if p.Code != "service_unavailable" || resp.header.Get("Retry-After") == "" {
			t.Errorf("%s %s: %+v (Retry-After %q)", call.method, call.path, p, resp.header.Get("Retry-After"))
		}
		if strings.Contains(string(resp.body), "127.0.0.1") || strings.Contains(string(resp.body), "dial") {
			t.Errorf("connection details in the answer: %s", resp.body)
		}
	}
}

// TestInternalErrorHidesInternals: a request portflow cannot read (stored under another
// encryption key) is a 500 that names only the request id.
func TestInternalErrorHidesInternals(t *testing.T) {
	writer := newEnv(t, envOptions{idle: true})
	r := storedRequest(t, "9195550199", nil)
	writer.insert(t, r)
	reader := newEnv(t, envOptions{db: writer.db, box: testBox(t, "z")})
	c := reader.client(t)
	for _, target := range []string{path(r.ID), path(r.ID, "/events")} {
		resp := c.do(http.MethodGet, target, nil, "X-Request-Id", "trace-0042").expect(t, http.StatusInternalServerError)
		p := resp.problem(t)
		if p.Code != "internal_error" || p.RequestID != "trace-0042" || resp.header.Get("X-Request-Id") != "trace-0042" {
			t.Errorf("500 answer: %+v", p)
		}
		for _, leak := range []string{"seal", "decrypt", "open request", "ENCRYPTION", r.ID} {
			if strings.Contains(string(resp.body), leak) {
				t.Errorf("the 500 body mentions %q: %s", leak, resp.body)
			}
		}
	}
}

// manualClock is a clock the test moves.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestRateLimit: past its budget a token gets 429 with Retry-After, other tokens are not
// affected, and the budget refills with time.
func TestRateLimit(t *testing.T) {
	clock := &manualClock{now: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)}
	e := newEnv(t, envOptions{idle: true, rateLimit: api.RateLimit{PerSecond: 0.5, Burst: 3}, now: clock.Now})
	c := e.client(t)
	for i := range 3 {
		if got := c.do(http.MethodGet, "/v1/port-requests", nil).status; got != http.StatusOK {
			t.Fatalf("request %d within the burst: %d", i+1, got)
		}
	}
	limited := c.do(http.MethodGet, "/v1/port-requests", nil).expect(t, http.StatusTooManyRequests)
	if p := limited.problem(t); p.Code != "rate_limited" {
		t.Errorf("429 answer: %+v", p)
	}
	if got := limited.header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After %q, want 2 (one request per 2 s)", got)
	}
	c.do(http.MethodGet, "/openapi.yaml", nil).expect(t, http.StatusTooManyRequests)

	other := e.client(t)
	other.token = secondToken
	other.do(http.MethodGet, "/v1/port-requests", nil).expect(t, http.StatusOK)

	clock.advance(2 * time.Second)
	c.do(http.MethodGet, "/v1/port-requests", nil).expect(t, http.StatusOK)
	c.do(http.MethodGet, "/v1/port-requests", nil).expect(t, http.StatusTooManyRequests)
}
