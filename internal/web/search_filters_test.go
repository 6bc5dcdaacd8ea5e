package web_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// searchSite is the report site with a second body, Conference, where
// rep2 and member hold seats, and four reports on housing:
//
//	alpha  rep   Executive   2024
//	beta   rep   Executive   2025
//	gamma  rep2  Conference  2024
//	delta  rep2  Executive   2025
type searchSite struct {
	*reportSite
	conference store.Body
	now        *time.Time
}

func newSearchSite(t *testing.T, db *store.DB) *searchSite {
	t.Helper()
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	s := &searchSite{now: &now}
	s.reportSite = newReportSite(t, db, func(c *report.Config) { c.Now = func() time.Time { return *s.now } })
	err := db.InTx(s.ctx, func(tx *store.Tx) error {
		id, err := tx.CreateBody(s.ctx, store.Body{Name: "Conference", Slug: "conference"})
		if err != nil {
			return err
		}
		s.conference = store.Body{ID: id, Name: "Conference", Slug: "conference"}
		sec, err := tx.CreateSection(s.ctx, store.Section{BodyID: id, Name: "Delegates", Seats: 2})
		if err != nil {
			return err
		}
		for i, role := range []string{"rep2", "member"} {
			seat, err := tx.CreateSeat(s.ctx, sec, "Delegate", i+1)
			if err != nil {
				return err
			}
			if _, err := tx.CreateSeatTerm(s.ctx, store.SeatTerm{SeatID: seat, PersonID: s.people[role].PersonID, Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		title, role string
		body        int64
		year        int
	}{
		{"Alpha", "rep", s.body.ID, 2024}, {"Beta", "rep", s.body.ID, 2025},
		{"Gamma", "rep2", s.conference.ID, 2024}, {"Delta", "rep2", s.body.ID, 2025},
	} {
		now = time.Date(r.year, 3, 1, 12, 0, 0, 0, time.UTC)
		rep, err := s.svc.CreateReport(s.ctx, s.people[r.role], report.ReportInput{Title: r.title, BodyID: r.body,
			Intro: "We spoke about housing and the " + strings.ToLower(r.title) + " estate."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.Publish(s.ctx, s.people[r.role], rep.ID); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// parseHTML parses a page; the tests read it as a browser would.
func parseHTML(t *testing.T, page string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	c, _ := attr(n, "class")
	return slices.Contains(strings.Fields(c), class)
}

// walk calls fn on every element under n.
func walk(n *html.Node, fn func(*html.Node)) {
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return b.String()
}

// searchHits lists the addresses of the results, in order.
func searchHits(doc *html.Node) []string {
	var out []string
	walk(doc, func(n *html.Node) {
		if n.Data == "ol" && hasClass(n, "search-results") {
			walk(n, func(a *html.Node) {
				if href, ok := attr(a, "href"); ok && a.Data == "a" && a.Parent.Data == "h3" {
					out = append(out, href)
				}
			})
		}
	})
	return out
}

// selected is the value chosen in the select with that id.
func selected(doc *html.Node, id string) string {
	var out string
	walk(doc, func(n *html.Node) {
		if v, _ := attr(n, "id"); n.Data == "select" && v == id {
			walk(n, func(o *html.Node) {
				if _, ok := attr(o, "selected"); ok && o.Data == "option" {
					out, _ = attr(o, "value")
				}
			})
		}
	})
	return out
}

// options lists a select's values, each with its optgroup's label first
// ("Conference/rep2") when it has one.
func options(doc *html.Node, id string) []string {
	var out []string
	walk(doc, func(n *html.Node) {
		if v, _ := attr(n, "id"); n.Data == "select" && v == id {
			walk(n, func(o *html.Node) {
				if o.Data != "option" {
					return
				}
				v, _ := attr(o, "value")
				if g, ok := attr(o.Parent, "label"); ok && o.Parent.Data == "optgroup" {
					v = g + "/" + v
				}
				out = append(out, v)
			})
		}
	})
	return out
}

// unlabelled lists the form controls a visitor could not name: inputs,
// selects and text areas without a <label for> their id.
func unlabelled(doc *html.Node) []string {
	labels := map[string]bool{}
	walk(doc, func(n *html.Node) {
		if f, ok := attr(n, "for"); ok && n.Data == "label" && strings.TrimSpace(textOf(n)) != "" {
			labels[f] = true
		}
	})
	var out []string
	walk(doc, func(n *html.Node) {
		if n.Data != "input" && n.Data != "select" && n.Data != "textarea" {
			return
		}
		if typ, _ := attr(n, "type"); typ == "hidden" || typ == "submit" || typ == "button" {
			return
		}
		if id, _ := attr(n, "id"); id == "" || !labels[id] {
			name, _ := attr(n, "name")
			out = append(out, n.Data+" "+name)
		}
	})
	return out
}

func (s *searchSite) search(t *testing.T, query string, status int) *html.Node {
	t.Helper()
	rec := s.do("anonymous", "GET", "/search?"+query, nil)
	if rec.Code != status {
		t.Fatalf("%s: status %d, want %d\n%s", query, rec.Code, status, rec.Body.String())
	}
	return parseHTML(t, rec.Body.String())
}

func TestSearchFilters(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSearchSite(t, db)
		const (
			alpha = "/reports/alpha"
			beta  = "/reports/beta"
			gamma = "/reports/gamma"
			delta = "/reports/delta"
		)
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"q=housing", []string{alpha, beta, gamma, delta}},
			{"q=housing&body=executive", []string{alpha, beta, delta}},
			{"q=housing&body=conference", []string{gamma}},
			{"q=housing&body=" + fmt.Sprint(s.body.ID), []string{alpha, beta, delta}}, // addresses from before slugs
			{"q=housing&person=rep", []string{alpha, beta}},
			{"q=housing&person=rep2", []string{gamma, delta}},
			{"q=housing&year=2024", []string{alpha, gamma}},
			{"q=housing&year=2025", []string{beta, delta}},
			{"q=housing&year=1999", nil},
			{"q=housing&body=executive&person=rep2", []string{delta}},
			{"q=housing&person=rep&year=2025", []string{beta}},
			{"q=housing&body=conference&year=2025", nil},
			{"q=housing&body=executive&person=rep&year=2024", []string{alpha}},
			{"q=housing&body=conference&person=rep2&year=2024", []string{gamma}},
			{"q=housing&person=member", nil}, // a seat and no reports yet
			{"q=housing&body=&person=&year=", []string{alpha, beta, gamma, delta}},
		} {
			doc := s.search(t, c.query, 200)
			got := searchHits(doc)
			slices.Sort(got)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: found %v, want %v", c.query, got, want)
			}
			q, _ := url.ParseQuery(c.query)
			body := q.Get("body")
			if body == fmt.Sprint(s.body.ID) {
				body = "executive"
			}
			for sel, want := range map[string]string{"f-body": body, "f-person": q.Get("person"), "f-year": q.Get("year")} {
				if got := selected(doc, sel); got != want {
					t.Errorf("%s: %s shows %q chosen, want %q", c.query, sel, got, want)
				}
			}
		}

		// The words found are marked in the snippets.
		page := s.do("anonymous", "GET", "/search?q=housing&person=rep2", nil).Body.String()
		if n := strings.Count(page, "<mark>housing</mark>"); n != 2 {
			t.Errorf("%d snippets mark the word, want 2:\n%s", n, page)
		}

		// The form offers the bodies, who has reported (under each body they
		// report on) and the years that have something to find.
		doc := s.search(t, "q=housing", 200)
		if got := options(doc, "f-body"); !slices.Equal(got, []string{"", "executive", "conference"}) {
			t.Errorf("bodies offered: %v", got)
		}
		if got := options(doc, "f-person"); !slices.Equal(got, []string{"", "Executive/rep", "Executive/rep2", "Conference/rep2"}) {
			t.Errorf("representatives offered: %v", got)
		}
		if got := options(doc, "f-year"); !slices.Equal(got, []string{"", "2025", "2024"}) {
			t.Errorf("years offered: %v", got)
		}
		// A representative or a year with nothing to find is still shown
		// as chosen.
		doc = s.search(t, "q=housing&person=member&year=1999", 200)
		if got := options(doc, "f-person"); !slices.Equal(got, []string{"", "member", "Executive/rep", "Executive/rep2", "Conference/rep2"}) {
			t.Errorf("representatives offered: %v", got)
		}
		if got := options(doc, "f-year"); !slices.Equal(got, []string{"", "2025", "2024", "1999"}) {
			t.Errorf("years offered: %v", got)
		}
		// A report published since is offered at once.
		*s.now = time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
		rep, err := s.svc.CreateReport(s.ctx, s.people["member"], report.ReportInput{Title: "Epsilon", BodyID: s.conference.ID, Intro: "Housing again."})
		if err == nil {
			_, err = s.svc.Publish(s.ctx, s.people["member"], rep.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		doc = s.search(t, "q=housing", 200)
		if got := options(doc, "f-person"); !slices.Equal(got, []string{"", "Executive/rep", "Executive/rep2", "Conference/member", "Conference/rep2"}) {
			t.Errorf("representatives offered after a new report: %v", got)
		}
		if got := options(doc, "f-year"); !slices.Equal(got, []string{"", "2026", "2025", "2024"}) {
			t.Errorf("years offered after a new report: %v", got)
		}
	})
}

func TestSearchActiveFilters(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSearchSite(t, db)
		doc := s.search(t, "q=housing&body=executive&person=rep&year=2024", 200)
		removes := map[string]string{}
		walk(doc, func(n *html.Node) {
			if n.Data == "div" && hasClass(n, "search-filters") {
				walk(n, func(li *html.Node) {
					if li.Data != "li" {
						return
					}
					walk(li, func(a *html.Node) {
						if href, ok := attr(a, "href"); ok && a.Data == "a" {
							removes[strings.Fields(textOf(li))[0]] = href
						}
					})
				})
			}
		})
		want := map[string]string{
			"Body:":           "/search?person=rep&q=housing&year=2024",
			"Representative:": "/search?body=executive&q=housing&year=2024",
			"Year:":           "/search?body=executive&person=rep&q=housing",
		}
		if fmt.Sprint(removes) != fmt.Sprint(want) {
			t.Errorf("filters shown with their removal: %v, want %v", removes, want)
		}
		if got := searchHits(s.search(t, strings.TrimPrefix(removes["Body:"], "/search?"), 200)); len(got) != 1 || got[0] != "/reports/alpha" {
			t.Errorf("without the body: %v", got)
		}
		if got := searchHits(s.search(t, strings.TrimPrefix(removes["Year:"], "/search?"), 200)); len(got) != 2 {
			t.Errorf("without the year: %v", got)
		}
		// Nothing chosen, nothing shown.
		walk(s.search(t, "q=housing", 200), func(n *html.Node) {
			if hasClass(n, "search-filters") {
				t.Error("filters shown where none is chosen")
			}
		})
	})
}

func TestSearchUnknownFilter(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSearchSite(t, db)
		for _, c := range []struct{ query, field, message string }{
			{"q=housing&body=nowhere", "body", "There is no body “nowhere”"},
			{"q=housing&body=0", "body", "There is no body “0”"},
			{"q=housing&person=nobody", "person", "There is no representative “nobody”"},
			// Someone with an account who is no representative is not
			// told apart from nobody.
			{"q=housing&person=secretary", "person", "There is no representative “secretary”"},
			{"q=housing&year=soon", "year", "“soon” is not a year"},
			{"q=housing&year=-3", "year", "“-3” is not a year"},
			{"q=housing&body=executive&year=20x4", "year", "“20x4” is not a year"},
			{"body=%3Cb%3Enowhere", "body", "There is no body “&lt;b&gt;nowhere”"},
		} {
			rec := s.do("anonymous", "GET", "/search?"+c.query, nil)
			page := rec.Body.String()
			if rec.Code != 400 {
				t.Errorf("%s: status %d, want 400", c.query, rec.Code)
			}
			if !strings.Contains(page, c.message) || !strings.Contains(page, `role="alert"`) || !strings.Contains(page, `href="#f-`+c.field+`"`) {
				t.Errorf("%s: no clear message %q:\n%s", c.query, c.message, page)
			}
			doc := parseHTML(t, page)
			if hits := searchHits(doc); len(hits) != 0 {
				t.Errorf("%s: results shown: %v", c.query, hits)
			}
			if strings.Contains(page, "results") || strings.Contains(page, "Nothing found") {
				t.Errorf("%s: a result count is shown", c.query)
			}
			// The form is there to choose again, the unknown filter marked.
			if !strings.Contains(page, `id="f-`+c.field+`" name="`+c.field+`" aria-describedby="e-`+c.field+`" aria-invalid="true"`) {
				t.Errorf("%s: the %s field is not marked", c.query, c.field)
			}
		}
	})
}

func TestSearchPagesKeepFilters(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSearchSite(t, db)
		var docs []store.SearchDocument
		for i := range 25 {
			at := time.Date(2024, 6, 1+i, 12, 0, 0, 0, time.UTC)
			docs = append(docs,
				store.SearchDocument{Kind: "report", RefID: int64(1000 + i), BodyID: s.conference.ID, PersonID: s.people["rep2"].PersonID, Year: 2024,
					Title: fmt.Sprint("In ", i), Content: "Pagination of the filtered.", URL: fmt.Sprintf("/reports/in-%d", i), PublishedAt: at},
				store.SearchDocument{Kind: "report", RefID: int64(2000 + i), BodyID: s.body.ID, PersonID: s.people["rep"].PersonID, Year: 2024,
					Title: fmt.Sprint("Out ", i), Content: "Pagination of the others.", URL: fmt.Sprintf("/reports/out-%d", i), PublishedAt: at})
		}
		if err := db.InTx(s.ctx, func(tx *store.Tx) error { return tx.BulkPutSearchDocuments(s.ctx, docs) }); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		query := "q=pagination&body=conference&person=rep2&year=2024"
		for pageNo := 1; ; pageNo++ {
			doc := s.search(t, query, 200)
			for _, h := range searchHits(doc) {
				if !strings.HasPrefix(h, "/reports/in-") || seen[h] {
					t.Errorf("page %d: %s", pageNo, h)
				}
				seen[h] = true
			}
			var next string
			walk(doc, func(n *html.Node) {
				if rel, _ := attr(n, "rel"); n.Data == "a" && rel == "next" {
					next, _ = attr(n, "href")
				}
			})
			if next == "" {
				break
			}
			u, err := url.Parse(next)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if q.Get("q") != "pagination" || q.Get("body") != "conference" || q.Get("person") != "rep2" || q.Get("year") != "2024" || q.Get("page") != fmt.Sprint(pageNo+1) {
				t.Fatalf("next page loses the filters: %s", next)
			}
			query = u.RawQuery
		}
		if len(seen) != 25 {
			t.Errorf("%d of the 25 found over the pages", len(seen))
		}
	})
}

