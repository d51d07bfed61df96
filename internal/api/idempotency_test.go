package api_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
)

// TestIdempotentCreate: 20 concurrent POSTs with one Idempotency-Key and body create exactly one
// request; every one of them is answered 201 with it, all but one marked as replays.
func TestIdempotentCreate(t *testing.T) {
	e := newEnv(t, envOptions{})
	body := createBody(number(sandbox.CarrierWireline, sandbox.CSRComplete, 301))
	const key = "7d3b2c1e-4f5a-4b6c-9d8e-0f1a2b3c4d5e"

	const callers = 20
	type answer struct {
		status   int
		id       string
		replayed string
		location string
	}
	answers := make([]answer, callers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.client(t)
			<-start
			resp := c.do(http.MethodPost, "/v1/port-requests", body, "Idempotency-Key", key)
			a := answer{status: resp.status, replayed: resp.header.Get("Idempotent-Replayed"), location: resp.header.Get("Location")}
			if resp.status == http.StatusCreated {
				a.id = resp.portRequest(t).ID
			}
			answers[i] = a
		}()
	}
	close(start)
	wg.Wait()

	firsts := 0
	for i, a := range answers {
		if a.status != http.StatusCreated || a.id != answers[0].id || a.location != "/v1/port-requests/"+answers[0].id {
			t.Errorf("caller %d: %+v, caller 0: %+v", i, a, answers[0])
		}
		switch a.replayed {
		case "":
			firsts++
		case "true":
		default:
			t.Errorf("caller %d: Idempotent-Replayed %q", i, a.replayed)
		}
	}
	if firsts != 1 {
		t.Errorf("%d answers claim to have created the request, want 1", firsts)
	}
	if n := e.countRequests(t); n != 1 {
		t.Fatalf("%d requests created by %d identical submissions", n, callers)
	}

	c := e.client(t)
	// The same body written differently (member order, spacing) is the same submission.
	respaced := `{"activation": {"mode": "scheduled"}, "loa_authorizing_person": "Jane Doe",
		"phone_numbers": ["` + body["phone_numbers"].([]any)[0].(string) + `"],
		"service_address": ` + mustJSON(t, body["service_address"]) + `,
		"subscriber": {"business_name": "Blue Ridge Bakery", "type": "business"}}`
	replay := c.do(http.MethodPost, "/v1/port-requests", respaced, "Idempotency-Key", key).expect(t, http.StatusCreated)
	if replay.portRequest(t).ID != answers[0].id || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("reformatted replay: %s %v", replay.body, replay.header)
	}

	// The same key with another body is refused.
	other := createBody(number(sandbox.CarrierWireline, sandbox.CSRComplete, 302))
	p := c.do(http.MethodPost, "/v1/port-requests", other, "Idempotency-Key", `"`+key+`"`).expect(t, http.StatusConflict).problem(t)
	if p.Code != "idempotency_key_reused" {
		t.Errorf("reused key: %+v", p)
	}
	if n := e.countRequests(t); n != 1 {
		t.Fatalf("%d requests after a refused reuse", n)
	}

	// Keys belong to their token: another client with the same key makes its own request.
	c2 := e.client(t)
	c2.token = secondToken
	mine := c2.do(http.MethodPost, "/v1/port-requests", other, "Idempotency-Key", key).expect(t, http.StatusCreated)
	if mine.header.Get("Idempotent-Replayed") != "" || mine.portRequest(t).ID == answers[0].id {
		t.Errorf("another token's key collided: %s", mine.body)
	}

	// Without a key, each POST is a new request.
	third := createBody(number(sandbox.CarrierWireline, sandbox.CSRComplete, 303))
	a := c.create(third)
	b := c.create(third)
	if a.ID == b.ID {
		t.Error("two POSTs without a key made one request")
	}
	if n := e.countRequests(t); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
}
