package sandbox

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func (h *harness) setFaults(f Faults) {
	h.t.Helper()
	if err := h.sb.SetFaults(f); err != nil {
		h.t.Fatalf("SetFaults: %v", err)
	}
}

func TestFaultDropCallbacks(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypeCSRs, rcv.srv.URL, false)
	h.setFaults(Faults{DropCallbacks: 1})
	id := h.createCSR(NumberFor(Scenario{CSR: CSRFailed}, 1), "")
	rec := h.settledCallbacks(id, 1)[0]
	if rec.Outcome != CallbackDropped || len(rec.Attempts) != 0 {
		t.Fatalf("record %+v, want dropped without attempts", rec)
	}
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("receiver got %d requests for a dropped callback", n)
	}
	if got := h.sb.FaultStats().DroppedCallbacks; got != 1 {
		t.Fatalf("DroppedCallbacks %d", got)
	}
}

func TestFaultDuplicateCallbacks(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypeCSRs, rcv.srv.URL, false)
	h.setFaults(Faults{DuplicateCallbacks: 1})
	id := h.createCSR(NumberFor(Scenario{CSR: CSRComplete}, 2), "")
	recs := h.settledCallbacks(id, 2)
	if recs[0].Fault != "" || recs[1].Fault != "duplicate" || recs[0].Body != recs[1].Body {
		t.Fatalf("records %+v", recs)
	}
	got := rcv.requests()
	if len(got) != 2 || got[0].body != got[1].body {
		t.Fatalf("receiver got %d requests; a duplicate must be byte-identical", len(got))
	}
}

func TestFaultStaleCallbacksArriveAfterNewerOnes(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverOpen)
	h.subscribe(orderTypePortins, rcv.srv.URL, false)
	h.setFaults(Faults{StaleCallbacks: 1, StaleDelay: 10 * testStep})
	id := h.createPortIn(specFor(NumberFor(Scenario{}, 3)))
	h.waitStatus(id, "COMPLETE")
	h.settledCallbacks(id, 6) // three callbacks and a stale copy of each
	var statuses []string
	for _, n := range rcv.notifications(t) {
		statuses = append(statuses, n.Status)
	}
	firstFOC := slices.Index(statuses, "FOC")
	lastSubmitted := -1
	for i, st := range statuses {
		if st == "SUBMITTED" {
			lastSubmitted = i
		}
	}
	if firstFOC < 0 || lastSubmitted < firstFOC {
		t.Fatalf("callbacks %v: no stale SUBMITTED after FOC", statuses)
	}
	var stale int
	for _, c := range h.sb.Callbacks() {
		if c.Fault == "stale" {
			stale++
		}
	}
	if stale != 3 || h.sb.FaultStats().StaleCallbacks != 3 {
		t.Fatalf("%d stale records, stats %+v", stale, h.sb.FaultStats())
	}
}

func TestFaultLatency(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Faults = Faults{Latency: 80 * time.Millisecond} })
	start := time.Now()
	h.call("GET", "/subscriptions", "").expect(t, http.StatusOK)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Fatalf("call took %v with 80ms injected latency", d)
	}
	if h.sb.FaultStats().Latency != 1 {
		t.Fatalf("stats %+v", h.sb.FaultStats())
	}
}

func TestFaultServerErrorsHaveNoEffect(t *testing.T) {
	h := newHarness(t)
	h.setFaults(Faults{ServerErrors: 1})
	spec := specFor(NumberFor(Scenario{}, 4))
	for i := 0; i < 8; i++ {
		r := h.call("POST", "/portins", spec.xml())
		if r.status != http.StatusInternalServerError && r.status != http.StatusGatewayTimeout {
			t.Fatalf("status %d, want 500 or 504", r.status)
		}
		res := decodeAs[lnpOrderResponse](t, r.body)
		if res.Status == nil || res.Status.Code != r.status || res.Status.Description == "" {
			t.Fatalf("5xx body %s", r.body)
		}
	}
	if n := len(h.sb.Orders()); n != 0 {
		t.Fatalf("%d orders created by failed calls", n)
	}
	res := decodeAs[csrOrderResponse](t, h.call("GET", "/csrs", "").body)
	if len(res.Errors.Error) != 1 || res.Errors.Error[0].Code != "1000" {
		t.Fatalf("CSR 5xx shape %+v", res)
	}
}

