package sandbox

import "github.com/portflow/portflow/internal/bandwidth/address"

// serviceAddressMatches is the losing carrier's address check (7402): the port-in's service
// address must be the carrier's record after normalization, so "900 Main Campus Drive" matches
// the record "900 MAIN CAMPUS DR" but a different house number or ZIP does not. A unit the
// customer adds is not held against the order, because carrier records here carry none.
func serviceAddressMatches(given serviceAddressXML, onFile CarrierAddress) bool {
	customer := address.Address{
		HousePrefix: given.HousePrefix, HouseNumber: given.HouseNumber, HouseSuffix: given.HouseSuffix,
		PreDirectional: given.PreDirectional, StreetName: given.StreetName, StreetSuffix: given.StreetSuffix,
		PostDirectional: given.PostDirectional, AddressLine2: given.AddressLine2, City: given.City,
		State: given.StateCode, Zip: given.Zip, PlusFour: given.PlusFour,
	}
	record := address.Address{
		HouseNumber: onFile.HouseNumber, PreDirectional: onFile.PreDirectional, StreetName: onFile.StreetName,
		StreetSuffix: onFile.StreetSuffix, City: onFile.City, State: onFile.State, Zip: onFile.Zip,
	}
	for _, d := range address.Compare(customer, record) {
		if d.Field == address.FieldAddressLine2 && d.B == "" {
			continue
		}
		return false
	}
	return true
}
