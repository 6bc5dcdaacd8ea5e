package org

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// memberToday is "today" in these tests, so lapse dates are past or future
// whatever day the tests run.
var memberToday = time.Date(2025, 6, 1, 15, 0, 0, 0, time.UTC)

func memberService(t testing.TB, db *store.DB) *Service {
	t.Helper()
	addTestUnits(t, db)
	return &Service{DB: db, Now: func() time.Time { return memberToday }}
}

// addTestUnits makes a region "west" with branches "north" (code N1) and
// "south" (code S1) below it, and "east" (code E1) outside it.
func addTestUnits(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	west, err := db.Insert(ctx, `INSERT INTO units (type, name, slug, code) VALUES ('region', 'West', 'west', 'W')`)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ slug, code string }{{"north", "N1"}, {"south", "S1"}} {
		if _, err := db.Insert(ctx, `INSERT INTO units (type, name, slug, code, parent_id) VALUES ('branch', ?, ?, ?, ?)`, u.slug, u.slug, u.code, west); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Insert(ctx, `INSERT INTO units (type, name, slug, code) VALUES ('branch', 'East', 'east', 'E1')`); err != nil {
		t.Fatal(err)
	}
}

func importCSV(t testing.TB, s *Service, csv string, opts MemberImportOptions) (*MemberImportReport, error) {
	t.Helper()
	return s.ImportMembersAsSystem(context.Background(), strings.NewReader(csv), opts)
}

func mustImport(t testing.TB, s *Service, csv string, opts MemberImportOptions) *MemberImportReport {
	t.Helper()
	r, err := importCSV(t, s, csv, opts)
	if err != nil {
		t.Fatalf("import: %v; errors %v", err, r)
	}
	return r
}

func countRows(t testing.TB, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// memberState reads one membership and its person back from the database.
func memberState(t testing.TB, db *store.DB, number string) store.MemberRecord {
	t.Helper()
	snap, err := db.MemberSnapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m, ok := snap.Members[number]
	if !ok {
		t.Fatalf("membership %s not found", number)
	}
	return m
}

const baseMembers = "membership_number,name,email,gender,unit,type,start_date,lapse_date,status\n" +
	"A001,Ada Lovelace,ada@example.org,woman,north,full,2020-01-15,,\n" +
	"A002,Keir Hardie,keir@example.org,man,north,full,2019-03-01,,\n" +
	"A003,Sam Smith,,non-binary,south,youth,2021-07-01,,\n" +
	"A004,Jo Bloggs,jo@example.org,,S1,full,2018-05-05,,\n"

func TestImportMembersPlansAddChangeLapse(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		first := mustImport(t, s, baseMembers, MemberImportOptions{})
		if len(first.Added) != 4 || !first.Written {
			t.Fatalf("first import: added %d, written %v; want 4, true", len(first.Added), first.Written)
		}
		next := "membership_number,name,email,gender,unit,type,start_date,lapse_date,status\n" +
			"A001,Ada Lovelace,ada@example.org,woman,north,full,2020-01-15,,\n" +
			"A002,James Keir Hardie,keir@example.org,man,south,full,2019-03-01,,\n" +
			"A003,Sam Smith,,non-binary,south,youth,2021-07-01,2025-01-31,\n" +
			"A004,Jo Bloggs,jo@example.org,,S1,full,2018-05-05,2025-12-31,\n" +
			"A005,Mary Macarthur,mary@example.org,woman,east,,2025-05-20,,\n"
		r := mustImport(t, s, next, MemberImportOptions{})
		want := &MemberImportReport{
			Rows:  5,
			Added: []MemberAdded{{Row: 6, Number: "A005", Unit: "east", Status: "active"}},
			Changed: []MemberChange{{Row: 3, Number: "A002", Fields: []MemberFieldChange{
				{Column: "name", Old: "Keir Hardie", New: "James Keir Hardie", Personal: true},
				{Column: "unit", Old: "north", New: "south"},
			}}},
			Lapsed: []MemberChange{
				{Row: 4, Number: "A003", Fields: []MemberFieldChange{
					{Column: "lapse_date", Old: "", New: "2025-01-31"},
					{Column: "status", Old: "active", New: "lapsed"},
				}},
				{Row: 5, Number: "A004", Fields: []MemberFieldChange{
					{Column: "lapse_date", Old: "", New: "2025-12-31"},
				}},
			},
			Unchanged: 1,
			Written:   true,
		}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("report\n got %+v\nwant %+v", r, want)
		}
		if m := memberState(t, db, "A002"); m.Name != "James Keir Hardie" {
			t.Errorf("A002 name %q not written", m.Name)
		}
		if m := memberState(t, db, "A003"); m.Status != "lapsed" || m.LapseDate != "2025-01-31" {
			t.Errorf("A003 = %s %s, want lapsed 2025-01-31", m.Status, m.LapseDate)
		}
		if m := memberState(t, db, "A005"); m.Type != "full" || m.StartDate != "2025-05-20" || m.Email != "mary@example.org" {
			t.Errorf("A005 = %+v", m)
		}
	})
}

