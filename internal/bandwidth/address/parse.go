package address

import (
	"errors"
	"fmt"
	"strings"
)

// Errors returned by Parse and ParseStreet, wrapped with the offending input; test with errors.Is.
var (
	ErrEmpty         = errors.New("no address")
	ErrTooLong       = errors.New("address too long")
	ErrNoHouseNumber = errors.New("no house number")
	ErrHouseNumber   = errors.New("unsupported house number")
	ErrNoStreetName  = errors.New("no street name")
	ErrPOBox         = errors.New("a PO box is not a service address")
	ErrRuralRoute    = errors.New("a rural route or highway contract box is not a service address")
	ErrUnitOrCity    = errors.New("cannot tell the unit from the city")
)

// maxLineBytes bounds the input Parse accepts; Bandwidth's longest address field (CSR
// AddressLine1) is 200 characters, so anything far beyond that is not an address.
const maxLineBytes = 1000

// street is a parsed street line, in tokens, before normalization.
type street struct {
	houseNumber, houseSuffix string
	pre                      string
	name                     []string
	suffix, post             string
	units                    []string
}

// parsed is a whole parsed line.
type parsed struct {
	street
	city              []string
	state, zip, plus4 string
}

func (p parsed) address() Address {
	return Address{
		HouseNumber:     p.houseNumber,
		HouseSuffix:     p.houseSuffix,
		PreDirectional:  p.pre,
		StreetName:      strings.Join(p.name, " "),
		StreetSuffix:    p.suffix,
		PostDirectional: p.post,
		AddressLine2:    strings.Join(p.units, " "),
		City:            strings.Join(p.city, " "),
		State:           p.state,
		Zip:             p.zip,
		PlusFour:        p.plus4,
	}.Normalize()
}

// Parse reads a one-line US service address and returns it normalized (see Normalize). City,
// state and ZIP are optional. Commas, when present, separate the street line, an optional unit
// line, the city, and the state with ZIP:
//
//	1234 N Main St Ste 5, Durham, NC 27707-1234
//	1234 Main ST Durham NC 27707
//	12 B Elm Street Apt 3
//
// Without commas the city is split off only when a state or ZIP ends the line, and the street
// is taken to end at its suffix (the first of ST, AVE, RD, DR, … that is not the first word of
// the name), an optional post-directional and unit. A line without commas, state or ZIP is read
// as a street line only.
func Parse(line string) (Address, error) {
	tokens, err := lexLine(line)
	if err != nil {
		return Address{}, err
	}
	groups := splitGroups(tokens)
	// A trailing country group ("…, NC 27707, USA") carries nothing for a US address.
	for len(groups) > 1 && countries[strings.Join(groups[len(groups)-1], " ")] {
		groups = groups[:len(groups)-1]
	}
	var p parsed
	if len(groups) == 1 {
		p, err = parseUnbroken(groups[0], line)
	} else {
		p, err = parseGroups(groups, line)
	}
	if err != nil {
		return Address{}, err
	}
	return p.address(), nil
}

// ParseStreet reads the street line of an address only ("1234 N Main St Ste 5"): house number
// and suffix, directionals, street name and suffix, and units. Text after a comma is taken as
// the unit line ("1234 Main St, Apt 5"). The result is normalized.
func ParseStreet(line string) (Address, error) {
	tokens, err := lexLine(line)
	if err != nil {
		return Address{}, err
	}
	groups := splitGroups(tokens)
	s, err := parseStreet(groups[0], line)
	if err != nil {
		return Address{}, err
	}
	for _, g := range groups[1:] {
		s.units = append(s.units, g...)
	}
	return parsed{street: s}.address(), nil
}

// ParseFields builds an address from the separate fields a person fills in: the street line is
// read with ParseStreet, line2 (a unit, possibly empty) is appended to its AddressLine2, and
// city, state and ZIP are taken as given. The result is normalized.
func ParseFields(line1, line2, city, state, zip string) (Address, error) {
	a, err := ParseStreet(line1)
	if err != nil {
		return Address{}, err
	}
	a.AddressLine2 = joinNonEmpty(a.AddressLine2, line2)
	a.City, a.State, a.Zip = city, state, zip
	return a.Normalize(), nil
}

