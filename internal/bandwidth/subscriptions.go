package bandwidth

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Subscription registers where Bandwidth sends notifications for an order type (PROTOCOL.md §2).
// Exactly one of OrderType and EventType, and one of CallbackSubscription and EmailSubscription,
// is set.
type Subscription struct {
	XMLName              xml.Name              `xml:"Subscription" json:"-"`
	SubscriptionID       string                `xml:"SubscriptionId,omitempty" json:"subscription_id,omitempty"`
	OrderType            string                `xml:"OrderType,omitempty" json:"order_type,omitempty"`
	OrderID              string                `xml:"OrderId,omitempty" json:"order_id,omitempty"`
	EventType            string                `xml:"EventType,omitempty" json:"event_type,omitempty"`
	EmailSubscription    *EmailSubscription    `xml:"EmailSubscription,omitempty" json:"email_subscription,omitempty"`
	CallbackSubscription *CallbackSubscription `xml:"CallbackSubscription,omitempty" json:"callback_subscription,omitempty"`
}

// CallbackSubscription is a subscription's callback target. The element name is upper-case URL.
type CallbackSubscription struct {
	URL string `xml:"URL" json:"url"`
	// Expiry is, when sending, the lifetime in seconds (Bandwidth's default is one day when it is
	// omitted); when reading, the seconds that remain.
	Expiry int64 `xml:"Expiry,omitempty" json:"expiry,omitempty"`
	// Status (response only) is the status code and body of the latest callback attempt, e.g.
	// "200 OK" — a cheap health check of callback delivery.
	Status              string               `xml:"Status,omitempty" json:"status,omitempty"`
	CallbackCredentials *CallbackCredentials `xml:"CallbackCredentials,omitempty" json:"callback_credentials,omitempty"`
	// NumberFormat is LEGACY (10 digits, the default) or E164.
	NumberFormat string `xml:"NumberFormat,omitempty" json:"number_format,omitempty"`
}

// CallbackCredentials authenticate Bandwidth to the callback receiver.
type CallbackCredentials struct {
	BasicAuthentication *BasicAuthentication `xml:"BasicAuthentication,omitempty" json:"basic_authentication,omitempty"`
	// PublicKey is the Base64 of a .DER/.CER/.CRT certificate, for TLS client authentication.
	PublicKey string `xml:"PublicKey,omitempty" json:"public_key,omitempty"`
}

// BasicAuthentication is the user and password Bandwidth presents on callbacks. Bandwidth never
// returns the password.
type BasicAuthentication struct {
	Username string `xml:"Username" json:"username"`
	Password string `xml:"Password,omitempty" json:"-"`
}

// EmailSubscription sends notifications by e-mail.
type EmailSubscription struct {
	Email string `xml:"Email" json:"email"`
	// DigestRequested is NONE (immediate) or DAILY.
	DigestRequested string `xml:"DigestRequested" json:"digest_requested"`
}

// username returns the callback Username, "" when there is none.
func (s Subscription) username() string {
	if cb := s.CallbackSubscription; cb != nil && cb.CallbackCredentials != nil && cb.CallbackCredentials.BasicAuthentication != nil {
		return cb.CallbackCredentials.BasicAuthentication.Username
	}
	return ""
}

// subscriptionsResponse is <SubscriptionsResponse>; a GET by id may also answer with a bare
// <Subscription> (older documentation), which decodes into Bare.
type subscriptionsResponse struct {
	Subscriptions []Subscription `xml:"Subscriptions>Subscription"`
	// Bare fields of a root-level <Subscription>.
	SubscriptionID       string                `xml:"SubscriptionId"`
	OrderType            string                `xml:"OrderType"`
	OrderID              string                `xml:"OrderId"`
	EventType            string                `xml:"EventType"`
	EmailSubscription    *EmailSubscription    `xml:"EmailSubscription"`
	CallbackSubscription *CallbackSubscription `xml:"CallbackSubscription"`
}

