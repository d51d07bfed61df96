package callbacks_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portflow/portflow/internal/callbacks"
	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/testdb"
)

const focOrderID = "a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b"

// trackingReader reports whether anyone read the body.
type trackingReader struct {
	r    io.Reader
	read atomic.Bool
}

func (t *trackingReader) Read(p []byte) (int, error) {
	t.read.Store(true)
	return t.r.Read(p)
}

func TestHandshakeChallengeThenAuthorizedRetry(t *testing.T) {
	in := newIntake(t, intakeOptions{})
	body := notification(focOrderID, "FOC", "2026-03-02T15:11:31.705Z", "<ActualFocDate>2026-03-09T00:00:00Z</ActualFocDate>")

	// Bandwidth's first attempt carries no Authorization header. With Expect: 100-continue the
	// client sends the body only if the handler asks for it: the challenge must not.
	tracked := &trackingReader{r: bytes.NewReader(body)}
	req, err := http.NewRequest(http.MethodPost, in.server.URL, tracked)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", xmlContentType)
	req.Header.Set("Expect", "100-continue")
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}}
	defer client.CloseIdleConnections()
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unauthenticated attempt: status %d, want 401", res.StatusCode)
	}
	if got := res.Header.Get("WWW-Authenticate"); got != `Basic realm="portflow"` {
		t.Errorf("WWW-Authenticate = %q, want a Basic challenge for realm portflow (without it Bandwidth never sends the body)", got)
	}
	if tracked.read.Load() {
		t.Error("the unauthenticated body was read")
	}
	if n := in.inboxRows(); n != 0 {
		t.Fatalf("inbox rows after the challenge = %d, want 0", n)
	}

	// The retry with credentials is stored, acknowledged, and handed to processing.
	got := in.post(&currentPair, xmlContentType, body)
	if got.status != http.StatusOK {
		t.Fatalf("authorized retry: status %d (%s), want 200", got.status, got.body)
	}
	id, dup := got.ack(t)
	if dup {
		t.Error("first authorized delivery reported as duplicate")
	}
	e := in.entry(id)
	if !bytes.Equal(e.Body, body) || e.OrderType != "portins" || e.OrderID != focOrderID || e.Status != "FOC" ||
		e.CustomerOrderID != "pf-a3f1c2d4" || !e.LastModified.Equal(time.Date(2026, 3, 2, 15, 11, 31, 705_000_000, time.UTC)) ||
		e.ContentType != xmlContentType || e.Malformed {
		t.Errorf("stored entry = %+v", e)
	}
	if n := in.jobs(); n != 1 {
		t.Errorf("processing jobs = %d, want 1", n)
	}
	if in.counter("none", "none", "unauthorized") != 1 || in.counter("portins", "FOC", "unknown_order") != 1 {
		t.Errorf("metrics: unauthorized %v, portins/FOC unknown_order %v; want 1 and 1",
			in.counter("none", "none", "unauthorized"), in.counter("portins", "FOC", "unknown_order"))
	}
}

func TestCredentials(t *testing.T) {
	in := newIntake(t, intakeOptions{})
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	tests := []struct {
		name          string
		authorization string
		want          int
	}{
		{"current pair", basic(currentPair.Username, currentPair.Password), http.StatusOK},
		{"previous pair during rotation", basic(previousPair.Username, previousPair.Password), http.StatusOK},
		{"scheme in lower case", "basic " + base64.StdEncoding.EncodeToString([]byte(currentPair.Username+":"+currentPair.Password)), http.StatusOK},
		{"wrong user", basic("bandwidth-x", currentPair.Password), http.StatusUnauthorized},
		{"wrong password", basic(currentPair.Username, "current-password-2"), http.StatusUnauthorized},
		{"password a prefix of the real one", basic(currentPair.Username, "current-password"), http.StatusUnauthorized},
		{"current user with previous password", basic(currentPair.Username, previousPair.Password), http.StatusUnauthorized},
		{"previous user with current password", basic(previousPair.Username, currentPair.Password), http.StatusUnauthorized},
		{"empty pair", basic("", ""), http.StatusUnauthorized},
		{"bearer token", "Bearer " + currentPair.Password, http.StatusUnauthorized},
		{"not base64", "Basic %%%%", http.StatusUnauthorized},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := notification(fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), "SUBMITTED", "2026-03-02T10:00:00Z")
			req, err := http.NewRequest(http.MethodPost, in.server.URL, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", xmlContentType)
			req.Header.Set("Authorization", tt.authorization)
			before := in.inboxRows()
			got := in.do(req)
			if got.status != tt.want {
				t.Fatalf("status %d (%s), want %d", got.status, got.body, tt.want)
			}
			stored := in.inboxRows() - before
			if tt.want == http.StatusUnauthorized {
				if got.header.Get("WWW-Authenticate") != `Basic realm="portflow"` {
					t.Errorf("401 without the Basic challenge: WWW-Authenticate %q", got.header.Get("WWW-Authenticate"))
				}
				if stored != 0 {
					t.Errorf("%d rows stored for a rejected callback", stored)
				}
			} else if stored != 1 {
				t.Errorf("%d rows stored for an accepted callback, want 1", stored)
			}
		})
	}
	// Wrong credentials are worth a warning; the header, user and password never reach a log.
	warned := in.logs.FilterMessage("callback with wrong credentials rejected").Len()
	if warned == 0 {
		t.Error("no warning logged for wrong credentials")
	}
	for _, entry := range in.logs.All() {
		line := fmt.Sprint(entry.Message, entry.ContextMap())
		for _, secret := range []string{currentPair.Password, previousPair.Password, "current-password-2", "Basic "} {
			if strings.Contains(line, secret) {
				t.Errorf("log line %q contains %q", line, secret)
			}
		}
	}
}

