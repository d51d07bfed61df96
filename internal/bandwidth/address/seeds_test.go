package address_test

import "strings"

// fuzzSeeds gathers every address line the table tests use, so fuzzing starts from realistic
// CSR and customer input.
func fuzzSeeds() []string {
	var seeds []string
	for _, tc := range parseCases {
		seeds = append(seeds, tc.line)
	}
	for _, tc := range parseErrorCases {
		seeds = append(seeds, tc.line)
	}
	for _, tc := range compareCases {
		c := tc.customer
		seeds = append(seeds, strings.Join([]string{c.line1, c.line2, c.city, c.state + " " + c.zip}, ", "))
		seeds = append(seeds, strings.Join([]string{c.line1, c.line2, c.city, c.state, c.zip}, " "))
		if tc.unparsed != "" {
			seeds = append(seeds, tc.unparsed)
		} else {
			seeds = append(seeds, tc.csr.String())
		}
	}
	return seeds
}
