package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// addCandidate adds Cora Candidate, who stands in elections but holds no
// membership and so is on no roll, and signs her in as "candidate".
func (s *site) addCandidate() {
	s.t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(fixturePassword)
	if err != nil {
		s.t.Fatal(err)
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if id, err = tx.CreatePerson(ctx, store.Person{Name: "Cora Candidate", Email: "candidate@example.org", Slug: "cora-candidate", ShowProfile: true}); err != nil {
			return err
		}
		return tx.CreateAccount(ctx, id, hash)
	})
	if err != nil {
		s.t.Fatal(err)
	}
	a := &auth.Service{DB: s.db, Mail: s.mail, BaseURL: "http://quorum.test"}
	s.sessions["candidate"] = signIn(s.t, s.db, a, "candidate@example.org", "candidate")
	s.people["candidate"] = id
}

// runJobs runs the election jobs that are due (ballot links, mailings),
// as the server's runner would.
func (s *site) runJobs() {
	s.t.Helper()
	runner := jobs.NewRunner(jobs.NewQueue(s.db, nil), jobs.Config{Workers: 1, Logger: slog.New(slog.DiscardHandler)})
	s.elections.Register(runner)
	for {
		n, err := runner.RunDue(context.Background())
		if err != nil {
			s.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

type queuedMail struct{ to, subject, text string }

// outbox lists the e-mails queued with a subject that starts so.
func (s *site) outbox(subject string) []queuedMail {
	s.t.Helper()
	rows, err := s.db.Query(context.Background(), `SELECT to_addr, subject, body_text FROM outbox ORDER BY id`)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var out []queuedMail
	for rows.Next() {
		var m queuedMail
		if err := rows.Scan(&m.to, &m.subject, &m.text); err != nil {
			s.t.Fatal(err)
		}
		if strings.HasPrefix(m.subject, subject) {
			out = append(out, m)
		}
	}
	if err := rows.Err(); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// audited lists the old and new values of the audit log's rows of an action.
func (s *site) audited(action string) []string {
	s.t.Helper()
	rows, err := s.db.Query(context.Background(), `SELECT old_value, new_value FROM audit_log WHERE action = ? ORDER BY id`, action)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var o, n string
		if err := rows.Scan(&o, &n); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, strings.TrimSpace(o+" "+n))
	}
	return out
}

// count runs a COUNT(*) query.
func (s *site) count(q string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// candidateIDs maps the candidates' names to their ids in an election.
func (s *site) candidateIDs(base string) map[string]string {
	s.t.Helper()
	rows, err := s.db.Query(context.Background(), `SELECT c.id, c.name FROM election_candidates c JOIN elections e ON e.id = c.election_id WHERE e.slug = ?`, strings.TrimPrefix(base, "/elections/"))
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			s.t.Fatal(err)
		}
		out[name] = fmt.Sprint(id)
	}
	return out
}

// status is an election's stage as stored.
func (s *site) status(base string) string {
	s.t.Helper()
	var st string
	if err := s.db.QueryRow(context.Background(), `SELECT status FROM elections WHERE slug = ?`, strings.TrimPrefix(base, "/elections/")).Scan(&st); err != nil {
		s.t.Fatal(err)
	}
	return st
}

// pageText is a page's body with its HTML escapes undone, to look for the words a reader sees.
func pageText(rec *httptest.ResponseRecorder) string { return html.UnescapeString(rec.Body.String()) }

func mustContain(t *testing.T, rec *httptest.ResponseRecorder, what string, wants ...string) {
	t.Helper()
	body := pageText(rec)
	for _, want := range wants {
		if !strings.Contains(body, want) {
			main := body
			if i := strings.Index(body, "<main"); i >= 0 {
				main = body[i:]
			}
			t.Fatalf("%s: the page lacks %q: %.3000s", what, want, main)
		}
	}
}

func expectFlash(t *testing.T, rec *httptest.ResponseRecorder, status int, what, flash string) {
	t.Helper()
	expect(t, rec, status, what)
	if got := flashOf(rec); got != flash {
		t.Fatalf("%s: message %q, want %q", what, got, flash)
	}
}

func candidate(name string) url.Values { return url.Values{"name": {name}} }

// draftElectionThroughPages sets up an election in draft through the
// returning officer's pages: the candidates and the branch's members as
// the electorate, no key yet.
func draftElectionThroughPages(t *testing.T, s *site, title string, settings url.Values, candidates ...url.Values) string {
	t.Helper()
	form := url.Values{"title": {title}, "seats": {"1"}, "method": {"irv"}}
	for k, v := range settings {
		form[k] = v
	}
	rec := s.do("returning_officer", "POST", "/admin/elections", form)
	expect(t, rec, http.StatusSeeOther, "create")
	base := strings.TrimSuffix(rec.Header().Get("Location"), "/manage")
	for _, c := range candidates {
		expect(t, s.postFile("returning_officer", base+"/candidates/save", "photo", "", nil, c), http.StatusSeeOther, "add "+c.Get("name"))
	}
	expect(t, s.do("returning_officer", "POST", base+"/rules", url.Values{"rules": {`[{"kind": "members", "unit_types": ["branch"]}]`}}), http.StatusSeeOther, "rules")
	return base
}

// trusteesForm names the returning officer and the scrutineer as the
// trustees of the key, two shares of two needed.
var trusteesForm = url.Values{
	"trustees":  {"returning_officer@example.org returning officer\nscrutineer@example.org scrutineer"},
	"threshold": {"2"},
}

// keyThroughPages makes the election key; the returning officer takes
// their share as a file, which is returned for the count, and the
// scrutineer seals theirs with a passphrase.
func keyThroughPages(t *testing.T, s *site, base string) []byte {
	t.Helper()
	expect(t, s.do("returning_officer", "POST", base+"/key", trusteesForm), http.StatusSeeOther, "key")
	rec := s.do("returning_officer", "POST", base+"/trustee/file", url.Values{})
	expect(t, rec, http.StatusOK, "share file")
	expect(t, s.do("scrutineer", "POST", base+"/trustee/seal", url.Values{"passphrase": {scrutineerPassphrase}, "passphrase_again": {scrutineerPassphrase}}), http.StatusSeeOther, "seal")
	return rec.Body.Bytes()
}

const scrutineerPassphrase = "correct horse battery"

// countThroughPages closes voting and gives both shares, which counts.
func countThroughPages(t *testing.T, s *site, base string, roShare []byte) {
	t.Helper()
	expect(t, s.do("returning_officer", "POST", base+"/actions/close", url.Values{}), http.StatusSeeOther, "close")
	expect(t, s.do("scrutineer", "POST", base+"/trustee/submit", url.Values{"passphrase": {scrutineerPassphrase}}), http.StatusSeeOther, "scrutineer's share")
	expect(t, s.postFile("returning_officer", base+"/trustee/submit", "share", "share.txt", roShare, nil), http.StatusSeeOther, "returning officer's share")
	if st := s.status(base); st != store.ElectionCounted {
		t.Fatalf("after both shares the election is %s, want counted", st)
	}
}

// ballotFields reads the ballot paper's numbered boxes by candidate name.
func ballotFields(t *testing.T, s *site, role, base string) map[string]string {
	t.Helper()
	rec := s.do(role, "GET", base+"/vote", nil)
	expect(t, rec, http.StatusOK, "ballot paper")
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`<label for="(rank-\d+)" class="ballot-name">([^<]+)</label>`).FindAllStringSubmatch(rec.Body.String(), -1) {
		out[m[2]] = m[1]
	}
	return out
}

