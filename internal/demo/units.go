package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"quorum/internal/store"
)

// The party's map: Scotland and Wales as nations and the nine English
// regions, eleven in all, the split most British parties organise by.
// Branch numbers follow each area's share of Westminster seats (632 in
// Great Britain, scaled to 600); council groups follow roughly.
var areas = []area{
	{"North East", "NE", "region", english, 26, 3},
	{"North West", "NW", "region", english, 69, 5},
	{"Yorkshire and the Humber", "YH", "region", english, 51, 4},
	{"East Midlands", "EM", "region", english, 45, 3},
	{"West Midlands", "WM", "region", english, 54, 4},
	{"East of England", "EE", "region", english, 58, 4},
	{"London", "LN", "region", english, 71, 6},
	{"South East", "SE", "region", english, 86, 4},
	{"South West", "SW", "region", english, 55, 3},
	{"Scotland", "SC", "nation", scottish, 54, 2},
	{"Wales", "WA", "nation", welsh, 31, 2},
}

type area struct {
	name, code, unitType string
	style                placeStyle
	branches, councils   int
}

type placeStyle int

const (
	english placeStyle = iota
	scottish
	welsh
)

// Fixed names for the units the demo log-ins belong to, so that they are
// the same whatever the seed and easy to find.
const (
	demoBranchName       = "Harbourside"
	demoBranchArea       = "London"
	demoCouncilPlace     = "Northfield"
	demoCouncilKind      = "Borough Council"
	demoCouncilArea      = "North West"
	nationalCouncilPlace = "Westbridge" // the council of the NEC's local-government representative
)

// Fictional affiliated unions and socialist societies.
var (
	unionNames = []string{
		"Amalgamated Society of Care and Health Workers",
		"Federation of Public Service Staff",
		"Transport and Logistics Workers' Union",
		"Union of Retail and Distribution Employees",
		"Building Trades and Engineering Union",
		"Society of Teachers and Lecturers",
		"Posts and Telecoms Staff Association",
		"Union of Food, Farm and Hospitality Workers",
		"Musicians, Artists and Stage Union",
		"Maritime and Rail Workers' Alliance",
		"Clerical and Technical Staff Union",
		"United Energy and Water Workers",
	}
	societyNames = []string{
		"Society for Fair Housing",
		"Environment and Work Society",
		"Educators' Fellowship",
	}
	councilKinds = map[placeStyle][]string{
		english:  {"Borough Council", "City Council", "District Council", "Metropolitan Borough Council", "County Council"},
		scottish: {"Council"},
		welsh:    {"County Borough Council", "County Council"},
	}
)

// unitIndex remembers the units made, for the parts that hang off them.
type unitIndex struct {
	areas         []areaUnit
	branches      []branchUnit
	branchWeights []float64 // cumulative, for picking a member's branch
	councils      []councilUnit
	unions        []affiliateUnit
	societies     []affiliateUnit
	demoBranch    int // index into branches
	demoCouncil   int // index into councils
	nationCouncil int // index into councils
}

type areaUnit struct {
	id       int64
	area     area
	branches []int // indexes into unitIndex.branches
}

type branchUnit struct {
	id   int64
	name string
	area int // index into unitIndex.areas
}

type councilUnit struct {
	id        int64
	authority string // the council's name, e.g. "Northfield Borough Council"
	area      int
}

type affiliateUnit struct {
	id   int64
	name string
}

func (b *builder) addUnit(typ, name, code string, parent int64) int64 {
	b.ids.Units++
	b.d.Units = append(b.d.Units, store.UnitRow{
		ID: b.ids.Units, Type: typ, Name: name, Slug: slugify(name), Code: code,
		ParentID: parent, CreatedAt: b.monthStart(12 * 12),
	})
	return b.ids.Units
}

