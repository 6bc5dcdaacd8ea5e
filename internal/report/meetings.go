package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

// MeetingInput is what the meeting form submits.
type MeetingInput struct {
	Title     string
	HeldOn    string // YYYY-MM-DD
	StartTime string // HH:MM, optional
	Place     string
	Online    bool
	JoinURL   string
	Summary   string // public
	Minutes   string // members of the body only (Markdown)
	Agenda    []store.AgendaItem
}

var timeRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

func (in *MeetingInput) normalise() {
	in.Title = strings.TrimSpace(in.Title)
	in.HeldOn = strings.TrimSpace(in.HeldOn)
	in.StartTime = strings.TrimSpace(in.StartTime)
	in.Place = strings.TrimSpace(in.Place)
	in.JoinURL = strings.TrimSpace(in.JoinURL)
	in.Summary = strings.TrimSpace(in.Summary)
	var items []store.AgendaItem
	for _, a := range in.Agenda {
		a.Title, a.Detail = strings.TrimSpace(a.Title), strings.TrimSpace(a.Detail)
		if a.Title != "" || a.Detail != "" {
			items = append(items, a)
		}
	}
	in.Agenda = items
}

func (in MeetingInput) validate() (time.Time, FieldErrors) {
	fe := FieldErrors{}
	switch {
	case in.Title == "":
		fe["title"] = "Enter a title, e.g. NEC meeting, January"
	case len(in.Title) > maxTitle:
		fe["title"] = "Use at most 200 characters"
	}
	held, err := org.ParseDate(in.HeldOn)
	if err != nil || held.IsZero() {
		fe["held_on"] = "Enter the date as YYYY-MM-DD"
	}
	if in.StartTime != "" && !timeRE.MatchString(in.StartTime) {
		fe["start_time"] = "Enter the time as HH:MM, e.g. 10:30"
	}
	if in.JoinURL != "" {
		if u, err := url.Parse(in.JoinURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fe["join_url"] = "Enter a web address starting https://"
		}
	}
	if in.Online && in.JoinURL == "" && in.Place == "" {
		fe["join_url"] = "Enter the address where members join the meeting"
	}
	if len(in.Place) > 300 {
		fe["place"] = "Use at most 300 characters"
	}
	if len(in.Summary) > 5000 {
		fe["summary"] = "Use at most 5,000 characters"
	}
	if len(in.Minutes) > maxText {
		fe["minutes"] = "The minutes are too long"
	}
	if len(in.Agenda) > 100 {
		fe["agenda"] = "Use at most 100 agenda items"
	}
	for i, a := range in.Agenda {
		if a.Title == "" {
			fe[fmt.Sprintf("agenda-%d-title", i)] = "Enter the item's title"
		}
	}
	return held, fe
}

// canManageMeetings: the body's secretary and administrators record meetings.
func canManageMeetings(p *auth.Principal, bodyID int64) error {
	return p.Require(auth.EditBody, auth.Target{BodyID: bodyID})
}

// CreateMeeting records a meeting of a body.
func (s *Service) CreateMeeting(ctx context.Context, p *auth.Principal, bodyID int64, in MeetingInput) (store.MeetingRecord, error) {
	if err := canManageMeetings(p, bodyID); err != nil {
		return store.MeetingRecord{}, err
	}
	in.normalise()
	held, fe := in.validate()
	if err := orNil(fe); err != nil {
		return store.MeetingRecord{}, err
	}
	m := store.MeetingRecord{Meeting: store.Meeting{BodyID: bodyID, Title: in.Title, HeldOn: held, Place: in.Place, Summary: in.Summary},
		StartTime: in.StartTime, Online: in.Online, JoinURL: in.JoinURL, Minutes: in.Minutes}
	err := s.inTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.BodyByID(ctx, bodyID); err != nil {
			return err
		}
		var err error
		if m.ID, err = tx.CreateMeeting(ctx, m); err != nil {
			return err
		}
		if err := tx.ReplaceAgenda(ctx, m.ID, in.Agenda); err != nil {
			return err
		}
		if err := s.indexMeeting(ctx, tx, m, in.Agenda); err != nil {
			return err
		}
		return audit(ctx, tx, p, "meeting.create", "meeting", m.ID, "", fmt.Sprintf("body=%d title=%q held_on=%s", bodyID, m.Title, in.HeldOn))
	})
	return m, err
}

