package org

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrInvalidMemberFile is returned, wrapped, when a members file has errors.
// The import report lists them; nothing was written.
var ErrInvalidMemberFile = errors.New("the members file has errors; nothing was imported")

// DefaultMaxMemberErrors is how many errors a report lists when the options
// do not say: enough to see every kind of mistake, few enough to read.
const DefaultMaxMemberErrors = 100

// MemberRowError is one problem with a members file. Messages quote a cell
// only when its format is wrong and it holds no personal data, so a report
// can be shown and logged without leaking names or addresses.
type MemberRowError struct {
	Row    int    // as a spreadsheet numbers it: the header is row 1
	Column string // "" when the problem is the whole row
	Msg    string
}

func (e MemberRowError) Error() string {
	switch {
	case e.Row == 0:
		return e.Msg
	case e.Column == "":
		return fmt.Sprintf("row %d: %s", e.Row, e.Msg)
	default:
		return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Msg)
	}
}

// memberErrors collects errors, keeping the first max and counting the rest.
type memberErrors struct {
	list  []MemberRowError
	total int
	max   int
}

func (e *memberErrors) add(row int, column, format string, args ...any) {
	e.total++
	if len(e.list) < e.max {
		e.list = append(e.list, MemberRowError{Row: row, Column: column, Msg: fmt.Sprintf(format, args...)})
	}
}

// quoteCell quotes a cell for an error message, cut short so that a
// runaway cell cannot flood the report.
func quoteCell(s string) string {
	const maxRunes = 40
	if utf8.RuneCountInString(s) > maxRunes {
		r := []rune(s)
		s = string(r[:maxRunes]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
