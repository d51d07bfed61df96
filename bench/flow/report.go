package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
)

// Targets, from the issue that asked for this benchmark.
const (
	maxTransactionsPerRequest = 25.0
	maxCallsAllDelivered      = 12.0
	maxCallsDropped           = 20.0
	maxReactionP99            = 250 * time.Millisecond
)

var inf = math.Inf(1)

// figure is one line of the report: how to read it from a result and how to print it. The
// headline figures (the ones with a target) are printed in bold.
type figure struct {
	key      string
	name     string
	headline bool
	value    func(result) float64
	format   func(float64) string
}

// Keys of the figures the targets judge.
const (
	figTransactions = "transactions"
	figCalls        = "calls"
	figReactionP99  = "reaction_p99"
)

var figures = []figure{
	{"completed", "completed requests", false, func(r result) float64 { return float64(r.completed) }, count},
	{"wall", "wall time, first submission to last finished", false, func(r result) float64 { return r.wall.Seconds() }, unit("%.1f s")},
	{"throughput", "completed requests per second", true, result.throughput, unit("%.1f")},
	{figTransactions, "Postgres transactions per completed request", true, func(r result) float64 { return r.perCompleted(float64(r.transactions)) }, unit("%.1f")},
	{figCalls, "Bandwidth API calls per completed request", true, func(r result) float64 { return r.perCompleted(float64(r.apiCalls)) }, unit("%.1f")},
	{"tokens", "OAuth2 token requests (not counted above)", false, func(r result) float64 { return float64(r.tokenCalls) }, count},
	{"reaction_p50", "reaction p50", false, func(r result) float64 { return ms(percentile(r.reaction, 0.50)) }, unit("%.0f ms")},
	{figReactionP99, "reaction p99", true, func(r result) float64 { return ms(percentile(r.reaction, 0.99)) }, unit("%.0f ms")},
	{"reaction_max", "reaction max", false, func(r result) float64 { return ms(percentile(r.reaction, 1)) }, unit("%.0f ms")},
	{"reaction_hist", "reaction p99 by portflow's histogram (bucket bound)", false, func(r result) float64 { return r.histP99 * 1000 }, bound},
	{"reactions", "reactions measured (callback → Bandwidth call)", false, func(r result) float64 { return float64(len(r.reaction)) }, count},
	{"delivered", "callbacks delivered", false, func(r result) float64 { return float64(r.callbacks[sandbox.CallbackDelivered]) }, count},
	{"dropped", "callbacks dropped by the sandbox", false, func(r result) float64 { return float64(r.callbacks[sandbox.CallbackDropped]) }, count},
	{"missed", "missed callbacks the reconciler repaired", false, func(r result) float64 { return r.missed }, count},
	{"load", "machine load average (1 min, highest of start and end)", false, func(r result) float64 { return r.load }, unit("%.1f")},
}

