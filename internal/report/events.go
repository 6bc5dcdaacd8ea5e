package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/store"
)

// HustingsKind is the kind of event that may belong to an election.
const HustingsKind = "hustings"

// EventKinds are the kinds of event, with their labels.
var EventKinds = []struct{ Key, Label string }{
	{HustingsKind, "Hustings"},
	{"training", "Training session"},
	{"action_day", "Action day"},
	{"conference", "Conference"},
	{"meeting", "Open meeting"},
	{"other", "Other"},
}

// EventKindLabel names a kind of event.
func EventKindLabel(key string) string {
	for _, k := range EventKinds {
		if k.Key == key {
			return k.Label
		}
	}
	return key
}

// EventInput is what the event form submits. Times are wall-clock times
// in the organisation's time zone (Europe/London).
type EventInput struct {
	Title       string
	Slug        string
	Kind        string
	BodyID      int64
	Description string
	Place       string
	OnlineURL   string
	Date        string // YYYY-MM-DD
	Start, End  string // HH:MM
	Capacity    int
	Cancelled   bool
	ElectionID  int64 // hustings only; 0: none
}

// Zone is the time zone events are entered and shown in.
var Zone = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

func (in *EventInput) normalise() {
	in.Title = strings.TrimSpace(in.Title)
	in.Slug = strings.TrimSpace(strings.ToLower(in.Slug))
	in.Place = strings.TrimSpace(in.Place)
	in.OnlineURL = strings.TrimSpace(in.OnlineURL)
	in.Description = strings.TrimSpace(in.Description)
	if in.Slug == "" && in.Title != "" {
		in.Slug = Slugify(in.Title + " " + in.Date)
	}
}

func (in EventInput) validate() (start, end time.Time, fe FieldErrors) {
	fe = FieldErrors{}
	if in.Title == "" {
		fe["title"] = "Enter a title"
	} else if len(in.Title) > maxTitle {
		fe["title"] = "Use at most 200 characters"
	}
	if in.Slug == "" || in.Slug != Slugify(in.Slug) {
		fe["slug"] = "Use lowercase letters, digits and single hyphens only"
	}
	if EventKindLabel(in.Kind) == in.Kind {
		fe["kind"] = "Choose a kind of event"
	}
	day, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.Date), Zone)
	if err != nil {
		fe["date"] = "Enter the date as YYYY-MM-DD"
	}
	parse := func(field, v string) time.Time {
		if !timeRE.MatchString(strings.TrimSpace(v)) {
			fe[field] = "Enter the time as HH:MM, e.g. 18:30"
			return time.Time{}
		}
		t, _ := time.Parse("15:04", strings.TrimSpace(v))
		return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, Zone)
	}
	start, end = parse("start", in.Start), parse("end", in.End)
	if fe["start"] == "" && fe["end"] == "" && fe["date"] == "" && !end.After(start) {
		fe["end"] = "The event must end after it starts"
	}
	if in.Place == "" && in.OnlineURL == "" {
		fe["place"] = "Say where the event is, or give the address to join online"
	}
	if in.OnlineURL != "" {
		if u, err := url.Parse(in.OnlineURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fe["online_url"] = "Enter a web address starting https://"
		}
	}
	if in.Capacity < 0 || in.Capacity > 100000 {
		fe["capacity"] = "Enter a number of places from 0 (no limit) to 100,000"
	}
	if len(in.Description) > maxText {
		fe["description"] = "The description is too long"
	}
	return start.UTC(), end.UTC(), fe
}

// electionReader reads an election, in a transaction or not.
type electionReader interface {
	ElectionByID(ctx context.Context, id int64) (store.Election, error)
}

