package sandbox

import (
	"reflect"
	"testing"
	"time"
)

func TestNumberForDecodesBackToItsScenario(t *testing.T) {
	carriersToTest := []Carrier{CarrierWireline, CarrierWirelineStrict, CarrierWireless, CarrierInternal, CarrierOffNet}
	outcomes := []CSROutcome{CSRComplete, CSRCompleteUnparsed, CSRCompleteWithError, CSRActionRequired, CSRFailed}
	seen := map[string]bool{}
	for _, c := range carriersToTest {
		for _, o := range outcomes {
			for _, seq := range []int{0, 1, 99, 100, MaxSequence} {
				tn := NumberFor(Scenario{Carrier: c, CSR: o}, seq)
				if !validNANP(tn) {
					t.Fatalf("NumberFor(%v,%v,%d) = %q: not a NANP number", c, o, seq, tn)
				}
				if seen[tn] {
					t.Fatalf("NumberFor(%v,%v,%d) = %q was already given to another scenario or seq", c, o, seq, tn)
				}
				seen[tn] = true
				rec := CarrierRecordFor(tn)
				if rec.Carrier.Carrier != c || rec.CSR != o {
					t.Errorf("NumberFor(%v,%v,%d) = %s decodes to carrier %v, CSR %v", c, o, seq, tn, rec.Carrier.Carrier, rec.CSR)
				}
				wantCoverage := CoverageOnNet
				if c == CarrierOffNet {
					wantCoverage = CoverageOffNet
				}
				if rec.RateCenter.Coverage != wantCoverage {
					t.Errorf("%s: coverage %v, want %v", tn, rec.RateCenter.Coverage, wantCoverage)
				}
			}
		}
	}
}

func TestNumberForNonPortableIsInAnUnsupportedRateCenter(t *testing.T) {
	tn := NumberFor(Scenario{Carrier: CarrierWireless, CSR: CSRComplete, NonPortable: true}, 5)
	rec := CarrierRecordFor(tn)
	if rec.RateCenter.Coverage != CoverageUnsupported || rec.RateCenter.Name != "ALSEN" {
		t.Fatalf("%s: rate center %+v, want unsupported ALSEN", tn, rec.RateCenter)
	}
	if rec.Carrier.Carrier != CarrierWireless {
		t.Fatalf("%s: carrier %v, want wireless", tn, rec.Carrier.Carrier)
	}
}

func TestNumberForPanicsOnImpossibleScenarios(t *testing.T) {
	cases := map[string]func(){
		"seq below range":        func() { NumberFor(Scenario{}, -1) },
		"seq above range":        func() { NumberFor(Scenario{}, MaxSequence+1) },
		"unknown carrier":        func() { NumberFor(Scenario{Carrier: Carrier(42)}, 0) },
		"unknown outcome":        func() { NumberFor(Scenario{CSR: CSROutcome(42)}, 0) },
		"non-portable off-net":   func() { NumberFor(Scenario{Carrier: CarrierOffNet, NonPortable: true}, 0) },
		"record of a bad number": func() { CarrierRecordFor("123") },
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("did not panic")
				}
			}()
			fn()
		})
	}
}

func TestCarrierRecordIsStableAndComplete(t *testing.T) {
	tn := NumberFor(Scenario{Carrier: CarrierWireless, CSR: CSRComplete}, 42)
	a, b := CarrierRecordFor(tn), CarrierRecordFor(tn)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two records of %s differ:\n%+v\n%+v", tn, a, b)
	}
	addr := a.ServiceAddress
	if addr.HouseNumber == "" || addr.StreetName == "" || addr.City != "RALEIGH" || addr.State != "NC" || len(addr.Zip) != 5 {
		t.Fatalf("incomplete address %+v", addr)
	}
	if a.AccountNumber == "" || len(a.PIN) != 4 || a.CustomerName == "" {
		t.Fatalf("incomplete record %+v", a)
	}
	if !a.Carrier.Wireless || !a.Carrier.AccountNumberRequired {
		t.Fatalf("wireless carrier info %+v", a.Carrier)
	}
	other := CarrierRecordFor(NumberFor(Scenario{Carrier: CarrierWireless, CSR: CSRComplete}, 43))
	if other.AccountNumber == a.AccountNumber && other.ServiceAddress == a.ServiceAddress {
		t.Fatal("neighbouring numbers share account number and address; records are not derived from the number")
	}
}

func TestDigitsSelectCarrierAndCSRInTheDocumentedShares(t *testing.T) {
	// Over every 7th/8th digit combination of an on-net area code the shares are those the
	// package documentation promises: 40% real-time CSR with data, 40% FAILED.
	var withData, failed int
	carrierCount := map[Carrier]int{}
	for c := '0'; c <= '9'; c++ {
		for o := '0'; o <= '9'; o++ {
			tn := "919555" + string(c) + string(o) + "00"
			rec := CarrierRecordFor(tn)
			carrierCount[rec.Carrier.Carrier]++
			switch rec.CSR {
			case CSRComplete, CSRCompleteUnparsed:
				withData++
			case CSRFailed:
				failed++
			}
		}
	}
	if withData != 40 || failed != 40 {
		t.Fatalf("CSR with data %d%%, failed %d%%; want 40%% and 40%%", withData, failed)
	}
	want := map[Carrier]int{CarrierWireline: 40, CarrierWirelineStrict: 20, CarrierWireless: 30, CarrierInternal: 10}
	for c, n := range want {
		if carrierCount[c] != n {
			t.Errorf("carrier %v: %d%%, want %d%%", c, carrierCount[c], n)
		}
	}
}

func TestEarliestFocDateSkipsWeekendsAndHolidays(t *testing.T) {
	cases := []struct {
		name    string
		carrier Carrier
		now     time.Time
		want    string
	}{
		{"wireline from Monday", CarrierWireline, mondayMorning, "2026-03-05"},
		{"internal from Friday skips the weekend", CarrierInternal, time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC), "2026-03-09"},
		{"wireless lands on Memorial Day and moves to Tuesday", CarrierWireless, time.Date(2026, 5, 18, 15, 0, 0, 0, time.UTC), "2026-05-26"},
		{"late evening UTC is still the same day in ET", CarrierWireline, time.Date(2026, 3, 3, 3, 0, 0, 0, time.UTC), "2026-03-05"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := EarliestFocDate(tc.carrier, tc.now)
			if d := got.In(eastern).Format("2006-01-02"); d != tc.want {
				t.Fatalf("EarliestFocDate = %s, want %s", d, tc.want)
			}
			if h, m, _ := got.In(eastern).Clock(); h != 11 || m != 30 {
				t.Fatalf("activation time %02d:%02d ET, want 11:30", h, m)
			}
		})
	}
}
