package callbacks

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// outcome is what the intake did with one callback; the values are the outcome label.
type outcome string

const (
	outcomeAccepted     outcome = "accepted"      // stored, processing enqueued
	outcomeDuplicate    outcome = "duplicate"     // already stored; answered 200, nothing enqueued
	outcomeUnknownOrder outcome = "unknown_order" // stored and enqueued, but no order of ours matched
	outcomeMalformed    outcome = "malformed"     // stored flagged, answered 400/415
	outcomeUnauthorized outcome = "unauthorized"  // 401: the challenge, or wrong credentials
	outcomeTooLarge     outcome = "too_large"     // 413
	outcomeReadError    outcome = "read_error"    // the body could not be read
	outcomeUnavailable  outcome = "unavailable"   // the Receiver failed: 503
)

// metricLabels are the order type and status labels, always drawn from the bounded sets below so
// that a hostile or buggy sender cannot grow the series count.
type metricLabels struct{ orderType, status string }

// labelsNone labels callbacks whose body was never read or could not be parsed.
var labelsNone = metricLabels{orderType: "none", status: "none"}

// knownOrderTypes are the subscription order types Bandwidth documents (PROTOCOL.md §2.3), keyed
// lower-case; anything else is counted as "other".
var knownOrderTypes = canonicalSet(
	"portins", "orders", "portouts", "disconnects", "dldas", "lsrorders", "e911s", "tnoptions",
	"externalTns", "lidb", "bulkPortins", "importtnorders", "removeImportedTnOrders", "csrs",
	"emergencyNotificationGroup", "emergencyEndpointGroup", "tollfreePortingValidations",
	"importVoiceTnOrders", "removeImportedVoiceTnOrders",
)

// knownStatuses are the statuses the documented order types notify (PROTOCOL.md §2.4, §4.4,
// §5.6, §7.2); anything else is counted as "other".
var knownStatuses = canonicalSet(
	// port-ins
	"DRAFT", "PENDING_DOCUMENTS", "SUBMITTED", "FOC", "REQUESTED_SUPP", "COMPLETE", "CANCELLED",
	"EXCEPTION", "REQUESTED_CANCEL", "VALIDATE_DRAFT_TFNS", "INVALID_DRAFT_TFNS", "VALID_DRAFT_TFNS",
	"VALIDATE_TFNS", "INVALID_TFNS",
	// CSRs
	"RECEIVED", "PROCESSING", "ACTION_REQUIRED", "FAILED",
	// bulk port-ins
	"VALIDATE_DRAFT_TNS", "VALID_DRAFT_TNS", "INVALID_DRAFT_TNS", "IN_PROGRESS", "NEEDS_ATTENTION",
	"PARTIAL", "COMPLETED",
	// port-outs, LSR orders and others
	"NEW", "MODIFY", "PENDING", "SOA_PENDING", "SOA_CONFLICT", "VALIDATION_FAILED",
)

func canonicalSet(values ...string) map[string]string {
	m := make(map[string]string, len(values))
	for _, v := range values {
		m[strings.ToLower(v)] = v
	}
	return m
}

func boundedLabel(value string, known map[string]string) string {
	if value == "" {
		return "none"
	}
	if v, ok := known[value]; ok { // the common case: already lower-case (order types)
		return v
	}
	if v, ok := known[strings.ToLower(value)]; ok {
		return v
	}
	return "other"
}

func labelsFor(orderType, status string) metricLabels {
	return metricLabels{orderType: boundedLabel(orderType, knownOrderTypes), status: boundedLabel(status, knownStatuses)}
}

type metrics struct {
	callbacks *prometheus.CounterVec
	ack       *prometheus.HistogramVec
	batchSize prometheus.Histogram
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	m := &metrics{
		callbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portflow_callbacks_total",
			Help: "Bandwidth callbacks received, by order type, status and intake outcome " +
				"(accepted, duplicate, unknown_order, malformed, unauthorized, too_large, read_error, unavailable).",
		}, []string{"order_type", "status", "outcome"}),
		ack: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "portflow_callback_ack_seconds",
			Help:    "Time from receiving a Bandwidth callback to answering it (for accepted ones: durably stored), by intake outcome.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2, 5},
		}, []string{"outcome"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "portflow_callback_write_batch_size",
			Help:    "Callbacks committed together in one inbox transaction (group commit); 1 when they arrive one at a time.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64},
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.callbacks, m.ack, m.batchSize} {
		if err := reg.Register(c); err != nil {
			var already prometheus.AlreadyRegisteredError
			if errors.As(err, &already) {
				return nil, fmt.Errorf("callbacks: metrics already registered (one callback handler per registry): %w", err)
			}
			return nil, fmt.Errorf("callbacks: register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) observe(l metricLabels, o outcome, elapsed time.Duration) {
	m.callbacks.WithLabelValues(l.orderType, l.status, string(o)).Inc()
	m.ack.WithLabelValues(string(o)).Observe(elapsed.Seconds())
}
