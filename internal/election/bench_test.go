package election_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/ballot"
	"quorum/internal/election"
	"quorum/internal/loadtest"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// benchEngines runs a benchmark on SQLite and, when configured, PostgreSQL.
func benchEngines(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, testkit.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, testkit.Postgres(b)) })
}

// bulkVoters puts n new people straight on an open election's roll and
// returns their ids.
func bulkVoters(b *testing.B, f *fixture, electionID int64, n int, voted bool) []int64 {
	b.Helper()
	prefix := nextSlug("bulk")
	people := make([][]any, n)
	for i := range people {
		people[i] = []any{fmt.Sprintf("Voter %d", i), fmt.Sprintf("%s-%d@example.org", prefix, i), fmt.Sprintf("%s-%d", prefix, i)}
	}
	var ids []int64
	f.tx(func(tx *store.Tx) error {
		if err := tx.BulkInsert(f.ctx, "people", []string{"name", "email", "slug"}, people); err != nil {
			return err
		}
		rows, err := tx.Query(f.ctx, `SELECT id FROM people WHERE slug LIKE ? ORDER BY id`, prefix+"-%")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		roll := make([][]any, len(ids))
		for i, id := range ids {
			roll[i] = []any{electionID, id, f.branch, false, voted}
		}
		return tx.BulkInsert(f.ctx, "election_roll", []string{"election_id", "person_id", "unit_id", "added_by_hand", "voted"}, roll)
	})
	return ids
}

// BenchmarkCast measures acknowledged casts per second: many voters at
// once, each sealing and storing one ballot with its receipt.
func BenchmarkCast(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *store.DB) {
		f := newFixture(b, db)
		e, cs, _ := f.election(electionOptions{})
		f.voters(1)
		f.open(e)
		ids := bulkVoters(b, f, e.ID, b.N, false)
		var next atomic.Int64
		b.SetParallelism(32) // 32 voters per CPU in flight
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			rng := rand.New(rand.NewPCG(uint64(next.Load()), 7))
			for pb.Next() {
				id := ids[next.Add(1)-1]
				if _, err := f.svc.Cast(f.ctx, &auth.Principal{PersonID: id}, e.ID, randomRanking(rng, cs)); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "casts/s")
	})
}

// BenchmarkCloseAndCount100k measures the close of 100,000 envelopes:
// rebuilding the key, opening every envelope on every core, the shuffle,
// storing the ballots, deleting the envelopes, scrubbing and the count.
// Run it with -benchtime=1x: setting up 100,000 sealed envelopes takes
// longer than the close. QUORUM_BENCH_ENVELOPES sets another number.
func BenchmarkCloseAndCount100k(b *testing.B) {
	envelopes := 100_000
	if n, err := strconv.Atoi(os.Getenv("QUORUM_BENCH_ENVELOPES")); err == nil && n > 0 {
		envelopes = n
	}
	benchEngines(b, func(b *testing.B, db *store.DB) { benchCloseAndCount(b, db, envelopes) })
}

// BenchmarkCloseAndCount500k is the close of the reference electorate,
// half a million envelopes. Setting them up takes minutes, so it runs only
// when QUORUM_SCALE=1.
func BenchmarkCloseAndCount500k(b *testing.B) {
	if os.Getenv("QUORUM_SCALE") != "1" {
		b.Skip("set QUORUM_SCALE=1 to close half a million envelopes")
	}
	benchEngines(b, func(b *testing.B, db *store.DB) { benchCloseAndCount(b, db, 500_000) })
}

