package main

// portflow demo: the service with its in-process Bandwidth sandbox on this machine, and a handful
// of realistic port requests walked to their end through the public HTTP surfaces only — the
// REST API and the sandbox's inspection endpoints — exactly as a new user would drive them.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/config"
)

// Settings of the demo's server. The token is fixed so the printed commands work as shown.
const (
	demoToken       = "sandbox-token"
	demoDefaultStep = "300ms"
	// demoDeadline bounds the walk: every request finishes within a few dozen sandbox steps.
	demoDeadline = 3 * time.Minute
	// demoPoll is how often the demo reads its requests back.
	demoPoll = 250 * time.Millisecond
)

// demoCase is one port request of the demo: what it shows and how to build it.
type demoCase struct {
	title    string
	scenario sandbox.Scenario
	// build turns the losing carrier's true record into the request a customer would send.
	build func(rec carrierRecord, tn string) map[string]any
	// activateOnFoc asks for activation through the API once the FOC date is confirmed.
	activateOnFoc bool
	want          string
}

// carrierRecord is what GET /sandbox/bandwidth/_sandbox/numbers/{tn} reveals of a number: the
// losing carrier's own record, which a real customer would have on their phone bill.
type carrierRecord struct {
	TN             string `json:"TN"`
	CustomerName   string `json:"CustomerName"`
	AccountNumber  string `json:"AccountNumber"`
	PIN            string `json:"PIN"`
	ServiceAddress struct {
		HouseNumber    string `json:"HouseNumber"`
		PreDirectional string `json:"PreDirectional"`
		StreetName     string `json:"StreetName"`
		StreetSuffix   string `json:"StreetSuffix"`
		City           string `json:"City"`
		State          string `json:"State"`
		Zip            string `json:"Zip"`
	} `json:"ServiceAddress"`
}

// customerBody is the POST /v1/port-requests body a customer fills in from their bill, typed the
// way people type (mixed case, not the carrier's upper-case abbreviations).
func customerBody(rec carrierRecord, tn string) map[string]any {
	a := rec.ServiceAddress
	street := strings.Join(nonBlank(a.HouseNumber, a.PreDirectional, titleCase(a.StreetName), titleCase(a.StreetSuffix)), " ")
	return map[string]any{
		"phone_numbers": []string{tn},
		"subscriber":    map[string]any{"type": "business", "business_name": titleCase(rec.CustomerName)},
		"service_address": map[string]any{
			"line1": street, "city": titleCase(a.City), "state": a.State, "zip": a.Zip,
		},
		"loa_authorizing_person": "Dana Whitfield",
		"activation":             map[string]any{"mode": "scheduled"},
	}
}

var demoCases = []demoCase{
	{
		title:    "CSR found",
		scenario: sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete},
		build:    customerBody,
		want:     "completed",
	},
	{
		title:    "CSR missing",
		scenario: sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRFailed},
		// No CSR to check against: portflow ports with the customer's own (correct) address.
		build: customerBody,
		want:  "completed",
	},
	{
		title:    "wrong address fixed from the CSR",
		scenario: sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete},
		build: func(rec carrierRecord, tn string) map[string]any {
			body := customerBody(rec, tn)
			addr := body["service_address"].(map[string]any)
			// A mistyped house number: the carrier would reject it (7402); the CSR's address wins.
			addr["line1"] = "9" + addr["line1"].(string)
			return body
		},
		want: "completed",
	},
	{
		title:    "wireless with PIN",
		scenario: sandbox.Scenario{Carrier: sandbox.CarrierWireless, CSR: sandbox.CSRFailed},
		build: func(rec carrierRecord, tn string) map[string]any {
			body := customerBody(rec, tn)
			// A wireless carrier releases a number only with the account number and PIN.
			body["account_number"], body["pin"] = rec.AccountNumber, rec.PIN
			return body
		},
		want: "completed",
	},
	{
		title:    "on-demand activation",
		scenario: sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete},
		build: func(rec carrierRecord, tn string) map[string]any {
			body := customerBody(rec, tn)
			body["activation"] = map[string]any{"mode": "on_demand"}
			return body
		},
		activateOnFoc: true,
		want:          "completed",
	},
	{
		title:    "business move: 100 numbers (bulk)",
		scenario: sandbox.Scenario{Carrier: sandbox.CarrierWireline, CSR: sandbox.CSRComplete},
		build: func(rec carrierRecord, tn string) map[string]any {
			body := customerBody(rec, tn)
			// In the sandbox's number plan the exchange and the last two digits are a sequence:
			// the next exchange's block of 100 (same carrier, same CSR outcome, none of the
			// other cases' numbers) goes through one bulk port-in, billed to its first number.
			nxx, _ := strconv.Atoi(tn[3:6])
			block := fmt.Sprintf("%s%03d%s", tn[:3], (nxx-200+1)%800+200, tn[6:8])
			numbers := make([]string, 100)
			for i := range numbers {
				numbers[i] = fmt.Sprintf("%s%02d", block, i)
			}
			body["phone_numbers"] = numbers
			body["billing_telephone_number"] = numbers[0]
			return body
		},
		want: "completed",
	},
}

