package e2e

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDemoAdministratorAndExecutive signs in as the demo administrator
// (password and second factor), creates a unit and finds it listed, then
// checks the executive's page shows every section and seat holder.
func TestDemoAdministratorAndExecutive(t *testing.T) {
	base, banner := demoServer(t)
	adminEmail, password := demoLogin(t, banner, "Administrator")
	ctx := browser(t)

	must := mustIn(t, ctx)
	text := textIn(t, ctx)

	must("open the home page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	checkAccessible(t, ctx, "home page")

	must("sign in", chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), adminEmail),
		chromedp.SendKeys(chromedp.CSS("#f-password"), password),
		chromedp.Submit(chromedp.CSS("#f-password")),
		chromedp.WaitVisible(chromedp.CSS("#demo-code")))
	checkAccessible(t, ctx, "code page")
	code := text("#demo-code")
	must("enter the code", chromedp.SendKeys(chromedp.CSS("#f-code"), code), chromedp.Submit(chromedp.CSS("#f-code")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := text("main h1"); got != "Your account" {
		t.Fatalf("after sign-in the page is %q", got)
	}

	must("open the new unit form", chromedp.Navigate(base+"/admin/units/new"), chromedp.WaitVisible(chromedp.CSS("#f-name")))
	checkAccessible(t, ctx, "new unit form")
	// An empty name is refused with a message next to the field.
	must("submit an empty form", chromedp.Submit(chromedp.CSS("#f-name")), chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if msg := text("#e-name"); !strings.Contains(msg, "Enter a name") {
		t.Fatalf("error next to the name field: %q", msg)
	}
	checkAccessible(t, ctx, "form with errors")
	must("create a unit", chromedp.SendKeys(chromedp.CSS("#f-name"), "Quayside Test Branch"), chromedp.Submit(chromedp.CSS("#f-name")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := text("main h1"); got != "Quayside Test Branch" {
		t.Fatalf("after creating, the page is %q", got)
	}
	must("find it in the list", chromedp.Navigate(base+"/units?q=quayside"), chromedp.WaitVisible(chromedp.CSS("table")))
	if got := text("table tbody"); !strings.Contains(got, "Quayside Test Branch") {
		t.Fatalf("the unit is not listed: %q", got)
	}
	checkAccessible(t, ctx, "units list")

	must("open the executive", chromedp.Navigate(base+"/bodies/nec"), chromedp.WaitVisible(chromedp.CSS("section.section")))
	checkAccessible(t, ctx, "executive page")
	sections, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("section.section h2")).map(h => h.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Members", "Affiliates", "Local government", "Scotland", "Wales", "Treasurer"} {
		found := false
		for _, s := range sections {
			if strings.Contains(strings.ToLower(s), strings.ToLower(want)) {
				found = true
			}
		}
		if !found {
			t.Errorf("section %q missing from the executive page; sections: %q", want, sections)
		}
	}
	// Every seat shows either its holder's name or that it is vacant.
	seats, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("section.section li")).map(li => li.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(seats) < 39 {
		t.Errorf("%d seats shown, want the executive's 39 or more", len(seats))
	}
	holders := 0
	for _, s := range seats {
		if s == "" {
			t.Errorf("a seat shows nothing")
		}
		if !strings.Contains(s, "vacant") {
			holders++
		}
	}
	if holders < len(seats)-3 {
		t.Errorf("only %d of %d seats show a holder", holders, len(seats))
	}

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	if blank(t, shot) {
		t.Fatal("the screenshot of the executive's page is blank")
	}
}

// blank reports whether a screenshot is a single colour.
func blank(t *testing.T, shot []byte) bool {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		// FullScreenshot with quality < 100 gives JPEG; decode that instead.
		return blankJPEG(t, shot)
	}
	return uniform(img)
}