// checkElection adds to fe what is wrong with the election chosen for an
// event. current is the election the event already belongs to: it stays
// allowed after its result is declared, so that the form still saves.
func checkElection(ctx context.Context, db electionReader, p *auth.Principal, in EventInput, current int64, fe FieldErrors) error {
	if in.ElectionID == 0 {
		return nil
	}
	if in.ElectionID < 0 {
		fe["election"] = "Choose an election from the list"
		return nil
	}
	if in.Kind != HustingsKind {
		fe["election"] = "Only hustings belong to an election: choose the kind Hustings, or no election"
		return nil
	}
	el, err := db.ElectionByID(ctx, in.ElectionID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// A draft the person may not see is answered as one that does not
	// exist, so that ids cannot be probed for elections being prepared.
	if err != nil || (el.ID != current && !election.MayView(p, el.Status)) {
		fe["election"] = "There is no such election: choose one from the list"
		return nil
	}
	if el.Status == store.ElectionDeclared && el.ID != current {
		fe["election"] = "The result of that election is already declared: choose an election still to come"
	}
	return nil
}

// EventReminderKind is the job that reminds those booked the day before.
const EventReminderKind = "report.event-reminder"

type eventReminderPayload struct {
	EventID int64     `json:"event_id"`
	At      time.Time `json:"at"`
}

// scheduleReminder queues the reminder for a day before the start (or at
// once if that is already past but the event is not).
func (s *Service) scheduleReminder(ctx context.Context, tx *store.Tx, e store.Event) error {
	if e.Cancelled || !e.StartsAt.After(s.now()) {
		return nil
	}
	at := e.StartsAt.Add(-24 * time.Hour)
	if at.Before(s.now()) {
		at = s.now()
	}
	_, err := s.Queue.ScheduleTx(ctx, tx, at, EventReminderKind, eventReminderPayload{EventID: e.ID, At: e.StartsAt},
		jobs.UniqueKey(fmt.Sprintf("event-reminder:%d:%d", e.ID, e.StartsAt.Unix())), jobs.MaxAttempts(10))
	return err
}

// CreateEvent adds an event; administrators may, and a body's secretary
// for the body's events.
func (s *Service) CreateEvent(ctx context.Context, p *auth.Principal, in EventInput) (store.Event, error) {
	if err := p.Require(auth.ManageEvents, auth.Target{BodyID: in.BodyID}); err != nil {
		return store.Event{}, err
	}
	in.normalise()
	start, end, fe := in.validate()
	if err := checkElection(ctx, s.DB, p, in, 0, fe); err != nil {
		return store.Event{}, err
	}
	if err := orNil(fe); err != nil {
		return store.Event{}, err
	}
	now := s.now()
	e := store.Event{Slug: in.Slug, BodyID: in.BodyID, Kind: in.Kind, Title: in.Title, Description: in.Description, Place: in.Place,
		OnlineURL: in.OnlineURL, StartsAt: start, EndsAt: end, Capacity: in.Capacity, Cancelled: in.Cancelled, ElectionID: in.ElectionID,
		CreatedBy: p.PersonID, CreatedAt: now, UpdatedAt: now}
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		e.ID, err = tx.CreateEvent(ctx, e)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"slug": "Another event already uses this web address"}
		}
		if err != nil {
			return err
		}
		if err := s.scheduleReminder(ctx, tx, e); err != nil {
			return err
		}
		return audit(ctx, tx, p, "event.create", "event", e.ID, "", fmt.Sprintf("title=%q starts=%s capacity=%d election=%d", e.Title, e.StartsAt.Format(time.RFC3339), e.Capacity, e.ElectionID))
	})
	return e, err
}

// UpdateEvent changes an event. More places let people off the waiting
// list, in the order they came.
func (s *Service) UpdateEvent(ctx context.Context, p *auth.Principal, id int64, in EventInput) (store.Event, error) {
	in.normalise()
	var e store.Event
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if e, err = tx.EventByID(ctx, id); err != nil {
			return err
		}
		if err := p.Require(auth.ManageEvents, auth.Target{BodyID: e.BodyID}); err != nil {
			return err
		}
		if in.BodyID != e.BodyID {
			if err := p.Require(auth.ManageEvents, auth.Target{BodyID: in.BodyID}); err != nil {
				return err
			}
		}
		start, end, fe := in.validate()
		if err := checkElection(ctx, tx, p, in, e.ElectionID, fe); err != nil {
			return err
		}
		if err := orNil(fe); err != nil {
			return err
		}
		old := fmt.Sprintf("title=%q starts=%s capacity=%d cancelled=%v election=%d", e.Title, e.StartsAt.Format(time.RFC3339), e.Capacity, e.Cancelled, e.ElectionID)
		e.Slug, e.BodyID, e.Kind, e.Title, e.Description, e.Place, e.OnlineURL = in.Slug, in.BodyID, in.Kind, in.Title, in.Description, in.Place, in.OnlineURL
		e.StartsAt, e.EndsAt, e.Capacity, e.Cancelled, e.ElectionID, e.UpdatedAt = start, end, in.Capacity, in.Cancelled, in.ElectionID, s.now()
		err = tx.UpdateEvent(ctx, e)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"slug": "Another event already uses this web address"}
		}
		if err != nil {
			return err
		}
		if err := s.promoteWaiting(ctx, tx, e.ID); err != nil {
			return err
		}
		if err := s.scheduleReminder(ctx, tx, e); err != nil {
			return err
		}
		return audit(ctx, tx, p, "event.update", "event", e.ID, old, fmt.Sprintf("title=%q starts=%s capacity=%d cancelled=%v election=%d", e.Title, e.StartsAt.Format(time.RFC3339), e.Capacity, e.Cancelled, e.ElectionID))
	})
	return e, err
}

