package org

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// personSlugger gives each new person a slug no one else has: the name
// (Siân Jones → sian-jones), then sian-jones-2, -3… It keeps the next
// suffix per name so that a thousand John Smiths do not cost a million
// look-ups. Slugs never carry the membership number, which is not public.
type personSlugger struct {
	used map[string]struct{}
	next map[string]int
}

func newPersonSlugger(used map[string]struct{}) *personSlugger {
	return &personSlugger{used: used, next: map[string]int{}}
}

func (s *personSlugger) nextSlug(name string) string {
	base := personSlugBase(name)
	n := max(s.next[base], 1)
	for {
		slug := base
		if n > 1 {
			slug = base + "-" + strconv.Itoa(n)
		}
		n++
		if _, taken := s.used[slug]; !taken {
			s.next[base] = n
			s.used[slug] = struct{}{}
			return slug
		}
	}
}

// personSlugBase folds accents to plain letters before Slugify, which keeps
// only ASCII, so that Siân becomes sian rather than si-n.
func personSlugBase(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if s, ok := letterFolds[r]; ok {
			b.WriteString(s)
			continue
		}
		b.WriteRune(r)
	}
	base := Slugify(b.String())
	const maxLen = 60
	if len(base) > maxLen {
		base = strings.TrimRight(base[:maxLen], "-")
	}
	if base == "" {
		base = "person"
	}
	return base
}

// letterFolds covers the letters that have no decomposition into a base
// letter and an accent.
var letterFolds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i",
}