func TestFaultErrorAfterCreate(t *testing.T) {
	h := newHarness(t)
	h.setFaults(Faults{ErrorAfterCreate: 1})
	spec := specFor(NumberFor(Scenario{}, 5))
	spec.CustomerOrderID = "pr-500"
	h.call("POST", "/portins", spec.xml()).expect(t, http.StatusInternalServerError)
	h.setFaults(Faults{})
	// The caller saw a 500, but the order exists: looking it up finds it.
	found := decodeAs[lnpResponseWrapper](t, h.call("GET", "/portins?page=1&size=10&customerOrderId=pr-500", "").expect(t, http.StatusOK).body)
	if found.TotalCount != 1 || h.sb.CreateCount(orderTypePortins, "pr-500") != 1 {
		t.Fatalf("lookup found %d, CreateCount %d", found.TotalCount, h.sb.CreateCount(orderTypePortins, "pr-500"))
	}
	h.waitStatus(found.Orders[0].OrderID, "COMPLETE")

	h.setFaults(Faults{ErrorAfterCreate: 1})
	r := h.call("POST", "/csrs", `<Csr><CustomerOrderId>csr-500</CustomerOrderId><WorkingOrBillingTelephoneNumber>9192000000</WorkingOrBillingTelephoneNumber></Csr>`).expect(t, http.StatusInternalServerError)
	if res := decodeAs[csrOrderResponse](t, r.body); res.Errors.Error[0].Code != "1000" {
		t.Fatalf("CSR 500 body %s", r.body)
	}
	if h.sb.CreateCount(orderTypeCSRs, "csr-500") != 1 {
		t.Fatal("CSR was not created behind the 500")
	}
	// A create that fails validation stays a 400: there is nothing to hide.
	h.call("POST", "/csrs", `<Csr></Csr>`).expect(t, http.StatusBadRequest)
}

func TestFaultRateLimit(t *testing.T) {
	h := newHarness(t)
	h.setFaults(Faults{RateLimit: 1})
	before := time.Now()
	r := h.call("GET", "/portins?page=1&size=10", "").expect(t, http.StatusTooManyRequests)
	if len(r.body) != 0 {
		t.Fatalf("429 with a body: %s", r.body)
	}
	reset, err := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil || reset <= before.Unix() || reset > before.Add(3*time.Second).Unix() {
		t.Fatalf("X-RateLimit-Reset %q (now %d)", r.header.Get("X-RateLimit-Reset"), before.Unix())
	}
	h.setFaults(Faults{})
	// The HISTORY group stays limited until the reset, and calling early is a violation.
	h.call("GET", "/portins/anything", "").expect(t, http.StatusTooManyRequests)
	if !h.hasViolation(RuleRateLimit) {
		t.Fatal("call before X-RateLimit-Reset not recorded")
	}
	// Other groups and ungrouped endpoints are not limited.
	h.call("GET", "/subscriptions", "").expect(t, http.StatusOK)
	h.call("GET", "/csrs/unknown", "").expect(t, http.StatusNotFound)
	waitFor(t, "the rate-limit window to pass", func() bool { return time.Now().Unix() >= reset })
	h.call("GET", "/portins?page=1&size=10", "").expect(t, http.StatusOK)
}

func TestFaultsOverTheInspectionEndpoint(t *testing.T) {
	h := newHarness(t)
	req, _ := http.NewRequest("PUT", h.srv.URL+"/_sandbox/faults", strings.NewReader(`{"dropCallbacks":0.25,"latency":"5ms","rateLimitWindow":"2s"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT faults: %d", resp.StatusCode)
	}
	f := h.sb.CurrentFaults()
	if f.DropCallbacks != 0.25 || f.Latency != 5*time.Millisecond || f.RateLimitWindow != 2*time.Second || f.StaleDelay != 3*testStep {
		t.Fatalf("faults %+v", f)
	}
	for _, body := range []string{`{"dropCallbacks":2}`, `{"latency":"soon"}`, `not json`} {
		req, _ := http.NewRequest("PUT", h.srv.URL+"/_sandbox/faults", strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("PUT %s: %d, want 400", body, resp.StatusCode)
		}
	}
	if err := h.sb.SetFaults(Faults{ServerErrors: -0.1}); err == nil {
		t.Fatal("SetFaults accepted a negative share")
	}
	if _, err := New(Options{Faults: Faults{RateLimit: 1.5}}); err == nil {
		t.Fatal("New accepted a share above 1")
	}
}

func TestFaultsAreReproducibleFromTheSeed(t *testing.T) {
	draws := func(seed uint64) []bool {
		sb, err := New(Options{Seed: seed, Faults: Faults{ErrorAfterCreate: 0.5}})
		if err != nil {
			t.Fatal(err)
		}
		defer sb.Close()
		out := make([]bool, 64)
		for i := range out {
			out[i] = sb.injectErrorAfterCreate()
		}
		return out
	}
	a, b, c := draws(1), draws(1), draws(2)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave different fault choices")
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds gave the same 64 fault choices")
	}
}
