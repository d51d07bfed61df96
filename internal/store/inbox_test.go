package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/testdb"
)

func openTestDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), testdb.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func inbound(key, orderID string) store.InboundCallback {
	return store.InboundCallback{
		DedupeKey:       key,
		OrderType:       "portins",
		OrderID:         orderID,
		CustomerOrderID: "pf-order-1",
		Status:          "FOC",
		Message:         "FOC date set",
		LastModified:    time.Date(2023, 9, 12, 15, 11, 31, 705_000_000, time.UTC),
		Body:            []byte("<Notification><OrderId>" + orderID + "</OrderId></Notification>"),
		ContentType:     "application/xml; charset=utf-8",
	}
}

func countRows(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestInboxAcceptStoresOnceAndHandsOffInTheSameTransaction(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	var hooked []store.InboxEntry
	receiver := store.InboxReceiver{DB: db, OnAccepted: func(ctx context.Context, tx pgx.Tx, entry store.InboxEntry) error {
		// The hook runs inside the inserting transaction: the row is visible to it already.
		var body []byte
		if err := tx.QueryRow(ctx, `SELECT body FROM callback_inbox WHERE id = $1`, entry.ID).Scan(&body); err != nil {
			return err
		}
		if !bytes.Equal(body, entry.Body) {
			t.Errorf("hook sees body %q, entry has %q", body, entry.Body)
		}
		hooked = append(hooked, entry)
		return nil
	}}
	in := inbound("key-1", "0b1e4c1a-0000-4000-8000-000000000001")

	first, err := receiver.Accept(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Duplicate || first.InboxID == 0 || first.Outcome != store.InboxUnknownOrder {
		t.Fatalf("first accept = %+v, want a new row with outcome unknown_order (no orders exist)", first)
	}
	if len(hooked) != 1 || hooked[0].ID != first.InboxID || hooked[0].OrderID != in.OrderID || hooked[0].ReceivedAt.IsZero() {
		t.Fatalf("hook calls = %+v, want one call with the new row", hooked)
	}

	again, err := receiver.Accept(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate || again.InboxID != first.InboxID {
		t.Errorf("second accept = %+v, want duplicate of inbox entry %d", again, first.InboxID)
	}
	if len(hooked) != 1 {
		t.Errorf("hook called %d times, want once (a duplicate hands nothing on)", len(hooked))
	}

	got, err := db.InboxEntry(ctx, first.InboxID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DedupeKey != in.DedupeKey || got.OrderType != in.OrderType || got.OrderID != in.OrderID ||
		got.CustomerOrderID != in.CustomerOrderID || got.Status != in.Status || got.Message != in.Message ||
		!got.LastModified.Equal(in.LastModified) || !bytes.Equal(got.Body, in.Body) || got.ContentType != in.ContentType ||
		got.Malformed || got.Outcome != store.InboxUnknownOrder || !got.ProcessedAt.IsZero() || got.RequestID != "" {
		t.Errorf("stored entry = %+v\nwant the fields of %+v", got, in)
	}
	if n := countRows(t, db, `SELECT count(*) FROM callback_inbox`); n != 1 {
		t.Errorf("inbox rows = %d, want 1", n)
	}
}

func TestInboxAcceptRollsBackWhenTheHandOffFails(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	boom := errors.New("job queue refused")
	failing := store.InboxReceiver{DB: db, OnAccepted: func(context.Context, pgx.Tx, store.InboxEntry) error { return boom }}
	in := inbound("key-rollback", "order-rollback")
	if _, err := failing.Accept(ctx, in); !errors.Is(err, boom) {
		t.Fatalf("accept error = %v, want the hook's error", err)
	}
	if n := countRows(t, db, `SELECT count(*) FROM callback_inbox`); n != 0 {
		t.Fatalf("inbox rows = %d after a failed hand-off, want 0 (row and job commit together)", n)
	}
	// The callback was not acknowledged, so a later delivery of it must be taken as new.
	ok := store.InboxReceiver{DB: db}
	res, err := ok.Accept(ctx, in)
	if err != nil || res.Duplicate {
		t.Fatalf("accept after rollback = %+v, %v; want a new row", res, err)
	}
}

// noticeArgs is a stand-in for the orchestrator's processing job: the hand-off really inserts a
// River job with InsertTx, as production does.
type noticeArgs struct {
	InboxID int64 `json:"inbox_id"`
}

func (noticeArgs) Kind() string { return "test_process_callback" }

func TestInboxAcceptEnqueuesRiverJobWithTheRow(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	riverClient, err := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	receiver := store.InboxReceiver{DB: db, OnAccepted: func(ctx context.Context, tx pgx.Tx, entry store.InboxEntry) error {
		_, err := riverClient.InsertTx(ctx, tx, noticeArgs{InboxID: entry.ID}, nil)
		return err
	}}
	for i, key := range []string{"k1", "k2", "k1", "k2", "k3"} {
		if _, err := receiver.Accept(ctx, inbound(key, "order-"+key)); err != nil {
			t.Fatalf("accept %d: %v", i, err)
		}
	}
	if n := countRows(t, db, `SELECT count(*) FROM river_job WHERE kind = 'test_process_callback'`); n != 3 {
		t.Errorf("jobs = %d, want 3 (one per distinct callback)", n)
	}
	joined := countRows(t, db, `SELECT count(*) FROM river_job j JOIN callback_inbox c ON c.id = (j.args->>'inbox_id')::bigint`)
	if joined != 3 {
		t.Errorf("jobs pointing at inbox rows = %d, want 3", joined)
	}
}

func TestInboxAcceptRecognizesKnownOrders(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	_, err := db.Pool.Exec(ctx, `
		INSERT INTO port_requests (id, status, state, number_count) VALUES ('6f1c2c8e-3d0b-4d7e-9a53-111111111111', 'submitted', '{}', 1);
		INSERT INTO port_orders (id, request_id, status, bandwidth_order_id) VALUES
			('pf-known-1', '6f1c2c8e-3d0b-4d7e-9a53-111111111111', 'submitted', 'bw-portin-1'),
			('pf-not-yet-recorded', '6f1c2c8e-3d0b-4d7e-9a53-111111111111', 'submitting', NULL);
		INSERT INTO csr_lookups (csr_order_id, port_order_id, request_id, status) VALUES
			('bw-csr-1', 'pf-known-1', '6f1c2c8e-3d0b-4d7e-9a53-111111111111', 'RECEIVED');`)
	if err != nil {
		t.Fatal(err)
	}
	receiver := store.InboxReceiver{DB: db}
	tests := []struct {
		name            string
		orderType       string
		orderID         string
		customerOrderID string
		want            store.InboxOutcome
	}{
		{"port-in by Bandwidth order id", "portins", "bw-portin-1", "", store.InboxPending},
		{"port-in by our CustomerOrderId before its Bandwidth id is recorded", "portins", "bw-portin-new", "pf-not-yet-recorded", store.InboxPending},
		{"CSR by Bandwidth order id", "csrs", "bw-csr-1", "", store.InboxPending},
		{"CSR by our CustomerOrderId", "csrs", "bw-csr-new", "pf-known-1", store.InboxPending},
		{"CSR id named as a port-in", "portins", "bw-csr-1", "", store.InboxUnknownOrder},
		{"order type portflow never places", "bulkPortins", "bw-portin-1", "pf-known-1", store.InboxUnknownOrder},
		{"order created outside portflow", "portins", "bw-foreign", "someone-else", store.InboxUnknownOrder},
		{"event without any order", "", "", "", store.InboxUnknownOrder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := inbound("known-"+tt.name, tt.orderID)
			in.OrderType = tt.orderType
			in.CustomerOrderID = tt.customerOrderID
			res, err := receiver.Accept(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.want {
				t.Errorf("outcome = %s, want %s", res.Outcome, tt.want)
			}
		})
	}
}

func TestInboxAcceptKeepsMalformedBodiesWithoutHandOff(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	calls := 0
	receiver := store.InboxReceiver{DB: db, OnAccepted: func(context.Context, pgx.Tx, store.InboxEntry) error { calls++; return nil }}
	res, err := receiver.Accept(ctx, store.InboundCallback{
		DedupeKey: "body:malformed", Body: []byte("<Notification><OrderId>"), ContentType: "application/xml",
		Malformed: true, ParseError: "XML syntax error on line 1: unexpected EOF",
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != store.InboxMalformed || calls != 0 {
		t.Errorf("malformed accept = %+v with %d hook calls, want outcome malformed and no hand-off", res, calls)
	}
	got, err := db.InboxEntry(ctx, res.InboxID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Malformed || got.ParseError == "" || got.ProcessedAt.IsZero() || string(got.Body) != "<Notification><OrderId>" {
		t.Errorf("stored malformed entry = %+v, want flagged, with its parse error, processed, raw body kept", got)
	}
}

func TestInboxAcceptStoresHostileFieldsWithoutDatabaseErrors(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	receiver := store.InboxReceiver{DB: db}
	huge := strings.Repeat("é", 600_000) // 1.2 MB: far past Postgres' btree row limit if stored whole
	res, err := receiver.Accept(ctx, store.InboundCallback{
		DedupeKey:   "hostile",
		OrderType:   "ports\x00ins",
		OrderID:     huge,
		Status:      "FOC\xff\xfe",
		Message:     huge,
		Note:        huge,
		ContentType: "application/xml\x00",
		Body:        []byte("\x00\xff raw bytes kept as they came"),
	})
	if err != nil {
		t.Fatalf("hostile fields: %v", err)
	}
	got, err := db.InboxEntry(ctx, res.InboxID)
	if err != nil {
		t.Fatal(err)
	}
	if got.OrderType != "portsins" || got.ContentType != "application/xml" {
		t.Errorf("NUL not removed: order type %q, content type %q", got.OrderType, got.ContentType)
	}
	if !utf8.ValidString(got.Status) || !strings.HasPrefix(got.Status, "FOC") {
		t.Errorf("status %q: want valid UTF-8 starting with FOC", got.Status)
	}
	if len(got.OrderID) > 128 || !utf8.ValidString(got.OrderID) || len(got.Message) > 4096 || !utf8.ValidString(got.Message) {
		t.Errorf("long fields stored as %d/%d bytes, want cut on a rune boundary to the column bounds", len(got.OrderID), len(got.Message))
	}
	if string(got.Body) != "\x00\xff raw bytes kept as they came" {
		t.Errorf("body = %q, want the raw bytes unchanged", got.Body)
	}
	if _, err := receiver.Accept(ctx, store.InboundCallback{DedupeKey: strings.Repeat("k", 300)}); err == nil {
		t.Error("a 300-byte dedupe key was accepted; want an error before touching the unique index")
	}
}

func TestInboxAcceptConcurrentDuplicatesStoreOneRow(t *testing.T) {
	// Both write paths: one autocommitted statement (no hand-off), and the transaction whose
	// BEGIN travels with the INSERT (hand-off). Identical callbacks racing each other make the
	// losers wait for the winner's commit and then find its row.
	for _, withHook := range []bool{false, true} {
		t.Run(fmt.Sprintf("hand-off %v", withHook), func(t *testing.T) {
			ctx := context.Background()
			db := openTestDB(t)
			var (
				mu    sync.Mutex
				calls int
			)
			receiver := store.InboxReceiver{DB: db}
			if withHook {
				receiver.OnAccepted = func(context.Context, pgx.Tx, store.InboxEntry) error {
					mu.Lock()
					calls++
					mu.Unlock()
					return nil
				}
			}
			const n = 12
			for round := range 5 {
				results := make([]store.AcceptedCallback, n)
				errs := make([]error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						results[i], errs[i] = receiver.Accept(ctx, inbound(fmt.Sprint("same-event-", round), "order-race"))
					})
				}
				wg.Wait()
				fresh := 0
				for i := range n {
					if errs[i] != nil {
						t.Fatalf("round %d accept %d: %v", round, i, errs[i])
					}
					if !results[i].Duplicate {
						fresh++
					}
					if results[i].InboxID != results[0].InboxID || results[i].Outcome != store.InboxUnknownOrder {
						t.Errorf("round %d accept %d reports %+v, accept 0 reports %+v", round, i, results[i], results[0])
					}
				}
				if fresh != 1 {
					t.Errorf("round %d: %d new rows from %d identical concurrent callbacks, want 1", round, fresh, n)
				}
			}
			if want := map[bool]int{false: 0, true: 5}[withHook]; calls != want {
				t.Errorf("%d hand-offs, want %d", calls, want)
			}
			if rows := countRows(t, db, `SELECT count(*) FROM callback_inbox`); rows != 5 {
				t.Errorf("inbox rows = %d, want 5", rows)
			}
		})
	}
}

func TestInboxAcceptReturnsTheConnectionAfterAPanickingHook(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, testdb.URL(t), store.Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	panicking := store.InboxReceiver{DB: db, OnAccepted: func(context.Context, pgx.Tx, store.InboxEntry) error { panic("hook bug") }}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the hook's panic was swallowed")
			}
		}()
		_, _ = panicking.Accept(ctx, inbound("panic", "order-panic"))
	}()
	// With a one-connection pool, a leaked connection or an open transaction would make this
	// time out; the rolled-back callback must be stored as new.
	ctx2, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	res, err := store.InboxReceiver{DB: db}.Accept(ctx2, inbound("panic", "order-panic"))
	if err != nil || res.Duplicate {
		t.Fatalf("accept after a panicking hook = %+v, %v; want a new row on a clean connection", res, err)
	}
}

func TestInboxAcceptFailsFastWhenPostgresDoesNotAnswer(t *testing.T) {
	// A listener that accepts connections and never says a word: the worst kind of dead database.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		connsMu sync.Mutex
		conns   []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connsMu.Lock()
			conns = append(conns, c)
			connsMu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		connsMu.Lock()
		defer connsMu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	pool, err := pgxpool.New(context.Background(), "postgres://postgres@"+ln.Addr().String()+"/x?sslmode=disable&connect_timeout=30")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = store.InboxReceiver{DB: &store.DB{Pool: pool}}.Accept(ctx, inbound("k", "o"))
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("accept error = %v, want ErrUnavailable", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("accept gave up after %s, want about its 300ms deadline", elapsed)
	}
}

func TestMarkInboxProcessed(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	res, err := store.InboxReceiver{DB: db}.Accept(ctx, inbound("mark", "order-mark"))
	if err != nil {
		t.Fatal(err)
	}
	const requestID = "6f1c2c8e-3d0b-4d7e-9a53-222222222222"
	mark := func(id int64, outcome store.InboxOutcome, requestID string) error {
		return db.InTx(ctx, func(tx pgx.Tx) error { return store.MarkInboxProcessed(ctx, tx, id, outcome, requestID) })
	}
	if err := mark(res.InboxID, store.InboxApplied, requestID); err != nil {
		t.Fatal(err)
	}
	got, err := db.InboxEntry(ctx, res.InboxID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != store.InboxApplied || got.RequestID != requestID || got.ProcessedAt.IsZero() {
		t.Errorf("after mark: outcome %s, request %q, processed %v", got.Outcome, got.RequestID, got.ProcessedAt)
	}
	// A job that runs twice marks twice; the second mark wins and clears the request when none.
	if err := mark(res.InboxID, store.InboxNoChange, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.InboxEntry(ctx, res.InboxID); got.Outcome != store.InboxNoChange || got.RequestID != "" {
		t.Errorf("after second mark: outcome %s, request %q", got.Outcome, got.RequestID)
	}
	if err := mark(res.InboxID+1000, store.InboxApplied, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("marking a missing entry: %v, want ErrNotFound", err)
	}
	for _, bad := range []store.InboxOutcome{store.InboxPending, "done"} {
		if err := mark(res.InboxID, bad, ""); err == nil {
			t.Errorf("marking with outcome %q succeeded, want an error", bad)
		}
	}
	if err := mark(res.InboxID, store.InboxApplied, "not-a-uuid"); err == nil {
		t.Error("marking with a malformed request id succeeded")
	}
}

func TestListInboxFiltersAndPages(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	receiver := store.InboxReceiver{DB: db}
	type seed struct {
		key, orderType, orderID, status string
		malformed                       bool
	}
	seeds := []seed{
		{"a", "portins", "order-a", "SUBMITTED", false},
		{"b", "portins", "order-a", "FOC", false},
		{"c", "csrs", "csr-1", "COMPLETE", false},
		{"d", "", "", "", true},
		{"e", "portins", "order-b", "FOC", false},
		{"f", "portins", "order-a", "COMPLETE", false},
		{"g", "csrs", "csr-2", "FAILED", false},
	}
	ids := map[string]int64{}
	for _, s := range seeds {
		res, err := receiver.Accept(ctx, store.InboundCallback{
			DedupeKey: s.key, OrderType: s.orderType, OrderID: s.orderID, Status: s.status,
			Body: []byte(s.key), Malformed: s.malformed,
		})
		if err != nil {
			t.Fatal(err)
		}
		ids[s.key] = res.InboxID
	}
	// Spread the arrivals one minute apart (a = oldest) so the time filters have something to cut.
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, s := range seeds {
		if _, err := db.Pool.Exec(ctx, `UPDATE callback_inbox SET received_at = $2 WHERE id = $1`, ids[s.key], base.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	keysOf := func(entries []store.InboxEntry) string {
		var b strings.Builder
		for _, e := range entries {
			b.Write(e.Body)
		}
		return b.String()
	}
	tests := []struct {
		name   string
		filter store.InboxFilter
		want   string // bodies (= seed keys), newest first
	}{
		{"everything, newest first", store.InboxFilter{}, "gfedcba"},
		{"by order id", store.InboxFilter{OrderID: "order-a"}, "fba"},
		{"by order type", store.InboxFilter{OrderType: "csrs"}, "gc"},
		{"by status", store.InboxFilter{Status: "FOC"}, "eb"},
		{"by status in lower case", store.InboxFilter{Status: "foc"}, "eb"},
		{"by order type in another case", store.InboxFilter{OrderType: "CSRs"}, "gc"},
		{"by outcome", store.InboxFilter{Outcome: store.InboxMalformed}, "d"},
		{"combined", store.InboxFilter{OrderType: "portins", Status: "FOC", OrderID: "order-b"}, "e"},
		{"received window", store.InboxFilter{ReceivedAfter: base.Add(2 * time.Minute), ReceivedBefore: base.Add(5 * time.Minute)}, "edc"},
		{"nothing matches", store.InboxFilter{OrderID: "nope"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, next, err := db.ListInbox(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := keysOf(entries); got != tt.want || next != "" {
				t.Errorf("entries %q (next %q), want %q on one page", got, next, tt.want)
			}
		})
	}

	t.Run("pages of three", func(t *testing.T) {
		var (
			pages  []string
			cursor string
		)
		for range 10 {
			entries, next, err := db.ListInbox(ctx, store.InboxFilter{Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, keysOf(entries))
			if next == "" {
				break
			}
			cursor = next
		}
		if got := strings.Join(pages, "|"); got != "gfe|dcb|a" {
			t.Errorf("pages = %s, want gfe|dcb|a", got)
		}
	})

	t.Run("a page boundary inside one timestamp", func(t *testing.T) {
		// Callbacks of one burst can share received_at; the id breaks the tie.
		if _, err := db.Pool.Exec(ctx, `UPDATE callback_inbox SET received_at = $1`, base); err != nil {
			t.Fatal(err)
		}
		var seen []int64
		cursor := ""
		for range 10 {
			entries, next, err := db.ListInbox(ctx, store.InboxFilter{Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				seen = append(seen, e.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != len(seeds) {
			t.Fatalf("paged through %d entries, want %d: %v", len(seen), len(seeds), seen)
		}
		for i := 1; i < len(seen); i++ {
			if seen[i] >= seen[i-1] {
				t.Fatalf("ids not strictly descending across pages: %v", seen)
			}
		}
	})

	for _, bad := range []store.InboxFilter{
		{Cursor: "not a cursor!"},
		{Cursor: "MTIz"}, // base64 of "123": no id part
		{Limit: -1},
		{Limit: store.MaxInboxPageSize + 1},
		{Outcome: "exploded"},
	} {
		if _, _, err := db.ListInbox(ctx, bad); !errors.Is(err, store.ErrInvalidInboxFilter) {
			t.Errorf("ListInbox(%+v) error = %v, want ErrInvalidInboxFilter", bad, err)
		}
	}
	if _, err := db.InboxEntry(ctx, 987654); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("InboxEntry(missing) error = %v, want ErrNotFound", err)
	}
}

func TestInboxAcceptBatch(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	if _, err := (store.InboxReceiver{DB: db}).Accept(ctx, inbound("stored-before", "order-b")); err != nil {
		t.Fatal(err)
	}
	var handed [][]store.InboxEntry
	receiver := store.InboxReceiver{DB: db, OnAcceptedBatch: func(ctx context.Context, tx pgx.Tx, entries []store.InboxEntry) error {
		handed = append(handed, entries)
		return nil
	}}
	note := inbound("new-c", "order-c")
	note.Note = "LNP team: new LOA needed"
	batch := []store.InboundCallback{
		inbound("new-a", "order-a"),
		inbound("stored-before", "order-b"),
		inbound("new-a", "order-a"), // the same event twice in one burst
		{DedupeKey: "malformed:m", Body: []byte("<Notif"), Malformed: true, ParseError: "unexpected EOF"},
		note,
	}
	res, err := receiver.AcceptBatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	before, _, err := db.ListInbox(ctx, store.InboxFilter{OrderID: "order-b"})
	if err != nil || len(before) != 1 {
		t.Fatalf("earlier entry: %v %v", before, err)
	}
	want := []struct {
		duplicate bool
		outcome   store.InboxOutcome
	}{
		{false, store.InboxUnknownOrder},
		{true, store.InboxUnknownOrder},
		{true, store.InboxUnknownOrder},
		{false, store.InboxMalformed},
		{false, store.InboxUnknownOrder},
	}
	for i, w := range want {
		if res[i].Duplicate != w.duplicate || res[i].Outcome != w.outcome || res[i].InboxID == 0 {
			t.Errorf("result %d = %+v, want duplicate %v, outcome %s", i, res[i], w.duplicate, w.outcome)
		}
	}
	if res[1].InboxID != before[0].ID || res[2].InboxID != res[0].InboxID {
		t.Errorf("duplicates point at %d and %d, want %d (stored earlier) and %d (first in the batch)", res[1].InboxID, res[2].InboxID, before[0].ID, res[0].InboxID)
	}
	if len(handed) != 1 || len(handed[0]) != 2 || handed[0][0].ID != res[0].InboxID || handed[0][1].ID != res[4].InboxID ||
		handed[0][1].Note != note.Note || handed[0][0].ReceivedAt.IsZero() {
		t.Errorf("batch hook got %+v, want one call with the two new processable rows in input order", handed)
	}
	if n := countRows(t, db, `SELECT count(*) FROM callback_inbox`); n != 4 {
		t.Errorf("inbox rows = %d, want 4 (earlier, a, malformed, c)", n)
	}
}

func TestInboxAcceptBatchPerEntryHookAndRollback(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	var ids []int64
	perEntry := store.InboxReceiver{DB: db, OnAccepted: func(_ context.Context, _ pgx.Tx, e store.InboxEntry) error {
		ids = append(ids, e.ID)
		if e.OrderID == "poison" {
			return errors.New("job queue refused")
		}
		return nil
	}}
	good := []store.InboundCallback{inbound("one", "o1"), inbound("two", "o2"), inbound("three", "o3")}
	res, err := perEntry.AcceptBatch(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 3 || ids[0] != res[0].InboxID || ids[2] != res[2].InboxID {
		t.Errorf("per-entry hook saw %v, want the three new rows in order %v", ids, res)
	}
	// One failing hand-off rolls back the whole batch: nothing of it is stored.
	_, err = perEntry.AcceptBatch(ctx, []store.InboundCallback{inbound("four", "o4"), inbound("five", "poison")})
	if err == nil {
		t.Fatal("a batch whose hand-off failed was accepted")
	}
	if n := countRows(t, db, `SELECT count(*) FROM callback_inbox WHERE dedupe_key IN ('four', 'five')`); n != 0 {
		t.Errorf("%d rows of the failed batch stored, want none", n)
	}
}

func TestInboxAcceptBatchEnqueuesRiverJobsInOneStatement(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	riverClient, err := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	receiver := store.InboxReceiver{DB: db, OnAcceptedBatch: func(ctx context.Context, tx pgx.Tx, entries []store.InboxEntry) error {
		params := make([]river.InsertManyParams, len(entries))
		for i, e := range entries {
			params[i] = river.InsertManyParams{Args: noticeArgs{InboxID: e.ID}}
		}
		_, err := riverClient.InsertManyTx(ctx, tx, params)
		return err
	}}
	var batch []store.InboundCallback
	for i := range 40 {
		batch = append(batch, inbound(fmt.Sprint("burst-", i%30), fmt.Sprint("order-", i%30))) // 10 repeats
	}
	if _, err := receiver.AcceptBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, `SELECT count(*) FROM river_job j JOIN callback_inbox c ON c.id = (j.args->>'inbox_id')::bigint`); n != 30 {
		t.Errorf("jobs for inbox rows = %d, want 30", n)
	}
}

func TestInboxAcceptBatchesSharingKeysConcurrently(t *testing.T) {
	// Bursts overlap: several batches holding some of the same events in different orders must
	// neither deadlock nor store an event twice, and must agree on every event's inbox entry.
	ctx := context.Background()
	db := openTestDB(t)
	receiver := store.InboxReceiver{DB: db, OnAcceptedBatch: func(context.Context, pgx.Tx, []store.InboxEntry) error { return nil }}
	const rounds, writers, keys = 15, 8, 40
	for round := range rounds {
		results := make([][]store.AcceptedCallback, writers)
		batches := make([][]store.InboundCallback, writers)
		errs := make([]error, writers)
		for w := range writers {
			for k := range keys {
				key := (k*7 + w*13) % keys // a different order per writer
				if w%2 == 1 {
					key = keys - 1 - key
				}
				batches[w] = append(batches[w], inbound(fmt.Sprint("shared-", round, "-", key), fmt.Sprint("order-", key)))
			}
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				<-start
				results[w], errs[w] = receiver.AcceptBatch(ctx, batches[w])
			})
		}
		close(start)
		wg.Wait()
		idOf := map[string]int64{}
		fresh := 0
		for w := range writers {
			if errs[w] != nil {
				t.Fatalf("round %d writer %d: %v", round, w, errs[w])
			}
			for i, r := range results[w] {
				key := batches[w][i].DedupeKey
				if id, ok := idOf[key]; ok && id != r.InboxID {
					t.Errorf("%s: inbox entry %d for one writer, %d for another", key, id, r.InboxID)
				}
				idOf[key] = r.InboxID
				if !r.Duplicate {
					fresh++
				}
			}
		}
		if fresh != keys {
			t.Errorf("round %d: %d callbacks reported new, want %d (each event once)", round, fresh, keys)
		}
	}
	if n := countRows(t, db, `SELECT count(*) FROM callback_inbox`); n != rounds*keys {
		t.Errorf("inbox rows = %d, want %d", n, rounds*keys)
	}
}

func TestInboxStatementsKeepIndexPlans(t *testing.T) {
	// The inbox statements are prepared once per connection and their plans cached, possibly as
	// generic plans made while the tables were still empty. Whatever the batch size and the
	// tables' sizes at planning time, every lookup must stay an index probe: a scan of the inbox
	// or of the port orders would grow with the tables and slow every callback down.
	ctx := context.Background()
	db := openTestDB(t)
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	const types = "text[], text[], text[], text[], text[], text[], text[], timestamptz[], bytea[], text[], boolean[], text[]"
	for _, stmt := range []string{
		"SET plan_cache_mode = force_generic_plan",
		"PREPARE accept_callbacks(" + types + ") AS " + store.AcceptCallbacksSQL,
		"PREPARE look_up_stored(text[]) AS " + store.LookUpStoredSQL,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("%.60s: %v", stmt, err)
		}
	}
	explain := func(sql string) string {
		t.Helper()
		rows, err := conn.Query(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	check := func(when string) {
		t.Helper()
		// Generic plans are forced: the argument values do not shape them.
		plans := explain(`EXPLAIN EXECUTE accept_callbacks(ARRAY['k'], ARRAY['portins'], ARRAY['bw-1'], ARRAY['pf-1'],
				ARRAY['FOC'], ARRAY[''], ARRAY[''], ARRAY[NULL::timestamptz], ARRAY['\x00'::bytea], ARRAY['application/xml'],
				ARRAY[false], ARRAY[''])`) + "\n" + explain(`EXPLAIN EXECUTE look_up_stored(ARRAY['k'])`)
		for _, scan := range []string{"Seq Scan on callback_inbox", "Seq Scan on port_orders", "Seq Scan on csr_lookups"} {
			if strings.Contains(plans, scan) {
				t.Errorf("%s: plan has a %s:\n%s", when, scan, plans)
			}
		}
		if !strings.Contains(plans, "Index") {
			t.Errorf("%s: no index in the plans:\n%s", when, plans)
		}
	}
	check("tables empty and never analyzed")

	if _, err := db.Pool.Exec(ctx, `
		INSERT INTO port_requests (id, status, state, number_count)
			SELECT md5('r' || i)::uuid, 'submitted', '{}', 1 FROM generate_series(1, 500) i;
		INSERT INTO port_orders (id, request_id, status, bandwidth_order_id)
			SELECT 'pf-' || i, md5('r' || (i % 500 + 1))::uuid, 'submitted', 'bw-' || i FROM generate_series(1, 20000) i;
		INSERT INTO csr_lookups (csr_order_id, port_order_id, request_id, status)
			SELECT 'csr-' || i, 'pf-' || i, md5('r' || (i % 500 + 1))::uuid, 'RECEIVED' FROM generate_series(1, 5000) i;
		INSERT INTO callback_inbox (dedupe_key, body) SELECT 'filler-' || i, '\x00' FROM generate_series(1, 20000) i;
		ANALYZE port_orders; ANALYZE csr_lookups; ANALYZE callback_inbox;`); err != nil {
		t.Fatal(err)
	}
	check("tables filled and analyzed")
}

func TestInboxInsertProbesOrdersByIndexWhateverTheBatchSize(t *testing.T) {
	// A burst's group can hold dozens of callbacks; the known-order lookup must stay one index
	// probe per callback rather than become a scan of every port order (as EXISTS subqueries do
	// once the planner expects enough rows).
	ctx := context.Background()
	db := openTestDB(t)
	if _, err := db.Pool.Exec(ctx, `
		INSERT INTO port_requests (id, status, state, number_count)
			SELECT md5('r' || i)::uuid, 'submitted', '{}', 1 FROM generate_series(1, 500) i;
		INSERT INTO port_orders (id, request_id, status, bandwidth_order_id)
			SELECT 'pf-' || i, md5('r' || (i % 500 + 1))::uuid, 'submitted', 'bw-' || i FROM generate_series(1, 20000) i;
		INSERT INTO csr_lookups (csr_order_id, port_order_id, request_id, status)
			SELECT 'csr-' || i, 'pf-' || i, md5('r' || (i % 500 + 1))::uuid, 'RECEIVED' FROM generate_series(1, 5000) i;
		ANALYZE port_orders; ANALYZE csr_lookups;`); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 16, 64} {
		cols := make([][]string, 7)
		var (
			lastModified []*time.Time
			bodies       [][]byte
			contentTypes []string
			malformed    []bool
			parseErrors  []string
		)
		for i := range size {
			for c, v := range []string{fmt.Sprint("plan-", size, "-", i), "portins", fmt.Sprint("bw-", i*37), fmt.Sprint("pf-", i*37), "FOC", "", ""} {
				cols[c] = append(cols[c], v)
			}
			lastModified = append(lastModified, nil)
			bodies = append(bodies, []byte("x"))
			contentTypes = append(contentTypes, "application/xml")
			malformed = append(malformed, false)
			parseErrors = append(parseErrors, "")
		}
		// EXPLAIN of the statement with its arguments: the plan made for this batch.
		rows, err := db.Pool.Query(ctx, "EXPLAIN "+store.AcceptCallbacksSQL, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6],
			lastModified, bodies, contentTypes, malformed, parseErrors)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(lines, "\n")
		if strings.Contains(plan, "Seq Scan on port_orders") || strings.Contains(plan, "Seq Scan on csr_lookups") ||
			!strings.Contains(plan, "port_orders_bandwidth_order_id_key") {
			t.Errorf("batch of %d: the known-order lookup is not an index probe:\n%s", size, plan)
		}
	}
}
