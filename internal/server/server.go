// Package server owns portflow's HTTP plumbing: the chi router with the middleware every route gets
// (request id, panic recovery, access log, latency metrics, body limit), the health endpoints
// (/livez, /readyz), /metrics, and the http.Server with its timeouts and graceful shutdown. The
// feature handlers (callbacks, REST API, sandbox) are mounted on it by cmd/server.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/problem"
)

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Options configure the server.
type Options struct {
	Logger   *zap.Logger
	Registry *prometheus.Registry
	DB       Pinger
	// MaxBodyBytes caps every request body unless a route sets a tighter limit itself.
	MaxBodyBytes int64
	// Version is reported by /livez.
	Version string
}

// Server is portflow's HTTP front.
type Server struct {
	Router chi.Router
	opts   Options
	ready  atomic.Bool
}

// New builds the router with the shared middleware and the health and metrics endpoints.
func New(opts Options) *Server {
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = 16 << 20
	}
	s := &Server{Router: chi.NewRouter(), opts: opts}
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "portflow_http_request_duration_seconds",
		Help:    "HTTP request latency by route, method and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status"})
	opts.Registry.MustRegister(latency)

	r := s.Router
	r.Use(requestID, s.accessLog(latency), s.recoverPanic, bodyLimit(opts.MaxBodyBytes))
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		problem.Respond(w, r, http.StatusNotFound, "not_found", "no such resource: "+r.URL.Path)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		problem.Respond(w, r, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path)
	})
	r.Get("/livez", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": opts.Version})
	})
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{Registry: opts.Registry}))
	return s
}

// SetReady flips readiness; it goes false first thing on shutdown.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": "starting or shutting down"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.opts.DB.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": "database does not answer"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// HTTPServer wraps the router in an http.Server with timeouts suited to a public endpoint.
func (s *Server) HTTPServer(baseCtx context.Context) *http.Server {
	return &http.Server{
		Handler:           s.Router,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          zap.NewStdLog(s.opts.Logger.Named("http")),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(baseCtx) },
	}
}

type ctxKey int

const requestIDKey ctxKey = iota

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// RequestID returns the request's id (from X-Request-Id when the caller sent a sane one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func init() {
	problem.RequestIDFunc = func(r *http.Request) string { return RequestID(r.Context()) }
}

func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

// statusRecorder remembers the status and size written.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *Server) accessLog(latency *prometheus.HistogramVec) func(http.Handler) http.Handler {
	log := s.opts.Logger.Named("http")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			elapsed := time.Since(start)
			route := "unmatched"
			if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
				route = rc.RoutePattern()
			}
			latency.WithLabelValues(route, r.Method, strconv.Itoa(rec.status)).Observe(elapsed.Seconds())
			level := zap.InfoLevel
			switch {
			case rec.status >= 500:
				level = zap.ErrorLevel
			case route == "/livez" || route == "/readyz" || route == "/metrics" || strings.HasPrefix(route, "/sandbox/"):
				level = zap.DebugLevel
			}
			// Never the query string's secrets, headers or bodies: only what identifies the request.
			if ce := log.Check(level, "request"); ce != nil {
				ce.Write(
					zap.String("request_id", RequestID(r.Context())),
					zap.String("method", r.Method),
					zap.String("route", route),
					zap.String("path", r.URL.Path),
					zap.Int("status", rec.status),
					zap.Int("bytes", rec.bytes),
					zap.Duration("duration", elapsed),
					zap.String("remote", r.RemoteAddr),
				)
			}
		})
	}
}

func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
					panic(p)
				}
				s.opts.Logger.Error("panic in handler", zap.Any("panic", p), zap.String("request_id", RequestID(r.Context())), zap.Stack("stack"))
				problem.Respond(w, r, http.StatusInternalServerError, "internal_error", "an internal error occurred; the request id identifies it in the logs")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func bodyLimit(limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > limit {
				problem.Respond(w, r, http.StatusRequestEntityTooLarge, "body_too_large", "the request body exceeds "+strconv.FormatInt(limit, 10)+" bytes")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// IsBodyTooLarge reports whether err came from exceeding a body limit.
func IsBodyTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
