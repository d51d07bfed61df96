package bandwidth

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
)

// Defaults for Config fields left zero.
const (
	DefaultBaseURL          = "https://dashboard.bandwidth.com/api"
	DefaultTokenURL         = "https://api.bandwidth.com/api/v1/oauth2/token"
	DefaultMaxRetries       = 3
	DefaultRetryBaseDelay   = 250 * time.Millisecond
	DefaultRetryMaxDelay    = 8 * time.Second
	DefaultMaxRateLimitWait = 30 * time.Second
	DefaultRequestTimeout   = 30 * time.Second

	// NoRetries as Config.MaxRetries turns retries of idempotent calls off.
	NoRetries = -1

	// maxResponseBytes caps how much of a response body is read (LOA downloads are ≤3 MB).
	maxResponseBytes = 16 << 20
	// defaultRateLimitPause is assumed when a 429 carries no usable X-RateLimit-Reset.
	defaultRateLimitPause = time.Second
)

// Config configures a Client. AccountID and one set of credentials are required: OAuth2 client
// credentials (ClientID + ClientSecret), or the legacy API user (Username + Password), which
// Bandwidth switches off on 2026-12-02. When both are set, OAuth2 is used.
type Config struct {
	// BaseURL is the Numbers API root, without /accounts (BANDWIDTH_API_URL). Default
	// DefaultBaseURL.
	BaseURL   string
	AccountID string
	// TokenURL is the OAuth2 token endpoint (BANDWIDTH_TOKEN_URL). Default DefaultTokenURL.
	TokenURL     string
	ClientID     string
	ClientSecret string
	Username     string
	Password     string

	// HTTPClient carries every call. Default: a client with connection reuse and dial, TLS and
	// response-header timeouts (see NewHTTPClient). Its own Timeout, if any, still applies.
	HTTPClient *http.Client
	// UserAgent names portflow and its version, e.g. "portflow/1.4.0". Default "portflow/<module
	// version>" from the build info.
	UserAgent string
	// Observe, when set, is called after every attempt at a call (retries and token requests
	// included). It is called concurrently from the goroutines making calls and must not block.
	Observe func(CallInfo)

	// MaxRetries bounds retries of idempotent calls on retryable failures. 0 means
	// DefaultMaxRetries; NoRetries disables them. Creates (POST) are never retried blindly.
	MaxRetries int
	// RetryBaseDelay and RetryMaxDelay shape the capped exponential backoff with jitter.
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	// MaxRateLimitWait is the longest the client waits for an endpoint group's X-RateLimit-Reset
	// before making a call; a later reset (or a context deadline before it) returns a
	// ClassRateLimited error instead. Default DefaultMaxRateLimitWait; negative never waits.
	MaxRateLimitWait time.Duration
	// RequestTimeout bounds each attempt when the context has no earlier deadline.
	RequestTimeout time.Duration

	// Now is the clock; tests replace it. Default time.Now.
	Now func() time.Time
}

// CallInfo describes one attempt at one call, for metrics and logs. It never carries credentials
// or bodies.
type CallInfo struct {
	// Endpoint is the route template, e.g. "GET /portins/{id}"; the token request is
	// "POST /oauth2/token".
	Endpoint string
	Method   string
	// Status is the HTTP status; 0 when no response arrived (transport failure) or when the call
	// was held back locally because its endpoint group is rate-limited.
	Status int
	// Class is ClassNone for a success, otherwise the class of the failure.
	Class    ErrorClass
	Duration time.Duration
	// Attempt counts from 1 for each call.
	Attempt int
}

