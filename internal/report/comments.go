package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/store"
)

// Comment limits and spam defences.
const (
	maxCommentBytes = 5000
	// Config.CommentsPerWindow comments from one address (network or
	// e-mail) per commentWindow are accepted; more are refused.
	commentWindow = 10 * time.Minute
	// flagsToHold reports from different people send an approved comment
	// back to the moderators.
	flagsToHold = 3
)

// CommentInput is what the comment form submits.
type CommentInput struct {
	ParentID int64
	Name     string
	Email    string
	URL      string
	Body     string
	Notify   bool // e-mail me when someone replies
	// Trap is the honeypot: a field people never see and robots fill in.
	Trap string
	// Client identifies where the comment came from (the network
	// address), for rate limits only; it is not stored.
	Client string
}

// CommentResult says what happened to a comment.
type CommentResult struct {
	ID     int64
	Status string // approved: shown now; pending: waits for a moderator
}

// PostComment adds a comment to a published report whose comments are
// open. People signed in comment under their name; visitors may when the
// organisation allows it. A visitor's comment always waits for a
// moderator: the name and address they type prove nothing, so they
// cannot earn trust (nor borrow someone else's). A signed-in person's
// first comment waits too; once one of theirs is approved, their next
// ones show at once. Moderators' comments show at once.
func (s *Service) PostComment(ctx context.Context, p *auth.Principal, reportID int64, in CommentInput) (CommentResult, error) {
	r, err := s.DB.ReportByID(ctx, reportID)
	if err != nil {
		return CommentResult{}, err
	}
	if !r.Published() {
		return CommentResult{}, store.ErrNotFound
	}
	if !r.CommentsOpen {
		return CommentResult{}, ErrClosed
	}
	if !p.SignedIn() {
		public, err := s.PublicComments(ctx)
		if err != nil {
			return CommentResult{}, err
		}
		if !public {
			return CommentResult{}, auth.ErrSignInNeeded
		}
	}
	if strings.TrimSpace(in.Trap) != "" {
		// A robot: answer as if the comment were held, keep nothing.
		return CommentResult{Status: store.CommentPending}, nil
	}
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.URL = strings.TrimSpace(in.URL)
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if p.SignedIn() {
		person, err := s.DB.PersonByID(ctx, p.PersonID)
		if err != nil {
			return CommentResult{}, err
		}
		in.Name, in.Email = person.Name, strings.ToLower(person.Email)
	}
	fe := FieldErrors{}
	switch {
	case in.Name == "":
		fe["name"] = "Enter your name"
	case len(in.Name) > 100:
		fe["name"] = "Use at most 100 characters"
	}
	if !p.SignedIn() {
		if a, err := netmail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			fe["email"] = "Enter an e-mail address, like name@example.org"
		}
	}
	if in.URL != "" {
		if u, err := url.Parse(in.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(in.URL) > 300 {
			fe["url"] = "Enter a web address starting https://, or leave it empty"
		}
	}
	switch {
	case len(in.Body) < 2:
		fe["body"] = "Write your comment"
	case len(in.Body) > maxCommentBytes:
		fe["body"] = "Use at most 5,000 characters"
	}
	if err := orNil(fe); err != nil {
		return CommentResult{}, err
	}
	for _, key := range []string{"comment-ip:" + in.Client, "comment-email:" + in.Email} {
		ok, err := s.DB.Hit(ctx, key, s.cfg.CommentsPerWindow, commentWindow, s.now())
		if err != nil {
			return CommentResult{}, err
		}
		if !ok {
			return CommentResult{}, ErrRateLimited
		}
	}
	status := store.CommentPending
	switch {
	case p.Can(auth.ModerateComments, auth.Target{BodyID: r.BodyID, AuthorID: r.AuthorID}):
		status = store.CommentApproved
	case p.SignedIn():
		// Trust is earned by the person, never by an address.
		known, err := s.DB.HasApprovedComment(ctx, p.PersonID)
		if err != nil {
			return CommentResult{}, err
		}
		if known {
			status = store.CommentApproved
		}
	}
	c := store.Comment{ReportID: r.ID, ParentID: in.ParentID, PersonID: p.PersonID, AuthorName: in.Name, AuthorEmail: in.Email,
		AuthorURL: in.URL, Body: in.Body, Status: status, NotifyReplies: notifyReplies(p, in), CreatedAt: s.now()}
	err = s.inTx(ctx, func(tx *store.Tx) error {
		if c.ParentID != 0 {
			parent, err := tx.CommentByID(ctx, c.ParentID)
			if err != nil || parent.ReportID != r.ID || parent.Status != store.CommentApproved {
				return FieldErrors{"body": "The comment you are replying to is no longer shown"}
			}
		}
		var err error
		if c.ID, err = tx.InsertComment(ctx, c); err != nil {
			return err
		}
		if status == store.CommentApproved {
			return s.queueReplyNotice(ctx, tx, c)
		}
		return nil
	})
	return CommentResult{ID: c.ID, Status: status}, err
}

