package address

import (
	"slices"
	"strconv"
	"strings"
)

// Address is a US service address in the parts of Bandwidth's port-in ServiceAddress
// (PROTOCOL.md §5.2). State holds what the port-in calls StateCode and the CSR calls State.
type Address struct {
	HousePrefix     string
	HouseNumber     string
	HouseSuffix     string
	PreDirectional  string
	StreetName      string
	StreetSuffix    string
	PostDirectional string
	AddressLine2    string
	City            string
	State           string
	Zip             string
	PlusFour        string
}

// Difference is one field on which two addresses disagree after normalization. A and B are the
// normalized values of the first and second address given to Compare; either may be empty when
// only one side has the field.
type Difference struct {
	Field string
	A, B  string
}

// Field names used in Difference.Field, one per Address field.
const (
	FieldHousePrefix     = "HousePrefix"
	FieldHouseNumber     = "HouseNumber"
	FieldHouseSuffix     = "HouseSuffix"
	FieldPreDirectional  = "PreDirectional"
	FieldStreetName      = "StreetName"
	FieldStreetSuffix    = "StreetSuffix"
	FieldPostDirectional = "PostDirectional"
	FieldAddressLine2    = "AddressLine2"
	FieldCity            = "City"
	FieldState           = "State"
	FieldZip             = "Zip"
	FieldPlusFour        = "PlusFour"
)

// Normalize returns the address in USPS Publication 28 form: upper case, punctuation and
// extra spaces removed, accents folded; street suffixes abbreviated per Appendix C1
// (AVENUE/AV/AVEN → AVE), directionals abbreviated (NORTHEAST → NE), unit designators
// abbreviated per Appendix C2 (SUITE → STE, APARTMENT → APT, "2ND FLOOR" → FL 2, "#5" → # 5;
// a floor without a number stays FLOOR, as a lone FL would read as Florida),
// ordinal street names in digits (FIRST → 1ST), state names as codes (North Carolina → NC), a
// ZIP+4 split into Zip and PlusFour, and a 4-digit ZIP that lost its leading zero restored.
//
// Parts that arrive lumped together are separated the way Parse would separate them: a
// StreetName "EZ STREET" with no StreetSuffix becomes EZ + ST, "N MAIN" becomes N + MAIN, a
// unit at the end of the StreetName moves to AddressLine2, and HouseNumber "12B" or
// "123 1/2" moves its letter or fraction to HouseSuffix. A field already set is never
// overwritten. Normalize is idempotent.
func (a Address) Normalize() Address {
	var n Address
	n.HousePrefix = strings.Join(lexWords(a.HousePrefix), " ")
	n.HouseNumber, n.HouseSuffix = normalizeHouse(lexWords(a.HouseNumber), lexWords(a.HouseSuffix))
	n.PreDirectional = normalizeDirectional(lexWords(a.PreDirectional))
	n.PostDirectional = normalizeDirectional(lexWords(a.PostDirectional))
	n.StreetSuffix = normalizeSuffix(lexWords(a.StreetSuffix))
	name := lexWords(a.StreetName)
	line2 := lexWords(a.AddressLine2)
	if len(name) >= 2 {
		if len(line2) == 0 {
			u := firstUnitStart(name)
			name, line2 = name[:u], name[u:]
		}
		// With a suffix already given, the name's last word comes before that suffix and so
		// cannot be a post-directional.
		allowPost := n.PostDirectional == "" && n.StreetSuffix == ""
		pre, core, suffix, post := splitCore(name, n.PreDirectional == "", n.StreetSuffix == "", allowPost)
		name = core
		n.PreDirectional = firstNonEmpty(n.PreDirectional, pre)
		n.StreetSuffix = firstNonEmpty(n.StreetSuffix, suffix)
		n.PostDirectional = firstNonEmpty(n.PostDirectional, post)
	}
	n.StreetName = strings.Join(normalizeName(name), " ")
	n.AddressLine2 = strings.Join(normalizeUnits(line2), " ")
	n.City = strings.Join(lexWords(a.City), " ")
	n.State = normalizeState(lexWords(a.State))
	n.Zip, n.PlusFour = normalizeZip(lexWords(a.Zip), lexWords(a.PlusFour))
	return n
}

