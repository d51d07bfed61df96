package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/problem"
	"github.com/portflow/portflow/internal/telemetry"
)

type fakeDB struct{ down atomic.Bool }

func (f *fakeDB) Ping(context.Context) error {
	if f.down.Load() {
		return errors.New("connection refused")
	}
	return nil
}

func newTestServer(t *testing.T) (*Server, *httptest.Server, *fakeDB) {
	db := &fakeDB{}
	s := New(Options{Logger: zap.NewNop(), Registry: telemetry.NewRegistry(), DB: db, MaxBodyBytes: 1024})
	s.Router.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	s.Router.Post("/echo", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			if IsBodyTooLarge(err) {
				problem.Respond(w, r, http.StatusRequestEntityTooLarge, "body_too_large", "too large")
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
	ts := httptest.NewServer(s.Router)
	t.Cleanup(ts.Close)
	return s, ts, db
}

func TestReadyzFollowsReadinessAndDatabase(t *testing.T) {
	s, ts, db := newTestServer(t)
	status := func() int {
		resp, err := http.Get(ts.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status(); got != http.StatusServiceUnavailable {
		t.Errorf("before SetReady: %d, want 503", got)
	}
	s.SetReady(true)
	if got := status(); got != http.StatusOK {
		t.Errorf("ready: %d, want 200", got)
	}
	db.down.Store(true)
	if got := status(); got != http.StatusServiceUnavailable {
		t.Errorf("database down: %d, want 503", got)
	}
	db.down.Store(false)
	s.SetReady(false)
	if got := status(); got != http.StatusServiceUnavailable {
		t.Errorf("shutting down: %d, want 503", got)
	}
}

func TestRequestIDPanicAndProblemBodies(t *testing.T) {
	_, ts, _ := newTestServer(t)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/boom", nil)
	req.Header.Set("X-Request-Id", "abc-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var p problem.Problem
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 || p.Code != "internal_error" || p.RequestID != "abc-123" || resp.Header.Get("X-Request-Id") != "abc-123" {
		t.Errorf("panic answer: %d %+v (X-Request-Id %q)", resp.StatusCode, p, resp.Header.Get("X-Request-Id"))
	}
	if strings.Contains(p.Detail, "boom") {
		t.Error("internal panic text leaked into the response")
	}

	resp, err = http.Get(ts.URL + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if resp.StatusCode != 404 || p.Code != "not_found" || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("404 answer: %d %+v", resp.StatusCode, p)
	}
	if len(resp.Header.Get("X-Request-Id")) < 16 {
		t.Errorf("generated request id %q too short", resp.Header.Get("X-Request-Id"))
	}
}

func TestBodyLimit(t *testing.T) {
	_, ts, _ := newTestServer(t)
	resp, err := http.Post(ts.URL+"/echo", "text/plain", strings.NewReader(strings.Repeat("x", 2048)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 KiB body with a 1 KiB limit: %d, want 413", resp.StatusCode)
	}
	resp, err = http.Post(ts.URL+"/echo", "text/plain", strings.NewReader("small"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("small body: %d", resp.StatusCode)
	}
}

func TestMetricsRecordRoutePattern(t *testing.T) {
	_, ts, _ := newTestServer(t)
	for range 2 {
		r, _ := http.Get(ts.URL + "/livez")
		r.Body.Close()
	}
	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `portflow_http_request_duration_seconds_count{method="GET",route="/livez",status="200"} 2`) {
		t.Errorf("metrics lack the /livez histogram count:\n%s", body)
	}
}