// lexLine lexes a whole input line and rejects what cannot be a service address.
func lexLine(line string) ([]string, error) {
	if len(line) > maxLineBytes {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLong, len(line), maxLineBytes)
	}
	tokens := lex(line)
	if len(splitGroups(tokens)) == 0 {
		return nil, fmt.Errorf("%w in %q", ErrEmpty, line)
	}
	if err := rejectBoxes(tokens, line); err != nil {
		return nil, err
	}
	return tokens, nil
}

// rejectBoxes refuses PO boxes anywhere in the line and rural-route or highway-contract boxes
// in place of the street line: neither says where the phone service is.
func rejectBoxes(tokens []string, line string) error {
	if isRuralRoute(splitGroups(tokens)[0]) {
		return fmt.Errorf("%w: %q", ErrRuralRoute, line)
	}
	// Commas do not hide a box: "PO, BOX 5" is one.
	var words []string
	for _, t := range tokens {
		if t != commaToken {
			words = append(words, t)
		}
	}
	for i := range words {
		if isPOBoxAt(words, i) {
			return fmt.Errorf("%w: %q", ErrPOBox, line)
		}
	}
	return nil
}

// isPOBoxAt reports whether a PO box starts at word i.
func isPOBoxAt(t []string, i int) bool {
	at := func(j int, words ...string) bool {
		if j+len(words) > len(t) {
			return false
		}
		for k, w := range words {
			if t[j+k] != w {
				return false
			}
		}
		return true
	}
	next := ""
	if i+1 < len(t) {
		next = t[i+1]
	}
	switch {
	case at(i, "PO", "BOX"), at(i, "PO", "DRAWER"), at(i, "P", "O", "BOX"), at(i, "POST", "OFFICE", "BOX"):
		return true
	case t[i] == "POBOX":
		return true
	case (t[i] == "POB" || t[i] == "BOX" || t[i] == "PO") && hasDigit(next):
		// "BOX ELDER RD" is a street; "BOX 12" and "PO 12" are boxes.
		return true
	}
	return false
}

func isRuralRoute(g []string) bool {
	next := ""
	if len(g) > 1 {
		next = g[1]
	}
	switch g[0] {
	case "RR", "RFD", "HC":
		return hasDigit(next)
	case "RURAL", "STAR":
		return next == "ROUTE" || next == "RTE"
	case "HIGHWAY":
		return next == "CONTRACT"
	}
	return false
}

// parseUnbroken parses a line without commas.
func parseUnbroken(t []string, line string) (parsed, error) {
	var p parsed
	t = cutCountry(t)
	// A ZIP or state is taken only if a street is left in front of it ("100 NE" is a street).
	if zip, plus4, rest, ok := cutZip(t); ok && isStreet(rest) {
		p.zip, p.plus4, t = zip, plus4, rest
	}
	if code, rest, ok := cutState(t); ok && isStreet(rest) && !belongsToStreet(t, rest, p.zip != "") {
		// Without a ZIP, a trailing state-like word is a state only where a street clearly ends
		// before it ("… MAIN ST DURHAM NC"), not in "100 WEST VIRGINIA".
		if _, found := streetEnd(rest[1:]); found || p.zip != "" {
			p.state, t = code, rest
		}
	}
	if p.zip == "" && p.state == "" {
		s, err := parseStreet(t, line)
		p.street = s
		return p, err
	}
	end, _ := streetEnd(t[1:])
	s, err := parseStreet(t[:1+end], line)
	p.street = s
	p.city = t[1+end:]
	return p, err
}

// isStreet reports whether t reads as a street line.
func isStreet(t []string) bool {
	_, err := parseStreet(t, "")
	return err == nil
}

