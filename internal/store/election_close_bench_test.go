package store_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"quorum/internal/loadtest"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// envelopeRows fills an election with n people and an envelope of
// ciphertext-sized random bytes for each.
func envelopeRows(tb testing.TB, db *store.DB, electionID int64, n int) {
	tb.Helper()
	ctx := context.Background()
	prefix := fmt.Sprintf("e%d", electionID)
	people := make([][]any, n)
	for i := range people {
		people[i] = []any{fmt.Sprintf("Voter %d", i), fmt.Sprintf("%s-%d", prefix, i)}
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.BulkInsert(ctx, "people", []string{"name", "slug"}, people); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id FROM people WHERE slug LIKE ?`, prefix+"-%")
		if err != nil {
			return err
		}
		var envelopes [][]any
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			c := make([]byte, 1180) // random throughout, as a sealed envelope is
			rand.Read(c)
			envelopes = append(envelopes, []any{electionID, id, c})
		}
		rows.Close()
		return tx.BulkInsert(ctx, "election_envelopes", []string{"election_id", "person_id", "ciphertext"}, envelopes)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// randomBallots makes n ballots with random trackers and rankings of up to
// six names.
func randomBallots(n int) []store.AnonBallot {
	names := []string{"Ann Example", "Bob Sample", "Cat Person", "Dev Candidate", "Eve Nominee", "Fay Standing"}
	out := make([]store.AnonBallot, n)
	for i := range out {
		tr := make([]byte, 16)
		rand.Read(tr)
		out[i] = store.AnonBallot{Tracker: tr, Ranking: names[:1+i%len(names)]}
	}
	return out
}

// BenchmarkCountStorage measures the storage side of a close: storing the
// opened ballots, deleting the envelopes, the commit and the scrub, for
// 100,000 envelopes (QUORUM_BENCH_ENVELOPES sets another number). Run it
// with -benchtime=1x. Each phase is reported in seconds of wall time and
// of CPU time (this process's and, on PostgreSQL, the server process's of
// the transaction, when the server runs on this machine): on a shared
// machine the CPU time is the steadier figure.
func BenchmarkCountStorage(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("QUORUM_BENCH_ENVELOPES")); err == nil && v > 0 {
		n = v
	}
	engines := map[string]func(testing.TB) *store.DB{"sqlite": testkit.SQLite, "postgres": testkit.Postgres}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) { benchCountStorage(b, engines[engine](b), n) })
	}
}

var storagePhases = []string{"insert", "delete", "commit", "scrub"}

func benchCountStorage(b *testing.B, db *store.DB, n int) {
	ctx := context.Background()
	var wall, cpu, serverCPU [4]time.Duration
	for i := range b.N {
		b.StopTimer()
		var id int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			id, err = tx.CreateElection(ctx, store.Election{Title: "T", Slug: fmt.Sprintf("t%d", i), Seats: 1, Method: "fptp", CreatedAt: time.Now()})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		envelopeRows(b, db, id, n)
		ballots := randomBallots(n)
		b.StartTimer()
		var d store.EnvelopeDeletion
		var server int
		clock := &phaseClock{}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if db.Engine == store.Postgres {
				if err := tx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&server); err != nil {
					return err
				}
			}
			clock.start(server)
			if err := tx.InsertBallots(ctx, id, ballots); err != nil {
				return err
			}
			clock.lap(0, &wall, &cpu, &serverCPU)
			var err error
			d, err = tx.DeleteEnvelopes(ctx, id)
			clock.lap(1, &wall, &cpu, &serverCPU)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		clock.lap(2, &wall, &cpu, &serverCPU)
		clock.start(0) // the scrub runs on another connection
		if err := db.ScrubAfter(ctx, d); err != nil {
			b.Fatal(err)
		}
		clock.lap(3, &wall, &cpu, &serverCPU)
		if d.Deleted != int64(n) {
			b.Fatalf("%d envelopes deleted, want %d", d.Deleted, n)
		}
	}
	for i, name := range storagePhases {
		b.ReportMetric(wall[i].Seconds()/float64(b.N), name+"_s")
		b.ReportMetric(cpu[i].Seconds()/float64(b.N), name+"_cpu_s")
		if db.Engine == store.Postgres {
			b.ReportMetric(serverCPU[i].Seconds()/float64(b.N), name+"_server_cpu_s")
		}
	}
}

// phaseClock measures the wall time and the CPU time of successive phases,
// this process's and the PostgreSQL server process's (read from /proc,
// when the server runs on this machine).
type phaseClock struct {
	server         int
	wall           time.Time
	cpu, serverCPU time.Duration
}

func (c *phaseClock) start(server int) {
	c.server = server
	c.wall, c.cpu, c.serverCPU = time.Now(), loadtest.ProcessCPU(), serverCPU(server)
}

func (c *phaseClock) lap(phase int, wall, cpu, server *[4]time.Duration) {
	now, used, serverUsed := time.Now(), loadtest.ProcessCPU(), serverCPU(c.server)
	wall[phase] += now.Sub(c.wall)
	cpu[phase] += used - c.cpu
	server[phase] += serverUsed - c.serverCPU
	c.wall, c.cpu, c.serverCPU = now, used, serverUsed
}