func TestSearchFindsMeetingsButNotMinutes(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSearchSite(t, db)
		m, err := s.svc.CreateMeeting(s.ctx, s.people["secretary"], s.body.ID, report.MeetingInput{Title: "Spring meeting", HeldOn: "2024-05-10",
			Summary: "Delegates debate transport.", Agenda: []store.AgendaItem{{Title: "Railways", Detail: "Signalling works"}},
			Minutes: "Confidential: the zanzibar arrangement."})
		if err != nil {
			t.Fatal(err)
		}
		meeting := fmt.Sprintf("/meetings/%d", m.ID)
		check := func(query string, want ...string) {
			t.Helper()
			if got := searchHits(s.search(t, query, 200)); !slices.Equal(got, want) {
				t.Errorf("%s: found %v, want %v", query, got, want)
			}
		}
		check("q=transport", meeting)
		check("q=signalling", meeting)
		check("q=transport&body=executive&year=2024", meeting)
		check("q=transport&body=conference")
		check("q=transport&year=2025")
		check("q=transport&person=rep")
		check("q=zanzibar")
		if _, err := s.svc.UpdateMeeting(s.ctx, s.people["secretary"], m.ID, report.MeetingInput{Title: "Spring meeting", HeldOn: "2024-05-10",
			Summary: "Delegates debate transport.", Minutes: "The zanzibar arrangement, and quartz."}); err != nil {
			t.Fatal(err)
		}
		check("q=zanzibar")
		check("q=quartz")
		check("q=transport", meeting)
	})
}

