package election_test

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestTimetableRunsItself: the freeze, open, close and declare jobs run at
// their times, and moving the close moves its job.
func TestTimetableRunsItself(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, fixtureOptions{demo: true})
		e, cs, _ := f.election(electionOptions{demo: true})
		vs := f.voters(3)
		status := func() string {
			got, err := db.ElectionByID(f.ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Status
		}
		f.runJobsAt(e.Freeze.Add(-time.Second))
		if s := status(); s != store.ElectionDraft {
			t.Fatalf("before the freeze: %s", s)
		}
		f.runJobsAt(e.Freeze)
		if s := status(); s != store.ElectionFrozen {
			t.Fatalf("at the freeze: %s", s)
		}
		f.runJobsAt(e.BallotOpen)
		if s := status(); s != store.ElectionOpen {
			t.Fatalf("at the opening: %s", s)
		}
		if _, err := f.svc.Cast(f.ctx, vs[0], e.ID, []int64{cs[0].ID}); err != nil {
			t.Fatal(err)
		}
		// Extend voting by a day: the close job moves with it.
		in := election.SettingsOf(e)
		in.Timetable.BallotClose = e.BallotClose.Add(24 * time.Hour)
		in.Timetable.Declare = e.Declare.Add(24 * time.Hour)
		if _, err := f.svc.Update(f.ctx, f.ro, e.ID, in); err != nil {
			t.Fatal(err)
		}
		f.runJobsAt(e.BallotClose)
		if s := status(); s != store.ElectionOpen {
			t.Fatalf("at the old closing time: %s", s)
		}
		if _, err := f.svc.Cast(f.ctx, vs[1], e.ID, []int64{cs[1].ID}); err != nil {
			t.Fatalf("cast during the extension: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM jobs WHERE kind = ?`, election.KindClose); n != 1 {
			t.Fatalf("%d close jobs", n)
		}
		f.runJobsAt(in.Timetable.BallotClose)
		if s := status(); s != store.ElectionCounted {
			t.Fatalf("at the new closing time: %s", s)
		}
		f.runJobsAt(in.Timetable.Declare)
		if s := status(); s != store.ElectionDeclared {
			t.Fatalf("at the declaration time: %s", s)
		}
		tl := election.Timeline(mustElection(t, f, e.ID), f.clock.Now())
		for _, m := range tl[2:] {
			if !m.Done {
				t.Errorf("milestone %s not done", m.Key)
			}
		}
	})
}