func (r subscriptionsResponse) all() []Subscription {
	bare := r.SubscriptionID != "" || r.OrderType != "" || r.EventType != "" ||
		r.EmailSubscription != nil || r.CallbackSubscription != nil
	if len(r.Subscriptions) > 0 || !bare {
		return r.Subscriptions
	}
	return []Subscription{{SubscriptionID: r.SubscriptionID, OrderType: r.OrderType, OrderID: r.OrderID,
		EventType: r.EventType, EmailSubscription: r.EmailSubscription, CallbackSubscription: r.CallbackSubscription}}
}

const routeSubscriptions = "/subscriptions"

func (s Subscription) validate() error {
	var errs []error
	if (s.OrderType == "") == (s.EventType == "") {
		errs = append(errs, fmt.Errorf("exactly one of OrderType and EventType is required"))
	}
	if (s.CallbackSubscription == nil) == (s.EmailSubscription == nil) {
		errs = append(errs, fmt.Errorf("exactly one of CallbackSubscription and EmailSubscription is required"))
	}
	if cb := s.CallbackSubscription; cb != nil {
		if strings.TrimSpace(cb.URL) == "" {
			errs = append(errs, fmt.Errorf("callback URL is required"))
		}
		if creds := cb.CallbackCredentials; creds != nil && creds.BasicAuthentication != nil {
			b := creds.BasicAuthentication
			if b.Username == "" || b.Password == "" {
				errs = append(errs, fmt.Errorf("basic authentication needs a username and a password"))
			}
			if len(b.Username) > 100 {
				errs = append(errs, fmt.Errorf("callback username is longer than 100 characters"))
			}
		}
	}
	return invalid(errs)
}

// CreateSubscription creates a subscription (POST /subscriptions) and returns its id, taken from
// the Location header (the 201 has no body). Not retried automatically. Bandwidth answers 409
// when a subscription for the same target exists, and 404 (not "not found": a validation
// failure) for a bad URL, expiry or key.
func (c *Client) CreateSubscription(ctx context.Context, s Subscription) (string, error) {
	if err := s.validate(); err != nil {
		return "", err
	}
	s.SubscriptionID = ""
	resp, err := c.call(ctx, &request{method: http.MethodPost, route: routeSubscriptions, path: routeSubscriptions,
		body: s, group: groupSubscription, notFoundIsValidation: true}, nil)
	if err != nil {
		return "", err
	}
	id := locationID(resp.header)
	if id == "" {
		return "", &Error{Endpoint: "POST " + routeSubscriptions, Status: resp.status, Class: ClassRetryable,
			Message: "subscription created without a Location header; list subscriptions to find it"}
	}
	return id, nil
}

// ListSubscriptions returns the account's subscriptions (GET /subscriptions).
func (c *Client) ListSubscriptions(ctx context.Context) ([]Subscription, error) {
	var out subscriptionsResponse
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: routeSubscriptions, path: routeSubscriptions,
		idempotent: true, group: groupSubscription}, &out); err != nil {
		return nil, err
	}
	return out.all(), nil
}

// GetSubscription returns one subscription (GET /subscriptions/{id}).
func (c *Client) GetSubscription(ctx context.Context, subscriptionID string) (Subscription, error) {
	id, err := pathID("subscription", subscriptionID)
	if err != nil {
		return Subscription{}, err
	}
	r := &request{method: http.MethodGet, route: routeSubscriptions + "/{id}", path: routeSubscriptions + "/" + id,
		idempotent: true, group: groupSubscription}
	var out subscriptionsResponse
	resp, err := c.call(ctx, r, &out)
	if err != nil {
		return Subscription{}, err
	}
	all := out.all()
	for _, s := range all {
		if s.SubscriptionID == subscriptionID {
			return s, nil
		}
	}
	if len(all) == 1 && all[0].SubscriptionID == "" {
		all[0].SubscriptionID = subscriptionID
		return all[0], nil
	}
	return Subscription{}, &Error{Endpoint: r.endpoint(), Status: resp.status, Class: ClassNotFound,
		Message: "subscription missing from the response"}
}

