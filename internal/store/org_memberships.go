package store

import (
	"context"
	"time"
)

// CreateMembership records a membership of a unit.
func (tx *Tx) CreateMembership(ctx context.Context, m Membership) (int64, error) {
	var lapse any
	if m.Lapse.Valid {
		lapse = dateOnly(m.Lapse.Time)
	}
	return tx.Insert(ctx, `INSERT INTO memberships (person_id, unit_id, number, type, start_date, lapse_date, status) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.PersonID, m.UnitID, m.Number, m.Type, dateOnly(m.Start), lapse, m.Status)
}

// LapseMembership ends a membership of the person on a date.
func (tx *Tx) LapseMembership(ctx context.Context, personID, membershipID int64, on time.Time) error {
	return affectOne(tx.Exec(ctx, `UPDATE memberships SET lapse_date = ?, status = 'lapsed' WHERE id = ? AND person_id = ?`, dateOnly(on), membershipID, personID))
}

// EndOffice records the end of a public office of the person.
func (tx *Tx) EndOffice(ctx context.Context, personID, officeID int64, on time.Time) error {
	return affectOne(tx.Exec(ctx, `UPDATE public_offices SET end_date = ? WHERE id = ? AND person_id = ?`, dateOnly(on), officeID, personID))
}
