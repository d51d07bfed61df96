package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/config"
)

func TestSandboxCommandServesBandwidthAPI(t *testing.T) {
	env := map[string]string{
		"SANDBOX_HTTP_ADDR":     "127.0.0.1:0",
		"SANDBOX_STEP":          "20ms",
		"SANDBOX_ACCOUNT_ID":    "5550001",
		"SANDBOX_CLIENT_ID":     "compose-client",
		"SANDBOX_CLIENT_SECRET": "compose-secret",
		"SANDBOX_FAULTS":        `{"errorAfterCreate":0.3,"latency":"5ms"}`,
		"SANDBOX_SEED":          "42",
	}
	s := startCommandInProcess(t, []string{"sandbox"}, env)
	waitReady(t, s.BaseURL, 5*time.Second)

	// The configured client credentials get a token; others do not.
	if status, _ := sandboxToken(t, s.BaseURL, "sandbox-client", "sandbox-secret"); status != http.StatusUnauthorized {
		t.Errorf("token with the default credentials: status %d, want 401 (SANDBOX_CLIENT_ID/SECRET replace them)", status)
	}
	status, token := sandboxToken(t, s.BaseURL, "compose-client", "compose-secret")
	if status != http.StatusOK || token == "" {
		t.Fatalf("token: status %d, token %q", status, token)
	}

	tn := sandbox.NumberFor(sandbox.Scenario{Carrier: sandbox.CarrierWireless, CSR: sandbox.CSRComplete}, 1)
	want := sandbox.CarrierRecordFor(tn).Carrier
	body := `<NumberPortabilityRequest><TnList><Tn>` + tn + `</Tn></TnList></NumberPortabilityRequest>`
	resp := sandboxCall(t, http.MethodPost, s.BaseURL+"/api/accounts/5550001/lnpchecker?fullCheck=true", token, body)
	if resp.status != http.StatusOK {
		t.Fatalf("lnpchecker: status %d\n%s", resp.status, resp.body)
	}
	var check struct {
		PortableNumbers []string `xml:"PortableNumbers>Tn"`
		Carriers        []struct {
			SPID     string   `xml:"LosingCarrierSPID"`
			Wireless bool     `xml:"LosingCarrierIsWireless"`
			TNs      []string `xml:"TnList>Tn"`
		} `xml:"SupportedLosingCarriers>LosingCarrierTnList"`
	}
	if err := xml.Unmarshal([]byte(resp.body), &check); err != nil {
		t.Fatalf("lnpchecker reply is not XML: %v\n%s", err, resp.body)
	}
	if len(check.PortableNumbers) != 1 || check.PortableNumbers[0] != tn {
		t.Errorf("portable numbers %v, want [%s]", check.PortableNumbers, tn)
	}
	if len(check.Carriers) != 1 || check.Carriers[0].SPID != want.SPID || !check.Carriers[0].Wireless {
		t.Errorf("losing carriers %+v, want SPID %s (wireless)", check.Carriers, want.SPID)
	}

	// Another account is not served: SANDBOX_ACCOUNT_ID replaced the default.
	if other := sandboxCall(t, http.MethodPost, s.BaseURL+"/api/accounts/9900000/lnpchecker?fullCheck=true", token, body); other.status == http.StatusOK {
		t.Errorf("lnpchecker on account 9900000 answered 200; only 5550001 is configured")
	}

	// SANDBOX_FAULTS is in force, exactly as PUT /_sandbox/faults would have set it.
	faults := sandboxCall(t, http.MethodGet, s.BaseURL+"/_sandbox/faults", "", "")
	var got struct {
		Faults struct {
			ErrorAfterCreate float64 `json:"errorAfterCreate"`
			Latency          string  `json:"latency"`
		} `json:"faults"`
		Injected struct {
			Latency int `json:"latency"`
		} `json:"injected"`
	}
	if err := json.Unmarshal([]byte(faults.body), &got); err != nil {
		t.Fatalf("GET /_sandbox/faults: %v\n%s", err, faults.body)
	}
	if got.Faults.ErrorAfterCreate != 0.3 || got.Faults.Latency != "5ms" {
		t.Errorf("faults in force %+v, want errorAfterCreate 0.3 and latency 5ms", got.Faults)
	}
	if got.Injected.Latency == 0 {
		t.Error("no latency injected although SANDBOX_FAULTS asked for it")
	}

	// Only the call on the wrong account may have broken a rule; the well-formed calls did not.
	violations := sandboxCall(t, http.MethodGet, s.BaseURL+"/_sandbox/violations", "", "")
	var recorded []sandbox.Violation
	if err := json.Unmarshal([]byte(violations.body), &recorded); err != nil {
		t.Fatalf("GET /_sandbox/violations: %v\n%s", err, violations.body)
	}
	for _, v := range recorded {
		if !strings.Contains(v.Request, "/9900000/") {
			t.Errorf("protocol violation by a well-formed call: %+v", v)
		}
	}

	if err := s.Stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if _, err := http.Get(s.BaseURL + "/readyz"); err == nil {
		t.Error("sandbox still accepts connections after stop")
	}
	if logs := s.Logs.String(); !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("no stopped line in the logs:\n%s", logs)
	}
}

