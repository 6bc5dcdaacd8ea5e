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
// strings.Index rather than splitting the text into words: ten times
// faster, and ranking runs over every document of the window. Text all
// in ASCII, as most is, is searched as it is, ignoring case, rather than
// copied in lower case first.
func countTerms(text string, terms []string, tf []int) int {
	ascii := isASCII(text)
	lower := text
	if !ascii {
		lower = strings.ToLower(text)
	}
	for k, t := range terms {
		if ascii {
			tf[k] += countASCIIFold(text, t)
			continue
		}
		for i := 0; ; {
			j := strings.Index(lower[i:], t)
			if j < 0 {
				break
			}
			at, end := i+j, i+j+len(t)
			i = end
			if wordAround(lower, at, end, len(t)) {
				tf[k]++
			}
		}
	}
	return strings.Count(text, " ") + 1
}

// wordAround reports whether the match of a term at text[at:end] begins
// a word, and, for a term of fewer than three letters, is the whole word.
func wordAround(text string, at, end, termLen int) bool {
	if at > 0 && isWordRune(lastRune(text[:at])) {
		return false // inside a word
	}
	return termLen >= 3 || end >= len(text) || !isWordRune(firstRune(text[end:]))
}

// countASCIIFold counts the matches of a lower-case term in ASCII text
// in any case.
func countASCIIFold(text, term string) int {
	if term == "" || !isASCII(term) {
		return 0 // an ASCII text holds no other letters
	}
	first, upper := term[0], term[0]
	if 'a' <= first && first <= 'z' {
		upper = first - 'a' + 'A'
	}
	n := 0
	nextLower, nextUpper := -1, -1
	for i := 0; i+len(term) <= len(text); {
		// The next place the term's first letter is, in either case.
		if nextLower < i {
			if nextLower = strings.IndexByte(text[i:], first); nextLower >= 0 {
				nextLower += i
			} else {
				nextLower = len(text)
			}
		}
		if nextUpper < i {
			if nextUpper = strings.IndexByte(text[i:], upper); nextUpper >= 0 {
				nextUpper += i
			} else {
				nextUpper = len(text)
			}
		}
		at := min(nextLower, nextUpper)
		if at+len(term) > len(text) {
			break
		}
		i = at + 1
		if !equalASCIIFold(text[at:at+len(term)], term) {
			continue
		}
		i = at + len(term)
		if wordAround(text, at, i, len(term)) {
			n++
		}
	}
	return n
}

// equalASCIIFold reports whether s, in lower case, is the lower-case
// term.
func equalASCIIFold(s, term string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != term[i] {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
