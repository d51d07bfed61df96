// Package telemetry owns portflow's logs and metrics plumbing: the zap logger built once in main,
// the Prometheus registry every package registers its metrics on, the HTTP request metrics, and the
// pgx pool statistics collector. Packages declare their own metrics; this package only hosts them.
package telemetry

import (
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// NewLogger builds the process logger: JSON lines (for machines) or console (for people).
func NewLogger(level, format string, w io.Writer) (*zap.Logger, error) {
	var lvl zapcore.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	encCfg := zap.NewProductionEncoderConfig()
	encCfg.TimeKey = "ts"
	encCfg.EncodeTime = zapcore.ISO8601TimeEncoder
	var enc zapcore.Encoder
	switch strings.ToLower(format) {
	case "json", "":
		enc = zapcore.NewJSONEncoder(encCfg)
	case "console":
		encCfg.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(encCfg)
	default:
		return nil, fmt.Errorf("log format %q: want json or console", format)
	}
	core := zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(w)), lvl)
	return zap.New(core, zap.AddCaller()), nil
}

// NewRegistry returns a registry with the Go runtime and process collectors. Each server gets its
// own registry (not the global one) so that tests can run several servers in one process.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// poolCollector exports pgxpool.Stat as gauges and counters.
type poolCollector struct {
	pool  *pgxpool.Pool
	descs map[string]*prometheus.Desc
}

// NewPoolCollector exposes the pool's statistics as portflow_db_pool_* metrics.
func NewPoolCollector(pool *pgxpool.Pool) prometheus.Collector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("portflow_db_pool_"+name, help, nil, nil)
	}
	return &poolCollector{pool: pool, descs: map[string]*prometheus.Desc{
		"acquired":       d("acquired_connections", "Connections currently in use."),
		"idle":           d("idle_connections", "Idle connections."),
		"total":          d("total_connections", "Open connections."),
		"max":            d("max_connections", "Pool size limit."),
		"acquires":       d("acquires_total", "Successful connection acquisitions."),
		"acquire_wait":   d("acquire_wait_seconds_total", "Time spent waiting for a connection."),
		"empty_acquires": d("empty_acquires_total", "Acquisitions that had to wait because the pool was empty."),
		"canceled":       d("canceled_acquires_total", "Acquisitions canceled by their context."),
	}}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	g := func(k string, v float64) { ch <- prometheus.MustNewConstMetric(c.descs[k], prometheus.GaugeValue, v) }
	ctr := func(k string, v float64) { ch <- prometheus.MustNewConstMetric(c.descs[k], prometheus.CounterValue, v) }
	g("acquired", float64(s.AcquiredConns()))
	g("idle", float64(s.IdleConns()))
	g("total", float64(s.TotalConns()))
	g("max", float64(s.MaxConns()))
	ctr("acquires", float64(s.AcquireCount()))
	ctr("acquire_wait", s.AcquireDuration().Seconds())
	ctr("empty_acquires", float64(s.EmptyAcquireCount()))
	ctr("canceled", float64(s.CanceledAcquireCount()))
}