// SignupInput is what the sign-up form submits.
type SignupInput struct {
	Name, Email string
	Trap        string
	Client      string
}

// SignupResult says whether a place was booked or the person waits.
type SignupResult struct {
	Status string
	Token  string
}

// SignUp books a place at an event, or a place on its waiting list when
// it is full. Signing up twice with one address changes nothing.
func (s *Service) SignUp(ctx context.Context, p *auth.Principal, eventID int64, in SignupInput) (SignupResult, error) {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	if p.SignedIn() {
		person, err := s.DB.PersonByID(ctx, p.PersonID)
		if err != nil {
			return SignupResult{}, err
		}
		in.Name, in.Email = person.Name, person.Email
	}
	fe := FieldErrors{}
	if in.Name == "" || len(in.Name) > 100 {
		fe["name"] = "Enter your name"
	}
	email, ok := normaliseEmail(in.Email)
	if !ok {
		fe["email"] = "Enter an e-mail address, like name@example.org"
	}
	if err := orNil(fe); err != nil {
		return SignupResult{}, err
	}
	if strings.TrimSpace(in.Trap) != "" {
		return SignupResult{Status: store.SignupBooked}, nil
	}
	if ok, err := s.DB.Hit(ctx, "signup-ip:"+in.Client, 10, time.Hour, s.now()); err != nil {
		return SignupResult{}, err
	} else if !ok {
		return SignupResult{}, ErrRateLimited
	}
	var res SignupResult
	err := s.inTx(ctx, func(tx *store.Tx) error {
		e, err := tx.EventByID(ctx, eventID)
		if err != nil {
			return err
		}
		if e.Cancelled || !e.EndsAt.After(s.now()) {
			return FieldErrors{"email": "Sign-up to this event is closed"}
		}
		existing, err := tx.SignupByEmail(ctx, e.ID, email)
		if err == nil && existing.Status != store.SignupCancelled {
			res = SignupResult{Status: existing.Status, Token: existing.Token}
			return nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		status := store.SignupBooked
		if e.Capacity > 0 && e.Booked >= e.Capacity {
			status = store.SignupWaiting
		}
		token, err := newToken()
		if err != nil {
			return err
		}
		sg := store.Signup{ID: existing.ID, EventID: e.ID, Name: in.Name, Email: email, PersonID: p.PersonID, Status: status, Token: token, CreatedAt: s.now()}
		if sg.ID != 0 {
			// Cancelled before: signed up again, at the back of the queue.
			err = tx.ReviveSignup(ctx, sg)
		} else {
			sg.ID, err = tx.CreateSignup(ctx, sg)
		}
		if err != nil {
			return err
		}
		res = SignupResult{Status: status, Token: token}
		return s.sendSignupMail(ctx, tx, e, sg)
	})
	return res, err
}

func (s *Service) sendSignupMail(ctx context.Context, tx *store.Tx, e store.Event, sg store.Signup) error {
	cancel := fmt.Sprintf("%s/events/%s/signup/%s", s.cfg.BaseURL, url.PathEscape(e.Slug), sg.Token)
	var subject, body string
	if sg.Status == store.SignupBooked {
		subject = "Your place: " + oneLine(e.Title)
		body = fmt.Sprintf("Hello %s,\n\nYou have a place at %s.\n\n%s\n%s\n\nAdd it to your calendar: %s/events/%s/calendar.ics\n\nIf you cannot come, please give your place up so someone else can have it:\n%s\n\n%s\n",
			sg.Name, e.Title, EventWhen(e), eventWhere(e), s.cfg.BaseURL, url.PathEscape(e.Slug), cancel, s.cfg.SiteName)
	} else {
		subject = "Waiting list: " + oneLine(e.Title)
		body = fmt.Sprintf("Hello %s,\n\n%s is full, so you are on the waiting list. If a place comes free, it is yours in the order people signed up, and we will e-mail you.\n\n%s\n%s\n\nTo leave the waiting list: %s\n\n%s\n",
			sg.Name, e.Title, EventWhen(e), eventWhere(e), cancel, s.cfg.SiteName)
	}
	_, err := s.Mail.SendTx(ctx, tx, mail.Message{To: sg.Email, Subject: subject, Text: body})
	return err
}

// CancelSignup gives up a place (or a place in the queue) by the link sent
// by e-mail; the first person waiting gets the place.
func (s *Service) CancelSignup(ctx context.Context, token string) (store.Signup, error) {
	var sg store.Signup
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if sg, err = tx.SignupByToken(ctx, token); err != nil {
			return err
		}
		if sg.Status == store.SignupCancelled {
			return nil
		}
		if _, err := tx.EventByID(ctx, sg.EventID); err != nil { // locks the event
			return err
		}
		if err := tx.SetSignupStatus(ctx, sg.ID, store.SignupCancelled); err != nil {
			return err
		}
		sg.Status = store.SignupCancelled
		return s.promoteWaiting(ctx, tx, sg.EventID)
	})
	return sg, err
}

