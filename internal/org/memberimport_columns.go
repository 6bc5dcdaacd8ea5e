package org

import (
	"strings"
)

// MemberColumn describes one column of a members file. This table drives
// the header check, the export's column order, the command's --help and
// docs/members-import.md, so that they cannot drift apart.
type MemberColumn struct {
	Name     string
	Required bool
	Help     string
}

const (
	colNumber    = "membership_number"
	colName      = "name"
	colEmail     = "email"
	colGender    = "gender"
	colUnit      = "unit"
	colType      = "type"
	colStartDate = "start_date"
	colLapseDate = "lapse_date"
	colStatus    = "status"
)

// memberTypes are the kinds of membership an import accepts. A fixed list
// catches typos that would otherwise split one kind into two.
var memberTypes = []string{"full", "reduced", "youth", "student", "unwaged", "retired", "affiliated", "honorary"}

// memberStatuses are the states of a membership.
var memberStatuses = []string{"active", "lapsed", "suspended", "resigned"}

// MemberColumns lists the columns in the order the export writes them.
var MemberColumns = []MemberColumn{
	{colNumber, true, "the member's number in the membership system: the key that links a row to a member. " +
		"Letters, digits and . _ / - only, at most 40 characters; each number at most once per file."},
	{colName, true, "full name, at most 200 characters."},
	{colEmail, false, "e-mail address (stored in lower case); blank for none. " +
		"Two people cannot share an address."},
	{colGender, false, "woman, man, non-binary, or blank for not given."},
	{colUnit, true, "slug or code of the member's unit (branch, affiliate…); the unit must already exist."},
	{colType, false, strings.Join(memberTypes, ", ") + "; blank means full."},
	{colStartDate, true, "the day the membership began, YYYY-MM-DD."},
	{colLapseDate, false, "the day the membership lapses or lapsed, YYYY-MM-DD; blank for none."},
	{colStatus, false, strings.Join(memberStatuses, ", ") + ". Blank: lapsed when lapse_date is today or earlier, " +
		"otherwise active (a member already suspended or resigned keeps that status)."},
}

// memberPersonalColumns are the columns holding personal data, which
// reports show only to those who may see it.
var memberPersonalColumns = map[string]bool{colName: true, colEmail: true, colGender: true}

// MemberColumnNames returns the column names in export order.
func MemberColumnNames() []string {
	names := make([]string, len(MemberColumns))
	for i, c := range MemberColumns {
		names[i] = c.Name
	}
	return names
}

// normaliseHeader lets a spreadsheet's "Membership Number" or
// "START-DATE" name the same column as membership_number and start_date.
func normaliseHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, h)
}
