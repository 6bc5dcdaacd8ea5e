package store

import "context"

// Organisation is the one organisation a Quorum database serves.
type Organisation struct {
	Name        string
	ShortName   string
	Description string
}

// Organisation reads the organisation; a fresh database has none yet.
func (db *DB) Organisation(ctx context.Context) (Organisation, error) {
	var o Organisation
	err := db.QueryRow(ctx, `SELECT name, short_name, description FROM organisation WHERE id = 1`).Scan(&o.Name, &o.ShortName, &o.Description)
	return o, one(err)
}

// SaveOrganisation creates or replaces the organisation row.
func (tx *Tx) SaveOrganisation(ctx context.Context, o Organisation) error {
	if _, err := tx.Exec(ctx, `DELETE FROM organisation WHERE id = 1`); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO organisation (id, name, short_name, description) VALUES (1, ?, ?, ?)`, o.Name, o.ShortName, o.Description)
	return err
}
