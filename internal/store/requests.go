package store

// This file holds port requests: the sealed aggregate (internal/order.PortRequest) in
// port_requests, the plain lookup rows derived from it (port_request_numbers, port_orders,
// csr_lookups) that queries and callbacks use, the timeline, documents, idempotency keys and
// deployment settings. Row ↔ domain conversion happens here and nowhere else.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/secrets"
)

// Requests reads and writes port requests.
type Requests struct {
	db  *DB
	box *secrets.Box
}

// NewRequests returns the port-request store; box seals the aggregate at rest.
func NewRequests(db *DB, box *secrets.Box) *Requests { return &Requests{db: db, box: box} }

// DB returns the underlying database handle.
func (s *Requests) DB() *DB { return s.db }

func (s *Requests) seal(r order.PortRequest) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode request %s: %w", r.ID, err)
	}
	sealed, err := s.box.Seal(string(b))
	if err != nil {
		return nil, fmt.Errorf("seal request %s: %w", r.ID, err)
	}
	return []byte(sealed), nil
}

func (s *Requests) open(id string, sealed []byte) (order.PortRequest, error) {
	plain, err := s.box.Open(string(sealed))
	if err != nil {
		return order.PortRequest{}, fmt.Errorf("open request %s: %w", id, err)
	}
	var r order.PortRequest
	if err := json.Unmarshal([]byte(plain), &r); err != nil {
		return order.PortRequest{}, fmt.Errorf("decode request %s: %w", id, err)
	}
	return r, nil
}

// Insert stores a new request with its numbers.
func (s *Requests) Insert(ctx context.Context, tx pgx.Tx, r order.PortRequest) error {
	state, err := s.seal(r)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO port_requests (id, customer_order_id, status, status_reason, action_code, version, state,
		                           number_count, next_check_at, created_at, updated_at,
		                           bulk_order_id, bulk_step, bulk_status)
		VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13)`,
		r.ID, r.CustomerOrderID, string(r.Status), r.StatusReason, actionCode(r), r.Version, state,
		len(r.Numbers), nullTime(r.NextCheckAt), r.CreatedAt, bulkOrderID(r), bulkStep(r), bulkStatus(r))
	if err != nil {
		return MapError(fmt.Errorf("insert request %s: %w", r.ID, err))
	}
	tns := make([]string, len(r.Numbers))
	statuses := make([]string, len(r.Numbers))
	for i, n := range r.Numbers {
		tns[i], statuses[i] = n.TN, string(n.Status)
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO port_request_numbers (request_id, phone_number, status)
		SELECT $1, tn, st FROM unnest($2::text[], $3::text[]) AS n(tn, st)`, r.ID, tns, statuses)
	if err != nil {
		return MapError(fmt.Errorf("insert numbers of %s: %w", r.ID, err))
	}
	return nil
}

// Lock reads a request and locks its row until the transaction ends: the first step of every
// state change, so two workers never decide on the same request at once.
func (s *Requests) Lock(ctx context.Context, tx pgx.Tx, id string) (order.PortRequest, error) {
	var sealed []byte
	err := tx.QueryRow(ctx, `SELECT state FROM port_requests WHERE id = $1 FOR UPDATE`, id).Scan(&sealed)
	if err != nil {
		return order.PortRequest{}, MapError(fmt.Errorf("lock request %s: %w", id, err))
	}
	return s.open(id, sealed)
}

// Get reads a request without locking it.
func (s *Requests) Get(ctx context.Context, id string) (order.PortRequest, error) {
	var r order.PortRequest
	return r, s.read(ctx, id, &r)
}

