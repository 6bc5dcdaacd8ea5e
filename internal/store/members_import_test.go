package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

func addMemberUnits(t *testing.T, db *store.DB) (parent, child int64) {
	t.Helper()
	ctx := context.Background()
	parent, err := db.Insert(ctx, `INSERT INTO units (type, name, slug, code) VALUES ('region', 'West', 'west', 'W')`)
	if err != nil {
		t.Fatal(err)
	}
	child, err = db.Insert(ctx, `INSERT INTO units (type, name, slug, code, parent_id) VALUES ('branch', 'North', 'north', 'N1', ?)`, parent)
	if err != nil {
		t.Fatal(err)
	}
	return parent, child
}

func applyMemberWrite(t *testing.T, db *store.DB, w *store.MemberWrite) {
	t.Helper()
	var last int
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.ApplyMemberWrite(context.Background(), w, func(done, total int) {
			if done < last || done > total {
				t.Errorf("progress %d of %d after %d", done, total, last)
			}
			last = done
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != w.Size() {
		t.Fatalf("progress ended at %d, want %d", last, w.Size())
	}
}

// TestApplyMemberWrite adds more members than one batch holds, then
// updates some, swapping two people's addresses.
func TestApplyMemberWrite(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		west, north := addMemberUnits(t, db)
		const n = 1234 // two full batches and a short one
		w := &store.MemberWrite{}
		for i := range n {
			slug := fmt.Sprintf("person-%d", i)
			email := ""
			if i%2 == 0 {
				email = fmt.Sprintf("p%d@example.org", i)
			}
			lapse := ""
			if i%3 == 0 {
				lapse = "2024-02-29"
			}
			w.NewPeople = append(w.NewPeople, store.MemberNewPerson{Slug: slug, MemberPerson: store.MemberPerson{Name: fmt.Sprintf("Person %d", i), Email: email, Gender: "woman"}})
			w.NewMemberships = append(w.NewMemberships, store.MemberNewMembership{Number: fmt.Sprintf("N%05d", i), PersonSlug: slug,
				MemberTerms: store.MemberTerms{UnitID: north, Type: "full", StartDate: "2020-01-31", LapseDate: lapse, Status: "active"}})
		}
		applyMemberWrite(t, db, w)

		snap, err := db.MemberSnapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.Members) != n || len(snap.Slugs) != n || len(snap.EmailOwners) != n/2 {
			t.Fatalf("snapshot: %d members, %d slugs, %d addresses", len(snap.Members), len(snap.Slugs), len(snap.EmailOwners))
		}
		m0, m1 := snap.Members["N00000"], snap.Members["N00001"]
		if m0.StartDate != "2020-01-31" || m0.LapseDate != "2024-02-29" || m1.LapseDate != "" || m0.Email != "p0@example.org" || m1.Email != "" {
			t.Fatalf("read back %+v and %+v", m0, m1)
		}
		var nullEmails int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE email IS NULL`).Scan(&nullEmails); err != nil || nullEmails != n/2 {
			t.Fatalf("%d people without e-mail stored as NULL (%v), want %d", nullEmails, err, n/2)
		}

		m2 := snap.Members["N00002"]
		up := &store.MemberWrite{
			ClearEmails: []int64{m0.PersonID, m2.PersonID},
			PersonUpdates: []store.MemberPersonUpdate{
				{ID: m0.PersonID, MemberPerson: store.MemberPerson{Name: "Person 0", Email: m2.Email, Gender: "woman"}},
				{ID: m2.PersonID, MemberPerson: store.MemberPerson{Name: "Person Two", Email: m0.Email, Gender: "non-binary"}},
			},
			MembershipUpdates: []store.MemberTermsUpdate{
				{ID: m1.MembershipID, MemberTerms: store.MemberTerms{UnitID: west, Type: "youth", StartDate: "2021-06-01", LapseDate: "2025-01-01", Status: "lapsed"}},
			},
			NewMemberships: []store.MemberNewMembership{
				{Number: "EXTRA", PersonID: m0.PersonID, MemberTerms: store.MemberTerms{UnitID: west, Type: "affiliated", StartDate: "2022-02-02", Status: "active"}},
			},
		}
		applyMemberWrite(t, db, up)
		snap, err = db.MemberSnapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := []store.MemberRecord{snap.Members["N00000"], snap.Members["N00001"], snap.Members["N00002"], snap.Members["EXTRA"]}
		if got[0].Email != "p2@example.org" || got[2].Email != "p0@example.org" || got[2].Name != "Person Two" || got[2].Gender != "non-binary" {
			t.Errorf("swap: %+v / %+v", got[0], got[2])
		}
		want1 := store.MemberRecord{MembershipID: m1.MembershipID, PersonID: m1.PersonID, Number: "N00001", Name: "Person 1", Gender: "woman",
			UnitID: west, Type: "youth", StartDate: "2021-06-01", LapseDate: "2025-01-01", Status: "lapsed"}
		if got[1] != want1 {
			t.Errorf("membership update\n got %+v\nwant %+v", got[1], want1)
		}
		if got[3].PersonID != m0.PersonID || got[3].Type != "affiliated" {
			t.Errorf("second membership of an existing person: %+v", got[3])
		}
	})
}

// TestMemberWriteIsAllOrNothing checks that a write failing part-way (here
// on a duplicate membership number) leaves nothing behind.
func TestMemberWriteIsAllOrNothing(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, north := addMemberUnits(t, db)
		terms := store.MemberTerms{UnitID: north, Type: "full", StartDate: "2020-01-01", Status: "active"}
		w := &store.MemberWrite{
			NewPeople: []store.MemberNewPerson{{Slug: "a", MemberPerson: store.MemberPerson{Name: "A"}}, {Slug: "b", MemberPerson: store.MemberPerson{Name: "B"}}},
			NewMemberships: []store.MemberNewMembership{
				{Number: "X1", PersonSlug: "a", MemberTerms: terms},
				{Number: "X1", PersonSlug: "b", MemberTerms: terms},
			},
		}
		err := db.InTx(ctx, func(tx *store.Tx) error { return tx.ApplyMemberWrite(ctx, w, nil) })
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("err = %v, want ErrConflict", err)
		}
		var people int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&people); err != nil || people != 0 {
			t.Fatalf("%d people left after a failed write (%v)", people, err)
		}
	})
}

// TestMemberSnapshotReadsDatesOtherCodeWrote checks that dates written as
// times (as the rest of the store writes them) read back as YYYY-MM-DD.
func TestMemberSnapshotReadsDatesOtherCodeWrote(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, north := addMemberUnits(t, db)
		pid, err := db.Insert(ctx, `INSERT INTO people (name, slug) VALUES ('Ann', 'ann')`)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC)
		if _, err := db.Exec(ctx, `INSERT INTO memberships (person_id, unit_id, number, start_date, lapse_date) VALUES (?, ?, 'T1', ?, ?)`, pid, north, start, start.AddDate(1, 0, 0)); err != nil {
			t.Fatal(err)
		}
		snap, err := db.MemberSnapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m := snap.Members["T1"]; m.StartDate != "2019-12-31" || m.LapseDate != "2020-12-31" || m.Type != "full" || m.Status != "active" {
			t.Fatalf("read back %+v", m)
		}
	})
}

func TestEachMember(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		west, north := addMemberUnits(t, db)
		w := &store.MemberWrite{}
		for i, u := range []int64{north, west, north} {
			slug := fmt.Sprintf("p%d", i)
			w.NewPeople = append(w.NewPeople, store.MemberNewPerson{Slug: slug, MemberPerson: store.MemberPerson{Name: fmt.Sprintf("P %d", i)}})
			w.NewMemberships = append(w.NewMemberships, store.MemberNewMembership{Number: fmt.Sprintf("M%d", 3-i), PersonSlug: slug,
				MemberTerms: store.MemberTerms{UnitID: u, Type: "full", StartDate: "2020-01-01", Status: "active"}})
		}
		applyMemberWrite(t, db, w)
		numbers := func(unit string) []string {
			var got []string
			err := db.EachMember(ctx, unit, func(m store.MemberExportRow) error {
				got = append(got, m.Number+"@"+m.UnitSlug)
				return nil
			})
			if err != nil {
				t.Fatalf("EachMember(%q): %v", unit, err)
			}
			return got
		}
		for _, tc := range []struct {
			unit string
			want []string
		}{
			{"", []string{"M1@north", "M2@west", "M3@north"}},
			{"west", []string{"M1@north", "M2@west", "M3@north"}},
			{"north", []string{"M1@north", "M3@north"}},
		} {
			if got := numbers(tc.unit); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("unit %q: %v, want %v", tc.unit, got, tc.want)
			}
		}
		// A loop in the unit tree must not make the export run forever.
		if _, err := db.Exec(ctx, `UPDATE units SET parent_id = ? WHERE id = ?`, north, west); err != nil {
			t.Fatal(err)
		}
		if got := numbers("north"); len(got) != 3 {
			t.Errorf("with a loop: %v", got)
		}
		if err := db.EachMember(ctx, "atlantis", func(store.MemberExportRow) error { return nil }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown unit: %v", err)
		}
		stop := errors.New("stop")
		if err := db.EachMember(ctx, "", func(store.MemberExportRow) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("the callback's error was not returned: %v", err)
		}
	})
}
