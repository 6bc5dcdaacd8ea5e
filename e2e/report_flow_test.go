package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quorum/internal/testkit"
)

// TestReportToSubscriberAndOneClickUnsubscribe follows a report from the
// representative's keyboard to a subscriber's inbox: a reader subscribes
// and confirms, the representative writes and publishes, the newsletter
// arrives at a real SMTP server, its one-click unsubscribe works, and the
// next report is not sent to the reader.
func TestReportToSubscriberAndOneClickUnsubscribe(t *testing.T) {
	onEachEngine(t, testReportToSubscriberAndOneClickUnsubscribe)
}

func testReportToSubscriberAndOneClickUnsubscribe(t *testing.T, engine []string) {
	smtp := testkit.StartSMTP(t)
	base, banner := demoServer(t, append(engine, "--smtp-url", smtp.URL()+"?tls=none", "--mail-from", "Demo Party <news@party.example>")...)
	repEmail, password := demoLogin(t, banner, "Representative (local government)")
	ctx := browser(t)
	must := mustIn(t, ctx)
	text := textIn(t, ctx)
	const reader = "reader.e2e@example.org"
	toReader := func() []testkit.ReceivedMail {
		var out []testkit.ReceivedMail
		for _, msg := range smtp.Messages() {
			if len(msg.To) == 1 && msg.To[0] == reader {
				out = append(out, msg)
			}
		}
		return out
	}

	// A reader subscribes from the list of reports.
	must("open the reports", chromedp.Navigate(base+"/reports"), chromedp.WaitVisible(chromedp.CSS("#l-sub-email")))
	checkAccessible(t, ctx, "reports list")
	must("subscribe", chromedp.SendKeys(chromedp.CSS("#l-sub-email"), reader), chromedp.Submit(chromedp.CSS("#l-sub-email")))
	// The list page has a heading too: wait for the next page's own,
	// reading again while the browser is between the two pages.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		h, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1")))
		if err == nil && h == "Check your e-mail" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after subscribing the page is %q (%v)", h, err)
		}
	}
	if got := text("main h1"); got != "Check your e-mail" {
		t.Fatalf("after subscribing: %q", got)
	}
	checkAccessible(t, ctx, "check your e-mail")
	waitReader := func(n int) []testkit.ReceivedMail {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; {
			if got := toReader(); len(got) >= n {
				return got
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d messages to the reader arrived, want %d", len(toReader()), n)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	confirm := waitReader(1)[0]
	link := regexp.MustCompile(`https?://\S+/subscriptions/[a-z0-9]+/confirm\S*`).FindString(confirm.Text)
	if link == "" || confirm.To[0] != reader {
		t.Fatalf("confirmation message: %v\n%s", confirm.To, confirm.Text)
	}
	must("open the confirmation link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("main form button")))
	checkAccessible(t, ctx, "confirm page")
	must("confirm", chromedp.Click(chromedp.CSS("main form button")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	checkAccessible(t, ctx, "preferences page")

	// The representative writes and publishes.
	signInDemo(t, ctx, base, repEmail, password, false)
	title := "Report back: the executive in " + time.Now().Format("January 2006")
	must("open the report form", chromedp.Navigate(base+"/reports/new"), chromedp.WaitVisible(chromedp.CSS("#f-title")))
	checkAccessible(t, ctx, "report form")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector("#f-body");
		for (const o of s.options) { if (o.text.startsWith("National Executive")) { s.value = o.value; return true } } return false })()`)); err != nil {
		t.Fatal(err)
	}
	must("write", chromedp.SendKeys(chromedp.CSS("#f-title"), title),
		chromedp.SendKeys(chromedp.CSS("#f-intro"), "The committee met this month. Here is what happened."),
		chromedp.SendKeys(chromedp.CSS("#f-section-0-body"), "The Leader spoke about the campaign."),
		chromedp.SendKeys(chromedp.CSS("#f-section-3-body"), "I raised council funding."))
	must("preview", chromedp.Click(chromedp.CSS(`button[value="preview"]`)), chromedp.WaitVisible(chromedp.CSS(".report-preview")))
	checkAccessible(t, ctx, "report preview")
	must("save", chromedp.Click(chromedp.CSS(`button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	must("publish", chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)), chromedp.WaitVisible(chromedp.CSS(".report-toc")))
	checkAccessible(t, ctx, "published report")
	if got := text("#report-title"); got != title {
		t.Fatalf("report page title %q", got)
	}
	reportURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}

	// The representative's other pages.
	repPage, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".report-header .meta a").getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	for _, pg := range []struct{ path, wait string }{
		{repPage, ".reports-list"}, {"/bodies/nec/reports", ".reports-holders"}, {"/bodies/nec/meetings", ".reports-list"},
		{"/my/reports", ".reports-list"}, {"/moderation", "main h1"}, {"/events", "main h1"}, {"/search?q=committee", ".search-results"},
	} {
		must("open "+pg.path, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.wait)))
		checkAccessible(t, ctx, pg.path)
	}
	must("open a meeting", chromedp.Navigate(base+"/bodies/nec/meetings"), chromedp.Click(chromedp.CSS(".reports-list a")), chromedp.WaitVisible(chromedp.CSS("#minutes-h")))
	checkAccessible(t, ctx, "meeting page with minutes")

	// The newsletter arrives, with a one-click unsubscribe.
	news := waitReader(2)[1]
	if !strings.Contains(news.Header.Get("Subject"), "Report back") || !strings.Contains(news.Text, "I raised council funding.") || !strings.Contains(news.HTML, "<h2") {
		t.Fatalf("newsletter:\n%s\n%s", news.Header.Get("Subject"), news.Text)
	}
	unsub := strings.Trim(news.Header.Get("List-Unsubscribe"), "<>")
	if news.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.HasPrefix(unsub, base+"/subscriptions/") {
		t.Fatalf("list headers: %q %q", unsub, news.Header.Get("List-Unsubscribe-Post"))
	}
	must("see the newsletter status", chromedp.Navigate(reportURL+"/newsletter"), chromedp.WaitVisible(chromedp.CSS("table")))
	checkAccessible(t, ctx, "newsletter status")

	// The mail client unsubscribes in one click: a POST, no cookie.
	resp, err := http.PostForm(unsub, url.Values{"List-Unsubscribe": {"One-Click"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
	}
	must("the unsubscribe page says so", chromedp.Navigate(unsub), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if got := text("main h1"); got != "You are unsubscribed" {
		t.Fatalf("unsubscribe page: %q", got)
	}
	checkAccessible(t, ctx, "unsubscribed page")

	// The next report goes out without the reader.
	second := title + " (part two)"
	must("write another", chromedp.Navigate(base+"/reports/new"), chromedp.WaitVisible(chromedp.CSS("#f-title")))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector("#f-body");
		for (const o of s.options) { if (o.text.startsWith("National Executive")) { s.value = o.value; return true } } return false })()`)); err != nil {
		t.Fatal(err)
	}
	must("save and publish it", chromedp.SendKeys(chromedp.CSS("#f-title"), second), chromedp.SendKeys(chromedp.CSS("#f-intro"), "More news."),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")),
		chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)), chromedp.WaitVisible(chromedp.CSS("#report-title")))
	secondURL, _ := chromedp.Run(ctx, chromedp.Location())
	// Wait until its newsletter has been sent to whoever follows.
	for deadline := time.Now().Add(30 * time.Second); ; {
		must("newsletter status", chromedp.Navigate(secondURL+"/newsletter"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		body := text("main")
		if strings.Contains(body, "in all") && regexp.MustCompile(`Waiting to be sent\s+0`).MatchString(body) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second newsletter did not finish:\n%s", body)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if got := toReader(); len(got) != 2 {
		t.Fatalf("the reader got %d messages after unsubscribing, want still 2", len(got))
	}
}
