package election_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"quorum/internal/election"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestConcurrentCastsLeaveOneEnvelope fires 1,000 casts by one voter at once:
// exactly one is accepted (or, where votes may change, all are, one after
// another), and exactly one envelope remains.
func TestConcurrentCastsLeaveOneEnvelope(t *testing.T) {
	for _, tc := range []struct {
		name        string
		allowChange bool
	}{{"no change", false}, {"change allowed", true}} {
		t.Run(tc.name, func(t *testing.T) {
			testkit.Engines(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db)
				e, cs, _ := f.election(electionOptions{allowChange: tc.allowChange})
				voter := f.voters(1)[0]
				f.open(e)
				const attempts = 1000
				var wg sync.WaitGroup
				var mu sync.Mutex
				ok, refused := 0, 0
				var other []error
				for i := range attempts {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, err := f.svc.Cast(f.ctx, voter, e.ID, []int64{cs[i%len(cs)].ID})
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err == nil:
							ok++
						case errors.Is(err, election.ErrAlreadyVoted):
							refused++
						default:
							other = append(other, err)
						}
					}()
				}
				wg.Wait()
				if len(other) > 0 {
					t.Fatalf("unexpected errors: %v", other[0])
				}
				if n := f.count(`SELECT COUNT(*) FROM election_envelopes WHERE election_id = ?`, e.ID); n != 1 {
					t.Fatalf("%d envelopes", n)
				}
				if n := f.count(`SELECT COUNT(*) FROM election_roll WHERE election_id = ? AND voted = TRUE`, e.ID); n != 1 {
					t.Fatalf("%d voted marks", n)
				}
				if tc.allowChange {
					if ok != attempts {
						t.Fatalf("with changes allowed, %d of %d casts accepted", ok, attempts)
					}
				} else if ok != 1 || refused != attempts-1 {
					t.Fatalf("%d accepted, %d refused", ok, refused)
				}
				// One receipt per accepted cast.
				if n := f.count(`SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Your vote:%'`); n != ok {
					t.Fatalf("%d receipts for %d accepted casts", n, ok)
				}
			})
		})
	}
}

// TestInvalidBallotsAreRefusedAndNothingStored checks each kind of bad
// ranking.
func TestInvalidBallotsAreRefusedAndNothingStored(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, _ := f.election(electionOptions{})
		other, ocs, _ := f.election(electionOptions{})
		_ = other
		voter := f.voters(1)[0]
		if err := f.svc.WithdrawCandidate(f.ctx, f.ro, e.ID, cs[4].ID, true); err != nil {
			t.Fatal(err)
		}
		f.open(e)
		for _, tc := range []struct {
			name    string
			ranking []int64
			choice  int
		}{
			{"empty", nil, 0},
			{"unknown candidate", []int64{cs[0].ID, 999999}, 2},
			{"candidate of another election", []int64{ocs[0].ID}, 1},
			{"candidate twice", []int64{cs[0].ID, cs[1].ID, cs[0].ID}, 3},
			{"withdrawn candidate", []int64{cs[4].ID}, 1},
			{"too many choices", []int64{cs[0].ID, cs[1].ID, cs[2].ID, cs[3].ID, cs[4].ID, cs[0].ID}, 0},
		} {
			_, err := f.svc.Cast(f.ctx, voter, e.ID, tc.ranking)
			var ib *election.InvalidBallotError
			if !errors.Is(err, election.ErrInvalidBallot) || !errors.As(err, &ib) || ib.Choice != tc.choice {
				t.Errorf("%s: %v", tc.name, err)
			}
			// The error names a position, never a candidate.
			for _, c := range append(cs, ocs...) {
				if strings.Contains(err.Error(), c.Name) {
					t.Errorf("%s: the error names a candidate: %v", tc.name, err)
				}
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM election_envelopes`); n != 0 {
			t.Fatalf("%d envelopes stored for invalid ballots", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM election_roll WHERE voted = TRUE`); n != 0 {
			t.Fatal("a voter is marked as voted after invalid ballots")
		}
		if n := f.count(`SELECT COUNT(*) FROM outbox`); n != 0 {
			t.Fatal("a receipt was sent for an invalid ballot")
		}
	})
}

// TestCastOnlyWhileOpen refuses casts before the opening, after the closing
// time even before the close job runs, after the close, and by someone
// not on the roll.
func TestCastOnlyWhileOpen(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, _ := f.election(electionOptions{})
		vs := f.voters(2)
		ranking := []int64{cs[0].ID}
		if _, err := f.svc.Cast(f.ctx, vs[0], e.ID, ranking); !errors.Is(err, election.ErrNotOpen) {
			t.Fatalf("before the opening: %v", err)
		}
		f.open(e)
		outsider := f.person("Olive Outsider", "")
		if _, err := f.svc.Cast(f.ctx, principal(outsider), e.ID, ranking); !errors.Is(err, election.ErrNotEligible) {
			t.Fatalf("not on the roll: %v", err)
		}
		if _, err := f.svc.Cast(f.ctx, vs[0], e.ID, ranking); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(e.BallotClose) // the close job has not run
		if _, err := f.svc.Cast(f.ctx, vs[1], e.ID, ranking); !errors.Is(err, election.ErrClosed) {
			t.Fatalf("at the closing time: %v", err)
		}
		f.runJobsAt(e.BallotClose.Add(time.Second))
		if _, err := f.svc.Cast(f.ctx, vs[1], e.ID, ranking); !errors.Is(err, election.ErrClosed) {
			t.Fatalf("after the close: %v", err)
		}
		el, err := f.svc.Eligibility(f.ctx, e.ID, vs[1].PersonID)
		if err != nil || !el.OnRoll || el.CanVote || !errors.Is(el.Reason, election.ErrClosed) {
			t.Fatalf("eligibility after the close: %+v %v", el, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM election_envelopes`); n != 1 {
			t.Fatalf("%d envelopes", n)
		}
	})
}

// TestChangedVoteReplacesTheEnvelope checks that a change keeps one
// envelope whose contents are the new ranking.
func TestChangedVoteReplacesTheEnvelope(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, roFile := f.election(electionOptions{allowChange: true, seats: 1, method: "irv"})
		v := f.voters(1)[0]
		f.open(e)
		first, err := f.svc.Cast(f.ctx, v, e.ID, []int64{cs[0].ID})
		if err != nil || first.Changed {
			t.Fatalf("first cast: %+v %v", first, err)
		}
		second, err := f.svc.Cast(f.ctx, v, e.ID, []int64{cs[1].ID, cs[2].ID})
		if err != nil || !second.Changed {
			t.Fatalf("change: %+v %v", second, err)
		}
		countNow(t, f, e, roFile)
		b, _ := f.svc.Board(f.ctx, f.ro, e.ID, store.Page{})
		if b.Total != 1 || b.Ballots[0].Tracker != second.Tracker.String() || len(b.Ballots[0].Ranking) != 2 || b.Ballots[0].Ranking[0] != cs[1].Name {
			t.Fatalf("board after a change: %+v", b)
		}
	})
}

// countNow closes an open election and gives both trustees' shares.
func countNow(t *testing.T, f *fixture, e store.Election, roFile []byte) {
	t.Helper()
	f.runJobsAt(e.BallotClose)
	if _, err := f.svc.SubmitShareFile(f.ctx, f.ro, e.ID, roFile); err != nil {
		t.Fatal(err)
	}
	if pr, err := f.svc.SubmitSharePassphrase(f.ctx, f.scrut, e.ID, scrutineerPassphrase); err != nil || !pr.Counted {
		t.Fatalf("count: %+v %v", pr, err)
	}
}
