package org

import (
	"bytes"
	"encoding/csv"
	"os"
	"reflect"
	"strings"
	"testing"

	"quorum/internal/csvcell"
	"quorum/internal/store"
)

func parseForTest(s string) (*memberFile, []string) {
	errs := &memberErrors{max: DefaultMaxMemberErrors}
	f := parseMemberCSV(strings.NewReader(s), errs, nil)
	return f, errorStrings(errs.list)
}

func TestParseMemberCSVAcceptsSpreadsheetQuirks(t *testing.T) {
	tests := []struct {
		name string
		csv  string
	}{
		{"plain", "membership_number,name,unit,start_date\nX1,Ann Other,north,2020-01-01\n"},
		{"byte-order mark and CRLF", "\ufeffmembership_number,name,unit,start_date\r\nX1,Ann Other,north,2020-01-01\r\n"},
		{"header case and spaces", "Membership Number, NAME ,Unit,Start-Date\nX1,Ann Other,north,2020-01-01\n"},
		{"blank rows and a trailing nameless column", "membership_number,name,unit,start_date,\n\n,,,,\nX1, Ann Other ,north,2020-01-01,\n"},
		{"quoted cells", "\"membership_number\",\"name\",\"unit\",\"start_date\"\n\"X1\",\"Ann Other\",\"north\",\"2020-01-01\"\n"},
		{"no final newline", "membership_number,name,unit,start_date\nX1,Ann Other,north,2020-01-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, errs := parseForTest(tc.csv)
			if len(errs) != 0 {
				t.Fatalf("errors: %q", errs)
			}
			want := []memberRow{{row: len(strings.Split(strings.TrimSpace(tc.csv), "\n")), number: "X1", name: "Ann Other", unit: "north", startDate: "2020-01-01"}}
			if !reflect.DeepEqual(f.rows, want) {
				t.Fatalf("rows %+v, want %+v", f.rows, want)
			}
		})
	}
}

func TestParseMemberCSVNormalisesValues(t *testing.T) {
	f, errs := parseForTest("membership_number,name,email,gender,unit,type,start_date,lapse_date,status\n" +
		"X1,'=SUM(A1),Ann@Example.ORG,WOMAN,North,Youth,2020-01-01,2021-01-01,LAPSED\n" +
		"X2,Bob,,,north,,2020-01-01,,\n")
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	want := []memberRow{
		{row: 2, number: "X1", name: "=SUM(A1)", email: "ann@example.org", gender: "woman", unit: "North", typ: "youth", startDate: "2020-01-01", lapseDate: "2021-01-01", status: "lapsed"},
		{row: 3, number: "X2", name: "Bob", unit: "north", typ: "full", startDate: "2020-01-01"},
	}
	if !reflect.DeepEqual(f.rows, want) {
		t.Fatalf("rows\n got %+v\nwant %+v", f.rows, want)
	}
}

