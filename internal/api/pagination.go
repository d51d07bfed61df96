package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/problem"
	"github.com/portflow/portflow/internal/store"
)

// Pagination is by keyset: a cursor names the last item of a page and the next page starts after
// it. Request ids are UUIDv7, so id order is creation order, and timeline ids only grow: a page
// boundary never moves when rows are inserted meanwhile, so paging never skips or repeats an item
// (new items appear on later pages). A request's numbers are paged in phone-number order; the set
// of numbers never changes, so neither do the pages (a status filter can of course see a number
// leave or enter it between pages). Cursors are opaque to clients: base64url of a kind prefix
// and the id, so a cursor from one listing is refused by the other.

const (
	defaultPageSize = 50
	maxPageSize     = 200
	// A request's numbers are small rows; pages are larger.
	defaultNumbersPageSize = 100
	maxNumbersPageSize     = 1000

	requestCursor = "r"
	eventCursor   = "e"
	numberCursor  = "n"
)

func encodeCursor(kind, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + id))
}

// decodeCursor returns the id a cursor of kind names.
func decodeCursor(kind, cursor string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return "", false
	}
	k, id, ok := strings.Cut(string(raw), ":")
	if !ok || k != kind || id == "" {
		return "", false
	}
	return id, true
}

// queryProblems collects what is wrong with a query string; every problem is reported at once
// in a 400 (a query parameter is not a body field, so it is not a 422).
type queryProblems []string

func (q *queryProblems) add(format string, args ...any) {
	*q = append(*q, fmt.Sprintf(format, args...))
}

func (q queryProblems) problem() *problem.Problem {
	if len(q) == 0 {
		return nil
	}
	return problem.New(http.StatusBadRequest, "invalid_parameter", strings.Join(q, "; "))
}

// checkParams refuses unknown and repeated parameters: a misspelt filter must not silently
// list everything.
func checkParams(q url.Values, qp *queryProblems, repeatable []string, allowed ...string) {
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch {
		case !slices.Contains(allowed, name):
			qp.add("unknown parameter %q (the parameters are: %s)", name, strings.Join(allowed, ", "))
		case len(q[name]) > 1 && !slices.Contains(repeatable, name):
			qp.add("parameter %q is given more than once", name)
		}
	}
}

func parseLimit(q url.Values, qp *queryProblems) int {
	return parseLimitWithin(q, qp, defaultPageSize, maxPageSize)
}

func parseLimitWithin(q url.Values, qp *queryProblems, def, max int) int {
	s := q.Get("limit")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		qp.add("limit must be an integer from 1 to %d, not %q", max, s)
		return def
	}
	return n
}

// parseViewQuery reads GET /v1/port-requests/{id}'s view: full (the default) or summary.
func parseViewQuery(q url.Values) (summary bool, p *problem.Problem) {
	var qp queryProblems
	checkParams(q, &qp, nil, "view")
	switch v := q.Get("view"); v {
	case "", "full":
	case "summary":
		summary = true
	default:
		qp.add("view %q is not a view of a port request (full, summary)", v)
	}
	return summary, qp.problem()
}

// parseNumbersQuery reads GET /v1/port-requests/{id}/numbers's filters and paging.
func parseNumbersQuery(q url.Values) (store.NumberFilter, *problem.Problem) {
	var qp queryProblems
	checkParams(q, &qp, []string{"status"}, "status", "port_order_id", "limit", "cursor")
	f := store.NumberFilter{Limit: parseLimitWithin(q, &qp, defaultNumbersPageSize, maxNumbersPageSize)}
	statuses := []order.NumberStatus{order.NumberPending, order.NumberPorting, order.NumberCompleted, order.NumberFailed, order.NumberCancelled}
	for _, v := range q["status"] {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if !slices.Contains(statuses, order.NumberStatus(s)) {
				qp.add("status %q is not a number status (pending, porting, completed, failed, cancelled)", s)
				continue
			}
			if !slices.Contains(f.Statuses, s) {
				f.Statuses = append(f.Statuses, s)
			}
		}
	}
	if po, present := q["port_order_id"]; present {
		switch s := po[0]; {
		case s == "" || len(s) > maxCustomerOrderID:
			qp.add("port_order_id %q is not a port order id (1 to %d characters, as port_orders[].id shows it)", s, maxCustomerOrderID)
		default:
			f.PortOrderID = s
		}
	}
	if c := q.Get("cursor"); c != "" {
		tn, ok := decodeCursor(numberCursor, c)
		if _, valid := normalizePhoneNumber(tn); !ok || !valid || strings.HasPrefix(tn, "+") {
			qp.add("cursor %q is not a cursor this listing returned", c)
		} else {
			f.AfterNumber = tn
		}
	}
	return f, qp.problem()
}