// belongsToStreet reports whether the state-like word ending a line without commas is really
// part of the street. NE right after the suffix that ends the street is the post-directional
// northeast ("500 MAIN ST NE"), not Nebraska; after a city ("… LINCOLN NE") it is the state.
// Without a ZIP, a state code that is also a street word (CT court, KY key, MT mount, PR
// prairie, FL floor, NE northeast) is always read as part of the street: "1 ELM ST CT" is Elm
// Street Court, and a line like "1 MAIN ST HARTFORD CT" needs a comma or ZIP to name the state.
func belongsToStreet(t, rest []string, hasZip bool) bool {
	if len(t) != len(rest)+1 {
		return false
	}
	last := t[len(t)-1]
	if !hasZip && (isSuffixWord(last) || isDesignator(last) || directionals[last] != "") {
		return true
	}
	// With a ZIP, NE is the post-directional when the word before it is the suffix that ends
	// the street.
	return last == "NE" && 1+streetSuffixAt(rest[1:]) == len(rest)-1
}

// parseGroups parses a line with commas: street line, optional unit line(s), city, state, ZIP.
func parseGroups(groups [][]string, line string) (parsed, error) {
	var p parsed
	rest := groups[1:]
	popEmpty := func() {
		if len(rest[len(rest)-1]) == 0 {
			rest = rest[:len(rest)-1]
		}
	}
	rest[len(rest)-1] = cutCountry(rest[len(rest)-1])
	popEmpty()
	if len(rest) > 0 {
		if zip, plus4, r, ok := cutZip(rest[len(rest)-1]); ok {
			p.zip, p.plus4, rest[len(rest)-1] = zip, plus4, r
			popEmpty()
		}
	}
	if len(rest) > 0 {
		if code, r, ok := cutState(rest[len(rest)-1]); ok {
			p.state, rest[len(rest)-1] = code, r
			popEmpty()
		}
	}
	// The last group is the city unless it reads as a unit ("…, BLDG 2, APT 5"); a city never
	// looks like a unit, so the two are told apart the same way when String's output is read.
	var line2 []string
	switch n := len(rest); {
	case n >= 1 && startsUnit(rest[n-1]):
		var ok bool
		if line2, ok = unitLine(rest); !ok {
			return p, fmt.Errorf("%w in %q", ErrUnitOrCity, line)
		}
	case n >= 1:
		for _, g := range rest[:n-1] {
			line2 = append(line2, g...)
		}
		p.city = rest[n-1]
	}
	s, err := parseStreet(groups[0], line)
	if err != nil {
		return p, err
	}
	s.units = append(s.units, line2...)
	p.street = s
	return p, nil
}

// unitLine joins comma groups that together make the unit line ("BLDG 2, APT 5"). ok is false
// when the joined line would not start like a unit ("BACK HOUSE, APT 5" with no city): read back
// from one line, it would be taken for a city.
func unitLine(groups [][]string) (line2 []string, ok bool) {
	for _, g := range groups {
		line2 = append(line2, g...)
	}
	return line2, startsUnit(line2)
}

// startsUnit reports whether a comma group is a unit line ("APT 5", "# 12", "2ND FLOOR",
// "REAR") rather than a city ("KEY WEST", "UPPER DARBY").
func startsUnit(g []string) bool {
	if g[0] == poundSign || isOrdinalFloor(g, 0) {
		return true
	}
	if !isDesignator(g[0]) {
		return false
	}
	return len(g) == 1 || g[1] == poundSign || isID(g[1])
}

// cutCountry drops a trailing country ("USA") that follows a ZIP or a state.
func cutCountry(t []string) []string {
	for w := 4; w >= 1; w-- {
		if len(t) <= w || !countries[strings.Join(t[len(t)-w:], " ")] {
			continue
		}
		rest := t[:len(t)-w]
		last := rest[len(rest)-1]
		if isZipShaped(last) || states[last] != "" {
			return rest
		}
	}
	return t
}

func isZipShaped(tok string) bool {
	switch len(tok) {
	case 5, 9:
		return allDigits(tok)
	case 10:
		return tok[5] == '-' && allDigits(tok[:5]) && allDigits(tok[6:])
	}
	return false
}