func TestNewHandlerValidatesCredentials(t *testing.T) {
	receiver := store.InboxReceiver{}
	for _, creds := range [][]callbacks.Credential{
		nil,
		{{}},
		{{Username: "bandwidth"}},
		{currentPair, {Password: "orphan-password"}},
	} {
		if _, err := callbacks.NewHandler(receiver, callbacks.Options{Credentials: creds}); err == nil {
			t.Errorf("NewHandler accepted credentials %+v", creds)
		}
	}
	// An unset previous pair is simply not configured.
	if _, err := callbacks.NewHandler(receiver, callbacks.Options{Credentials: []callbacks.Credential{currentPair, {}}}); err != nil {
		t.Errorf("current pair with an empty previous pair: %v", err)
	}
}

func TestBodyLimit(t *testing.T) {
	in := newIntake(t, intakeOptions{}) // the default: 1 MiB
	padding := "<Message>" + strings.Repeat("x", callbacks.DefaultMaxBodyBytes) + "</Message>"
	oversized := notification(focOrderID, "FOC", "2026-03-02T15:11:31Z", padding)

	t.Run("declared length", func(t *testing.T) {
		got := in.post(&currentPair, xmlContentType, oversized)
		if got.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", got.status)
		}
	})
	t.Run("chunked, length unknown until read", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, in.server.URL, io.MultiReader(bytes.NewReader(oversized)))
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = -1
		req.Header.Set("Content-Type", xmlContentType)
		req.SetBasicAuth(currentPair.Username, currentPair.Password)
		if got := in.do(req); got.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", got.status)
		}
	})
	t.Run("exactly at the limit is fine", func(t *testing.T) {
		base := notification(focOrderID, "FOC", "2026-03-02T15:11:31Z", "<Message></Message>")
		fill := callbacks.DefaultMaxBodyBytes - len(base)
		body := notification(focOrderID, "FOC", "2026-03-02T15:11:31Z", "<Message>"+strings.Repeat("y", fill)+"</Message>")
		if len(body) != callbacks.DefaultMaxBodyBytes {
			t.Fatalf("test body is %d bytes, want %d", len(body), callbacks.DefaultMaxBodyBytes)
		}
		if got := in.post(&currentPair, xmlContentType, body); got.status != http.StatusOK {
			t.Fatalf("status %d (%.200s), want 200", got.status, got.body)
		}
	})
	if n := in.inboxRows(); n != 1 {
		t.Errorf("inbox rows = %d, want only the body within the limit", n)
	}
	if got := in.counter("none", "none", "too_large"); got != 2 {
		t.Errorf("too_large count = %v, want 2", got)
	}

	small := newIntake(t, intakeOptions{maxBodyBytes: 2048})
	if got := small.post(&currentPair, xmlContentType, notification(focOrderID, "FOC", "", "<Note>"+strings.Repeat("n", 2048)+"</Note>")); got.status != http.StatusRequestEntityTooLarge {
		t.Errorf("configured 2 KiB limit: status %d, want 413", got.status)
	}
}