// UpdateSubscription replaces a subscription (PUT /subscriptions/{id}). Omitted fields return to
// their defaults, so send the whole subscription, password included. A full replace is
// idempotent and retried on retryable failures.
func (c *Client) UpdateSubscription(ctx context.Context, subscriptionID string, s Subscription) error {
	id, err := pathID("subscription", subscriptionID)
	if err != nil {
		return err
	}
	if err := s.validate(); err != nil {
		return err
	}
	s.SubscriptionID = ""
	_, err = c.call(ctx, &request{method: http.MethodPut, route: routeSubscriptions + "/{id}",
		path: routeSubscriptions + "/" + id, body: s, idempotent: true, group: groupSubscription}, nil)
	return err
}

// DeleteSubscription deletes a subscription (DELETE /subscriptions/{id}). Deleting one that does
// not exist succeeds: the goal, no such subscription, holds (and a retried DELETE whose first
// attempt went through sees a 404).
func (c *Client) DeleteSubscription(ctx context.Context, subscriptionID string) error {
	id, err := pathID("subscription", subscriptionID)
	if err != nil {
		return err
	}
	_, err = c.call(ctx, &request{method: http.MethodDelete, route: routeSubscriptions + "/{id}",
		path: routeSubscriptions + "/" + id, idempotent: true, group: groupSubscription}, nil)
	if IsNotFound(err) {
		return nil
	}
	return err
}

// DefaultSubscriptionExpiry is the subscription lifetime EnsureSubscriptions asks for:
// 3122064000 s (about 99 years), the value Bandwidth's documentation recommends. Without an
// explicit Expiry a subscription lapses after one day.
const DefaultSubscriptionExpiry = 3122064000 * time.Second

// SubscriptionSpec is the callback subscription set portflow needs.
type SubscriptionSpec struct {
	// URL is the callback URL (portflow's public URL + callback path).
	URL string
	// Username and Password are the basic credentials Bandwidth presents on callbacks.
	Username, Password string
	// NumberFormat defaults to NumberFormatLegacy.
	NumberFormat string
	// Expiry defaults to DefaultSubscriptionExpiry.
	Expiry time.Duration
	// OrderTypes defaults to portins, csrs and bulkPortins.
	OrderTypes []string
	// RenewBelow rewrites a subscription whose remaining Expiry is below it. Default 365 days.
	RenewBelow time.Duration
	// KnownFingerprint is the Fingerprint of the last successful EnsureSubscriptions, as stored by
	// the caller; empty when unknown. See EnsureSubscriptions.
	KnownFingerprint string
}

// SubscriptionAction says what EnsureSubscriptions did to one subscription.
type SubscriptionAction string

const (
	SubscriptionUnchanged SubscriptionAction = "unchanged"
	SubscriptionCreated   SubscriptionAction = "created"
	SubscriptionUpdated   SubscriptionAction = "updated"
)

// EnsuredSubscription is the outcome for one order type.
type EnsuredSubscription struct {
	OrderType      string
	SubscriptionID string
	Action         SubscriptionAction
	// Reasons say why an existing subscription was rewritten.
	Reasons []string
	// LastCallbackStatus is the subscription's <Status>: how the latest callback went.
	LastCallbackStatus string
}

// EnsureResult is the outcome of EnsureSubscriptions.
type EnsureResult struct {
	Subscriptions []EnsuredSubscription
	// Fingerprint identifies the URL, credentials and number format now registered. Store it
	// and pass it back as SubscriptionSpec.KnownFingerprint next time.
	Fingerprint string
}