// fromNow is a time d from now as the settings form takes it (the
// fixture's server keeps UTC).
func fromNow(d time.Duration) string { return time.Now().Add(d).UTC().Format("2006-01-02T15:04") }

// TestTrusteePageThroughTheLifeOfTheKey follows a trustee's page from the
// share still waiting to be taken to the share given for the count.
func TestTrusteePageThroughTheLifeOfTheKey(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		base := draftElectionThroughPages(t, s, "Treasurer", nil, candidate("Ada"), candidate("Ben"))
		expect(t, s.do("returning_officer", "POST", base+"/key", trusteesForm), http.StatusSeeOther, "key")

		page := s.do("returning_officer", "GET", base+"/trustee", nil)
		expect(t, page, http.StatusOK, "the trustee's page")
		mustContain(t, page, "a share waiting", "You are one of 2 trustees", "2 shares are needed", "Take your share (you can do this once)", `action="`+base+`/trustee/file"`)
		expect(t, s.do("member", "GET", base+"/trustee", nil), http.StatusNotFound, "a draft's trustee page to a member")

		file := s.do("returning_officer", "POST", base+"/trustee/file", url.Values{})
		expect(t, file, http.StatusOK, "take the share as a file")
		if cd := file.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="treasurer-key-share-`) {
			t.Fatalf("the share is not a download: %q", cd)
		}
		if file.Header().Get("Cache-Control") != "no-store" {
			t.Fatal("the share file may be cached")
		}
		mustContain(t, s.do("returning_officer", "GET", base+"/trustee", nil), "a share taken as a file", "You hold your share as a file")

		mismatch := s.do("scrutineer", "POST", base+"/trustee/seal", url.Values{"passphrase": {scrutineerPassphrase}, "passphrase_again": {"correct horse battery!"}})
		expect(t, mismatch, http.StatusUnprocessableEntity, "two different passphrases")
		mustContain(t, mismatch, "two different passphrases", "The two passphrases are not the same")
		short := s.do("scrutineer", "POST", base+"/trustee/seal", url.Values{"passphrase": {"short"}, "passphrase_again": {"short"}})
		expect(t, short, http.StatusUnprocessableEntity, "a short passphrase")
		mustContain(t, short, "a short passphrase", "Choose a passphrase of at least")
		expect(t, s.do("scrutineer", "POST", base+"/trustee/seal", url.Values{"passphrase": {scrutineerPassphrase}, "passphrase_again": {scrutineerPassphrase}}), http.StatusSeeOther, "seal")
		mustContain(t, s.do("scrutineer", "GET", base+"/trustee", nil), "a sealed share", "You hold your share, sealed with your passphrase")

		expect(t, s.do("returning_officer", "POST", base+"/actions/open", url.Values{}), http.StatusSeeOther, "open")
		// Someone who holds no share is refused in plain words; a visitor is asked to sign in.
		refused := s.do("member", "GET", base+"/trustee", nil)
		expect(t, refused, http.StatusForbidden, "the trustee's page to a member")
		mustContain(t, refused, "the trustee's page to a member", "You are not a trustee of this election's key.")
		anon := s.do("anonymous", "GET", base+"/trustee", nil)
		expect(t, anon, http.StatusSeeOther, "the trustee's page to a visitor")
		if loc := anon.Header().Get("Location"); loc != "/signin?next="+url.QueryEscape(base+"/trustee") {
			t.Fatalf("a visitor is sent to %q", loc)
		}

		f := ballotFields(t, s, "member", base)
		castThroughPages(t, s, "member", base, url.Values{f["Ben"]: {"1"}})
		expect(t, s.do("returning_officer", "POST", base+"/actions/close", url.Values{}), http.StatusSeeOther, "close")
		mustContain(t, s.do("returning_officer", "GET", base+"/trustee", nil), "the count waits for a file",
			"Give your share for the count", "0 of the 2 shares needed have been given", `name="share" type="file"`)
		mustContain(t, s.do("scrutineer", "GET", base+"/trustee", nil), "the count waits for a passphrase",
			"Give your share for the count", `autocomplete="current-password"`)
		expectFlash(t, s.do("scrutineer", "POST", base+"/trustee/submit", url.Values{"passphrase": {scrutineerPassphrase}}), http.StatusSeeOther,
			"the scrutineer's share", "Thank you: 1 of the 2 shares needed have been given.")
		mustContain(t, s.do("scrutineer", "GET", base+"/trustee", nil), "a share given", "You have given your share for the count.")
		expectFlash(t, s.postFile("returning_officer", base+"/trustee/submit", "share", "share.txt", file.Body.Bytes(), nil), http.StatusSeeOther,
			"the last share", "Thank you: yours was the last share needed. The ballots are opened and counted; the scrutineer can now check the count.")
		if st := s.status(base); st != store.ElectionCounted {
			t.Fatalf("the election is %s after the last share, want counted", st)
		}
	})
}

