package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quorum/internal/org"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) {
	// The crash test runs the server in a child process of this test
	// binary, so that it can kill it without ceremony.
	if args := os.Getenv(crashChildEnv); args != "" {
		os.Exit(run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	testkit.Main(m)
}

type cliResult struct {
	code        int
	out, errOut string
}

func runMembersCLI(run func(context.Context, []string, *bytes.Buffer, *bytes.Buffer) int, args ...string) cliResult {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return cliResult{code, out.String(), errOut.String()}
}

func runImport(args ...string) cliResult {
	return runMembersCLI(func(ctx context.Context, a []string, o, e *bytes.Buffer) int { return cmdImport(ctx, a, o, e) }, args...)
}

func runExport(args ...string) cliResult {
	return runMembersCLI(func(ctx context.Context, a []string, o, e *bytes.Buffer) int { return cmdExport(ctx, a, o, e) }, args...)
}

// membersDB returns the URL of a migrated database holding units "north"
// and "south".
func membersDB(t *testing.T, engine store.Engine) string {
	t.Helper()
	url := testkit.URL(t, engine)
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"north", "south"} {
		if _, err := db.Exec(ctx, `INSERT INTO units (type, name, slug, code) VALUES ('branch', ?, ?, '')`, slug, slug); err != nil {
			t.Fatal(err)
		}
	}
	return url
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const cliMembers = "membership_number,name,email,gender,unit,type,start_date,lapse_date,status\r\n" +
	"A1,Ada Lovelace,ada@example.org,woman,north,full,2020-01-15,,\r\n" +
	"A2,Keir Hardie,keir@example.org,man,south,full,2019-03-01,,\r\n"

func TestImportMembersCommand(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			url := membersDB(t, engine)
			file := writeFile(t, "members.csv", "\ufeff"+cliMembers)
			changed := writeFile(t, "changed.csv", strings.Replace(cliMembers, "Keir Hardie", "James Keir Hardie", 1))
			lines := strings.SplitAfter(cliMembers, "\r\n")
			onlyA1 := writeFile(t, "one.csv", lines[0]+lines[1])
			bad := writeFile(t, "bad.csv", cliMembers+"A3,Mary Macarthur,,woman,west,full,2023-13-01,,\r\n")

			steps := []struct {
				name     string
				args     []string
				code     int
				out, err []string // substrings expected
				notOut   []string
			}{
				{"dry run", []string{"members", file, "--dry-run", "--database-url", url}, 0,
					[]string{"Dry run of", "2 to add", "row 2  A1  unit north, active"}, nil, nil},
				{"import", []string{"members", "--database-url", url, file}, 0,
					[]string{"Imported", "2 added", "0 changed"}, nil, nil},
				{"re-import changes nothing", []string{"members", file, "--database-url", url}, 0,
					[]string{"0 added", "0 changed", "0 lapsed", "2 unchanged"}, nil, nil},
				{"a change hides personal data", []string{"members", changed, "--dry-run", "--database-url", url}, 0,
					[]string{"1 to change", "row 3  A2  name changed"}, nil, []string{"Hardie"}},
				{"a change shows personal data when asked", []string{"members", changed, "--dry-run", "--show-personal", "--database-url", url}, 0,
					[]string{`name "Keir Hardie" → "James Keir Hardie"`}, nil, nil},
				{"lapse missing", []string{"members", onlyA1, "--dry-run", "--lapse-missing", "--database-url", url}, 0,
					[]string{"1 to lapse as missing from the file", "not in file  A2  lapse_date (blank) →"}, nil, nil},
				{"invalid file", []string{"members", bad, "--database-url", url}, 1, nil,
					[]string{`bad.csv: row 4, column unit: no unit has the slug or code "west"`,
						`bad.csv: row 4, column start_date: "2023-13-01" is not a date (want YYYY-MM-DD)`,
						"has 2 errors; nothing was imported"}, nil},
			}
			for _, s := range steps {
				r := runImport(s.args...)
				if r.code != s.code {
					t.Fatalf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", s.name, r.code, s.code, r.out, r.errOut)
				}
				for _, want := range s.out {
					if !strings.Contains(r.out, want) {
						t.Errorf("%s: stdout lacks %q:\n%s", s.name, want, r.out)
					}
				}
				for _, want := range s.err {
					if !strings.Contains(r.errOut, want) {
						t.Errorf("%s: stderr lacks %q:\n%s", s.name, want, r.errOut)
					}
				}
				for _, unwanted := range s.notOut {
					if strings.Contains(r.out+r.errOut, unwanted) {
						t.Errorf("%s: output shows %q:\n%s%s", s.name, unwanted, r.out, r.errOut)
					}
				}
			}
		})
	}
}

