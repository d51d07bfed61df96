package bandwidth

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/portflow/portflow/internal/bandwidth/address"
)

// trailingZipPlus4 matches a ZIP+4 at the end of an address line.
var trailingZipPlus4 = regexp.MustCompile(`(\d{5})-(\d{4})\s*$`)

// ErrIncompleteAddress is wrapped by PortInAddress when the CSR's address lacks a part the
// port-in requires (HouseNumber, StreetName, City, StateCode, Zip).
var ErrIncompleteAddress = errors.New("service address is incomplete")

// Address returns the CSR's service address as an address.Address in USPS normal form. Parsed
// parts are used when the CSR has them (HouseNumber and StreetName); otherwise UnparsedAddress is
// parsed. The CSR's separate City, State and Zip win over what parsing finds, and are cut off the
// end of UnparsedAddress before it is parsed, because carriers write them there without commas
// ("1234 Main ST Durham NC 27707").
func (a CsrServiceAddress) Address() (address.Address, error) {
	if strings.TrimSpace(a.HouseNumber) != "" && strings.TrimSpace(a.StreetName) != "" {
		return address.Address{
			HousePrefix: a.HousePrefix, HouseNumber: a.HouseNumber, HouseSuffix: a.HouseSuffix,
			PreDirectional: a.PreDirectional, StreetName: a.StreetName, StreetSuffix: a.StreetSuffix,
			PostDirectional: a.PostDirectional, AddressLine2: a.AddressLine2,
			City: a.City, State: a.State, Zip: a.Zip, PlusFour: a.PlusFour,
		}.Normalize(), nil
	}
	line := strings.TrimSpace(a.UnparsedAddress)
	if line == "" {
		return address.Address{}, fmt.Errorf("%w: CSR service address has neither parts nor an UnparsedAddress", ErrIncompleteAddress)
	}
	var parsed address.Address
	var err error
	if street, cut := cutCityStateZip(line, a.City, a.State, a.Zip); cut {
		parsed, err = address.ParseStreet(street)
	} else {
		parsed, err = address.Parse(line)
	}
	if err != nil {
		return address.Address{}, fmt.Errorf("parse CSR UnparsedAddress %q: %w", line, err)
	}
	if a.AddressLine2 != "" && parsed.AddressLine2 == "" {
		parsed.AddressLine2 = a.AddressLine2
	}
	if a.City != "" {
		parsed.City = a.City
	}
	if a.State != "" {
		parsed.State = a.State
	}
	if a.Zip != "" {
		plusFour := a.PlusFour
		if m := trailingZipPlus4.FindStringSubmatch(line); plusFour == "" && m != nil && strings.HasPrefix(a.Zip, m[1]) {
			plusFour = m[2] // the line carries the ZIP+4 the separate Zip lacks
		}
		parsed.Zip, parsed.PlusFour = a.Zip, plusFour
	}
	return parsed.Normalize(), nil
}

// PortInAddress maps the CSR's service address to the port-in ServiceAddress (State → StateCode,
// ZIP+4 → Zip and PlusFour), parsing UnparsedAddress when the parts are missing. When a required
// part is missing it returns what it could build and an error wrapping ErrIncompleteAddress that
// names the missing parts.
func (a CsrServiceAddress) PortInAddress() (ServiceAddress, error) {
	addr, err := a.Address()
	if err != nil {
		return ServiceAddress{}, err
	}
	out := ServiceAddressFrom(addr)
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"HouseNumber", out.HouseNumber}, {"StreetName", out.StreetName}, {"City", out.City},
		{"StateCode", out.StateCode}, {"Zip", out.Zip},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return out, fmt.Errorf("%w: no %s", ErrIncompleteAddress, strings.Join(missing, ", "))
	}
	return out, nil
}

// ServiceAddressFrom returns the port-in ServiceAddress for a.
func ServiceAddressFrom(a address.Address) ServiceAddress {
	return ServiceAddress{
		HousePrefix: a.HousePrefix, HouseNumber: a.HouseNumber, HouseSuffix: a.HouseSuffix,
		PreDirectional: a.PreDirectional, StreetName: a.StreetName, StreetSuffix: a.StreetSuffix,
		PostDirectional: a.PostDirectional, AddressLine2: a.AddressLine2,
		City: a.City, StateCode: a.State, Zip: a.Zip, PlusFour: a.PlusFour,
	}
}

// Address returns the port-in address as an address.Address (StateCode → State), e.g. to compare
// it with a CSR's address. It is not normalized; address.Compare normalizes.
func (s ServiceAddress) Address() address.Address {
	return address.Address{
		HousePrefix: s.HousePrefix, HouseNumber: s.HouseNumber, HouseSuffix: s.HouseSuffix,
		PreDirectional: s.PreDirectional, StreetName: s.StreetName, StreetSuffix: s.StreetSuffix,
		PostDirectional: s.PostDirectional, AddressLine2: s.AddressLine2,
		City: s.City, State: s.StateCode, Zip: s.Zip, PlusFour: s.PlusFour,
	}
}

// cutCityStateZip removes a trailing "city state zip" from line when the CSR also gave those
// parts separately, comparing words case-insensitively. It reports whether anything was cut and
// the street part is left; with no separate parts, or when the line does not end with them, the
// line is left for address.Parse.
func cutCityStateZip(line, city, state, zip string) (string, bool) {
	words := strings.Fields(strings.ReplaceAll(line, ",", " "))
	cut := false
	take := func(part string) {
		pw := strings.Fields(strings.ReplaceAll(part, ",", " "))
		if len(pw) == 0 || len(pw) >= len(words) {
			return
		}
		tail := words[len(words)-len(pw):]
		for i := range pw {
			if !strings.EqualFold(tail[i], pw[i]) {
				return
			}
		}
		words = words[:len(words)-len(pw)]
		cut = true
	}
	if zip != "" {
		before := len(words)
		take(zip)
		if len(words) == before && len(zip) >= 5 {
			// The line may carry ZIP+4 where the part has five digits, or the reverse.
			last := words[len(words)-1]
			if len(last) >= 5 && len(words) > 1 && last[:5] == zip[:5] {
				words, cut = words[:len(words)-1], true
			}
		}
	}
	if state != "" {
		take(state)
	}
	if city != "" {
		take(city)
	}
	if !cut {
		return line, false
	}
	return strings.Join(words, " "), true
}