// TestBallotLinkVotesOnce sends ballot links, votes through one without
// signing in (paper, review, change, confirm) and checks that the link then
// stops working.
func TestBallotLinkVotesOnce(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		// Links expire at the close, so an election without a closing time sends none, and says why.
		noClose, _ := openElectionThroughPages(t, s, "Chair without a closing time", nil)
		expectFlash(t, s.do("returning_officer", "POST", noClose+"/actions/links", url.Values{}), http.StatusSeeOther, "links without a close",
			"This is not possible at this stage of the election: set the closing time first: links expire at the close.")

		base, f := openElectionThroughPages(t, s, "Chair by post", url.Values{"ballot_close": {fromNow(72 * time.Hour)}})
		castThroughPages(t, s, "returning_officer", base, url.Values{f[0]: {"1"}})
		expectFlash(t, s.do("returning_officer", "POST", base+"/actions/links", url.Values{}), http.StatusSeeOther, "links",
			"Ballot links are being e-mailed to every voter who has not voted.")
		if len(s.outbox("Your ballot")) != 0 {
			t.Fatal("the links went out before the job ran")
		}
		s.runJobs()
		links := map[string]string{}
		for _, m := range s.outbox("Your ballot: Chair by post") {
			p := regexp.MustCompile(`http://quorum\.test(/ballot/[A-Za-z0-9_-]{20,})`).FindStringSubmatch(m.text)
			if p == nil || !strings.Contains(m.text, "Do not forward this e-mail") {
				t.Fatalf("the ballot e-mail to %s lacks its link or warning: %s", m.to, m.text)
			}
			links[m.to] = p[1]
		}
		if len(links) != 5 || links["returning_officer@example.org"] != "" {
			t.Fatalf("links went to %v; want the five voters who have not voted", links)
		}
		link := links["member@example.org"]

		paper := s.do("anonymous", "GET", link, nil)
		expect(t, paper, http.StatusOK, "the paper of a link")
		mustContain(t, paper, "the paper of a link", "Ballot paper of <strong>The member</strong>", `action="`+link+`"`, `name="`+f[2]+`"`)
		bad := s.do("anonymous", "POST", link, url.Values{f[0]: {"1"}, f[1]: {"1"}})
		expect(t, bad, http.StatusUnprocessableEntity, "two firsts through a link")
		mustContain(t, bad, "two firsts through a link", "Choice 1 is given to two candidates: give each number once.")

		ballot := url.Values{f[1]: {"1"}, f[0]: {"2"}}
		review := s.do("anonymous", "POST", link, ballot)
		expect(t, review, http.StatusOK, "review through a link")
		mustContain(t, review, "review through a link", "Check your vote", `action="`+link+`/confirm"`, `action="`+link+`/change"`)
		if body := review.Body.String(); strings.Index(body, "<strong>Ben</strong>") > strings.Index(body, "<strong>Ada</strong>") {
			t.Fatalf("the review does not list Ben first: %.2000s", body)
		}
		back := s.do("anonymous", "POST", link+"/change", ballot)
		expect(t, back, http.StatusOK, "back to the paper through a link")
		if !regexp.MustCompile(`name="` + f[0] + `"[^>]*value="2"`).MatchString(back.Body.String()) {
			t.Fatalf("the numbers were not kept: %.3000s", back.Body.String())
		}
		cast := s.do("anonymous", "POST", link+"/confirm", ballot)
		expect(t, cast, http.StatusOK, "vote through a link")
		tracker := regexp.MustCompile(`id="tracker">([^<]+)<`).FindStringSubmatch(cast.Body.String())
		if tracker == nil {
			t.Fatalf("no tracker on the receipt: %.2000s", cast.Body.String())
		}
		if strings.Contains(s.log.String(), tracker[1]) || strings.Contains(s.log.String(), strings.TrimPrefix(link, "/ballot/")) {
			t.Fatal("the tracker or the link reached the log")
		}

		// The link works once; the member has voted.
		for _, again := range []*httptest.ResponseRecorder{
			s.do("anonymous", "GET", link, nil),
			s.do("anonymous", "POST", link, ballot),
			s.do("anonymous", "POST", link+"/confirm", url.Values{f[2]: {"1"}}),
		} {
			expect(t, again, http.StatusConflict, "the link used again")
			mustContain(t, again, "the link used again", "This ballot link is not valid: it has expired or has been used.")
		}
		if n := s.count(`SELECT COUNT(*) FROM election_envelopes`); n != 2 {
			t.Fatalf("%d envelopes, want 2: the returning officer's and the member's", n)
		}
		mustContain(t, s.do("member", "GET", base+"/vote", nil), "the member's paper after the link", "You have already voted in this election.")
		mustContain(t, s.do("anonymous", "GET", base, nil), "turnout", "<strong>2</strong> of 6")

		// Others trying made-up links from the same address (behind one
		// proxy, say) until they are stopped do not stop a real link.
		for i := 0; i < 25; i++ {
			s.do("secretary", "GET", fmt.Sprintf("/ballot/made-up-%d", i), nil)
		}
		expect(t, s.do("secretary", "GET", "/ballot/made-up-once-more", nil), http.StatusTooManyRequests, "made-up links past the limit")
		expect(t, s.do("secretary", "GET", links["secretary@example.org"], nil), http.StatusOK, "a real link from the same address")

		// Closing voids the links not used.
		expect(t, s.do("returning_officer", "POST", base+"/actions/close", url.Values{}), http.StatusSeeOther, "close")
		expect(t, s.do("anonymous", "GET", links["officer@example.org"], nil), http.StatusConflict, "a link after the close")
		expect(t, s.do("anonymous", "GET", "/ballot/not-a-real-token", nil), http.StatusConflict, "a made-up link")
	})
}