func benchCloseAndCount(b *testing.B, db *store.DB, envelopes int) {
	var cpu time.Duration
	for range b.N {
		b.StopTimer()
		f := newFixture(b, db, fixtureOptions{demo: true})
		e, cs, _ := f.election(electionOptions{demo: true, seats: 2})
		f.voters(1)
		f.open(e)
		e = mustElection(b, f, e.ID)
		ids := bulkVoters(b, f, e.ID, envelopes, true)
		sealed := sealMany(b, e, cs, len(ids))
		rows := make([][]any, len(ids))
		for i, id := range ids {
			rows[i] = []any{e.ID, id, sealed[i]}
		}
		f.tx(func(tx *store.Tx) error {
			return tx.BulkInsert(f.ctx, "election_envelopes", []string{"election_id", "person_id", "ciphertext"}, rows)
		})
		sealed, rows = nil, nil
		runtime.GC()
		before := loadtest.ProcessCPU()
		b.StartTimer()
		if err := f.svc.Close(f.ctx, f.ro, e.ID); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += loadtest.ProcessCPU() - before
		if n := f.count(`SELECT COUNT(*) FROM election_ballots WHERE election_id = ?`, e.ID); n != envelopes {
			b.Fatalf("%d ballots after the close", n)
		}
		for _, line := range strings.Split(f.logs.String(), "\n") {
			if strings.Contains(line, "election counted") {
				b.Log(line) // the time of each phase
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(envelopes*b.N)/b.Elapsed().Seconds(), "envelopes/s")
	// On a shared machine the CPU time this process used is the steadier
	// figure (the database server's own is not included).
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu_s/op")
}

// sealMany seals n random ballots on every core.
func sealMany(b *testing.B, e store.Election, cs []store.Candidate, n int) [][]byte {
	out := make([][]byte, n)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			for i := w; i < n; i += workers {
				tr, err := ballot.NewTracker()
				if err != nil {
					b.Error(err)
					return
				}
				out[i], err = ballot.SealPadded(e.PublicKey, e.ID, ballot.Ballot{Ranking: randomRanking(rng, cs), Tracker: tr}, len(cs))
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// BenchmarkFreezeRoll measures taking the roll of 100,000 members
// (QUORUM_BENCH_MEMBERS sets another number): one INSERT … SELECT over the
// memberships.
func BenchmarkFreezeRoll(b *testing.B) {
	members := 100_000
	if n, err := strconv.Atoi(os.Getenv("QUORUM_BENCH_MEMBERS")); err == nil && n > 0 {
		members = n
	}
	benchEngines(b, func(b *testing.B, db *store.DB) {
		f := newFixture(b, db)
		prefix := nextSlug("m")
		people := make([][]any, members)
		for i := range people {
			people[i] = []any{fmt.Sprintf("Member %d", i), fmt.Sprintf("%s-%d", prefix, i)}
		}
		f.tx(func(tx *store.Tx) error {
			if err := tx.BulkInsert(f.ctx, "people", []string{"name", "slug"}, people); err != nil {
				return err
			}
			rows, err := tx.Query(f.ctx, `SELECT id FROM people WHERE slug LIKE ?`, prefix+"-%")
			if err != nil {
				return err
			}
			var ms [][]any
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				lapse := any(nil)
				if id%10 == 0 {
					lapse = "2025-06-30"
				}
				ms = append(ms, []any{id, f.branch, fmt.Sprintf("%s-%d", prefix, id), "full", "2019-04-01", lapse, "active"})
			}
			rows.Close()
			return tx.BulkInsert(f.ctx, "memberships", []string{"person_id", "unit_id", "number", "type", "start_date", "lapse_date", "status"}, ms)
		})
		rules := []election.Rule{{Kind: election.RuleMembers, UnitTypes: []string{"branch"}}, {Kind: election.RuleOffice, Office: "councillor"}}
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			e, err := f.svc.Create(f.ctx, f.ro, election.Settings{Title: "Roll", Slug: nextSlug("roll"), Seats: 1})
			if err != nil {
				b.Fatal(err)
			}
			if err := f.svc.SetRules(f.ctx, f.ro, e.ID, rules); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			n, err := f.svc.Freeze(f.ctx, f.ro, e.ID)
			if err != nil {
				b.Fatal(err)
			}
			if want := members - members/10; int(n) < want-1 || int(n) > want+1 {
				b.Fatalf("roll of %d, want about %d", n, want)
			}
		}
		b.ReportMetric(float64(members*b.N)/b.Elapsed().Seconds(), "voters/s")
	})
}