func mustElection(t testing.TB, f *fixture, id int64) store.Election {
	t.Helper()
	e, err := f.db.ElectionByID(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestSettingsValidationAndLocks covers the form errors and what can no
// longer change once voting opens.
func TestSettingsValidationAndLocks(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		bad := election.Settings{Title: "", Slug: "Bad Slug", Seats: 3, Method: "irv", MailingsPerCandidate: 99, CountSeed: "dice",
			Quotas:    []election.Quota{{Attribute: "gender", Value: "woman", Min: 4}},
			Timetable: election.Timetable{BallotOpen: start.Add(2 * time.Hour), BallotClose: start.Add(time.Hour)}}
		_, err := f.svc.Create(f.ctx, f.ro, bad)
		fe, ok := election.AsFieldErrors(err)
		if !ok {
			t.Fatalf("want field errors, got %v", err)
		}
		for _, field := range []string{"title", "slug", "method", "mailings_per_candidate", "count_seed", "quotas", "ballot_close"} {
			if fe[field] == "" {
				t.Errorf("no error for %s: %v", field, fe)
			}
		}
		if _, err := f.svc.Create(f.ctx, f.scrut, election.Settings{Title: "X", Seats: 1}); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("create by the scrutineer: %v", err)
		}
		quotas, err := election.ParseQuotas("gender=woman:2\n region=north:1")
		if err != nil || len(quotas) != 2 || quotas[0] != (election.Quota{Attribute: "gender", Value: "woman", Min: 2}) {
			t.Fatalf("parse quotas %+v %v", quotas, err)
		}
		if _, err := election.ParseQuotas("women at least two"); err == nil {
			t.Fatal("a malformed quota was accepted")
		}

		// A section given alone brings its body; a wrong pair is refused.
		var bodyID, otherBody, sectionID int64
		f.tx(func(tx *store.Tx) error {
			var err error
			if bodyID, err = tx.CreateBody(f.ctx, store.Body{Name: "NEC", Slug: "nec"}); err != nil {
				return err
			}
			if otherBody, err = tx.CreateBody(f.ctx, store.Body{Name: "NPF", Slug: "npf"}); err != nil {
				return err
			}
			sectionID, err = tx.CreateSection(f.ctx, store.Section{BodyID: bodyID, Name: "CLP section", Seats: 9})
			return err
		})
		withSection := election.Settings{Title: "CLP section", Slug: "clp-section", Seats: 9, SectionID: sectionID}
		got, err := f.svc.Create(f.ctx, f.ro, withSection)
		if err != nil || got.BodyID != bodyID || got.Method != "scottish-stv" {
			t.Fatalf("election for a section: %+v %v", got, err)
		}
		withSection.Slug, withSection.BodyID = "clp-section-2", otherBody
		if _, err := f.svc.Create(f.ctx, f.ro, withSection); err == nil {
			t.Fatal("a section of another body was accepted")
		}

		e, cs, _ := f.election(electionOptions{})
		dup := election.SettingsOf(e)
		dup.Title = "Another"
		if _, err := f.svc.Create(f.ctx, f.ro, dup); err == nil {
			t.Fatal("a second election with the same slug")
		} else if fe, ok := election.AsFieldErrors(err); !ok || fe["slug"] == "" {
			t.Fatalf("duplicate slug: %v", err)
		}
		f.voters(1)
		f.open(e)
		in := election.SettingsOf(e)
		in.Seats = 3
		in.AllowVoteChange = true
		if _, err := f.svc.Update(f.ctx, f.ro, e.ID, in); err == nil {
			t.Fatal("the seats changed while voting is open")
		} else if fe, ok := election.AsFieldErrors(err); !ok || fe["seats"] == "" || fe["allow_vote_change"] == "" {
			t.Fatalf("locked fields: %v", err)
		}
		in = election.SettingsOf(e)
		in.Title = "National Executive: members' section (re-run)"
		if _, err := f.svc.Update(f.ctx, f.ro, e.ID, in); err != nil {
			t.Fatalf("a new title while open: %v", err)
		}
		if _, err := f.svc.AddCandidate(f.ctx, f.ro, e.ID, election.CandidateInput{Name: "Late Entry"}); !errors.Is(err, election.ErrWrongStage) {
			t.Fatalf("candidate added while open: %v", err)
		}
		if err := f.svc.WithdrawCandidate(f.ctx, f.ro, e.ID, cs[3].ID, true); err != nil {
			t.Fatalf("withdrawal while open: %v", err)
		}
	})
}

// TestCandidates covers the candidate form, photos and deletion.
func TestCandidates(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, _ := f.election(electionOptions{})
		if _, err := f.svc.AddCandidate(f.ctx, f.ro, e.ID, election.CandidateInput{Name: "  Alice   Adams "}); err == nil {
			t.Fatal("two candidates with one name")
		}
		if _, err := f.svc.AddCandidate(f.ctx, f.ro, e.ID, election.CandidateInput{Name: `Say "hi"`}); err == nil {
			t.Fatal("a quote in a name")
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
		if err := f.svc.SetCandidatePhoto(f.ctx, f.ro, e.ID, cs[0].ID, png); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetCandidatePhoto(f.ctx, f.ro, e.ID, cs[0].ID, []byte("<svg onload=alert(1)>")); err == nil {
			t.Fatal("an SVG photo was accepted")
		}
		data, typ, err := f.svc.CandidatePhoto(f.ctx, e.ID, cs[0].ID)
		if err != nil || typ != "image/png" || len(data) != len(png) {
			t.Fatalf("photo %q %d %v", typ, len(data), err)
		}
		c, err := f.svc.UpdateCandidate(f.ctx, f.ro, e.ID, cs[1].ID, election.CandidateInput{Name: "Robert Brown", Statement: "# Why\n<script>x</script>", Attributes: map[string]string{"gender": "man"}})
		if err != nil || c.Name != "Robert Brown" || !strings.Contains(c.Statement, "<script>") {
			t.Fatalf("update %+v %v (statements are stored raw, sanitised when shown)", c, err)
		}
		if err := f.svc.DeleteCandidate(f.ctx, f.ro, e.ID, cs[4].ID); err != nil {
			t.Fatal(err)
		}
		got, _ := f.svc.Candidates(f.ctx, e.ID)
		if len(got) != 4 || !got[0].HasPhoto() {
			t.Fatalf("candidates %+v", got)
		}
	})
}

