// Package csvcell keeps spreadsheet formulas out of the CSV files Quorum
// writes (a member or candidate named "=HYPERLINK(…)" must not run when an
// export is opened) and reads such files back unchanged.
package csvcell

import "strings"

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula.
const formulaStarts = "=+-@\t\r"

// looksLikeFormula reports whether s, less any leading apostrophes, starts
// the way a spreadsheet formula does.
func looksLikeFormula(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0
}

// Escape writes a cell that a spreadsheet would run as a formula after an
// apostrophe, which spreadsheets take to mean text.
func Escape(s string) string {
	if looksLikeFormula(s) {
		return "'" + s
	}
	return s
}

// Unescape undoes Escape, so that an export imports unchanged; it also
// reads a cell someone typed as '=… in a spreadsheet.
func Unescape(s string) string {
	if len(s) >= 2 && s[0] == '\'' && looksLikeFormula(s[1:]) {
		return s[1:]
	}
	return s
}
