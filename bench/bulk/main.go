// Command bulk measures the portflow server's memory while it ports one large business move
// through a Bandwidth bulk port-in: it starts the real server binary in sandbox mode on a fresh
// database, posts one request of N numbers (four losing carriers, toll-free numbers, numbers
// Bandwidth cannot port) through the REST API, follows it to its end through the summary view,
// and samples the server process's resident set size (VmRSS) all along. Loopback only; every run
// has a deadline. See bench/README.md.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
)

func main() {
	var (
		binary   = flag.String("server", "", "path to the portflow binary (bench/bulk/run.sh builds it)")
		sizes    = flag.String("numbers", "2000,20000", "comma-separated request sizes; one fresh server and database per size")
		dbURL    = flag.String("database", envOr("PORTFLOW_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "Postgres server URL (the role needs CREATEDB)")
		step     = flag.Duration("step", 50*time.Millisecond, "sandbox step (one simulated minute of Bandwidth's processing)")
		timeout  = flag.Duration("timeout", 5*time.Minute, "deadline of one run")
		interval = flag.Duration("sample", 100*time.Millisecond, "RSS sampling interval")
		repeat   = flag.Int("repeat", 3, "requests of each size, one after the other, on the same server (memory must not grow from one to the next)")
	)
	flag.Parse()
	if *binary == "" {
		fmt.Fprintln(os.Stderr, "bulk: -server is required (run bench/bulk/run.sh)")
		os.Exit(2)
	}
	var results []result
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 100 || n > 20000 {
			fmt.Fprintf(os.Stderr, "bulk: -numbers: %q is not a size between 100 and 20000\n", s)
			os.Exit(2)
		}
		res, err := run(*binary, *dbURL, n, *repeat, *step, *timeout, *interval)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bulk: %d numbers: %v\n", n, err)
			os.Exit(1)
		}
		results = append(results, res...)
	}
	report(results)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// result is one request's figures.
type result struct {
	numbers, request  int
	status            string
	counts            map[string]int
	portOrders        int
	elapsed           time.Duration
	rssIdle, rssPeak  int64 // KiB; idle is before the first request of the server
	rssMedian, rssEnd int64
	rssSandbox        int64 // the sandbox process, after the request
	samples           int
}

// run starts one server and ports repeat requests of n numbers through it, one after the other.
func run(binary, serverURL string, n, repeat int, step, timeout, interval time.Duration) (results []result, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(repeat)*timeout)
	defer cancel()
	name := "pfbench_bulk_" + randomHex(5)
	dbURL, err := withDatabase(serverURL, name)
	if err != nil {
		return nil, err
	}
	defer dropDatabase(serverURL, name)

	// Bandwidth's sandbox runs as its own process (`portflow sandbox`), so the server's RSS is
	// portflow's alone.
	sbPort, err := freePort()
	if err != nil {
		return nil, err
	}
	sbBase := fmt.Sprintf("http://127.0.0.1:%d", sbPort)
	clientID, clientSecret := "bench-client", randomHex(12)
	sb := exec.CommandContext(ctx, binary, "sandbox")
	sb.Env = append(os.Environ(),
		"SANDBOX_HTTP_ADDR=127.0.0.1:"+strconv.Itoa(sbPort), "SANDBOX_STEP="+step.String(),
		"SANDBOX_ACCOUNT_ID=9900000", "SANDBOX_CLIENT_ID="+clientID, "SANDBOX_CLIENT_SECRET="+clientSecret,
		"PORTFLOW_LOG_LEVEL=warn",
	)
	var sandboxLog bytes.Buffer
	sb.Stdout, sb.Stderr = &sandboxLog, &sandboxLog
	if err := sb.Start(); err != nil {
		return nil, fmt.Errorf("start %s sandbox: %w", binary, err)
	}
	defer stop(sb)
	if err := waitHTTP(ctx, sbBase+"/_sandbox/orders"); err != nil {
		return nil, fmt.Errorf("sandbox: %w\n%s", err, tail(sandboxLog.String(), 2000))
	}

	port, err := freePort()
	if err != nil {
		return nil, err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	token := "bench-" + randomHex(12)
	cmd := exec.CommandContext(ctx, binary, "serve")
	cmd.Env = append(os.Environ(),
		"PORTFLOW_SANDBOX=false",
		// Compress portflow's own waiting to the sandbox's time, as sandbox mode does.
		"PORTFLOW_SANDBOX_STEP="+step.String(),
		"PORTFLOW_DATABASE_URL="+dbURL,
		"PORTFLOW_HTTP_ADDR=127.0.0.1:"+strconv.Itoa(port),
		"PORTFLOW_PUBLIC_URL="+base,
		"PORTFLOW_API_TOKENS="+token,
		"PORTFLOW_CALLBACK_USERNAME=bandwidth", "PORTFLOW_CALLBACK_PASSWORD="+randomHex(12),
		"PORTFLOW_ENCRYPTION_KEY="+base64Key(),
		"BANDWIDTH_API_URL="+sbBase+"/api", "BANDWIDTH_TOKEN_URL="+sbBase+"/api/v1/oauth2/token",
		"BANDWIDTH_ACCOUNT_ID=9900000", "BANDWIDTH_SITE_ID=1001", "BANDWIDTH_PEER_ID=2001",
		"BANDWIDTH_CLIENT_ID="+clientID, "BANDWIDTH_CLIENT_SECRET="+clientSecret,
		"PORTFLOW_LOG_LEVEL=warn",
	)
	var serverLog bytes.Buffer
	cmd.Stdout, cmd.Stderr = &serverLog, &serverLog
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	defer func() {
		stop(cmd)
		if err != nil {
			err = fmt.Errorf("%w\nserver log (tail):\n%s\nsandbox log (tail):\n%s", err, tail(serverLog.String(), 2000), tail(sandboxLog.String(), 1000))
		}
	}()
	client := &apiClient{base: base, token: token, http: &http.Client{Timeout: 30 * time.Second}}
	if err := client.waitReady(ctx); err != nil {
		return nil, err
	}
	// Idle baseline: the server is up, subscriptions ensured, nothing in flight.
	idle, err := settleRSS(ctx, cmd.Process.Pid, time.Second)
	if err != nil {
		return nil, err
	}
	for i := range repeat {
		res, err := client.port(ctx, cmd.Process.Pid, n, i, interval)
		if err != nil {
			return results, fmt.Errorf("request %d: %w", i+1, err)
		}
		res.rssIdle = idle
		if res.rssSandbox, err = rssKiB(sb.Process.Pid); err != nil {
			return results, err
		}
		results = append(results, res)
	}
	return results, nil
}

// stop ends a child process: interrupt, then kill after 15 s.
func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
	}
}

