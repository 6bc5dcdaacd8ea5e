package org_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

var (
	adminP  = &auth.Principal{PersonID: 0, SecondFactor: true, Grants: []store.Grant{{Role: "admin"}}}
	nobodyP = &auth.Principal{PersonID: 99}
)

// signedAdmin gives the admin principal a real person id so audit entries
// have an actor.
func signedAdmin(t *testing.T, db *store.DB) *auth.Principal {
	t.Helper()
	svc := &org.Service{DB: db}
	p, err := svc.CreatePersonAsSystem(context.Background(), org.PersonInput{Name: "Ann Admin", Email: "ann@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	a := *adminP
	a.PersonID = p.ID
	return &a
}

func TestUnitsValidationHierarchyAndAudit(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &org.Service{DB: db}
		admin := signedAdmin(t, db)

		if _, err := svc.CreateUnit(ctx, nobodyP, org.UnitInput{Type: "branch", Name: "X"}); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("non-admin create: %v", err)
		}
		_, err := svc.CreateUnit(ctx, admin, org.UnitInput{Type: "castle", Name: " ", Slug: "Bad Slug!"})
		fe, ok := org.AsFieldErrors(err)
		if !ok || fe["type"] == "" || fe["name"] == "" || fe["slug"] == "" {
			t.Fatalf("want type, name and slug errors, got %v", err)
		}
		region, err := svc.CreateUnit(ctx, admin, org.UnitInput{Type: "region", Name: "North East"})
		if err != nil || region.Slug != "north-east" {
			t.Fatalf("region %+v %v", region, err)
		}
		branch, err := svc.CreateUnit(ctx, admin, org.UnitInput{Type: "branch", Name: "Tyneside", ParentID: region.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateUnit(ctx, admin, org.UnitInput{Type: "branch", Name: "Tyneside"}); err == nil {
			t.Fatal("duplicate slug accepted")
		} else if fe, ok := org.AsFieldErrors(err); !ok || fe["slug"] == "" {
			t.Fatalf("duplicate slug: %v", err)
		}
		// A region cannot be moved inside its own branch.
		_, err = svc.UpdateUnit(ctx, admin, region.ID, org.UnitInput{Type: "region", Name: "North East", Slug: "north-east", ParentID: branch.ID})
		if fe, ok := org.AsFieldErrors(err); !ok || fe["parent"] == "" {
			t.Fatalf("cycle: %v", err)
		}
		// An officer may rename their unit but not move it.
		officer := &auth.Principal{PersonID: admin.PersonID, Grants: []store.Grant{{Role: "officer", UnitID: branch.ID}}}
		if _, err := svc.UpdateUnit(ctx, officer, branch.ID, org.UnitInput{Type: "branch", Name: "Tyneside CLP", Slug: "tyneside", ParentID: region.ID}); err != nil {
			t.Fatalf("officer rename: %v", err)
		}
		if _, err := svc.UpdateUnit(ctx, officer, branch.ID, org.UnitInput{Type: "branch", Name: "Tyneside CLP", Slug: "tyneside"}); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("officer move: %v", err)
		}
		if _, err := svc.UpdateUnit(ctx, officer, region.ID, org.UnitInput{Type: "region", Name: "NE", Slug: "north-east"}); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("officer of another unit: %v", err)
		}
		entries, _, err := db.AuditLog(ctx, store.AuditFilter{Action: "unit.update"})
		if err != nil || len(entries) != 1 || entries[0].Old == entries[0].New || entries[0].ActorID != admin.PersonID {
			t.Fatalf("audit of the rename: %+v %v", entries, err)
		}
		entries, _, _ = db.AuditLog(ctx, store.AuditFilter{Action: "unit.create"})
		if len(entries) != 2 {
			t.Fatalf("%d unit.create entries, want 2", len(entries))
		}
	})
}