// TestListAndViewPermissions: drafts are for officials; a member sees their
// own standing; trustees are shown to officials and trustees only.
func TestListAndViewPermissions(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		draft, _, _ := f.election(electionOptions{})
		open, cs, _ := f.election(electionOptions{})
		vs := f.voters(2)
		f.open(open) // also freezes and opens the draft, which shares the timetable
		_ = draft
		in := election.SettingsOf(draft)
		in.Slug = "still-a-draft"
		in.Timetable = election.Timetable{}
		fresh, err := f.svc.Create(f.ctx, f.ro, in)
		if err != nil {
			t.Fatal(err)
		}
		list, total, err := f.svc.List(f.ctx, vs[0], election.ListFilter{})
		if err != nil || total != 2 || slices.ContainsFunc(list, func(s election.Summary) bool { return s.ID == fresh.ID }) {
			t.Fatalf("member's list: %d %+v %v", total, list, err)
		}
		if _, total, _ := f.svc.List(f.ctx, f.ro, election.ListFilter{Show: election.ListUpcoming}); total != 1 {
			t.Fatalf("officer's upcoming list: %d", total)
		}
		if _, err := f.svc.Get(f.ctx, vs[0], fresh.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("member sees a draft: %v", err)
		}
		if _, err := f.svc.Cast(f.ctx, vs[0], open.ID, []int64{cs[0].ID}); err != nil {
			t.Fatal(err)
		}
		v, err := f.svc.GetBySlug(f.ctx, vs[0], open.Slug)
		if err != nil || !v.You.OnRoll || !v.You.Voted || v.You.CanVote || v.Trustees != nil || v.Turnout == nil || v.Turnout.Voted != 1 || v.Turnout.ByUnit != nil {
			t.Fatalf("member's view: %+v %v", v, err)
		}
		if v.Election.PublicKey != nil || v.KeyFingerprint == "" || len(v.Rules) != 1 {
			t.Fatalf("key and rules in the view: %q %v", v.KeyFingerprint, v.Rules)
		}
		v, err = f.svc.Get(f.ctx, f.scrut, open.ID)
		if err != nil || len(v.Trustees) != 2 || v.You.Trustee == nil || !v.You.IsScrutineer || v.Turnout.ByUnit == nil {
			t.Fatalf("scrutineer's view: %+v %v", v, err)
		}
		if _, err := f.svc.Result(f.ctx, vs[0], open.ID); !errors.Is(err, election.ErrNotPublished) {
			t.Fatalf("result while open: %v", err)
		}
	})
}

var linkRE = regexp.MustCompile(`https://quorum\.example\.org/ballot/([A-Za-z0-9_-]+)`)

