package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/config"
	"quorum/internal/count"
	"quorum/internal/election"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// published is a declared election as its pages and downloads give it.
type published struct {
	stored     store.ElectionResult
	resultPage string
	files      map[string][]byte // by the name the browser saves it under
}

// runPublishedElection runs a 3-seat Scottish STV election with "at least
// 2 women" through the election service wired as `quorum serve` wires it:
// set-up, key, open, 40 votes, a candidate withdrawn after 3 voters put
// him first, close and count (the demo's kept shares), declaration. The
// seed of the lot is drawn at the count. Then it fetches the result page
// and the downloads from the web server, as anyone would.
func runPublishedElection(t *testing.T, db *store.DB) published {
	t.Helper()
	ctx := context.Background()
	cfg := config.Config{BaseURL: "https://quorum.example.org", SiteName: "Quorum", MailFrom: "quorum@example.org", Workers: 1, Location: time.UTC}
	a, err := newApp(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), true)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-72 * time.Hour).Truncate(time.Second)
	clock := start
	svc := a.demoElections(func() time.Time { return clock })

	person := func(tx *store.Tx, name, gender string) int64 {
		slug := strings.ToLower(strings.ReplaceAll(name, " ", "-"))
		id, err := tx.CreatePerson(ctx, store.Person{Name: name, Email: slug + "@example.org", Gender: gender, Slug: slug})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	var roID, scrutID int64
	var voters []int64
	err = db.InTx(ctx, func(tx *store.Tx) error {
		branch, err := tx.CreateUnit(ctx, store.Unit{Type: "branch", Name: "Tyneside", Slug: "tyneside"})
		if err != nil {
			return err
		}
		roID, scrutID = person(tx, "Rita Returning", ""), person(tx, "Sam Scrutineer", "")
		for id, role := range map[int64]auth.Role{roID: auth.RoleReturningOfficer, scrutID: auth.RoleScrutineer} {
			if _, err := tx.AddGrant(ctx, store.Grant{PersonID: id, Role: string(role)}); err != nil {
				return err
			}
		}
		for i := range 40 {
			id := person(tx, fmt.Sprintf("Voter %02d", i+1), "")
			if _, err := tx.CreateMembership(ctx, store.Membership{PersonID: id, UnitID: branch, Number: fmt.Sprint(1000 + i), Type: "full",
				Start: start.AddDate(-1, 0, 0), Status: "active"}); err != nil {
				return err
			}
			voters = append(voters, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ro := &auth.Principal{PersonID: roID, SecondFactor: true, TOTPEnabled: true, Grants: []store.Grant{{PersonID: roID, Role: string(auth.RoleReturningOfficer)}}}

	e, err := svc.Create(ctx, ro, election.Settings{
		Title: "National Executive: members' section", Slug: "nec-members", Seats: 3, Method: "scottish-stv",
		Quotas: []election.Quota{{Attribute: "gender", Value: "woman", Min: 2}},
		Timetable: election.Timetable{Freeze: start.Add(time.Hour), BallotOpen: start.Add(2 * time.Hour),
			BallotClose: start.Add(24 * time.Hour), Declare: start.Add(48 * time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SetRules(ctx, ro, e.ID, []election.Rule{{Kind: election.RuleMembers, UnitTypes: []string{"branch"}}}); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, c := range []struct{ name, gender string }{
		{"Ann Adams", "woman"}, {"Beth Brown", "woman"}, {"Cath Clark", "woman"}, {"Dan Davis", "man"},
		{"Ed Evans", "man"}, {"Fred Ford", "man"}, {"Gail Green", "woman"}, {"Hal Hughes", "man"},
	} {
		// An attribute no quota rule names stays private: it is in neither download.
		cand, err := svc.AddCandidate(ctx, ro, e.ID, election.CandidateInput{Name: c.name, Attributes: map[string]string{"gender": c.gender, "ethnicity": "private"}})
		if err != nil {
			t.Fatal(err)
		}
		ids[c.name] = cand.ID
	}
	trustees := []election.TrusteeInput{{PersonID: roID, Role: election.TrusteeReturningOfficer}, {PersonID: scrutID, Role: election.TrusteeScrutineer}}
	if err := svc.SetUpKey(ctx, ro, e.ID, election.KeyInput{Threshold: 2, Trustees: trustees, KeepSharesForDemo: true}); err != nil {
		t.Fatal(err)
	}
	clock = start.Add(2*time.Hour + time.Minute)
	if err := svc.Open(ctx, ro, e.ID); err != nil {
		t.Fatal(err)
	}
	// Without the quota Dan, Ed and one woman win; with it Dan and two
	// women. Cath and Gail tie for exclusion, which the lot settles.
	votes := []struct {
		n       int
		ranking []string
	}{
		{10, []string{"Dan Davis", "Ed Evans"}}, {8, []string{"Ed Evans", "Dan Davis"}}, {7, []string{"Fred Ford"}},
		{4, []string{"Ann Adams", "Beth Brown"}}, {4, []string{"Beth Brown", "Ann Adams"}}, {2, []string{"Cath Clark", "Ann Adams"}},
		{2, []string{"Gail Green", "Beth Brown"}}, {3, []string{"Hal Hughes", "Dan Davis", "Ed Evans"}},
	}
	next := 0
	for _, v := range votes {
		var ranking []int64
		for _, name := range v.ranking {
			ranking = append(ranking, ids[name])
		}
		for range v.n {
			if _, err := svc.Cast(ctx, &auth.Principal{PersonID: voters[next]}, e.ID, ranking); err != nil {
				t.Fatalf("vote %d: %v", next+1, err)
			}
			next++
		}
	}
	if err := svc.WithdrawCandidate(ctx, ro, e.ID, ids["Hal Hughes"], true); err != nil {
		t.Fatal(err)
	}
	clock = start.Add(24 * time.Hour)
	if err := svc.Close(ctx, ro, e.ID); err != nil {
		t.Fatal(err)
	}
	clock = start.Add(48 * time.Hour)
	if err := svc.Declare(ctx, ro, e.ID); err != nil {
		t.Fatal(err)
	}

	p := published{files: map[string][]byte{}}
	if p.stored, err = db.ResultOf(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		a.web.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %.300s", path, rec.Code, rec.Body.String())
		}
		return rec
	}
	p.resultPage = get("/elections/nec-members/result").Body.String()
	for _, file := range []string{"ballots.json", "ballots.blt", "candidates.csv"} {
		rec := get("/elections/nec-members/" + file)
		m := regexp.MustCompile(`filename="([^"]+)"`).FindStringSubmatch(rec.Header().Get("Content-Disposition"))
		if m == nil {
			t.Fatalf("%s: no file name in %q", file, rec.Header().Get("Content-Disposition"))
		}
		p.files[m[1]] = rec.Body.Bytes()
	}
	return p
}

// shellWords splits a command line shown on a page as a POSIX shell would
// (plain words and single quotes, all that the page uses).
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case quoted && r == '\'':
			quoted = false
		case quoted:
			cur.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == '\\' || r == '"' || r == '$' || r == '`':
			t.Fatalf("the command line %q needs a shell feature the page should not use", line)
		case r == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

type countedResult struct {
	Seed    uint64   `json:"seed"`
	Method  string   `json:"method"`
	Seats   int      `json:"seats"`
	Elected []string `json:"elected"`
	Rounds  []struct {
		Round   int                        `json:"round"`
		Action  string                     `json:"action"`
		Tallies map[string]json.RawMessage `json:"tallies"`
	} `json:"rounds"`
	Ties []countTie `json:"ties"`
}

type countTie struct {
	How string `json:"how"`
}

func decodeResult(t *testing.T, what, text string) countedResult {
	t.Helper()
	var r countedResult
	if err := json.Unmarshal([]byte(text), &r); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, text)
	}
	return r
}

// sameResult compares a recount with the stored result: the seed, the
// winners in order, every stage's votes per candidate, then every byte.
func sameResult(t *testing.T, what, got, stored string) {
	t.Helper()
	g, s := decodeResult(t, what, got), decodeResult(t, "the stored result", stored)
	if g.Seed != s.Seed {
		t.Fatalf("%s: seed %d, stored %d", what, g.Seed, s.Seed)
	}
	if !slices.Equal(g.Elected, s.Elected) {
		t.Fatalf("%s: elected %v, stored %v", what, g.Elected, s.Elected)
	}
	if len(g.Rounds) != len(s.Rounds) {
		t.Fatalf("%s: %d stages, stored %d", what, len(g.Rounds), len(s.Rounds))
	}
	for i := range s.Rounds {
		if len(g.Rounds[i].Tallies) != len(s.Rounds[i].Tallies) {
			t.Fatalf("%s: stage %d has %d candidates, stored %d", what, i+1, len(g.Rounds[i].Tallies), len(s.Rounds[i].Tallies))
		}
		for name, v := range s.Rounds[i].Tallies {
			if string(g.Rounds[i].Tallies[name]) != string(v) {
				t.Fatalf("%s: stage %d, %s has %s, stored %s", what, i+1, name, g.Rounds[i].Tallies[name], v)
			}
		}
	}
	if got != stored {
		t.Fatalf("%s: the result differs from the stored one:\n%s\nstored:\n%s", what, got, stored)
	}
}

// TestCountRecountsTheBulletinBoard: the JSON download, and the .blt with
// the candidates' attributes, recount with `quorum count` — run with the
// very command lines the result page shows — to the stored result, stage
// by stage and byte for byte.
func TestCountRecountsTheBulletinBoard(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		p := runPublishedElection(t, db)
		stored := decodeResult(t, "the stored result", p.stored.CountJSON)
		if fmt.Sprint(stored.Seed) != p.stored.Seed || !slices.Contains(stored.Ties, countTie{How: "lot"}) {
			t.Fatalf("the count should draw a lot with the recorded seed %s: %+v", p.stored.Seed, stored)
		}
		dir := t.TempDir()
		for name, data := range p.files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		// The command lines as the result page shows them, run on the
		// downloads (file names resolved in the folder they were saved to).
		cmds := regexp.MustCompile(`<pre class="mono"><code>([^<]+)</code></pre>`).FindAllStringSubmatch(p.resultPage, -1)
		if len(cmds) != 2 {
			t.Fatalf("the result page shows %d command lines, want 2 (JSON, .blt):\n%s", len(cmds), p.resultPage)
		}
		argsOf := func(line string) []string {
			words := shellWords(t, html.UnescapeString(line))
			if len(words) < 3 || words[0] != "quorum" || words[1] != "count" {
				t.Fatalf("not a quorum count command: %q", line)
			}
			args := words[2:]
			for i, a := range args {
				if _, ok := p.files[a]; ok {
					args[i] = filepath.Join(dir, a)
				}
			}
			return args
		}
		jsonArgs, bltArgs := argsOf(cmds[0][1]), argsOf(cmds[1][1])
		if want := []string{"--root", p.stored.MerkleRoot, filepath.Join(dir, "nec-members-ballots.json")}; !slices.Equal(jsonArgs, want) {
			t.Fatalf("JSON command %q, want %q", jsonArgs, want)
		}
		wantBLT := []string{"--method", "scottish-stv", "--seats", "3", "--seed", p.stored.Seed, "--attr", filepath.Join(dir, "nec-members-candidates.csv"),
			"--quota", "gender=woman:2", filepath.Join(dir, "nec-members-ballots.blt")}
		if !slices.Equal(bltArgs, wantBLT) {
			t.Fatalf(".blt command %q, want %q", bltArgs, wantBLT)
		}

		for _, tc := range []struct {
			what string
			args []string
		}{{"the JSON download", jsonArgs}, {"the .blt download", bltArgs}} {
			code, out, errOut := runCount(t, append(slices.Clone(tc.args), "--format", "json")...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", tc.what, code, errOut)
			}
			sameResult(t, tc.what, out, p.stored.CountJSON)
			code, out, errOut = runCount(t, tc.args...)
			if code != 0 || !strings.HasSuffix(out, p.stored.CountText) {
				t.Fatalf("%s as text: exit %d %s\n%s\nstored:\n%s", tc.what, code, errOut, out, p.stored.CountText)
			}
		}

		// The JSON recount says what it took from the file and checks the root.
		_, out, _ := runCount(t, jsonArgs...)
		wantNote := fmt.Sprintf("From the file: method scottish-stv, seats 3, seed %s, quota gender=woman:2, the candidates with their attributes and withdrawals.\n"+
			"Merkle root checked: the 40 ballots lead to the published root %s.\n\n", p.stored.Seed, p.stored.MerkleRoot)
		if !strings.HasPrefix(out, wantNote) {
			t.Fatalf("the text does not open with what came from the file:\n%s", out)
		}
		_, _, errOut := runCount(t, append(slices.Clone(jsonArgs), "--format", "json")...)
		if errOut != wantNote[:len(wantNote)-1] {
			t.Fatalf("with --format json the notes should go to standard error, got %q", errOut)
		}

		// The quota decides the outcome: without it the .blt elects others.
		noQuota := slices.Concat(bltArgs[:6], bltArgs[len(bltArgs)-1:], []string{"--format", "json"})
		_, out, _ = runCount(t, noQuota...)
		if free := decodeResult(t, "no quota", out); slices.Equal(free.Elected, stored.Elected) {
			t.Fatalf("the quota changes nothing here (%v): the test could not tell a dropped quota", free.Elected)
		}
		// So does the JSON, told on the command line to drop it.
		code, out, errOut := runCount(t, slices.Concat(jsonArgs, []string{"--quota", "gender=woman:0", "--seats", "2"})...)
		if code != 0 || !strings.Contains(out, "From the command line: seats 2, quota gender=woman:0.") || strings.Contains(out, "quota gender=woman:2") {
			t.Fatalf("overrides: exit %d %s\n%s", code, errOut, out)
		}

		// The JSON carries the withdrawal and the attributes; the .blt the withdrawal.
		jsonFile := p.files["nec-members-ballots.json"]
		board, err := count.ReadBoard(bytes.NewReader(jsonFile), nil)
		if err != nil {
			t.Fatal(err)
		}
		hal := board.Election.Candidates[board.Election.CandidateIndex("Hal Hughes")]
		if !hal.Withdrawn || hal.Attributes["gender"] != "man" || board.Ballots != 40 {
			t.Fatalf("the JSON download: Hal %+v, %d ballots", hal, board.Ballots)
		}
		for name, file := range p.files {
			if strings.Contains(string(file), "ethnicity") || strings.Contains(string(file), "private") {
				t.Fatalf("%s publishes an attribute no quota rule names", name)
			}
		}
		if csv := string(p.files["nec-members-candidates.csv"]); !strings.HasPrefix(csv, "name,gender\nAnn Adams,woman\n") {
			t.Fatalf("candidates.csv:\n%s", csv)
		}

		// An altered board is refused: its ballots no longer lead to its root.
		altered := bytes.Replace(jsonFile, []byte(`"ranking":["Fred Ford"]`), []byte(`"ranking":["Ann Adams"]`), 1)
		if bytes.Equal(altered, jsonFile) {
			t.Fatal("no ballot to alter")
		}
		alteredFile := filepath.Join(dir, "altered.json")
		os.WriteFile(alteredFile, altered, 0o600)
		code, _, errOut = runCount(t, alteredFile)
		if code != 2 || !strings.Contains(errOut, "not the bulletin board as published") {
			t.Fatalf("altered board: exit %d %q", code, errOut)
		}
		// Without its own root the altered file agrees with itself; only the
		// root published on the site tells it apart.
		rootless := bytes.Replace(altered, []byte(`"merkle_root":"`+p.stored.MerkleRoot+`"`), []byte(`"merkle_root":""`), 1)
		if bytes.Equal(rootless, altered) {
			t.Fatal("no merkle_root to remove")
		}
		os.WriteFile(alteredFile, rootless, 0o600)
		if code, _, errOut := runCount(t, alteredFile); code != 0 {
			t.Fatalf("a board without a root: exit %d %q", code, errOut)
		}
		code, _, errOut = runCount(t, "--root", p.stored.MerkleRoot, alteredFile)
		if code != 2 || !strings.Contains(errOut, "not to the published") {
			t.Fatalf("altered board against the published root: exit %d %q", code, errOut)
		}
		jsonPath := filepath.Join(dir, "nec-members-ballots.json")
		code, out, errOut = runCount(t, "--root", strings.ToUpper(p.stored.MerkleRoot), jsonPath)
		if code != 0 || !strings.Contains(out, "lead to the published root "+p.stored.MerkleRoot) {
			t.Fatalf("the board as published against its root: exit %d %q %q", code, out, errOut)
		}
		if code, _, errOut := runCount(t, "--root", "abc", jsonPath); code != 2 || !strings.Contains(errOut, "64 hexadecimal digits") {
			t.Fatalf("a malformed root: exit %d %q", code, errOut)
		}
	})
}