// UpdateMeeting changes a meeting's details, agenda and minutes.
func (s *Service) UpdateMeeting(ctx context.Context, p *auth.Principal, id int64, in MeetingInput) (store.MeetingRecord, error) {
	in.normalise()
	var m store.MeetingRecord
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if m, err = tx.MeetingByID(ctx, id); err != nil {
			return err
		}
		if err := canManageMeetings(p, m.BodyID); err != nil {
			return err
		}
		held, fe := in.validate()
		if err := orNil(fe); err != nil {
			return err
		}
		old := fmt.Sprintf("title=%q held_on=%s minutes=%d chars", m.Title, m.HeldOn.Format(time.DateOnly), utf8.RuneCountInString(m.Minutes))
		m.Title, m.HeldOn, m.Place, m.Summary = in.Title, held, in.Place, in.Summary
		m.StartTime, m.Online, m.JoinURL, m.Minutes = in.StartTime, in.Online, in.JoinURL, in.Minutes
		if err := tx.UpdateMeeting(ctx, m); err != nil {
			return err
		}
		if err := tx.ReplaceAgenda(ctx, m.ID, in.Agenda); err != nil {
			return err
		}
		if err := s.indexMeeting(ctx, tx, m, in.Agenda); err != nil {
			return err
		}
		return audit(ctx, tx, p, "meeting.update", "meeting", m.ID, old,
			fmt.Sprintf("title=%q held_on=%s minutes=%d chars", m.Title, in.HeldOn, utf8.RuneCountInString(m.Minutes)))
	})
	return m, err
}

// indexMeeting puts a meeting's public parts (title, summary, agenda) in
// the site search; minutes stay out of it.
func (s *Service) indexMeeting(ctx context.Context, tx *store.Tx, m store.MeetingRecord, agenda []store.AgendaItem) error {
	var b strings.Builder
	b.WriteString(m.Summary)
	for _, a := range agenda {
		b.WriteString("\n" + a.Title + ". " + a.Detail)
	}
	return tx.PutSearchDocument(ctx, store.SearchDocument{Kind: "meeting", RefID: m.ID, BodyID: m.BodyID, Year: m.HeldOn.Year(),
		Title: m.Title, Content: b.String(), URL: fmt.Sprintf("/meetings/%d", m.ID), PublishedAt: m.HeldOn})
}

// MeetingPage is what the page of a meeting shows.
type MeetingPage struct {
	Meeting    store.MeetingRecord
	Agenda     []store.AgendaItem
	Attendance []store.Attendance
	Reports    []store.Report
	// Private parts, set only for the body's members and secretary.
	CanSeePrivate bool
	MinutesHTML   string
	Papers        []store.Paper
	CanManage     bool
	Holders       []store.SeatHolding // for the attendance form
}

// MeetingPage reads a meeting for p: everyone sees its date, place,
// agenda, attendance and reports; members of the body also see the
// minutes, the papers and how to join online.
func (s *Service) MeetingPage(ctx context.Context, p *auth.Principal, id int64) (MeetingPage, error) {
	m, err := s.DB.MeetingByID(ctx, id)
	if err != nil {
		return MeetingPage{}, err
	}
	pg := MeetingPage{Meeting: m}
	if pg.Agenda, err = s.DB.AgendaOf(ctx, id); err != nil {
		return pg, err
	}
	if pg.Attendance, err = s.DB.AttendanceOf(ctx, id); err != nil {
		return pg, err
	}
	// Found by the meeting (index reports_meeting), not among the body's
	// latest: an old meeting keeps its reports however busy the body is.
	// A meeting has a few reports, about one per representative.
	if pg.Reports, _, err = s.DB.Reports(ctx, store.ReportFilter{MeetingID: id, Page: store.Page{Size: 500}}); err != nil {
		return pg, err
	}
	holder, err := s.seatHolder(ctx, p, m.BodyID)
	if err != nil {
		return pg, err
	}
	pg.CanSeePrivate = p.Can(auth.ViewMinutes, auth.Target{BodyID: m.BodyID, SeatHolder: holder})
	pg.CanManage = p.Can(auth.EditBody, auth.Target{BodyID: m.BodyID})
	if !pg.CanSeePrivate {
		pg.Meeting.Minutes, pg.Meeting.JoinURL = "", ""
		return pg, nil
	}
	if strings.TrimSpace(m.Minutes) != "" {
		pg.MinutesHTML = s.html.render(FormatMarkdown, m.Minutes, nil).HTML
	}
	if pg.Papers, err = s.DB.PapersOf(ctx, id); err != nil {
		return pg, err
	}
	if pg.CanManage {
		pg.Holders, err = s.DB.SeatHoldersOf(ctx, m.BodyID, m.HeldOn)
	}
	return pg, err
}

