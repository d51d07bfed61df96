package address_test

import (
	"encoding/xml"
	"os"
	"slices"
	"testing"

	"github.com/portflow/portflow/internal/bandwidth/address"
)

// csrResponse holds the parts of a <CsrResponse> this package cares about: the request echo
// (what the customer gave) and CsrData/ServiceAddress (what the carrier has).
type csrResponse struct {
	AddressLine1 string
	City         string
	State        string
	ZIPCode      string
	CsrData      struct {
		ServiceAddress struct {
			UnparsedAddress string
			HouseNumber     string
			StreetName      string
			StreetSuffix    string
			City            string
			State           string
			Zip             string
		}
	}
}

// portInServiceAddress is Subscriber/ServiceAddress of an <LnpOrder> or <LnpOrderResponse>.
type portInServiceAddress struct {
	Subscriber struct {
		ServiceAddress struct {
			HouseNumber string
			StreetName  string
			City        string
			StateCode   string
			Zip         string
		}
	}
}

func decodeFixture(t *testing.T, name string, v any) {
	t.Helper()
	body, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
}

// csrAddressFromFixture reads the carrier's address the way portflow does: the parsed parts
// when the CSR has them, else the UnparsedAddress completed with the separate City/State/Zip.
func csrAddressFromFixture(t *testing.T, r csrResponse) (fromParts, fromUnparsed address.Address) {
	t.Helper()
	sa := r.CsrData.ServiceAddress
	fromParts = address.Address{HouseNumber: sa.HouseNumber, StreetName: sa.StreetName, StreetSuffix: sa.StreetSuffix,
		City: sa.City, State: sa.State, Zip: sa.Zip}
	fromUnparsed, err := address.Parse(sa.UnparsedAddress)
	if err != nil {
		t.Fatalf("Parse(UnparsedAddress %q): %v", sa.UnparsedAddress, err)
	}
	if fromUnparsed.City == "" {
		fromUnparsed.City, fromUnparsed.State, fromUnparsed.Zip = sa.City, sa.State, sa.Zip
	}
	return fromParts, fromUnparsed
}

// The node SDK's CSR carries both an UnparsedAddress with city, state and ZIP and the parsed
// parts; both readings must be the same address.
func TestFixtureCSRParsedAndUnparsedAgree(t *testing.T) {
	var r csrResponse
	decodeFixture(t, "csr-get-complete-parsed-address.xml", &r)
	fromParts, fromUnparsed := csrAddressFromFixture(t, r)
	if fromUnparsed.String() != "1234 MAIN ST, DURHAM, NC 27707" {
		t.Errorf("UnparsedAddress %q reads as %q", r.CsrData.ServiceAddress.UnparsedAddress, fromUnparsed)
	}
	if d := address.Compare(fromParts, fromUnparsed); d != nil {
		t.Errorf("parts %q and UnparsedAddress %q differ: %v", fromParts, fromUnparsed, d)
	}
}

// The C# and Java SDK fixtures echo the customer's request (900 Main Campus Dr, Raleigh, NC
// 27612) next to the carrier's record (900 MAIN CAMPUS DR, RALEIGH, NC 27616): the only
// difference is the ZIP.
func TestFixtureCSRAgainstRequestEcho(t *testing.T) {
	for _, name := range []string{"csr-get-complete-full-echo.xml", "csr-get-with-errors-26500.xml"} {
		t.Run(name, func(t *testing.T) {
			var r csrResponse
			decodeFixture(t, name, &r)
			_, carrier := csrAddressFromFixture(t, r)
			customer, err := address.ParseFields(r.AddressLine1, "", r.City, r.State, r.ZIPCode)
			if err != nil {
				t.Fatal(err)
			}
			got := address.Compare(carrier, customer)
			want := []address.Difference{{Field: address.FieldZip, A: "27616", B: "27612"}}
			if !slices.Equal(got, want) {
				t.Errorf("Compare(carrier %q, customer %q) = %v, want %v", carrier, customer, got, want)
			}
		})
	}
}

// Port-in ServiceAddress parts as Bandwidth returns them: the PHP SDK's order has the suffix
// inside StreetName ("EZ Street").
func TestFixturePortInServiceAddress(t *testing.T) {
	cases := []struct {
		file       string
		customer   string
		wantString string
	}{
		{"portin-get-submitted-full.xml", "123 EZ St., Raleigh, North Carolina 27615", "123 EZ ST, RALEIGH, NC 27615"},
		{"portin-create-request-onnet.xml", "11235 Back, Denver, Colorado 27541", "11235 BACK, DENVER, CO 27541"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			var order portInServiceAddress
			decodeFixture(t, tc.file, &order)
			sa := order.Subscriber.ServiceAddress
			onOrder := address.Address{HouseNumber: sa.HouseNumber, StreetName: sa.StreetName, City: sa.City,
				State: sa.StateCode, Zip: sa.Zip}
			if got := onOrder.String(); got != tc.wantString {
				t.Errorf("String() = %q, want %q", got, tc.wantString)
			}
			typed, err := address.Parse(tc.customer)
			if err != nil {
				t.Fatal(err)
			}
			if d := address.Compare(onOrder, typed); d != nil {
				t.Errorf("port-in address %q and %q differ: %v", onOrder, typed, d)
			}
		})
	}
}
