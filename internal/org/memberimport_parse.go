package org

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"quorum/internal/csvcell"
)

// memberRow is one row of a members file that passed the format checks,
// with its values normalised (trimmed, lower-cased where case means
// nothing). A value of a column missing from the header is "".
type memberRow struct {
	row                          int
	number, name, email, gender  string
	unit, typ                    string
	startDate, lapseDate, status string
}

// memberFile is a members file read and checked for format.
type memberFile struct {
	has     map[string]bool // columns named in the header
	rows    []memberRow     // the rows without errors, in file order
	flawed  []memberRow     // rows with errors, holding their good cells
	total   int             // data rows read, blank ones not counted
	numbers map[string]int  // every well-formed membership number → its row
}

// parseMemberCSV reads a members file, checking everything that can be
// checked without the database. onRow, if not nil, hears the number of data
// rows read so far.
func parseMemberCSV(r io.Reader, errs *memberErrors, onRow func(rows int)) *memberFile {
	f := &memberFile{has: map[string]bool{}, numbers: map[string]int{}}
	br := bufio.NewReaderSize(r, 64<<10)
	// Excel writes a byte-order mark at the start of "CSV UTF-8" files.
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // a short row gets our own, clearer error
	cr.ReuseRecord = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		errs.add(0, "", "the file is empty: the first row must name the columns (%s)", strings.Join(MemberColumnNames(), ", "))
		return f
	}
	if err != nil {
		addCSVError(errs, err)
		return f
	}
	headerLine, _ := cr.FieldPos(0)
	cols, ok := parseMemberHeader(header, headerLine, f.has, errs)
	if !ok {
		return f
	}

	p := rowParser{cols: cols, has: f.has, errs: errs}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// After a quoting error the reader cannot tell where rows
			// begin, so whatever follows would only add noise.
			addCSVError(errs, err)
			break
		}
		if blankRecord(rec) {
			continue
		}
		// Rows are numbered by the line they start on, which is what a
		// spreadsheet shows: the reader skips empty lines, so counting
		// records would drift.
		rowNum, _ := cr.FieldPos(0)
		f.total++
		if onRow != nil {
			onRow(f.total)
		}
		row, ok := p.parse(rowNum, rec)
		if row.number != "" {
			if first, dup := f.numbers[row.number]; dup {
				errs.add(rowNum, colNumber, "%s is also on row %d", quoteCell(row.number), first)
				ok = false
			} else {
				f.numbers[row.number] = rowNum
			}
		}
		if ok {
			f.rows = append(f.rows, row)
		} else {
			f.flawed = append(f.flawed, row)
		}
	}
	return f
}

func addCSVError(errs *memberErrors, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		errs.add(pe.StartLine, "", "not valid CSV (the problem is on line %d): %v", pe.Line, pe.Err)
		return
	}
	errs.add(0, "", "cannot read the file: %v", err)
}

// parseMemberHeader maps each known column to its position, marking the
// columns present in has. Columns with no name are skipped (spreadsheets
// add them); an unknown or repeated name is an error, as is a required
// column left out.
func parseMemberHeader(header []string, line int, has map[string]bool, errs *memberErrors) (cols []string, ok bool) {
	known := map[string]bool{}
	for _, c := range MemberColumns {
		known[c.Name] = true
	}
	before := errs.total
	cols = make([]string, len(header))
	for i, h := range header {
		name := normaliseHeader(strings.TrimPrefix(h, "\ufeff"))
		switch {
		case name == "":
			continue
		case !known[name]:
			errs.add(line, quoteCell(strings.TrimSpace(h)), "unknown column; the columns are %s", strings.Join(MemberColumnNames(), ", "))
			continue
		case has[name]:
			errs.add(line, name, "the column appears twice")
			continue
		}
		has[name] = true
		cols[i] = name
	}
	for _, c := range MemberColumns {
		if c.Required && !has[c.Name] {
			errs.add(line, c.Name, "required column missing from the header")
		}
	}
	return cols, errs.total == before
}

func blankRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// rowParser checks one data row at a time against the header.
type rowParser struct {
	cols []string // column name by position; "" for a nameless column
	has  map[string]bool
	errs *memberErrors
}

