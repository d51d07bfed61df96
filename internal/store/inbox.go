package store

// This file holds the callback inbox (table callback_inbox): every authenticated Bandwidth
// notification, raw, committed before the callback is acknowledged, together with the
// transactional hand-off of its processing job, the operator listing, and the processed mark the
// orchestrator sets once a notification has been applied.

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// InboxOutcome says what became of a callback in the inbox.
type InboxOutcome string

// The outcomes a callback_inbox row can have (the table's CHECK constraint lists the same).
const (
	// InboxPending: stored and handed to processing, not processed yet.
	InboxPending InboxOutcome = "pending"
	// InboxApplied: processing changed the order's state.
	InboxApplied InboxOutcome = "applied"
	// InboxNoChange: processing found nothing to change (stale, out of order, or already known).
	InboxNoChange InboxOutcome = "no_change"
	// InboxUnknownOrder: the notification names no order portflow knows. Set at intake when no
	// port order or CSR lookup matches; processing may still find the order (it can be recorded
	// an instant after its first notification arrives) and replace the outcome.
	InboxUnknownOrder InboxOutcome = "unknown_order"
	// InboxMalformed: the body was not a Bandwidth notification; kept for an operator to read.
	InboxMalformed InboxOutcome = "malformed"
	// InboxNote: a note notification, written to the order's timeline.
	InboxNote InboxOutcome = "note"
)

// Valid reports whether o is one of the outcomes above.
func (o InboxOutcome) Valid() bool {
	switch o {
	case InboxPending, InboxApplied, InboxNoChange, InboxUnknownOrder, InboxMalformed, InboxNote:
		return true
	}
	return false
}

// Bounds on the parsed fields stored beside the raw body. The body itself is kept whole (its size
// is capped by the callback handler); the parsed copies are cut so that hostile or broken input
// cannot push an indexed column past Postgres' index row limit and turn a bad callback into a
// database error. Real values are far shorter (order ids are UUIDs, statuses are short words).
const (
	maxDedupeKeyBytes   = 256
	maxOrderTypeBytes   = 64
	maxOrderIDBytes     = 128
	maxStatusBytes      = 64
	maxMessageBytes     = 4 << 10
	maxNoteBytes        = 16 << 10
	maxContentTypeBytes = 256
	maxParseErrorBytes  = 1 << 10
)

// InboundCallback is an authenticated callback about to be stored: the raw body exactly as it
// arrived and the fields parsed from it (empty when absent or when the body is malformed).
type InboundCallback struct {
	// DedupeKey identifies the event: a second callback with the same key is a duplicate.
	DedupeKey       string
	OrderType       string
	OrderID         string
	CustomerOrderID string
	Status          string
	Message         string
	Note            string
	// LastModified is the order's LastModifiedDate; zero when absent or unparseable.
	LastModified time.Time
	Body         []byte
	ContentType  string
	// Malformed marks a body that could not be read as a notification; ParseError says why.
	Malformed  bool
	ParseError string
}

// AcceptedCallback reports what InboxReceiver.Accept did with a callback.
type AcceptedCallback struct {
	// InboxID is the callback_inbox row holding the callback (the earlier row for a duplicate).
	InboxID int64
	// Duplicate is true when an earlier callback with the same dedupe key was already stored;
	// nothing was written and no processing was enqueued.
	Duplicate bool
	// Outcome is the row's outcome: pending, unknown_order or malformed for a new row, whatever
	// processing has set since for a duplicate.
	Outcome InboxOutcome
}

// InboxEntry is one row of callback_inbox.
type InboxEntry struct {
	ID              int64
	DedupeKey       string
	OrderType       string
	OrderID         string
	CustomerOrderID string
	Status          string
	Message         string
	Note            string
	// LastModified is zero when the notification carried no (parseable) LastModifiedDate.
	LastModified time.Time
	Body         []byte
	ContentType  string
	Malformed    bool
	ParseError   string
	Outcome      InboxOutcome
	// RequestID is the port request the callback was applied to ("" when none).
	RequestID  string
	ReceivedAt time.Time
	// ProcessedAt is zero until processing has finished with the callback.
	ProcessedAt time.Time
}

