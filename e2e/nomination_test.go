package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestCouncilGroupNominatesToTheBallot: in the demo the returning officer
// opens a nomination period for the local government election being set
// up; two people declare; the council group's secretary nominates both,
// recording the meeting; the candidates consent; the returning officer
// closes the period with the button and both candidates are on the
// election's ballot. Each page is checked for accessibility.
func TestCouncilGroupNominatesToTheBallot(t *testing.T) {
	base, banner := demoServer(t)
	login := func(role string) (string, string) { t.Helper(); return demoLogin(t, banner, role) }
	ctx := browser(t)
	must := mustIn(t, ctx)
	text := textIn(t, ctx)
	eval := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	signIn := func(role string, code bool) string {
		t.Helper()
		email, password := login(role)
		signInDemo(t, ctx, base, email, password, code)
		must("signed in as "+role, chromedp.WaitVisible(chromedp.CSS(`nav a[href="/account"]`)))
		return text(`nav a[href="/account"]`)
	}
	signOut := func() {
		t.Helper()
		must("sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.CSS(`nav a[href="/signin"]`)))
	}

	// The demo's periods, as the public sees them.
	must("the list of periods", chromedp.Navigate(base+"/nominations"), chromedp.WaitVisible(chromedp.CSS("table")))
	checkAccessible(t, ctx, "list of nomination periods")
	demoPeriod, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("table a")].find(a => a.textContent.startsWith("Local government representatives")).getAttribute("href")`))
	if err != nil {
		t.Fatalf("the demo's open period is not listed: %v", err)
	}
	must("the demo's open period", chromedp.Navigate(base+demoPeriod), chromedp.WaitVisible(chromedp.CSS("#h-standing")))
	if got := text("main"); !strings.Contains(got, "Awaiting the candidate's answer") || !strings.Contains(got, "Threshold met") {
		t.Errorf("the demo's open period: %s", got)
	}
	checkAccessible(t, ctx, "the demo's open nomination period")

	// The returning officer opens the period; a form with mistakes shows them.
	signIn("Returning officer", true)
	must("open the set-up form", chromedp.Navigate(base+"/admin/nominations/new"), chromedp.WaitVisible(chromedp.CSS("#f-title")))
	checkAccessible(t, ctx, "nomination set-up form")
	must("submit an empty form", chromedp.Submit(chromedp.CSS("#f-title")), chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if msg := text("#e-title"); !strings.Contains(msg, "Enter a title") {
		t.Fatalf("error next to the title: %q", msg)
	}
	checkAccessible(t, ctx, "nomination set-up form with errors")
	london, _ := time.LoadLocation("Europe/London")
	eval("choose the election", `(() => { const s = document.querySelector("#f-election");
		const o = [...s.options].find(o => o.text.startsWith("Local government section")); s.value = o.value; return true })()`)
	must("fill in the period",
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Council group nominations, browser test"),
		chromedp.Click(chromedp.CSS("#f-unit-council_group")),
		chromedp.SetValue(chromedp.CSS("#f-slots"), "First candidate\nSecond candidate"),
		chromedp.Click(chromedp.CSS("#f-meeting_required")),
		chromedp.SetValue(chromedp.CSS("#f-close_date"), time.Now().In(london).AddDate(0, 0, 7).Format(time.DateOnly)),
		chromedp.SetValue(chromedp.CSS("#f-close_time"), "17:00"),
		chromedp.SetValue(chromedp.CSS("#f-time_zone"), "Europe/London"),
		chromedp.Submit(chromedp.CSS("#f-title")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := text("main h1"); got != "Council group nominations, browser test" {
		t.Fatalf("after opening the page is %q: %s", got, text("main"))
	}
	checkAccessible(t, ctx, "nomination period page")
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !strings.HasPrefix(path, "/nominations/") {
		t.Fatalf("period address %q %v", path, err)
	}
	signOut()

	// Two people declare that they stand.
	var names []string
	for _, role := range []string{"Member", "Representative (local government)"} {
		names = append(names, signIn(role, false))
		must(role+" opens the candidate page", chromedp.Navigate(base+path+"/candidate"), chromedp.WaitVisible(chromedp.CSS("#f-statement")))
		checkAccessible(t, ctx, "candidate page")
		must(role+" declares", chromedp.SendKeys(chromedp.CSS("#f-statement"), "I will speak up for councillors."),
			chromedp.Submit(chromedp.CSS("#f-statement")), chromedp.WaitVisible(chromedp.CSS(".flash")))
		signOut()
	}

	// The council group's secretary nominates both, with the meeting.
	signIn("Council group secretary", false)
	must("open the nominate form", chromedp.Navigate(base+path+"/nominate"), chromedp.WaitVisible(chromedp.CSS("#f-slot-1")))
	checkAccessible(t, ctx, "nominate form")
	// Without the confirmation the form says what is missing.
	eval("choose the candidates", `(() => { const pick = (sel, name) => { const s = document.querySelector(sel);
		s.value = [...s.options].find(o => o.text === name).value; };
		pick("#f-slot-1", `+jsString(names[0])+`); pick("#f-slot-2", `+jsString(names[1])+`); return true })()`)
	must("record the meeting",
		chromedp.SetValue(chromedp.CSS("#f-meeting_date"), time.Now().In(london).AddDate(0, 0, -1).Format(time.DateOnly)),
		chromedp.SetValue(chromedp.CSS("#f-present"), "14"),
		chromedp.SetValue(chromedp.CSS("#f-votes-1"), "9"),
		chromedp.SetValue(chromedp.CSS("#f-votes-2"), "8"),
		chromedp.Click(chromedp.CSS(`button[value="nominate"]`)),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if msg := text("#e-confirm"); !strings.Contains(msg, "Confirm") {
		t.Fatalf("error next to the confirmation: %q", msg)
	}
	checkAccessible(t, ctx, "nominate form with errors")
	must("confirm and submit", chromedp.Click(chromedp.CSS("#f-confirm")), chromedp.Click(chromedp.CSS(`button[value="nominate"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	table := text("main")
	for _, n := range names {
		if !strings.Contains(table, n) {
			t.Fatalf("the public table lacks %s: %s", n, table)
		}
	}
	signOut()

	// The candidates consent.
	for _, role := range []string{"Member", "Representative (local government)"} {
		signIn(role, false)
		must(role+" opens the candidate page", chromedp.Navigate(base+path+"/candidate"), chromedp.WaitVisible(chromedp.CSS(`form:has(input[value="consent"]) button`)))
		checkAccessible(t, ctx, "candidate page with a nomination")
		must(role+" consents", chromedp.Click(chromedp.CSS(`form:has(input[value="consent"]) button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if got := text("main"); !strings.Contains(got, "1 consented") {
			t.Fatalf("%s's tally after consenting: %s", role, got)
		}
		signOut()
	}

	// The returning officer closes; both are on the election's ballot.
	signIn("Returning officer", true)
	must("open the period", chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(`form[action$="/close"] button`)))
	must("close", chromedp.Click(chromedp.CSS(`form[action$="/close"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := text(".flash"); !strings.Contains(got, "on the ballot") {
		t.Fatalf("after the close: %q", got)
	}
	checkAccessible(t, ctx, "closed nomination period")
	must("the elections being set up", chromedp.Navigate(base+"/elections?show=upcoming"), chromedp.WaitVisible(chromedp.CSS("table")))
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("table a")].find(a => a.textContent.startsWith("Local government section")).getAttribute("href")`))
	if err != nil {
		t.Fatalf("the election is not listed: %v", err)
	}
	must("the election's page", chromedp.Navigate(base+href), chromedp.WaitVisible(chromedp.CSS("#h-candidates")))
	ballot, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".candidates .candidate h3")].map(h => h.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		found := false
		for _, b := range ballot {
			found = found || b == n
		}
		if !found {
			t.Errorf("%s is not on the ballot: %q", n, ballot)
		}
	}
}

// jsString quotes a Go string for a script.
func jsString(s string) string {
	return "`" + strings.NewReplacer("`", "\\`", "\\", "\\\\", "${", "\\${").Replace(s) + "`"
}
