package store_test

import (
	"bytes"
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestElectionRowsRoundTrip(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
		e := store.Election{Title: "Treasurer", Slug: "treasurer", Seats: 1, Method: "irv",
			Quotas:     []store.ElectionQuota{{Attribute: "gender", Value: "woman", Min: 1}},
			Rules:      []store.ElectorateRule{{Kind: store.RuleMembers, UnitTypes: []string{"branch"}, JoinedBefore: "2025-11-01"}},
			BallotOpen: at, BallotClose: at.Add(72 * time.Hour), AllowVoteChange: true, CreatedAt: at}
		var id int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			id, err = tx.CreateElection(ctx, e)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ElectionByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.ElectionDraft || !got.BallotOpen.Equal(at) || !got.BallotClose.Equal(at.Add(72*time.Hour)) || !got.Freeze.IsZero() ||
			!slices.Equal(got.Quotas, e.Quotas) || got.Rules[0].JoinedBefore != "2025-11-01" || !got.AllowVoteChange || got.BodyID != 0 {
			t.Fatalf("round trip: %+v", got)
		}
		// A status moves once; a second mover is told it lost.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			moved, err := tx.MoveElectionStatus(ctx, id, store.ElectionDraft, store.ElectionFrozen, at)
			if err != nil || !moved {
				t.Fatalf("first move: %t %v", moved, err)
			}
			moved, err = tx.MoveElectionStatus(ctx, id, store.ElectionDraft, store.ElectionFrozen, at)
			if err != nil || moved {
				t.Fatalf("second move: %t %v", moved, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _ = db.ElectionByID(ctx, id)
		if got.Status != store.ElectionFrozen || !got.FrozenAt.Equal(at) {
			t.Fatalf("after the move: %s %v", got.Status, got.FrozenAt)
		}
		list, total, err := db.Elections(ctx, store.ElectionFilter{Statuses: []string{store.ElectionFrozen}})
		if err != nil || total != 1 || list[0].ID != id {
			t.Fatalf("list %+v %d %v", list, total, err)
		}
		if _, total, _ := db.Elections(ctx, store.ElectionFilter{Statuses: []string{store.ElectionOpen}}); total != 0 {
			t.Fatalf("open elections: %d", total)
		}
	})
}

// TestBallotsAreListedInTrackerOrder checks that listings, lookups and the
// positions used by inclusion proofs all follow the trackers' bytes, on
// both engines, whatever the order of insertion.
func TestBallotsAreListedInTrackerOrder(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var id int64
		trackers := [][]byte{
			{0xff, 1}, {0x00, 2}, {0x7f, 3}, {0x80, 4}, {0x00, 1}, {'a', 0}, {'A', 0}, {'-', 0},
		}
		for i := range trackers {
			trackers[i] = append(trackers[i], make([]byte, 14)...)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			id, err = tx.CreateElection(ctx, store.Election{Title: "T", Slug: "t", Seats: 1, Method: "fptp", CreatedAt: time.Now()})
			if err != nil {
				return err
			}
			var bs []store.AnonBallot
			for i, tr := range trackers {
				bs = append(bs, store.AnonBallot{Tracker: tr, Ranking: []string{"Ann", string(rune('A' + i))}})
			}
			return tx.InsertBallots(ctx, id, bs)
		})
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(trackers)
		sort.Slice(want, func(i, j int) bool { return bytes.Compare(want[i], want[j]) < 0 })
		page, total, err := db.BallotsPage(ctx, id, store.Page{Size: 3, Number: 2})
		if err != nil || total != len(trackers) || len(page) != 3 {
			t.Fatalf("page: %d %d %v", len(page), total, err)
		}
		for i, b := range page {
			if !bytes.Equal(b.Tracker, want[3+i]) {
				t.Fatalf("page 2 item %d: %x, want %x", i, b.Tracker, want[3+i])
			}
		}
		for i, tr := range want {
			b, index, err := db.BallotByTracker(ctx, id, tr)
			if err != nil || index != i || len(b.Ranking) != 2 {
				t.Fatalf("tracker %x: index %d, want %d, %v", tr, index, i, err)
			}
		}
	})
}
