package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Faults makes the sandbox misbehave the way Bandwidth can. Shares are probabilities between
// 0 and 1, drawn from the sandbox's seeded random source. The zero value injects nothing.
type Faults struct {
	// DropCallbacks is the share of callbacks never sent.
	DropCallbacks float64
	// DuplicateCallbacks is the share of callbacks sent twice.
	DuplicateCallbacks float64
	// StaleCallbacks is the share of callbacks sent once more, StaleDelay later, after newer
	// ones for the same order.
	StaleCallbacks float64
	// StaleDelay is how late a stale callback comes (default 3 steps).
	StaleDelay time.Duration
	// Latency is added to every API call.
	Latency time.Duration
	// ServerErrors is the share of API calls answered 500 or 504 without any effect.
	ServerErrors float64
	// ErrorAfterCreate is the share of creates (POST portins, csrs, bulkPortins,
	// subscriptions) that succeed but answer 500: the order exists, the caller sees an error.
	ErrorAfterCreate float64
	// RateLimit is the share of calls to rate-limited endpoint groups answered 429 with
	// X-RateLimit-Reset; the group stays limited until then.
	RateLimit float64
	// RateLimitWindow is how long a group stays limited after a 429 (rounded up to whole
	// seconds, the resolution of X-RateLimit-Reset; default 1s).
	RateLimitWindow time.Duration
}

func (f Faults) validate() error {
	var errs []error
	shares := map[string]float64{
		"DropCallbacks": f.DropCallbacks, "DuplicateCallbacks": f.DuplicateCallbacks,
		"StaleCallbacks": f.StaleCallbacks, "ServerErrors": f.ServerErrors,
		"ErrorAfterCreate": f.ErrorAfterCreate, "RateLimit": f.RateLimit,
	}
	for name, v := range shares {
		if v < 0 || v > 1 {
			errs = append(errs, fmt.Errorf("fault %s = %v is not a share between 0 and 1", name, v))
		}
	}
	durations := map[string]time.Duration{"StaleDelay": f.StaleDelay, "Latency": f.Latency, "RateLimitWindow": f.RateLimitWindow}
	for name, d := range durations {
		if d < 0 {
			errs = append(errs, fmt.Errorf("fault %s = %v is negative", name, d))
		}
	}
	return errors.Join(errs...)
}

func (f Faults) withDefaults(step time.Duration) Faults {
	if f.StaleDelay == 0 {
		f.StaleDelay = 3 * step
	}
	if f.RateLimitWindow == 0 {
		f.RateLimitWindow = time.Second
	}
	return f
}

// faultsJSON is the wire form of Faults on the inspection endpoint; durations are Go duration
// strings ("150ms").
type faultsJSON struct {
	DropCallbacks      float64 `json:"dropCallbacks"`
	DuplicateCallbacks float64 `json:"duplicateCallbacks"`
	StaleCallbacks     float64 `json:"staleCallbacks"`
	StaleDelay         string  `json:"staleDelay,omitempty"`
	Latency            string  `json:"latency,omitempty"`
	ServerErrors       float64 `json:"serverErrors"`
	ErrorAfterCreate   float64 `json:"errorAfterCreate"`
	RateLimit          float64 `json:"rateLimit"`
	RateLimitWindow    string  `json:"rateLimitWindow,omitempty"`
}

// MarshalJSON writes durations as Go duration strings.
func (f Faults) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultsJSON{
		DropCallbacks: f.DropCallbacks, DuplicateCallbacks: f.DuplicateCallbacks,
		StaleCallbacks: f.StaleCallbacks, StaleDelay: f.StaleDelay.String(), Latency: f.Latency.String(),
		ServerErrors: f.ServerErrors, ErrorAfterCreate: f.ErrorAfterCreate,
		RateLimit: f.RateLimit, RateLimitWindow: f.RateLimitWindow.String(),
	})
}

// UnmarshalJSON reads durations as Go duration strings; omitted durations stay zero.
func (f *Faults) UnmarshalJSON(b []byte) error {
	var j faultsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("decode faults: %w", err)
	}
	parse := func(name, s string) (time.Duration, error) {
		if s == "" {
			return 0, nil
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("decode faults: %s: %w", name, err)
		}
		return d, nil
	}
	out := Faults{
		DropCallbacks: j.DropCallbacks, DuplicateCallbacks: j.DuplicateCallbacks,
		StaleCallbacks: j.StaleCallbacks, ServerErrors: j.ServerErrors,
		ErrorAfterCreate: j.ErrorAfterCreate, RateLimit: j.RateLimit,
	}
	var err error
	if out.StaleDelay, err = parse("staleDelay", j.StaleDelay); err != nil {
		return err
	}
	if out.Latency, err = parse("latency", j.Latency); err != nil {
		return err
	}
	if out.RateLimitWindow, err = parse("rateLimitWindow", j.RateLimitWindow); err != nil {
		return err
	}
	*f = out
	return nil
}

// FaultStats counts the faults injected so far.
type FaultStats struct {
	Latency            int `json:"latency"`
	ServerErrors       int `json:"serverErrors"`
	ErrorsAfterCreate  int `json:"errorsAfterCreate"`
	RateLimited        int `json:"rateLimited"`
	DroppedCallbacks   int `json:"droppedCallbacks"`
	DuplicateCallbacks int `json:"duplicateCallbacks"`
	StaleCallbacks     int `json:"staleCallbacks"`
}

// SetFaults replaces the fault injection from now on.
func (s *Sandbox) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return fmt.Errorf("set faults: %w", err)
	}
	s.faultMu.Lock()
	s.faults = f.withDefaults(s.opts.Step)
	s.faultMu.Unlock()
	return nil
}

// CurrentFaults returns the fault injection in force (with defaults filled in).
func (s *Sandbox) CurrentFaults() Faults { return s.currentFaults() }

// FaultStats returns how many faults have been injected.
func (s *Sandbox) FaultStats() FaultStats {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.faultStats
}

func (s *Sandbox) currentFaults() Faults {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.faults
}

func (s *Sandbox) countFault(fn func(*FaultStats)) {
	s.faultMu.Lock()
	fn(&s.faultStats)
	s.faultMu.Unlock()
}

// chance draws once from the seeded source; a share of 0 draws nothing, so turning a fault
// off does not shift the sequence of the others.
func (s *Sandbox) chance(share func(Faults) float64, count func(*FaultStats)) bool {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	p := share(s.faults)
	if p <= 0 || s.rng.Float64() >= p {
		return false
	}
	count(&s.faultStats)
	return true
}

// injectedServerError returns 500 or 504 when the server-error fault fires, else 0.
func (s *Sandbox) injectedServerError() int {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.faults.ServerErrors <= 0 || s.rng.Float64() >= s.faults.ServerErrors {
		return 0
	}
	s.faultStats.ServerErrors++
	if s.rng.IntN(4) == 0 {
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

func (s *Sandbox) injectErrorAfterCreate() bool {
	return s.chance(func(f Faults) float64 { return f.ErrorAfterCreate }, func(st *FaultStats) { st.ErrorsAfterCreate++ })
}

func (s *Sandbox) injectRateLimit() (time.Duration, bool) {
	fire := s.chance(func(f Faults) float64 { return f.RateLimit }, func(st *FaultStats) { st.RateLimited++ })
	return s.currentFaults().RateLimitWindow, fire
}
