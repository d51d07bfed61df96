package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/portflow/portflow/internal/order"
)

// storedRequest builds a valid request as the store keeps it; its next check is left unset so
// no reconciler picks it up.
func storedRequest(t *testing.T, tn string, edit func(*order.PortRequest)) order.PortRequest {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	r, err := order.NewPortRequest(order.Intake{
		ID:                   id.String(),
		Numbers:              []string{tn},
		Subscriber:           order.Subscriber{Type: order.SubscriberBusiness, BusinessName: "Blue Ridge Bakery"},
		ServiceAddress:       order.Address{Line1: "1234 N Main St", City: "Raleigh", State: "NC", Zip: "27601"},
		ServiceAddressParts:  order.AddressParts{HouseNumber: "1234", PreDirectional: "N", StreetName: "MAIN", StreetSuffix: "ST", City: "RALEIGH", StateCode: "NC", Zip: "27601"},
		LoaAuthorizingPerson: "Jane Doe",
		Activation:           order.Activation{Mode: order.ActivationScheduled},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r.NextCheckAt = time.Time{}
	if edit != nil {
		edit(&r)
	}
	return r
}

// insert stores requests straight through the store, in one transaction.
func (e *env) insert(t *testing.T, requests ...order.PortRequest) {
	t.Helper()
	err := e.db.InTx(context.Background(), func(tx pgx.Tx) error {
		for _, r := range requests {
			if err := e.orch.Requests().Insert(context.Background(), tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

type listPage struct {
	Data []struct {
		ID               string `json:"id"`
		Status           string `json:"status"`
		CustomerOrderID  string `json:"customer_order_id"`
		PhoneNumberCount int    `json:"phone_number_count"`
	} `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// TestPaginationUnderConcurrentInserts lists 1,000 requests 37 at a time while 200 more are
// created: every one of the 1,000 is listed exactly once, in creation order, and the new ones
// appear after them.
func TestPaginationUnderConcurrentInserts(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	const existing, concurrent, pageSize = 1000, 200, 37
	batch := make([]order.PortRequest, existing)
	before := map[string]bool{}
	for i := range batch {
		batch[i] = storedRequest(t, fmt.Sprintf("919%07d", 3000000+i), nil)
		before[batch[i].ID] = true
	}
	e.insert(t, batch...)

	later := make([]order.PortRequest, concurrent)
	for i := range later {
		later[i] = storedRequest(t, fmt.Sprintf("919%07d", 4000000+i), nil)
	}
	inserted := make(chan string, concurrent)
	insertErr := make(chan error, 1)
	go func() {
		defer close(inserted)
		for _, r := range later {
			err := e.db.InTx(context.Background(), func(tx pgx.Tx) error { return e.orch.Requests().Insert(context.Background(), tx, r) })
			if err != nil {
				insertErr <- err
				return
			}
			inserted <- r.ID
		}
	}()

	c := e.client(t)
	seen := map[string]int{}
	var listed []string
	var during []string // concurrent inserts known to have committed before a later page
	cursor := ""
	for pages := 1; ; pages++ {
		q := url.Values{"limit": {fmt.Sprint(pageSize)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page listPage
		c.do(http.MethodGet, "/v1/port-requests?"+q.Encode(), nil).expect(t, http.StatusOK).decode(t, &page)
		if len(page.Data) > pageSize || (page.NextCursor != nil && len(page.Data) != pageSize) {
			t.Fatalf("page %d: %d items, next %v", pages, len(page.Data), page.NextCursor)
		}
		for _, item := range page.Data {
			seen[item.ID]++
			listed = append(listed, item.ID)
		}
		if pages == 1 {
			// Let 50 inserts commit between the first and the second page, so the listing
			// provably runs while rows are being added.
			for range 50 {
				id, ok := <-inserted
				if !ok {
					t.Fatalf("inserter stopped early: %v", <-insertErr)
				}
				during = append(during, id)
			}
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	for id := range inserted {
		_ = id // drain: the inserter finishes before the test ends
	}
	select {
	case err := <-insertErr:
		t.Fatal(err)
	default:
	}

	for id, n := range seen {
		if n > 1 {
			t.Errorf("request %s listed %d times", id, n)
		}
	}
	for id := range before {
		if seen[id] != 1 {
			t.Errorf("request %s listed %d times, want once", id, seen[id])
		}
	}
	for _, id := range during {
		if seen[id] != 1 {
			t.Errorf("request %s, created while paging, listed %d times", id, seen[id])
		}
	}
	if !slices.IsSorted(listed) {
		t.Error("listing is not in creation (id) order")
	}
	if len(listed) < existing+len(during) {
		t.Errorf("listed %d, want at least %d", len(listed), existing+len(during))
	}
}

// TestListFilters: every filter alone and combined, and every malformed query.
func TestListFilters(t *testing.T) {
	e := newEnv(t, envOptions{idle: true})
	now := time.Now()
	a := storedRequest(t, "9195550101", func(r *order.PortRequest) {
		r.Status, r.CustomerOrderID, r.CreatedAt = order.StatusFoc, "ACME-1", now.Add(-72*time.Hour)
	})
	b := storedRequest(t, "9195550102", func(r *order.PortRequest) {
		r.Status, r.CustomerOrderID, r.CreatedAt = order.StatusActionRequired, "ACME-2", now.Add(-24*time.Hour)
		r.Numbers = append(r.Numbers, order.NumberState{TN: "9195550103", Status: order.NumberPending})
	})
	cc := storedRequest(t, "9195550103", func(r *order.PortRequest) { r.Status = order.StatusCompleted })
	e.insert(t, a, b, cc)
	c := e.client(t)
	twoDaysAgo := url.QueryEscape(now.Add(-48 * time.Hour).UTC().Format(time.RFC3339))

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"limit=50", []string{a.ID, b.ID, cc.ID}},
		{"status=foc", []string{a.ID}},
		{"status=foc,completed", []string{a.ID, cc.ID}},
		{"status=foc&status=action_required", []string{a.ID, b.ID}},
		{"phone_number=9195550103", []string{b.ID, cc.ID}},
		{"phone_number=%2B19195550103", []string{b.ID, cc.ID}},
		{"customer_order_id=ACME-2", []string{b.ID}},
		{"created_after=" + twoDaysAgo, []string{b.ID, cc.ID}},
		{"created_before=" + twoDaysAgo, []string{a.ID}},
		{"created_after=" + now.Add(-96*time.Hour).Format(time.DateOnly) + "&created_before=" + twoDaysAgo, []string{a.ID}},
		{"status=completed&phone_number=9195550103", []string{cc.ID}},
		{"status=failed", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var page listPage
			e.client(t).do(http.MethodGet, "/v1/port-requests?"+tc.query, nil).expect(t, http.StatusOK).decode(t, &page)
			var got []string
			for _, item := range page.Data {
				got = append(got, item.ID)
			}
			if !slices.Equal(got, tc.want) || page.NextCursor != nil {
				t.Errorf("got %v (next %v), want %v", got, page.NextCursor, tc.want)
			}
		})
	}
	var withCount listPage
	c.do(http.MethodGet, "/v1/port-requests?customer_order_id=ACME-2", nil).expect(t, http.StatusOK).decode(t, &withCount)
	if len(withCount.Data) != 1 || withCount.Data[0].PhoneNumberCount != 2 || withCount.Data[0].Status != "action_required" {
		t.Errorf("summary: %+v", withCount.Data)
	}

	// A two-item page links to the next one.
	first := c.do(http.MethodGet, "/v1/port-requests?limit=2", nil).expect(t, http.StatusOK)
	var page listPage
	first.decode(t, &page)
	if page.NextCursor == nil || first.header.Get("Link") == "" {
		t.Fatalf("no next page: %s %v", first.body, first.header)
	}
	var rest listPage
	c.do(http.MethodGet, "/v1/port-requests?limit=2&cursor="+*page.NextCursor, nil).expect(t, http.StatusOK).decode(t, &rest)
	if len(rest.Data) != 1 || rest.Data[0].ID != cc.ID || rest.NextCursor != nil {
		t.Errorf("second page: %+v", rest)
	}

	for _, query := range []string{
		"limit=0", "limit=ten", "limit=201", "limit=5&limit=6", "status=shipped", "cursor=%21%21",
		"cursor=ZTo1", "sort=created_at", "created_after=yesterday", "created_after=2026-01-01T00:00:00+01:00",
		"phone_number=5550103", "created_after=2026-02-01&created_before=2026-01-01",
	} {
		t.Run("bad "+query, func(t *testing.T) {
			p := e.client(t).do(http.MethodGet, "/v1/port-requests?"+query, nil).expect(t, http.StatusBadRequest).problem(t)
			if p.Code != "invalid_parameter" || p.Detail == "" {
				t.Errorf("%+v", p)
			}
		})
	}
}
