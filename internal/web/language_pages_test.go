package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"quorum/internal/ballot"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
	"quorum/internal/web"
)

var (
	messageCall = regexp.MustCompile(`\b(?:t|tn|th)\s+"([^"]+)"`)
	markup      = regexp.MustCompile(`<[^>]*>`)
)

// visibleText is what a reader sees of a page (and hears of its labels),
// less the count's chart and stage-by-stage sheet, which the count writes
// in English.
func visibleText(page string) string {
	page = regexp.MustCompile(`(?s)<script.*?</script>|<figure><svg.*?</figure>|<pre class="result-sheet.*?</pre>`).ReplaceAllString(page, "")
	attrs := regexp.MustCompile(`(?:aria-label|data-say-\w+|title|alt)="([^"]*)"`).FindAllStringSubmatch(page, -1)
	text := markup.ReplaceAllString(page, " ")
	for _, a := range attrs {
		text += " " + a[1]
	}
	return html.UnescapeString(text)
}

// englishLeft lists the English words, of the messages the given templates
// use, that a Welsh page still shows. Messages with placeholders are
// checked by their longest fixed part; those Welsh leaves as in English
// (none yet) are skipped.
func englishLeft(t *testing.T, page string, templates ...string) []string {
	t.Helper()
	en, cy := web.ReadCatalogue(t, "en"), web.ReadCatalogue(t, "cy")
	text := visibleText(page)
	var left []string
	for _, name := range append(templates, "layout.html", "partials/forms.html") {
		b, err := os.ReadFile("templates/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range messageCall.FindAllStringSubmatch(string(b), -1) {
			words, ok := en[m[1]].(string)
			if !ok {
				continue // plural forms: checked through the Welsh strings
			}
			if cy[m[1]] == words {
				continue
			}
			words = html.UnescapeString(markup.ReplaceAllString(words, ""))
			fixed := ""
			for _, part := range regexp.MustCompile(`{{[^}]*}}`).Split(words, -1) {
				if len(strings.TrimSpace(part)) > len(fixed) {
					fixed = strings.TrimSpace(part)
				}
			}
			if len(fixed) >= 3 && regexp.MustCompile(`\b`+regexp.QuoteMeta(fixed)+`\b`).MatchString(text) {
				left = append(left, m[1]+": "+fixed)
			}
		}
	}
	return left
}

func welshPage(t *testing.T, rec *httptest.ResponseRecorder, status int, what string, templates []string, wants ...string) string {
	t.Helper()
	expect(t, rec, status, what)
	body := rec.Body.String()
	if !strings.Contains(body, `<html lang="cy">`) {
		t.Errorf("%s: not marked as Welsh: %.200s", what, body)
	}
	text := html.UnescapeString(body)
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s: no %q in %.4000s", what, w, text)
		}
	}
	if left := englishLeft(t, body, templates...); len(left) > 0 {
		t.Errorf("%s: English left on the Welsh page: %q", what, left)
	}
	return body
}

