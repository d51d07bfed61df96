package callbacks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portflow/portflow/internal/store"
)

// BatchReceiver is a Receiver that can also make many callbacks durable in one transaction, all
// or none, answering for each in input order; store.InboxReceiver is one. Given a BatchReceiver,
// the handler commits callbacks that arrive together as a group (see groupWriter).
type BatchReceiver interface {
	Receiver
	AcceptBatch(ctx context.Context, batch []Inbound) ([]Accepted, error)
}

// maxBatchBytes caps the bodies one group transaction carries, whatever MaxBatch says.
const maxBatchBytes = 4 << 20

// groupWriter is group commit for the inbox. A callback's transaction costs the database far
// more in fixed work (statements, a commit, a WAL flush, the job insert) than in the row itself,
// and during a burst (a bulk port-in completing hundreds of orders) callbacks arrive faster than
// one transaction each could keep up with. So callbacks queue here, and up to maxWriters
// transactions at a time each take everything queued (up to maxBatch) and write it together.
// Alone, a callback is written at once in a transaction of its own: grouping adds no wait, it
// only uses the time a commit is in flight to gather the next group. Every callback is still
// answered only after the transaction holding it has committed.
//
// There is no background goroutine to start or stop: a writer goroutine exists only while there
// is something queued.
type groupWriter struct {
	receiver   BatchReceiver
	maxBatch   int
	maxWriters int
	timeout    time.Duration
	batchSize  prometheus.Observer

	mu      sync.Mutex
	queue   []*pendingWrite
	writers int
}

type pendingWrite struct {
	in   Inbound
	done chan writeResult // buffered: a writer never waits for a caller that gave up
	// abandoned is set by a caller whose deadline passed; writers skip it if not yet taken.
	abandoned atomic.Bool
}

type writeResult struct {
	acc Accepted
	err error
}

// accept queues in and waits for the transaction that commits it, or for ctx to end.
func (g *groupWriter) accept(ctx context.Context, in Inbound) (Accepted, error) {
	p := &pendingWrite{in: in, done: make(chan writeResult, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if g.writers < g.maxWriters {
		g.writers++
		go g.write()
	}
	g.mu.Unlock()
	select {
	case r := <-p.done:
		return r.acc, r.err
	case <-ctx.Done():
		p.abandoned.Store(true)
		return Accepted{}, fmt.Errorf("callback not stored in time: %w", ctx.Err())
	}
}

// write takes groups off the queue until it is empty.
func (g *groupWriter) write() {
	for {
		g.mu.Lock()
		group := g.take()
		if len(group) == 0 {
			g.writers--
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		g.flush(group)
	}
}

// take removes the next group from the queue (callers that gave up are dropped). g.mu is held.
func (g *groupWriter) take() []*pendingWrite {
	var (
		group []*pendingWrite
		bytes int
		n     int
	)
	for n < len(g.queue) && len(group) < g.maxBatch {
		p := g.queue[n]
		if p.abandoned.Load() {
			n++
			continue
		}
		if len(group) > 0 && bytes+len(p.in.Body) > maxBatchBytes {
			break
		}
		group = append(group, p)
		bytes += len(p.in.Body)
		n++
	}
	rest := copy(g.queue, g.queue[n:])
	clear(g.queue[rest:]) // let the taken entries be collected
	g.queue = g.queue[:rest]
	return group
}

// flush writes one group in one transaction. If the group fails for a reason other than the
// database being unreachable, one callback may have spoiled it for the others (its hand-off
// failed, say): each is then written alone, so that only the culprit fails.
func (g *groupWriter) flush(group []*pendingWrite) {
	ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
	defer cancel()
	g.batchSize.Observe(float64(len(group)))
	batch := make([]Inbound, len(group))
	for i, p := range group {
		batch[i] = p.in
	}
	accs, err := g.receiver.AcceptBatch(ctx, batch)
	if err == nil {
		for i, p := range group {
			p.done <- writeResult{acc: accs[i]}
		}
		return
	}
	if len(group) == 1 || errors.Is(err, store.ErrUnavailable) || ctx.Err() != nil {
		for _, p := range group {
			p.done <- writeResult{err: err}
		}
		return
	}
	for _, p := range group {
		if p.abandoned.Load() {
			p.done <- writeResult{err: err}
			continue
		}
		acc, err := g.receiver.Accept(ctx, p.in)
		p.done <- writeResult{acc: acc, err: err}
	}
}
