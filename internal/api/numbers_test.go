package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/order"
)

// bigRequest creates a request of n numbers (9192000000 on) through the API, workers idle.
func bigRequest(t *testing.T, e *env, n int) string {
	t.Helper()
	body := createBody(number(sandbox.CarrierWireline, sandbox.CSRComplete, 1))
	body["phone_numbers"] = numbersFrom(n)
	var created largeRequest
	e.client(t).do(http.MethodPost, "/v1/port-requests", body).expect(t, http.StatusCreated).decode(t, &created)
	return created.ID
}

// save changes a stored request the way the orchestrator does: Lock, change, Save.
func (e *env) save(t *testing.T, id string, change func(*order.PortRequest)) {
	t.Helper()
	ctx := context.Background()
	requests := e.orch.Requests()
	err := e.db.InTx(ctx, func(tx pgx.Tx) error {
		before, err := requests.Lock(ctx, tx, id)
		if err != nil {
			return err
		}
		after := before
		after.Numbers = slices.Clone(before.Numbers)
		change(&after)
		after.Version++
		after.UpdatedAt = time.Now()
		return requests.Save(ctx, tx, before, after)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// portNumbers puts a 2,500-number request in a bulk port-in with two port orders: numbers
// 0–999 completed in order A, 1000–1599 porting in order B, every 7th of the rest failed, the
// others pending.
func portNumbers(r *order.PortRequest) {
	a, b := r.ID[:8]+"-1", r.ID[:8]+"-2"
	foc := time.Date(2027, 1, 12, 16, 30, 0, 0, time.UTC)
	r.Status = order.StatusSubmitted
	r.Bulk = &order.BulkOrder{Step: order.BulkStepSubmitted, BandwidthOrderID: "bulk-77", ProcessingStatus: order.BulkStatusInProgress, CreatedAt: foc.AddDate(0, 0, -10)}
	r.Orders = []order.PortOrder{
		{ID: a, Status: order.OrderFoc, BandwidthOrderID: "bw-a", ProcessingStatus: "FOC", ActualFocDate: foc,
			Carrier: order.Carrier{Name: "Carrier A", SPID: "1111"}, PortType: "AUTOMATED", BulkOrderID: "bulk-77"},
		{ID: b, Status: order.OrderSubmitted, BandwidthOrderID: "bw-b", Carrier: order.Carrier{Name: "Carrier B", SPID: "2222"}, InBulk: true},
	}
	for i := range r.Numbers {
		n := &r.Numbers[i]
		switch {
		case i < 1000:
			n.Status, n.PortOrder = order.NumberCompleted, a
			r.Orders[0].Numbers = append(r.Orders[0].Numbers, n.TN)
		case i < 1600:
			n.Status, n.PortOrder = order.NumberPorting, b
			r.Orders[1].Numbers = append(r.Orders[1].Numbers, n.TN)
		case i%7 == 0:
			n.Status, n.Reason = order.NumberFailed, "not portable"
		}
	}
}

type summaryPage struct {
	ID           string         `json:"id"`
	Status       string         `json:"status"`
	Version      int64          `json:"version"`
	NumberCount  int            `json:"number_count"`
	NumberCounts map[string]int `json:"number_counts"`
	Bulk         *struct {
		BandwidthOrderID *string `json:"bandwidth_order_id"`
		Step             string  `json:"step"`
		Status           *string `json:"status"`
	} `json:"bulk"`
	PortOrders []struct {
		ID               string  `json:"id"`
		BandwidthOrderID *string `json:"bandwidth_order_id"`
		LosingCarrier    *struct {
			Name string `json:"name"`
		} `json:"losing_carrier"`
		ActualFocDate *string  `json:"actual_foc_date"`
		NumberCount   int      `json:"number_count"`
		PhoneNumbers  []string `json:"phone_numbers"`
		InBulk        bool     `json:"in_bulk"`
		BulkOrderID   *string  `json:"bulk_order_id"`
	} `json:"port_orders"`
	PhoneNumbers []map[string]any  `json:"phone_numbers"`
	Subscriber   any               `json:"subscriber"`
	Links        map[string]string `json:"links"`
}

// TestSummaryViewCountsFromTheTables: after number statuses change through the store, the summary
// view's counts, bulk and port orders match them, and so do the full view's.
func TestSummaryViewCountsFromTheTables(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	c := e.client(t)
	id := bigRequest(t, e, 2500)

	var fresh summaryPage
	c.do(http.MethodGet, path(id, "?view=summary"), nil).expect(t, http.StatusOK).decode(t, &fresh)
	if fresh.NumberCount != 2500 || fresh.NumberCounts["pending"] != 2500 || fresh.Bulk != nil || len(fresh.PortOrders) != 0 {
		t.Fatalf("fresh summary %+v, want 2500 pending, no bulk, no port orders", fresh)
	}

	e.save(t, id, portNumbers)
	// 1600..2499: 900 numbers, of which the multiples of 7 failed.
	failed := 0
	for i := 1600; i < 2500; i++ {
		if i%7 == 0 {
			failed++
		}
	}
	want := map[string]int{"pending": 900 - failed, "porting": 600, "completed": 1000, "failed": failed, "cancelled": 0}

	resp := c.do(http.MethodGet, path(id, "?view=summary"), nil).expect(t, http.StatusOK)
	var sum summaryPage
	resp.decode(t, &sum)
	if fmt.Sprint(sum.NumberCounts) != fmt.Sprint(want) {
		t.Errorf("summary counts %v, want %v", sum.NumberCounts, want)
	}
	if sum.Status != "submitted" || sum.Version != fresh.Version+1 || resp.header.Get("ETag") != quoted(sum.Version) {
		t.Errorf("status %s version %d ETag %s", sum.Status, sum.Version, resp.header.Get("ETag"))
	}
	if sum.Bulk == nil || *sum.Bulk.BandwidthOrderID != "bulk-77" || sum.Bulk.Step != "submitted" || *sum.Bulk.Status != "IN_PROGRESS" {
		t.Errorf("bulk %+v", sum.Bulk)
	}
	if len(sum.PortOrders) != 2 || sum.PortOrders[0].NumberCount != 1000 || sum.PortOrders[1].NumberCount != 600 ||
		sum.PortOrders[0].LosingCarrier == nil || sum.PortOrders[0].LosingCarrier.Name != "Carrier A" ||
		sum.PortOrders[0].ActualFocDate == nil || *sum.PortOrders[0].BandwidthOrderID != "bw-a" {
		t.Errorf("summary port orders %+v", sum.PortOrders)
	}
	if sum.PhoneNumbers != nil || sum.Subscriber != nil {
		t.Error("the summary carries numbers or personal data")
	}
	if sum.Links["numbers"] != "/v1/port-requests/"+id+"/numbers" {
		t.Errorf("links %v", sum.Links)
	}

	// If-None-Match works on the summary as on the full view.
	c.do(http.MethodGet, path(id, "?view=summary"), nil, "If-None-Match", quoted(sum.Version)).expect(t, http.StatusNotModified)

	var full summaryPage
	c.do(http.MethodGet, path(id), nil).expect(t, http.StatusOK).decode(t, &full)
	if fmt.Sprint(full.NumberCounts) != fmt.Sprint(want) || full.NumberCount != 2500 {
		t.Errorf("full view counts %v (%d), want %v", full.NumberCounts, full.NumberCount, want)
	}
	if full.PhoneNumbers != nil || len(full.PortOrders) != 2 || full.PortOrders[0].PhoneNumbers != nil {
		t.Error("the full view of 2,500 numbers lists them inline")
	}
	if po := full.PortOrders; po[0].NumberCount != 1000 || po[0].InBulk || po[0].BulkOrderID == nil || *po[0].BulkOrderID != "bulk-77" ||
		!po[1].InBulk || po[1].BulkOrderID != nil {
		t.Errorf("full view port orders %+v", po)
	}
	if full.Bulk == nil || full.Bulk.Step != "submitted" {
		t.Errorf("full view bulk %+v", full.Bulk)
	}

	for _, q := range []string{"?view=compact", "?view=summary&view=full", "?veiw=summary"} {
		p := c.do(http.MethodGet, path(id, q), nil).expect(t, http.StatusBadRequest).problem(t)
		if p.Code != "invalid_parameter" {
			t.Errorf("%s: %+v", q, p)
		}
	}
	for _, missing := range []string{"01900000-0000-7000-8000-000000000000", "nope"} {
		c.do(http.MethodGet, path(missing, "?view=summary"), nil).expect(t, http.StatusNotFound)
	}
}

type numbersPage struct {
	Data []struct {
		PhoneNumber string  `json:"phone_number"`
		Status      string  `json:"status"`
		Reason      string  `json:"reason"`
		PortOrderID *string `json:"port_order_id"`
	} `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// walkNumbers follows next_cursor from query to the end and returns every number listed.
func walkNumbers(t *testing.T, c *client, id, query string) (numbers []string, statuses map[string]string, pages int) {
	t.Helper()
	statuses = map[string]string{}
	cursor := ""
	for {
		q := query
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		resp := c.do(http.MethodGet, path(id, "/numbers?"+q), nil).expect(t, http.StatusOK)
		var page numbersPage
		resp.decode(t, &page)
		pages++
		for _, n := range page.Data {
			numbers = append(numbers, n.PhoneNumber)
			statuses[n.PhoneNumber] = n.Status
		}
		if page.NextCursor == nil {
			if resp.header.Get("Link") != "" {
				t.Errorf("a Link on the last page: %s", resp.header.Get("Link"))
			}
			return numbers, statuses, pages
		}
		if !strings.Contains(resp.header.Get("Link"), `rel="next"`) {
			t.Errorf("no Link to the next page")
		}
		cursor = *page.NextCursor
		if pages > 100 {
			t.Fatal("paging does not end")
		}
	}
}

// TestNumbersPagination: 2,500 numbers paged 1,000 at a time come back once each, in order, and
// the filters select exactly their numbers.
func TestNumbersPagination(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	c := e.client(t)
	id := bigRequest(t, e, 2500)
	bigRequest(t, e, 30) // another request's numbers (the same ones) must not show up
	e.save(t, id, portNumbers)

	all, statuses, pages := walkNumbers(t, c, id, "limit=1000")
	if len(all) != 2500 || pages != 3 {
		t.Fatalf("%d numbers in %d pages, want 2500 in 3", len(all), pages)
	}
	for i, tn := range all {
		if want := fmt.Sprintf("919%07d", 2000000+i); tn != want {
			t.Fatalf("number %d is %s, want %s: a gap or a repeat", i, tn, want)
		}
	}
	if statuses["9192000000"] != "completed" || statuses["9192001000"] != "porting" || statuses["9192001603"] != "failed" || statuses["9192001601"] != "pending" {
		t.Errorf("statuses of a few numbers: %v %v %v %v", statuses["9192000000"], statuses["9192001000"], statuses["9192001603"], statuses["9192001601"])
	}

	// Default page size 100.
	var first numbersPage
	c.do(http.MethodGet, path(id, "/numbers"), nil).expect(t, http.StatusOK).decode(t, &first)
	if len(first.Data) != 100 || first.NextCursor == nil || first.Data[0].PortOrderID == nil {
		t.Errorf("default page: %d numbers, next %v", len(first.Data), first.NextCursor)
	}

	failed, statuses, _ := walkNumbers(t, c, id, "status=failed&limit=37")
	wantFailed := 0
	for i := 1600; i < 2500; i++ {
		if i%7 == 0 {
			wantFailed++
		}
	}
	if len(failed) != wantFailed {
		t.Errorf("%d failed numbers listed, want %d", len(failed), wantFailed)
	}
	for tn, st := range statuses {
		if st != "failed" {
			t.Errorf("status=failed listed %s in %s", tn, st)
		}
	}
	both, _, _ := walkNumbers(t, c, id, "status=failed,completed")
	if len(both) != wantFailed+1000 {
		t.Errorf("failed or completed: %d, want %d", len(both), wantFailed+1000)
	}
	orderB, statuses, _ := walkNumbers(t, c, id, "port_order_id="+id[:8]+"-2&limit=1000")
	if len(orderB) != 600 || statuses[orderB[0]] != "porting" {
		t.Errorf("port order B: %d numbers, want 600 porting", len(orderB))
	}
	if none, _, _ := walkNumbers(t, c, id, "status=cancelled"); len(none) != 0 {
		t.Errorf("cancelled: %v, want none", none)
	}

	eventCursor := func() string {
		var ev struct {
			ResumeCursor string `json:"resume_cursor"`
		}
		c.do(http.MethodGet, path(id, "/events"), nil).expect(t, http.StatusOK).decode(t, &ev)
		return ev.ResumeCursor
	}()
	for _, q := range []string{"status=ported", "limit=0", "limit=1001", "limit=ten", "cursor=nonsense",
		"cursor=" + url.QueryEscape(eventCursor), "port_order_id=", "page=2", "limit=5&limit=6"} {
		p := c.do(http.MethodGet, path(id, "/numbers?"+q), nil).expect(t, http.StatusBadRequest).problem(t)
		if p.Code != "invalid_parameter" || p.Detail == "" {
			t.Errorf("%s: %+v", q, p)
		}
	}
	for _, missing := range []string{"01900000-0000-7000-8000-000000000000", "nope"} {
		c.do(http.MethodGet, path(missing, "/numbers"), nil).expect(t, http.StatusNotFound)
	}
}