func TestExportMembersCommand(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			url := membersDB(t, engine)
			if r := runImport("members", writeFile(t, "m.csv", cliMembers), "--database-url", url); r.code != 0 {
				t.Fatalf("import: %d %s", r.code, r.errOut)
			}
			r := runExport("members", "--database-url", url)
			if r.code != 0 || !strings.HasPrefix(r.out, "membership_number,name,email,gender,unit,type,start_date,lapse_date,status\n") {
				t.Fatalf("export to stdout: %d\n%s%s", r.code, r.out, r.errOut)
			}
			if r.errOut != "quorum export members: wrote 2 members to standard output\n" {
				t.Fatalf("stderr %q", r.errOut)
			}

			out := filepath.Join(t.TempDir(), "south.csv")
			if r := runExport("members", "--unit", "south", "--out", out, "--database-url", url); r.code != 0 {
				t.Fatalf("export --out: %d %s", r.code, r.errOut)
			}
			fi, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("export file mode %v, want 0600: it holds personal data", fi.Mode().Perm())
			}
			b, _ := os.ReadFile(out)
			if lines := strings.Count(string(b), "\n"); lines != 2 || !strings.Contains(string(b), "A2,Keir Hardie") {
				t.Fatalf("south export:\n%s", b)
			}
			r = runImport("members", out, "--database-url", url)
			if r.code != 0 || !strings.Contains(r.out, "1 unchanged") {
				t.Fatalf("export → import: %d\n%s%s", r.code, r.out, r.errOut)
			}

			r = runExport("members", "--unit", "atlantis", "--out", out, "--database-url", url)
			if r.code != 2 || r.errOut != "quorum export members: no unit has the slug \"atlantis\"\n" {
				t.Fatalf("unknown unit: %d %q", r.code, r.errOut)
			}
			if b2, _ := os.ReadFile(out); !bytes.Equal(b, b2) {
				t.Fatal("a failed export overwrote the previous file")
			}
		})
	}
}

func TestMembersCommandUsageAndDatabaseErrors(t *testing.T) {
	file := writeFile(t, "m.csv", cliMembers)
	tooNew := testkit.URL(t, store.SQLite)
	ctx := context.Background()
	db, err := store.Open(ctx, tooNew)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', CURRENT_TIMESTAMP)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tests := []struct {
		name    string
		export  bool
		args    []string
		code    int
		errWant string
	}{
		{"no kind", false, nil, 2, "Usage: quorum import KIND"},
		{"unknown kind", false, []string{"ledger"}, 2, `unknown kind "ledger" (known: members, wordpress)`},
		{"no file", false, []string{"members"}, 2, "give exactly one FILE.csv"},
		{"two files", false, []string{"members", file, file}, 2, "give exactly one FILE.csv"},
		{"unknown flag", false, []string{"members", file, "--force"}, 2, "flag provided but not defined: -force"},
		{"bad --list", false, []string{"members", file, "--list", "some"}, 2, `--list wants a number or all, not "some"`},
		{"missing file", false, []string{"members", filepath.Join(t.TempDir(), "none.csv")}, 2, "no such file"},
		{"unknown scheme", false, []string{"members", file, "--database-url", "mysql://x"}, 2, "unknown database URL"},
		{"unreachable", false, []string{"members", file, "--database-url", "postgres://nobody:secret@127.0.0.1:1/x?connect_timeout=2"}, 2, "cannot reach the database"},
		{"too new", false, []string{"members", file, "--database-url", tooNew}, 2, "newer than this quorum binary"},
		{"export: unknown kind", true, []string{"ledger"}, 2, `unknown kind "ledger"`},
		{"export: stray argument", true, []string{"members", "x.csv"}, 2, `unexpected argument "x.csv"`},
		{"export: too new", true, []string{"members", "--database-url", tooNew}, 2, "newer than this quorum binary"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r cliResult
			if tc.export {
				r = runExport(tc.args...)
			} else {
				r = runImport(tc.args...)
			}
			if r.code != tc.code || !strings.Contains(r.errOut, tc.errWant) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.errOut, tc.code, tc.errWant)
			}
			if tc.code == 2 && tc.args != nil && strings.Count(r.errOut, "\n") != 1 {
				t.Errorf("want one line on stderr, got %q", r.errOut)
			}
			if strings.Contains(r.errOut, "secret") {
				t.Errorf("stderr shows the password: %q", r.errOut)
			}
		})
	}
}

func TestMembersCommandHelp(t *testing.T) {
	for _, run := range []func(...string) cliResult{runImport, runExport} {
		r := run("members", "--help")
		if r.code != 0 || r.errOut != "" {
			t.Fatalf("--help: exit %d, stderr %q", r.code, r.errOut)
		}
		for _, c := range org.MemberColumns {
			if !strings.Contains(r.out, "  "+c.Name+" (") {
				t.Errorf("help does not list column %s:\n%s", c.Name, r.out)
			}
		}
	}
	if r := runImport("--help"); r.code != 0 || !strings.Contains(r.out, "members    members and memberships from a CSV file") {
		t.Fatalf("import --help: %d %q", r.code, r.out)
	}
}

func TestImportProgressPlainLines(t *testing.T) {
	var buf bytes.Buffer
	p := newImportProgress(&buf, 0)
	p.interval = 0
	p.last = time.Time{}
	p.event(org.MemberImportProgress{Stage: "read", Done: 1000})
	p.event(org.MemberImportProgress{Stage: "read", Done: 2000, Total: 2000})
	p.event(org.MemberImportProgress{Stage: "write", Done: 500, Total: 2000})
	p.finish()
	want := "quorum import members: read 1000 rows\nquorum import members: written 500 of 2000 rows\n"
	if buf.String() != want {
		t.Fatalf("progress lines\n got %q\nwant %q", buf.String(), want)
	}
}