func TestImportMembersDryRunWritesNothing(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		r := mustImport(t, s, baseMembers, MemberImportOptions{DryRun: true})
		if len(r.Added) != 4 || r.Written || !r.DryRun {
			t.Fatalf("dry run: added %d, written %v, dry %v", len(r.Added), r.Written, r.DryRun)
		}
		if n := countRows(t, db, "people"); n != 0 {
			t.Fatalf("dry run wrote %d people", n)
		}
		mustImport(t, s, baseMembers, MemberImportOptions{})
		r = mustImport(t, s, strings.Replace(baseMembers, "Ada Lovelace", "Ada King", 1), MemberImportOptions{DryRun: true, LapseMissing: true})
		if len(r.Changed) != 1 || r.Written {
			t.Fatalf("dry run of a change: %+v", r)
		}
		if m := memberState(t, db, "A001"); m.Name != "Ada Lovelace" {
			t.Fatalf("dry run changed the name to %q", m.Name)
		}
		if n := countRows(t, db, "audit_log"); n != 1 {
			t.Fatalf("audit entries %d, want 1 (the real import only)", n)
		}
	})
}

func TestImportMembersInvalidRowWritesNothing(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		bad := baseMembers +
			"A005,Mary Macarthur,,woman,east,full,2023-13-01,,\n" +
			"A006,Tom Mann,,man,nowhere,full,2020-01-01,,\n"
		r, err := importCSV(t, s, bad, MemberImportOptions{})
		if !errors.Is(err, ErrInvalidMemberFile) {
			t.Fatalf("err = %v, want ErrInvalidMemberFile", err)
		}
		want := []string{
			`row 6, column start_date: "2023-13-01" is not a date (want YYYY-MM-DD)`,
			`row 7, column unit: no unit has the slug or code "nowhere"; add the unit first`,
		}
		if got := errorStrings(r.Errors); !reflect.DeepEqual(got, want) {
			t.Fatalf("errors\n got %q\nwant %q", got, want)
		}
		if r.Written || r.ErrorCount != 2 {
			t.Fatalf("written %v, count %d", r.Written, r.ErrorCount)
		}
		for _, table := range []string{"people", "memberships", "audit_log"} {
			if n := countRows(t, db, table); n != 0 {
				t.Errorf("%s has %d rows after a failed import", table, n)
			}
		}
	})
}

func errorStrings(errs []MemberRowError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}

func TestImportMembersIsIdempotent(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		mustImport(t, s, baseMembers, MemberImportOptions{})
		for i := range 2 {
			r := mustImport(t, s, baseMembers, MemberImportOptions{LapseMissing: true})
			if len(r.Added)+len(r.Changed)+len(r.Lapsed)+len(r.LapsedMissing) != 0 || r.Unchanged != 4 {
				t.Fatalf("re-import %d: %+v", i+1, r)
			}
		}
	})
}

