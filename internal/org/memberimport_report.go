package org

// MemberImportReport says what an import did or, in a dry run, would do.
// It is built the same way in both cases, so a dry run's report is exactly
// what the real import will do to the same database.
type MemberImportReport struct {
	Rows          int            // data rows in the file, blank rows not counted
	Added         []MemberAdded  // new memberships, in file order
	Changed       []MemberChange // memberships changed other than by lapsing
	Lapsed        []MemberChange // rows that set a lapse date or the status lapsed
	LapsedMissing []MemberChange // active members absent from the file (LapseMissing), by number
	Unchanged     int
	Errors        []MemberRowError // the first MaxErrors problems, in file order
	ErrorCount    int              // every problem, listed or not
	DryRun        bool
	Written       bool // the changes were committed
}

// MemberAdded is a membership the import creates.
type MemberAdded struct {
	Row    int
	Number string
	Unit   string // the unit's slug
	Status string
}

// MemberChange is an existing membership the import changes.
type MemberChange struct {
	Row    int // 0 for a member absent from the file
	Number string
	Fields []MemberFieldChange
}

// MemberFieldChange is one column's old and new value. Personal marks
// name, e-mail and gender, which a report shows only to those who may see
// personal data.
type MemberFieldChange struct {
	Column   string
	Old, New string
	Personal bool
}

// Valid reports whether the file had no errors.
func (r *MemberImportReport) Valid() bool { return r.ErrorCount == 0 }
