// Package config owns portflow's configuration: the list of environment variables, their defaults,
// their validation, and the masked summary printed at start-up. It never reads the process
// environment itself; cmd/server hands it a getenv function, so tests pass a map.
package config

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the validated configuration of one portflow process.
type Config struct {
	HTTPAddr    string
	DatabaseURL string
	PublicURL   string

	// CallbackUsername/CallbackPassword are the basic-auth pair Bandwidth presents on callbacks;
	// the Previous pair stays valid during a credential rotation.
	CallbackUsername         string
	CallbackPassword         string
	CallbackPreviousUsername string
	CallbackPreviousPassword string
	CallbackMaxBodyBytes     int64

	// APITokens are accepted REST API bearer tokens: plain tokens or "sha256:<hex>" digests.
	APITokens []string
	// APIRateLimit is the REST API budget per token in requests per second (0: unlimited);
	// APIRateBurst how many may come at once.
	APIRateLimit float64
	APIRateBurst int

	Sandbox     bool
	SandboxStep time.Duration

	LogLevel  string
	LogFormat string

	Bandwidth Bandwidth

	// EncryptionKey encrypts PINs and passwords at rest (32 bytes, AES-256-GCM).
	EncryptionKey []byte

	MigrateOnStart         bool
	DatabaseConnectTimeout time.Duration
	// DatabaseMaxConns sizes the pool: job workers, callbacks and API requests share it.
	DatabaseMaxConns int
	ShutdownTimeout  time.Duration
	// ShutdownDelay keeps serving (with /readyz false) for this long after a stop signal, so a
	// load balancer can take the replica out of rotation before connections are refused.
	ShutdownDelay time.Duration

	// CsrFailurePolicy says what happens when no CSR can be had: "proceed" with the customer's
	// address, or "hold" the request for an operator.
	CsrFailurePolicy string
	// BulkThreshold: requests with more numbers than this go through a Bandwidth bulk port-in.
	BulkThreshold int
	// BulkMultiCarrier: requests whose numbers have several losing carriers go through a bulk
	// port-in too.
	BulkMultiCarrier bool

	// Generated lists the settings that were generated because sandbox mode allowed it.
	Generated []string
}

// Bandwidth is the account and credentials portflow uses against Bandwidth's Numbers API.
type Bandwidth struct {
	AccountID    string
	SiteID       string
	PeerID       string
	APIURL       string
	TokenURL     string
	ClientID     string
	ClientSecret string
	Username     string
	Password     string
}

// Defaults for the variables that have one.
const (
	DefaultHTTPAddr    = ":8080"
	DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/portflow?sslmode=disable"
	DefaultPublicURL   = "http://localhost:8080"
	DefaultAPIURL      = "https://dashboard.bandwidth.com/api"
	DefaultTokenURL    = "https://api.bandwidth.com/api/v1/oauth2/token"
)

// CallbackPath is where Bandwidth posts notifications, relative to the public URL.
const CallbackPath = "/callbacks/bandwidth"