// String returns the address as one normalized line, for logs and user interfaces:
// "1234 N MAIN ST STE 5, DURHAM, NC 27707-1234". For any address Parse returned, Parse reads
// the line back to an Equal address.
func (a Address) String() string {
	n := a.Normalize()
	streetLine := n.streetLine()
	groups := []string{streetLine}
	if n.AddressLine2 != "" {
		// The unit goes on the street line, USPS style, when reading it back gives the same
		// street and unit; otherwise ("BACK HOUSE") it gets a comma group of its own.
		if combined := streetLine + " " + n.AddressLine2; readsBackAs(combined, n) {
			groups[0] = combined
		} else {
			groups = append(groups, n.AddressLine2)
		}
	}
	if n.City != "" {
		groups = append(groups, n.City)
	}
	zip := n.Zip
	if zip != "" && n.PlusFour != "" {
		zip += "-" + n.PlusFour
	}
	if last := joinNonEmpty(n.State, zip); last != "" {
		groups = append(groups, last)
	}
	return strings.Join(groups, ", ")
}

// streetLine renders house number through post-directional of a normalized address.
func (a Address) streetLine() string {
	house := joinNonEmpty(a.HouseNumber, a.HouseSuffix)
	if allDigits(a.HouseNumber) && isSingleLetter(a.HouseSuffix) {
		// "12B", not "12 B": a lone letter after the number could be read as the street "B ST".
		house = a.HouseNumber + a.HouseSuffix
	}
	return joinNonEmpty(a.HousePrefix, house, a.PreDirectional, a.StreetName, a.StreetSuffix, a.PostDirectional)
}

// readsBackAs reports whether parsing line as a street line gives n's street and unit.
func readsBackAs(line string, n Address) bool {
	s, err := parseStreet(lexWords(line), line)
	if err != nil {
		return false
	}
	got := parsed{street: s}.address()
	return got.HouseNumber == n.HouseNumber && got.HouseSuffix == n.HouseSuffix &&
		got.PreDirectional == n.PreDirectional && got.StreetName == n.StreetName &&
		got.StreetSuffix == n.StreetSuffix && got.PostDirectional == n.PostDirectional &&
		got.AddressLine2 == n.AddressLine2
}

// Equal reports whether a and b are the same address after normalization (Compare finds no
// difference).
func Equal(a, b Address) bool { return len(Compare(a, b)) == 0 }

// Compare normalizes both addresses and returns the fields on which they differ, in field
// order; nil means the same address. Beyond normalization it treats as equal:
//   - a PlusFour present on one side only (the ZIP+4 refines, it does not contradict);
//   - unit designators that only label a unit number: "STE 200", "SUITE 200", "# 200",
//     "APT 200" and "UNIT 200" are one unit (BLDG and FL are compared as written), and unit
//     numbers with leading zeros or hyphens ("APT 05", "A-1") match their plain form;
//   - words of street and city names spelled as a suffix, directional or SAINT in either form
//     ("AVENUE OF THE AMERICAS" = "AVE OF THE AMERICAS", "SAINT LOUIS" = "ST LOUIS");
//   - the same street words split differently between directional, name and suffix fields;
//   - house numbers with leading zeros.
//
// A field present on one side only (a unit, a city) is a difference.
func Compare(a, b Address) []Difference {
	x, y := a.Normalize(), b.Normalize()
	var diffs []Difference
	check := func(field, xv, yv string, same bool) {
		if !same {
			diffs = append(diffs, Difference{Field: field, A: xv, B: yv})
		}
	}
	check(FieldHousePrefix, x.HousePrefix, y.HousePrefix, x.HousePrefix == y.HousePrefix)
	check(FieldHouseNumber, x.HouseNumber, y.HouseNumber, houseNumberKey(x.HouseNumber) == houseNumberKey(y.HouseNumber))
	check(FieldHouseSuffix, x.HouseSuffix, y.HouseSuffix, x.HouseSuffix == y.HouseSuffix)
	if streetKey(x) != streetKey(y) {
		check(FieldPreDirectional, x.PreDirectional, y.PreDirectional, x.PreDirectional == y.PreDirectional)
		check(FieldStreetName, x.StreetName, y.StreetName, wordsKey(x.StreetName) == wordsKey(y.StreetName))
		check(FieldStreetSuffix, x.StreetSuffix, y.StreetSuffix, x.StreetSuffix == y.StreetSuffix)
		check(FieldPostDirectional, x.PostDirectional, y.PostDirectional, x.PostDirectional == y.PostDirectional)
	}
	check(FieldAddressLine2, x.AddressLine2, y.AddressLine2, unitsKey(x.AddressLine2) == unitsKey(y.AddressLine2))
	check(FieldCity, x.City, y.City, wordsKey(x.City) == wordsKey(y.City))
	check(FieldState, x.State, y.State, x.State == y.State)
	check(FieldZip, x.Zip, y.Zip, x.Zip == y.Zip)
	check(FieldPlusFour, x.PlusFour, y.PlusFour, x.PlusFour == "" || y.PlusFour == "" || x.PlusFour == y.PlusFour)
	return diffs
}

