package store

import "context"

// Organisation is the one organisation a Quorum database serves.
type Organisation struct {
	Name        string
	ShortName   string
	Description string
	// PublicComments lets visitors who are not signed in comment on
	// reports (their comments always wait for a moderator).
	PublicComments bool
}

// Organisation reads the organisation; a fresh database has none yet.
func (db *DB) Organisation(ctx context.Context) (Organisation, error) {
	var o Organisation
	err := db.QueryRow(ctx, `SELECT name, short_name, description, public_comments FROM organisation WHERE id = 1`).
		Scan(&o.Name, &o.ShortName, &o.Description, &o.PublicComments)
	return o, one(err)
}

// SaveOrganisation creates or replaces the organisation row.
func (tx *Tx) SaveOrganisation(ctx context.Context, o Organisation) error {
	if _, err := tx.Exec(ctx, `DELETE FROM organisation WHERE id = 1`); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO organisation (id, name, short_name, description, public_comments) VALUES (1, ?, ?, ?, ?)`,
		o.Name, o.ShortName, o.Description, o.PublicComments)
	return err
}
