package web

import (
	"testing"
	"time"

	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
)

// TestWelshDates: Welsh pages name days and months in Welsh, as in
// "dydd Gwener 1 Mai 2099", and English pages keep their words.
func TestWelshDates(t *testing.T) {
	friday := time.Date(2099, 5, 1, 18, 30, 0, 0, report.Zone)
	if got := welshDate(friday); got != "1 Mai 2099" {
		t.Errorf("date: %q", got)
	}
	for day, want := range map[int]string{
		1: "dydd Gwener 1 Mai 2099", 2: "dydd Sadwrn 2 Mai 2099", 3: "dydd Sul 3 Mai 2099", 4: "dydd Llun 4 Mai 2099",
		5: "dydd Mawrth 5 Mai 2099", 6: "dydd Mercher 6 Mai 2099", 7: "dydd Iau 7 Mai 2099",
	} {
		if got := welshDay(time.Date(2099, 5, day, 12, 0, 0, 0, report.Zone), false); got != want {
			t.Errorf("day %d: %q, want %q", day, got, want)
		}
	}
	months := []string{"Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"}
	for i, m := range months {
		if got, want := welshDate(time.Date(2024, time.Month(i+1), 9, 0, 0, 0, 0, time.UTC)), "9 "+m+" 2024"; got != want {
			t.Errorf("month %d: %q, want %q", i+1, got, want)
		}
	}
	oneDay := store.Event{StartsAt: friday, EndsAt: friday.Add(2 * time.Hour)}
	twoDays := store.Event{StartsAt: friday, EndsAt: friday.Add(24 * time.Hour)}
	for _, c := range []struct {
		code string
		e    store.Event
		want string
	}{
		{"cy", oneDay, "dydd Gwener 1 Mai 2099, 18:30 i 20:30"},
		{"cy", twoDays, "dydd Gwener 1 Mai 2099 18:30 i ddydd Sadwrn 2 Mai 2099 18:30"},
		{"en", oneDay, "Friday 1 May 2099, 18:30 to 20:30"},
		{"en", twoDays, "Friday 1 May 2099 18:30 to Saturday 2 May 2099 18:30"},
	} {
		if got := eventWhen(c.code, c.e); got != c.want {
			t.Errorf("%s: %q, want %q", c.code, got, c.want)
		}
	}
	for code, want := range map[string][2]string{
		"en": {"1 May 2099, 18:30", "1 May 2099"},
		"cy": {"1 Mai 2099, 18:30", "1 Mai 2099"},
	} {
		fs := dateFuncs(code, report.Zone)
		if got := fs["stamp"].(func(time.Time) string)(friday); got != want[0] {
			t.Errorf("%s stamp: %q", code, got)
		}
		if got := fs["shortdate"].(func(time.Time) string)(friday); code == "cy" && got != want[1] {
			t.Errorf("%s short date: %q", code, got)
		}
	}
	if got := dateFuncs("cy", report.Zone)["date"].(func(time.Time) string)(friday); got != "1 Mai 2099" {
		t.Errorf("Welsh date: %q", got)
	}
}

// TestDomainWordsInTheCatalogue: the English of each message standing for
// a domain's words is those words, so that they cannot drift apart.
func TestDomainWordsInTheCatalogue(t *testing.T) {
	en := english(t)
	for words, id := range fieldWords {
		if got := en.T(id); got != words {
			t.Errorf("%s says %q, the report package %q", id, got, words)
		}
	}
	for key, id := range eventKindMessages {
		if got := en.T(id); got != report.EventKindLabel(key) {
			t.Errorf("%s says %q, the report package %q", id, got, report.EventKindLabel(key))
		}
	}
	if len(eventKindMessages) != len(report.EventKinds) {
		t.Errorf("%d kinds of event named, %d in the report package", len(eventKindMessages), len(report.EventKinds))
	}
	for key, id := range unitTypeMessages {
		if got := en.T(id); got != org.UnitTypeLabel(key) {
			t.Errorf("%s says %q, the org package %q", id, got, org.UnitTypeLabel(key))
		}
	}
	if len(unitTypeMessages) != len(org.UnitTypes) {
		t.Errorf("%d unit types named, %d in the org package", len(unitTypeMessages), len(org.UnitTypes))
	}
}