// SetAttendance records who came to a meeting: status per person id
// (present, apologies, absent, or "" to remove).
func (s *Service) SetAttendance(ctx context.Context, p *auth.Principal, meetingID int64, statuses map[int64]string) error {
	return s.inTx(ctx, func(tx *store.Tx) error {
		m, err := tx.MeetingByID(ctx, meetingID)
		if err != nil {
			return err
		}
		if err := canManageMeetings(p, m.BodyID); err != nil {
			return err
		}
		var changes []string
		for personID, st := range statuses {
			switch st {
			case "", store.AttendancePresent, store.AttendanceApologies, store.AttendanceAbsent:
			default:
				return FieldErrors{"attendance": "Choose present, apologies or absent"}
			}
			if _, err := tx.PersonByID(ctx, personID); err != nil {
				return FieldErrors{"attendance": "Choose people from the list"}
			}
			if err := tx.SetAttendance(ctx, meetingID, personID, st); err != nil {
				return err
			}
			changes = append(changes, fmt.Sprintf("%d=%s", personID, st))
		}
		return audit(ctx, tx, p, "meeting.attendance", "meeting", meetingID, "", strings.Join(changes, " "))
	})
}

// AddPaper uploads a paper to a meeting. Only files whose content is a
// document of an accepted type and no bigger than MaxPaperBytes are kept.
func (s *Service) AddPaper(ctx context.Context, p *auth.Principal, meetingID int64, title, filename string, content []byte) (store.Paper, error) {
	m, err := s.DB.MeetingByID(ctx, meetingID)
	if err != nil {
		return store.Paper{}, err
	}
	if err := canManageMeetings(p, m.BodyID); err != nil {
		return store.Paper{}, err
	}
	fe := FieldErrors{}
	filename = safeFilename(filename)
	title = strings.TrimSpace(title)
	if title == "" {
		title = strings.TrimSuffix(filename, path.Ext(filename))
	}
	if len(title) > maxTitle {
		fe["title"] = "Use at most 200 characters"
	}
	var ct string
	switch {
	case len(content) == 0:
		fe["file"] = "Choose a file to upload"
	case len(content) > MaxPaperBytes:
		fe["file"] = "The file is bigger than 20 MB"
	default:
		var what string
		if ct, what = documentType(filename, content); ct == "" {
			fe["file"] = "The file must be " + PaperTypesText + "; this is " + what
		}
	}
	if err := orNil(fe); err != nil {
		return store.Paper{}, err
	}
	sum := sha256.Sum256(content)
	paper := store.Paper{MeetingID: meetingID, Title: title, Filename: filename, ContentType: ct, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), Content: content, UploadedBy: p.PersonID, UploadedAt: s.now()}
	err = s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if paper.ID, err = tx.AddPaper(ctx, paper); err != nil {
			return err
		}
		return audit(ctx, tx, p, "meeting.paper.add", "meeting", meetingID, "", fmt.Sprintf("paper=%d %q %s %d bytes sha256=%s", paper.ID, filename, ct, len(content), paper.SHA256))
	})
	return paper, err
}

// DeletePaper removes a paper.
func (s *Service) DeletePaper(ctx context.Context, p *auth.Principal, meetingID, paperID int64) error {
	return s.inTx(ctx, func(tx *store.Tx) error {
		m, err := tx.MeetingByID(ctx, meetingID)
		if err != nil {
			return err
		}
		if err := canManageMeetings(p, m.BodyID); err != nil {
			return err
		}
		if err := tx.DeletePaper(ctx, meetingID, paperID); err != nil {
			return err
		}
		return audit(ctx, tx, p, "meeting.paper.delete", "meeting", meetingID, fmt.Sprintf("paper=%d", paperID), "")
	})
}

// Paper returns a paper's file to those who may see the meeting's papers.
func (s *Service) Paper(ctx context.Context, p *auth.Principal, meetingID, paperID int64) (store.Paper, error) {
	paper, err := s.DB.PaperByID(ctx, paperID)
	if err != nil {
		return paper, err
	}
	if paper.MeetingID != meetingID {
		return store.Paper{}, store.ErrNotFound
	}
	m, err := s.DB.MeetingByID(ctx, meetingID)
	if err != nil {
		return store.Paper{}, err
	}
	holder, err := s.seatHolder(ctx, p, m.BodyID)
	if err != nil {
		return store.Paper{}, err
	}
	if err := p.Require(auth.ViewMinutes, auth.Target{BodyID: m.BodyID, SeatHolder: holder}); err != nil {
		return store.Paper{}, err
	}
	return paper, nil
}

// safeFilename keeps the last path element of an uploaded name, without
// characters that would break a Content-Disposition header.
func safeFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == '"' || r == '/' || r == '\\' || r == 127 {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		name = "paper"
	}
	if len(name) > 120 {
		ext := path.Ext(name)
		if len(ext) > 10 {
			ext = ""
		}
		name = name[:120-len(ext)] + ext
		for !utf8.ValidString(name) {
			name = name[:len(name)-1]
		}
	}
	return name
}

// MeetingsOfBody lists a body's meetings, newest first.
func (s *Service) MeetingsOfBody(ctx context.Context, bodyID int64, page store.Page) ([]store.MeetingRecord, int, error) {
	return s.DB.MeetingRecordsOf(ctx, bodyID, page)
}
