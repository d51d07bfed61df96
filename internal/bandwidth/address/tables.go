package address

import "strings"

// streetSuffixTable is USPS Publication 28, Appendix C1 ("Street Suffix Abbreviations"), keyed by
// the Postal Service standard suffix abbreviation. Each list holds the primary street suffix name
// and every commonly used spelling the appendix lists for it.
//
// One deliberate deviation: C1 lists "MDW" both as the standard abbreviation of MEADOW and as a
// common spelling of MEADOWS. Following that literally would make normalization flip MEADOW →
// MDW → MDWS, so here MDW is only the standard form of MEADOW; every standard abbreviation maps
// to itself.
var streetSuffixTable = map[string][]string{
	"ALY":  {"ALLEY", "ALLEE", "ALLY", "ALY"},
	"ANX":  {"ANNEX", "ANEX", "ANNX", "ANX"},
	"ARC":  {"ARCADE", "ARC"},
	"AVE":  {"AVENUE", "AV", "AVE", "AVEN", "AVENU", "AVN", "AVNUE"},
	"BYU":  {"BAYOU", "BAYOO"},
	"BCH":  {"BEACH", "BCH"},
	"BND":  {"BEND", "BND"},
	"BLF":  {"BLUFF", "BLF", "BLUF"},
	"BLFS": {"BLUFFS"},
	"BTM":  {"BOTTOM", "BOT", "BTM", "BOTTM"},
	"BLVD": {"BOULEVARD", "BLVD", "BOUL", "BOULV"},
	"BR":   {"BRANCH", "BR", "BRNCH"},
	"BRG":  {"BRIDGE", "BRDGE", "BRG"},
	"BRK":  {"BROOK", "BRK"},
	"BRKS": {"BROOKS"},
	"BG":   {"BURG"},
	"BGS":  {"BURGS"},
	"BYP":  {"BYPASS", "BYP", "BYPA", "BYPAS", "BYPS"},
	"CP":   {"CAMP", "CP", "CMP"},
	"CYN":  {"CANYON", "CANYN", "CNYN"},
	"CPE":  {"CAPE", "CPE"},
	"CSWY": {"CAUSEWAY", "CAUSWA", "CSWY"},
	"CTR":  {"CENTER", "CEN", "CENT", "CENTR", "CENTRE", "CNTER", "CNTR", "CTR"},
	"CTRS": {"CENTERS"},
	"CIR":  {"CIRCLE", "CIR", "CIRC", "CIRCL", "CRCL", "CRCLE"},
	"CIRS": {"CIRCLES"},
	"CLF":  {"CLIFF", "CLF"},
	"CLFS": {"CLIFFS", "CLFS"},
	"CLB":  {"CLUB", "CLB"},
	"CMN":  {"COMMON"},
	"CMNS": {"COMMONS"},
	"COR":  {"CORNER", "COR"},
	"CORS": {"CORNERS", "CORS"},
	"CRSE": {"COURSE", "CRSE"},
	"CT":   {"COURT", "CT"},
	"CTS":  {"COURTS", "CTS"},
	"CV":   {"COVE", "CV"},
	"CVS":  {"COVES"},
	"CRK":  {"CREEK", "CRK"},
	"CRES": {"CRESCENT", "CRES", "CRSENT", "CRSNT"},
	"CRST": {"CREST"},
	"XING": {"CROSSING", "CRSSNG", "XING"},
	"XRD":  {"CROSSROAD"},
	"XRDS": {"CROSSROADS"},
	"CURV": {"CURVE"},
	"DL":   {"DALE", "DL"},
	"DM":   {"DAM", "DM"},
	"DV":   {"DIVIDE", "DIV", "DV", "DVD"},
	"DR":   {"DRIVE", "DR", "DRIV", "DRV"},
	"DRS":  {"DRIVES"},
	"EST":  {"ESTATE", "EST"},
	"ESTS": {"ESTATES", "ESTS"},
	"EXPY": {"EXPRESSWAY", "EXP", "EXPR", "EXPRESS", "EXPW", "EXPY"},
	"EXT":  {"EXTENSION", "EXT", "EXTN", "EXTNSN"},
	"EXTS": {"EXTENSIONS", "EXTS"},
	"FALL": {"FALL"},
	"FLS":  {"FALLS", "FLS"},
	"FRY":  {"FERRY", "FRRY", "FRY"},
	"FLD":  {"FIELD", "FLD"},
	"FLDS": {"FIELDS", "FLDS"},
	"FLT":  {"FLAT", "FLT"},
	"FLTS": {"FLATS", "FLTS"},
	"FRD":  {"FORD", "FRD"},
	"FRDS": {"FORDS"},
	"FRST": {"FOREST", "FORESTS", "FRST"},
	"FRG":  {"FORGE", "FORG", "FRG"},
	"FRGS": {"FORGES"},
	"FRK":  {"FORK", "FRK"},
	"FRKS": {"FORKS", "FRKS"},
	"FT":   {"FORT", "FRT", "FT"},
	"FWY":  {"FREEWAY", "FREEWY", "FRWAY", "FRWY", "FWY"},
	"GDN":  {"GARDEN", "GARDN", "GRDEN", "GRDN"},
	"GDNS": {"GARDENS", "GDNS", "GRDNS"},
	"GTWY": {"GATEWAY", "GATEWY", "GATWAY", "GTWAY", "GTWY"},
	"GLN":  {"GLEN", "GLN"},
	"GLNS": {"GLENS"},
	"GRN":  {"GREEN", "GRN"},
	"GRNS": {"GREENS"},
	"GRV":  {"GROVE", "GROV", "GRV"},
	"GRVS": {"GROVES"},
	"HBR":  {"HARBOR", "HARB", "HARBR", "HBR", "HRBOR"},
	"HBRS": {"HARBORS"},
	"HVN":  {"HAVEN", "HVN"},
	"HTS":  {"HEIGHTS", "HT", "HTS"},
	"HWY":  {"HIGHWAY", "HIGHWY", "HIWAY", "HIWY", "HWAY", "HWY"},
	"HL":   {"HILL", "HL"},
	"HLS":  {"HILLS", "HLS"},
	"HOLW": {"HOLLOW", "HLLW", "HOLLOWS", "HOLW", "HOLWS"},
	"INLT": {"INLET", "INLT"},
	"IS":   {"ISLAND", "IS", "ISLND"},
	"ISS":  {"ISLANDS", "ISLNDS", "ISS"},
	"ISLE": {"ISLE", "ISLES"},
	"JCT":  {"JUNCTION", "JCT", "JCTION", "JCTN", "JUNCTN", "JUNCTON"},
	"JCTS": {"JUNCTIONS", "JCTNS", "JCTS"},
	"KY":   {"KEY", "KY"},
	"KYS":  {"KEYS", "KYS"},
	"KNL":  {"KNOLL", "KNL", "KNOL"},
	"KNLS": {"KNOLLS", "KNLS"},
	"LK":   {"LAKE", "LK"},
	"LKS":  {"LAKES", "LKS"},
	"LAND": {"LAND"},
	"LNDG": {"LANDING", "LNDG", "LNDNG"},
	"LN":   {"LANE", "LN"},
	"LGT":  {"LIGHT", "LGT"},
	"LGTS": {"LIGHTS"},
	"LF":   {"LOAF", "LF"},
	"LCK":  {"LOCK", "LCK"},
	"LCKS": {"LOCKS", "LCKS"},
	"LDG":  {"LODGE", "LDG", "LDGE", "LODG"},
	"LOOP": {"LOOP", "LOOPS"},
	"MALL": {"MALL"},
	"MNR":  {"MANOR", "MNR"},
	"MNRS": {"MANORS", "MNRS"},
	"MDW":  {"MEADOW", "MDW"},
	"MDWS": {"MEADOWS", "MDWS", "MEDOWS"},
	"MEWS": {"MEWS"},
	"ML":   {"MILL"},
	"MLS":  {"MILLS"},
	"MSN":  {"MISSION", "MISSN", "MSSN"},
	"MTWY": {"MOTORWAY"},
	"MT":   {"MOUNT", "MNT", "MT"},
	"MTN":  {"MOUNTAIN", "MNTAIN", "MNTN", "MOUNTIN", "MTIN", "MTN"},
	"MTNS": {"MOUNTAINS", "MNTNS"},
	"NCK":  {"NECK", "NCK"},
	"ORCH": {"ORCHARD", "ORCH", "ORCHRD"},
	"OVAL": {"OVAL", "OVL"},
	"OPAS": {"OVERPASS"},
	"PARK": {"PARK", "PRK", "PARKS"},
	"PKWY": {"PARKWAY", "PARKWY", "PKWAY", "PKWY", "PKY", "PARKWAYS", "PKWYS"},
	"PASS": {"PASS"},
	"PSGE": {"PASSAGE"},
	"PATH": {"PATH", "PATHS"},
	"PIKE": {"PIKE", "PIKES"},
	"PNE":  {"PINE"},
	"PNES": {"PINES", "PNES"},
	"PL":   {"PLACE", "PL"},
	"PLN":  {"PLAIN", "PLN"},
	"PLNS": {"PLAINS", "PLNS"},
	"PLZ":  {"PLAZA", "PLZ", "PLZA"},
	"PT":   {"POINT", "PT"},
	"PTS":  {"POINTS", "PTS"},
	"PRT":  {"PORT", "PRT"},
	"PRTS": {"PORTS", "PRTS"},
	"PR":   {"PRAIRIE", "PR", "PRR"},
	"RADL": {"RADIAL", "RAD", "RADIEL", "RADL"},
	"RAMP": {"RAMP"},
	"RNCH": {"RANCH", "RANCHES", "RNCH", "RNCHS"},
	"RPD":  {"RAPID", "RPD"},
	"RPDS": {"RAPIDS", "RPDS"},
	"RST":  {"REST", "RST"},
	"RDG":  {"RIDGE", "RDG", "RDGE"},
	"RDGS": {"RIDGES", "RDGS"},
	"RIV":  {"RIVER", "RIV", "RVR", "RIVR"},
	"RD":   {"ROAD", "RD"},
	"RDS":  {"ROADS", "RDS"},
	"RTE":  {"ROUTE"},
	"ROW":  {"ROW"},
	"RUE":  {"RUE"},
	"RUN":  {"RUN"},
	"SHL":  {"SHOAL", "SHL"},
	"SHLS": {"SHOALS", "SHLS"},
	"SHR":  {"SHORE", "SHOAR", "SHR"},
	"SHRS": {"SHORES", "SHOARS", "SHRS"},
	"SKWY": {"SKYWAY"},
	"SPG":  {"SPRING", "SPG", "SPNG", "SPRNG"},
	"SPGS": {"SPRINGS", "SPGS", "SPNGS", "SPRNGS"},
	"SPUR": {"SPUR", "SPURS"},
	"SQ":   {"SQUARE", "SQ", "SQR", "SQRE", "SQU"},
	"SQS":  {"SQUARES", "SQRS"},
	"STA":  {"STATION", "STA", "STATN", "STN"},
	"STRA": {"STRAVENUE", "STRA", "STRAV", "STRAVEN", "STRAVN", "STRVN", "STRVNUE"},
	"STRM": {"STREAM", "STREME", "STRM"},
	"ST":   {"STREET", "STRT", "ST", "STR"},
	"STS":  {"STREETS"},
	"SMT":  {"SUMMIT", "SMT", "SUMIT", "SUMITT"},
	"TER":  {"TERRACE", "TER", "TERR"},
	"TRWY": {"THROUGHWAY"},
	"TRCE": {"TRACE", "TRACES", "TRCE"},
	"TRAK": {"TRACK", "TRACKS", "TRAK", "TRK", "TRKS"},
	"TRFY": {"TRAFFICWAY"},
	"TRL":  {"TRAIL", "TRAILS", "TRL", "TRLS"},
	"TRLR": {"TRAILER", "TRLR", "TRLRS"},
	"TUNL": {"TUNNEL", "TUNEL", "TUNL", "TUNLS", "TUNNELS", "TUNNL"},
	"TPKE": {"TURNPIKE", "TRNPK", "TURNPK"},
	"UPAS": {"UNDERPASS"},
	"UN":   {"UNION", "UN"},
	"UNS":  {"UNIONS"},
	"VLY":  {"VALLEY", "VALLY", "VLLY", "VLY"},
	"VLYS": {"VALLEYS", "VLYS"},
	"VIA":  {"VIADUCT", "VDCT", "VIA", "VIADCT"},
	"VW":   {"VIEW", "VW"},
	"VWS":  {"VIEWS", "VWS"},
	"VLG":  {"VILLAGE", "VILL", "VILLAG", "VILLG", "VILLIAGE", "VLG"},
	"VLGS": {"VILLAGES", "VLGS"},
	"VL":   {"VILLE", "VL"},
	"VIS":  {"VISTA", "VIS", "VIST", "VST", "VSTA"},
	"WALK": {"WALK", "WALKS"},
	"WALL": {"WALL"},
	"WAY":  {"WAY", "WY"},
	"WAYS": {"WAYS"},
	"WL":   {"WELL"},
	"WLS":  {"WELLS", "WLS"},
}

