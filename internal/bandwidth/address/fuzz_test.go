package address_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/portflow/portflow/internal/bandwidth/address"
)

// FuzzParse checks that Parse never panics and that whatever it accepts survives a round trip
// through String: Parse(a.Normalize().String()) is Equal to a, and Parse's result is already
// normalized.
func FuzzParse(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		a, err := address.Parse(line)
		if err != nil {
			return
		}
		if n := a.Normalize(); n != a {
			t.Fatalf("Parse(%q) = %#v is not normalized: Normalize gives %#v", line, a, n)
		}
		text := a.Normalize().String()
		b, err := address.Parse(text)
		if errors.Is(err, address.ErrTooLong) && len(text) > len(line) {
			// String adds separators ("…, NC 27707-1234"), so an input near the length limit
			// can render past it; that is the limit working, not a round-trip failure.
			return
		}
		if err != nil {
			t.Fatalf("Parse(%q) accepted, but Parse of its String %q failed: %v", line, text, err)
		}
		if !address.Equal(a, b) {
			t.Fatalf("round trip of %q through %q changed the address:\n first %#v\nsecond %#v\ndifferences %v",
				line, text, a, b, address.Compare(a, b))
		}
	})
}

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
