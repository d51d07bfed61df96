package bandwidth

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Rate-limit groups (PROTOCOL.md §9). Bandwidth limits endpoints in groups; after a 429 no call of
// the same group may be made before the X-RateLimit-Reset time. Routes outside these groups are
// limited on their own (the group is the route).
const (
	groupPortIn       = "PORT_IN"      // POST /portins, PUT/DELETE /portins/{id}, POST /lnpchecker
	groupBulkPortIn   = "BULK_PORT_IN" // every /bulkPortins/{id} verb, tnList, portinList
	groupSubscription = "SUBSCRIPTION" // every /subscriptions verb
	groupSearch       = "SEARCH"       // GET /csrs, GET /bulkPortins
	groupHistory      = "HISTORY"      // GET /portins, /portins/{id}, /history, /totals
)

// rateLimits remembers, per group, until when calls are held back.
type rateLimits struct {
	mu    sync.Mutex
	until map[string]time.Time
}

func newRateLimits() *rateLimits { return &rateLimits{until: map[string]time.Time{}} }

// rateLimitedError is returned by wait when the reset is too far away to wait for.
type rateLimitedError struct {
	group string
	until time.Time
}

func (e *rateLimitedError) Error() string {
	return fmt.Sprintf("endpoint group %s is rate-limited until %s", e.group, e.until.UTC().Format(time.RFC3339))
}

// block holds group back until t (keeping the later of two resets).
func (l *rateLimits) block(group string, t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(l.until[group]) {
		l.until[group] = t
	}
}

// resetOf returns when group may be called again; zero when it is not limited.
func (l *rateLimits) resetOf(group string) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.until[group]
}

// wait returns once group may be called: at once when it is not limited; after sleeping when the
// reset is within maxWait and before ctx's deadline; otherwise a *rateLimitedError without
// waiting. It also returns ctx's error if ctx ends while sleeping.
func (l *rateLimits) wait(ctx context.Context, group string, now func() time.Time, maxWait time.Duration) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		until := l.resetOf(group)
		d := until.Sub(now())
		if until.IsZero() || d <= 0 {
			return nil
		}
		if maxWait < 0 || d > maxWait {
			return &rateLimitedError{group: group, until: until}
		}
		if deadline, ok := ctx.Deadline(); ok && deadline.Before(until) {
			return &rateLimitedError{group: group, until: until}
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		// Loop: another 429 in the meantime may have pushed the reset further out.
	}
}
