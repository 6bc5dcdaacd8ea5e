package nomination

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"quorum/internal/org"
)

// Percent is a share in hundredths of a percent (2000 is 20%), written in
// JSON as a decimal string ("20", "12.5") so that rules never hold floats.
type Percent int

// ParsePercent reads "20", "12.5" or "5%".
func ParsePercent(s string) (Percent, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, fmt.Errorf("percentage %q: use at most two decimals", s)
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 || w > 100 {
		return 0, fmt.Errorf("percentage %q: give a number from 0 to 100", s)
	}
	f := 0
	if frac != "" {
		f, err = strconv.Atoi((frac + "0")[:2])
		if err != nil {
			return 0, fmt.Errorf("percentage %q: give a number from 0 to 100", s)
		}
	}
	p := Percent(w*100 + f)
	if p > 10000 {
		return 0, fmt.Errorf("percentage %q: give a number from 0 to 100", s)
	}
	return p, nil
}

func (p Percent) String() string {
	if p%100 == 0 {
		return strconv.Itoa(int(p)/100) + "%"
	}
	return strings.TrimRight(fmt.Sprintf("%d.%02d", int(p)/100, int(p)%100), "0") + "%"
}

// MarshalJSON writes the percentage as a decimal string.
func (p Percent) MarshalJSON() ([]byte, error) {
	return json.Marshal(strings.TrimSuffix(p.String(), "%"))
}

// UnmarshalJSON reads a decimal string or a whole number.
func (p *Percent) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return err
		}
		s = strconv.Itoa(n)
	}
	v, err := ParsePercent(s)
	*p = v
	return err
}

// of returns the smallest whole number that is at least p of total, and at
// least 1 when p is not zero: "20% of 198" needs 40, since 39 is 19.7%.
func (p Percent) of(total int) int {
	n := (int(p)*total + 9999) / 10000
	if n == 0 && p > 0 {
		n = 1
	}
	return n
}

// Rule is a threshold a candidate must reach to go on the ballot. Exactly
// one field is set: a combination (All, Any) or one test.
type Rule struct {
	All []Rule `json:"all,omitempty"`
	Any []Rule `json:"any,omitempty"`
	// OfficeShare: at least Percent of the holders of a public office (the
	// parliamentary group) nominated the candidate.
	OfficeShare *OfficeShare `json:"office_share,omitempty"`
	// UnitShare: at least Percent of the units of a type nominated.
	UnitShare *UnitShare `json:"unit_share,omitempty"`
	// Affiliates: at least Count affiliates nominated, of which at least
	// Unions are trade unions, together holding at least Percent of the
	// affiliated membership.
	Affiliates *Affiliates `json:"affiliates,omitempty"`
	// Bodies: at least Count nominating bodies of any type.
	Bodies *Bodies `json:"bodies,omitempty"`
}

// OfficeShare is "at least N% of the holders of office X".
type OfficeShare struct {
	Office  string  `json:"office"`
	Percent Percent `json:"percent"`
}

// UnitShare is "at least N% of units of type T".
type UnitShare struct {
	UnitType string  `json:"unit_type"`
	Percent  Percent `json:"percent"`
}

// Affiliates is "at least N affiliates, of which at least M unions,
// together holding at least P% of affiliated membership".
type Affiliates struct {
	Count   int     `json:"count"`
	Unions  int     `json:"unions"`
	Percent Percent `json:"percent"`
}

// Bodies is "at least N nominating bodies".
type Bodies struct {
	Count int `json:"count"`
}

// Affiliate unit types: unions and socialist societies.
const (
	unitUnion   = "union"
	unitSociety = "society"
)

func isAffiliate(unitType string) bool { return unitType == unitUnion || unitType == unitSociety }

// ParseRule reads a rule from JSON and checks it.
func ParseRule(text string) (Rule, error) {
	var r Rule
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("threshold rule: %w", err)
	}
	return r, r.Validate()
}

// Validate checks that each node sets exactly one thing and that numbers
// make sense.
func (r Rule) Validate() error {
	set := 0
	for _, b := range []bool{r.All != nil, r.Any != nil, r.OfficeShare != nil, r.UnitShare != nil, r.Affiliates != nil, r.Bodies != nil} {
		if b {
			set++
		}
	}
	if set != 1 {
		return errors.New("threshold rule: each part must be exactly one of all, any, office_share, unit_share, affiliates or bodies")
	}
	for _, sub := range append(append([]Rule{}, r.All...), r.Any...) {
		if err := sub.Validate(); err != nil {
			return err
		}
	}
	switch {
	case (r.All != nil && len(r.All) == 0) || (r.Any != nil && len(r.Any) == 0):
		return errors.New("threshold rule: all and any need at least one part")
	case r.OfficeShare != nil && strings.TrimSpace(r.OfficeShare.Office) == "":
		return errors.New("threshold rule: office_share needs an office")
	case r.UnitShare != nil && strings.TrimSpace(r.UnitShare.UnitType) == "":
		return errors.New("threshold rule: unit_share needs a unit type")
	case r.Affiliates != nil && (r.Affiliates.Count < 0 || r.Affiliates.Unions < 0 || r.Affiliates.Unions > r.Affiliates.Count):
		return errors.New("threshold rule: affiliates needs a count at least as large as its number of unions")
	case r.Bodies != nil && r.Bodies.Count < 1:
		return errors.New("threshold rule: bodies needs a count of at least 1")
	}
	return nil
}

// Facts are the totals thresholds are measured against, as they stand on
// the day of the count.
type Facts struct {
	OfficeHolders     map[string]int // office -> people holding it
	Units             map[string]int // unit type -> units of the type
	AffiliatedMembers int            // members of all affiliates together
}

