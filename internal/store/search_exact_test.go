package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// exactWords is the vocabulary of TestSearchFindsEveryMatch: words that
// both engines' stemmers leave as they are, none a stop word and no two
// with the same stem, so that a document holds a word for the engines
// exactly when its text holds it for the scan in Go.
var exactWords = strings.Fields(`social care water rail budget council tax wage staff union branch region grant
health school transport fund van train park road youth north south east west green port dock steel coal
farm food bank rent land plan seat poll chair`)

// exactTerm is one term of a query: a word, or the words of a phrase in
// order.
type exactTerm []string

// exactQuery is a search and what it asks for, term by term: all of
// terms (any one of them if or), and none of not.
type exactQuery struct {
	name  string
	q     store.SearchQuery
	terms []exactTerm
	or    bool
	not   []exactTerm
}

// TestSearchFindsEveryMatch checks, on each engine, that a search finds
// exactly the documents a scan of their texts in Go finds, and counts
// them, whatever the age of the documents and however common the words
// of a phrase are.
func TestSearchFindsEveryMatch(t *testing.T) {
	const n = 2600
	docs := exactCorpus(n)
	queries := []exactQuery{
		// Both words are in most documents; the phrase only in a few
		// of the oldest.
		{name: "rare phrase of common words in old reports", q: store.SearchQuery{Text: `"water rail"`}, terms: []exactTerm{{"water", "rail"}}},
		// In about half of the documents: more than are counted.
		{name: "common phrase", q: store.SearchQuery{Text: `"social care"`}, terms: []exactTerm{{"social", "care"}}},
		// Fewer than are counted, spread over every age.
		{name: "phrase in some reports", q: store.SearchQuery{Text: `"budget council"`}, terms: []exactTerm{{"budget", "council"}}},
		{name: "phrase of three words", q: store.SearchQuery{Text: `"budget council tax"`}, terms: []exactTerm{{"budget", "council", "tax"}}},
		{name: "rare word", q: store.SearchQuery{Text: "kiln"}, terms: []exactTerm{{"kiln"}}},
		{name: "rare word in capitals", q: store.SearchQuery{Text: "KILN"}, terms: []exactTerm{{"kiln"}}},
		{name: "word with a filter", q: store.SearchQuery{Text: "dock", BodyID: 2, Year: 2019}, terms: []exactTerm{{"dock"}}},
		{name: "words with a filter", q: store.SearchQuery{Text: "steel coal", PersonID: 7}, terms: []exactTerm{{"steel"}, {"coal"}}},
		{name: "phrase with a filter", q: store.SearchQuery{Text: `"budget council"`, BodyID: 3}, terms: []exactTerm{{"budget", "council"}}},
		{name: "rare phrase with a filter", q: store.SearchQuery{Text: `"water rail"`, PersonID: 3}, terms: []exactTerm{{"water", "rail"}}},
		{name: "phrase and a word", q: store.SearchQuery{Text: `"water rail" kiln`}, terms: []exactTerm{{"water", "rail"}, {"kiln"}}},
		{name: "phrase less a word", q: store.SearchQuery{Text: `"budget council" -kiln`}, terms: []exactTerm{{"budget", "council"}}, not: []exactTerm{{"kiln"}}},
		{name: "word less a phrase", q: store.SearchQuery{Text: `kiln -"social care"`}, terms: []exactTerm{{"kiln"}}, not: []exactTerm{{"social", "care"}}},
		{name: "phrase or a word", q: store.SearchQuery{Text: `"water rail" OR kiln`}, terms: []exactTerm{{"water", "rail"}, {"kiln"}}, or: true},
		{name: "reversed phrase in a year", q: store.SearchQuery{Text: `"rail water"`, Year: 2011}, terms: []exactTerm{{"rail", "water"}}},
	}
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.EnsureSearchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.BulkPutSearchDocuments(ctx, docs) }); err != nil {
			t.Fatal(err)
		}
		if db.Engine == store.Postgres {
			// With statistics the planner may choose other plans than
			// without: the results must not depend on them.
			if _, err := db.Exec(ctx, `ANALYZE search_documents`); err != nil {
				t.Fatal(err)
			}
		}
		for _, eq := range queries {
			t.Run(eq.name, func(t *testing.T) {
				want := exactScan(docs, eq)
				got, total := searchAll(t, db, eq.q)
				if len(want) <= store.SearchCountCap {
					if total != len(want) || !slices.Equal(got, want) {
						t.Fatalf("%q: %d found (total %d), a scan finds %d\nmissing %v\nextra %v",
							eq.q.Text, len(got), total, len(want), difference(want, got), difference(got, want))
					}
					return
				}
				// Past the cap the count says so, the pages it offers are
				// full, and every document on them is a match.
				if total != store.SearchCountCap+1 || len(got) < store.SearchCountCap+1 {
					t.Fatalf("%q: %d found, total %d; a scan finds %d, so want a total of %d", eq.q.Text, len(got), total, len(want), store.SearchCountCap+1)
				}
				if extra := difference(got, want); len(extra) > 0 {
					t.Fatalf("%q: found %v, which do not match", eq.q.Text, extra)
				}
			})
		}
		// The case the corpus is built for: the phrase only in reports
		// older than a thousand others holding both of its words.
		var both int
		for _, d := range docs {
			if words := textWords(d.Content); slices.Contains(words, "water") && slices.Contains(words, "rail") {
				both++
			}
		}
		if rare := exactScan(docs, queries[0]); len(rare) == 0 || rare[len(rare)-1] > n/5 || both < 1500 {
			t.Fatalf("corpus: the rare phrase is in %v, both its words in %d documents", rare, both)
		}
	})
}

