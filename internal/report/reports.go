package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/store"
)

// SectionKind is a standard section of a report of a meeting.
type SectionKind struct {
	Key, Heading string
}

// SectionKinds are the standard sections, in their usual order; "other"
// takes a heading of the author's choosing.
var SectionKinds = []SectionKind{
	{"leader", "Leader’s report"},
	{"deputy_leader", "Deputy Leader’s report"},
	{"general_secretary", "General Secretary’s report"},
	{"local_government", "Local government"},
	{"european_international", "European and international"},
	{"policy", "Policy"},
	{"elections", "Elections"},
	{"organisation", "Organisation"},
	{"equalities", "Equalities"},
	{"disputes", "Disputes"},
	{"finance", "Finance"},
	{"other", "Other business"},
}

// SectionHeading is the standard heading of a kind of section.
func SectionHeading(kind string) string {
	for _, k := range SectionKinds {
		if k.Key == kind {
			return k.Heading
		}
	}
	return ""
}

// Limits of what a report may hold.
const (
	maxTitle    = 200
	maxSummary  = 1000
	maxText     = 200_000 // characters of an introduction or a section
	maxSections = 40
	maxTags     = 20
)

// ReportInput is what the report form submits.
type ReportInput struct {
	Title          string
	Slug           string
	Summary        string
	Intro          string
	BodyID         int64
	MeetingID      int64
	Sections       []Section
	Tags           string // comma-separated
	CommentsOpen   bool
	SendNewsletter bool
}

func (in *ReportInput) normalise() {
	in.Title = strings.TrimSpace(in.Title)
	in.Slug = strings.TrimSpace(strings.ToLower(in.Slug))
	in.Summary = strings.TrimSpace(in.Summary)
	if in.Slug == "" {
		in.Slug = Slugify(in.Title)
	}
	var secs []Section
	for _, s := range in.Sections {
		s.Heading = strings.TrimSpace(s.Heading)
		if s.Heading == "" {
			s.Heading = SectionHeading(s.Kind)
		}
		if s.Kind == "" {
			s.Kind = "other"
		}
		secs = append(secs, s)
	}
	in.Sections = secs
}

func (in ReportInput) validate() FieldErrors {
	fe := FieldErrors{}
	switch {
	case in.Title == "":
		fe["title"] = "Enter a title"
	case len(in.Title) > maxTitle:
		fe["title"] = "Use at most 200 characters"
	}
	switch {
	case in.Slug == "":
		fe["slug"] = "Enter a short name for the web address, e.g. nec-report-january"
	case len(in.Slug) > 100 || in.Slug != Slugify(in.Slug):
		fe["slug"] = "Use lowercase letters, digits and single hyphens only"
	}
	if len(in.Summary) > maxSummary {
		fe["summary"] = "Use at most 1,000 characters"
	}
	if in.BodyID == 0 {
		fe["body"] = "Choose the body this report is about"
	}
	if len(in.Intro) > maxText {
		fe["intro"] = "The introduction is too long"
	}
	if len(in.Sections) > maxSections {
		fe["sections"] = "Use at most 40 sections"
	}
	for i, s := range in.Sections {
		key := fmt.Sprintf("section-%d", i)
		if SectionHeading(s.Kind) == "" {
			fe[key+"-kind"] = "Choose a kind of section"
		}
		if len(s.Heading) > maxTitle {
			fe[key+"-heading"] = "Use at most 200 characters"
		}
		if len(s.Body) > maxText {
			fe[key+"-body"] = "This section is too long"
		}
	}
	if len(splitTags(in.Tags)) > maxTags {
		fe["tags"] = "Use at most 20 tags"
	}
	return fe
}

