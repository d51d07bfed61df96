package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSandboxDefaultsAreGenerated(t *testing.T) {
	c, err := Load(env(map[string]string{"PORTFLOW_SANDBOX": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.DatabaseURL != DefaultDatabaseURL || c.Bandwidth.APIURL != DefaultAPIURL || c.Bandwidth.TokenURL != DefaultTokenURL {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.CallbackPassword == "" || len(c.EncryptionKey) != 32 || c.Bandwidth.ClientSecret == "" || len(c.APITokens) != 1 {
		t.Errorf("sandbox did not generate credentials: %+v", c)
	}
	if len(c.Generated) == 0 {
		t.Error("Generated is empty; the start-up log must say what was generated")
	}
	if got := c.CallbackURL(); got != "http://localhost:8080/callbacks/bandwidth" {
		t.Errorf("CallbackURL = %q", got)
	}
}

func TestProductionConfig(t *testing.T) {
	c, err := Load(env(map[string]string{
		"PORTFLOW_HTTP_ADDR": "0.0.0.0:9000", "DATABASE_URL": "postgres://u:secret@db:5432/pf",
		"PORTFLOW_PUBLIC_URL": "https://port.example.com/", "PORTFLOW_CALLBACK_USERNAME": "bw",
		"PORTFLOW_CALLBACK_PASSWORD": "a-long-password", "PORTFLOW_API_TOKENS": "tok-aaaaaaaaaaaa, sha256:" + strings.Repeat("ab", 32),
		"BANDWIDTH_ACCOUNT_ID": "123", "BANDWIDTH_SITE_ID": "4", "BANDWIDTH_PEER_ID": "5",
		"BANDWIDTH_CLIENT_ID": "id", "BANDWIDTH_CLIENT_SECRET": "sec",
		"PORTFLOW_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "PORTFLOW_SHUTDOWN_TIMEOUT": "7s",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "https://port.example.com" || c.CallbackURL() != "https://port.example.com/callbacks/bandwidth" {
		t.Errorf("public URL = %q", c.PublicURL)
	}
	if len(c.APITokens) != 2 || c.ShutdownTimeout != 7*time.Second || len(c.Generated) != 0 {
		t.Errorf("unexpected config %+v", c)
	}
	s := c.Summary()
	if strings.Contains(s["PORTFLOW_DATABASE_URL"], "secret") {
		t.Errorf("summary shows the database password: %s", s["PORTFLOW_DATABASE_URL"])
	}
	for _, k := range []string{"PORTFLOW_CALLBACK_PASSWORD", "BANDWIDTH_CLIENT_SECRET", "PORTFLOW_ENCRYPTION_KEY"} {
		if s[k] != "********" {
			t.Errorf("summary %s = %q, want masked", k, s[k])
		}
	}
	if strings.Contains(s["PORTFLOW_API_TOKENS"], "tok-") {
		t.Error("summary shows an API token")
	}
}

func TestProblemsNameTheVariable(t *testing.T) {
	cases := map[string]struct {
		env  map[string]string
		want string
	}{
		"bad bool":        {map[string]string{"PORTFLOW_SANDBOX": "yes please"}, "PORTFLOW_SANDBOX must be true or false"},
		"bad duration":    {map[string]string{"PORTFLOW_SANDBOX": "1", "PORTFLOW_SHUTDOWN_TIMEOUT": "soon"}, "PORTFLOW_SHUTDOWN_TIMEOUT must be a duration"},
		"bad key":         {map[string]string{"PORTFLOW_SANDBOX": "1", "PORTFLOW_ENCRYPTION_KEY": "short"}, "PORTFLOW_ENCRYPTION_KEY must be 32 bytes"},
		"bad digest":      {map[string]string{"PORTFLOW_SANDBOX": "1", "PORTFLOW_API_TOKENS": "sha256:xyz"}, "sha256: must be followed by 64 hex characters"},
		"half pair":       {map[string]string{"PORTFLOW_SANDBOX": "1", "PORTFLOW_CALLBACK_USERNAME_PREVIOUS": "old"}, "must be set together"},
		"bad policy":      {map[string]string{"PORTFLOW_SANDBOX": "1", "PORTFLOW_CSR_FAILURE_POLICY": "panic"}, "PORTFLOW_CSR_FAILURE_POLICY must be proceed or hold"},
		"bad body limit":  {map[string]string{"PORTFLOW_SANDBOX": "1", "PORTFLOW_CALLBACK_MAX_BODY_BYTES": "12"}, "PORTFLOW_CALLBACK_MAX_BODY_BYTES must be a whole number"},
		"half bandwidth":  {map[string]string{"PORTFLOW_SANDBOX": "1", "BANDWIDTH_USERNAME": "u"}, "BANDWIDTH_USERNAME and BANDWIDTH_PASSWORD must be set together"},
		"short password":  {map[string]string{"PORTFLOW_CALLBACK_PASSWORD": "short"}, "PORTFLOW_CALLBACK_PASSWORD is too short"},
		"bad database":    {map[string]string{"PORTFLOW_SANDBOX": "1", "PORTFLOW_DATABASE_URL": "::"}, "PORTFLOW_DATABASE_URL must be a postgres:// URL"},
		"bad token url":   {map[string]string{"PORTFLOW_SANDBOX": "1", "BANDWIDTH_TOKEN_URL": "/relative"}, "BANDWIDTH_TOKEN_URL must be an absolute http(s) URL"},
		"bad log level":   {map[string]string{"PORTFLOW_SANDBOX": "1", "PORTFLOW_LOG_LEVEL": "loud"}, "PORTFLOW_LOG_LEVEL must be debug, info, warn or error"},
		"zero step":       {map[string]string{"PORTFLOW_SANDBOX": "1", "PORTFLOW_SANDBOX_STEP": "0s"}, "PORTFLOW_SANDBOX_STEP must be a positive duration"},
		"legacy fallback": {map[string]string{}, "BANDWIDTH_USERNAME and BANDWIDTH_PASSWORD (legacy, switched off by Bandwidth on 2026-12-02)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(env(tc.env))
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
		})
	}
}

func TestLoadDatabaseURL(t *testing.T) {
	u, err := LoadDatabaseURL(env(map[string]string{"DATABASE_URL": "postgres://x/y"}))
	if err != nil || u != "postgres://x/y" {
		t.Errorf("got %q, %v", u, err)
	}
	u, err = LoadDatabaseURL(env(map[string]string{"PORTFLOW_DATABASE_URL": "postgres://a/b", "DATABASE_URL": "postgres://x/y"}))
	if err != nil || u != "postgres://a/b" {
		t.Errorf("PORTFLOW_DATABASE_URL must win: got %q, %v", u, err)
	}
	if _, err := LoadDatabaseURL(env(map[string]string{"DATABASE_URL": "http://x"})); err == nil {
		t.Error("want an error for a non-postgres URL")
	}
}

func TestSandboxEncryptionKeyIsStableAcrossStarts(t *testing.T) {
	a, err := Load(env(map[string]string{"PORTFLOW_SANDBOX": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(env(map[string]string{"PORTFLOW_SANDBOX": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if string(a.EncryptionKey) != string(b.EncryptionKey) || len(a.EncryptionKey) != 32 {
		t.Error("sandbox mode must derive the same key on every start, or a kept database becomes unreadable")
	}
}

func TestAPIRateLimit(t *testing.T) {
	c, err := Load(env(map[string]string{"PORTFLOW_SANDBOX": "true", "PORTFLOW_API_RATE_LIMIT": "50", "PORTFLOW_API_RATE_BURST": "100"}))
	if err != nil || c.APIRateLimit != 50 || c.APIRateBurst != 100 {
		t.Fatalf("rate limit %v burst %d err %v", c.APIRateLimit, c.APIRateBurst, err)
	}
	if _, err := Load(env(map[string]string{"PORTFLOW_SANDBOX": "true", "PORTFLOW_API_RATE_LIMIT": "-1"})); err == nil {
		t.Error("a negative rate limit was accepted")
	}
}
