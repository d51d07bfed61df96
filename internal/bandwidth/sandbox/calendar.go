package sandbox

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the porting calendar is Eastern Time; containers often lack a zoneinfo database
)

// eastern is the time zone of Bandwidth's porting calendar (FOC days, 11:30 ET activation).
var eastern = mustLoadLocation("America/New_York")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("sandbox: load time zone %s: %v", name, err))
	}
	return loc
}

// maxFocDaysOut is how far ahead a RequestedFocDate may be (7210).
const maxFocDaysOut = 30

// defaultActivationHour/Minute is Bandwidth's default activation time on the FOC day (ET).
const (
	defaultActivationHour   = 11
	defaultActivationMinute = 30
)

// civilDate is a calendar day without a time zone.
type civilDate struct {
	year  int
	month time.Month
	day   int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

func (d civilDate) time(loc *time.Location, hour, minute int) time.Time {
	return time.Date(d.year, d.month, d.day, hour, minute, 0, 0, loc)
}

func (d civilDate) addDays(n int) civilDate {
	return dateOf(time.Date(d.year, d.month, d.day+n, 12, 0, 0, 0, time.UTC))
}

func (d civilDate) before(o civilDate) bool {
	return d.time(time.UTC, 0, 0).Before(o.time(time.UTC, 0, 0))
}

func (d civilDate) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
}

// IsBusinessDay reports whether the calendar day of t (as written in t's location) is a
// porting business day: Monday to Friday and not a US federal holiday (observed dates).
func IsBusinessDay(t time.Time) bool {
	return isBusinessDay(dateOf(t))
}

func isBusinessDay(d civilDate) bool {
	wd := d.time(time.UTC, 12, 0).Weekday()
	if wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !isFederalHoliday(d)
}

// isFederalHoliday reports whether d is the observed date of a US federal holiday. A holiday
// on a Saturday is observed the Friday before, one on a Sunday the Monday after; New Year's Day
// on a Saturday is therefore observed on December 31 of the year before.
func isFederalHoliday(d civilDate) bool {
	for _, year := range []int{d.year, d.year + 1} {
		for _, h := range federalHolidays(year) {
			if h == d {
				return true
			}
		}
	}
	return false
}

func federalHolidays(year int) []civilDate {
	observed := func(m time.Month, day int) civilDate {
		t := time.Date(year, m, day, 12, 0, 0, 0, time.UTC)
		switch t.Weekday() {
		case time.Saturday:
			t = t.AddDate(0, 0, -1)
		case time.Sunday:
			t = t.AddDate(0, 0, 1)
		}
		return dateOf(t)
	}
	nth := func(m time.Month, wd time.Weekday, n int) civilDate {
		t := time.Date(year, m, 1, 12, 0, 0, 0, time.UTC)
		for t.Weekday() != wd {
			t = t.AddDate(0, 0, 1)
		}
		return dateOf(t.AddDate(0, 0, 7*(n-1)))
	}
	last := func(m time.Month, wd time.Weekday) civilDate {
		t := time.Date(year, m+1, 0, 12, 0, 0, 0, time.UTC)
		for t.Weekday() != wd {
			t = t.AddDate(0, 0, -1)
		}
		return dateOf(t)
	}
	return []civilDate{
		observed(time.January, 1),            // New Year's Day
		nth(time.January, time.Monday, 3),    // Birthday of Martin Luther King, Jr.
		nth(time.February, time.Monday, 3),   // Washington's Birthday
		last(time.May, time.Monday),          // Memorial Day
		observed(time.June, 19),              // Juneteenth
		observed(time.July, 4),               // Independence Day
		nth(time.September, time.Monday, 1),  // Labor Day
		nth(time.October, time.Monday, 2),    // Columbus Day
		observed(time.November, 11),          // Veterans Day
		nth(time.November, time.Thursday, 4), // Thanksgiving Day
		observed(time.December, 25),          // Christmas Day
	}
}

// EarliestFocDate returns the first porting business day a port-in from carrier c may be
// scheduled on when requested at now, at Bandwidth's default activation time (11:30 ET).
func EarliestFocDate(c Carrier, now time.Time) time.Time {
	return earliestFocDay(c.Info().MinimumPortingInterval, now).time(eastern, defaultActivationHour, defaultActivationMinute)
}

func earliestFocDay(interval int, now time.Time) civilDate {
	d := dateOf(now.In(eastern)).addDays(interval)
	for !isBusinessDay(d) {
		d = d.addDays(1)
	}
	return d
}

// focRequest is a parsed RequestedFocDate.
type focRequest struct {
	at      time.Time // the instant as written (date-only values: midnight in their zone)
	day     civilDate // the FOC day in Eastern Time (date-only values: the day as written)
	hasTime bool      // whether a time of day was given
}

// parseFocDate accepts every RequestedFocDate form seen in Bandwidth's documentation:
// 2023-01-30T20:30:00Z, 2016-03-25T21:15:00.000Z, 2023-01-30T13:00:00-04:00,
// 2023-01-30T13:00:00-0400, 2023-01-30 and 2021-06-16Z.
func parseFocDate(s string) (focRequest, error) {
	s = strings.TrimSpace(s)
	withTime := []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999Z0700"}
	for _, layout := range withTime {
		if t, err := time.Parse(layout, s); err == nil {
			return focRequest{at: t, day: dateOf(t.In(eastern)), hasTime: true}, nil
		}
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return focRequest{at: t, day: dateOf(t)}, nil
		}
	}
	return focRequest{}, fmt.Errorf("RequestedFocDate %q is not an ISO 8601 date or date-time", s)
}

// focDateError checks a requested FOC day against the porting calendar at now and returns the
// Bandwidth error for the first rule it breaks, or nil.
func focDateError(req focRequest, interval int, now time.Time) *apiError {
	today := dateOf(now.In(eastern))
	earliest := today.addDays(interval)
	switch {
	case req.day.before(earliest):
		return &apiError{Code: "7209", Description: fmt.Sprintf(
			"Requested FOC date %s is before the losing carrier's minimum porting interval of %d days; the earliest date is %s.",
			req.day, interval, earliestFocDay(interval, now))}
	case today.addDays(maxFocDaysOut).before(req.day):
		return &apiError{Code: "7210", Description: fmt.Sprintf(
			"Requested FOC date %s is more than %d days in the future.", req.day, maxFocDaysOut)}
	case !isBusinessDay(req.day):
		return &apiError{Code: "7208", Description: fmt.Sprintf(
			"Requested FOC date %s is not a business day (weekends and porting holidays are not allowed).", req.day)}
	}
	return nil
}

// bandwidthTime formats a timestamp the way Bandwidth's responses do (UTC, milliseconds).
func bandwidthTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
