package sandbox

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSubscriptionLifecycle(t *testing.T) {
	h := newHarness(t)
	body := `<Subscription><OrderType>portins</OrderType><CallbackSubscription><URL>https://portflow.example/callbacks</URL><Expiry>3600</Expiry><CallbackCredentials><BasicAuthentication><Username>bw</Username><Password>s3cret</Password></BasicAuthentication></CallbackCredentials></CallbackSubscription></Subscription>`
	r := h.call("POST", "/subscriptions", body).expect(t, http.StatusCreated)
	if len(r.body) != 0 {
		t.Fatalf("create answered a body: %s", r.body)
	}
	loc := r.header.Get("Location")
	wantPrefix := h.srv.URL + "/api/accounts/" + testAccount + "/subscriptions/"
	if !strings.HasPrefix(loc, wantPrefix) {
		t.Fatalf("Location %q, want prefix %q", loc, wantPrefix)
	}
	id := strings.TrimPrefix(loc, wantPrefix)

	h.clock.Advance(100 * time.Second)
	got := decodeAs[subscriptionsResponse](t, h.call("GET", "/subscriptions/"+id, "").expect(t, http.StatusOK).body)
	if len(got.Subscriptions) != 1 {
		t.Fatalf("GET one returned %d subscriptions", len(got.Subscriptions))
	}
	cb := got.Subscriptions[0].CallbackSubscription
	if cb == nil || cb.URL != "https://portflow.example/callbacks" || cb.Status != "READY" || cb.NumberFormat != "LEGACY" {
		t.Fatalf("callback subscription %+v", cb)
	}
	if remaining, _ := strconv.Atoi(cb.Expiry); remaining != 3500 {
		t.Fatalf("Expiry %s, want the remaining 3500 seconds", cb.Expiry)
	}
	if ba := cb.CallbackCredentials.BasicAuthentication; ba.Username != "bw" || ba.Password != "" {
		t.Fatalf("credentials %+v: username shown, password never", ba)
	}

	replace := strings.Replace(body, "portflow.example", "other.example", 1)
	h.call("PUT", "/subscriptions/"+id, replace).expect(t, http.StatusOK)
	list := decodeAs[subscriptionsResponse](t, h.call("GET", "/subscriptions", "").expect(t, http.StatusOK).body)
	if len(list.Subscriptions) != 1 || list.Subscriptions[0].CallbackSubscription.URL != "https://other.example/callbacks" {
		t.Fatalf("after PUT: %+v", list.Subscriptions)
	}

	h.call("DELETE", "/subscriptions/"+id, "").expect(t, http.StatusOK)
	h.call("GET", "/subscriptions/"+id, "").expect(t, http.StatusNotFound)
	h.call("DELETE", "/subscriptions/"+id, "").expect(t, http.StatusNotFound)
}

func TestSubscriptionValidation(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name string
		body string
		code string
	}{
		{"neither order nor event type", `<Subscription><CallbackSubscription><URL>https://a.example/</URL></CallbackSubscription></Subscription>`, "14508"},
		{"unknown order type", `<Subscription><OrderType>portin</OrderType><CallbackSubscription><URL>https://a.example/</URL></CallbackSubscription></Subscription>`, "14500"},
		{"unknown event type", `<Subscription><EventType>LOST</EventType><CallbackSubscription><URL>https://a.example/</URL></CallbackSubscription></Subscription>`, "14507"},
		{"empty URL", `<Subscription><OrderType>portins</OrderType><CallbackSubscription><URL></URL></CallbackSubscription></Subscription>`, "14503"},
		{"invalid URL", `<Subscription><OrderType>portins</OrderType><CallbackSubscription><URL>ftp://a.example/</URL></CallbackSubscription></Subscription>`, "14506"},
		{"blank password", `<Subscription><OrderType>portins</OrderType><CallbackSubscription><URL>https://a.example/</URL><CallbackCredentials><BasicAuthentication><Username>u</Username><Password></Password></BasicAuthentication></CallbackCredentials></CallbackSubscription></Subscription>`, "14505"},
		{"bad public key", `<Subscription><OrderType>portins</OrderType><CallbackSubscription><URL>https://a.example/</URL><CallbackCredentials><PublicKey>not base64!</PublicKey></CallbackCredentials></CallbackSubscription></Subscription>`, "14504"},
		{"bad digest", `<Subscription><OrderType>portins</OrderType><EmailSubscription><Email>a@b.example</Email><DigestRequested>WEEKLY</DigestRequested></EmailSubscription></Subscription>`, "14502"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Bandwidth documents validation failures of a subscription as 404.
			r := h.call("POST", "/subscriptions", tc.body).expect(t, http.StatusNotFound)
			if got := decodeAs[responseStatusEnvelope](t, r.body).ResponseStatus.ErrorCode; got != tc.code {
				t.Fatalf("code %s, want %s", got, tc.code)
			}
		})
	}
}

func TestDuplicateSubscriptionConflicts(t *testing.T) {
	h := newHarness(t)
	body := `<Subscription><OrderType>csrs</OrderType><CallbackSubscription><URL>https://a.example/cb</URL></CallbackSubscription></Subscription>`
	h.call("POST", "/subscriptions", body).expect(t, http.StatusCreated)
	r := h.call("POST", "/subscriptions", body).expect(t, http.StatusConflict)
	if got := decodeAs[responseStatusEnvelope](t, r.body).ResponseStatus.ErrorCode; got != "16008" {
		t.Fatalf("code %s, want 16008", got)
	}
	email := `<Subscription><OrderType>csrs</OrderType><EmailSubscription><Email>ops@a.example</Email><DigestRequested>NONE</DigestRequested></EmailSubscription></Subscription>`
	h.call("POST", "/subscriptions", email).expect(t, http.StatusCreated)
}
