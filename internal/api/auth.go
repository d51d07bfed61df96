package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/portflow/portflow/internal/problem"
)

// TokenSet holds the accepted bearer tokens as SHA-256 digests, so configured plain tokens and
// "sha256:<hex>" entries are checked the same way and no plain token is kept in memory longer than
// start-up.
type TokenSet struct{ digests [][32]byte }

// NewTokenSet parses PORTFLOW_API_TOKENS entries (already validated by internal/config).
func NewTokenSet(entries []string) TokenSet {
	var ts TokenSet
	for _, e := range entries {
		if h, ok := strings.CutPrefix(e, "sha256:"); ok {
			var d [32]byte
			if b, err := hex.DecodeString(h); err == nil && len(b) == 32 {
				copy(d[:], b)
				ts.digests = append(ts.digests, d)
			}
			continue
		}
		ts.digests = append(ts.digests, sha256.Sum256([]byte(e)))
	}
	return ts
}

// Valid reports whether token is one of the set. Every digest is compared in constant time and the
// loop never exits early, so timing tells nothing about which token (or which part) was close.
func (ts TokenSet) Valid(token string) bool {
	got := sha256.Sum256([]byte(token))
	match := 0
	for _, d := range ts.digests {
		match |= subtle.ConstantTimeCompare(got[:], d[:])
	}
	return match == 1 && token != ""
}

// RequireToken rejects requests without a valid `Authorization: Bearer <token>` with one 401
// problem that never says which part was wrong.
func RequireToken(ts TokenSet) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || !ts.Valid(strings.TrimSpace(token)) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="portflow"`)
				problem.Respond(w, r, http.StatusUnauthorized, "unauthorized",
					"send a valid API token as 'Authorization: Bearer <token>' (tokens are configured in PORTFLOW_API_TOKENS)")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
