package bandwidth

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// elementPaths lists every element of body as a slash-separated path, in document order.
func elementPaths(t *testing.T, body []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(body))
	var stack, paths []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return paths
		}
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, body)
		}
		switch tt := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tt.Name.Local)
			paths = append(paths, strings.Join(stack, "/"))
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

// childOrder returns the names of the direct children of the element at path, in order.
func childOrder(t *testing.T, body []byte, path string) []string {
	t.Helper()
	var out []string
	for _, p := range elementPaths(t, body) {
		if rest, ok := strings.CutPrefix(p, path+"/"); ok && !strings.Contains(rest, "/") {
			out = append(out, rest)
		}
	}
	return out
}

func fullLnpOrder() LnpOrder {
	return LnpOrder{
		CustomerOrderID:           "pf-0001",
		RequestedFocDate:          NewTime(time.Date(2026, 3, 25, 21, 15, 0, 0, time.UTC)),
		AlternateSpid:             "X455",
		BillingTelephoneNumber:    "9195551234",
		NewBillingTelephoneNumber: "9175131245",
		SiteID:                    "2857",
		PeerID:                    "317771",
		Subscriber: &Subscriber{
			SubscriberType: SubscriberBusiness,
			BusinessName:   "Acme Corporation",
			ServiceAddress: ServiceAddress{
				HousePrefix: "A", HouseNumber: "11235", HouseSuffix: "B", PreDirectional: "N", StreetName: "BACK",
				StreetSuffix: "ST", PostDirectional: "SW", AddressLine2: "STE 200", City: "DENVER", StateCode: "CO",
				Zip: "80202", PlusFour: "1234", County: "DENVER",
			},
		},
		LoaAuthorizingPerson: "The Authguy",
		WirelessInfo:         &WirelessInfo{AccountNumber: "771297665AABC", PinNumber: "1234"},
		TnAttributes:         []string{"Protected"},
		ListOfPhoneNumbers:   []string{"9194809871", "9194809872"},
		PartialPort:          Ptr(true),
		Triggered:            Ptr(true),
		Immediately:          Ptr(false),
		ProcessingStatus:     StatusDraft,
		TargetRespOrgID:      "JYT01",
	}
}