// TestAWelshVotersJourney follows a voter who reads Welsh from the
// election's page to the receipt, and after the close to the result and
// the bulletin board where they check their tracker: every page is in
// Welsh, with nothing of its English left, and so are the reasons a ballot
// is refused and the answers to a tracker checked.
func TestAWelshVotersJourney(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		base, f := openElectionThroughPages(t, s, "Cadeirydd y gangen", nil)
		cy := func(method, path string, form url.Values) *httptest.ResponseRecorder {
			return s.doLang("member", method, path, form, "cy", "en-GB")
		}
		show := []string{"pages/election_show.html", "partials/election_hustings.html", "partials/election_signoffs.html"}
		welshPage(t, cy("GET", base, nil), http.StatusOK, "the election page", show,
			"Pleidleisiwch nawr", "Amserlen", "Ymgeiswyr", "Pleidleisio ar agor", "1 sedd")
		paper := []string{"pages/election_ballot.html"}
		welshPage(t, cy("GET", base+"/vote", nil), http.StatusOK, "the ballot paper", paper,
			"Pleidleisio: Cadeirydd y gangen", "Rhifwch yr ymgeiswyr yn nhrefn eich dewis", "1 i'w ethol.", "Gwirio fy mhleidlais",
			`data-say-help="Dewiswch Rhestru`, `data-say-chosen="{name} yw eich dewis {n}."`)

		twice := welshPage(t, cy("POST", base+"/vote", url.Values{f[0]: {"1"}, f[1]: {"1"}}), http.StatusUnprocessableEntity, "a number given twice", paper,
			"Ni ellir derbyn eich papur pleidleisio eto", "Mae dewis 1 wedi'i roi i ddau ymgeisydd: rhowch bob rhif unwaith yn unig.")
		if strings.Contains(twice, "given to two candidates") {
			t.Errorf("the ballot's problem is told in English")
		}
		welshPage(t, cy("POST", base+"/vote", url.Values{f[0]: {"7"}}), http.StatusUnprocessableEntity, "a number out of range", paper,
			`Defnyddiwch y rhifau 1 i 3: nid yw "7" yn un ohonynt.`)

		welshPage(t, cy("POST", base+"/vote", url.Values{f[0]: {"1"}, f[1]: {"2"}}), http.StatusOK, "the review", []string{"pages/election_review.html"},
			"Gwiriwch eich pleidlais", "Eich dewisiadau, yn eu trefn", "ni ellir ei newid", "Cadarnhau fy mhleidlais", "Ei newid")
		receipt := welshPage(t, cy("POST", base+"/vote/confirm", url.Values{f[0]: {"1"}, f[1]: {"2"}}), http.StatusOK, "the receipt", []string{"pages/election_receipt.html"},
			"Rydych chi wedi pleidleisio", "Eich cod tracio:", "dim ond y tro hwn y caiff ei ddangos", "Yn ôl i'r etholiad")
		tracker := regexp.MustCompile(`id="tracker">([^<]+)<`).FindStringSubmatch(receipt)
		if tracker == nil {
			t.Fatalf("no tracker on the Welsh receipt")
		}

		welshPage(t, cy("GET", base, nil), http.StatusOK, "the election page after voting", show, "Rydych chi wedi pleidleisio. Diolch.")
		welshPage(t, cy("GET", base+"/vote", nil), http.StatusConflict, "a second vote", []string{"pages/error.html"},
			"Rydych chi eisoes wedi pleidleisio yn yr etholiad hwn.", "Ddim yn bosibl ar hyn o bryd")
		welshPage(t, cy("GET", "/elections", nil), http.StatusOK, "the election list", []string{"pages/election_list.html"},
			"Etholiadau", "Pleidleisio nawr", "Cadeirydd y gangen")

		// After the close: the result, and the board where the voter checks
		// their tracker.
		castThroughPages(t, s, "officer", base, url.Values{f[1]: {"1"}})
		countThroughPages(t, s, base, s.shareFiles[base])
		expect(t, s.do("returning_officer", "POST", base+"/actions/declare", url.Values{}), http.StatusSeeOther, "declare")
		welshPage(t, cy("GET", base+"/result", nil), http.StatusOK, "the result",
			[]string{"pages/election_result.html", "partials/election_recount.html", "partials/election_signoffs.html"},
			"Canlyniad: Cadeirydd y gangen", "Cyhoeddwyd ar ", "Etholwyd", "2 papur pleidleisio.", "Hedyn y coelbren:",
			"Gwreiddyn Merkle y papurau pleidleisio:", "Y cyfrif, fesul cam", "Hysbysfwrdd", "Papurau pleidleisio (JSON)",
			"Nid oes yr un craffwr wedi cymeradwyo'r cyfrif eto.", "Ailgyfrifwch eich hun", "Gall unrhyw un ailgyfrif",
			"<code>quorum count</code>", "a rhedwch:", "cadeirydd-y-gangen-ballots.json</code>", "quorum count --root ")
		board := []string{"pages/election_board.html", "partials/election_recount.html"}
		welshPage(t, cy("GET", base+"/board", nil), http.StatusOK, "the board", board,
			"Hysbysfwrdd: Cadeirydd y gangen", "Pob papur pleidleisio a gyfrifwyd", "2 papur pleidleisio.", "Gwreiddyn Merkle:",
			"Lawrlwytho fel JSON", "Gwiriwch eich papur pleidleisio", "Eich cod tracio", "nid oes ots am fylchau",
			"Papurau pleidleisio gyda'u codau tracio", "Cod tracio", "Dewisiadau yn eu trefn", "Ailgyfrifwch eich hun")
		welshPage(t, cy("GET", base+"/board?tracker="+url.QueryEscape(strings.ToLower(tracker[1])), nil), http.StatusOK, "a tracker on the board", board,
			"Mae eich papur pleidleisio ar yr hysbysfwrdd, ac mae ei brawf yn arwain at y gwreiddyn a gyhoeddwyd.",
			"Dyma'r hyn sydd arno: 1. Ada, 2. Ben.", "Y prawf ei fod wedi'i gynnwys", "Safle ", "llwybr archwilio, o'r ddeilen i fyny:")
		stranger, err := ballot.NewTracker()
		if err != nil {
			t.Fatal(err)
		}
		welshPage(t, cy("GET", base+"/board?tracker="+url.QueryEscape(stranger.String()), nil), http.StatusOK, "a tracker not on the board", board,
			"Nid oes gan yr un papur pleidleisio y cod tracio hwn.", "rhowch wybod i'r swyddog canlyniadau.")
		welshPage(t, cy("GET", base+"/board?tracker=not-a-tracker", nil), http.StatusUnprocessableEntity, "a tracker mistyped", board,
			"Nid cod tracio yw hwn: gwiriwch ef fesul nod", "Mae problem wedi codi")

		// English stays the default, and the same pages are in English.
		en := s.do("member", "GET", base, nil)
		mustContain(t, en, "the election page in English", `<html lang="en-GB">`, "You have voted. Thank you.", "Timetable")
		mustContain(t, s.do("member", "GET", base+"/result", nil), "the result in English", `<html lang="en-GB">`,
			"Result: Cadeirydd y gangen", "Elected", "2 ballots. Seed of the lot:", "Recount it yourself", "Anyone can recount the ballots with <code>quorum count</code>")
		mustContain(t, s.do("member", "GET", base+"/board?tracker="+url.QueryEscape(stranger.String()), nil), "a tracker not on the board in English",
			"Bulletin board: Cadeirydd y gangen", "2 ballots. Merkle root:", "No ballot has this tracker.", "Your tracker", "Preferences in order")
		mustContain(t, s.do("member", "GET", base+"/board?tracker=not-a-tracker", nil), "a tracker mistyped in English",
			"This is not a tracker code: check it character by character")
	})
}