func waitHTTP(ctx context.Context, u string) error {
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not answering: %w", u, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func base64Key() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// port sends the i-th request of n numbers and follows it to its end, sampling the server's RSS.
func (client *apiClient) port(ctx context.Context, pid, n, i int, interval time.Duration) (res result, err error) {
	res.numbers, res.request = n, i+1
	sampler := startSampler(pid, interval)
	start := time.Now()
	id, err := client.create(ctx, businessMove(n, i))
	if err != nil {
		sampler.stop()
		return res, err
	}
	if err := client.addLOA(ctx, id); err != nil {
		sampler.stop()
		return res, err
	}
	var summary summaryView
	for {
		summary, err = client.summary(ctx, id)
		if err != nil {
			sampler.stop()
			return res, err
		}
		if terminal(summary.Status) {
			break
		}
		select {
		case <-ctx.Done():
			sampler.stop()
			return res, fmt.Errorf("request %s still %s at the deadline (%s)", id, summary.Status, summary.StatusReason)
		case <-time.After(250 * time.Millisecond):
		}
	}
	res.elapsed = time.Since(start)
	samples := sampler.stop()
	if len(samples) == 0 {
		return res, errors.New("no RSS sample taken")
	}
	res.samples = len(samples)
	res.rssPeak = slices.Max(samples)
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	res.rssMedian = sorted[len(sorted)/2]
	res.rssEnd = samples[len(samples)-1]
	res.status, res.counts, res.portOrders = summary.Status, summary.NumberCounts, len(summary.PortOrders)
	return res, nil
}

// businessMove builds the numbers of the i-th request: the same mix as the end-to-end test,
// scaled. Out of every 40 numbers: 18 wireline, 10 at Bandwidth itself, 6 wireless (their own
// account, given per number), 2 off-net, 3 toll-free, 1 in a rate center Bandwidth does not
// serve. Requests differ in their numbers (a number ported once cannot be ported again).
func businessMove(n, i int) []map[string]string {
	shares := []struct {
		kind  string
		share int
	}{{"wireline", 18}, {"internal", 10}, {"wireless", 6}, {"offnet", 2}, {"tollfree", 3}, {"unportable", 1}}
	count := map[string]int{}
	total := 0
	for _, s := range shares {
		count[s.kind] = n * s.share / 40
		total += count[s.kind]
	}
	count["wireline"] += n - total
	offset := i * n / 2
	scenario := func(c sandbox.Carrier, seq int) string {
		return sandbox.NumberFor(sandbox.Scenario{Carrier: c, CSR: sandbox.CSRComplete}, offset+seq)
	}
	wirelessBTN := scenario(sandbox.CarrierWireless, 0)
	rec := sandbox.CarrierRecordFor(wirelessBTN)
	var out []map[string]string
	for _, s := range shares {
		for i := range count[s.kind] {
			switch s.kind {
			case "wireline":
				out = append(out, map[string]string{"number": scenario(sandbox.CarrierWireline, i)})
			case "internal":
				out = append(out, map[string]string{"number": scenario(sandbox.CarrierInternal, i)})
			case "wireless":
				out = append(out, map[string]string{"number": scenario(sandbox.CarrierWireless, i),
					"billing_number": wirelessBTN, "account_number": rec.AccountNumber, "pin": rec.PIN})
			case "offnet":
				out = append(out, map[string]string{"number": scenario(sandbox.CarrierOffNet, i)})
			case "tollfree":
				out = append(out, map[string]string{"number": fmt.Sprintf("800%07d", 5550000+offset+i)})
			case "unportable":
				out = append(out, map[string]string{"number": fmt.Sprintf("605%07d", 2000000+offset+i)})
			}
		}
	}
	return out
}

func terminal(status string) bool {
	switch status {
	case "completed", "partially_completed", "cancelled", "failed":
		return true
	}
	return false
}

// ---- the server's REST API ----

type apiClient struct {
	base, token string
	http        *http.Client
}

func (c *apiClient) do(ctx context.Context, method, path, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, tail(string(b), 1000))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (c *apiClient) waitReady(ctx context.Context) error {
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/readyz", nil)
		if resp, err := c.http.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server not ready: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (c *apiClient) create(ctx context.Context, numbers []map[string]string) (string, error) {
	main := sandbox.CarrierRecordFor(numbers[0]["number"])
	body := map[string]any{
		"phone_numbers": numbers,
		"subscriber":    map[string]string{"type": "business", "business_name": "Blue Ridge Bakery"},
		"service_address": map[string]string{
			"line1": main.ServiceAddress.Line(), "city": main.ServiceAddress.City,
			"state": main.ServiceAddress.State, "zip": main.ServiceAddress.Zip,
		},
		"loa_authorizing_person": "Jane Doe",
		"activation":             map[string]string{"mode": "scheduled"},
	}
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, http.MethodPost, "/v1/port-requests", "application/json", bytes.NewReader(b), &created); err != nil {
		return "", err
	}
	return created.ID, nil
}

func (c *apiClient) addLOA(ctx context.Context, id string) error {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("type", "LOA"); err != nil {
		return err
	}
	part, err := w.CreatePart(map[string][]string{
		"Content-Disposition": {`form-data; name="file"; filename="loa.pdf"`},
		"Content-Type":        {"application/pdf"},
	})
	if err != nil {
		return err
	}
	if _, err := part.Write([]byte("%PDF-1.4 signed letter of authorization")); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.do(ctx, http.MethodPost, "/v1/port-requests/"+id+"/documents", w.FormDataContentType(), &buf, nil)
}

type summaryView struct {
	Status       string         `json:"status"`
	StatusReason string         `json:"status_reason"`
	NumberCounts map[string]int `json:"number_counts"`
	PortOrders   []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"port_orders"`
}

func (c *apiClient) summary(ctx context.Context, id string) (summaryView, error) {
	var v summaryView
	err := c.do(ctx, http.MethodGet, "/v1/port-requests/"+id+"?view=summary", "", nil, &v)
	return v, err
}

// ---- RSS sampling ----

// rssKiB reads VmRSS of a process from /proc.
func rssKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS line")
}

// settleRSS waits for d and returns the RSS then.
func settleRSS(ctx context.Context, pid int, d time.Duration) (int64, error) {
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(d):
	}
	return rssKiB(pid)
}

type sampler struct {
	done    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	samples []int64
}

func startSampler(pid int, every time.Duration) *sampler {
	s := &sampler{done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if v, err := rssKiB(pid); err == nil {
				s.mu.Lock()
				s.samples = append(s.samples, v)
				s.mu.Unlock()
			}
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) stop() []int64 {
	close(s.done)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.samples
}

// ---- report ----

func report(results []result) {
	fmt.Println("| numbers | request | final status | completed / failed | port orders | time to final status | RSS idle | RSS median during run | RSS peak | peak − idle |")
	fmt.Println("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Printf("| %d | %d | %s | %d / %d | %d | %s | %s | %s | %s | %s |\n", r.numbers, r.request, r.status,
			r.counts["completed"], r.counts["failed"], r.portOrders, r.elapsed.Round(100*time.Millisecond),
			mib(r.rssIdle), mib(r.rssMedian), mib(r.rssPeak), mib(r.rssPeak-r.rssIdle))
	}
	fmt.Printf("\nRSS of the portflow server process (VmRSS), %d samples per request on average. Bandwidth's sandbox runs as a separate process (`portflow sandbox`), not counted; it held %s after the last request.\n",
		avgSamples(results), mib(results[len(results)-1].rssSandbox))
}

func avgSamples(results []result) int {
	total := 0
	for _, r := range results {
		total += r.samples
	}
	return total / max(1, len(results))
}

func mib(kib int64) string { return fmt.Sprintf("%.0f MiB", float64(kib)/1024) }

// ---- helpers ----

func withDatabase(serverURL, name string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("parse database URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func dropDatabase(serverURL, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bulk: drop %s: %v\n", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		fmt.Fprintf(os.Stderr, "bulk: drop %s: %v\n", name, err)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
