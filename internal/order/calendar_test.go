package order

import (
	"slices"
	"testing"
	"time"
)

func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Observed dates as published by OPM for 2026–2028.
func TestFederalHolidays2026To2028(t *testing.T) {
	want := map[int][]string{
		2026: {"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"},
		2027: {"2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-07-05", "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24"},
		// New Year's Day 2028 is a Saturday: observed on Friday 31 December 2027.
		2028: {"2027-12-31", "2028-01-17", "2028-02-21", "2028-05-29", "2028-06-19", "2028-07-04", "2028-09-04", "2028-10-09", "2028-11-10", "2028-11-23", "2028-12-25"},
	}
	for year, dates := range want {
		var got []string
		for _, h := range FederalHolidays(year) {
			got = append(got, h.String())
		}
		if !slices.Equal(got, dates) {
			t.Errorf("%d holidays\n got %v\nwant %v", year, got, dates)
		}
		for _, s := range dates {
			if !IsFederalHoliday(d(s)) || IsBusinessDay(d(s)) {
				t.Errorf("%s must be a holiday and not a business day", s)
			}
		}
	}
}

func TestBusinessDays(t *testing.T) {
	cases := []struct {
		date string
		want bool
	}{
		{"2026-03-02", true},  // Monday
		{"2026-03-07", false}, // Saturday
		{"2026-03-08", false}, // Sunday
		{"2026-07-04", false}, // Independence Day on a Saturday (observed Friday)
		{"2026-07-06", true},  // Monday after
		{"2026-11-27", true},  // day after Thanksgiving is not a federal holiday
		{"2027-12-24", false}, // Christmas 2027 observed
		{"2027-12-31", false}, // New Year's Day 2028 observed
		{"2028-01-03", true},
		{"2028-11-10", false}, // Veterans Day 2028 observed (Nov 11 is a Saturday)
		{"2028-11-13", true},  // not also observed on Monday
	}
	for _, tc := range cases {
		if got := IsBusinessDay(d(tc.date)); got != tc.want {
			t.Errorf("IsBusinessDay(%s) = %v, want %v", tc.date, got, tc.want)
		}
	}
}

func TestRequestedFocDate(t *testing.T) {
	et := func(s string, hour, minute int) time.Time { return d(s).At(Eastern(), hour, minute) }
	scheduled := Activation{Mode: ActivationScheduled}
	five := TimeOfDay{17, 0}
	wish := func(s string) *Date { v := d(s); return &v }
	cases := []struct {
		name       string
		now        time.Time
		wish       *Date
		interval   int
		activation Activation
		want       time.Time
	}{
		{"carrier interval from Monday", et("2026-03-02", 9, 0), nil, 3, scheduled, et("2026-03-05", 11, 30)},
		{"interval ending on a weekend rolls to Monday", et("2026-03-06", 9, 0), nil, 1, scheduled, et("2026-03-09", 11, 30)},
		{"no interval still needs a business day", et("2026-03-02", 9, 0), nil, 0, scheduled, et("2026-03-03", 11, 30)},
		{"Friday with no interval: Monday", et("2026-03-06", 16, 0), nil, 0, scheduled, et("2026-03-09", 11, 30)},
		{"wish in range is kept", et("2026-03-02", 9, 0), wish("2026-03-10"), 3, scheduled, et("2026-03-10", 11, 30)},
		{"wish on a Saturday rolls to Monday", et("2026-03-02", 9, 0), wish("2026-03-14"), 3, scheduled, et("2026-03-16", 11, 30)},
		{"wish too early gives the earliest", et("2026-03-02", 9, 0), wish("2026-03-03"), 3, scheduled, et("2026-03-05", 11, 30)},
		{"wish beyond 30 days is capped", et("2026-03-02", 9, 0), wish("2026-04-15"), 3, scheduled, et("2026-04-01", 11, 30)},
		{"cap rolls back from a weekend", et("2026-03-05", 9, 0), wish("2026-04-30"), 3, scheduled, et("2026-04-03", 11, 30)},
		{"observed Independence Day skipped", et("2026-07-01", 9, 0), nil, 2, scheduled, et("2026-07-06", 11, 30)},
		{"Juneteenth skipped", et("2026-06-16", 9, 0), nil, 3, scheduled, et("2026-06-22", 11, 30)},
		{"New Year observed on Dec 31 skipped", et("2027-12-28", 9, 0), nil, 3, scheduled, et("2028-01-03", 11, 30)},
		{"Thanksgiving skipped, Friday after is fine", et("2026-11-23", 9, 0), nil, 3, scheduled, et("2026-11-27", 11, 30)},
		{"on demand at the chosen time", et("2026-03-02", 9, 0), nil, 3, Activation{Mode: ActivationOnDemand, At: &five}, et("2026-03-05", 17, 0)},
		{"on demand without a time falls back late", et("2026-03-02", 9, 0), nil, 3, Activation{Mode: ActivationOnDemand}, et("2026-03-05", 20, 0)},
		{"late evening counts in Eastern Time", time.Date(2026, 3, 3, 3, 0, 0, 0, time.UTC), nil, 3, scheduled, et("2026-03-05", 11, 30)},
		{"interval longer than the cap wins", et("2026-03-02", 9, 0), wish("2026-03-20"), 40, scheduled, et("2026-04-13", 11, 30)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := RequestedFocDate(tc.now, tc.wish, tc.interval, tc.activation)
			if !got.Equal(tc.want) {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			if !IsBusinessDay(DateOf(got.In(Eastern()))) {
				t.Fatalf("%s is not a business day", got)
			}
		})
	}
}

