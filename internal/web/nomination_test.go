package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// openPeriod has the returning officer set up a draft election and open a
// nomination period for it in which branches nominate, two places each, with
// the nominating meeting recorded. It returns the period's path and the
// election's id.
func (s *site) openPeriod(t *testing.T) (string, int64) {
	t.Helper()
	expect(t, s.do("returning_officer", "POST", "/admin/elections", url.Values{"title": {"Branch delegates"}, "seats": {"2"}, "method": {"scottish-stv"}}), http.StatusSeeOther, "create election")
	form := s.do("returning_officer", "GET", "/admin/nominations/new", nil)
	expect(t, form, http.StatusOK, "the set-up form")
	m := regexp.MustCompile(`<option value="(\d+)">Branch delegates</option>`).FindStringSubmatch(form.Body.String())
	if m == nil {
		t.Fatalf("the set-up form does not offer the draft election: %.3000s", form.Body.String())
	}
	var electionID int64
	for _, c := range m[1] {
		electionID = electionID*10 + int64(c-'0')
	}
	rec := s.do("returning_officer", "POST", "/admin/nominations", url.Values{
		"title": {"Branch delegates nominations"}, "election": {m[1]}, "unit_types": {"branch"},
		"slots": {"First delegate\nSecond delegate"}, "meeting_required": {"on"},
		"close_date": {time.Now().AddDate(0, 0, 5).Format(time.DateOnly)}, "close_time": {"17:00"}, "time_zone": {"Europe/London"},
	})
	expect(t, rec, http.StatusSeeOther, "open the period")
	return rec.Header().Get("Location"), electionID
}

var (
	optionRE = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`<option value="(\d+)"(?: selected)?>` + name + `</option>`)
	}
	answerRE = regexp.MustCompile(`/answer/(\d+)"`)
	seenRE   = regexp.MustCompile(`name="seen" value="(\d+)"`)
)

func flashOf(rec interface{ Result() *http.Response }) string {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "quorum_flash" {
			v, _ := url.QueryUnescape(c.Value)
			return v
		}
	}
	return ""
}

