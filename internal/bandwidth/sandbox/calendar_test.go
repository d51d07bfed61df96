package sandbox

import (
	"testing"
	"time"
)

func TestBusinessDays(t *testing.T) {
	cases := []struct {
		date string
		want bool
		why  string
	}{
		{"2026-03-02", true, "an ordinary Monday"},
		{"2026-03-07", false, "Saturday"},
		{"2026-03-08", false, "Sunday"},
		{"2026-01-01", false, "New Year's Day"},
		{"2026-01-19", false, "Martin Luther King Jr. Day (third Monday of January)"},
		{"2026-02-16", false, "Washington's Birthday"},
		{"2026-05-25", false, "Memorial Day (last Monday of May)"},
		{"2026-06-19", false, "Juneteenth"},
		{"2026-07-03", false, "Independence Day observed: July 4 2026 is a Saturday"},
		{"2026-09-07", false, "Labor Day"},
		{"2026-10-12", false, "Columbus Day"},
		{"2026-11-11", false, "Veterans Day"},
		{"2026-11-26", false, "Thanksgiving"},
		{"2026-12-25", false, "Christmas"},
		{"2027-12-31", false, "New Year's Day 2028 (a Saturday) observed on Friday Dec 31 2027"},
		{"2027-07-05", false, "Independence Day observed: July 4 2027 is a Sunday"},
		{"2026-11-27", true, "the day after Thanksgiving is not a federal holiday"},
	}
	for _, tc := range cases {
		d, err := time.Parse("2006-01-02", tc.date)
		if err != nil {
			t.Fatal(err)
		}
		if got := IsBusinessDay(d); got != tc.want {
			t.Errorf("IsBusinessDay(%s) = %v, want %v (%s)", tc.date, got, tc.want, tc.why)
		}
	}
}

func TestParseFocDateAcceptsBandwidthForms(t *testing.T) {
	cases := []struct {
		in      string
		day     string
		hasTime bool
	}{
		{"2023-01-30T20:30:00Z", "2023-01-30", true},
		{"2016-03-25T21:15:00.000Z", "2016-03-25", true},
		{"2023-01-30T13:00:00-04:00", "2023-01-30", true},
		{"2023-01-30T13:00:00-0400", "2023-01-30", true},
		{"2023-01-30", "2023-01-30", false},
		{"2021-06-16Z", "2021-06-16", false},
		{"2023-01-31T02:00:00Z", "2023-01-30", true}, // 21:00 ET the evening before
	}
	for _, tc := range cases {
		got, err := parseFocDate(tc.in)
		if err != nil {
			t.Errorf("parseFocDate(%q): %v", tc.in, err)
			continue
		}
		if got.day.String() != tc.day || got.hasTime != tc.hasTime {
			t.Errorf("parseFocDate(%q) = day %s hasTime %v, want %s %v", tc.in, got.day, got.hasTime, tc.day, tc.hasTime)
		}
	}
	for _, bad := range []string{"", "tomorrow", "2023-13-01", "30/01/2023"} {
		if _, err := parseFocDate(bad); err == nil {
			t.Errorf("parseFocDate(%q) accepted a date Bandwidth would not", bad)
		}
	}
}

func TestFocDateRules(t *testing.T) {
	cases := []struct {
		name     string
		date     string
		interval int
		wantCode string
	}{
		{"earliest allowed wireline day", "2026-03-05", 3, ""},
		{"one day before the minimum interval", "2026-03-04", 3, "7209"},
		{"in the past", "2026-02-27", 1, "7209"},
		{"Saturday", "2026-03-14", 3, "7208"},
		{"a Monday four weeks out", "2026-03-30", 3, ""},
		{"exactly 30 days out", "2026-04-01", 3, ""},
		{"31 days out", "2026-04-02", 3, "7210"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := parseFocDate(tc.date)
			if err != nil {
				t.Fatal(err)
			}
			got := focDateError(req, tc.interval, mondayMorning)
			switch {
			case tc.wantCode == "" && got != nil:
				t.Fatalf("rejected with %s: %s", got.Code, got.Description)
			case tc.wantCode != "" && (got == nil || got.Code != tc.wantCode):
				t.Fatalf("got %v, want code %s", got, tc.wantCode)
			}
		})
	}
	if e := focDateError(mustFoc(t, "2026-05-25"), 3, time.Date(2026, 5, 1, 15, 0, 0, 0, time.UTC)); e == nil || e.Code != "7208" {
		t.Fatalf("Memorial Day accepted as FOC date: %v", e)
	}
}

func mustFoc(t *testing.T, s string) focRequest {
	t.Helper()
	r, err := parseFocDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