// strongSuffixes are the thoroughfare types that almost never occur inside a street or city name.
// Only a line without commas needs them: there they mark where the street ends and the city
// begins ("1234 MAIN ST DURHAM NC"), whereas words such as PARK, LAKE or MILL are as likely to
// start a city name ("100 MAIN ST PARK CITY UT").
var strongSuffixes = setOf("ALY", "AVE", "BLVD", "BYP", "CIR", "CSWY", "CT", "CV", "DR", "EXPY", "FWY",
	"HWY", "LN", "LOOP", "PIKE", "PKWY", "PL", "PLZ", "RD", "RTE", "SQ", "ST", "TER", "TPKE", "TRCE",
	"TRL", "WAY")

// highwayWords are the words that, followed by a number, name a numbered road as a whole
// ("HWY 50", "COUNTY RD 12", "FM 1960"); the number belongs to the street name.
var highwayWords = setOf("HWY", "RTE", "RD", "FWY", "EXPY", "TPKE", "PIKE", "FM", "SR", "CR", "US",
	"INTERSTATE", "I")

// directionals maps every accepted spelling of a directional to the abbreviation Bandwidth
// accepts in PreDirectional and PostDirectional (N, S, E, W, NE, NW, SE, SW).
var directionals = map[string]string{
	"N": "N", "NORTH": "N",
	"S": "S", "SOUTH": "S",
	"E": "E", "EAST": "E",
	"W": "W", "WEST": "W",
	"NE": "NE", "NORTHEAST": "NE",
	"NW": "NW", "NORTHWEST": "NW",
	"SE": "SE", "SOUTHEAST": "SE",
	"SW": "SW", "SOUTHWEST": "SW",
}

