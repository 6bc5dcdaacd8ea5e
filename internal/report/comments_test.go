package report_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestCommentsAreModerated(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setPublicComments(true)
		r := e.publish(e.rep, e.draft(e.rep, "Open for comments", report.ReportInput{CommentsOpen: true}))

		first := report.CommentInput{Name: "Pat Reader", Email: "Pat@Example.org", Body: "Thanks for the report.", Notify: true, Client: "192.0.2.1"}
		res, err := e.svc.PostComment(e.ctx, e.anon, r.ID, first)
		if err != nil || res.Status != store.CommentPending {
			t.Fatalf("first comment: %v %+v", err, res)
		}
		pg, _ := e.svc.ReportPage(e.ctx, e.anon, r.Slug)
		if len(pg.Comments) != 0 {
			t.Fatal("a held comment is shown")
		}
		// Moderators: the author, the body's secretary, administrators.
		for _, p := range []*auth.Principal{e.anon, e.member, e.rep2} {
			if _, err := e.svc.Moderate(e.ctx, p, res.ID, report.ModApprove); err == nil {
				t.Errorf("person %d moderated", p.PersonID)
			}
		}
		for _, p := range []*auth.Principal{e.rep, e.secretary, e.admin} {
			q, total, err := e.svc.ModerationQueue(e.ctx, p, "", false, store.Page{})
			if err != nil || total != 1 || q[0].ID != res.ID {
				t.Errorf("person %d's queue: %v %d", p.PersonID, err, total)
			}
		}
		if q, total, _ := e.svc.ModerationQueue(e.ctx, e.rep2, "", false, store.Page{}); total != 0 {
			t.Errorf("another representative sees the queue: %+v", q)
		}
		if _, err := e.svc.Moderate(e.ctx, e.secretary, res.ID, report.ModApprove); err != nil {
			t.Fatal(err)
		}

		// A visitor proves nothing by typing the same address again: the
		// next comment waits too.
		second := first
		second.Body, second.Email = "One more thing.", "pat@example.org"
		res2, err := e.svc.PostComment(e.ctx, e.anon, r.ID, second)
		if err != nil || res2.Status != store.CommentPending {
			t.Fatalf("second comment: %v %+v", err, res2)
		}
		if _, err := e.svc.Moderate(e.ctx, e.rep, res2.ID, report.ModApprove); err != nil {
			t.Fatal(err)
		}
		// A signed-in member asks to be told of replies too; a member's
		// address is known to be theirs, a visitor's typed one is not.
		carol, err := e.svc.PostComment(e.ctx, e.member, r.ID, report.CommentInput{Body: "What did the committee decide?", Notify: true, Client: "192.0.2.3"})
		if err != nil || carol.Status != store.CommentPending {
			t.Fatalf("the member's comment: %v %+v", err, carol)
		}
		if _, err := e.svc.Moderate(e.ctx, e.rep, carol.ID, report.ModApprove); err != nil {
			t.Fatal(err)
		}
		// Replies by someone else to both; both asked to be told.
		for _, parent := range []int64{res.ID, carol.ID} {
			reply := report.CommentInput{ParentID: parent, Name: "Sam", Email: "sam@example.org", Body: "I agree <b>strongly</b>.", Client: "192.0.2.2"}
			res3, err := e.svc.PostComment(e.ctx, e.anon, r.ID, reply)
			if err != nil || res3.Status != store.CommentPending {
				t.Fatalf("reply: %v %+v", err, res3)
			}
			if _, err := e.svc.Moderate(e.ctx, e.rep, res3.ID, report.ModApprove); err != nil {
				t.Fatal(err)
			}
		}
		e.runJobs()
		var notice *store.OutboxMessage
		for _, m := range e.outbox() {
			switch m.To {
			case "carol-member@party.example":
				m := m
				notice = &m
			case "pat@example.org":
				t.Fatalf("a visitor's typed address was sent a reply notice: anyone could have typed it")
			}
		}
		if notice == nil || !strings.Contains(notice.Text, "Sam replied") || !strings.Contains(notice.Text, "#comment-") {
			t.Fatalf("reply notice: %+v", notice)
		}
		pg, _ = e.svc.ReportPage(e.ctx, e.anon, r.Slug)
		if len(pg.Comments) != 3 || len(pg.Comments[0].Replies) != 1 || pg.Comments[0].Replies[0].Depth != 1 {
			t.Fatalf("threads: %+v", pg.Comments)
		}
		if h := pg.Comments[0].Replies[0].HTML; !strings.Contains(h, "&lt;b&gt;strongly&lt;/b&gt;") {
			t.Errorf("comment text is not escaped: %s", h)
		}

		// The honeypot keeps nothing; the rate limit stops floods.
		trap := report.CommentInput{Name: "Bot", Email: "bot@example.org", Body: "Buy now", Trap: "http://spam.example", Client: "192.0.2.9"}
		if res, err := e.svc.PostComment(e.ctx, e.anon, r.ID, trap); err != nil || res.ID != 0 {
			t.Errorf("honeypot: %v %+v", err, res)
		}
		var limited error
		for i := range 8 {
			in := report.CommentInput{Name: "Flood", Email: fmt.Sprintf("flood%d@example.org", i), Body: "Again and again", Client: "192.0.2.50"}
			if _, err := e.svc.PostComment(e.ctx, e.anon, r.ID, in); err != nil {
				limited = err
				break
			}
		}
		if !errors.Is(limited, report.ErrRateLimited) {
			t.Errorf("no rate limit: %v", limited)
		}

		// Three readers report a comment: it goes back to the moderators.
		for i := range 3 {
			if err := e.svc.FlagComment(e.ctx, e.anon, res2.ID, "rude", fmt.Sprintf("198.51.100.%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		c, _ := db.CommentByID(e.ctx, res2.ID)
		if c.Status != store.CommentPending || c.Flags != 3 {
			t.Errorf("after three reports: %s, %d flags", c.Status, c.Flags)
		}
		if _, err := e.svc.Moderate(e.ctx, e.rep, res2.ID, report.ModDelete); err != nil {
			t.Fatal(err)
		}

		// Closed comments, unpublished reports, bad input.
		closed := e.publish(e.rep, e.draft(e.rep, "Closed", report.ReportInput{}))
		if _, err := e.svc.PostComment(e.ctx, e.member, closed.ID, report.CommentInput{Body: "hello", Client: "x"}); !errors.Is(err, report.ErrClosed) {
			t.Errorf("closed: %v", err)
		}
		if _, err := e.svc.PostComment(e.ctx, e.anon, r.ID, report.CommentInput{Email: "not an address", Body: "", Client: "192.0.2.77"}); err == nil {
			t.Error("bad comment accepted")
		} else if fe, ok := errAsFields(err); !ok || fe["name"] == "" || fe["email"] == "" || fe["body"] == "" {
			t.Errorf("errors: %v", err)
		}
	})
}

func TestCommentsNeedSignInUnlessPublic(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.publish(e.rep, e.draft(e.rep, "Members only", report.ReportInput{CommentsOpen: true}))
		visitor := report.CommentInput{Name: "Pat", Email: "pat@example.org", Body: "hi there", Client: "192.0.2.2"}
		// Off until the organisation allows it, and when it says no.
		for _, public := range []bool{false, true} {
			if public {
				e.setPublicComments(false)
			}
			if _, err := e.svc.PostComment(e.ctx, e.anon, r.ID, visitor); !errors.Is(err, auth.ErrSignInNeeded) {
				t.Errorf("anonymous comment: %v", err)
			}
			if pg, _ := e.svc.ReportPage(e.ctx, e.anon, r.Slug); pg.CanComment {
				t.Error("the comment form is offered to visitors")
			}
		}
		e.setPublicComments(true)
		if pg, _ := e.svc.ReportPage(e.ctx, e.anon, r.Slug); !pg.CanComment {
			t.Error("the comment form is not offered to visitors")
		}
		res, err := e.svc.PostComment(e.ctx, e.anon, r.ID, visitor)
		if err != nil || res.Status != store.CommentPending {
			t.Fatalf("visitor's comment once allowed: %v %+v", err, res)
		}
		res, err = e.svc.PostComment(e.ctx, e.member, r.ID, report.CommentInput{Body: "From a member", Client: "192.0.2.3"})
		if err != nil || res.Status != store.CommentPending {
			t.Fatalf("member: %v %+v", err, res)
		}
		c, _ := db.CommentByID(e.ctx, res.ID)
		if c.AuthorName != "Carol Member" || c.PersonID != e.member.PersonID {
			t.Errorf("comment's author: %+v", c)
		}
		// The author's own comments need no moderation.
		if res, err := e.svc.PostComment(e.ctx, e.rep, r.ID, report.CommentInput{Body: "Thanks all", Client: "192.0.2.4"}); err != nil || res.Status != store.CommentApproved {
			t.Errorf("author's comment: %v %+v", err, res)
		}
	})
}

