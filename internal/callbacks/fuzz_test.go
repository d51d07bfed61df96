package callbacks_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/callbacks"
	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/testdb"
)

var inboxEntryInDetail = regexp.MustCompile(`inbox entry (\d+)\)`)

// FuzzCallbackHandler drives the whole handler path (auth, limit, read, decode, dedupe key, store)
// with arbitrary bodies, content types and credentials against a healthy database. Invariants: no
// panic; never a 5xx (only a database fault may cause one); 401 always carries the challenge;
// every answer that claims the body was kept points at an inbox row holding exactly those bytes;
// 200 only for bodies the decoder reads as a notification, 400 only for those it refuses.
func FuzzCallbackHandler(f *testing.F) {
	files, _ := filepath.Glob("testdata/notification-*.xml")
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body, xmlContentType, uint8(0))
	}
	f.Add([]byte("<Notification><OrderId>x</OrderId><Status>FOC</Status><LastModifiedDate>2026-03-01T00:00:00Z</LastModifiedDate><Note>n</Note></Notification>"), "text/xml", uint8(1))
	f.Add([]byte("<Notification><OrderId>"), "application/xml", uint8(0))
	f.Add([]byte(`{"a":1}`), "application/json", uint8(0))
	f.Add([]byte("<Notification/>"), "", uint8(2))
	f.Add([]byte("<Notification/>"), "application/xml", uint8(3))
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Notification><Note>caf\xe9</Note></Notification>"), "application/xml", uint8(0))

	// Commits need not survive a crash of the fuzzing database: without waiting for the WAL
	// flush each execution is several times faster, and so is the minimization of a finding
	// (which runs the handler, and so a transaction, for every candidate).
	dbURL, err := url.Parse(testdb.URL(f))
	if err != nil {
		f.Fatal(err)
	}
	query := dbURL.Query()
	query.Set("synchronous_commit", "off")
	dbURL.RawQuery = query.Encode()
	db, err := store.Open(context.Background(), dbURL.String(), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(db.Close)
	h, err := callbacks.NewHandler(store.InboxReceiver{DB: db}, callbacks.Options{
		Credentials:  []callbacks.Credential{currentPair, previousPair},
		MaxBodyBytes: 64 << 10,
	})
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, body []byte, contentType string, auth uint8) {
		req := httptest.NewRequest(http.MethodPost, "/callbacks/bandwidth", bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		switch auth % 4 {
		case 0:
			req.SetBasicAuth(currentPair.Username, currentPair.Password)
		case 1:
			req.SetBasicAuth(previousPair.Username, previousPair.Password)
		case 2:
			req.SetBasicAuth(currentPair.Username, string(body)) // wrong password of fuzzed bytes
		case 3:
			// no Authorization: the challenge
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		status := rec.Code
		if status >= 500 {
			t.Fatalf("status %d with a healthy database: %s", status, rec.Body)
		}
		if auth%4 >= 2 {
			if status != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") != `Basic realm="portflow"` {
				t.Fatalf("unauthorized request: status %d, WWW-Authenticate %q", status, rec.Header().Get("WWW-Authenticate"))
			}
			return
		}
		var (
			inboxID   int64
			duplicate bool
		)
		switch status {
		case http.StatusOK:
			if _, err := bandwidth.DecodeNotification(body); err != nil {
				t.Fatalf("200 for a body the decoder refuses (%v)", err)
			}
			inboxID, duplicate = response{status: status, body: rec.Body.Bytes()}.ack(t)
		case http.StatusBadRequest, http.StatusUnsupportedMediaType:
			if status == http.StatusBadRequest {
				if _, err := bandwidth.DecodeNotification(body); err == nil {
					t.Fatalf("400 for a body the decoder reads: %s", rec.Body)
				}
			}
			m := inboxEntryInDetail.FindSubmatch(rec.Body.Bytes())
			if m == nil {
				t.Fatalf("%d does not name the inbox entry keeping the body: %s", status, rec.Body)
			}
			inboxID, _ = strconv.ParseInt(string(m[1]), 10, 64)
			// Malformed bodies are keyed by their exact bytes: a repeat points at a row holding
			// the same bytes, so the comparison below holds for repeats too.
		case http.StatusRequestEntityTooLarge:
			if len(body) <= 64<<10 {
				t.Fatalf("413 for %d bytes under the 64 KiB limit", len(body))
			}
			return
		default:
			t.Fatalf("unexpected status %d: %s", status, rec.Body)
		}
		entry, err := db.InboxEntry(context.Background(), inboxID)
		if err != nil {
			t.Fatalf("inbox entry %d named in the answer: %v", inboxID, err)
		}
		// A duplicate notification points at the earlier row, whose body may differ in
		// formatting or in fields outside the event key; every other answer names the row that
		// holds exactly these bytes.
		if !duplicate && !bytes.Equal(entry.Body, body) {
			t.Fatalf("inbox entry %d holds %q, want %q", inboxID, entry.Body, body)
		}
	})
}
