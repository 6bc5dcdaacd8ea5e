package nomination

import (
	"context"
	"fmt"
	"time"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// DemoInput says what LoadDemo builds on.
type DemoInput struct {
	RO *auth.Principal // the demo's returning officer
	// PastElectionID is an election still being set up, whose candidates
	// come from a period run and closed at PastOpens (+2 days).
	PastElectionID int64
	PastOpens      time.Time
	// OpenElectionID (optional, being set up) is fed by the period left
	// open for the two local government seats, closing three weeks after Now.
	OpenElectionID int64
	Now            time.Time
}

// at returns the service reading another clock, for demo data made in
// the past.
func (s *Service) at(clock func() time.Time) *Service {
	c := *s
	c.cfg.Now = clock
	return &c
}

// LoadDemo makes the demo's nomination periods: a closed one in which
// council groups nominated the candidates of the past by-election (whose
// ballot it fills), and an open one for the two local government seats.
// Council groups without an officer get one of their councillors as
// secretary. The candidates are councillors, two women and two men.
func LoadDemo(ctx context.Context, db *store.DB, svc *Service, in DemoInput) error {
	groups, _, err := db.Units(ctx, store.UnitFilter{Type: "council_group", Page: store.Page{Size: 12}})
	if err != nil {
		return err
	}
	if len(groups) == 0 {
		return fmt.Errorf("demo nominations: no council groups")
	}
	var officers []*auth.Principal
	var women, men []store.Person
	for _, g := range groups {
		p, err := demoSecretary(ctx, db, g.ID, in.PastOpens)
		if err != nil {
			return err
		}
		if p != nil {
			officers = append(officers, p)
		}
	}
	councillors, err := db.OfficeHolders(ctx, "councillor", in.PastOpens)
	if err != nil {
		return err
	}
	taken := map[int64]bool{}
	for _, o := range officers {
		taken[o.PersonID] = true
	}
	for _, id := range councillors {
		if taken[id] || (len(women) >= 2 && len(men) >= 2) {
			continue
		}
		p, err := db.PersonByID(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case p.Gender == "woman" && len(women) < 2:
			women = append(women, p)
		case p.Gender == "man" && len(men) < 2:
			men = append(men, p)
		}
	}
	if len(officers) == 0 || len(women) < 2 || len(men) < 2 {
		return fmt.Errorf("demo nominations: not enough council group officers or councillors")
	}
	local := func(t time.Time) (string, string) {
		loc, _ := time.LoadLocation("Europe/London")
		t = t.In(loc)
		return t.Format(time.DateOnly), "17:00"
	}
	lgSlots := []store.NominationSlot{{Key: "woman", Label: "A woman", Gender: "woman"}, {Key: "man", Label: "A man", Gender: "man"}}

	// The past period, run on its own clock and closed at its deadline.
	clk := in.PastOpens
	past := svc.at(func() time.Time { return clk })
	d, c := local(in.PastOpens.AddDate(0, 0, 2))
	per, err := past.CreatePeriod(ctx, in.RO, PeriodInput{Title: "Local government by-election: nominations " + in.PastOpens.Format("2006"),
		Description: "Council groups nominated candidates for the by-election to one of the two local government seats.",
		ElectionID:  in.PastElectionID, UnitTypes: []string{"council_group"}, Slots: lgSlots, MeetingRequired: true,
		CloseDate: d, CloseTime: c, TimeZone: "Europe/London"})
	if err != nil {
		return fmt.Errorf("demo past period: %w", err)
	}
	if err := demoNominate(ctx, past, per, officers, append(women, men...), true); err != nil {
		return err
	}
	clk = per.ClosesAt
	if err := past.close(ctx, per.ID, 0); err != nil {
		return err
	}
	if err := past.handOver(ctx, per.ID, in.RO); err != nil {
		return err
	}

	// The open period for the two seats.
	d, c = local(in.Now.AddDate(0, 0, 21))
	open, err := svc.CreatePeriod(ctx, in.RO, PeriodInput{Title: "Local government representatives " + in.Now.Format("2006"),
		Description: "Please ask your Labour Group to nominate one woman and one man to be your two local government representatives on the National Executive Committee.",
		ElectionID:  in.OpenElectionID, UnitTypes: []string{"council_group"}, Slots: lgSlots, MeetingRequired: true,
		CloseDate: d, CloseTime: c, TimeZone: "Europe/London"})
	if err != nil {
		return fmt.Errorf("demo open period: %w", err)
	}
	half := officers[:(len(officers)+1)/2]
	return demoNominate(ctx, svc, open, half, []store.Person{women[0], men[0], women[1]}, false)
}

// demoSecretary returns the officer of a council group, making one of its
// councillors secretary if it has none.
func demoSecretary(ctx context.Context, db *store.DB, unitID int64, on time.Time) (*auth.Principal, error) {
	officers, err := db.UnitOfficers(ctx, unitID)
	if err != nil {
		return nil, err
	}
	if len(officers) == 0 {
		var personID int64
		err := db.QueryRow(ctx, `SELECT person_id FROM public_offices WHERE unit_id = ? AND office = 'councillor' AND (end_date IS NULL OR end_date > ?) ORDER BY person_id LIMIT 1`, unitID, on.UTC()).Scan(&personID)
		if err != nil {
			return nil, nil // a group with no councillors nominates nobody
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.AddGrant(ctx, store.Grant{PersonID: personID, Role: string(auth.RoleOfficer), UnitID: unitID, Title: "Secretary"})
			return err
		}); err != nil {
			return nil, err
		}
		p, err := db.PersonByID(ctx, personID)
		if err != nil {
			return nil, err
		}
		officers = []store.Person{p}
	}
	grants, err := db.GrantsOf(ctx, officers[0].ID)
	if err != nil {
		return nil, err
	}
	// The group's grant first: demoNominate nominates for Grants[0].
	for i, g := range grants {
		if g.UnitID == unitID && g.Role == string(auth.RoleOfficer) {
			grants[0], grants[i] = grants[i], grants[0]
		}
	}
	return &auth.Principal{PersonID: officers[0].ID, Name: officers[0].Name, Grants: grants}, nil
}

