package election_test

import (
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestCountKeepsOtherElectionsEnvelopes counts one election while another,
// closed at the same time, still waits for its trustees: the other's
// envelopes survive the first count (which empties and rewrites the
// envelope table on PostgreSQL) and are all counted in their turn.
func TestCountKeepsOtherElectionsEnvelopes(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		first, firstCands, firstFile := f.election(electionOptions{})
		second, secondCands, secondFile := f.election(electionOptions{seats: 1, method: "irv"})
		vs := f.voters(12)
		f.open(first)
		f.open(second)
		for i, v := range vs {
			if _, err := f.svc.Cast(f.ctx, v, first.ID, []int64{firstCands[i%3].ID, firstCands[3].ID}); err != nil {
				t.Fatal(err)
			}
			if i < 9 {
				if _, err := f.svc.Cast(f.ctx, v, second.ID, []int64{secondCands[0].ID}); err != nil {
					t.Fatal(err)
				}
			}
		}
		countNow(t, f, first, firstFile)
		if n := f.count(`SELECT COUNT(*) FROM election_envelopes WHERE election_id = ?`, first.ID); n != 0 {
			t.Fatalf("%d envelopes of the counted election remain", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM election_envelopes WHERE election_id = ?`, second.ID); n != 9 {
			t.Fatalf("the other election has %d envelopes after the first count, want 9", n)
		}
		countNow(t, f, second, secondFile)
		for _, c := range []struct {
			e    store.Election
			want int
		}{{first, 12}, {second, 9}} {
			if n := f.count(`SELECT COUNT(*) FROM election_ballots WHERE election_id = ?`, c.e.ID); n != c.want {
				t.Fatalf("election %d: %d ballots, want %d", c.e.ID, n, c.want)
			}
			if n := f.count(`SELECT ballots FROM election_results WHERE election_id = ?`, c.e.ID); n != c.want {
				t.Fatalf("election %d: the result counts %d ballots, want %d", c.e.ID, n, c.want)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM election_envelopes`); n != 0 {
			t.Fatalf("%d envelopes after both counts", n)
		}
	})
}