// read decodes a request's sealed state into v (an order.PortRequest, or a struct that skips
// parts of it).
func (s *Requests) read(ctx context.Context, id string, v any) error {
	var sealed []byte
	err := s.db.Pool.QueryRow(ctx, `SELECT state FROM port_requests WHERE id = $1`, id).Scan(&sealed)
	if err != nil {
		return MapError(fmt.Errorf("get request %s: %w", id, err))
	}
	plain, err := s.box.Open(string(sealed))
	if err != nil {
		return fmt.Errorf("open request %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(plain), v); err != nil {
		return fmt.Errorf("decode request %s: %w", id, err)
	}
	return nil
}

// GetHeader reads a request without its numbers and port orders (both nil): what a Bandwidth
// call needs of the customer's input (address, subscriber, account number, dates). A bulk request
// holds up to 20,000 numbers; effects that only need the customer's input must not decode them,
// or every concurrent job would hold a copy.
func (s *Requests) GetHeader(ctx context.Context, id string) (order.PortRequest, error) {
	var header struct {
		order.PortRequest
		Numbers skipJSON `json:"numbers"`
		Orders  skipJSON `json:"orders"`
	}
	err := s.read(ctx, id, &header)
	return header.PortRequest, err
}

// skipJSON consumes a JSON value without keeping it.
type skipJSON struct{}

func (*skipJSON) UnmarshalJSON([]byte) error { return nil }

// Save writes the request's new state and refreshes the lookup rows that changed. before is the
// state Lock returned, so unchanged numbers are not rewritten (a request may hold thousands).
func (s *Requests) Save(ctx context.Context, tx pgx.Tx, before, after order.PortRequest) error {
	state, err := s.seal(after)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `
		UPDATE port_requests
		   SET status = $2, status_reason = $3, action_code = $4, version = $5, state = $6,
		       next_check_at = $7, updated_at = $8, bulk_order_id = $9, bulk_step = $10, bulk_status = $11
		 WHERE id = $1`,
		after.ID, string(after.Status), after.StatusReason, actionCode(after), after.Version, state,
		nullTime(after.NextCheckAt), after.UpdatedAt, bulkOrderID(after), bulkStep(after), bulkStatus(after))
	if err != nil {
		return MapError(fmt.Errorf("save request %s: %w", after.ID, err))
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("save request %s: %w", after.ID, ErrNotFound)
	}
	if err := s.saveNumbers(ctx, tx, before, after); err != nil {
		return err
	}
	return s.saveOrders(ctx, tx, before, after)
}

// SaveSchedule updates only when the reconciler should look at the request next.
func (s *Requests) SaveSchedule(ctx context.Context, tx pgx.Tx, id string, next time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE port_requests SET next_check_at = $2 WHERE id = $1`, id, nullTime(next))
	return MapError(err)
}

func (s *Requests) saveNumbers(ctx context.Context, tx pgx.Tx, before, after order.PortRequest) error {
	old := make(map[string]order.NumberState, len(before.Numbers))
	for _, n := range before.Numbers {
		old[n.TN] = n
	}
	var tns, statuses, reasons, orders []string
	for _, n := range after.Numbers {
		if o, ok := old[n.TN]; ok && o == n {
			continue
		}
		tns = append(tns, n.TN)
		statuses = append(statuses, string(n.Status))
		reasons = append(reasons, n.Reason)
		orders = append(orders, n.PortOrder)
	}
	if len(tns) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		UPDATE port_request_numbers AS p
		   SET status = n.st, reason = n.reason, port_order_id = NULLIF(n.po, '')
		  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS n(tn, st, reason, po)
		 WHERE p.request_id = $1 AND p.phone_number = n.tn`,
		after.ID, tns, statuses, reasons, orders)
	if err != nil {
		return MapError(fmt.Errorf("save numbers of %s: %w", after.ID, err))
	}
	return nil
}