// TestCandidateMailingsThroughTheReturningOfficer: a candidate writes to
// the electorate within the allowance, the returning officer rejects or
// approves each text, Quorum sends it, and the candidate never sees an
// address.
func TestCandidateMailingsThroughTheReturningOfficer(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addCandidate()
		base := draftElectionThroughPages(t, s, "Youth officer", url.Values{"mailings": {"1"}},
			candidate("Ada"), url.Values{"name": {"Cora"}, "person": {"candidate@example.org"}})
		expect(t, s.do("candidate", "GET", base+"/mailings", nil), http.StatusNotFound, "mailings of a draft")
		expectFlash(t, s.do("returning_officer", "POST", base+"/actions/freeze", url.Values{}), http.StatusSeeOther, "freeze",
			"The roll of voters is taken: 6 voters.")

		page := s.do("candidate", "GET", base+"/mailings", nil)
		expect(t, page, http.StatusOK, "the candidate's mailings")
		mustContain(t, page, "the candidate's mailings", "You have <strong>1</strong> left", `<form method="post" action="`+base+`/mailings"`)
		mustContain(t, s.do("candidate", "GET", base, nil), "the election page", `href="`+base+`/mailings"`)
		expect(t, s.do("member", "GET", base+"/mailings", nil), http.StatusForbidden, "mailings of a member who is not a candidate")
		anon := s.do("anonymous", "GET", base+"/mailings", nil)
		if !refusedAnonymous(anon) {
			t.Fatalf("a visitor at the mailings page: %d %q, want a sign-in", anon.Code, anon.Header().Get("Location"))
		}

		empty := s.do("candidate", "POST", base+"/mailings", url.Values{"subject": {" "}, "body": {""}})
		expect(t, empty, http.StatusUnprocessableEntity, "an empty mailing")
		mustContain(t, empty, "an empty mailing", "Enter a subject", "Write the text of the e-mail")
		expectFlash(t, s.do("candidate", "POST", base+"/mailings", url.Values{"subject": {"Why I am standing"}, "body": {"Dear member,\n\nI stand for a branch that listens."}}),
			http.StatusSeeOther, "a mailing", "Your mailing is with the returning officer for approval.")
		page = s.do("candidate", "GET", base+"/mailings", nil)
		mustContain(t, page, "after the mailing", "You have <strong>0</strong> left", "Why I am standing: submitted")
		if strings.Contains(page.Body.String(), `action="`+base+`/mailings"`) {
			t.Fatal("the form is offered with no mailing left")
		}
		// The allowance holds.
		expectFlash(t, s.do("candidate", "POST", base+"/mailings", url.Values{"subject": {"One more thing"}, "body": {"Vote for me."}}), http.StatusSeeOther,
			"a mailing beyond the allowance", "You have used all the mailings each candidate may send (1 each).")
		if n := s.count(`SELECT COUNT(*) FROM election_mailings`); n != 1 {
			t.Fatalf("%d mailings stored, want 1", n)
		}
		expect(t, s.do("candidate", "POST", base+"/mailings/review", url.Values{"mailing": {"1"}, "decision": {"approve"}}), http.StatusForbidden, "a candidate approving their own mailing")

		manage := s.do("returning_officer", "GET", base+"/manage", nil)
		mustContain(t, manage, "the returning officer's page", "Why I am standing", "from Cora, submitted", `value="approve"`, "I stand for a branch that listens.")
		id := mailingOnPage(t, manage)
		noNote := s.do("returning_officer", "POST", base+"/mailings/review", url.Values{"mailing": {id}, "decision": {"reject"}})
		expect(t, noNote, http.StatusUnprocessableEntity, "a rejection without a note")
		mustContain(t, noNote, "a rejection without a note", "Tell the candidate why the mailing is rejected")
		expectFlash(t, s.do("returning_officer", "POST", base+"/mailings/review", url.Values{"mailing": {id}, "decision": {"reject"}, "note": {"Please do not name other candidates."}}),
			http.StatusSeeOther, "a rejection", "The mailing is rejected; the candidate can see your note.")
		mustContain(t, s.do("candidate", "GET", base+"/mailings", nil), "after the rejection",
			"Why I am standing: rejected (“Please do not name other candidates.”)", "You have <strong>1</strong> left")

		expect(t, s.do("candidate", "POST", base+"/mailings", url.Values{"subject": {"A fair chance"}, "body": {"Dear member,\n\nI stand for a branch that listens."}}), http.StatusSeeOther, "the second text")
		id = mailingOnPage(t, s.do("returning_officer", "GET", base+"/manage", nil))
		expectFlash(t, s.do("returning_officer", "POST", base+"/mailings/review", url.Values{"mailing": {id}, "decision": {"approve"}}), http.StatusSeeOther,
			"an approval", "The mailing is approved and is being sent to the electorate.")
		expectFlash(t, s.do("returning_officer", "POST", base+"/mailings/review", url.Values{"mailing": {id}, "decision": {"approve"}}), http.StatusSeeOther,
			"a second approval", "This is not possible at this stage of the election: this mailing has already been reviewed.")
		s.runJobs()

		sent := s.outbox("A fair chance – from Cora")
		voters := []string{"member", "officer", "secretary", "returning_officer", "scrutineer", "admin"}
		if len(sent) != len(voters) {
			t.Fatalf("the mailing went to %d addresses, want %d", len(sent), len(voters))
		}
		for i, m := range sent {
			if !strings.Contains(m.text, "I stand for a branch that listens.") || !strings.Contains(m.text, "the candidate was not given your address") {
				t.Fatalf("mailing %d: %s", i, m.text)
			}
		}
		if len(s.outbox("Why I am standing")) != 0 {
			t.Fatal("the rejected mailing was sent")
		}
		mustContain(t, s.do("candidate", "GET", base+"/mailings", nil), "after the sending", "A fair chance: sent, sent to 6", "You have <strong>0</strong> left")
		if got := s.audited("election.mailing_rejected"); len(got) != 1 || !strings.Contains(got[0], `note="Please do not name other candidates."`) {
			t.Fatalf("the rejection's audit: %q", got)
		}
		if got := s.audited("election.mailing_approved"); len(got) != 1 {
			t.Fatalf("the approval's audit: %q", got)
		}

		// Nothing the candidate can open shows a voter's address.
		expect(t, s.do("candidate", "GET", base+"/roll", nil), http.StatusForbidden, "the roll to a candidate")
		for _, path := range []string{base, base + "/mailings", "/elections", base + "/vote"} {
			body := s.do("candidate", "GET", path, nil).Body.String()
			for _, v := range voters {
				if strings.Contains(body, v+"@example.org") {
					t.Fatalf("%s shows the candidate the address of %s", path, v)
				}
			}
		}
	})
}

