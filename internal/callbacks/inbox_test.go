package callbacks_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portflow/portflow/internal/callbacks"
	"github.com/portflow/portflow/internal/store"
)

type inboxEntryView struct {
	ID              int64      `json:"id"`
	ReceivedAt      time.Time  `json:"received_at"`
	OrderType       string     `json:"order_type"`
	OrderID         string     `json:"order_id"`
	CustomerOrderID string     `json:"customer_order_id"`
	Status          string     `json:"status"`
	Message         string     `json:"message"`
	Note            string     `json:"note"`
	LastModified    *time.Time `json:"last_modified"`
	Outcome         string     `json:"outcome"`
	RequestID       string     `json:"request_id"`
	ProcessedAt     *time.Time `json:"processed_at"`
	Malformed       bool       `json:"malformed"`
	ParseError      string     `json:"parse_error"`
	ContentType     string     `json:"content_type"`
	DedupeKey       string     `json:"dedupe_key"`
	BodyBytes       int        `json:"body_bytes"`
	Body            *string    `json:"body"`
	BodyBase64      *string    `json:"body_base64"`
}

type inboxPageView struct {
	Entries    []inboxEntryView `json:"entries"`
	NextCursor string           `json:"next_cursor"`
}

// inspect serves the inbox view over the intake's database, as cmd/server mounts it.
func inspect(t *testing.T, lister callbacks.InboxLister) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(callbacks.InboxHandler(lister, nil))
	t.Cleanup(srv.Close)
	return srv
}

func getJSON(t *testing.T, rawURL string, into any) (int, string) {
	t.Helper()
	res, err := http.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode == http.StatusOK && into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
	}
	return res.StatusCode, string(b)
}

func TestInboxViewAnswersDidBandwidthTellUs(t *testing.T) {
	in := newIntake(t, intakeOptions{})
	view := inspect(t, in.db)

	// What arrives: three port-in updates for one order, a CSR notification, a note, and a
	// malformed body that is not even UTF-8.
	orderA := "aaaaaaaa-0000-4000-8000-000000000001"
	for _, status := range []string{"SUBMITTED", "FOC", "COMPLETE"} {
		in.post(&currentPair, xmlContentType, notification(orderA, status, "2026-03-05T10:00:00Z"))
	}
	in.post(&currentPair, xmlContentType, []byte("<Notification><Status>COMPLETE</Status><OrderId>csr-9</OrderId><OrderType>csrs</OrderType></Notification>"))
	in.post(&currentPair, xmlContentType, notification(orderA, "COMPLETE", "2026-03-05T10:00:00Z", "<Note>Ported early at customer request</Note>"))
	garbage := []byte("\xff\xfe<Notif")
	in.post(&currentPair, xmlContentType, garbage)

	var all inboxPageView
	if status, body := getJSON(t, view.URL+"/", &all); status != http.StatusOK {
		t.Fatalf("list: %d %s", status, body)
	}
	if len(all.Entries) != 6 || all.NextCursor != "" {
		t.Fatalf("list returned %d entries (next %q), want all 6 on one page", len(all.Entries), all.NextCursor)
	}
	newest := all.Entries[0]
	if !newest.Malformed || newest.ParseError == "" || newest.Body != nil || newest.BodyBase64 == nil || newest.BodyBytes != len(garbage) {
		t.Errorf("malformed entry view = %+v; want flagged, its parse error, and the non-UTF-8 body as base64", newest)
	} else if raw, _ := base64.StdEncoding.DecodeString(*newest.BodyBase64); string(raw) != string(garbage) {
		t.Errorf("body_base64 decodes to %q, want %q", raw, garbage)
	}
	note := all.Entries[1]
	if note.Note != "Ported early at customer request" || note.Body == nil || !strings.Contains(*note.Body, "<Note>Ported early") {
		t.Errorf("note entry view = %+v; want the note and the XML body as text", note)
	}
	oldest := all.Entries[5]
	if oldest.Status != "SUBMITTED" || oldest.OrderID != orderA || oldest.LastModified == nil ||
		oldest.Outcome != "unknown_order" || oldest.ContentType != xmlContentType || oldest.ReceivedAt.IsZero() {
		t.Errorf("oldest entry view = %+v", oldest)
	}

	tests := []struct {
		query string
		want  []string // statuses, newest first
	}{
		{"order_id=" + orderA, []string{"COMPLETE", "COMPLETE", "FOC", "SUBMITTED"}},
		{"order_id=" + orderA + "&status=FOC", []string{"FOC"}},
		{"order_type=csrs", []string{"COMPLETE"}},
		{"outcome=malformed", []string{""}},
		{"received_after=" + url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339)), nil},
		{"received_before=" + url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339)) + "&order_type=portins", []string{"COMPLETE", "COMPLETE", "FOC", "SUBMITTED"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var page inboxPageView
			if status, body := getJSON(t, view.URL+"/?"+tt.query, &page); status != http.StatusOK {
				t.Fatalf("%d %s", status, body)
			}
			var got []string
			for _, e := range page.Entries {
				got = append(got, e.Status)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("statuses %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("pages follow next_cursor", func(t *testing.T) {
		var ids []int64
		next := view.URL + "/?limit=4"
		for range 5 {
			var page inboxPageView
			if status, body := getJSON(t, next, &page); status != http.StatusOK {
				t.Fatalf("%d %s", status, body)
			}
			for _, e := range page.Entries {
				ids = append(ids, e.ID)
			}
			if page.NextCursor == "" {
				break
			}
			next = view.URL + "/?limit=4&cursor=" + url.QueryEscape(page.NextCursor)
		}
		if len(ids) != 6 || ids[0] != all.Entries[0].ID || ids[5] != all.Entries[5].ID {
			t.Errorf("paged ids %v, want the 6 entries in listing order", ids)
		}
	})

	t.Run("one entry", func(t *testing.T) {
		var e inboxEntryView
		if status, body := getJSON(t, fmt.Sprintf("%s/%d", view.URL, oldest.ID), &e); status != http.StatusOK {
			t.Fatalf("%d %s", status, body)
		}
		if e.ID != oldest.ID || e.Body == nil || !strings.Contains(*e.Body, "<Status>SUBMITTED</Status>") {
			t.Errorf("entry %+v", e)
		}
		for _, path := range []string{"/999999", "/abc", "/-1"} {
			if status, _ := getJSON(t, view.URL+path, nil); status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, status)
			}
		}
	})

	t.Run("no credentials anywhere", func(t *testing.T) {
		_, body := getJSON(t, view.URL+"/?limit=500", nil)
		for _, secret := range []string{currentPair.Password, "Authorization", "Basic "} {
			if strings.Contains(body, secret) {
				t.Errorf("listing contains %q", secret)
			}
		}
	})
}

