// Package callbacks owns the intake of Bandwidth's order notifications (POST /callbacks/bandwidth):
// the basic-auth challenge Bandwidth expects, the body size limit, the lenient <Notification>
// parse, the dedupe key, and the hand-off of every authenticated body to a Receiver that makes it
// durable before the 200 goes back. Bandwidth never retries a callback, so the handler answers 200
// only once the notification is committed, answers a duplicate 200 without storing it twice, keeps
// malformed bodies for an operator to read, and fails fast with 503 when the database is gone (the
// reconciler's polling recovers what that loses). Callbacks arriving together are committed
// together (group commit, see groupWriter), which is what lets the intake keep up with a burst.
// It also serves the operator's read-only view of the inbox (InboxHandler).
//
// The package sees the rest of portflow only through the interfaces it declares (Receiver,
// BatchReceiver, InboxLister) and the store's plain row types; it writes no SQL and knows nothing
// of order states.
package callbacks

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/problem"
	"github.com/portflow/portflow/internal/store"
)

// Inbound is an authenticated callback ready to be made durable: the raw body and content type,
// the parsed fields as plain values, the dedupe key, and the malformed flag with its parse error.
type Inbound = store.InboundCallback

// Accepted is the Receiver's answer: the inbox entry holding the callback, and whether it was a
// duplicate of one already stored.
type Accepted = store.AcceptedCallback

// Receiver makes a callback durable. Accept must commit the callback (and enqueue its processing)
// before returning nil, return Duplicate for a dedupe key it already holds without enqueuing
// anything, and respect ctx's deadline. store.InboxReceiver is the production implementation.
type Receiver interface {
	Accept(ctx context.Context, in Inbound) (Accepted, error)
}

// Credential is a basic-auth pair Bandwidth presents on callbacks.
type Credential struct {
	Username string
	Password string
}

// Realm is announced in the WWW-Authenticate challenge.
const Realm = "portflow"

// Defaults for Options left zero.
const (
	DefaultMaxBodyBytes        = 1 << 20
	DefaultAcceptTimeout       = 1500 * time.Millisecond
	DefaultMaxBatch            = 64
	DefaultMaxConcurrentWrites = 2
)

// Options configure the callback handler.
type Options struct {
	// Credentials are the accepted basic-auth pairs: the current one, plus the previous one while
	// a rotation is under way. Pairs with both fields empty are ignored; at least one is required.
	Credentials []Credential
	// MaxBodyBytes caps the body; larger callbacks get 413. 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// AcceptTimeout bounds the wait for the Receiver, so that a dead database answers 503
	// quickly instead of hanging Bandwidth's request. 0 means DefaultAcceptTimeout.
	AcceptTimeout time.Duration
	// MaxBatch caps how many callbacks arriving together share one transaction when the
	// Receiver is a BatchReceiver (group commit); 1 writes each in its own. 0 means
	// DefaultMaxBatch.
	MaxBatch int
	// MaxConcurrentWrites caps the group transactions in flight at once, and so the database
	// connections the intake holds, leaving the rest of the pool to the workers and the API.
	// 0 means DefaultMaxConcurrentWrites.
	MaxConcurrentWrites int
	// Logger receives the handler's log lines; nil discards them.
	Logger *zap.Logger
	// Registry gets the callback metrics; nil keeps them unregistered.
	Registry *prometheus.Registry
}

// Handler serves POST /callbacks/bandwidth.
type Handler struct {
	receiver      Receiver
	credentials   []credentialDigest
	maxBodyBytes  int64
	acceptTimeout time.Duration
	log           *zap.Logger
	metrics       *metrics
	// group commits callbacks that arrive together in one transaction; nil writes each alone.
	group *groupWriter
}

// credentialDigest holds SHA-256 digests of a configured pair. Comparing fixed-size digests in
// constant time reveals neither the contents nor the lengths of the secrets.
type credentialDigest struct {
	username [sha256.Size]byte
	password [sha256.Size]byte
}

