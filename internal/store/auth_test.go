package store_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestSessionSigner checks the one query that every signed-in request
// runs: who the session belongs to, whether it passed the second factor,
// and whether the person is a member on the day.
func TestSessionSigner(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
		day := func(d int) sql.NullTime { return sql.NullTime{Time: now.AddDate(0, 0, d), Valid: true} }
		people := map[string]int64{}
		var unitID int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			unit, err := tx.CreateUnit(ctx, store.Unit{Type: "branch", Name: "Branch", Slug: "branch"})
			if err != nil {
				return err
			}
			unitID = unit
			for _, who := range []struct {
				slug   string
				start  int
				lapse  sql.NullTime
				status string
			}{
				{"member", -30, sql.NullTime{}, "active"},
				{"lapsed", -300, day(-1), "active"},
				{"lapses-tomorrow", -300, day(1), "active"},
				{"joins-tomorrow", 1, sql.NullTime{}, "active"},
				{"suspended", -30, sql.NullTime{}, "suspended"},
				{"no-membership", 0, sql.NullTime{}, ""},
			} {
				id, err := tx.CreatePerson(ctx, store.Person{Name: "Person " + who.slug, Slug: who.slug})
				if err != nil {
					return err
				}
				people[who.slug] = id
				if err := tx.CreateAccount(ctx, id, "-"); err != nil {
					return err
				}
				if who.status != "" {
					if _, err := tx.CreateMembership(ctx, store.Membership{PersonID: id, UnitID: unit, Number: "N-" + who.slug, Type: "full",
						Start: now.AddDate(0, 0, who.start), Lapse: who.lapse, Status: who.status}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var grantIDs []int64
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, g := range []store.Grant{{PersonID: people["member"], Role: "admin"}, {PersonID: people["member"], Role: "unit_officer", UnitID: unitID, Title: "Secretary"}} {
				id, err := tx.AddGrant(ctx, g)
				if err != nil {
					return err
				}
				grantIDs = append(grantIDs, id)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantGrants, err := db.GrantsOf(ctx, people["member"])
		if err != nil || len(wantGrants) != 2 || wantGrants[1].UnitName != "Branch" {
			t.Fatalf("grants: %+v %v", wantGrants, err)
		}
		for slug, id := range people {
			if err := db.CreateSession(ctx, store.Session{TokenHash: "h-" + slug, PersonID: id, CreatedAt: now, ExpiresAt: now.Add(time.Hour), SecondFactor: slug == "member"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateSession(ctx, store.Session{TokenHash: "h-expired", PersonID: people["member"], CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		wantMember := map[string]bool{"member": true, "lapses-tomorrow": true}
		for slug, id := range people {
			s, err := db.SessionSignerByHash(ctx, "h-"+slug, now)
			if err != nil {
				t.Fatalf("%s: %v", slug, err)
			}
			if s.PersonID != id || s.Name != "Person "+slug || s.Member != wantMember[slug] || s.SecondFactor != (slug == "member") || s.TOTPEnabled {
				t.Errorf("%s: got %+v", slug, s)
			}
			if slug == "member" && !slices.Equal(s.Grants, wantGrants) {
				t.Errorf("the session's roles %+v, want %+v", s.Grants, wantGrants)
			} else if slug != "member" && len(s.Grants) != 0 {
				t.Errorf("%s: roles %+v, want none", slug, s.Grants)
			}
		}
		for _, hash := range []string{"h-expired", "h-unknown"} {
			if _, err := db.SessionSignerByHash(ctx, hash, now); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: want not found, got %v", hash, err)
			}
		}
	})
}