// printReport writes the markdown report and reports whether every target was met.
func printReport(w io.Writer, cfg config, f facts, scenarios []scenario, runs [][]result) bool {
	fmt.Fprintf(w, "## portflow porting flow: %d requests per scenario\n\n", cfg.requests)
	fmt.Fprintf(w, "%d CPUs, %s, PostgreSQL %s; sandbox step %s (portflow's TimeScale 1/%.0f); %s mix, at most %d requests in the flow at once; "+
		"pool %d connections, %d workers; loopback HTTP both ways.\n\n",
		f.cpus, f.goVersion, f.postgresVersion, cfg.step, float64(time.Minute)/float64(cfg.step), cfg.mix, cfg.concurrency, f.poolSize, f.workers)

	title := "Results"
	if len(runs) > 1 {
		title = fmt.Sprintf("Medians over %d runs", len(runs))
	}
	fmt.Fprintf(w, "### %s\n\n| figure |", title)
	for _, sc := range scenarios {
		fmt.Fprintf(w, " %s |", sc.name)
	}
	fmt.Fprint(w, "\n|---|")
	for range scenarios {
		fmt.Fprint(w, "---:|")
	}
	fmt.Fprintln(w)
	medians := make([]map[string]float64, len(scenarios))
	for i := range scenarios {
		medians[i] = map[string]float64{}
	}
	for _, fig := range figures {
		name := fig.name
		if fig.headline {
			name = "**" + name + "**"
		}
		fmt.Fprintf(w, "| %s |", name)
		for i := range scenarios {
			values := make([]float64, len(runs))
			for j, run := range runs {
				values[j] = fig.value(run[i])
			}
			m := median(values)
			medians[i][fig.key] = m
			fmt.Fprintf(w, " %s |", fig.format(m))
		}
		fmt.Fprintln(w)
	}

	if len(runs) > 1 {
		fmt.Fprint(w, "\n### Every run\n\n| run | scenario | completed | req/s | Postgres tx / req | API calls / req | reaction p50 | reaction p99 | load |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for j, run := range runs {
			for i, r := range run {
				fmt.Fprintf(w, "| %d | %s | %d/%d | %.1f | %.1f | %.1f | %.0f ms | %.0f ms | %.1f |\n", j+1, scenarios[i].name,
					r.completed, r.requests, r.throughput(), r.perCompleted(float64(r.transactions)), r.perCompleted(float64(r.apiCalls)),
					ms(percentile(r.reaction, 0.50)), ms(percentile(r.reaction, 0.99)), r.load)
			}
		}
	}

	last := runs[len(runs)-1]
	fmt.Fprintf(w, "\n### Bandwidth API calls per completed request, by endpoint (run %d)\n\n", len(runs))
	printBreakdown(w, scenarios, last, func(r result) map[string]float64 {
		out := map[string]float64{}
		for k, v := range r.byEndpoint {
			if k != "POST /oauth2/token" {
				out[k] = v
			}
		}
		return out
	})
	fmt.Fprintf(w, "\n### Where the reaction goes (run %d)\n\n| segment | scenario | p50 | p99 | max |\n|---|---|---:|---:|---:|\n", len(runs))
	for i, r := range last {
		for _, seg := range []struct {
			name string
			d    []time.Duration
		}{
			{"callback job waiting in the queue", r.callbackJobWait},
			{"arrival → effect job committed (wait + callback job)", r.arrivalToEffect},
			{"effect job waiting in the queue", r.effectJobWait},
		} {
			fmt.Fprintf(w, "| %s | %s | %.0f ms | %.0f ms | %.0f ms |\n", seg.name, scenarios[i].name,
				ms(percentile(seg.d, 0.5)), ms(percentile(seg.d, 0.99)), ms(percentile(seg.d, 1)))
		}
	}
	fmt.Fprintf(w, "\n### Jobs per completed request, by kind (run %d)\n\n", len(runs))
	printBreakdown(w, scenarios, last, func(r result) map[string]float64 {
		out := map[string]float64{}
		for k, v := range r.jobs {
			out[k] = float64(v)
		}
		return out
	})

	fmt.Fprint(w, "\n### Targets\n\n")
	passed := true
	check := func(ok bool, format string, a ...any) {
		verdict := "met"
		if !ok {
			verdict, passed = "**MISSED**", false
		}
		fmt.Fprintf(w, "- %s: %s\n", fmt.Sprintf(format, a...), verdict)
	}
	tx, calls, p99 := figTransactions, figCalls, figReactionP99
	for i, sc := range scenarios {
		for _, run := range runs {
			if r := run[i]; r.completed != r.requests {
				check(false, "%s: every request completed (%d of %d, statuses %v)", sc.name, r.completed, r.requests, r.statuses)
			}
		}
		check(medians[i][tx] <= maxTransactionsPerRequest, "%s: Postgres transactions per completed request %.1f ≤ %.0f", sc.name, medians[i][tx], maxTransactionsPerRequest)
		limit := maxCallsAllDelivered
		if sc.drop > 0 {
			limit = maxCallsDropped
		}
		check(medians[i][calls] <= limit, "%s: Bandwidth API calls per completed request %.1f ≤ %.0f", sc.name, medians[i][calls], limit)
		check(medians[i][p99] <= ms(maxReactionP99), "%s: reaction p99 %.0f ms ≤ %.0f ms", sc.name, medians[i][p99], ms(maxReactionP99))
		for j, run := range runs {
			if v := run[i].violations; len(v) > 0 {
				check(false, "%s, run %d: no protocol violations recorded by the sandbox (%d, the first: %s)", sc.name, j+1, len(v), v[0])
			}
		}
	}
	return passed
}

// printBreakdown prints a table of per-completed-request figures, one row per key.
func printBreakdown(w io.Writer, scenarios []scenario, run []result, values func(result) map[string]float64) {
	keys := map[string]bool{}
	per := make([]map[string]float64, len(run))
	for i, r := range run {
		per[i] = values(r)
		for k := range per[i] {
			keys[k] = true
		}
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	fmt.Fprint(w, "| |")
	for _, sc := range scenarios {
		fmt.Fprintf(w, " %s |", sc.name)
	}
	fmt.Fprint(w, "\n|---|"+strings.Repeat("---:|", len(scenarios))+"\n")
	totals := make([]float64, len(run))
	for _, k := range sorted {
		fmt.Fprintf(w, "| `%s` |", k)
		for i, r := range run {
			fmt.Fprintf(w, " %.2f |", r.perCompleted(per[i][k]))
			totals[i] += per[i][k]
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "| total |")
	for i, r := range run {
		fmt.Fprintf(w, " %.2f |", r.perCompleted(totals[i]))
	}
	fmt.Fprintln(w)
}

// percentile returns the q-quantile of sorted durations (nearest rank); 0 when there are none.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// median returns the middle value (the mean of the two middle ones for an even count).
func median(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	mid := len(s) / 2
	if len(s)%2 == 0 {
		return (s[mid-1] + s[mid]) / 2
	}
	return s[mid]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func count(v float64) string { return fmt.Sprintf("%.0f", v) }

func unit(format string) func(float64) string {
	return func(v float64) string { return fmt.Sprintf(format, v) }
}

func bound(v float64) string {
	if math.IsInf(v, 1) {
		return "> 5000 ms"
	}
	return fmt.Sprintf("≤ %.0f ms", v)
}