// mailingOnPage is the mailing waiting for review on the returning officer's page.
func mailingOnPage(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	m := regexp.MustCompile(`name="mailing" value="(\d+)"`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no mailing waits for review: %.2000s", rec.Body.String())
	}
	return m[1]
}

// TestRollChangesAreAudited adds and removes a voter by hand, with the
// reason kept in the audit log.
func TestRollChangesAreAudited(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addCandidate()
		base, f := openElectionThroughPages(t, s, "Roll call", nil)
		rollSize := func() string {
			m := regexp.MustCompile(`The roll holds <strong>(\d+)</strong> voters`).FindStringSubmatch(s.do("returning_officer", "GET", base+"/roll", nil).Body.String())
			if m == nil {
				t.Fatal("the roll page does not give its size")
			}
			return m[1]
		}
		if got := rollSize(); got != "6" {
			t.Fatalf("the roll holds %s, want 6", got)
		}
		cora := "candidate@example.org"

		noReason := s.do("returning_officer", "POST", base+"/roll/add", url.Values{"person": {cora}, "reason": {"  "}})
		expect(t, noReason, http.StatusUnprocessableEntity, "an addition without a reason")
		mustContain(t, noReason, "an addition without a reason", "Give the reason; it is kept in the audit log")
		nobody := s.do("returning_officer", "POST", base+"/roll/add", url.Values{"person": {"nobody@example.org"}, "reason": {"Appeal upheld"}})
		expect(t, nobody, http.StatusUnprocessableEntity, "an unknown person")
		mustContain(t, nobody, "an unknown person", "No one has that e-mail or profile address")
		if got := rollSize(); got != "6" {
			t.Fatalf("a refused addition changed the roll to %s", got)
		}

		expectFlash(t, s.do("returning_officer", "POST", base+"/roll/add", url.Values{"person": {cora}, "unit": {"riverside"}, "reason": {"Membership recorded late by the branch"}}),
			http.StatusSeeOther, "an addition", "Cora Candidate is added to the roll.")
		if got := rollSize(); got != "7" {
			t.Fatalf("after the addition the roll holds %s, want 7", got)
		}
		if !regexp.MustCompile(`<td>Cora Candidate</td><td>candidate@example.org</td><td>Riverside Branch</td><td>yes</td>`).MatchString(s.do("returning_officer", "GET", base+"/roll?q=cora", nil).Body.String()) {
			t.Fatal("the roll does not show Cora as added by hand in her branch")
		}
		added := s.audited("election.roll_add")
		if len(added) != 1 || !strings.Contains(added[0], fmt.Sprintf("person=%d", s.people["candidate"])) || !strings.Contains(added[0], `reason="Membership recorded late by the branch"`) {
			t.Fatalf("the addition's audit: %q", added)
		}
		twice := s.do("returning_officer", "POST", base+"/roll/add", url.Values{"person": {cora}, "reason": {"Again"}})
		expect(t, twice, http.StatusUnprocessableEntity, "a second addition")
		mustContain(t, twice, "a second addition", "This person is already on the roll")
		expect(t, s.do("candidate", "GET", base+"/vote", nil), http.StatusOK, "the added voter's ballot paper")

		// Someone who has voted stays on the roll.
		castThroughPages(t, s, "member", base, url.Values{f[0]: {"1"}})
		expectFlash(t, s.do("returning_officer", "POST", base+"/roll/remove", url.Values{"person": {"member@example.org"}, "reason": {"Lapsed"}}),
			http.StatusSeeOther, "removing a voter who has voted", "This voter has already voted and cannot be taken off the roll.")

		expectFlash(t, s.do("returning_officer", "POST", base+"/roll/remove", url.Values{"person": {"/people/cora-candidate"}, "reason": {"Added in error"}}),
			http.StatusSeeOther, "a removal", "Cora Candidate is taken off the roll.")
		if got := rollSize(); got != "6" {
			t.Fatalf("after the removal the roll holds %s, want 6", got)
		}
		removed := s.audited("election.roll_remove")
		if len(removed) != 1 || !strings.Contains(removed[0], fmt.Sprintf("person=%d", s.people["candidate"])) || !strings.Contains(removed[0], `reason="Added in error"`) {
			t.Fatalf("the removal's audit: %q", removed)
		}
		expect(t, s.do("candidate", "GET", base+"/vote", nil), http.StatusConflict, "the removed voter's ballot paper")

		notOn := s.do("returning_officer", "POST", base+"/roll/remove", url.Values{"person": {cora}, "reason": {"Added in error"}})
		expect(t, notOn, http.StatusUnprocessableEntity, "removing someone not on the roll")
		mustContain(t, notOn, "removing someone not on the roll", "This person is not on the roll")
		expect(t, s.do("returning_officer", "POST", base+"/roll/purge", url.Values{"person": {"officer@example.org"}, "reason": {"Purge"}}), http.StatusNotFound, "an unknown roll action")
		if got := rollSize(); got != "6" {
			t.Fatalf("the roll holds %s, want 6", got)
		}

		// The scrutineer reads the roll but does not change it.
		scr := s.do("scrutineer", "GET", base+"/roll", nil)
		expect(t, scr, http.StatusOK, "the roll to the scrutineer")
		if strings.Contains(scr.Body.String(), "Add or remove a voter") {
			t.Fatal("the scrutineer is offered the roll's changes")
		}
	})
}