// followsPoundSign reports whether t[i] comes right after '#', whose id it is ("# 27707").
// After a designator a five-digit number is still read as the ZIP: "APT 27707" at the end of
// a line is far more often an apartment with its number forgotten than a five-digit unit.
func followsPoundSign(t []string, i int) bool {
	return i > 0 && t[i-1] == poundSign
}

// cutZip takes a trailing ZIP or ZIP+4 ("27707", "27707-1234", "277071234", "27707 1234").
func cutZip(t []string) (zip, plus4 string, rest []string, ok bool) {
	n := len(t)
	if n == 0 {
		return "", "", t, false
	}
	last := t[n-1]
	if len(last) == 4 && allDigits(last) && n >= 2 && len(t[n-2]) == 5 && allDigits(t[n-2]) && !followsPoundSign(t, n-2) {
		return t[n-2], last, t[:n-2], true
	}
	if !isZipShaped(last) || followsPoundSign(t, n-1) {
		return "", "", t, false
	}
	switch len(last) {
	case 10:
		return last[:5], last[6:], t[:n-1], true
	case 9:
		return last[:5], last[5:], t[:n-1], true
	}
	return last, "", t[:n-1], true
}

// cutState takes a trailing state name or code, preferring the longest name ("WEST VIRGINIA"
// over "VIRGINIA").
func cutState(t []string) (code string, rest []string, ok bool) {
	for w := min(maxStateWords, len(t)); w >= 1; w-- {
		i := len(t) - w
		// A unit id is digits or one letter, so a state name after a designator ("STE ME")
		// is still a state; right after '#' it is the id ("# NC").
		if code := stateCode(t[i:]); code != "" && (i == 0 || t[i-1] != poundSign) {
			return code, t[:i], true
		}
	}
	return "", t, false
}

// streetEnd finds, in the tokens after the house number of a line without commas, where the
// street (with post-directional and units) ends and the city begins. found is false when no
// street suffix, numbered highway or unit marks the end.
func streetEnd(t []string) (end int, found bool) {
	if k := streetSuffixAt(t); k >= 0 {
		j := k + 1
		// Only an abbreviated directional is taken as post-directional here: a spelled one more
		// often starts the city ("MAIN ST NORTH LITTLE ROCK").
		if j < len(t) && directionals[t[j]] == t[j] {
			j++
		}
		return consumeUnits(t, j), true
	}
	for u := 1; u < len(t); u++ {
		if startsUnitAt(t, u) {
			return consumeUnits(t, u), true
		}
	}
	return len(t), false
}

// streetSuffixAt returns the index of the word that ends the street name in a line without
// commas (its suffix, or the number of a numbered road), or -1.
func streetSuffixAt(t []string) int {
	k := -1
	for i := 1; i < len(t); i++ {
		if !isStrongSuffix(t[i]) && !isNumberedRoad(t, i) {
			continue
		}
		// "OLD COURT RD": COURT is part of the name when another suffix follows. A following
		// ST is read as SAINT starting the city instead ("MAIN ST ST LOUIS").
		if i+1 < len(t) && isStrongSuffix(t[i+1]) && t[i+1] != "ST" {
			continue
		}
		k = i
		break
	}
	if k < 0 {
		for i := 1; i < len(t); i++ {
			if isSuffixWord(t[i]) {
				k = i
				break
			}
		}
	}
	if k >= 0 && isHighwayWord(t[k]) && k+1 < len(t) && isRoadNumber(t[k+1]) {
		k++ // "COUNTY RD 12"
	}
	return k
}

// startsUnitAt reports whether a unit with an id (or a '#') starts at t[u].
func startsUnitAt(t []string, u int) bool {
	if t[u] == poundSign || isOrdinalFloor(t, u) {
		return true
	}
	if _, ok := unitDesignators[t[u]]; ok && u+1 < len(t) {
		return t[u+1] == poundSign || isID(t[u+1])
	}
	return false
}

