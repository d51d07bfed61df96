package address_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/portflow/portflow/internal/bandwidth/address"
)

type A = address.Address

// parseCases are one-line addresses as customers type them and as CSRs carry them in
// UnparsedAddress, with every field Parse must produce.
var parseCases = []struct {
	name string
	line string
	want A
}{
	{"commas, suite, ZIP+4", "1234 N Main St Ste 5, Durham, NC 27707-1234",
		A{HouseNumber: "1234", PreDirectional: "N", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "STE 5", City: "DURHAM", State: "NC", Zip: "27707", PlusFour: "1234"}},
	{"CSR UnparsedAddress without commas", "1234 Main ST Durham NC 27707",
		A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707"}},
	{"CSR street only", "900 MAIN CAMPUS DR",
		A{HouseNumber: "900", StreetName: "MAIN CAMPUS", StreetSuffix: "DR"}},
	{"house letter as separate word", "12 B Elm Street Apt 3",
		A{HouseNumber: "12", HouseSuffix: "B", StreetName: "ELM", StreetSuffix: "ST", AddressLine2: "APT 3"}},
	{"house letter attached", "12B Elm St",
		A{HouseNumber: "12", HouseSuffix: "B", StreetName: "ELM", StreetSuffix: "ST"}},
	{"house letter hyphenated", "12-b elm st",
		A{HouseNumber: "12", HouseSuffix: "B", StreetName: "ELM", StreetSuffix: "ST"}},
	{"lettered street, not a house letter", "12 B St",
		A{HouseNumber: "12", StreetName: "B", StreetSuffix: "ST"}},
	{"house fraction", "123 1/2 Main St",
		A{HouseNumber: "123", HouseSuffix: "1/2", StreetName: "MAIN", StreetSuffix: "ST"}},
	{"house fraction glyph", "123½ Main St",
		A{HouseNumber: "123", HouseSuffix: "1/2", StreetName: "MAIN", StreetSuffix: "ST"}},
	{"house number range", "45-07 Queens Blvd, Sunnyside, NY 11104",
		A{HouseNumber: "45-07", StreetName: "QUEENS", StreetSuffix: "BLVD", City: "SUNNYSIDE", State: "NY", Zip: "11104"}},
	{"spelled landmark house number", "One Microsoft Way, Redmond, WA 98052",
		A{HouseNumber: "1", StreetName: "MICROSOFT", StreetSuffix: "WAY", City: "REDMOND", State: "WA", Zip: "98052"}},
	{"street named for a directional", "123 North St",
		A{HouseNumber: "123", StreetName: "NORTH", StreetSuffix: "ST"}},
	{"directional and directional-named street", "123 N North St",
		A{HouseNumber: "123", PreDirectional: "N", StreetName: "NORTH", StreetSuffix: "ST"}},
	{"two directionals without suffix", "123 E North",
		A{HouseNumber: "123", PreDirectional: "E", StreetName: "NORTH"}},
	{"suffix-looking name before suffix", "100 Park Ave",
		A{HouseNumber: "100", StreetName: "PARK", StreetSuffix: "AVE"}},
	{"suffix word as street name", "100 Avenue Rd",
		A{HouseNumber: "100", StreetName: "AVENUE", StreetSuffix: "RD"}},
	{"post-directional", "500 Main St NW",
		A{HouseNumber: "500", StreetName: "MAIN", StreetSuffix: "ST", PostDirectional: "NW"}},
	{"NE after suffix is northeast", "500 Main St NE",
		A{HouseNumber: "500", StreetName: "MAIN", StreetSuffix: "ST", PostDirectional: "NE"}},
	{"NE after city is Nebraska", "500 Main St Lincoln NE 68501",
		A{HouseNumber: "500", StreetName: "MAIN", StreetSuffix: "ST", City: "LINCOLN", State: "NE", Zip: "68501"}},
	{"lettered street with post-directional", "500 S St SW, Washington, DC 20024",
		A{HouseNumber: "500", StreetName: "S", StreetSuffix: "ST", PostDirectional: "SW", City: "WASHINGTON", State: "DC", Zip: "20024"}},
	{"spelled post-directional", "1600 Pennsylvania Avenue Northwest, Washington, District of Columbia 20500",
		A{HouseNumber: "1600", StreetName: "PENNSYLVANIA", StreetSuffix: "AVE", PostDirectional: "NW", City: "WASHINGTON", State: "DC", Zip: "20500"}},
	{"numeric ordinal", "100 E 1st Street",
		A{HouseNumber: "100", PreDirectional: "E", StreetName: "1ST", StreetSuffix: "ST"}},
	{"spelled ordinal", "100 East First Street",
		A{HouseNumber: "100", PreDirectional: "E", StreetName: "1ST", StreetSuffix: "ST"}},
	{"punctuation, hyphenated ordinal and city, state name", "100 W. Twenty-First Street, Apt #5, Winston-Salem, North Carolina 27101",
		A{HouseNumber: "100", PreDirectional: "W", StreetName: "21ST", StreetSuffix: "ST", AddressLine2: "APT 5", City: "WINSTON SALEM", State: "NC", Zip: "27101"}},
	{"floor and country", "100 Main St 2nd Floor, New York, NY 10001 USA",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "FL 2", City: "NEW YORK", State: "NY", Zip: "10001"}},
	{"floor in its own group", "350 Fifth Avenue, Floor 34, New York, NY 10118",
		A{HouseNumber: "350", StreetName: "5TH", StreetSuffix: "AVE", AddressLine2: "FL 34", City: "NEW YORK", State: "NY", Zip: "10118"}},
	{"city starting with a designator word", "100 Main St Key West FL 33040",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", City: "KEY WEST", State: "FL", Zip: "33040"}},
	{"city starting with UPPER", "100 Main St Upper Darby PA 19082",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", City: "UPPER DARBY", State: "PA", Zip: "19082"}},
	{"city starting with SAINT", "100 Main St St Louis MO 63101",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", City: "ST LOUIS", State: "MO", Zip: "63101"}},
	{"suffix word inside the street name", "100 Old Court Rd Durham NC 27707",
		A{HouseNumber: "100", StreetName: "OLD COURT", StreetSuffix: "RD", City: "DURHAM", State: "NC", Zip: "27707"}},
	{"city containing suffix words", "100 Lake Shore Dr Lake City FL 32055",
		A{HouseNumber: "100", StreetName: "LAKE SHORE", StreetSuffix: "DR", City: "LAKE CITY", State: "FL", Zip: "32055"}},
	{"numbered highway with unit", "100 Highway 50 Apt 5, Durham, NC",
		A{HouseNumber: "100", StreetName: "HIGHWAY 50", AddressLine2: "APT 5", City: "DURHAM", State: "NC"}},
	{"numbered county road without commas", "4500 County Road 12 Durham NC 27707",
		A{HouseNumber: "4500", StreetName: "COUNTY ROAD 12", City: "DURHAM", State: "NC", Zip: "27707"}},
	{"street without suffix, unit ends it", "100 Broadway Apt 5 New York NY 10001",
		A{HouseNumber: "100", StreetName: "BROADWAY", AddressLine2: "APT 5", City: "NEW YORK", State: "NY", Zip: "10001"}},
	{"designator-less unit word after the street", "100 Main St Rear",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "REAR"}},
	{"designator word as street name", "100 Front St",
		A{HouseNumber: "100", StreetName: "FRONT", StreetSuffix: "ST"}},
	{"designator word inside the street name", "100 N West Side Dr",
		A{HouseNumber: "100", PreDirectional: "N", StreetName: "WEST SIDE", StreetSuffix: "DR"}},
	{"suite spelled out", "100 Main Street Suite 200",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "STE 200"}},
	{"pound sign unit", "100 Main St #200",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "# 200"}},
	{"letter unit", "100 Main St Unit B",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "UNIT B"}},
	{"apartment with letter", "1234 Main St Apartment 5B",
		A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "APT 5B"}},
	{"two units in their own groups", "221 Baker St, Bldg 2, Apt 5, Springfield, IL 62701",
		A{HouseNumber: "221", StreetName: "BAKER", StreetSuffix: "ST", AddressLine2: "BLDG 2 APT 5", City: "SPRINGFIELD", State: "IL", Zip: "62701"}},
	{"unit group and no city", "1234 Main St, Apt 5",
		A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "APT 5"}},
	{"city only", "1234 Main St, Durham",
		A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM"}},
	{"city and ZIP without state", "1234 Main St, Durham 27707",
		A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", Zip: "27707"}},
	{"city and ZIP without state or commas", "1234 Main St Durham 27707",
		A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", Zip: "27707"}},
	{"abbreviations with periods, ZIP+4", "2001 N. Gateway Blvd., Ste. 100, Portland, OR 97232-1234",
		A{HouseNumber: "2001", PreDirectional: "N", StreetName: "GATEWAY", StreetSuffix: "BLVD", AddressLine2: "STE 100", City: "PORTLAND", State: "OR", Zip: "97232", PlusFour: "1234"}},
	{"nine-digit ZIP", "1234 Main St, Durham, NC 277071234",
		A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707", PlusFour: "1234"}},
	{"state and ZIP in separate groups, spaced ZIP+4", "1234 Main St, Durham, NC, 27707 1234",
		A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707", PlusFour: "1234"}},
	{"full state name", "742 Evergreen Terrace, Springfield, Oregon 97403",
		A{HouseNumber: "742", StreetName: "EVERGREEN", StreetSuffix: "TER", City: "SPRINGFIELD", State: "OR", Zip: "97403"}},
	{"two-word state name without commas", "100 Main St Charleston West Virginia 25301",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", City: "CHARLESTON", State: "WV", Zip: "25301"}},
	{"apostrophe and accent", "12 O'Brien Ct., Cañon City, CO 81212",
		A{HouseNumber: "12", StreetName: "OBRIEN", StreetSuffix: "CT", City: "CANON CITY", State: "CO", Zip: "81212"}},
	{"weak suffix", "100 Quail Run, Cary, NC 27513",
		A{HouseNumber: "100", StreetName: "QUAIL", StreetSuffix: "RUN", City: "CARY", State: "NC", Zip: "27513"}},
	{"suffix and post-directional, city without comma", "9 Sunset Trail SE, Albuquerque NM 87123",
		A{HouseNumber: "9", StreetName: "SUNSET", StreetSuffix: "TRL", PostDirectional: "SE", City: "ALBUQUERQUE", State: "NM", Zip: "87123"}},
	{"ST inside the name is SAINT", "123 St Marys Rd, Hillsborough, NC 27278",
		A{HouseNumber: "123", StreetName: "ST MARYS", StreetSuffix: "RD", City: "HILLSBOROUGH", State: "NC", Zip: "27278"}},
	{"extension suffix", "55 Main St Ext",
		A{HouseNumber: "55", StreetName: "MAIN ST", StreetSuffix: "EXT"}},
	{"final CT without ZIP is a street suffix", "1 Elm St Ct",
		A{HouseNumber: "1", StreetName: "ELM ST", StreetSuffix: "CT"}},
	{"final CT before a ZIP is Connecticut", "1 Main St Hartford CT 06103",
		A{HouseNumber: "1", StreetName: "MAIN", StreetSuffix: "ST", City: "HARTFORD", State: "CT", Zip: "06103"}},
	{"five digits after a unit word ending the line are the ZIP", "100 Main St Apt 27707",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "APT", Zip: "27707"}},
	{"five digits after # are the unit", "100 Main St # 27707",
		A{HouseNumber: "100", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "# 27707"}},
	{"extra spaces and lower case", "  1234   main    st   ,   durham ,  nc   27707 ",
		A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", State: "NC", Zip: "27707"}},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := address.Parse(tc.line)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.line, err)
			}
			assertFields(t, tc.line, got, tc.want)
		})
	}
}

// assertFields reports every field that differs, so one failure shows the whole picture.
func assertFields(t *testing.T, input string, got, want A) {
	t.Helper()
	fields := []struct{ name, got, want string }{
		{"HousePrefix", got.HousePrefix, want.HousePrefix},
		{"HouseNumber", got.HouseNumber, want.HouseNumber},
		{"HouseSuffix", got.HouseSuffix, want.HouseSuffix},
		{"PreDirectional", got.PreDirectional, want.PreDirectional},
		{"StreetName", got.StreetName, want.StreetName},
		{"StreetSuffix", got.StreetSuffix, want.StreetSuffix},
		{"PostDirectional", got.PostDirectional, want.PostDirectional},
		{"AddressLine2", got.AddressLine2, want.AddressLine2},
		{"City", got.City, want.City},
		{"State", got.State, want.State},
		{"Zip", got.Zip, want.Zip},
		{"PlusFour", got.PlusFour, want.PlusFour},
	}
	for _, f := range fields {
		if f.got != f.want {
			t.Errorf("%q: %s = %q, want %q", input, f.name, f.got, f.want)
		}
	}
}

var parseErrorCases = []struct {
	name    string
	line    string
	wantErr error
	wantMsg string
}{
	{"empty", "", address.ErrEmpty, `no address in ""`},
	{"only punctuation", " , ; ", address.ErrEmpty, `no address in " , ; "`},
	{"no house number", "Main St", address.ErrNoHouseNumber, `no house number in "Main St"`},
	{"no house number with city", "Main St, Durham, NC 27707", address.ErrNoHouseNumber, `no house number in "Main St, Durham, NC 27707"`},
	{"ordinal street without number", "1st Ave, New York", address.ErrNoHouseNumber, `no house number in "1st Ave, New York"`},
	{"no street name", "1234", address.ErrNoStreetName, `no street name in "1234"`},
	{"no street name before city", "1234, Durham, NC", address.ErrNoStreetName, `no street name in "1234, Durham, NC"`},
	{"only a house fraction", "12 1/2", address.ErrNoStreetName, `no street name in "12 1/2"`},
	{"PO box", "PO Box 123, Durham, NC 27707", address.ErrPOBox, `a PO box is not a service address: "PO Box 123, Durham, NC 27707"`},
	{"P.O. box", "P.O. Box 55", address.ErrPOBox, `a PO box is not a service address`},
	{"spaced P O box", "P O Box 55, Cary NC", address.ErrPOBox, `a PO box is not a service address`},
	{"post office box", "Post Office Box 9, Raleigh NC 27601", address.ErrPOBox, `a PO box is not a service address`},
	{"POB", "POB 12, Raleigh NC", address.ErrPOBox, `a PO box is not a service address`},
	{"box only", "Box 12, Raleigh NC", address.ErrPOBox, `a PO box is not a service address`},
	{"PO box after a street", "100 Main St, PO Box 5, Durham NC", address.ErrPOBox, `a PO box is not a service address`},
	{"rural route", "RR 2 Box 15, Smithville, TN 37166", address.ErrRuralRoute, `a rural route or highway contract box is not a service address`},
	{"highway contract", "HC 1 Box 5, Mora NM", address.ErrRuralRoute, `a rural route or highway contract box is not a service address`},
	{"grid house number", "N123W456 Main St, Menomonee Falls, WI", address.ErrHouseNumber, `unsupported house number "N123W456"`},
	{"house number with letters", "12ABC Main St", address.ErrHouseNumber, `unsupported house number "12ABC"`},
	{"unit line that does not start like a unit, and no city", "100 Main St, Back House, Apt 5", address.ErrUnitOrCity,
		`cannot tell the unit from the city in "100 Main St, Back House, Apt 5"`},
	{"too long", "1 " + strings.Repeat("MAIN ", 250), address.ErrTooLong, "address too long: 1252 bytes, at most 1000"},
}

func TestParseErrors(t *testing.T) {
	for _, tc := range parseErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := address.Parse(tc.line)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Parse(%q) = %+v, %v; want error %v", tc.line, got, err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("Parse(%q) error %q does not say %q", tc.line, err, tc.wantMsg)
			}
			if got != (A{}) {
				t.Errorf("Parse(%q) returned %#v with its error, want the zero Address", tc.line, got)
			}
		})
	}
}