// exactCorpus makes n documents of about 80 words of exactWords, in
// mixed case and with punctuation between some words. "water rail" is
// only in a few of the oldest fifth, "social care" in about half,
// "budget council" in about one in eight; "kiln" is in three documents,
// one of them in its title.
func exactCorpus(n int) []store.SearchDocument {
	r := rand.New(rand.NewPCG(7, 11))
	docs := make([]store.SearchDocument, n)
	for i := range docs {
		var words []string
		for len(words) < 80 {
			w := exactWords[r.IntN(len(exactWords))]
			if len(words) > 0 && words[len(words)-1] == "water" && w == "rail" {
				continue // the rare phrase is planted only
			}
			words = append(words, w)
		}
		plant := func(phrase ...string) {
			at := r.IntN(len(words) - len(phrase))
			copy(words[at:], phrase)
			if at+len(phrase) < len(words) && phrase[len(phrase)-1] == "water" && words[at+len(phrase)] == "rail" {
				words[at+len(phrase)] = "road"
			}
			if at > 0 && words[at-1] == "water" && phrase[0] == "rail" {
				words[at-1] = "road"
			}
		}
		if r.IntN(2) == 0 {
			plant("social", "care")
		}
		if r.IntN(8) == 0 {
			plant("budget", "council", "tax")
		}
		if i < n/5 && i%97 == 5 {
			plant("Water", "RAIL")
		}
		if i == 40 || i == n/2 {
			plant("kiln")
		}
		var b strings.Builder
		for k, w := range words {
			switch {
			case k == 0:
			case k%13 == 0:
				b.WriteString(". ")
			case k%7 == 0:
				b.WriteString(", ")
			default:
				b.WriteByte(' ')
			}
			if k%11 == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
		}
		title := fmt.Sprintf("Report %d", i+1)
		if i == n-3 {
			title = "The kiln"
		}
		year := 2010 + i%16
		docs[i] = store.SearchDocument{Kind: "report", RefID: int64(i + 1), BodyID: int64(1 + i%3), PersonID: int64(1 + i%40), Year: year,
			Title: title, Content: b.String(), URL: fmt.Sprintf("/reports/r%d", i+1),
			PublishedAt: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 24 * time.Hour)}
	}
	return docs
}

// exactScan returns the RefIDs of the documents matching eq, in order,
// by reading every document's words.
func exactScan(docs []store.SearchDocument, eq exactQuery) []int64 {
	var ids []int64
	for _, d := range docs {
		if eq.q.BodyID != 0 && d.BodyID != eq.q.BodyID || eq.q.PersonID != 0 && d.PersonID != eq.q.PersonID || eq.q.Year != 0 && d.Year != eq.q.Year {
			continue
		}
		title, content := textWords(d.Title), textWords(d.Content)
		holds := func(term exactTerm) bool { return holdsPhrase(title, term) || holdsPhrase(content, term) }
		found := 0
		for _, term := range eq.terms {
			if holds(term) {
				found++
			}
		}
		match := found == len(eq.terms) || eq.or && found > 0
		for _, term := range eq.not {
			match = match && !holds(term)
		}
		if match {
			ids = append(ids, d.RefID)
		}
	}
	return ids
}

// textWords splits text into lower-case words as both engines do:
// anything but a letter or a digit separates words.
func textWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// holdsPhrase reports whether words holds the words of phrase one after
// the other.
func holdsPhrase(words []string, phrase exactTerm) bool {
	for i := 0; i+len(phrase) <= len(words); i++ {
		if slices.Equal(words[i:i+len(phrase)], phrase) {
			return true
		}
	}
	return false
}

// searchAll reads every page of a search and returns the RefIDs found,
// in order, and the total the first page gave.
func searchAll(t *testing.T, db *store.DB, q store.SearchQuery) ([]int64, int) {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	total := -1
	for page := 1; page < 100; page++ {
		q.Page = store.Page{Number: page, Size: 100}
		hits, n, err := db.Search(ctx, q)
		if err != nil {
			t.Fatalf("%q page %d: %v", q.Text, page, err)
		}
		if total < 0 {
			total = n
		} else if n != total {
			t.Fatalf("%q page %d: total %d, page 1 said %d", q.Text, page, n, total)
		}
		if len(hits) == 0 {
			break
		}
		for _, h := range hits {
			ids = append(ids, h.RefID)
		}
	}
	slices.Sort(ids)
	if len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Fatalf("%q: a document on two pages", q.Text)
	}
	return ids, total
}

// difference returns the ids of a that are not in b (both sorted).
func difference(a, b []int64) []int64 {
	var out []int64
	for _, id := range a {
		if _, found := slices.BinarySearch(b, id); !found {
			out = append(out, id)
		}
	}
	return out
}