// NewHandler builds the callback handler around a Receiver.
func NewHandler(receiver Receiver, opts Options) (*Handler, error) {
	if receiver == nil {
		return nil, errors.New("callbacks: a Receiver is required")
	}
	h := &Handler{
		receiver:      receiver,
		maxBodyBytes:  opts.MaxBodyBytes,
		acceptTimeout: opts.AcceptTimeout,
		log:           opts.Logger,
	}
	for i, c := range opts.Credentials {
		switch {
		case c.Username == "" && c.Password == "":
			continue
		case c.Username == "" || c.Password == "":
			return nil, fmt.Errorf("callbacks: credential pair %d has an empty username or password", i+1)
		}
		h.credentials = append(h.credentials, credentialDigest{
			username: sha256.Sum256([]byte(c.Username)),
			password: sha256.Sum256([]byte(c.Password)),
		})
	}
	if len(h.credentials) == 0 {
		return nil, errors.New("callbacks: at least one callback credential pair is required")
	}
	if h.maxBodyBytes <= 0 {
		h.maxBodyBytes = DefaultMaxBodyBytes
	}
	if h.acceptTimeout <= 0 {
		h.acceptTimeout = DefaultAcceptTimeout
	}
	if h.log == nil {
		h.log = zap.NewNop()
	}
	h.log = h.log.Named("callbacks")
	m, err := newMetrics(opts.Registry)
	if err != nil {
		return nil, err
	}
	h.metrics = m
	maxBatch := opts.MaxBatch
	if maxBatch <= 0 {
		maxBatch = DefaultMaxBatch
	}
	if batcher, ok := receiver.(BatchReceiver); ok && maxBatch > 1 {
		writers := opts.MaxConcurrentWrites
		if writers <= 0 {
			writers = DefaultMaxConcurrentWrites
		}
		h.group = &groupWriter{receiver: batcher, maxBatch: maxBatch, maxWriters: writers,
			timeout: h.acceptTimeout, batchSize: m.batchSize}
	}
	return h, nil
}

// ServeHTTP takes one notification: auth → size limit → read → decode → Receiver (directly, or
// through the group writer) → 200/400/415/503.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		problem.Respond(w, r, http.StatusMethodNotAllowed, "method_not_allowed", "Bandwidth notifications are POSTed")
		return
	}
	labels := labelsNone
	outcome := h.serve(w, r, &labels)
	h.metrics.observe(labels, outcome, time.Since(start))
}

