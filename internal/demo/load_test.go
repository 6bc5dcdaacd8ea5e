package demo_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"quorum/internal/demo"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

var ctx = context.Background()

func load(t testing.TB, db *store.DB, seed int64) *demo.Summary {
	t.Helper()
	sum, err := demo.Load(ctx, db, demo.Options{Seed: seed})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return sum
}

func count(t testing.TB, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// freshLike opens another empty database of the same engine.
func freshLike(t *testing.T, db *store.DB) *store.DB {
	if db.Engine == store.Postgres {
		return testkit.Postgres(t)
	}
	return testkit.SQLite(t)
}

var digestTables = []string{"organisation", "units", "people", "memberships", "public_offices", "bodies", "sections", "seats", "seat_terms", "meetings"}

// digest hashes every row of the tables the demo writes, in id order.
func digest(t testing.TB, db *store.DB) string {
	t.Helper()
	h := sha256.New()
	for _, table := range digestTables {
		rows, err := db.Query(ctx, `SELECT * FROM `+table+` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		fmt.Fprintf(h, "%s %v\n", table, cols)
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(h, "%T:%v|", v, v)
			}
			h.Write([]byte{'\n'})
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestLoadFillsTheOrganisation(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		sum := load(t, db, 1)

		for table, want := range map[string]int{
			"units": sum.Counts.Units, "people": sum.Counts.People, "memberships": sum.Counts.Memberships,
			"public_offices": sum.Counts.PublicOffices, "bodies": sum.Counts.Bodies, "sections": sum.Counts.Sections,
			"seats": sum.Counts.Seats, "seat_terms": sum.Counts.SeatTerms, "meetings": sum.Counts.Meetings,
		} {
			if got := count(t, db, `SELECT COUNT(*) FROM `+table); got != want {
				t.Errorf("%s: %d rows, summary says %d", table, got, want)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM organisation`); n != 1 {
			t.Errorf("organisation rows = %d", n)
		}
		for typ, want := range map[string]int{"nation": 2, "region": 9, "branch": 600, "council_group": 40, "union": 12, "society": 3} {
			if got := count(t, db, `SELECT COUNT(*) FROM units WHERE type = ?`, typ); got != want {
				t.Errorf("%d units of type %s, want %d", got, typ, want)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM units u JOIN units p ON p.id = u.parent_id WHERE u.type = 'branch' AND p.type IN ('region', 'nation')`); n != 600 {
			t.Errorf("%d branches under a region or nation, want 600", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM people`); n < 19500 || n > 20500 {
			t.Errorf("%d people, want about 20,000", n)
		}
		if n := count(t, db, `SELECT COUNT(DISTINCT gender) FROM people`); n != 4 {
			t.Errorf("%d genders, want woman, man, non-binary and blank", n)
		}

		// Memberships: unique numbers, lapses after starts, about 15% lapsed,
		// starts spread over ten years.
		if a, b := count(t, db, `SELECT COUNT(*) FROM memberships`), count(t, db, `SELECT COUNT(DISTINCT number) FROM memberships`); a != b {
			t.Errorf("%d memberships but %d distinct numbers", a, b)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM memberships WHERE lapse_date IS NOT NULL AND lapse_date <= start_date`); n != 0 {
			t.Errorf("%d memberships lapse on or before they start", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM memberships WHERE (lapse_date IS NULL) <> (status = 'active')`); n != 0 {
			t.Errorf("%d memberships whose status does not match their lapse date", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM memberships WHERE start_date > ? OR lapse_date > ?`, "2026-02-01", "2026-02-01"); n != 0 {
			t.Errorf("%d memberships start or lapse after the reference date", n)
		}
		total := count(t, db, `SELECT COUNT(*) FROM memberships`)
		lapsed := count(t, db, `SELECT COUNT(*) FROM memberships WHERE status = 'lapsed'`)
		if share := float64(lapsed) / float64(total); share < 0.12 || share > 0.18 {
			t.Errorf("%.1f%% lapsed, want about 15%%", 100*share)
		}
		for year := 2016; year <= 2025; year++ {
			n := count(t, db, `SELECT COUNT(*) FROM memberships WHERE start_date >= ? AND start_date < ?`, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-01-01", year+1))
			if n < 800 {
				t.Errorf("only %d memberships started in %d", n, year)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM memberships WHERE type = 'youth'`); n < 800 {
			t.Errorf("%d youth memberships", n)
		}

		// Every council group has councillors; the MEP's office ended.
		if n := count(t, db, `SELECT COUNT(*) FROM units u WHERE u.type = 'council_group' AND (SELECT COUNT(*) FROM public_offices o WHERE o.unit_id = u.id AND o.office = 'councillor' AND o.end_date IS NULL) < 3`); n != 0 {
			t.Errorf("%d council groups with fewer than 3 councillors", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM public_offices WHERE office = 'Member of Parliament'`); n < 5 {
			t.Errorf("%d MPs", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM public_offices WHERE office = 'Member of the European Parliament' AND end_date IS NOT NULL`); n != 1 {
			t.Errorf("%d former MEPs, want 1", n)
		}
	})
}

func TestNECHasItsSectionsAndSeats(t *testing.T) {
	want := map[string]struct{ seats, minWomen int }{
		"Members' section (CLP)": {9, 5}, "Affiliates (trade unions)": {13, 6}, "Local government": {2, 1},
		"BAME": {1, 0}, "Disabled members": {1, 0}, "Youth": {1, 0}, "Scotland": {1, 0}, "Wales": {1, 0},
		"Parliamentary (PLP/EPLP)": {3, 0}, "Frontbench": {3, 0}, "Leader": {1, 0}, "Deputy leader": {1, 0},
		"Treasurer": {1, 0}, "Socialist societies": {1, 0},
	}
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		sum := load(t, db, 7)
		today := "2026-02-01"
		rows, err := db.Query(ctx, `SELECT s.name, s.seats, s.min_women,
			(SELECT COUNT(*) FROM seats st WHERE st.section_id = s.id),
			(SELECT COUNT(*) FROM seats st WHERE st.section_id = s.id AND EXISTS (
				SELECT 1 FROM seat_terms tm WHERE tm.seat_id = st.id AND tm.term_start <= ? AND (tm.term_end IS NULL OR tm.term_end > ?))),
			(SELECT COUNT(*) FROM seats st JOIN seat_terms tm ON tm.seat_id = st.id JOIN people p ON p.id = tm.person_id
				WHERE st.section_id = s.id AND p.gender = 'woman' AND tm.term_start <= ? AND (tm.term_end IS NULL OR tm.term_end > ?))
			FROM sections s WHERE s.body_id = ? ORDER BY s.position`, today, today, today, today, sum.NECID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		seen, totalSeats, filled := 0, 0, 0
		for rows.Next() {
			var name string
			var seats, minWomen, seatRows, held, women int
			if err := rows.Scan(&name, &seats, &minWomen, &seatRows, &held, &women); err != nil {
				t.Fatal(err)
			}
			seen++
			w, ok := want[name]
			if !ok {
				t.Errorf("unexpected section %q", name)
				continue
			}
			if seats != w.seats || seatRows != w.seats || minWomen != w.minWomen {
				t.Errorf("%s: %d seats declared, %d seat rows, min women %d; want %d, %d", name, seats, seatRows, minWomen, w.seats, w.minWomen)
			}
			if women < minWomen {
				t.Errorf("%s: %d women hold seats, minimum %d", name, women, minWomen)
			}
			totalSeats += seats
			filled += held
		}
		if seen != len(want) || totalSeats != 39 {
			t.Errorf("%d sections with %d seats, want %d sections and 39 seats", seen, totalSeats, len(want))
		}
		if filled != 37 {
			t.Errorf("%d NEC seats filled, want 37 (two vacancies)", filled)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM seat_terms WHERE term_end IS NOT NULL AND term_end <= ?`, today); n < 20 {
			t.Errorf("%d ended terms, want a history", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM seat_terms WHERE term_end IS NOT NULL AND term_end <= term_start`); n != 0 {
			t.Errorf("%d terms end before they start", n)
		}
		// Nobody holds two open NEC seats.
		if n := count(t, db, `SELECT COUNT(*) FROM (SELECT tm.person_id FROM seat_terms tm JOIN seats st ON st.id = tm.seat_id JOIN sections s ON s.id = st.section_id
			WHERE s.body_id = ? AND (tm.term_end IS NULL OR tm.term_end > ?) GROUP BY tm.person_id HAVING COUNT(*) > 1) x`, sum.NECID, today); n != 0 {
			t.Errorf("%d people hold two NEC seats", n)
		}
		// Local-government seats are held by councillors, affiliates' seats by union members,
		// parliamentary ones by MPs elected before the term began.
		if n := count(t, db, `SELECT COUNT(*) FROM seat_terms tm JOIN seats st ON st.id = tm.seat_id JOIN sections s ON s.id = st.section_id
			WHERE s.name = 'Local government' AND NOT EXISTS (SELECT 1 FROM public_offices o WHERE o.person_id = tm.person_id AND o.office = 'councillor' AND o.start_date <= tm.term_start)`); n != 0 {
			t.Errorf("%d local-government terms held by non-councillors", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM seat_terms tm JOIN seats st ON st.id = tm.seat_id JOIN sections s ON s.id = st.section_id
			WHERE s.name = 'Affiliates (trade unions)' AND NOT EXISTS (SELECT 1 FROM memberships m JOIN units u ON u.id = m.unit_id WHERE m.person_id = tm.person_id AND u.type = 'union')`); n != 0 {
			t.Errorf("%d affiliates' terms held by people in no union", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM seat_terms tm JOIN seats st ON st.id = tm.seat_id JOIN sections s ON s.id = st.section_id
			WHERE s.name IN ('Leader', 'Deputy leader', 'Frontbench', 'Parliamentary (PLP/EPLP)') AND NOT EXISTS (
				SELECT 1 FROM public_offices o WHERE o.person_id = tm.person_id AND o.start_date <= tm.term_start
				AND o.office IN ('Member of Parliament', 'Member of the European Parliament'))`); n != 0 {
			t.Errorf("%d parliamentary terms held by people not in Parliament when the term began", n)
		}
		// A seat has one holder at a time.
		if n := count(t, db, `SELECT COUNT(*) FROM seat_terms a JOIN seat_terms b ON a.seat_id = b.seat_id AND a.id < b.id
			WHERE a.term_start < COALESCE(b.term_end, '9999-12-31') AND b.term_start < COALESCE(a.term_end, '9999-12-31')`); n != 0 {
			t.Errorf("%d pairs of overlapping terms on one seat", n)
		}
		// Sub-committee members sit on the NEC.
		if n := count(t, db, `SELECT COUNT(*) FROM seat_terms tm JOIN seats st ON st.id = tm.seat_id JOIN sections s ON s.id = st.section_id JOIN bodies b ON b.id = s.body_id
			WHERE b.parent_id = ? AND NOT EXISTS (SELECT 1 FROM seat_terms n JOIN seats ns ON ns.id = n.seat_id JOIN sections nsec ON nsec.id = ns.section_id
				WHERE nsec.body_id = ? AND n.person_id = tm.person_id AND (n.term_end IS NULL OR n.term_end > ?))`, sum.NECID, sum.NECID, today); n != 0 {
			t.Errorf("%d sub-committee places held by people not on the NEC", n)
		}
		// The four sub-committees hang off the NEC, each with members.
		if n := count(t, db, `SELECT COUNT(*) FROM bodies b WHERE b.parent_id = ? AND (SELECT COUNT(*) FROM sections s JOIN seats st ON st.section_id = s.id JOIN seat_terms tm ON tm.seat_id = st.id WHERE s.body_id = b.id) >= 5`, sum.NECID); n != 4 {
			t.Errorf("%d sub-committees with members, want 4", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM meetings`); n < 10 {
			t.Errorf("%d meetings", n)
		}
	})
}

func TestSummaryNamesTheDemoCast(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		sum := load(t, db, 3)
		for _, p := range []demo.Person{sum.Administrator, sum.ReturningOfficer, sum.Scrutineer, sum.BranchSecretary,
			sum.CouncilGroupSecretary, sum.NECSecretary, sum.NECSeatHolder, sum.Member} {
			var email string
			if err := db.QueryRow(ctx, `SELECT email FROM people WHERE id = ?`, p.ID).Scan(&email); err != nil || email != p.Email {
				t.Errorf("%s: person %d has e-mail %q (%v), summary says %q", p.Name, p.ID, email, err, p.Email)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM units WHERE id = ? AND type = 'branch'`, sum.BranchID); n != 1 {
			t.Error("BranchID is not a branch")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM units WHERE id = ? AND type = 'council_group'`, sum.CouncilGroupID); n != 1 {
			t.Error("CouncilGroupID is not a council group")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM bodies WHERE id = ? AND slug = 'nec'`, sum.NECID); n != 1 {
			t.Error("NECID is not the NEC")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM memberships WHERE person_id = ? AND unit_id = ? AND status = 'active'`, sum.BranchSecretary.ID, sum.BranchID); n != 1 {
			t.Error("the branch secretary is not an active member of the branch")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM memberships WHERE person_id = ? AND unit_id = ? AND status = 'active'`, sum.Member.ID, sum.BranchID); n != 1 {
			t.Error("the member is not an active member of the branch")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM public_offices WHERE person_id = ? AND unit_id = ? AND office = 'councillor' AND end_date IS NULL`, sum.CouncilGroupSecretary.ID, sum.CouncilGroupID); n != 1 {
			t.Error("the council group secretary is not a councillor in the group")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM public_offices WHERE person_id = ? AND office = 'councillor' AND end_date IS NULL`, sum.NECSeatHolder.ID); n != 1 {
			t.Error("the NEC seat holder is not a councillor")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM seat_terms tm JOIN seats st ON st.id = tm.seat_id JOIN sections s ON s.id = st.section_id
			WHERE tm.person_id = ? AND s.body_id = ? AND s.name = 'Local government' AND (tm.term_end IS NULL OR tm.term_end > ?)`, sum.NECSeatHolder.ID, sum.NECID, "2026-02-01"); n != 1 {
			t.Error("the NEC seat holder holds no current local-government seat")
		}
		if n := count(t, db, `SELECT (SELECT COUNT(*) FROM public_offices WHERE person_id = ?) + (SELECT COUNT(*) FROM seat_terms WHERE person_id = ?)`, sum.Member.ID, sum.Member.ID); n != 0 {
			t.Error("the ordinary member holds an office or a seat")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM memberships WHERE person_id IN (?, ?)`, sum.ReturningOfficer.ID, sum.Scrutineer.ID); n != 0 {
			t.Error("the independent returning officer or scrutineer is a member")
		}
	})
}

func TestLoadIsDeterministic(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		load(t, db, 42)
		again := freshLike(t, db)
		load(t, again, 42)
		other := freshLike(t, db)
		load(t, other, 43)
		a, b, c := digest(t, db), digest(t, again), digest(t, other)
		if a != b {
			t.Errorf("two loads with seed 42 differ: %s and %s", a, b)
		}
		if a == c {
			t.Error("seeds 42 and 43 gave the same data")
		}
	})
}

func TestBuildIsDeterministic(t *testing.T) {
	d1, s1 := demo.Build(demo.Options{Seed: 5})
	d2, s2 := demo.Build(demo.Options{Seed: 5})
	if !reflect.DeepEqual(d1, d2) || !reflect.DeepEqual(s1, s2) {
		t.Fatal("two builds with the same seed differ")
	}
	d3, _ := demo.Build(demo.Options{Seed: 5, Today: time.Date(2030, 6, 15, 14, 0, 0, 0, time.UTC)})
	last := d3.Memberships[0].StartDate
	for _, m := range d3.Memberships {
		if m.StartDate.After(last) && m.Type != "affiliated" {
			last = m.StartDate
		}
	}
	if last.Before(time.Date(2030, 5, 1, 0, 0, 0, 0, time.UTC)) || last.After(time.Date(2030, 6, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("with today 2030-06-15 the newest membership starts %s", last.Format(time.DateOnly))
	}
}

func TestSecondLoadIsRefusedAndWritesNothing(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		load(t, db, 1)
		before := digest(t, db)
		_, err := demo.Load(ctx, db, demo.Options{Seed: 2})
		if !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("second load: err = %v, want ErrNotEmpty", err)
		}
		if after := digest(t, db); after != before {
			t.Error("the refused load changed the data")
		}
	})
}

