package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/testdb"
	"github.com/portflow/portflow/migrations"
)

// TestMain lets the test binary act as the portflow executable, so process-level tests (signals,
// exit codes, SIGKILL crash tests) run the real main without a separate build step.
func TestMain(m *testing.M) {
	if os.Getenv("PORTFLOW_TEST_AS_MAIN") == "1" {
		os.Args = append([]string{"portflow"}, strings.Fields(os.Getenv("PORTFLOW_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runningServer is a portflow started in-process by run().
type runningServer struct {
	BaseURL string
	Logs    *logBuffer
	cancel  context.CancelFunc
	done    chan error
}

// logBuffer collects the server's log lines for assertions.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *logBuffer) add(line string) {
	b.mu.Lock()
	b.lines = append(b.lines, line)
	b.mu.Unlock()
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}

// baseEnv is the environment of a sandbox-mode server on a random port against dbURL.
func baseEnv(dbURL string) map[string]string {
	return map[string]string{
		"PORTFLOW_SANDBOX":      "true",
		"PORTFLOW_HTTP_ADDR":    "127.0.0.1:0",
		"PORTFLOW_DATABASE_URL": dbURL,
		"PORTFLOW_LOG_LEVEL":    "debug",
		"PORTFLOW_SANDBOX_STEP": "20ms",
	}
}

// startServer runs portflow (serve) in-process and waits until it logs its listen address.
func startServer(t *testing.T, env map[string]string) *runningServer {
	t.Helper()
	return startCommandInProcess(t, nil, env)
}

// startCommandInProcess runs one portflow command in-process and waits until it logs its listen address.
func startCommandInProcess(t *testing.T, args []string, env map[string]string) *runningServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &runningServer{Logs: &logBuffer{}, cancel: cancel, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.Logs.add(line)
			var entry struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "listening" {
				addr <- entry.Addr
			}
		}
	}()
	go func() {
		err := run(ctx, args, func(k string) string { return env[k] }, pw)
		pw.Close()
		s.done <- err
	}()
	select {
	case a := <-addr:
		s.BaseURL = "http://" + a
	case err := <-s.done:
		cancel()
		t.Fatalf("%v exited before listening: %v\nlogs:\n%s", args, err, s.Logs)
	case <-time.After(15 * time.Second):
		cancel()
		t.Fatalf("%v did not start listening within 15s\nlogs:\n%s", args, s.Logs)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

// Stop ends the server gracefully and returns run's result.
func (s *runningServer) Stop() error {
	s.cancel()
	select {
	case err, ok := <-s.done:
		if !ok {
			return nil
		}
		close(s.done)
		return err
	case <-time.After(10 * time.Second):
		return fmt.Errorf("server did not stop within 10s")
	}
}

// waitReady polls /readyz until it answers 200 or the timeout passes.
func waitReady(t *testing.T, baseURL string, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		resp, err := http.Get(baseURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start)
			}
		}
		if time.Since(start) > timeout {
			t.Fatalf("%s/readyz not 200 within %s (last error %v)", baseURL, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeReadyOnEmptyDatabaseAndStopsGracefully(t *testing.T) {
	dbURL := testdb.MissingURL(t) // the server must create and migrate it
	start := time.Now()
	s := startServer(t, baseEnv(dbURL))
	waitReady(t, s.BaseURL, 5*time.Second)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("ready after %s on an empty database, want within 2s", elapsed)
	}
	for _, path := range []string{"/livez", "/metrics"} {
		resp, err := http.Get(s.BaseURL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, resp.StatusCode)
		}
		if path == "/metrics" {
			for _, want := range []string{"portflow_http_request_duration_seconds", "go_goroutines", "portflow_db_pool_max_connections"} {
				if !strings.Contains(string(body), want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}
		}
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if _, err := http.Get(s.BaseURL + "/livez"); err == nil {
		t.Error("server still accepts connections after stop")
	}
	logs := s.Logs.String()
	for _, masked := range []string{`"BANDWIDTH_CLIENT_SECRET":"********"`, `"PORTFLOW_CALLBACK_PASSWORD":"********"`, `"PORTFLOW_ENCRYPTION_KEY":"********"`} {
		if !strings.Contains(logs, masked) {
			t.Errorf("start-up configuration log lacks %s (secrets must be masked)", masked)
		}
	}
}

func TestSIGTERMExitsZeroWithinFiveSeconds(t *testing.T) {
	dbURL := testdb.URL(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PORTFLOW_TEST_AS_MAIN=1")
	for k, v := range baseEnv(dbURL) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	addr := scanListenAddr(t, stdout)
	waitReady(t, "http://"+addr, 5*time.Second)
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v, want status 0", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still running 5s after SIGTERM")
	}
}

func scanListenAddr(t *testing.T, r io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var entry struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &entry) == nil && entry.Msg == "listening" {
				found <- entry.Addr
				return
			}
		}
	}()
	select {
	case a := <-found:
		return a
	case <-time.After(30 * time.Second):
		t.Fatal("no listening line within 30s")
		return ""
	}
}

func TestBadConfigurationExitsWithOneLinePerProblem(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{
			name: "production mode without credentials",
			env:  map[string]string{"PORTFLOW_HTTP_ADDR": "127.0.0.1:0"},
			want: []string{"PORTFLOW_CALLBACK_USERNAME is required", "PORTFLOW_CALLBACK_PASSWORD is required", "PORTFLOW_API_TOKENS is required", "BANDWIDTH_ACCOUNT_ID is required", "BANDWIDTH_SITE_ID is required", "BANDWIDTH_PEER_ID is required", "BANDWIDTH_CLIENT_ID is required", "PORTFLOW_ENCRYPTION_KEY is required"},
		},
		{
			name: "bad URLs and values",
			env: map[string]string{
				"PORTFLOW_SANDBOX": "true", "PORTFLOW_PUBLIC_URL": "not a url", "BANDWIDTH_API_URL": "ftp://x",
				"PORTFLOW_DATABASE_URL": "mysql://x", "PORTFLOW_LOG_FORMAT": "xml", "PORTFLOW_HTTP_ADDR": "8080",
			},
			want: []string{"PORTFLOW_PUBLIC_URL must be an absolute http(s) URL", "BANDWIDTH_API_URL must be an absolute http(s) URL", "PORTFLOW_DATABASE_URL must be a postgres:// URL", "PORTFLOW_LOG_FORMAT must be json or console", "PORTFLOW_HTTP_ADDR must be host:port"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stderr := runMainProcess(t, tt.env, 10*time.Second)
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != len(tt.want) {
				t.Errorf("got %d lines, want one per problem (%d):\n%s", len(lines), len(tt.want), stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a stack trace:\n%s", stderr)
			}
		})
	}
}

func TestUnreachableDatabaseExitsWithClearLine(t *testing.T) {
	env := map[string]string{
		"PORTFLOW_SANDBOX": "true", "PORTFLOW_HTTP_ADDR": "127.0.0.1:0",
		"PORTFLOW_DATABASE_URL":             "postgres://postgres@127.0.0.1:1/portflow?sslmode=disable",
		"PORTFLOW_DATABASE_CONNECT_TIMEOUT": "500ms",
	}
	start := time.Now()
	stderr := runMainProcess(t, env, 15*time.Second)
	if !strings.Contains(stderr, "cannot connect to Postgres at 127.0.0.1:1") {
		t.Errorf("stderr does not name the unreachable database:\n%s", stderr)
	}
	if n := len(strings.Split(strings.TrimSpace(stderr), "\n")); n != 1 {
		t.Errorf("want one line, got %d:\n%s", n, stderr)
	}
	if elapsed := time.Since(start); elapsed > 8*time.Second {
		t.Errorf("took %s to give up", elapsed)
	}
}

// runMainProcess runs the real main in a child process that must fail, and returns its stderr.
func runMainProcess(t *testing.T, env map[string]string, timeout time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = []string{"PORTFLOW_TEST_AS_MAIN=1", "PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	err := cmd.Run()
	exitErr, ok := err.(*exec.ExitError)
	if !ok || exitErr.ExitCode() != 1 {
		t.Fatalf("want exit status 1, got %v\nstderr:\n%s", err, stderr.String())
	}
	return stderr.String()
}

func TestTwoServersStartTogetherOnOneEmptyDatabase(t *testing.T) {
	dbURL := testdb.MissingURL(t)
	var wg sync.WaitGroup
	servers := make([]*runningServer, 2)
	for i := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			servers[i] = startServer(t, baseEnv(dbURL))
		}()
	}
	wg.Wait()
	for _, s := range servers {
		if s == nil {
			t.Fatal("a server failed to start")
		}
		waitReady(t, s.BaseURL, 5*time.Second)
	}
}

