package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Bulk loading: the demo organisation (about 40,000 rows) must load in well
// under a second on SQLite, so rows go in as multi-row INSERT statements,
// prepared once per table and reused, inside one transaction. The same
// helpers serve any feature that writes many rows at once (imports).

// Parameter limits of one statement: SQLite's SQLITE_MAX_VARIABLE_NUMBER
// (32766 since 3.32) and the 16-bit parameter count of PostgreSQL's wire
// protocol (65535).
const (
	sqliteMaxParams   = 32766
	postgresMaxParams = 65535
	// BulkRowsPerStatement is the batch size below the limits: larger batches
	// measured no faster, and a failed batch is easier to locate.
	BulkRowsPerStatement = 500
)

// ErrOrganisationExists refuses a demo load into a database that already
// holds an organisation.
var ErrOrganisationExists = errors.New("the database already holds an organisation; the demo loads only into an empty database")

// BulkInsert inserts rows into table, BulkRowsPerStatement rows per
// statement (fewer when the columns would exceed the engine's parameter
// limit). Every row must have one value per column. table and cols are
// identifiers written in code, never user input; they are checked anyway.
func (tx *Tx) BulkInsert(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if err := checkIdentifiers(append([]string{table}, cols...)); err != nil {
		return err
	}
	perStmt := bulkRowsPerStatement(tx.db.Engine, len(cols))
	args := make([]any, 0, perStmt*len(cols))
	var full *sql.Stmt // the statement for a whole batch, prepared on first use
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < len(rows); start += perStmt {
		end := min(start+perStmt, len(rows))
		args = args[:0]
		for i, r := range rows[start:end] {
			if len(r) != len(cols) {
				return fmt.Errorf("bulk insert into %s: row %d has %d values for %d columns", table, start+i+1, len(r), len(cols))
			}
			args = append(args, r...)
		}
		var err error
		if end-start == perStmt {
			if full == nil {
				full, err = tx.Prepare(ctx, insertValuesSQL(table, cols, perStmt))
				if err != nil {
					return fmt.Errorf("bulk insert into %s: %w", table, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.Exec(ctx, insertValuesSQL(table, cols, end-start), args...)
		}
		if err != nil {
			return fmt.Errorf("bulk insert into %s, rows %d to %d: %w", table, start+1, end, mapErr(err))
		}
	}
	return nil
}

func bulkRowsPerStatement(engine Engine, ncols int) int {
	limit := sqliteMaxParams
	if engine == Postgres {
		limit = postgresMaxParams
	}
	return max(1, min(BulkRowsPerStatement, limit/max(1, ncols)))
}

// insertValuesSQL builds INSERT INTO t (a, b) VALUES (?, ?), (?, ?)… for n rows.
func insertValuesSQL(table string, cols []string, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var b strings.Builder
	b.Grow(len(table) + 32 + n*(len(row)+2))
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	b.WriteString(" (")
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

func checkIdentifiers(names []string) error {
	for _, n := range names {
		ok := n != ""
		for _, r := range n {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				ok = false
			}
		}
		if !ok {
			return fmt.Errorf("bulk insert: %q is not a plain lower-case identifier", n)
		}
	}
	return nil
}

// SyncIDSequence moves PostgreSQL's identity sequence of table past the
// largest id, after rows were inserted with explicit ids; otherwise the next
// ordinary INSERT would be handed an id already taken. SQLite's AUTOINCREMENT
// already keeps track of explicit ids, so there it does nothing.
func (tx *Tx) SyncIDSequence(ctx context.Context, table string) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	if err := checkIdentifiers([]string{table}); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM `+table)
	return err
}

// DateArg turns a calendar date into a DATE parameter: "YYYY-MM-DD" text,
// which PostgreSQL reads as a date and which is SQLite's own date format
// (so date() and strftime() work on it), or NULL for the zero time.
func DateArg(d time.Time) any {
	if d.IsZero() {
		return nil
	}
	return d.Format(time.DateOnly)
}

// idArg turns an optional reference (0 = none) into a parameter.
func idArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// The demo load. The rows carry ids chosen by the caller, so that people,
// memberships and terms can point at each other before anything is written.

// OrganisationRow is the single row of the organisation table.
type OrganisationRow struct {
	Name, ShortName, Description string
}

// UnitRow is a row of units; ParentID 0 means no parent.
type UnitRow struct {
	ID                     int64
	Type, Name, Slug, Code string
	ParentID               int64
	CreatedAt              time.Time
}

// PersonRow is a row of people; an empty Email is stored as NULL.
type PersonRow struct {
	ID                             int64
	Name, Email, Gender, Bio, Slug string
	ShowProfile                    bool
	CreatedAt                      time.Time
}

// MembershipRow is a row of memberships; a zero LapseDate means none.
type MembershipRow struct {
	ID, PersonID, UnitID int64
	Number, Type, Status string
	StartDate, LapseDate time.Time
}

// PublicOfficeRow is a row of public_offices; UnitID 0 and zero dates mean none.
type PublicOfficeRow struct {
	ID, PersonID       int64
	Office, Authority  string
	UnitID             int64
	StartDate, EndDate time.Time
}

// BodyRow is a row of bodies; ParentID 0 means a top-level body.
type BodyRow struct {
	ID                      int64
	Name, Slug, Description string
	ParentID                int64
}

// SectionRow is a row of sections.
type SectionRow struct {
	ID, BodyID             int64
	Name                   string
	Seats                  int
	WhoMayStand, WhoElects string
	MinWomen, Position     int
}

// SeatRow is a row of seats.
type SeatRow struct {
	ID, SectionID int64
	Label         string
	Position      int
}

// SeatTermRow is a row of seat_terms; a zero TermEnd means the term is open.
type SeatTermRow struct {
	ID, SeatID, PersonID int64
	TermStart, TermEnd   time.Time
	Note                 string
}

// MeetingRow is a row of meetings.
type MeetingRow struct {
	ID, BodyID            int64
	Title, Place, Summary string
	HeldOn                time.Time
}

// DemoData is everything the demo organisation writes.
type DemoData struct {
	Organisation  OrganisationRow
	Units         []UnitRow // parents before children
	People        []PersonRow
	Memberships   []MembershipRow
	PublicOffices []PublicOfficeRow
	Bodies        []BodyRow // parents before children
	Sections      []SectionRow
	Seats         []SeatRow
	SeatTerms     []SeatTermRow
	Meetings      []MeetingRow
}

// IDBase holds, for each table the demo writes, the largest id already
// used (0 in an empty table); the demo numbers its rows from there.
type IDBase struct {
	Units, People, Memberships, PublicOffices, Bodies, Sections, Seats, SeatTerms, Meetings int64
}

// demoTables lists the tables in the order they must be written (each one
// refers only to tables before it).
var demoTables = []string{"units", "people", "memberships", "public_offices", "bodies", "sections", "seats", "seat_terms", "meetings"}

// LoadDemo writes the demo organisation in one transaction: it refuses with
// ErrOrganisationExists when the organisation table has a row, asks build
// for the data given the ids already used, writes it, and moves the id
// sequences on. On any error nothing is written.
func (db *DB) LoadDemo(ctx context.Context, build func(IDBase) (*DemoData, error)) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var name string
		switch err := tx.QueryRow(ctx, `SELECT name FROM organisation ORDER BY id LIMIT 1`).Scan(&name); {
		case err == nil:
			return fmt.Errorf("%w (it holds %q)", ErrOrganisationExists, name)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("read organisation: %w", err)
		}
		var base IDBase
		ptrs := []*int64{&base.Units, &base.People, &base.Memberships, &base.PublicOffices, &base.Bodies, &base.Sections, &base.Seats, &base.SeatTerms, &base.Meetings}
		for i, table := range demoTables {
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(ptrs[i]); err != nil {
				return fmt.Errorf("read largest id of %s: %w", table, err)
			}
		}
		d, err := build(base)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO organisation (id, name, short_name, description) VALUES (1, ?, ?, ?)`,
			d.Organisation.Name, d.Organisation.ShortName, d.Organisation.Description); err != nil {
			return fmt.Errorf("insert organisation: %w", err)
		}
		if err := tx.insertDemoRows(ctx, d); err != nil {
			return err
		}
		for _, table := range demoTables {
			if err := tx.SyncIDSequence(ctx, table); err != nil {
				return fmt.Errorf("move id sequence of %s: %w", table, err)
			}
		}
		return nil
	})
}