// TestNominationsFromOpeningToBallot runs a period through its pages: the
// returning officer opens it, two people stand, the branch's officer
// nominates both with its meeting, the candidates answer, the public table
// and its CSV show who nominated whom, and the close puts the consenting
// candidate on the election's ballot.
func TestNominationsFromOpeningToBallot(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()

		// Bad set-up input is refused next to the fields, with a summary.
		bad := s.do("returning_officer", "POST", "/admin/nominations", url.Values{"title": {""}, "close_date": {"2026-03-29"}, "close_time": {"01:30"}, "time_zone": {"Europe/London"}})
		expect(t, bad, http.StatusUnprocessableEntity, "an empty set-up form")
		for _, want := range []string{`class="error-summary"`, `href="#f-title"`, `href="#f-unit_types"`, `href="#f-close_date"`, `id="e-close_date"`, `aria-invalid="true"`} {
			if !strings.Contains(bad.Body.String(), want) {
				t.Errorf("the refused set-up form lacks %s", want)
			}
		}

		path, electionID := s.openPeriod(t)
		if path != "/nominations/branch-delegates-nominations" {
			t.Fatalf("after opening: %q", path)
		}
		pub := s.do("anonymous", "GET", path, nil).Body.String()
		for _, want := range []string{"Branch (constituency party)", "First delegate; Second delegate", "nominating meeting", "on the clock of Europe/London", "BST", "No nominations yet"} {
			if !strings.Contains(pub, want) && !strings.Contains(pub, strings.Replace(want, "BST", "GMT", 1)) {
				t.Errorf("the public page lacks %q: %.3000s", want, pub)
			}
		}
		if !strings.Contains(s.do("anonymous", "GET", "/nominations", nil).Body.String(), path) {
			t.Error("the list of periods lacks the period")
		}

		// Two people stand.
		expect(t, s.do("member", "POST", path+"/candidate", url.Values{"statement": {"I will **serve**. <script>x()</script>"}}), http.StatusSeeOther, "the member declares")
		expect(t, s.do("admin", "POST", path+"/candidate", url.Values{"statement": {"Me too."}}), http.StatusSeeOther, "the admin declares")
		expect(t, s.do("member", "POST", path+"/candidate", url.Values{"statement": {strings.Repeat("x", 20001)}}), http.StatusUnprocessableEntity, "an overlong statement")

		// Only the branch's officer may nominate for it; administrators may not.
		for _, role := range []string{"member", "secretary", "admin", "returning_officer"} {
			expect(t, s.do(role, "GET", path+"/nominate", nil), http.StatusForbidden, role+" on the nominate form")
			expect(t, s.do(role, "POST", path+"/nominate", url.Values{"confirm": {"yes"}}), http.StatusForbidden, role+" nominating")
		}
		nf := s.do("officer", "GET", path+"/nominate", nil)
		expect(t, nf, http.StatusOK, "the nominate form")
		mem, adm := optionRE("The member").FindStringSubmatch(nf.Body.String()), optionRE("The admin").FindStringSubmatch(nf.Body.String())
		if mem == nil || adm == nil {
			t.Fatalf("the nominate form does not offer both candidates: %.3000s", nf.Body.String())
		}
		if b := nf.Body.String(); !strings.Contains(b, "<strong>serve</strong>") || strings.Contains(b, "<script>x()") {
			t.Errorf("the candidates' statements are not shown safely on the nominate form")
		}
		good := url.Values{"as": {"unit:" + itoa(s.unit.ID)}, "slot-1": {mem[1]}, "slot-2": {adm[1]}, "meeting_date": {time.Now().AddDate(0, 0, -1).Format(time.DateOnly)},
			"present": {"12"}, "votes-1": {"9"}, "votes-2": {"7"}, "confirm": {"yes"}}

		// Mistakes are shown next to their fields.
		for name, c := range map[string]struct {
			change url.Values
			field  string
		}{
			"no confirmation":      {url.Values{"confirm": {""}}, "confirm"},
			"the same twice":       {url.Values{"slot-2": {mem[1]}}, "slot-2"},
			"no meeting date":      {url.Values{"meeting_date": {""}}, "meeting_date"},
			"a meeting tomorrow":   {url.Values{"meeting_date": {time.Now().AddDate(0, 0, 2).Format(time.DateOnly)}}, "meeting_date"},
			"more votes than seen": {url.Values{"votes-1": {"13"}}, "votes-1"},
			"votes not a number":   {url.Values{"votes-2": {"many"}}, "votes-2"},
		} {
			f := url.Values{}
			for k, v := range good {
				f[k] = v
			}
			for k, v := range c.change {
				f[k] = v
			}
			rec := s.do("officer", "POST", path+"/nominate", f)
			if rec.Code == http.StatusInternalServerError {
				t.Log(s.log.String())
			}
			expect(t, rec, http.StatusUnprocessableEntity, name)
			if body := rec.Body.String(); !strings.Contains(body, `href="#f-`+c.field+`"`) || !strings.Contains(body, `id="e-`+c.field+`"`) {
				t.Errorf("%s: no error next to %s: %.2500s", name, c.field, body)
			}
		}
		expect(t, s.do("officer", "POST", path+"/nominate", good), http.StatusSeeOther, "nominate")

		// A second submission on the old form (it showed no nominations) is refused.
		rec := s.do("officer", "POST", path+"/nominate", good)
		expect(t, rec, http.StatusSeeOther, "nominate on an out-of-date form")
		if !strings.Contains(rec.Header().Get("Location"), "/nominate") || !strings.Contains(flashOf(rec), "Another officer") {
			t.Fatalf("an out-of-date form: to %q, %q", rec.Header().Get("Location"), flashOf(rec))
		}
		// The fresh form carries the nominations it shows.
		nf = s.do("officer", "GET", path+"/nominate", nil)
		if got := seenRE.FindAllStringSubmatch(nf.Body.String(), -1); len(got) != 2 {
			t.Fatalf("the form carries %d seen nominations, want 2", len(got))
		}

		// The public table and its CSV say who nominated whom.
		pub = s.do("anonymous", "GET", path, nil).Body.String()
		for _, want := range []string{"Riverside Branch", "The member", "The admin", "9 of 12 present", "Threshold met, counting 1 nominations awaiting consent"} {
			if !strings.Contains(pub, want) {
				t.Errorf("the public page lacks %q", want)
			}
		}
		csvRec := s.do("anonymous", "GET", path+"/nominations.csv", nil)
		expect(t, csvRec, http.StatusOK, "the CSV")
		if ct := csvRec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("CSV content type %q", ct)
		}
		if body := csvRec.Body.String(); !strings.HasPrefix(body, "nominator,kind,place,candidate,consent") || !strings.Contains(body, "Riverside Branch,branch,First delegate,The member,pending,active") {
			t.Errorf("CSV: %s", body)
		}

		// The candidates answer; nobody answers for another.
		memPage := s.do("member", "GET", path+"/candidate", nil).Body.String()
		mid := answerRE.FindStringSubmatch(memPage)
		admid := answerRE.FindStringSubmatch(s.do("admin", "GET", path+"/candidate", nil).Body.String())
		if mid == nil || admid == nil {
			t.Fatalf("the candidate pages offer no answer: %.3000s", memPage)
		}
		for _, role := range []string{"anonymous", "officer", "admin", "returning_officer"} {
			want := http.StatusForbidden
			if role == "anonymous" {
				want = http.StatusUnauthorized
			}
			expect(t, s.do(role, "POST", path+"/answer/"+mid[1], url.Values{"answer": {"consent"}}), want, role+" answering for the member")
		}
		expect(t, s.do("member", "POST", path+"/answer/"+mid[1], url.Values{"answer": {"consent"}}), http.StatusSeeOther, "the member consents")
		expect(t, s.do("admin", "POST", path+"/answer/"+admid[1], url.Values{"answer": {"refuse"}}), http.StatusSeeOther, "the admin refuses")
		if got := s.do("member", "GET", path+"/candidate", nil).Body.String(); !strings.Contains(got, "1 consented, 0 awaiting your answer") {
			t.Errorf("the member's tally: %.3000s", got)
		}

		// Only the returning officer closes.
		for _, role := range []string{"member", "officer", "secretary", "scrutineer", "admin"} {
			expect(t, s.do(role, "POST", path+"/close", url.Values{}), http.StatusForbidden, role+" closing")
			expect(t, s.do(role, "POST", path+"/handover", url.Values{}), http.StatusForbidden, role+" handing over")
		}
		expect(t, s.do("returning_officer", "POST", path+"/close", url.Values{}), http.StatusSeeOther, "close")
		cands, err := s.elections.Candidates(ctx, electionID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) != 1 || cands[0].Name != "The member" {
			t.Fatalf("the ballot after the close: %+v", cands)
		}
		pub = s.do("anonymous", "GET", path, nil).Body.String()
		if !strings.Contains(pub, "Closed") || !strings.Contains(pub, "On the ballot") {
			t.Errorf("the closed period's page: %.4000s", pub)
		}
		// After the close nothing changes.
		nf = s.do("officer", "POST", path+"/nominate", good)
		expect(t, nf, http.StatusSeeOther, "nominating after the close")
		if !strings.Contains(flashOf(nf), "closed") {
			t.Errorf("after the close: %q", flashOf(nf))
		}
		expect(t, s.do("officer", "GET", path+"/nominate", nil), http.StatusConflict, "the nominate form after the close")
		rec = s.do("member", "POST", path+"/answer/"+mid[1], url.Values{"answer": {"refuse"}})
		expect(t, rec, http.StatusSeeOther, "answering after the close")
		if !strings.Contains(flashOf(rec), "closed") {
			t.Errorf("answering after the close: %q", flashOf(rec))
		}
	})
}