// pngImage and jpegImage are small pictures made here; webpImage is a 1×1
// lossless WebP (the standard library writes none; these 34 bytes decode
// with golang.org/x/image/webp).
func pngImage(t *testing.T, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 64 {
		img.Set(i%8, i/8, c)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 64 {
		img.Set(i%8, i/8, color.RGBA{R: 200, G: 30, B: 30, A: 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func webpImage(t *testing.T) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCandidatePhotos uploads a photo of each type the form offers and
// gets each back as it was sent, with its type.
func TestCandidatePhotos(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		base := draftElectionThroughPages(t, s, "Photo call", nil, candidate("Ada"), candidate("Ben"))
		mustContain(t, s.do("returning_officer", "GET", base+"/manage", nil), "the candidate form",
			"Photo (JPEG, PNG or WebP, at most 2 MB; optional)", `accept="image/jpeg,image/png,image/webp"`)
		ids := s.candidateIDs(base)
		photo := func(role, name string) *httptest.ResponseRecorder {
			return s.do(role, "GET", base+"/candidates/"+s.candidateIDs(base)[name]+"/photo", nil)
		}
		expect(t, photo("returning_officer", "Ada"), http.StatusNotFound, "a photo not yet given")

		for _, c := range []struct {
			name, id, ctype string
			img             []byte
		}{
			{"Ada", ids["Ada"], "image/png", pngImage(t, color.RGBA{G: 120, A: 255})},
			{"Ben", ids["Ben"], "image/jpeg", jpegImage(t)},
			{"Cy", "", "image/webp", webpImage(t)}, // a new candidate and a photo in one step
		} {
			form := url.Values{"name": {c.name}}
			if c.id != "" {
				form.Set("candidate", c.id)
			}
			expectFlash(t, s.postFile("returning_officer", base+"/candidates/save", "photo", "photo", c.img, form), http.StatusSeeOther, c.name+"'s photo", "The candidate is saved.")
			got := photo("returning_officer", c.name)
			expect(t, got, http.StatusOK, c.name+"'s photo served")
			if ct := got.Header().Get("Content-Type"); ct != c.ctype || !bytes.Equal(got.Body.Bytes(), c.img) {
				t.Fatalf("%s's photo comes back as %s, %d bytes; want %s, %d bytes", c.name, ct, got.Body.Len(), c.ctype, len(c.img))
			}
		}
		// A new photo replaces the old.
		green := pngImage(t, color.RGBA{R: 10, G: 200, B: 10, A: 255})
		expect(t, s.postFile("returning_officer", base+"/candidates/save", "photo", "photo", green, url.Values{"name": {"Ada"}, "candidate": {ids["Ada"]}}), http.StatusSeeOther, "Ada's new photo")
		if !bytes.Equal(photo("returning_officer", "Ada").Body.Bytes(), green) {
			t.Fatal("Ada's new photo is not the one served")
		}

		// A GIF, or a photo too large, is refused next to the field, and nothing is saved.
		gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
		for _, bad := range []struct {
			what string
			img  []byte
			msg  string
		}{
			{"a GIF", gif, "Upload a JPEG, PNG or WebP image"},
			{"a photo too large", append(pngImage(t, color.Black), make([]byte, 2<<20)...), "The photo is too large"},
		} {
			rec := s.postFile("returning_officer", base+"/candidates/save", "photo", "photo", bad.img, url.Values{"name": {"Dee"}})
			expect(t, rec, http.StatusUnprocessableEntity, bad.what)
			mustContain(t, rec, bad.what, bad.msg)
			if _, saved := s.candidateIDs(base)["Dee"]; saved {
				t.Fatalf("%s was refused, but the candidate was added", bad.what)
			}
			rec = s.postFile("returning_officer", base+"/candidates/save", "photo", "photo", bad.img, url.Values{"name": {"Ben Renamed"}, "candidate": {ids["Ben"]}})
			expect(t, rec, http.StatusUnprocessableEntity, bad.what+" for Ben")
			if _, renamed := s.candidateIDs(base)["Ben Renamed"]; renamed {
				t.Fatalf("%s was refused, but Ben was renamed", bad.what)
			}
		}
		expect(t, s.postFile("returning_officer", base+"/candidates/save", "photo", "photo", green, url.Values{"name": {"Dee"}}), http.StatusSeeOther, "Dee with a PNG")

		// The photos are public once the election is.
		expect(t, photo("anonymous", "Ada"), http.StatusNotFound, "a draft's photo to a visitor")
		expectFlash(t, s.do("returning_officer", "POST", base+"/actions/freeze", url.Values{}), http.StatusSeeOther, "freeze", "The roll of voters is taken: 6 voters.")
		expectFlash(t, s.do("returning_officer", "POST", base+"/actions/freeze", url.Values{}), http.StatusSeeOther, "a second freeze",
			"This is not possible at this stage of the election: the roll of voters has already been taken.")
		expect(t, s.do("returning_officer", "POST", base+"/actions/thaw", url.Values{}), http.StatusNotFound, "an unknown action")
		if st := s.status(base); st != store.ElectionFrozen {
			t.Fatalf("the election is %s after the freeze", st)
		}
		got := photo("anonymous", "Cy")
		expect(t, got, http.StatusOK, "a photo to a visitor")
		if got.Header().Get("Content-Type") != "image/webp" {
			t.Fatalf("Cy's photo to a visitor is %s", got.Header().Get("Content-Type"))
		}
		mustContain(t, s.do("anonymous", "GET", base, nil), "the election page", `<img src="`+base+`/candidates/`+ids["Ada"]+`/photo"`)
		other := draftElectionThroughPages(t, s, "Another election", nil, candidate("Zed"))
		expect(t, s.do("returning_officer", "GET", other+"/candidates/"+ids["Ada"]+"/photo", nil), http.StatusNotFound, "a photo through another election")
		expect(t, s.do("anonymous", "GET", base+"/candidates/x/photo", nil), http.StatusNotFound, "a photo of no one")
	})
}

// TestCandidatesWithdrawnAndRemoved: before voting opens a candidate can
// be removed; after, only withdrawn, and the ballot paper follows.
func TestCandidatesWithdrawnAndRemoved(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		base := draftElectionThroughPages(t, s, "Withdrawals", nil, candidate("Ada"), candidate("Ben"), candidate("Cy"), candidate("Dee"))
		ids := s.candidateIDs(base)
		expectFlash(t, s.do("returning_officer", "POST", base+"/candidates/delete", url.Values{"candidate": {ids["Dee"]}}), http.StatusSeeOther, "remove Dee", "The candidate is removed.")
		if _, still := s.candidateIDs(base)["Dee"]; still {
			t.Fatal("Dee is still a candidate")
		}
		if got := s.audited("election.candidate_delete"); len(got) != 1 || !strings.Contains(got[0], `name="Dee"`) {
			t.Fatalf("the removal's audit: %q", got)
		}
		expect(t, s.do("returning_officer", "POST", base+"/candidates/delete", url.Values{"candidate": {ids["Dee"]}}), http.StatusNotFound, "remove Dee again")
		expect(t, s.do("returning_officer", "POST", base+"/candidates/demote", url.Values{"candidate": {ids["Cy"]}}), http.StatusNotFound, "an unknown candidate action")

		keyThroughPages(t, s, base)
		expect(t, s.do("returning_officer", "POST", base+"/actions/open", url.Values{}), http.StatusSeeOther, "open")
		expectFlash(t, s.do("returning_officer", "POST", base+"/candidates/delete", url.Values{"candidate": {ids["Cy"]}}), http.StatusSeeOther, "remove Cy after the opening",
			"This is not possible at this stage of the election: the ballot paper cannot change once voting has opened.")
		if _, still := s.candidateIDs(base)["Cy"]; !still {
			t.Fatal("Cy was removed after voting opened")
		}

		expectFlash(t, s.do("returning_officer", "POST", base+"/candidates/withdraw", url.Values{"candidate": {ids["Cy"]}, "withdrawn": {"true"}}), http.StatusSeeOther, "withdraw Cy",
			"The candidate's withdrawal is recorded.")
		if _, on := ballotFields(t, s, "member", base)["Cy"]; on {
			t.Fatal("the ballot paper still offers Cy")
		}
		mustContain(t, s.do("member", "GET", base, nil), "the election page", `Cy <span class="tag">withdrawn</span>`)
		late := s.do("member", "POST", base+"/vote/confirm", url.Values{"rank-" + ids["Cy"]: {"1"}})
		expect(t, late, http.StatusUnprocessableEntity, "a vote for a withdrawn candidate")
		mustContain(t, late, "a vote for a withdrawn candidate", "Choice 1 is a candidate who has withdrawn.")

		expect(t, s.do("returning_officer", "POST", base+"/candidates/withdraw", url.Values{"candidate": {ids["Cy"]}, "withdrawn": {"false"}}), http.StatusSeeOther, "restore Cy")
		if _, on := ballotFields(t, s, "member", base)["Cy"]; !on {
			t.Fatal("the ballot paper does not offer Cy again")
		}
		if got := s.audited("election.candidate_withdraw"); len(got) != 2 {
			t.Fatalf("the withdrawal's audit: %q", got)
		}
	})
}

// TestInvalidBallotsSayWhy: a ballot that cannot be accepted comes back
// with the numbers as written and the reason in words, and nothing is cast.
func TestInvalidBallotsSayWhy(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		base, f := openElectionThroughPages(t, s, "Spoilt papers", nil)
		for _, c := range []struct {
			what   string
			ballot url.Values
			reason string
		}{
			{"a number given twice", url.Values{f[0]: {"1"}, f[1]: {"1"}}, "Choice 1 is given to two candidates: give each number once."},
			{"a gap in the numbers", url.Values{f[0]: {"1"}, f[1]: {"3"}}, "Choice 2 is missing: number your choices 1, 2, 3… without a gap (number 3 follows 1)."},
			{"a candidate not on the paper", url.Values{"rank-999999": {"1"}}, "Rank at least one candidate: write 1 next to your first choice."},
			{"no number at all", url.Values{}, "Rank at least one candidate: write 1 next to your first choice."},
			{"a number beyond the candidates", url.Values{f[0]: {"7"}}, `Use the numbers 1 to 3: "7" is not one of them.`},
			{"a word for a number", url.Values{f[0]: {"first"}}, `Use the numbers 1 to 3: "first" is not one of them.`},
		} {
			for _, step := range []string{"/vote", "/vote/confirm"} {
				rec := s.do("member", "POST", base+step, c.ballot)
				expect(t, rec, http.StatusUnprocessableEntity, c.what+" at "+step)
				mustContain(t, rec, c.what+" at "+step, "Your ballot cannot be accepted yet", c.reason)
				for field, v := range c.ballot {
					if field == "rank-999999" {
						continue
					}
					if !regexp.MustCompile(`name="` + field + `"[^>]*value="` + regexp.QuoteMeta(html.EscapeString(v[0])) + `"`).MatchString(rec.Body.String()) {
						t.Fatalf("%s at %s: the paper does not keep %s=%s", c.what, step, field, v[0])
					}
				}
			}
		}
		// "Change it" goes back to the paper even with numbers that would not do.
		back := s.do("member", "POST", base+"/vote/change", url.Values{f[0]: {"1"}, f[1]: {"1"}})
		expect(t, back, http.StatusOK, "change a paper")
		if strings.Contains(back.Body.String(), "cannot be accepted") {
			t.Fatal("going back to the paper reports a problem")
		}
		if n := s.count(`SELECT COUNT(*) FROM election_envelopes`); n != 0 {
			t.Fatalf("%d ballots were cast from papers that could not be accepted", n)
		}
		expect(t, s.do("anonymous", "POST", base+"/vote/change", url.Values{f[0]: {"1"}}), http.StatusUnauthorized, "a visitor changing a paper")
	})
}