func TestBodiesSectionsSeatsAndVacancies(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &org.Service{DB: db}
		admin := signedAdmin(t, db)
		nec, err := svc.CreateBody(ctx, admin, org.BodyInput{Name: "National Executive"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateBody(ctx, admin, org.BodyInput{Name: "Disputes", ParentID: nec.ID}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.CreateSection(ctx, admin, nec.ID, org.SectionInput{Name: "Local government", Seats: 2, MinWomen: 3})
		if fe, ok := org.AsFieldErrors(err); !ok || fe["min_women"] == "" {
			t.Fatalf("more reserved seats than seats: %v", err)
		}
		sec, err := svc.CreateSection(ctx, admin, nec.ID, org.SectionInput{Name: "Local government", Seats: 2, MinWomen: 1})
		if err != nil {
			t.Fatal(err)
		}
		seats, err := db.SeatsOfBody(ctx, nec.ID, time.Now())
		if err != nil || len(seats) != 2 || !seats[0].Vacant() {
			t.Fatalf("seats %+v %v", seats, err)
		}
		alice, _ := svc.CreatePersonAsSystem(ctx, org.PersonInput{Name: "Alice Councillor", Gender: "woman"})
		bob, _ := svc.CreatePersonAsSystem(ctx, org.PersonInput{Name: "Bob Councillor", Gender: "man"})
		start := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
		if err := svc.FillSeat(ctx, admin, nec.ID, org.SeatInput{SeatID: seats[0].SeatID, PersonID: alice.ID, Start: start}); err != nil {
			t.Fatal(err)
		}
		// The seat is held: a second holder for the same dates is refused.
		err = svc.FillSeat(ctx, admin, nec.ID, org.SeatInput{SeatID: seats[0].SeatID, PersonID: bob.ID, Start: start.AddDate(0, 1, 0)})
		if fe, ok := org.AsFieldErrors(err); !ok || fe["start"] == "" {
			t.Fatalf("overlapping term: %v", err)
		}
		seats, _ = db.SeatsOfBody(ctx, nec.ID, time.Now())
		if seats[0].PersonID != alice.ID || !seats[1].Vacant() {
			t.Fatalf("after filling: %+v", seats)
		}
		end := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
		if err := svc.EndTerm(ctx, admin, nec.ID, seats[0].SeatID, seats[0].TermID, end); err != nil {
			t.Fatal(err)
		}
		seats, _ = db.SeatsOfBody(ctx, nec.ID, time.Now())
		if !seats[0].Vacant() {
			t.Fatal("the seat is still held after the term ended")
		}
		past, _ := db.SeatsOfBody(ctx, nec.ID, end)
		if past[0].PersonID != alice.ID {
			t.Fatal("the seat's history was lost")
		}
		// A by-election fills the vacancy from the day after.
		if err := svc.FillSeat(ctx, admin, nec.ID, org.SeatInput{SeatID: seats[0].SeatID, PersonID: bob.ID, Start: end.AddDate(0, 0, 1)}); err != nil {
			t.Fatalf("by-election: %v", err)
		}
		// Raising the seats adds a seat; lowering them is refused.
		if _, err := svc.UpdateSection(ctx, admin, sec.ID, org.SectionInput{Name: "Local government", Seats: 3, MinWomen: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.UpdateSection(ctx, admin, sec.ID, org.SectionInput{Name: "Local government", Seats: 1}); err == nil {
			t.Fatal("removing seats with a history was allowed")
		}
		seats, _ = db.SeatsOfBody(ctx, nec.ID, time.Now())
		if len(seats) != 3 {
			t.Fatalf("%d seats, want 3", len(seats))
		}
		// A body secretary of another body may not touch this one.
		other := &auth.Principal{PersonID: bob.ID, Grants: []store.Grant{{Role: "body_secretary", BodyID: nec.ID + 100}}}
		if _, err := svc.CreateSection(ctx, other, nec.ID, org.SectionInput{Name: "X", Seats: 1}); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("secretary of another body: %v", err)
		}
	})
}

func TestPeopleProfilesAndPrivacy(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &org.Service{DB: db}
		admin := signedAdmin(t, db)
		p1, err := svc.CreatePerson(ctx, admin, org.PersonInput{Name: "Sam Jones", Email: "Sam@Example.org"})
		if err != nil || p1.Email != "sam@example.org" || p1.Slug != "sam-jones" {
			t.Fatalf("%+v %v", p1, err)
		}
		p2, err := svc.CreatePerson(ctx, admin, org.PersonInput{Name: "Sam Jones"})
		if err != nil || p2.Slug != "sam-jones-2" {
			t.Fatalf("second Sam: %+v %v", p2, err)
		}
		_, err = svc.CreatePerson(ctx, admin, org.PersonInput{Name: "Other", Email: "sam@example.org"})
		if fe, ok := org.AsFieldErrors(err); !ok || fe["email"] == "" {
			t.Fatalf("e-mail clash: %v", err)
		}
		_, err = svc.CreatePerson(ctx, admin, org.PersonInput{Name: "Bad", Email: "not an address", Gender: "robot"})
		if fe, ok := org.AsFieldErrors(err); !ok || fe["email"] == "" || fe["gender"] == "" {
			t.Fatalf("bad e-mail and gender: %v", err)
		}
		self := &auth.Principal{PersonID: p1.ID}
		if _, err := svc.UpdatePerson(ctx, self, p1.ID, org.PersonInput{Name: "Sam Jones", Email: "sam@example.org", ShowProfile: true}); err != nil {
			t.Fatalf("own profile: %v", err)
		}
		if _, err := svc.UpdatePerson(ctx, self, p2.ID, org.PersonInput{Name: "Hacked"}); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("someone else's profile: %v", err)
		}
		entries, _, _ := db.AuditLog(ctx, store.AuditFilter{Action: "person.update"})
		for _, e := range entries {
			if e.Old != "" || e.New == "" || contains(e.New, "sam@example.org") {
				t.Fatalf("audit of a profile change holds personal data or nothing: %+v", e)
			}
		}
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
