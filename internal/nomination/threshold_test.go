package nomination

import (
	"encoding/json"
	"strings"
	"testing"
)

const officeMP = "Member of Parliament"

// leader2017 is the party's rule for a leadership vacancy as amended in
// 2017 and used in 2020: 10% of the parliamentary group, and either 5% of
// constituency parties or 3 affiliates (2 of them unions) holding 5% of the
// affiliated membership.
var leader2017 = Rule{All: []Rule{
	{OfficeShare: &OfficeShare{Office: officeMP, Percent: 1000}},
	{Any: []Rule{
		{UnitShare: &UnitShare{UnitType: "branch", Percent: 500}},
		{Affiliates: &Affiliates{Count: 3, Unions: 2, Percent: 500}},
	}},
}}

// leader2021 raises the parliamentary share to 20%.
var leader2021 = Rule{All: []Rule{
	{OfficeShare: &OfficeShare{Office: officeMP, Percent: 2000}},
	{Any: []Rule{
		{UnitShare: &UnitShare{UnitType: "branch", Percent: 500}},
		{Affiliates: &Affiliates{Count: 3, Unions: 2, Percent: 500}},
	}},
}}

func TestThresholdsFromTheRuleBook(t *testing.T) {
	// 2020: a parliamentary group of 212 (202 MPs, 10 MEPs counted with
	// them) so 22 needed; 648 constituency parties so 33 needed.
	facts2020 := Facts{OfficeHolders: map[string]int{officeMP: 212}, Units: map[string]int{"branch": 648}, AffiliatedMembers: 2_540_000}
	facts2021 := Facts{OfficeHolders: map[string]int{officeMP: 198}, Units: map[string]int{"branch": 648}, AffiliatedMembers: 2_540_000}
	gmb := AffiliateSupport{Name: "GMB", Type: "union", Members: 460_000}
	num := AffiliateSupport{Name: "NUM", Type: "union", Members: 2_000}
	cfl := AffiliateSupport{Name: "Chinese for Labour", Type: "society", Members: 500}
	smallUnion := AffiliateSupport{Name: "Small union", Type: "union", Members: 40_000}
	unite := AffiliateSupport{Name: "Unite", Type: "union", Members: 1_000_000}
	cases := []struct {
		name  string
		rule  Rule
		facts Facts
		s     Support
		want  bool
		says  []string
	}{
		{"2020: 88 MPs and 374 CLPs", leader2017, facts2020, Support{ByOffice: map[string]int{officeMP: 88}, ByUnitType: map[string]int{"branch": 374}}, true, nil},
		{"2020: 31 MPs, 72 CLPs, three affiliates of which two unions", leader2017, facts2020,
			Support{ByOffice: map[string]int{officeMP: 31}, ByUnitType: map[string]int{"branch": 72, "union": 2, "society": 1}, Affiliates: []AffiliateSupport{gmb, num, cfl}}, true, nil},
		{"2020: 23 MPs and 31 CLPs, two short", leader2017, facts2020, Support{ByOffice: map[string]int{officeMP: 23}, ByUnitType: map[string]int{"branch": 31}}, false,
			[]string{"that is 33", "31 — not met, 2 more needed", "that is 22"}},
		{"2020: 5 MPs", leader2017, facts2020, Support{ByOffice: map[string]int{officeMP: 5}, ByUnitType: map[string]int{"branch": 40}}, false, []string{"17 more needed"}},
		{"2020: 22 MPs is exactly 10% rounded up", leader2017, facts2020, Support{ByOffice: map[string]int{officeMP: 22}, ByUnitType: map[string]int{"branch": 33}}, true, nil},
		{"2020: 21 MPs is not", leader2017, facts2020, Support{ByOffice: map[string]int{officeMP: 21}, ByUnitType: map[string]int{"branch": 33}}, false, nil},
		{"three affiliates but one union", leader2017, facts2020,
			Support{ByOffice: map[string]int{officeMP: 30}, Affiliates: []AffiliateSupport{unite, cfl, cfl}}, false, []string{"of them trade unions: 1 — not met, 1 more needed"}},
		{"three affiliates, two unions, too few members", leader2017, facts2020,
			Support{ByOffice: map[string]int{officeMP: 30}, Affiliates: []AffiliateSupport{smallUnion, num, cfl}}, false, []string{"that is 127,000", "members held by them: 42,500 — not met, 84,500 more needed"}},
		{"2021: 39 of 198 MPs is below 20%", leader2021, facts2021, Support{ByOffice: map[string]int{officeMP: 39}, ByUnitType: map[string]int{"branch": 100}}, false, []string{"that is 40"}},
		{"2021: 40 of 198 MPs", leader2021, facts2021, Support{ByOffice: map[string]int{officeMP: 40}, ByUnitType: map[string]int{"branch": 100}}, true, nil},
		{"at least 5 nominating bodies: 4", Rule{Bodies: &Bodies{Count: 5}}, facts2020, Support{ByUnitType: map[string]int{"council_group": 3, "branch": 1}}, false, []string{"1 more needed"}},
		{"at least 5 nominating bodies: 5", Rule{Bodies: &Bodies{Count: 5}}, facts2020, Support{ByUnitType: map[string]int{"council_group": 5}}, true, nil},
		{"no threshold", Rule{}, facts2020, Support{}, false, []string{"No threshold"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Evaluate(c.rule, c.facts, c.s)
			if o.Met != c.want {
				t.Errorf("met = %v, want %v\n%s", o.Met, c.want, o.Explain())
			}
			for _, s := range c.says {
				if !strings.Contains(o.Explain(), s) {
					t.Errorf("explanation lacks %q:\n%s", s, o.Explain())
				}
			}
		})
	}
}

func TestRuleJSONRoundTripAndValidation(t *testing.T) {
	b, err := json.Marshal(leader2017)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"percent":"10"`) {
		t.Errorf("percent not written as a decimal string: %s", b)
	}
	r, err := ParseRule(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if Describe(r) != Describe(leader2017) {
		t.Errorf("round trip changed the rule: %s", Describe(r))
	}
	for _, bad := range []string{
		`{}`,
		`{"bodies":{"count":0}}`,
		`{"all":[]}`,
		`{"bodies":{"count":1},"all":[{"bodies":{"count":1}}]}`,
		`{"affiliates":{"count":1,"unions":2,"percent":"5"}}`,
		`{"unit_share":{"unit_type":"branch","percent":"101"}}`,
		`{"office_share":{"office":"","percent":"5"}}`,
		`{"bodies":{"count":1},"extra":1}`,
	} {
		if _, err := ParseRule(bad); err == nil {
			t.Errorf("ParseRule(%s) accepted", bad)
		}
	}
	if _, err := ParseRule(`{"unit_share":{"unit_type":"branch","percent":"12.5"}}`); err != nil {
		t.Errorf("12.5%%: %v", err)
	}
}

func TestPercentOf(t *testing.T) {
	for _, c := range []struct {
		p     Percent
		total int
		want  int
	}{{2000, 198, 40}, {1000, 212, 22}, {500, 648, 33}, {500, 640, 32}, {1250, 8, 1}, {500, 0, 1}, {0, 100, 0}} {
		if got := c.p.of(c.total); got != c.want {
			t.Errorf("%s of %d = %d, want %d", c.p, c.total, got, c.want)
		}
	}
	if s := Percent(1250).String(); s != "12.5%" {
		t.Errorf("String = %s", s)
	}
}
