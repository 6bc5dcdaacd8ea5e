package org

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"quorum/internal/store"
)

// memberPlanOptions are the choices that shape a plan.
type memberPlanOptions struct {
	today        string // YYYY-MM-DD: a lapse date on or before it has passed
	lapseMissing bool   // lapse active members absent from the file
}

// plannedRow is a row matched with the database: the person and membership
// it asks for, with the values of columns absent from the file taken from
// the existing member.
type plannedRow struct {
	row       memberRow
	existing  store.MemberRecord
	isNew     bool
	personKey int64 // the person's id, or -row for a person still to be added
	person    store.MemberPerson
	terms     store.MemberTerms
	bad       bool
}

// planMemberImport compares the rows with the snapshot and returns the
// report and the writes that carry it out. Problems only the database can
// reveal (an unknown unit, an e-mail address of someone else) join errs.
func planMemberImport(f *memberFile, snap *store.MemberSnapshot, opts memberPlanOptions, errs *memberErrors) (*MemberImportReport, *store.MemberWrite) {
	units := newUnitIndex(snap.Units)
	// A row with a format error is not planned, but its unit is still
	// checked, so that one run reports every mistake in the file.
	for _, row := range f.flawed {
		if row.unit != "" {
			if _, problem := units.resolve(row.unit); problem != "" {
				errs.add(row.row, colUnit, "%s", problem)
			}
		}
	}
	planned := make([]plannedRow, 0, len(f.rows))
	firstRowOfPerson := map[int64]int{} // index into planned
	for _, row := range f.rows {
		pr, ok := matchRow(row, f.has, snap, units, opts, errs)
		if !ok {
			continue
		}
		if i, seen := firstRowOfPerson[pr.personKey]; seen {
			if planned[i].person != pr.person {
				errs.add(row.row, "", "this membership belongs to the same person as row %d, but the name, e-mail or gender differ", planned[i].row.row)
				continue
			}
		} else {
			firstRowOfPerson[pr.personKey] = len(planned)
		}
		planned = append(planned, pr)
	}
	checkEmailClaims(planned, snap, errs)

	report := &MemberImportReport{Rows: f.total}
	write := &store.MemberWrite{}
	slugs := newPersonSlugger(snap.Slugs)
	personDone := map[int64]bool{}
	for i := range planned {
		pr := &planned[i]
		if pr.bad {
			continue
		}
		if pr.isNew {
			slug := slugs.nextSlug(pr.person.Name)
			write.NewPeople = append(write.NewPeople, store.MemberNewPerson{Slug: slug, MemberPerson: pr.person})
			write.NewMemberships = append(write.NewMemberships, store.MemberNewMembership{Number: pr.row.number, PersonSlug: slug, MemberTerms: pr.terms})
			report.Added = append(report.Added, MemberAdded{Row: pr.row.row, Number: pr.row.number, Unit: units.slug[pr.terms.UnitID], Status: pr.terms.Status})
			continue
		}
		old := pr.existing
		fields := diffMember(old, pr.person, pr.terms, units)
		if len(fields) == 0 {
			report.Unchanged++
			continue
		}
		if oldPerson := personOf(old); oldPerson != pr.person && !personDone[old.PersonID] {
			personDone[old.PersonID] = true
			if old.Email != "" && strings.ToLower(old.Email) != pr.person.Email {
				write.ClearEmails = append(write.ClearEmails, old.PersonID)
			}
			write.PersonUpdates = append(write.PersonUpdates, store.MemberPersonUpdate{ID: old.PersonID, MemberPerson: pr.person})
		}
		if termsOf(old) != pr.terms {
			write.MembershipUpdates = append(write.MembershipUpdates, store.MemberTermsUpdate{ID: old.MembershipID, MemberTerms: pr.terms})
		}
		change := MemberChange{Row: pr.row.row, Number: pr.row.number, Fields: fields}
		if lapses(old, pr.terms) {
			report.Lapsed = append(report.Lapsed, change)
		} else {
			report.Changed = append(report.Changed, change)
		}
	}
	if opts.lapseMissing {
		lapseMissing(f, snap, units, opts.today, report, write)
	}
	// The file was read in two passes (format, then the database), so put
	// the errors back in the order of the rows.
	slices.SortStableFunc(errs.list, func(a, b MemberRowError) int { return cmp.Compare(a.Row, b.Row) })
	report.Errors = errs.list
	report.ErrorCount = errs.total
	return report, write
}

// matchRow finds the row's member, if any, and works out the person and
// membership the row asks for.
func matchRow(row memberRow, has map[string]bool, snap *store.MemberSnapshot, units *unitIndex, opts memberPlanOptions, errs *memberErrors) (plannedRow, bool) {
	pr := plannedRow{row: row}
	unitID, problem := units.resolve(row.unit)
	if problem != "" {
		errs.add(row.row, colUnit, "%s", problem)
		return pr, false
	}
	ex, found := snap.Members[row.number]
	pr.existing, pr.isNew = ex, !found
	if pr.isNew {
		pr.personKey = -int64(row.row)
		ex = store.MemberRecord{Type: "full"}
	} else {
		pr.personKey = ex.PersonID
	}
	pr.person = store.MemberPerson{Name: row.name, Email: ex.Email, Gender: ex.Gender}
	if has[colEmail] {
		pr.person.Email = row.email
	}
	if has[colGender] {
		pr.person.Gender = row.gender
	}
	pr.terms = store.MemberTerms{UnitID: unitID, Type: ex.Type, StartDate: row.startDate, LapseDate: ex.LapseDate, Status: row.status}
	if has[colType] {
		pr.terms.Type = row.typ
	}
	if has[colLapseDate] {
		pr.terms.LapseDate = row.lapseDate
	} else if pr.terms.LapseDate != "" && pr.terms.LapseDate < pr.terms.StartDate {
		errs.add(row.row, colStartDate, "%s is after the member's recorded lapse date %s", row.startDate, pr.terms.LapseDate)
		return pr, false
	}
	if pr.terms.Status == "" {
		pr.terms.Status = deriveStatus(pr.terms.LapseDate, ex.Status, opts.today)
	}
	return pr, true
}

