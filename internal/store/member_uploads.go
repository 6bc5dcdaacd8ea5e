package store

import (
	"context"
	"time"
)

// MemberUpload is an uploaded members file waiting for its go-ahead.
type MemberUpload struct {
	ID        int64
	PersonID  int64
	Filename  string
	Content   []byte
	CreatedAt time.Time
}

// SaveMemberUpload keeps an uploaded file under the hash of its token.
func (db *DB) SaveMemberUpload(ctx context.Context, tokenHash string, u MemberUpload) error {
	_, err := db.Exec(ctx, `INSERT INTO member_uploads (token_hash, person_id, filename, content, created_at) VALUES (?, ?, ?, ?, ?)`,
		tokenHash, u.PersonID, u.Filename, u.Content, u.CreatedAt.UTC())
	return err
}

// MemberUpload fetches an upload made by the person no earlier than since.
func (db *DB) MemberUpload(ctx context.Context, tokenHash string, personID int64, since time.Time) (MemberUpload, error) {
	var u MemberUpload
	err := db.QueryRow(ctx, `SELECT id, person_id, filename, content, created_at FROM member_uploads WHERE token_hash = ? AND person_id = ? AND created_at > ?`,
		tokenHash, personID, since.UTC()).Scan(&u.ID, &u.PersonID, &u.Filename, &u.Content, &u.CreatedAt)
	return u, one(err)
}

// DeleteMemberUpload forgets an upload once it is applied.
func (db *DB) DeleteMemberUpload(ctx context.Context, id int64) error {
	_, err := db.Exec(ctx, `DELETE FROM member_uploads WHERE id = ?`, id)
	return err
}

// PruneMemberUploads deletes uploads older than before.
func (db *DB) PruneMemberUploads(ctx context.Context, before time.Time) (int64, error) {
	r, err := db.Exec(ctx, `DELETE FROM member_uploads WHERE created_at < ?`, before.UTC())
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}
