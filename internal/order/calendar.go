package order

import (
	"fmt"
	"time"
	_ "time/tzdata" // the porting calendar is Eastern Time; containers often lack a zoneinfo database
)

// eastern is the time zone of Bandwidth's porting calendar: FOC days, activation windows and the
// 11:30 ET default activation are all Eastern Time.
var eastern = mustLoadLocation("America/New_York")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Unreachable: time/tzdata embeds the zone database.
		panic(fmt.Sprintf("order: load time zone %s: %v", name, err))
	}
	return loc
}

// Eastern returns the time zone of the porting calendar.
func Eastern() *time.Location { return eastern }

const (
	// maxFocDaysOut is how far ahead Bandwidth accepts a RequestedFocDate (7210).
	maxFocDaysOut = 30
	// remediationLeadBusinessDays is the minimum lead of a FOC date sent after the carrier said
	// it cannot meet the date (7412: "SUPP your order for a minimum of 3 business days").
	remediationLeadBusinessDays = 3
)

var (
	// defaultActivation is Bandwidth's activation time on the FOC day for untriggered ports.
	defaultActivation = TimeOfDay{11, 30}
	// onDemandFallback is the time sent for on-demand ports without a chosen time: Bandwidth
	// activates then if nobody has by that point. Late in the day leaves the operator the day
	// to activate, and 20:00 is the end of the window without warning 7380.
	onDemandFallback = TimeOfDay{20, 0}
	// The activation window portflow accepts: off-net automated ports allow 06:00–22:00 ET, on-net
	// 05:00–22:00 ET (PROTOCOL §5.4); the intersection works for both.
	activationWindowStart = TimeOfDay{6, 0}
	activationWindowEnd   = TimeOfDay{22, 0}
)

// IsBusinessDay reports whether d is a porting business day: Monday to Friday and not the
// observed date of a US federal holiday.
func IsBusinessDay(d Date) bool {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !IsFederalHoliday(d)
}

// IsFederalHoliday reports whether d is the observed date of one of the 11 US federal holidays.
// A holiday on a Saturday is observed the Friday before and one on a Sunday the Monday after, so
// New Year's Day on a Saturday is observed on December 31 of the year before.
func IsFederalHoliday(d Date) bool {
	for _, year := range []int{d.Year, d.Year + 1} {
		for _, h := range FederalHolidays(year) {
			if h == d {
				return true
			}
		}
	}
	return false
}

// FederalHolidays returns the observed dates of the federal holidays of year, in calendar order
// (New Year's Day first, even when it is observed on December 31 of the year before).
func FederalHolidays(year int) []Date {
	observed := func(m time.Month, day int) Date {
		d := Date{year, m, day}
		switch d.Weekday() {
		case time.Saturday:
			return d.AddDays(-1)
		case time.Sunday:
			return d.AddDays(1)
		}
		return d
	}
	nth := func(m time.Month, wd time.Weekday, n int) Date {
		d := Date{year, m, 1}
		for d.Weekday() != wd {
			d = d.AddDays(1)
		}
		return d.AddDays(7 * (n - 1))
	}
	last := func(m time.Month, wd time.Weekday) Date {
		d := Date{year, m + 1, 1}.AddDays(-1)
		for d.Weekday() != wd {
			d = d.AddDays(-1)
		}
		return d
	}
	return []Date{
		observed(time.January, 1),            // New Year's Day
		nth(time.January, time.Monday, 3),    // Birthday of Martin Luther King, Jr.
		nth(time.February, time.Monday, 3),   // Washington's Birthday
		last(time.May, time.Monday),          // Memorial Day
		observed(time.June, 19),              // Juneteenth National Independence Day
		observed(time.July, 4),               // Independence Day
		nth(time.September, time.Monday, 1),  // Labor Day
		nth(time.October, time.Monday, 2),    // Columbus Day
		observed(time.November, 11),          // Veterans Day
		nth(time.November, time.Thursday, 4), // Thanksgiving Day
		observed(time.December, 25),          // Christmas Day
	}
}

// nextBusinessDay returns d when it is a business day, else the first business day after it.
func nextBusinessDay(d Date) Date {
	for !IsBusinessDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// previousBusinessDay returns d when it is a business day, else the last business day before it.
func previousBusinessDay(d Date) Date {
	for !IsBusinessDay(d) {
		d = d.AddDays(-1)
	}
	return d
}

// addBusinessDays returns the n-th business day after d.
func addBusinessDays(d Date, n int) Date {
	for n > 0 {
		d = d.AddDays(1)
		if IsBusinessDay(d) {
			n--
		}
	}
	return d
}

// RequestedFocDate computes the RequestedFocDate to send on a port-in created at now: the
// customer's wished date when Bandwidth can accept it, otherwise the nearest date it can.
//
//   - not before now + the losing carrier's minimum porting interval (calendar days, as the
//     portability check reports it) and never before the next business day;
//   - a business day that is not a federal holiday (7315), rolled forward when it is not;
//   - at most 30 days out (7210), rolled back to a business day when the wish is beyond that;
//   - at the activation time on that day in Eastern Time: 11:30 for scheduled ports (Bandwidth's
//     default), the chosen time — or a late fallback — for on-demand ones.
func RequestedFocDate(now time.Time, wish *Date, minIntervalDays int, activation Activation) time.Time {
	return focDate(now, wish, minIntervalDays, 1, activation)
}

// focDate is RequestedFocDate with a minimum lead in business days (the remediation of a date
// rejection asks for more lead than a first attempt).
func focDate(now time.Time, wish *Date, minIntervalDays, minBusinessDays int, activation Activation) time.Time {
	today := DateOf(now.In(eastern))
	earliest := today.AddDays(max(minIntervalDays, 0))
	if byBusinessDays := addBusinessDays(today, max(minBusinessDays, 1)); earliest.Before(byBusinessDays) {
		earliest = byBusinessDays
	}
	earliest = nextBusinessDay(earliest)
	latest := previousBusinessDay(today.AddDays(maxFocDaysOut))

	day := earliest
	if wish != nil && earliest.Before(*wish) {
		day = nextBusinessDay(*wish)
		if latest.Before(day) {
			day = latest
		}
		if day.Before(earliest) {
			// A carrier interval near 30 days leaves no room: the earliest date wins over the cap.
			day = earliest
		}
	}
	at := activationTime(activation)
	return day.At(eastern, at.Hour, at.Minute)
}

// activationTime is the time of day sent in RequestedFocDate for an activation choice.
func activationTime(a Activation) TimeOfDay {
	if a.Mode != ActivationOnDemand {
		return defaultActivation
	}
	if a.At != nil {
		return *a.At
	}
	return onDemandFallback
}

// activationInstant is when portflow activates an on-demand port: the chosen time on the FOC day
// Bandwidth confirmed (which may differ from the day requested).
func activationInstant(actualFoc time.Time, at TimeOfDay) time.Time {
	return focDay(actualFoc).At(eastern, at.Hour, at.Minute)
}

// focDay is the Eastern calendar day of a FOC date. Bandwidth writes date-only FOC dates as
// midnight UTC ("2023-09-12T00:00:00Z"); read in Eastern Time that would be the evening before,
// so a value at exactly midnight UTC is taken as the UTC date.
func focDay(t time.Time) Date {
	u := t.UTC()
	if u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0 {
		return DateOf(u)
	}
	return DateOf(t.In(eastern))
}
