package bandwidth

import (
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// storedSubscription is the fake's own record, parsed from request bodies independently of the
// client's types.
type storedSubscription struct {
	ID, OrderType, URL, Username, Password, NumberFormat string
	Expiry                                               int64
}

// subscriptionStore is a small in-memory Bandwidth subscriptions resource.
type subscriptionStore struct {
	mu     sync.Mutex
	subs   []storedSubscription
	nextID int
	// ignoreUpdates makes PUT answer 200 without changing anything (to test verification).
	ignoreUpdates bool
	// raceOnCreate makes the next POST store the subscription and answer 409, as if another
	// replica had created it first.
	raceOnCreate bool
	puts, posts  int
}

type subscriptionBody struct {
	OrderType            string `xml:"OrderType"`
	CallbackSubscription struct {
		URL                 string `xml:"URL"`
		Expiry              int64  `xml:"Expiry"`
		CallbackCredentials struct {
			BasicAuthentication struct {
				Username string `xml:"Username"`
				Password string `xml:"Password"`
			} `xml:"BasicAuthentication"`
		} `xml:"CallbackCredentials"`
		NumberFormat string `xml:"NumberFormat"`
	} `xml:"CallbackSubscription"`
}

func (s *subscriptionStore) parse(t *testing.T, r *http.Request) storedSubscription {
	var b subscriptionBody
	if err := xml.NewDecoder(r.Body).Decode(&b); err != nil {
		t.Errorf("bad subscription body: %v", err)
	}
	cb := b.CallbackSubscription
	return storedSubscription{OrderType: b.OrderType, URL: cb.URL, Expiry: cb.Expiry, NumberFormat: cb.NumberFormat,
		Username: cb.CallbackCredentials.BasicAuthentication.Username, Password: cb.CallbackCredentials.BasicAuthentication.Password}
}

func (s *subscriptionStore) xml(sub storedSubscription) string {
	return fmt.Sprintf(`<Subscription><SubscriptionId>%s</SubscriptionId><OrderType>%s</OrderType><CallbackSubscription><URL>%s</URL><Expiry>%d</Expiry><Status>200 OK</Status><CallbackCredentials><BasicAuthentication><Username>%s</Username></BasicAuthentication></CallbackCredentials><NumberFormat>%s</NumberFormat></CallbackSubscription></Subscription>`,
		sub.ID, sub.OrderType, html.EscapeString(sub.URL), sub.Expiry, sub.Username, sub.NumberFormat)
}

func (s *subscriptionStore) register(t *testing.T, f *fakeBandwidth) {
	f.handle("GET /subscriptions", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		var b strings.Builder
		b.WriteString(`<SubscriptionsResponse><Subscriptions>`)
		for _, sub := range s.subs {
			b.WriteString(s.xml(sub))
		}
		b.WriteString(`</Subscriptions></SubscriptionsResponse>`)
		xmlReply(200, b.String())(w, r)
	})
	f.handle("POST /subscriptions", func(w http.ResponseWriter, r *http.Request) {
		sub := s.parse(t, r)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.posts++
		if sub.Username == "" || sub.Password == "" {
			xmlReply(404, `<SubscriptionResponse><ResponseStatus><ErrorCode>14505</ErrorCode><Description>Basic authentication needs a username and a password</Description></ResponseStatus></SubscriptionResponse>`)(w, r)
			return
		}
		for _, existing := range s.subs {
			if existing.OrderType == sub.OrderType && existing.URL == sub.URL {
				xmlReply(409, `<SubscriptionResponse><ResponseStatus><ErrorCode>16008</ErrorCode><Description>Duplicate subscription already exists</Description></ResponseStatus></SubscriptionResponse>`)(w, r)
				return
			}
		}
		s.nextID++
		sub.ID = fmt.Sprintf("sub-%d", s.nextID)
		s.subs = append(s.subs, sub)
		if s.raceOnCreate {
			s.raceOnCreate = false
			xmlReply(409, `<SubscriptionResponse><ResponseStatus><ErrorCode>16008</ErrorCode><Description>Duplicate subscription already exists</Description></ResponseStatus></SubscriptionResponse>`)(w, r)
			return
		}
		w.Header().Set("Location", "https://dashboard.bandwidth.com/v1.0/accounts/"+testAccount+"/subscriptions/"+sub.ID)
		w.WriteHeader(http.StatusCreated)
	})
	f.handle("GET /subscriptions/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, sub := range s.subs {
			if sub.ID == r.PathValue("id") {
				xmlReply(200, `<SubscriptionsResponse><Subscriptions>`+s.xml(sub)+`</Subscriptions></SubscriptionsResponse>`)(w, r)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
	})
	f.handle("PUT /subscriptions/{id}", func(w http.ResponseWriter, r *http.Request) {
		sub := s.parse(t, r)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.puts++
		for i, existing := range s.subs {
			if existing.ID == r.PathValue("id") {
				if !s.ignoreUpdates {
					sub.ID = existing.ID
					s.subs[i] = sub
				}
				w.WriteHeader(http.StatusOK)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
	})
	f.handle("DELETE /subscriptions/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, existing := range s.subs {
			if existing.ID == r.PathValue("id") {
				s.subs = slices.Delete(s.subs, i, i+1)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
	})
}

func (s *subscriptionStore) snapshot() []storedSubscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.subs)
}

