package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// httpResult is one system at one connection count.
type httpResult struct {
	// groupSize is the mean number of callbacks per inbox transaction (portflow only).
	groupSize float64
	requests  int           // completed inside the measured windows
	errors    int           // non-200 answers and transport errors, warm-up included
	elapsed   time.Duration // total length of the measured windows
	p50, p99  time.Duration
	firstErr  string
}

func (r httpResult) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

var authorization = "Basic " + base64.StdEncoding.EncodeToString([]byte(benchUser+":"+benchPassword))

// statuses cycle through a port-in's life; FOC carries ActualFocDate, COMPLETE the numbers.
var statuses = []string{"SUBMITTED", "FOC", "COMPLETE"}

var baseModified = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

// knownOrderID is the Bandwidth id of seeded order i (see knownOrderIDSQL).
func knownOrderID(i int64) string {
	return fmt.Sprintf("%08x-0000-4000-8000-000000000000", i)
}

// notification renders the n-th distinct port-in notification (about 600 bytes, the size of a
// real one). Even n name a seeded order, odd n an order portflow does not know; LastModifiedDate
// advances with n, so no two are duplicates.
func notification(buf []byte, n int64) []byte {
	var orderID string
	if n%2 == 0 {
		orderID = knownOrderID((n / 2) % seededOrders)
	} else {
		orderID = fmt.Sprintf("%08x-ffff-4000-8000-%012x", n%0xffffffff, n)
	}
	status := statuses[n%int64(len(statuses))]
	modified := baseModified.Add(time.Duration(n) * time.Millisecond).Format("2006-01-02T15:04:05.000Z")
	buf = append(buf[:0], `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Notification>
    <SubscriptionId>2f4d1c7e-8b3a-4e5f-9a6b-0c1d2e3f4a5b</SubscriptionId>
    <OrderType>portins</OrderType>
    <OrderId>`...)
	buf = append(buf, orderID...)
	buf = append(buf, "</OrderId>\n    <CustomerOrderId>pf-"...)
	buf = strconv.AppendInt(buf, n%seededOrders, 10)
	buf = append(buf, "</CustomerOrderId>\n    <Status>"...)
	buf = append(buf, status...)
	buf = append(buf, "</Status>\n    <Message>Order status changed to "...)
	buf = append(buf, status...)
	buf = append(buf, "</Message>\n"...)
	switch status {
	case "FOC":
		buf = append(buf, "    <ActualFocDate>2026-03-09T00:00:00Z</ActualFocDate>\n"...)
	case "COMPLETE":
		buf = append(buf, "    <CompletedTelephoneNumbers>\n        <TelephoneNumber>9195550100</TelephoneNumber>\n        <TelephoneNumber>9195550101</TelephoneNumber>\n    </CompletedTelephoneNumbers>\n"...)
	}
	buf = append(buf, "    <LastModifiedDate>"...)
	buf = append(buf, modified...)
	buf = append(buf, "</LastModifiedDate>\n</Notification>\n"...)
	return buf
}

// load is a closed-loop load generator with a fixed number of keep-alive connections to one
// target. Its connections stay open across slices, so alternating between two targets never
// measures connection set-up.
type load struct {
	env       *env
	target    *target
	conns     int
	transport *http.Transport
	client    *http.Client

	latencies []time.Duration // of requests completed inside measured slices
	measured  time.Duration
	errors    int
	firstErr  string
}

func (e *env) newLoad(t *target, conns int) *load {
	transport := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &load{env: e, target: t, conns: conns, transport: transport,
		client: &http.Client{Transport: transport, Timeout: 30 * time.Second}}
}

func (l *load) close() { l.transport.CloseIdleConnections() }

// run keeps every connection busy for d. When measured, the requests completing inside the
// window count for throughput and latency. The window opens a moment after the start (all
// connections fire at once at first; the system needs about one request latency to reach its
// steady state) and closes at d: requests still in flight then complete uncounted, though an
// error or a 200 from them still counts for the error total and the inbox check.
func (l *load) run(ctx context.Context, d time.Duration, measured bool) error {
	start := time.Now()
	end := start.Add(d)
	opens := start.Add(min(d/4, 250*time.Millisecond))
	type workerResult struct {
		latencies []time.Duration
		errors    int
		firstErr  string
	}
	results := make([]workerResult, l.conns)
	var wg sync.WaitGroup
	for w := range l.conns {
		wg.Go(func() {
			res := &results[w]
			var body []byte
			for ctx.Err() == nil && time.Now().Before(end) {
				body = notification(body, l.env.sequence.Add(1))
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.target.url, bytes.NewReader(body))
				if err != nil {
					res.errors++
					res.firstErr = err.Error()
					return
				}
				req.Header.Set("Content-Type", "application/xml; charset=utf-8")
				req.Header.Set("Authorization", authorization)
				begin := time.Now()
				resp, err := l.client.Do(req)
				ok := false
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					ok = resp.StatusCode == http.StatusOK
					if !ok && res.firstErr == "" {
						res.firstErr = "HTTP " + resp.Status
					}
				} else if res.firstErr == "" && ctx.Err() == nil {
					res.firstErr = err.Error()
				}
				done := time.Now()
				switch {
				case ok:
					l.target.accepted.Add(1)
				case ctx.Err() == nil:
					res.errors++
				}
				if measured && ok && !done.Before(opens) && done.Before(end) {
					res.latencies = append(res.latencies, done.Sub(begin))
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted: %w", err)
	}
	for _, r := range results {
		l.errors += r.errors
		if l.firstErr == "" {
			l.firstErr = r.firstErr
		}
		if measured {
			l.latencies = append(l.latencies, r.latencies...)
		}
	}
	if measured {
		l.measured += end.Sub(opens)
	}
	return nil
}

func (l *load) result() httpResult {
	r := httpResult{requests: len(l.latencies), errors: l.errors, elapsed: l.measured, firstErr: l.firstErr}
	r.p50, r.p99 = percentiles(l.latencies)
	return r
}

// measurePair measures the reference and portflow at one connection count. After a warm-up of
// each, they take turns in short slices, so that whatever else the machine is doing meanwhile
// weighs on both alike.
func (e *env) measurePair(ctx context.Context, conns int, cfg config) (reference, portflow httpResult, err error) {
	ref, pf := e.newLoad(e.reference, conns), e.newLoad(e.portflow, conns)
	defer ref.close()
	defer pf.close()
	for _, l := range []*load{ref, pf} {
		if err := l.run(ctx, cfg.warmup, false); err != nil {
			return reference, portflow, err
		}
	}
	txBefore, cbBefore := e.portflow.writeGroups()
	defer func() {
		if txAfter, cbAfter := e.portflow.writeGroups(); txAfter > txBefore {
			portflow.groupSize = (cbAfter - cbBefore) / float64(txAfter-txBefore)
		}
	}()
	rounds := max(1, int(cfg.duration/cfg.slice))
	for range rounds {
		for _, l := range []*load{ref, pf} {
			if err := l.run(ctx, cfg.slice, true); err != nil {
				return reference, portflow, err
			}
		}
	}
	return ref.result(), pf.result(), nil
}

// percentiles returns the 50th and 99th percentile (nearest rank).
func percentiles(samples []time.Duration) (p50, p99 time.Duration) {
	if len(samples) == 0 {
		return 0, 0
	}
	slices.Sort(samples)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(samples))+0.5) - 1
		return samples[min(max(i, 0), len(samples)-1)]
	}
	return rank(0.50), rank(0.99)
}
