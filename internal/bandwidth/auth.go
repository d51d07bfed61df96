package bandwidth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// authenticator puts credentials on a request.
type authenticator interface {
	// authorize sets the Authorization header and returns the bearer token it used ("" for
	// Basic), so a 401 can invalidate exactly that token.
	authorize(ctx context.Context, req *http.Request) (token string, err error)
	// invalidate drops token from the cache if it is still the cached one.
	invalidate(token string)
}

// basicAuth is the legacy API user (switched off by Bandwidth on 2026-12-02).
type basicAuth struct{ username, password string }

func (b basicAuth) authorize(_ context.Context, req *http.Request) (string, error) {
	req.SetBasicAuth(b.username, b.password)
	return "", nil
}

func (basicAuth) invalidate(string) {}

const (
	// tokenRefreshMargin: a token is replaced this long before it expires, so no call carries a
	// token that dies in flight (the official CLI uses the same minute).
	tokenRefreshMargin = time.Minute
	// defaultTokenLifetime applies when the token response has no expires_in.
	defaultTokenLifetime = time.Hour
	// tokenRequestTimeout bounds one token request; it runs detached from any single caller.
	tokenRequestTimeout = 30 * time.Second
	// maxTokenResponseBytes caps the token response body.
	maxTokenResponseBytes = 1 << 16
)

// tokenSource fetches and caches OAuth2 client-credentials tokens. At most one token request is
// in flight at a time; concurrent callers wait for it (each bounded by its own context) and share
// its result.
type tokenSource struct {
	client       *Client
	tokenURL     string
	clientID     string
	clientSecret string

	mu       sync.Mutex
	token    string
	expires  time.Time
	inflight *tokenFetch
}

// tokenFetch is one token request that several callers may be waiting on.
type tokenFetch struct {
	done  chan struct{}
	token string
	err   error
}

func newTokenSource(c *Client, tokenURL, clientID, clientSecret string) *tokenSource {
	return &tokenSource{client: c, tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret}
}

func (s *tokenSource) authorize(ctx context.Context, req *http.Request) (string, error) {
	token, err := s.get(ctx)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return token, nil
}

func (s *tokenSource) invalidate(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == token {
		s.token = ""
		s.expires = time.Time{}
	}
}

// get returns a token valid for at least tokenRefreshMargin, fetching one if needed.
func (s *tokenSource) get(ctx context.Context) (string, error) {
	s.mu.Lock()
	if s.token != "" && s.client.now().Before(s.expires.Add(-tokenRefreshMargin)) {
		token := s.token
		s.mu.Unlock()
		return token, nil
	}
	f := s.inflight
	if f == nil {
		f = &tokenFetch{done: make(chan struct{})}
		s.inflight = f
		// The fetch outlives the caller that started it: others may be waiting on it, and a
		// token is worth having even if this caller gives up.
		go s.fetch(context.WithoutCancel(ctx), f)
	}
	s.mu.Unlock()

	select {
	case <-f.done:
		return f.token, f.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (s *tokenSource) fetch(ctx context.Context, f *tokenFetch) {
	ctx, cancel := context.WithTimeout(ctx, tokenRequestTimeout)
	defer cancel()
	token, lifetime, err := s.request(ctx)

	s.mu.Lock()
	if err == nil {
		s.token = token
		s.expires = s.client.now().Add(lifetime)
	}
	s.inflight = nil
	s.mu.Unlock()

	f.token, f.err = token, err
	close(f.done)
}

// tokenResponse is the JSON body of the token endpoint (success or RFC 6749 §5.2 error).
type tokenResponse struct {
	AccessToken      string          `json:"access_token"`
	TokenType        string          `json:"token_type"`
	ExpiresIn        json.RawMessage `json:"expires_in"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

const tokenEndpoint = "POST /oauth2/token"

// request performs one client-credentials token request.
func (s *tokenSource) request(ctx context.Context) (string, time.Duration, error) {
	started := s.client.now()
	observe := func(status int, class ErrorClass) {
		if s.client.cfg.Observe != nil {
			s.client.cfg.Observe(CallInfo{Endpoint: tokenEndpoint, Method: http.MethodPost, Status: status,
				Class: class, Duration: s.client.now().Sub(started), Attempt: 1})
		}
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, &Error{Endpoint: tokenEndpoint, Class: ClassAuth, Message: "build token request", Err: err}
	}
	// Bandwidth's own clients send the raw id and secret (no RFC 6749 §2.3.1 form-encoding).
	req.SetBasicAuth(s.clientID, s.clientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", s.client.cfg.UserAgent)

	res, err := s.client.http.Do(req)
	if err != nil {
		class := ClassOf(err)
		observe(0, class)
		return "", 0, &Error{Endpoint: tokenEndpoint, Class: class, Message: "token request failed", Err: err}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxTokenResponseBytes))
	if err != nil {
		observe(res.StatusCode, ClassRetryable)
		return "", 0, &Error{Endpoint: tokenEndpoint, Status: res.StatusCode, Class: ClassRetryable,
			Message: "read token response", Err: err}
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)

	if res.StatusCode < 200 || res.StatusCode > 299 || tr.AccessToken == "" {
		e := &Error{Endpoint: tokenEndpoint, Status: res.StatusCode}
		switch {
		case res.StatusCode == http.StatusTooManyRequests:
			e.Class, e.RetryAt = ClassRateLimited, rateLimitReset(res.Header, s.client.now())
		case res.StatusCode >= 500:
			e.Class = ClassRetryable
		default:
			// 400 invalid_client/unauthorized_client, 401: the credentials are wrong; a 2xx
			// without a token is a misconfigured token URL.
			e.Class = ClassAuth
		}
		switch {
		case tr.Error != "":
			e.Message = strings.TrimSpace(tr.Error + ": " + tr.ErrorDescription)
		case jsonErr != nil:
			e.Message = "token response is not JSON: " + firstLine(string(body), 120)
		default:
			e.Message = "token response has no access_token"
		}
		observe(res.StatusCode, e.Class)
		return "", 0, e
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer") {
		observe(res.StatusCode, ClassAuth)
		return "", 0, &Error{Endpoint: tokenEndpoint, Status: res.StatusCode, Class: ClassAuth,
			Message: fmt.Sprintf("unsupported token type %q", tr.TokenType)}
	}
	observe(res.StatusCode, ClassNone)
	return tr.AccessToken, tokenLifetime(tr.ExpiresIn), nil
}

// tokenLifetime reads expires_in (a number, or a numeric string from lax servers); missing or
// invalid means defaultTokenLifetime.
func tokenLifetime(raw json.RawMessage) time.Duration {
	var n json.Number
	if len(raw) == 0 || json.Unmarshal(raw, &n) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return defaultTokenLifetime
		}
		n = json.Number(s)
	}
	secs, err := n.Int64()
	if err != nil || secs <= 0 {
		return defaultTokenLifetime
	}
	return time.Duration(secs) * time.Second
}