func TestParseMemberCSVErrors(t *testing.T) {
	const h = "membership_number,name,email,gender,unit,type,start_date,lapse_date,status\n"
	const known = "membership_number, name, email, gender, unit, type, start_date, lapse_date, status"
	tests := []struct {
		name string
		csv  string
		want []string
	}{
		{"empty file", "", []string{"the file is empty: the first row must name the columns (" + known + ")"}},
		{"unknown column", "membership_number,name,unit,start_date,Phone\n",
			[]string{`row 1, column "Phone": unknown column; the columns are ` + known}},
		{"repeated column", "membership_number,name,unit,start_date,Name\n", []string{"row 1, column name: the column appears twice"}},
		{"missing columns", "name,unit\n", []string{
			"row 1, column membership_number: required column missing from the header",
			"row 1, column start_date: required column missing from the header"}},
		{"bad date", h + "X1,Ann,,,north,,2023-13-01,,\n",
			[]string{`row 2, column start_date: "2023-13-01" is not a date (want YYYY-MM-DD)`}},
		{"day-first date", h + "X1,Ann,,,north,,01/03/2023,,\n",
			[]string{`row 2, column start_date: "01/03/2023" is not a date (want YYYY-MM-DD)`}},
		{"implausible year", h + "X1,Ann,,,north,,0023-01-01,,\n",
			[]string{`row 2, column start_date: "0023-01-01" is not a date between 1900 and 2199`}},
		{"required cells blank", h + ",,,,,,,,\n,x,,,,,,,\n", []string{
			"row 3, column membership_number: is required",
			"row 3, column unit: is required",
			"row 3, column start_date: is required"}},
		{"bad number", h + "X 1,Ann,,,north,,2020-01-01,,\n",
			[]string{`row 2, column membership_number: "X 1" is not a membership number (letters, digits and . _ / - only, at most 40 characters)`}},
		{"name with a tab", h + "X1,\"Ann\tOther\",,,north,,2020-01-01,,\n",
			[]string{"row 2, column name: contains control characters such as tabs or line breaks"}},
		{"bad e-mail is not echoed", h + "X1,Ann,ann at example.org,,north,,2020-01-01,,\n",
			[]string{"row 2, column email: is not an e-mail address like name@example.org"}},
		{"bad gender", h + "X1,Ann,,female,north,,2020-01-01,,\n",
			[]string{`row 2, column gender: "female" is not one of woman, man, non-binary or blank`}},
		{"bad type", h + "X1,Ann,,,north,platinum,2020-01-01,,\n",
			[]string{`row 2, column type: "platinum" is not one of full, reduced, youth, student, unwaged, retired, affiliated, honorary`}},
		{"bad status", h + "X1,Ann,,,north,,2020-01-01,,gone\n",
			[]string{`row 2, column status: "gone" is not one of active, lapsed, suspended, resigned or blank`}},
		{"lapse before start", h + "X1,Ann,,,north,,2020-01-01,2019-12-31,\n",
			[]string{"row 2, column lapse_date: 2019-12-31 is before start_date 2020-01-01"}},
		{"short row", h + "X1,Ann,,,north\n", []string{"row 2: has 5 cells where the header has 9 columns"}},
		{"value under no column", h + "X1,Ann,,,north,,2020-01-01,,,oops\n",
			[]string{"row 2: cell 10 has a value but its column has no name in the header"}},
		{"not UTF-8", h + "X1,Ann\xff,,,north,,2020-01-01,,\n",
			[]string{"row 2, column name: is not valid UTF-8 text; save the file as CSV UTF-8"}},
		{"duplicate number", h + "X1,Ann,,,north,,2020-01-01,,\nX2,Bob,,,north,,2020-01-01,,\nX1,Cy,,,north,,2020-01-01,,\n",
			[]string{`row 4, column membership_number: "X1" is also on row 2`}},
		{"broken quotes stop the read", h + "X1,\"Ann,,,north,,2020-01-01,,\nX2,Bob,,,north,,2020-01-01,,\n",
			[]string{`row 2: not valid CSV (the problem is on line 3): extraneous or missing " in quoted-field`}},
		{"long cell is cut short", h + "X1,Ann,,,north,,2020-01-01-" + strings.Repeat("9", 60) + ",,\n",
			[]string{`row 2, column start_date: "2020-01-01-99999999999999999999999999999…" is not a date (want YYYY-MM-DD)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := parseForTest(tc.csv)
			if !reflect.DeepEqual(errs, tc.want) {
				t.Fatalf("errors\n got %q\nwant %q", errs, tc.want)
			}
		})
	}
}

// FuzzParseMemberCSV checks that no input makes the parser panic or break
// its promises: errors are capped and counted, row numbers are sane, and
// the rows it accepts, written back out as the export writes them, read
// back the same.
func FuzzParseMemberCSV(f *testing.F) {
	f.Add([]byte(baseMembers))
	f.Add([]byte("\ufeffMembership Number,NAME,unit,start_date\r\nX1,\"O'Neill, Siân\",north,2020-01-01\r\n"))
	f.Add([]byte("membership_number,name,unit,start_date,lapse_date,status\nX1,'=1+1,north,2020-01-01,2019-01-01,lapsed\nX1,\"a\"\"b\",s,2020-02-30,,\n"))
	f.Add([]byte("membership_number,name,unit,start_date\nX1,\"unterminated,north,2020-01-01\n"))
	f.Add([]byte("name\n\n\n,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		errs := &memberErrors{max: 5}
		file := parseMemberCSV(bytes.NewReader(data), errs, nil)
		if len(errs.list) > 5 || errs.total < len(errs.list) {
			t.Fatalf("listed %d errors of %d with a cap of 5", len(errs.list), errs.total)
		}
		if len(file.rows) > file.total {
			t.Fatalf("%d good rows of %d", len(file.rows), file.total)
		}
		for _, e := range errs.list {
			if e.Row < 0 || e.Msg == "" {
				t.Fatalf("bad error %+v", e)
			}
		}
		if len(file.rows) == 0 {
			return
		}
		var cols []string
		for _, c := range MemberColumns {
			if file.has[c.Name] {
				cols = append(cols, c.Name)
			}
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write(cols)
		for _, r := range file.rows {
			rec := make([]string, len(cols))
			for i, c := range cols {
				rec[i] = csvcell.Escape(rowValue(r, c))
			}
			_ = w.Write(rec)
		}
		w.Flush()
		errs2 := &memberErrors{max: 5}
		again := parseMemberCSV(&buf, errs2, nil)
		if errs2.total != 0 {
			t.Fatalf("rows written back do not parse: %v\n%s", errs2.list, buf.String())
		}
		if len(again.rows) != len(file.rows) {
			t.Fatalf("%d rows came back, want %d", len(again.rows), len(file.rows))
		}
		for i := range file.rows {
			a, b := file.rows[i], again.rows[i]
			a.row, b.row = 0, 0
			if a != b {
				t.Fatalf("row changed on the way back:\n got %+v\nwant %+v", b, a)
			}
		}
	})
}

func rowValue(r memberRow, col string) string {
	return exportValue(col, memberExportRowOf(r))
}

func memberExportRowOf(r memberRow) store.MemberExportRow {
	return store.MemberExportRow{Number: r.number, Name: r.name, Email: r.email, Gender: r.gender, UnitSlug: r.unit,
		Type: r.typ, StartDate: r.startDate, LapseDate: r.lapseDate, Status: r.status}
}

// TestMemberColumnsAreDocumented keeps docs/members-import.md in step with
// the columns the import reads.
func TestMemberColumnsAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/members-import.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range MemberColumns {
		req := "no"
		if c.Required {
			req = "yes"
		}
		if row := "| `" + c.Name + "` | " + req + " |"; !strings.Contains(string(doc), row) {
			t.Errorf("docs/members-import.md lacks the table row %q", row)
		}
	}
}
