package election_test

import (
	"database/sql"
	"errors"
	"strings"
	"testing"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestRollRules takes a roll under three rules combined with OR (branch
// members, councillors, affiliated members) and checks each edge: the
// freeze date is 2026-03-02.
func TestRollRules(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		type person struct {
			name string
			add  func(id int64)
			on   bool
			unit int64
		}
		office := func(unitID int64, office, startDate, end string) func(int64) {
			return func(id int64) {
				o := store.Office{PersonID: id, Office: office, UnitID: unitID}
				if startDate != "" {
					o.Start = sql.NullTime{Time: date(startDate), Valid: true}
				}
				if end != "" {
					o.End = sql.NullTime{Time: date(end), Valid: true}
				}
				f.tx(func(tx *store.Tx) error { _, err := tx.CreateOffice(f.ctx, o); return err })
			}
		}
		member := func(unit int64, typ, startDate, lapse, status string) func(int64) {
			return func(id int64) { f.member(id, unit, typ, startDate, lapse, status) }
		}
		region := f.unit("region", "North East")
		people := []person{
			{"joined the day before", member(f.branch, "full", "2026-03-01", "", "active"), true, f.branch},
			{"joined on the freeze date", member(f.branch, "full", "2026-03-02", "", "active"), false, 0},
			{"lapses on the freeze date", member(f.branch, "full", "2020-01-01", "2026-03-02", "lapsed"), false, 0},
			{"lapses the day after", member(f.branch, "full", "2020-01-01", "2026-03-03", "lapsed"), true, f.branch},
			{"lapsed without a date", member(f.branch, "full", "2020-01-01", "", "lapsed"), false, 0},
			{"suspended", member(f.branch, "full", "2020-01-01", "", "suspended"), false, 0},
			{"member of a region only", member(region, "full", "2020-01-01", "", "active"), false, 0},
			{"councillor", office(f.group, "councillor", "2022-05-05", ""), true, f.group},
			// Imported data spells offices as it likes.
			{"Councillor, as imported", office(f.group, " Councillor", "2022-05-05", ""), true, f.group},
			{"councillor from tomorrow", office(f.group, "councillor", "2026-03-03", ""), false, 0},
			{"former councillor", office(f.group, "councillor", "2018-05-05", "2026-03-02"), false, 0},
			{"Member of Parliament", office(0, "Member of Parliament", "2024-07-04", ""), false, 0},
			{"affiliated member", member(f.union, "affiliated", "2021-01-01", "", "active"), true, f.union},
			{"full member of a union", member(f.union, "full", "2021-01-01", "", "active"), false, 0},
			{"councillor and branch member", func(id int64) {
				office(f.group, "councillor", "2022-05-05", "")(id)
				member(f.branch, "full", "2019-01-01", "", "active")(id)
			}, true, f.branch},
			{"two branch memberships", func(id int64) {
				member(f.branch, "full", "2019-01-01", "", "active")(id)
				member(f.branch, "youth", "2019-01-01", "", "active")(id)
			}, true, f.branch},
		}
		ids := map[int64]person{}
		for _, p := range people {
			id := f.person(p.name, "")
			p.add(id)
			ids[id] = p
		}
		e, _, _ := f.election(electionOptions{})
		rules := []election.Rule{
			{Kind: election.RuleMembers, UnitTypes: []string{"branch"}},
			{Kind: election.RuleOffice, Office: "councillor", UnitTypes: []string{"council_group"}},
			{Kind: election.RuleMembers, MembershipTypes: []string{"affiliated"}},
		}
		if err := f.svc.SetRules(f.ctx, f.ro, e.ID, rules); err != nil {
			t.Fatal(err)
		}
		preview, err := f.svc.PreviewElectorate(f.ctx, f.ro, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		n, err := f.svc.Freeze(f.ctx, f.ro, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, p := range people {
			if p.on {
				want++
			}
		}
		if int(n) != want || preview != want {
			t.Errorf("roll of %d, preview %d, want %d", n, preview, want)
		}
		for id, p := range ids {
			entry, err := db.RollEntry(f.ctx, e.ID, id)
			switch {
			case p.on && err != nil:
				t.Errorf("%s: not on the roll: %v", p.name, err)
			case !p.on && !errors.Is(err, store.ErrNotFound):
				t.Errorf("%s: on the roll", p.name)
			case p.on && entry.UnitID != p.unit:
				t.Errorf("%s: under unit %d, want %d", p.name, entry.UnitID, p.unit)
			}
		}
		size, err := f.svc.RollSize(f.ctx, f.ro, e.ID)
		if err != nil || size.Total != want || len(size.ByUnit) != 3 {
			t.Fatalf("roll size %+v %v", size, err)
		}
		if _, err := f.svc.RollSize(f.ctx, principal(f.ro.PersonID+1000), e.ID); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("roll size for a member: %v", err)
		}
		if err := f.svc.SetRules(f.ctx, f.ro, e.ID, rules); !errors.Is(err, election.ErrWrongStage) {
			t.Fatalf("rules after the freeze: %v", err)
		}
	})
}

func TestRuleValidation(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, _, _ := f.election(electionOptions{})
		for _, tc := range []struct {
			name  string
			rules []election.Rule
		}{
			{"none", nil},
			{"unknown kind", []election.Rule{{Kind: "everyone"}}},
			{"unknown unit type", []election.Rule{{Kind: election.RuleMembers, UnitTypes: []string{"castle"}}}},
			{"office without a name", []election.Rule{{Kind: election.RuleOffice}}},
			{"bad date", []election.Rule{{Kind: election.RuleMembers, JoinedBefore: "last year"}}},
		} {
			err := f.svc.SetRules(f.ctx, f.ro, e.ID, tc.rules)
			if fe, ok := election.AsFieldErrors(err); !ok || fe["rules"] == "" {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if _, err := election.ParseRules(`[{"kind": "members", "unit_types": ["branch"], "joined_before": "2025-09-02"}]`); err != nil {
			t.Fatal(err)
		}
		if _, err := election.ParseRules(`[{"kind": "members", "colour": "red"}]`); err == nil {
			t.Fatal("an unknown field was accepted")
		}
		if got := election.DescribeRule(election.Rule{Kind: election.RuleOffice, Office: "councillor"}); !strings.Contains(got, "councillor") {
			t.Fatalf("description %q", got)
		}
	})
}

// TestAddAndRemoveVoters checks the returning officer's changes to the
// roll: reasons required and audited, a voter who voted cannot be removed.
func TestAddAndRemoveVoters(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, _ := f.election(electionOptions{})
		vs := f.voters(3)
		late := f.person("Larry Late", "")
		if err := f.svc.AddVoter(f.ctx, f.ro, e.ID, late, f.branch, "membership recorded late"); !errors.Is(err, election.ErrWrongStage) {
			t.Fatalf("add before the freeze: %v", err)
		}
		f.open(e)
		if err := f.svc.AddVoter(f.ctx, f.ro, e.ID, late, f.branch, " "); err == nil {
			t.Fatal("added without a reason")
		}
		if err := f.svc.AddVoter(f.ctx, f.scrut, e.ID, late, f.branch, "x"); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("add by the scrutineer: %v", err)
		}
		if err := f.svc.AddVoter(f.ctx, f.ro, e.ID, late, f.branch, "membership recorded late"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.AddVoter(f.ctx, f.ro, e.ID, late, f.branch, "again"); err == nil {
			t.Fatal("added twice")
		}
		if _, err := f.svc.Cast(f.ctx, principal(late), e.ID, []int64{cs[0].ID}); err != nil {
			t.Fatalf("cast by the added voter: %v", err)
		}
		if _, err := f.svc.Cast(f.ctx, vs[0], e.ID, []int64{cs[0].ID}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RemoveVoter(f.ctx, f.ro, e.ID, vs[0].PersonID, "not a member after all"); !errors.Is(err, election.ErrVoterHasVoted) {
			t.Fatalf("removal of a voter who voted: %v", err)
		}
		if err := f.svc.RemoveVoter(f.ctx, f.ro, e.ID, vs[1].PersonID, "membership cancelled on appeal"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Cast(f.ctx, vs[1], e.ID, []int64{cs[0].ID}); !errors.Is(err, election.ErrNotEligible) {
			t.Fatalf("cast after removal: %v", err)
		}
		if err := f.svc.RemoveVoter(f.ctx, f.ro, e.ID, vs[1].PersonID, "again"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second removal: %v", err)
		}
		people, total, err := f.svc.Roll(f.ctx, f.ro, e.ID, "larry", store.Page{})
		if err != nil || total != 1 || !people[0].AddedByHand {
			t.Fatalf("roll search: %+v %d %v", people, total, err)
		}
		adds, _, _ := db.AuditLog(f.ctx, store.AuditFilter{Action: "election.roll_add"})
		removes, _, _ := db.AuditLog(f.ctx, store.AuditFilter{Action: "election.roll_remove"})
		if len(adds) != 1 || !strings.Contains(adds[0].New, "membership recorded late") || adds[0].ActorID != f.ro.PersonID {
			t.Fatalf("audit of the addition: %+v", adds)
		}
		if len(removes) != 1 || !strings.Contains(removes[0].New, "membership cancelled on appeal") {
			t.Fatalf("audit of the removal: %+v", removes)
		}
	})
}
