package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/problem"
	"github.com/portflow/portflow/internal/store"
)

// PortRequests is what the API asks of portflow's engine: the use cases behind every write and
// the read of one request. *orchestrator.Orchestrator implements it.
type PortRequests interface {
	Create(ctx context.Context, in orchestrator.NewRequest) (order.PortRequest, bool, error)
	Get(ctx context.Context, id string) (order.PortRequest, error)
	Correct(ctx context.Context, id string, c order.Corrected) (order.PortRequest, error)
	Cancel(ctx context.Context, id, reason string) (order.PortRequest, error)
	Activate(ctx context.Context, id string) (order.PortRequest, error)
	AddDocument(ctx context.Context, id string, doc orchestrator.NewDocument) (order.PortRequest, string, error)
}

// History is the read side the API lists from: the plain tables, never the sealed state.
// *store.Requests (Orchestrator.Requests()) implements it.
type History interface {
	List(ctx context.Context, f store.ListFilter) ([]store.Summary, error)
	Timeline(ctx context.Context, requestID string, afterID int64, limit int) ([]store.TimelineEntry, error)
	RequestSummary(ctx context.Context, id string) (store.RequestSummary, error)
	ListNumbers(ctx context.Context, f store.NumberFilter) ([]store.NumberRow, error)
}

// Options configure the API.
type Options struct {
	PortRequests PortRequests
	History      History
	Logger       *zap.Logger
	// MaxBodyBytes caps JSON request bodies other than a create (default 1 MiB). Document
	// uploads have their own limit, Bandwidth's 3 MB.
	MaxBodyBytes int64
	// MaxIntakeBytes caps a create's body, JSON or import (default 8 MiB: 20,000 numbers, each
	// with its own billing number, account number and PIN, fit about twice over). The server's
	// own body limit must not be lower.
	MaxIntakeBytes int64
	// RateLimit, when set, limits each API token; excess requests get 429 with Retry-After.
	RateLimit RateLimit
	// Now is the clock (default time.Now); it drives the rate limiter.
	Now func() time.Time
}

// Defaults.
const (
	defaultMaxBodyBytes   = 1 << 20
	defaultMaxIntakeBytes = 8 << 20
	// embeddedTimeline is how many timeline entries GET /v1/port-requests/{id} embeds; the rest
	// are on /events from timeline_next_cursor on.
	embeddedTimeline = 500
)

// API is portflow's REST API. Mount V1 at /v1 and OpenAPI at /openapi.yaml, both behind
// RequireToken.
type API struct {
	requests PortRequests
	history  History
	log      *zap.Logger
	maxBody  int64
	// maxIntake caps the body of a create (JSON or import).
	maxIntake int64
	limiter   *rateLimiter
	v1        http.Handler
}

// New builds the API.
func New(opts Options) (*API, error) {
	if opts.PortRequests == nil || opts.History == nil || opts.Logger == nil {
		return nil, errors.New("api: PortRequests, History and Logger are required")
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = defaultMaxBodyBytes
	}
	if opts.MaxIntakeBytes <= 0 {
		opts.MaxIntakeBytes = defaultMaxIntakeBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &API{
		requests:  opts.PortRequests,
		history:   opts.History,
		log:       opts.Logger.Named("api"),
		maxBody:   opts.MaxBodyBytes,
		maxIntake: opts.MaxIntakeBytes,
	}
	if opts.RateLimit.enabled() {
		a.limiter = newRateLimiter(opts.RateLimit, opts.Now)
	}

	r := chi.NewRouter()
	if a.limiter != nil {
		r.Use(a.limiter.middleware(a))
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		a.writeProblem(w, r, problem.New(http.StatusNotFound, "not_found", "no such resource: "+r.URL.Path+" (see /openapi.yaml)"))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		a.writeProblem(w, r, problem.New(http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path))
	})
	r.Route("/port-requests", func(r chi.Router) {
		r.Post("/", a.createPortRequest)
		r.Get("/", a.listPortRequests)
		r.Post("/import", a.importPortRequest)
		r.Route("/{id}", func(r chi.Router) {
			r.Get("/", a.getPortRequest)
			r.Patch("/", a.patchPortRequest)
			r.Post("/cancel", a.cancelPortRequest)
			r.Post("/activate", a.activatePortRequest)
			r.Post("/documents", a.addDocument)
			r.Get("/events", a.listEvents)
			r.Get("/numbers", a.listNumbers)
		})
	})
	a.v1 = r
	return a, nil
}

// V1 serves the API below /v1 (mount it there: it routes on the path after the mount point).
func (a *API) V1() http.Handler { return a.v1 }

// OpenAPI serves the OpenAPI 3.1 document describing V1 (mount it at /openapi.yaml).
func (a *API) OpenAPI() http.Handler {
	h := http.HandlerFunc(serveOpenAPI)
	if a.limiter != nil {
		return a.limiter.middleware(a)(h)
	}
	return h
}

// Mount puts the API on r behind auth (RequireToken): V1 at /v1 and the OpenAPI document at
// /openapi.yaml.
func (a *API) Mount(r chi.Router, auth func(http.Handler) http.Handler) {
	r.With(auth).Mount("/v1", a.V1())
	r.With(auth).Method(http.MethodGet, "/openapi.yaml", a.OpenAPI())
	r.With(auth).Method(http.MethodHead, "/openapi.yaml", a.OpenAPI())
}