// demoRequest is one created request and what the demo last saw of it.
type demoRequest struct {
	demoCase
	tn        string
	id        string
	view      requestView
	activated bool
}

// requestView is the part of GET /v1/port-requests/{id} the demo shows.
type requestView struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	StatusReason   string `json:"status_reason"`
	ActionRequired *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"action_required"`
	Csr                *csrView     `json:"csr"`
	ServiceAddressUsed *addressUsed `json:"service_address_used"`
	PortOrders         []struct {
		FocDate            *time.Time   `json:"foc_date"`
		Csr                *csrView     `json:"csr"`
		ServiceAddressUsed *addressUsed `json:"service_address_used"`
	} `json:"port_orders"`
}

type csrView struct {
	Outcome     string `json:"outcome"`
	Differences []struct {
		Field    string `json:"field"`
		Customer string `json:"customer"`
		Csr      string `json:"csr"`
	} `json:"differences"`
}

type addressUsed struct {
	Line1  string `json:"line1"`
	City   string `json:"city"`
	State  string `json:"state"`
	Zip    string `json:"zip"`
	Source string `json:"source"`
}

// runDemo runs `portflow demo [--exit]`.
func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stdout)
	exit := fs.Bool("exit", false, "stop the server once every demo request has finished, instead of serving until Ctrl-C")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("demo: %w\n%s", err, usage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("demo takes no arguments besides --exit\n%s", usage)
	}
	dbURL, fresh, err := demoDatabaseURL(ctx, getenv)
	if err != nil {
		return err
	}
	env := demoEnv(getenv, dbURL)
	// The walk and the server's error echo both write to stdout.
	stdout = &lockedWriter{w: stdout}

	logFile, err := os.CreateTemp("", "portflow-demo-*.log")
	if err != nil {
		return fmt.Errorf("demo: create the server log: %w", err)
	}
	defer logFile.Close()

	// The server runs in this process; its log goes to the file, and the demo learns the address
	// it listens on from its "listening" line.
	srv := startDemoServer(ctx, env, newServerLog(logFile, stdout))
	base, err := srv.waitListening(ctx, 30*time.Second)
	if err != nil {
		return errors.Join(err, srv.stop())
	}
	d := &demo{base: base, out: stdout, client: &http.Client{Timeout: 10 * time.Second}, started: time.Now()}
	fmt.Fprintf(stdout, "portflow demo: portflow and an in-process Bandwidth sandbox (one lifecycle step = %s)\n", env("PORTFLOW_SANDBOX_STEP"))
	fmt.Fprintf(stdout, "  server     %s\n  server log %s\n", base, logFile.Name())
	if fresh {
		fmt.Fprintf(stdout, "  database   %s (emptied for this run)\n", redactDatabaseURL(dbURL))
	} else {
		fmt.Fprintf(stdout, "  database   %s\n", redactDatabaseURL(dbURL))
	}
	fmt.Fprintln(stdout)

	if err := d.walk(ctx); err != nil {
		if ctx.Err() != nil {
			return srv.stop() // Ctrl-C during the walk: a normal way to leave
		}
		return errors.Join(err, srv.stop())
	}
	d.printCommands()
	if !*exit {
		fmt.Fprintln(stdout, "\nportflow keeps serving so these commands work; press Ctrl-C to stop it.")
		select {
		case <-ctx.Done():
		case <-srv.done:
			return fmt.Errorf("demo: the server stopped: %w", srv.err)
		}
	}
	return srv.stop()
}

// demoServer is portflow serve running in this process for the demo.
type demoServer struct {
	cancel context.CancelFunc
	log    *serverLog
	done   chan struct{}
	err    error // serve's result, set before done closes
}

func startDemoServer(ctx context.Context, env func(string) string, log *serverLog) *demoServer {
	serveCtx, cancel := context.WithCancel(ctx)
	s := &demoServer{cancel: cancel, log: log, done: make(chan struct{})}
	go func() {
		s.err = serve(serveCtx, env, log)
		_ = log.Close()
		close(s.done)
	}()
	return s
}

// stop shuts the server down gracefully and returns serve's result.
func (s *demoServer) stop() error {
	s.cancel()
	<-s.done
	return s.err
}

// waitListening returns the base URL the demo reaches the server on.
func (s *demoServer) waitListening(ctx context.Context, timeout time.Duration) (string, error) {
	select {
	case addr := <-s.log.listening:
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return "", fmt.Errorf("demo: server address %q: %w", addr, err)
		}
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			host = "127.0.0.1"
		}
		return "http://" + net.JoinHostPort(host, port), nil
	case <-s.done:
		if s.err != nil {
			return "", s.err
		}
		return "", errors.New("demo: the server stopped before listening")
	case <-ctx.Done():
		return "", fmt.Errorf("demo: %w", ctx.Err())
	case <-time.After(timeout):
		return "", fmt.Errorf("demo: the server is not listening after %s", timeout)
	}
}

// demoEnv is the server's environment: sandbox mode with a slow enough step to watch, the demo's
// database and API token, and the CSR policy the cases assume; the listen address and the step
// can be set as usual.
func demoEnv(getenv func(string) string, databaseURL string) func(string) string {
	fixed := map[string]string{
		"PORTFLOW_SANDBOX":            "true",
		"PORTFLOW_DATABASE_URL":       databaseURL,
		"PORTFLOW_API_TOKENS":         demoToken,
		"PORTFLOW_LOG_FORMAT":         "json",
		"PORTFLOW_CSR_FAILURE_POLICY": "proceed",
	}
	defaults := map[string]string{
		"PORTFLOW_HTTP_ADDR":    config.DefaultHTTPAddr,
		"PORTFLOW_SANDBOX_STEP": demoDefaultStep,
	}
	return func(key string) string {
		if v, ok := fixed[key]; ok {
			return v
		}
		// The demo learns the server's address from its "listening" line, logged at info.
		if key == "PORTFLOW_LOG_LEVEL" && getenv(key) != "debug" {
			return "info"
		}
		if v := getenv(key); v != "" {
			return v
		}
		return defaults[key]
	}
}

// demoDatabase is the demo's own database on the local Postgres, used unless
// PORTFLOW_DATABASE_URL (or DATABASE_URL) names another.
const demoDatabase = "portflow_demo"

// demoDatabaseURL returns the database the demo's server uses; fresh reports that it is the
// demo's own, dropped here so the server creates it anew. What an earlier demo left there is of
// no use: it is sealed with that run's generated encryption key, its sandbox is gone, and the new
// sandbox would hand out the same Bandwidth order ids again.
func demoDatabaseURL(ctx context.Context, getenv func(string) string) (dbURL string, fresh bool, err error) {
	for _, name := range []string{"PORTFLOW_DATABASE_URL", "DATABASE_URL"} {
		if v := getenv(name); v != "" {
			return v, false, nil
		}
	}
	u, err := url.Parse(config.DefaultDatabaseURL)
	if err != nil {
		return "", false, fmt.Errorf("demo: default database URL: %w", err)
	}
	u.Path = "/" + demoDatabase
	admin := *u
	admin.Path = "/postgres"
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return "", false, fmt.Errorf("demo: connect to the local Postgres at %s (or set PORTFLOW_DATABASE_URL): %w", u.Host, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// Without FORCE: a demo still running keeps its database, and this one stops here.
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{demoDatabase}.Sanitize()); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "55006" { // object_in_use
			return "", false, fmt.Errorf("demo: database %s is in use: is another portflow demo running?", demoDatabase)
		}
		return "", false, fmt.Errorf("demo: empty database %s: %w", demoDatabase, err)
	}
	return u.String(), true, nil
}

// redactDatabaseURL drops the password from a database URL for display.
func redactDatabaseURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// demo drives the running server over HTTP.
type demo struct {
	base     string
	out      io.Writer
	client   *http.Client
	started  time.Time
	requests []*demoRequest
}

// walk creates the requests, follows them until each has finished, and prints the outcome.
func (d *demo) walk(ctx context.Context) error {
	if err := d.waitReady(ctx, 30*time.Second); err != nil {
		return err
	}
	seq, err := rand.Int(rand.Reader, big.NewInt(sandbox.MaxSequence-int64(len(demoCases))))
	if err != nil {
		return fmt.Errorf("demo: pick numbers: %w", err)
	}
	runID := make([]byte, 4)
	_, _ = rand.Read(runID)
	fmt.Fprintf(d.out, "Creating %d port requests (POST /v1/port-requests):\n", len(demoCases))
	for i, c := range demoCases {
		tn := sandbox.NumberFor(c.scenario, int(seq.Int64())+i)
		var rec carrierRecord
		if err := d.call(ctx, http.MethodGet, sandboxPrefix+"/_sandbox/numbers/"+tn, nil, "", &rec); err != nil {
			return fmt.Errorf("demo: read the carrier record of %s: %w", tn, err)
		}
		req := &demoRequest{demoCase: c, tn: tn}
		key := fmt.Sprintf("demo-%s-%d", hex.EncodeToString(runID), i+1)
		if err := d.call(ctx, http.MethodPost, "/v1/port-requests", c.build(rec, tn), key, &req.view); err != nil {
			return fmt.Errorf("demo: create the %q request: %w", c.title, err)
		}
		req.id = req.view.ID
		d.requests = append(d.requests, req)
		fmt.Fprintf(d.out, "  %d  %-34s %s  → %s\n", i+1, c.title, tn, req.id)
	}
	fmt.Fprintln(d.out)
	return d.follow(ctx)
}

// follow reads every request back until all have finished, printing the table whenever a status
// changes, and asks for activation of the on-demand request once its FOC date is confirmed.
func (d *demo) follow(ctx context.Context) error {
	deadline := time.Now().Add(demoDeadline)
	last := ""
	for {
		for _, r := range d.requests {
			if terminalStatus(r.view.Status) {
				continue
			}
			if err := d.call(ctx, http.MethodGet, "/v1/port-requests/"+r.id, nil, "", &r.view); err != nil {
				return fmt.Errorf("demo: read %q: %w", r.title, err)
			}
			if r.activateOnFoc && !r.activated && r.view.Status == "foc" {
				if err := d.activate(ctx, r); err != nil {
					return err
				}
			}
		}
		if table := d.table(); table != last {
			fmt.Fprintf(d.out, "+%.1fs\n%s\n", time.Since(d.started).Seconds(), table)
			last = table
		}
		if d.finished() {
			return d.summary()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: requests unfinished after %s (see the table above and the server log)", demoDeadline)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo: %w", ctx.Err())
		case <-time.After(demoPoll):
		}
	}
}

// activate asks portflow to activate the numbers now. Bandwidth may still refuse (its window is
// not open yet, 409): the demo then tries again on the next round.
func (d *demo) activate(ctx context.Context, r *demoRequest) error {
	err := d.call(ctx, http.MethodPost, "/v1/port-requests/"+r.id+"/activate", nil, "", &r.view)
	var apiErr *apiError
	switch {
	case err == nil:
		r.activated = true
		fmt.Fprintf(d.out, "+%.1fs  FOC confirmed for %q: POST /v1/port-requests/%s/activate → %s\n",
			time.Since(d.started).Seconds(), r.title, r.id, r.view.Status)
		return nil
	case errors.As(err, &apiErr) && apiErr.status == http.StatusConflict:
		return nil
	default:
		return fmt.Errorf("demo: activate %q: %w", r.title, err)
	}
}

func (d *demo) finished() bool {
	for _, r := range d.requests {
		if !terminalStatus(r.view.Status) {
			return false
		}
	}
	return true
}

// table renders the requests' current statuses, with the reason under a request that waits for
// an operator.
func (d *demo) table() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\tcase\tnumber\tstatus")
	for i, r := range d.requests {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\n", i+1, r.title, r.tn, r.view.Status)
	}
	_ = tw.Flush()
	for i, r := range d.requests {
		if r.view.Status == "action_required" {
			reason := r.view.StatusReason
			if a := r.view.ActionRequired; a != nil && a.Message != "" {
				reason = a.Code + ": " + a.Message
			}
			fmt.Fprintf(&b, "     %d needs an operator: %s\n", i+1, reason)
		}
	}
	return b.String()
}

// summary prints how each request ended and what portflow did for it; it fails when a request
// did not end as its case expects.
func (d *demo) summary() error {
	fmt.Fprintf(d.out, "All %d port requests finished in %.1fs:\n", len(d.requests), time.Since(d.started).Seconds())
	var unexpected []string
	for i, r := range d.requests {
		fmt.Fprintf(d.out, "  %d  %-34s %-10s %s\n", i+1, r.title, r.view.Status, r.explain())
		if r.view.Status != r.want {
			unexpected = append(unexpected, fmt.Sprintf("%q ended %s, expected %s (%s)", r.title, r.view.Status, r.want, r.view.StatusReason))
		}
	}
	if len(unexpected) > 0 {
		return fmt.Errorf("demo: %s", strings.Join(unexpected, "; "))
	}
	return nil
}

// explain says in a few words what happened to the request's address and CSR.
func (r *demoRequest) explain() string {
	csr, used := r.view.Csr, r.view.ServiceAddressUsed
	if len(r.view.PortOrders) > 0 {
		po := r.view.PortOrders[0]
		if csr == nil {
			csr = po.Csr
		}
		if used == nil {
			used = po.ServiceAddressUsed
		}
	}
	var parts []string
	if csr != nil && csr.Outcome != "" {
		parts = append(parts, "CSR "+csr.Outcome)
		for _, diff := range csr.Differences {
			parts = append(parts, fmt.Sprintf("%s %q → %q", diff.Field, diff.Customer, diff.Csr))
		}
	}
	if used != nil && used.Source != "" {
		from := "the customer's"
		if used.Source == "csr" {
			from = "the CSR's"
		}
		parts = append(parts, fmt.Sprintf("ported with %s address %s, %s", from, used.Line1, used.City))
	}
	if r.activated {
		parts = append(parts, "activated on request")
	}
	return strings.Join(parts, "; ")
}

// printCommands prints what a new user would type to look at the requests.
func (d *demo) printCommands() {
	api := `curl -s -H "Authorization: Bearer ` + demoToken + `" ` + d.base
	first := d.requests[0]
	fmt.Fprintf(d.out, "\nLook at them yourself (API token %q):\n", demoToken)
	command := func(comment, cmd string) { fmt.Fprintf(d.out, "  # %s\n  %s\n", comment, cmd) }
	command("every port request, newest first", api+"/v1/port-requests")
	for i, r := range d.requests {
		command(fmt.Sprintf("%d %s: status, CSR comparison, port orders", i+1, r.title), api+"/v1/port-requests/"+r.id)
	}
	command("the timeline of 1: every state change with its cause and Bandwidth's evidence", api+"/v1/port-requests/"+first.id+"/events")
	command("the callback inbox: every notification Bandwidth sent", api+"/v1/callbacks")
	command("the sandbox's side: its orders and their history", "curl -s "+d.base+sandboxPrefix+"/_sandbox/orders")
	command("the losing carrier's record of "+first.tn+" (what a CSR reveals)", "curl -s "+d.base+sandboxPrefix+"/_sandbox/numbers/"+first.tn)
}

// waitReady polls /readyz until the server says it is ready.
func (d *demo) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := d.call(ctx, http.MethodGet, "/readyz", nil, "", nil)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: server not ready after %s: %w", timeout, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// apiError is a non-2xx answer.
type apiError struct {
	status int
	detail string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.detail) }

// call sends one request to the server (the API token on /v1 paths) and decodes a JSON answer
// into out. idempotencyKey makes a create safe to retry.
func (d *demo) call(ctx context.Context, method, path string, body any, idempotencyKey string, out any) error {
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.base+path, reader)
	if err != nil {
		return err
	}
	if strings.HasPrefix(path, "/v1/") {
		req.Header.Set("Authorization", "Bearer "+demoToken)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var p struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
		}
		detail := strings.TrimSpace(string(raw))
		if json.Unmarshal(raw, &p) == nil && (p.Detail != "" || p.Title != "") {
			detail = strings.TrimSpace(p.Title + ": " + p.Detail)
		}
		if resp.StatusCode == http.StatusNotFound && strings.HasPrefix(path, "/v1/port-requests") && method == http.MethodPost {
			detail += " (is the REST API mounted at /v1 in this build?)"
		}
		return fmt.Errorf("%s %s: %w", method, path, &apiError{status: resp.StatusCode, detail: detail})
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
	}
	return nil
}

// serverLog receives the server's JSON log lines: it keeps them in the log file, reports the
// address from the "listening" line, and echoes errors to the demo's output so they are not
// missed.
type serverLog struct {
	pw        *io.PipeWriter
	listening chan string
	done      chan struct{}
}

func newServerLog(file io.Writer, echo io.Writer) *serverLog {
	pr, pw := io.Pipe()
	l := &serverLog{pw: pw, listening: make(chan string, 1), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var once sync.Once
		for sc.Scan() {
			line := sc.Bytes()
			_, _ = file.Write(append(line, '\n'))
			var entry struct {
				Level string `json:"level"`
				Msg   string `json:"msg"`
				Addr  string `json:"addr"`
				Error string `json:"error"`
			}
			if json.Unmarshal(line, &entry) != nil {
				continue
			}
			switch {
			case entry.Msg == "listening":
				once.Do(func() { l.listening <- entry.Addr })
			case entry.Level == "error":
				fmt.Fprintf(echo, "  server error: %s %s\n", entry.Msg, entry.Error)
			}
		}
		// Keep draining so the server never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, pr)
	}()
	return l
}

func (l *serverLog) Write(p []byte) (int, error) { return l.pw.Write(p) }

// Close ends the stream and waits until every line is in the file.
func (l *serverLog) Close() error {
	err := l.pw.Close()
	<-l.done
	return err
}

// lockedWriter serializes writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func terminalStatus(s string) bool {
	switch s {
	case "completed", "partially_completed", "cancelled", "failed":
		return true
	}
	return false
}

// titleCase writes an upper-case carrier spelling the way a person types it ("MAIN CAMPUS" →
// "Main Campus").
func titleCase(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

func nonBlank(parts ...string) []string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
