package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// token asks the token endpoint with the given client credentials.
func (h *harness) token(id, secret, grant string) (int, map[string]any) {
	h.t.Helper()
	form := url.Values{"grant_type": {grant}}
	req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		h.t.Fatalf("token reply is not JSON: %v", err)
	}
	return resp.StatusCode, body
}

func TestOAuthTokenAuthorizesUntilItExpires(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.TokenTTL = 10 * time.Minute })
	status, body := h.token("sandbox-client", "sandbox-secret", "client_credentials")
	if status != http.StatusOK || body["token_type"] != "Bearer" || body["expires_in"] != float64(600) {
		t.Fatalf("token reply %d %v", status, body)
	}
	bearer := "Bearer " + body["access_token"].(string)
	h.call("GET", "/subscriptions", "", "Authorization", bearer).expect(t, http.StatusOK)

	h.clock.Advance(10*time.Minute + time.Second)
	h.call("GET", "/subscriptions", "", "Authorization", bearer).expect(t, http.StatusUnauthorized)
	if !h.hasViolation(RuleUnauthenticated) {
		t.Fatal("a call with an expired token was not recorded as a violation")
	}
}

func TestOAuthTokenRefusals(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name, id, secret, grant string
		status                  int
		errCode                 string
	}{
		{"wrong secret", "sandbox-client", "nope", "client_credentials", http.StatusUnauthorized, "invalid_client"},
		{"unknown client", "someone", "sandbox-secret", "client_credentials", http.StatusUnauthorized, "invalid_client"},
		{"wrong grant", "sandbox-client", "sandbox-secret", "password", http.StatusBadRequest, "unsupported_grant_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := h.token(tc.id, tc.secret, tc.grant)
			if status != tc.status || body["error"] != tc.errCode {
				t.Fatalf("got %d %v, want %d %s", status, body, tc.status, tc.errCode)
			}
		})
	}
}

func TestAPIAuthentication(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name   string
		auth   string
		status int
	}{
		{"legacy API user over Basic", "", http.StatusOK},
		{"no credentials", "-", http.StatusUnauthorized},
		{"wrong password", "Basic c2FuZGJveDp3cm9uZw==", http.StatusUnauthorized},
		{"unknown bearer token", "Bearer made-up", http.StatusUnauthorized},
		{"unknown scheme", "Digest abc", http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var headers []string
			switch tc.auth {
			case "":
			case "-":
				headers = []string{"Authorization", ""}
			default:
				headers = []string{"Authorization", tc.auth}
			}
			h.call("GET", "/subscriptions", "", headers...).expect(t, tc.status)
		})
	}
	var unauthenticated int
	for _, v := range h.sb.Violations() {
		if v.Rule == RuleUnauthenticated {
			unauthenticated++
			if !strings.HasPrefix(v.Request, "GET /api/accounts/"+testAccount+"/subscriptions") || v.Message == "" {
				t.Errorf("violation without request line or sentence: %+v", v)
			}
		}
	}
	if unauthenticated != 4 {
		t.Fatalf("%d unauthenticated violations, want 4", unauthenticated)
	}
}

func TestOtherAccountIsForbidden(t *testing.T) {
	h := newHarness(t)
	r := h.call("GET", h.srv.URL+"/api/accounts/1234/subscriptions", "").expect(t, http.StatusForbidden)
	if got := decodeAs[responseStatusEnvelope](t, r.body).ResponseStatus.ErrorCode; got != "1001" {
		t.Fatalf("error code %s, want 1001", got)
	}
}

func TestHeaderRules(t *testing.T) {
	h := newHarness(t)
	check := `<NumberPortabilityRequest><TnList><Tn>9192000007</Tn></TnList></NumberPortabilityRequest>`
	cases := []struct {
		name    string
		headers []string
		status  int
		rule    Rule
	}{
		{"missing Accept is answered but recorded", []string{"Accept", ""}, http.StatusOK, RuleAccept},
		{"JSON only is refused", []string{"Accept", "application/json"}, http.StatusNotAcceptable, RuleAccept},
		{"missing Content-Type is answered but recorded", []string{"Content-Type", ""}, http.StatusOK, RuleContentType},
		{"JSON body is refused", []string{"Content-Type", "application/json"}, http.StatusUnsupportedMediaType, RuleContentType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(h.sb.Violations())
			h.call("POST", "/lnpchecker?fullCheck=true", check, tc.headers...).expect(t, tc.status)
			v := h.sb.Violations()
			if len(v) != before+1 || v[len(v)-1].Rule != tc.rule {
				t.Fatalf("violations %+v, want one more of rule %s", v[before:], tc.rule)
			}
		})
	}
	before := len(h.sb.Violations())
	h.call("POST", "/lnpchecker?fullCheck=true", check, "Accept", "application/xml, text/plain;q=0.5").expect(t, http.StatusOK)
	if len(h.sb.Violations()) != before {
		t.Fatal("a correct Accept list was recorded as a violation")
	}
}

func TestAPIPrefixesAreAliases(t *testing.T) {
	h := newHarness(t)
	for _, prefix := range []string{"/api", "/api/v1", "/v1.0"} {
		h.call("GET", h.srv.URL+prefix+"/accounts/"+testAccount+"/subscriptions", "").expect(t, http.StatusOK)
	}
}