// TestBallotLinks: links go to voters who have not voted; one link casts
// once; the link's token is stored only as a hash.
func TestBallotLinks(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, _ := f.election(electionOptions{})
		vs := f.voters(3)
		f.open(e)
		if _, err := f.svc.Cast(f.ctx, vs[0], e.ID, []int64{cs[0].ID}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SendBallotLinks(f.ctx, f.ro, e.ID); err != nil {
			t.Fatal(err)
		}
		f.runJobsAt(f.clock.Now())
		rows, err := db.Query(f.ctx, `SELECT body_text FROM outbox WHERE subject LIKE 'Your ballot:%'`)
		if err != nil {
			t.Fatal(err)
		}
		var tokens []string
		for rows.Next() {
			var body string
			if err := rows.Scan(&body); err != nil {
				t.Fatal(err)
			}
			if m := linkRE.FindStringSubmatch(body); m != nil {
				tokens = append(tokens, m[1])
			}
		}
		rows.Close()
		if len(tokens) != 2 {
			t.Fatalf("%d links sent, want 2 (one voter had voted)", len(tokens))
		}
		dump := dumpText(t, f)
		for _, tok := range tokens {
			if strings.Count(dump, tok) != 1 { // in the outbox only, not in the links table
				t.Fatalf("a link's token is stored outside its e-mail")
			}
		}
		lb, err := f.svc.ResolveBallotLink(f.ctx, tokens[0])
		if err != nil || lb.Voted || len(lb.Candidates) != 5 || lb.Election.PublicKey != nil {
			t.Fatalf("resolve: %+v %v", lb, err)
		}
		if _, err := f.svc.CastWithLink(f.ctx, tokens[0], []int64{cs[1].ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CastWithLink(f.ctx, tokens[0], []int64{cs[1].ID}); !errors.Is(err, election.ErrLinkInvalid) {
			t.Fatalf("second use: %v", err)
		}
		if _, err := f.svc.CastWithLink(f.ctx, "made-up", []int64{cs[1].ID}); !errors.Is(err, election.ErrLinkInvalid) {
			t.Fatalf("made-up link: %v", err)
		}
		// Sending again reaches nobody new.
		if err := f.svc.SendBallotLinks(f.ctx, f.ro, e.ID); err != nil {
			t.Fatal(err)
		}
		f.runJobsAt(f.clock.Now())
		if n := f.count(`SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Your ballot:%'`); n != 2 {
			t.Fatalf("%d link e-mails after sending again", n)
		}
		// Links expire at the close.
		f.runJobsAt(e.BallotClose)
		if _, err := f.svc.ResolveBallotLink(f.ctx, tokens[1]); !errors.Is(err, election.ErrLinkInvalid) {
			t.Fatalf("link after the close: %v", err)
		}
		if f.count(`SELECT COUNT(*) FROM election_ballot_links`) != 0 {
			t.Fatal("links kept after the close")
		}
	})
}

// TestCandidateMailings: the same allowance for each candidate, approval by
// the returning officer, one e-mail per voter, no address to the candidate.
func TestCandidateMailings(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		alice := f.person("Alice Adams", "woman")
		e, cs, _ := f.election(electionOptions{mailings: 1})
		if _, err := f.svc.UpdateCandidate(f.ctx, f.ro, e.ID, cs[0].ID, election.CandidateInput{Name: cs[0].Name, PersonID: alice, Attributes: cs[0].Attributes}); err != nil {
			t.Fatal(err)
		}
		vs := f.voters(4)
		ap := principal(alice)
		in := election.MailingInput{Subject: "Why I am standing", Body: "Vote for a fairer party."}
		if _, err := f.svc.SubmitMailing(f.ctx, ap, e.ID, in); !errors.Is(err, election.ErrWrongStage) {
			t.Fatalf("mailing before the roll is taken: %v", err)
		}
		f.open(e)
		if _, err := f.svc.SubmitMailing(f.ctx, vs[0], e.ID, in); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("mailing by a voter: %v", err)
		}
		m, err := f.svc.SubmitMailing(f.ctx, ap, e.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ReviewMailing(f.ctx, f.ro, m.ID, false, ""); err == nil {
			t.Fatal("rejected without a note")
		}
		if err := f.svc.ReviewMailing(f.ctx, f.ro, m.ID, false, "Please remove the claim about your opponent."); err != nil {
			t.Fatal(err)
		}
		m2, err := f.svc.SubmitMailing(f.ctx, ap, e.ID, in)
		if err != nil {
			t.Fatalf("a rejected mailing used up the allowance: %v", err)
		}
		if _, err := f.svc.SubmitMailing(f.ctx, ap, e.ID, in); !errors.Is(err, election.ErrAllowanceUsed) {
			t.Fatalf("beyond the allowance: %v", err)
		}
		if err := f.svc.ReviewMailing(f.ctx, f.ro, m2.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		f.runJobsAt(f.clock.Now())
		if n := f.count(`SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Why I am standing%'`); n != len(vs) {
			t.Fatalf("%d e-mails for %d voters", n, len(vs))
		}
		mine, err := f.svc.Mailings(f.ctx, ap, e.ID)
		if err != nil || len(mine) != 2 || mine[0].Status != store.MailingSent || mine[0].Recipients != len(vs) {
			t.Fatalf("the candidate's mailings: %+v %v", mine, err)
		}
		if left, err := f.svc.MailingAllowance(f.ctx, ap, e.ID); err != nil || left != 0 {
			t.Fatalf("allowance left %d %v", left, err)
		}
	})
}
