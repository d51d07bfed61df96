package orchestrator

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/order"
)

type metrics struct {
	transitions     *prometheus.CounterVec
	timeInStatus    *prometheus.HistogramVec
	rejections      *prometheus.CounterVec
	csrOutcomes     *prometheus.CounterVec
	remediations    *prometheus.CounterVec
	missedCallbacks prometheus.Counter
	reactionLatency prometheus.Histogram
	decisions       *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	m := &metrics{
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portflow_request_transitions_total",
			Help: "Port request status changes, by the status entered.",
		}, []string{"to"}),
		timeInStatus: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "portflow_request_status_seconds",
			Help:    "How long port requests stayed in a status before leaving it.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 12), // 1 s … ~48 days
		}, []string{"status"}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portflow_bandwidth_rejections_total",
			Help: "Bandwidth error codes seen on port orders, by code.",
		}, []string{"code"}),
		csrOutcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portflow_csr_outcomes_total",
			Help: "CSR lookups by outcome.",
		}, []string{"outcome"}),
		remediations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portflow_auto_remediations_total",
			Help: "SUPPs portflow sent on its own to fix a rejection, by reason.",
		}, []string{"reason"}),
		missedCallbacks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portflow_callbacks_missed_total",
			Help: "Order changes the reconciler found before any callback announced them: callbacks Bandwidth never delivered.",
		}),
		reactionLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "portflow_callback_reaction_seconds",
			Help:    "From a callback's arrival to the start of the Bandwidth call it causes.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portflow_decisions_total",
			Help: "Events applied to port requests, by event kind and result (changed, ignored, rejected).",
		}, []string{"event", "result"}),
	}
	for _, c := range []prometheus.Collector{m.transitions, m.timeInStatus, m.rejections, m.csrOutcomes,
		m.remediations, m.missedCallbacks, m.reactionLatency, m.decisions} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

// ObserveBandwidthCall is the bandwidth.Config.Observe hook: API calls and errors by endpoint and
// class. It is a function, not a method, because the client is built before the orchestrator.
func ObserveBandwidthCall(reg *prometheus.Registry) func(bandwidth.CallInfo) {
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portflow_bandwidth_api_calls_total",
		Help: "Attempts at calls to Bandwidth's API, by endpoint and class (none = success).",
	}, []string{"endpoint", "class"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "portflow_bandwidth_api_call_seconds",
		Help:    "Latency of calls to Bandwidth's API, by endpoint.",
		Buckets: prometheus.DefBuckets,
	}, []string{"endpoint"})
	reg.MustRegister(calls, latency)
	return func(ci bandwidth.CallInfo) {
		class := string(ci.Class)
		if class == "" {
			class = "none"
		}
		calls.WithLabelValues(ci.Endpoint, class).Inc()
		latency.WithLabelValues(ci.Endpoint).Observe(ci.Duration.Seconds())
	}
}

// observeDecision records what a decision did.
func (m *metrics) observeDecision(before order.PortRequest, d order.Decision, ev order.Event, now time.Time) {
	switch {
	case d.Ignored != "":
		m.decisions.WithLabelValues(string(ev.Kind()), "ignored").Inc()
		return
	case !d.Changed:
		m.decisions.WithLabelValues(string(ev.Kind()), "unchanged").Inc()
		return
	}
	m.decisions.WithLabelValues(string(ev.Kind()), "changed").Inc()
	after := d.Request
	if after.Status != before.Status {
		m.transitions.WithLabelValues(string(after.Status)).Inc()
		since := before.UpdatedAt
		if since.IsZero() {
			since = before.CreatedAt
		}
		if !since.IsZero() && now.After(since) {
			m.timeInStatus.WithLabelValues(string(before.Status)).Observe(now.Sub(since).Seconds())
		}
	}
	old := map[string]order.PortOrder{}
	for _, o := range before.Orders {
		old[o.ID] = o
	}
	for _, o := range after.Orders {
		prev := old[o.ID]
		if o.Csr.Outcome != "" && o.Csr.Outcome != prev.Csr.Outcome {
			m.csrOutcomes.WithLabelValues(string(o.Csr.Outcome)).Inc()
		}
		if o.ProcessingStatus != prev.ProcessingStatus || len(o.Errors) != len(prev.Errors) {
			for _, e := range o.Errors {
				m.rejections.WithLabelValues(e.Code).Inc()
			}
		}
		if o.CsrRemediationUsed && !prev.CsrRemediationUsed {
			m.remediations.WithLabelValues("csr_address").Inc()
		}
		if o.PartialPortRemediationUsed && !prev.PartialPortRemediationUsed {
			m.remediations.WithLabelValues("partial_port").Inc()
		}
		if o.FocRecomputations > prev.FocRecomputations {
			m.remediations.WithLabelValues("foc_date").Inc()
		}
	}
}