// Client calls Bandwidth's Numbers API for one account. It is safe for concurrent use; create one
// per process and share it (it owns the token cache, the rate-limit state and the connection pool).
type Client struct {
	cfg    Config
	base   *url.URL
	http   *http.Client
	auth   authenticator
	limits *rateLimits
	now    func() time.Time
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	var problems []string
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		problems = append(problems, fmt.Sprintf("BaseURL %q is not an absolute http(s) URL", cfg.BaseURL))
	}
	switch {
	case strings.TrimSpace(cfg.AccountID) == "":
		problems = append(problems, "AccountID is required")
	case strings.ContainsAny(cfg.AccountID, "/?#% "):
		problems = append(problems, fmt.Sprintf("AccountID %q contains characters an account id never has", cfg.AccountID))
	}
	oauth := cfg.ClientID != "" || cfg.ClientSecret != ""
	basic := cfg.Username != "" || cfg.Password != ""
	switch {
	case oauth && (cfg.ClientID == "" || cfg.ClientSecret == ""):
		problems = append(problems, "ClientID and ClientSecret must be set together")
	case !oauth && basic && (cfg.Username == "" || cfg.Password == ""):
		problems = append(problems, "Username and Password must be set together")
	case !oauth && !basic:
		problems = append(problems, "credentials are required: ClientID and ClientSecret (OAuth2), or Username and Password (legacy)")
	}
	if oauth {
		if cfg.TokenURL == "" {
			cfg.TokenURL = DefaultTokenURL
		}
		if u, err := url.Parse(cfg.TokenURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("TokenURL %q is not an absolute http(s) URL", cfg.TokenURL))
		}
	}
	if cfg.MaxRetries < NoRetries {
		problems = append(problems, fmt.Sprintf("MaxRetries %d is negative (use NoRetries to disable)", cfg.MaxRetries))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("bandwidth: invalid config: %s", strings.Join(problems, "; "))
	}

	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries == NoRetries:
		cfg.MaxRetries = 0
	}
	if cfg.RetryBaseDelay <= 0 {
		cfg.RetryBaseDelay = DefaultRetryBaseDelay
	}
	if cfg.RetryMaxDelay <= 0 {
		cfg.RetryMaxDelay = DefaultRetryMaxDelay
	}
	if cfg.MaxRateLimitWait == 0 {
		cfg.MaxRateLimitWait = DefaultMaxRateLimitWait
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = defaultUserAgent()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = NewHTTPClient()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}

	c := &Client{cfg: cfg, base: base, http: cfg.HTTPClient, now: cfg.Now, limits: newRateLimits()}
	if oauth {
		c.auth = newTokenSource(c, cfg.TokenURL, cfg.ClientID, cfg.ClientSecret)
	} else {
		c.auth = basicAuth{username: cfg.Username, password: cfg.Password}
	}
	return c, nil
}

// AccountID returns the account the client works on.
func (c *Client) AccountID() string { return c.cfg.AccountID }

// NewHTTPClient returns the http.Client a Client uses by default: keep-alive connection reuse,
// bounded dial, TLS-handshake and response-header waits, and no overall timeout (each call's
// deadline comes from its context and Config.RequestTimeout).
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.MaxIdleConns = 64
	t.MaxIdleConnsPerHost = 16
	t.IdleConnTimeout = 90 * time.Second
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 60 * time.Second
	t.ExpectContinueTimeout = time.Second
	return &http.Client{
		Transport: t,
		// Bandwidth does not redirect API calls; following one could replay a POST elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func defaultUserAgent() string {
	version := "dev"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	return "portflow/" + version + " (+https://github.com/portflow/portflow)"
}

// bodyErrorPolicy says what errors found inside a 2xx body mean for a call.
type bodyErrorPolicy int

const (
	// failOnBodyErrors: a 2xx carrying error codes is a failed call (Node SDK semantics).
	failOnBodyErrors bodyErrorPolicy = iota
	// keepBodyErrors: errors in a 2xx are part of the answer (CSR GET 26500, a port-in created
	// in EXCEPTION, lnpchecker PortabilityErrors, bulk tnList ErrorList); the typed response
	// carries them and the call succeeds.
	keepBodyErrors
)

// request describes one API call.
type request struct {
	method string
	// route is the path template after /accounts/{accountId}, e.g. "/portins/{id}".
	route string
	// path is the concrete, escaped path after /accounts/{accountId}.
	path  string
	query url.Values
	// body is marshaled as XML; rawBody (with contentType) is sent as is.
	body        any
	rawBody     []byte
	contentType string
	header      http.Header
	// idempotent calls are retried on retryable failures.
	idempotent bool
	// group is the rate-limit group; "" means the route itself.
	group      string
	bodyErrors bodyErrorPolicy
	// notFoundIsValidation: this endpoint answers 404 to invalid input (POST /subscriptions).
	notFoundIsValidation bool
}

func (r *request) endpoint() string { return r.method + " " + r.route }

// response is a completed call.
type response struct {
	status int
	header http.Header
	body   []byte
}

