package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMemberVotesInTheDemo signs in as the demo's member, ranks three
// candidates with the buttons of the enhanced ballot paper, checks the
// review, confirms and is shown a tracker; then visits the declared
// by-election's result and bulletin board.
func TestMemberVotesInTheDemo(t *testing.T) { onEachEngine(t, testMemberVotesInTheDemo) }

func testMemberVotesInTheDemo(t *testing.T, engine []string) {
	ctx, base, href := memberAtOpenElection(t, engine)
	must := mustIn(t, ctx)
	// A demonstration election says that the server keeps the trustees' shares.
	must("the election's page", chromedp.Navigate(base+href), chromedp.WaitVisible(chromedp.CSS("h1")))
	notice, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(".notice[role=note]") || {}).textContent || ""`))
	if err != nil || !strings.Contains(notice, "the server keeps the trustees' shares of its key") || !strings.Contains(notice, "A real election never does this") {
		t.Fatalf("the demonstration notice reads %q (%v)", notice, err)
	}
	must("open the ballot paper", chromedp.Navigate(base+href+"/vote"), chromedp.WaitVisible(chromedp.CSS(".ballot-list.enhanced")))
	checkAccessible(t, ctx, "ballot paper")
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".ballot-row .ballot-name")).map(n => n.textContent)`))
	if err != nil || len(names) < 3 {
		t.Fatalf("candidates on the paper: %v %v", names, err)
	}
	// Rank the third, then the first, then the second; move the second up.
	click := func(sel string) {
		t.Helper()
		must("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	}
	click(`.ballot-row:nth-child(3) .rank-add`)
	first := names[2]
	// After ranking, the ranked row moves to the top; the unranked keep their order.
	click(`.ballot-row:nth-child(2) .rank-add`) // names[0]
	click(`.ballot-row:nth-child(3) .rank-add`) // names[1]
	click(`.ballot-row:nth-child(3) .rank-up`)  // names[1] above names[0]
	order, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".ballot-row.is-ranked .ballot-name")).map(n => n.textContent)`))
	if err != nil || len(order) != 3 || order[0] != first || order[1] != names[1] || order[2] != names[0] {
		t.Fatalf("ranked order %q, want %q, %q, %q", order, first, names[1], names[0])
	}
	// Drag the last ranked name onto the first: it becomes the first choice.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const ranked = document.querySelectorAll(".ballot-row.is-ranked");
		const from = ranked[ranked.length - 1], to = ranked[0], dt = new DataTransfer();
		from.dispatchEvent(new DragEvent("dragstart", {dataTransfer: dt, bubbles: true}));
		to.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
		to.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		from.dispatchEvent(new DragEvent("dragend", {dataTransfer: dt, bubbles: true}));
		return true;
	})()`)); err != nil {
		t.Fatalf("drag: %v", err)
	}
	// With the keyboard alone: focus the new first choice's "Move down" and press Enter.
	must("move down with the keyboard", chromedp.Focus(chromedp.CSS(`.ballot-row.is-ranked:first-child .rank-down`)), chromedp.KeyEvent("\r"))
	order, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".ballot-row.is-ranked .ballot-name")).map(n => n.textContent)`))
	if err != nil || len(order) != 3 || order[0] != first || order[1] != names[0] || order[2] != names[1] {
		t.Fatalf("after the drag and the key, the order is %q, want %q, %q, %q", order, first, names[0], names[1])
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.getAttribute("aria-label") || ""`))
	if err != nil || focused != "Move down: "+names[0] {
		t.Fatalf("after moving with the keyboard the focus is on %q, want it to stay on the moved name's button", focused)
	}
	must("check the vote", chromedp.Submit(chromedp.CSS(".ballot button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("ol.review")))
	review, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("ol.review li")).map(n => n.textContent)`))
	if err != nil || strings.Join(review, "|") != strings.Join(order, "|") {
		t.Fatalf("review shows %q, want %q", review, order)
	}
	checkAccessible(t, ctx, "review page")
	must("confirm", chromedp.Click(chromedp.CSS(`form[action$="/confirm"] button`)), chromedp.WaitVisible(chromedp.CSS("#tracker")))
	tracker, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#tracker")))
	if err != nil || !regexp.MustCompile(`^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$`).MatchString(strings.TrimSpace(tracker)) {
		t.Fatalf("tracker %q %v", tracker, err)
	}
	checkAccessible(t, ctx, "receipt")
	// The demo's open election allows a change of vote until it closes.
	must("back to the election", chromedp.Navigate(base+href), chromedp.WaitVisible(chromedp.CSS("#h-you")))
	change, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("a")).filter(a => a.textContent === "Change your vote").map(a => a.getAttribute("href")).join()`))
	if err != nil || change != href+"/vote" {
		t.Fatalf("no change of vote offered after voting: %q %v", change, err)
	}

	must("the by-election's result", chromedp.Navigate(base+"/elections?show=past"), chromedp.WaitVisible(chromedp.CSS("table")))
	past, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("table a").getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	must("result page", chromedp.Navigate(base+past+"/result"), chromedp.WaitVisible(chromedp.CSS("svg")))
	checkAccessible(t, ctx, "result page")
	must("bulletin board", chromedp.Navigate(base+past+"/board"), chromedp.WaitVisible(chromedp.CSS("table")))
	checkAccessible(t, ctx, "bulletin board")
}
