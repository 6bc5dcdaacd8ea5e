package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quorum/internal/store"
)

// seedsWXR is WordPress 6.1's export of the seed posts, outside the
// repository (../shared/testdata/wxr from its root).
func seedsWXR(t *testing.T) string {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "testdata", "wxr", "seeds-wordpress-6.1.xml")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("the WordPress export of the seeds is not here (%s): %v", path, err)
	}
	return path
}

// runWordPress runs "quorum import wordpress ARGS".
func runWordPress(args ...string) cliResult {
	return runMembersCLI(func(ctx context.Context, a []string, o, e *bytes.Buffer) int { return importWordPress(ctx, a, o, e) }, args...)
}

func TestImportWordPressCommand(t *testing.T) {
	file := seedsWXR(t)
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			url := membersDB(t, engine)
			ctx := context.Background()
			db, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(ctx, `INSERT INTO bodies (name, slug) VALUES ('National Executive', 'nec')`); err != nil {
				t.Fatal(err)
			}

			res := runWordPress("--dry-run", "--body", "nec", "--database-url", url, file)
			if res.code != 0 || !strings.Contains(res.out, "Would import") || !strings.Contains(res.out, "14 published posts") {
				t.Fatalf("dry run: %d\n%s\n%s", res.code, res.out, res.errOut)
			}
			res = runWordPress("--body", "nec", "--database-url", url, file)
			if res.code != 0 || !strings.Contains(res.out, "14 published posts") || !strings.Contains(res.out, "2 comments shown") ||
				!strings.Contains(res.out, "42 old addresses now redirect") || !strings.Contains(res.out, "0 matched by e-mail, 1 created") {
				t.Fatalf("import: %d\n%s\n%s", res.code, res.out, res.errOut)
			}
			res = runWordPress("--database-url", url, file)
			if res.code != 0 || !strings.Contains(res.out, "14 items imported before") || !strings.Contains(res.out, "0 published posts") {
				t.Fatalf("again: %d\n%s\n%s", res.code, res.out, res.errOut)
			}
			var reports, comments int
			if err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM reports), (SELECT COUNT(*) FROM comments)`).Scan(&reports, &comments); err != nil || reports != 14 || comments != 2 {
				t.Fatalf("%d reports, %d comments: %v", reports, comments, err)
			}
		})
	}
}

func TestImportWordPressCommandErrors(t *testing.T) {
	url := membersDB(t, store.SQLite)
	dir := t.TempDir()
	notXML := filepath.Join(dir, "notes.txt")
	os.WriteFile(notXML, []byte("hello"), 0o600)
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte(`<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Orphan</title><dc:creator>nobody</dc:creator><wp:post_id>3</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item></channel></rss>`), 0o600)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "give exactly one FILE.xml"},
		{[]string{"--database-url", url, filepath.Join(dir, "missing.xml")}, 2, "no such file"},
		{[]string{"--database-url", url, notXML}, 2, "not a WordPress export"},
		{[]string{"--database-url", url, "--body", "nowhere", bad}, 2, `no body "nowhere"`},
		{[]string{"--database-url", url, bad}, 1, `post 3 “Orphan”: its author "nobody" is not among the file's authors`},
		{[]string{"--database-url", url, "--skip-bad", bad}, 1, "1 item skipped"},
	}
	for _, c := range cases {
		res := runWordPress(c.args...)
		if res.code != c.code || !strings.Contains(res.errOut, c.want) {
			t.Errorf("%v: %d %q, want %d %q", c.args, res.code, res.errOut, c.code, c.want)
		}
	}
	if res := runWordPress("--help"); res.code != 0 || !strings.Contains(res.out, "Usage: quorum import wordpress") {
		t.Errorf("help: %d %s", res.code, res.out)
	}
}

func TestImportWordPressCommandNamesRefusedFiles(t *testing.T) {
	url := membersDB(t, store.SQLite)
	dir := t.TempDir()
	uploads := filepath.Join(dir, "uploads")
	os.MkdirAll(filepath.Join(uploads, "2020", "01"), 0o700)
	os.WriteFile(filepath.Join(uploads, "2020", "01", "minutes.pdf"), []byte("%PDF-1.7 minutes"), 0o600)
	os.WriteFile(filepath.Join(uploads, "2020", "01", "setup.exe"), append([]byte("MZ"), make([]byte, 600)...), 0o600)
	file := filepath.Join(dir, "blog.xml")
	os.WriteFile(file, []byte(`<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://blog.example</wp:base_site_url>
<item><title>Minutes</title><wp:post_id>3</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status><wp:attachment_url>https://blog.example/wp-content/uploads/2020/01/minutes.pdf</wp:attachment_url></item>
<item><title>Setup</title><wp:post_id>4</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status><wp:attachment_url>https://blog.example/wp-content/uploads/2020/01/setup.exe</wp:attachment_url></item>
</channel></rss>`), 0o600)
	res := runWordPress("--database-url", url, "--uploads", uploads, file)
	if res.code != 0 || !strings.Contains(res.out, "0 pictures and 1 document brought in; 0 media files not found, 1 not accepted") ||
		!strings.Contains(res.out, "not brought in: attachment 4 “Setup” (2020/01/setup.exe): it is a file of type application/octet-stream") {
		t.Fatalf("import: %d\n%s\n%s", res.code, res.out, res.errOut)
	}
}