func TestMalformedBodiesAreKeptAndRefused(t *testing.T) {
	in := newIntake(t, intakeOptions{})
	tests := []struct {
		name        string
		contentType string
		body        string
		wantStatus  int
		wantError   string // substring of the stored parse error
	}{
		{"truncated XML", xmlContentType, "<Notification><OrderId>abc</OrderId><Status>FOC", http.StatusBadRequest, "EOF"},
		{"another root element", xmlContentType, "<LnpOrderResponse><OrderId>x</OrderId></LnpOrderResponse>", http.StatusBadRequest, "not a Bandwidth <Notification>"},
		{"empty body", xmlContentType, "", http.StatusBadRequest, "EOF"},
		{"JSON", "application/json", `{"orderId":"x","status":"FOC"}`, http.StatusUnsupportedMediaType, "unsupported content type"},
		{"form", "application/x-www-form-urlencoded", "a=b", http.StatusUnsupportedMediaType, "unsupported content type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := in.jobs()
			got := in.post(&currentPair, tt.contentType, []byte(tt.body))
			if got.status != tt.wantStatus {
				t.Fatalf("status %d (%s), want %d", got.status, got.body, tt.wantStatus)
			}
			entries, _, err := in.db.ListInbox(context.Background(), store.InboxFilter{Outcome: store.InboxMalformed, Limit: 1})
			if err != nil || len(entries) != 1 {
				t.Fatalf("newest malformed entry: %v, %v", entries, err)
			}
			e := entries[0]
			if string(e.Body) != tt.body || !e.Malformed || !strings.Contains(e.ParseError, tt.wantError) || e.ContentType != tt.contentType {
				t.Errorf("stored %+v; want the raw body, flagged, parse error containing %q", e, tt.wantError)
			}
			if !strings.Contains(string(got.body), fmt.Sprintf("inbox entry %d", e.ID)) {
				t.Errorf("answer %s does not name inbox entry %d", got.body, e.ID)
			}
			if in.jobs() != before {
				t.Error("a malformed body was handed to processing")
			}
		})
	}
	// The same bad body again is not stored twice, and is refused again.
	rows := in.inboxRows()
	if got := in.post(&currentPair, xmlContentType, []byte("<Notification><OrderId>abc</OrderId><Status>FOC")); got.status != http.StatusBadRequest {
		t.Errorf("repeated malformed body: status %d, want 400", got.status)
	}
	if in.inboxRows() != rows {
		t.Error("repeated malformed body stored twice")
	}
	// A good delivery of bytes first seen under a wrong content type is new, not a duplicate.
	good := notification(focOrderID, "COMPLETE", "")
	in.post(&currentPair, "text/plain", good)
	if got := in.post(&currentPair, xmlContentType, good); got.status != http.StatusOK {
		t.Fatalf("good delivery: status %d", got.status)
	} else if _, dup := got.ack(t); dup {
		t.Error("good delivery taken for a duplicate of the malformed one")
	}
	if got := in.counter("none", "none", "malformed"); got != 7 {
		t.Errorf("malformed count = %v, want 7", got)
	}
	for _, entry := range in.logs.All() {
		if strings.Contains(fmt.Sprint(entry.ContextMap()), "orderId") {
			t.Errorf("log line carries the body: %v", entry.ContextMap())
		}
	}
}

func TestContentTypes(t *testing.T) {
	in := newIntake(t, intakeOptions{})
	for i, ct := range []string{"application/xml; charset=utf-8", "application/xml", "text/xml", "TEXT/XML; charset=UTF-8", "application/vnd.bandwidth+xml", ""} {
		body := notification(fmt.Sprintf("%08d-1111-4000-8000-000000000000", i), "SUBMITTED", "2026-03-02T10:00:00Z")
		if got := in.post(&currentPair, ct, body); got.status != http.StatusOK {
			t.Errorf("Content-Type %q: status %d (%s), want 200", ct, got.status, got.body)
		}
	}
}

