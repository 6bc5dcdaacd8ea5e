package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestVotingAndDeclaringWithoutJavaScript walks the same journey with
// script switched off: a member numbers the boxes of the ballot paper, and
// the returning officer closes the ballot and declares the result.
func TestVotingAndDeclaringWithoutJavaScript(t *testing.T) {
	onEachEngine(t, testVotingAndDeclaringWithoutJavaScript)
}

func testVotingAndDeclaringWithoutJavaScript(t *testing.T, engine []string) {
	base, banner := demoServer(t, engine...)
	login := func(role string) string { t.Helper(); email, _ := demoLogin(t, banner, role); return email }
	_, pw := demoLogin(t, banner, "Member")
	ctx := browser(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("switch script off: %v", err)
	}
	must := mustIn(t, ctx)
	// axe is itself a script: let it run on the page as loaded without
	// script, then switch script off again.
	scripts := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
			t.Fatal(err)
		}
	}
	accessible := func(what string) {
		t.Helper()
		scripts(true)
		checkAccessible(t, ctx, what)
		scripts(false)
	}
	signIn := func(email string, code bool) { t.Helper(); signInDemo(t, ctx, base, email, pw, code) }

	signIn(login("Member"), false)
	must("open elections", chromedp.Navigate(base+"/elections?show=open"), chromedp.WaitVisible(chromedp.CSS("table a")))
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("table a"), "href"))
	if err != nil || !href.Exists {
		t.Fatalf("no open election: %v", err)
	}
	election := href.Value
	must("ballot paper", chromedp.Navigate(base+election+"/vote"), chromedp.WaitVisible(chromedp.CSS("input.rank")))
	// Without script the boxes are plain number fields; a gap is refused.
	must("number with a gap", chromedp.SendKeys(chromedp.CSS(".ballot-row:nth-child(1) input.rank"), "1"),
		chromedp.SendKeys(chromedp.CSS(".ballot-row:nth-child(2) input.rank"), "3"),
		chromedp.Submit(chromedp.CSS(".ballot button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	accessible("ballot paper with an error, script off")
	must("mend it", chromedp.SetValue(chromedp.CSS(".ballot-row:nth-child(2) input.rank"), "2"),
		chromedp.Submit(chromedp.CSS(".ballot button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("ol.review")))
	must("confirm", chromedp.Click(chromedp.CSS(`form[action$="/confirm"] button`)), chromedp.WaitVisible(chromedp.CSS("#tracker")))

	// The returning officer closes and declares; the demo keeps the shares, so the close counts.
	must("sign out", chromedp.Navigate(base+"/account"), chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	signIn(login("Returning officer"), true)
	must("manage", chromedp.Navigate(base+election+"/manage"), chromedp.WaitVisible(chromedp.CSS(`form[action$="/actions/close"] button`)))
	accessible("returning officer's page, script off")
	must("close", chromedp.Click(chromedp.CSS(`form[action$="/actions/close"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	must("declare", chromedp.Navigate(base+election+"/manage"), chromedp.WaitVisible(chromedp.CSS(`form[action$="/actions/declare"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/actions/declare"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	must("result", chromedp.Navigate(base+election+"/result"), chromedp.WaitVisible(chromedp.CSS("ol li strong")))
	elected, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("main > ol li strong")).map(n => n.textContent)`))
	if err != nil || len(elected) != 9 {
		t.Fatalf("elected %q %v; want nine", elected, err)
	}
}
