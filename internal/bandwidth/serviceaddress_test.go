package bandwidth

import (
	"errors"
	"testing"

	"github.com/portflow/portflow/internal/bandwidth/address"
)

func TestCsrServiceAddressPortInAddress(t *testing.T) {
	cases := []struct {
		name string
		in   CsrServiceAddress
		want ServiceAddress
		// wantErr: nil for success; ErrIncompleteAddress, or errAny for any parse failure.
		wantErr error
	}{
		{
			name: "parsed parts (node SDK fixture)",
			in: CsrServiceAddress{UnparsedAddress: "1234 Main ST Durham NC 27707", HouseNumber: "1234", StreetName: "Main",
				StreetSuffix: "ST", City: "Durham", State: "NC", Zip: "27707"},
			want: ServiceAddress{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", StateCode: "NC", Zip: "27707"},
		},
		{
			name: "unparsed street only, city/state/zip apart (C# SDK fixture)",
			in:   CsrServiceAddress{UnparsedAddress: "900 MAIN CAMPUS DR", City: "RALEIGH", State: "NC", Zip: "27616"},
			want: ServiceAddress{HouseNumber: "900", StreetName: "MAIN CAMPUS", StreetSuffix: "DR", City: "RALEIGH", StateCode: "NC", Zip: "27616"},
		},
		{
			name: "unparsed with city/state/zip and no parts",
			in:   CsrServiceAddress{UnparsedAddress: "1234 Main ST Durham NC 27707"},
			want: ServiceAddress{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", StateCode: "NC", Zip: "27707"},
		},
		{
			name: "unparsed repeats the separate parts; ZIP+4 only in the line",
			in: CsrServiceAddress{UnparsedAddress: "500 N Main Street Suite 200 Winston-Salem NC 27101-1234",
				City: "Winston-Salem", State: "NC", Zip: "27101"},
			want: ServiceAddress{HouseNumber: "500", PreDirectional: "N", StreetName: "MAIN", StreetSuffix: "ST",
				AddressLine2: "STE 200", City: "WINSTON SALEM", StateCode: "NC", Zip: "27101", PlusFour: "1234"},
		},
		{
			name: "two-word city repeated in the line",
			in:   CsrServiceAddress{UnparsedAddress: "77 W Peachtree St NW Apt 4 Atlanta GA 30303", City: "Atlanta", State: "GA", Zip: "30303"},
			want: ServiceAddress{HouseNumber: "77", PreDirectional: "W", StreetName: "PEACHTREE", StreetSuffix: "ST", PostDirectional: "NW",
				AddressLine2: "APT 4", City: "ATLANTA", StateCode: "GA", Zip: "30303"},
		},
		{
			name: "parts with a ZIP+4 Zip",
			in:   CsrServiceAddress{HouseNumber: "12B", StreetName: "Elm", StreetSuffix: "Street", City: "Cary", State: "North Carolina", Zip: "27513-0042"},
			want: ServiceAddress{HouseNumber: "12", HouseSuffix: "B", StreetName: "ELM", StreetSuffix: "ST", City: "CARY", StateCode: "NC", Zip: "27513", PlusFour: "0042"},
		},
		{
			name:    "street only, nothing else",
			in:      CsrServiceAddress{UnparsedAddress: "900 MAIN CAMPUS DR"},
			want:    ServiceAddress{HouseNumber: "900", StreetName: "MAIN CAMPUS", StreetSuffix: "DR"},
			wantErr: ErrIncompleteAddress,
		},
		{name: "nothing at all", in: CsrServiceAddress{City: "RALEIGH"}, wantErr: ErrIncompleteAddress},
		{name: "PO box is not a service address", in: CsrServiceAddress{UnparsedAddress: "PO BOX 12", City: "CARY", State: "NC", Zip: "27513"}, wantErr: errAny},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.PortInAddress()
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("PortInAddress: %v", err)
			case tc.wantErr == errAny && err == nil:
				t.Fatalf("want an error, got %+v", got)
			case tc.wantErr != nil && tc.wantErr != errAny && !errors.Is(err, tc.wantErr):
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != errAny {
				check(t, "address", got, tc.want)
			}
		})
	}
}

var errAny = errors.New("any error")

func TestIncompleteAddressNamesMissingParts(t *testing.T) {
	_, err := CsrServiceAddress{UnparsedAddress: "900 MAIN CAMPUS DR", City: "RALEIGH"}.PortInAddress()
	if err == nil || err.Error() != "service address is incomplete: no StateCode, Zip" {
		t.Fatalf("err = %v", err)
	}
}

func TestCsrAndCustomerAddressesCompare(t *testing.T) {
	csr := decodeFixture[CsrResponse](t, "csr-get-complete-full-echo.xml")
	carrier, err := csr.CsrData.ServiceAddress.Address()
	if err != nil {
		t.Fatal(err)
	}
	customer := ServiceAddress{HouseNumber: "900", StreetName: "Main Campus", StreetSuffix: "Drive", City: "Raleigh", StateCode: "NC", Zip: "27616"}
	if !address.Equal(carrier, customer.Address()) {
		t.Errorf("same address judged different: %v", address.Compare(carrier, customer.Address()))
	}
	typo := customer
	typo.Zip = "27612" // the customer typed their billing ZIP
	diffs := address.Compare(carrier, typo.Address())
	if len(diffs) != 1 || diffs[0].Field != address.FieldZip {
		t.Errorf("diffs = %+v, want only Zip", diffs)
	}
	back := ServiceAddressFrom(customer.Address())
	check(t, "round trip", back, customer)
}
