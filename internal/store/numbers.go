package store

// This file reads a request's numbers and a summary of the request from the plain lookup rows
// (port_requests' columns, port_request_numbers, port_orders) without opening the sealed state:
// a request may hold 20,000 numbers, and a client watching its progress needs counts and pages,
// not the whole aggregate decrypted on every poll.

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// NumberCounts counts a request's numbers by status (internal/order.NumberStatus).
type NumberCounts struct {
	Pending   int
	Porting   int
	Completed int
	Failed    int
	Cancelled int
}

// Total is the number of numbers counted.
func (c NumberCounts) Total() int {
	return c.Pending + c.Porting + c.Completed + c.Failed + c.Cancelled
}

// add counts n numbers in status; it reports false for a status it does not know.
func (c *NumberCounts) add(status string, n int) bool {
	switch status {
	case "pending":
		c.Pending += n
	case "porting":
		c.Porting += n
	case "completed":
		c.Completed += n
	case "failed":
		c.Failed += n
	case "cancelled":
		c.Cancelled += n
	default:
		return false
	}
	return true
}

// BulkSummary is a request's Bandwidth bulk port-in as its plain columns hold it.
type BulkSummary struct {
	BandwidthOrderID string
	Step             string
	ProcessingStatus string
}

// PortOrderSummary is one port order of a request as port_orders holds it, with the number of
// the request's numbers assigned to it.
type PortOrderSummary struct {
	ID                string
	Status            string
	BandwidthOrderID  string
	ProcessingStatus  string
	LosingCarrier     string
	LosingCarrierSPID string
	PortType          string
	ActualFocDate     time.Time
	NumberCount       int
}

// RequestSummary is a request read from its plain columns and lookup rows only.
type RequestSummary struct {
	Summary
	Counts NumberCounts
	// Bulk is nil when the request has no bulk port-in.
	Bulk       *BulkSummary
	PortOrders []PortOrderSummary
}

// RequestSummary reads one request's summary: its columns, its numbers counted by status and its
// port orders with their number counts, all from one snapshot (a repeatable-read transaction), so
// the counts add up to number_count even while a worker is saving the request.
func (s *Requests) RequestSummary(ctx context.Context, id string) (RequestSummary, error) {
	if _, err := uuid.Parse(id); err != nil {
		return RequestSummary{}, fmt.Errorf("request %q: %w", id, ErrNotFound)
	}
	var out RequestSummary
	tx, err := s.db.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return RequestSummary{}, MapError(fmt.Errorf("summary of %s: %w", id, err))
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	var bulkOrderID, bulkStep, bulkStatus *string
	sum := &out.Summary
	err = tx.QueryRow(ctx, `
		SELECT id::text, coalesce(customer_order_id, ''), status, status_reason, coalesce(action_code, ''),
		       number_count, version, created_at, updated_at, bulk_order_id, bulk_step, bulk_status
		  FROM port_requests WHERE id = $1`, id).
		Scan(&sum.ID, &sum.CustomerOrderID, &sum.Status, &sum.StatusReason, &sum.ActionCode,
			&sum.NumberCount, &sum.Version, &sum.CreatedAt, &sum.UpdatedAt, &bulkOrderID, &bulkStep, &bulkStatus)
	if err != nil {
		return RequestSummary{}, MapError(fmt.Errorf("summary of %s: %w", id, err))
	}
	if bulkStep != nil || bulkOrderID != nil {
		out.Bulk = &BulkSummary{BandwidthOrderID: deref(bulkOrderID), Step: deref(bulkStep), ProcessingStatus: deref(bulkStatus)}
	}

	if out.Counts, err = numberCounts(ctx, tx, id); err != nil {
		return RequestSummary{}, err
	}

	rows, err := tx.Query(ctx, `
		SELECT o.id, o.status, coalesce(o.bandwidth_order_id, ''), coalesce(o.processing_status, ''),
		       coalesce(o.losing_carrier_name, ''), coalesce(o.losing_carrier_spid, ''), coalesce(o.port_type, ''), o.actual_foc_date,
		       coalesce(c.n, 0)
		  FROM port_orders o
		  LEFT JOIN (SELECT port_order_id, count(*) AS n FROM port_request_numbers
		              WHERE request_id = $1 AND port_order_id IS NOT NULL
		              GROUP BY port_order_id) c ON c.port_order_id = o.id
		 WHERE o.request_id = $1
		 ORDER BY o.created_at, o.id`, id)
	if err != nil {
		return RequestSummary{}, MapError(fmt.Errorf("port orders of %s: %w", id, err))
	}
	out.PortOrders, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (PortOrderSummary, error) {
		var o PortOrderSummary
		var foc *time.Time
		err := row.Scan(&o.ID, &o.Status, &o.BandwidthOrderID, &o.ProcessingStatus, &o.LosingCarrier, &o.LosingCarrierSPID, &o.PortType, &foc, &o.NumberCount)
		if foc != nil {
			o.ActualFocDate = *foc
		}
		return o, err
	})
	if err != nil {
		return RequestSummary{}, MapError(fmt.Errorf("port orders of %s: %w", id, err))
	}
	return out, nil
}

