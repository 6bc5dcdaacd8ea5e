package store

import (
	"context"
)

// Share deliveries: how a trustee took their share.
const (
	ShareByFile       = "file"       // downloaded once; the server kept nothing
	ShareByPassphrase = "passphrase" // sealed with the trustee's passphrase, kept sealed until the count
)

// Trustee is a holder of one share of an election's private key, as pages
// see them: who, and where their share stands, never the share itself.
type Trustee struct {
	ElectionID int64
	PersonID   int64
	Name       string
	Role       string // "returning_officer", "scrutineer" or "trustee"
	ShareIndex int
	ShareCheck string // hex SHA-256 commitment to the share
	Delivery   string // "", ShareByFile or ShareByPassphrase
	Collected  bool
	Submitted  bool
	// HasDemoShare is true for a demonstration election whose shares the
	// server keeps so it can close by itself.
	HasDemoShare bool
}

// NewTrustee is a trustee with the share made for them at key set-up.
type NewTrustee struct {
	PersonID   int64
	Role       string
	ShareIndex int
	ShareCheck string
	Pending    []byte // held until the trustee collects it
	Demo       []byte // kept for a demonstration election only
}

// TrusteeShare is a share stored for the count, with its index.
type TrusteeShare struct {
	PersonID int64
	Index    int
	Data     []byte
}

// ReplaceTrustees sets an election's trustees and their fresh shares,
// dropping any from an earlier key set-up.
func (tx *Tx) ReplaceTrustees(ctx context.Context, electionID int64, ts []NewTrustee) error {
	if _, err := tx.Exec(ctx, `DELETE FROM election_trustees WHERE election_id = ?`, electionID); err != nil {
		return err
	}
	for _, t := range ts {
		if _, err := tx.Exec(ctx, `INSERT INTO election_trustees (election_id, person_id, role, share_index, share_check, pending_share, demo_share) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			electionID, t.PersonID, t.Role, t.ShareIndex, t.ShareCheck, t.Pending, nilIfEmpty(t.Demo)); err != nil {
			return err
		}
	}
	return nil
}

func nilIfEmpty(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

const trusteeColumns = `t.election_id, t.person_id, p.name, t.role, t.share_index, t.share_check, t.delivery, t.collected, t.submitted, t.demo_share IS NOT NULL`

func scanTrustee(s interface{ Scan(...any) error }) (Trustee, error) {
	var t Trustee
	err := s.Scan(&t.ElectionID, &t.PersonID, &t.Name, &t.Role, &t.ShareIndex, &t.ShareCheck, &t.Delivery, &t.Collected, &t.Submitted, &t.HasDemoShare)
	return t, err
}

// TrusteesOf lists an election's trustees in share order.
func (db *DB) TrusteesOf(ctx context.Context, electionID int64) ([]Trustee, error) {
	rows, err := db.Query(ctx, `SELECT `+trusteeColumns+` FROM election_trustees t JOIN people p ON p.id = t.person_id WHERE t.election_id = ? ORDER BY t.share_index`, electionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Trustee
	for rows.Next() {
		t, err := scanTrustee(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// LockTrustee reads one trustee with their pending and sealed shares and,
// on PostgreSQL, locks the row until the transaction ends.
func (tx *Tx) LockTrustee(ctx context.Context, electionID, personID int64) (t Trustee, pending, sealed []byte, err error) {
	q := `SELECT ` + trusteeColumns + `, t.pending_share, t.sealed_share FROM election_trustees t JOIN people p ON p.id = t.person_id WHERE t.election_id = ? AND t.person_id = ?`
	if tx.db.Engine == Postgres {
		q += ` FOR UPDATE OF t`
	}
	err = tx.QueryRow(ctx, q, electionID, personID).Scan(&t.ElectionID, &t.PersonID, &t.Name, &t.Role, &t.ShareIndex, &t.ShareCheck, &t.Delivery, &t.Collected, &t.Submitted, &t.HasDemoShare, &pending, &sealed)
	return t, pending, sealed, one(err)
}

// CollectShare records that a trustee took their share: the pending copy is
// erased and, for a passphrase delivery, the sealed share kept. It fails
// with ErrNotFound if the share was already collected.
func (tx *Tx) CollectShare(ctx context.Context, electionID, personID int64, delivery string, sealed []byte) error {
	return affectOne(tx.Exec(ctx, `UPDATE election_trustees SET pending_share = NULL, collected = TRUE, delivery = ?, sealed_share = ? WHERE election_id = ? AND person_id = ? AND collected = FALSE`,
		delivery, nilIfEmpty(sealed), electionID, personID))
}

// DropPendingShares erases shares nobody collected (a demonstration
// election keeps its own copies).
func (tx *Tx) DropPendingShares(ctx context.Context, electionID int64) error {
	_, err := tx.Exec(ctx, `UPDATE election_trustees SET pending_share = NULL WHERE election_id = ?`, electionID)
	return err
}

// SubmitShare keeps a trustee's share for the count. The caller makes sure
// fewer than the threshold are ever kept.
func (tx *Tx) SubmitShare(ctx context.Context, electionID, personID int64, share []byte) error {
	return affectOne(tx.Exec(ctx, `UPDATE election_trustees SET submitted = TRUE, submitted_share = ? WHERE election_id = ? AND person_id = ? AND submitted = FALSE`,
		share, electionID, personID))
}

// SubmittedShares returns the shares kept for the count.
func (tx *Tx) SubmittedShares(ctx context.Context, electionID int64) ([]TrusteeShare, error) {
	return tx.shares(ctx, `SELECT person_id, share_index, submitted_share FROM election_trustees WHERE election_id = ? AND submitted_share IS NOT NULL ORDER BY share_index`, electionID)
}

// DemoShares returns the shares a demonstration election keeps.
func (tx *Tx) DemoShares(ctx context.Context, electionID int64) ([]TrusteeShare, error) {
	return tx.shares(ctx, `SELECT person_id, share_index, demo_share FROM election_trustees WHERE election_id = ? AND demo_share IS NOT NULL ORDER BY share_index`, electionID)
}

func (tx *Tx) shares(ctx context.Context, q string, electionID int64) ([]TrusteeShare, error) {
	rows, err := tx.Query(ctx, q, electionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TrusteeShare
	for rows.Next() {
		var s TrusteeShare
		if err := rows.Scan(&s.PersonID, &s.Index, &s.Data); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DestroyShares erases every share of an election, pending, sealed,
// submitted or kept for a demonstration, and the commitments: after the
// count no copy of the key remains, so envelopes in old backups can never
// be opened.
func (tx *Tx) DestroyShares(ctx context.Context, electionID int64) error {
	_, err := tx.Exec(ctx, `UPDATE election_trustees SET pending_share = NULL, sealed_share = NULL, submitted_share = NULL, demo_share = NULL, share_check = '' WHERE election_id = ?`, electionID)
	return err
}
