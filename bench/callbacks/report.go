package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/portflow/portflow/internal/callbacks"
)

type resultRow struct {
	conns      int
	reference  httpResult
	portflow   httpResult
	pgbench    pgbenchResult
	pgbenchErr error
}

func (r resultRow) ratio() float64 {
	if r.reference.throughput() == 0 {
		return 0
	}
	return r.portflow.throughput() / r.reference.throughput()
}

func (r resultRow) p99Factor() float64 {
	if r.reference.p99 == 0 {
		return 0
	}
	return float64(r.portflow.p99) / float64(r.reference.p99)
}

// printReport writes the markdown table and the verdict, and reports whether the target was met.
func printReport(w io.Writer, cfg config, f facts, rows []resultRow, check inboxCheck) bool {
	fmt.Fprintf(w, "\n### Callback intake under load\n\n")
	fmt.Fprintf(w, "%d CPUs, %s, PostgreSQL %s (synchronous_commit=%s) on loopback; %d-connection pool per receiver; "+
		"after a %s warm-up, reference and portflow take turns in %s slices for %s each per level; "+
		"every request is a distinct authenticated port-in notification (~600 bytes); pgbench runs %s per level.\n\n",
		f.cpus, f.goVersion, f.postgresVersion, f.synchronousCommit, f.poolSize, cfg.warmup, cfg.slice, cfg.duration, cfg.duration+cfg.warmup)
	maxBatch, writers, jobs := cfg.maxBatch, cfg.writers, "the orchestrator's InboxBatchHook, one River InsertManyTx per group (as the server)"
	if maxBatch == 0 {
		maxBatch = callbacks.DefaultMaxBatch
	}
	if writers == 0 {
		writers = callbacks.DefaultMaxConcurrentWrites
	}
	if cfg.perEntryJobs {
		jobs = "the orchestrator's InboxHook, one River InsertTx per callback"
	}
	fmt.Fprintf(w, "portflow: group commit of up to %d callbacks per transaction, %d transactions at a time; jobs enqueued with %s.\n\n", maxBatch, writers, jobs)
	fmt.Fprintln(w, "| connections | system | req/s | p50 ms | p99 ms | errors | portflow ÷ reference |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %d | reference: net/http + pgx, 1 INSERT | %.0f | %.2f | %.2f | %d | |\n",
			r.conns, r.reference.throughput(), ms(r.reference.p50), ms(r.reference.p99), r.reference.errors)
		fmt.Fprintf(w, "| %d | **portflow**: auth, XML, inbox + River job, group commit | %.0f | %.2f | %.2f | %d | %.0f%% req/s, p99 ×%.2f |\n",
			r.conns, r.portflow.throughput(), ms(r.portflow.p50), ms(r.portflow.p99), r.portflow.errors, 100*r.ratio(), r.p99Factor())
		if r.pgbenchErr != nil {
			fmt.Fprintf(w, "| %d | pgbench 1-row INSERT | skipped: %s | | | | |\n", r.conns, r.pgbenchErr)
		} else {
			clients := ""
			if r.pgbench.clients != r.conns {
				clients = fmt.Sprintf(" (%d clients: max_connections)", r.pgbench.clients)
			}
			fmt.Fprintf(w, "| %d | pgbench 1-row INSERT%s | %.0f | %.2f | %.2f | – | |\n",
				r.conns, clients, r.pgbench.throughput(), ms(r.pgbench.p50), ms(r.pgbench.p99))
		}
	}

	errorsTotal := 0
	for _, r := range rows {
		errorsTotal += r.portflow.errors
		if r.portflow.firstErr != "" {
			fmt.Fprintf(w, "\nportflow at %d connections, first error: %s\n", r.conns, r.portflow.firstErr)
		}
		if r.reference.firstErr != "" {
			fmt.Fprintf(w, "\nreference at %d connections, first error: %s\n", r.conns, r.reference.firstErr)
		}
	}
	fmt.Fprintf(w, "\nInbox after the run: portflow answered 200 to %d callbacks; the inbox holds %d rows and River %d processing jobs (missing rows: %d, jobs beyond rows: %d). The reference answered 200 to %d and holds %d rows.\n",
		check.accepted, check.rows, check.jobs, check.missingRows, check.extraJobs, check.referenceAccepted, check.referenceRows)

	var target *resultRow
	for i := range rows {
		if rows[i].conns == cfg.targetConns {
			target = &rows[i]
		}
	}
	var verdict []string
	passed := check.complete() && errorsTotal == 0
	verdict = append(verdict, mark(errorsTotal == 0, fmt.Sprintf("portflow errors %d", errorsTotal)))
	verdict = append(verdict, mark(check.complete(), "every accepted callback in the inbox with its job"))
	if target == nil {
		verdict = append(verdict, fmt.Sprintf("no %d-connection level run", cfg.targetConns))
		passed = false
	} else {
		okRatio := target.ratio() >= cfg.minRatio
		okP99 := target.p99Factor() < cfg.maxP99Factor
		passed = passed && okRatio && okP99
		verdict = append(verdict,
			mark(okRatio, fmt.Sprintf("throughput %.0f%% of reference (target ≥ %.0f%%)", 100*target.ratio(), 100*cfg.minRatio)),
			mark(okP99, fmt.Sprintf("p99 ×%.2f of reference (target < ×%.1f)", target.p99Factor(), cfg.maxP99Factor)))
	}
	result := "PASS"
	if !passed {
		result = "FAIL"
	}
	fmt.Fprintf(w, "\nVerdict at %d connections: %s → **%s**\n", cfg.targetConns, strings.Join(verdict, "; "), result)
	return passed
}

func mark(ok bool, s string) string {
	if ok {
		return s + " ✓"
	}
	return s + " ✗"
}
