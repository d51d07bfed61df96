package order

import (
	"testing"
	"unicode/utf8"
)

func TestLoaName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Jonathan Applebaum", "J Applebaum"},
		{"Joe Blow", "Joe Blow"},
		{"  The   Authguy ", "The Authguy"},
		{"Maria Christina Lopez", "Maria Lopez"},
		{"Alexandra Christina Lopez", "Alexandra Lopez"}, // exactly 15
		{"Alexandra Christina Villanueva", "A Villanueva"},
		{"Dr. Jonathan Applebaum", "J Applebaum"},
		{"Dr. Ann Lee", "Dr. Ann Lee"}, // fits: kept as written
		{"Jonathan Applebaum Jr.", "J Applebaum"},
		{"Jonathan Applebaum, Jr.", "J Applebaum"},
		{"Applebaum, Jonathan", "J Applebaum"},
		{"Ann Wolfeschlegelsteinhausen", "A Wolfeschlegel"},
		{"Bartholomew-Alexander", "Bartholomew-Ale"},
		{"Zoë Ångström-Øster", "Z Ångström-Øste"},
		{"", ""},
	}
	for _, tc := range cases {
		got := LoaName(tc.in)
		if got != tc.want {
			t.Errorf("LoaName(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if n := utf8.RuneCountInString(got); n > maxLoaNameLen {
			t.Errorf("LoaName(%q) = %q has %d characters", tc.in, got, n)
		}
	}
}
