package main

import (
	"testing"
	"time"

	"github.com/portflow/portflow/internal/bandwidth/sandbox"
	"github.com/portflow/portflow/internal/order"
)

func TestPercentileIsNearestRank(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"empty", nil, 0.99, 0},
		{"one value", ms(7), 0.5, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 0.99, 99 * time.Millisecond},
		{"max", ms(hundred...), 1, 100 * time.Millisecond},
		{"p0 is the minimum", ms(3, 9), 0, 3 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.q); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.q, got, tt.want)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		values []float64
		want   float64
	}{
		{nil, 0},
		{[]float64{5}, 5},
		{[]float64{9, 1, 5}, 5},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := median(tt.values); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.values, got, tt.want)
		}
	}
}

// Every request of the workload must be one that completes, on a number no other request uses
// (the sandbox refuses a number already on a live port-in with 7205).
func TestWorkloadOnlyCompletingScenariosOnDistinctNumbers(t *testing.T) {
	for _, mix := range []string{mixCompleting, mixWireline} {
		reqs := workload(mix, 500)
		seen := map[string]bool{}
		carriers := map[string]int{}
		for i, r := range reqs {
			if len(r.Numbers) != 1 {
				t.Fatalf("%s request %d has %d numbers", mix, i, len(r.Numbers))
			}
			tn := r.Numbers[0]
			if seen[tn] {
				t.Fatalf("%s: number %s used twice", mix, tn)
			}
			seen[tn] = true
			rec := sandbox.CarrierRecordFor(tn)
			carriers[rec.Carrier.Carrier.String()]++
			if rec.RateCenter.Coverage != sandbox.CoverageOnNet {
				t.Errorf("%s request %d: %s is not on-net", mix, i, tn)
			}
			if rec.Carrier.Wireless && (r.AccountNumber.Reveal() != rec.AccountNumber || r.PIN.Reveal() != rec.PIN) {
				t.Errorf("%s request %d: wireless %s without the carrier's account number and PIN", mix, i, tn)
			}
			if rec.CSR != sandbox.CSRComplete && r.ServiceAddress.Line1 != rec.ServiceAddress.Line() {
				t.Errorf("%s request %d: no CSR to repair the address %q of %s", mix, i, r.ServiceAddress.Line1, tn)
			}
			if r.Activation.Mode != order.ActivationScheduled {
				t.Errorf("%s request %d: activation %q needs an operator", mix, i, r.Activation.Mode)
			}
		}
		if mix == mixWireline && len(carriers) != 1 {
			t.Errorf("the wireline mix has carriers %v", carriers)
		}
		if mix == mixCompleting && len(carriers) != 3 {
			t.Errorf("the completing mix has carriers %v, want wireline, internal and wireless", carriers)
		}
	}
}
