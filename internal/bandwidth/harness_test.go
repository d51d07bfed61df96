package bandwidth

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testAccount      = "9900012"
	testClientID     = "client-id"
	testClientSecret = "client-secret"
)

// seenRequest is one API request the fake Bandwidth received.
type seenRequest struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
	At                     time.Time
}

// fakeBandwidth is a real HTTP server speaking the parts of Bandwidth's API a test registers,
// with a working OAuth2 token endpoint and credential checks.
type fakeBandwidth struct {
	t   *testing.T
	srv *httptest.Server
	mux *http.ServeMux

	tokenCalls atomic.Int32
	// tokenTTL is the expires_in of issued tokens, in seconds (0: omitted).
	tokenTTL   atomic.Int64
	tokenDelay atomic.Int64 // nanoseconds
	tokens     sync.Map     // issued token → true while valid

	mu   sync.Mutex
	seen []seenRequest
}

func newFakeBandwidth(t *testing.T) *fakeBandwidth {
	t.Helper()
	f := &fakeBandwidth{t: t, mux: http.NewServeMux()}
	f.tokenTTL.Store(3600)
	f.mux.HandleFunc("POST /oauth2/token", f.token)
	f.srv = httptest.NewServer(f.mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeBandwidth) token(w http.ResponseWriter, r *http.Request) {
	f.tokenCalls.Add(1)
	if d := time.Duration(f.tokenDelay.Load()); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	id, secret, ok := r.BasicAuth()
	if err := r.ParseForm(); err != nil || !ok || id != testClientID || secret != testClientSecret ||
		r.PostForm.Get("grant_type") != "client_credentials" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":"invalid_client","error_description":"bad client credentials"}`)
		return
	}
	token := fmt.Sprintf("tok-%d", f.tokenCalls.Load())
	f.tokens.Store(token, true)
	body := map[string]any{"access_token": token, "token_type": "Bearer"}
	if ttl := f.tokenTTL.Load(); ttl > 0 {
		body["expires_in"] = ttl
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// revokeAll makes every issued token invalid.
func (f *fakeBandwidth) revokeAll() {
	f.tokens.Range(func(k, _ any) bool { f.tokens.Delete(k); return true })
}

// handle registers h for "METHOD /path" under /api/accounts/{account}. Requests without valid
// credentials get 401 before reaching h.
func (f *fakeBandwidth) handle(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	f.mux.HandleFunc(method+" /api/accounts/"+testAccount+path, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.seen = append(f.seen, seenRequest{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: body, At: time.Now()})
		f.mu.Unlock()
		if !f.authorized(r) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		h(w, r)
	})
}

func (f *fakeBandwidth) authorized(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	if token, ok := strings.CutPrefix(auth, "Bearer "); ok {
		_, valid := f.tokens.Load(token)
		return valid
	}
	user, pass, ok := r.BasicAuth()
	return ok && user == "legacy-user" && pass == "legacy-pass"
}

// requests returns the API requests received so far (token requests excluded).
func (f *fakeBandwidth) requests() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seenRequest(nil), f.seen...)
}

func (f *fakeBandwidth) countRequests(method, pathSuffix string) int {
	n := 0
	for _, r := range f.requests() {
		if r.Method == method && strings.HasSuffix(r.Path, pathSuffix) {
			n++
		}
	}
	return n
}

// config returns an OAuth2 configuration pointing at the fake, with fast retries.
func (f *fakeBandwidth) config() Config {
	return Config{
		BaseURL:        f.srv.URL + "/api",
		AccountID:      testAccount,
		TokenURL:       f.srv.URL + "/oauth2/token",
		ClientID:       testClientID,
		ClientSecret:   testClientSecret,
		UserAgent:      "portflow/test",
		RetryBaseDelay: time.Millisecond,
		RetryMaxDelay:  5 * time.Millisecond,
	}
}

func (f *fakeBandwidth) client(mutate ...func(*Config)) *Client {
	f.t.Helper()
	cfg := f.config()
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return c
}

// xmlReply answers with status and body as Bandwidth does.
func xmlReply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// fixtureReply answers with status and a fixture file.
func fixtureReply(t *testing.T, status int, name string) http.HandlerFunc {
	return xmlReply(status, string(readFixture(t, name)))
}

// sequence answers successive requests with successive handlers, repeating the last.
func sequence(handlers ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(handlers) {
			i = len(handlers) - 1
		}
		handlers[i](w, r)
	}
}

// observed collects CallInfos.
type observed struct {
	mu    sync.Mutex
	calls []CallInfo
}

func (o *observed) observe(ci CallInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, ci)
}

func (o *observed) list() []CallInfo {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]CallInfo(nil), o.calls...)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