func (s *Requests) saveOrders(ctx context.Context, tx pgx.Tx, before, after order.PortRequest) error {
	old := make(map[string]order.PortOrder, len(before.Orders))
	for _, o := range before.Orders {
		old[o.ID] = o
	}
	for _, o := range after.Orders {
		prev, existed := old[o.ID]
		if existed && prev.Status == o.Status && prev.BandwidthOrderID == o.BandwidthOrderID &&
			prev.ProcessingStatus == o.ProcessingStatus && prev.ActualFocDate.Equal(o.ActualFocDate) &&
			prev.LastModified.Equal(o.LastModified) && prev.Csr.OrderID == o.Csr.OrderID && prev.Csr.Status == o.Csr.Status {
			continue
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO port_orders (id, request_id, status, bandwidth_order_id, processing_status,
			                         losing_carrier_spid, losing_carrier_name, port_type, actual_foc_date,
			                         bandwidth_last_modified)
			VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), $6, $7, $8, $9, $10)
			ON CONFLICT (id) DO UPDATE
			   SET status = EXCLUDED.status, bandwidth_order_id = EXCLUDED.bandwidth_order_id,
			       processing_status = EXCLUDED.processing_status, actual_foc_date = EXCLUDED.actual_foc_date,
			       bandwidth_last_modified = EXCLUDED.bandwidth_last_modified, updated_at = now()`,
			o.ID, after.ID, string(o.Status), o.BandwidthOrderID, o.ProcessingStatus, o.Carrier.SPID,
			o.Carrier.Name, o.PortType, nullTime(o.ActualFocDate), nullTime(o.LastModified))
		if err != nil {
			return MapError(fmt.Errorf("save port order %s: %w", o.ID, err))
		}
		if o.Csr.OrderID == "" {
			continue
		}
		var codes []string
		for _, e := range o.Csr.Errors {
			codes = append(codes, e.Code)
		}
		if codes == nil {
			codes = []string{}
		}
		diffs, _ := json.Marshal(o.Csr.Differences)
		_, err = tx.Exec(ctx, `
			INSERT INTO csr_lookups (csr_order_id, port_order_id, request_id, status, differences, error_codes)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (csr_order_id) DO UPDATE
			   SET status = EXCLUDED.status, differences = EXCLUDED.differences,
			       error_codes = EXCLUDED.error_codes, updated_at = now()`,
			o.Csr.OrderID, o.ID, after.ID, o.Csr.Status, diffs, codes)
		if err != nil {
			return MapError(fmt.Errorf("save CSR lookup %s: %w", o.Csr.OrderID, err))
		}
	}
	return nil
}

// TimelineEntry is one stored timeline line.
type TimelineEntry struct {
	ID        int64           `json:"id"`
	At        time.Time       `json:"at"`
	PortOrder string          `json:"port_order,omitempty"`
	From      string          `json:"from"`
	To        string          `json:"to"`
	Cause     string          `json:"cause"`
	Detail    string          `json:"detail,omitempty"`
	Evidence  json.RawMessage `json:"evidence,omitempty"`
	Actor     string          `json:"actor"`
}

// AppendTimeline writes the decision's entries. evidence (may be nil) is the raw Bandwidth
// observation behind them, kept for the operator; it must hold no secrets.
func (s *Requests) AppendTimeline(ctx context.Context, tx pgx.Tx, requestID string, entries []order.Entry, actor string, evidence any) error {
	if len(entries) == 0 {
		return nil
	}
	var ev []byte
	if evidence != nil {
		b, err := json.Marshal(evidence)
		if err != nil {
			return fmt.Errorf("encode evidence: %w", err)
		}
		ev = b
	}
	batch := &pgx.Batch{}
	for _, e := range entries {
		batch.Queue(`INSERT INTO timeline (request_id, port_order_id, at, from_status, to_status, cause, detail, evidence, actor)
		             VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $8, $9)`,
			requestID, e.PortOrder, e.At, e.From, e.To, string(e.Cause), e.Detail, ev, actor)
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return MapError(fmt.Errorf("append timeline of %s: %w", requestID, err))
	}
	return nil
}

// Timeline lists a request's entries after the entry id afterID (0: from the start), oldest first.
func (s *Requests) Timeline(ctx context.Context, requestID string, afterID int64, limit int) ([]TimelineEntry, error) {
	rows, err := s.db.Pool.Query(ctx, `
		SELECT id, at, coalesce(port_order_id, ''), from_status, to_status, cause, detail, evidence, actor
		  FROM timeline WHERE request_id = $1 AND id > $2 ORDER BY id LIMIT $3`, requestID, afterID, limit)
	if err != nil {
		return nil, MapError(fmt.Errorf("timeline of %s: %w", requestID, err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (TimelineEntry, error) {
		var e TimelineEntry
		err := row.Scan(&e.ID, &e.At, &e.PortOrder, &e.From, &e.To, &e.Cause, &e.Detail, &e.Evidence, &e.Actor)
		return e, err
	})
	return out, MapError(err)
}

// OrderRef says which port order of which request a Bandwidth order id belongs to.
type OrderRef struct {
	RequestID string
	PortOrder string
	// Subject is "port_in", "csr" or "bulk" (PortOrder is then empty).
	Subject order.NotificationSubject
}

// FindOrder resolves a Bandwidth order (port-in or CSR) to the port order it belongs to: by the
// Bandwidth order id first, then by CustomerOrderId, which portflow sets to the port order id
// (so even a notification racing the recording of a new order id finds its port order).
func (s *Requests) FindOrder(ctx context.Context, orderType, orderID, customerOrderID string) (OrderRef, error) {
	var ref OrderRef
	switch orderType {
	case "portins":
		ref.Subject = order.SubjectPortIn
		err := s.db.Pool.QueryRow(ctx, `SELECT request_id::text, id FROM port_orders WHERE bandwidth_order_id = $1`, orderID).Scan(&ref.RequestID, &ref.PortOrder)
		if err == nil {
			return ref, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return OrderRef{}, MapError(err)
		}
	case "bulkPortins":
		// A bulk port-in belongs to the request as a whole; its CustomerOrderId is the request id.
		ref.Subject = order.SubjectBulk
		err := s.db.Pool.QueryRow(ctx, `SELECT id::text FROM port_requests WHERE bulk_order_id = $1`, orderID).Scan(&ref.RequestID)
		if err == nil {
			return ref, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return OrderRef{}, MapError(err)
		}
		if _, perr := uuid.Parse(customerOrderID); perr != nil {
			return OrderRef{}, fmt.Errorf("bulk order %s: %w", orderID, ErrNotFound)
		}
		err = s.db.Pool.QueryRow(ctx, `SELECT id::text FROM port_requests WHERE id = $1`, customerOrderID).Scan(&ref.RequestID)
		if err != nil {
			return OrderRef{}, MapError(fmt.Errorf("bulk order %s (customer order id %s): %w", orderID, customerOrderID, err))
		}
		return ref, nil
	case "csrs":
		ref.Subject = order.SubjectCsr
		err := s.db.Pool.QueryRow(ctx, `SELECT request_id::text, port_order_id FROM csr_lookups WHERE csr_order_id = $1`, orderID).Scan(&ref.RequestID, &ref.PortOrder)
		if err == nil {
			return ref, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return OrderRef{}, MapError(err)
		}
	default:
		return OrderRef{}, fmt.Errorf("order type %q: %w", orderType, ErrNotFound)
	}
	if customerOrderID == "" {
		return OrderRef{}, fmt.Errorf("order %s: %w", orderID, ErrNotFound)
	}
	err := s.db.Pool.QueryRow(ctx, `SELECT request_id::text, id FROM port_orders WHERE id = $1`, customerOrderID).Scan(&ref.RequestID, &ref.PortOrder)
	if err != nil {
		return OrderRef{}, MapError(fmt.Errorf("order %s (customer order id %s): %w", orderID, customerOrderID, err))
	}
	return ref, nil
}

// Due lists requests whose next check is due, oldest due first, skipping rows another replica is
// deciding on right now.
func (s *Requests) Due(ctx context.Context, now time.Time, limit int) ([]string, error) {
	rows, err := s.db.Pool.Query(ctx, `
		SELECT id::text FROM port_requests
		 WHERE next_check_at <= $1
		   AND status NOT IN ('completed', 'partially_completed', 'cancelled', 'failed')
		 ORDER BY next_check_at LIMIT $2`, now, limit)
	if err != nil {
		return nil, MapError(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, MapError(err)
}

// Summary is a request as listed: the plain columns, without opening the aggregate.
type Summary struct {
	ID              string    `json:"id"`
	CustomerOrderID string    `json:"customer_order_id,omitempty"`
	Status          string    `json:"status"`
	StatusReason    string    `json:"status_reason,omitempty"`
	ActionCode      string    `json:"action_code,omitempty"`
	NumberCount     int       `json:"number_count"`
	Version         int64     `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// ListFilter narrows List. AfterID is the keyset cursor: request ids are UUIDv7, so id order is