func (b *builder) buildUnits(r *rand.Rand) {
	names := uniqueNames{}
	for _, n := range []string{demoBranchName, demoCouncilPlace, nationalCouncilPlace} {
		names.reserve(n)
	}
	for _, a := range areas {
		names.reserve(a.name)
		b.units.areas = append(b.units.areas, areaUnit{id: b.addUnit(a.unitType, a.name, a.code, 0), area: a})
	}

	for ai := range b.units.areas {
		a := &b.units.areas[ai]
		for k := range a.area.branches {
			name := demoBranchName
			if k > 0 || a.area.name != demoBranchArea {
				name = branchName(r, a.area.style, names)
			} else {
				b.units.demoBranch = len(b.units.branches)
			}
			id := b.addUnit("branch", name, fmt.Sprintf("BR%04d", len(b.units.branches)+1), a.id)
			a.branches = append(a.branches, len(b.units.branches))
			b.units.branches = append(b.units.branches, branchUnit{id: id, name: name, area: ai})
			// Branches differ in size: a log-normal spread gives a few big
			// city branches and a long tail of small rural ones.
			w := math.Exp(0.5 * r.NormFloat64())
			if prev := len(b.units.branchWeights); prev > 0 {
				w += b.units.branchWeights[prev-1]
			}
			b.units.branchWeights = append(b.units.branchWeights, w)
		}
	}

	for ai, a := range b.units.areas {
		for k := range a.area.councils {
			place := placeName(r, a.area.style, names)
			kinds := councilKinds[a.area.style]
			kind := kinds[r.IntN(len(kinds))]
			switch {
			case k == 0 && a.area.name == demoCouncilArea:
				place, kind = demoCouncilPlace, demoCouncilKind
				b.units.demoCouncil = len(b.units.councils)
			case k == 0 && a.area.name == "London":
				place, kind = nationalCouncilPlace, "Borough Council"
				b.units.nationCouncil = len(b.units.councils)
			case a.area.name == "London":
				kind = "Borough Council" // London's councils are all boroughs
			}
			authority := place + " " + kind
			id := b.addUnit("council_group", authority+" Group", fmt.Sprintf("CG%02d", len(b.units.councils)+1), a.id)
			b.units.councils = append(b.units.councils, councilUnit{id: id, authority: authority, area: ai})
		}
	}

	b.sum.BranchID = b.units.branches[b.units.demoBranch].id
	b.sum.CouncilGroupID = b.units.councils[b.units.demoCouncil].id

	for i, n := range unionNames {
		b.units.unions = append(b.units.unions, affiliateUnit{b.addUnit("union", n, fmt.Sprintf("TU%02d", i+1), 0), n})
	}
	for i, n := range societyNames {
		b.units.societies = append(b.units.societies, affiliateUnit{b.addUnit("society", n, fmt.Sprintf("SS%02d", i+1), 0), n})
	}
}

// placeName makes a new place name in the style of its nation.
func placeName(r *rand.Rand, style placeStyle, taken uniqueNames) string {
	starts, ends := englishPlaceStarts, englishPlaceEnds
	switch style {
	case scottish:
		starts, ends = scottishPlaceStarts, scottishPlaceEnds
	case welsh:
		starts, ends = welshPlaceStarts, welshPlaceEnds
	}
	for {
		n := starts[r.IntN(len(starts))] + ends[r.IntN(len(ends))]
		if !taken.taken(n) {
			taken.reserve(n)
			return n
		}
	}
}

// branchName makes a constituency-party name: a town, a town with a
// compass point, or two towns joined. Every town is new, so the name is too.
func branchName(r *rand.Rand, style placeStyle, taken uniqueNames) string {
	switch p := r.IntN(20); {
	case p < 9:
		return placeName(r, style, taken)
	case p < 13:
		return placeName(r, style, taken) + " " + compassPoints[r.IntN(len(compassPoints))]
	default:
		return placeName(r, style, taken) + " and " + placeName(r, style, taken)
	}
}

// pickBranch picks a branch index in proportion to the branches' sizes.
func (u *unitIndex) pickBranch(r *rand.Rand) int {
	x := r.Float64() * u.branchWeights[len(u.branchWeights)-1]
	i, _ := slices.BinarySearch(u.branchWeights, x)
	return min(i, len(u.branchWeights)-1)
}