func itoa(n int64) string {
	return strconv.FormatInt(n, 10)
}

// TestNominationWithdrawAndStandDown: an officer withdraws their body's
// nominations and a candidate stands down and stands again.
func TestNominationWithdrawAndStandDown(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		path, _ := s.openPeriod(t)
		expect(t, s.do("member", "POST", path+"/candidate", url.Values{"statement": {"Hello."}}), http.StatusSeeOther, "declare")
		nf := s.do("officer", "GET", path+"/nominate", nil).Body.String()
		mem := optionRE("The member").FindStringSubmatch(nf)
		f := url.Values{"slot-1": {mem[1]}, "meeting_date": {time.Now().AddDate(0, 0, -1).Format(time.DateOnly)}, "present": {"5"}, "votes-1": {"5"}, "confirm": {"yes"}}
		expect(t, s.do("officer", "POST", path+"/nominate", f), http.StatusSeeOther, "nominate")
		seen := seenRE.FindStringSubmatch(s.do("officer", "GET", path+"/nominate", nil).Body.String())
		if seen == nil {
			t.Fatal("no seen nomination on the form")
		}
		expect(t, s.do("officer", "POST", path+"/nominate", url.Values{"seen": {seen[1]}, "action": {"withdraw"}, "confirm": {"yes"}}), http.StatusSeeOther, "withdraw")
		if got := s.do("anonymous", "GET", path, nil).Body.String(); !strings.Contains(got, "Withdrawn") {
			t.Error("the withdrawn nomination is not on record")
		}
		expect(t, s.do("member", "POST", path+"/candidate/stand-down", url.Values{}), http.StatusSeeOther, "stand down")
		if got := s.do("anonymous", "GET", path, nil).Body.String(); !strings.Contains(got, "No longer standing") {
			t.Error("standing down is not shown")
		}
		expect(t, s.do("officer", "POST", path+"/candidate/stand-down", url.Values{}), http.StatusForbidden, "someone who never stood standing down")
		expect(t, s.do("member", "POST", path+"/candidate", url.Values{"statement": {"Back again."}}), http.StatusSeeOther, "stand again")
	})
}

