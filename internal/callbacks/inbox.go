package callbacks

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/problem"
	"github.com/portflow/portflow/internal/store"
)

// InboxLister reads the callback inbox; *store.DB implements it.
type InboxLister interface {
	ListInbox(ctx context.Context, f store.InboxFilter) (entries []store.InboxEntry, nextCursor string, err error)
	InboxEntry(ctx context.Context, id int64) (store.InboxEntry, error)
}

// InboxHandler serves the operator's read-only view of the callback inbox, answering "did
// Bandwidth tell us?":
//
//	GET /       recent entries, newest first. Query filters: order_id, order_type, status,
//	            outcome, received_after, received_before (RFC 3339), limit (1–500, default 50),
//	            cursor (the next_cursor of the previous page).
//	GET /{id}   one entry.
//
// Bodies are shown as text (they are XML; body_base64 instead when not valid UTF-8), with the
// stored parse error of malformed ones. It is mounted behind the REST API's authentication. log
// receives unexpected errors; nil discards them.
func InboxHandler(lister InboxLister, log *zap.Logger) http.Handler {
	if log == nil {
		log = zap.NewNop()
	}
	h := inboxHandler{lister: lister, log: log.Named("callbacks.inbox")}
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		problem.Respond(w, r, http.StatusNotFound, "not_found", "no such resource: "+r.URL.Path)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		problem.Respond(w, r, http.StatusMethodNotAllowed, "method_not_allowed", "the callback inbox is read-only")
	})
	r.Get("/", h.list)
	r.Get("/{id}", h.get)
	return r
}

// inboxQueryTimeout bounds each inbox read, so a stuck database gives the operator a 503 rather
// than a hung request.
const inboxQueryTimeout = 5 * time.Second

type inboxHandler struct {
	lister InboxLister
	log    *zap.Logger
}

// inboxEntryJSON is the API shape of one inbox entry.
type inboxEntryJSON struct {
	ID              int64      `json:"id"`
	ReceivedAt      time.Time  `json:"received_at"`
	OrderType       string     `json:"order_type"`
	OrderID         string     `json:"order_id"`
	CustomerOrderID string     `json:"customer_order_id"`
	Status          string     `json:"status"`
	Message         string     `json:"message,omitempty"`
	Note            string     `json:"note,omitempty"`
	LastModified    *time.Time `json:"last_modified,omitempty"`
	Outcome         string     `json:"outcome"`
	RequestID       string     `json:"request_id,omitempty"`
	ProcessedAt     *time.Time `json:"processed_at,omitempty"`
	Malformed       bool       `json:"malformed"`
	ParseError      string     `json:"parse_error,omitempty"`
	ContentType     string     `json:"content_type"`
	DedupeKey       string     `json:"dedupe_key"`
	BodyBytes       int        `json:"body_bytes"`
	Body            *string    `json:"body,omitempty"`
	BodyBase64      *string    `json:"body_base64,omitempty"`
}