// InboxReceiver makes callbacks durable: it inserts callbacks into callback_inbox and, for each
// new row that needs processing, runs the hand-off hook in the same transaction, so that a row
// and its processing job are committed together or not at all.
type InboxReceiver struct {
	DB *DB
	// OnAccepted runs inside the inserting transaction for every new row except malformed ones
	// (they have nothing to process); the orchestrator passes a hook that enqueues the processing
	// job with River's InsertTx. entry.Outcome is InboxPending, or InboxUnknownOrder when no port
	// order or CSR lookup matched the notification at intake. An error rolls the insert back.
	// Nil means no hook.
	OnAccepted func(ctx context.Context, tx pgx.Tx, entry InboxEntry) error
	// OnAcceptedBatch, when set, replaces OnAccepted: it gets all the new rows of one
	// AcceptBatch at once (in input order), so that their jobs go in with one statement (River's
	// InsertManyTx) instead of one per row. Same contract otherwise.
	OnAcceptedBatch func(ctx context.Context, tx pgx.Tx, entries []InboxEntry) error
}

// acceptCallbacksSQL inserts a batch of callbacks (one array parameter per column), skipping
// those whose dedupe key is already stored, in one round trip, and returns the rows it inserted.
// The intake outcome is decided per row from whether a port order or CSR lookup matches the
// notification, as Requests.FindOrder will when the callback is processed; portflow sets
// CustomerOrderId to its port order id, so a notification matches even before the Bandwidth
// order id has been recorded. Rows go in in dedupe key order, so that concurrent batches sharing
// keys take their row locks in the same order and cannot deadlock; within one key, in input order
// (ord), so of two identical callbacks in one batch the first is the one stored.
//
// The statement is prepared once per connection and its plan cached, so its shape must keep good
// plans whatever the tables' sizes were when it was planned: the order lookups are LATERAL …
// LIMIT 1, an index probe per row (as EXISTS subqueries, the planner turns them into hashed scans
// of port_orders once a batch has a few dozen rows), and the rows of keys already stored are read
// by a separate statement (lookUpStoredSQL), run only when some key was not inserted.
const acceptCallbacksSQL = `
WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                         $8::timestamptz[], $9::bytea[], $10::text[], $11::boolean[], $12::text[])
        WITH ORDINALITY AS t(dedupe_key, order_type, order_id, customer_order_id, status, message, note,
                             last_modified, body, content_type, malformed, parse_error, ord)
)
INSERT INTO callback_inbox (dedupe_key, order_type, order_id, customer_order_id, status, message,
                            note, last_modified, body, content_type, malformed, parse_error,
                            outcome, processed_at)
SELECT i.dedupe_key, i.order_type, i.order_id, i.customer_order_id, i.status, i.message,
       i.note, i.last_modified, i.body, i.content_type, i.malformed, i.parse_error,
       CASE WHEN i.malformed THEN 'malformed' WHEN known.hit THEN 'pending' ELSE 'unknown_order' END,
       CASE WHEN i.malformed THEN now() END
FROM input i
LEFT JOIN LATERAL (
    SELECT true AS hit FROM port_orders p
    WHERE i.order_type = 'portins' AND i.order_id <> '' AND p.bandwidth_order_id = i.order_id
    UNION ALL
    SELECT true FROM csr_lookups c
    WHERE i.order_type = 'csrs' AND i.order_id <> '' AND c.csr_order_id = i.order_id
    UNION ALL
    SELECT true FROM port_orders p
    WHERE i.order_type IN ('portins', 'csrs') AND i.customer_order_id <> '' AND p.id = i.customer_order_id
    LIMIT 1
) known ON true
ORDER BY i.dedupe_key, i.ord
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id, dedupe_key, outcome, received_at, false`

// lookUpStoredSQL reads the rows already stored under some dedupe keys: one index probe per key
// (LATERAL … LIMIT 1 keeps the planner from turning it into a scan of the inbox).
const lookUpStoredSQL = `
SELECT c.id, c.dedupe_key, c.outcome, c.received_at, true
FROM unnest($1::text[]) AS k(dedupe_key)
CROSS JOIN LATERAL (
    SELECT id, dedupe_key, outcome, received_at FROM callback_inbox WHERE dedupe_key = k.dedupe_key LIMIT 1
) c`

// Accept stores one callback durably; see AcceptBatch.
func (r InboxReceiver) Accept(ctx context.Context, in InboundCallback) (AcceptedCallback, error) {
	res, err := r.AcceptBatch(ctx, []InboundCallback{in})
	if err != nil {
		return AcceptedCallback{}, err
	}
	return res[0], nil
}

