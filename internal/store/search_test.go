package store_test

import (
	"context"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestFTS5Query(t *testing.T) {
	cases := map[string]string{
		"":                        "",
		"council":                 `"council"`,
		"local government":        `"local" AND "government"`,
		`"local government" cuts`: `"local government" AND "cuts"`,
		"cuts OR budget":          `"cuts" OR "budget"`,
		"cuts -tory":              `"cuts" NOT "tory"`,
		"-only":                   "",
		`AND OR NOT ( ) * ^ :`:    `"AND" OR "NOT"`,
		"by-election":             `"by" AND "election"`,
		`unclosed "quote here`:    `"unclosed" AND "quote here"`,
		"Ünïcödé café":            `"Ünïcödé" AND "café"`,
	}
	for in, want := range cases {
		if got := store.FTS5Query(in); got != want {
			t.Errorf("FTS5Query(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzFTS5Query checks that whatever a visitor types becomes a query that
// SQLite accepts.
func FuzzFTS5Query(f *testing.F) {
	for _, s := range []string{"council", `"a b" OR -c`, "NEAR(a b)", `a"`, "-", "OR OR", "x*y", "col:val", "^start"} {
		f.Add(s)
	}
	db := testkit.SQLite(f)
	ctx := context.Background()
	if err := db.EnsureSearchIndex(ctx); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, _, err := db.Search(ctx, store.SearchQuery{Text: s}); err != nil {
			t.Fatalf("query %q (FTS5 %s): %v", s, store.FTS5Query(s), err)
		}
	})
}

func TestSearchDocumentsFollowChanges(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.EnsureSearchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.EnsureSearchIndex(ctx); err != nil {
			t.Fatalf("second time: %v", err)
		}
		put := func(d store.SearchDocument) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.PutSearchDocument(ctx, d) }); err != nil {
				t.Fatal(err)
			}
		}
		at := time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)
		put(store.SearchDocument{Kind: "report", RefID: 1, Year: 2020, Title: "Budget", Content: "the budget was agreed", URL: "/reports/a", PublishedAt: at})
		put(store.SearchDocument{Kind: "report", RefID: 1, Year: 2020, Title: "Budget", Content: "the accounts were agreed", URL: "/reports/a", PublishedAt: at})
		if _, n, err := db.Search(ctx, store.SearchQuery{Text: "accounts"}); err != nil || n != 1 {
			t.Fatalf("new text: %v %d", err, n)
		}
		if hits, n, err := db.Search(ctx, store.SearchQuery{Text: "agreed", Year: 2021}); err != nil || n != 0 || len(hits) != 0 {
			t.Fatalf("year filter: %v %d", err, n)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteSearchDocument(ctx, "report", 1) }); err != nil {
			t.Fatal(err)
		}
		if _, n, err := db.Search(ctx, store.SearchQuery{Text: "accounts"}); err != nil || n != 0 {
			t.Fatalf("after delete: %v %d", err, n)
		}
	})
}