// promoteWaiting gives free places to those waiting, first come first
// served, and tells them.
func (s *Service) promoteWaiting(ctx context.Context, tx *store.Tx, eventID int64) error {
	for {
		e, err := tx.EventByID(ctx, eventID)
		if err != nil {
			return err
		}
		if e.Cancelled || (e.Capacity > 0 && e.Booked >= e.Capacity) || e.Waiting == 0 {
			return nil
		}
		next, err := tx.FirstWaiting(ctx, eventID)
		if err != nil {
			return err
		}
		if err := tx.SetSignupStatus(ctx, next.ID, store.SignupBooked); err != nil {
			return err
		}
		next.Status = store.SignupBooked
		if err := s.sendSignupMail(ctx, tx, e, next); err != nil {
			return err
		}
	}
}

// eventReminders is the report.event-reminder job: it e-mails everyone
// booked, once each.
func (s *Service) eventReminders(ctx context.Context, raw json.RawMessage) error {
	var pl eventReminderPayload
	if err := decodePayload(raw, &pl); err != nil || pl.EventID == 0 {
		return jobs.Permanent(fmt.Errorf("event reminder payload: %v", err))
	}
	return s.inTx(ctx, func(tx *store.Tx) error {
		e, err := tx.EventByID(ctx, pl.EventID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Cancelled || !e.StartsAt.Equal(pl.At.UTC()) || !e.StartsAt.After(s.now()) {
			return nil // cancelled, moved (another job reminds) or over
		}
		signups, err := tx.SignupsToRemind(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, sg := range signups {
			cancel := fmt.Sprintf("%s/events/%s/signup/%s", s.cfg.BaseURL, url.PathEscape(e.Slug), sg.Token)
			body := fmt.Sprintf("Hello %s,\n\nA reminder: %s is tomorrow.\n\n%s\n%s\n\nIf you can no longer come, please give your place up: %s\n\n%s\n",
				sg.Name, e.Title, EventWhen(e), eventWhere(e), cancel, s.cfg.SiteName)
			if _, err := s.Mail.SendTx(ctx, tx, mail.Message{To: sg.Email, Subject: "Tomorrow: " + oneLine(e.Title), Text: body}); err != nil {
				return err
			}
			if err := tx.MarkReminded(ctx, sg.ID, s.now()); err != nil {
				return err
			}
		}
		return nil
	})
}

// EventWhen says when an event is, in the organisation's time zone.
func EventWhen(e store.Event) string {
	start, end := e.StartsAt.In(Zone), e.EndsAt.In(Zone)
	if start.Format(time.DateOnly) == end.Format(time.DateOnly) {
		return fmt.Sprintf("%s, %s to %s", start.Format("Monday 2 January 2006"), start.Format("15:04"), end.Format("15:04"))
	}
	return fmt.Sprintf("%s %s to %s %s", start.Format("Monday 2 January 2006"), start.Format("15:04"), end.Format("Monday 2 January 2006"), end.Format("15:04"))
}

func eventWhere(e store.Event) string {
	switch {
	case e.Place != "" && e.OnlineURL != "":
		return e.Place + ", and online: " + e.OnlineURL
	case e.Place != "":
		return e.Place
	default:
		return "Online: " + e.OnlineURL
	}
}

// EventPage is what an event's page shows.
type EventPage struct {
	Event     store.Event
	Full      bool
	CanManage bool
	Signups   []store.Signup // for those who manage it
	// ShowElection: the event belongs to an election the viewer may see.
	ShowElection bool
}

// EventPage reads an event; its sign-ups only for those who manage it.
func (s *Service) EventPage(ctx context.Context, p *auth.Principal, slug string) (EventPage, error) {
	e, err := s.DB.EventBySlug(ctx, slug)
	if err != nil {
		return EventPage{}, err
	}
	pg := EventPage{Event: e, Full: e.Capacity > 0 && e.Booked >= e.Capacity, CanManage: p.Can(auth.ManageEvents, auth.Target{BodyID: e.BodyID}),
		ShowElection: e.ElectionID != 0 && election.MayView(p, e.ElectionStatus)}
	if pg.CanManage {
		pg.Signups, err = s.DB.SignupsOf(ctx, e.ID)
	}
	return pg, err
}

// HustingsOf lists the events of an election in date order, those over
// and those cancelled included: the election's page says which they are.
func (s *Service) HustingsOf(ctx context.Context, electionID int64) ([]store.Event, error) {
	return s.DB.Events(ctx, store.EventFilter{ElectionID: electionID})
}

// EventElectionChoices lists the elections an event may be linked to:
// those whose result is not declared yet, drafts included for the
// returning officer and scrutineer (hustings are often arranged while an
// election is being set up; a draft is theirs alone to see), and the
// event's own election, current, whatever its stage. Only those who
// manage events may see the list.
func (s *Service) EventElectionChoices(ctx context.Context, p *auth.Principal, current int64) ([]store.Election, error) {
	if !ManagesSomeEvents(p) {
		return nil, p.Require(auth.ManageEvents, auth.Target{})
	}
	var open []string
	for _, st := range store.ElectionStatuses {
		if st != store.ElectionDeclared {
			open = append(open, st)
		}
	}
	es, _, err := s.DB.Elections(ctx, store.ElectionFilter{Statuses: open, Page: store.Page{Size: 500}})
	if err != nil {
		return nil, err
	}
	es = slices.DeleteFunc(es, func(e store.Election) bool { return e.ID != current && !election.MayView(p, e.Status) })
	if current != 0 && !slices.ContainsFunc(es, func(e store.Election) bool { return e.ID == current }) {
		el, err := s.DB.ElectionByID(ctx, current)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			es = append(es, el)
		}
	}
	return es, nil
}

// ManagesSomeEvents reports whether p may manage events of the whole
// organisation or of some body.
func ManagesSomeEvents(p *auth.Principal) bool {
	if p.Can(auth.ManageEvents, auth.Target{}) {
		return true
	}
	for _, g := range p.Grants {
		if g.BodyID != 0 && p.Can(auth.ManageEvents, auth.Target{BodyID: g.BodyID}) {
			return true
		}
	}
	return false
}

// Events lists events from a time on (zero: all).
func (s *Service) Events(ctx context.Context, from time.Time, bodyID int64) ([]store.Event, error) {
	return s.DB.Events(ctx, store.EventFilter{From: from, BodyID: bodyID})
}

// EventForEdit reads an event for its form.
func (s *Service) EventForEdit(ctx context.Context, p *auth.Principal, slug string) (store.Event, EventInput, error) {
	e, err := s.DB.EventBySlug(ctx, slug)
	if err != nil {
		return e, EventInput{}, err
	}
	if err := p.Require(auth.ManageEvents, auth.Target{BodyID: e.BodyID}); err != nil {
		return e, EventInput{}, err
	}
	start, end := e.StartsAt.In(Zone), e.EndsAt.In(Zone)
	return e, EventInput{Title: e.Title, Slug: e.Slug, Kind: e.Kind, BodyID: e.BodyID, Description: e.Description, Place: e.Place,
		OnlineURL: e.OnlineURL, Date: start.Format(time.DateOnly), Start: start.Format("15:04"), End: end.Format("15:04"),
		Capacity: e.Capacity, Cancelled: e.Cancelled, ElectionID: e.ElectionID}, nil
}

// EventDescriptionHTML renders an event's description (Markdown).
func (s *Service) EventDescriptionHTML(e store.Event) string {
	if strings.TrimSpace(e.Description) == "" {
		return ""
	}
	return s.html.render(FormatMarkdown, e.Description, nil).HTML
}
