package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// openElectionThroughPages sets up an election through the returning
// officer's pages (three candidates, the branch's members on the roll, the
// returning officer and scrutineer as trustees, the officer's share file
// kept in s.shareFiles, the scrutineer's sealed with the passphrase
// "correct horse battery") and opens it. settings
// adds fields to the set-up form, e.g. allow_change. It returns the
// election's address and the ballot's field names, one per candidate.
func openElectionThroughPages(t *testing.T, s *site, title string, settings url.Values) (string, []string) {
	t.Helper()
	base := draftElectionThroughPages(t, s, title, settings, candidate("Ada"), candidate("Ben"), candidate("Cy"))
	if s.shareFiles == nil {
		s.shareFiles = map[string][]byte{}
	}
	s.shareFiles[base] = keyThroughPages(t, s, base)
	expect(t, s.do("returning_officer", "POST", base+"/actions/open", url.Values{}), http.StatusSeeOther, "open")
	var fields []string
	for _, m := range regexp.MustCompile(`name="(rank-\d+)"`).FindAllStringSubmatch(s.do("member", "GET", base+"/vote", nil).Body.String(), -1) {
		fields = append(fields, m[1])
	}
	if len(fields) != 3 {
		t.Fatalf("the ballot paper shows %d candidates, want 3", len(fields))
	}
	return base, fields
}

// castThroughPages reviews and confirms a ballot and returns its tracker.
func castThroughPages(t *testing.T, s *site, role, base string, ballot url.Values) string {
	t.Helper()
	expect(t, s.do(role, "POST", base+"/vote", ballot), http.StatusOK, role+" review")
	rec := s.do(role, "POST", base+"/vote/confirm", ballot)
	expect(t, rec, http.StatusOK, role+" cast")
	m := regexp.MustCompile(`id="tracker">([^<]+)<`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("%s: no tracker on the receipt: %.1500s", role, rec.Body.String())
	}
	return m[1]
}

// TestChangingAVoteThroughThePages: where the election allows it, a voter
// who has voted is offered the ballot again and a new vote replaces the
// old; where it does not, the ballot is refused with the reason.
func TestChangingAVoteThroughThePages(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		base, f := openElectionThroughPages(t, s, "Chair with second thoughts", url.Values{"allow_change": {"on"}})
		first := castThroughPages(t, s, "member", base, url.Values{f[0]: {"1"}})

		page := s.do("member", "GET", base, nil).Body.String()
		if !strings.Contains(page, "You have voted") || !strings.Contains(page, `href="`+base+`/vote">Change your vote</a>`) {
			t.Fatalf("the election page does not offer a change of vote: %.3000s", page)
		}
		paper := s.do("member", "GET", base+"/vote", nil)
		expect(t, paper, http.StatusOK, "the ballot paper again")
		if !strings.Contains(paper.Body.String(), "a new vote replaces the old one") {
			t.Fatalf("the ballot paper does not say the vote will be replaced: %.2000s", paper.Body.String())
		}
		// "Change" on the review page goes back to the paper with the numbers kept.
		back := s.do("member", "POST", base+"/vote/change", url.Values{f[1]: {"1"}, f[2]: {"2"}})
		expect(t, back, http.StatusOK, "back to the paper")
		if !regexp.MustCompile(`name="` + f[2] + `"[^>]*value="2"`).MatchString(back.Body.String()) {
			t.Fatalf("the numbers were not kept: %.3000s", back.Body.String())
		}
		second := castThroughPages(t, s, "member", base, url.Values{f[1]: {"1"}, f[2]: {"2"}})
		if second == first {
			t.Fatal("the new vote has the old tracker")
		}
		var envelopes int
		if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM election_envelopes`).Scan(&envelopes); err != nil {
			t.Fatal(err)
		}
		if envelopes != 1 {
			t.Fatalf("%d envelopes after a change of vote, want 1", envelopes)
		}

		// Without the setting, a second ballot is refused, with the reason.
		fixed, g := openElectionThroughPages(t, s, "Chair without second thoughts", nil)
		castThroughPages(t, s, "member", fixed, url.Values{g[0]: {"1"}})
		page = s.do("member", "GET", fixed, nil).Body.String()
		if !strings.Contains(page, "You have voted. Thank you.") || strings.Contains(page, "Change your vote") {
			t.Fatalf("an election without changes offers one: %.3000s", page)
		}
		refused := s.do("member", "GET", fixed+"/vote", nil)
		expect(t, refused, http.StatusConflict, "a second ballot paper")
		if !strings.Contains(refused.Body.String(), "already voted") {
			t.Fatalf("the refusal does not say why: %.2000s", refused.Body.String())
		}
		expect(t, s.do("member", "POST", fixed+"/vote/confirm", url.Values{g[1]: {"1"}}), http.StatusConflict, "a second vote")
	})
}