// streetKey is the street of a normalized address as canonical words, whatever field each
// word sits in.
func streetKey(n Address) string {
	return wordsKey(joinNonEmpty(n.PreDirectional, n.StreetName, n.StreetSuffix, n.PostDirectional))
}

// wordsKey spells each word of a name in one canonical form for comparison.
func wordsKey(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = canonicalWord(w)
	}
	return strings.Join(words, " ")
}

func canonicalWord(w string) string {
	if d, ok := directionals[w]; ok {
		return d
	}
	if s, ok := streetSuffixes[w]; ok {
		return s
	}
	if a, ok := cityWordAliases[w]; ok {
		return a
	}
	return w
}

// unitsKey reduces a normalized AddressLine2 to what identifies the unit: interchangeable
// designators collapse to '#', ids lose leading zeros and hyphens.
func unitsKey(line2 string) string {
	t := strings.Fields(line2)
	var parts []string
	for i := 0; i < len(t); i++ {
		tok := t[i]
		d, isDesig := unitDesignators[tok]
		switch {
		case tok == poundSign && i+1 < len(t):
			parts = append(parts, poundSign+unitIDKey(t[i+1]))
			i++
		case isDesig && i+1 < len(t) && isLooseID(t[i+1]):
			if d.sameUnit {
				parts = append(parts, poundSign+unitIDKey(t[i+1]))
			} else {
				parts = append(parts, d.abbr+" "+unitIDKey(t[i+1]))
			}
			i++
		case isDesig:
			parts = append(parts, d.abbr)
		case isLooseID(tok):
			parts = append(parts, poundSign+unitIDKey(tok))
		default:
			parts = append(parts, tok)
		}
	}
	return strings.Join(parts, "|")
}

func unitIDKey(id string) string {
	return houseNumberKey(strings.ReplaceAll(id, "-", ""))
}

// houseNumberKey drops leading zeros from an all-digit number.
func houseNumberKey(s string) string {
	if !allDigits(s) {
		return s
	}
	if t := strings.TrimLeft(s, "0"); t != "" {
		return t
	}
	return "0"
}

// normalizeHouse splits a letter or fraction off the house number into the house suffix,
// unless the suffix is already set to something else; unrecognized numbers are kept as typed.
func normalizeHouse(number, suffixWords []string) (string, string) {
	suffix := strings.Join(suffixWords, " ")
	if len(number) == 0 {
		return "", suffix
	}
	asTyped := strings.Join(number, " ")
	num, sfx, err := parseHouseToken(number[0])
	if err != nil {
		return asTyped, suffix
	}
	extra := number[1:]
	if sfx == "" && len(extra) == 1 && (isFraction(extra[0]) || isSingleLetter(extra[0])) {
		sfx, extra = extra[0], nil
	}
	switch {
	case len(extra) > 0:
		return asTyped, suffix
	case suffix == "" || sfx == "" || sfx == suffix:
		return num, firstNonEmpty(suffix, sfx)
	default:
		return asTyped, suffix
	}
}

func normalizeDirectional(words []string) string {
	// "N E" and "NORTH EAST" are NE.
	if d, ok := directionals[strings.Join(words, "")]; ok {
		return d
	}
	return strings.Join(words, " ")
}

func normalizeSuffix(words []string) string {
	joined := strings.Join(words, " ")
	if s, ok := streetSuffixes[joined]; ok {
		return s
	}
	return joined
}

