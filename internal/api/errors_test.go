package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/store"
)

// TestProblemFor: the one mapping from errors to answers, for each kind of error the layers
// below return, wrapped as they wrap them.
func TestProblemFor(t *testing.T) {
	secret := errors.New(`dial tcp 10.0.0.7:5432: password authentication failed for user "portflow"`)
	cases := []struct {
		name       string
		err        error
		status     int
		code       string
		retryAfter bool
		internal   bool
	}{
		{"validation", fmt.Errorf("create: %w", &order.ValidationError{Problems: []order.FieldProblem{{Pointer: "/pin", Code: "required", Message: "x"}}}),
			http.StatusUnprocessableEntity, "validation_failed", false, false},
		{"rejected", fmt.Errorf("apply: %w", &order.RejectedError{Code: order.RejectCancelTooCloseToFoc, Message: "within 24 hours"}),
			http.StatusConflict, order.RejectCancelTooCloseToFoc, false, false},
		{"idempotency", fmt.Errorf("insert: %w", orchestrator.ErrIdempotencyConflict), http.StatusConflict, "idempotency_key_reused", false, false},
		{"not found", fmt.Errorf("get request x: %w", store.ErrNotFound), http.StatusNotFound, "not_found", false, false},
		{"database down", fmt.Errorf("begin: %w: %w", store.ErrUnavailable, secret), http.StatusServiceUnavailable, "service_unavailable", true, false},
		{"Bandwidth refuses", fmt.Errorf("activation: %w", &bandwidth.Error{Class: bandwidth.ClassPermanent, Codes: bandwidth.ErrorList{{Code: "7345", Description: "not triggered"}}}),
			http.StatusConflict, "bandwidth_refused", false, false},
		{"Bandwidth down", &bandwidth.Error{Class: bandwidth.ClassRetryable, Err: secret}, http.StatusServiceUnavailable, "bandwidth_unavailable", true, false},
		{"Bandwidth rate limit", &bandwidth.Error{Class: bandwidth.ClassRateLimited, RetryAt: time.Now().Add(time.Minute)}, http.StatusServiceUnavailable, "bandwidth_unavailable", true, false},
		{"Bandwidth credentials", &bandwidth.Error{Class: bandwidth.ClassAuth, Err: secret}, http.StatusInternalServerError, "internal_error", false, true},
		{"anything else", fmt.Errorf("open request: %w", secret), http.StatusInternalServerError, "internal_error", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := problemFor(tc.err)
			if m.problem.Status != tc.status || m.problem.Code != tc.code || (m.retryAfter > 0) != tc.retryAfter || m.internal != tc.internal {
				t.Errorf("%+v (retry after %s, internal %v)", m.problem, m.retryAfter, m.internal)
			}
			if strings.Contains(m.problem.Detail, "10.0.0.7") || strings.Contains(m.problem.Detail, "password") {
				t.Errorf("internals in the detail: %q", m.problem.Detail)
			}
		})
	}
	if m := problemFor(&bandwidth.Error{Class: bandwidth.ClassRateLimited, RetryAt: time.Now().Add(time.Minute)}); m.retryAfter < 55*time.Second {
		t.Errorf("a rate-limited Bandwidth asks to wait %s, want about a minute", m.retryAfter)
	}
}