func (tx *Tx) insertDemoRows(ctx context.Context, d *DemoData) error {
	var rows [][]any
	reset := func(n int) { rows = make([][]any, 0, n) }

	reset(len(d.Units))
	for _, u := range d.Units {
		rows = append(rows, []any{u.ID, u.Type, u.Name, u.Slug, u.Code, idArg(u.ParentID), u.CreatedAt.UTC()})
	}
	if err := tx.BulkInsert(ctx, "units", []string{"id", "type", "name", "slug", "code", "parent_id", "created_at"}, rows); err != nil {
		return err
	}

	reset(len(d.People))
	for _, p := range d.People {
		var email any
		if p.Email != "" {
			email = p.Email
		}
		rows = append(rows, []any{p.ID, p.Name, email, p.Gender, p.Bio, p.Slug, p.ShowProfile, p.CreatedAt.UTC()})
	}
	if err := tx.BulkInsert(ctx, "people", []string{"id", "name", "email", "gender", "bio", "slug", "show_profile", "created_at"}, rows); err != nil {
		return err
	}

	reset(len(d.Memberships))
	for _, m := range d.Memberships {
		rows = append(rows, []any{m.ID, m.PersonID, m.UnitID, m.Number, m.Type, DateArg(m.StartDate), DateArg(m.LapseDate), m.Status})
	}
	if err := tx.BulkInsert(ctx, "memberships", []string{"id", "person_id", "unit_id", "number", "type", "start_date", "lapse_date", "status"}, rows); err != nil {
		return err
	}

	reset(len(d.PublicOffices))
	for _, o := range d.PublicOffices {
		rows = append(rows, []any{o.ID, o.PersonID, o.Office, o.Authority, idArg(o.UnitID), DateArg(o.StartDate), DateArg(o.EndDate)})
	}
	if err := tx.BulkInsert(ctx, "public_offices", []string{"id", "person_id", "office", "authority", "unit_id", "start_date", "end_date"}, rows); err != nil {
		return err
	}

	reset(len(d.Bodies))
	for _, b := range d.Bodies {
		rows = append(rows, []any{b.ID, b.Name, b.Slug, idArg(b.ParentID), b.Description})
	}
	if err := tx.BulkInsert(ctx, "bodies", []string{"id", "name", "slug", "parent_id", "description"}, rows); err != nil {
		return err
	}

	reset(len(d.Sections))
	for _, s := range d.Sections {
		rows = append(rows, []any{s.ID, s.BodyID, s.Name, s.Seats, s.WhoMayStand, s.WhoElects, s.MinWomen, s.Position})
	}
	if err := tx.BulkInsert(ctx, "sections", []string{"id", "body_id", "name", "seats", "who_may_stand", "who_elects", "min_women", "position"}, rows); err != nil {
		return err
	}

	reset(len(d.Seats))
	for _, s := range d.Seats {
		rows = append(rows, []any{s.ID, s.SectionID, s.Label, s.Position})
	}
	if err := tx.BulkInsert(ctx, "seats", []string{"id", "section_id", "label", "position"}, rows); err != nil {
		return err
	}

	reset(len(d.SeatTerms))
	for _, t := range d.SeatTerms {
		rows = append(rows, []any{t.ID, t.SeatID, t.PersonID, DateArg(t.TermStart), DateArg(t.TermEnd), t.Note})
	}
	if err := tx.BulkInsert(ctx, "seat_terms", []string{"id", "seat_id", "person_id", "term_start", "term_end", "note"}, rows); err != nil {
		return err
	}

	reset(len(d.Meetings))
	for _, m := range d.Meetings {
		rows = append(rows, []any{m.ID, m.BodyID, m.Title, DateArg(m.HeldOn), m.Place, m.Summary})
	}
	return tx.BulkInsert(ctx, "meetings", []string{"id", "body_id", "title", "held_on", "place", "summary"}, rows)
}
