package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// pgbenchResult is pgbench's one-row-insert ceiling at one client count.
type pgbenchResult struct {
	clients  int
	tps      float64
	p50, p99 time.Duration
}

func (r pgbenchResult) throughput() float64 { return r.tps }

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// measurePgbench runs a script of one INSERT of a notification-sized body into a table shaped
// like the reference receiver's, with as many clients as connections (capped by what the server
// allows), and reads per-transaction latencies from pgbench's log.
func (e *env) measurePgbench(ctx context.Context, conns int, cfg config) (pgbenchResult, error) {
	path, err := exec.LookPath(cfg.pgbench)
	if err != nil {
		return pgbenchResult{}, fmt.Errorf("%s not found on PATH", cfg.pgbench)
	}
	dir, err := os.MkdirTemp("", "pfbench-pgbench-")
	if err != nil {
		return pgbenchResult{}, err
	}
	defer os.RemoveAll(dir)

	body := strings.ReplaceAll(string(notification(nil, 0)), "'", "''")
	script := filepath.Join(dir, "insert.sql")
	if err := os.WriteFile(script, []byte("INSERT INTO pgbench_callbacks (body) VALUES (convert_to('"+
		strings.ReplaceAll(body, "\n", " ")+"', 'UTF8'));\n"), 0o600); err != nil {
		return pgbenchResult{}, err
	}
	clients, err := e.pgbenchClients(ctx, conns)
	if err != nil {
		return pgbenchResult{}, err
	}
	seconds := int(math.Ceil((cfg.duration + cfg.warmup).Seconds()))
	cmd := exec.CommandContext(ctx, path,
		"--no-vacuum", "--protocol=prepared",
		"--client="+strconv.Itoa(clients), "--jobs="+strconv.Itoa(min(clients, e.facts.cpus)),
		"--time="+strconv.Itoa(seconds), "--file="+script,
		"--log", "--log-prefix="+filepath.Join(dir, "tx"),
		e.referenceURL)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return pgbenchResult{}, fmt.Errorf("pgbench failed (%w): %s", err, firstErrorLine(string(out)))
	}
	m := tpsLine.FindStringSubmatch(string(out))
	if m == nil {
		return pgbenchResult{}, fmt.Errorf("pgbench printed no tps line: %s", lastLines(string(out), 5))
	}
	tps, _ := strconv.ParseFloat(m[1], 64)
	latencies, err := readPgbenchLogs(dir)
	if err != nil {
		return pgbenchResult{}, err
	}
	p50, p99 := percentiles(latencies)
	return pgbenchResult{clients: clients, tps: tps, p50: p50, p99: p99}, nil
}

// pgbenchClients is conns, capped by the connections the server has free right now (pgbench
// opens one per client, and other sessions come and go on a shared server), with a margin.
func (e *env) pgbenchClients(ctx context.Context, conns int) (int, error) {
	var free int
	err := e.refPool.QueryRow(ctx, `SELECT current_setting('max_connections')::int
		- current_setting('superuser_reserved_connections')::int
		- (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int`).Scan(&free)
	if err != nil {
		return 0, fmt.Errorf("count free connections: %w", err)
	}
	return max(1, min(conns, free-10)), nil
}

func firstErrorLine(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "error") {
			return strings.TrimSpace(line)
		}
	}
	return lastLines(out, 1)
}

// readPgbenchLogs collects the latency column of pgbench's per-transaction logs
// ("client_id transaction_no time_us script_no time_epoch time_us").
func readPgbenchLogs(dir string) ([]time.Duration, error) {
	files, err := filepath.Glob(filepath.Join(dir, "tx.*"))
	if err != nil || len(files) == 0 {
		return nil, errors.New("pgbench wrote no transaction log")
	}
	var latencies []time.Duration
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.ParseInt(fields[2], 10, 64)
			if err != nil {
				continue
			}
			latencies = append(latencies, time.Duration(us)*time.Microsecond)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
	return latencies, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