func TestSearchBoxesOnReportPages(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSearchSite(t, db)
		for _, c := range []struct {
			page, filter, value string
			want                []string
		}{
			{"/people/rep2/reports", "person", "rep2", []string{"/reports/gamma", "/reports/delta"}},
			{"/bodies/conference/reports", "body", "conference", []string{"/reports/gamma"}},
		} {
			rec := s.do("anonymous", "GET", c.page, nil)
			if rec.Code != 200 {
				t.Fatalf("%s: %d", c.page, rec.Code)
			}
			doc := parseHTML(t, rec.Body.String())
			if bad := unlabelled(doc); len(bad) > 0 {
				t.Errorf("%s: controls without a label: %v", c.page, bad)
			}
			// Submit the search form as a browser would.
			var form url.Values
			walk(doc, func(n *html.Node) {
				if action, _ := attr(n, "action"); n.Data != "form" || action != "/search" {
					return
				}
				form = url.Values{}
				walk(n, func(in *html.Node) {
					if name, ok := attr(in, "name"); ok && in.Data == "input" {
						v, _ := attr(in, "value")
						form.Set(name, v)
					}
				})
			})
			if form == nil || form.Get(c.filter) != c.value {
				t.Fatalf("%s: no search form narrowed to %s=%s: %v", c.page, c.filter, c.value, form)
			}
			form.Set("q", "housing")
			got := searchHits(s.search(t, form.Encode(), 200))
			slices.Sort(got)
			slices.Sort(c.want)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: the search box finds %v, want %v", c.page, got, c.want)
			}
		}
		for _, q := range []string{"q=housing", "q=housing&body=executive&person=rep&year=2024", "q=housing&person=nobody", "q=&person=member"} {
			if bad := unlabelled(s.search(t, q, map[bool]int{true: 400, false: 200}[strings.Contains(q, "nobody")])); len(bad) > 0 {
				t.Errorf("/search?%s: controls without a label: %v", q, bad)
			}
		}
	})
}
