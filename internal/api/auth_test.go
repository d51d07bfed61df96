package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portflow/portflow/internal/problem"
)

func TestRequireToken(t *testing.T) {
	digest := sha256.Sum256([]byte("hashed-token-value"))
	ts := NewTokenSet([]string{"plain-token-value", "sha256:" + hex.EncodeToString(digest[:])})
	h := RequireToken(ts)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	srv := httptest.NewServer(h)
	defer srv.Close()

	cases := map[string]struct {
		header string
		want   int
	}{
		"plain token":       {"Bearer plain-token-value", 204},
		"hashed token":      {"Bearer hashed-token-value", 204},
		"scheme any case":   {"bearer plain-token-value", 204},
		"missing header":    {"", 401},
		"wrong token":       {"Bearer plain-token-valuf", 401},
		"digest as token":   {"Bearer sha256:" + hex.EncodeToString(digest[:]), 401},
		"basic scheme":      {"Basic cGxhaW4tdG9rZW4tdmFsdWU=", 401},
		"empty bearer":      {"Bearer ", 401},
		"prefix of a token": {"Bearer plain-token", 401},
	}
	var firstDetail string
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want == 401 {
				var p problem.Problem
				if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
					t.Fatal(err)
				}
				if p.Code != "unauthorized" || resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 body %+v", p)
				}
				if firstDetail == "" {
					firstDetail = p.Detail
				} else if p.Detail != firstDetail {
					t.Errorf("401 detail differs between failures (%q vs %q): it must not hint which part was wrong", p.Detail, firstDetail)
				}
			}
		})
	}
}