func normalizeState(words []string) string {
	if code := stateCode(words); code != "" {
		return code
	}
	// "N C" (from "N. C.") is NC.
	if code := states[strings.Join(words, "")]; code != "" {
		return code
	}
	return strings.Join(words, " ")
}

// normalizeZip splits a ZIP+4 written in the Zip field and restores a leading zero that a
// spreadsheet dropped ("2134" → 02134; no US ZIP has four digits). An explicit PlusFour wins
// over one found in Zip.
func normalizeZip(zipWords, plusWords []string) (zip, plus4 string) {
	zip = strings.Join(zipWords, "")
	plus4 = strings.Join(plusWords, "")
	var found string
	switch {
	case len(zip) == 10 && zip[5] == '-' && allDigits(zip[:5]) && allDigits(zip[6:]):
		zip, found = zip[:5], zip[6:]
	case len(zip) == 9 && allDigits(zip):
		zip, found = zip[:5], zip[5:]
	case len(zip) == 4 && allDigits(zip):
		zip = "0" + zip
	}
	if allDigits(plus4) && len(plus4) < 4 {
		plus4 = strings.Repeat("0", 4-len(plus4)) + plus4
	}
	return zip, firstNonEmpty(plus4, found)
}

// normalizeName writes ordinal street names in digits ("FIRST" → 1ST, "TWENTY FIRST" → 21ST,
// "02ND" → 2ND), the form in USPS's ZIP+4 file.
func normalizeName(words []string) []string {
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		w := words[i]
		if tens, ok := ordinalTens[w]; ok && i+1 < len(words) {
			if unit, ok := ordinalUnits[words[i+1]]; ok && unit < 10 {
				out = append(out, ordinal(tens+unit))
				i++
				continue
			}
		}
		if n, ok := ordinalUnits[w]; ok {
			out = append(out, ordinal(n))
			continue
		}
		if isNumericOrdinal(w) {
			if n, err := strconv.Atoi(w[:len(w)-2]); err == nil {
				out = append(out, ordinal(n))
				continue
			}
		}
		out = append(out, w)
	}
	return out
}

func ordinal(n int) string { return strconv.Itoa(n) + ordinalSuffix(n) }

// normalizeUnits abbreviates unit designators ("SUITE 200" → STE 200), drops a '#' between a
// designator and its id ("APT #5" → APT 5) and writes floors as C2 does ("2ND FLOOR" → FL 2).
func normalizeUnits(tokens []string) []string {
	// Rewriting "0RD 2ND FLOOR" as "0RD FL 2" puts a new FL after the first ordinal, so
	// repeat until nothing changes; each round removes an ordinal, so this ends.
	for {
		out := normalizeUnitsOnce(tokens)
		if slices.Equal(out, tokens) {
			return out
		}
		tokens = out
	}
}

func normalizeUnitsOnce(tokens []string) []string {
	// "##5" is one '#'.
	t := make([]string, 0, len(tokens))
	for _, tok := range tokens {
		if tok == poundSign && len(t) > 0 && t[len(t)-1] == poundSign {
			continue
		}
		t = append(t, tok)
	}
	out := make([]string, 0, len(t))
	for i := 0; i < len(t); i++ {
		tok := t[i]
		if d, ok := unitDesignators[tok]; ok {
			idAt := i + 1
			if idAt < len(t) && t[idAt] == poundSign {
				idAt++
			}
			abbr := d.abbr
			if states[abbr] != "" && (idAt >= len(t) || !isID(t[idAt])) {
				// A floor without a number keeps its spelled-out designator: FL alone would
				// read back as Florida.
				abbr = "FLOOR"
			}
			out = append(out, abbr)
			// "APT # 5" is APT 5. The '#' stays before anything but a unit id, and before a
			// five-digit id, which without it would read back as a ZIP.
			if idAt == i+2 && idAt < len(t) && isID(t[idAt]) && !isZipShaped(t[idAt]) {
				i++
			}
			continue
		}
		// "2ND FLOOR" is FL 2; a floor numbered like a ZIP stays as written, since moving its
		// number to the end would make it read back as a ZIP.
		if n, _ := ordinalNumber(tok); isOrdinalFloor(t, i) && !isZipShaped(n) {
			out = append(out, "FL", n)
			i++
			continue
		}
		out = append(out, tok)
	}
	return out
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func joinNonEmpty(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}