func (s *subscriptionStore) counts() (posts, puts int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts, s.puts
}

func actions(r EnsureResult) []string {
	var out []string
	for _, s := range r.Subscriptions {
		out = append(out, s.OrderType+":"+string(s.Action))
	}
	return out
}

func TestEnsureSubscriptions(t *testing.T) {
	f := newFakeBandwidth(t)
	store := &subscriptionStore{subs: []storedSubscription{
		// Someone else's subscription: must be left alone.
		{ID: "foreign", OrderType: "portins", URL: "https://crm.example.com/hook", Username: "crm", NumberFormat: "E164", Expiry: 999999999},
	}, nextID: 100}
	store.register(t, f)
	c := f.client()
	ctx := context.Background()
	spec := SubscriptionSpec{URL: "https://portflow.example.com/callbacks/bandwidth", Username: "bandwidth", Password: "first"}

	first, err := c.EnsureSubscriptions(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "first run", actions(first), []string{"portins:created", "csrs:created", "bulkPortins:created"})
	subs := store.snapshot()
	check(t, "stored", len(subs), 4)
	for _, sub := range subs[1:] {
		check(t, sub.OrderType+" URL", sub.URL, spec.URL)
		check(t, sub.OrderType+" password", sub.Password, "first")
		check(t, sub.OrderType+" format", sub.NumberFormat, NumberFormatLegacy)
		check(t, sub.OrderType+" expiry", sub.Expiry, int64(3122064000))
	}
	check(t, "verified by GET", f.countRequests(http.MethodGet, "/subscriptions/sub-101"), 1)

	spec.KnownFingerprint = first.Fingerprint
	second, err := c.EnsureSubscriptions(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "unchanged run", actions(second), []string{"portins:unchanged", "csrs:unchanged", "bulkPortins:unchanged"})
	check(t, "same fingerprint", second.Fingerprint, first.Fingerprint)
	check(t, "last callback status", second.Subscriptions[0].LastCallbackStatus, "200 OK")
	posts, puts := store.counts()
	check(t, "no writes", fmt.Sprint(posts, puts), "3 0")

	// The password rotates: invisible in a GET, caught by the fingerprint.
	rotated := spec
	rotated.Password = "second"
	third, err := c.EnsureSubscriptions(ctx, rotated)
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "password change", actions(third), []string{"portins:updated", "csrs:updated", "bulkPortins:updated"})
	checkSlice(t, "reason", third.Subscriptions[0].Reasons, []string{"callback credentials may have changed"})
	if third.Fingerprint == first.Fingerprint {
		t.Error("fingerprint did not change with the password")
	}
	for _, sub := range store.snapshot()[1:] {
		check(t, sub.OrderType+" new password", sub.Password, "second")
	}

	// The public URL moves: ours are found by username and rewritten, not duplicated.
	moved := rotated
	moved.URL = "https://new.portflow.example.com/callbacks/bandwidth"
	moved.KnownFingerprint = third.Fingerprint
	fourth, err := c.EnsureSubscriptions(ctx, moved)
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "URL change", actions(fourth), []string{"portins:updated", "csrs:updated", "bulkPortins:updated"})
	check(t, "reasons", strings.Join(fourth.Subscriptions[0].Reasons, ","), "callback URL changed,callback credentials may have changed")
	subs = store.snapshot()
	check(t, "no duplicates", len(subs), 4)
	check(t, "foreign untouched", subs[0], storedSubscription{ID: "foreign", OrderType: "portins", URL: "https://crm.example.com/hook", Username: "crm", NumberFormat: "E164", Expiry: 999999999})
	check(t, "moved", subs[1].URL, moved.URL)
}