// Support is what counts for one candidate: the nominations that stand.
type Support struct {
	ByOffice   map[string]int // individual nominators, by office held
	ByUnitType map[string]int // nominating units, by type
	Affiliates []AffiliateSupport
}

// AffiliateSupport is one nominating affiliate and its weight.
type AffiliateSupport struct {
	Name    string
	Type    string
	Members int
}

// Bodies counts the nominating units of every type.
func (s Support) Bodies() int {
	n := 0
	for _, c := range s.ByUnitType {
		n += c
	}
	return n
}

// Outcome says whether a rule is met and why, in plain words.
type Outcome struct {
	Met   bool
	Text  string
	Parts []Outcome
}

// Explain writes the outcome as indented lines.
func (o Outcome) Explain() string {
	var b strings.Builder
	o.explain(&b, 0)
	return strings.TrimRight(b.String(), "\n")
}

func (o Outcome) explain(b *strings.Builder, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	if o.Met {
		b.WriteString("✓ ")
	} else {
		b.WriteString("✗ ")
	}
	b.WriteString(o.Text)
	b.WriteByte('\n')
	for _, p := range o.Parts {
		p.explain(b, depth+1)
	}
}

// Evaluate applies a rule to a candidate's support.
func Evaluate(r Rule, f Facts, s Support) Outcome {
	switch {
	case r.All != nil || r.Any != nil:
		parts, all := r.All, true
		if r.Any != nil {
			parts, all = r.Any, false
		}
		o := Outcome{Met: all}
		met := 0
		for _, p := range parts {
			po := Evaluate(p, f, s)
			o.Parts = append(o.Parts, po)
			if po.Met {
				met++
			}
		}
		if all {
			o.Met = met == len(parts)
			o.Text = fmt.Sprintf("All of these (%d of %d met)", met, len(parts))
		} else {
			o.Met = met > 0
			o.Text = fmt.Sprintf("At least one of these (%d of %d met)", met, len(parts))
		}
		return o
	case r.OfficeShare != nil:
		total := f.OfficeHolders[r.OfficeShare.Office]
		need := r.OfficeShare.Percent.of(total)
		got := s.ByOffice[r.OfficeShare.Office]
		return countOutcome(got, need, fmt.Sprintf("At least %s of the %d holders of the office %q, that is %d", r.OfficeShare.Percent, total, r.OfficeShare.Office, need))
	case r.UnitShare != nil:
		total := f.Units[r.UnitShare.UnitType]
		need := r.UnitShare.Percent.of(total)
		got := s.ByUnitType[r.UnitShare.UnitType]
		return countOutcome(got, need, fmt.Sprintf("At least %s of the %d units of type %s, that is %d", r.UnitShare.Percent, total, org.UnitTypeLabel(r.UnitShare.UnitType), need))
	case r.Affiliates != nil:
		a := r.Affiliates
		affiliates, unions, members := 0, 0, 0
		for _, x := range s.Affiliates {
			affiliates++
			members += x.Members
			if x.Type == unitUnion {
				unions++
			}
		}
		needMembers := a.Percent.of(f.AffiliatedMembers)
		if a.Percent == 0 {
			needMembers = 0
		}
		o := Outcome{Text: fmt.Sprintf("At least %d affiliates, of which at least %d trade unions, together holding at least %s of the affiliated membership of %s, that is %s",
			a.Count, a.Unions, a.Percent, thousands(f.AffiliatedMembers), thousands(needMembers))}
		o.Parts = []Outcome{
			countOutcome(affiliates, a.Count, "affiliates"),
			countOutcome(unions, a.Unions, "of them trade unions"),
			countOutcome(members, needMembers, "members held by them"),
		}
		o.Met = o.Parts[0].Met && o.Parts[1].Met && o.Parts[2].Met
		return o
	case r.Bodies != nil:
		return countOutcome(s.Bodies(), r.Bodies.Count, fmt.Sprintf("At least %d nominating bodies", r.Bodies.Count))
	}
	return Outcome{Text: "No threshold"}
}

func countOutcome(got, need int, what string) Outcome {
	o := Outcome{Met: got >= need}
	switch {
	case o.Met:
		o.Text = fmt.Sprintf("%s: %s — met", what, thousands(got))
	default:
		o.Text = fmt.Sprintf("%s: %s — not met, %s more needed", what, thousands(got), thousands(need-got))
	}
	return o
}

// thousands writes 2520000 as 2,520,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Describe says a rule in plain words, for the public page.
func Describe(r Rule) string {
	switch {
	case r.All != nil:
		return "all of: " + joinDescribed(r.All, "; and ")
	case r.Any != nil:
		return "any of: " + joinDescribed(r.Any, "; or ")
	case r.OfficeShare != nil:
		return fmt.Sprintf("nominations from at least %s of the holders of the office %q", r.OfficeShare.Percent, r.OfficeShare.Office)
	case r.UnitShare != nil:
		return fmt.Sprintf("nominations from at least %s of units of type %s", r.UnitShare.Percent, org.UnitTypeLabel(r.UnitShare.UnitType))
	case r.Affiliates != nil:
		return fmt.Sprintf("nominations from at least %d affiliates, of which at least %d trade unions, together holding at least %s of the affiliated membership",
			r.Affiliates.Count, r.Affiliates.Unions, r.Affiliates.Percent)
	case r.Bodies != nil:
		return fmt.Sprintf("nominations from at least %d bodies", r.Bodies.Count)
	}
	return "no threshold"
}

func joinDescribed(rs []Rule, sep string) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = "(" + Describe(r) + ")"
	}
	return strings.Join(parts, sep)
}
