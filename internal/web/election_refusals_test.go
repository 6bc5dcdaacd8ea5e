package web_test

import (
	"context"
	"fmt"
	"image/color"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// How a role fares on a route.
type outcome int

const (
	refused  outcome = iota // 403; a visitor is asked to sign in (a redirect to it, or 401)
	let                     // 200, or a redirect elsewhere than the sign-in
	hidden                  // 404: a draft is shown to the officials only
	notNow                  // 409: the stage or the roll stands in the way, said in words
	notAsked                // a trustee whose share the request would use up
)

func (o outcome) String() string {
	return [...]string{"refused", "let through", "not found", "not now", "not asked"}[o]
}

// step is one route tried by every role. Roles in let are let through;
// the others fare as in per, or else as others (refused unless said).
type step struct {
	method, path string
	form         func(role string) url.Values
	file         *upload // sends the form as multipart, with this file
	let          []string
	others       outcome
	per          map[string]outcome
	// answer, if set, is given the answers to the roles let through.
	answer func(*httptest.ResponseRecorder)
}

type upload struct {
	field   string
	content []byte
}

// electionTables are what an election's routes may change: a refused
// request must leave every row of them as it was.
var electionTables = []string{
	"elections", "election_candidates", "election_roll", "election_trustees", "election_ballot_links",
	"election_envelopes", "election_ballots", "election_results", "election_signoffs", "election_mailings",
	"audit_log", "jobs", "outbox",
}

// snapshot is every row of the election tables, as text, in a stable order.
func (s *site) snapshot() string {
	s.t.Helper()
	var b strings.Builder
	for _, table := range electionTables {
		rows, err := s.db.Query(context.Background(), `SELECT * FROM `+table)
		if err != nil {
			s.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				s.t.Fatal(err)
			}
			var line strings.Builder
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					fmt.Fprintf(&line, "%x|", v)
				case time.Time:
					line.WriteString(v.UTC().Format(time.RFC3339Nano) + "|")
				default:
					fmt.Fprintf(&line, "%v|", v)
				}
			}
			lines = append(lines, line.String())
		}
		if err := rows.Err(); err != nil {
			s.t.Fatal(err)
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "%s: %d rows\n%s\n", table, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// try runs the steps in order. For each, the roles to be refused go first,
// each checked to change nothing, then the roles let through, whose
// requests move the election on.
func (s *site) try(t *testing.T, roles []string, steps ...step) {
	t.Helper()
	for _, st := range steps {
		order := slices.Clone(roles)
		sort.SliceStable(order, func(i, j int) bool { return !contains(st.let, order[i]) && contains(st.let, order[j]) })
		for _, role := range order {
			want := st.others
			if o, ok := st.per[role]; ok {
				want = o
			}
			if contains(st.let, role) {
				want = let
			}
			if want == notAsked {
				continue
			}
			var form url.Values
			if st.form != nil {
				form = st.form(role)
			}
			before := ""
			if want != let {
				before = s.snapshot()
			}
			var rec *httptest.ResponseRecorder
			if st.file != nil {
				rec = s.postFile(role, st.path, st.file.field, st.file.field+".txt", st.file.content, form)
			} else {
				rec = s.do(role, st.method, st.path, form)
			}
			what := fmt.Sprintf("%s %s as %s (want %s)", st.method, st.path, role, want)
			got, loc := rec.Code, rec.Header().Get("Location")
			switch want {
			case let:
				if got != http.StatusOK && (got != http.StatusSeeOther || strings.HasPrefix(loc, "/signin")) {
					t.Errorf("%s: %d %q %s", what, got, loc, mainOf(rec))
				}
			case refused:
				if (role == "anonymous" && !refusedAnonymous(rec)) || (role != "anonymous" && got != http.StatusForbidden) {
					t.Errorf("%s: %d %q %s", what, got, loc, mainOf(rec))
				}
			case hidden, notNow:
				if code := map[outcome]int{hidden: http.StatusNotFound, notNow: http.StatusConflict}[want]; got != code {
					t.Errorf("%s: %d %q %s", what, got, loc, mainOf(rec))
				}
			}
			if want == let && st.answer != nil {
				st.answer(rec)
			}
			if want != let {
				if after := s.snapshot(); after != before {
					t.Errorf("%s was refused but changed the election's records:\n%s", what, firstDifference(before, after))
				}
			}
		}
	}
}

func mainOf(rec *httptest.ResponseRecorder) string {
	body := rec.Body.String()
	if i := strings.Index(body, `<main id="main" tabindex="-1">`); i >= 0 {
		body = body[i+len(`<main id="main" tabindex="-1">`):]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return strings.Join(strings.Fields(body), " ")
}

func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("was %.300s\nnow %.300s", al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines, now %d", len(al), len(bl))
}

// TestEveryElectionRouteForEveryRole takes one election through its life
// (draft, roll taken, voting open, closed, counted, declared) and at each
// stage asks every election page, action and API route as every role:
// those with the right are let through; everyone else is refused (403, or
// asked to sign in), or, while the election is a draft, not shown it; and a
// refused request changes nothing.
func TestEveryElectionRouteForEveryRole(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addCandidate()
		roles := append(slices.Clone(roleNames), "candidate")
		officer := []string{"returning_officer"}
		scrutineer := []string{"scrutineer"}
		officials := []string{"returning_officer", "scrutineer"}
		voters := []string{"member", "officer", "secretary", "returning_officer", "scrutineer", "admin"} // the branch's members
		everyone := roles

		closeAt := fromNow(72 * time.Hour)
		settings := url.Values{"allow_change": {"on"}, "mailings": {"1"}, "ballot_close": {closeAt}, "quotas": {"gender=woman:1"}}
		L := draftElectionThroughPages(t, s, "Life of an election", settings,
			candidate("Ada"), candidate("Ben"), candidate("Cy"), url.Values{"name": {"Cora"}, "person": {"candidate@example.org"}}, candidate("Eve"))
		ids := s.candidateIDs(L)
		expect(t, s.postFile("returning_officer", L+"/candidates/save", "photo", "photo", pngImage(t, color.White), url.Values{"name": {"Ada"}, "candidate": {ids["Ada"]}, "gender": {"woman"}}), http.StatusSeeOther, "Ada's photo")
		expect(t, s.do("returning_officer", "POST", L+"/key", trusteesForm), http.StatusSeeOther, "key")
		var electionID int64
		if err := db.QueryRow(t.Context(), `SELECT id FROM elections WHERE slug = 'life-of-an-election'`).Scan(&electionID); err != nil {
			t.Fatal(err)
		}
		api := fmt.Sprintf("/api/v1/elections/%d", electionID)
		photo := L + "/candidates/" + ids["Ada"] + "/photo"

		logFrom := s.log.Len() // the requests of the steps below are logged from here

		fixed := func(v url.Values) func(string) url.Values { return func(string) url.Values { return v } }
		none := fixed(url.Values{})
		edit := func(role string) url.Values {
			return url.Values{"title": {"Life of an election"}, "slug": {"life-of-an-election"}, "seats": {"1"}, "method": {"irv"},
				"allow_change": {"on"}, "mailings": {"1"}, "ballot_close": {closeAt}, "quotas": {"gender=woman:1"}, "description": {"Edited by " + role}}
		}
		ada := fixed(url.Values{"rank-" + ids["Ada"]: {"1"}})
		passphrase := fixed(url.Values{"passphrase": {scrutineerPassphrase}, "passphrase_again": {scrutineerPassphrase}})
		results := func(let []string, others outcome, per map[string]outcome) []step {
			var out []step
			for _, p := range []string{"/result", "/board", "/ballots.blt", "/ballots.json", "/candidates.csv"} {
				out = append(out, step{method: "GET", path: L + p, let: let, others: others, per: per})
			}
			return out
		}

		// In draft: the returning officer sets the election up; only the officials see it.
		s.try(t, roles,
			step{method: "GET", path: "/elections", let: everyone},
			step{method: "GET", path: "/api/v1/elections", let: everyone},
			step{method: "GET", path: L, let: officials, others: hidden},
			step{method: "GET", path: api, let: officials, others: hidden},
			step{method: "GET", path: photo, let: officials, others: hidden},
			step{method: "GET", path: "/admin/elections/new", let: officer},
			step{method: "POST", path: "/admin/elections", form: func(role string) url.Values {
				return url.Values{"title": {"Election by " + role}, "seats": {"1"}}
			}, let: officer},
			step{method: "GET", path: L + "/edit", let: officer},
			step{method: "POST", path: L + "/edit", form: edit, let: officer},
			step{method: "GET", path: L + "/manage", let: officer},
			step{method: "POST", path: L + "/rules", form: fixed(url.Values{"rules": {`[{"kind": "members", "unit_types": ["branch"]}]`}}), let: officer},
			step{method: "POST", path: L + "/candidates/save", form: func(role string) url.Values { return url.Values{"name": {"Dee " + role}} }, file: &upload{field: "photo"}, let: officer},
			step{method: "POST", path: L + "/candidates/withdraw", form: fixed(url.Values{"candidate": {ids["Eve"]}, "withdrawn": {"true"}}), let: officer},
			step{method: "POST", path: L + "/candidates/delete", form: fixed(url.Values{"candidate": {ids["Eve"]}}), let: officer},
			step{method: "POST", path: L + "/key", form: fixed(trusteesForm), let: officer},
			step{method: "GET", path: L + "/roll", let: officials},
			step{method: "GET", path: L + "/trustee", let: officials, others: hidden},
			step{method: "GET", path: L + "/scrutiny", let: scrutineer},
			step{method: "GET", path: L + "/mailings", let: officer, others: hidden, per: map[string]outcome{"scrutineer": refused}},
			step{method: "GET", path: L + "/vote", others: hidden, per: map[string]outcome{"returning_officer": notNow, "scrutineer": notNow}},
			step{method: "POST", path: L + "/vote", form: ada, others: hidden, per: map[string]outcome{"anonymous": refused, "returning_officer": notNow, "scrutineer": notNow}},
			step{method: "POST", path: L + "/vote/confirm", form: ada, others: hidden, per: map[string]outcome{"anonymous": refused, "returning_officer": notNow, "scrutineer": notNow}},
		)
		s.try(t, roles, results(nil, hidden, map[string]outcome{"returning_officer": notNow, "scrutineer": notNow})...)
		for role, listed := range map[string]bool{"member": false, "anonymous": false, "admin": false, "returning_officer": true, "scrutineer": true} {
			if got := strings.Contains(s.do(role, "GET", "/api/v1/elections", nil).Body.String(), `"slug": "life-of-an-election"`); got != listed {
				t.Errorf("the API lists the draft to %s: %t, want %t", role, got, listed)
			}
			if got := strings.Contains(s.do(role, "GET", "/elections", nil).Body.String(), "Life of an election"); got != listed {
				t.Errorf("the list of elections shows the draft to %s: %t, want %t", role, got, listed)
			}
		}
		s.try(t, roles, step{method: "POST", path: L + "/actions/freeze", form: none, let: officer})
		if st := s.status(L); st != store.ElectionFrozen {
			t.Fatalf("after the freeze the election is %s", st)
		}

		var share []byte // the returning officer's, for the count

		// The roll is taken: the trusteesForm take their shares, the roll is
		// corrected by hand, a candidate writes to the electorate.
		s.try(t, roles,
			step{method: "GET", path: L, let: everyone},
			step{method: "GET", path: L + "/trustee", let: officials},
			step{method: "POST", path: L + "/trustee/file", form: none, let: officer, per: map[string]outcome{"scrutineer": notAsked},
				answer: func(rec *httptest.ResponseRecorder) { share = rec.Body.Bytes() }},
			step{method: "POST", path: L + "/trustee/seal", form: passphrase, let: scrutineer, per: map[string]outcome{"returning_officer": notAsked}},
			step{method: "GET", path: L + "/roll", let: officials},
			step{method: "POST", path: L + "/roll/add", form: fixed(url.Values{"person": {"candidate@example.org"}, "reason": {"Appeal upheld"}}), let: officer},
			step{method: "POST", path: L + "/roll/remove", form: fixed(url.Values{"person": {"candidate@example.org"}, "reason": {"Added in error"}}), let: officer},
			step{method: "GET", path: L + "/mailings", let: []string{"candidate", "returning_officer"}},
			step{method: "POST", path: L + "/mailings", form: fixed(url.Values{"subject": {"Why I stand"}, "body": {"For a branch that listens."}}), let: []string{"candidate"}},
			step{method: "GET", path: L + "/vote", others: notNow, per: map[string]outcome{"anonymous": refused}},
		)
		var mailingID int64
		if err := db.QueryRow(t.Context(), `SELECT id FROM election_mailings`).Scan(&mailingID); err != nil {
			t.Fatal(err)
		}
		s.try(t, roles,
			step{method: "POST", path: L + "/mailings/review", form: fixed(url.Values{"mailing": {fmt.Sprint(mailingID)}, "decision": {"approve"}}), let: officer},
			step{method: "POST", path: L + "/actions/open", form: none, let: officer},
		)
		if st := s.status(L); st != store.ElectionOpen {
			t.Fatalf("after the opening the election is %s", st)
		}

		// Voting is open: the branch's members vote; ballot links go out.
		s.try(t, roles,
			step{method: "GET", path: L + "/vote", let: voters, others: notNow, per: map[string]outcome{"anonymous": refused}},
			// The review tells someone not on the roll (the candidate) at
			// once; the way back from it changes nothing and does not look
			// the voter up.
			step{method: "POST", path: L + "/vote", form: ada, let: voters, others: notNow, per: map[string]outcome{"anonymous": refused}},
			step{method: "POST", path: L + "/vote/change", form: ada, let: slices.Concat(voters, []string{"candidate"}), per: map[string]outcome{"anonymous": refused}},
			step{method: "POST", path: L + "/actions/links", form: none, let: officer},
		)
		s.runJobs()
		var link string
		for _, m := range s.outbox("Your ballot: Life of an election") {
			if m.to == "member@example.org" {
				link = regexp.MustCompile(`/ballot/[A-Za-z0-9_-]+`).FindString(m.text)
			}
		}
		if link == "" {
			t.Fatal("no ballot link reached the member")
		}
		// A ballot link is its own credential: whoever holds it is let in, signed in or not.
		s.try(t, roles,
			step{method: "GET", path: link, let: everyone},
			step{method: "POST", path: link, form: ada, let: everyone},
			step{method: "POST", path: link + "/change", form: ada, let: everyone},
			step{method: "GET", path: "/ballot/made-up-token", others: notNow},
			step{method: "POST", path: "/ballot/made-up-token", form: ada, others: notNow},
			step{method: "POST", path: "/ballot/made-up-token/change", form: ada, others: notNow},
			step{method: "POST", path: "/ballot/made-up-token/confirm", form: ada, others: notNow},
			step{method: "POST", path: L + "/vote/confirm", form: ada, let: voters, others: notNow, per: map[string]outcome{"anonymous": refused}},
			step{method: "GET", path: api, let: everyone},
			step{method: "GET", path: photo, let: everyone},
			step{method: "POST", path: L + "/candidates/withdraw", form: fixed(url.Values{"candidate": {s.candidateIDs(L)["Dee returning_officer"]}, "withdrawn": {"true"}}), let: officer},
			step{method: "POST", path: L + "/edit", form: edit, let: officer},
		)
		s.try(t, roles, results(nil, notNow, nil)...)
		s.try(t, roles, step{method: "POST", path: L + "/actions/close", form: none, let: officer})
		if st := s.status(L); st != store.ElectionClosed {
			t.Fatalf("after the close the election is %s", st)
		}

		// Closed: the trusteesForm give their shares, which counts.
		s.try(t, roles,
			step{method: "GET", path: L + "/trustee", let: officials},
			step{method: "POST", path: L + "/trustee/submit", form: fixed(url.Values{"passphrase": {scrutineerPassphrase}}), let: scrutineer, per: map[string]outcome{"returning_officer": notAsked}},
			step{method: "POST", path: L + "/trustee/submit", form: fixed(url.Values{}), file: &upload{"share", share}, let: officer, per: map[string]outcome{"scrutineer": notAsked}},
		)
		if st := s.status(L); st != store.ElectionCounted {
			t.Fatalf("after the shares the election is %s", st)
		}

		// Counted: the officials see the count before anyone else; the scrutineer checks it.
		s.try(t, roles, results(officials, notNow, nil)...)
		s.try(t, roles,
			step{method: "GET", path: L + "/scrutiny?recount=1", let: scrutineer},
			step{method: "POST", path: L + "/scrutiny", form: fixed(url.Values{"note": {"Checked."}}), let: scrutineer},
			step{method: "POST", path: L + "/actions/declare", form: none, let: officer},
		)
		if st := s.status(L); st != store.ElectionDeclared {
			t.Fatalf("after the declaration the election is %s", st)
		}

		// Declared: the result and the ballots are everyone's.
		s.try(t, roles, results(everyone, refused, nil)...)
		s.try(t, roles,
			step{method: "GET", path: api, let: everyone},
			step{method: "GET", path: L + "/manage", let: officer},
			step{method: "GET", path: L + "/vote", others: notNow, per: map[string]outcome{"anonymous": refused}},
		)

		// Every election route was asked: a route added later needs its step here.
		src, err := os.ReadFile("routes_elections.go")
		if err != nil {
			t.Fatal(err)
		}
		asked := s.log.String()[logFrom:]
		for _, m := range regexp.MustCompile(`mux\.HandleFunc\("([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
			if !strings.Contains(asked, `route="`+m[1]+`"`) {
				t.Errorf("no step asks %s", m[1])
			}
		}

		// And every action the election service audits is in the audit
		// log after this life: the returning officer's and scrutineer's
		// actions are all recorded (an action written as a prefix, such as
		// a mailing's decision, is looked for as one).
		entries, _, err := db.AuditLog(t.Context(), store.AuditFilter{Page: store.Page{Size: 1000}})
		if err != nil {
			t.Fatal(err)
		}
		var logged strings.Builder
		for _, en := range entries {
			logged.WriteString("|" + en.Action)
		}
		sources, err := filepath.Glob("../election/*.go")
		if err != nil || len(sources) == 0 {
			t.Fatalf("election sources: %v", err)
		}
		for _, name := range sources {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			code, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range regexp.MustCompile(`audit\(ctx, tx, [^,]+, "(election\.[a-z_]+)"`).FindAllStringSubmatch(string(code), -1) {
				if !strings.Contains(logged.String(), "|"+m[1]) {
					t.Errorf("%s (audited in %s) is not in the audit log after the election's whole life", m[1], filepath.Base(name))
				}
			}
		}
	})
}
