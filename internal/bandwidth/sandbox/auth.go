package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// handleToken is Bandwidth's OAuth2 client-credentials token endpoint:
// POST /api/v1/oauth2/token, form grant_type=client_credentials, client id and secret as
// HTTP Basic (or as client_id/client_secret form fields), JSON reply.
func (s *Sandbox) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the form body could not be parsed")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if !equalSecret(id, s.opts.ClientID) || !equalSecret(secret, s.opts.ClientSecret) {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth2"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	token := randomToken()
	s.mu.Lock()
	now := s.now()
	// Drop expired tokens here so the map stays as small as the set of live tokens.
	for t, exp := range s.tokens {
		if !now.Before(exp) {
			delete(s.tokens, t)
		}
	}
	s.tokens[token] = now.Add(s.opts.TokenTTL)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": token,
		"token_type":   "Bearer",
		"expires_in":   int(s.opts.TokenTTL / time.Second),
	})
}

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

// authenticate accepts a live Bearer token or the legacy API user over Basic, and records a
// violation for anything else.
func (s *Sandbox) authenticate(rc *reqCtx) (user string, ok bool) {
	header := rc.r.Header.Get("Authorization")
	scheme, credentials, _ := strings.Cut(header, " ")
	switch {
	case header == "":
		s.violate(rc, RuleUnauthenticated, "The call carries no Authorization header; every Bandwidth API call needs a Bearer token or Basic credentials.")
		return "", false
	case strings.EqualFold(scheme, "Bearer"):
		s.mu.Lock()
		expiry, known := s.tokens[strings.TrimSpace(credentials)]
		expired := known && !s.now().Before(expiry)
		s.mu.Unlock()
		switch {
		case !known:
			s.violate(rc, RuleUnauthenticated, "The Bearer token was not issued by the token endpoint.")
			return "", false
		case expired:
			s.violate(rc, RuleUnauthenticated, "The Bearer token has expired; fetch a new one before expires_in runs out.")
			return "", false
		}
		return s.opts.ClientID, true
	case strings.EqualFold(scheme, "Basic"):
		u, p, basicOK := rc.r.BasicAuth()
		if basicOK && equalSecret(u, s.opts.Username) && equalSecret(p, s.opts.Password) {
			return u, true
		}
		s.violate(rc, RuleUnauthenticated, "The Basic credentials are not those of the API user.")
		return "", false
	}
	s.violate(rc, RuleUnauthenticated, "The Authorization scheme is neither Bearer nor Basic.")
	return "", false
}

func equalSecret(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
