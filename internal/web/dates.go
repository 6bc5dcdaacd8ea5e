package web

import (
	"strconv"
	"time"

	"quorum/internal/report"
	"quorum/internal/store"
)

// Dates in Welsh: day and month names as Welsh public bodies write them
// ("dydd Gwener 1 Mai 2099"). English dates keep Go's layouts.

var (
	welshMonths = [...]string{"", "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"}
	// welshDays, from Sunday as time.Weekday counts.
	welshDays = [...]string{"Sul", "Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn"}
)

// welshDate is "1 Mai 2099".
func welshDate(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + welshMonths[t.Month()] + " " + strconv.Itoa(t.Year())
}

// welshDay is "dydd Gwener 1 Mai 2099"; after "i" (to) the soft mutation
// makes it "ddydd Gwener".
func welshDay(t time.Time, mutated bool) string {
	d := "dydd "
	if mutated {
		d = "ddydd "
	}
	return d + welshDays[t.Weekday()] + " " + welshDate(t)
}

// eventWhen says when an event is, in the organisation's time zone, in a
// language: English is the report package's own words.
func eventWhen(code string, e store.Event) string {
	if code != "cy" {
		return report.EventWhen(e)
	}
	start, end := e.StartsAt.In(report.Zone), e.EndsAt.In(report.Zone)
	if start.Format(time.DateOnly) == end.Format(time.DateOnly) {
		return welshDay(start, false) + ", " + start.Format("15:04") + " i " + end.Format("15:04")
	}
	return welshDay(start, false) + " " + start.Format("15:04") + " i " + welshDay(end, true) + " " + end.Format("15:04")
}

// dateFuncs are the template functions that write dates in a language;
// times are shown in loc unless the English layout never did.
func dateFuncs(code string, loc *time.Location) map[string]any {
	if code != "cy" {
		return map[string]any{
			"stamp": func(t time.Time) string { return t.Format("2 January 2006, 15:04") },
			"shortdate": func(t time.Time) string {
				if t.IsZero() {
					return ""
				}
				return t.Format("2 Jan 2006")
			},
			"eventWhen": func(e store.Event) string { return report.EventWhen(e) },
		}
	}
	return map[string]any{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return welshDate(t)
		},
		"shortdate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return welshDate(t)
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			t = t.In(loc)
			return welshDate(t) + " " + t.Format("15:04 MST")
		},
		"stamp":     func(t time.Time) string { return welshDate(t) + ", " + t.Format("15:04") },
		"eventWhen": func(e store.Event) string { return eventWhen("cy", e) },
	}
}
