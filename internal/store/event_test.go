package store_test

import (
	"context"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestEventElectionLink sets, lists and clears the link of hustings to an
// election, and checks that an election that goes leaves its hustings
// standing, unlinked.
func TestEventElectionLink(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 5, 1, 18, 0, 0, 0, time.UTC)
		var el, other, linked, later, unlinked int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if el, err = tx.CreateElection(ctx, store.Election{Title: "Members' section", Slug: "members-section", Seats: 2, Method: "scottish-stv", CreatedAt: at}); err != nil {
				return err
			}
			if other, err = tx.CreateElection(ctx, store.Election{Title: "Treasurer", Slug: "treasurer", Seats: 1, Method: "irv", CreatedAt: at}); err != nil {
				return err
			}
			ev := func(slug string, start time.Time, electionID int64) (int64, error) {
				return tx.CreateEvent(ctx, store.Event{Slug: slug, Kind: "hustings", Title: slug, Place: "Hall", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
					ElectionID: electionID, CreatedAt: at, UpdatedAt: at})
			}
			// Created out of date order: the listing puts them in order.
			if later, err = ev("later", at.AddDate(0, 0, 7), el); err != nil {
				return err
			}
			if linked, err = ev("first", at, el); err != nil {
				return err
			}
			unlinked, err = ev("unlinked", at, 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.EventByID(ctx, linked)
		if err != nil {
			t.Fatal(err)
		}
		if got.ElectionID != el || got.ElectionTitle != "Members' section" || got.ElectionSlug != "members-section" || got.ElectionStatus != store.ElectionDraft {
			t.Fatalf("linked event reads %d %q %q %q", got.ElectionID, got.ElectionTitle, got.ElectionSlug, got.ElectionStatus)
		}
		if u, _ := db.EventByID(ctx, unlinked); u.ElectionID != 0 || u.ElectionTitle != "" {
			t.Fatalf("an event without an election reads %d %q", u.ElectionID, u.ElectionTitle)
		}
		ids := func(electionID int64) []int64 {
			t.Helper()
			es, err := db.Events(ctx, store.EventFilter{ElectionID: electionID})
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, e := range es {
				out = append(out, e.ID)
			}
			return out
		}
		if got := ids(el); len(got) != 2 || got[0] != linked || got[1] != later {
			t.Fatalf("the election's hustings: %v, want [%d %d]", got, linked, later)
		}
		if got := ids(other); len(got) != 0 {
			t.Fatalf("the other election lists %v", got)
		}

		// Moved to the other election, then cleared.
		move := func(id, electionID int64) {
			t.Helper()
			e, err := db.EventByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			e.ElectionID = electionID
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateEvent(ctx, e) }); err != nil {
				t.Fatal(err)
			}
		}
		move(later, other)
		if got := ids(other); len(got) != 1 || got[0] != later {
			t.Fatalf("after the move the other election lists %v", got)
		}
		move(later, 0)
		if got, _ := db.EventByID(ctx, later); got.ElectionID != 0 || len(ids(other)) != 0 {
			t.Fatalf("the link was not cleared: %d", got.ElectionID)
		}

		// An election that is deleted unlinks its hustings and keeps them.
		if _, err := db.Exec(ctx, `DELETE FROM elections WHERE id = ?`, el); err != nil {
			t.Fatalf("deleting an election with hustings: %v", err)
		}
		got, err = db.EventByID(ctx, linked)
		if err != nil {
			t.Fatalf("the hustings went with its election: %v", err)
		}
		if got.ElectionID != 0 || got.ElectionTitle != "" {
			t.Fatalf("the hustings still points at a deleted election: %d %q", got.ElectionID, got.ElectionTitle)
		}

		// The database refuses a link to no election.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			got.ElectionID = el
			return tx.UpdateEvent(ctx, got)
		})
		if err == nil {
			t.Fatal("an event was linked to an election that does not exist")
		}
	})
}
