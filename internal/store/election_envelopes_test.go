package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// envelopesOf reads an election's envelopes by voter.
func envelopesOf(t *testing.T, db *store.DB, electionID int64) map[int64][]byte {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT person_id, ciphertext FROM election_envelopes WHERE election_id = ?`, electionID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][]byte{}
	for rows.Next() {
		var id int64
		var c []byte
		if err := rows.Scan(&id, &c); err != nil {
			t.Fatal(err)
		}
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func newElection(t *testing.T, db *store.DB, slug string) int64 {
	t.Helper()
	var id int64
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = tx.CreateElection(context.Background(), store.Election{Title: slug, Slug: slug, Seats: 1, Method: "fptp", CreatedAt: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// envelopeTable names the file holding the envelope table on PostgreSQL.
func envelopeTable(t *testing.T, db *store.DB) int64 {
	t.Helper()
	var node int64
	if err := db.QueryRow(context.Background(), `SELECT pg_relation_filenode('election_envelopes')::bigint`).Scan(&node); err != nil {
		t.Fatal(err)
	}
	return node
}

// TestDeleteEnvelopesKeepsOtherElections deletes the envelopes of an
// election counted while others are still voting, before and after it in
// id order: theirs stay byte for byte, and on PostgreSQL the table is a
// new file once the transaction commits.
func TestDeleteEnvelopesKeepsOtherElections(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		before := newElection(t, db, "before")
		counted := newElection(t, db, "counted")
		after := newElection(t, db, "after")
		envelopeRows(t, db, before, 30)
		envelopeRows(t, db, counted, 200)
		envelopeRows(t, db, after, 20)
		keptBefore, keptAfter := envelopesOf(t, db, before), envelopesOf(t, db, after)
		var node int64
		if db.Engine == store.Postgres {
			node = envelopeTable(t, db)
		}
		var d store.EnvelopeDeletion
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			d, err = tx.DeleteEnvelopes(ctx, counted)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if d.Deleted != 200 || d.NotRewritten != nil || d.Rewritten != (db.Engine == store.Postgres) {
			t.Fatalf("deletion %+v, want 200 deleted, rewritten on PostgreSQL only", d)
		}
		if err := db.ScrubAfter(ctx, d); err != nil {
			t.Fatal(err)
		}
		if n := len(envelopesOf(t, db, counted)); n != 0 {
			t.Fatalf("%d envelopes of the counted election remain", n)
		}
		for name, want := range map[int64]map[int64][]byte{before: keptBefore, after: keptAfter} {
			got := envelopesOf(t, db, name)
			if len(got) != len(want) {
				t.Fatalf("election %d has %d envelopes, want %d", name, len(got), len(want))
			}
			for voter, c := range want {
				if !bytes.Equal(got[voter], c) {
					t.Fatalf("election %d: voter %d's envelope changed", name, voter)
				}
			}
		}
		if db.Engine == store.Postgres && envelopeTable(t, db) == node {
			t.Fatal("the envelope table was not rewritten")
		}
	})
}

// TestDeleteEnvelopesOnlyElection empties the table outright when no
// other election has envelopes.
func TestDeleteEnvelopesOnlyElection(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newElection(t, db, "only")
		envelopeRows(t, db, id, 50)
		var d store.EnvelopeDeletion
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			d, err = tx.DeleteEnvelopes(ctx, id)
			return err
		})
		if err != nil || d.Deleted != 50 {
			t.Fatalf("deletion %+v, %v", d, err)
		}
		if n, err := db.CountEnvelopes(ctx, id); err != nil || n != 0 {
			t.Fatalf("%d envelopes remain, %v", n, err)
		}
	})
}

// TestDeleteEnvelopesOfABusyTable holds the envelope table from another
// connection (as a long backup would): the close does not wait for it but
// deletes row by row, the rest of its transaction still commits, and the
// scrub rewrites the table once the table is free.
func TestDeleteEnvelopesOfABusyTable(t *testing.T) {
	db := testkit.Postgres(t)
	defer store.SetEnvelopeLockWait("200ms")()
	ctx := context.Background()
	counted := newElection(t, db, "counted")
	other := newElection(t, db, "other")
	envelopeRows(t, db, counted, 40)
	envelopeRows(t, db, other, 10)
	node := envelopeTable(t, db)

	reader, err := sql.Open("pgx", db.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	backup, err := reader.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := backup.QueryRowContext(ctx, `SELECT COUNT(*) FROM election_envelopes`).Scan(&n); err != nil || n != 50 {
		t.Fatalf("the reader sees %d envelopes, %v", n, err)
	}

	var d store.EnvelopeDeletion
	err = db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = tx.DeleteEnvelopes(ctx, counted); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE elections SET title = ? WHERE id = ?`, "counted after all", counted)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if d.Deleted != 40 || d.Rewritten || d.NotRewritten == nil {
		t.Fatalf("deletion %+v, want 40 deleted row by row with the reason", d)
	}
	if e, err := db.ElectionByID(ctx, counted); err != nil || e.Title != "counted after all" {
		t.Fatalf("the rest of the transaction: %q %v", e.Title, err)
	}
	if err := backup.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := db.ScrubAfter(ctx, d); err != nil {
		t.Fatal(err)
	}
	if envelopeTable(t, db) == node {
		t.Fatal("the scrub did not rewrite the envelope table")
	}
	if got := len(envelopesOf(t, db, other)); got != 10 {
		t.Fatalf("the other election has %d envelopes, want 10", got)
	}
}
