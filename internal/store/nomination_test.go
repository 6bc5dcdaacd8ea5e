package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// The unique indexes alone stop two concurrent writers from giving one
// nominator two live nominations in the same place, even without the
// domain's checks.
func TestNominationPlaceIsUniqueUnderConcurrentInserts(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		var periodID, unitID, personID int64
		cands := make([]int64, 1)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if personID, err = tx.CreatePerson(ctx, store.Person{Name: "Sue", Slug: "sue"}); err != nil {
				return err
			}
			if unitID, err = tx.CreateUnit(ctx, store.Unit{Type: "council_group", Name: "Group", Slug: "group"}); err != nil {
				return err
			}
			periodID, err = tx.CreatePeriod(ctx, store.NominationPeriod{Title: "P", Slug: "p", UnitTypes: []string{"council_group"},
				Slots: []store.NominationSlot{{Key: "1", Label: "Candidate"}}, OpensAt: at, ClosesAt: at.Add(time.Hour), TimeZone: "UTC", CreatedAt: at})
			if err != nil {
				return err
			}
			cands[0], err = tx.CreateNominationCandidate(ctx, store.NominationCandidate{PeriodID: periodID, PersonID: personID, Name: "C", DeclaredAt: at})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateNominationCandidate(ctx, store.NominationCandidate{PeriodID: periodID, PersonID: personID, Name: "C", DeclaredAt: at})
			return err
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("one person declaring twice in a period: %v", err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.CreateNomination(ctx, store.Nomination{PeriodID: periodID, Nominator: "unit:1", UnitID: unitID, CandidateID: cands[0], Slot: "1", SubmittedBy: personID, SubmittedAt: at})
					return err
				})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrConflict):
				t.Fatalf("unexpected error: %v", err)
			}
		}
		live, err := db.Nominations(ctx, store.NominationFilter{PeriodID: periodID, LiveOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if ok != 1 || len(live) != 1 {
			t.Fatalf("%d inserts succeeded, %d live", ok, len(live))
		}
		// Once withdrawn, the place is free again; the withdrawn one stays on record.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.EndNomination(ctx, live[0].ID, store.NominationWithdrawn, at); err != nil {
				return err
			}
			if err := tx.EndNomination(ctx, live[0].ID, store.NominationWithdrawn, at); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("second withdrawal: %v", err)
			}
			_, err := tx.CreateNomination(ctx, store.Nomination{PeriodID: periodID, Nominator: "unit:1", UnitID: unitID, CandidateID: cands[0], Slot: "1", SubmittedBy: personID, SubmittedAt: at})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		all, _ := db.Nominations(ctx, store.NominationFilter{PeriodID: periodID})
		if len(all) != 2 || all[0].NominatorName != "Group" || all[0].CandidateName != "C" {
			t.Errorf("history: %+v", all)
		}
		// Rule versions by effective date.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, v := range []struct {
				from time.Time
				rule string
			}{{time.Date(2017, 9, 27, 0, 0, 0, 0, time.UTC), "old"}, {time.Date(2021, 9, 29, 0, 0, 0, 0, time.UTC), "new"}} {
				if _, err := tx.AddNominationRule(ctx, store.NominationRule{Name: "Leader", EffectiveFrom: v.from, Rule: v.rule}, at); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			on   time.Time
			want string
		}{{time.Date(2020, 1, 13, 0, 0, 0, 0, time.UTC), "old"}, {time.Date(2021, 9, 29, 0, 0, 0, 0, time.UTC), "new"}, {time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "new"}} {
			r, err := db.NominationRuleOn(ctx, "Leader", c.on)
			if err != nil || r.Rule != c.want {
				t.Errorf("rule on %s = %q, %v; want %q", c.on.Format(time.DateOnly), r.Rule, err, c.want)
			}
		}
		if _, err := db.NominationRuleOn(ctx, "Leader", time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("rule before any version: %v", err)
		}
	})
}
