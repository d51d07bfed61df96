package api

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/problem"
	"github.com/portflow/portflow/internal/store"
)

// unavailableRetryAfter is what a 503 asks a client to wait when nothing better is known.
const unavailableRetryAfter = 5 * time.Second

// mappedError is an error turned into the problem a client sees, with what the handler still has
// to do about it.
type mappedError struct {
	problem *problem.Problem
	// retryAfter, when positive, is sent as Retry-After.
	retryAfter time.Duration
	// internal marks an unexpected error: logged at error level, never shown.
	internal bool
}

// problemFor is the one place where an error from the layers below becomes an HTTP answer:
//
//   - *order.ValidationError → 422 with errors[] (pointers as the domain reports them; a handler
//     whose body names fields differently translates them first)
//   - *order.RejectedError → 409 with its code and message
//   - orchestrator.ErrIdempotencyConflict → 409 idempotency_key_reused
//   - store.ErrNotFound → 404
//   - store.ErrUnavailable → 503 with Retry-After
//   - a Bandwidth call that could not be made now (timeouts, 5xx, rate limits) → 503 with
//     Retry-After; Bandwidth refusing the request as it is → 409 with Bandwidth's codes
//   - anything else → 500 internal_error: the body carries only the request id; the error is
//     logged with it.
func problemFor(err error) mappedError {
	var (
		verr   *order.ValidationError
		rej    *order.RejectedError
		bwErr  *bandwidth.Error
		detail string
	)
	switch {
	case errors.As(err, &verr):
		errs := make([]problem.FieldError, len(verr.Problems))
		for i, fp := range verr.Problems {
			errs[i] = problem.FieldError{Pointer: fp.Pointer, Code: fp.Code, Message: fp.Message}
		}
		return mappedError{problem: validationProblem(errs)}
	case errors.As(err, &rej):
		return mappedError{problem: problem.New(http.StatusConflict, rej.Code, rej.Message)}
	case errors.Is(err, orchestrator.ErrIdempotencyConflict):
		return mappedError{problem: problem.New(http.StatusConflict, "idempotency_key_reused",
			"this Idempotency-Key was already used with a different request body: use a new key for a new request, or resend the original body to get the original answer")}
	case errors.Is(err, store.ErrNotFound):
		return mappedError{problem: problem.New(http.StatusNotFound, "not_found", "no port request has this id")}
	case errors.Is(err, store.ErrUnavailable):
		return mappedError{
			problem:    problem.New(http.StatusServiceUnavailable, "service_unavailable", "portflow's database is not answering; retry shortly"),
			retryAfter: unavailableRetryAfter,
		}
	case errors.As(err, &bwErr):
		switch bwErr.Class {
		case bandwidth.ClassPermanent, bandwidth.ClassNotFound:
			codes := make([]string, len(bwErr.Codes))
			for i, c := range bwErr.Codes {
				codes[i] = c.String()
			}
			detail = "Bandwidth refused the operation"
			if len(codes) > 0 {
				detail += ": " + strings.Join(codes, "; ")
			}
			return mappedError{problem: problem.New(http.StatusConflict, "bandwidth_refused", detail)}
		case bandwidth.ClassRetryable, bandwidth.ClassRateLimited:
			wait := unavailableRetryAfter
			if until := time.Until(bwErr.RetryAt); until > wait {
				wait = until
			}
			return mappedError{
				problem:    problem.New(http.StatusServiceUnavailable, "bandwidth_unavailable", "Bandwidth cannot be reached or is busy right now; retry shortly"),
				retryAfter: wait,
			}
		}
	}
	return mappedError{
		problem:  problem.New(http.StatusInternalServerError, "internal_error", "an internal error occurred; quote the request_id when reporting it"),
		internal: true,
	}
}

// writeError answers err through problemFor. A request whose client has gone away is only noted:
// its context error is not a fault of portflow's.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		a.log.Debug("request abandoned by the client", zap.String("path", r.URL.Path), zap.Error(err))
		// Nobody is likely to read this answer; it still follows the documented 503 shape.
		w.Header().Set("Retry-After", "1")
		a.writeProblem(w, r, problem.New(http.StatusServiceUnavailable, "request_cancelled", "the request was cancelled before it completed"))
		return
	}
	m := problemFor(err)
	if m.internal {
		a.log.Error("request failed", zap.String("request_id", requestID(r, m.problem)), zap.String("method", r.Method),
			zap.String("path", r.URL.Path), zap.Error(err))
	}
	if m.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(m.retryAfter.Seconds()))))
	}
	a.writeProblem(w, r, m.problem)
}

// requestID fills in the problem's request id (the server's X-Request-Id) and returns it, so the
// log line and the answer carry the same one.
func requestID(r *http.Request, p *problem.Problem) string {
	if p.RequestID == "" {
		p.RequestID = problem.RequestIDFunc(r)
	}
	return p.RequestID
}

func (a *API) writeProblem(w http.ResponseWriter, r *http.Request, p *problem.Problem) {
	requestID(r, p)
	problem.Write(w, r, p)
}

// validationProblem is the 422 for field errors found in the API itself.
func validationProblem(errs []problem.FieldError) *problem.Problem {
	p := problem.New(http.StatusUnprocessableEntity, "validation_failed", describeFieldErrors(errs))
	p.Errors = errs
	return p
}

func describeFieldErrors(errs []problem.FieldError) string {
	if len(errs) >= maxFieldErrors {
		return fmt.Sprintf("at least %d fields are invalid: errors lists the first %d", len(errs), len(errs))
	}
	if len(errs) == 1 {
		e := errs[0]
		if e.Pointer == "" {
			return e.Message
		}
		return fmt.Sprintf("%s: %s", e.Pointer, e.Message)
	}
	return fmt.Sprintf("%d fields are invalid: see errors", len(errs))
}
