package sandbox

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// Carrier identifies one of the sandbox's losing carriers.
type Carrier int

// The sandbox's losing carriers. Each one behaves differently so that a flow can be exercised
// against every kind of port Bandwidth distinguishes.
const (
	// CarrierWireline is an automated on-net wireline carrier with a 3-day minimum porting interval.
	CarrierWireline Carrier = iota
	// CarrierWirelineStrict is an automated on-net wireline carrier with a 5-day interval that
	// rejects a port-in with 7424 (LOA requested) when no LOA was uploaded before it answers.
	CarrierWirelineStrict
	// CarrierWireless is a wireless carrier: it needs the account number and PIN
	// (WirelessInfo) and has the longest minimum porting interval (7 days).
	CarrierWireless
	// CarrierInternal is Bandwidth itself (SPID 979E): an INTERNAL port with a 1-day interval.
	CarrierInternal
	// CarrierOffNet is reached through the partner vendor Level 3 (AUTOMATEDOFFNET); its numbers
	// are only portable when the portability check asks for fullCheck=offnetportability.
	CarrierOffNet
	// CarrierTollFree is the RespOrg holding a toll-free number (MANUAL_TOLLFREE). It has no
	// SPID and no customer record to match: a toll-free port-in needs no billing number or
	// subscriber, but waits in PENDING_DOCUMENTS until an LOA (PDF or TIFF) is uploaded.
	CarrierTollFree
)

// CarrierInfo is what Bandwidth knows about a losing carrier.
type CarrierInfo struct {
	Carrier                Carrier
	SPID                   string
	Name                   string
	Wireless               bool
	AccountNumberRequired  bool
	MinimumPortingInterval int // calendar days between today and the earliest FOC date
	PortType               string
	VendorName             string
	// RequiresLOA makes the carrier reject a port-in (7424) when no LOA document is on the
	// order by the time it answers.
	RequiresLOA bool
}

var carriers = map[Carrier]CarrierInfo{
	CarrierWireline: {
		Carrier: CarrierWireline, SPID: "7024", Name: "Clarity Tel DBA Vast BBD:7024-NSR/1",
		MinimumPortingInterval: 3, PortType: portTypeAutomated, VendorName: "Bandwidth CLEC",
	},
	CarrierWirelineStrict: {
		Carrier: CarrierWirelineStrict, SPID: "0121", Name: "Frontier Rochester:0121 -SVR/1",
		MinimumPortingInterval: 5, PortType: portTypeAutomated, VendorName: "Bandwidth CLEC",
		RequiresLOA: true,
	},
	CarrierWireless: {
		Carrier: CarrierWireless, SPID: "6529", Name: "T-Mobile US:6529 - SVR/2", Wireless: true,
		AccountNumberRequired: true, MinimumPortingInterval: 7, PortType: portTypeAutomated,
		VendorName: "Bandwidth CLEC",
	},
	CarrierInternal: {
		Carrier: CarrierInternal, SPID: "979E", Name: "BANDWIDTH.COM:979E -NSR/1",
		MinimumPortingInterval: 1, PortType: portTypeInternal, VendorName: "Bandwidth CLEC",
	},
	CarrierOffNet: {
		Carrier: CarrierOffNet, SPID: "1290", Name: "Integra Telecom:1290 -NSR/1",
		MinimumPortingInterval: 4, PortType: portTypeAutomatedOffNet, VendorName: "Level 3",
	},
	CarrierTollFree: {
		Carrier: CarrierTollFree, Name: "Toll-Free RespOrg",
		MinimumPortingInterval: 5, PortType: portTypeManualTollFree, VendorName: "Bandwidth CLEC",
	},
}

// Info returns what Bandwidth knows about the carrier.
func (c Carrier) Info() CarrierInfo {
	info, ok := carriers[c]
	if !ok {
		panic(fmt.Sprintf("sandbox: unknown carrier %d", int(c)))
	}
	return info
}

func (c Carrier) String() string {
	switch c {
	case CarrierWireline:
		return "wireline"
	case CarrierWirelineStrict:
		return "wireline-strict"
	case CarrierWireless:
		return "wireless"
	case CarrierInternal:
		return "internal"
	case CarrierOffNet:
		return "offnet"
	case CarrierTollFree:
		return "toll-free"
	}
	return fmt.Sprintf("carrier(%d)", int(c))
}

// CSROutcome is how a CSR lookup for a number ends.
type CSROutcome int