func TestExportImportRoundTrip(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		tricky := baseMembers +
			"A005,\"=HYPERLINK(\"\"x\"\")\",,,east,retired,2001-02-03,2024-02-03,resigned\n" +
			"A006,\"Siân \"\"Sian\"\" O'Neill, MBE\",SIAN@Example.org,woman,north,affiliated,2010-10-10,,suspended\n" +
			"A007,-Dash,,,east,full,2010-10-10,2030-01-01,\n"
		mustImport(t, s, tricky, MemberImportOptions{})
		ctx := context.Background()
		var first bytes.Buffer
		n, err := s.ExportMembersAsSystem(ctx, &first, MemberExportOptions{})
		if err != nil || n != 7 {
			t.Fatalf("export: %d, %v", n, err)
		}
		if !strings.Contains(first.String(), "'=HYPERLINK") || !strings.Contains(first.String(), "'-Dash") {
			t.Fatalf("export does not defuse formulas:\n%s", first.String())
		}
		r := mustImport(t, s, first.String(), MemberImportOptions{})
		if r.Unchanged != 7 || len(r.Added)+len(r.Changed)+len(r.Lapsed) != 0 {
			t.Fatalf("re-importing the export changed something: %+v", r)
		}
		if m := memberState(t, db, "A005"); m.Name != `=HYPERLINK("x")` {
			t.Fatalf("formula name came back as %q", m.Name)
		}

		other := testkit.SQLite(t)
		s2 := memberService(t, other)
		mustImport(t, s2, first.String(), MemberImportOptions{})
		var second bytes.Buffer
		if _, err := s2.ExportMembersAsSystem(ctx, &second, MemberExportOptions{}); err != nil {
			t.Fatal(err)
		}
		if first.String() != second.String() {
			t.Fatalf("export → import → export differs:\n%s\n---\n%s", first.String(), second.String())
		}
	})
}

func TestExportMembersOfUnit(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		mustImport(t, s, baseMembers+"A005,Mary Macarthur,,woman,east,,2025-05-20,,\n", MemberImportOptions{})
		ctx := context.Background()
		for _, tc := range []struct {
			unit string
			want []string
		}{
			{"west", []string{"A001", "A002", "A003", "A004"}}, // the region holds both branches
			{"south", []string{"A003", "A004"}},
			{"east", []string{"A005"}},
		} {
			var buf bytes.Buffer
			if _, err := s.ExportMembersAsSystem(ctx, &buf, MemberExportOptions{UnitSlug: tc.unit}); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n")[1:] {
				got = append(got, strings.SplitN(line, ",", 2)[0])
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("unit %s: %v, want %v", tc.unit, got, tc.want)
			}
		}
		_, err := s.ExportMembersAsSystem(ctx, &bytes.Buffer{}, MemberExportOptions{UnitSlug: "atlantis"})
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown unit: %v, want ErrNotFound", err)
		}
	})
}

func TestImportMembersRowErrorsNeedingTheDatabase(t *testing.T) {
	const header = "membership_number,name,email,unit,start_date\n"
	tests := []struct {
		name string
		csv  string
		want []string
	}{
		{"unknown unit", header + "B1,Tom Mann,,nowhere,2020-01-01\n",
			[]string{`row 2, column unit: no unit has the slug or code "nowhere"; add the unit first`}},
		{"duplicate numbers", header + "B1,Tom Mann,,north,2020-01-01\nB2,Ben Tillett,,north,2020-01-01\nB1,Will Thorne,,north,2020-01-01\n",
			[]string{`row 4, column membership_number: "B1" is also on row 2`}},
		{"e-mail of an existing person", header + "B1,Tom Mann,ada@example.org,north,2020-01-01\n",
			[]string{`row 2, column email: the address already belongs to another person`}},
		{"e-mail of an existing person, other case", header + "B1,Tom Mann,ADA@example.org,north,2020-01-01\n",
			[]string{`row 2, column email: the address already belongs to another person`}},
		{"e-mail twice in the file", header + "B1,Tom Mann,tom@example.org,north,2020-01-01\nB2,Ben Tillett,tom@example.org,north,2020-01-01\n",
			[]string{`row 3, column email: the same address as row 2; two people cannot share an address`}},
		{"existing member takes another's address", header + "A002,Keir Hardie,ada@example.org,north,2019-03-01\n",
			[]string{`row 2, column email: the address already belongs to another person`}},
		{"start after the recorded lapse date", "membership_number,name,unit,start_date\nA009,Old Member,north,2024-01-01\n",
			[]string{`row 2, column start_date: 2024-01-01 is after the member's recorded lapse date 2021-12-31`}},
	}
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		mustImport(t, s, baseMembers+"A009,Old Member,,,north,full,2020-01-01,2021-12-31,\n", MemberImportOptions{})
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r, err := importCSV(t, s, tc.csv, MemberImportOptions{})
				if !errors.Is(err, ErrInvalidMemberFile) {
					t.Fatalf("err = %v, want ErrInvalidMemberFile", err)
				}
				if got := errorStrings(r.Errors); !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("errors\n got %q\nwant %q", got, tc.want)
				}
				if n := countRows(t, db, "memberships"); n != 5 {
					t.Fatalf("%d memberships after a failed import, want 5", n)
				}
			})
		}
	})
}

