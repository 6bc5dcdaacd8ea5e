package csvcell

import (
	"strings"
	"testing"
)

func TestEscapeRoundTrips(t *testing.T) {
	for _, s := range []string{"", "'", "''", "=1+1", "'=1+1", "''=x", "+44 20", "-", "@home", "\tx", "O'Neill", "'quoted'"} {
		esc := Escape(s)
		if got := Unescape(esc); got != s {
			t.Errorf("Unescape(Escape(%q)) = %q (escaped %q)", s, got, esc)
		}
		if looksLikeFormula(esc) && !strings.HasPrefix(esc, "'") {
			t.Errorf("Escape(%q) = %q still starts like a formula", s, esc)
		}
	}
	if Escape("=SUM(A1)") != "'=SUM(A1)" || Escape("Ada") != "Ada" {
		t.Error("a formula is not escaped, or a name is")
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"=1", "'", "Ada", "\t", "''@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		esc := Escape(s)
		if Unescape(esc) != s {
			t.Fatalf("%q does not round-trip (escaped %q)", s, esc)
		}
		if looksLikeFormula(esc) && !strings.HasPrefix(esc, "'") {
			t.Fatalf("Escape(%q) = %q starts like a formula", s, esc)
		}
	})
}