// TestElectionSettingsAfterTheOpening edits an election's settings: the
// wording may change at any time, the counting rules not once voting has
// opened, and every refusal stands next to its field.
func TestElectionSettingsAfterTheOpening(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		settings := url.Values{"title": {"Settings test"}, "slug": {"settings-test"}, "seats": {"1"}, "method": {"irv"}, "mailings": {"1"}}
		base, _ := openElectionThroughPages(t, s, "Settings test", url.Values{"mailings": {"1"}})
		form := s.do("returning_officer", "GET", base+"/edit", nil)
		expect(t, form, http.StatusOK, "the settings form")
		mustContain(t, form, "the settings form", `value="Settings test"`, `<option value="irv" selected>`, `name="mailings" type="number" value="1"`)

		edit := func(change url.Values) *httptest.ResponseRecorder {
			f := url.Values{}
			for k, v := range settings {
				f[k] = v
			}
			for k, v := range change {
				f[k] = v
			}
			return s.do("returning_officer", "POST", base+"/edit", f)
		}
		rec := edit(url.Values{"title": {"Settings test, revised"}, "description": {"**Hustings** on Friday."}})
		expectFlash(t, rec, http.StatusSeeOther, "edit the wording", "The election's settings are saved.")
		if rec.Header().Get("Location") != base+"/manage" {
			t.Fatalf("after the edit: %q", rec.Header().Get("Location"))
		}
		mustContain(t, s.do("anonymous", "GET", base, nil), "the edited page", "<h1>Settings test, revised</h1>", "<strong>Hustings</strong> on Friday.")
		if got := s.audited("election.update"); len(got) != 1 || !strings.Contains(got[0], "Settings test, revised") {
			t.Fatalf("the edit's audit: %q", got)
		}
		settings.Set("title", "Settings test, revised")

		for _, c := range []struct {
			what, field string
			change      url.Values
			msg         string
		}{
			{"more seats", "seats", url.Values{"seats": {"2"}, "method": {"block"}}, "This can no longer be changed: voting has opened"},
			{"changing votes allowed", "allow_change", url.Values{"allow_change": {"on"}}, "This can no longer be changed: voting has opened"},
			{"too many mailings", "mailings", url.Values{"mailings": {"99"}}, "Enter a number from 0 to 20"},
			{"a seed that is not a number", "seed", url.Values{"seed": {"lucky"}}, "Enter a whole number from 0 to 18446744073709551615, or leave it blank"},
		} {
			rec := edit(c.change)
			expect(t, rec, http.StatusUnprocessableEntity, c.what)
			mustContain(t, rec, c.what, c.msg, `<a href="#f-`+c.field+`">`)
			if !regexp.MustCompile(`id="f-` + c.field + `"`).MatchString(rec.Body.String()) {
				t.Fatalf("%s: the error leads to no field f-%s", c.what, c.field)
			}
		}
		if got := s.audited("election.update"); len(got) != 1 {
			t.Fatalf("refused edits were recorded: %q", got)
		}
		var seats int
		if err := db.QueryRow(t.Context(), `SELECT seats FROM elections WHERE slug = 'settings-test'`).Scan(&seats); err != nil || seats != 1 {
			t.Fatalf("the seats are %d (%v) after refused edits", seats, err)
		}
		create := s.do("returning_officer", "POST", "/admin/elections", url.Values{"title": {"Mailing spree"}, "seats": {"1"}, "mailings": {"99"}})
		expect(t, create, http.StatusUnprocessableEntity, "a new election with too many mailings")
		mustContain(t, create, "a new election with too many mailings", `<a href="#f-mailings">Enter a number from 0 to 20</a>`)
	})
}