// parseListQuery reads GET /v1/port-requests's filters.
func parseListQuery(q url.Values) (store.ListFilter, *problem.Problem) {
	var qp queryProblems
	checkParams(q, &qp, []string{"status"}, "status", "phone_number", "customer_order_id", "created_after", "created_before", "limit", "cursor")
	f := store.ListFilter{Limit: parseLimit(q, &qp)}
	for _, v := range q["status"] {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if !order.Status(s).Valid() {
				names := make([]string, len(order.Statuses))
				for i, st := range order.Statuses {
					names[i] = string(st)
				}
				qp.add("status %q is not a port request status (%s)", s, strings.Join(names, ", "))
				continue
			}
			if !slices.Contains(f.Statuses, s) {
				f.Statuses = append(f.Statuses, s)
			}
		}
	}
	if s := q.Get("phone_number"); s != "" {
		if tn, ok := normalizePhoneNumber(s); ok {
			f.PhoneNumber = tn
		} else {
			qp.add("phone_number %q is not a 10-digit North American number or +1 E.164 (a '+' must be sent as %%2B)", s)
		}
	}
	f.CustomerOrderID = q.Get("customer_order_id")
	f.CreatedAfter = parseInstant(q, "created_after", &qp)
	f.CreatedBefore = parseInstant(q, "created_before", &qp)
	if !f.CreatedAfter.IsZero() && !f.CreatedBefore.IsZero() && !f.CreatedAfter.Before(f.CreatedBefore) {
		qp.add("created_after must be before created_before")
	}
	if c := q.Get("cursor"); c != "" {
		id, ok := decodeCursor(requestCursor, c)
		if _, err := uuid.Parse(id); !ok || err != nil {
			qp.add("cursor %q is not a cursor this listing returned", c)
		} else {
			f.AfterID = id
		}
	}
	return f, qp.problem()
}

// parseInstant reads an RFC 3339 time, or a date meaning its first instant in UTC.
func parseInstant(q url.Values, name string, qp *queryProblems) time.Time {
	s := q.Get(name)
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t
	}
	qp.add("%s %q is not an RFC 3339 time (2026-03-02T15:04:05Z; a '+' offset must be sent as %%2B) or a date (2026-03-02)", name, s)
	return time.Time{}
}

// parseEventsQuery reads GET /v1/port-requests/{id}/events's paging.
func parseEventsQuery(q url.Values) (limit int, afterID int64, p *problem.Problem) {
	var qp queryProblems
	checkParams(q, &qp, nil, "limit", "cursor")
	limit = parseLimit(q, &qp)
	if c := q.Get("cursor"); c != "" {
		id, ok := decodeCursor(eventCursor, c)
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil || n < 0 {
			qp.add("cursor %q is not a cursor this listing returned", c)
		} else {
			afterID = n
		}
	}
	return limit, afterID, qp.problem()
}

// setNextLink adds an RFC 8288 Link to the next page, for clients that follow links.
func setNextLink(w http.ResponseWriter, r *http.Request, cursor string) {
	q := r.URL.Query()
	q.Set("cursor", cursor)
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	w.Header().Set("Link", "<"+u.String()+`>; rel="next"`)
}
