package address_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/portflow/portflow/internal/bandwidth/address"
)

type D = address.Difference

// customer is an address as a person types it into portflow's request form.
type customer struct{ line1, line2, city, state, zip string }

// compareCase pairs the carrier's address (CSR form: parts as CsrData.ServiceAddress carries
// them, or an UnparsedAddress completed with the CSR's City/State/Zip) with the customer's.
type compareCase struct {
	name     string
	csr      A
	unparsed string // when set, the CSR address is Parse(unparsed) completed from csr's City/State/Zip
	customer customer
	want     []D // nil: the same address
}

var compareCases = []compareCase{
	// The same address, spelled differently.
	{name: "CSR parts vs street spelled out",
		csr:      A{HouseNumber: "1234", StreetName: "Main", StreetSuffix: "ST", City: "Durham", State: "NC", Zip: "27707"},
		customer: customer{"1234 Main Street", "", "Durham", "NC", "27707"}},
	{name: "unparsed CSR with city vs customer with state name and ZIP+4",
		unparsed: "1234 Main ST Durham NC 27707",
		customer: customer{"1234 Main St", "", "Durham", "North Carolina", "27707-1234"}},
	{name: "AVENUE vs AVE",
		csr:      A{HouseNumber: "100", StreetName: "PARK", StreetSuffix: "AVENUE", City: "NEW YORK", State: "NY", Zip: "10017"},
		customer: customer{"100 Park Ave", "", "New York", "NY", "10017"}},
	{name: "AV vs Avenue",
		csr:      A{HouseNumber: "100", StreetName: "PARK", StreetSuffix: "AV", City: "NEW YORK", State: "NY", Zip: "10017"},
		customer: customer{"100 Park Avenue", "", "New York", "NY", "10017"}},
	{name: "BOULEVARD vs Blvd.",
		unparsed: "2001 GATEWAY BOULEVARD", csr: A{City: "PORTLAND", State: "OR", Zip: "97232"},
		customer: customer{"2001 Gateway Blvd.", "", "Portland", "OR", "97232"}},
	{name: "PKWY vs Parkway",
		csr:      A{HouseNumber: "77", StreetName: "BLUE RIDGE", StreetSuffix: "PKWY", City: "ASHEVILLE", State: "NC", Zip: "28803"},
		customer: customer{"77 Blue Ridge Parkway", "", "Asheville", "NC", "28803"}},
	{name: "CIRCLE vs Cir.",
		csr:      A{HouseNumber: "5", StreetName: "OAK", StreetSuffix: "CIRCLE", City: "CARY", State: "NC", Zip: "27513"},
		customer: customer{"5 Oak Cir.", "", "Cary", "NC", "27513"}},
	{name: "TERR vs Terrace",
		unparsed: "742 EVERGREEN TERR", csr: A{City: "SPRINGFIELD", State: "OR", Zip: "97403"},
		customer: customer{"742 Evergreen Terrace", "", "Springfield", "OR", "97403"}},
	{name: "PLACE vs PL",
		csr:      A{HouseNumber: "10", StreetName: "ASTOR", StreetSuffix: "PL", City: "NEW YORK", State: "NY", Zip: "10003"},
		customer: customer{"10 Astor Place", "", "New York", "NY", "10003"}},
	{name: "STRAVENUE vs STRA",
		csr:      A{HouseNumber: "3300", StreetName: "E SPEEDWAY", StreetSuffix: "STRA", City: "TUCSON", State: "AZ", Zip: "85716"},
		customer: customer{"3300 East Speedway Stravenue", "", "Tucson", "AZ", "85716"}},
	{name: "numbered highway spelled and abbreviated",
		unparsed: "4500 HIGHWAY 50", csr: A{City: "PLACERVILLE", State: "CA", Zip: "95667"},
		customer: customer{"4500 Hwy 50", "", "Placerville", "CA", "95667"}},
	{name: "suffix word spelled out inside the street name",
		csr:      A{HouseNumber: "1221", StreetName: "AVENUE OF THE AMERICAS", City: "NEW YORK", State: "NY", Zip: "10020"},
		customer: customer{"1221 Ave of the Americas", "", "New York", "NY", "10020"}},
	{name: "NORTH vs N pre-directional",
		csr:      A{HouseNumber: "1234", PreDirectional: "NORTH", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707"},
		customer: customer{"1234 N Main St", "", "Durham", "NC", "27707"}},
	{name: "NORTHEAST vs NE post-directional",
		csr:      A{HouseNumber: "500", StreetName: "MAIN", StreetSuffix: "ST", PostDirectional: "NORTHEAST", City: "WASHINGTON", State: "DC", Zip: "20002"},
		customer: customer{"500 Main St NE", "", "Washington", "DC", "20002"}},
	{name: "N.E. vs NE",
		unparsed: "500 MAIN ST NE", csr: A{City: "WASHINGTON", State: "DC", Zip: "20002"},
		customer: customer{"500 Main St. N.E.", "", "Washington", "D.C.", "20002"}},
	{name: "directional split into the street name on one side",
		csr:      A{HouseNumber: "1234", StreetName: "N MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707"},
		customer: customer{"1234 North Main Street", "", "Durham", "NC", "27707"}},
	{name: "whole street lumped into StreetName",
		csr:      A{HouseNumber: "123", StreetName: "EZ Street", City: "Raleigh", State: "NC", Zip: "27615"},
		customer: customer{"123 EZ St", "", "Raleigh", "NC", "27615"}},
	{name: "street and post-directional lumped into StreetName",
		csr:      A{HouseNumber: "1600", StreetName: "PENNSYLVANIA AVE NW", City: "WASHINGTON", State: "DC", Zip: "20500"},
		customer: customer{"1600 Pennsylvania Avenue Northwest", "", "Washington", "DC", "20500"}},
	{name: "unit lumped into StreetName",
		csr:      A{HouseNumber: "1234", StreetName: "MAIN ST APT 5", City: "DURHAM", State: "NC", Zip: "27707"},
		customer: customer{"1234 Main St", "Apt 5", "Durham", "NC", "27707"}},
	{name: "STE vs Suite",
		csr:      A{HouseNumber: "900", StreetName: "MAIN CAMPUS", StreetSuffix: "DR", AddressLine2: "STE 200", City: "RALEIGH", State: "NC", Zip: "27606"},
		customer: customer{"900 Main Campus Drive", "Suite 200", "Raleigh", "NC", "27606"}},
	{name: "# vs STE",
		csr:      A{HouseNumber: "900", StreetName: "MAIN CAMPUS", StreetSuffix: "DR", AddressLine2: "#200", City: "RALEIGH", State: "NC", Zip: "27606"},
		customer: customer{"900 Main Campus Dr", "Ste 200", "Raleigh", "NC", "27606"}},
	{name: "unit on the street line vs unit field",
		unparsed: "900 MAIN CAMPUS DR SUITE 200", csr: A{City: "RALEIGH", State: "NC", Zip: "27606"},
		customer: customer{"900 Main Campus Dr", "#200", "Raleigh", "NC", "27606"}},
	{name: "Apt. 5B vs APT 5B",
		csr:      A{HouseNumber: "12", StreetName: "ELM", StreetSuffix: "ST", AddressLine2: "APT 5B", City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"12 Elm St", "Apt. 5B", "Cary", "NC", "27511"}},
	{name: "UNIT vs #",
		csr:      A{HouseNumber: "12", StreetName: "ELM", StreetSuffix: "ST", AddressLine2: "UNIT 7", City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"12 Elm St # 7", "", "Cary", "NC", "27511"}},
	{name: "unit number with leading zero",
		csr:      A{HouseNumber: "12", StreetName: "ELM", StreetSuffix: "ST", AddressLine2: "APT 05", City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"12 Elm St", "Apartment 5", "Cary", "NC", "27511"}},
	{name: "unit id with and without hyphen",
		csr:      A{HouseNumber: "12", StreetName: "ELM", StreetSuffix: "ST", AddressLine2: "STE A-1", City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"12 Elm St", "Suite A1", "Cary", "NC", "27511"}},
	{name: "2nd Floor vs FL 2",
		csr:      A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "FL 2", City: "DURHAM", State: "NC", Zip: "27701"},
		customer: customer{"100 Main St", "2nd Floor", "Durham", "NC", "27701"}},
	{name: "case, punctuation and spacing",
		unparsed: "1234 MAIN ST", csr: A{City: "DURHAM", State: "NC", Zip: "27707"},
		customer: customer{"  1234   main st.  ", "", " durham ", "nc", " 27707 "}},
	{name: "ZIP+4 on both sides",
		csr:      A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707", PlusFour: "1234"},
		customer: customer{"1234 Main St", "", "Durham", "NC", "27707-1234"}},
	{name: "ZIP+4 on the CSR only",
		csr:      A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707-1234"},
		customer: customer{"1234 Main St", "", "Durham", "NC", "27707"}},
	{name: "nine-digit ZIP vs ZIP+4",
		csr:      A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "277071234"},
		customer: customer{"1234 Main St", "", "Durham", "NC", "27707-1234"}},
	{name: "ZIP that lost its leading zero",
		csr:      A{HouseNumber: "1", StreetName: "BEACON", StreetSuffix: "ST", City: "BOSTON", State: "MA", Zip: "2108"},
		customer: customer{"1 Beacon Street", "", "Boston", "Massachusetts", "02108"}},
	{name: "state name vs code",
		csr:      A{HouseNumber: "10", StreetName: "ELM", StreetSuffix: "ST", City: "DURHAM", State: "NORTH CAROLINA", Zip: "27701"},
		customer: customer{"10 Elm St", "", "Durham", "N.C.", "27701"}},
	{name: "SAINT vs St. in the city",
		csr:      A{HouseNumber: "100", StreetName: "MARKET", StreetSuffix: "ST", City: "SAINT LOUIS", State: "MO", Zip: "63101"},
		customer: customer{"100 Market St", "", "St. Louis", "MO", "63101"}},
	{name: "FT vs Fort in the city",
		csr:      A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", City: "FT WORTH", State: "TX", Zip: "76102"},
		customer: customer{"100 Main St", "", "Fort Worth", "TX", "76102"}},
	{name: "N vs North in the city",
		csr:      A{HouseNumber: "2300", StreetName: "CIVIC CENTER", StreetSuffix: "DR", City: "N LAS VEGAS", State: "NV", Zip: "89030"},
		customer: customer{"2300 Civic Center Dr", "", "North Las Vegas", "NV", "89030"}},
	{name: "hyphenated city",
		csr:      A{HouseNumber: "101", StreetName: "MAIN", StreetSuffix: "ST", City: "WINSTON SALEM", State: "NC", Zip: "27101"},
		customer: customer{"101 Main St", "", "Winston-Salem", "NC", "27101"}},
	{name: "accented city",
		csr:      A{HouseNumber: "12", StreetName: "MAIN", StreetSuffix: "ST", City: "CANON CITY", State: "CO", Zip: "81212"},
		customer: customer{"12 Main St", "", "Cañon City", "CO", "81212"}},
	{name: "FIRST vs 1st",
		csr:      A{HouseNumber: "100", StreetName: "FIRST", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27701"},
		customer: customer{"100 1st St", "", "Durham", "NC", "27701"}},
	{name: "TWENTY-FIRST vs 21st",
		unparsed: "100 W TWENTY FIRST ST", csr: A{City: "WINSTON SALEM", State: "NC", Zip: "27101"},
		customer: customer{"100 West 21st Street", "", "Winston-Salem", "NC", "27101"}},
	{name: "house letter attached vs separate",
		csr:      A{HouseNumber: "12B", StreetName: "ELM", StreetSuffix: "ST", City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"12 B Elm St", "", "Cary", "NC", "27511"}},
	{name: "house fraction glyph vs digits",
		csr:      A{HouseNumber: "123", HouseSuffix: "1/2", StreetName: "MAIN", StreetSuffix: "ST", City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"123½ Main St", "", "Cary", "NC", "27511"}},
	{name: "spelled landmark house number",
		csr:      A{HouseNumber: "1", StreetName: "MICROSOFT", StreetSuffix: "WAY", City: "REDMOND", State: "WA", Zip: "98052"},
		customer: customer{"One Microsoft Way", "", "Redmond", "WA", "98052"}},
	{name: "street named NORTH",
		unparsed: "123 NORTH ST", csr: A{City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"123 North Street", "", "Cary", "NC", "27511"}},
	{name: "trailing country and period abbreviations",
		unparsed: "2001 N GATEWAY BLVD STE 100 PORTLAND OR 97232",
		customer: customer{"2001 N. Gateway Blvd., Ste. 100", "", "Portland", "Oregon", "97232"}},

	// Different addresses: the differences are what a port-in would be rejected for.
	{name: "house number transposed",
		csr:      A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707"},
		customer: customer{"1243 Main St", "", "Durham", "NC", "27707"},
		want:     []D{{"HouseNumber", "1234", "1243"}}},
	{name: "pre-directional missing on the customer side",
		csr:      A{HouseNumber: "1234", PreDirectional: "N", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707"},
		customer: customer{"1234 Main St", "", "Durham", "NC", "27707"},
		want:     []D{{"PreDirectional", "N", ""}}},
	{name: "post-directional differs",
		unparsed: "500 MAIN ST NW", csr: A{City: "WASHINGTON", State: "DC", Zip: "20001"},
		customer: customer{"500 Main St NE", "", "Washington", "DC", "20001"},
		want:     []D{{"PostDirectional", "NW", "NE"}}},
	{name: "post-directional NE vs Nebraska",
		unparsed: "500 MAIN ST NE", csr: A{City: "LINCOLN", State: "NE", Zip: "68508"},
		customer: customer{"500 Main St", "", "Lincoln", "NE", "68508"},
		want:     []D{{"PostDirectional", "NE", ""}}},
	{name: "street suffix differs",
		csr:      A{HouseNumber: "100", StreetName: "PARK", StreetSuffix: "AVE", City: "NEW YORK", State: "NY", Zip: "10017"},
		customer: customer{"100 Park Pl", "", "New York", "NY", "10017"},
		want:     []D{{"StreetSuffix", "AVE", "PL"}}},
	{name: "street name misspelled",
		csr:      A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707"},
		customer: customer{"1234 Maine St", "", "Durham", "NC", "27707"},
		want:     []D{{"StreetName", "MAIN", "MAINE"}}},
	{name: "PARK AVE vs AVENUE RD",
		csr:      A{HouseNumber: "100", StreetName: "PARK", StreetSuffix: "AVE", City: "TORONTO", State: "OH", Zip: "43964"},
		customer: customer{"100 Avenue Rd", "", "Toronto", "OH", "43964"},
		want:     []D{{"StreetName", "PARK", "AVENUE"}, {"StreetSuffix", "AVE", "RD"}}},
	{name: "NORTH ST vs N MAIN ST",
		unparsed: "123 NORTH ST", csr: A{City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"123 N Main St", "", "Cary", "NC", "27511"},
		want:     []D{{"PreDirectional", "", "N"}, {"StreetName", "NORTH", "MAIN"}}},
	{name: "different ordinal",
		csr:      A{HouseNumber: "100", StreetName: "FIRST", StreetSuffix: "AVE", City: "NEW YORK", State: "NY", Zip: "10009"},
		customer: customer{"100 2nd Ave", "", "New York", "NY", "10009"},
		want:     []D{{"StreetName", "1ST", "2ND"}}},
	{name: "suite number differs",
		csr:      A{HouseNumber: "900", StreetName: "MAIN CAMPUS", StreetSuffix: "DR", AddressLine2: "STE 200", City: "RALEIGH", State: "NC", Zip: "27606"},
		customer: customer{"900 Main Campus Dr", "Suite 210", "Raleigh", "NC", "27606"},
		want:     []D{{"AddressLine2", "STE 200", "STE 210"}}},
	{name: "unit only on the customer side",
		csr:      A{HouseNumber: "12", StreetName: "ELM", StreetSuffix: "ST", City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"12 Elm St", "Apt 5", "Cary", "NC", "27511"},
		want:     []D{{"AddressLine2", "", "APT 5"}}},
	{name: "building is not an apartment",
		csr:      A{HouseNumber: "12", StreetName: "ELM", StreetSuffix: "ST", AddressLine2: "BLDG 2", City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"12 Elm St", "Apt 2", "Cary", "NC", "27511"},
		want:     []D{{"AddressLine2", "BLDG 2", "APT 2"}}},
	{name: "building missing",
		csr:      A{HouseNumber: "12", StreetName: "ELM", StreetSuffix: "ST", AddressLine2: "BLDG 2 APT 5", City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"12 Elm St Apt 5", "", "Cary", "NC", "27511"},
		want:     []D{{"AddressLine2", "BLDG 2 APT 5", "APT 5"}}},
	{name: "floor differs",
		csr:      A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "FL 2", City: "DURHAM", State: "NC", Zip: "27701"},
		customer: customer{"100 Main St", "3rd Floor", "Durham", "NC", "27701"},
		want:     []D{{"AddressLine2", "FL 2", "FL 3"}}},
	{name: "ZIP differs (CSR fixture)",
		unparsed: "900 MAIN CAMPUS DR", csr: A{City: "RALEIGH", State: "NC", Zip: "27616"},
		customer: customer{"900 Main Campus Dr", "", "Raleigh", "NC", "27612"},
		want:     []D{{"Zip", "27616", "27612"}}},
	{name: "ZIP+4 on both sides and different",
		csr:      A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707", PlusFour: "1234"},
		customer: customer{"1234 Main St", "", "Durham", "NC", "27707-4321"},
		want:     []D{{"PlusFour", "1234", "4321"}}},
	{name: "city differs",
		csr:      A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707"},
		customer: customer{"1234 Main St", "", "Raleigh", "NC", "27707"},
		want:     []D{{"City", "DURHAM", "RALEIGH"}}},
	{name: "city misspelled",
		csr:      A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", City: "FORT WORTH", State: "TX", Zip: "76102"},
		customer: customer{"100 Main St", "", "Forth Worth", "TX", "76102"},
		want:     []D{{"City", "FORT WORTH", "FORTH WORTH"}}},
	{name: "city missing on the CSR",
		unparsed: "1234 MAIN ST", csr: A{State: "NC", Zip: "27707"},
		customer: customer{"1234 Main St", "", "Durham", "NC", "27707"},
		want:     []D{{"City", "", "DURHAM"}}},
	{name: "state differs",
		csr:      A{HouseNumber: "10", StreetName: "ELM", StreetSuffix: "ST", City: "COLUMBIA", State: "SC", Zip: "29201"},
		customer: customer{"10 Elm St", "", "Columbia", "North Carolina", "29201"},
		want:     []D{{"State", "SC", "NC"}}},
	{name: "house letter only on the customer side",
		csr:      A{HouseNumber: "12", StreetName: "ELM", StreetSuffix: "ST", City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"12B Elm St", "", "Cary", "NC", "27511"},
		want:     []D{{"HouseSuffix", "", "B"}}},
	{name: "house fraction only on the CSR",
		unparsed: "123 1/2 MAIN ST", csr: A{City: "CARY", State: "NC", Zip: "27511"},
		customer: customer{"123 Main St", "", "Cary", "NC", "27511"},
		want:     []D{{"HouseSuffix", "1/2", ""}}},
	{name: "several fields at once",
		unparsed: "1234 Main ST Durham NC 27707",
		customer: customer{"1243 Main Ave", "Apt 5", "Durham", "NC", "27701"},
		want: []D{{"HouseNumber", "1234", "1243"}, {"StreetSuffix", "ST", "AVE"}, {"AddressLine2", "", "APT 5"},
			{"Zip", "27707", "27701"}}},
}

