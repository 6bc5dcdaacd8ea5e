package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// postFile sends a multipart form with one file as a role.
func (s *site) postFile(role, path, field, name string, content []byte, fields url.Values) *httptest.ResponseRecorder {
	s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		s.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.RemoteAddr = clientOf(role)
	req.AddCookie(&http.Cookie{Name: "quorum_session", Value: s.sessions[role]})
	rec := httptest.NewRecorder()
	s.srv.ServeHTTP(rec, req)
	return rec
}

func expect(t *testing.T, rec *httptest.ResponseRecorder, status int, what string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("%s: status %d, want %d; location %q; body %.600s", what, rec.Code, status, rec.Header().Get("Location"), rec.Body.String())
	}
}

// TestElectionFromSetUpToBulletinBoard runs a whole election through its
// pages: the returning officer sets it up, the trustees take their shares,
// members vote in secret, the trustees give their shares back, the count
// is declared, a voter finds their ballot and the scrutineer signs off.
func TestElectionFromSetUpToBulletinBoard(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		rec := s.do("returning_officer", "POST", "/admin/elections", url.Values{"title": {"Chair of the branch"}, "seats": {"1"}, "method": {"irv"}})
		expect(t, rec, http.StatusSeeOther, "create")
		base := "/elections/chair-of-the-branch"
		if rec.Header().Get("Location") != base+"/manage" {
			t.Fatalf("after create: %q", rec.Header().Get("Location"))
		}
		// Bad input is refused next to the field.
		expect(t, s.do("returning_officer", "POST", "/admin/elections", url.Values{"title": {""}, "seats": {"none"}}), http.StatusUnprocessableEntity, "empty form")
		expect(t, s.do("member", "POST", "/admin/elections", url.Values{"title": {"Coup"}, "seats": {"1"}}), http.StatusForbidden, "a member creating an election")

		for _, name := range []string{"Ada", "Ben", "Cy"} {
			expect(t, s.postFile("returning_officer", base+"/candidates/save", "photo", "", nil, url.Values{"name": {name}, "statement": {"I am **" + name + "**. <script>x()</script>"}}), http.StatusSeeOther, "add "+name)
		}
		expect(t, s.do("returning_officer", "POST", base+"/rules", url.Values{"rules": {`[{"kind": "members", "unit_types": ["branch"]}]`}}), http.StatusSeeOther, "rules")
		expect(t, s.do("returning_officer", "POST", base+"/rules", url.Values{"rules": {`not json`}}), http.StatusUnprocessableEntity, "bad rules")
		expect(t, s.do("returning_officer", "POST", base+"/key", url.Values{
			"trustees":  {"returning_officer@example.org returning officer\nscrutineer@example.org scrutineer"},
			"threshold": {"2"},
		}), http.StatusSeeOther, "key")

		// The statement is sanitised on the election's page (hidden from the public while in draft).
		expect(t, s.do("anonymous", "GET", base, nil), http.StatusNotFound, "a draft election in public")
		page := s.do("returning_officer", "GET", base, nil).Body.String()
		if !strings.Contains(page, "<strong>Ada</strong>") || strings.Contains(page, "<script>x()") {
			t.Fatalf("the candidate statement is not rendered safely: %.4000s", page)
		}

		// Voting cannot open before the trustees have their shares.
		rec = s.do("returning_officer", "POST", base+"/actions/open", url.Values{})
		expect(t, rec, http.StatusSeeOther, "early open")
		if got := s.do("anonymous", "GET", base, nil).Body.String(); strings.Contains(got, "Voting open") {
			t.Fatal("voting opened before the trustees took their shares")
		}
		rec = s.do("returning_officer", "POST", base+"/trustee/file", url.Values{})
		expect(t, rec, http.StatusOK, "share file")
		shareFile := rec.Body.Bytes()
		expect(t, s.do("returning_officer", "POST", base+"/trustee/file", url.Values{}), http.StatusSeeOther, "second download refused")
		expect(t, s.do("scrutineer", "POST", base+"/trustee/seal", url.Values{"passphrase": {"correct horse battery"}, "passphrase_again": {"correct horse battery"}}), http.StatusSeeOther, "seal")
		expect(t, s.do("returning_officer", "POST", base+"/actions/open", url.Values{}), http.StatusSeeOther, "open")

		// Members vote: check, then confirm; the tracker is shown once.
		trackers := map[string]string{}
		votes := map[string]url.Values{}
		cands := regexp.MustCompile(`name="rank-(\d+)"`).FindAllStringSubmatch(s.do("member", "GET", base+"/vote", nil).Body.String(), -1)
		if len(cands) != 3 {
			t.Fatalf("ballot paper shows %d candidates", len(cands))
		}
		a, b, c := "rank-"+cands[0][1], "rank-"+cands[1][1], "rank-"+cands[2][1]
		votes["member"] = url.Values{a: {"1"}, b: {"2"}}
		votes["officer"] = url.Values{b: {"1"}}
		votes["secretary"] = url.Values{c: {"1"}, a: {"2"}}
		votes["admin"] = url.Values{a: {"1"}}
		expect(t, s.do("member", "POST", base+"/vote", url.Values{a: {"1"}, b: {"1"}}), http.StatusUnprocessableEntity, "two firsts")
		for role, v := range votes {
			expect(t, s.do(role, "POST", base+"/vote", v), http.StatusOK, role+" review")
			rec := s.do(role, "POST", base+"/vote/confirm", v)
			expect(t, rec, http.StatusOK, role+" cast")
			m := regexp.MustCompile(`id="tracker">([^<]+)<`).FindStringSubmatch(rec.Body.String())
			if m == nil {
				t.Fatalf("%s: no tracker on the receipt", role)
			}
			trackers[role] = m[1]
		}
		rec = s.do("member", "POST", base+"/vote/confirm", url.Values{a: {"1"}})
		if rec.Code == http.StatusOK {
			t.Fatal("a second vote was accepted")
		}
		// Turnout is public; who voted and how is not.
		if got := s.do("anonymous", "GET", base, nil).Body.String(); !strings.Contains(got, "<strong>4</strong> of 6") {
			t.Fatalf("turnout not shown as 4 of 6")
		}
		for _, secret := range trackers {
			if strings.Contains(s.log.String(), secret) {
				t.Fatal("a tracker reached the log")
			}
		}
		// Nor the size of a ballot page, which follows the choices on it.
		ballotLines := 0
		for _, line := range strings.Split(s.log.String(), "\n") {
			if strings.Contains(line, "route=\"POST /elections/{slug}/vote") || strings.Contains(line, "route=\"GET /elections/{slug}/vote") {
				ballotLines++
				if strings.Contains(line, "bytes=") {
					t.Fatalf("a ballot page's size reached the log: %s", line)
				}
			}
		}
		if ballotLines == 0 {
			t.Fatal("no ballot request was logged: the check above saw nothing")
		}

		// Close; the trustees give their shares; the count runs.
		expect(t, s.do("returning_officer", "POST", base+"/actions/close", url.Values{}), http.StatusSeeOther, "close")
		expect(t, s.do("scrutineer", "POST", base+"/trustee/submit", url.Values{"passphrase": {"wrong passphrase!"}}), http.StatusUnprocessableEntity, "wrong passphrase")
		expect(t, s.do("scrutineer", "POST", base+"/trustee/submit", url.Values{"passphrase": {"correct horse battery"}}), http.StatusSeeOther, "scrutineer's share")
		expect(t, s.postFile("returning_officer", base+"/trustee/submit", "share", "share.txt", shareFile, nil), http.StatusSeeOther, "returning officer's share")
		expect(t, s.do("anonymous", "GET", base+"/result", nil), http.StatusConflict, "result before the declaration")
		expect(t, s.do("returning_officer", "POST", base+"/actions/declare", url.Values{}), http.StatusSeeOther, "declare")

		res := s.do("anonymous", "GET", base+"/result", nil)
		expect(t, res, http.StatusOK, "result")
		if !strings.Contains(res.Body.String(), "<li><strong>Ada</strong></li>") {
			t.Fatalf("Ada should win: %.2000s", res.Body.String())
		}
		board := s.do("anonymous", "GET", base+"/board?tracker="+url.QueryEscape(strings.ToLower(trackers["secretary"])), nil).Body.String()
		if !strings.Contains(board, "Your ballot is on the board, and its proof leads to the published root") || !strings.Contains(board, "1. Cy, 2. Ada") {
			t.Fatalf("tracker check failed: %.3000s", board)
		}
		blt := s.do("anonymous", "GET", base+"/ballots.blt", nil)
		expect(t, blt, http.StatusOK, "blt download")
		if !strings.HasPrefix(blt.Body.String(), "3 1") || blt.Header().Get("Content-Disposition") != `attachment; filename="chair-of-the-branch-ballots.blt"` {
			t.Fatalf(".blt starts %q, saved as %q", blt.Body.String()[:20], blt.Header().Get("Content-Disposition"))
		}
		// The result and the board show how to recount each download; with
		// no quota rule the .blt needs no attribute file, and there is none.
		seed := regexp.MustCompile(`Seed of the lot: <code>(\d+)</code>`).FindStringSubmatch(res.Body.String())
		if seed == nil {
			t.Fatal("the result page names no seed")
		}
		root := regexp.MustCompile(`<code class="mono">([0-9a-f]{64})</code>`).FindStringSubmatch(res.Body.String())
		if root == nil {
			t.Fatal("the result page names no Merkle root")
		}
		for _, page := range []string{res.Body.String(), s.do("anonymous", "GET", base+"/board", nil).Body.String()} {
			for _, want := range []string{"<code>quorum count --root " + root[1] + " chair-of-the-branch-ballots.json</code>",
				"<code>quorum count --method irv --seats 1 --seed " + seed[1] + " chair-of-the-branch-ballots.blt</code>"} {
				if !strings.Contains(page, want) {
					t.Errorf("a page lacks %s", want)
				}
			}
			if strings.Contains(page, "candidates.csv") {
				t.Error("a page offers an attribute file no count needs")
			}
		}
		expect(t, s.do("anonymous", "GET", base+"/candidates.csv", nil), http.StatusNotFound, "attributes of candidates who have none")
		expect(t, s.do("member", "GET", base+"/scrutiny", nil), http.StatusForbidden, "a member on the scrutiny page")
		api := s.do("anonymous", "GET", "/api/v1/elections", nil).Body.String()
		idm := regexp.MustCompile(`"id": (\d+)`).FindStringSubmatch(api)
		if idm == nil {
			t.Fatalf("the API lists no election: %s", api)
		}
		one := s.do("anonymous", "GET", "/api/v1/elections/"+idm[1], nil).Body.String()
		for _, want := range []string{`"elected": [`, `"Ada"`, `"voted": 4`, `"merkle_root"`, `"ballot_close"`} {
			if !strings.Contains(one, want) {
				t.Errorf("the election's JSON lacks %s: %s", want, one)
			}
		}
		rc := s.do("scrutineer", "GET", base+"/scrutiny?recount=1", nil)
		if !strings.Contains(rc.Body.String(), "The recount agrees") {
			t.Fatalf("recount: %.1500s", rc.Body.String())
		}
		expect(t, s.do("scrutineer", "POST", base+"/scrutiny", url.Values{"note": {"Checked."}}), http.StatusSeeOther, "sign off")
	})
}
