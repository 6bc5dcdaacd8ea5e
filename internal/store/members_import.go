package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// MemberRecord is one membership with its person, as the member import
// compares it with a row of the file. Dates are YYYY-MM-DD text ("" for no
// date) so that both engines compare equal to what the file says.
type MemberRecord struct {
	MembershipID int64
	PersonID     int64
	Number       string
	Name         string
	Email        string // "" when the person has no address
	Gender       string
	UnitID       int64
	Type         string
	StartDate    string
	LapseDate    string
	Status       string
}

// MemberUnitKey is what a row of an import may name a unit by.
type MemberUnitKey struct {
	ID   int64
	Slug string
	Code string
}

// MemberSnapshot is everything the member import must know of the database
// to plan its changes without a query per row.
type MemberSnapshot struct {
	Members     map[string]MemberRecord // by membership number
	Units       []MemberUnitKey
	EmailOwners map[string]int64    // lower-cased address → person id
	Slugs       map[string]struct{} // every people.slug in use
}

// memberQueryer is what both *DB and *Tx offer for reads, so the snapshot can be
// taken inside the import's write transaction or, for a dry run, outside it.
type memberQueryer interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// MemberSnapshot reads the snapshot outside any transaction (for a dry run,
// which must not hold SQLite's write lock).
func (db *DB) MemberSnapshot(ctx context.Context) (*MemberSnapshot, error) {
	return loadMemberSnapshot(ctx, db, db.Engine)
}

// MemberSnapshot reads the snapshot inside the transaction, so that the
// plan and the writes see the same data.
func (tx *Tx) MemberSnapshot(ctx context.Context) (*MemberSnapshot, error) {
	return loadMemberSnapshot(ctx, tx, tx.Engine())
}

// memberDateText returns an expression giving a DATE column as YYYY-MM-DD
// text, or an empty string for NULL. SQLite's date() also normalises dates
// stored as full timestamps; PostgreSQL's to_char does not depend on
// DateStyle.
func memberDateText(e Engine, col string) string {
	if e == Postgres {
		return "COALESCE(to_char(" + col + ", 'YYYY-MM-DD'), '')"
	}
	return "COALESCE(date(" + col + "), '')"
}