// TestNominationRoutesByRole: every nomination route, as every role.
func TestNominationRoutesByRole(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		path, _ := s.openPeriod(t)
		const (
			ok, see, bad, unauth, forbid, missing = 200, 303, 422, 401, 403, 404
		)
		type want map[string]int // role -> status; "*" for the rest
		routes := []struct {
			method, path string
			form         url.Values
			w            want
		}{
			{"GET", "/nominations", nil, want{"*": ok}},
			{"GET", path, nil, want{"*": ok}},
			{"GET", path + "/nominations.csv", nil, want{"*": ok}},
			{"GET", "/nominations/no-such-period", nil, want{"*": missing}},
			{"GET", path + "/nominate", nil, want{"anonymous": see, "officer": ok, "*": forbid}},
			{"POST", path + "/nominate", url.Values{}, want{"anonymous": unauth, "officer": bad, "*": forbid}},
			{"GET", path + "/candidate", nil, want{"anonymous": see, "*": ok}},
			{"POST", path + "/candidate/stand-down", url.Values{}, want{"anonymous": unauth, "*": forbid}},
			{"POST", path + "/candidate", url.Values{"statement": {"Hello."}}, want{"anonymous": unauth, "*": see}},
			{"POST", path + "/answer/999999", url.Values{"answer": {"consent"}}, want{"anonymous": unauth, "*": missing}},
			{"GET", "/admin/nominations/new", nil, want{"anonymous": see, "returning_officer": ok, "*": forbid}},
			{"POST", "/admin/nominations", url.Values{}, want{"anonymous": unauth, "returning_officer": bad, "*": forbid}},
			{"POST", "/nominations/no-such-period/close", url.Values{}, want{"anonymous": unauth, "returning_officer": missing, "*": forbid}},
			{"POST", "/nominations/no-such-period/handover", url.Values{}, want{"anonymous": unauth, "returning_officer": missing, "*": forbid}},
		}
		for _, rt := range routes {
			for _, role := range roleNames {
				w, ok := rt.w[role]
				if !ok {
					w = rt.w["*"]
				}
				if got := s.do(role, rt.method, rt.path, rt.form).Code; got != w {
					t.Errorf("%s %s as %s: %d, want %d", rt.method, rt.path, role, got, w)
				}
			}
		}
	})
}