// Load reads and validates the configuration. Every problem found is reported, one per line, each
// naming the variable and saying what is wrong, so a bad deployment is fixed in one round.
func Load(getenv func(string) string) (Config, error) {
	l := loader{getenv: getenv}
	c := Config{
		HTTPAddr:                 l.str("PORTFLOW_HTTP_ADDR", DefaultHTTPAddr),
		PublicURL:                strings.TrimRight(l.str("PORTFLOW_PUBLIC_URL", DefaultPublicURL), "/"),
		CallbackUsername:         l.str("PORTFLOW_CALLBACK_USERNAME", ""),
		CallbackPassword:         l.str("PORTFLOW_CALLBACK_PASSWORD", ""),
		CallbackPreviousUsername: l.str("PORTFLOW_CALLBACK_USERNAME_PREVIOUS", ""),
		CallbackPreviousPassword: l.str("PORTFLOW_CALLBACK_PASSWORD_PREVIOUS", ""),
		CallbackMaxBodyBytes:     int64(l.integer("PORTFLOW_CALLBACK_MAX_BODY_BYTES", 1<<20, 1024, 64<<20)),
		Sandbox:                  l.boolean("PORTFLOW_SANDBOX", false),
		SandboxStep:              l.duration("PORTFLOW_SANDBOX_STEP", time.Second),
		LogLevel:                 strings.ToLower(l.str("PORTFLOW_LOG_LEVEL", "info")),
		LogFormat:                strings.ToLower(l.str("PORTFLOW_LOG_FORMAT", "json")),
		MigrateOnStart:           l.boolean("PORTFLOW_MIGRATE_ON_START", true),
		DatabaseConnectTimeout:   l.duration("PORTFLOW_DATABASE_CONNECT_TIMEOUT", 10*time.Second),
		DatabaseMaxConns:         l.integer("PORTFLOW_DATABASE_MAX_CONNS", 20, 2, 1000),
		ShutdownTimeout:          l.duration("PORTFLOW_SHUTDOWN_TIMEOUT", 4*time.Second),
		ShutdownDelay:            l.duration("PORTFLOW_SHUTDOWN_DELAY", 0),
		CsrFailurePolicy:         strings.ToLower(l.str("PORTFLOW_CSR_FAILURE_POLICY", "proceed")),
		BulkThreshold:            l.integer("PORTFLOW_BULK_THRESHOLD", 50, 1, 20000),
		BulkMultiCarrier:         l.boolean("PORTFLOW_BULK_MULTI_CARRIER", true),
		Bandwidth: Bandwidth{
			AccountID:    l.str("BANDWIDTH_ACCOUNT_ID", ""),
			SiteID:       l.str("BANDWIDTH_SITE_ID", ""),
			PeerID:       l.str("BANDWIDTH_PEER_ID", ""),
			APIURL:       strings.TrimRight(l.str("BANDWIDTH_API_URL", DefaultAPIURL), "/"),
			TokenURL:     l.str("BANDWIDTH_TOKEN_URL", DefaultTokenURL),
			ClientID:     l.str("BANDWIDTH_CLIENT_ID", ""),
			ClientSecret: l.str("BANDWIDTH_CLIENT_SECRET", ""),
			Username:     l.str("BANDWIDTH_USERNAME", ""),
			Password:     l.str("BANDWIDTH_PASSWORD", ""),
		},
	}
	c.DatabaseURL = databaseURL(&l)
	if tokens := l.str("PORTFLOW_API_TOKENS", ""); tokens != "" {
		for _, t := range strings.Split(tokens, ",") {
			if t = strings.TrimSpace(t); t != "" {
				c.APITokens = append(c.APITokens, t)
			}
		}
	}
	c.EncryptionKey = l.key("PORTFLOW_ENCRYPTION_KEY")
	c.APIRateLimit = float64(l.integer("PORTFLOW_API_RATE_LIMIT", 0, 0, 100000))
	c.APIRateBurst = l.integer("PORTFLOW_API_RATE_BURST", 0, 0, 100000)

	if c.Sandbox {
		c.fillSandboxDefaults()
	}
	c.validate(&l)
	if len(l.problems) > 0 {
		return Config{}, &Error{Problems: l.problems}
	}
	return c, nil
}

// LoadDatabaseURL reads only the database URL, for commands (migrate) that need nothing else.
func LoadDatabaseURL(getenv func(string) string) (string, error) {
	l := loader{getenv: getenv}
	u := databaseURL(&l)
	if pu, err := url.Parse(u); err != nil || (pu.Scheme != "postgres" && pu.Scheme != "postgresql") {
		l.problem("PORTFLOW_DATABASE_URL", "must be a postgres:// URL, got %q", redactURL(u))
		return "", &Error{Problems: l.problems}
	}
	return u, nil
}

func databaseURL(l *loader) string {
	if u := l.str("PORTFLOW_DATABASE_URL", ""); u != "" {
		return u
	}
	return l.str("DATABASE_URL", DefaultDatabaseURL)
}

// Error lists every configuration problem found.
type Error struct{ Problems []string }

func (e *Error) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}

func (c *Config) fillSandboxDefaults() {
	gen := func(name string, field *string, value string) {
		if *field == "" {
			*field = value
			c.Generated = append(c.Generated, name)
		}
	}
	gen("PORTFLOW_CALLBACK_USERNAME", &c.CallbackUsername, "bandwidth")
	gen("PORTFLOW_CALLBACK_PASSWORD", &c.CallbackPassword, randomToken(18))
	if len(c.APITokens) == 0 {
		c.APITokens = []string{"sandbox-token"}
		c.Generated = append(c.Generated, "PORTFLOW_API_TOKENS")
	}
	gen("BANDWIDTH_ACCOUNT_ID", &c.Bandwidth.AccountID, "9900001")
	gen("BANDWIDTH_SITE_ID", &c.Bandwidth.SiteID, "1001")
	gen("BANDWIDTH_PEER_ID", &c.Bandwidth.PeerID, "2001")
	if c.Bandwidth.ClientID == "" && c.Bandwidth.Username == "" {
		gen("BANDWIDTH_CLIENT_ID", &c.Bandwidth.ClientID, "sandbox-client")
		gen("BANDWIDTH_CLIENT_SECRET", &c.Bandwidth.ClientSecret, randomToken(18))
	}
	if c.EncryptionKey == nil {
		// A fixed, publicly known development key, so that a sandbox database keeps working from
		// one start to the next (a random key would make every earlier request unreadable). It
		// protects nothing: sandbox data is simulated. Production requires a real key.
		sum := sha256.Sum256([]byte("portflow sandbox development key — not a secret"))
		c.EncryptionKey = sum[:]
		c.Generated = append(c.Generated, "PORTFLOW_ENCRYPTION_KEY")
	}
}

