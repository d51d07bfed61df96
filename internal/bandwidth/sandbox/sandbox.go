package sandbox

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Options configures a Sandbox. The zero value is usable: every field has a default.
type Options struct {
	// AccountID is the only account the API serves (default "9900000").
	AccountID string
	// ClientID and ClientSecret are the OAuth2 client credentials the token endpoint accepts
	// (defaults "sandbox-client" / "sandbox-secret").
	ClientID     string
	ClientSecret string
	// TokenTTL is the lifetime of an access token (default 1h).
	TokenTTL time.Duration
	// Username and Password are the legacy API user, accepted with HTTP Basic on every API
	// call (defaults "sandbox" / "sandbox").
	Username string
	Password string
	// Step is the real-time length of one lifecycle step (default 1s; tests use 10–50ms):
	// a CSR answers after 1 step, SUBMITTED→FOC takes 2, FOC→COMPLETE 2 more.
	Step time.Duration
	// ActivationWaitSteps is how many steps a Triggered order waits in FOC for a PUT
	// activationStatus before Bandwidth activates it at its scheduled time (default 10).
	ActivationWaitSteps int
	// Faults is the initial fault injection (default: none).
	Faults Faults
	// Seed makes the fault choices reproducible.
	Seed uint64
	// HTTPClient sends callbacks (default: 10s timeout, redirects not followed).
	HTTPClient *http.Client
	// Logf receives one line per state change and callback (default: discard). A zap logger
	// fits as logger.Sugar().Infof.
	Logf func(format string, args ...any)
	// BaseURL is the externally visible URL of the handler root, used in Location headers and
	// pagination links. Default: derived from the request (Host, X-Forwarded-Proto,
	// X-Forwarded-Host, X-Forwarded-Prefix, or the prefix http.StripPrefix removed).
	BaseURL string
	// Now is the clock of the porting calendar (FOC dates, token expiry, timestamps).
	// Default time.Now. Lifecycle delays always run on real time (Step).
	Now func() time.Time
	// IdlePerStep is how much idle time each step adds when the sandbox measures how long a
	// draft sat untouched for Bandwidth's 48-hour purge (run daily at 09:00 UTC). Default one
	// minute, the scale portflow's TimeScale assumes (48 h = 2,880 steps); negative: only the
	// calendar (Now) counts. A purged draft is recorded as a RuleIdleDraft violation.
	IdlePerStep time.Duration
}