// splitTags reads "Local government, elections" into names.
func splitTags(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.Split(s, ",") {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" || len(t) > 60 || seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	return out
}

// Preview renders what the form holds, without saving it.
func (s *Service) Preview(in ReportInput) Rendered {
	in.normalise()
	return s.html.render(FormatMarkdown, in.Intro, in.Sections)
}

// canWrite checks that p may write a report on the body.
func (s *Service) canWrite(ctx context.Context, p *auth.Principal, bodyID int64) error {
	holder, err := s.seatHolder(ctx, p, bodyID)
	if err != nil {
		return err
	}
	return p.Require(auth.WriteReport, auth.Target{BodyID: bodyID, SeatHolder: holder})
}

// BodiesFor lists the bodies p may write reports on: those where p holds a
// seat, or every body for an administrator.
func (s *Service) BodiesFor(ctx context.Context, p *auth.Principal) ([]store.Body, error) {
	if !p.SignedIn() {
		return nil, auth.ErrSignInNeeded
	}
	if p.Can(auth.WriteReport, auth.Target{BodyID: -1}) {
		return s.DB.Bodies(ctx)
	}
	return s.DB.SeatBodiesOf(ctx, p.PersonID, s.now())
}

// CreateReport saves a new draft written by p.
func (s *Service) CreateReport(ctx context.Context, p *auth.Principal, in ReportInput) (store.Report, error) {
	in.normalise()
	if in.BodyID == 0 && p.SignedIn() {
		// No body chosen yet: say so with the form's other errors.
		return store.Report{}, orNil(in.validate())
	}
	if err := s.canWrite(ctx, p, in.BodyID); err != nil {
		return store.Report{}, err
	}
	if err := orNil(in.validate()); err != nil {
		return store.Report{}, err
	}
	now := s.now()
	r := store.Report{Kind: "report", AuthorID: p.PersonID, Status: store.ReportDraft, Format: FormatMarkdown, CreatedAt: now}
	err := s.inTx(ctx, func(tx *store.Tx) error {
		if err := s.checkMeeting(ctx, tx, in); err != nil {
			return err
		}
		if err := s.fill(&r, in, now); err != nil {
			return err
		}
		taken, err := tx.ReportSlugTaken(ctx, r.Slug, 0)
		if err != nil {
			return err
		}
		if taken {
			return FieldErrors{"slug": "Another report already uses this web address"}
		}
		if r.ID, err = tx.CreateReport(ctx, r); err != nil {
			return err
		}
		if err := s.saveParts(ctx, tx, r.ID, in); err != nil {
			return err
		}
		return audit(ctx, tx, p, "report.create", "report", r.ID, "", fmt.Sprintf("title=%q body=%d", r.Title, r.BodyID))
	})
	return r, err
}

func (s *Service) checkMeeting(ctx context.Context, tx *store.Tx, in ReportInput) error {
	if in.MeetingID == 0 {
		return nil
	}
	m, err := tx.MeetingByID(ctx, in.MeetingID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.BodyID != in.BodyID) {
		return FieldErrors{"meeting": "Choose a meeting of the same body"}
	}
	return err
}

// fill copies the form into the report and renders it.
func (s *Service) fill(r *store.Report, in ReportInput, now time.Time) error {
	r.Title, r.Slug, r.Summary, r.Intro = in.Title, in.Slug, in.Summary, in.Intro
	r.BodyID, r.MeetingID = in.BodyID, in.MeetingID
	r.CommentsOpen, r.SendNewsletter = in.CommentsOpen, in.SendNewsletter
	rendered := s.html.render(r.Format, in.Intro, in.Sections)
	r.HTML, r.TOC, r.PlainText = rendered.HTML, rendered.TOCJSON(), rendered.PlainText
	if r.Summary == "" {
		r.Summary = excerpt(paragraphText(s.html.fragment(r.Format, in.Intro, 2)), 280)
	}
	r.UpdatedAt = now
	return nil
}

func (s *Service) saveParts(ctx context.Context, tx *store.Tx, reportID int64, in ReportInput) error {
	secs := make([]store.ReportSection, len(in.Sections))
	for i, x := range in.Sections {
		secs[i] = store.ReportSection{Kind: x.Kind, Heading: x.Heading, Body: x.Body}
	}
	if err := tx.ReplaceSections(ctx, reportID, secs); err != nil {
		return err
	}
	var ids []int64
	for _, name := range splitTags(in.Tags) {
		slug := Slugify(name)
		if slug == "" {
			continue
		}
		id, _, err := tx.EnsureTag(ctx, store.Tag{Kind: "tag", Slug: slug, Name: name})
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	return tx.SetReportTags(ctx, reportID, ids)
}

// editable reads a report p may edit.
func (s *Service) editable(ctx context.Context, tx *store.Tx, p *auth.Principal, id int64) (store.Report, error) {
	r, err := tx.ReportByID(ctx, id)
	if err != nil {
		return r, err
	}
	return r, p.Require(auth.EditReport, auth.Target{BodyID: r.BodyID, AuthorID: r.AuthorID})
}

// UpdateReport saves changes to a report; a published report stays
// published (and its search entry follows), a scheduled one scheduled.
func (s *Service) UpdateReport(ctx context.Context, p *auth.Principal, id int64, in ReportInput) (store.Report, error) {
	in.normalise()
	var r store.Report
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = s.editable(ctx, tx, p, id); err != nil {
			return err
		}
		if in.BodyID != r.BodyID && !p.Can(auth.EditReport, auth.Target{}) {
			// Moving a report to another body needs a seat there.
			if err := s.canWrite(ctx, p, in.BodyID); err != nil {
				return err
			}
		}
		if err := orNil(in.validate()); err != nil {
			return err
		}
		if err := s.checkMeeting(ctx, tx, in); err != nil {
			return err
		}
		old := fmt.Sprintf("title=%q slug=%s", r.Title, r.Slug)
		if r.Slug != in.Slug && r.Published() {
			// The old address keeps working.
			if _, err := tx.PutRedirect(ctx, "/reports/"+r.Slug, "/reports/"+in.Slug, s.now()); err != nil {
				return err
			}
		}
		if err := s.fill(&r, in, s.now()); err != nil {
			return err
		}
		taken, err := tx.ReportSlugTaken(ctx, r.Slug, r.ID)
		if err != nil {
			return err
		}
		if taken {
			return FieldErrors{"slug": "Another report already uses this web address"}
		}
		if err := tx.UpdateReport(ctx, r); err != nil {
			return err
		}
		if err := s.saveParts(ctx, tx, r.ID, in); err != nil {
			return err
		}
		if r.Published() {
			if err := s.indexReport(ctx, tx, r); err != nil {
				return err
			}
		}
		return audit(ctx, tx, p, "report.update", "report", r.ID, old, fmt.Sprintf("title=%q slug=%s", r.Title, r.Slug))
	})
	return r, err
}

