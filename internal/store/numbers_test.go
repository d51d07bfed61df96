package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/secrets"
	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/testdb"
)

// numbersFixture is a store on a fresh database with one stored request of n numbers
// (9195000000, 9195000001, …), all pending.
type numbersFixture struct {
	ctx      context.Context
	db       *store.DB
	requests *store.Requests
	req      order.PortRequest
}

func newNumbersFixture(t *testing.T, n int) *numbersFixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, testdb.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	box, err := secrets.New([]byte(strings.Repeat("n", 32)))
	if err != nil {
		t.Fatal(err)
	}
	f := &numbersFixture{ctx: ctx, db: db, requests: store.NewRequests(db, box)}
	f.req = f.insert(t, n)
	return f
}

func (f *numbersFixture) insert(t *testing.T, n int) order.PortRequest {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	r := order.PortRequest{
		ID: uuid.Must(uuid.NewV7()).String(), Status: order.StatusReceived, Version: 1,
		CreatedAt: now, UpdatedAt: now, Numbers: make([]order.NumberState, n),
	}
	for i := range r.Numbers {
		r.Numbers[i] = order.NumberState{TN: fmt.Sprintf("919500%04d", i), Status: order.NumberPending}
	}
	if err := f.db.InTx(f.ctx, func(tx pgx.Tx) error { return f.requests.Insert(f.ctx, tx, r) }); err != nil {
		t.Fatal(err)
	}
	return r
}