func loadMemberSnapshot(ctx context.Context, q memberQueryer, e Engine) (*MemberSnapshot, error) {
	s := &MemberSnapshot{
		Members:     map[string]MemberRecord{},
		EmailOwners: map[string]int64{},
		Slugs:       map[string]struct{}{},
	}
	if err := eachMemberRow(ctx, q, `SELECT id, slug, code FROM units`, func(r *sql.Rows) error {
		var u MemberUnitKey
		if err := r.Scan(&u.ID, &u.Slug, &u.Code); err != nil {
			return err
		}
		s.Units = append(s.Units, u)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	if err := eachMemberRow(ctx, q, `SELECT id, slug, COALESCE(email, '') FROM people`, func(r *sql.Rows) error {
		var id int64
		var slug, email string
		if err := r.Scan(&id, &slug, &email); err != nil {
			return err
		}
		s.Slugs[slug] = struct{}{}
		if email != "" {
			s.EmailOwners[strings.ToLower(email)] = id
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("load people: %w", err)
	}
	members := `SELECT m.id, m.person_id, m.number, p.name, COALESCE(p.email, ''), p.gender,
		m.unit_id, m.type, ` + memberDateText(e, "m.start_date") + `, ` + memberDateText(e, "m.lapse_date") + `, m.status
		FROM memberships m JOIN people p ON p.id = m.person_id`
	if err := eachMemberRow(ctx, q, members, func(r *sql.Rows) error {
		var m MemberRecord
		if err := r.Scan(&m.MembershipID, &m.PersonID, &m.Number, &m.Name, &m.Email, &m.Gender,
			&m.UnitID, &m.Type, &m.StartDate, &m.LapseDate, &m.Status); err != nil {
			return err
		}
		s.Members[m.Number] = m
		return nil
	}); err != nil {
		return nil, fmt.Errorf("load memberships: %w", err)
	}
	return s, nil
}

// eachMemberRow runs a query and calls fn for every row.
func eachMemberRow(ctx context.Context, q memberQueryer, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// MemberPerson are the columns of people that the member import sets.
type MemberPerson struct {
	Name   string
	Email  string // "" is stored as NULL
	Gender string
}

// MemberTerms are the columns of memberships that the import sets.
type MemberTerms struct {
	UnitID    int64
	Type      string
	StartDate string // YYYY-MM-DD
	LapseDate string // YYYY-MM-DD, "" is stored as NULL
	Status    string
}

// MemberPersonUpdate changes an existing person.
type MemberPersonUpdate struct {
	ID int64
	MemberPerson
}

// MemberNewPerson is a person to create; Slug must be unused.
type MemberNewPerson struct {
	Slug string
	MemberPerson
}

// MemberTermsUpdate changes an existing membership.
type MemberTermsUpdate struct {
	ID int64
	MemberTerms
}

// MemberNewMembership is a membership to create, for an existing person
// (PersonID) or for one created by the same write (PersonSlug).
type MemberNewMembership struct {
	Number     string
	PersonID   int64
	PersonSlug string
	MemberTerms
}

// MemberWrite is every change one import makes.
type MemberWrite struct {
	// ClearEmails lists people whose address changes. They lose their old
	// address before any person is given a new one, so two people may swap
	// addresses without tripping the unique index midway.
	ClearEmails       []int64
	PersonUpdates     []MemberPersonUpdate
	NewPeople         []MemberNewPerson
	MembershipUpdates []MemberTermsUpdate
	NewMemberships    []MemberNewMembership
}

// Size is the number of rows the write touches, for progress reports.
func (w *MemberWrite) Size() int {
	return len(w.ClearEmails) + len(w.PersonUpdates) + len(w.NewPeople) + len(w.MembershipUpdates) + len(w.NewMemberships)
}

// memberImportBatch is how many rows go into one multi-row INSERT: large enough
// that round trips stop mattering, small enough to stay far below both
// engines' limits on bound parameters (7 × 500 = 3,500).
const memberImportBatch = 500

// ApplyMemberWrite makes the changes in the transaction. progress, if not
// nil, is told how many of w.Size() rows are done.
func (tx *Tx) ApplyMemberWrite(ctx context.Context, w *MemberWrite, progress func(done, total int)) error {
	p := &memberWriteProgress{fn: progress, total: w.Size()}
	if err := tx.importClearEmails(ctx, w.ClearEmails, p); err != nil {
		return fmt.Errorf("clear changed e-mail addresses: %w", err)
	}
	if err := tx.importUpdatePeople(ctx, w.PersonUpdates, p); err != nil {
		return fmt.Errorf("update people: %w", err)
	}
	ids, err := tx.importInsertPeople(ctx, w.NewPeople, p)
	if err != nil {
		return fmt.Errorf("add people: %w", err)
	}
	if err := tx.importUpdateMemberships(ctx, w.MembershipUpdates, p); err != nil {
		return fmt.Errorf("update memberships: %w", err)
	}
	if err := tx.importInsertMemberships(ctx, w.NewMemberships, ids, p); err != nil {
		return fmt.Errorf("add memberships: %w", err)
	}
	p.flush()
	return nil
}

// memberWriteProgress reports every few hundred rows rather than every row.
type memberWriteProgress struct {
	fn          func(done, total int)
	done, total int
	last        int
}

func (p *memberWriteProgress) add(n int) {
	p.done += n
	if p.fn != nil && p.done-p.last >= memberImportBatch {
		p.last = p.done
		p.fn(p.done, p.total)
	}
}

func (p *memberWriteProgress) flush() {
	if p.fn != nil && p.last != p.done {
		p.last = p.done
		p.fn(p.done, p.total)
	}
}

func memberNullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// memberDates turns YYYY-MM-DD text into the midnight-UTC times the rest of
// the store writes to DATE columns, so that SQLite holds one format per
// column and comparisons with dateOnly(…) keep working. "" becomes NULL.
func memberDates(start, lapse string) (startAt any, lapseAt any, err error) {
	s, err := time.Parse(time.DateOnly, start)
	if err != nil {
		return nil, nil, fmt.Errorf("start date: %w", err)
	}
	if lapse == "" {
		return s, nil, nil
	}
	l, err := time.Parse(time.DateOnly, lapse)
	if err != nil {
		return nil, nil, fmt.Errorf("lapse date: %w", err)
	}
	return s, l, nil
}

func (tx *Tx) importClearEmails(ctx context.Context, ids []int64, p *memberWriteProgress) error {
	rows := make([][]any, len(ids))
	for i, id := range ids {
		rows[i] = []any{id, nil}
	}
	return tx.importUpdate(ctx, memberUpdate{table: "people", cols: []string{"email"}, types: []string{"TEXT"}}, rows, p)
}

func (tx *Tx) importUpdatePeople(ctx context.Context, ups []MemberPersonUpdate, p *memberWriteProgress) error {
	rows := make([][]any, len(ups))
	for i, u := range ups {
		rows[i] = []any{u.ID, u.Name, memberNullable(u.Email), u.Gender}
	}
	return tx.importUpdate(ctx, memberUpdate{table: "people", cols: []string{"name", "email", "gender"}, types: []string{"TEXT", "TEXT", "TEXT"}}, rows, p)
}

func (tx *Tx) importUpdateMemberships(ctx context.Context, ups []MemberTermsUpdate, p *memberWriteProgress) error {
	rows := make([][]any, len(ups))
	for i, u := range ups {
		start, lapse, err := memberDates(u.StartDate, u.LapseDate)
		if err != nil {
			return fmt.Errorf("membership %d: %w", u.ID, err)
		}
		rows[i] = []any{u.ID, u.UnitID, u.Type, start, lapse, u.Status}
	}
	return tx.importUpdate(ctx, memberUpdate{table: "memberships",
		cols:  []string{"unit_id", "type", "start_date", "lapse_date", "status"},
		types: []string{"BIGINT", "TEXT", "DATE", "DATE", "TEXT"}}, rows, p)
}

// memberUpdate is an UPDATE of some columns of rows picked by id.
type memberUpdate struct {
	table string
	cols  []string // the columns set, in the order of each row's values after the id
	types []string // their types, which PostgreSQL needs to read a VALUES list
}

// importUpdate runs u for every row ([id, values…]). SQLite runs in the
// process, so a prepared statement per row costs microseconds. PostgreSQL
// pays a round trip per statement, and a batched UPDATE … FROM (VALUES …)
// is planned as a scan of the whole table per batch, so there the rows go
// into a temporary table first and one UPDATE joins it once.
func (tx *Tx) importUpdate(ctx context.Context, u memberUpdate, rows [][]any, p *memberWriteProgress) error {
	if len(rows) == 0 {
		return nil
	}
	if tx.Engine() == Postgres {
		return tx.importUpdateViaTemp(ctx, u, rows, p)
	}
	set := make([]string, len(u.cols))
	for i, c := range u.cols {
		set[i] = c + " = ?"
	}
	st, err := tx.Prepare(ctx, `UPDATE `+u.table+` SET `+strings.Join(set, ", ")+` WHERE id = ?`)
	if err != nil {
		return err
	}
	defer st.Close()
	args := make([]any, len(u.cols)+1)
	for _, r := range rows {
		copy(args, r[1:])
		args[len(u.cols)] = r[0]
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return mapErr(err)
		}
		p.add(1)
	}
	return nil
}

func (tx *Tx) importUpdateViaTemp(ctx context.Context, u memberUpdate, rows [][]any, p *memberWriteProgress) error {
	const temp = "member_import_update"
	defs := []string{"id BIGINT PRIMARY KEY"}
	set := make([]string, len(u.cols))
	marks := make([]string, len(u.cols)+1)
	marks[0] = "?"
	for i, c := range u.cols {
		defs = append(defs, c+" "+u.types[i])
		set[i] = c + " = v." + c
		marks[i+1] = "?"
	}
	if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE `+temp+` (`+strings.Join(defs, ", ")+`) ON COMMIT DROP`); err != nil {
		return err
	}
	b := memberBatcher{tx: tx, head: `INSERT INTO ` + temp + ` VALUES `, row: "(" + strings.Join(marks, ", ") + ")"}
	defer b.close()
	args := make([]any, 0, (len(u.cols)+1)*memberImportBatch)
	for start := 0; start < len(rows); start += memberImportBatch {
		chunk := rows[start:min(start+memberImportBatch, len(rows))]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		st, err := b.stmt(ctx, len(chunk))
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return mapErr(err)
		}
		p.add(len(chunk))
	}
	if _, err := tx.Exec(ctx, `UPDATE `+u.table+` AS t SET `+strings.Join(set, ", ")+` FROM `+temp+` AS v WHERE t.id = v.id`); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DROP TABLE `+temp)
	return err
}

// importInsertPeople adds people in multi-row batches and returns their ids by
// slug: RETURNING gives no promise about the order of rows, the slug is
// unique.
func (tx *Tx) importInsertPeople(ctx context.Context, people []MemberNewPerson, p *memberWriteProgress) (map[string]int64, error) {
	ids := make(map[string]int64, len(people))
	b := memberBatcher{tx: tx, head: `INSERT INTO people (slug, name, email, gender) VALUES `, row: `(?, ?, ?, ?)`, tail: ` RETURNING id, slug`}
	defer b.close()
	args := make([]any, 0, 4*memberImportBatch)
	for start := 0; start < len(people); start += memberImportBatch {
		chunk := people[start:min(start+memberImportBatch, len(people))]
		args = args[:0]
		for _, np := range chunk {
			args = append(args, np.Slug, np.Name, memberNullable(np.Email), np.Gender)
		}
		st, err := b.stmt(ctx, len(chunk))
		if err != nil {
			return nil, err
		}
		rows, err := st.QueryContext(ctx, args...)
		if err != nil {
			return nil, mapErr(err)
		}
		for rows.Next() {
			var id int64
			var slug string
			if err := rows.Scan(&id, &slug); err != nil {
				rows.Close()
				return nil, err
			}
			ids[slug] = id
		}
		if err := rows.Close(); err != nil {
			return nil, mapErr(err)
		}
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
		p.add(len(chunk))
	}
	return ids, nil
}

func (tx *Tx) importInsertMemberships(ctx context.Context, ms []MemberNewMembership, newPeople map[string]int64, p *memberWriteProgress) error {
	b := memberBatcher{tx: tx, head: `INSERT INTO memberships (person_id, unit_id, number, type, start_date, lapse_date, status) VALUES `, row: `(?, ?, ?, ?, ?, ?, ?)`}
	defer b.close()
	args := make([]any, 0, 7*memberImportBatch)
	for start := 0; start < len(ms); start += memberImportBatch {
		chunk := ms[start:min(start+memberImportBatch, len(ms))]
		args = args[:0]
		for _, m := range chunk {
			pid := m.PersonID
			if pid == 0 {
				id, ok := newPeople[m.PersonSlug]
				if !ok {
					return fmt.Errorf("membership %s: person %q was not added", m.Number, m.PersonSlug)
				}
				pid = id
			}
			start, lapse, err := memberDates(m.StartDate, m.LapseDate)
			if err != nil {
				return fmt.Errorf("membership %s: %w", m.Number, err)
			}
			args = append(args, pid, m.UnitID, m.Number, m.Type, start, lapse, m.Status)
		}
		st, err := b.stmt(ctx, len(chunk))
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return mapErr(err)
		}
		p.add(len(chunk))
	}
	return nil
}

// memberBatcher keeps the prepared multi-row statement for a full batch and makes
// one more for the last, shorter batch.
type memberBatcher struct {
	tx              *Tx
	head, row, tail string
	full, short     *sql.Stmt
}

func (b *memberBatcher) stmt(ctx context.Context, n int) (*sql.Stmt, error) {
	if n == memberImportBatch && b.full != nil {
		return b.full, nil
	}
	var sb strings.Builder
	sb.WriteString(b.head)
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(b.row)
	}
	sb.WriteString(b.tail)
	st, err := b.tx.Prepare(ctx, sb.String())
	if err != nil {
		return nil, err
	}
	if n == memberImportBatch {
		b.full = st
	} else {
		if b.short != nil {
			b.short.Close()
		}
		b.short = st
	}
	return st, nil
}

func (b *memberBatcher) close() {
	if b.full != nil {
		b.full.Close()
	}
	if b.short != nil {
		b.short.Close()
	}
}
