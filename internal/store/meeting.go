package store

import (
	"context"
	"time"
)

// MeetingRecord is a meeting with everything recorded about it. Minutes are
// for the body's members only: callers decide who sees them.
type MeetingRecord struct {
	Meeting
	StartTime string // "18:30", or empty
	Online    bool
	JoinURL   string
	Minutes   string
	BodyName  string
	BodySlug  string
}

const meetingSelect = `SELECT m.id, m.body_id, m.title, m.held_on, m.place, m.summary, m.start_time, m.online, m.join_url, m.minutes, b.name, b.slug
FROM meetings m JOIN bodies b ON b.id = m.body_id`

func scanMeeting(s interface{ Scan(...any) error }) (MeetingRecord, error) {
	var m MeetingRecord
	err := s.Scan(&m.ID, &m.BodyID, &m.Title, &m.HeldOn, &m.Place, &m.Summary, &m.StartTime, &m.Online, &m.JoinURL, &m.Minutes, &m.BodyName, &m.BodySlug)
	m.HeldOn = dateOnly(m.HeldOn)
	return m, err
}

// MeetingByID reads a meeting.
func (db *DB) MeetingByID(ctx context.Context, id int64) (MeetingRecord, error) {
	m, err := scanMeeting(db.QueryRow(ctx, meetingSelect+` WHERE m.id = ?`, id))
	return m, one(err)
}

// MeetingByID reads a meeting inside a transaction.
func (tx *Tx) MeetingByID(ctx context.Context, id int64) (MeetingRecord, error) {
	m, err := scanMeeting(tx.QueryRow(ctx, meetingSelect+` WHERE m.id = ?`, id))
	return m, one(err)
}

// MeetingRecordsOf lists a body's meetings, newest first, with the total.
func (db *DB) MeetingRecordsOf(ctx context.Context, bodyID int64, page Page) ([]MeetingRecord, int, error) {
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM meetings WHERE body_id = ?`, bodyID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, meetingSelect+` WHERE m.body_id = ? ORDER BY m.held_on DESC, m.id DESC LIMIT ? OFFSET ?`, bodyID, page.Limit(), page.Offset())
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []MeetingRecord
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// CreateMeeting inserts a meeting.
func (tx *Tx) CreateMeeting(ctx context.Context, m MeetingRecord) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO meetings (body_id, title, held_on, place, summary, start_time, online, join_url, minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.BodyID, m.Title, DateArg(m.HeldOn), m.Place, m.Summary, m.StartTime, m.Online, m.JoinURL, m.Minutes)
}

// UpdateMeeting writes a meeting's details and minutes.
func (tx *Tx) UpdateMeeting(ctx context.Context, m MeetingRecord) error {
	return affectOne(tx.Exec(ctx, `UPDATE meetings SET title = ?, held_on = ?, place = ?, summary = ?, start_time = ?, online = ?, join_url = ?, minutes = ? WHERE id = ?`,
		m.Title, DateArg(m.HeldOn), m.Place, m.Summary, m.StartTime, m.Online, m.JoinURL, m.Minutes, m.ID))
}

// AgendaItem is one item of a meeting's agenda.
type AgendaItem struct {
	ID        int64
	MeetingID int64
	Position  int
	Title     string
	Detail    string
}

// AgendaOf lists a meeting's agenda in order.
func (db *DB) AgendaOf(ctx context.Context, meetingID int64) ([]AgendaItem, error) {
	rows, err := db.Query(ctx, `SELECT id, meeting_id, position, title, detail FROM meeting_agenda_items WHERE meeting_id = ? ORDER BY position, id`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AgendaItem
	for rows.Next() {
		var a AgendaItem
		if err := rows.Scan(&a.ID, &a.MeetingID, &a.Position, &a.Title, &a.Detail); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReplaceAgenda writes a meeting's agenda, numbering the items in order.
func (tx *Tx) ReplaceAgenda(ctx context.Context, meetingID int64, items []AgendaItem) error {
	if _, err := tx.Exec(ctx, `DELETE FROM meeting_agenda_items WHERE meeting_id = ?`, meetingID); err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, a := range items {
		rows[i] = []any{meetingID, i + 1, a.Title, a.Detail}
	}
	return tx.BulkInsert(ctx, "meeting_agenda_items", []string{"meeting_id", "position", "title", "detail"}, rows)
}

// Attendance statuses.
const (
	AttendancePresent   = "present"
	AttendanceApologies = "apologies"
	AttendanceAbsent    = "absent"
)

// Attendance is whether a person came to a meeting.
type Attendance struct {
	PersonID   int64
	PersonName string
	PersonSlug string
	ShowsPage  bool
	Status     string
}

// AttendanceOf lists who was recorded at a meeting, by name.
func (db *DB) AttendanceOf(ctx context.Context, meetingID int64) ([]Attendance, error) {
	rows, err := db.Query(ctx, `SELECT a.person_id, p.name, p.slug, p.show_profile, a.status FROM meeting_attendance a JOIN people p ON p.id = a.person_id
WHERE a.meeting_id = ? ORDER BY p.name, p.id`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attendance
	for rows.Next() {
		var a Attendance
		if err := rows.Scan(&a.PersonID, &a.PersonName, &a.PersonSlug, &a.ShowsPage, &a.Status); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetAttendance records one person's attendance; an empty status removes it.
func (tx *Tx) SetAttendance(ctx context.Context, meetingID, personID int64, status string) error {
	if status == "" {
		_, err := tx.Exec(ctx, `DELETE FROM meeting_attendance WHERE meeting_id = ? AND person_id = ?`, meetingID, personID)
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO meeting_attendance (meeting_id, person_id, status) VALUES (?, ?, ?)
ON CONFLICT (meeting_id, person_id) DO UPDATE SET status = excluded.status`, meetingID, personID, status)
	return err
}

