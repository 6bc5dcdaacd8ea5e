package demo

import (
	"math/rand/v2"
	"time"
)

// Dates are calendar days at midnight UTC, counted from the builder's today
// so that the data stays the same shape whatever reference date is chosen.

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// monthStart is the first day of the month n months before today's month.
func (b *builder) monthStart(n int) time.Time {
	return day(b.today.Year(), b.today.Month()-time.Month(n), 1)
}

// dayInMonth picks a day of the month starting at first, never after today.
func (b *builder) dayInMonth(r *rand.Rand, first time.Time) time.Time {
	days := first.AddDate(0, 1, 0).Sub(first).Hours() / 24
	d := first.AddDate(0, 0, r.IntN(int(days)))
	if d.After(b.today) {
		d = b.today
	}
	return d
}

// weekdayOnOrAfter is the first given weekday on or after d.
func weekdayOnOrAfter(d time.Time, w time.Weekday) time.Time {
	return d.AddDate(0, 0, (int(w)-int(d.Weekday())+7)%7)
}

// localElectionDay is the first Thursday of May, when most councils in
// Great Britain hold their elections.
func localElectionDay(year int) time.Time {
	return weekdayOnOrAfter(day(year, time.May, 1), time.Thursday)
}

// conferenceClose is the last day of annual conference (the last Wednesday
// of September), when executive terms begin and end.
func conferenceClose(year int) time.Time {
	return weekdayOnOrAfter(day(year, time.September, 24), time.Wednesday)
}

// lastConference is the close of the latest annual conference on or before today.
func (b *builder) lastConference() time.Time {
	c := conferenceClose(b.today.Year())
	if c.After(b.today) {
		c = conferenceClose(b.today.Year() - 1)
	}
	return c
}
