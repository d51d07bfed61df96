package callbacks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/testdb"
)

// These tests look inside groupWriter to line up a group deterministically: a hand-off hook holds
// the first transaction open until the callbacks behind it have queued.

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), testdb.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// waitFor polls cond until it holds, failing the test after a few seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (g *groupWriter) queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}

func callback(key, orderID string) Inbound {
	return Inbound{DedupeKey: key, OrderType: "portins", OrderID: orderID, Status: "FOC", Body: []byte(key), ContentType: "application/xml"}
}

func TestGroupWriterIsolatesTheCallbackThatSpoilsItsGroup(t *testing.T) {
	db := openStore(t)
	release := make(chan struct{})
	var (
		mu     sync.Mutex
		groups [][]string
	)
	receiver := store.InboxReceiver{DB: db, OnAcceptedBatch: func(_ context.Context, _ pgx.Tx, entries []store.InboxEntry) error {
		var ids []string
		for _, e := range entries {
			ids = append(ids, e.OrderID)
		}
		mu.Lock()
		groups = append(groups, ids)
		mu.Unlock()
		if ids[0] == "first" {
			<-release // hold the first transaction while the others queue behind it
		}
		for _, id := range ids {
			if id == "poison" {
				return errors.New("job queue refused this one")
			}
		}
		return nil
	}}
	g := &groupWriter{receiver: receiver, maxBatch: 64, maxWriters: 1, timeout: 5 * time.Second, batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "x"})}

	ctx := context.Background()
	results := map[string]error{}
	var wg sync.WaitGroup
	run := func(id string) {
		wg.Go(func() {
			_, err := g.accept(ctx, callback("key-"+id, id))
			mu.Lock()
			results[id] = err
			mu.Unlock()
		})
	}
	run("first")
	waitFor(t, "the first callback is being written", func() bool { mu.Lock(); defer mu.Unlock(); return len(groups) == 1 })
	others := []string{"a", "b", "poison", "c"}
	for _, id := range others {
		run(id)
	}
	waitFor(t, "four callbacks queued behind the first", func() bool { return g.queued() == len(others) })
	close(release)
	wg.Wait()

	for _, id := range append([]string{"first"}, others...) {
		if id == "poison" {
			if results[id] == nil {
				t.Errorf("the callback whose hand-off fails was accepted")
			}
			continue
		}
		if results[id] != nil {
			t.Errorf("callback %s failed with its group-mate: %v", id, results[id])
		}
	}
	// The four queued together, failed together, then went one by one in their queue order.
	ok := len(groups) == 6 && fmt.Sprint(groups[0]) == "[first]" && len(groups[1]) == 4
	if ok {
		queued := slices.Clone(groups[1])
		slices.Sort(queued)
		ok = fmt.Sprint(queued) == "[a b c poison]"
		for i, id := range groups[1] {
			ok = ok && fmt.Sprint(groups[2+i]) == "["+id+"]"
		}
	}
	if !ok {
		t.Errorf("transactions %v, want [first], then a, b, c, poison together, then each alone in the same order", groups)
	}
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM callback_inbox`).Scan(&n); err != nil || n != 4 {
		t.Errorf("inbox rows = %d (%v), want 4: all but the poisoned one", n, err)
	}
}

func TestGroupWriterDropsCallbacksWhoseCallerGaveUp(t *testing.T) {
	db := openStore(t)
	release := make(chan struct{})
	var (
		mu      sync.Mutex
		written []string
	)
	receiver := store.InboxReceiver{DB: db, OnAcceptedBatch: func(_ context.Context, _ pgx.Tx, entries []store.InboxEntry) error {
		mu.Lock()
		for _, e := range entries {
			written = append(written, e.OrderID)
		}
		holding := len(written) == 1
		mu.Unlock()
		if holding {
			<-release
		}
		return nil
	}}
	g := &groupWriter{receiver: receiver, maxBatch: 64, maxWriters: 1, timeout: 5 * time.Second, batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "x"})}

	done := make(chan error, 1)
	go func() {
		_, err := g.accept(context.Background(), callback("key-holder", "holder"))
		done <- err
	}()
	waitFor(t, "the first write holds the only writer", func() bool { mu.Lock(); defer mu.Unlock(); return len(written) == 1 })

	// This caller's deadline passes while it waits behind the first write.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := g.accept(ctx, callback("key-impatient", "impatient"))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("queued caller: %v after %s, want its deadline's error at once", err, time.Since(start))
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the writer has finished", func() bool { g.mu.Lock(); defer g.mu.Unlock(); return g.writers == 0 })
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(written) != "[holder]" {
		t.Errorf("written %v, want only the holder: the abandoned callback is not written after its caller got a 503", written)
	}
}
