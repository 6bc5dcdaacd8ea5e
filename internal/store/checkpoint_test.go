package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"quorum/internal/store"
)

// TestWriteAheadLogIsCopiedInTheBackground: on SQLite, commits land in
// the write-ahead log and a background connection copies them into the
// database file, without any commit having to run a checkpoint itself.
func TestWriteAheadLogIsCopiedInTheBackground(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "quorum.db")
	db, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(ctx, `CREATE TABLE filler (b BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	before := fileSize(t, path)
	row := bytes.Repeat([]byte{7}, 4000)
	for range 500 { // about 2 MB, far below the writer's own checkpoint threshold
		if _, err := db.Exec(ctx, `INSERT INTO filler (b) VALUES (?)`, row); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for fileSize(t, path) < before+1_500_000 {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is still %d bytes (%d before the writes): the log was not copied into it", fileSize(t, path), before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestClosingTwice: closing a database a second time does nothing more,
// as with database/sql.
func TestClosingTwice(t *testing.T) {
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "quorum.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}