// CredentialFingerprint returns the fingerprint EnsureSubscriptions reports for spec:
// "v1:" + the first 128 bits of HMAC-SHA256 keyed with the password over the username, URL and
// number format. It changes when any of them changes and reveals nothing about the password
// without guessing it.
func CredentialFingerprint(spec SubscriptionSpec) string {
	mac := hmac.New(sha256.New, []byte(spec.Password))
	mac.Write([]byte("portflow callback subscription\x00"))
	mac.Write([]byte(spec.Username + "\x00" + normalizeCallbackURL(spec.URL) + "\x00" +
		cmp.Or(spec.NumberFormat, NumberFormatLegacy)))
	return "v1:" + hex.EncodeToString(mac.Sum(nil)[:16])
}

// EnsureSubscriptions makes sure each order type in spec has an account-wide callback
// subscription with spec's URL, basic credentials, number format and a long explicit Expiry.
//
// Ours is recognized by URL, or by Username when the URL changed (a new public URL); other
// subscriptions are left alone. A missing one is created; an existing one is rewritten (full
// PUT) when its URL, Username or NumberFormat differ, when its remaining Expiry is below
// RenewBelow, or when the credentials may have changed. Every written subscription is read back
// and must show our URL and Username.
//
// Bandwidth never returns the callback password, so a password change cannot be seen by reading
// the subscription. The caller keeps the Fingerprint of the last successful run (a keyed hash,
// see CredentialFingerprint) and passes it back as KnownFingerprint: when it differs from the
// current one — or is unknown — every subscription is rewritten. Correctness never depends on it:
// without a stored fingerprint each run simply rewrites, which is idempotent.
func (c *Client) EnsureSubscriptions(ctx context.Context, spec SubscriptionSpec) (EnsureResult, error) {
	if strings.TrimSpace(spec.URL) == "" || spec.Username == "" || spec.Password == "" {
		return EnsureResult{}, fmt.Errorf("%w: subscription URL, username and password are required", ErrInvalidRequest)
	}
	spec.NumberFormat = cmp.Or(spec.NumberFormat, NumberFormatLegacy)
	spec.Expiry = cmp.Or(spec.Expiry, DefaultSubscriptionExpiry)
	spec.RenewBelow = cmp.Or(spec.RenewBelow, 365*24*time.Hour)
	if len(spec.OrderTypes) == 0 {
		spec.OrderTypes = []string{OrderTypePortIns, OrderTypeCsrs, OrderTypeBulkPortIns}
	}
	fingerprint := CredentialFingerprint(spec)
	credentialsKnown := spec.KnownFingerprint != "" && hmac.Equal([]byte(spec.KnownFingerprint), []byte(fingerprint))

	existing, err := c.ListSubscriptions(ctx)
	if err != nil {
		return EnsureResult{}, fmt.Errorf("ensure subscriptions: list: %w", err)
	}
	result := EnsureResult{Fingerprint: fingerprint}
	for _, orderType := range spec.OrderTypes {
		want := spec.subscription(orderType)
		got, found := findOurs(existing, orderType, spec)
		outcome := EnsuredSubscription{OrderType: orderType}
		switch {
		case !found:
			id, err := c.CreateSubscription(ctx, want)
			if HasConflict(err) {
				// Another replica created it between our list and our create: adopt it.
				existing, err = c.ListSubscriptions(ctx)
				if err == nil {
					if got, found = findOurs(existing, orderType, spec); found {
						id = got.SubscriptionID
					} else {
						err = fmt.Errorf("create answered 409 but no subscription of ours exists")
					}
				}
			}
			if err != nil {
				return result, fmt.Errorf("ensure subscriptions: create %s: %w", orderType, err)
			}
			outcome.SubscriptionID, outcome.Action = id, SubscriptionCreated
		default:
			outcome.SubscriptionID = got.SubscriptionID
			outcome.LastCallbackStatus = got.CallbackSubscription.Status
			outcome.Reasons = rewriteReasons(got, spec, credentialsKnown)
			if len(outcome.Reasons) == 0 {
				outcome.Action = SubscriptionUnchanged
				break
			}
			if err := c.UpdateSubscription(ctx, got.SubscriptionID, want); err != nil {
				return result, fmt.Errorf("ensure subscriptions: update %s %s: %w", orderType, got.SubscriptionID, err)
			}
			outcome.Action = SubscriptionUpdated
		}
		if outcome.Action != SubscriptionUnchanged {
			if err := c.verifySubscription(ctx, outcome.SubscriptionID, spec); err != nil {
				return result, fmt.Errorf("ensure subscriptions: verify %s %s: %w", orderType, outcome.SubscriptionID, err)
			}
		}
		result.Subscriptions = append(result.Subscriptions, outcome)
	}
	return result, nil
}