func TestImportMembersEmailSwap(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		mustImport(t, s, baseMembers, MemberImportOptions{})
		swapped := strings.NewReplacer("ada@example.org", "keir@example.org", "keir@example.org", "ada@example.org").Replace(baseMembers)
		r := mustImport(t, s, swapped, MemberImportOptions{})
		if len(r.Changed) != 2 {
			t.Fatalf("swap: %+v", r)
		}
		if m := memberState(t, db, "A001"); m.Email != "keir@example.org" {
			t.Fatalf("A001 e-mail %q", m.Email)
		}
	})
}

func TestImportMembersLapseMissing(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		mustImport(t, s, baseMembers+"A005,Ex Member,,,east,full,2010-01-01,,resigned\n", MemberImportOptions{})
		lines := strings.SplitAfter(baseMembers, "\n")
		partial := lines[0] + lines[1] + lines[2] // A001, A002: A003 and A004 are missing
		r := mustImport(t, s, partial, MemberImportOptions{})
		if len(r.LapsedMissing) != 0 || r.Unchanged != 2 {
			t.Fatalf("without --lapse-missing: %+v", r)
		}
		r = mustImport(t, s, partial, MemberImportOptions{LapseMissing: true})
		want := []MemberChange{
			{Number: "A003", Fields: []MemberFieldChange{{Column: "lapse_date", New: "2025-06-01"}, {Column: "status", Old: "active", New: "lapsed"}}},
			{Number: "A004", Fields: []MemberFieldChange{{Column: "lapse_date", New: "2025-06-01"}, {Column: "status", Old: "active", New: "lapsed"}}},
		}
		if !reflect.DeepEqual(r.LapsedMissing, want) {
			t.Fatalf("lapsed missing\n got %+v\nwant %+v", r.LapsedMissing, want)
		}
		if m := memberState(t, db, "A005"); m.Status != "resigned" {
			t.Fatalf("a resigned member missing from the file became %s", m.Status)
		}
		// Renewal: back in the file with no lapse date, the member is active again.
		r = mustImport(t, s, baseMembers, MemberImportOptions{})
		if m := memberState(t, db, "A003"); m.Status != "active" || m.LapseDate != "" || len(r.Changed) != 2 {
			t.Fatalf("renewed A003 = %s %q; changed %d", m.Status, m.LapseDate, len(r.Changed))
		}
	})
}

func TestImportMembersKeepsAbsentColumns(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		mustImport(t, s, baseMembers, MemberImportOptions{})
		if _, err := db.Exec(context.Background(), `UPDATE memberships SET status = 'suspended' WHERE number = 'A001'`); err != nil {
			t.Fatal(err)
		}
		r := mustImport(t, s, "membership_number,name,unit,start_date\nA001,Ada Lovelace,north,2020-01-15\n", MemberImportOptions{})
		if r.Unchanged != 1 {
			t.Fatalf("a file without email, gender, type and status changed them: %+v", r)
		}
		if m := memberState(t, db, "A001"); m.Email != "ada@example.org" || m.Gender != "woman" || m.Status != "suspended" {
			t.Fatalf("A001 = %+v", m)
		}
	})
}

