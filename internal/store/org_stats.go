package store

import (
	"context"
	"time"
)

// notAffiliated leaves out the second memberships people hold through an
// affiliated union or society, so that organisation-wide totals count each
// member once; a union's own page still counts them.
const notAffiliated = `type <> 'affiliated'`

// MonthCount is the number of members on the last day of a month.
type MonthCount struct {
	Month   time.Time // first day of the month
	Members int
}

// MembershipHistory counts active members at the end of each month from
// `from` to `to` (inclusive), for one unit or (unitID 0) the whole
// organisation. It reads only start and lapse months, grouped, so it costs
// one pass over memberships whatever the span.
func (db *DB) MembershipHistory(ctx context.Context, unitID int64, from, to time.Time) ([]MonthCount, error) {
	q := `SELECT start_date, lapse_date FROM memberships`
	var args []any
	if unitID != 0 {
		q += ` WHERE unit_id = ?`
		args = append(args, unitID)
	} else {
		q += ` WHERE ` + notAffiliated
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	first := monthStart(from)
	last := monthStart(to)
	n := monthsBetween(first, last) + 1
	if n <= 0 {
		return nil, nil
	}
	// delta[i] is the change in members between the end of month i-1 and the end of month i.
	delta := make([]int, n)
	before := 0
	for rows.Next() {
		var start time.Time
		var lapse *time.Time
		if err := rows.Scan(&start, &lapse); err != nil {
			return nil, err
		}
		add := func(t time.Time, d int) {
			i := monthsBetween(first, monthStart(t))
			switch {
			case i < 0:
				before += d
			case i < n:
				delta[i] += d
			}
		}
		add(start, 1)
		if lapse != nil {
			add(*lapse, -1)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]MonthCount, n)
	running := before
	for i := range out {
		running += delta[i]
		out[i] = MonthCount{Month: first.AddDate(0, i, 0), Members: running}
	}
	return out, nil
}

func monthStart(t time.Time) time.Time {
	y, m, _ := t.UTC().Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// ActiveMembers counts members in good standing on a day, per unit: joined
// by then and not yet lapsed, and not suspended. It agrees with
// MembershipHistory, which counts by dates alone.
func (db *DB) ActiveMembers(ctx context.Context, unitID int64, on time.Time) (int, error) {
	d := dateOnly(on)
	q := `SELECT COUNT(*) FROM memberships WHERE status <> 'suspended' AND start_date <= ? AND (lapse_date IS NULL OR lapse_date > ?)`
	args := []any{d, d}
	if unitID != 0 {
		q += ` AND unit_id = ?`
		args = append(args, unitID)
	} else {
		q += ` AND ` + notAffiliated
	}
	var n int
	err := db.QueryRow(ctx, q, args...).Scan(&n)
	return n, err
}

// HoldsPeople reports whether anyone has been recorded yet: a database
// without people is new, and may be filled with demonstration data.
func (db *DB) HoldsPeople(ctx context.Context) (bool, error) {
	var any bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM people)`).Scan(&any)
	return any, err
}