// send performs r with authentication, rate-limit discipline and retries, and returns the final
// response or a *Error.
func (c *Client) send(ctx context.Context, r *request) (*response, error) {
	payload, err := r.encodeBody()
	if err != nil {
		return nil, &Error{Endpoint: r.endpoint(), Class: ClassPermanent, Message: "request body could not be encoded", Err: err}
	}
	group := r.group
	if group == "" {
		group = r.endpoint()
	}
	attempt := 0
	retries := 0
	refreshed := false
	for {
		attempt++
		if err := c.limits.wait(ctx, group, c.now, c.cfg.MaxRateLimitWait); err != nil {
			e := &Error{Endpoint: r.endpoint(), Class: ClassOf(err), Err: err}
			if rl, ok := err.(*rateLimitedError); ok {
				e.Class, e.RetryAt, e.Err = ClassRateLimited, rl.until, nil
				e.Message = "endpoint group " + rl.group + " is rate-limited"
			}
			c.observe(r, 0, e.Class, 0, attempt)
			return nil, e
		}

		started := c.now()
		resp, token, sendErr := c.roundTrip(ctx, r, payload)
		elapsed := c.now().Sub(started)

		if sendErr != nil {
			e, isAPIError := asError(sendErr) // token request failures are already classified
			if !isAPIError {
				e = &Error{Endpoint: r.endpoint(), Class: ClassOf(sendErr), Err: sendErr}
			}
			c.observe(r, 0, e.Class, elapsed, attempt)
			if e.Class == ClassRetryable && r.idempotent && retries < c.cfg.MaxRetries && ctx.Err() == nil {
				retries++
				if err := c.pause(ctx, c.backoff(retries, nil)); err != nil {
					return nil, e
				}
				continue
			}
			return nil, e
		}

		callErr := c.checkResponse(r, resp)
		class := ClassOf(callErr)
		c.observe(r, resp.status, class, elapsed, attempt)
		if callErr == nil {
			return resp, nil
		}
		e := callErr.(*Error)

		switch {
		case resp.status == http.StatusUnauthorized && token != "" && !refreshed:
			// A cached token can be revoked or expire early; refresh once, then give up.
			refreshed = true
			c.auth.invalidate(token)
			continue
		case e.Class == ClassRateLimited:
			c.limits.block(group, e.RetryAt)
			// A 429 means the call was not processed, so repeating it is safe even for a POST:
			// the next loop waits for the reset when it is near enough.
			if retries < c.cfg.MaxRetries+1 && c.canWaitUntil(ctx, e.RetryAt) {
				retries++
				continue
			}
			return nil, e
		case e.Class == ClassRetryable && r.idempotent && retries < c.cfg.MaxRetries:
			retries++
			if err := c.pause(ctx, c.backoff(retries, resp.header)); err != nil {
				return nil, e
			}
			continue
		}
		return nil, e
	}
}

// canWaitUntil reports whether waiting until t is within MaxRateLimitWait and ctx's deadline.
func (c *Client) canWaitUntil(ctx context.Context, t time.Time) bool {
	wait := t.Sub(c.now())
	if wait <= 0 {
		return true
	}
	if c.cfg.MaxRateLimitWait < 0 || wait > c.cfg.MaxRateLimitWait {
		return false
	}
	if deadline, ok := ctx.Deadline(); ok && deadline.Before(t) {
		return false
	}
	return true
}

// roundTrip makes one HTTP attempt and reads the whole body. token is the bearer token used, if
// any, so a 401 can invalidate exactly that token.
func (c *Client) roundTrip(ctx context.Context, r *request, payload []byte) (*response, string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()

	u, err := c.accountURL(r.path)
	if err != nil {
		return nil, "", err
	}
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, "", fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/xml")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if payload != nil {
		ct := r.contentType
		if ct == "" {
			ct = "application/xml"
		}
		req.Header.Set("Content-Type", ct)
	}
	for k, vs := range r.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	token, err := c.auth.authorize(ctx, req)
	if err != nil {
		return nil, "", err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, token, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes+1))
	if err != nil {
		return nil, token, fmt.Errorf("read response: %w", err)
	}
	if len(data) > maxResponseBytes {
		return nil, token, fmt.Errorf("response body larger than %d bytes", maxResponseBytes)
	}
	return &response{status: res.StatusCode, header: res.Header, body: data}, token, nil
}