type inboxPageJSON struct {
	Entries    []inboxEntryJSON `json:"entries"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

func toInboxJSON(e store.InboxEntry) inboxEntryJSON {
	j := inboxEntryJSON{
		ID: e.ID, ReceivedAt: e.ReceivedAt, OrderType: e.OrderType, OrderID: e.OrderID,
		CustomerOrderID: e.CustomerOrderID, Status: e.Status, Message: e.Message, Note: e.Note,
		Outcome: string(e.Outcome), RequestID: e.RequestID, Malformed: e.Malformed, ParseError: e.ParseError,
		ContentType: e.ContentType, DedupeKey: e.DedupeKey, BodyBytes: len(e.Body),
	}
	if !e.LastModified.IsZero() {
		j.LastModified = &e.LastModified
	}
	if !e.ProcessedAt.IsZero() {
		j.ProcessedAt = &e.ProcessedAt
	}
	if utf8.Valid(e.Body) {
		s := string(e.Body)
		j.Body = &s
	} else {
		s := base64.StdEncoding.EncodeToString(e.Body)
		j.BodyBase64 = &s
	}
	return j
}

// inboxQueryParams are the query parameters the listing understands; any other is refused, so a
// misspelt filter cannot silently list everything.
var inboxQueryParams = []string{"order_id", "order_type", "status", "outcome", "received_after", "received_before", "limit", "cursor"}

func (h inboxHandler) list(w http.ResponseWriter, r *http.Request) {
	filter, fieldErrs := parseInboxQuery(r.URL.Query())
	if len(fieldErrs) > 0 {
		p := problem.New(http.StatusBadRequest, "invalid_query", "the query parameters are not valid")
		p.Errors = fieldErrs
		problem.Write(w, r, p)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), inboxQueryTimeout)
	defer cancel()
	entries, next, err := h.lister.ListInbox(ctx, filter)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := inboxPageJSON{Entries: make([]inboxEntryJSON, 0, len(entries)), NextCursor: next}
	for _, e := range entries {
		page.Entries = append(page.Entries, toInboxJSON(e))
	}
	writeJSON(w, page)
}

func (h inboxHandler) get(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		problem.Respond(w, r, http.StatusNotFound, "not_found", "inbox entry ids are positive integers")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), inboxQueryTimeout)
	defer cancel()
	entry, err := h.lister.InboxEntry(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, toInboxJSON(entry))
}

func (h inboxHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrInvalidInboxFilter):
		// Only the cursor can be wrong at this point: every other field was checked already.
		p := problem.New(http.StatusBadRequest, "invalid_query", "the query parameters are not valid")
		p.Errors = []problem.FieldError{{Pointer: "/cursor", Code: "invalid", Message: "use the next_cursor of a previous page, unchanged"}}
		problem.Write(w, r, p)
	case errors.Is(err, store.ErrNotFound):
		problem.Respond(w, r, http.StatusNotFound, "not_found", "no such inbox entry")
	case errors.Is(err, store.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded):
		h.log.Warn("inbox listing failed: database unavailable", zap.String("request_id", problem.RequestIDFunc(r)), zap.Error(err))
		problem.Respond(w, r, http.StatusServiceUnavailable, "database_unavailable", "the inbox cannot be read right now; try again shortly")
	default:
		h.log.Error("inbox listing failed", zap.String("request_id", problem.RequestIDFunc(r)), zap.Error(err))
		problem.Respond(w, r, http.StatusInternalServerError, "internal_error", "an internal error occurred; the request id identifies it in the logs")
	}
}

// parseInboxQuery validates the listing's query parameters, reporting every problem at once.
func parseInboxQuery(q url.Values) (store.InboxFilter, []problem.FieldError) {
	var (
		f    store.InboxFilter
		errs []problem.FieldError
	)
	bad := func(name, code, msg string) {
		errs = append(errs, problem.FieldError{Pointer: "/" + name, Code: code, Message: msg})
	}
	var unknown []string
	for name, values := range q {
		if !slices.Contains(inboxQueryParams, name) {
			unknown = append(unknown, name)
			continue
		}
		if len(values) > 1 {
			bad(name, "repeated", "give "+name+" at most once")
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		bad(name, "unknown_parameter", "not a filter; use one of "+strings.Join(inboxQueryParams, ", "))
	}
	f.OrderID = q.Get("order_id")
	f.OrderType = q.Get("order_type")
	f.Status = q.Get("status")
	f.Cursor = q.Get("cursor")
	if v := q.Get("outcome"); v != "" {
		f.Outcome = store.InboxOutcome(v)
		if !f.Outcome.Valid() {
			bad("outcome", "invalid", "one of pending, applied, no_change, unknown_order, malformed, note")
		}
	}
	for _, p := range []struct {
		name string
		into *time.Time
	}{{"received_after", &f.ReceivedAfter}, {"received_before", &f.ReceivedBefore}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				bad(p.name, "invalid", "an RFC 3339 time such as 2026-03-01T12:00:00Z")
				continue
			}
			*p.into = t
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxInboxPageSize {
			bad("limit", "invalid", "a whole number from 1 to "+strconv.Itoa(store.MaxInboxPageSize))
		} else {
			f.Limit = n
		}
	}
	return f, errs
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}
