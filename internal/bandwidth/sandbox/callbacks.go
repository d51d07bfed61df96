package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Order types as subscriptions and notifications spell them.
const (
	orderTypePortins     = "portins"
	orderTypeCSRs        = "csrs"
	orderTypeBulkPortins = "bulkPortins"
)

// CallbackOutcome is what became of one callback.
type CallbackOutcome string

// Callback outcomes.
const (
	CallbackPending   CallbackOutcome = "pending"   // queued or in flight
	CallbackDelivered CallbackOutcome = "delivered" // the body reached the receiver and it answered 200
	CallbackFailed    CallbackOutcome = "failed"    // any other answer or a transport error; never retried
	// CallbackLost: the Basic-auth handshake broke, so the body never reached the receiver —
	// a 401 without WWW-Authenticate, or a 2xx to the unauthenticated challenge request.
	CallbackLost    CallbackOutcome = "lost"
	CallbackDropped CallbackOutcome = "dropped"  // dropped by the DropCallbacks fault
	CallbackNotSent CallbackOutcome = "not-sent" // the sandbox was closed before it was sent
)

// CallbackRecord is one callback the sandbox sent or meant to send.
type CallbackRecord struct {
	ID              int               `json:"id"`
	Time            time.Time         `json:"time"`
	SubscriptionID  string            `json:"subscriptionId"`
	URL             string            `json:"url"`
	OrderType       string            `json:"orderType"`
	OrderID         string            `json:"orderId"`
	CustomerOrderID string            `json:"customerOrderId,omitempty"`
	Status          string            `json:"status"`
	Body            string            `json:"body"`
	Fault           string            `json:"fault,omitempty"` // "duplicate" or "stale" for injected extra copies
	Outcome         CallbackOutcome   `json:"outcome"`
	Detail          string            `json:"detail,omitempty"`
	Attempts        []CallbackAttempt `json:"attempts,omitempty"`
}

// CallbackAttempt is one HTTP POST of a callback.
type CallbackAttempt struct {
	Time       time.Time `json:"time"`
	Authorized bool      `json:"authorized"` // carried Basic credentials
	WithBody   bool      `json:"withBody"`
	StatusCode int       `json:"statusCode,omitempty"`
	Error      string    `json:"error,omitempty"`
}

// Callbacks returns every callback record, oldest first.
func (s *Sandbox) Callbacks() []CallbackRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CallbackRecord, len(s.callbacks))
	for i, c := range s.callbacks {
		out[i] = *c
		out[i].Attempts = append([]CallbackAttempt(nil), c.Attempts...)
	}
	return out
}

// notification is an order event to announce to subscribers (PROTOCOL §2.4, §3).
type notification struct {
	orderType       string
	orderID         string
	customerOrderID string
	status          string
	message         string
	lastModified    time.Time
	actualFocDate   string
	completedTNs    []string
}

// delivery is one callback to one subscription.
type delivery struct {
	record   *CallbackRecord
	url      string
	username string
	password string
	body     []byte
}

// emitLocked renders the notification for every matching live callback subscription and
// queues the deliveries while mu is held, so that each order's callbacks are queued in the order
// its states changed (two timers firing back to back cannot swap FOC and COMPLETE).
func (s *Sandbox) emitLocked(n notification) {
	now := s.now()
	for _, sub := range s.subSeq {
		if !sub.matches(n, now) {
			continue
		}
		body, err := sub.render(n)
		if err != nil {
			s.logf("sandbox: render %s notification: %v", n.orderType, err)
			continue
		}
		s.idSeq++
		rec := &CallbackRecord{
			ID: int(s.idSeq), Time: now, SubscriptionID: sub.id, URL: sub.url, OrderType: n.orderType,
			OrderID: n.orderID, CustomerOrderID: n.customerOrderID, Status: n.status,
			Body: string(body), Outcome: CallbackPending,
		}
		s.callbacks = append(s.callbacks, rec)
		s.dispatchLocked(&delivery{record: rec, url: sub.url, username: sub.username, password: sub.password, body: body})
	}
}

// dispatchLocked applies the callback faults and queues the delivery. Called with mu held (lock
// order: mu, then faultMu, queueMu and the scheduler's lock; none of them is held while taking mu).
func (s *Sandbox) dispatchLocked(d *delivery) {
	if s.chance(func(f Faults) float64 { return f.DropCallbacks }, func(st *FaultStats) { st.DroppedCallbacks++ }) {
		d.record.Outcome, d.record.Detail = CallbackDropped, "dropped by the DropCallbacks fault"
		return
	}
	s.enqueue(d)
	if s.chance(func(f Faults) float64 { return f.DuplicateCallbacks }, func(st *FaultStats) { st.DuplicateCallbacks++ }) {
		s.enqueue(s.copyDeliveryLocked(d, "duplicate"))
	}
	if s.chance(func(f Faults) float64 { return f.StaleCallbacks }, func(st *FaultStats) { st.StaleCallbacks++ }) {
		stale := s.copyDeliveryLocked(d, "stale")
		s.sched.after(s.currentFaults().StaleDelay, func() { s.enqueue(stale) })
	}
}

// copyDeliveryLocked records an injected extra copy of a callback. Called with mu held.
func (s *Sandbox) copyDeliveryLocked(d *delivery, fault string) *delivery {
	s.idSeq++
	rec := *d.record
	rec.ID, rec.Time, rec.Fault, rec.Outcome, rec.Detail, rec.Attempts = int(s.idSeq), s.now(), fault, CallbackPending, "", nil
	s.callbacks = append(s.callbacks, &rec)
	cp := *d
	cp.record = &rec
	return &cp
}