// requestBodies are the request bodies the client sends, by golden file name.
func requestBodies() map[string]any {
	return map[string]any{
		"lnporder-full":       fullLnpOrder(),
		"lnporder-minimal":    LnpOrder{SiteID: "2857", LoaAuthorizingPerson: "Jane Doe", BillingTelephoneNumber: "9195551234", ListOfPhoneNumbers: []string{"9195551234"}, Subscriber: &Subscriber{SubscriberType: SubscriberResidential, FirstName: "Jane", LastName: "Doe", ServiceAddress: ServiceAddress{HouseNumber: "1", StreetName: "MAIN", City: "DURHAM", StateCode: "NC", Zip: "27707"}}},
		"lnpordersupp":        LnpOrderSupp{RequestedFocDate: DateOnly(2026, 4, 2), Subscriber: &Subscriber{ServiceAddress: ServiceAddress{ResetAddressFields: true, HouseNumber: "900", StreetName: "MAIN CAMPUS", StreetSuffix: "DR", City: "RALEIGH", StateCode: "NC", Zip: "27616"}}, WirelessInfo: &WirelessInfo{AccountNumber: "123456789", PinNumber: "4321"}},
		"lnpordersupp-submit": LnpOrderSupp{ProcessingStatus: StatusSubmitted},
		"csr-create":          CsrRequest{CustomerOrderID: "pf-csr-1", WorkingOrBillingTelephoneNumber: "9198675309", AccountNumber: "123456789", EndUserPIN: "1234", EndUserName: "JOHN SMITH", AddressLine1: "1234 MAIN ST", City: "DURHAM", State: "NC", ZIPCode: "27707", TypeOfService: "residential"},
		"csr-cancel":          CsrRequest{Status: CsrStatusRequestedCancel},
		"lnpchecker":          NumberPortabilityRequest{TnList: []string{"9199172854", "2086433254"}},
		"subscription-callback": SubscriptionSpec{URL: "https://portflow.example.com/callbacks/bandwidth", Username: "bandwidth", Password: "s3cret", NumberFormat: NumberFormatLegacy,
			Expiry: DefaultSubscriptionExpiry}.subscription(OrderTypePortIns),
		"subscription-email": Subscription{OrderType: "orders", EmailSubscription: &EmailSubscription{Email: "ops@example.com", DigestRequested: "NONE"}},
		"note":               Note{UserID: "portflow", Description: "Customer confirmed the service address."},
		"activation-status":  activationStatusBody{AutoActivationDate: NewTime(time.Date(2026, 3, 25, 14, 0, 0, 0, time.FixedZone("EDT", -4*3600)))},
		"bulkportin-create":  BulkPortin{CustomerOrderID: "pf-bulk-1", SiteID: "2857", LoaAuthorizingPerson: "The Authguy", Subscriber: &Subscriber{SubscriberType: SubscriberBusiness, BusinessName: "Acme"}, Triggered: Ptr(false)},
		"bulkportin-submit":  BulkPortin{ProcessingStatus: BulkStatusInProgress},
		"bulk-tnlist":        bulkTnList{TNs: []string{"8772397726", "4047221089"}},
		"bulk-portinlist":    portinList{IDs: []string{"10f48fec-9db0-4f68-8bcb-c8a6a230a2d9"}},
		"file-metadata":      FileMetaData{DocumentName: "loa.pdf", DocumentType: DocumentLOA},
	}
}

func TestRequestBodiesGolden(t *testing.T) {
	for name, body := range requestBodies() {
		t.Run(name, func(t *testing.T) {
			got, err := marshalXML(body)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", "requests", name+".xml")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("request body differs from %s\n got: %s\nwant: %s", path, got, want)
			}
			if !bytes.HasPrefix(got, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
				t.Errorf("body lacks the XML declaration: %s", got)
			}
		})
	}
}

func TestLnpOrderFollowsProtocolOrder(t *testing.T) {
	body, err := marshalXML(fullLnpOrder())
	if err != nil {
		t.Fatal(err)
	}
	// PROTOCOL.md §5.2, in order.
	want := []string{"CustomerOrderId", "RequestedFocDate", "AlternateSpid", "BillingTelephoneNumber",
		"NewBillingTelephoneNumber", "SiteId", "PeerId", "Subscriber", "LoaAuthorizingPerson", "WirelessInfo",
		"TnAttributes", "ListOfPhoneNumbers", "PartialPort", "Triggered", "Immediately", "ProcessingStatus",
		"TargetRespOrgId"}
	checkSlice(t, "LnpOrder children", childOrder(t, body, "LnpOrder"), want)
	checkSlice(t, "Subscriber children", childOrder(t, body, "LnpOrder/Subscriber"),
		[]string{"SubscriberType", "BusinessName", "ServiceAddress"})
	checkSlice(t, "ServiceAddress children", childOrder(t, body, "LnpOrder/Subscriber/ServiceAddress"),
		[]string{"HousePrefix", "HouseNumber", "HouseSuffix", "PreDirectional", "StreetName", "StreetSuffix",
			"PostDirectional", "AddressLine2", "City", "StateCode", "Zip", "PlusFour", "County"})
	checkSlice(t, "TnAttributes", childOrder(t, body, "LnpOrder/TnAttributes"), []string{"TnAttribute"})
	checkSlice(t, "ListOfPhoneNumbers", childOrder(t, body, "LnpOrder/ListOfPhoneNumbers"), []string{"PhoneNumber", "PhoneNumber"})
	if !bytes.Contains(body, []byte("<RequestedFocDate>2026-03-25T21:15:00Z</RequestedFocDate>")) {
		t.Errorf("RequestedFocDate not in RFC 3339: %s", body)
	}
	if !bytes.Contains(body, []byte("<Immediately>false</Immediately>")) {
		t.Errorf("an explicit false must be sent: %s", body)
	}
}

