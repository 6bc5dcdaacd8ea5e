package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"quorum/internal/auth"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// outbox records what the service would e-mail.
type outbox struct {
	mu   sync.Mutex
	sent []string
}

func (o *outbox) Send(_ context.Context, to, subject, body string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, to+"\n"+subject+"\n"+body)
	return nil
}

func newService(t *testing.T, db *store.DB) (*auth.Service, *outbox) {
	box := &outbox{}
	return &auth.Service{DB: db, Mail: box, BaseURL: "https://quorum.example"}, box
}

func addPerson(t *testing.T, db *store.DB, s *auth.Service, name, email, password string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = tx.CreatePerson(ctx, store.Person{Name: name, Email: email, Slug: strings.ReplaceAll(strings.ToLower(name), " ", "-")})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAccount(ctx, 0, id, password); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPasswordHashing(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("hash %q is not argon2id", h)
	}
	if !auth.VerifyPassword(h, "correct horse battery") {
		t.Fatal("right password refused")
	}
	for _, bad := range []string{"correct horse batterY", "", "correct horse battery "} {
		if auth.VerifyPassword(h, bad) {
			t.Fatalf("wrong password %q accepted", bad)
		}
	}
	for _, garbage := range []string{"", "$argon2id$", "$argon2id$v=19$m=0,t=1,p=1$AAAA$AAAA", "plain"} {
		if auth.VerifyPassword(garbage, "x") {
			t.Fatalf("garbage hash %q accepted", garbage)
		}
	}
	if err := auth.CheckPassword("short"); !errors.Is(err, auth.ErrWeakPassword) {
		t.Fatalf("short password: %v", err)
	}
}

func TestSignInSessionsAndSignOut(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		id := addPerson(t, db, s, "Ada Member", "ada@example.org", "a long passphrase")

		if _, err := s.SignIn(ctx, "ada@example.org", "wrong password!", "1.2.3.4"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := s.SignIn(ctx, "nobody@example.org", "a long passphrase", "1.2.3.4"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("unknown e-mail: %v", err)
		}
		res1, err := s.SignIn(ctx, " ADA@example.org ", "a long passphrase", "1.2.3.4")
		if err != nil {
			t.Fatal(err)
		}
		res2, err := s.SignIn(ctx, "ada@example.org", "a long passphrase", "5.6.7.8")
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Principal(ctx, res1.Token)
		if err != nil || p.PersonID != id || p.Name != "Ada Member" {
			t.Fatalf("principal %+v, %v", p, err)
		}
		anon, err := s.Principal(ctx, "not-a-token")
		if err != nil || anon.SignedIn() {
			t.Fatalf("bad token gave %+v, %v", anon, err)
		}
		if err := s.SignOut(ctx, res1.Token); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Principal(ctx, res1.Token); p.SignedIn() {
			t.Fatal("session survived sign-out")
		}
		if p, _ := s.Principal(ctx, res2.Token); !p.SignedIn() {
			t.Fatal("other session ended by a single sign-out")
		}
		if _, err := s.SignIn(ctx, "ada@example.org", "a long passphrase", "1.2.3.4"); err != nil {
			t.Fatal(err)
		}
		n, err := s.SignOutEverywhere(ctx, id)
		if err != nil || n != 2 {
			t.Fatalf("sign out everywhere ended %d, %v; want 2", n, err)
		}
		if p, _ := s.Principal(ctx, res2.Token); p.SignedIn() {
			t.Fatal("session survived sign-out everywhere")
		}
	})
}

func TestSessionExpires(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		s, _ := newService(t, db)
		s.Now = func() time.Time { return now }
		addPerson(t, db, s, "Bo Member", "bo@example.org", "a long passphrase")
		res, err := s.SignIn(ctx, "bo@example.org", "a long passphrase", "x")
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(auth.SessionLifetime + time.Minute)
		if p, _ := s.Principal(ctx, res.Token); p.SignedIn() {
			t.Fatal("expired session still signs in")
		}
	})
}