// ReportForEdit reads a report with its sections and tags for its author
// or an administrator.
func (s *Service) ReportForEdit(ctx context.Context, p *auth.Principal, id int64) (store.Report, ReportInput, error) {
	r, err := s.DB.ReportByID(ctx, id)
	if err != nil {
		return r, ReportInput{}, err
	}
	if err := p.Require(auth.EditReport, auth.Target{BodyID: r.BodyID, AuthorID: r.AuthorID}); err != nil {
		return r, ReportInput{}, err
	}
	secs, err := s.DB.SectionsOfReport(ctx, id)
	if err != nil {
		return r, ReportInput{}, err
	}
	tags, err := s.DB.TagsOfReport(ctx, id)
	if err != nil {
		return r, ReportInput{}, err
	}
	in := ReportInput{Title: r.Title, Slug: r.Slug, Summary: r.Summary, Intro: r.Intro, BodyID: r.BodyID, MeetingID: r.MeetingID,
		CommentsOpen: r.CommentsOpen, SendNewsletter: r.SendNewsletter}
	for _, x := range secs {
		in.Sections = append(in.Sections, Section{Kind: x.Kind, Heading: x.Heading, Body: x.Body})
	}
	var names []string
	for _, t := range tags {
		names = append(names, t.Name)
	}
	in.Tags = strings.Join(names, ", ")
	return r, in, nil
}

// Publish makes a report public now. Its newsletter goes to subscribers
// (once, whatever happens later) when the report asks for one.
func (s *Service) Publish(ctx context.Context, p *auth.Principal, id int64) (store.Report, error) {
	var r store.Report
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = s.editable(ctx, tx, p, id); err != nil {
			return err
		}
		if r.Published() {
			return nil
		}
		from := r.Status
		r.Status, r.PublishAt = store.ReportPublished, s.now()
		if err := tx.SetReportStatus(ctx, r.ID, from, r.Status, r.PublishAt, s.now()); err != nil {
			return err
		}
		if err := s.afterPublish(ctx, tx, r); err != nil {
			return err
		}
		return audit(ctx, tx, p, "report.publish", "report", r.ID, from, store.ReportPublished)
	})
	return r, err
}

// afterPublish does what publishing sets going, in the same transaction:
// the search entry and the newsletter.
func (s *Service) afterPublish(ctx context.Context, tx *store.Tx, r store.Report) error {
	if err := s.indexReport(ctx, tx, r); err != nil {
		return err
	}
	if !r.SendNewsletter || r.Kind != "report" {
		return nil
	}
	_, err := s.Queue.EnqueueTx(ctx, tx, NewsletterStartKind, newsletterStartPayload{ReportID: r.ID},
		jobs.UniqueKey(fmt.Sprintf("newsletter-start:%d", r.ID)), jobs.MaxAttempts(10))
	return err
}

// PublishKind is the job that publishes a scheduled report.
const PublishKind = "report.publish"

type publishPayload struct {
	ReportID int64     `json:"report_id"`
	At       time.Time `json:"at"`
}