// unitDesignator describes one USPS Publication 28 Appendix C2 secondary unit designator.
type unitDesignator struct {
	abbr string
	// needsID reports whether C2 requires a secondary range after the designator (APT 5, STE 200);
	// designators like REAR or BSMT stand alone.
	needsID bool
	// sameUnit reports whether the designator only labels a unit number, so that people and
	// carriers use it interchangeably with others of its kind: "STE 200", "APT 200", "# 200" and
	// "UNIT 200" name the same door. BLDG and FL say where, not which, and are never swapped.
	sameUnit bool
}

// unitDesignators maps spellings of USPS Publication 28 Appendix C2 designators to their
// standard form.
var unitDesignators = func() map[string]unitDesignator {
	table := []struct {
		d         unitDesignator
		spellings []string
	}{
		{unitDesignator{"APT", true, true}, []string{"APARTMENT", "APT", "APPT"}},
		{unitDesignator{"BSMT", false, false}, []string{"BASEMENT", "BSMT"}},
		{unitDesignator{"BLDG", true, false}, []string{"BUILDING", "BLDG", "BLDNG", "BLD"}},
		{unitDesignator{"DEPT", true, true}, []string{"DEPARTMENT", "DEPT"}},
		{unitDesignator{"FL", true, false}, []string{"FLOOR", "FL", "FLR"}},
		{unitDesignator{"FRNT", false, false}, []string{"FRONT", "FRNT"}},
		{unitDesignator{"HNGR", true, true}, []string{"HANGAR", "HANGER", "HNGR"}},
		{unitDesignator{"KEY", true, true}, []string{"KEY"}},
		{unitDesignator{"LBBY", false, false}, []string{"LOBBY", "LBBY"}},
		{unitDesignator{"LOT", true, true}, []string{"LOT"}},
		{unitDesignator{"LOWR", false, false}, []string{"LOWER", "LOWR"}},
		{unitDesignator{"OFC", false, true}, []string{"OFFICE", "OFC"}},
		{unitDesignator{"PH", false, false}, []string{"PENTHOUSE", "PH"}},
		{unitDesignator{"PIER", true, true}, []string{"PIER"}},
		{unitDesignator{"REAR", false, false}, []string{"REAR"}},
		{unitDesignator{"RM", true, true}, []string{"ROOM", "RM"}},
		{unitDesignator{"SIDE", false, false}, []string{"SIDE"}},
		{unitDesignator{"SLIP", true, true}, []string{"SLIP"}},
		{unitDesignator{"SPC", true, true}, []string{"SPACE", "SPC"}},
		{unitDesignator{"STOP", true, true}, []string{"STOP"}},
		{unitDesignator{"STE", true, true}, []string{"SUITE", "STE"}},
		{unitDesignator{"TRLR", true, true}, []string{"TRAILER", "TRLR"}},
		{unitDesignator{"UNIT", true, true}, []string{"UNIT"}},
		{unitDesignator{"UPPR", false, false}, []string{"UPPER", "UPPR"}},
	}
	m := make(map[string]unitDesignator)
	for _, row := range table {
		for _, s := range row.spellings {
			m[s] = row.d
		}
	}
	return m
}()