// demoNominate declares the candidates and has each group nominate a woman
// and a man in turn; with consentAll every candidate consents, otherwise
// the first two nominations of each candidate wait for an answer.
func demoNominate(ctx context.Context, svc *Service, per store.NominationPeriod, officers []*auth.Principal, people []store.Person, consentAll bool) error {
	var women, men []store.NominationCandidate
	for _, p := range people {
		c, err := svc.Declare(ctx, &auth.Principal{PersonID: p.ID, Name: p.Name}, per.ID, fmt.Sprintf("I am a councillor and I will speak up for councillors and the communities they serve. — %s", p.Name))
		if err != nil {
			return fmt.Errorf("demo declaration: %w", err)
		}
		if c.Gender == "woman" {
			women = append(women, c)
		} else {
			men = append(men, c)
		}
	}
	answered := map[int64]int{}
	for i, o := range officers {
		w, m := women[i%len(women)], men[i%len(men)]
		noms, err := svc.Nominate(ctx, o, per.ID, NominationInput{Nominator: unitNominator(o.Grants[0].UnitID), Choices: map[string]int64{"woman": w.ID, "man": m.ID},
			MeetingDate: svc.now().AddDate(0, 0, -1).Truncate(24 * time.Hour), Present: 12 + i, Votes: map[int64]int{w.ID: 9 + i%3, m.ID: 8 + i%4}})
		if err != nil {
			return fmt.Errorf("demo nomination: %w", err)
		}
		for _, n := range noms {
			if !consentAll && answered[n.CandidateID] >= 2 {
				continue
			}
			answered[n.CandidateID]++
			c := w
			if n.CandidateID == m.ID {
				c = m
			}
			if err := svc.Answer(ctx, &auth.Principal{PersonID: c.PersonID}, n.ID, true); err != nil {
				return fmt.Errorf("demo consent: %w", err)
			}
		}
	}
	return nil
}