// csrAddress builds the carrier's side of a case the way portflow reads a CSR: the parsed
// UnparsedAddress, with City/State/Zip from the CSR's separate elements where it has none.
func (tc compareCase) csrAddress(t testing.TB) A {
	t.Helper()
	if tc.unparsed == "" {
		return tc.csr
	}
	a, err := address.Parse(tc.unparsed)
	if err != nil {
		t.Fatalf("Parse(%q): %v", tc.unparsed, err)
	}
	if a.City == "" {
		a.City = tc.csr.City
	}
	if a.State == "" {
		a.State = tc.csr.State
	}
	if a.Zip == "" {
		a.Zip = tc.csr.Zip
	}
	return a
}

func (tc compareCase) customerAddress(t testing.TB) A {
	t.Helper()
	c := tc.customer
	a, err := address.ParseFields(c.line1, c.line2, c.city, c.state, c.zip)
	if err != nil {
		t.Fatalf("ParseFields(%+v): %v", c, err)
	}
	return a
}

func TestCompareCSRWithCustomer(t *testing.T) {
	if len(compareCases) < 60 {
		t.Fatalf("only %d comparison cases", len(compareCases))
	}
	for _, tc := range compareCases {
		t.Run(tc.name, func(t *testing.T) {
			csr, cust := tc.csrAddress(t), tc.customerAddress(t)
			got := address.Compare(csr, cust)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Compare(\n  csr      %q,\n  customer %q)\n = %v\nwant %v", csr, cust, got, tc.want)
			}
			if eq := address.Equal(csr, cust); eq != (tc.want == nil) {
				t.Errorf("Equal = %v, want %v", eq, tc.want == nil)
			}
			// Comparing the other way round swaps A and B and finds the same fields.
			reversed := address.Compare(cust, csr)
			if len(reversed) != len(got) {
				t.Fatalf("Compare(customer, csr) = %v, not the mirror of %v", reversed, got)
			}
			for i, d := range reversed {
				if d != (D{Field: got[i].Field, A: got[i].B, B: got[i].A}) {
					t.Errorf("Compare(customer, csr)[%d] = %v, want the mirror of %v", i, d, got[i])
				}
			}
		})
	}
}

