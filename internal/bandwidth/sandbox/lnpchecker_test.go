package sandbox

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func checkBody(tns ...string) string {
	return `<NumberPortabilityRequest><TnList><Tn>` + strings.Join(tns, `</Tn><Tn>`) + `</Tn></TnList></NumberPortabilityRequest>`
}

func groupTNs(groups *rateCenterGroupsXML) map[string][]string {
	out := map[string][]string{}
	if groups != nil {
		for _, g := range groups.Groups {
			out[g.RateCenter] = g.TnList.TNs
		}
	}
	return out
}

func TestLnpCheckerFullCheck(t *testing.T) {
	h := newHarness(t)
	wireline := NumberFor(Scenario{Carrier: CarrierWireline}, 1)
	wireless := NumberFor(Scenario{Carrier: CarrierWireless}, 1)
	internal := NumberFor(Scenario{Carrier: CarrierInternal}, 1)
	offNet := NumberFor(Scenario{Carrier: CarrierOffNet}, 1)
	nonPortable := NumberFor(Scenario{Carrier: CarrierWireline, NonPortable: true}, 1)
	all := []string{wireline, wireless, internal, offNet, nonPortable}

	t.Run("fullCheck=true: off-net numbers look unsupported", func(t *testing.T) {
		res := decodeAs[numberPortabilityResponse](t, h.call("POST", "/lnpchecker?fullCheck=true", checkBody(all...)).expect(t, http.StatusOK).body)
		if res.PortType != portTypeMixed {
			t.Fatalf("PortType %s, want MIXED", res.PortType)
		}
		if want := []string{wireline, wireless, internal}; !reflect.DeepEqual(res.PortableNumbers.TNs, want) {
			t.Fatalf("portable %v, want %v", res.PortableNumbers.TNs, want)
		}
		if got := groupTNs(res.UnsupportedRateCenters); !reflect.DeepEqual(got, map[string][]string{"BEASON": {offNet}, "ALSEN": {nonPortable}}) {
			t.Fatalf("unsupported rate centers %v", got)
		}
		if got := groupTNs(res.SupportedRateCenters); !reflect.DeepEqual(got, map[string][]string{"RALEIGH": {wireline, wireless, internal}}) {
			t.Fatalf("supported rate centers %v", got)
		}
		if res.PartnerSupportedRateCenters != nil {
			t.Fatal("partner rate centers without fullCheck=offnetportability")
		}
		carriersBySPID := map[string]losingCarrierTnListXML{}
		for _, g := range res.SupportedLosingCarriers.Groups {
			carriersBySPID[g.LosingCarrierSPID] = g
		}
		tmo := carriersBySPID["6529"]
		if !tmo.LosingCarrierIsWireless || !tmo.LosingCarrierAccountNumberRequired || tmo.LosingCarrierMinimumPortingInterval != 7 || !reflect.DeepEqual(tmo.TnList.TNs, []string{wireless}) {
			t.Fatalf("wireless carrier group %+v", tmo)
		}
		if bw := carriersBySPID["979E"]; bw.LosingCarrierName != "BANDWIDTH.COM:979E -NSR/1" || bw.LosingCarrierMinimumPortingInterval != 1 {
			t.Fatalf("internal carrier group %+v", bw)
		}
		if len(carriersBySPID) != 4 {
			t.Fatalf("losing carriers %v, want 4 (the non-portable number's carrier is listed too)", carriersBySPID)
		}
	})

	t.Run("offnetportability: partner rate centers", func(t *testing.T) {
		res := decodeAs[numberPortabilityResponse](t, h.call("POST", "/lnpchecker?fullCheck=offnetportability", checkBody(offNet)).expect(t, http.StatusOK).body)
		if res.PortType != portTypeAutomatedOffNet || !reflect.DeepEqual(res.PortableNumbers.TNs, []string{offNet}) {
			t.Fatalf("PortType %s, portable %v", res.PortType, res.PortableNumbers.TNs)
		}
		g := res.PartnerSupportedRateCenters.Groups[0]
		if g.Vendor != "Level 3" || g.AutomatedPort != "true" || g.Tiers.Tier[0] != "3" {
			t.Fatalf("partner group %+v", g)
		}
	})

	t.Run("fullCheck=false: rate centers only", func(t *testing.T) {
		res := decodeAs[numberPortabilityResponse](t, h.call("POST", "/lnpchecker?fullCheck=false", checkBody(internal)).expect(t, http.StatusOK).body)
		if res.SupportedLosingCarriers != nil || res.PortType != portTypeInternal {
			t.Fatalf("losing carriers %v, PortType %s", res.SupportedLosingCarriers, res.PortType)
		}
	})

	t.Run("misspelt fullcheck runs as false and is recorded", func(t *testing.T) {
		res := decodeAs[numberPortabilityResponse](t, h.call("POST", "/lnpchecker?fullcheck=true", checkBody(wireline)).expect(t, http.StatusOK).body)
		if res.SupportedLosingCarriers != nil {
			t.Fatal("fullcheck (lower case) was taken as fullCheck")
		}
		if !h.hasViolation(RuleQueryParameter) {
			t.Fatal("misspelt query parameter not recorded")
		}
	})
}

func TestLnpCheckerErrors(t *testing.T) {
	h := newHarness(t)
	held := NumberFor(Scenario{Carrier: CarrierWireline}, 7)
	h.createPortIn(specFor(held))
	cases := []struct {
		name  string
		query string
		body  string
		codes []string
	}{
		{"invalid numbers", "true", checkBody("61746052083", "1192000000"), []string{"7201", "7201"}},
		{"no numbers", "true", `<NumberPortabilityRequest><TnList/></NumberPortabilityRequest>`, []string{"7316"}},
		{"duplicates", "true", checkBody("9192000001", "9192000001"), []string{"7360"}},
		{"number on a live order", "true", checkBody(held), []string{"7205"}},
		{"bad mode", "sometimes", checkBody("9192000001"), []string{"7472"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := decodeAs[numberPortabilityResponse](t, h.call("POST", "/lnpchecker?fullCheck="+tc.query, tc.body).expect(t, http.StatusBadRequest).body)
			if got := errorCodes(res.Errors); !reflect.DeepEqual(got, tc.codes) {
				t.Fatalf("codes %v, want %v", got, tc.codes)
			}
		})
	}
}