func TestEnsureSubscriptionsRenewsExpiryAndAdoptsRaces(t *testing.T) {
	f := newFakeBandwidth(t)
	spec := SubscriptionSpec{URL: "https://portflow.example.com/cb", Username: "bw", Password: "pw",
		OrderTypes: []string{OrderTypePortIns, OrderTypeCsrs}}
	spec.KnownFingerprint = CredentialFingerprint(spec)
	store := &subscriptionStore{subs: []storedSubscription{
		{ID: "p", OrderType: "portins", URL: `"https://PORTFLOW.example.com/cb/"`, Username: "bw", NumberFormat: "LEGACY", Expiry: 3600},
	}, raceOnCreate: true}
	store.register(t, f)
	c := f.client()

	got, err := c.EnsureSubscriptions(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "actions", actions(got), []string{"portins:updated", "csrs:created"})
	checkSlice(t, "renew reason", got.Subscriptions[0].Reasons, []string{"expiry is near"})
	check(t, "adopted after 409", got.Subscriptions[1].SubscriptionID, "sub-1")
	check(t, "renewed expiry", store.snapshot()[0].Expiry, int64(3122064000))
}

func TestEnsureSubscriptionsVerifies(t *testing.T) {
	f := newFakeBandwidth(t)
	store := &subscriptionStore{subs: []storedSubscription{
		{ID: "p", OrderType: "portins", URL: "https://old.example.com/cb", Username: "bw", NumberFormat: "LEGACY", Expiry: 3122064000},
	}, ignoreUpdates: true}
	store.register(t, f)
	c := f.client()
	_, err := c.EnsureSubscriptions(context.Background(), SubscriptionSpec{URL: "https://new.example.com/cb",
		Username: "bw", Password: "pw", OrderTypes: []string{OrderTypePortIns}})
	if err == nil || !strings.Contains(err.Error(), "verify") || !strings.Contains(err.Error(), "old.example.com") {
		t.Fatalf("err = %v, want a verification failure naming the URL Bandwidth shows", err)
	}
}

func TestSubscriptionCRUD(t *testing.T) {
	f := newFakeBandwidth(t)
	store := &subscriptionStore{}
	store.register(t, f)
	f.handle("GET /subscriptions/bare", xmlReply(200, `<Subscription><OrderType>csrs</OrderType><CallbackSubscription><URL>https://x/cb</URL></CallbackSubscription></Subscription>`))
	c := f.client()
	ctx := context.Background()

	_, err := c.CreateSubscription(ctx, Subscription{OrderType: "portins"})
	check(t, "invalid locally", IsPermanent(err), true)

	spec := SubscriptionSpec{URL: "https://x/cb", Username: "u", Password: "p", NumberFormat: NumberFormatE164, Expiry: DefaultSubscriptionExpiry}
	id, err := c.CreateSubscription(ctx, spec.subscription("portins"))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "id", id, "sub-1")
	_, err = c.CreateSubscription(ctx, spec.subscription("portins"))
	check(t, "duplicate is a conflict", HasConflict(err), true)

	got, err := c.GetSubscription(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "format", got.CallbackSubscription.NumberFormat, NumberFormatE164)
	check(t, "password never returned", got.CallbackSubscription.CallbackCredentials.BasicAuthentication.Password, "")

	bare, err := c.GetSubscription(ctx, "bare")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "bare <Subscription> root", bare.OrderType+" "+bare.SubscriptionID, "csrs bare")

	if err := c.DeleteSubscription(ctx, id); err != nil {
		t.Fatal(err)
	}
	check(t, "deleted", len(store.snapshot()), 0)
	if err := c.DeleteSubscription(ctx, id); err != nil {
		t.Fatalf("deleting a missing subscription must succeed: %v", err)
	}
	err = c.UpdateSubscription(ctx, "gone", spec.subscription("portins"))
	check(t, "update of a missing subscription", IsNotFound(err), true)

	// A POST answered 404 is a validation failure, not "not found".
	noPassword := spec.subscription("csrs")
	_, err = c.call(ctx, &request{method: http.MethodPost, route: routeSubscriptions, path: routeSubscriptions,
		body: Subscription{OrderType: "csrs", CallbackSubscription: &CallbackSubscription{URL: noPassword.CallbackSubscription.URL,
			CallbackCredentials: &CallbackCredentials{BasicAuthentication: &BasicAuthentication{Username: "u"}}}},
		group: groupSubscription, notFoundIsValidation: true}, nil)
	if !IsPermanent(err) || !HasCode(err, "14505") {
		t.Fatalf("err = %v, want permanent 14505", err)
	}
}