func TestCompareIdenticalAndEmpty(t *testing.T) {
	a := A{HouseNumber: "1", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27701"}
	if d := address.Compare(a, a); d != nil {
		t.Errorf("Compare(a, a) = %v, want nil", d)
	}
	if d := address.Compare(A{}, A{}); d != nil {
		t.Errorf("Compare of two empty addresses = %v, want nil", d)
	}
	got := address.Compare(a, A{})
	want := []D{{"HouseNumber", "1", ""}, {"StreetName", "MAIN", ""}, {"StreetSuffix", "ST", ""},
		{"City", "DURHAM", ""}, {"State", "NC", ""}, {"Zip", "27701", ""}}
	if !slices.Equal(got, want) {
		t.Errorf("Compare(a, empty) = %v, want %v", got, want)
	}
}

func ExampleCompare() {
	csr, _ := address.Parse("1234 Main ST Durham NC 27707")
	customer, _ := address.ParseFields("1234 North Main Street", "Suite 5", "Durham", "NC", "27707-1234")
	for _, d := range address.Compare(csr, customer) {
		fmt.Printf("%s: CSR %q, customer %q\n", d.Field, d.A, d.B)
	}
	// Output:
	// PreDirectional: CSR "", customer "N"
	// AddressLine2: CSR "", customer "STE 5"
}
