package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestMembershipHistoryCountsJoinsAndLapses checks the monthly totals
// against a hand-made history.
func TestMembershipHistoryCountsJoinsAndLapses(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var branch, union int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if branch, err = tx.CreateUnit(ctx, store.Unit{Type: "branch", Name: "B", Slug: "b"}); err != nil {
				return err
			}
			if union, err = tx.CreateUnit(ctx, store.Unit{Type: "union", Name: "U", Slug: "u"}); err != nil {
				return err
			}
			add := func(n string, unit int64, typ string, start time.Time, lapse *time.Time) error {
				pid, err := tx.CreatePerson(ctx, store.Person{Name: n, Slug: n})
				if err != nil {
					return err
				}
				m := store.Membership{PersonID: pid, UnitID: unit, Number: n, Type: typ, Start: start, Status: "active"}
				if lapse != nil {
					m.Lapse = sql.NullTime{Time: *lapse, Valid: true}
					m.Status = "lapsed"
				}
				_, err = tx.CreateMembership(ctx, m)
				return err
			}
			lapseMar := day(2025, 3, 10)
			steps := []error{
				add("old", branch, "full", day(2020, 6, 1), nil),        // before the window
				add("jan", branch, "full", day(2025, 1, 15), nil),       // joins in January
				add("feb", branch, "youth", day(2025, 2, 1), &lapseMar), // joins February, lapses March
				add("aff", union, "affiliated", day(2025, 1, 20), nil),  // a union's affiliated member
				add("future", branch, "full", day(2025, 9, 1), nil),     // after the window
			}
			for _, err := range steps {
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.MembershipHistory(ctx, 0, day(2025, 1, 5), day(2025, 4, 20))
		if err != nil {
			t.Fatal(err)
		}
		want := []int{2, 3, 2, 2} // Jan, Feb, Mar, Apr: the affiliated membership is not counted twice
		if len(got) != len(want) {
			t.Fatalf("%d months, want %d", len(got), len(want))
		}
		for i, w := range want {
			if got[i].Members != w || got[i].Month != day(2025, time.Month(i+1), 1) {
				t.Errorf("month %d: %+v, want %d", i, got[i], w)
			}
		}
		u, err := db.MembershipHistory(ctx, union, day(2025, 1, 5), day(2025, 2, 1))
		if err != nil || u[0].Members != 1 {
			t.Fatalf("the union's own count: %+v %v", u, err)
		}
		n, err := db.ActiveMembers(ctx, 0, day(2025, 4, 1))
		if err != nil || n != 2 {
			t.Fatalf("active members on 1 April: %d %v", n, err)
		}
		n, err = db.ActiveMembers(ctx, branch, day(2025, 2, 15))
		if err != nil || n != 3 {
			t.Fatalf("active in the branch on 15 February: %d %v", n, err)
		}
	})
}