// notifyReplies says whether the commenter is to be told of replies: only
// a signed-in person, whose address Quorum knows to be theirs. A visitor's
// address is typed, so anyone could have their replies sent to another.
func notifyReplies(p *auth.Principal, in CommentInput) bool {
	return in.Notify && in.Email != "" && p.SignedIn()
}

// CommentReplyKind is the job that tells a commenter someone replied.
const CommentReplyKind = "report.comment-reply"

type commentReplyPayload struct {
	CommentID int64 `json:"comment_id"`
}

// queueReplyNotice sets an e-mail going to the author of the comment c
// replies to, if they asked for one, once c is shown.
func (s *Service) queueReplyNotice(ctx context.Context, tx *store.Tx, c store.Comment) error {
	if c.ParentID == 0 {
		return nil
	}
	_, err := s.Queue.EnqueueTx(ctx, tx, CommentReplyKind, commentReplyPayload{CommentID: c.ID},
		jobs.UniqueKey(fmt.Sprintf("comment-reply:%d", c.ID)), jobs.MaxAttempts(5))
	return err
}

// commentReplyNotice is the report.comment-reply job.
func (s *Service) commentReplyNotice(ctx context.Context, raw json.RawMessage) error {
	var pl commentReplyPayload
	if err := decodePayload(raw, &pl); err != nil || pl.CommentID == 0 {
		return jobs.Permanent(fmt.Errorf("comment-reply payload: %v", err))
	}
	c, err := s.DB.CommentByID(ctx, pl.CommentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.Status != store.CommentApproved || c.ParentID == 0 {
		return nil
	}
	parent, err := s.DB.CommentByID(ctx, c.ParentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	// Only a signed-in commenter's address is known to be theirs; a
	// visitor's comment that asked before that rule is not written to.
	if !parent.NotifyReplies || parent.PersonID == 0 || parent.AuthorEmail == "" || parent.AuthorEmail == c.AuthorEmail || parent.Status != store.CommentApproved {
		return nil
	}
	if sup, err := s.DB.IsSuppressed(ctx, parent.AuthorEmail); err != nil || sup {
		return err
	}
	link := fmt.Sprintf("%s/reports/%s#comment-%d", s.cfg.BaseURL, url.PathEscape(c.ReportSlug), c.ID)
	text := fmt.Sprintf("Hello %s,\n\n%s replied to your comment on “%s”:\n\n%s\n\nRead the conversation: %s\n\nYou asked to be told of replies when you commented. This is the only kind of e-mail this sends.\n\n%s\n",
		parent.AuthorName, c.AuthorName, c.ReportTitle, indent(c.Body), link, s.cfg.SiteName)
	return s.inTx(ctx, func(tx *store.Tx) error {
		_, err := s.Mail.SendTx(ctx, tx, mail.Message{To: parent.AuthorEmail, Subject: "A reply to your comment on " + oneLine(c.ReportTitle), Text: text})
		return err
	})
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// CommentNode is a comment with the replies to it, for display.
type CommentNode struct {
	store.Comment
	HTML    string // the text as safe HTML
	Replies []CommentNode
	Depth   int
}

// maxThreadDepth: deeper replies are shown at this depth.
const maxThreadDepth = 5

// threadComments arranges approved comments as threads, oldest first. A
// reply whose parent is not shown is shown at the top level.
func threadComments(cs []store.Comment) []CommentNode {
	byParent := map[int64][]store.Comment{}
	shown := map[int64]bool{}
	for _, c := range cs {
		shown[c.ID] = true
	}
	for _, c := range cs {
		parent := c.ParentID
		if !shown[parent] {
			parent = 0
		}
		byParent[parent] = append(byParent[parent], c)
	}
	var build func(parent int64, depth int) []CommentNode
	build = func(parent int64, depth int) []CommentNode {
		var out []CommentNode
		for _, c := range byParent[parent] {
			n := CommentNode{Comment: c, HTML: commentHTML(c.Body), Depth: min(depth, maxThreadDepth)}
			n.Replies = build(c.ID, depth+1)
			out = append(out, n)
		}
		return out
	}
	return build(0, 0)
}

// Moderation actions.
const (
	ModApprove = "approve"
	ModHide    = "hide"
	ModSpam    = "spam"
	ModDelete  = "delete"
)

// Moderate approves, hides, marks as spam or deletes a comment. The
// report's author, the body's secretary and administrators may.
func (s *Service) Moderate(ctx context.Context, p *auth.Principal, commentID int64, action string) (store.Comment, error) {
	var c store.Comment
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = tx.CommentByID(ctx, commentID); err != nil {
			return err
		}
		r, err := tx.ReportByID(ctx, c.ReportID)
		if err != nil {
			return err
		}
		if err := p.Require(auth.ModerateComments, auth.Target{BodyID: r.BodyID, AuthorID: r.AuthorID}); err != nil {
			return err
		}
		old := c.Status
		switch action {
		case ModDelete:
			if err := tx.DeleteComment(ctx, c.ID); err != nil {
				return err
			}
			return audit(ctx, tx, p, "comment.delete", "comment", c.ID, old, "deleted")
		case ModApprove:
			c.Status = store.CommentApproved
		case ModHide:
			c.Status = store.CommentHidden
		case ModSpam:
			c.Status = store.CommentSpam
		default:
			return fmt.Errorf("%w: unknown moderation action", auth.ErrForbidden)
		}
		if err := tx.SetCommentStatus(ctx, c.ID, c.Status, p.PersonID, s.now()); err != nil {
			return err
		}
		if c.Status == store.CommentApproved && old != store.CommentApproved {
			if err := s.queueReplyNotice(ctx, tx, c); err != nil {
				return err
			}
		}
		return audit(ctx, tx, p, "comment."+action, "comment", c.ID, old, c.Status)
	})
	return c, err
}

// ModerationQueue lists comments p may moderate in a status (pending by
// default): on p's own reports, on reports of bodies p is secretary of, or
// everywhere for an administrator.
func (s *Service) ModerationQueue(ctx context.Context, p *auth.Principal, status string, flagged bool, page store.Page) ([]store.Comment, int, error) {
	if !p.SignedIn() {
		return nil, 0, auth.ErrSignInNeeded
	}
	switch status {
	case "", store.CommentPending, store.CommentApproved, store.CommentHidden, store.CommentSpam:
	default:
		status = store.CommentPending
	}
	f := store.CommentFilter{Status: status, AuthorID: p.PersonID, Flagged: flagged, Page: page}
	f.All = p.Can(auth.ModerateComments, auth.Target{})
	for _, g := range p.Grants {
		if g.BodyID != 0 && p.Can(auth.ModerateComments, auth.Target{BodyID: g.BodyID}) {
			f.BodyIDs = append(f.BodyIDs, g.BodyID)
		}
	}
	return s.DB.CommentsForModeration(ctx, f)
}

// FlagComment records that a reader reported a comment. After reports from
// flagsToHold different readers, a shown comment goes back to the
// moderators until they decide.
func (s *Service) FlagComment(ctx context.Context, p *auth.Principal, commentID int64, reason, client string) error {
	ok, err := s.DB.Hit(ctx, "comment-flag:"+client, 10, time.Hour, s.now())
	if err != nil {
		return err
	}
	if !ok {
		return ErrRateLimited
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > 500 {
		reason = reason[:500]
	}
	key := "ip:" + client
	if p.SignedIn() {
		key = "person:" + idText(p.PersonID)
	}
	return s.inTx(ctx, func(tx *store.Tx) error {
		c, err := tx.CommentByID(ctx, commentID)
		if err != nil {
			return err
		}
		if c.Status != store.CommentApproved {
			return store.ErrNotFound
		}
		added, err := tx.FlagComment(ctx, c.ID, key, reason, s.now())
		if err != nil || !added {
			return err
		}
		if c.Flags+1 >= flagsToHold {
			return tx.SetCommentStatus(ctx, c.ID, store.CommentPending, 0, s.now())
		}
		return nil
	})
}

// ReportOfComment finds the report a comment is on (for redirects).
func (s *Service) ReportOfComment(ctx context.Context, commentID int64) (store.Comment, error) {
	return s.DB.CommentByID(ctx, commentID)
}

// decodePayload reads a job payload.
func decodePayload(raw []byte, v any) error { return json.Unmarshal(raw, v) }
