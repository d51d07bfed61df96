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

// InboxReceiver makes callbacks durable: Accept inserts the callback into callback_inbox and, for
// a new row that needs processing, calls OnAccepted in the same transaction, so that the row and
// its processing job are committed together or not at all.
type InboxReceiver struct {
	DB *DB
	// OnAccepted runs inside the inserting transaction for every new row except malformed ones
	// (they have nothing to process); the orchestrator passes a hook that enqueues the processing
	// job with River's InsertTx. entry.Outcome is InboxPending, or InboxUnknownOrder when no port
	// order or CSR lookup matched the notification at intake. An error rolls the insert back.
	// Nil means no hook.
	OnAccepted func(ctx context.Context, tx pgx.Tx, entry InboxEntry) error
}

// acceptCallbackSQL inserts the callback unless its dedupe key is already stored, in one round
// trip: the CTE inserts (deciding the intake outcome from whether a port order or CSR lookup
// matches the notification, as Requests.FindOrder will when the callback is processed), and the
// second branch returns the earlier row when the insert was skipped as a duplicate. portflow sets
// CustomerOrderId to its port order id, so a notification matches even before the Bandwidth
// order id has been recorded.
const acceptCallbackSQL = `
WITH ins AS (
    INSERT INTO callback_inbox (dedupe_key, order_type, order_id, customer_order_id, status, message,
                                note, last_modified, body, content_type, malformed, parse_error,
                                outcome, processed_at)
    SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::boolean, $12,
           CASE
               WHEN $11::boolean THEN 'malformed'
               WHEN ($2 = 'portins' AND $3 <> '' AND EXISTS (SELECT 1 FROM port_orders WHERE bandwidth_order_id = $3))
                 OR ($2 = 'csrs' AND $3 <> '' AND EXISTS (SELECT 1 FROM csr_lookups WHERE csr_order_id = $3))
                 OR ($2 IN ('portins', 'csrs') AND $4 <> '' AND EXISTS (SELECT 1 FROM port_orders WHERE id = $4))
               THEN 'pending'
               ELSE 'unknown_order'
           END,
           CASE WHEN $11::boolean THEN now() END
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, outcome, received_at
)
SELECT id, outcome, received_at, false FROM ins
UNION ALL
SELECT id, outcome, received_at, true FROM callback_inbox
WHERE dedupe_key = $1 AND NOT EXISTS (SELECT 1 FROM ins)`

// Accept stores one callback durably; see InboxReceiver. The context's deadline bounds all of it,
// so an unreachable database fails fast with ErrUnavailable.
//
// It is portflow's hottest write (a bulk port-in completes hundreds of orders in a minute and
// Bandwidth waits on each answer), so it spends as few round trips as the guarantees allow: a
// callback with nothing to hand on (malformed, or no hook) is one autocommitted statement; one
// with a hand-off sends BEGIN together with the INSERT (pgx's Batch.BeginTx), then the hook's
// statements, then COMMIT. Nothing here can raise a serialization failure (one INSERT … ON
// CONFLICT DO NOTHING under READ COMMITTED), so DB.InTx's retry loop has nothing to add.
func (r InboxReceiver) Accept(ctx context.Context, in InboundCallback) (AcceptedCallback, error) {
	if in.DedupeKey == "" || len(in.DedupeKey) > maxDedupeKeyBytes {
		return AcceptedCallback{}, fmt.Errorf("accept callback: dedupe key must be 1 to %d bytes, got %d", maxDedupeKeyBytes, len(in.DedupeKey))
	}
	in = boundInbound(in)
	if in.Body == nil {
		in.Body = []byte{} // the column is NOT NULL; an empty body is still a body
	}
	var lastModified *time.Time
	if !in.LastModified.IsZero() {
		lastModified = &in.LastModified
	}
	args := []any{in.DedupeKey, in.OrderType, in.OrderID, in.CustomerOrderID, in.Status, in.Message,
		in.Note, lastModified, in.Body, in.ContentType, in.Malformed, in.ParseError}

	var (
		res AcceptedCallback
		err error
	)
	if in.Malformed || r.OnAccepted == nil {
		var found bool
		res, _, found, err = scanAccepted(r.DB.Pool.QueryRow(ctx, acceptCallbackSQL, args...))
		if err == nil && !found {
			res, err = lookUpDuplicate(ctx, r.DB.Pool, in.DedupeKey)
		}
	} else {
		res, err = r.acceptAndHandOff(ctx, in, args)
	}
	if err != nil {
		err = MapError(fmt.Errorf("accept callback: %w", err))
		if errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, ErrUnavailable) {
			// The deadline ran out while waiting for a connection or an answer: to the caller
			// that is Postgres not answering in time, whatever step it happened in.
			err = fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return AcceptedCallback{}, err
	}
	return res, nil
}