// deriveStatus decides a status the file left blank. A passed lapse date
// means lapsed; otherwise the member is active, except that suspension and
// resignation are decisions the membership file may not know about, so they
// stand until the file says otherwise.
func deriveStatus(lapseDate, current, today string) string {
	if lapseDate != "" && lapseDate <= today {
		return "lapsed"
	}
	if current != "" && current != "active" && current != "lapsed" {
		return current
	}
	return "active"
}

// checkEmailClaims marks rows that would give a person an address that
// another person holds, in the database or on another row. An address
// that its holder gives up in the same file is free to take, so two people
// may swap addresses.
func checkEmailClaims(planned []plannedRow, snap *store.MemberSnapshot, errs *memberErrors) {
	freed := map[string]bool{}
	for i := range planned {
		pr := &planned[i]
		// Addresses compare without case: the file's are lower-cased, but
		// people added by other means may have capitals.
		if cur := strings.ToLower(pr.existing.Email); !pr.isNew && cur != "" && cur != strings.ToLower(pr.person.Email) {
			freed[cur] = true
		}
	}
	type claim struct {
		personKey int64
		row       int
	}
	claimed := map[string]claim{}
	for i := range planned {
		pr := &planned[i]
		email := strings.ToLower(pr.person.Email)
		if email == "" || (!pr.isNew && strings.ToLower(pr.existing.Email) == email) {
			continue
		}
		if other, ok := claimed[email]; ok && other.personKey != pr.personKey {
			errs.add(pr.row.row, colEmail, "the same address as row %d; two people cannot share an address", other.row)
			pr.bad = true
			continue
		}
		if owner, ok := snap.EmailOwners[email]; ok && owner != pr.personKey && !freed[email] {
			errs.add(pr.row.row, colEmail, "the address already belongs to another person")
			pr.bad = true
			continue
		}
		claimed[email] = claim{pr.personKey, pr.row.row}
	}
}

// lapses reports whether a change lapses the membership: its status turns
// to lapsed, or it gets a lapse date it did not have.
func lapses(old store.MemberRecord, t store.MemberTerms) bool {
	return (old.Status != "lapsed" && t.Status == "lapsed") || (old.LapseDate == "" && t.LapseDate != "")
}

// lapseMissing lapses every active member whose number the file does not
// hold, as of today unless an earlier lapse date is recorded.
func lapseMissing(f *memberFile, snap *store.MemberSnapshot, units *unitIndex, today string, report *MemberImportReport, write *store.MemberWrite) {
	var numbers []string
	for n, m := range snap.Members {
		if _, inFile := f.numbers[n]; !inFile && m.Status == "active" {
			numbers = append(numbers, n)
		}
	}
	sort.Strings(numbers)
	for _, n := range numbers {
		old := snap.Members[n]
		t := termsOf(old)
		t.Status = "lapsed"
		if t.LapseDate == "" || t.LapseDate > today {
			t.LapseDate = today
		}
		write.MembershipUpdates = append(write.MembershipUpdates, store.MemberTermsUpdate{ID: old.MembershipID, MemberTerms: t})
		report.LapsedMissing = append(report.LapsedMissing, MemberChange{Number: n, Fields: diffMember(old, personOf(old), t, units)})
	}
}

func personOf(m store.MemberRecord) store.MemberPerson {
	return store.MemberPerson{Name: m.Name, Email: m.Email, Gender: m.Gender}
}

func termsOf(m store.MemberRecord) store.MemberTerms {
	return store.MemberTerms{UnitID: m.UnitID, Type: m.Type, StartDate: m.StartDate, LapseDate: m.LapseDate, Status: m.Status}
}

// diffMember lists the columns whose value changes, in column order.
func diffMember(old store.MemberRecord, p store.MemberPerson, t store.MemberTerms, units *unitIndex) []MemberFieldChange {
	var out []MemberFieldChange
	add := func(col, o, n string) {
		if o != n {
			out = append(out, MemberFieldChange{Column: col, Old: o, New: n, Personal: memberPersonalColumns[col]})
		}
	}
	add(colName, old.Name, p.Name)
	add(colEmail, old.Email, p.Email)
	add(colGender, old.Gender, p.Gender)
	add(colUnit, units.slug[old.UnitID], units.slug[t.UnitID])
	add(colType, old.Type, t.Type)
	add(colStartDate, old.StartDate, t.StartDate)
	add(colLapseDate, old.LapseDate, t.LapseDate)
	add(colStatus, old.Status, t.Status)
	return out
}