// callbackQueue sends one subscription's callbacks for one order in order, so a fast
// lifecycle cannot make FOC overtake SUBMITTED; different orders are delivered concurrently.
type callbackQueue struct {
	items []*delivery
}

func (s *Sandbox) enqueue(d *delivery) {
	key := d.record.SubscriptionID + "/" + d.record.OrderID
	s.queueMu.Lock()
	q, running := s.queues[key]
	if !running {
		q = &callbackQueue{}
		s.queues[key] = q
	}
	q.items = append(q.items, d)
	s.queueMu.Unlock()
	if running {
		return
	}
	if !s.sched.goroutine(func() { s.drain(key, q) }) {
		// Closed: drain marks everything not sent without any I/O. It takes mu, which the
		// caller may hold, so it runs on its own goroutine.
		go s.drain(key, q)
	}
}

func (s *Sandbox) drain(key string, q *callbackQueue) {
	for {
		s.queueMu.Lock()
		if len(q.items) == 0 {
			delete(s.queues, key)
			s.queueMu.Unlock()
			return
		}
		d := q.items[0]
		q.items = q.items[1:]
		s.queueMu.Unlock()
		if s.sched.isClosed() {
			s.finish(d.record, CallbackNotSent, "the sandbox was closed before the callback was sent", nil)
			continue
		}
		s.deliver(d)
	}
}

// deliver performs Bandwidth's callback exchange: a first POST without credentials; when the
// subscription has Basic credentials that first POST carries no body and only a 401 with
// WWW-Authenticate earns a second POST with credentials and the body. A non-200 answer is
// recorded on the subscription and never retried.
func (s *Sandbox) deliver(d *delivery) {
	hasCredentials := d.username != ""
	var attempts []CallbackAttempt
	first, err := s.post(d, false, !hasCredentials, &attempts)
	var outcome CallbackOutcome
	var detail string
	final, finalErr := first, err
	switch {
	case err != nil:
		outcome, detail = CallbackFailed, "transport error: "+err.Error()
	case first.code == http.StatusUnauthorized && hasCredentials && first.challenge == "":
		outcome, detail = CallbackLost, "401 without WWW-Authenticate: no authorized retry is made and the notification is lost"
	case first.code == http.StatusUnauthorized && hasCredentials:
		second, err2 := s.post(d, true, true, &attempts)
		final, finalErr = second, err2
		switch {
		case err2 != nil:
			outcome, detail = CallbackFailed, "transport error on the authorized retry: "+err2.Error()
		case second.code == http.StatusOK:
			outcome = CallbackDelivered
		default:
			outcome, detail = CallbackFailed, fmt.Sprintf("authorized retry answered %d", second.code)
		}
	case first.code == http.StatusOK && !hasCredentials:
		outcome = CallbackDelivered
	case first.code >= 200 && first.code < 300 && hasCredentials:
		outcome, detail = CallbackLost, fmt.Sprintf(
			"answered %d to the unauthenticated challenge request, so the notification body was never sent", first.code)
	default:
		outcome, detail = CallbackFailed, fmt.Sprintf("answered %d", first.code)
	}
	s.finish(d.record, outcome, detail, attempts)

	status := final.statusLine()
	if finalErr != nil {
		status = "error: " + finalErr.Error()
	}
	s.mu.Lock()
	if sub, ok := s.subs[d.record.SubscriptionID]; ok {
		sub.status = status
	}
	s.mu.Unlock()
	s.logf("sandbox: callback %d %s %s %s → %s %s", d.record.ID, d.record.OrderType, d.record.OrderID, d.record.Status, outcome, detail)
}

type postResult struct {
	code      int
	challenge string
	body      string
}

// statusLine is what Bandwidth keeps in the subscription's <Status>: the code, and the
// answer's body for a failure.
func (p postResult) statusLine() string {
	line := fmt.Sprintf("%d %s", p.code, http.StatusText(p.code))
	if p.code != http.StatusOK && strings.TrimSpace(p.body) != "" {
		line += ": " + strings.TrimSpace(p.body)
	}
	return line
}

func (s *Sandbox) post(d *delivery, authorized, withBody bool, attempts *[]CallbackAttempt) (postResult, error) {
	attempt := CallbackAttempt{Time: s.now(), Authorized: authorized, WithBody: withBody}
	var body io.Reader = http.NoBody
	if withBody {
		body = bytes.NewReader(d.body)
	}
	req, err := http.NewRequest(http.MethodPost, d.url, body)
	if err != nil {
		attempt.Error = err.Error()
		*attempts = append(*attempts, attempt)
		return postResult{}, fmt.Errorf("build callback request: %w", err)
	}
	req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	req.Header.Set("User-Agent", "portflow-bandwidth-sandbox")
	if authorized {
		req.SetBasicAuth(d.username, d.password)
	}
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		attempt.Error = err.Error()
		*attempts = append(*attempts, attempt)
		return postResult{}, fmt.Errorf("post callback: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	attempt.StatusCode = resp.StatusCode
	*attempts = append(*attempts, attempt)
	return postResult{code: resp.StatusCode, challenge: resp.Header.Get("WWW-Authenticate"), body: string(answer)}, nil
}

func (s *Sandbox) finish(rec *CallbackRecord, outcome CallbackOutcome, detail string, attempts []CallbackAttempt) {
	s.mu.Lock()
	rec.Outcome, rec.Detail, rec.Attempts = outcome, detail, attempts
	s.mu.Unlock()
}