// Schedule sets a report to be published at a time in the future.
func (s *Service) Schedule(ctx context.Context, p *auth.Principal, id int64, at time.Time) (store.Report, error) {
	if !at.After(s.now()) {
		return store.Report{}, FieldErrors{"publish_at": "Choose a time in the future"}
	}
	at = at.UTC().Truncate(time.Second)
	var r store.Report
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = s.editable(ctx, tx, p, id); err != nil {
			return err
		}
		if r.Published() {
			return FieldErrors{"publish_at": "This report is already published"}
		}
		from := r.Status
		r.Status, r.PublishAt = store.ReportScheduled, at
		if err := tx.SetReportStatus(ctx, r.ID, from, r.Status, at, s.now()); err != nil {
			return err
		}
		// The key holds the time: a report rescheduled gets a new job, and
		// the old one finds the time changed and does nothing.
		if _, err := s.Queue.ScheduleTx(ctx, tx, at, PublishKind, publishPayload{ReportID: r.ID, At: at},
			jobs.UniqueKey(fmt.Sprintf("report-publish:%d:%d", r.ID, at.Unix())), jobs.MaxAttempts(20)); err != nil {
			return err
		}
		return audit(ctx, tx, p, "report.schedule", "report", r.ID, from, at.Format(time.RFC3339))
	})
	return r, err
}

// Unpublish takes a report back to draft (a scheduled one is no longer
// scheduled); its newsletter, if sent, cannot be called back.
func (s *Service) Unpublish(ctx context.Context, p *auth.Principal, id int64) (store.Report, error) {
	var r store.Report
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = s.editable(ctx, tx, p, id); err != nil {
			return err
		}
		if r.Status == store.ReportDraft {
			return nil
		}
		from := r.Status
		keep := r.PublishAt
		if from == store.ReportScheduled {
			keep = time.Time{}
		}
		r.Status, r.PublishAt = store.ReportDraft, keep
		if err := tx.SetReportStatus(ctx, r.ID, from, r.Status, keep, s.now()); err != nil {
			return err
		}
		if err := tx.DeleteSearchDocument(ctx, "report", r.ID); err != nil {
			return err
		}
		return audit(ctx, tx, p, "report.unpublish", "report", r.ID, from, store.ReportDraft)
	})
	return r, err
}

// publishScheduled is the report.publish job.
func (s *Service) publishScheduled(ctx context.Context, raw json.RawMessage) error {
	var pl publishPayload
	if err := decodePayload(raw, &pl); err != nil || pl.ReportID == 0 {
		return jobs.Permanent(fmt.Errorf("report.publish payload: %v", err))
	}
	return s.inTx(ctx, func(tx *store.Tx) error {
		r, err := tx.ReportByID(ctx, pl.ReportID)
		if errors.Is(err, store.ErrNotFound) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		if r.Status != store.ReportScheduled || !r.PublishAt.Equal(pl.At.UTC()) {
			return nil // unscheduled or moved to another time
		}
		r.Status = store.ReportPublished
		if err := tx.SetReportStatus(ctx, r.ID, store.ReportScheduled, r.Status, r.PublishAt, s.now()); err != nil {
			return err
		}
		if err := s.afterPublish(ctx, tx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Action: "report.publish", TargetType: "report", TargetID: idText(r.ID), Old: store.ReportScheduled, New: store.ReportPublished})
	})
}

// indexReport puts a published report in the site search.
func (s *Service) indexReport(ctx context.Context, tx *store.Tx, r store.Report) error {
	return tx.PutSearchDocument(ctx, store.SearchDocument{
		Kind: "report", RefID: r.ID, BodyID: r.BodyID, PersonID: r.AuthorID, Year: r.PublishAt.Year(),
		Title: r.Title, Content: r.PlainText, URL: "/reports/" + r.Slug, PublishedAt: r.PublishAt,
	})
}

// ReportPage is what the public page of a report shows.
type ReportPage struct {
	Report   store.Report
	TOC      []TOCEntry
	Tags     []store.Tag
	Comments []CommentNode
	CanEdit  bool
	// CanModerate: p may approve, hide and delete comments here.
	CanModerate bool
	// CanComment: the comment form is shown.
	CanComment bool
	URL        string // absolute address, for OpenGraph and sharing
	CoverURL   string // absolute address of the cover image, or ""
}