func TestMigrateCommand(t *testing.T) {
	dbURL := testdb.MissingURL(t)
	getenv := func(k string) string {
		if k == "PORTFLOW_DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(files) < 2 {
		t.Fatalf("embedded migrations: %v %v", files, err)
	}
	sort.Strings(files)
	newest, previous := files[len(files)-1], files[len(files)-2]
	version := func(file string) string { return strings.TrimLeft(strings.SplitN(file, "_", 2)[0], "0") }
	var out strings.Builder
	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "up"}, fmt.Sprintf("applied %d migration(s); schema version %s", len(files), version(newest))},
		{[]string{"migrate", "status"}, "applied  " + newest},
		{[]string{"migrate", "down"}, "schema version " + version(previous)},
		{[]string{"migrate", "status"}, "pending  " + newest},
		{[]string{"migrate", "up"}, "applied 1 migration(s)"},
		{[]string{"migrate", "redo"}, "re-applied"},
	} {
		out.Reset()
		if err := run(context.Background(), step.args, getenv, &out); err != nil {
			t.Fatalf("%v: %v", step.args, err)
		}
		if !strings.Contains(out.String(), step.want) {
			t.Errorf("%v printed %q, want it to contain %q", step.args, out.String(), step.want)
		}
	}
	if err := run(context.Background(), []string{"migrate", "sideways"}, getenv, &out); err == nil {
		t.Error("migrate sideways: want an error")
	}
}
