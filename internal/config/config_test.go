package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's configuration table")

const (
	tableStart = "<!-- configuration table: generated from internal/config; go test ./internal/config -update -->"
	tableEnd   = "<!-- end of configuration table -->"
)

// TestReadmeTableIsCurrent keeps the README's table equal to the settings.
func TestReadmeTableIsCurrent(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, tableStart), strings.Index(readme, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q … %q", tableStart, tableEnd)
	}
	want := tableStart + "\n" + MarkdownTable() + tableEnd
	got := readme[i : j+len(tableEnd)]
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(readme[:i]+want+readme[j+len(tableEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("README.md's configuration table is out of date: run go test ./internal/config -update")
}

func TestPrecedenceFlagEnvDefault(t *testing.T) {
	t.Setenv("QUORUM_LISTEN", "0.0.0.0:9000")
	t.Setenv("QUORUM_SITE_NAME", "From env")
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	load := Register(fs)
	if err := fs.Parse([]string{"--site-name", "From flag"}); err != nil {
		t.Fatal(err)
	}
	c, err := load()
	if err != nil {
		t.Fatal(err)
	}
	if c.SiteName != "From flag" || c.Listen != "0.0.0.0:9000" || c.DatabaseURL != "sqlite:quorum.db" {
		t.Fatalf("%+v", c)
	}
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db-url")
	if err := os.WriteFile(path, []byte("postgres://u:secret@db/q\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("QUORUM_DATABASE_URL_FILE", path)
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	load := Register(fs)
	_ = fs.Parse(nil)
	c, err := load()
	if err != nil || c.DatabaseURL != "postgres://u:secret@db/q" {
		t.Fatalf("%q %v", c.DatabaseURL, err)
	}
	// A non-secret setting has no _FILE variant.
	t.Setenv("QUORUM_LISTEN_FILE", path)
	c, _ = load()
	if c.Listen != "127.0.0.1:8080" {
		t.Fatalf("listen read from a file: %q", c.Listen)
	}
}

func TestBadValues(t *testing.T) {
	for _, args := range [][]string{{"--workers", "lots"}, {"--workers", "-1"}, {"--secure-cookies", "maybe"}, {"--log-level", "loud"}} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		load := Register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if _, err := load(); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