func (p *rowParser) parse(rowNum int, rec []string) (memberRow, bool) {
	row := memberRow{row: rowNum}
	before := p.errs.total
	if len(rec) < len(p.cols) {
		p.errs.add(rowNum, "", "has %d cells where the header has %d columns", len(rec), len(p.cols))
		return row, false
	}
	for i, cell := range rec {
		if i >= len(p.cols) || p.cols[i] == "" {
			if strings.TrimSpace(cell) != "" {
				p.errs.add(rowNum, "", "cell %d has a value but its column has no name in the header", i+1)
			}
			continue
		}
		col := p.cols[i]
		if !utf8.ValidString(cell) {
			p.errs.add(rowNum, col, "is not valid UTF-8 text; save the file as CSV UTF-8")
			continue
		}
		p.cell(&row, col, csvcell.Unescape(strings.TrimSpace(cell)))
	}
	if row.startDate != "" && row.lapseDate != "" && row.lapseDate < row.startDate {
		p.errs.add(rowNum, colLapseDate, "%s is before start_date %s", row.lapseDate, row.startDate)
	}
	return row, p.errs.total == before
}

// cell checks one value and stores it in row. Messages quote the value only
// where it is not personal data.
func (p *rowParser) cell(row *memberRow, col, v string) {
	add := func(format string, args ...any) { p.errs.add(row.row, col, format, args...) }
	switch col {
	case colNumber:
		switch {
		case v == "":
			add("is required")
		case !validMemberNumber(v):
			add("%s is not a membership number (letters, digits and . _ / - only, at most 40 characters)", quoteCell(v))
		default:
			row.number = v
		}
	case colName:
		switch {
		case v == "":
			add("is required")
		case utf8.RuneCountInString(v) > 200:
			add("is longer than 200 characters")
		case strings.ContainsFunc(v, unicode.IsControl):
			add("contains control characters such as tabs or line breaks")
		default:
			row.name = v
		}
	case colEmail:
		v = strings.ToLower(v)
		if v != "" && !validEmail(v) {
			add("is not an e-mail address like name@example.org")
			return
		}
		row.email = v
	case colGender:
		v = strings.ToLower(v)
		if !validGender(v) {
			add("%s is not one of woman, man, non-binary or blank", quoteCell(v))
			return
		}
		row.gender = v
	case colUnit:
		switch {
		case v == "":
			add("is required")
		case len(v) > 100 || strings.ContainsFunc(v, unicode.IsControl):
			add("%s is not a unit slug or code", quoteCell(v))
		default:
			row.unit = v
		}
	case colType:
		v = strings.ToLower(v)
		if v == "" {
			v = "full"
		}
		if !slices.Contains(memberTypes, v) {
			add("%s is not one of %s", quoteCell(v), strings.Join(memberTypes, ", "))
			return
		}
		row.typ = v
	case colStartDate:
		if v == "" {
			add("is required")
			return
		}
		if checkMemberDate(v, add) {
			row.startDate = v
		}
	case colLapseDate:
		if v != "" && checkMemberDate(v, add) {
			row.lapseDate = v
		}
	case colStatus:
		v = strings.ToLower(v)
		if v != "" && !slices.Contains(memberStatuses, v) {
			add("%s is not one of %s or blank", quoteCell(v), strings.Join(memberStatuses, ", "))
			return
		}
		row.status = v
	}
}

func validMemberNumber(v string) bool {
	if len(v) > 40 {
		return false
	}
	for _, r := range v {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._/-", r)
		if !ok {
			return false
		}
	}
	return true
}

func validEmail(v string) bool {
	if len(v) > 254 {
		return false
	}
	a, err := mail.ParseAddress(v)
	return err == nil && a.Address == v
}

// checkMemberDate accepts exactly YYYY-MM-DD in a plausible range: a
// spreadsheet's 03/04/2021 is ambiguous, and a year 0021 is a typo.
func checkMemberDate(v string, add func(string, ...any)) bool {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil || len(v) != len(time.DateOnly) {
		add("%s is not a date (want YYYY-MM-DD)", quoteCell(v))
		return false
	}
	if t.Year() < 1900 || t.Year() > 2199 {
		add("%s is not a date between 1900 and 2199", quoteCell(v))
		return false
	}
	return true
}
