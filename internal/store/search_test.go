package store_test

import (
	"context"
	"fmt"
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
		`cuts -"social care"`:     `"cuts" NOT "social care"`,
		`-"social care" cuts`:     `"cuts"`,
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

// TestSearchRanksAndPages checks the order of results and that pages
// across the end of the ranked window neither repeat nor skip a match.
func TestSearchRanksAndPages(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.EnsureSearchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
		var docs []store.SearchDocument
		add := func(title, content string) {
			n := len(docs) + 1
			docs = append(docs, store.SearchDocument{Kind: "report", RefID: int64(n), Year: 2024, Title: title, Content: content,
				URL: fmt.Sprintf("/reports/r%d", n), PublishedAt: at})
		}
		// 260 reports mention the budget once; one older report is about
		// it (title), one mentions it again and again.
		add("Housing", "the budget was set")
		add("Budget", "we met in the spring")
		add("Spring meeting", "budget, budget and budget: the budget took the whole meeting")
		for i := range 260 {
			add(fmt.Sprintf("Meeting %d", i), fmt.Sprintf("minutes of meeting %d; the budget was noted", i))
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.BulkPutSearchDocuments(ctx, docs) }); err != nil {
			t.Fatal(err)
		}
		hits, total, err := db.Search(ctx, store.SearchQuery{Text: "budget", Page: store.Page{Size: 3}})
		if err != nil || total != len(docs) || len(hits) != 3 {
			t.Fatalf("budget: %v total %d, %d hits", err, total, len(hits))
		}
		// The ranked window holds the newest matches: the three oldest
		// reports are past it and follow newest first. A page of 30
		// straddles the end of the window.
		for _, size := range []int{20, 30} {
			seen := map[int64]bool{}
			for page := 1; ; page++ {
				hits, total, err := db.Search(ctx, store.SearchQuery{Text: "budget", Page: store.Page{Number: page, Size: size}})
				if err != nil || total != len(docs) {
					t.Fatalf("page %d of %d: %v total %d", page, size, err, total)
				}
				if len(hits) == 0 {
					break
				}
				for _, h := range hits {
					if seen[h.RefID] {
						t.Fatalf("pages of %d: report %d twice", size, h.RefID)
					}
					seen[h.RefID] = true
					if h.Content == "" || h.URL == "" {
						t.Fatalf("report %d without its text", h.RefID)
					}
				}
			}
			if len(seen) != len(docs) {
				t.Fatalf("pages of %d: %d of %d reports", size, len(seen), len(docs))
			}
		}
		// Among the three left, the report about the budget comes first,
		// then the one that says it most.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, d := range docs[3:] {
				if err := tx.DeleteSearchDocument(ctx, d.Kind, d.RefID); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		hits, total, err = db.Search(ctx, store.SearchQuery{Text: "budget"})
		if err != nil || total != 3 || len(hits) != 3 {
			t.Fatalf("three left: %v %d %d", err, total, len(hits))
		}
		if got := []int64{hits[0].RefID, hits[1].RefID, hits[2].RefID}; got[0] != 2 || got[1] != 3 || got[2] != 1 {
			t.Fatalf("order %v, want the title first, then the most mentions: [2 3 1]", got)
		}
	})
}

// TestSearchCountStopsAtCap checks that a word found in more documents
// than are counted says so with SearchCountCap+1, on every page.
func TestSearchCountStopsAtCap(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.EnsureSearchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
		docs := make([]store.SearchDocument, store.SearchCountCap+50)
		for i := range docs {
			docs[i] = store.SearchDocument{Kind: "report", RefID: int64(i + 1), Year: 2024, Title: "Report", Content: "the council met",
				URL: fmt.Sprintf("/reports/r%d", i), PublishedAt: at}
		}
		docs[0].Content = "the council met about the precept"
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.BulkPutSearchDocuments(ctx, docs) }); err != nil {
			t.Fatal(err)
		}
		for _, page := range []int{1, 30, 51} {
			hits, total, err := db.Search(ctx, store.SearchQuery{Text: "council", Page: store.Page{Number: page, Size: 20}})
			if err != nil || total != store.SearchCountCap+1 || len(hits) != 20 {
				t.Fatalf("page %d: %v total %d, %d hits", page, err, total, len(hits))
			}
		}
		// Past the matches counted there are no pages (the pager offers none).
		if hits, _, err := db.Search(ctx, store.SearchQuery{Text: "council", Page: store.Page{Number: 53, Size: 20}}); err != nil || len(hits) != 0 {
			t.Fatalf("page 53: %v, %d hits", err, len(hits))
		}
		if hits, total, err := db.Search(ctx, store.SearchQuery{Text: "precept"}); err != nil || total != 1 || hits[0].RefID != 1 {
			t.Fatalf("precept: %v %d", err, total)
		}
	})
}

func TestSearchTermMatches(t *testing.T) {
	terms := store.SearchTerms(`Councils "social care" -budget OR eu`)
	cases := map[string]bool{"council": true, "councillors": true, "social": true, "care": true, "career": true,
		"budget": false, "eu": true, "europe": false, "or": false, "subcouncil": false}
	for w, want := range cases {
		if got := store.SearchTermMatches(w, terms); got != want {
			t.Errorf("%q with terms %q: %v, want %v", w, terms, got, want)
		}
	}
}
