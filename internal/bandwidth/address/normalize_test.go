package address_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/portflow/portflow/internal/bandwidth/address"
)

// pub28Row is one row of Publication 28 Appendix C1.
type pub28Row struct {
	primary   string
	spellings []string
	standard  string
}

func readPub28C1(t *testing.T) []pub28Row {
	t.Helper()
	f, err := os.Open("testdata/pub28-c1-street-suffixes.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []pub28Row
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "|")
		if len(cols) != 3 {
			t.Fatalf("malformed C1 row %q", line)
		}
		rows = append(rows, pub28Row{
			primary:   strings.TrimSpace(cols[0]),
			spellings: strings.Fields(cols[1]),
			standard:  strings.TrimSpace(cols[2]),
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestNormalizeStreetSuffixPub28C1 checks every spelling of every row of Appendix C1, in the
// StreetSuffix field and at the end of a parsed street line.
func TestNormalizeStreetSuffixPub28C1(t *testing.T) {
	rows := readPub28C1(t)
	if len(rows) < 200 {
		t.Fatalf("read %d C1 rows, the appendix has over 200", len(rows))
	}
	checked := 0
	for _, row := range rows {
		spellings := append([]string{row.primary, row.standard}, row.spellings...)
		for _, sp := range spellings {
			for _, typed := range []string{sp, strings.ToLower(sp) + "."} {
				if got := (A{StreetSuffix: typed}).Normalize().StreetSuffix; got != row.standard {
					t.Errorf("StreetSuffix %q normalizes to %q, want %q (C1 row %s)", typed, got, row.standard, row.primary)
				}
			}
			line := "100 Oak " + sp
			a, err := address.Parse(line)
			if err != nil {
				t.Errorf("Parse(%q): %v", line, err)
				continue
			}
			if a.StreetName != "OAK" || a.StreetSuffix != row.standard {
				t.Errorf("Parse(%q) = name %q suffix %q, want OAK %s", line, a.StreetName, a.StreetSuffix, row.standard)
			}
			checked++
		}
	}
	t.Logf("checked %d spellings of %d C1 suffixes", checked, len(rows))
}

func TestNormalizeDirectionals(t *testing.T) {
	cases := map[string]string{
		"N": "N", "North": "N", "S": "S", "south": "S", "E": "E", "EAST": "E", "W": "W", "West": "W",
		"NE": "NE", "Northeast": "NE", "NW": "NW", "NORTHWEST": "NW", "SE": "SE", "southeast": "SE",
		"SW": "SW", "Southwest": "SW", "N.E.": "NE", "North East": "NE", "n. w.": "NW", "S-W": "SW",
	}
	for typed, want := range cases {
		got := A{PreDirectional: typed, PostDirectional: typed}.Normalize()
		if got.PreDirectional != want || got.PostDirectional != want {
			t.Errorf("directional %q normalizes to %q/%q, want %q", typed, got.PreDirectional, got.PostDirectional, want)
		}
	}
}

func TestNormalizeUnits(t *testing.T) {
	cases := map[string]string{
		"Apartment 5": "APT 5", "Apt. 5": "APT 5", "apt #5": "APT 5", "#5": "# 5", "# 5": "# 5",
		"Suite 200": "STE 200", "Ste. 200": "STE 200", "Unit B": "UNIT B", "Floor 3": "FL 3",
		"2nd Floor": "FL 2", "Third Floor": "FL 3", "Flr 4": "FL 4", "Building A": "BLDG A",
		"Bldg. 2, Apt 5": "BLDG 2 APT 5", "Room 101": "RM 101", "Space 12": "SPC 12", "Trailer 9": "TRLR 9",
		"Lot 4": "LOT 4", "Department 3": "DEPT 3", "Hangar 2": "HNGR 2", "Pier 39": "PIER 39",
		"Slip 4": "SLIP 4", "Stop 8": "STOP 8", "Key 12": "KEY 12", "Basement": "BSMT", "Front": "FRNT",
		"Lobby": "LBBY", "Lower": "LOWR", "Upper": "UPPR", "Office": "OFC", "Penthouse": "PH",
		"Rear": "REAR", "Side": "SIDE", "Back House": "BACK HOUSE",
		// Kept so the line reads back the same: a lone FL is Florida, "APT 27707" ends in a ZIP.
		"Floor": "FLOOR", "Apt # 27707": "APT # 27707", "Unit ##7": "UNIT 7",
	}
	for typed, want := range cases {
		if got := (A{AddressLine2: typed}).Normalize().AddressLine2; got != want {
			t.Errorf("AddressLine2 %q normalizes to %q, want %q", typed, got, want)
		}
	}
}

func TestNormalizeStates(t *testing.T) {
	names := map[string]string{
		"Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
		"Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA",
		"Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS",
		"Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA",
		"Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO", "Montana": "MT",
		"Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM",
		"New York": "NY", "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK",
		"Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC",
		"South Dakota": "SD", "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT",
		"Virginia": "VA", "Washington": "WA", "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
		"District of Columbia": "DC", "Puerto Rico": "PR", "Guam": "GU", "U.S. Virgin Islands": "VI",
		"American Samoa": "AS", "Northern Mariana Islands": "MP",
		"nc": "NC", "N.C.": "NC", "N. Carolina": "NC", "d.c.": "DC", "AE": "AE",
	}
	for typed, want := range names {
		if got := (A{State: typed}).Normalize().State; got != want {
			t.Errorf("State %q normalizes to %q, want %q", typed, got, want)
		}
	}
	if got := (A{State: "Ontario"}).Normalize().State; got != "ONTARIO" {
		t.Errorf("unknown state normalizes to %q, want it kept as ONTARIO", got)
	}
}

func TestNormalizeZip(t *testing.T) {
	cases := []struct{ zip, plus4, wantZip, wantPlus4 string }{
		{"27707", "", "27707", ""},
		{"27707-1234", "", "27707", "1234"},
		{"277071234", "", "27707", "1234"},
		{"27707 1234", "", "27707", "1234"},
		{" 27707 ", "1234", "27707", "1234"},
		{"27707-1234", "9999", "27707", "9999"}, // an explicit PlusFour wins
		{"2108", "", "02108", ""},               // leading zero dropped by a spreadsheet
		{"27707", "12", "27707", "0012"},
		{"K1A 0B1", "", "K1A0B1", ""}, // not a US ZIP: kept, compacted
	}
	for _, tc := range cases {
		got := A{Zip: tc.zip, PlusFour: tc.plus4}.Normalize()
		if got.Zip != tc.wantZip || got.PlusFour != tc.wantPlus4 {
			t.Errorf("Zip %q PlusFour %q normalize to %q/%q, want %q/%q", tc.zip, tc.plus4, got.Zip, got.PlusFour, tc.wantZip, tc.wantPlus4)
		}
	}
}

// TestNormalizeLumpedParts covers carrier records that put several parts in one field.
func TestNormalizeLumpedParts(t *testing.T) {
	cases := []struct {
		name string
		in   A
		want A
	}{
		{"suffix in the street name", A{HouseNumber: "123", StreetName: "EZ Street"},
			A{HouseNumber: "123", StreetName: "EZ", StreetSuffix: "ST"}},
		{"whole street in the street name", A{HouseNumber: "1600", StreetName: "Pennsylvania Ave. N.W."},
			A{HouseNumber: "1600", StreetName: "PENNSYLVANIA", StreetSuffix: "AVE", PostDirectional: "NW"}},
		{"pre-directional in the street name", A{StreetName: "North Main", StreetSuffix: "St"},
			A{PreDirectional: "N", StreetName: "MAIN", StreetSuffix: "ST"}},
		{"unit in the street name", A{StreetName: "Main St Apt 5"},
			A{StreetName: "MAIN", StreetSuffix: "ST", AddressLine2: "APT 5"}},
		{"set fields are not overwritten", A{PreDirectional: "S", StreetName: "N Main St", StreetSuffix: "Rd"},
			A{PreDirectional: "S", StreetName: "N MAIN ST", StreetSuffix: "RD"}},
		{"directional-named street stays a name", A{StreetName: "North St"},
			A{StreetName: "NORTH", StreetSuffix: "ST"}},
		{"house letter", A{HouseNumber: "12B"}, A{HouseNumber: "12", HouseSuffix: "B"}},
		{"house letter with space", A{HouseNumber: "12 b"}, A{HouseNumber: "12", HouseSuffix: "B"}},
		{"house fraction", A{HouseNumber: "123 1/2"}, A{HouseNumber: "123", HouseSuffix: "1/2"}},
		{"house fraction glyph", A{HouseNumber: "123½"}, A{HouseNumber: "123", HouseSuffix: "1/2"}},
		{"house letter agreeing with the suffix", A{HouseNumber: "12B", HouseSuffix: "b"}, A{HouseNumber: "12", HouseSuffix: "B"}},
		{"house letter contradicting the suffix is kept", A{HouseNumber: "12B", HouseSuffix: "C"}, A{HouseNumber: "12B", HouseSuffix: "C"}},
		{"house number range", A{HouseNumber: "123-125"}, A{HouseNumber: "123-125"}},
		{"grid house number kept as given", A{HousePrefix: "n", HouseNumber: "N123W456"}, A{HousePrefix: "N", HouseNumber: "N123W456"}},
		{"ordinal words", A{StreetName: "Twenty-Third", StreetSuffix: "Street"}, A{StreetName: "23RD", StreetSuffix: "ST"}},
		{"ordinal with leading zero", A{StreetName: "02nd", StreetSuffix: "Ave"}, A{StreetName: "2ND", StreetSuffix: "AVE"}},
		{"eleventh", A{StreetName: "Eleventh", StreetSuffix: "Ave"}, A{StreetName: "11TH", StreetSuffix: "AVE"}},
		{"spaces and punctuation in the city", A{City: "  st.   louis "}, A{City: "ST LOUIS"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in.Normalize()
			assertFields(t, tc.name, got, tc.want)
			if again := got.Normalize(); again != got {
				t.Errorf("Normalize is not idempotent: %#v then %#v", got, again)
			}
		})
	}
}

func TestNormalizeIsIdempotent(t *testing.T) {
	var inputs []A
	for _, tc := range compareCases {
		inputs = append(inputs, tc.csr, A{StreetName: tc.customer.line1, AddressLine2: tc.customer.line2,
			City: tc.customer.city, State: tc.customer.state, Zip: tc.customer.zip})
	}
	for _, tc := range parseCases {
		inputs = append(inputs, tc.want, A{StreetName: tc.line})
	}
	for _, in := range inputs {
		once := in.Normalize()
		if twice := once.Normalize(); twice != once {
			t.Errorf("Normalize(%#v)\n once  %#v\n twice %#v", in, once, twice)
		}
	}
}

func TestString(t *testing.T) {
	cases := []struct {
		in   A
		want string
	}{
		{A{HouseNumber: "1234", PreDirectional: "north", StreetName: "main", StreetSuffix: "street", AddressLine2: "suite 5",
			City: "Durham", State: "North Carolina", Zip: "27707", PlusFour: "1234"},
			"1234 N MAIN ST STE 5, DURHAM, NC 27707-1234"},
		{A{HouseNumber: "12", HouseSuffix: "B", StreetName: "Elm", StreetSuffix: "St"}, "12B ELM ST"},
		{A{HouseNumber: "123", HouseSuffix: "1/2", StreetName: "Main", StreetSuffix: "St", City: "Cary"}, "123 1/2 MAIN ST, CARY"},
		{A{HouseNumber: "12", StreetName: "B", StreetSuffix: "St", State: "NC"}, "12 B ST, NC"},
		// A unit line that would not read back as a unit gets its own group.
		{A{HouseNumber: "5", StreetName: "Oak", StreetSuffix: "Ln", AddressLine2: "Back House", City: "Apex", State: "NC", Zip: "27502"},
			"5 OAK LN, BACK HOUSE, APEX, NC 27502"},
		// PlusFour without a ZIP is not written.
		{A{HouseNumber: "5", StreetName: "Oak", StreetSuffix: "Ln", PlusFour: "1234"}, "5 OAK LN"},
		{A{}, ""},
	}
	for _, tc := range cases {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestStringRoundTrip checks, for every parse case, the property FuzzParse checks on random
// input: the normalized line parses back to an equal address.
func TestStringRoundTrip(t *testing.T) {
	for _, tc := range parseCases {
		a, err := address.Parse(tc.line)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.line, err)
		}
		back, err := address.Parse(a.String())
		if err != nil {
			t.Fatalf("Parse(%q) (String of %q): %v", a.String(), tc.line, err)
		}
		if back != a {
			t.Errorf("round trip of %q through %q:\n got  %#v\n want %#v", tc.line, a.String(), back, a)
		}
	}
}