// save writes after over the stored request the way the orchestrator does (Lock, then Save).
func (f *numbersFixture) save(t *testing.T, change func(*order.PortRequest)) {
	t.Helper()
	err := f.db.InTx(f.ctx, func(tx pgx.Tx) error {
		before, err := f.requests.Lock(f.ctx, tx, f.req.ID)
		if err != nil {
			return err
		}
		after := before
		after.Numbers = slices.Clone(before.Numbers)
		after.Orders = slices.Clone(before.Orders)
		change(&after)
		after.Version = before.Version + 1
		after.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
		if err := f.requests.Save(f.ctx, tx, before, after); err != nil {
			return err
		}
		f.req = after
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRequestSummaryCountsFollowSavedStatuses(t *testing.T) {
	f := newNumbersFixture(t, 30)

	sum, err := f.requests.RequestSummary(f.ctx, f.req.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts != (store.NumberCounts{Pending: 30}) || sum.NumberCount != 30 || sum.Bulk != nil || len(sum.PortOrders) != 0 {
		t.Fatalf("fresh request summary = %+v, want 30 pending, no bulk, no port orders", sum)
	}

	foc := time.Date(2026, 12, 1, 16, 30, 0, 0, time.UTC)
	f.save(t, func(r *order.PortRequest) {
		r.Status = order.StatusSubmitted
		r.Bulk = &order.BulkOrder{Step: order.BulkStepSubmitted, BandwidthOrderID: "bulk-1", ProcessingStatus: order.BulkStatusInProgress}
		r.Orders = []order.PortOrder{
			{ID: "po-a", Status: order.OrderSubmitted, BandwidthOrderID: "bw-a", ProcessingStatus: "FOC",
				Carrier: order.Carrier{Name: "Carrier A", SPID: "1111"}, PortType: "AUTOMATED", ActualFocDate: foc},
			{ID: "po-b", Status: order.OrderSubmitted, Carrier: order.Carrier{Name: "Carrier B"}},
		}
		for i := range r.Numbers {
			n := &r.Numbers[i]
			switch {
			case i < 10:
				n.Status, n.PortOrder = order.NumberCompleted, "po-a"
			case i < 15:
				n.Status, n.PortOrder = order.NumberPorting, "po-a"
			case i < 22:
				n.Status, n.PortOrder = order.NumberPorting, "po-b"
			case i < 25:
				n.Status, n.Reason = order.NumberFailed, "not portable"
			case i < 27:
				n.Status = order.NumberCancelled
			}
		}
	})

	sum, err = f.requests.RequestSummary(f.ctx, f.req.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := store.NumberCounts{Pending: 3, Porting: 12, Completed: 10, Failed: 3, Cancelled: 2}
	if sum.Counts != want {
		t.Errorf("counts = %+v, want %+v", sum.Counts, want)
	}
	if sum.Counts.Total() != sum.NumberCount {
		t.Errorf("counts add up to %d, number_count is %d", sum.Counts.Total(), sum.NumberCount)
	}
	if sum.Status != "submitted" || sum.Version != 2 {
		t.Errorf("status %q version %d, want submitted 2", sum.Status, sum.Version)
	}
	if sum.Bulk == nil || *sum.Bulk != (store.BulkSummary{BandwidthOrderID: "bulk-1", Step: "submitted", ProcessingStatus: "IN_PROGRESS"}) {
		t.Errorf("bulk = %+v", sum.Bulk)
	}
	if len(sum.PortOrders) != 2 {
		t.Fatalf("port orders = %+v, want 2", sum.PortOrders)
	}
	a, b := sum.PortOrders[0], sum.PortOrders[1]
	if a.ID != "po-a" || a.NumberCount != 15 || a.BandwidthOrderID != "bw-a" || a.ProcessingStatus != "FOC" ||
		a.LosingCarrier != "Carrier A" || a.LosingCarrierSPID != "1111" || a.PortType != "AUTOMATED" || !a.ActualFocDate.Equal(foc) {
		t.Errorf("port order a = %+v", a)
	}
	if b.ID != "po-b" || b.NumberCount != 7 || b.BandwidthOrderID != "" || !b.ActualFocDate.IsZero() {
		t.Errorf("port order b = %+v", b)
	}

	counts, err := f.requests.NumberCounts(f.ctx, f.req.ID)
	if err != nil || counts != want {
		t.Errorf("NumberCounts = %+v, %v; want %+v", counts, err, want)
	}
}

func TestRequestSummaryOfMissingRequest(t *testing.T) {
	f := newNumbersFixture(t, 1)
	for _, id := range []string{uuid.Must(uuid.NewV7()).String(), "not-a-uuid"} {
		if _, err := f.requests.RequestSummary(f.ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RequestSummary(%q) error = %v, want ErrNotFound", id, err)
		}
		if _, err := f.requests.NumberCounts(f.ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("NumberCounts(%q) error = %v, want ErrNotFound", id, err)
		}
		if _, err := f.requests.ListNumbers(f.ctx, store.NumberFilter{RequestID: id}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ListNumbers(%q) error = %v, want ErrNotFound", id, err)
		}
	}
}

func TestListNumbersPagesByKeysetWithoutGapsOrRepeats(t *testing.T) {
	f := newNumbersFixture(t, 2500)
	// A second request's numbers must never show up in the first's pages.
	f.insert(t, 40)
	f.save(t, func(r *order.PortRequest) {
		r.Orders = []order.PortOrder{{ID: "po-1", Status: order.OrderSubmitted}}
		for i := range r.Numbers {
			if i%3 == 0 {
				r.Numbers[i].Status, r.Numbers[i].PortOrder = order.NumberPorting, "po-1"
			}
			if i%5 == 0 {
				r.Numbers[i].Status, r.Numbers[i].Reason = order.NumberFailed, "refused"
			}
		}
	})

	walk := func(filter store.NumberFilter) []store.NumberRow {
		t.Helper()
		var all []store.NumberRow
		for page := 0; ; page++ {
			if page > 100 {
				t.Fatal("paging does not end")
			}
			rows, err := f.requests.ListNumbers(f.ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) > filter.Limit {
				t.Fatalf("page of %d rows, limit %d", len(rows), filter.Limit)
			}
			all = append(all, rows...)
			if len(rows) < filter.Limit {
				return all
			}
			filter.AfterNumber = rows[len(rows)-1].PhoneNumber
		}
	}

	all := walk(store.NumberFilter{RequestID: f.req.ID, Limit: 333})
	if len(all) != 2500 {
		t.Fatalf("walked %d numbers, want 2500", len(all))
	}
	for i, n := range all {
		if want := fmt.Sprintf("919500%04d", i); n.PhoneNumber != want {
			t.Fatalf("row %d is %s, want %s (a gap, a repeat or a foreign number)", i, n.PhoneNumber, want)
		}
	}

	failed := walk(store.NumberFilter{RequestID: f.req.ID, Statuses: []string{"failed"}, Limit: 100})
	if len(failed) != 500 {
		t.Errorf("failed numbers = %d, want 500", len(failed))
	}
	for _, n := range failed {
		if n.Status != "failed" || n.Reason != "refused" {
			t.Fatalf("failed filter returned %+v", n)
		}
	}

	// i%3 == 0 and not i%5 == 0: 834 - 167.
	inOrder := walk(store.NumberFilter{RequestID: f.req.ID, PortOrderID: "po-1", Statuses: []string{"porting", "pending"}, Limit: 1000})
	if len(inOrder) != 667 {
		t.Errorf("porting numbers of po-1 = %d, want 667", len(inOrder))
	}
	for _, n := range inOrder {
		if n.PortOrderID != "po-1" || n.Status != "porting" {
			t.Fatalf("port order filter returned %+v", n)
		}
	}

	none, err := f.requests.ListNumbers(f.ctx, store.NumberFilter{RequestID: f.req.ID, Statuses: []string{"completed"}, Limit: 10})
	if err != nil || len(none) != 0 {
		t.Errorf("completed numbers = %v, %v; want an empty page", none, err)
	}
}
