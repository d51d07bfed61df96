package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/problem"
)

// The handlers are thin: read and check the input, call one use case, write the view.

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 255

func (a *API) createPortRequest(w http.ResponseWriter, r *http.Request) {
	key, p := idempotencyKey(r)
	if p != nil {
		a.writeProblem(w, r, p)
		return
	}
	body, p := readJSON(r, a.maxIntake, true)
	if p != nil {
		a.writeProblem(w, r, intakeProblem(p))
		return
	}
	in, errs := parseCreate(body.value)
	if len(errs) > 0 {
		a.writeProblem(w, r, validationProblem(errs))
		return
	}
	a.create(w, r, in, key, body.hash)
}

// intakeProblem adds to a create's 413 what to do about it.
func intakeProblem(p *problem.Problem) *problem.Problem {
	if p.Status == http.StatusRequestEntityTooLarge {
		p.Detail += fmt.Sprintf(": %d numbers, each with its own account, fit; split a larger list into several requests", order.MaxNumbers)
	}
	return p
}

// create runs the create use case for a validated intake (a JSON body or an import) and answers
// 201 with the request. key is the Idempotency-Key ("" without), hash identifies the submission.
func (a *API) create(w http.ResponseWriter, r *http.Request, in createInput, key string, hash []byte) {
	if key != "" {
		in.request.IdempotencyKey = scopeIdempotencyKey(r, key)
		in.request.BodyHash = hash
	}
	req, created, err := a.requests.Create(r.Context(), in.request)
	if err != nil {
		var verr *order.ValidationError
		if errors.As(err, &verr) {
			err = bodyPointers(verr, in)
		}
		a.writeError(w, r, err)
		return
	}
	view, err := a.view(r, req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/port-requests/"+req.ID)
	if !created {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	// A replay answers as the first submission did (201): the client learns nothing new by
	// retrying, only that the request exists.
	writeJSON(w, http.StatusCreated, etag(req.Version), view)
}

func (a *API) getPortRequest(w http.ResponseWriter, r *http.Request) {
	summary, p := parseViewQuery(r.URL.Query())
	if p != nil {
		a.writeProblem(w, r, p)
		return
	}
	id := chi.URLParam(r, "id")
	if summary {
		// Counts and port orders from the plain tables: a client polling a 20,000-number request
		// does not have the whole request decrypted on every poll.
		s, err := a.history.RequestSummary(r.Context(), id)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if a.notModified(w, r, s.Version) {
			return
		}
		writeJSON(w, http.StatusOK, etag(s.Version), requestSummaryViewOf(s))
		return
	}
	req, err := a.requests.Get(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if a.notModified(w, r, req.Version) {
		return
	}
	view, err := a.view(r, req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, etag(req.Version), view)
}

// notModified answers 304 when If-None-Match names the version the client already has.
func (a *API) notModified(w http.ResponseWriter, r *http.Request, version int64) bool {
	tag := etag(version)
	if noneMatch := r.Header.Get("If-None-Match"); noneMatch != "" && etagListMatches(noneMatch, tag, true) {
		w.Header().Set("ETag", tag)
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

func (a *API) listNumbers(w http.ResponseWriter, r *http.Request) {
	f, p := parseNumbersQuery(r.URL.Query())
	if p != nil {
		a.writeProblem(w, r, p)
		return
	}
	f.RequestID = chi.URLParam(r, "id")
	limit := f.Limit
	f.Limit = limit + 1 // one more than asked tells whether there is a next page
	rows, err := a.history.ListNumbers(r.Context(), f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := numberPageView{Data: make([]numberItemView, 0, min(len(rows), limit))}
	for i, n := range rows {
		if i == limit {
			next := encodeCursor(numberCursor, rows[limit-1].PhoneNumber)
			out.NextCursor = &next
			setNextLink(w, r, next)
			break
		}
		out.Data = append(out.Data, numberItemViewOf(n))
	}
	writeJSON(w, http.StatusOK, "", out)
}

func (a *API) patchPortRequest(w http.ResponseWriter, r *http.Request) {
	body, p := readJSON(r, a.maxBody, true)
	if p != nil {
		a.writeProblem(w, r, p)
		return
	}
	in, errs := parsePatch(body.value)
	if len(errs) > 0 {
		a.writeProblem(w, r, validationProblem(errs))
		return
	}
	id := chi.URLParam(r, "id")
	if !a.preconditionHolds(w, r, id) {
		return
	}
	req, err := a.requests.Correct(r.Context(), id, in.correction)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.respondWithRequest(w, r, http.StatusOK, req)
}

func (a *API) cancelPortRequest(w http.ResponseWriter, r *http.Request) {
	body, p := readJSON(r, a.maxBody, false)
	if p != nil {
		a.writeProblem(w, r, p)
		return
	}
	var reason string
	if body != nil {
		var errs []problem.FieldError
		if reason, errs = parseCancel(body.value); len(errs) > 0 {
			a.writeProblem(w, r, validationProblem(errs))
			return
		}
	}
	id := chi.URLParam(r, "id")
	if !a.preconditionHolds(w, r, id) {
		return
	}
	req, err := a.requests.Cancel(r.Context(), id, reason)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.respondWithRequest(w, r, http.StatusAccepted, req)
}

func (a *API) activatePortRequest(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if !a.preconditionHolds(w, r, id) {
		return
	}
	req, err := a.requests.Activate(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.respondWithRequest(w, r, http.StatusAccepted, req)
}

func (a *API) listPortRequests(w http.ResponseWriter, r *http.Request) {
	f, p := parseListQuery(r.URL.Query())
	if p != nil {
		a.writeProblem(w, r, p)
		return
	}
	limit := f.Limit
	f.Limit = limit + 1 // one more than asked tells whether there is a next page
	rows, err := a.history.List(r.Context(), f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := listView{Data: make([]summaryView, 0, min(len(rows), limit))}
	for i, s := range rows {
		if i == limit {
			next := encodeCursor(requestCursor, rows[limit-1].ID)
			out.NextCursor = &next
			setNextLink(w, r, next)
			break
		}
		out.Data = append(out.Data, summaryOf(s))
	}
	writeJSON(w, http.StatusOK, "", out)
}

func (a *API) listEvents(w http.ResponseWriter, r *http.Request) {
	limit, after, p := parseEventsQuery(r.URL.Query())
	if p != nil {
		a.writeProblem(w, r, p)
		return
	}
	id := chi.URLParam(r, "id")
	if _, err := a.requests.Get(r.Context(), id); err != nil {
		a.writeError(w, r, err)
		return
	}
	entries, err := a.history.Timeline(r.Context(), id, after, limit+1)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := eventsView{Data: make([]timelineEntryView, 0, min(len(entries), limit))}
	for i, e := range entries {
		if i == limit {
			next := encodeCursor(eventCursor, strconv.FormatInt(entries[limit-1].ID, 10))
			out.NextCursor = &next
			setNextLink(w, r, next)
			break
		}
		out.Data = append(out.Data, timelineEntryOf(e, true))
	}
	switch {
	case out.NextCursor != nil:
		out.ResumeCursor = out.NextCursor
	case len(out.Data) > 0:
		resume := encodeCursor(eventCursor, strconv.FormatInt(out.Data[len(out.Data)-1].ID, 10))
		out.ResumeCursor = &resume
	case r.URL.Query().Get("cursor") != "":
		resume := r.URL.Query().Get("cursor")
		out.ResumeCursor = &resume
	}
	writeJSON(w, http.StatusOK, "", out)
}

// respondWithRequest answers a command with the request as it now is.
func (a *API) respondWithRequest(w http.ResponseWriter, r *http.Request, status int, req order.PortRequest) {
	view, err := a.view(r, req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, status, etag(req.Version), view)
}

// view builds a request's response with its timeline.
func (a *API) view(r *http.Request, req order.PortRequest) (portRequestView, error) {
	entries, err := a.history.Timeline(r.Context(), req.ID, 0, embeddedTimeline+1)
	if err != nil {
		return portRequestView{}, fmt.Errorf("timeline of %s: %w", req.ID, err)
	}
	next := ""
	if len(entries) > embeddedTimeline {
		entries = entries[:embeddedTimeline]
		next = encodeCursor(eventCursor, strconv.FormatInt(entries[embeddedTimeline-1].ID, 10))
	}
	return viewOf(req, entries, next), nil
}

// preconditionHolds applies If-Match (the ETag is the request's version): a client that read
// version 3 and sends If-Match: "3" has its change refused with 412 if anything changed since.
// The check is made immediately before the command, which itself re-reads the request under a
// row lock; a change landing between the two is decided on the newer state.
func (a *API) preconditionHolds(w http.ResponseWriter, r *http.Request, id string) bool {
	ifMatch := r.Header.Get("If-Match")
	if ifMatch == "" {
		return true
	}
	req, err := a.requests.Get(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return false
	}
	tag := etag(req.Version)
	if etagListMatches(ifMatch, tag, false) {
		return true
	}
	w.Header().Set("ETag", tag)
	a.writeProblem(w, r, problem.New(http.StatusPreconditionFailed, "precondition_failed",
		fmt.Sprintf("the port request has changed since you read it (it is now version %d, ETag %s): read it again and reapply your change", req.Version, tag)))
	return false
}

// etag is the entity tag of a request version.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// etagListMatches reports whether an If-Match / If-None-Match list holds tag. If-None-Match
// compares weakly (W/"3" matches "3"), If-Match strongly (RFC 9110 §13.1).
func etagListMatches(list, tag string, weak bool) bool {
	for _, candidate := range strings.Split(list, ",") {
		candidate = strings.TrimSpace(candidate)
		if candidate == "*" {
			return true
		}
		if strings.HasPrefix(candidate, "W/") {
			if !weak {
				continue
			}
			candidate = strings.TrimPrefix(candidate, "W/")
		}
		if candidate == tag {
			return true
		}
	}
	return false
}

// idempotencyKey reads the optional Idempotency-Key header: 1–255 visible ASCII characters,
// optionally quoted (the IETF draft writes it as a structured-field string).
func idempotencyKey(r *http.Request) (string, *problem.Problem) {
	values := r.Header.Values("Idempotency-Key")
	if len(values) == 0 {
		return "", nil
	}
	bad := func(why string) (string, *problem.Problem) {
		return "", problem.New(http.StatusBadRequest, "invalid_idempotency_key", "Idempotency-Key "+why+": send one key of 1 to 255 visible ASCII characters, e.g. a UUID")
	}
	if len(values) > 1 {
		return bad("was sent more than once")
	}
	key := strings.TrimSpace(values[0])
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	if key == "" {
		return bad("is empty")
	}
	if len(key) > maxIdempotencyKey {
		return bad("is longer than 255 characters")
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] > '~' {
			return bad("holds a character other than visible ASCII")
		}
	}
	return key, nil
}

// scopeIdempotencyKey prefixes the key with a digest of the caller's token, so two API clients
// that happen to pick the same key never see each other's requests.
func scopeIdempotencyKey(r *http.Request, key string) string {
	_, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return hex.EncodeToString(sum[:8]) + ":" + key
}

// bodyPointers translates the domain's field pointers to the names of what the client sent: the
// domain calls the numbers "numbers" (de-duplicated) and the billing number "billing_number".
func bodyPointers(verr *order.ValidationError, in createInput) *order.ValidationError {
	// A street line that cannot be parsed leaves every address part empty, and the domain then
	// also reports those parts; the one real fault is the street line (city, state and ZIP were
	// checked here already).
	unparseable := slices.ContainsFunc(verr.Problems, func(fp order.FieldProblem) bool { return fp.Code == "unparseable" })
	out := &order.ValidationError{}
	for _, fp := range verr.Problems {
		if unparseable && fp.Code != "unparseable" && strings.HasPrefix(fp.Pointer, "/service_address") {
			continue
		}
		switch {
		case fp.Pointer == "/numbers":
			fp.Pointer = in.numbersPointer
		case strings.HasPrefix(fp.Pointer, "/numbers/"):
			i, err := strconv.Atoi(strings.TrimPrefix(fp.Pointer, "/numbers/"))
			fp.Pointer = in.numbersPointer
			if err == nil && i >= 0 && i < len(in.numberPointers) {
				fp.Pointer = in.numberPointers[i]
			}
		case fp.Pointer == "/billing_number":
			fp.Pointer = in.fieldsPrefix + "/billing_telephone_number"
		case fp.Pointer == "/service_address" && fp.Code == "unparsed":
			// The street line could be read, but lacks a part Bandwidth requires.
			fp.Pointer = in.fieldsPrefix + "/service_address/line1"
		default:
			fp.Pointer = in.fieldsPrefix + fp.Pointer
		}
		out.Problems = append(out.Problems, fp)
	}
	return out
}

// writeJSON writes a JSON response with an optional ETag.
func writeJSON(w http.ResponseWriter, status int, tag string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Unreachable for the view types; still never a half-written 200.
		problem.Respond(w, nil, http.StatusInternalServerError, "internal_error", "the response could not be encoded")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if tag != "" {
		w.Header().Set("ETag", tag)
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