func TestInboxViewRejectsBadQueries(t *testing.T) {
	view := inspect(t, openDB(t))
	tests := []struct {
		query   string
		pointer string
	}{
		{"limit=0", "/limit"},
		{"limit=501", "/limit"},
		{"limit=ten", "/limit"},
		{"outcome=exploded", "/outcome"},
		{"received_after=yesterday", "/received_after"},
		{"received_before=2026-13-01T00:00:00Z", "/received_before"},
		{"orderid=abc", "/orderid"},
		{"status=FOC&status=COMPLETE", "/status"},
		{"cursor=bm90LWEtY3Vyc29y", "/cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			status, body := getJSON(t, view.URL+"/?"+tt.query, nil)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", status)
			}
			var p struct {
				Code   string `json:"code"`
				Errors []struct {
					Pointer string `json:"pointer"`
				} `json:"errors"`
			}
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatal(err)
			}
			if p.Code != "invalid_query" || len(p.Errors) == 0 || p.Errors[0].Pointer != tt.pointer {
				t.Errorf("problem %s, want invalid_query pointing at %s", body, tt.pointer)
			}
		})
	}
	res, err := http.Post(view.URL+"/", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405 (read-only)", res.StatusCode)
	}
}

func TestInboxViewDatabaseDown(t *testing.T) {
	// A port nobody listens on: connections are refused at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	pool, err := pgxpool.New(context.Background(), "postgres://postgres@"+addr+"/portflow?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	view := inspect(t, &store.DB{Pool: pool})
	for _, path := range []string{"/", "/1"} {
		status, body := getJSON(t, view.URL+path, nil)
		if status != http.StatusServiceUnavailable || !strings.Contains(body, "database_unavailable") {
			t.Errorf("GET %s with the database down: %d %s, want 503 database_unavailable", path, status, body)
		}
	}
}
