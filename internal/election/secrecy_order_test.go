package election_test

import (
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestStoredBallotsDoNotFollowTheCastOrder casts ballots one after
// another, counts, and then reads the stored ballots in every order the
// database can give them: the order of the rows in the file (rowid on
// SQLite, the heap on PostgreSQL) and the primary key's. None may follow
// the order in which the ballots were cast, or someone who saw who voted
// when could link ballots to voters. Every ballot holds the same ranking,
// so that only the order could tell them apart.
//
// The checks are statistical, with margins that a fair shuffle crosses
// about once in ten million runs: the rank correlation of stored and cast
// positions (its spread is 1/√(n-1), 0.058 for 300 ballots) must stay
// under 0.3, and the share of neighbours in cast order near one half.
func TestStoredBallotsDoNotFollowTheCastOrder(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, roFile := f.election(electionOptions{})
		const n = 300
		vs := f.voters(n)
		f.open(e)
		castAt := map[[16]byte]int{}
		for i, v := range vs {
			rc, err := f.svc.Cast(f.ctx, v, e.ID, []int64{cs[0].ID, cs[1].ID})
			if err != nil {
				t.Fatal(err)
			}
			castAt[rc.Tracker] = i
		}
		countNow(t, f, e, roFile)

		physical := `SELECT tracker FROM election_ballots WHERE election_id = ? ORDER BY rowid`
		if db.Engine == store.Postgres {
			physical = `SELECT tracker FROM election_ballots WHERE election_id = ? ORDER BY ctid`
			// Nor may the transaction that wrote a row tell: one wrote them all.
			if got := f.count(`SELECT COUNT(DISTINCT xmin::text) FROM election_ballots WHERE election_id = ?`, e.ID); got != 1 {
				t.Errorf("the ballots were written by %d transactions; one transaction per ballot would date them", got)
			}
		}
		for name, q := range map[string]string{
			"the rows in the file": physical,
			"the primary key":      `SELECT tracker FROM election_ballots WHERE election_id = ? ORDER BY election_id, tracker`,
		} {
			rows, err := db.Query(f.ctx, q, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			var order []int
			for rows.Next() {
				var tr []byte
				if err := rows.Scan(&tr); err != nil {
					t.Fatal(err)
				}
				at, ok := castAt[[16]byte(tr)]
				if !ok {
					t.Fatalf("a stored tracker %x was never given to a voter", tr)
				}
				order = append(order, at)
			}
			rows.Close()
			if len(order) != n {
				t.Fatalf("%s: %d ballots, want %d", name, len(order), n)
			}
			if rho := rankCorrelation(order); rho > 0.3 || rho < -0.3 {
				t.Errorf("%s follow the cast order: rank correlation %.3f", name, rho)
			}
			// Ascents: neighbours in cast order. A fair shuffle has
			// (n-1)/2 of them, give or take √((n+1)/12) = 5.
			ascents := 0
			for i := 1; i < len(order); i++ {
				if order[i] > order[i-1] {
					ascents++
				}
			}
			if ascents < 105 || ascents > 194 {
				t.Errorf("%s: %d of %d neighbours are in cast order, want about %d", name, ascents, n-1, (n-1)/2)
			}
		}
	})
}

// rankCorrelation is Spearman's rank correlation between the positions
// of a permutation of 0..n-1 and its values.
func rankCorrelation(perm []int) float64 {
	n := float64(len(perm))
	var d2 float64
	for i, v := range perm {
		d := float64(i - v)
		d2 += d * d
	}
	return 1 - 6*d2/(n*(n*n-1))
}
