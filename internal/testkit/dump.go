package testkit

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"quorum/internal/store"
)

// TableDump is every row of one table as an operator's dump would show it.
type TableDump struct {
	Name    string
	Columns []string
	// Rows holds each value's bytes: a blob as stored, text as written,
	// a time in RFC 3339, anything else as fmt prints it; nil for NULL.
	Rows [][][]byte
}

// DumpTables reads every table of the test's database. The tables come
// from the catalogue (sqlite_master, or information_schema for the current
// PostgreSQL schema), not from a list, so a table added by a later
// migration is dumped too; views are included, since a dump shows them.
func DumpTables(t testing.TB, db *store.DB) []TableDump {
	t.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name`
	if db.Engine == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`
	}
	names := queryStrings(t, db, q)
	if len(names) == 0 {
		t.Fatal("dump: the catalogue lists no tables")
	}
	out := make([]TableDump, 0, len(names))
	for _, name := range names {
		rows, err := db.Query(ctx, `SELECT * FROM `+quoteIdent(name))
		if err != nil {
			t.Fatalf("dump %s: %v", name, err)
		}
		d := TableDump{Name: name}
		if d.Columns, err = rows.Columns(); err != nil {
			t.Fatalf("dump %s: %v", name, err)
		}
		for rows.Next() {
			vals := make([]any, len(d.Columns))
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("dump %s: %v", name, err)
			}
			row := make([][]byte, len(vals))
			for i, v := range vals {
				row[i] = valueBytes(v)
			}
			d.Rows = append(d.Rows, row)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("dump %s: %v", name, err)
		}
		rows.Close()
		out = append(out, d)
	}
	return out
}

func valueBytes(v any) []byte {
	switch v := v.(type) {
	case nil:
		return nil
	case []byte:
		return append([]byte(nil), v...)
	case string:
		return []byte(v)
	case time.Time:
		return []byte(v.UTC().Format(time.RFC3339Nano))
	default:
		return []byte(fmt.Sprint(v))
	}
}

func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func queryStrings(t testing.TB, db *store.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// StoredBytes is what the engine keeps below SQL, where deleted rows and
// the old versions of updated rows linger.
type StoredBytes struct {
	Name string // a file, or a PostgreSQL relation
	Data []byte
}

// SQLiteFiles reads the database file and its write-ahead log.
func SQLiteFiles(t testing.TB, db *store.DB) []StoredBytes {
	t.Helper()
	path := strings.TrimPrefix(db.URL(), "sqlite:")
	var out []StoredBytes
	for _, name := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(name)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, StoredBytes{Name: name, Data: data})
	}
	if len(out) == 0 {
		t.Fatalf("no SQLite files at %s", path)
	}
	return out
}

var pageinspect struct {
	sync.Mutex
	ready bool
}

// PostgresPages reads every page of every relation of the test's schema
// (tables, their TOAST tables and indexes) through the buffer cache, with
// the pageinspect extension, so pages not yet written to disk are read
// too. It skips the test when the server lacks the extension.
func PostgresPages(t testing.TB, db *store.DB) []StoredBytes {
	t.Helper()
	ctx := context.Background()
	pageinspect.Lock()
	if !pageinspect.ready {
		// One database per test package, so once per process; the
		// extension lives in public, outside every test's schema.
		if _, err := db.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public`); err != nil {
			pageinspect.Unlock()
			t.Skipf("pageinspect is not available on this server: %v", err)
		}
		pageinspect.ready = true
	}
	pageinspect.Unlock()
	rels := queryStrings(t, db, `
		WITH own AS (
			SELECT c.oid, c.reltoastrelid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i', 'm')
		), withtoast AS (
			SELECT oid FROM own
			UNION SELECT reltoastrelid FROM own WHERE reltoastrelid <> 0
			UNION SELECT i.indexrelid FROM pg_index i JOIN own ON i.indrelid = own.reltoastrelid
		)
		SELECT oid::regclass::text FROM withtoast ORDER BY 1`)
	var out []StoredBytes
	for _, rel := range rels {
		var blocks int64
		if err := db.QueryRow(ctx, `SELECT pg_relation_size(?::regclass) / current_setting('block_size')::bigint`, rel).Scan(&blocks); err != nil {
			t.Fatalf("size of %s: %v", rel, err)
		}
		var data []byte
		for b := range blocks {
			var page []byte
			if err := db.QueryRow(ctx, `SELECT public.get_raw_page(?, ?)`, rel, b).Scan(&page); err != nil {
				t.Fatalf("page %d of %s: %v", b, rel, err)
			}
			data = append(data, page...)
		}
		out = append(out, StoredBytes{Name: rel, Data: data})
	}
	return out
}
