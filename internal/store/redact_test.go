package store

import (
	"strings"
	"testing"
)

func TestRedactHidesEveryPassword(t *testing.T) {
	for _, dsn := range []string{
		"postgres://quorum:s3cret-pw@db.example.org:5432/quorum",
		"postgres://quorum@db.example.org/quorum?sslmode=require&password=s3cret-pw",
		"postgres://quorum:s3cret-pw@db.example.org/quorum?password=s3cret-pw",
	} {
		got := redact(dsn)
		if strings.Contains(got, "s3cret-pw") || !strings.Contains(got, "db.example.org") {
			t.Errorf("redact(%q) = %q", dsn, got)
		}
	}
}
