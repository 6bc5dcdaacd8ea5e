package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quorum/internal/store"
)

// copyReports copies reports written for the mail package's tests into a
// folder, as a Maildir's new/ folder would hold them.
func copyReports(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for i, name := range names {
		b, err := os.ReadFile(filepath.Join("..", "..", "internal", "mail", "testdata", "reports", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "17731334"+string(rune('0'+i))+".M1P2.mx1"), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestMailProcessCommand(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			url := membersDB(t, engine)
			ctx := context.Background()
			db, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// The subscribers the reports name (old.member@example.net,
			// also in the Exim bounce, is no subscriber).
			var rows []store.NewSubscriberRow
			for _, email := range []string{"reader1@example.org", "reader2@example.net", "reader2@example.com", "nobody.here.9f@gmail.com"} {
				rows = append(rows, store.NewSubscriberRow{Email: email, Token: "tok-" + email, Status: store.SubscriberConfirmed, Consent: "test",
					Follows: []store.Subscription{{Scope: store.ScopeSite}}})
			}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.BulkAddSubscribers(ctx, rows, time.Now()) }); err != nil {
				t.Fatal(err)
			}

			dir := copyReports(t, "postfix-bounce.eml", "postfix-delayed.eml", "exim-bounce.eml", "gmail-bounce.eml", "arf-abuse.eml", "out-of-office.eml")
			code, out, errOut := runQuorum(t, "mail", "process", "--database-url", url, dir)
			want := "Read 6 messages (3 bounces, 1 complaint, 1 delay or temporary failure, 1 not a report): 3 addresses suppressed, 1 subscriber unsubscribed, 0 newsletter deliveries marked; 1 address of no subscriber left alone\n"
			if code != 0 || out != want || errOut != "" {
				t.Fatalf("exit %d\n%s\nwant %s\n%s", code, out, want, errOut)
			}
			reasons := map[string]string{}
			list, _, err := db.Suppressions(ctx, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range list {
				reasons[s.Email] = s.Reason
			}
			if len(reasons) != 3 || reasons["reader1@example.org"] != "bounce" || reasons["nobody.here.9f@gmail.com"] != "bounce" || reasons["reader2@example.com"] != "complaint" {
				t.Errorf("suppressions: %v", reasons)
			}
			var status string
			if err := db.QueryRow(ctx, `SELECT status FROM subscribers WHERE email = ?`, "reader2@example.com").Scan(&status); err != nil || status != store.SubscriberUnsubscribed {
				t.Errorf("complainant: %q %v", status, err)
			}

			// The folder read again changes nothing; one message from
			// standard input, as a pipe transport gives it.
			code, out, _ = runQuorum(t, "mail", "process", "--database-url", url, dir)
			if code != 0 || !strings.Contains(out, ": 0 addresses suppressed, 0 subscribers unsubscribed") {
				t.Errorf("again: exit %d %s", code, out)
			}
			var stdout, stderr bytes.Buffer
			bounce, _ := os.ReadFile(filepath.Join(dir, "177313343.M1P2.mx1"))
			code = mailProcess(ctx, []string{"--database-url", url}, bytes.NewReader(bounce), &stdout, &stderr)
			if code != 0 || stdout.String() != "Read 1 message (1 bounce): 0 addresses suppressed, 0 subscribers unsubscribed, 0 newsletter deliveries marked\n" {
				t.Errorf("standard input: exit %d %q %q", code, stdout.String(), stderr.String())
			}

			// Output never names an address.
			if strings.Contains(out+errOut+stdout.String()+stderr.String(), "@") {
				t.Errorf("an address in the output")
			}
		})
	}
}

func TestMailProcessCommandErrors(t *testing.T) {
	url := membersDB(t, store.SQLite)
	dir := t.TempDir()
	garbage := writeFile(t, "garbage.eml", "this is not\nan e-mail\n")
	cases := []struct {
		args      []string
		code      int
		out, want string
	}{
		{[]string{"mail"}, 2, "", "Usage: quorum mail process"},
		{[]string{"mail", "send"}, 2, "", `unknown action "send"`},
		{[]string{"mail", "process", "--frobnicate"}, 2, "", "flag provided but not defined"},
		{[]string{"mail", "process", "--database-url", "mysql://x/y", garbage}, 2, "", "quorum mail process:"},
		{[]string{"mail", "process", "--database-url", url, garbage, filepath.Join(dir, "missing.eml")}, 1,
			"Read 2 messages (2 unreadable): 0 addresses suppressed", "garbage.eml: not an e-mail message that can be read"},
	}
	for _, c := range cases {
		code, out, errOut := runQuorum(t, c.args...)
		if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d\n%s\n%s\nwant %d %q %q", c.args, code, out, errOut, c.code, c.out, c.want)
		}
	}
	for _, args := range [][]string{{"mail", "--help"}, {"mail", "process", "--help"}} {
		if code, out, _ := runQuorum(t, args...); code != 0 || !strings.HasPrefix(out, "Usage: quorum mail process") {
			t.Errorf("%v: exit %d %.80q", args, code, out)
		}
	}
}