// HasConflict reports a 409 answer.
func HasConflict(err error) bool {
	e, ok := asError(err)
	return ok && e.Status == http.StatusConflict
}

func (spec SubscriptionSpec) subscription(orderType string) Subscription {
	return Subscription{
		OrderType: orderType,
		CallbackSubscription: &CallbackSubscription{
			URL:    spec.URL,
			Expiry: int64(spec.Expiry / time.Second),
			CallbackCredentials: &CallbackCredentials{
				BasicAuthentication: &BasicAuthentication{Username: spec.Username, Password: spec.Password},
			},
			NumberFormat: spec.NumberFormat,
		},
	}
}

// findOurs picks our account-wide callback subscription for orderType: same URL first, else same
// Username (our URL moved).
func findOurs(all []Subscription, orderType string, spec SubscriptionSpec) (Subscription, bool) {
	candidates := slices.DeleteFunc(slices.Clone(all), func(s Subscription) bool {
		return !strings.EqualFold(s.OrderType, orderType) || s.OrderID != "" || s.CallbackSubscription == nil
	})
	want := normalizeCallbackURL(spec.URL)
	for _, s := range candidates {
		if normalizeCallbackURL(s.CallbackSubscription.URL) == want {
			return s, true
		}
	}
	for _, s := range candidates {
		if s.username() == spec.Username {
			return s, true
		}
	}
	return Subscription{}, false
}

func rewriteReasons(got Subscription, spec SubscriptionSpec, credentialsKnown bool) []string {
	var reasons []string
	cb := got.CallbackSubscription
	if normalizeCallbackURL(cb.URL) != normalizeCallbackURL(spec.URL) {
		reasons = append(reasons, "callback URL changed")
	}
	if got.username() != spec.Username {
		reasons = append(reasons, "callback username changed")
	}
	if !strings.EqualFold(cmp.Or(cb.NumberFormat, NumberFormatLegacy), spec.NumberFormat) {
		reasons = append(reasons, "number format changed")
	}
	if time.Duration(cb.Expiry)*time.Second < spec.RenewBelow {
		reasons = append(reasons, "expiry is near")
	}
	if !credentialsKnown {
		reasons = append(reasons, "callback credentials may have changed")
	}
	return reasons
}

// verifySubscription reads a written subscription back and checks what Bandwidth echoes.
func (c *Client) verifySubscription(ctx context.Context, id string, spec SubscriptionSpec) error {
	got, err := c.GetSubscription(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case got.CallbackSubscription == nil:
		return fmt.Errorf("subscription has no callback")
	case normalizeCallbackURL(got.CallbackSubscription.URL) != normalizeCallbackURL(spec.URL):
		return fmt.Errorf("subscription shows URL %q, want %q", got.CallbackSubscription.URL, spec.URL)
	case got.username() != spec.Username:
		return fmt.Errorf("subscription shows username %q, want %q", got.username(), spec.Username)
	}
	return nil
}

// normalizeCallbackURL compares URLs the way Bandwidth may echo them: surrounding quotes (seen in
// its documentation) and whitespace removed, scheme and host lower-cased, no trailing slash.
func normalizeCallbackURL(u string) string {
	u = strings.Trim(strings.TrimSpace(u), `"'`)
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return strings.TrimRight(u, "/")
	}
	host, path, _ := strings.Cut(rest, "/")
	out := strings.ToLower(scheme) + "://" + strings.ToLower(host)
	if path != "" {
		out += "/" + path
	}
	return strings.TrimRight(out, "/")
}
