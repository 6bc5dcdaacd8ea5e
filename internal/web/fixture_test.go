package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/nomination"
	"quorum/internal/org"
	"quorum/internal/store"
	"quorum/internal/testkit"
	"quorum/internal/web"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// kept records e-mail the server would send.
type kept struct {
	mu  sync.Mutex
	msg []string
}

func (k *kept) Send(_ context.Context, to, subject, body string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.msg = append(k.msg, to+"\n"+subject+"\n"+body)
	return nil
}

// site is a server on a small organisation with one signed-in session per role.
type site struct {
	t         *testing.T
	db        *store.DB
	srv       *web.Server
	mail      *kept
	log       *strings.Builder
	elections *election.Service
	sessions  map[string]string // role name → session token
	unit      store.Unit        // the officer's unit
	body      store.Body        // the body secretary's body
	people    map[string]int64  // role name → person id
	// shareFiles keeps the returning officer's share file of each election
	// set up by openElectionThroughPages, by the election's address.
	shareFiles map[string][]byte
}

const fixturePassword = "fixture passphrase"

var roleNames = []string{"anonymous", "member", "officer", "secretary", "returning_officer", "scrutineer", "admin"}

func newSite(t *testing.T, db *store.DB) *site {
	t.Helper()
	ctx := context.Background()
	box := &kept{}
	logBuf := &strings.Builder{}
	var logMu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{w: logBuf, mu: &logMu}, nil))
	authSvc := &auth.Service{DB: db, Mail: box, BaseURL: "http://quorum.test"}
	orgSvc := &org.Service{DB: db}
	queue := jobs.NewQueue(db, nil)
	mailSvc, err := mail.NewService(db, queue, mail.Config{From: "Quorum <quorum@example.org>", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	elections := election.New(db, mailSvc, queue, election.Config{BaseURL: "http://quorum.test", Logger: log})
	nominations := nomination.New(db, mailSvc, queue, elections, nomination.Config{BaseURL: "http://quorum.test", Logger: log})
	srv, err := web.New(web.Deps{DB: db, Auth: authSvc, Org: orgSvc, Elections: elections, Nominations: nominations, Jobs: queue, Log: log, SiteName: "Test Party", BaseURL: "http://quorum.test"})
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, db: db, srv: srv, mail: box, elections: elections, log: logBuf, sessions: map[string]string{}, people: map[string]int64{}}

	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveOrganisation(ctx, store.Organisation{Name: "Test Party"}); err != nil {
			return err
		}
		region, err := tx.CreateUnit(ctx, store.Unit{Type: "region", Name: "North Region", Slug: "north-region"})
		if err != nil {
			return err
		}
		uid, err := tx.CreateUnit(ctx, store.Unit{Type: "branch", Name: "Riverside Branch", Slug: "riverside", ParentID: region})
		if err != nil {
			return err
		}
		s.unit = store.Unit{ID: uid, Slug: "riverside", Name: "Riverside Branch"}
		bid, err := tx.CreateBody(ctx, store.Body{Name: "Executive", Slug: "executive"})
		if err != nil {
			return err
		}
		s.body = store.Body{ID: bid, Slug: "executive", Name: "Executive"}
		sec, err := tx.CreateSection(ctx, store.Section{BodyID: bid, Name: "Members' section", Seats: 2, MinWomen: 1})
		if err != nil {
			return err
		}
		if _, err := tx.CreateSeat(ctx, sec, "Seat 1", 1); err != nil {
			return err
		}
		_, err = tx.CreateSeat(ctx, sec, "Seat 2", 2)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(fixturePassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range roleNames[1:] {
		email := role + "@example.org"
		var id int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			id, err = tx.CreatePerson(ctx, store.Person{Name: "The " + strings.ReplaceAll(role, "_", " "), Email: email, Slug: strings.ReplaceAll(role, "_", "-"), ShowProfile: true, ShowOffices: true})
			if err != nil {
				return err
			}
			if err := tx.CreateAccount(ctx, id, hash); err != nil {
				return err
			}
			if _, err := tx.CreateMembership(ctx, store.Membership{PersonID: id, UnitID: s.unit.ID, Number: "M-" + role, Type: "full", Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Status: "active"}); err != nil {
				return err
			}
			switch role {
			case "officer":
				_, err = tx.AddGrant(ctx, store.Grant{PersonID: id, Role: "officer", UnitID: s.unit.ID, Title: "Secretary"})
			case "secretary":
				_, err = tx.AddGrant(ctx, store.Grant{PersonID: id, Role: "body_secretary", BodyID: s.body.ID})
			case "returning_officer", "scrutineer", "admin":
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
		s.people[role] = id
	}
	return s
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// do sends a request as a role and returns the response.
func (s *site) do(role, method, path string, form url.Values) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.doLang(role, method, path, form, "", "")
}

// doLang sends a request as a role, with a lang cookie and an
// Accept-Language header when they are not "".
func (s *site) doLang(role, method, path string, form url.Values, cookie, accept string) *httptest.ResponseRecorder {
	s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = clientOf(role)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if tok := s.sessions[role]; tok != "" {
		req.AddCookie(&http.Cookie{Name: "quorum_session", Value: tok})
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "lang", Value: cookie})
	}
	if accept != "" {
		req.Header.Set("Accept-Language", accept)
	}
	rec := httptest.NewRecorder()
	s.srv.ServeHTTP(rec, req)
	return rec
}

// clientOf gives each role an address of its own, as people on their own
// devices have, so that limits per address count each role apart.
func clientOf(role string) string {
	i := slices.Index(roleNames, role)
	if i < 0 {
		i = len(roleNames) + len(role) // the candidate and other extra roles
	}
	return fmt.Sprintf("192.0.2.%d:1234", i+1)
}

// now is the time the fixture's server sees.
func (s *site) now() time.Time { return time.Now() }

// signIn opens a session for a fixture person, passing the second factor
// for those whose roles need it.
func signIn(t testing.TB, db *store.DB, a *auth.Service, email, role string) string {
	t.Helper()
	ctx := context.Background()
	res, err := a.SignIn(ctx, email, fixturePassword, "fixture-"+role)
	if err != nil {
		t.Fatal(err)
	}
	if res.NeedsCode {
		if err := db.MarkSecondFactor(ctx, auth.HashToken(res.Token)); err != nil {
			t.Fatal(err)
		}
	}
	return res.Token
}
