package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portflow/portflow/internal/testdb"
)

// syncBuffer collects output written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// createdLine is how the demo announces a request it created: "  3  <case>  <number>  → <id>".
var createdLine = regexp.MustCompile(`(?m)^  (\d)  (.+?)\s+(\d{10})  → ([0-9a-f-]{36})$`)

func TestDemoWalksEveryCaseToItsFinalStatus(t *testing.T) {
	dbURL := testdb.URL(t)
	t.Setenv("TMPDIR", t.TempDir()) // where the demo writes its server log
	env := map[string]string{
		"PORTFLOW_HTTP_ADDR":    "127.0.0.1:0",
		"PORTFLOW_DATABASE_URL": dbURL,
		"PORTFLOW_SANDBOX_STEP": "100ms",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out syncBuffer
	if err := run(ctx, []string{"demo", "--exit"}, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatalf("portflow demo --exit: %v\noutput:\n%s", err, out.String())
	}
	output := out.String()

	created := createdLine.FindAllStringSubmatch(output, -1)
	if len(created) != len(demoCases) {
		t.Fatalf("the demo announced %d created requests, want %d:\n%s", len(created), len(demoCases), output)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	start := strings.Index(output, fmt.Sprintf("All %d port requests finished", len(demoCases)))
	if start < 0 {
		t.Fatalf("no final summary in the output:\n%s", output)
	}
	summary := output[start:]
	for i, c := range demoCases {
		m := created[i]
		if m[2] != c.title {
			t.Errorf("request %d announced as %q, want %q", i+1, m[2], c.title)
		}
		var status string
		if err := conn.QueryRow(ctx, `SELECT status FROM port_requests WHERE id = $1`, m[4]).Scan(&status); err != nil {
			t.Fatalf("request %d (%s): %v", i+1, m[4], err)
		}
		if status != c.want {
			t.Errorf("%q (%s) ended %s, want %s", c.title, m[4], status, c.want)
		}
		if !regexp.MustCompile(`(?m)^  ` + m[1] + `  ` + regexp.QuoteMeta(c.title) + `\s+` + c.want + `\b`).MatchString(summary) {
			t.Errorf("the summary does not show %q as %s:\n%s", c.title, c.want, summary)
		}
		if !strings.Contains(output, "/v1/port-requests/"+m[4]) {
			t.Errorf("no command to look at %q (%s)", c.title, m[4])
		}
	}
	for _, want := range []string{"/v1/port-requests\n", "/events\n", "/v1/callbacks\n", "/sandbox/bandwidth/_sandbox/orders\n", "/sandbox/bandwidth/_sandbox/numbers/"} {
		if !strings.Contains(output, want) {
			t.Errorf("the printed commands lack %q", strings.TrimSpace(want))
		}
	}
	// The CSR's address replaced the mistyped one.
	if !regexp.MustCompile(`wrong address fixed from the CSR\s+completed\s+CSR complete; \S*house_number`).MatchString(summary) {
		t.Errorf("the summary does not show the CSR correcting the house number:\n%s", summary)
	}
}