// A visitor types any name and address they like. Typing the address of
// someone whose comments were approved must not skip the moderators, nor
// post as that person; and trust earned by a member stays theirs.
func TestCommentsTrustThePersonNotTheAddress(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setPublicComments(true)
		r := e.publish(e.rep, e.draft(e.rep, "Open to all", report.ReportInput{CommentsOpen: true}))
		n := 0
		post := func(p *auth.Principal, in report.CommentInput) store.Comment {
			t.Helper()
			n++
			in.Body, in.Client = "A comment by "+in.Name, fmt.Sprintf("192.0.2.%d", n)
			res, err := e.svc.PostComment(e.ctx, p, r.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			c, err := db.CommentByID(e.ctx, res.ID)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		approve := func(c store.Comment) {
			t.Helper()
			if _, err := e.svc.Moderate(e.ctx, e.rep, c.ID, report.ModApprove); err != nil {
				t.Fatal(err)
			}
		}

		// Carol, signed in: her first comment waits, her next do not.
		first := post(e.member, report.CommentInput{})
		if first.Status != store.CommentPending {
			t.Fatalf("a member's first comment: %s", first.Status)
		}
		approve(first)
		if c := post(e.member, report.CommentInput{}); c.Status != store.CommentApproved {
			t.Errorf("a member's comment after one was approved: %s", c.Status)
		}

		// A visitor typing Carol's name and address is held, and is not
		// Carol.
		forged := post(e.anon, report.CommentInput{Name: "Carol Member", Email: "Carol-Member@Party.Example"})
		if forged.Status != store.CommentPending || forged.PersonID != 0 {
			t.Errorf("a visitor with a trusted member's address: %s, person %d", forged.Status, forged.PersonID)
		}
		// Nor does an approved visitor's address help the next visitor
		// who types it.
		visitor := report.CommentInput{Name: "Pat", Email: "pat@example.org"}
		approve(post(e.anon, visitor))
		if c := post(e.anon, visitor); c.Status != store.CommentPending {
			t.Errorf("a visitor typing an approved visitor's address: %s", c.Status)
		}

		// A visitor's approved comment under Bob's address earns Bob
		// nothing: his own first comment still waits.
		approve(post(e.anon, report.CommentInput{Name: "Bob", Email: "bob-rep@party.example"}))
		if c := post(e.rep2, report.CommentInput{}); c.Status != store.CommentPending {
			t.Errorf("a member's first comment after a visitor used his address: %s", c.Status)
		}
	})
}