// creation order and a page boundary never moves when rows are inserted concurrently.
type ListFilter struct {
	Statuses        []string
	PhoneNumber     string
	CustomerOrderID string
	CreatedAfter    time.Time
	CreatedBefore   time.Time
	AfterID         string
	Limit           int
}

// List returns requests in creation order, filtered.
func (s *Requests) List(ctx context.Context, f ListFilter) ([]Summary, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	args := []any{}
	where := "true"
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	if len(f.Statuses) > 0 {
		add("r.status = ANY($%d)", f.Statuses)
	}
	if f.PhoneNumber != "" {
		add("EXISTS (SELECT 1 FROM port_request_numbers n WHERE n.request_id = r.id AND n.phone_number = $%d)", f.PhoneNumber)
	}
	if f.CustomerOrderID != "" {
		add("r.customer_order_id = $%d", f.CustomerOrderID)
	}
	if !f.CreatedAfter.IsZero() {
		add("r.created_at >= $%d", f.CreatedAfter)
	}
	if !f.CreatedBefore.IsZero() {
		add("r.created_at < $%d", f.CreatedBefore)
	}
	if f.AfterID != "" {
		add("r.id > $%d", f.AfterID)
	}
	args = append(args, f.Limit)
	rows, err := s.db.Pool.Query(ctx, fmt.Sprintf(`
		SELECT r.id::text, coalesce(r.customer_order_id, ''), r.status, r.status_reason, coalesce(r.action_code, ''),
		       r.number_count, r.version, r.created_at, r.updated_at
		  FROM port_requests r WHERE %s ORDER BY r.id LIMIT $%d`, where, len(args)), args...)
	if err != nil {
		return nil, MapError(fmt.Errorf("list requests: %w", err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Summary, error) {
		var s Summary
		err := row.Scan(&s.ID, &s.CustomerOrderID, &s.Status, &s.StatusReason, &s.ActionCode, &s.NumberCount, &s.Version, &s.CreatedAt, &s.UpdatedAt)
		return s, err
	})
	return out, MapError(err)
}

// IdempotentCreate is a stored Idempotency-Key.
type IdempotentCreate struct {
	RequestHash []byte
	RequestID   string
}

// FindIdempotencyKey returns the request created under key, locking the key row against a
// concurrent create with the same key until the transaction ends.
func (s *Requests) FindIdempotencyKey(ctx context.Context, tx pgx.Tx, key string) (IdempotentCreate, error) {
	var ic IdempotentCreate
	err := tx.QueryRow(ctx, `SELECT request_hash, port_request::text FROM idempotency_keys WHERE key = $1 FOR UPDATE`, key).Scan(&ic.RequestHash, &ic.RequestID)
	return ic, MapError(err)
}

// InsertIdempotencyKey records the request created under key.
func (s *Requests) InsertIdempotencyKey(ctx context.Context, tx pgx.Tx, key string, hash []byte, requestID string) error {
	_, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (key, request_hash, port_request) VALUES ($1, $2, $3)`, key, hash, requestID)
	return MapError(err)
}

// Document is a stored customer document.
type Document struct {
	ID           string
	RequestID    string
	DocumentType string
	ContentType  string
	FileName     string
	Content      []byte
	CreatedAt    time.Time
}

// InsertDocument stores a document.
func (s *Requests) InsertDocument(ctx context.Context, tx pgx.Tx, d Document) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO documents (id, request_id, document_type, content_type, file_name, content, size_bytes)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		d.ID, d.RequestID, d.DocumentType, d.ContentType, d.FileName, d.Content, len(d.Content))
	return MapError(err)
}

// Documents reads documents by id.
func (s *Requests) Documents(ctx context.Context, ids []string) ([]Document, error) {
	rows, err := s.db.Pool.Query(ctx, `
		SELECT id::text, request_id::text, document_type, content_type, file_name, content, created_at
		  FROM documents WHERE id = ANY($1::uuid[]) ORDER BY created_at`, ids)
	if err != nil {
		return nil, MapError(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Document, error) {
		var d Document
		err := row.Scan(&d.ID, &d.RequestID, &d.DocumentType, &d.ContentType, &d.FileName, &d.Content, &d.CreatedAt)
		return d, err
	})
	return out, MapError(err)
}

// Setting reads a deployment setting ("" when unset).
func (s *Requests) Setting(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, key string) (string, error) {
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM deployment_settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return v, MapError(err)
}

// PutSetting writes a deployment setting.
func (s *Requests) PutSetting(ctx context.Context, tx pgx.Tx, key, value string) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO deployment_settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, key, value)
	return MapError(err)
}

func actionCode(r order.PortRequest) any {
	if r.Action == nil {
		return nil
	}
	return r.Action.Code
}

// bulkOrderID, bulkStep and bulkStatus are the plain bulk columns (NULL without a bulk).
func bulkOrderID(r order.PortRequest) any {
	if r.Bulk == nil || r.Bulk.BandwidthOrderID == "" {
		return nil
	}
	return r.Bulk.BandwidthOrderID
}

func bulkStep(r order.PortRequest) any {
	if r.Bulk == nil {
		return nil
	}
	return string(r.Bulk.Step)
}

func bulkStatus(r order.PortRequest) any {
	if r.Bulk == nil || r.Bulk.ProcessingStatus == "" {
		return nil
	}
	return r.Bulk.ProcessingStatus
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