// NumberCounts counts one request's numbers by status (ErrNotFound when there is no such
// request).
func (s *Requests) NumberCounts(ctx context.Context, id string) (NumberCounts, error) {
	if _, err := uuid.Parse(id); err != nil {
		return NumberCounts{}, fmt.Errorf("request %q: %w", id, ErrNotFound)
	}
	counts, err := numberCounts(ctx, s.db.Pool, id)
	if err != nil {
		return NumberCounts{}, err
	}
	if counts.Total() == 0 {
		// Every request has at least one number: no rows means no request.
		return NumberCounts{}, s.requireRequest(ctx, id)
	}
	return counts, nil
}

func numberCounts(ctx context.Context, q querier, id string) (NumberCounts, error) {
	rows, err := q.Query(ctx, `SELECT status, count(*) FROM port_request_numbers WHERE request_id = $1 GROUP BY status`, id)
	if err != nil {
		return NumberCounts{}, MapError(fmt.Errorf("count numbers of %s: %w", id, err))
	}
	var counts NumberCounts
	var status string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&status, &n}, func() error {
		if !counts.add(status, n) {
			return fmt.Errorf("count numbers of %s: unknown number status %q", id, status)
		}
		return nil
	})
	if err != nil {
		return NumberCounts{}, MapError(fmt.Errorf("count numbers of %s: %w", id, err))
	}
	return counts, nil
}

// NumberRow is one number of a request as port_request_numbers holds it.
type NumberRow struct {
	PhoneNumber string
	Status      string
	Reason      string
	// PortOrderID is empty while the number belongs to no port order.
	PortOrderID string
}

// NumberFilter selects a page of one request's numbers. Pages are in phone-number order;
// AfterNumber is the keyset cursor (the last number of the previous page), so a page boundary
// never moves while statuses change.
type NumberFilter struct {
	RequestID   string
	Statuses    []string
	PortOrderID string
	AfterNumber string
	Limit       int
}

// ListNumbers returns a page of a request's numbers (ErrNotFound when there is no such request;
// an empty page when the filter matches nothing).
func (s *Requests) ListNumbers(ctx context.Context, f NumberFilter) ([]NumberRow, error) {
	if _, err := uuid.Parse(f.RequestID); err != nil {
		return nil, fmt.Errorf("request %q: %w", f.RequestID, ErrNotFound)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args := []any{f.RequestID, f.AfterNumber, f.Limit}
	where := "request_id = $1 AND phone_number > $2"
	if len(f.Statuses) > 0 {
		args = append(args, f.Statuses)
		where += fmt.Sprintf(" AND status = ANY($%d)", len(args))
	}
	if f.PortOrderID != "" {
		args = append(args, f.PortOrderID)
		where += fmt.Sprintf(" AND port_order_id = $%d", len(args))
	}
	rows, err := s.db.Pool.Query(ctx, `
		SELECT phone_number, status, reason, coalesce(port_order_id, '')
		  FROM port_request_numbers WHERE `+where+` ORDER BY phone_number LIMIT $3`, args...)
	if err != nil {
		return nil, MapError(fmt.Errorf("numbers of %s: %w", f.RequestID, err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (NumberRow, error) {
		var n NumberRow
		err := row.Scan(&n.PhoneNumber, &n.Status, &n.Reason, &n.PortOrderID)
		return n, err
	})
	if err != nil {
		return nil, MapError(fmt.Errorf("numbers of %s: %w", f.RequestID, err))
	}
	if len(out) == 0 {
		// An empty page of an existing request is an answer; of a missing one, a 404.
		if err := s.requireRequest(ctx, f.RequestID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// requireRequest returns ErrNotFound unless the request exists.
func (s *Requests) requireRequest(ctx context.Context, id string) error {
	var exists bool
	if err := s.db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM port_requests WHERE id = $1)`, id).Scan(&exists); err != nil {
		return MapError(fmt.Errorf("look up request %s: %w", id, err))
	}
	if !exists {
		return fmt.Errorf("request %s: %w", id, ErrNotFound)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
