package store

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// On SQLite the matches in the window are ranked here rather than by
// FTS5's bm25, which weighs each word by reading every document of the
// index that holds it: 5 to 25 ms of CPU per search for common words over
// 10,000 reports, whatever the number ranked. Scoring the window's rows
// costs some 10 to 20 µs a document.
//
// The score is BM25 with the window as the collection: a word counts more
// the fewer of the window's documents hold it, a word in the title counts
// titleWeight times one in the text, and repeats count less and less.

const (
	titleWeight = 4.0  // as FTS5's bm25(4.0, 1.0) did
	bm25K1      = 1.2  // how fast repeats of a word stop counting
	bm25B       = 0.75 // how much a long text is marked down
)

// SearchTerms returns the word stems a search looks for: the words of the
// query less those left out (-word) and OR, in lower case, with common
// English endings taken off, so that "councils" finds "council" as the
// engines' stemmers do. Ranking and the marks in snippets both use them.
func SearchTerms(q string) []string {
	var out []string
	for _, f := range strings.Fields(q) {
		if f == "OR" || strings.HasPrefix(f, "-") {
			continue
		}
		for _, w := range ftsWords(strings.ToLower(f)) {
			out = append(out, stem(w))
		}
	}
	return out
}

// stem takes common English endings off a word (a little of what the
// engines' stemmers do: enough to rank and mark the words found).
func stem(w string) string {
	for _, suffix := range []string{"ies", "ing", "ed", "es", "s", "ly"} {
		if strings.HasSuffix(w, suffix) && len(w)-len(suffix) >= 4 {
			return strings.TrimSuffix(w, suffix)
		}
	}
	return w
}

// SearchTermMatches reports whether a lower-case word is a term, or
// begins with a term of three letters or more.
func SearchTermMatches(word string, terms []string) bool {
	for _, t := range terms {
		if termMatches(word, t) {
			return true
		}
	}
	return false
}

func termMatches(word, term string) bool {
	if len(term) >= 3 {
		return strings.HasPrefix(word, term)
	}
	return word == term
}

// rankHits orders hits (newest first) by their score for terms, best
// first; equal scores keep the newer first.
func rankHits(hits []SearchHit, terms []string) {
	if len(hits) < 2 || len(terms) == 0 {
		return
	}
	terms = uniqueTerms(terms)
	n := len(hits)
	title := make([]int, n*len(terms))
	text := make([]int, n*len(terms))
	length := make([]int, n)
	holding := make([]int, len(terms)) // documents holding each term
	total := 0
	for i, h := range hits {
		countTerms(h.Title, terms, title[i*len(terms):(i+1)*len(terms)])
		length[i] = countTerms(h.Content, terms, text[i*len(terms):(i+1)*len(terms)])
		total += length[i]
		for k := range terms {
			if title[i*len(terms)+k]+text[i*len(terms)+k] > 0 {
				holding[k]++
			}
		}
	}
	avg := math.Max(1, float64(total)/float64(n))
	idf := make([]float64, len(terms))
	for k, m := range holding {
		idf[k] = math.Log(1 + (float64(n-m)+0.5)/(float64(m)+0.5))
	}
	saturate := func(tf int, norm float64) float64 {
		f := float64(tf)
		return f * (bm25K1 + 1) / (f + bm25K1*norm)
	}
	score := make([]float64, n)
	for i := range hits {
		norm := 1 - bm25B + bm25B*float64(length[i])/avg
		for k := range terms {
			score[i] += idf[k] * (titleWeight*saturate(title[i*len(terms)+k], 1) + saturate(text[i*len(terms)+k], norm))
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return score[order[a]] > score[order[b]] })
	ranked := make([]SearchHit, n)
	for i, j := range order {
		ranked[i] = hits[j]
	}
	copy(hits, ranked)
}

func uniqueTerms(terms []string) []string {
	var out []string
	for _, t := range terms {
		if !containsString(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// countTerms adds to tf[k] how many words of text match terms[k] and
// returns about how many words text has. It looks for each term with
// strings.Index in the lower-cased text rather than splitting the text
// into words: ten times faster, and ranking runs over every document of
// the window.
func countTerms(text string, terms []string, tf []int) int {
	lower := strings.ToLower(text)
	for k, t := range terms {
		for i := 0; ; {
			j := strings.Index(lower[i:], t)
			if j < 0 {
				break
			}
			at, end := i+j, i+j+len(t)
			i = end
			if at > 0 && isWordRune(lastRune(lower[:at])) {
				continue // inside a word
			}
			if len(t) < 3 && end < len(lower) && isWordRune(firstRune(lower[end:])) {
				continue // a short term must be the whole word
			}
			tf[k]++
		}
	}
	return strings.Count(text, " ") + 1
}

func lastRune(s string) rune {
	if c := s[len(s)-1]; c < utf8.RuneSelf {
		return rune(c)
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func firstRune(s string) rune {
	if s[0] < utf8.RuneSelf {
		return rune(s[0])
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