// CSR outcomes, mirroring the real mix (about 40% COMPLETE with data).
const (
	// CSRComplete: COMPLETE with CsrData and a parsed ServiceAddress.
	CSRComplete CSROutcome = iota
	// CSRCompleteUnparsed: COMPLETE, but the ServiceAddress holds only an UnparsedAddress line
	// (street, city, state and ZIP in one string).
	CSRCompleteUnparsed
	// CSRCompleteWithError: the trap — Status COMPLETE that carries error 26500 and no usable
	// CsrData; the notification's Message is "26500: CSR is not available for this TN".
	CSRCompleteWithError
	// CSRActionRequired: ACTION_REQUIRED until a PUT supplies the carrier's account number
	// (and, for the wireless carrier, the PIN); then COMPLETE. A POST that already carries
	// the right values completes directly.
	CSRActionRequired
	// CSRFailed: FAILED with error 26500 (the carrier offers no real-time CSR).
	CSRFailed
)

func (o CSROutcome) String() string {
	switch o {
	case CSRComplete:
		return "complete"
	case CSRCompleteUnparsed:
		return "complete-unparsed"
	case CSRCompleteWithError:
		return "complete-with-26500"
	case CSRActionRequired:
		return "action-required"
	case CSRFailed:
		return "failed"
	}
	return fmt.Sprintf("csr(%d)", int(o))
}

// Coverage says whether Bandwidth can port numbers from a rate center, and how.
type Coverage int

// Rate center coverage kinds.
const (
	CoverageOnNet       Coverage = iota // Bandwidth's own network
	CoverageOffNet                      // through a partner vendor (fullCheck=offnetportability)
	CoverageUnsupported                 // not portable at all (7331)
	CoverageTollFree                    // toll-free: portable by port-in, not through /lnpchecker
)

// RateCenter is the rate center an area code (NPA) belongs to in the sandbox.
type RateCenter struct {
	Name     string
	City     string
	State    string
	LATA     string
	Tier     string
	Coverage Coverage
	Vendor   string   // partner vendor for off-net rate centers
	Zips     []string // ZIP codes the carrier records of this rate center use
}

// rateCentersByNPA maps area codes to rate centers. Area codes not listed borrow one of the
// on-net rate centers (chosen from the area code), so any number a user types is portable.
var rateCentersByNPA = map[string]RateCenter{
	"919": {Name: "RALEIGH", City: "RALEIGH", State: "NC", LATA: "426", Tier: "0", Zips: []string{"27601", "27603", "27606", "27609", "27612"}},
	"208": {Name: "BLACKFOOT", City: "BLACKFOOT", State: "ID", LATA: "652", Tier: "0", Zips: []string{"83221"}},
	"303": {Name: "DENVER", City: "DENVER", State: "CO", LATA: "656", Tier: "0", Zips: []string{"80202", "80205", "80211"}},
	"512": {Name: "AUSTIN", City: "AUSTIN", State: "TX", LATA: "558", Tier: "0", Zips: []string{"78701", "78704", "78751"}},
	"206": {Name: "SEATTLE", City: "SEATTLE", State: "WA", LATA: "674", Tier: "0", Zips: []string{"98101", "98103", "98118"}},
	"404": {Name: "ATLANTA", City: "ATLANTA", State: "GA", LATA: "438", Tier: "0", Zips: []string{"30303", "30308", "30318"}},
	"217": {Name: "BEASON", City: "BEASON", State: "IL", LATA: "366", Tier: "3", Coverage: CoverageOffNet, Vendor: "Level 3", Zips: []string{"62512"}},
	"605": {Name: "ALSEN", City: "ALSEN", State: "SD", LATA: "640", Coverage: CoverageUnsupported, Zips: []string{"57004"}},
}

// onNetNPAs lists the on-net area codes in a fixed order for borrowing.
var onNetNPAs = []string{"919", "208", "303", "512", "206", "404"}

// tollFreeNPAs are the toll-free area codes. Their numbers port as MANUAL_TOLLFREE port-ins
// (alone or as a bulk port-in's toll-free child); /lnpchecker does not check them (PROTOCOL §6.2)
// and lists them as unsupported.
var tollFreeNPAs = map[string]bool{"800": true, "833": true, "844": true, "855": true, "866": true, "877": true, "888": true}

// Area codes NumberFor uses.
const (
	onNetNPA       = "919"
	offNetNPA      = "217"
	unsupportedNPA = "605"
	tollFreeNPA    = "800"
)