func TestSuppCarriesOnlyEditableFields(t *testing.T) {
	body, err := marshalXML(LnpOrderSupp{RequestedFocDate: DateOnly(2026, 4, 2)})
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "SUPP elements", elementPaths(t, body), []string{"LnpOrderSupp", "LnpOrderSupp/RequestedFocDate"})
	if !bytes.Contains(body, []byte("<RequestedFocDate>2026-04-02</RequestedFocDate>")) {
		t.Errorf("date-only RequestedFocDate not written verbatim: %s", body)
	}
	body, err = marshalXML(requestBodies()["lnpordersupp"])
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "SUPP address starts with ResetAddressFields",
		childOrder(t, body, "LnpOrderSupp/Subscriber/ServiceAddress")[:1], []string{"ResetAddressFields"})
	// Server-only fields have no place in the type at all.
	for _, field := range []string{"ActualFocDate", "OrderID", "PortType", "LosingCarrierName", "Status", "Errors"} {
		if _, ok := reflectField(LnpOrderSupp{}, field); ok {
			t.Errorf("LnpOrderSupp has server-only field %s", field)
		}
	}
}

func TestSubscriptionBodyShape(t *testing.T) {
	body, err := marshalXML(requestBodies()["subscription-callback"])
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "Subscription elements", elementPaths(t, body), []string{
		"Subscription",
		"Subscription/OrderType",
		"Subscription/CallbackSubscription",
		"Subscription/CallbackSubscription/URL",
		"Subscription/CallbackSubscription/Expiry",
		"Subscription/CallbackSubscription/CallbackCredentials",
		"Subscription/CallbackSubscription/CallbackCredentials/BasicAuthentication",
		"Subscription/CallbackSubscription/CallbackCredentials/BasicAuthentication/Username",
		"Subscription/CallbackSubscription/CallbackCredentials/BasicAuthentication/Password",
		"Subscription/CallbackSubscription/NumberFormat",
	})
	if !bytes.Contains(body, []byte("<URL>https://portflow.example.com/callbacks/bandwidth</URL>")) {
		t.Errorf("callback URL must be in an upper-case <URL> element: %s", body)
	}
	if !bytes.Contains(body, []byte("<Expiry>3122064000</Expiry>")) {
		t.Errorf("explicit long Expiry missing: %s", body)
	}
}

// TestRequestFixturesRoundTrip decodes the request fixtures and encodes them again: every element
// of the documented example must survive (element order follows PROTOCOL.md §5.2, which the
// example does not).
func TestRequestFixturesRoundTrip(t *testing.T) {
	cases := []struct {
		fixture string
		decode  func([]byte) (any, error)
		// sameOrder: our encoding must also keep the example's element order.
		sameOrder bool
	}{
		{"portin-create-request-onnet.xml", decodeAs[LnpOrder](nil), false},
		{"csr-put-request-cancel.xml", decodeAs[CsrRequest](nil), true},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			body := readFixture(t, tc.fixture)
			v, err := tc.decode(body)
			if err != nil {
				t.Fatal(err)
			}
			encoded, err := marshalXML(v)
			if err != nil {
				t.Fatal(err)
			}
			want, got := elementPaths(t, body), elementPaths(t, encoded)
			if tc.sameOrder {
				checkSlice(t, "element order", got, want)
				return
			}
			slices.Sort(want)
			slices.Sort(got)
			checkSlice(t, "element set", got, want)
		})
	}
}

func reflectField(v any, name string) (reflect.StructField, bool) {
	return reflect.TypeOf(v).FieldByName(name)
}
