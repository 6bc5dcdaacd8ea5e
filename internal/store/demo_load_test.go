package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestBulkInsertBatchesWithinTheParameterLimit(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// 100 columns: SQLite's limit allows only 327 rows per statement,
		// fewer than BulkRowsPerStatement, so the batch must shrink.
		const ncols, nrows = 100, 1001
		cols := make([]string, ncols)
		defs := make([]string, ncols)
		for i := range cols {
			cols[i] = fmt.Sprintf("c%d", i)
			defs[i] = cols[i] + " BIGINT NOT NULL"
		}
		if _, err := db.Exec(ctx, `CREATE TABLE wide (`+strings.Join(defs, ", ")+`)`); err != nil {
			t.Fatal(err)
		}
		rows := make([][]any, nrows)
		for r := range rows {
			rows[r] = make([]any, ncols)
			for c := range rows[r] {
				rows[r][c] = int64(r*ncols + c)
			}
		}
		err := db.InTx(ctx, func(tx *store.Tx) error { return tx.BulkInsert(ctx, "wide", cols, rows) })
		if err != nil {
			t.Fatalf("bulk insert: %v", err)
		}
		var n, sum int64
		if err := db.QueryRow(ctx, `SELECT COUNT(*), SUM(c99) FROM wide`).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		if want := int64(nrows*(nrows-1)/2*ncols + nrows*99); n != nrows || sum != want {
			t.Errorf("%d rows, sum %d; want %d, %d", n, sum, nrows, want)
		}
	})
}

func TestBulkInsertRefusesBadInput(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cases := []struct {
			name  string
			table string
			cols  []string
			rows  [][]any
		}{
			{"short row", "units", []string{"type", "name", "slug"}, [][]any{{"branch", "A", "a"}, {"branch", "B"}}},
			{"table not an identifier", "units; DROP TABLE people", []string{"type"}, [][]any{{"branch"}}},
			{"column not an identifier", "units", []string{"name) VALUES ('x'); --"}, [][]any{{"x"}}},
		}
		for _, c := range cases {
			err := db.InTx(ctx, func(tx *store.Tx) error { return tx.BulkInsert(ctx, c.table, c.cols, c.rows) })
			if err == nil {
				t.Errorf("%s: no error", c.name)
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM units`).Scan(&n); err != nil || n != 0 {
			t.Errorf("units has %d rows (%v) after refused inserts", n, err)
		}
		// Nothing to insert is not an error.
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.BulkInsert(ctx, "units", []string{"name"}, nil) }); err != nil {
			t.Errorf("empty insert: %v", err)
		}
	})
}