// RateCenterFor returns the rate center of a 10-digit number.
func RateCenterFor(tn string) RateCenter {
	npa := tn[:3]
	if rc, ok := rateCentersByNPA[npa]; ok {
		return rc
	}
	if tollFreeNPAs[npa] {
		return RateCenter{Name: "TOLLFREE", State: "", LATA: "", Coverage: CoverageTollFree}
	}
	borrowed := onNetNPAs[int(hashOf(npa)%uint64(len(onNetNPAs)))]
	return rateCentersByNPA[borrowed]
}

// Scenario selects the behaviour of a number.
type Scenario struct {
	Carrier Carrier
	CSR     CSROutcome
	// NonPortable puts the number in a rate center Bandwidth cannot port from (ALSEN SD, 605):
	// the portability check lists it under UnsupportedRateCenters and a port-in fails with 7331.
	NonPortable bool
}

// carrierDigits and csrDigits are the digit a NumberFor number carries for each choice; the
// decoding tables below must map them back.
var carrierDigits = map[Carrier]byte{
	CarrierWireline: '0', CarrierWirelineStrict: '4', CarrierWireless: '6', CarrierInternal: '9',
	// Every number of an off-net or toll-free area code belongs to the off-net carrier or the
	// RespOrg; the digit is unused.
	CarrierOffNet: '0', CarrierTollFree: '0',
}

var csrDigits = map[CSROutcome]byte{
	CSRComplete: '0', CSRCompleteUnparsed: '3', CSRCompleteWithError: '4',
	CSRActionRequired: '5', CSRFailed: '6',
}

// MaxSequence is the largest seq NumberFor accepts; each scenario has MaxSequence+1 numbers.
const MaxSequence = 79999

// NumberFor returns the seq-th 10-digit number with the given behaviour. Different seq values
// give different numbers, so tests can take fresh numbers without colliding (7205).
// It panics on an unknown carrier or outcome, on seq outside 0..MaxSequence, and on an
// off-net or toll-free carrier in a non-portable rate center (no such number exists).
func NumberFor(s Scenario, seq int) string {
	if seq < 0 || seq > MaxSequence {
		panic(fmt.Sprintf("sandbox: NumberFor seq %d outside 0..%d", seq, MaxSequence))
	}
	carrierDigit, ok := carrierDigits[s.Carrier]
	if !ok {
		panic(fmt.Sprintf("sandbox: NumberFor unknown carrier %d", int(s.Carrier)))
	}
	csrDigit, ok := csrDigits[s.CSR]
	if !ok {
		panic(fmt.Sprintf("sandbox: NumberFor unknown CSR outcome %d", int(s.CSR)))
	}
	npa := onNetNPA
	switch {
	case s.NonPortable && (s.Carrier == CarrierOffNet || s.Carrier == CarrierTollFree):
		panic("sandbox: NumberFor: an off-net or toll-free number cannot be in a non-portable rate center")
	case s.NonPortable:
		npa = unsupportedNPA
	case s.Carrier == CarrierOffNet:
		npa = offNetNPA
	case s.Carrier == CarrierTollFree:
		npa = tollFreeNPA
	}
	nxx := 200 + seq/100
	return fmt.Sprintf("%s%03d%c%c%02d", npa, nxx, carrierDigit, csrDigit, seq%100)
}

// carrierOf decodes the losing carrier from a number (see the package documentation).
func carrierOf(tn string) Carrier {
	switch RateCenterFor(tn).Coverage {
	case CoverageOffNet:
		return CarrierOffNet
	case CoverageTollFree:
		return CarrierTollFree
	}
	switch d := tn[6]; {
	case d <= '3':
		return CarrierWireline
	case d <= '5':
		return CarrierWirelineStrict
	case d <= '8':
		return CarrierWireless
	default:
		return CarrierInternal
	}
}

// csrOutcomeOf decodes the CSR outcome from a number (see the package documentation).
func csrOutcomeOf(tn string) CSROutcome {
	if isTollFree(tn) {
		return CSRFailed // a RespOrg keeps no customer service record
	}
	switch d := tn[7]; {
	case d <= '2':
		return CSRComplete
	case d == '3':
		return CSRCompleteUnparsed
	case d == '4':
		return CSRCompleteWithError
	case d == '5':
		return CSRActionRequired
	default:
		return CSRFailed
	}
}

// CarrierAddress is a service address as the losing carrier keeps it: upper case, with the
// carrier's own abbreviations.
type CarrierAddress struct {
	HouseNumber    string
	PreDirectional string
	StreetName     string
	StreetSuffix   string
	City           string
	State          string
	Zip            string
}