// ReportPage reads a report for its page. Drafts and scheduled reports are
// shown only to those who may edit them.
func (s *Service) ReportPage(ctx context.Context, p *auth.Principal, slug string) (ReportPage, error) {
	r, err := s.DB.ReportBySlug(ctx, slug)
	if err != nil {
		return ReportPage{}, err
	}
	canEdit := p.Can(auth.EditReport, auth.Target{BodyID: r.BodyID, AuthorID: r.AuthorID})
	if !r.Published() && !canEdit {
		return ReportPage{}, store.ErrNotFound
	}
	tags, err := s.DB.TagsOfReport(ctx, r.ID)
	if err != nil {
		return ReportPage{}, err
	}
	comments, err := s.DB.ApprovedComments(ctx, r.ID)
	if err != nil {
		return ReportPage{}, err
	}
	pg := ReportPage{
		Report: r, TOC: ParseTOC(r.TOC), Tags: tags, Comments: threadComments(comments), CanEdit: canEdit,
		CanModerate: p.Can(auth.ModerateComments, auth.Target{BodyID: r.BodyID, AuthorID: r.AuthorID}),
		CanComment:  r.Published() && r.CommentsOpen && p.SignedIn(),
		URL:         s.cfg.BaseURL + "/reports/" + url.PathEscape(r.Slug),
	}
	if r.Published() && r.CommentsOpen && !p.SignedIn() {
		if pg.CanComment, err = s.PublicComments(ctx); err != nil {
			return ReportPage{}, err
		}
	}
	if r.CoverImageID != 0 {
		pg.CoverURL = fmt.Sprintf("%s/images/%d", s.cfg.BaseURL, r.CoverImageID)
	}
	return pg, nil
}

// MyReports lists the reports p wrote, drafts first.
func (s *Service) MyReports(ctx context.Context, p *auth.Principal, page store.Page) ([]store.Report, int, error) {
	if !p.SignedIn() {
		return nil, 0, auth.ErrSignInNeeded
	}
	return s.DB.Reports(ctx, store.ReportFilter{AuthorID: p.PersonID, Statuses: []string{store.ReportDraft, store.ReportScheduled, store.ReportPublished}, Page: page})
}

// RepresentativePage is a representative's public page of reports.
type RepresentativePage struct {
	Person  store.Person
	Terms   []store.SeatTerm
	Years   []int
	Year    int
	Reports []store.Report
	Total   int
}

// Representative reads a person's reports, a year at a time (the latest
// year by default). A person with no published report and no seat is not
// a representative: ErrNotFound.
func (s *Service) Representative(ctx context.Context, slug string, year int, page store.Page) (RepresentativePage, error) {
	person, err := s.DB.PersonBySlug(ctx, slug)
	if err != nil {
		return RepresentativePage{}, err
	}
	terms, err := s.DB.TermsOf(ctx, person.ID)
	if err != nil {
		return RepresentativePage{}, err
	}
	years, err := s.DB.ReportYears(ctx, person.ID)
	if err != nil {
		return RepresentativePage{}, err
	}
	if len(terms) == 0 && len(years) == 0 {
		return RepresentativePage{}, store.ErrNotFound
	}
	rp := RepresentativePage{Person: person, Terms: terms, Years: years, Year: year}
	if rp.Year == 0 && len(years) > 0 {
		rp.Year = years[0]
	}
	if rp.Year != 0 {
		rp.Reports, rp.Total, err = s.DB.Reports(ctx, store.ReportFilter{AuthorID: person.ID, Year: rp.Year, Page: page})
	}
	return rp, err
}

// BodyReports is every current representative of a body with their
// latest reports.
type BodyReports struct {
	Body    store.Body
	Holders []HolderReports
	Recent  []store.Report
}

// HolderReports is one representative and their latest reports.
type HolderReports struct {
	Holding store.SeatHolding
	Reports []store.Report
}

// BodyReportsPage reads the body's representatives and their latest reports.
func (s *Service) BodyReportsPage(ctx context.Context, body store.Body, perHolder int) (BodyReports, error) {
	holders, err := s.DB.SeatHoldersOf(ctx, body.ID, s.now())
	if err != nil {
		return BodyReports{}, err
	}
	ids := make([]int64, 0, len(holders))
	seen := map[int64]bool{}
	for _, h := range holders {
		if !seen[h.PersonID] {
			seen[h.PersonID] = true
			ids = append(ids, h.PersonID)
		}
	}
	latest, err := s.DB.LatestReportsOfAuthors(ctx, body.ID, ids, perHolder)
	if err != nil {
		return BodyReports{}, err
	}
	br := BodyReports{Body: body}
	shown := map[int64]bool{}
	for _, h := range holders {
		if shown[h.PersonID] {
			continue
		}
		shown[h.PersonID] = true
		br.Holders = append(br.Holders, HolderReports{Holding: h, Reports: latest[h.PersonID]})
	}
	br.Recent, _, err = s.DB.Reports(ctx, store.ReportFilter{BodyID: body.ID, Page: store.Page{Size: 10}})
	return br, err
}