// consumeUnits skips the units starting at t[j] in a line without commas and returns where
// they end. A designator without an id is a unit only at the very end or before another unit,
// so city names like KEY WEST or UPPER DARBY stay whole.
func consumeUnits(t []string, j int) int {
	for j < len(t) {
		switch {
		case t[j] == poundSign:
			// Whatever follows '#' (or "##") is its id, as on a street line.
			for j < len(t) && t[j] == poundSign {
				j++
			}
			j = min(j+1, len(t))
		case isOrdinalFloor(t, j):
			j += 2
		case isDesignator(t[j]):
			switch {
			case j+1 < len(t) && t[j+1] == poundSign:
				j++ // the '#' and its id follow
			case j+1 < len(t) && isID(t[j+1]):
				j += 2
			case j+1 == len(t) || startsUnitAt(t, j+1):
				j++
			default:
				return j
			}
		default:
			return j
		}
	}
	return j
}

// parseStreet parses one street line: house number [house suffix] [pre-directional] name
// [suffix] [post-directional] [units].
func parseStreet(t []string, line string) (street, error) {
	var s street
	if len(t) == 0 {
		return s, fmt.Errorf("%w in %q", ErrNoHouseNumber, line)
	}
	number, suffix, err := parseHouseToken(t[0])
	if err != nil {
		if errors.Is(err, ErrHouseNumber) {
			return s, fmt.Errorf("%w %q in %q: a house number is digits with at most one letter or a fraction (grid addresses such as N123W456 are not supported)", ErrHouseNumber, t[0], line)
		}
		return s, fmt.Errorf("%w in %q", err, line)
	}
	rest := t[1:]
	if suffix == "" && len(rest) > 0 {
		switch {
		case isFraction(rest[0]):
			suffix, rest = rest[0], rest[1:]
		case len(rest) > 1 && isSingleLetter(rest[0]) && directionals[rest[0]] == "" && letterIsHouseSuffix(rest[1:]):
			suffix, rest = rest[0], rest[1:]
		}
	}
	if len(rest) == 0 || rest[0] == poundSign {
		return s, fmt.Errorf("%w in %q", ErrNoStreetName, line)
	}
	s = splitStreet(rest)
	s.houseNumber, s.houseSuffix = number, suffix
	return s, nil
}

// letterIsHouseSuffix decides "12 B ELM ST" (house 12B on Elm Street) against "12 B ST"
// (house 12 on B Street): the letter belongs to the house number only if the words after it
// still make a street name that is not just a suffix word.
func letterIsHouseSuffix(after []string) bool {
	s := splitStreet(after)
	return len(s.name) > 0 && !(s.suffix == "" && len(s.name) == 1 && isSuffixWord(s.name[0]))
}

// splitStreet splits the words after the house number into directionals, name, suffix and
// units. It never returns an empty name for non-empty input.
func splitStreet(rest []string) street {
	u := firstUnitStart(rest)
	var s street
	s.pre, s.name, s.suffix, s.post = splitCore(rest[:u], true, true, true)
	s.units = rest[u:]
	return s
}

// firstUnitStart returns where the units of a street line begin (len(t) if there are none).
// The first word is always part of the name ("100 FRONT ST", "100 PIER 39").
func firstUnitStart(t []string) int {
	for u := 1; u < len(t); u++ {
		if isUnitStartInStreet(t, u) {
			return u
		}
	}
	return len(t)
}

// isUnitStartInStreet reports whether a unit starts at t[u] of a street line: a '#', an
// ordinal floor, or a designator followed by an id; a designator without an id counts only
// after a clear end of the street ("MAIN ST REAR", not "N WEST SIDE").
func isUnitStartInStreet(t []string, u int) bool {
	if startsUnitAt(t, u) {
		return true
	}
	return isDesignator(t[u]) && endsStreet(t[:u])
}

// endsStreet reports whether the words end like a complete street: a suffix ("MAIN ST"), a
// suffix and post-directional ("MAIN ST NW"), or a numbered road ("HWY 50").
func endsStreet(core []string) bool {
	n := len(core)
	if n < 2 {
		return false
	}
	last := core[n-1]
	return isSuffixWord(last) ||
		(n >= 3 && directionals[last] != "" && isSuffixWord(core[n-2])) ||
		isNumberedRoad(core, n-1)
}