// Paper is a document of a meeting (an uploaded file).
type Paper struct {
	ID          int64
	MeetingID   int64
	Title       string
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	Content     []byte // only read by PaperByID
	UploadedBy  int64
	UploadedAt  time.Time
}

// KB is the paper's size in kilobytes, rounded up, for display.
func (p Paper) KB() int64 { return (p.Size + 1023) / 1024 }

// AddPaper stores a paper.
func (tx *Tx) AddPaper(ctx context.Context, p Paper) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO meeting_papers (meeting_id, title, filename, content_type, size, sha256, content, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.MeetingID, p.Title, p.Filename, p.ContentType, p.Size, p.SHA256, p.Content, nullID(p.UploadedBy), jobTime(p.UploadedAt))
}

// PapersOf lists a meeting's papers without their content.
func (db *DB) PapersOf(ctx context.Context, meetingID int64) ([]Paper, error) {
	rows, err := db.Query(ctx, `SELECT id, meeting_id, title, filename, content_type, size, sha256, COALESCE(uploaded_by, 0), uploaded_at
FROM meeting_papers WHERE meeting_id = ? ORDER BY id`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Paper
	for rows.Next() {
		var p Paper
		if err := rows.Scan(&p.ID, &p.MeetingID, &p.Title, &p.Filename, &p.ContentType, &p.Size, &p.SHA256, &p.UploadedBy, &p.UploadedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PaperByID reads a paper with its content.
func (db *DB) PaperByID(ctx context.Context, id int64) (Paper, error) {
	var p Paper
	err := db.QueryRow(ctx, `SELECT id, meeting_id, title, filename, content_type, size, sha256, content, COALESCE(uploaded_by, 0), uploaded_at FROM meeting_papers WHERE id = ?`, id).
		Scan(&p.ID, &p.MeetingID, &p.Title, &p.Filename, &p.ContentType, &p.Size, &p.SHA256, &p.Content, &p.UploadedBy, &p.UploadedAt)
	return p, one(err)
}

// DeletePaper removes a paper of a meeting.
func (tx *Tx) DeletePaper(ctx context.Context, meetingID, paperID int64) error {
	return affectOne(tx.Exec(ctx, `DELETE FROM meeting_papers WHERE id = ? AND meeting_id = ?`, paperID, meetingID))
}

// HoldsSeatOn reports whether a person holds a seat on a body on a day.
func (db *DB) HoldsSeatOn(ctx context.Context, personID, bodyID int64, on time.Time) (bool, error) {
	if personID == 0 || bodyID == 0 {
		return false, nil
	}
	d := dateOnly(on)
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM seat_terms t JOIN seats st ON st.id = t.seat_id JOIN sections sc ON sc.id = st.section_id
WHERE t.person_id = ? AND sc.body_id = ? AND t.term_start <= ? AND (t.term_end IS NULL OR t.term_end >= ?)`, personID, bodyID, d, d).Scan(&n)
	return n > 0, err
}

// SeatBodiesOf lists the bodies on which a person holds a seat on a day.
func (db *DB) SeatBodiesOf(ctx context.Context, personID int64, on time.Time) ([]Body, error) {
	d := dateOnly(on)
	rows, err := db.Query(ctx, bodySelect+` WHERE b.id IN (SELECT sc.body_id FROM seat_terms t JOIN seats st ON st.id = t.seat_id JOIN sections sc ON sc.id = st.section_id
WHERE t.person_id = ? AND t.term_start <= ? AND (t.term_end IS NULL OR t.term_end >= ?)) ORDER BY b.name`, personID, d, d)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Body
	for rows.Next() {
		b, err := scanBody(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// SeatHoldersOf lists the people holding a seat on a body on a day, with
// their section, in seat order.
func (db *DB) SeatHoldersOf(ctx context.Context, bodyID int64, on time.Time) ([]SeatHolding, error) {
	seats, err := db.SeatsOfBody(ctx, bodyID, on)
	if err != nil {
		return nil, err
	}
	out := seats[:0]
	for _, s := range seats {
		if !s.Vacant() {
			out = append(out, s)
		}
	}
	return out, nil
}