// poundSign is the designator USPS uses when the kind of unit is unknown ("# 200").
const poundSign = "#"

// floorWords are the spellings that turn a preceding ordinal into a floor ("2ND FLOOR" → FL 2).
var floorWords = setOf("FLOOR", "FL", "FLR")

// states maps state and territory names (and their two-letter codes) to USPS codes.
var states = func() map[string]string {
	m := map[string]string{
		"ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
		"COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "FLORIDA": "FL", "GEORGIA": "GA",
		"HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA",
		"KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD",
		"MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS",
		"MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH",
		"NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY", "NORTH CAROLINA": "NC",
		"NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR", "PENNSYLVANIA": "PA",
		"RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD", "TENNESSEE": "TN",
		"TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
		"WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
		"DISTRICT OF COLUMBIA": "DC",
		"AMERICAN SAMOA":       "AS", "GUAM": "GU", "NORTHERN MARIANA ISLANDS": "MP", "PUERTO RICO": "PR",
		"VIRGIN ISLANDS": "VI", "US VIRGIN ISLANDS": "VI", "FEDERATED STATES OF MICRONESIA": "FM",
		"MICRONESIA": "FM", "MARSHALL ISLANDS": "MH", "PALAU": "PW",
		// Abbreviated directional forms people type for the two-word states.
		"N CAROLINA": "NC", "S CAROLINA": "SC", "N DAKOTA": "ND", "S DAKOTA": "SD", "W VIRGINIA": "WV",
	}
	// Armed Forces "states" have codes but no names anyone types.
	codes := []string{"AA", "AE", "AP"}
	for _, code := range m {
		codes = append(codes, code)
	}
	for _, code := range codes {
		m[code] = code
	}
	return m
}()