func TestRequestedFocDateAcrossDaylightSavingTime(t *testing.T) {
	// Clocks go forward on Sunday 8 March 2026: 11:30 EDT is 15:30 UTC, not 16:30.
	got := RequestedFocDate(time.Date(2026, 3, 6, 14, 0, 0, 0, time.UTC), nil, 1, Activation{Mode: ActivationScheduled})
	if want := time.Date(2026, 3, 9, 15, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("got %s, want %s", got.UTC(), want)
	}
}

func TestRemediationLeadIsThreeBusinessDays(t *testing.T) {
	// From Thursday, 3 business days is Tuesday, even though the carrier allows 1 day.
	got := focDate(d("2026-03-05").At(Eastern(), 9, 0), nil, 1, remediationLeadBusinessDays, Activation{Mode: ActivationScheduled})
	if want := d("2026-03-10").At(Eastern(), 11, 30); !got.Equal(want) {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestFocDayReadsDateOnlyValuesAsDates(t *testing.T) {
	cases := map[time.Time]string{
		time.Date(2023, 9, 12, 0, 0, 0, 0, time.UTC):   "2023-09-12", // date-only, not the evening before
		time.Date(2020, 1, 16, 16, 30, 0, 0, time.UTC): "2020-01-16",
		time.Date(2020, 1, 16, 2, 0, 0, 0, time.UTC):   "2020-01-15", // 21:00 ET the day before
	}
	for in, want := range cases {
		if got := focDay(in).String(); got != want {
			t.Errorf("focDay(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestDateAndTimeOfDayText(t *testing.T) {
	var dt Date
	if err := dt.UnmarshalText([]byte("2026-02-28")); err != nil || dt.AddDays(1).String() != "2026-03-01" {
		t.Fatalf("date %v %v", dt, err)
	}
	if err := dt.UnmarshalText([]byte("28/02/2026")); err == nil {
		t.Fatal("a malformed date was accepted")
	}
	var tod TimeOfDay
	if err := tod.UnmarshalText([]byte("07:05")); err != nil || tod.String() != "07:05" {
		t.Fatalf("time of day %v %v", tod, err)
	}
	if err := tod.UnmarshalText([]byte("25:00")); err == nil {
		t.Fatal("an impossible time was accepted")
	}
}
