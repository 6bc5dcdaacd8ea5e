package election_test

import (
	"errors"
	"sync"
	"testing"

	"quorum/internal/election"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestGroupedCastsAreEachTheirOwn: casts committed together in one
// transaction behave as if each were alone. Many voters cast twice at
// once: one envelope and one receipt each, the second refused. One ballot
// link used by many casts at once, in an election that lets votes change:
// exactly one cast is accepted, and the envelope counted is that cast's,
// not one of the refused ones that replaced it before the link was found
// spent.
func TestGroupedCastsAreEachTheirOwn(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, roFile := f.election(electionOptions{seats: 1, method: "irv", allowChange: true})
		voters := f.voters(61)
		linkVoter, voters := voters[0], voters[1:]
		f.open(e)
		if err := f.svc.SendBallotLinks(f.ctx, f.ro, e.ID); err != nil {
			t.Fatal(err)
		}
		f.runJobsAt(f.clock.Now())
		var token string
		rows, err := db.Query(f.ctx, `SELECT body_text FROM outbox WHERE subject LIKE 'Your ballot:%' AND to_addr = (SELECT email FROM people WHERE id = ?)`, linkVoter.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var body string
			if err := rows.Scan(&body); err != nil {
				t.Fatal(err)
			}
			if m := linkRE.FindStringSubmatch(body); m != nil {
				token = m[1]
			}
		}
		rows.Close()
		if token == "" {
			t.Fatal("no ballot link was sent to the voter")
		}

		var wg sync.WaitGroup
		var mu sync.Mutex
		var linkWins []election.Receipt
		var linkRankings [][]int64
		var unexpected []error
		const linkAttempts = 40
		for i := range linkAttempts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ranking := []int64{cs[i%len(cs)].ID, cs[(i+1)%len(cs)].ID}
				r, err := f.svc.CastWithLink(f.ctx, token, ranking)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					linkWins = append(linkWins, r)
					linkRankings = append(linkRankings, ranking)
				case !errors.Is(err, election.ErrLinkInvalid):
					unexpected = append(unexpected, err)
				}
			}()
		}
		accepted := map[int64]int{}
		for _, v := range voters {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.svc.Cast(f.ctx, v, e.ID, []int64{cs[0].ID})
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						unexpected = append(unexpected, err)
						return
					}
					accepted[v.PersonID]++
				}()
			}
		}
		wg.Wait()
		if len(unexpected) > 0 {
			t.Fatalf("%d unexpected errors, the first: %v", len(unexpected), unexpected[0])
		}
		if len(linkWins) != 1 {
			t.Fatalf("%d casts through one link were accepted, want 1", len(linkWins))
		}
		for _, v := range voters { // changes are allowed: both casts count, the second replacing the first
			if accepted[v.PersonID] != 2 {
				t.Fatalf("voter %d: %d casts accepted, want 2", v.PersonID, accepted[v.PersonID])
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM election_envelopes WHERE election_id = ?`, e.ID); n != len(voters)+1 {
			t.Fatalf("%d envelopes, want %d", n, len(voters)+1)
		}
		if n := f.count(`SELECT COUNT(*) FROM election_roll WHERE election_id = ? AND voted = TRUE`, e.ID); n != len(voters)+1 {
			t.Fatalf("%d voted marks, want %d", n, len(voters)+1)
		}
		if n := f.count(`SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Your vote:%' AND to_addr = (SELECT email FROM people WHERE id = ?)`, linkVoter.PersonID); n != 1 {
			t.Fatalf("the link's voter got %d receipts, want 1", n)
		}

		countNow(t, f, e, roFile)
		b, err := f.svc.Board(f.ctx, f.ro, e.ID, store.Page{Number: 1, Size: 500})
		if err != nil {
			t.Fatal(err)
		}
		want := linkWins[0].Tracker.String()
		for _, bl := range b.Ballots {
			if bl.Tracker != want {
				continue
			}
			if len(bl.Ranking) != 2 || bl.Ranking[0] != nameOf(cs, linkRankings[0][0]) || bl.Ranking[1] != nameOf(cs, linkRankings[0][1]) {
				t.Fatalf("the link's ballot holds %v, want the accepted cast's ranking", bl.Ranking)
			}
			return
		}
		t.Fatal("the accepted link cast's tracker is not on the board: a refused cast replaced its envelope")
	})
}

func nameOf(cs []store.Candidate, id int64) string {
	for _, c := range cs {
		if c.ID == id {
			return c.Name
		}
	}
	return ""
}