// splitCore splits a street core into pre-directional, name, suffix and post-directional,
// taking each only where allowed and only while at least one word is left for the name. This
// is what makes "123 NORTH ST" the street NORTH with suffix ST, and "100 AVENUE RD" the street
// AVENUE with suffix RD.
func splitCore(core []string, allowPre, allowSuffix, allowPost bool) (pre string, name []string, suffix, post string) {
	i, j := 0, len(core)
	// Two directionals alone are a pre-directional and a name ("123 E NORTH"), not a name and
	// a post-directional.
	bothDirectionals := j == 2 && directionals[core[0]] != "" && directionals[core[1]] != ""
	if allowPost && j-i >= 2 && !(bothDirectionals && allowPre) {
		if d, ok := directionals[core[j-1]]; ok {
			post = d
			j--
		}
	}
	if allowSuffix && j-i >= 2 {
		if s, ok := streetSuffixes[core[j-1]]; ok {
			suffix = s
			j--
		}
	}
	if allowPre && j-i >= 2 {
		if d, ok := directionals[core[i]]; ok {
			pre = d
			i++
		}
	}
	return pre, core[i:j], suffix, post
}

// parseHouseToken reads the first token of a street line as a house number: "1234", "12B",
// "12-B", "12-1/2", "123-125" (a range, kept whole), or a spelled landmark number ("ONE").
func parseHouseToken(tok string) (number, suffix string, err error) {
	if n, ok := spelledHouseNumbers[tok]; ok {
		return n, "", nil
	}
	i := 0
	for i < len(tok) && isDigit(rune(tok[i])) {
		i++
	}
	if i == 0 {
		if hasDigit(tok) {
			return "", "", ErrHouseNumber
		}
		return "", "", ErrNoHouseNumber
	}
	number, rest := tok[:i], tok[i:]
	switch {
	case rest == "":
		return number, "", nil
	case isSingleLetter(rest):
		return number, rest, nil
	case isNumericOrdinal(tok):
		// "1ST AVE" starts with a street name, not a house number.
		return "", "", ErrNoHouseNumber
	case rest[0] == '-':
		r := rest[1:]
		switch {
		case allDigits(r):
			return tok, "", nil
		case isSingleLetter(r), isFraction(r):
			return number, r, nil
		}
	}
	return "", "", ErrHouseNumber
}

// isID reports whether tok can be a unit id: it holds a digit (but is not an ordinal, which
// names streets and floors) or is a single letter other than N, S, E and W. Those four are
// left out because normalization writes WEST as W: "FL WEST" must read the same before and
// after (a street ending in a post-directional, not floor W).
func isID(tok string) bool {
	return isLooseID(tok) && directionals[tok] == ""
}

// isLooseID is isID with N, S, E and W allowed, for comparing unit lines that are already
// parsed ("APT N" is unit N).
func isLooseID(tok string) bool {
	return (hasDigit(tok) && !isNumericOrdinal(tok)) || isSingleLetter(tok)
}

func isDesignator(tok string) bool {
	_, ok := unitDesignators[tok]
	return ok
}

func isOrdinalFloor(t []string, i int) bool {
	if i < 0 || i+1 >= len(t) || !floorWords[t[i+1]] {
		return false
	}
	_, ok := ordinalNumber(t[i])
	return ok
}

func isSuffixWord(tok string) bool {
	_, ok := streetSuffixes[tok]
	return ok
}

func isStrongSuffix(tok string) bool { return strongSuffixes[streetSuffixes[tok]] }

func isHighwayWord(tok string) bool {
	if std, ok := streetSuffixes[tok]; ok && highwayWords[std] {
		return true
	}
	return highwayWords[tok]
}

// isRoadNumber reports whether tok can number a road ("50", "1960", "12A").
func isRoadNumber(tok string) bool { return hasDigit(tok) && !isNumericOrdinal(tok) }

// isNumberedRoad reports whether t[i] is the number of a numbered road ("HWY 50").
func isNumberedRoad(t []string, i int) bool {
	return i >= 1 && isRoadNumber(t[i]) && isHighwayWord(t[i-1])
}
