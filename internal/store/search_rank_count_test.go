package store

import (
	"strings"
	"testing"
)

// TestCountTermsIgnoresCase checks that text in ASCII, searched as it
// is, counts the same as text copied in lower case.
func TestCountTermsIgnoresCase(t *testing.T) {
	terms := []string{"council", "eu", "care", "soci"}
	texts := []string{
		"The Council met; COUNCILLORS and the council's cOuNcIl. EU, eu, Europe, neu.",
		"social care, Social Care; SOCIAL CARE careers subcouncil council",
		"", "c", "council", "eu", "Eu!", "scare care",
	}
	for _, text := range texts {
		fast := make([]int, len(terms))
		countTerms(text, terms, fast)
		slow := make([]int, len(terms))
		// A non-ASCII letter at the end takes the copying path, and
		// counts nothing more itself.
		countTerms(text+" é", terms, slow)
		for k := range terms {
			if fast[k] != slow[k] {
				t.Errorf("%q, %q: %d ignoring case, %d in lower case", text, terms[k], fast[k], slow[k])
			}
		}
	}
	tf := make([]int, 2)
	countTerms(strings.Repeat("Council council COUNCIL eu EU ", 3), []string{"council", "eu"}, tf)
	if tf[0] != 9 || tf[1] != 6 {
		t.Errorf("repeated: %v, want [9 6]", tf)
	}
}
