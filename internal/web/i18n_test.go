package web

import (
	"testing"
	"time"
)

// english is the English translator of the real catalogues.
func english(t testing.TB) *translator {
	t.Helper()
	ls, err := loadLanguages(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return ls.byCode["en"].tr
}