func TestParseStreet(t *testing.T) {
	cases := []struct {
		line string
		want A
	}{
		{"1234 N Main St Ste 5", A{HouseNumber: "1234", PreDirectional: "N", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "STE 5"}},
		{"1234 Main St, Apt 5", A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "APT 5"}},
		{"1234 Main St, Bldg 2, Apt 5", A{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "BLDG 2 APT 5"}},
		{"900 MAIN CAMPUS DR", A{HouseNumber: "900", StreetName: "MAIN CAMPUS", StreetSuffix: "DR"}},
		// A street line has no city: a trailing state-like word stays in the street.
		{"100 West Virginia", A{HouseNumber: "100", PreDirectional: "W", StreetName: "VIRGINIA"}},
		{"500 Main St NE", A{HouseNumber: "500", StreetName: "MAIN", StreetSuffix: "ST", PostDirectional: "NE"}},
	}
	for _, tc := range cases {
		got, err := address.ParseStreet(tc.line)
		if err != nil {
			t.Errorf("ParseStreet(%q): %v", tc.line, err)
			continue
		}
		assertFields(t, tc.line, got, tc.want)
	}
	if _, err := address.ParseStreet("PO Box 7"); !errors.Is(err, address.ErrPOBox) {
		t.Errorf("ParseStreet(PO Box 7) error = %v, want ErrPOBox", err)
	}
	if _, err := address.ParseStreet("Main St"); !errors.Is(err, address.ErrNoHouseNumber) {
		t.Errorf("ParseStreet(Main St) error = %v, want ErrNoHouseNumber", err)
	}
}

func TestParseFields(t *testing.T) {
	got, err := address.ParseFields("1234 n. main street", "Suite #200", "durham", "North Carolina", "27707-1234")
	if err != nil {
		t.Fatal(err)
	}
	assertFields(t, "fields", got, A{HouseNumber: "1234", PreDirectional: "N", StreetName: "MAIN", StreetSuffix: "ST",
		AddressLine2: "STE 200", City: "DURHAM", State: "NC", Zip: "27707", PlusFour: "1234"})

	got, err = address.ParseFields("1234 Main St Apt 5", "Bldg 2", "Durham", "NC", "27707")
	if err != nil {
		t.Fatal(err)
	}
	if got.AddressLine2 != "APT 5 BLDG 2" {
		t.Errorf("units from line1 and line2: AddressLine2 = %q, want %q", got.AddressLine2, "APT 5 BLDG 2")
	}

	if _, err := address.ParseFields("Main St", "", "Durham", "NC", "27707"); !errors.Is(err, address.ErrNoHouseNumber) {
		t.Errorf("ParseFields without house number: error = %v, want ErrNoHouseNumber", err)
	}
}
