package org

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// benchUnits is about the number of constituency parties of a national party.
const benchUnits = 650

// benchMembersCSV makes a members file of n rows spread over the bench
// units. Names repeat (as real ones do) so the slug suffixes get exercised;
// one member in ten has a lapse date and a few are youth members.
func benchMembersCSV(n int, variant string) string {
	first := []string{"Ada", "Keir", "Mary", "Tom", "Ellen", "Nye", "Barbara", "Clement", "Jennie", "Harold", "Margaret", "Ben", "Sian", "Rhys", "Fatima", "Kwame", "Priya", "Li", "Aoife", "Dai"}
	last := []string{"Jones", "Smith", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Roberts", "Khan", "Patel", "Murphy", "Kelly", "Wright", "Walker", "White", "Hughes", "Edwards", "Green"}
	genders := []string{"woman", "man", "", "non-binary"}
	var b strings.Builder
	b.Grow(n * 90)
	b.WriteString("membership_number,name,email,gender,unit,type,start_date,lapse_date,status\n")
	for i := range n {
		name := first[i%len(first)] + " " + last[(i/len(first))%len(last)] + variant
		typ := "full"
		if i%17 == 0 {
			typ = "youth"
		}
		lapse := ""
		if i%10 == 0 {
			lapse = fmt.Sprintf("20%02d-%02d-%02d", 20+i%10, 1+i%12, 1+i%28)
		}
		fmt.Fprintf(&b, "L%07d,%s,m%d@example.org,%s,unit-%d,%s,%d-%02d-%02d,%s,\n",
			i, name, i, genders[i%len(genders)], i%benchUnits, typ, 1980+i%45, 1+i%12, 1+i%28, lapse)
	}
	return b.String()
}

func addBenchUnits(b *testing.B, db *store.DB) *Service {
	b.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range benchUnits {
			if _, err := tx.Exec(ctx, `INSERT INTO units (type, name, slug, code) VALUES ('branch', ?, ?, ?)`,
				fmt.Sprintf("Unit %d", i), fmt.Sprintf("unit-%d", i), fmt.Sprintf("U%d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return &Service{DB: db, Now: func() time.Time { return memberToday }}
}

func benchEngines(b *testing.B, fn func(b *testing.B, open func() *store.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, func() *store.DB { return testkit.SQLite(b) }) })
	b.Run("postgres", func(b *testing.B) { fn(b, func() *store.DB { return testkit.Postgres(b) }) })
}

func benchImport(b *testing.B, s *Service, csv string) *MemberImportReport {
	b.Helper()
	r, err := s.ImportMembersAsSystem(context.Background(), strings.NewReader(csv), MemberImportOptions{})
	if err != nil {
		b.Fatalf("import: %v (%v)", err, r.Errors)
	}
	return r
}

// BenchmarkImportMembers100k imports 100,000 new members into an empty
// database (the first import of an organisation).
func BenchmarkImportMembers100k(b *testing.B) {
	const n = 100_000
	csv := benchMembersCSV(n, "")
	benchEngines(b, func(b *testing.B, open func() *store.DB) {
		for range b.N {
			b.StopTimer()
			s := addBenchUnits(b, open())
			b.StartTimer()
			if r := benchImport(b, s, csv); len(r.Added) != n {
				b.Fatalf("added %d, want %d", len(r.Added), n)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkReimportMembers100k imports the same 100,000 members again: the
// usual monthly run, which must find nothing to do and do it quickly.
func BenchmarkReimportMembers100k(b *testing.B) {
	const n = 100_000
	csv := benchMembersCSV(n, "")
	benchEngines(b, func(b *testing.B, open func() *store.DB) {
		s := addBenchUnits(b, open())
		benchImport(b, s, csv)
		b.ResetTimer()
		for range b.N {
			if r := benchImport(b, s, csv); r.Unchanged != n {
				b.Fatalf("unchanged %d, want %d", r.Unchanged, n)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkImportMembers100kAllChanged renames all 100,000 members: the
// worst case of updates.
func BenchmarkImportMembers100kAllChanged(b *testing.B) {
	const n = 100_000
	before, after := benchMembersCSV(n, ""), benchMembersCSV(n, " Jr")
	benchEngines(b, func(b *testing.B, open func() *store.DB) {
		for range b.N {
			b.StopTimer()
			s := addBenchUnits(b, open())
			benchImport(b, s, before)
			b.StartTimer()
			if r := benchImport(b, s, after); len(r.Changed) != n {
				b.Fatalf("changed %d, want %d", len(r.Changed), n)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