func TestSignInRateLimit(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		addPerson(t, db, s, "Cy Member", "cy@example.org", "a long passphrase")
		for i := 0; i < auth.SignInLimit; i++ {
			if _, err := s.SignIn(ctx, "cy@example.org", "guess number "+string(rune('a'+i)), "9.9.9.9"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// Even the right password is refused once the limit is reached.
		if _, err := s.SignIn(ctx, "cy@example.org", "a long passphrase", "9.9.9.9"); !errors.Is(err, auth.ErrTooManyTries) {
			t.Fatalf("after limit: %v", err)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, box := newService(t, db)
		id := addPerson(t, db, s, "Di Member", "di@example.org", "the old passphrase")
		old, _ := s.SignIn(ctx, "di@example.org", "the old passphrase", "x")

		if err := s.RequestReset(ctx, "nobody@example.org", "x"); err != nil {
			t.Fatalf("unknown address must look the same: %v", err)
		}
		if len(box.sent) != 0 {
			t.Fatal("mail sent to an unknown address")
		}
		if err := s.RequestReset(ctx, "di@example.org", "x"); err != nil {
			t.Fatal(err)
		}
		if len(box.sent) != 1 {
			t.Fatalf("sent %d messages", len(box.sent))
		}
		i := strings.Index(box.sent[0], "https://quorum.example/reset/")
		if i < 0 {
			t.Fatalf("no reset link in %q", box.sent[0])
		}
		token := strings.Fields(box.sent[0][i+len("https://quorum.example/reset/"):])[0]

		if err := s.ResetPassword(ctx, token, "short"); !errors.Is(err, auth.ErrWeakPassword) {
			t.Fatalf("weak password: %v", err)
		}
		if err := s.ResetPassword(ctx, token, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		if err := s.ResetPassword(ctx, token, "another new passphrase"); !errors.Is(err, auth.ErrBadResetLink) {
			t.Fatalf("reused link: %v", err)
		}
		if p, _ := s.Principal(ctx, old.Token); p.SignedIn() {
			t.Fatal("old session survived a password reset")
		}
		if _, err := s.SignIn(ctx, "di@example.org", "a brand new passphrase", "x"); err != nil {
			t.Fatalf("new password: %v", err)
		}
		entries, _, err := db.AuditLog(ctx, store.AuditFilter{Action: "account.password-reset"})
		if err != nil || len(entries) != 1 || entries[0].TargetID == "" || entries[0].ActorID != id {
			t.Fatalf("audit %+v %v", entries, err)
		}
	})
}

func TestPrivilegedRolesNeedSecondFactor(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		id := addPerson(t, db, s, "Ed Admin", "ed@example.org", "a long passphrase")
		if err := s.GrantRole(ctx, 0, store.Grant{PersonID: id, Role: string(auth.RoleAdmin)}); err != nil {
			t.Fatal(err)
		}
		res, err := s.SignIn(ctx, "ed@example.org", "a long passphrase", "x")
		if err != nil || !res.MustSetUpTOTP {
			t.Fatalf("sign-in %+v %v; want MustSetUpTOTP", res, err)
		}
		p, _ := s.Principal(ctx, res.Token)
		if p.Can(auth.ManageOrg, auth.Target{}) || !p.PendingSecondFactor() {
			t.Fatal("administrator powers before the second factor")
		}
		setup, err := s.BeginTOTP(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ConfirmTOTP(ctx, id, res.Token, setup.Secret, "000000"); !errors.Is(err, auth.ErrBadCode) {
			t.Fatalf("wrong code: %v", err)
		}
		code, _ := totp.GenerateCode(setup.Secret, time.Now())
		if err := s.ConfirmTOTP(ctx, id, res.Token, setup.Secret, code); err != nil {
			t.Fatal(err)
		}
		p, _ = s.Principal(ctx, res.Token)
		if !p.Can(auth.ManageOrg, auth.Target{}) {
			t.Fatal("administrator powers missing after the second factor")
		}
		// A new sign-in asks for the code and has no powers until it is given.
		res2, _ := s.SignIn(ctx, "ed@example.org", "a long passphrase", "x")
		if !res2.NeedsCode {
			t.Fatal("second sign-in did not ask for a code")
		}
		if p, _ := s.Principal(ctx, res2.Token); p.Can(auth.ManageOrg, auth.Target{}) {
			t.Fatal("powers before the code")
		}
		if err := s.VerifySecondFactor(ctx, res2.Token, "123456"); !errors.Is(err, auth.ErrBadCode) {
			t.Fatalf("wrong code: %v", err)
		}
		code, _ = totp.GenerateCode(setup.Secret, time.Now())
		if err := s.VerifySecondFactor(ctx, res2.Token, code); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Principal(ctx, res2.Token); !p.Can(auth.ManageOrg, auth.Target{}) {
			t.Fatal("powers missing after the code")
		}
	})
}

func TestGrantValidation(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		id := addPerson(t, db, s, "Fi Officer", "fi@example.org", "a long passphrase")
		cases := []struct {
			g    store.Grant
			want error
		}{
			{store.Grant{PersonID: id, Role: "emperor"}, auth.ErrNoSuchRole},
			{store.Grant{PersonID: id, Role: "officer"}, auth.ErrScopeNeeded},
			{store.Grant{PersonID: id, Role: "body_secretary", UnitID: 1}, auth.ErrScopeNeeded},
		}
		for _, c := range cases {
			if err := s.GrantRole(ctx, 0, c.g); !errors.Is(err, c.want) {
				t.Errorf("grant %+v: %v, want %v", c.g, err, c.want)
			}
		}
		if err := s.GrantRole(ctx, 0, store.Grant{PersonID: id, Role: "scrutineer"}); err != nil {
			t.Fatal(err)
		}
		if err := s.GrantRole(ctx, 0, store.Grant{PersonID: id, Role: "scrutineer"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate grant: %v", err)
		}
		if err := s.RevokeRole(ctx, 0, store.Grant{PersonID: id, Role: "scrutineer"}); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeRole(ctx, 0, store.Grant{PersonID: id, Role: "scrutineer"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoking a role not held: %v", err)
		}
	})
}

func TestPermissionTable(t *testing.T) {
	unit, otherUnit, body := int64(7), int64(8), int64(3)
	officer := &auth.Principal{PersonID: 1, Grants: []store.Grant{{Role: "officer", UnitID: unit}}}
	secretary := &auth.Principal{PersonID: 2, Grants: []store.Grant{{Role: "body_secretary", BodyID: body}}}
	admin := &auth.Principal{PersonID: 3, SecondFactor: true, Grants: []store.Grant{{Role: "admin"}}}
	adminNo2FA := &auth.Principal{PersonID: 3, Grants: []store.Grant{{Role: "admin"}}}
	ro := &auth.Principal{PersonID: 4, SecondFactor: true, Grants: []store.Grant{{Role: "returning_officer"}}}
	scr := &auth.Principal{PersonID: 5, SecondFactor: true, Grants: []store.Grant{{Role: "scrutineer"}}}
	member := &auth.Principal{PersonID: 6, Member: true}
	anon := &auth.Principal{}
	type c struct {
		who  *auth.Principal
		a    auth.Action
		t    auth.Target
		want bool
	}
	cases := []c{
		{anon, auth.ViewOwnAccount, auth.Target{}, false},
		{member, auth.ViewOwnAccount, auth.Target{}, true},
		{member, auth.ManageOrg, auth.Target{}, false},
		{admin, auth.ManageOrg, auth.Target{}, true},
		{adminNo2FA, auth.ManageOrg, auth.Target{}, false},
		{officer, auth.EditUnit, auth.Target{UnitID: unit}, true},
		{officer, auth.EditUnit, auth.Target{UnitID: otherUnit}, false},
		{officer, auth.ManageOrg, auth.Target{}, false},
		{secretary, auth.EditBody, auth.Target{BodyID: body}, true},
		{secretary, auth.EditBody, auth.Target{BodyID: body + 1}, false},
		{secretary, auth.EditUnit, auth.Target{UnitID: unit}, false},
		{ro, auth.RunElections, auth.Target{}, true},
		{ro, auth.ScrutiniseVoting, auth.Target{}, false},
		{scr, auth.ScrutiniseVoting, auth.Target{}, true},
		{scr, auth.RunElections, auth.Target{}, false},
		{admin, auth.RunElections, auth.Target{}, false},
		{admin, auth.ViewAudit, auth.Target{}, true},
		{ro, auth.ViewAudit, auth.Target{}, false},
		{member, auth.Action("made.up"), auth.Target{}, false},
		{member, auth.WriteReport, auth.Target{BodyID: body, SeatHolder: true}, true},
		{member, auth.WriteReport, auth.Target{BodyID: body}, false},
		{member, auth.WriteReport, auth.Target{SeatHolder: true}, false},
		{anon, auth.WriteReport, auth.Target{BodyID: body, SeatHolder: true}, false},
		{admin, auth.WriteReport, auth.Target{BodyID: body}, true},
		{adminNo2FA, auth.WriteReport, auth.Target{BodyID: body}, false},
		{member, auth.EditReport, auth.Target{AuthorID: member.PersonID}, true},
		{member, auth.EditReport, auth.Target{AuthorID: officer.PersonID}, false},
		{secretary, auth.EditReport, auth.Target{BodyID: body, AuthorID: member.PersonID}, false},
		{admin, auth.EditReport, auth.Target{AuthorID: member.PersonID}, true},
		{member, auth.ModerateComments, auth.Target{BodyID: body, AuthorID: member.PersonID}, true},
		{officer, auth.ModerateComments, auth.Target{BodyID: body, AuthorID: member.PersonID}, false},
		{secretary, auth.ModerateComments, auth.Target{BodyID: body, AuthorID: member.PersonID}, true},
		{secretary, auth.ModerateComments, auth.Target{BodyID: body + 1, AuthorID: member.PersonID}, false},
		{admin, auth.ModerateComments, auth.Target{AuthorID: member.PersonID}, true},
		{member, auth.ViewMinutes, auth.Target{BodyID: body, SeatHolder: true}, true},
		{member, auth.ViewMinutes, auth.Target{BodyID: body}, false},
		{secretary, auth.ViewMinutes, auth.Target{BodyID: body}, true},
		{secretary, auth.ViewMinutes, auth.Target{BodyID: body + 1}, false},
		{anon, auth.ViewMinutes, auth.Target{BodyID: body, SeatHolder: true}, false},
		{admin, auth.ManageSubscribers, auth.Target{}, true},
		{secretary, auth.ManageSubscribers, auth.Target{}, false},
		{secretary, auth.ManageEvents, auth.Target{BodyID: body}, true},
		{secretary, auth.ManageEvents, auth.Target{}, false},
		{member, auth.ManageEvents, auth.Target{BodyID: body}, false},
		{admin, auth.ManageEvents, auth.Target{}, true},
		{officer, auth.NominateForUnit, auth.Target{UnitID: unit}, true},
		{officer, auth.NominateForUnit, auth.Target{UnitID: otherUnit}, false},
		{officer, auth.NominateForUnit, auth.Target{}, false},
		{admin, auth.NominateForUnit, auth.Target{UnitID: unit}, false},
		{ro, auth.NominateForUnit, auth.Target{UnitID: unit}, false},
		{anon, auth.NominateForUnit, auth.Target{UnitID: unit}, false},
		{member, auth.AnswerNomination, auth.Target{AuthorID: member.PersonID}, true},
		{member, auth.AnswerNomination, auth.Target{AuthorID: officer.PersonID}, false},
		{admin, auth.AnswerNomination, auth.Target{AuthorID: member.PersonID}, false},
		{anon, auth.AnswerNomination, auth.Target{}, false},
	}
	for _, c := range cases {
		if got := c.who.Can(c.a, c.t); got != c.want {
			t.Errorf("person %d %s %+v = %v, want %v", c.who.PersonID, c.a, c.t, got, c.want)
		}
	}
}
