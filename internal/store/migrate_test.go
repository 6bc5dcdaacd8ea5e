package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func TestMigrateIsIdempotent(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, err := db.Migrate(ctx, nil)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, err %v; want 0, nil", n, err)
		}
		ms, _ := store.Migrations()
		v, err := db.SchemaVersion(ctx)
		if err != nil || v != len(ms) {
			t.Fatalf("version %d, %v; want %d", v, err, len(ms))
		}
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', CURRENT_TIMESTAMP)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx, nil); !errors.Is(err, store.ErrTooNew) {
			t.Fatalf("err = %v, want ErrTooNew", err)
		}
	})
}

func TestOpenRejectsUnknownScheme(t *testing.T) {
	for _, u := range []string{"mysql://x", "quorum.db", "sqlite:"} {
		if _, err := store.Open(context.Background(), u); !errors.Is(err, store.ErrBadURL) {
			t.Errorf("Open(%q) = %v, want ErrBadURL", u, err)
		}
	}
}

func TestOpenUnreachablePostgres(t *testing.T) {
	_, err := store.Open(context.Background(), "postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
	if !errors.Is(err, store.ErrNoConnect) {
		t.Fatalf("err = %v, want ErrNoConnect", err)
	}
	if got := err.Error(); contains(got, "secret") {
		t.Fatalf("error shows the password: %s", got)
	}
}

func TestRebind(t *testing.T) {
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Rebind("a = ? AND b = ?"); got != "a = ? AND b = ?" {
		t.Fatalf("sqlite rebind changed the query: %s", got)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