// Hiding a comment and marking it as spam take it off the page, put it
// in the moderators' list of that status, and are audited.
func TestModeratorsHideAndMarkSpam(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.publish(e.rep, e.draft(e.rep, "Comments to moderate", report.ReportInput{CommentsOpen: true}))
		var ids []int64
		for i, p := range []*auth.Principal{e.member, e.rep2} {
			res, err := e.svc.PostComment(e.ctx, p, r.ID, report.CommentInput{Body: fmt.Sprintf("Comment %d", i), Client: fmt.Sprintf("192.0.2.%d", i)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Moderate(e.ctx, e.secretary, res.ID, report.ModApprove); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, res.ID)
		}
		if pg, _ := e.svc.ReportPage(e.ctx, e.anon, r.Slug); len(pg.Comments) != 2 {
			t.Fatalf("%d comments shown, want 2", len(pg.Comments))
		}
		// Only moderators may, and only known actions.
		if _, err := e.svc.Moderate(e.ctx, e.member, ids[0], report.ModHide); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("a member hid a comment: %v", err)
		}
		if _, err := e.svc.Moderate(e.ctx, e.rep, ids[0], "publish-everywhere"); err == nil {
			t.Error("an unknown action was accepted")
		}
		hidden, err := e.svc.Moderate(e.ctx, e.rep, ids[0], report.ModHide)
		if err != nil || hidden.Status != store.CommentHidden {
			t.Fatalf("hide: %v %s", err, hidden.Status)
		}
		spam, err := e.svc.Moderate(e.ctx, e.admin, ids[1], report.ModSpam)
		if err != nil || spam.Status != store.CommentSpam {
			t.Fatalf("spam: %v %s", err, spam.Status)
		}
		if pg, _ := e.svc.ReportPage(e.ctx, e.anon, r.Slug); len(pg.Comments) != 0 {
			t.Errorf("hidden and spam comments are shown: %+v", pg.Comments)
		}
		for status, id := range map[string]int64{store.CommentHidden: ids[0], store.CommentSpam: ids[1]} {
			q, total, err := e.svc.ModerationQueue(e.ctx, e.rep, status, false, store.Page{})
			if err != nil || total != 1 || q[0].ID != id {
				t.Errorf("%s list: %v %d", status, err, total)
			}
			c, _ := db.CommentByID(e.ctx, id)
			if c.Status != status || c.ModeratedBy == 0 {
				t.Errorf("comment %d: %s, moderated by %d", id, c.Status, c.ModeratedBy)
			}
		}
		if _, total, _ := e.svc.ModerationQueue(e.ctx, e.rep, store.CommentApproved, false, store.Page{}); total != 0 {
			t.Errorf("%d comments still listed as published", total)
		}
		if e.auditCount("comment.hide") != 1 || e.auditCount("comment.spam") != 1 {
			t.Errorf("audit: %d hide, %d spam", e.auditCount("comment.hide"), e.auditCount("comment.spam"))
		}
		// A hidden comment can be published again.
		if c, err := e.svc.Moderate(e.ctx, e.rep, ids[0], report.ModApprove); err != nil || c.Status != store.CommentApproved {
			t.Errorf("approve a hidden comment: %v %s", err, c.Status)
		}
		if pg, _ := e.svc.ReportPage(e.ctx, e.anon, r.Slug); len(pg.Comments) != 1 {
			t.Errorf("%d comments shown after approving the hidden one again", len(pg.Comments))
		}
	})
}

// TestOldVisitorCommentsGetNoReplyMail: a visitor's comment stored with
// "tell me of replies" before only signed-in commenters could ask is not
// written to: anyone could have typed that address.
func TestOldVisitorCommentsGetNoReplyMail(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.publish(e.rep, e.draft(e.rep, "Old comments", report.ReportInput{CommentsOpen: true}))
		var old int64
		err := db.InTx(e.ctx, func(tx *store.Tx) error {
			var err error
			old, err = tx.InsertComment(e.ctx, store.Comment{ReportID: r.ID, AuthorName: "Typed", AuthorEmail: "someone.else@example.org",
				Body: "An old comment.", Status: store.CommentApproved, NotifyReplies: true, CreatedAt: time.Now()})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PostComment(e.ctx, e.rep, r.ID, report.CommentInput{ParentID: old, Body: "A reply by the author.", Client: "192.0.2.4"}); err != nil {
			t.Fatal(err)
		}
		e.runJobs()
		for _, m := range e.outbox() {
			if m.To == "someone.else@example.org" {
				t.Fatalf("a reply notice went to a visitor's typed address: %q", m.Subject)
			}
		}
	})
}