// TestTheLanguageSwitch: the link in the header sets the reader's choice,
// without script, and brings them back to the page they were reading; a
// page that answered a form brings them back to the page above it.
func TestTheLanguageSwitch(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		page := s.do("anonymous", "GET", "/elections?show=past", nil)
		mustContain(t, page, "the English page", `<html lang="en-GB">`,
			`<a href="/language/cy?back=%2felections%3fshow%3dpast" lang="cy" hreflang="cy">Cymraeg</a>`)

		sw := s.do("anonymous", "GET", "/language/cy?back=%2felections%3fshow%3dpast", nil)
		expect(t, sw, http.StatusSeeOther, "the switch to Welsh")
		if got := sw.Header().Get("Location"); got != "/elections?show=past" {
			t.Errorf("the switch sends the reader to %q", got)
		}
		var chosen *http.Cookie
		for _, c := range sw.Result().Cookies() {
			if c.Name == "lang" {
				chosen = c
			}
		}
		if chosen == nil || chosen.Value != "cy" || chosen.MaxAge <= 0 {
			t.Fatalf("the switch keeps no choice: %v", sw.Result().Cookies())
		}

		back := s.doLang("anonymous", "GET", "/elections?show=past", nil, chosen.Value, "")
		mustContain(t, back, "the page in Welsh", `<html lang="cy">`, "Etholiadau",
			`<a href="/language/en?back=%2felections%3fshow%3dpast" lang="en-GB" hreflang="en-GB">English</a>`)

		// The cookie beats the browser; the browser beats the default.
		mustContain(t, s.doLang("anonymous", "GET", "/signin", nil, "en", "cy"), "English chosen, Welsh asked for", `<html lang="en-GB">`, "Sign in")
		mustContain(t, s.doLang("anonymous", "GET", "/signin", nil, "", "cy-GB,cy;q=0.9"), "Welsh asked for", `<html lang="cy">`, "Mewngofnodi", "Cyfeiriad e-bost")

		for from, to := range map[string]string{
			"/elections/chair/vote/confirm": "/elections/chair/vote",
			"//evil.example/":               "/",
			"":                              "/",
		} {
			rec := s.do("anonymous", "GET", "/language/en?back="+url.QueryEscape(from), nil)
			if got := rec.Header().Get("Location"); got != to {
				t.Errorf("back from %q: sent to %q, want %q", from, got, to)
			}
		}
		expect(t, s.do("anonymous", "GET", "/language/fr", nil), http.StatusNotFound, "a language not spoken")
	})
}

