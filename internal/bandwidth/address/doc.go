// Package address owns portflow's handling of US service addresses: parsing them, normalizing
// them to USPS Publication 28 form, comparing two of them field by field, and rendering one as
// a line of text. Standard library only; it knows nothing of orders or of Bandwidth's wire
// format beyond the field set.
//
// Most port-in rejections are a mismatch between the service address on the port-in and the
// address the losing carrier has on file (the CSR). portflow reads the carrier's address from
// the CSR, often only as an UnparsedAddress ("1234 Main ST Durham NC 27707"), sometimes in parts,
// and the customer's address as a person typed it; it compares the two with Compare, records
// the differences, and builds the port-in ServiceAddress from an Address. Address has exactly
// the parts of that ServiceAddress (HousePrefix … PlusFour; State is the port-in's StateCode).
//
// # Normalization
//
// Normalize (and so Parse, Compare and String) produces:
//   - upper case, accents folded to ASCII, punctuation dropped ("N.E." → NE, "O'Brien" →
//     OBRIEN, "Winston-Salem" → WINSTON SALEM), runs of spaces collapsed;
//   - street suffixes as the standard abbreviations of Appendix C1, every spelling the appendix
//     lists (AVENUE, AV, AVEN, AVENU, AVN, AVNUE → AVE; the one change is that MDW stays MDW);
//   - directionals as N, S, E, W, NE, NW, SE, SW — the only values Bandwidth accepts;
//   - unit designators as in Appendix C2 (APARTMENT → APT, SUITE → STE, FLOOR → FL,
//     BUILDING → BLDG, "#5" → "# 5", "2ND FLOOR" → FL 2);
//   - ordinal street names in digits, as in USPS's ZIP+4 file: FIRST → 1ST, TWENTY-FIRST → 21ST
//     (so "FIRST ST" and "1ST ST" are the same street);
//   - house number letters and fractions in HouseSuffix ("12B" → 12 + B, "123 1/2" or "123½"
//     → 123 + 1/2); number ranges ("123-125") stay whole in HouseNumber;
//   - state names as USPS codes (North Carolina → NC), ZIP+4 split into Zip and PlusFour.
//
// # Reading a street
//
// The street after the house number is read from both ends: a trailing directional is the
// post-directional ("500 MAIN ST NW"), then a trailing C1 word is the suffix, then a leading
// directional is the pre-directional — each only while a word is left for the name. So
// "123 NORTH ST" is the street NORTH with suffix ST (not pre-directional N), "100 AVENUE RD" is
// the street AVENUE, "100 PARK AVE" the street PARK, and "12 E ST" the street E. A single letter
// after the house number is the house suffix when a real street name follows ("12 B ELM ST"),
// and the street name otherwise ("12 B ST"). Numbered roads keep their number in the name
// ("HIGHWAY 50", "COUNTY RD 12"). Units start at '#', at a C2 designator followed by an id (a
// word with a digit, or one letter other than N, S, E and W, which are directionals), or at any
// designator after a complete street ("MAIN ST REAR"); the first word of the name never starts
// a unit ("100 FRONT ST", "100 PIER 39").
//
// Without commas, the city is split off only when a state or ZIP ends the line; the street is
// taken to end at the first clear thoroughfare word (ST, AVE, RD, DR, LN, …) that is not the
// first word of the name, and a following ST is read as SAINT opening the city ("MAIN ST ST
// LOUIS MO"). NE right after that suffix is the post-directional, not Nebraska, and without a
// ZIP a final CT, KY, MT, PR, FL or NE is read as part of the street ("1 ELM ST CT" is Elm
// Street Court). A five-digit number ending the line is the ZIP even after a unit word
// ("… APT 27707"), but not after '#'. Commas always win over these heuristics, and String always
// writes them; a comma-separated line whose last part is a unit but whose unit part does not
// start like one ("100 MAIN ST, BACK HOUSE, APT 5") is refused with ErrUnitOrCity, since its
// unit could not be told from a city when read back.
//
// String writes every address so that Parse reads it back to the same address (FuzzParse
// checks this). That is why a floor without a number stays FLOOR (a lone FL is Florida) and a
// '#' before a five-digit unit number is kept.
//
// # Comparison
//
// Compare treats as equal what differs only in spelling: see its documentation.
//
// # Not service addresses
//
// A PO box says nothing about where the phone service is: Parse refuses a line with PO BOX,
// P O BOX, POST OFFICE BOX, POBOX, PO DRAWER, or POB, BOX or PO followed by a number anywhere
// in it (ErrPOBox; "BOX ELDER RD" is a street), and a street line that is a rural route or
// highway contract box (RR 2, RFD 1, HC 1, RURAL ROUTE, STAR ROUTE, HIGHWAY CONTRACT) with
// ErrRuralRoute.
//
// # Non-goals
//
//   - Verifying that an address exists, or correcting it, against USPS data (no ZIP+4 lookup,
//     no city-from-ZIP): portflow compares what the carrier has with what the customer gave.
//   - Grid-style house numbers (Wisconsin "N123W456", Utah-style prefixes such as "W123"):
//     Parse returns ErrHouseNumber. HousePrefix is carried and compared when supplied in parts
//     but never produced by Parse.
//   - Puerto Rico urbanization (URB) addresses, military (PSC/UNIT/BOX) addresses, non-US
//     addresses, intersections.
//   - Highway naming variants beyond suffix spelling ("US 1" and "US HIGHWAY 1" differ).
//   - Splitting the city off a line that has neither commas nor a state or ZIP at its end, or
//     whose street has no suffix ("1234 BROADWAY DURHAM NC"): the street takes all the words.
package address
