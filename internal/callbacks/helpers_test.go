package callbacks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/portflow/portflow/internal/callbacks"
	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/testdb"
)

// The credential pairs configured in every test: the current one and the one being rotated out.
var (
	currentPair  = callbacks.Credential{Username: "bandwidth", Password: "current-password-1"}
	previousPair = callbacks.Credential{Username: "bandwidth-old", Password: "previous-password-0"}
)

// processCallbackArgs stands for the orchestrator's processing job: the receiver's hand-off really
// inserts it into River's queue inside the inbox transaction, as production does.
type processCallbackArgs struct {
	InboxID int64 `json:"inbox_id"`
}

func (processCallbackArgs) Kind() string { return "process_bandwidth_callback" }

// intake is a running callback endpoint on a fresh database.
type intake struct {
	t        *testing.T
	db       *store.DB
	server   *httptest.Server
	registry *prometheus.Registry
	logs     *observer.ObservedLogs
}

type intakeOptions struct {
	maxBatch      int // 1: a transaction per callback; 0: group commit (the default)
	maxBodyBytes  int64
	acceptTimeout time.Duration
	db            *store.DB // nil: a fresh migrated database
}

func newIntake(t *testing.T, opts intakeOptions) *intake {
	t.Helper()
	db := opts.db
	if db == nil {
		db = openDB(t)
	}
	riverClient, err := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	receiver := store.InboxReceiver{DB: db, OnAccepted: func(ctx context.Context, tx pgx.Tx, entry store.InboxEntry) error {
		_, err := riverClient.InsertTx(ctx, tx, processCallbackArgs{InboxID: entry.ID}, nil)
		return err
	}}
	core, logs := observer.New(zapcore.DebugLevel)
	registry := prometheus.NewRegistry()
	h, err := callbacks.NewHandler(receiver, callbacks.Options{
		Credentials:   []callbacks.Credential{currentPair, previousPair},
		MaxBodyBytes:  opts.maxBodyBytes,
		MaxBatch:      opts.maxBatch,
		AcceptTimeout: opts.acceptTimeout,
		Logger:        zap.New(core),
		Registry:      registry,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &intake{t: t, db: db, server: srv, registry: registry, logs: logs}
}

func openDB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), testdb.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// response is what a callback POST got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// ack decodes a 200's body.
func (r response) ack(t *testing.T) (inboxID int64, duplicate bool) {
	t.Helper()
	var a struct {
		InboxID   int64 `json:"inbox_id"`
		Duplicate bool  `json:"duplicate"`
	}
	if err := json.Unmarshal(r.body, &a); err != nil || a.InboxID == 0 {
		t.Fatalf("ack body %q: %v (want {\"inbox_id\":N,...})", r.body, err)
	}
	return a.InboxID, a.Duplicate
}

// post sends body to the callback endpoint; pair nil sends no Authorization header.
func (in *intake) post(pair *callbacks.Credential, contentType string, body []byte) response {
	in.t.Helper()
	req, err := http.NewRequest(http.MethodPost, in.server.URL, bytes.NewReader(body))
	if err != nil {
		in.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if pair != nil {
		req.SetBasicAuth(pair.Username, pair.Password)
	}
	return in.do(req)
}

func (in *intake) do(req *http.Request) response {
	in.t.Helper()
	res, err := in.server.Client().Do(req)
	if err != nil {
		in.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		in.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

const xmlContentType = "application/xml; charset=utf-8"

func (in *intake) count(query string, args ...any) int {
	in.t.Helper()
	var n int
	if err := in.db.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		in.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (in *intake) inboxRows() int { return in.count(`SELECT count(*) FROM callback_inbox`) }

func (in *intake) jobs() int {
	return in.count(`SELECT count(*) FROM river_job WHERE kind = 'process_bandwidth_callback'`)
}

func (in *intake) entry(id int64) store.InboxEntry {
	in.t.Helper()
	e, err := in.db.InboxEntry(context.Background(), id)
	if err != nil {
		in.t.Fatalf("inbox entry %d: %v", id, err)
	}
	return e
}

// counter returns portflow_callbacks_total for one label set (0 when the series does not exist).
func (in *intake) counter(orderType, status, outcome string) float64 {
	in.t.Helper()
	families, err := in.registry.Gather()
	if err != nil {
		in.t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "portflow_callbacks_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["order_type"] == orderType && labels["status"] == status && labels["outcome"] == outcome {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// writeGroups returns how many inbox transactions the group writer ran and how many callbacks
// they carried in all.
func (in *intake) writeGroups() (transactions uint64, callbacks float64) {
	in.t.Helper()
	families, err := in.registry.Gather()
	if err != nil {
		in.t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "portflow_callback_write_batch_size" {
			h := f.GetMetric()[0].GetHistogram()
			return h.GetSampleCount(), h.GetSampleSum()
		}
	}
	return 0, 0
}

// ackObservations returns how many ack latencies were observed for an outcome.
func (in *intake) ackObservations(outcome string) uint64 {
	in.t.Helper()
	families, err := in.registry.Gather()
	if err != nil {
		in.t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "portflow_callback_ack_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" && l.GetValue() == outcome {
					return m.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}

// notification renders a port-in notification the way Bandwidth's order webhook does.
func notification(orderID, status, lastModified string, extra ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n<Notification>\n")
	b.WriteString("  <SubscriptionId>3f0a2b6c-1d4e-4f5a-9b8c-7d6e5f4a3b2c</SubscriptionId>\n")
	b.WriteString("  <OrderType>portins</OrderType>\n")
	b.WriteString("  <OrderId>" + orderID + "</OrderId>\n")
	b.WriteString("  <CustomerOrderId>pf-" + orderID[:8] + "</CustomerOrderId>\n")
	b.WriteString("  <Status>" + status + "</Status>\n")
	if lastModified != "" {
		b.WriteString("  <LastModifiedDate>" + lastModified + "</LastModifiedDate>\n")
	}
	for _, e := range extra {
		b.WriteString("  " + e + "\n")
	}
	b.WriteString("</Notification>\n")
	return []byte(b.String())
}
