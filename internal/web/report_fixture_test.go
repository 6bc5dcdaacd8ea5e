package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/web"
)

// reportSite is a server with the report pages on a small organisation:
// one body with two seat holders, and one signed-in session per role.
type reportSite struct {
	t        testing.TB
	ctx      context.Context
	db       *store.DB
	srv      *web.Server
	svc      *report.Service
	runner   *jobs.Runner
	body     store.Body
	sessions map[string]string
	people   map[string]*auth.Principal
}

// reportRoles: rep and rep2 hold seats on the body; secretary is its
// secretary; member holds no seat.
var reportRoles = []string{"anonymous", "member", "rep", "rep2", "secretary", "admin"}

func newReportSite(t testing.TB, db *store.DB, opts ...func(*report.Config)) *reportSite {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	queue := jobs.NewQueue(db, nil)
	runner := jobs.NewRunner(queue, jobs.Config{Workers: 1, Logger: log})
	mailer, err := mail.NewService(db, queue, mail.Config{From: "Test Party <news@party.example>", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	mailer.Register(runner)
	cfg := report.Config{SiteName: "Test Party", BaseURL: "http://quorum.test", Log: log, CommentsPerWindow: 1000}
	for _, o := range opts {
		o(&cfg)
	}
	svc, err := report.NewService(ctx, db, queue, mailer, cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc.Register(runner)
	authSvc := &auth.Service{DB: db, Mail: &kept{}, BaseURL: "http://quorum.test"}
	srv, err := web.New(web.Deps{DB: db, Auth: authSvc, Org: &org.Service{DB: db}, Jobs: queue, Reports: svc, Log: log, SiteName: "Test Party", BaseURL: "http://quorum.test"})
	if err != nil {
		t.Fatal(err)
	}
	s := &reportSite{t: t, ctx: ctx, db: db, srv: srv, svc: svc, runner: runner, sessions: map[string]string{}, people: map[string]*auth.Principal{"anonymous": {}}}
	var seatIDs []int64
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveOrganisation(ctx, store.Organisation{Name: "Test Party"}); err != nil {
			return err
		}
		id, err := tx.CreateBody(ctx, store.Body{Name: "Executive", Slug: "executive"})
		if err != nil {
			return err
		}
		s.body = store.Body{ID: id, Name: "Executive", Slug: "executive"}
		sec, err := tx.CreateSection(ctx, store.Section{BodyID: id, Name: "Members", Seats: 2})
		if err != nil {
			return err
		}
		for i := range 2 {
			seat, err := tx.CreateSeat(ctx, sec, "Seat", i+1)
			if err != nil {
				return err
			}
			seatIDs = append(seatIDs, seat)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(fixturePassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range reportRoles[1:] {
		email := role + "@example.org"
		var id int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			id, err = tx.CreatePerson(ctx, store.Person{Name: "The " + role, Email: email, Slug: role, ShowProfile: true, Bio: "I am the " + role + "."})
			if err != nil {
				return err
			}
			if err := tx.CreateAccount(ctx, id, hash); err != nil {
				return err
			}
			switch role {
			case "rep", "rep2":
				seat := seatIDs[0]
				if role == "rep2" {
					seat = seatIDs[1]
				}
				_, err = tx.CreateSeatTerm(ctx, store.SeatTerm{SeatID: seat, PersonID: id, Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
			case "secretary":
				_, err = tx.AddGrant(ctx, store.Grant{PersonID: id, Role: "body_secretary", BodyID: s.body.ID})
			case "admin":
				if err = tx.SetTOTP(ctx, id, "JBSWY3DPEHPK3PXP", true); err == nil {
					_, err = tx.AddGrant(ctx, store.Grant{PersonID: id, Role: role})
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		s.sessions[role] = signIn(t, db, authSvc, email, role)
		p, err := authSvc.Principal(ctx, s.sessions[role])
		if err != nil {
			t.Fatal(err)
		}
		s.people[role] = p
	}
	return s
}

// do sends a request as a role.
func (s *reportSite) do(role, method, path string, form url.Values) *httptest.ResponseRecorder {
	s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if tok := s.sessions[role]; tok != "" {
		req.AddCookie(&http.Cookie{Name: "quorum_session", Value: tok})
	}
	rec := httptest.NewRecorder()
	s.srv.ServeHTTP(rec, req)
	return rec
}

// report writes (and maybe publishes) a report by a role.
func (s *reportSite) report(role, title string, publish bool, in report.ReportInput) store.Report {
	s.t.Helper()
	in.Title, in.BodyID = title, s.body.ID
	r, err := s.svc.CreateReport(s.ctx, s.people[role], in)
	if err != nil {
		s.t.Fatal(err)
	}
	if publish {
		if r, err = s.svc.Publish(s.ctx, s.people[role], r.ID); err != nil {
			s.t.Fatal(err)
		}
	}
	return r
}

func (s *reportSite) runJobs() {
	s.t.Helper()
	for {
		n, err := s.runner.RunDue(s.ctx)
		if err != nil {
			s.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}
