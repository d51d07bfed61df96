package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestManyConcurrentOrders runs a few hundred port-ins and CSRs from many goroutines, with
// callbacks, and checks every order finishes with its callbacks delivered in order.
func TestManyConcurrentOrders(t *testing.T) {
	const workers, perWorker = 16, 15
	h := newHarness(t, func(o *Options) { o.Step = 5 * time.Millisecond })
	rcv := newReceiver(t, receiverChallenge)
	h.subscribe(orderTypePortins, rcv.srv.URL, true)
	h.subscribe(orderTypeCSRs, rcv.srv.URL, true)

	var mu sync.Mutex
	var portins, csrs []string
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				seq := 1000 + w*perWorker + i
				// Every carrier that accepts an order without an LOA upload.
				carrier := []Carrier{CarrierWireline, CarrierWireless, CarrierInternal}[seq%3]
				spec := specFor(NumberFor(Scenario{Carrier: carrier}, seq))
				spec.CustomerOrderID = fmt.Sprintf("load-%d", seq)
				r := h.call("POST", "/portins", spec.xml())
				if r.status != http.StatusCreated {
					errs <- fmt.Errorf("create %d: %d %s", seq, r.status, r.body)
					return
				}
				csr := h.call("POST", "/csrs", `<Csr><WorkingOrBillingTelephoneNumber>`+NumberFor(Scenario{CSR: CSROutcome(seq % 5)}, seq)+`</WorkingOrBillingTelephoneNumber></Csr>`)
				if csr.status != http.StatusCreated {
					errs <- fmt.Errorf("csr %d: %d", seq, csr.status)
					return
				}
				h.call("GET", "/portins?page=1&size=5&customerOrderId="+spec.CustomerOrderID, "")
				mu.Lock()
				portins = append(portins, decodeAs[lnpOrderResponse](t, r.body).OrderID)
				csrs = append(csrs, decodeAs[csrResponse](t, csr.body).OrderID)
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, id := range portins {
		h.waitStatus(id, "COMPLETE")
	}
	for _, id := range csrs {
		waitFor(t, "CSR "+id+" to settle", func() bool {
			s, _ := h.sb.Order(id)
			return s.Status != csrProcessing
		})
	}
	waitFor(t, "every callback to settle", func() bool {
		for _, c := range h.sb.Callbacks() {
			if c.Outcome == CallbackPending {
				return false
			}
		}
		return true
	})
	byOrder := map[string][]string{}
	for _, c := range h.sb.Callbacks() {
		if c.Outcome != CallbackDelivered {
			t.Fatalf("callback %d: %s %s", c.ID, c.Outcome, c.Detail)
		}
		if c.OrderType == orderTypePortins {
			byOrder[c.OrderID] = append(byOrder[c.OrderID], c.Status)
		}
	}
	delivered := map[string][]string{}
	for _, n := range rcv.notifications(t) {
		if n.OrderType == orderTypePortins {
			delivered[n.OrderID] = append(delivered[n.OrderID], n.Status)
		}
	}
	for _, id := range portins {
		want := []string{"SUBMITTED", "FOC", "COMPLETE"}
		if fmt.Sprint(byOrder[id]) != fmt.Sprint(want) || fmt.Sprint(delivered[id]) != fmt.Sprint(want) {
			t.Fatalf("order %s: emitted %v, delivered %v", id, byOrder[id], delivered[id])
		}
	}
	if v := h.sb.Violations(); len(v) != 0 {
		t.Fatalf("violations under load: %+v", v[0])
	}
}

func BenchmarkCreatePortIn(b *testing.B) {
	sb, err := New(Options{Step: time.Hour}) // no lifecycle during the benchmark
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	handler := sb.Handler()
	bodies := make([]string, b.N)
	for i := range bodies {
		bodies[i] = specFor(NumberFor(Scenario{}, i%(MaxSequence+1))).xml()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i > MaxSequence {
			b.Skip("more iterations than distinct numbers")
		}
		req := httptest.NewRequest("POST", "/api/accounts/"+testAccount+"/portins", strings.NewReader(bodies[i]))
		req.SetBasicAuth("sandbox", "sandbox")
		req.Header.Set("Accept", "application/xml")
		req.Header.Set("Content-Type", "application/xml")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("create: %d %s", rec.Code, rec.Body.String())
		}
	}
}
