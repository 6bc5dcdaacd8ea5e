package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWelshBallotPaper signs in as the demo's member, opens a ballot paper,
// switches to Cymraeg with the link in the header, and finds the page, the
// enhanced ballot's help and its buttons in Welsh.
func TestWelshBallotPaper(t *testing.T) { onEachEngine(t, testWelshBallotPaper) }

func testWelshBallotPaper(t *testing.T, engine []string) {
	ctx, base, href := memberAtOpenElection(t, engine)
	must := mustIn(t, ctx)
	must("open the ballot paper", chromedp.Navigate(base+href+"/vote"), chromedp.WaitVisible(chromedp.CSS(".ballot-list.enhanced")))
	must("switch to Cymraeg", chromedp.Click(chromedp.CSS(`header a[hreflang="cy"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="cy"] .ballot-list.enhanced`)))
	where, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || where != href+"/vote" {
		t.Fatalf("the switch led to %q, not back to the ballot paper (%v)", where, err)
	}
	help, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("rank-help").textContent`))
	if err != nil || !strings.HasPrefix(help, "Dewiswch Rhestru wrth ymyl eich dewis cyntaf") {
		t.Fatalf("the enhanced ballot's help reads %q (%v)", help, err)
	}
	button, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".rank-add").textContent`))
	if err != nil || button != "Rhestru" {
		t.Fatalf("the rank button reads %q (%v)", button, err)
	}
	checkAccessible(t, ctx, "Welsh ballot paper")
	must("back to English", chromedp.Click(chromedp.CSS(`header a[hreflang="en-GB"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en-GB"] .ballot-list.enhanced`)))
}