// TestNominationThresholdInWords: with a threshold rule the public page
// says, for each candidate, which parts are met and how many more are
// needed.
func TestNominationThresholdInWords(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.AddNominationRule(ctx, store.NominationRule{Name: "Two bodies", EffectiveFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
				Rule: `{"bodies": {"count": 2}}`, Source: "rule book"}, time.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		form := s.do("returning_officer", "GET", "/admin/nominations/new", nil).Body.String()
		if !strings.Contains(form, `<option value="Two bodies">Two bodies</option>`) {
			t.Fatalf("the set-up form does not offer the rule: %.3000s", form)
		}
		rec := s.do("returning_officer", "POST", "/admin/nominations", url.Values{
			"title": {"Leader"}, "unit_types": {"branch"}, "slots": {"Candidate"}, "rule": {"Two bodies"},
			"close_date": {time.Now().AddDate(0, 0, 5).Format(time.DateOnly)}, "close_time": {"12:00"}, "time_zone": {"UTC"},
		})
		expect(t, rec, http.StatusSeeOther, "open with a rule")
		path := rec.Header().Get("Location")
		expect(t, s.do("member", "POST", path+"/candidate", url.Values{"statement": {"Hi."}}), http.StatusSeeOther, "declare")
		mem := optionRE("The member").FindStringSubmatch(s.do("officer", "GET", path+"/nominate", nil).Body.String())
		expect(t, s.do("officer", "POST", path+"/nominate", url.Values{"slot-1": {mem[1]}, "confirm": {"yes"}}), http.StatusSeeOther, "nominate")
		pub := s.do("anonymous", "GET", path, nil).Body.String()
		for _, want := range []string{"Threshold not yet met", "not met, 1 more needed", "To reach the ballot a candidate must consent and needs"} {
			if !strings.Contains(pub, want) {
				t.Errorf("the public page lacks %q: %.5000s", want, pub)
			}
		}
	})
}

// TestIndividualNominator: a holder of the period's nominating office (a
// Member of Parliament) nominates for themself, besides the body they are
// an officer of; someone who holds no such office cannot.
func TestIndividualNominator(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateOffice(ctx, store.Office{PersonID: s.people["officer"], Office: "Member of Parliament", Authority: "Riverside"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := s.do("returning_officer", "POST", "/admin/nominations", url.Values{
			"title": {"Leader"}, "unit_types": {"branch"}, "nominator_office": {"Member of Parliament"}, "slots": {"Candidate"},
			"close_date": {time.Now().AddDate(0, 0, 5).Format(time.DateOnly)}, "close_time": {"12:00"}, "time_zone": {"UTC"},
		})
		expect(t, rec, http.StatusSeeOther, "open")
		path := rec.Header().Get("Location")
		if pub := s.do("anonymous", "GET", path, nil).Body.String(); !strings.Contains(pub, "Each holder of the office of Member of Parliament may nominate for themself") {
			t.Errorf("the rules do not mention the office: %.3000s", pub)
		}
		expect(t, s.do("member", "POST", path+"/candidate", url.Values{"statement": {"Hi."}}), http.StatusSeeOther, "declare")
		self := "person:" + itoa(s.people["officer"])
		form := s.do("officer", "GET", path+"/nominate?as="+url.QueryEscape(self), nil)
		expect(t, form, http.StatusOK, "the form for oneself")
		body := form.Body.String()
		if !strings.Contains(body, "Riverside Branch") || !strings.Contains(body, "(for yourself)") {
			t.Errorf("the form does not offer both nominators: %.3000s", body)
		}
		mem := optionRE("The member").FindStringSubmatch(body)
		expect(t, s.do("officer", "POST", path+"/nominate", url.Values{"as": {self}, "slot-1": {mem[1]}, "confirm": {"yes"}}), http.StatusSeeOther, "nominate for oneself")
		if pub := s.do("anonymous", "GET", path, nil).Body.String(); !strings.Contains(pub, "Individual nominator") {
			t.Errorf("the table does not show the individual nomination: %.4000s", pub)
		}
		expect(t, s.do("member", "POST", path+"/nominate", url.Values{"as": {"person:" + itoa(s.people["member"])}, "slot-1": {mem[1]}, "confirm": {"yes"}}), http.StatusForbidden, "a member who holds no office")
		expect(t, s.do("secretary", "POST", path+"/nominate", url.Values{"as": {self}, "slot-1": {mem[1]}, "confirm": {"yes"}}), http.StatusForbidden, "nominating in another's name")
	})
}