func TestFailedLoadLeavesNothingBehind(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		// A person already holding the administrator's address makes the
		// load fail part-way, after the units are written.
		if _, err := db.Exec(ctx, `INSERT INTO people (name, email, slug) VALUES ('Someone Else', 'admin@demo.example.org', 'someone-else')`); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(ctx, db, demo.Options{Seed: 1}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("err = %v, want a conflict", err)
		}
		for _, table := range digestTables {
			want := 0
			if table == "people" {
				want = 1
			}
			if n := count(t, db, `SELECT COUNT(*) FROM `+table); n != want {
				t.Errorf("%s has %d rows after a failed load, want %d", table, n, want)
			}
		}
	})
}

func TestIDsCarryOnAfterTheLoad(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		// A person made before the load keeps their id; the demo numbers after them.
		first, err := db.Insert(ctx, `INSERT INTO people (name, slug) VALUES ('Early Bird', 'early-bird')`)
		if err != nil {
			t.Fatal(err)
		}
		sum := load(t, db, 1)
		var maxPerson, maxUnit int64
		if err := db.QueryRow(ctx, `SELECT MAX(id) FROM people`).Scan(&maxPerson); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT MAX(id) FROM units`).Scan(&maxUnit); err != nil {
			t.Fatal(err)
		}
		if maxPerson != first+int64(sum.Counts.People) {
			t.Errorf("largest person id %d, want %d", maxPerson, first+int64(sum.Counts.People))
		}
		id, err := db.Insert(ctx, `INSERT INTO units (type, name, slug) VALUES ('branch', 'New Branch', 'new-branch')`)
		if err != nil {
			t.Fatalf("insert after load: %v", err)
		}
		if id != maxUnit+1 {
			t.Errorf("new unit id %d, want %d", id, maxUnit+1)
		}
		var start time.Time
		if err := db.QueryRow(ctx, `SELECT start_date FROM memberships WHERE person_id = ?`, sum.Member.ID).Scan(&start); err != nil {
			t.Fatalf("read a membership's start date: %v", err)
		}
		var lapse sql.NullTime
		if err := db.QueryRow(ctx, `SELECT lapse_date FROM memberships WHERE lapse_date IS NOT NULL ORDER BY id LIMIT 1`).Scan(&lapse); err != nil || !lapse.Valid {
			t.Fatalf("read a lapse date: %v", err)
		}
	})
}

// BenchmarkDemoLoad measures Load into a fresh database, which the
// `quorum demo` command does at start-up.
func BenchmarkDemoLoad(b *testing.B) {
	engines := []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", testkit.SQLite}, {"postgres", testkit.Postgres}}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := e.open(b)
				b.StartTimer()
				if _, err := demo.Load(ctx, db, demo.Options{Seed: 1}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
		})
	}
}

// The membership chart should have something to show: surges of joiners
// and a stretch when more leave than join.
func TestMembershipChartHasSurgesAndLosses(t *testing.T) {
	d, sum := demo.Build(demo.Options{Seed: 1})
	joins, lapses := map[string]int{}, map[string]int{}
	for _, m := range d.Memberships {
		if m.Type == "affiliated" {
			continue
		}
		joins[m.StartDate.Format("2006-01")]++
		if !m.LapseDate.IsZero() {
			lapses[m.LapseDate.Format("2006-01")]++
		}
	}
	var monthly []int
	losing := 0
	for mo := sum.Today.AddDate(-10, 0, 0); mo.Before(sum.Today); mo = mo.AddDate(0, 1, 0) {
		k := mo.Format("2006-01")
		monthly = append(monthly, joins[k])
		if lapses[k] > joins[k] {
			losing++
		}
	}
	slices.Sort(monthly)
	if median, peak := monthly[len(monthly)/2], monthly[len(monthly)-1]; peak < 3*median {
		t.Errorf("busiest month has %d joiners, the median %d: no surge", peak, median)
	}
	if losing < 3 {
		t.Errorf("only %d months in which more left than joined", losing)
	}
}

// BenchmarkDemoBuild measures the generation alone, without a database.
func BenchmarkDemoBuild(b *testing.B) {
	for b.Loop() {
		demo.Build(demo.Options{Seed: 1})
	}
}

// Any seed and any reference date make a consistent organisation.
func TestBuildHoldsForManySeedsAndDates(t *testing.T) {
	todays := []time.Time{
		{}, // DefaultToday
		time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), // the week of conference
		time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2031, 5, 7, 0, 0, 0, 0, time.UTC), // a local election day
	}
	for seed := int64(-3); seed < 8; seed++ {
		for _, today := range todays {
			d, sum := demo.Build(demo.Options{Seed: seed, Today: today})
			name := fmt.Sprintf("seed %d today %s", seed, sum.Today.Format(time.DateOnly))
			for _, m := range d.Memberships {
				if m.StartDate.After(sum.Today) || !m.LapseDate.IsZero() && (!m.LapseDate.After(m.StartDate) || m.LapseDate.After(sum.Today)) {
					t.Fatalf("%s: membership %s runs %s to %s", name, m.Number, m.StartDate.Format(time.DateOnly), m.LapseDate.Format(time.DateOnly))
				}
			}
			for _, tm := range d.SeatTerms {
				if !tm.TermEnd.IsZero() && !tm.TermEnd.After(tm.TermStart) {
					t.Fatalf("%s: term %d ends %s, before it starts %s", name, tm.ID, tm.TermEnd.Format(time.DateOnly), tm.TermStart.Format(time.DateOnly))
				}
				if tm.TermStart.After(sum.Today) {
					t.Fatalf("%s: term %d starts after today", name, tm.ID)
				}
			}
			for _, m := range d.Meetings {
				if !m.HeldOn.Before(sum.Today) {
					t.Fatalf("%s: meeting %q is not in the past", name, m.Title)
				}
			}
			if sum.Counts.Seats != 39+8+6+7+10 {
				t.Fatalf("%s: %d seats", name, sum.Counts.Seats)
			}
		}
	}
}
