package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// AnonBallot is an opened ballot: its tracker and the candidates' names in
// order of preference. Nothing else exists about it: no voter, no time, no
// sequence.
type AnonBallot struct {
	Tracker []byte
	Ranking []string
}

// InsertBallots stores opened ballots in the order given, which the caller
// has shuffled, so that not even the physical order of rows follows the
// order of casting.
func (tx *Tx) InsertBallots(ctx context.Context, electionID int64, ballots []AnonBallot) error {
	if tx.db.Engine == Postgres {
		return tx.insertBallotsPostgres(ctx, electionID, ballots)
	}
	// One row per statement: a statement of many rows makes SQLite copy
	// every page it touches to a statement journal first, and ballots in
	// random order touch a different page of the tracker index each.
	return tx.withBulkCache(ctx, func() error {
		st, err := tx.Prepare(ctx, `INSERT INTO election_ballots (election_id, tracker, ranking) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, b := range ballots {
			r, err := rankingJSON(b.Ranking)
			if err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, electionID, b.Tracker, r); err != nil {
				return fmt.Errorf("store ballots: %w", mapErr(err))
			}
		}
		return nil
	})
}

// ballotsPerArray is how many ballots one PostgreSQL statement carries as
// arrays: large enough that half a million ballots take a few dozen round
// trips, small enough to keep each message a few megabytes.
const ballotsPerArray = 20_000

// insertBallotsPostgres sends the ballots as two arrays per statement,
// which PostgreSQL unpacks and inserts in array order: far cheaper than
// parsing and binding multi-row VALUES lists. The next batch is encoded
// while the server inserts the previous one.
func (tx *Tx) insertBallotsPostgres(ctx context.Context, electionID int64, ballots []AnonBallot) error {
	type batch struct {
		trackers [][]byte
		rankings []string
		err      error
	}
	batches := make(chan batch, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for start := 0; start < len(ballots); start += ballotsPerArray {
			part := ballots[start:min(start+ballotsPerArray, len(ballots))]
			b := batch{trackers: make([][]byte, len(part)), rankings: make([]string, len(part))}
			for i, ab := range part {
				b.trackers[i] = ab.Tracker
				if b.rankings[i], b.err = rankingJSON(ab.Ranking); b.err != nil {
					break
				}
			}
			select {
			case batches <- b:
			case <-stop:
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	q := tx.db.Rebind(`INSERT INTO election_ballots (election_id, tracker, ranking) SELECT ?, t, r FROM unnest(?::bytea[], ?::text[]) AS b (t, r)`)
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		if _, err := tx.tx.ExecContext(ctx, q, electionID, b.trackers, b.rankings); err != nil {
			return fmt.Errorf("store ballots: %w", mapErr(err))
		}
	}
	return nil
}

// rankingJSON writes a ranking as the JSON array of names stored with the
// ballot; a blank ballot is an empty array.
func rankingJSON(ranking []string) (string, error) {
	if ranking == nil {
		return "[]", nil
	}
	r, err := json.Marshal(ranking)
	return string(r), err
}

func scanBallot(s interface{ Scan(...any) error }) (AnonBallot, error) {
	var b AnonBallot
	var r string
	if err := s.Scan(&b.Tracker, &r); err != nil {
		return b, err
	}
	if err := json.Unmarshal([]byte(r), &b.Ranking); err != nil {
		return b, fmt.Errorf("stored ballot: %w", err)
	}
	return b, nil
}

// BallotsPage lists one page of an election's ballots in tracker order
// (random, and the order of the Merkle tree), with the total.
func (db *DB) BallotsPage(ctx context.Context, electionID int64, page Page) ([]AnonBallot, int, error) {
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM election_ballots WHERE election_id = ?`, electionID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, `SELECT tracker, ranking FROM election_ballots WHERE election_id = ? ORDER BY tracker LIMIT ? OFFSET ?`, electionID, page.Limit(), page.Offset())
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []AnonBallot
	for rows.Next() {
		b, err := scanBallot(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, b)
	}
	return out, total, rows.Err()
}

// EachBallot calls fn for every ballot of an election in tracker order.
func (db *DB) EachBallot(ctx context.Context, electionID int64, fn func(AnonBallot) error) error {
	rows, err := db.Query(ctx, `SELECT tracker, ranking FROM election_ballots WHERE election_id = ? ORDER BY tracker`, electionID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBallot(rows)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BallotByTracker finds a ballot and its position in tracker order.
func (db *DB) BallotByTracker(ctx context.Context, electionID int64, tracker []byte) (AnonBallot, int, error) {
	b, err := scanBallot(db.QueryRow(ctx, `SELECT tracker, ranking FROM election_ballots WHERE election_id = ? AND tracker = ?`, electionID, tracker))
	if err != nil {
		return b, 0, one(err)
	}
	var index int
	err = db.QueryRow(ctx, `SELECT COUNT(*) FROM election_ballots WHERE election_id = ? AND tracker < ?`, electionID, tracker).Scan(&index)
	return b, index, err
}

// CountBallots counts an election's opened ballots.
func (db *DB) CountBallots(ctx context.Context, electionID int64) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM election_ballots WHERE election_id = ?`, electionID).Scan(&n)
	return n, err
}