// AcceptBatch stores callbacks durably, all or none, and reports for each (in input order) its
// inbox entry and whether it was a duplicate — of a stored callback, or of an earlier one in the
// same batch. The context's deadline bounds all of it, so an unreachable database fails fast with
// ErrUnavailable.
//
// It is portflow's hottest write (a bulk port-in completes hundreds of orders in a minute and
// Bandwidth waits on each answer), so it spends as few round trips as the guarantees allow,
// whatever the batch size: with nothing to hand on (no hook, or only malformed and duplicate
// callbacks) it is one autocommitted statement; otherwise BEGIN travels with the INSERT (pgx's
// Batch.BeginTx), then the hook's statements, then COMMIT. Nothing here can raise a serialization
// failure (INSERT … ON CONFLICT DO NOTHING under READ COMMITTED), so DB.InTx's retry loop has
// nothing to add.
func (r InboxReceiver) AcceptBatch(ctx context.Context, batch []InboundCallback) ([]AcceptedCallback, error) {
	if len(batch) == 0 {
		return nil, nil
	}
	bounded := make([]InboundCallback, len(batch))
	cols := inboxColumnsOf(len(batch))
	handOff := false
	for i, in := range batch {
		if in.DedupeKey == "" || len(in.DedupeKey) > maxDedupeKeyBytes {
			return nil, fmt.Errorf("accept callback: dedupe key must be 1 to %d bytes, got %d", maxDedupeKeyBytes, len(in.DedupeKey))
		}
		bounded[i] = boundInbound(in)
		cols.add(bounded[i])
		handOff = handOff || !in.Malformed
	}
	handOff = handOff && (r.OnAccepted != nil || r.OnAcceptedBatch != nil)

	var (
		res []AcceptedCallback
		err error
	)
	if handOff {
		res, err = r.acceptAndHandOff(ctx, bounded, cols)
	} else {
		var stored map[string]storedCallback
		stored, err = readStoredCallbacks(r.DB.Pool.Query(ctx, acceptCallbacksSQL, cols.args()...))
		if err == nil {
			res, _, err = matchStored(ctx, r.DB.Pool, bounded, cols, stored)
		}
	}
	if err != nil {
		err = MapError(fmt.Errorf("accept %d callback(s): %w", len(batch), err))
		if errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, ErrUnavailable) {
			// The deadline ran out while waiting for a connection or an answer: to the caller
			// that is Postgres not answering in time, whatever step it happened in.
			err = fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return nil, err
	}
	return res, nil
}

