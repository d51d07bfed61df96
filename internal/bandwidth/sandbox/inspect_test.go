package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func getJSON[T any](t *testing.T, url string) T {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var v T
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", url, err)
	}
	return v
}

func TestInspectionEndpoints(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t, receiverNoChallenge)
	h.subscribe(orderTypePortins, rcv.srv.URL, true)
	id := h.createPortIn(specFor(NumberFor(Scenario{}, 1)))
	csrID := h.createCSR(NumberFor(Scenario{CSR: CSRFailed}, 1), "")
	h.waitStatus(id, "COMPLETE")
	h.waitStatus(csrID, "FAILED")
	h.call("GET", "/subscriptions", "", "Accept", "") // one violation

	resp, err := http.Get(h.srv.URL + "/_sandbox/")
	if err != nil {
		t.Fatal(err)
	}
	index, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || !strings.Contains(string(index), "GET /_sandbox/callbacks") {
		t.Fatalf("index %q", index)
	}

	orders := getJSON[[]OrderSnapshot](t, h.srv.URL+"/_sandbox/orders")
	if len(orders) != 2 || orders[0].OrderID != id || orders[0].Status != "COMPLETE" || len(orders[0].History) != 3 || orders[1].Type != "csrs" || orders[1].Errors[0] != "26500: CSR is not available for this TN" {
		t.Fatalf("orders %+v", orders)
	}
	callbacks := getJSON[[]CallbackRecord](t, h.srv.URL+"/_sandbox/callbacks")
	h.settledCallbacks(id, 3)
	if len(callbacks) != 3 {
		t.Fatalf("%d callbacks listed, want 3", len(callbacks))
	}
	for _, c := range h.sb.Callbacks() {
		if c.Outcome != CallbackLost {
			t.Fatalf("callback to a receiver without WWW-Authenticate: %s", c.Outcome)
		}
	}
	violations := getJSON[[]Violation](t, h.srv.URL+"/_sandbox/violations")
	if len(violations) != 1 || violations[0].Rule != RuleAccept || violations[0].Request != "GET /api/accounts/"+testAccount+"/subscriptions" {
		t.Fatalf("violations %+v", violations)
	}
	faults := getJSON[struct {
		Faults   map[string]any `json:"faults"`
		Injected FaultStats     `json:"injected"`
	}](t, h.srv.URL+"/_sandbox/faults")
	if faults.Faults["staleDelay"] != (3 * testStep).String() {
		t.Fatalf("faults %+v", faults)
	}
	tn := NumberFor(Scenario{Carrier: CarrierWireless}, 9)
	rec := getJSON[map[string]any](t, h.srv.URL+"/_sandbox/numbers/"+tn)
	carrier := rec["Carrier"].(map[string]any)
	if carrier["Carrier"] != "wireless" || rec["PIN"] != CarrierRecordFor(tn).PIN || rec["CSR"] != "complete" {
		t.Fatalf("number record %v", rec)
	}
	bad, err := http.Get(h.srv.URL + "/_sandbox/numbers/12")
	if err != nil {
		t.Fatal(err)
	}
	bad.Body.Close()
	if bad.StatusCode != http.StatusBadRequest {
		t.Fatalf("record of an invalid number: %d", bad.StatusCode)
	}
}

func TestLinksFollowTheMountPoint(t *testing.T) {
	cases := []struct {
		name    string
		opts    func(*Options)
		headers []string
		want    func(srvURL string) string
	}{
		{"StripPrefix mount", nil, nil, func(u string) string { return u + "/sandbox/bandwidth/api/accounts/" }},
		{"reverse proxy headers", nil, []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "demo.portflow.example", "X-Forwarded-Prefix", "/bw"},
			func(string) string { return "https://demo.portflow.example/bw/api/accounts/" }},
		{"configured base URL", func(o *Options) { o.BaseURL = "https://portflow.example/sandbox/" }, nil,
			func(string) string { return "https://portflow.example/sandbox/api/accounts/" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Step: testStep}
			if tc.opts != nil {
				tc.opts(&opts)
			}
			sb, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			mux.Handle("/sandbox/bandwidth/", http.StripPrefix("/sandbox/bandwidth", sb.Handler()))
			srv := httptest.NewServer(mux)
			t.Cleanup(func() { sb.Close(); srv.Close() })
			h := &harness{t: t, sb: sb, srv: srv}
			headers := append([]string{}, tc.headers...)
			r := h.call("POST", srv.URL+"/sandbox/bandwidth/v1.0/accounts/"+testAccount+"/subscriptions",
				`<Subscription><OrderType>portins</OrderType><CallbackSubscription><URL>https://a.example/</URL></CallbackSubscription></Subscription>`,
				headers...).expect(t, http.StatusCreated)
			want := strings.Replace(tc.want(srv.URL), "/api/", "/v1.0/", 1)
			if loc := r.header.Get("Location"); !strings.HasPrefix(loc, want+testAccount+"/subscriptions/") {
				t.Fatalf("Location %q, want prefix %q", loc, want)
			}
		})
	}
}