func TestSandboxCommandRejectsBadSettings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string // each is named in exactly one problem line
	}{
		{
			name: "every setting wrong",
			env: map[string]string{
				"SANDBOX_HTTP_ADDR": "9090", "SANDBOX_STEP": "soon", "SANDBOX_FAULTS": `{"dropCallbacks":`,
				"SANDBOX_SEED": "-1", "SANDBOX_CLIENT_ID": "only-the-id",
			},
			want: []string{"SANDBOX_HTTP_ADDR", "SANDBOX_STEP", "SANDBOX_FAULTS", "SANDBOX_SEED", "SANDBOX_CLIENT_ID"},
		},
		{name: "negative step", env: map[string]string{"SANDBOX_STEP": "-1s"}, want: []string{"SANDBOX_STEP"}},
		{name: "fault share above one", env: map[string]string{"SANDBOX_FAULTS": `{"serverErrors":1.5}`}, want: []string{"SANDBOX_FAULTS is out of range: sandbox options: fault ServerErrors = 1.5"}},
		{name: "bad fault duration", env: map[string]string{"SANDBOX_FAULTS": `{"latency":"slow"}`}, want: []string{"SANDBOX_FAULTS must be a JSON object like PUT /_sandbox/faults takes: decode faults: latency"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"SANDBOX_HTTP_ADDR": "127.0.0.1:0"}
			for k, v := range tt.env {
				env[k] = v
			}
			err := run(context.Background(), []string{"sandbox"}, func(k string) string { return env[k] }, io.Discard)
			var cfgErr *config.Error
			if !errors.As(err, &cfgErr) {
				t.Fatalf("want a configuration error (one line per problem), got %v", err)
			}
			if len(cfgErr.Problems) != len(tt.want) {
				t.Errorf("%d problems, want %d:\n%v", len(cfgErr.Problems), len(tt.want), err)
			}
			for _, w := range tt.want {
				found := 0
				for _, p := range cfgErr.Problems {
					if strings.HasPrefix(p, w) {
						found++
					}
				}
				if found != 1 {
					t.Errorf("%d problem lines start with %q, want 1:\n%v", found, w, err)
				}
			}
		})
	}
	if err := run(context.Background(), []string{"sandbox", "extra"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("sandbox with an argument: want an error")
	}
}

// sandboxToken asks the token endpoint for a client-credentials token.
func sandboxToken(t *testing.T, baseURL, clientID, secret string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, baseURL+"/api/v1/oauth2/token",
		strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(clientID, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	return resp.StatusCode, tok.AccessToken
}

type sandboxReply struct {
	status int
	body   string
}

// sandboxCall makes one call with Bandwidth's XML headers (and the Bearer token when given).
func sandboxCall(t *testing.T, method, u, token, body string) sandboxReply {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/xml")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/xml")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return sandboxReply{status: resp.StatusCode, body: string(b)}
}