// TestBallotDownloadsAfterTheDeclaration: the ballots are downloadable by
// the officials once counted and by everyone once declared, and the JSON
// holds every ballot with its tracker.
func TestBallotDownloadsAfterTheDeclaration(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		base := draftElectionThroughPages(t, s, "Published ballots", nil, candidate("Ada"), candidate("Ben"), candidate("Cy"))
		share := keyThroughPages(t, s, base)
		expect(t, s.do("returning_officer", "POST", base+"/actions/open", url.Values{}), http.StatusSeeOther, "open")
		f := ballotFields(t, s, "member", base)
		trackers := map[string][]string{
			strings.ToLower(castThroughPages(t, s, "member", base, url.Values{f["Ada"]: {"1"}, f["Ben"]: {"2"}})):    {"Ada", "Ben"},
			strings.ToLower(castThroughPages(t, s, "officer", base, url.Values{f["Cy"]: {"1"}})):                     {"Cy"},
			strings.ToLower(castThroughPages(t, s, "secretary", base, url.Values{f["Ben"]: {"1"}, f["Ada"]: {"2"}})): {"Ben", "Ada"},
		}
		expect(t, s.do("anonymous", "GET", base+"/ballots.json", nil), http.StatusConflict, "ballots while voting is open")
		countThroughPages(t, s, base, share)

		early := s.do("member", "GET", base+"/ballots.json", nil)
		expect(t, early, http.StatusConflict, "ballots before the declaration")
		mustContain(t, early, "ballots before the declaration", "The result of this election has not been declared.")
		expect(t, s.do("scrutineer", "GET", base+"/ballots.json", nil), http.StatusOK, "ballots to the scrutineer before the declaration")
		expect(t, s.do("returning_officer", "POST", base+"/actions/declare", url.Values{}), http.StatusSeeOther, "declare")

		rec := s.do("anonymous", "GET", base+"/ballots.json", nil)
		expect(t, rec, http.StatusOK, "ballots.json")
		if ct, cd := rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"); ct != "application/json" || cd != `attachment; filename="published-ballots-ballots.json"` {
			t.Fatalf("ballots.json comes as %q, %q", ct, cd)
		}
		var board struct {
			Election   string `json:"election"`
			Method     string `json:"method"`
			MerkleRoot string `json:"merkle_root"`
			Count      int    `json:"ballot_count"`
			Candidates []struct {
				Name string `json:"name"`
			} `json:"candidates"`
			Ballots []struct {
				Tracker string   `json:"tracker"`
				Ranking []string `json:"ranking"`
			} `json:"ballots"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &board); err != nil {
			t.Fatalf("ballots.json does not parse: %v\n%s", err, rec.Body.String())
		}
		if board.Election != "Published ballots" || board.Method != "irv" || board.Count != 3 || len(board.Ballots) != 3 || len(board.Candidates) != 3 || len(board.MerkleRoot) != 64 {
			t.Fatalf("ballots.json: %+v", board)
		}
		for _, b := range board.Ballots {
			want, ok := trackers[strings.ToLower(b.Tracker)]
			if !ok || strings.Join(want, ",") != strings.Join(b.Ranking, ",") {
				t.Fatalf("ballot %s ranks %v; the voters' trackers are %v", b.Tracker, b.Ranking, trackers)
			}
		}
		blt := s.do("anonymous", "GET", base+"/ballots.blt", nil)
		expect(t, blt, http.StatusOK, "ballots.blt")
		if !strings.HasPrefix(blt.Body.String(), "3 1\n") || blt.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatalf("ballots.blt: %q %.40q", blt.Header().Get("Content-Type"), blt.Body.String())
		}
	})
}