// acceptAndHandOff inserts the batch and runs the hook in one transaction whose BEGIN travels
// with the INSERT.
func (r InboxReceiver) acceptAndHandOff(ctx context.Context, batch []InboundCallback, cols *inboxColumnArrays) ([]AcceptedCallback, error) {
	pgBatch := &pgx.Batch{}
	pgBatch.BeginTx(pgx.TxOptions{})
	pgBatch.Queue(acceptCallbacksSQL, cols.args()...)
	results := r.DB.Pool.SendBatch(ctx, pgBatch)
	tx := results.Tx()
	committed := false
	defer func() {
		// Also on a panic in the hook: the connection goes back to the pool clean.
		if !committed {
			_ = results.Close()
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if _, err := results.Exec(); err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	stored, err := readStoredCallbacks(results.Query())
	if closeErr := results.Close(); err == nil && closeErr != nil {
		err = closeErr
	}
	if err != nil {
		return nil, err
	}
	res, entries, err := matchStored(ctx, tx, batch, cols, stored)
	if err != nil {
		return nil, err
	}
	if len(entries) > 0 {
		if r.OnAcceptedBatch != nil {
			if err := r.OnAcceptedBatch(ctx, tx, entries); err != nil {
				return nil, fmt.Errorf("hand %d callback(s) to processing: %w", len(entries), err)
			}
		} else {
			for _, entry := range entries {
				if err := r.OnAccepted(ctx, tx, entry); err != nil {
					return nil, fmt.Errorf("hand callback %d to processing: %w", entry.ID, err)
				}
			}
		}
	}
	// Duplicates changed nothing; committing ends the transaction as cheaply as rolling back.
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	committed = true
	return res, nil
}

// matchStored matches acceptCallbacksSQL's answer to the batch: the result for every callback,
// and the new rows that need processing (not malformed).
func matchStored(ctx context.Context, q querier, batch []InboundCallback, cols *inboxColumnArrays, stored map[string]storedCallback) ([]AcceptedCallback, []InboxEntry, error) {
	if len(stored) < len(cols.keySet) {
		// Keys that were not inserted: stored before (a duplicate), or by a concurrent identical
		// callback that committed while the statement ran (the insert waited for it and skipped).
		missing := make([]string, 0, len(cols.keySet)-len(stored))
		for key := range cols.keySet {
			if _, ok := stored[key]; !ok {
				missing = append(missing, key)
			}
		}
		earlier, err := readStoredCallbacks(q.Query(ctx, lookUpStoredSQL, missing))
		if err != nil {
			return nil, nil, fmt.Errorf("look up duplicate callbacks: %w", err)
		}
		for key, row := range earlier {
			stored[key] = row
		}
	}
	res := make([]AcceptedCallback, len(batch))
	var entries []InboxEntry
	seen := make(map[string]bool, len(batch))
	for i, in := range batch {
		row, ok := stored[in.DedupeKey]
		if !ok {
			return nil, nil, fmt.Errorf("inbox returned no row for dedupe key %q", in.DedupeKey)
		}
		res[i] = AcceptedCallback{InboxID: row.id, Outcome: row.outcome, Duplicate: row.existed || seen[in.DedupeKey]}
		seen[in.DedupeKey] = true
		if res[i].Duplicate || in.Malformed {
			continue
		}
		entries = append(entries, InboxEntry{
			ID: row.id, DedupeKey: in.DedupeKey, OrderType: in.OrderType, OrderID: in.OrderID,
			CustomerOrderID: in.CustomerOrderID, Status: in.Status, Message: in.Message, Note: in.Note,
			LastModified: in.LastModified, Body: in.Body, ContentType: in.ContentType,
			Outcome: row.outcome, ReceivedAt: row.receivedAt,
		})
	}
	return res, entries, nil
}

// querier is what both the pool and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

type storedCallback struct {
	id         int64
	outcome    InboxOutcome
	receivedAt time.Time
	existed    bool
}

func readStoredCallbacks(rows pgx.Rows, err error) (map[string]storedCallback, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	stored := map[string]storedCallback{}
	for rows.Next() {
		var (
			row     storedCallback
			key     string
			outcome string
		)
		if err := rows.Scan(&row.id, &key, &outcome, &row.receivedAt, &row.existed); err != nil {
			return nil, err
		}
		row.outcome = InboxOutcome(outcome)
		stored[key] = row
	}
	return stored, rows.Err()
}

// inboxColumnArrays holds a batch column by column, as acceptCallbacksSQL takes it.
type inboxColumnArrays struct {
	dedupeKeys, orderTypes, orderIDs, customerOrderIDs, statuses, messages, notes []string
	lastModified                                                                  []*time.Time
	bodies                                                                        [][]byte
	contentTypes                                                                  []string
	malformed                                                                     []bool
	parseErrors                                                                   []string
	keySet                                                                        map[string]struct{}
}

func inboxColumnsOf(n int) *inboxColumnArrays {
	return &inboxColumnArrays{
		dedupeKeys: make([]string, 0, n), orderTypes: make([]string, 0, n), orderIDs: make([]string, 0, n),
		customerOrderIDs: make([]string, 0, n), statuses: make([]string, 0, n), messages: make([]string, 0, n),
		notes: make([]string, 0, n), lastModified: make([]*time.Time, 0, n), bodies: make([][]byte, 0, n),
		contentTypes: make([]string, 0, n), malformed: make([]bool, 0, n), parseErrors: make([]string, 0, n),
		keySet: make(map[string]struct{}, n),
	}
}

func (c *inboxColumnArrays) add(in InboundCallback) {
	var lastModified *time.Time
	if !in.LastModified.IsZero() {
		lastModified = &in.LastModified
	}
	body := in.Body
	if body == nil {
		body = []byte{} // the column is NOT NULL; an empty body is still a body
	}
	c.dedupeKeys = append(c.dedupeKeys, in.DedupeKey)
	c.orderTypes = append(c.orderTypes, in.OrderType)
	c.orderIDs = append(c.orderIDs, in.OrderID)
	c.customerOrderIDs = append(c.customerOrderIDs, in.CustomerOrderID)
	c.statuses = append(c.statuses, in.Status)
	c.messages = append(c.messages, in.Message)
	c.notes = append(c.notes, in.Note)
	c.lastModified = append(c.lastModified, lastModified)
	c.bodies = append(c.bodies, body)
	c.contentTypes = append(c.contentTypes, in.ContentType)
	c.malformed = append(c.malformed, in.Malformed)
	c.parseErrors = append(c.parseErrors, in.ParseError)
	c.keySet[in.DedupeKey] = struct{}{}
}

func (c *inboxColumnArrays) args() []any {
	return []any{c.dedupeKeys, c.orderTypes, c.orderIDs, c.customerOrderIDs, c.statuses, c.messages,
		c.notes, c.lastModified, c.bodies, c.contentTypes, c.malformed, c.parseErrors}
}

// boundInbound makes the parsed fields storable whatever the input: valid UTF-8 without NUL
// (Postgres text accepts neither invalid sequences nor NUL) and within the column bounds.
func boundInbound(in InboundCallback) InboundCallback {
	in.OrderType = storableText(in.OrderType, maxOrderTypeBytes)
	in.OrderID = storableText(in.OrderID, maxOrderIDBytes)
	in.CustomerOrderID = storableText(in.CustomerOrderID, maxOrderIDBytes)
	in.Status = storableText(in.Status, maxStatusBytes)
	in.Message = storableText(in.Message, maxMessageBytes)
	in.Note = storableText(in.Note, maxNoteBytes)
	in.ContentType = storableText(in.ContentType, maxContentTypeBytes)
	in.ParseError = storableText(in.ParseError, maxParseErrorBytes)
	return in
}

// storableText returns s as valid UTF-8 without NUL bytes, cut to at most limit bytes on a rune
// boundary. Clean short strings (every real value) are returned without allocating.
func storableText(s string, limit int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// MarkInboxProcessed records, inside the caller's transaction (the one that applies the
// notification), what processing made of inbox entry id and which port request it concerned
// (requestID "" for none). Running it again overwrites the earlier mark, so a job that runs twice
// is harmless.
func MarkInboxProcessed(ctx context.Context, tx pgx.Tx, id int64, outcome InboxOutcome, requestID string) error {
	if !outcome.Valid() || outcome == InboxPending {
		return fmt.Errorf("mark inbox entry %d processed: %q is not a final outcome", id, outcome)
	}
	tag, err := tx.Exec(ctx, `
		UPDATE callback_inbox
		SET outcome = $2, request_id = NULLIF($3, '')::uuid, processed_at = now()
		WHERE id = $1`, id, string(outcome), requestID)
	if err != nil {
		return MapError(fmt.Errorf("mark inbox entry %d processed: %w", id, err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("mark inbox entry %d processed: %w", id, ErrNotFound)
	}
	return nil
}

// Inbox listing limits.
const (
	DefaultInboxPageSize = 50
	MaxInboxPageSize     = 500
)

// ErrInvalidInboxFilter is wrapped by ListInbox's error when the filter cannot be used (a bad
// cursor, an unknown outcome, a page size out of range).
var ErrInvalidInboxFilter = errors.New("invalid inbox filter")

// InboxFilter selects inbox entries. Zero fields do not filter. OrderType and Status match in any
// letter case ("foc" finds FOC); OrderID matches exactly.
type InboxFilter struct {
	OrderID   string
	OrderType string
	Status    string
	Outcome   InboxOutcome
	// ReceivedAfter and ReceivedBefore bound received_at: after ≤ received_at < before.
	ReceivedAfter  time.Time
	ReceivedBefore time.Time
	// Limit is the page size: 0 means DefaultInboxPageSize, at most MaxInboxPageSize.
	Limit int
	// Cursor continues a listing where the previous page ended (its nextCursor).
	Cursor string
}

const inboxColumns = `id, dedupe_key, order_type, order_id, customer_order_id, status, message, note,
	last_modified, body, content_type, malformed, parse_error, outcome, COALESCE(request_id::text, ''),
	received_at, processed_at`

// ListInbox returns the inbox entries matching f, newest first, one page at a time (keyset
// pagination on received_at, id, so pages stay stable while callbacks keep arriving). nextCursor
// is "" on the last page.
func (db *DB) ListInbox(ctx context.Context, f InboxFilter) (entries []InboxEntry, nextCursor string, err error) {
	limit := f.Limit
	switch {
	case limit == 0:
		limit = DefaultInboxPageSize
	case limit < 0 || limit > MaxInboxPageSize:
		return nil, "", fmt.Errorf("%w: limit must be 1 to %d, got %d", ErrInvalidInboxFilter, MaxInboxPageSize, f.Limit)
	}
	var (
		where []string
		args  []any
	)
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.OrderID != "" {
		add("order_id = $?", f.OrderID)
	}
	if f.OrderType != "" {
		add("lower(order_type) = lower($?)", f.OrderType)
	}
	if f.Status != "" {
		add("status = $?", strings.ToUpper(f.Status)) // stored as the decoder gives it: upper case
	}
	if f.Outcome != "" {
		if !f.Outcome.Valid() {
			return nil, "", fmt.Errorf("%w: unknown outcome %q", ErrInvalidInboxFilter, f.Outcome)
		}
		add("outcome = $?", string(f.Outcome))
	}
	if !f.ReceivedAfter.IsZero() {
		add("received_at >= $?", f.ReceivedAfter)
	}
	if !f.ReceivedBefore.IsZero() {
		add("received_at < $?", f.ReceivedBefore)
	}
	if f.Cursor != "" {
		at, id, err := decodeInboxCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		args = append(args, at, id)
		where = append(where, fmt.Sprintf("(received_at, id) < ($%d, $%d)", len(args)-1, len(args)))
	}
	query := "SELECT " + inboxColumns + " FROM callback_inbox"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	// One row more than the page tells whether another page follows.
	query += fmt.Sprintf(" ORDER BY received_at DESC, id DESC LIMIT %d", limit+1)

	rows, err := db.Pool.Query(ctx, query, args...)
	if err != nil {
		return nil, "", MapError(fmt.Errorf("list inbox: %w", err))
	}
	entries, err = pgx.CollectRows(rows, scanInboxEntry)
	if err != nil {
		return nil, "", MapError(fmt.Errorf("list inbox: %w", err))
	}
	if len(entries) > limit {
		entries = entries[:limit]
		last := entries[len(entries)-1]
		nextCursor = encodeInboxCursor(last.ReceivedAt, last.ID)
	}
	return entries, nextCursor, nil
}

// InboxEntry returns one inbox entry, or ErrNotFound.
func (db *DB) InboxEntry(ctx context.Context, id int64) (InboxEntry, error) {
	rows, err := db.Pool.Query(ctx, "SELECT "+inboxColumns+" FROM callback_inbox WHERE id = $1", id)
	if err != nil {
		return InboxEntry{}, MapError(fmt.Errorf("read inbox entry %d: %w", id, err))
	}
	entry, err := pgx.CollectExactlyOneRow(rows, scanInboxEntry)
	if err != nil {
		return InboxEntry{}, MapError(fmt.Errorf("read inbox entry %d: %w", id, err))
	}
	return entry, nil
}

func scanInboxEntry(row pgx.CollectableRow) (InboxEntry, error) {
	var (
		e            InboxEntry
		outcome      string
		lastModified *time.Time
		processedAt  *time.Time
	)
	err := row.Scan(&e.ID, &e.DedupeKey, &e.OrderType, &e.OrderID, &e.CustomerOrderID, &e.Status,
		&e.Message, &e.Note, &lastModified, &e.Body, &e.ContentType, &e.Malformed, &e.ParseError,
		&outcome, &e.RequestID, &e.ReceivedAt, &processedAt)
	if err != nil {
		return InboxEntry{}, err
	}
	e.Outcome = InboxOutcome(outcome)
	if lastModified != nil {
		e.LastModified = *lastModified
	}
	if processedAt != nil {
		e.ProcessedAt = *processedAt
	}
	return e, nil
}

// The cursor is the last entry's position, (received_at in Unix microseconds — Postgres'
// precision — and id), base64url-encoded so that clients treat it as opaque.
func encodeInboxCursor(at time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMicro(), 10) + "." + strconv.FormatInt(id, 10)))
}

func decodeInboxCursor(cursor string) (time.Time, int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("%w: cursor is not one this listing returned", ErrInvalidInboxFilter)
	}
	microsText, idText, ok := strings.Cut(string(raw), ".")
	micros, err1 := strconv.ParseInt(microsText, 10, 64)
	id, err2 := strconv.ParseInt(idText, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return time.Time{}, 0, fmt.Errorf("%w: cursor is not one this listing returned", ErrInvalidInboxFilter)
	}
	return time.UnixMicro(micros).UTC(), id, nil
}
