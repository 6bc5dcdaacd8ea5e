package nomination

import (
	"context"
	"fmt"
	"time"

	"quorum/internal/store"
)

// Standing is one candidate's position: their nominations and whether they
// meet the threshold, with the reasons.
type Standing struct {
	Candidate store.NominationCandidate
	// Live nominations, by the candidate's answer.
	Consented, Pending, Refused int
	// Nominators lists the names of those whose nominations count.
	Nominators []string
	Outcome    Outcome
	// Qualifies: the threshold is met by the nominations that count.
	Qualifies bool
}

// Tally gives every candidate's standing. Live (before the close) the
// nominations still awaiting the candidate's answer count, so that a
// candidate sees how near they are; at the close only consented ones do.
type Tally struct {
	Period    store.NominationPeriod
	Rule      *Rule
	RuleText  string
	Facts     Facts
	Standings []Standing
	AtClose   bool
}

func collectNeeds(r Rule, offices map[string]bool, types map[string]bool) {
	switch {
	case r.OfficeShare != nil:
		offices[r.OfficeShare.Office] = true
	case r.UnitShare != nil:
		types[r.UnitShare.UnitType] = true
	case r.Affiliates != nil:
		types[unitUnion], types[unitSociety] = true, true
	}
	for _, p := range append(append([]Rule{}, r.All...), r.Any...) {
		collectNeeds(p, offices, types)
	}
}

// Tally computes the live standing of every candidate.
func (s *Service) Tally(ctx context.Context, periodID int64) (Tally, error) {
	per, err := s.db.PeriodByID(ctx, periodID)
	if err != nil {
		return Tally{}, err
	}
	return s.tally(ctx, per, per.Status == store.PeriodClosed, s.now())
}

func (s *Service) tally(ctx context.Context, per store.NominationPeriod, atClose bool, on time.Time) (Tally, error) {
	t := Tally{Period: per, AtClose: atClose, RuleText: "at least one nomination"}
	rule, err := s.ruleFor(ctx, per)
	if err != nil {
		return t, err
	}
	t.Rule = rule
	offices, types := map[string]bool{}, map[string]bool{}
	for _, ut := range per.UnitTypes {
		types[ut] = true
	}
	if rule != nil {
		t.RuleText = Describe(*rule)
		collectNeeds(*rule, offices, types)
	}
	t.Facts = Facts{OfficeHolders: map[string]int{}, Units: map[string]int{}}
	for office := range offices {
		holders, err := s.db.OfficeHolders(ctx, office, on)
		if err != nil {
			return t, err
		}
		t.Facts.OfficeHolders[office] = len(holders)
	}
	var typeList []string
	for ty := range types {
		typeList = append(typeList, ty)
	}
	figures, err := s.db.UnitFigures(ctx, typeList, on)
	if err != nil {
		return t, err
	}
	unitByID := map[int64]store.UnitFigure{}
	for _, f := range figures {
		unitByID[f.ID] = f
		t.Facts.Units[f.Type]++
		if isAffiliate(f.Type) {
			t.Facts.AffiliatedMembers += f.Members
		}
	}
	cands, err := s.db.NominationCandidates(ctx, per.ID)
	if err != nil {
		return t, err
	}
	noms, err := s.db.Nominations(ctx, store.NominationFilter{PeriodID: per.ID, LiveOnly: true})
	if err != nil {
		return t, err
	}
	for _, c := range cands {
		st := Standing{Candidate: c}
		sup := Support{ByOffice: map[string]int{}, ByUnitType: map[string]int{}}
		for _, n := range noms {
			if n.CandidateID != c.ID {
				continue
			}
			switch n.Consent {
			case store.ConsentGiven:
				st.Consented++
			case store.ConsentRefused:
				st.Refused++
				continue
			default:
				st.Pending++
				if atClose {
					continue
				}
			}
			st.Nominators = append(st.Nominators, n.NominatorName)
			if n.UnitID != 0 {
				sup.ByUnitType[n.UnitType]++
				if isAffiliate(n.UnitType) {
					sup.Affiliates = append(sup.Affiliates, AffiliateSupport{Name: n.NominatorName, Type: n.UnitType, Members: unitByID[n.UnitID].Members})
				}
			} else {
				sup.ByOffice[per.NominatorOffice]++
			}
		}
		if rule != nil {
			st.Outcome = Evaluate(*rule, t.Facts, sup)
		} else {
			n := len(st.Nominators)
			st.Outcome = countOutcome(n, 1, "At least one nomination")
		}
		st.Qualifies = st.Outcome.Met
		t.Standings = append(t.Standings, st)
	}
	return t, nil
}

// Status says a candidate's position in plain words.
func (st Standing) Status(atClose bool) string {
	switch {
	case !st.Candidate.Standing:
		return "No longer standing"
	case atClose && st.Candidate.Outcome != "":
		return OutcomeLabel(st.Candidate.Outcome)
	case st.Qualifies && st.Pending > 0:
		return fmt.Sprintf("Threshold met, counting %d nominations awaiting consent", st.Pending)
	case st.Qualifies:
		return "Threshold met"
	}
	return "Threshold not yet met"
}