func TestDuplicatesAnswer200AndEnqueueNothing(t *testing.T) {
	in := newIntake(t, intakeOptions{})
	body := notification(focOrderID, "FOC", "2026-03-02T15:11:31.705Z")
	first := in.post(&currentPair, xmlContentType, body)
	id, _ := first.ack(t)

	tests := []struct {
		name string
		body []byte
	}{
		{"byte-identical", body},
		{"same instant with another offset", notification(focOrderID, "FOC", "2026-03-02T10:11:31.705-05:00")},
		{"reformatted, different Message", bytes.ReplaceAll(notification(focOrderID, "FOC", "2026-03-02T15:11:31.705Z", "<Message>FOC date set</Message>"), []byte("\n"), []byte("\r\n"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := in.post(&currentPair, xmlContentType, tt.body)
			if got.status != http.StatusOK {
				t.Fatalf("duplicate: status %d, want 200 (anything else is logged as a failure by Bandwidth)", got.status)
			}
			if gotID, dup := got.ack(t); !dup || gotID != id {
				t.Errorf("ack = inbox %d duplicate %v, want duplicate of %d", gotID, dup, id)
			}
		})
	}
	if in.inboxRows() != 1 || in.jobs() != 1 {
		t.Errorf("rows %d, jobs %d after duplicates; want 1 and 1", in.inboxRows(), in.jobs())
	}
	if got := in.counter("portins", "FOC", "duplicate"); got != 3 {
		t.Errorf("duplicate count = %v, want 3", got)
	}

	// Without LastModifiedDate the body decides: whitespace does not make a new event, a
	// different message does.
	csr := []byte("<Notification><Status>COMPLETE</Status><OrderId>c1</OrderId><OrderType>csrs</OrderType><Message>done</Message></Notification>")
	in.post(&currentPair, xmlContentType, csr)
	if _, dup := in.post(&currentPair, xmlContentType, []byte("\xef\xbb\xbf\n<Notification>\n  <Status>COMPLETE</Status>\r\n  <OrderId>c1</OrderId>\n  <OrderType>csrs</OrderType>\n  <Message>done</Message>\n</Notification>\n")).ack(t); !dup {
		t.Error("re-indented CSR notification not recognized as a duplicate")
	}
	if _, dup := in.post(&currentPair, xmlContentType, bytes.Replace(csr, []byte("done"), []byte("26500: CSR is not available for this TN"), 1)).ack(t); dup {
		t.Error("CSR notification with a different message taken for a duplicate")
	}
}

func TestNoteNotificationsAreNotTakenForTheStatusBeforeThem(t *testing.T) {
	in := newIntake(t, intakeOptions{})
	const lastModified = "2026-03-03T09:00:00Z"
	status := in.post(&currentPair, xmlContentType, notification(focOrderID, "EXCEPTION", lastModified, "<Message>7402: Address mismatch</Message>"))
	note := in.post(&currentPair, xmlContentType, notification(focOrderID, "EXCEPTION", lastModified, "<Note>LNP team: please confirm the suite number</Note>"))
	other := in.post(&currentPair, xmlContentType, notification(focOrderID, "EXCEPTION", lastModified, "<Note>LNP team: carrier asked for a new LOA</Note>"))
	repeat := in.post(&currentPair, xmlContentType, notification(focOrderID, "EXCEPTION", lastModified, "<Note>LNP team: please confirm the suite number</Note>"))
	statusID, _ := status.ack(t)
	noteID, noteDup := note.ack(t)
	otherID, otherDup := other.ack(t)
	repeatID, repeatDup := repeat.ack(t)
	if noteDup || otherDup || noteID == statusID || otherID == noteID {
		t.Errorf("notes taken for duplicates: status %d, note %d (dup %v), other note %d (dup %v)", statusID, noteID, noteDup, otherID, otherDup)
	}
	if !repeatDup || repeatID != noteID {
		t.Errorf("repeated note: inbox %d duplicate %v, want duplicate of %d", repeatID, repeatDup, noteID)
	}
	if e := in.entry(noteID); e.Note != "LNP team: please confirm the suite number" || e.Status != "EXCEPTION" {
		t.Errorf("note entry = %+v, want the note text kept beside the status", e)
	}
	if in.jobs() != 3 {
		t.Errorf("jobs = %d, want 3 (status + two notes)", in.jobs())
	}
}

func TestUnknownAndKnownOrders(t *testing.T) {
	in := newIntake(t, intakeOptions{})
	ctx := context.Background()
	if _, err := in.db.Pool.Exec(ctx, `INSERT INTO port_requests (id, status, state, number_count) VALUES ('6f1c2c8e-3d0b-4d7e-9a53-333333333333', 'submitted', '{}', 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := in.db.Pool.Exec(ctx, `INSERT INTO port_orders (id, request_id, status, bandwidth_order_id) VALUES ('pf-other', '6f1c2c8e-3d0b-4d7e-9a53-333333333333', 'submitted', $1)`, focOrderID); err != nil {
		t.Fatal(err)
	}
	known := in.post(&currentPair, xmlContentType, notification(focOrderID, "FOC", "2026-03-02T15:11:31Z"))
	foreign := in.post(&currentPair, xmlContentType, notification("99999999-0000-4000-8000-000000000000", "COMPLETE", "2026-03-02T15:11:31Z"))
	knownID, _ := known.ack(t)
	foreignID, _ := foreign.ack(t)
	if foreign.status != http.StatusOK {
		t.Fatalf("unknown order: status %d, want 200 (kept, not dropped)", foreign.status)
	}
	if e := in.entry(knownID); e.Outcome != store.InboxPending {
		t.Errorf("known order outcome %s, want pending", e.Outcome)
	}
	if e := in.entry(foreignID); e.Outcome != store.InboxUnknownOrder {
		t.Errorf("unknown order outcome %s, want unknown_order", e.Outcome)
	}
	unknown, _, err := in.db.ListInbox(ctx, store.InboxFilter{Outcome: store.InboxUnknownOrder})
	if err != nil || len(unknown) != 1 || unknown[0].ID != foreignID {
		t.Errorf("unknown-order listing = %v, %v; want entry %d", unknown, err, foreignID)
	}
	if in.jobs() != 2 {
		t.Errorf("jobs = %d, want 2: processing settles unknown orders too (they may be recorded a moment later)", in.jobs())
	}
	if in.counter("portins", "FOC", "accepted") != 1 || in.counter("portins", "COMPLETE", "unknown_order") != 1 {
		t.Error("accepted / unknown_order not counted by order type and status")
	}
}

// TestEveryNotificationFixture posts each notification fixture from Bandwidth's docs and checks
// what the inbox kept. A new fixture without an expectation fails the test.
func TestEveryNotificationFixture(t *testing.T) {
	in := newIntake(t, intakeOptions{})
	want := map[string]struct{ orderType, orderID, status, message string }{
		"notification-csrs-complete.xml":               {"csrs", "20ba7d26-7fa0-4716-ab45-6c8e07d37862", "COMPLETE", "The CSR request is complete."},
		"notification-csrs-failed.xml":                 {"csrs", "91e7298a-0942-47e4-996b-788da5544b6b", "FAILED", "The CSR request has failed."},
		"notification-order-webhook-generic.xml":       {"OrderId", "", "COMPLETE", ""},
		"notification-orders-failed-coded-message.xml": {"orders", "4a58b348-892c-4426-8900-97fc4555c42c", "FAILED", "5005: The telephone number is unavailable for ordering"},
	}
	files, err := filepath.Glob("testdata/notification-*.xml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("fixture %s has no expectation in this test", name)
			}
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := in.post(&currentPair, xmlContentType, body)
			if got.status != http.StatusOK {
				t.Fatalf("status %d (%s), want 200", got.status, got.body)
			}
			id, dup := got.ack(t)
			e := in.entry(id)
			if dup || e.OrderType != w.orderType || e.OrderID != w.orderID || e.Status != w.status || e.Message != w.message ||
				!bytes.Equal(e.Body, body) || e.Malformed {
				t.Errorf("stored %+v (duplicate %v), want %+v with the raw body", e, dup, w)
			}
			// Delivered twice, stored once.
			if _, dup := in.post(&currentPair, xmlContentType, body).ack(t); !dup {
				t.Error("second delivery not recognized as a duplicate")
			}
		})
	}
	if in.inboxRows() != len(files) || in.jobs() != len(files) {
		t.Errorf("rows %d, jobs %d, want %d each", in.inboxRows(), in.jobs(), len(files))
	}
	// The doc placeholder "OrderId" is not an order type: it counts as "other".
	if got := in.counter("other", "COMPLETE", "unknown_order"); got != 1 {
		t.Errorf("unknown order type not collapsed into \"other\": count %v", got)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	in := newIntake(t, intakeOptions{})
	req, _ := http.NewRequest(http.MethodGet, in.server.URL, nil)
	got := in.do(req)
	if got.status != http.StatusMethodNotAllowed || got.header.Get("Allow") != http.MethodPost {
		t.Errorf("GET: status %d, Allow %q; want 405 with Allow: POST", got.status, got.header.Get("Allow"))
	}
}

func TestBurstOfConcurrentCallbacksIsStoredCompletely(t *testing.T) {
	for _, mode := range []struct {
		name     string
		maxBatch int
	}{{"group commit", 0}, {"a transaction per callback", 1}} {
		t.Run(mode.name, func(t *testing.T) { testBurst(t, mode.maxBatch) })
	}
}

func testBurst(t *testing.T, maxBatch int) {
	in := newIntake(t, intakeOptions{maxBatch: maxBatch})
	const distinct, copies = 60, 3
	var (
		wg       sync.WaitGroup
		failed   atomic.Int32
		firstErr atomic.Value
	)
	for i := range distinct {
		body := notification(fmt.Sprintf("%08d-2222-4000-8000-000000000000", i), "COMPLETE", "2026-03-04T12:00:00Z",
			"<CompletedTelephoneNumbers><TelephoneNumber>9195550100</TelephoneNumber></CompletedTelephoneNumbers>")
		for range copies {
			wg.Go(func() {
				req, _ := http.NewRequest(http.MethodPost, in.server.URL, bytes.NewReader(body))
				req.Header.Set("Content-Type", xmlContentType)
				req.SetBasicAuth(currentPair.Username, currentPair.Password)
				res, err := in.server.Client().Do(req)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%d %s", res.StatusCode, b))
				}
			})
		}
	}
	wg.Wait()
	if failed.Load() != 0 {
		for _, e := range in.logs.FilterMessageSnippet("could not be stored").All() {
			t.Log(e.ContextMap()["error"])
		}
		t.Fatalf("%d of %d callbacks failed, first: %v", failed.Load(), distinct*copies, firstErr.Load())
	}
	if in.inboxRows() != distinct || in.jobs() != distinct {
		t.Errorf("rows %d, jobs %d after %d callbacks (%d distinct); want %d each", in.inboxRows(), in.jobs(), distinct*copies, distinct, distinct)
	}
	if got := in.counter("portins", "COMPLETE", "duplicate"); got != distinct*(copies-1) {
		t.Errorf("duplicates counted %v, want %d", got, distinct*(copies-1))
	}
	if got := in.ackObservations("unknown_order") + in.ackObservations("duplicate"); got != distinct*copies {
		t.Errorf("ack latency observations %d, want %d", got, distinct*copies)
	}
	// With group commit, callbacks arriving together share transactions.
	transactions, carried := in.writeGroups()
	switch {
	case maxBatch == 1 && transactions != 0:
		t.Errorf("group writer used (%d transactions) with MaxBatch 1", transactions)
	case maxBatch != 1 && (carried != distinct*copies || transactions >= distinct*copies):
		t.Errorf("%d transactions carried %v callbacks; want all %d callbacks in fewer transactions than callbacks", transactions, carried, distinct*copies)
	}
}

// blackHole is a TCP listener that accepts connections and never answers: a database host that
// has stopped responding without closing anything.
func blackHole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func TestDatabaseDownAnswers503Fast(t *testing.T) {
	body := notification(focOrderID, "FOC", "2026-03-02T15:11:31Z")
	within := func(t *testing.T, in *intake, limit time.Duration) {
		t.Helper()
		start := time.Now()
		got := in.post(&currentPair, xmlContentType, body)
		elapsed := time.Since(start)
		if got.status != http.StatusServiceUnavailable {
			t.Errorf("status %d (%s), want 503", got.status, got.body)
		}
		if elapsed > limit {
			t.Errorf("answered after %s, want within %s", elapsed, limit)
		}
	}

	t.Run("database answers nothing", func(t *testing.T) {
		pool, err := pgxpool.New(context.Background(), "postgres://postgres@"+blackHole(t)+"/portflow?sslmode=disable&connect_timeout=60")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		in := newIntake(t, intakeOptions{db: &store.DB{Pool: pool}}) // default AcceptTimeout
		within(t, in, 2*time.Second)
		if in.counter("portins", "FOC", "unavailable") != 1 {
			t.Error("503 not counted as unavailable")
		}
		if in.logs.FilterMessageSnippet("could not be stored").Len() != 1 {
			t.Error("database failure not logged")
		}
	})

	t.Run("database dropped under a running pool", func(t *testing.T) {
		dbURL := testdb.URL(t)
		db, err := store.Open(context.Background(), dbURL, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		in := newIntake(t, intakeOptions{db: db})
		if got := in.post(&currentPair, xmlContentType, notification(focOrderID, "SUBMITTED", "2026-03-01T00:00:00Z")); got.status != http.StatusOK {
			t.Fatalf("before the drop: status %d", got.status)
		}
		cfg, err := pgx.ParseConfig(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		testdb.Drop(t, testdb.URL(t), cfg.Database) // terminates the pool's connections
		within(t, in, 2*time.Second)
		within(t, in, 2*time.Second) // and keeps failing fast while it is gone
	})
}