// maxStateWords is the most words a state name in states has.
const maxStateWords = 4

// countries are the ways a trailing country is written on a US address; they carry no
// information for a US service address and are dropped.
var countries = setOf("US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA")

// ordinalUnits and ordinalTens spell out ordinal street names ("FIRST", "TWENTY FIRST") so
// they can be written in the numeric form USPS uses ("1ST", "21ST").
var ordinalUnits = map[string]int{
	"FIRST": 1, "SECOND": 2, "THIRD": 3, "FOURTH": 4, "FIFTH": 5, "SIXTH": 6, "SEVENTH": 7,
	"EIGHTH": 8, "NINTH": 9, "TENTH": 10, "ELEVENTH": 11, "TWELFTH": 12, "THIRTEENTH": 13,
	"FOURTEENTH": 14, "FIFTEENTH": 15, "SIXTEENTH": 16, "SEVENTEENTH": 17, "EIGHTEENTH": 18,
	"NINETEENTH": 19, "TWENTIETH": 20, "THIRTIETH": 30, "FORTIETH": 40, "FIFTIETH": 50,
	"SIXTIETH": 60, "SEVENTIETH": 70, "EIGHTIETH": 80, "NINETIETH": 90, "HUNDREDTH": 100,
}

var ordinalTens = map[string]int{
	"TWENTY": 20, "THIRTY": 30, "FORTY": 40, "FIFTY": 50, "SIXTY": 60, "SEVENTY": 70,
	"EIGHTY": 80, "NINETY": 90,
}

// spelledHouseNumbers covers the spelled-out house numbers of landmark business addresses
// ("ONE MICROSOFT WAY"); USPS writes them as digits.
var spelledHouseNumbers = map[string]string{
	"ONE": "1", "TWO": "2", "THREE": "3", "FOUR": "4", "FIVE": "5", "SIX": "6", "SEVEN": "7",
	"EIGHT": "8", "NINE": "9", "TEN": "10",
}

// cityWordAliases are the city-name abbreviations not covered by the street suffix table, which
// city words are also compared through ("ST LOUIS" and "SAINT LOUIS" are the same city, as are
// "FT WORTH" and "FORT WORTH").
var cityWordAliases = map[string]string{"SAINT": "ST", "SAINTE": "STE"}

// streetSuffixes maps every spelling in streetSuffixTable to its standard abbreviation.
var streetSuffixes = func() map[string]string {
	m := make(map[string]string)
	for std, spellings := range streetSuffixTable {
		for _, s := range spellings {
			m[s] = std
		}
	}
	// Every standard abbreviation is its own spelling, so normalizing twice changes nothing.
	for std := range streetSuffixTable {
		m[std] = std
	}
	return m
}()

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// stateCode returns the USPS code for a state written as words, or "" if it names no state.
func stateCode(words []string) string {
	return states[strings.Join(words, " ")]
}
