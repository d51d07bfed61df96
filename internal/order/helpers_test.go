package order

import (
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// t0 is Monday 2 March 2026, 09:00 Eastern (EST): a business day with no holiday nearby.
var t0 = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

const requestID = "3f2b7c1e-9a4d-4e2b-8c1a-5d6e7f809a1b"

var (
	frontier = Carrier{SPID: "0121", Name: "Frontier Rochester:0121 -SVR/1", MinimumPortingIntervalDays: 3}
	clarity  = Carrier{SPID: "7024", Name: "Clarity Tel DBA Vast BBD:7024-NSR/1", MinimumPortingIntervalDays: 3}
	tmobile  = Carrier{SPID: "6529", Name: "T-Mobile US:6529 - SVR/2", IsWireless: true, MinimumPortingIntervalDays: 1}
)

var customerAddress = AddressParts{HouseNumber: "123", StreetName: "Main", StreetSuffix: "St", City: "Raleigh", StateCode: "NC", Zip: "27601"}

func testIntake() Intake {
	return Intake{
		ID:                   requestID,
		Numbers:              []string{"9195551001", "9195551002"},
		BillingNumber:        "9195551001",
		Subscriber:           Subscriber{Type: SubscriberBusiness, BusinessName: "Acme Widgets"},
		ServiceAddress:       Address{Line1: "123 Main St", City: "Raleigh", State: "NC", Zip: "27601"},
		ServiceAddressParts:  customerAddress,
		LoaAuthorizingPerson: "Jonathan Applebaum",
		Activation:           Activation{Mode: ActivationScheduled},
		Documents:            []string{"loa-1"},
	}
}

// flow drives one request through Decide, failing the test on any error.
type flow struct {
	t    *testing.T
	r    PortRequest
	last Decision
}

func newFlow(t *testing.T, in Intake) *flow {
	t.Helper()
	r, err := NewPortRequest(in, t0)
	if err != nil {
		t.Fatalf("NewPortRequest: %v", err)
	}
	return &flow{t: t, r: r}
}

func (f *flow) apply(ev Event) Decision {
	f.t.Helper()
	d, err := Decide(f.r, ev)
	if err != nil {
		f.t.Fatalf("Decide(%s) in %s: %v", ev.Kind(), f.r.Status, err)
	}
	f.r, f.last = d.Request, d
	return d
}

// refuse applies an event that must be refused with code and leaves the request as it was.
func (f *flow) refuse(ev Event, code string) *RejectedError {
	f.t.Helper()
	_, err := Decide(f.r, ev)
	var rej *RejectedError
	if !errors.As(err, &rej) {
		f.t.Fatalf("Decide(%s) in %s: got %v, want *RejectedError %s", ev.Kind(), f.r.Status, err, code)
	}
	if rej.Code != code {
		f.t.Fatalf("Decide(%s): rejection code %q (%s), want %q", ev.Kind(), rej.Code, rej.Message, code)
	}
	if want := code + ": " + rej.Message; err.Error() != want {
		f.t.Fatalf("error text %q, want %q", err.Error(), want)
	}
	return rej
}

func (f *flow) wantStatus(want Status) {
	f.t.Helper()
	if f.r.Status != want {
		f.t.Fatalf("request status %s (%s), want %s", f.r.Status, f.r.StatusReason, want)
	}
}

func (f *flow) order(n int) *PortOrder {
	f.t.Helper()
	if n > len(f.r.Orders) {
		f.t.Fatalf("request has %d port orders, want at least %d", len(f.r.Orders), n)
	}
	return &f.r.Orders[n-1]
}

func (f *flow) wantOrderStatus(n int, want OrderStatus) {
	f.t.Helper()
	if got := f.order(n).Status; got != want {
		f.t.Fatalf("port order %d status %s, want %s (action: %+v)", n, got, want, f.order(n).Action)
	}
}

func orderID(n int) string { return requestID + "-" + string(rune('0'+n)) }

// effectsOf returns the effects of kind T in a decision.
func effectsOf[T Effect](d Decision) []T {
	var out []T
	for _, e := range d.Effects {
		if x, ok := e.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

// onlyEffect returns the single effect of type T, failing otherwise.
func onlyEffect[T Effect](t *testing.T, d Decision) T {
	t.Helper()
	got := effectsOf[T](d)
	if len(got) != 1 {
		var zero T
		t.Fatalf("want exactly one %T effect, got %d in %+v", zero, len(got), d.Effects)
	}
	return got[0]
}

func noEffects(t *testing.T, d Decision) {
	t.Helper()
	if len(d.Effects) != 0 {
		t.Fatalf("want no effects, got %+v", d.Effects)
	}
}

// portability builds a PortabilityChecked with every number of the intake at one carrier.
func portability(at time.Time, c Carrier, portType string, numbers ...string) PortabilityChecked {
	ev := PortabilityChecked{At: at}
	for _, tn := range numbers {
		ev.Portable = append(ev.Portable, PortableNumber{TN: tn, Carrier: c, PortType: portType})
	}
	return ev
}

// ---- Bandwidth payload fixtures (testdata/, copied from Bandwidth's docs and SDK test suites) ----

// xmlNode is a generic XML element, enough to read the fixtures without this package owning a
// wire format (that is the bandwidth client's job).
type xmlNode struct {
	XMLName xml.Name
	Text    string    `xml:",chardata"`
	Nodes   []xmlNode `xml:",any"`
}

func loadFixture(t *testing.T, name string) xmlNode {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	var n xmlNode
	if err := xml.Unmarshal(b, &n); err != nil {
		t.Fatalf("parse fixture %s: %v", name, err)
	}
	return n
}

func (n xmlNode) child(name string) (xmlNode, bool) {
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			return c, true
		}
	}
	return xmlNode{}, false
}

func (n xmlNode) children(name string) []xmlNode {
	var out []xmlNode
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

func (n xmlNode) text(path ...string) string {
	cur := n
	for _, p := range path {
		c, ok := cur.child(p)
		if !ok {
			return ""
		}
		cur = c
	}
	return strings.TrimSpace(cur.Text)
}

// bandwidthErrors collects every error in any of Bandwidth's error shapes: repeated <Errors>
// siblings, <Errors><Error>, <ResponseStatus><ErrorCode>.
func (n xmlNode) bandwidthErrors() []BandwidthError {
	var out []BandwidthError
	var walk func(x xmlNode)
	walk = func(x xmlNode) {
		name := x.XMLName.Local
		if name == "Errors" || name == "Error" || name == "ResponseStatus" {
			code := x.text("Code")
			if code == "" {
				code = x.text("ErrorCode")
			}
			if code != "" {
				e := BandwidthError{Code: code, Description: x.text("Description")}
				if tns, ok := x.child("TelephoneNumbers"); ok {
					for _, tn := range tns.children("Tn") {
						e.Numbers = append(e.Numbers, strings.TrimSpace(tn.Text))
					}
				}
				out = append(out, e)
				return
			}
		}
		for _, c := range x.Nodes {
			walk(c)
		}
	}
	walk(n)
	return out
}

func tnList(n xmlNode, path ...string) []string {
	cur := n
	for _, p := range path {
		c, ok := cur.child(p)
		if !ok {
			return nil
		}
		cur = c
	}
	var out []string
	for _, c := range cur.Nodes {
		out = append(out, strings.TrimSpace(c.Text))
	}
	return out
}

// portabilityFromFixture turns an lnpchecker response into PortabilityChecked: numbers in
// PortableNumbers are portable with their losing carrier; the others fail.
func portabilityFromFixture(t *testing.T, name string, at time.Time) PortabilityChecked {
	t.Helper()
	root := loadFixture(t, name)
	portable := tnList(root, "PortableNumbers")
	ev := PortabilityChecked{At: at}
	carriers, _ := root.child("SupportedLosingCarriers")
	for _, l := range carriers.children("LosingCarrierTnList") {
		c := Carrier{
			SPID:                  l.text("LosingCarrierSPID"),
			Name:                  l.text("LosingCarrierName"),
			IsWireless:            l.text("LosingCarrierIsWireless") == "true",
			AccountNumberRequired: l.text("LosingCarrierAccountNumberRequired") == "true",
		}
		if v := l.text("LosingCarrierMinimumPortingInterval"); v != "" {
			c.MinimumPortingIntervalDays = int(v[0] - '0')
		}
		portType := PortTypeAutomated
		if c.SPID == "979E" { // Bandwidth itself is the losing carrier
			portType = PortTypeInternal
		}
		for _, tn := range tnList(l, "TnList") {
			if slices.Contains(portable, tn) {
				ev.Portable = append(ev.Portable, PortableNumber{TN: tn, Carrier: c, PortType: portType})
			} else {
				ev.NotPortable = append(ev.NotPortable, NumberFailure{TN: tn, Reason: "rate center not supported by Bandwidth"})
			}
		}
	}
	return ev
}

// csrFromFixture turns a GET /csrs/{id} response into CsrObserved (parsed address parts as the
// address package would give them).
func csrFromFixture(t *testing.T, name, portOrder string, at time.Time) CsrObserved {
	t.Helper()
	root := loadFixture(t, name)
	ev := CsrObserved{
		At: at, PortOrder: portOrder,
		CsrOrderID: root.text("OrderId"),
		Status:     root.text("Status"),
		Errors:     root.bandwidthErrors(),
	}
	if lm := root.text("LastModifiedDate"); lm != "" {
		parsed, err := time.Parse(time.RFC3339Nano, lm)
		if err != nil {
			t.Fatalf("fixture %s LastModifiedDate: %v", name, err)
		}
		ev.LastModified = parsed
	}
	if data, ok := root.child("CsrData"); ok {
		sa, _ := data.child("ServiceAddress")
		ev.Data = &CsrData{
			CustomerName:  data.text("CustomerName"),
			AccountNumber: Secret(data.text("AccountNumber")),
			Address: AddressParts{
				HouseNumber: sa.text("HouseNumber"), StreetName: sa.text("StreetName"), StreetSuffix: sa.text("StreetSuffix"),
				City: sa.text("City"), StateCode: sa.text("State"), Zip: sa.text("Zip"),
			},
			UnparsedAddress: sa.text("UnparsedAddress"),
			WorkingNumbers:  tnList(data, "WorkingTelephoneNumbersOnAccount"),
		}
	}
	return ev
}