// acceptAndHandOff inserts the callback and runs the hook in one transaction whose BEGIN travels
// with the INSERT.
func (r InboxReceiver) acceptAndHandOff(ctx context.Context, in InboundCallback, args []any) (AcceptedCallback, error) {
	batch := &pgx.Batch{}
	batch.BeginTx(pgx.TxOptions{})
	batch.Queue(acceptCallbackSQL, args...)
	results := r.DB.Pool.SendBatch(ctx, batch)
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
		return AcceptedCallback{}, fmt.Errorf("begin transaction: %w", err)
	}
	res, receivedAt, found, err := scanAccepted(results.QueryRow())
	if closeErr := results.Close(); err == nil && closeErr != nil {
		err = closeErr
	}
	if err != nil {
		return AcceptedCallback{}, err
	}
	if !found {
		if res, err = lookUpDuplicate(ctx, tx, in.DedupeKey); err != nil {
			return AcceptedCallback{}, err
		}
	}
	if !res.Duplicate {
		entry := InboxEntry{
			ID: res.InboxID, DedupeKey: in.DedupeKey, OrderType: in.OrderType, OrderID: in.OrderID,
			CustomerOrderID: in.CustomerOrderID, Status: in.Status, Message: in.Message, Note: in.Note,
			LastModified: in.LastModified, Body: in.Body, ContentType: in.ContentType,
			Outcome: res.Outcome, ReceivedAt: receivedAt,
		}
		if err := r.OnAccepted(ctx, tx, entry); err != nil {
			return AcceptedCallback{}, fmt.Errorf("hand callback %d to processing: %w", res.InboxID, err)
		}
	}
	// A duplicate changed nothing; committing ends the transaction as cheaply as rolling back.
	if err := tx.Commit(ctx); err != nil {
		return AcceptedCallback{}, fmt.Errorf("commit: %w", err)
	}
	committed = true
	return res, nil
}

// querier is what both the pool and a transaction offer for the duplicate lookup.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// scanAccepted reads acceptCallbackSQL's answer. No row at all means a concurrent identical
// callback committed while the statement ran: the insert waited for it and skipped, but the
// statement's snapshot predates it, so lookUpDuplicate (a new statement) must find it.
func scanAccepted(row pgx.Row) (res AcceptedCallback, receivedAt time.Time, found bool, err error) {
	var outcome string
	err = row.Scan(&res.InboxID, &outcome, &receivedAt, &res.Duplicate)
	if errors.Is(err, pgx.ErrNoRows) {
		return AcceptedCallback{}, time.Time{}, false, nil
	}
	if err != nil {
		return AcceptedCallback{}, time.Time{}, false, fmt.Errorf("insert into inbox: %w", err)
	}
	res.Outcome = InboxOutcome(outcome)
	return res, receivedAt, true, nil
}

func lookUpDuplicate(ctx context.Context, q querier, dedupeKey string) (AcceptedCallback, error) {
	res := AcceptedCallback{Duplicate: true}
	var outcome string
	err := q.QueryRow(ctx, `SELECT id, outcome FROM callback_inbox WHERE dedupe_key = $1`, dedupeKey).Scan(&res.InboxID, &outcome)
	if err != nil {
		return AcceptedCallback{}, fmt.Errorf("look up duplicate callback: %w", err)
	}
	res.Outcome = InboxOutcome(outcome)
	return res, nil
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

// InboxFilter selects inbox entries. Zero fields do not filter.
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
		add("order_type = $?", f.OrderType)
	}
	if f.Status != "" {
		add("status = $?", f.Status)
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