// Line returns the street part ("1234 N MAIN ST").
func (a CarrierAddress) Line() string {
	return strings.Join(nonEmpty(a.HouseNumber, a.PreDirectional, a.StreetName, a.StreetSuffix), " ")
}

// Unparsed returns the whole address on one line, as some CSRs carry it.
func (a CarrierAddress) Unparsed() string {
	return strings.Join(nonEmpty(a.Line(), a.City, a.State, a.Zip), " ")
}

// CarrierRecord is the losing carrier's hidden record of a number: what a CSR reveals and what
// a port-in is checked against.
type CarrierRecord struct {
	TN             string
	Carrier        CarrierInfo
	RateCenter     RateCenter
	CSR            CSROutcome
	CustomerName   string
	AccountNumber  string
	PIN            string
	ServiceAddress CarrierAddress
}

var (
	firstNames   = []string{"JOHN", "MARIA", "DAVID", "LINDA", "JAMES", "PATRICIA", "ROBERT", "ELENA", "MICHAEL", "AISHA"}
	lastNames    = []string{"SMITH", "GARCIA", "JOHNSON", "NGUYEN", "BROWN", "PATEL", "MILLER", "KOWALSKI", "DAVIS", "OKAFOR"}
	businesses   = []string{"HOUSE OF MOUSE LLC", "ACME CORPORATION", "TRIANGLE DENTAL PA", "BLUE RIDGE BAKERY", "OAK CITY PLUMBING"}
	streetNames  = []string{"MAIN", "OAK", "MAPLE", "MAIN CAMPUS", "LAKE", "HILLSBOROUGH", "GLENWOOD", "CEDAR", "PARK", "RIDGE", "CHURCH", "WASHINGTON"}
	streetSuffix = []string{"ST", "AVE", "DR", "RD", "BLVD", "LN", "CT", "PKWY"}
	directionals = []string{"", "", "", "N", "S", "E", "W"}
)

// CarrierRecordFor returns the losing carrier's record of a 10-digit number. The record is
// derived from the number alone, so it is the same in every sandbox and every run.
func CarrierRecordFor(tn string) CarrierRecord {
	if !validNANP(tn) {
		panic(fmt.Sprintf("sandbox: CarrierRecordFor(%q): not a 10-digit NANP number", tn))
	}
	h := hashOf(tn)
	pick := func(list []string, salt uint64) string {
		return list[int((h/salt)%uint64(len(list)))]
	}
	rc := RateCenterFor(tn)
	info := carrierOf(tn).Info()
	rec := CarrierRecord{TN: tn, Carrier: info, RateCenter: rc, CSR: csrOutcomeOf(tn)}
	if h%4 == 0 {
		rec.CustomerName = pick(businesses, 7)
	} else {
		rec.CustomerName = pick(firstNames, 11) + " " + pick(lastNames, 13)
	}
	rec.ServiceAddress = CarrierAddress{
		HouseNumber:    fmt.Sprintf("%d", 100+(h/17)%9800),
		PreDirectional: pick(directionals, 19),
		StreetName:     pick(streetNames, 23),
		StreetSuffix:   pick(streetSuffix, 29),
		City:           rc.City,
		State:          rc.State,
		Zip:            "00000",
	}
	if len(rc.Zips) > 0 {
		rec.ServiceAddress.Zip = pick(rc.Zips, 31)
	}
	if info.Wireless {
		rec.AccountNumber = fmt.Sprintf("%09d", (h/37)%1_000_000_000)
	} else {
		rec.AccountNumber = fmt.Sprintf("%s-%06d", tn[:3], (h/41)%1_000_000)
	}
	rec.PIN = fmt.Sprintf("%04d", (h/43)%10_000)
	return rec
}

// isTollFree reports whether a 10-digit number is in a toll-free area code.
func isTollFree(tn string) bool { return len(tn) >= 3 && tollFreeNPAs[tn[:3]] }

// hashOf is a stable hash of a string (FNV-1a), the source of every derived record field.
func hashOf(s string) uint64 {
	f := fnv.New64a()
	_, _ = f.Write([]byte(s))
	return f.Sum64()
}

// validNANP reports whether tn is a 10-digit NANP number (NPA and NXX start with 2-9).
func validNANP(tn string) bool {
	if len(tn) != 10 {
		return false
	}
	for i := 0; i < len(tn); i++ {
		if tn[i] < '0' || tn[i] > '9' {
			return false
		}
	}
	return tn[0] >= '2' && tn[3] >= '2'
}

func nonEmpty(parts ...string) []string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