func (o Options) withDefaults() Options {
	if o.AccountID == "" {
		o.AccountID = "9900000"
	}
	if o.ClientID == "" {
		o.ClientID = "sandbox-client"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "sandbox-secret"
	}
	if o.TokenTTL == 0 {
		o.TokenTTL = time.Hour
	}
	if o.Username == "" {
		o.Username = "sandbox"
	}
	if o.Password == "" {
		o.Password = "sandbox"
	}
	if o.Step == 0 {
		o.Step = time.Second
	}
	if o.ActivationWaitSteps == 0 {
		o.ActivationWaitSteps = 10
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{
			Timeout: 10 * time.Second,
			// Bandwidth's callback service is not documented to follow redirects; a 3xx is
			// recorded as a failed callback like any other non-200 answer.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.IdlePerStep == 0 {
		o.IdlePerStep = time.Minute
	}
	return o
}

func (o Options) validate() error {
	var errs []error
	if o.Step < 0 {
		errs = append(errs, fmt.Errorf("step %v is negative", o.Step))
	}
	if o.TokenTTL < 0 {
		errs = append(errs, fmt.Errorf("token TTL %v is negative", o.TokenTTL))
	}
	if o.ActivationWaitSteps < 0 {
		errs = append(errs, fmt.Errorf("activation wait steps %d is negative", o.ActivationWaitSteps))
	}
	if err := o.Faults.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Sandbox is an in-process Bandwidth. All methods are safe for concurrent use.
type Sandbox struct {
	opts    Options
	handler http.Handler
	sched   scheduler
	started time.Time // real time, for the draft clock

	// mu guards all order, subscription, token and log state below. No I/O happens under it.
	mu             sync.Mutex
	portins        map[string]*portIn
	portinSeq      []*portIn // creation order, for listing and pagination
	portinPos      map[string]int
	portinsByCOID  map[string][]*portIn
	tnHolder       map[string]*portIn // numbers held by a live (non-draft, non-final) port-in
	portinsByTN    map[string][]*portIn
	csrs           map[string]*csrOrder
	csrSeq         []*csrOrder
	csrPos         map[string]int
	csrsByCOID     map[string][]*csrOrder
	bulks          map[string]*bulkPortin
	subs           map[string]*subscription
	subSeq         []*subscription
	tokens         map[string]time.Time
	creates        map[createKey]int
	violations     []Violation
	callbacks      []*CallbackRecord
	rateLimitUntil map[string]time.Time
	idSeq          uint64 // callback record ids
	noteSeq        uint64

	// faultMu guards the fault settings, their random source and counters.
	faultMu    sync.Mutex
	faults     Faults
	rng        *rand.Rand
	faultStats FaultStats

	// queueMu guards the per-order callback queues that keep one order's callbacks in order.
	queueMu sync.Mutex
	queues  map[string]*callbackQueue
}

type createKey struct {
	orderType       string
	customerOrderID string
}

// New returns a running sandbox.
func New(opts Options) (*Sandbox, error) {
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("sandbox options: %w", err)
	}
	opts = opts.withDefaults()
	s := &Sandbox{
		opts:           opts,
		portins:        map[string]*portIn{},
		portinPos:      map[string]int{},
		portinsByCOID:  map[string][]*portIn{},
		tnHolder:       map[string]*portIn{},
		portinsByTN:    map[string][]*portIn{},
		csrs:           map[string]*csrOrder{},
		csrPos:         map[string]int{},
		csrsByCOID:     map[string][]*csrOrder{},
		bulks:          map[string]*bulkPortin{},
		subs:           map[string]*subscription{},
		tokens:         map[string]time.Time{},
		creates:        map[createKey]int{},
		rateLimitUntil: map[string]time.Time{},
		faults:         opts.Faults.withDefaults(opts.Step),
		rng:            rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		queues:         map[string]*callbackQueue{},
	}
	s.sched.timers = map[*time.Timer]struct{}{}
	s.handler = s.routes()
	s.started = time.Now()
	s.schedulePurgeSweep()
	return s, nil
}

// Handler returns the HTTP handler: the Bandwidth API under /api/accounts/{accountId}/…
// (also /api/v1/… and /v1.0/…), the token endpoint POST /api/v1/oauth2/token and the
// inspection endpoints under /_sandbox/.
func (s *Sandbox) Handler() http.Handler { return s.handler }

// Close stops all lifecycle timers and waits for callback deliveries in flight. Callbacks
// still queued are recorded as not sent. Close is idempotent; the API keeps answering.
func (s *Sandbox) Close() {
	s.sched.close()
}

func (s *Sandbox) now() time.Time { return s.opts.Now() }

func (s *Sandbox) logf(format string, args ...any) { s.opts.Logf(format, args...) }

// steps converts lifecycle steps to real time.
func (s *Sandbox) steps(n int) time.Duration { return time.Duration(n) * s.opts.Step }

// unlockAndDispatch releases mu. Callbacks emitted under it are already queued in emission order
// (emitLocked); their delivery goroutines take it from here.
func (s *Sandbox) unlockAndDispatch() {
	s.mu.Unlock()
}

// after runs fn under mu after n steps, then dispatches the callbacks it emitted.
func (s *Sandbox) after(n int, fn func()) {
	s.sched.after(s.steps(n), func() {
		s.mu.Lock()
		fn()
		s.unlockAndDispatch()
	})
}

// scheduler owns the lifecycle timers and background goroutines so Close can stop and await
// them.
type scheduler struct {
	mu     sync.Mutex
	closed bool
	timers map[*time.Timer]struct{}
	wg     sync.WaitGroup
}

func (sc *scheduler) after(d time.Duration, fn func()) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.closed {
		return
	}
	sc.wg.Add(1)
	var t *time.Timer
	// The callback takes sc.mu first, so it cannot observe t before the assignment below.
	t = time.AfterFunc(d, func() {
		defer sc.wg.Done()
		sc.mu.Lock()
		delete(sc.timers, t)
		closed := sc.closed
		sc.mu.Unlock()
		if !closed {
			fn()
		}
	})
	sc.timers[t] = struct{}{}
}

// goroutine runs fn in the background unless the scheduler is closed; it reports whether fn
// was started.
func (sc *scheduler) goroutine(fn func()) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.closed {
		return false
	}
	sc.wg.Add(1)
	go func() {
		defer sc.wg.Done()
		fn()
	}()
	return true
}

func (sc *scheduler) isClosed() bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.closed
}

func (sc *scheduler) close() {
	sc.mu.Lock()
	sc.closed = true
	for t := range sc.timers {
		if t.Stop() {
			sc.wg.Done() // the timer never fires, so its callback will not call Done
		}
		delete(sc.timers, t)
	}
	sc.mu.Unlock()
	sc.wg.Wait()
}

// newID returns a random UUID-shaped order id. Ids come from the seeded source too, so a run
// with the same Seed and the same calls produces the same ids.
func (s *Sandbox) newID() string {
	s.faultMu.Lock()
	hi, lo := s.rng.Uint64(), s.rng.Uint64()
	s.faultMu.Unlock()
	hi = hi&^(0xf<<12) | 0x4<<12 // version 4
	lo = lo&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}