func TestImportMembersNeedsPermission(t *testing.T) {
	db := testkit.SQLite(t)
	s := memberService(t, db)
	ctx := context.Background()
	if _, err := s.ImportMembers(ctx, nil, strings.NewReader(baseMembers), MemberImportOptions{}); !errors.Is(err, auth.ErrSignInNeeded) {
		t.Fatalf("anonymous import: %v", err)
	}
	member := &auth.Principal{PersonID: 1, Member: true}
	if _, err := s.ImportMembers(ctx, member, strings.NewReader(baseMembers), MemberImportOptions{}); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("member's import: %v", err)
	}
	if _, err := s.ExportMembers(ctx, member, &bytes.Buffer{}, MemberExportOptions{}); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("member's export: %v", err)
	}
}

func TestImportMembersSlugs(t *testing.T) {
	db := testkit.SQLite(t)
	s := memberService(t, db)
	csv := "membership_number,name,unit,start_date\n" +
		"C1,Siân Jones,north,2020-01-01\nC2,Siân Jones,north,2020-01-01\nC3,Łukasz Żółć,north,2020-01-01\nC4,李小龙,north,2020-01-01\n"
	mustImport(t, s, csv, MemberImportOptions{})
	rows, err := db.Query(context.Background(), `SELECT slug FROM people ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			t.Fatal(err)
		}
		got = append(got, slug)
	}
	want := []string{"sian-jones", "sian-jones-2", "lukasz-zolc", "person"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("slugs %v, want %v", got, want)
	}
}

func TestImportMembersErrorCap(t *testing.T) {
	db := testkit.SQLite(t)
	s := memberService(t, db)
	var b strings.Builder
	b.WriteString("membership_number,name,unit,start_date\n")
	for i := range 250 {
		fmt.Fprintf(&b, "D%d,Someone,north,yesterday\n", i)
	}
	r, err := importCSV(t, s, b.String(), MemberImportOptions{MaxErrors: 100})
	if !errors.Is(err, ErrInvalidMemberFile) || len(r.Errors) != 100 || r.ErrorCount != 250 {
		t.Fatalf("listed %d of %d errors (err %v), want 100 of 250", len(r.Errors), r.ErrorCount, err)
	}
}

// TestImportMembersMixedCaseAddress covers an address with capitals that
// was stored by other means: it stays as it is while the file has no email
// column, and no one else may take it in another case.
func TestImportMembersMixedCaseAddress(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := memberService(t, db)
		mustImport(t, s, baseMembers, MemberImportOptions{})
		if _, err := db.Exec(context.Background(), `UPDATE people SET email = 'Ada.L@Example.org' WHERE email = 'ada@example.org'`); err != nil {
			t.Fatal(err)
		}
		const header = "membership_number,name,unit,start_date\n"
		r := mustImport(t, s, header+"A001,Ada Lovelace,north,2020-01-15\n", MemberImportOptions{})
		if r.Unchanged != 1 {
			t.Fatalf("without an email column: %+v", r)
		}
		r, err := importCSV(t, s, "membership_number,name,email,unit,start_date\n"+
			"A001,Ada Lovelace,,north,2020-01-15\nB1,Tom Mann,ada.l@example.org,north,2020-01-01\n", MemberImportOptions{})
		if err != nil || len(r.Added) != 1 {
			t.Fatalf("an address given up may be taken: %v %+v", err, r)
		}
		_, err = importCSV(t, s, "membership_number,name,email,unit,start_date\nB2,Ben Tillett,TOM@x.org,north,2020-01-01\nA002,Keir Hardie,tom@X.ORG,north,2019-03-01\n", MemberImportOptions{})
		if !errors.Is(err, ErrInvalidMemberFile) {
			t.Fatalf("one address in two cases on two rows: %v", err)
		}
	})
}