// TestReportPageKeptPerLanguage: the copy of a published report kept for
// visitors is kept for each language, so a Welsh reader is never given
// the English copy, nor an English reader the Welsh.
func TestReportPageKeptPerLanguage(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		r := s.report("rep", "Adroddiad Ionawr", true, report.ReportInput{Summary: "Summary."})
		get := func(lang string) string {
			req := httptest.NewRequest("GET", "/reports/"+r.Slug, nil)
			if lang != "" {
				req.Header.Set("Accept-Language", lang)
			}
			rec := httptest.NewRecorder()
			s.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			return rec.Body.String()
		}
		for i, want := range []struct{ lang, mark string }{
			{"", `<html lang="en-GB">`}, {"cy", `<html lang="cy">`}, {"en", `<html lang="en-GB">`}, {"cy", `<html lang="cy">`},
		} {
			if page := get(want.lang); !strings.Contains(page, want.mark) || !strings.Contains(page, "Adroddiad Ionawr") {
				t.Errorf("request %d (%q): not %s: %.200s", i, want.lang, want.mark, page)
			}
		}
	})
}

// TestWelshNominationList: the public list of nomination periods is in
// Welsh, empty and with a period open.
func TestWelshNominationList(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		list := []string{"pages/nomination_list.html"}
		welshPage(t, s.doLang("anonymous", "GET", "/nominations", nil, "cy", ""), http.StatusOK, "no periods", list,
			"<title>Enwebiadau", "Mae ymgeiswyr yn cyrraedd papur pleidleisio drwy gael eu henwebu.", "Dim cyfnodau enwebu eto.")
		s.openPeriod(t)
		welshPage(t, s.doLang("anonymous", "GET", "/nominations", nil, "cy", ""), http.StatusOK, "a period open", list,
			"Cyfnodau enwebu", "Cyfnod", "Cyflwr", "Dyddiad cau", "Branch delegates nominations", "Ar agor")
		mustContain(t, s.do("anonymous", "GET", "/nominations", nil), "the list in English", `<html lang="en-GB">`,
			"Candidates reach a ballot by being nominated.", "Nomination periods", "Deadline", "Open")
	})
}