// serve handles an authenticated-or-not POST and returns the outcome to count; labels receives
// the notification's order type and status once they are known.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, labels *metricLabels) outcome {
	if !h.authorized(r) {
		// Bandwidth's first attempt never carries credentials: without the challenge it would
		// never send the body. The body of an unauthenticated request is not read.
		if _, _, present := r.BasicAuth(); present {
			h.log.Warn("callback with wrong credentials rejected",
				zap.String("request_id", problem.RequestIDFunc(r)), zap.String("remote", r.RemoteAddr))
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="`+Realm+`"`)
		problem.Respond(w, r, http.StatusUnauthorized, "unauthorized", "callbacks need the basic-auth credentials configured on the Bandwidth subscription")
		return outcomeUnauthorized
	}

	body, err := h.readBody(w, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.log.Warn("callback body over the limit rejected", zap.String("request_id", problem.RequestIDFunc(r)),
				zap.Int64("limit_bytes", h.maxBodyBytes), zap.Int64("content_length", r.ContentLength))
			problem.Respond(w, r, http.StatusRequestEntityTooLarge, "body_too_large",
				"the notification exceeds "+strconv.FormatInt(h.maxBodyBytes, 10)+" bytes")
			return outcomeTooLarge
		}
		// The client went away or stalled mid-body: there is nobody to answer and nothing whole
		// to keep.
		h.log.Info("callback body could not be read", zap.String("request_id", problem.RequestIDFunc(r)), zap.Error(err))
		problem.Respond(w, r, http.StatusBadRequest, "unreadable_body", "the request body could not be read")
		return outcomeReadError
	}

	contentType := r.Header.Get("Content-Type")
	in, status := buildInbound(body, contentType)
	if !in.Malformed {
		*labels = labelsFor(in.OrderType, in.Status)
	}

	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), h.acceptTimeout)
	defer cancel()
	// WithoutCancel: a callback Bandwidth gave up on mid-transaction is still worth keeping; the
	// deadline alone bounds the work.
	var acc Accepted
	if h.group != nil {
		acc, err = h.group.accept(ctx, in)
	} else {
		acc, err = h.receiver.Accept(ctx, in)
	}
	if err != nil {
		h.log.Error("callback could not be stored; answering 503 (polling will recover the change)",
			zap.String("request_id", problem.RequestIDFunc(r)), zap.Error(err))
		w.Header().Set("Retry-After", "5")
		problem.Respond(w, r, http.StatusServiceUnavailable, "inbox_unavailable",
			"the notification could not be stored; portflow's reconciliation will pick the change up")
		return outcomeUnavailable
	}

	if in.Malformed {
		h.log.Warn("malformed callback kept in the inbox", zap.String("request_id", problem.RequestIDFunc(r)),
			zap.Int64("inbox_id", acc.InboxID), zap.Bool("duplicate", acc.Duplicate), zap.Int("bytes", len(body)))
		code := "malformed_notification"
		if status == http.StatusUnsupportedMediaType {
			code = "unsupported_media_type"
		}
		problem.Respond(w, r, status, code, in.ParseError+" (kept as inbox entry "+strconv.FormatInt(acc.InboxID, 10)+")")
		return outcomeMalformed
	}

	if ce := h.log.Check(zap.DebugLevel, "callback accepted"); ce != nil {
		ce.Write(zap.String("request_id", problem.RequestIDFunc(r)), zap.Int64("inbox_id", acc.InboxID),
			zap.String("order_type", in.OrderType), zap.String("order_id", in.OrderID),
			zap.String("status", in.Status), zap.Bool("duplicate", acc.Duplicate), zap.String("intake_outcome", string(acc.Outcome)))
	}
	writeAck(w, acc)
	switch {
	case acc.Duplicate:
		return outcomeDuplicate
	case acc.Outcome == store.InboxUnknownOrder:
		return outcomeUnknownOrder
	default:
		return outcomeAccepted
	}
}

// authorized compares the presented pair with every configured pair in constant time (no early
// exit, so the time taken does not tell which pair, or which half, was wrong).
func (h *Handler) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	userDigest := sha256.Sum256([]byte(user))
	passDigest := sha256.Sum256([]byte(pass))
	match := 0
	for _, c := range h.credentials {
		match |= subtle.ConstantTimeCompare(userDigest[:], c.username[:]) & subtle.ConstantTimeCompare(passDigest[:], c.password[:])
	}
	return match == 1
}

// readBody reads the whole body, refusing more than maxBodyBytes. A declared Content-Length over
// the limit is refused before reading anything.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > h.maxBodyBytes {
		return nil, &http.MaxBytesError{Limit: h.maxBodyBytes}
	}
	capacity := int64(512)
	if r.ContentLength >= 0 {
		capacity = r.ContentLength + 1 // +1: room to see EOF without growing
	}
	body := http.MaxBytesReader(w, r.Body, h.maxBodyBytes)
	buf := make([]byte, 0, capacity)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// writeAck sends the 200: {"inbox_id":N,"duplicate":bool}. Bandwidth records only the status
// line; the inbox id helps whoever reads the subscription's status or replays a callback by hand.
// Written by hand: it is on every callback's path and needs no encoder.
func writeAck(w http.ResponseWriter, acc Accepted) {
	b := make([]byte, 0, 48)
	b = append(b, `{"inbox_id":`...)
	b = strconv.AppendInt(b, acc.InboxID, 10)
	b = append(b, `,"duplicate":`...)
	b = strconv.AppendBool(b, acc.Duplicate)
	b = append(b, "}\n"...)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
