package store_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestBallotsAreStoredInTheGivenOrder checks that the rows of stored
// ballots lie in the order the close shuffled them into (rowid on SQLite,
// the heap's order on PostgreSQL), across several of PostgreSQL's array
// batches, with every ranking as given, a blank ballot included.
func TestBallotsAreStoredInTheGivenOrder(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newElection(t, db, "order")
		ballots := randomBallots(45_000)
		ballots[7].Ranking = nil
		ballots[8].Ranking = []string{`Ann "Nan" O'Neill`, "Zoë\\Ø"}
		err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertBallots(ctx, id, ballots) })
		if err != nil {
			t.Fatal(err)
		}
		q := `SELECT tracker FROM election_ballots WHERE election_id = ? ORDER BY rowid`
		if db.Engine == store.Postgres {
			q = `SELECT tracker FROM election_ballots WHERE election_id = ? ORDER BY ctid`
		}
		rows, err := db.Query(ctx, q, id)
		if err != nil {
			t.Fatal(err)
		}
		var i int
		for rows.Next() {
			var tr []byte
			if err := rows.Scan(&tr); err != nil {
				t.Fatal(err)
			}
			if i >= len(ballots) || !bytes.Equal(tr, ballots[i].Tracker) {
				t.Fatalf("row %d holds tracker %x, not the ballot given in that place", i, tr)
			}
			i++
		}
		rows.Close()
		if i != len(ballots) {
			t.Fatalf("%d rows stored, want %d", i, len(ballots))
		}
		for _, want := range ballots[6:9] {
			got, _, err := db.BallotByTracker(ctx, id, want.Tracker)
			if err != nil || !slices.Equal(got.Ranking, want.Ranking) {
				t.Fatalf("ballot %x: %q, want %q (%v)", want.Tracker, got.Ranking, want.Ranking, err)
			}
		}
	})
}