func (c *Config) validate(l *loader) {
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		l.problem("PORTFLOW_HTTP_ADDR", "must be host:port (for example :8080), got %q", c.HTTPAddr)
	}
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		l.problem("PORTFLOW_DATABASE_URL", "must be a postgres:// URL, got %q", redactURL(c.DatabaseURL))
	}
	l.httpURL("PORTFLOW_PUBLIC_URL", c.PublicURL)
	l.httpURL("BANDWIDTH_API_URL", c.Bandwidth.APIURL)
	l.httpURL("BANDWIDTH_TOKEN_URL", c.Bandwidth.TokenURL)
	if c.CallbackUsername == "" {
		l.problem("PORTFLOW_CALLBACK_USERNAME", "is required: the basic-auth user Bandwidth presents on callbacks")
	}
	if c.CallbackPassword == "" {
		l.problem("PORTFLOW_CALLBACK_PASSWORD", "is required: the basic-auth password Bandwidth presents on callbacks")
	} else if len(c.CallbackPassword) < 12 && !c.Sandbox {
		l.problem("PORTFLOW_CALLBACK_PASSWORD", "is too short: use at least 12 characters")
	}
	if (c.CallbackPreviousUsername == "") != (c.CallbackPreviousPassword == "") {
		l.problem("PORTFLOW_CALLBACK_USERNAME_PREVIOUS", "and PORTFLOW_CALLBACK_PASSWORD_PREVIOUS must be set together")
	}
	if len(c.APITokens) == 0 {
		l.problem("PORTFLOW_API_TOKENS", "is required: comma-separated bearer tokens (or sha256:<hex> digests) for the REST API")
	}
	for i, t := range c.APITokens {
		if digest, ok := strings.CutPrefix(t, "sha256:"); ok {
			if b, err := hex.DecodeString(digest); err != nil || len(b) != 32 {
				l.problem("PORTFLOW_API_TOKENS", "entry %d: sha256: must be followed by 64 hex characters", i+1)
			}
		} else if len(t) < 12 && !c.Sandbox {
			l.problem("PORTFLOW_API_TOKENS", "entry %d is too short: use at least 12 characters", i+1)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		l.problem("PORTFLOW_LOG_LEVEL", "must be debug, info, warn or error, got %q", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "console":
	default:
		l.problem("PORTFLOW_LOG_FORMAT", "must be json or console, got %q", c.LogFormat)
	}
	switch c.CsrFailurePolicy {
	case "proceed", "hold":
	default:
		l.problem("PORTFLOW_CSR_FAILURE_POLICY", "must be proceed or hold, got %q", c.CsrFailurePolicy)
	}
	for _, req := range []struct{ name, value, why string }{
		{"BANDWIDTH_ACCOUNT_ID", c.Bandwidth.AccountID, "your Bandwidth account id"},
		{"BANDWIDTH_SITE_ID", c.Bandwidth.SiteID, "the sub-account (site) that receives the numbers"},
		{"BANDWIDTH_PEER_ID", c.Bandwidth.PeerID, "the location (SIP peer) that receives the numbers"},
	} {
		if req.value == "" {
			l.problem(req.name, "is required: %s", req.why)
		}
	}
	bw := c.Bandwidth
	switch {
	case bw.ClientID != "" || bw.ClientSecret != "":
		if bw.ClientID == "" || bw.ClientSecret == "" {
			l.problem("BANDWIDTH_CLIENT_ID", "and BANDWIDTH_CLIENT_SECRET must be set together")
		}
	case bw.Username != "" || bw.Password != "":
		if bw.Username == "" || bw.Password == "" {
			l.problem("BANDWIDTH_USERNAME", "and BANDWIDTH_PASSWORD must be set together")
		}
	default:
		l.problem("BANDWIDTH_CLIENT_ID", "is required: set BANDWIDTH_CLIENT_ID and BANDWIDTH_CLIENT_SECRET (OAuth2, preferred) or BANDWIDTH_USERNAME and BANDWIDTH_PASSWORD (legacy, switched off by Bandwidth on 2026-12-02)")
	}
	if c.EncryptionKey == nil && !l.has("PORTFLOW_ENCRYPTION_KEY") {
		l.problem("PORTFLOW_ENCRYPTION_KEY", "is required: 32 random bytes, base64 or hex encoded (for example: openssl rand -base64 32); it encrypts PINs at rest")
	}
	if c.SandboxStep <= 0 {
		l.problem("PORTFLOW_SANDBOX_STEP", "must be a positive duration such as 1s or 200ms")
	}
}

// Summary lists every setting with secrets masked, for the start-up log line.
func (c Config) Summary() map[string]string {
	m := map[string]string{
		"PORTFLOW_HTTP_ADDR":                  c.HTTPAddr,
		"PORTFLOW_DATABASE_URL":               redactURL(c.DatabaseURL),
		"PORTFLOW_PUBLIC_URL":                 c.PublicURL,
		"PORTFLOW_CALLBACK_USERNAME":          c.CallbackUsername,
		"PORTFLOW_CALLBACK_PASSWORD":          Mask(c.CallbackPassword),
		"PORTFLOW_CALLBACK_USERNAME_PREVIOUS": c.CallbackPreviousUsername,
		"PORTFLOW_CALLBACK_PASSWORD_PREVIOUS": Mask(c.CallbackPreviousPassword),
		"PORTFLOW_API_TOKENS":                 fmt.Sprintf("%d token(s)", len(c.APITokens)),
		"PORTFLOW_API_RATE_LIMIT":             strconv.FormatFloat(c.APIRateLimit, 'f', -1, 64),
		"PORTFLOW_SANDBOX":                    strconv.FormatBool(c.Sandbox),
		"PORTFLOW_LOG_LEVEL":                  c.LogLevel,
		"PORTFLOW_LOG_FORMAT":                 c.LogFormat,
		"PORTFLOW_ENCRYPTION_KEY":             Mask(string(c.EncryptionKey)),
		"PORTFLOW_MIGRATE_ON_START":           strconv.FormatBool(c.MigrateOnStart),
		"PORTFLOW_DATABASE_MAX_CONNS":         strconv.Itoa(c.DatabaseMaxConns),
		"PORTFLOW_CSR_FAILURE_POLICY":         c.CsrFailurePolicy,
		"PORTFLOW_BULK_THRESHOLD":             strconv.Itoa(c.BulkThreshold),
		"PORTFLOW_BULK_MULTI_CARRIER":         strconv.FormatBool(c.BulkMultiCarrier),
		"BANDWIDTH_ACCOUNT_ID":                c.Bandwidth.AccountID,
		"BANDWIDTH_SITE_ID":                   c.Bandwidth.SiteID,
		"BANDWIDTH_PEER_ID":                   c.Bandwidth.PeerID,
		"BANDWIDTH_API_URL":                   c.Bandwidth.APIURL,
		"BANDWIDTH_TOKEN_URL":                 c.Bandwidth.TokenURL,
		"BANDWIDTH_CLIENT_ID":                 c.Bandwidth.ClientID,
		"BANDWIDTH_CLIENT_SECRET":             Mask(c.Bandwidth.ClientSecret),
		"BANDWIDTH_USERNAME":                  c.Bandwidth.Username,
		"BANDWIDTH_PASSWORD":                  Mask(c.Bandwidth.Password),
	}
	m["PORTFLOW_SANDBOX_STEP"] = c.SandboxStep.String()
	return m
}

// SummaryKeys returns the Summary's keys in a stable order.
func (c Config) SummaryKeys() []string {
	s := c.Summary()
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CallbackURL is the URL Bandwidth is told to post notifications to.
func (c Config) CallbackURL() string { return c.PublicURL + CallbackPath }

// Mask hides a secret, keeping only whether it is set.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "********"
}

// redactURL removes the password from a URL for display.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

type loader struct {
	getenv   func(string) string
	problems []string
}

func (l *loader) problem(name, format string, args ...any) {
	l.problems = append(l.problems, name+" "+fmt.Sprintf(format, args...))
}

func (l *loader) has(name string) bool { return strings.TrimSpace(l.getenv(name)) != "" }

func (l *loader) str(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

func (l *loader) boolean(name string, def bool) bool {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		l.problem(name, "must be true or false, got %q", v)
		return def
	}
	return b
}

func (l *loader) integer(name string, def, min, max int) int {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		l.problem(name, "must be a whole number from %d to %d, got %q", min, max, v)
		return def
	}
	return n
}

func (l *loader) duration(name string, def time.Duration) time.Duration {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		l.problem(name, "must be a duration such as 5s or 250ms, got %q", v)
		return def
	}
	return d
}

func (l *loader) httpURL(name, v string) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		l.problem(name, "must be an absolute http(s) URL, got %q", v)
	}
}

func (l *loader) key(name string) []byte {
	v := l.str(name, "")
	if v == "" {
		return nil
	}
	for _, decode := range []func(string) ([]byte, error){
		base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString, hex.DecodeString,
	} {
		if b, err := decode(v); err == nil && len(b) == 32 {
			return b
		}
	}
	l.problem(name, "must be 32 bytes, base64 or hex encoded (for example: openssl rand -base64 32)")
	return nil
}
