package election_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// columns lists a table's columns.
func columns(t *testing.T, f *fixture, table string) []string {
	t.Helper()
	q := `SELECT name FROM pragma_table_info(?) ORDER BY cid`
	if f.db.Engine == store.Postgres {
		q = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`
	}
	rows, err := f.db.Query(f.ctx, q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// TestSchemaKeepsVotersAndTimesAwayFromBallots asserts on the schema:
// the anonymised ballots have no voter, time or sequence column, the
// envelopes and roll no time or sequence, and neither has an identity.
func TestSchemaKeepsVotersAndTimesAwayFromBallots(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for table, want := range map[string][]string{
			"election_ballots":      {"election_id", "tracker", "ranking"},
			"election_envelopes":    {"election_id", "person_id", "ciphertext"},
			"election_roll":         {"election_id", "person_id", "unit_id", "added_by_hand", "voted"},
			"election_ballot_links": {"token_hash", "election_id", "person_id", "expires_at"},
		} {
			if got := columns(t, f, table); !slices.Equal(got, want) {
				t.Errorf("%s has columns %v, want exactly %v", table, got, want)
			}
		}
	})
}

// TestCountScrubsEnvelopesFromTheFiles checks below SQL: after the count,
// no byte sequence of any envelope remains in the SQLite database file or
// its write-ahead log; on PostgreSQL the envelope table was rewritten into
// a new file.
func TestCountScrubsEnvelopesFromTheFiles(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, roFile := f.election(electionOptions{})
		vs := f.voters(20)
		f.open(e)
		for _, v := range vs {
			if _, err := f.svc.Cast(f.ctx, v, e.ID, []int64{cs[0].ID, cs[1].ID}); err != nil {
				t.Fatal(err)
			}
		}
		var samples [][]byte
		rows, err := db.Query(f.ctx, `SELECT ciphertext FROM election_envelopes`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c []byte
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			samples = append(samples, c[100:164]) // inside the encapsulated key: random bytes
		}
		rows.Close()
		var before int64
		if db.Engine == store.Postgres {
			before = int64(f.count(`SELECT pg_relation_filenode('election_envelopes')::bigint`))
		} else {
			if !containsAny(t, sqliteFiles(t, db), samples) {
				t.Fatal("the test cannot see envelopes in the database files before the count")
			}
		}
		countNow(t, f, e, roFile)
		if db.Engine == store.Postgres {
			if after := int64(f.count(`SELECT pg_relation_filenode('election_envelopes')::bigint`)); after == before {
				t.Fatal("the envelope table was not rewritten after the count")
			}
			return
		}
		if containsAny(t, sqliteFiles(t, db), samples) {
			t.Fatal("envelope bytes remain in the SQLite files after the count")
		}
	})
}

func sqliteFiles(t *testing.T, db *store.DB) []string {
	path := strings.TrimPrefix(db.URL(), "sqlite:")
	return []string{path, path + "-wal"}
}

func containsAny(t *testing.T, files []string, samples [][]byte) bool {
	t.Helper()
	for _, name := range files {
		data, err := os.ReadFile(name)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range samples {
			if bytes.Contains(data, s) {
				return true
			}
		}
	}
	return false
}
