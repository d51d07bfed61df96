package api

import (
	"crypto/sha256"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portflow/portflow/internal/problem"
)

// RateLimit is a per-token request budget: a token bucket refilled at PerSecond, holding at most
// Burst requests. The zero value turns rate limiting off.
type RateLimit struct {
	PerSecond float64
	// Burst defaults to one second's worth of requests (at least 1).
	Burst int
}

func (l RateLimit) enabled() bool { return l.PerSecond > 0 }

// maxBuckets bounds the limiter's memory. Only authenticated callers reach it, so the real count
// is the number of configured tokens; the bound matters only if the API is mounted without auth.
const maxBuckets = 10_000

type rateLimiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[[32]byte]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(l RateLimit, now func() time.Time) *rateLimiter {
	burst := float64(l.Burst)
	if burst < 1 {
		burst = math.Max(1, math.Ceil(l.PerSecond))
	}
	return &rateLimiter{rate: l.PerSecond, burst: burst, now: now, buckets: map[[32]byte]*bucket{}}
}

// take spends one request of key's budget; when none is left it returns how long until one is.
func (rl *rateLimiter) take(key [32]byte) (bool, time.Duration) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	now := rl.now()
	b, ok := rl.buckets[key]
	if !ok {
		if len(rl.buckets) >= maxBuckets {
			rl.pruneLocked(now)
		}
		b = &bucket{tokens: rl.burst, last: now}
		rl.buckets[key] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(rl.burst, b.tokens+elapsed*rl.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rl.rate * float64(time.Second))
}

// pruneLocked forgets buckets that have refilled completely: they hold no state worth keeping.
func (rl *rateLimiter) pruneLocked(now time.Time) {
	for k, b := range rl.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*rl.rate >= rl.burst {
			delete(rl.buckets, k)
		}
	}
}

// middleware answers 429 with Retry-After once a token's budget is spent. The key is a digest of
// the bearer token, so the limiter never holds a token itself.
func (rl *rateLimiter) middleware(a *API) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			ok, wait := rl.take(sha256.Sum256([]byte(strings.TrimSpace(token))))
			if !ok {
				seconds := max(1, int(math.Ceil(wait.Seconds())))
				w.Header().Set("Retry-After", strconv.Itoa(seconds))
				a.writeProblem(w, r, problem.New(http.StatusTooManyRequests, "rate_limited",
					fmt.Sprintf("this API token has used its budget of %g requests per second; retry in %d s", rl.rate, seconds)))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
