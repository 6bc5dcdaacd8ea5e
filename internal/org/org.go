// Package org holds the rules of the organisation model: units and their
// hierarchy, people, memberships, public offices, governing bodies with
// their sections, seats and terms. It decides who may change what (through
// auth.Principal) and records every change in the audit log.
package org

import (
	"errors"
	"regexp"
	"sort"
	"strings"
	"time"

	"quorum/internal/store"
)

// Service holds the organisation's rules.
type Service struct {
	DB  *store.DB
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// FieldErrors maps a form field to what is wrong with it, so a page can show
// each message next to its field and in the error summary.
type FieldErrors map[string]string

func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + f[k]
	}
	return strings.Join(parts, "; ")
}

// orNil returns f as an error when it holds any message.
func (f FieldErrors) orNil() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// AsFieldErrors extracts field errors from err.
func AsFieldErrors(err error) (FieldErrors, bool) {
	var fe FieldErrors
	ok := errors.As(err, &fe)
	return fe, ok
}

// UnitTypes are the kinds of unit, in display order, with their labels.
var UnitTypes = []struct{ Key, Label string }{
	{"nation", "Nation"},
	{"region", "Region"},
	{"branch", "Branch (constituency party)"},
	{"council_group", "Council group"},
	{"union", "Affiliated union"},
	{"society", "Socialist society"},
	{"other", "Other"},
}

// UnitTypeLabel names a unit type for people.
func UnitTypeLabel(key string) string {
	for _, t := range UnitTypes {
		if t.Key == key {
			return t.Label
		}
	}
	return key
}

func validUnitType(key string) bool {
	for _, t := range UnitTypes {
		if t.Key == key {
			return true
		}
	}
	return false
}

// Genders are the values Quorum records (blank: not given).
var Genders = []struct{ Key, Label string }{
	{"", "Not given"},
	{"woman", "Woman"},
	{"man", "Man"},
	{"non-binary", "Non-binary"},
}

func validGender(g string) bool {
	for _, x := range Genders {
		if x.Key == g {
			return true
		}
	}
	return false
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Slugify makes a URL slug from a name: lowercase ASCII words joined by hyphens.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == '\'' || r == '’':
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func checkSlug(fe FieldErrors, field, slug string) {
	switch {
	case slug == "":
		fe[field] = "Enter a short name for the web address, e.g. north-ward"
	case len(slug) > 80:
		fe[field] = "Use at most 80 characters"
	case !slugRE.MatchString(slug):
		fe[field] = "Use lowercase letters, digits and single hyphens only"
	}
}

func checkName(fe FieldErrors, field, name string) {
	switch {
	case strings.TrimSpace(name) == "":
		fe[field] = "Enter a name"
	case len(name) > 200:
		fe[field] = "Use at most 200 characters"
	}
}

// ParseDate reads a YYYY-MM-DD date; blank gives the zero time.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse("2006-01-02", s)
}
