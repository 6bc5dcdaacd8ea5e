package org

import (
	"fmt"
	"strings"

	"quorum/internal/store"
)

// unitIndex finds a unit by what a members file calls it: its slug, or
// failing that its code (codes come from the membership system and are not
// unique by rule, so an ambiguous code is refused rather than guessed).
type unitIndex struct {
	bySlug map[string]int64
	byCode map[string][]int64
	slug   map[int64]string
}

func newUnitIndex(units []store.MemberUnitKey) *unitIndex {
	ix := &unitIndex{bySlug: map[string]int64{}, byCode: map[string][]int64{}, slug: map[int64]string{}}
	for _, u := range units {
		ix.bySlug[strings.ToLower(u.Slug)] = u.ID
		if c := strings.ToLower(strings.TrimSpace(u.Code)); c != "" {
			ix.byCode[c] = append(ix.byCode[c], u.ID)
		}
		ix.slug[u.ID] = u.Slug
	}
	return ix
}

// resolve returns the unit's id, or a message saying why there is none.
func (ix *unitIndex) resolve(v string) (int64, string) {
	key := strings.ToLower(v)
	if id, ok := ix.bySlug[key]; ok {
		return id, ""
	}
	switch ids := ix.byCode[key]; len(ids) {
	case 1:
		return ids[0], ""
	case 0:
		return 0, fmt.Sprintf("no unit has the slug or code %s; add the unit first", quoteCell(v))
	default:
		return 0, fmt.Sprintf("%d units have the code %s; use the unit's slug", len(ids), quoteCell(v))
	}
}