// accountURL returns BaseURL/accounts/{accountId}{path}; path is already escaped.
func (c *Client) accountURL(path string) (*url.URL, error) {
	raw := strings.TrimRight(c.base.String(), "/") + "/accounts/" + url.PathEscape(c.cfg.AccountID) + path
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("build URL: %w", err)
	}
	return u, nil
}

// checkResponse turns a response into nil (success) or a classified *Error.
func (c *Client) checkResponse(r *request, resp *response) error {
	ok := resp.status >= 200 && resp.status < 300
	if ok && r.bodyErrors == keepBodyErrors {
		return nil
	}
	details, message, decodeErr := DecodeErrors(resp.body)
	if ok && len(details) == 0 {
		return nil
	}
	e := &Error{
		Endpoint: r.endpoint(),
		Status:   resp.status,
		Codes:    details,
		Message:  message,
		Class:    classifyResponse(resp.status, details, r.notFoundIsValidation),
	}
	if decodeErr != nil && !ok {
		// A non-XML error body (an HTML error page from a proxy, a plain-text 502) is still
		// worth showing, briefly.
		e.Message = strings.TrimSpace(firstLine(string(resp.body), 200))
	}
	if e.Class == ClassRateLimited {
		e.RetryAt = rateLimitReset(resp.header, c.now())
		if e.RetryAt.IsZero() {
			e.RetryAt = c.now().Add(defaultRateLimitPause)
		}
	}
	if e.Message == "" && len(e.Codes) == 0 {
		e.Message = http.StatusText(resp.status)
	}
	return e
}

func firstLine(s string, max int) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

func (r *request) encodeBody() ([]byte, error) {
	if r.rawBody != nil {
		return r.rawBody, nil
	}
	if r.body == nil {
		return nil, nil
	}
	return marshalXML(r.body)
}

// marshalXML encodes v as an XML document with the standard declaration.
func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	return buf.Bytes(), nil
}

// backoff returns the delay before retry number n (1-based): exponential from RetryBaseDelay,
// capped at RetryMaxDelay, with "equal jitter" (half fixed, half random) so replicas retrying
// together spread out but never retry immediately. A Retry-After header within the cap wins.
func (c *Client) backoff(n int, h http.Header) time.Duration {
	if h != nil {
		if t := rateLimitReset(http.Header{"Retry-After": h.Values("Retry-After")}, c.now()); !t.IsZero() {
			if d := t.Sub(c.now()); d > 0 && d <= c.cfg.RetryMaxDelay {
				return d
			}
		}
	}
	d := c.cfg.RetryBaseDelay << min(n-1, 20)
	if d <= 0 || d > c.cfg.RetryMaxDelay {
		d = c.cfg.RetryMaxDelay
	}
	half := d / 2
	return half + rand.N(half+1)
}

// pause waits d or until ctx ends.
func (c *Client) pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) observe(r *request, status int, class ErrorClass, d time.Duration, attempt int) {
	if c.cfg.Observe == nil {
		return
	}
	c.cfg.Observe(CallInfo{Endpoint: r.endpoint(), Method: r.method, Status: status, Class: class, Duration: d, Attempt: attempt})
}

// call performs r and decodes a 2xx body into out (when out is non-nil and the body is not empty).
func (c *Client) call(ctx context.Context, r *request, out any) (*response, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	if out != nil && len(bytes.TrimSpace(resp.body)) > 0 {
		if err := decodeXML(resp.body, out); err != nil {
			return resp, &Error{Endpoint: r.endpoint(), Status: resp.status, Class: ClassPermanent,
				Message: "response could not be decoded", Err: err}
		}
	}
	return resp, nil
}

// locationID returns the last path segment of the Location header (the id of a created resource).
func locationID(h http.Header) string {
	loc := strings.TrimSpace(h.Get("Location"))
	if loc == "" {
		return ""
	}
	if u, err := url.Parse(loc); err == nil {
		loc = u.Path
	}
	loc = strings.TrimRight(loc, "/")
	if i := strings.LastIndexByte(loc, '/'); i >= 0 {
		loc = loc[i+1:]
	}
	if s, err := url.PathUnescape(loc); err == nil {
		return s
	}
	return loc
}

// pathID escapes one path segment and rejects empty ids, which would silently address a list.
func pathID(kind, id string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return "", fmt.Errorf("%w: %s id is empty", ErrInvalidRequest, kind)
	}
	return url.PathEscape(id), nil
}
