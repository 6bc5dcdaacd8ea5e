package election_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"quorum/internal/auth"
	"quorum/internal/ballot"
	"quorum/internal/count"
	"quorum/internal/election"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestFullElection runs an election from set-up to declaration and checks
// the result against a direct count of the same ballots, the bulletin
// board against its Merkle root, the scrutineer's recount, the erasure of
// envelopes and shares, and the audit trail.
func TestFullElection(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, roFile := f.election(electionOptions{seats: 2, quotas: []election.Quota{{Attribute: "gender", Value: "woman", Min: 1}}, byUnit: true})
		voters := f.voters(50)
		f.open(e)

		rng := rand.New(rand.NewPCG(1, 2))
		type cast struct {
			ranking []int64
			tracker ballot.Tracker
		}
		casts := make([]cast, len(voters))
		for i, v := range voters {
			r := randomRanking(rng, cs)
			rec, err := f.svc.Cast(f.ctx, v, e.ID, r)
			if err != nil {
				t.Fatalf("cast %d: %v", i, err)
			}
			casts[i] = cast{r, rec.Tracker}
		}
		if _, err := f.svc.Cast(f.ctx, voters[0], e.ID, casts[0].ranking); !errors.Is(err, election.ErrAlreadyVoted) {
			t.Fatalf("second cast: %v", err)
		}
		tu, err := f.svc.Turnout(f.ctx, nil, e.ID)
		if err != nil || tu.Voted != 50 || tu.Electorate != 50 || tu.Percent() != "100.0%" || len(tu.ByUnit) != 1 {
			t.Fatalf("turnout %+v %v", tu, err)
		}
		// While voting is open no table holds a ranking in the clear: the
		// candidates' ids never appear next to a tracker, and no tracker
		// is stored anywhere.
		assertNoTrackers(t, f, casts[0].tracker, casts[1].tracker)

		// The close job; then the trustees give their shares.
		f.runJobsAt(e.BallotClose)
		if got, _ := db.ElectionByID(f.ctx, e.ID); got.Status != store.ElectionClosed {
			t.Fatalf("status after close job: %s", got.Status)
		}
		if _, err := f.svc.Cast(f.ctx, voters[1], e.ID, casts[1].ranking); !errors.Is(err, election.ErrClosed) {
			t.Fatalf("cast after close: %v", err)
		}
		pr, err := f.svc.SubmitShareFile(f.ctx, f.ro, e.ID, roFile)
		if err != nil || pr.Submitted != 1 || pr.Needed != 2 || pr.Counted {
			t.Fatalf("first share: %+v %v", pr, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM election_ballots WHERE election_id = ?`, e.ID); n != 0 {
			t.Fatalf("ballots before the threshold: %d", n)
		}
		pr, err = f.svc.SubmitSharePassphrase(f.ctx, f.scrut, e.ID, scrutineerPassphrase)

		if err != nil || !pr.Counted {
			t.Fatalf("second share: %+v %v", pr, err)
		}

		// Envelopes and every share are gone.
		if n := f.count(`SELECT COUNT(*) FROM election_envelopes`); n != 0 {
			t.Fatalf("%d envelopes left after the count", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM election_trustees WHERE pending_share IS NOT NULL OR sealed_share IS NOT NULL OR submitted_share IS NOT NULL OR demo_share IS NOT NULL OR share_check <> ''`); n != 0 {
			t.Fatalf("%d trustees still hold a share after the count", n)
		}

		// The result equals a direct count of the same ballots.
		res, err := db.ResultOf(f.ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Ballots != 50 || res.Rejected != 0 || res.Seed != "20260507" {
			t.Fatalf("result %d ballots, %d rejected, seed %s", res.Ballots, res.Rejected, res.Seed)
		}
		direct := directCount(t, e, cs, casts, func(c cast) []int64 { return c.ranking })
		if direct != res.CountJSON {
			t.Fatalf("stored result differs from a direct count:\nstored %s\ndirect %s", res.CountJSON, direct)
		}

		// Counted but not declared: the board is for officials only.
		if _, err := f.svc.Board(f.ctx, voters[0], e.ID, store.Page{}); !errors.Is(err, election.ErrNotPublished) {
			t.Fatalf("board before declaration: %v", err)
		}
		rc, err := f.svc.Recount(f.ctx, f.scrut, e.ID)
		if err != nil || !rc.Agrees || !rc.RootAgrees {
			t.Fatalf("recount: agrees %t root %t %v", rc.Agrees, rc.RootAgrees, err)
		}
		so, err := f.svc.SignOff(f.ctx, f.scrut, e.ID, "Checked at the count centre.")
		if err != nil || !so.RecountAgrees {
			t.Fatalf("sign-off %+v %v", so, err)
		}
		if _, err := f.svc.SignOff(f.ctx, f.ro, e.ID, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("sign-off by the returning officer: %v", err)
		}
		if err := f.svc.Declare(f.ctx, f.ro, e.ID); err != nil {
			t.Fatal(err)
		}

		// The bulletin board: every voter finds their ballot, the
		// inclusion proof verifies, and the JSON download rebuilds the root.
		for i, c := range casts {
			chk, err := f.svc.FindTracker(f.ctx, voters[i], e.ID, strings.ToLower(c.tracker.String()))
			if err != nil || !chk.Found || !chk.Verified || chk.Size != 50 {
				t.Fatalf("tracker %d: %+v %v", i, chk, err)
			}
			if want := names(cs, c.ranking); !slices.Equal(chk.Ballot.Ranking, want) {
				t.Fatalf("tracker %d: ballot %v, cast %v", i, chk.Ballot.Ranking, want)
			}
		}
		other, _ := ballot.NewTracker()
		if chk, err := f.svc.FindTracker(f.ctx, nil, e.ID, other.String()); err != nil || chk.Found {
			t.Fatalf("unknown tracker: %+v %v", chk, err)
		}
		var buf bytes.Buffer
		if err := f.svc.WriteBallotsJSON(f.ctx, nil, e.ID, &buf); err != nil {
			t.Fatal(err)
		}
		var board struct {
			MerkleRoot string `json:"merkle_root"`
			Ballots    []election.BoardBallot
		}
		if err := json.Unmarshal(buf.Bytes(), &board); err != nil {
			t.Fatalf("board JSON: %v\n%s", err, buf.String())
		}
		var leaves [][32]byte
		for _, b := range board.Ballots {
			tr, err := ballot.ParseTracker(b.Tracker)
			if err != nil {
				t.Fatal(err)
			}
			leaves = append(leaves, ballot.LeafHash(tr, b.Ranking))
		}
		root := ballot.MerkleRoot(leaves)
		if hex.EncodeToString(root[:]) != board.MerkleRoot || board.MerkleRoot != res.MerkleRoot || len(board.Ballots) != 50 {
			t.Fatalf("board root %s, rebuilt %x, stored %s, %d ballots", board.MerkleRoot, root, res.MerkleRoot, len(board.Ballots))
		}
		// The .blt download recounts to the same result.
		buf.Reset()
		if err := f.svc.WriteBLT(f.ctx, nil, e.ID, &buf); err != nil {
			t.Fatal(err)
		}
		ce, err := count.ReadBLT(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ce.Candidates {
			ce.Candidates[i].Attributes = map[string]string{"gender": candidateNames[i].gender}
		}
		r2, err := count.Count(ce, count.Options{Method: count.Method(e.Method), Seed: 20260507, Rules: []count.QuotaRule{{Attribute: "gender", Value: "woman", Min: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r2.ElectedNames(), resultElected(t, res.CountJSON)) {
			t.Fatalf(".blt recount elects %v, result %v", r2.ElectedNames(), resultElected(t, res.CountJSON))
		}

		view, err := f.svc.Get(f.ctx, voters[3], e.ID)
		if err != nil || view.Result == nil || len(view.Result.Elected) != 2 || !view.You.Voted || view.You.CanVote || view.Trustees != nil || len(view.SignOffs) != 1 {
			t.Fatalf("public view: %+v %v", view, err)
		}

		// Every official action is in the audit log, by its actor.
		entries, _, err := db.AuditLog(f.ctx, store.AuditFilter{Page: store.Page{Size: 500}})
		if err != nil {
			t.Fatal(err)
		}
		byAction := map[string]int64{}
		for _, en := range entries {
			byAction[en.Action] = en.ActorID
		}
		for action, actor := range map[string]int64{
			"election.create": f.ro.PersonID, "election.candidate_add": f.ro.PersonID, "election.rules": f.ro.PersonID,
			"election.key_setup": f.ro.PersonID, "election.share_collect": f.ro.PersonID, "election.freeze": 0, "election.open": 0,
			"election.close": 0, "election.share_submit": f.ro.PersonID, "election.count": f.scrut.PersonID,
			"election.recount": f.scrut.PersonID, "election.signoff": f.scrut.PersonID, "election.declare": f.ro.PersonID,
		} {
			got, ok := byAction[action]
			if !ok {
				t.Errorf("no %s in the audit log", action)
			} else if action != "election.share_submit" && action != "election.share_collect" && got != actor {
				t.Errorf("%s by %d, want %d", action, got, actor)
			}
		}

		// No secret reached the audit log, the jobs, the outbox or the logs.
		secrets := []string{scrutineerPassphrase}
		for _, c := range casts {
			secrets = append(secrets, c.tracker.String(), hex.EncodeToString(c.tracker[:]))
		}
		share, _, _, err := ballot.DecodeShareFile(roFile)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, base64.StdEncoding.EncodeToString(share.Data), hex.EncodeToString(share.Data))
		assertNoSecrets(t, f, secrets)
	})
}

func names(cs []store.Candidate, ranking []int64) []string {
	out := make([]string, len(ranking))
	for i, id := range ranking {
		for _, c := range cs {
			if c.ID == id {
				out[i] = c.Name
			}
		}
	}
	return out
}

// directCount counts rankings with the count library, independently of the
// election package, and returns the JSON result.
func directCount[T any](t *testing.T, e store.Election, cs []store.Candidate, casts []T, ranking func(T) []int64) string {
	t.Helper()
	var ccs []count.Candidate
	index := map[int64]int{}
	for i, c := range cs {
		ccs = append(ccs, count.Candidate{Name: c.Name, Withdrawn: c.Withdrawn, Attributes: c.Attributes})
		index[c.ID] = i
	}
	ce, err := count.NewElection(e.Title, e.Seats, ccs)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range casts {
		var r []int
		for _, id := range ranking(c) {
			r = append(r, index[id])
		}
		if err := ce.Ballots.Add(r, 1); err != nil {
			t.Fatal(err)
		}
	}
	var rules []count.QuotaRule
	for _, q := range e.Quotas {
		rules = append(rules, count.QuotaRule{Attribute: q.Attribute, Value: q.Value, Min: q.Min})
	}
	res, err := count.Count(ce, count.Options{Method: count.Method(e.Method), Seats: e.Seats, Seed: 20260507, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := count.WriteJSON(&b, res); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func resultElected(t *testing.T, countJSON string) []string {
	var r struct{ Elected []string }
	if err := json.Unmarshal([]byte(countJSON), &r); err != nil {
		t.Fatal(err)
	}
	return r.Elected
}

// dumpText reads every text and blob column of every table into one
// string, as a database dump would show them.
func dumpText(t *testing.T, f *fixture) string {
	t.Helper()
	var tables []string
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if f.db.Engine == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := f.db.Query(f.ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	sort.Strings(tables)
	var b strings.Builder
	for _, table := range tables {
		rows, err := f.db.Query(f.ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				switch x := v.(type) {
				case []byte:
					b.WriteString(hex.EncodeToString(x))
					b.WriteByte(' ')
					b.Write(x)
				case string:
					b.WriteString(x)
				}
				b.WriteByte('\n')
			}
		}
		rows.Close()
	}
	return b.String()
}

func assertNoTrackers(t *testing.T, f *fixture, trackers ...ballot.Tracker) {
	t.Helper()
	dump := dumpText(t, f)
	for _, tr := range trackers {
		for _, form := range []string{tr.String(), hex.EncodeToString(tr[:]), string(tr[:])} {
			if strings.Contains(dump, form) {
				t.Fatalf("a tracker is stored in the clear while voting is open")
			}
		}
	}
}

// assertNoSecrets scans the audit log, jobs, outbox and logs.
func assertNoSecrets(t *testing.T, f *fixture, secrets []string) {
	t.Helper()
	var hay strings.Builder
	entries, _, err := f.db.AuditLog(f.ctx, store.AuditFilter{Page: store.Page{Size: 500}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		hay.WriteString(e.Action + " " + e.Old + " " + e.New + "\n")
	}
	for _, q := range []string{`SELECT payload || ' ' || last_error FROM jobs`, `SELECT subject || ' ' || body_text FROM outbox`} {
		rows, err := f.db.Query(f.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			hay.WriteString(s + "\n")
		}
		rows.Close()
	}
	hay.WriteString(f.logs.String())
	for _, s := range secrets {
		if s != "" && strings.Contains(hay.String(), s) {
			t.Fatalf("a secret (%d characters) appears in the audit log, jobs, outbox or logs", len(s))
		}
	}
}
