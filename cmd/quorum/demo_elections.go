package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"quorum/internal/auth"
	"quorum/internal/demo"
	"quorum/internal/election"
	"quorum/internal/nomination"
	"quorum/internal/store"
)

// loadDemoElections gives the demo two elections of its executive: a
// by-election of the local government section already counted and
// declared, with its bulletin board, and the members' section ballot open
// for voting, whose id it returns for its hustings. Both keep their
// trustees' shares on the server (demo only, and their pages say so) so
// that they can close and count by themselves.
//
// newService gives an election service on a clock of the caller's: the
// by-election is run on a clock set months back, so its timetable, audit
// entries and result carry the dates it would have had.
func loadDemoElections(ctx context.Context, db *store.DB, newService func(clock func() time.Time) *election.Service,
	newNominations func(*election.Service) *nomination.Service, sum *demo.Summary, seed int64, now time.Time) (int64, error) {
	ro := &auth.Principal{PersonID: sum.ReturningOfficer.ID, SecondFactor: true, TOTPEnabled: true, Grants: []store.Grant{{Role: string(auth.RoleReturningOfficer)}}}
	sections, err := db.SectionsOf(ctx, sum.NECID)
	if err != nil {
		return 0, err
	}
	section := func(prefix string) store.Section {
		for _, s := range sections {
			if len(s.Name) >= len(prefix) && s.Name[:len(prefix)] == prefix {
				return s
			}
		}
		return store.Section{}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	trustees := []election.TrusteeInput{
		{PersonID: sum.ReturningOfficer.ID, Role: election.TrusteeReturningOfficer},
		{PersonID: sum.Scrutineer.ID, Role: election.TrusteeScrutineer},
	}

	// The declared by-election: councillors elect one local government
	// representative. Its clock moves through the timetable as it is run.
	clock := now.AddDate(0, -5, -12)
	svc := newService(func() time.Time { return clock })
	lg := section("Local government")
	past, err := svc.Create(ctx, ro, election.Settings{
		Title: "Local government section by-election " + now.AddDate(0, -5, 0).Format("2006"), BodyID: sum.NECID, SectionID: lg.ID,
		Seats: 1, Method: "irv", Description: "A by-election for one of the two local government seats on the National Executive Committee, after a resignation. Every councillor who is a member may vote.",
		Timetable: election.Timetable{
			Freeze: now.AddDate(0, -5, -10), BallotOpen: now.AddDate(0, -5, -7), BallotClose: now.AddDate(0, -5, 0), Declare: now.AddDate(0, -5, 1),
		},
	})
	if err != nil {
		return 0, fmt.Errorf("by-election: %w", err)
	}
	if err := svc.SetRules(ctx, ro, past.ID, []election.Rule{{Kind: election.RuleOffice, Office: "councillor"}}); err != nil {
		return 0, fmt.Errorf("by-election rules: %w", err)
	}
	// Its candidates came through a nomination period in which council
	// groups nominated; the period was closed and handed to the ballot. The
	// next regular election of the section is being set up, fed by a
	// nomination period that is open now.
	next, err := newService(time.Now).Create(ctx, ro, election.Settings{
		Title: "Local government section " + now.AddDate(1, 0, 0).Format("2006"), BodyID: sum.NECID, SectionID: lg.ID,
		Seats: 2, Method: "scottish-stv", Quotas: []election.Quota{{Attribute: "gender", Value: "woman", Min: 1}},
		Description: "Councillors elect the two local government representatives on the National Executive Committee, at least one of them a woman, from candidates nominated by council groups.",
	})
	if err != nil {
		return 0, fmt.Errorf("next local government election: %w", err)
	}
	if err := nomination.LoadDemo(ctx, db, newNominations(svc), nomination.DemoInput{
		RO: ro, PastElectionID: past.ID, PastOpens: now.AddDate(0, -5, -16), OpenElectionID: next.ID, Now: now,
	}); err != nil {
		return 0, fmt.Errorf("demo nominations: %w", err)
	}
	var cands []int64
	pastCands, err := svc.Candidates(ctx, past.ID)
	if err != nil {
		return 0, err
	}
	for _, c := range pastCands {
		cands = append(cands, c.ID)
	}
	if len(cands) < 2 {
		return 0, fmt.Errorf("the by-election's nominations gave %d candidates", len(cands))
	}
	if err := svc.SetUpKey(ctx, ro, past.ID, election.KeyInput{Threshold: 2, Trustees: trustees, KeepSharesForDemo: true}); err != nil {
		return 0, fmt.Errorf("by-election key: %w", err)
	}
	clock = now.AddDate(0, -5, -7).Add(time.Minute)
	if err := svc.Open(ctx, ro, past.ID); err != nil {
		return 0, fmt.Errorf("open the by-election: %w", err)
	}
	voters, _, err := svc.Roll(ctx, ro, past.ID, "", store.Page{Size: 500})
	if err != nil {
		return 0, err
	}
	for i, v := range voters {
		if i%10 < 3 { // about seven in ten vote
			continue
		}
		ranking := demoRanking(rng, cands)
		if _, err := svc.Cast(ctx, &auth.Principal{PersonID: v.PersonID}, past.ID, ranking); err != nil {
			return 0, fmt.Errorf("demo vote: %w", err)
		}
	}
	clock = now.AddDate(0, -5, 0)
	if err := svc.Close(ctx, ro, past.ID); err != nil {
		return 0, fmt.Errorf("close the by-election: %w", err)
	}
	clock = now.AddDate(0, -5, 1)
	if err := svc.Declare(ctx, ro, past.ID); err != nil {
		return 0, fmt.Errorf("declare the by-election: %w", err)
	}

	// The members' section ballot, open now.
	svc = newService(time.Now)
	ms := section("Members")
	open, err := svc.Create(ctx, ro, election.Settings{
		Title: "Members' section " + now.Format("2006"), BodyID: sum.NECID, SectionID: ms.ID, Seats: 9, Method: "scottish-stv",
		Quotas:          []election.Quota{{Attribute: "gender", Value: "woman", Min: 5}},
		Description:     "Members elect nine representatives of the constituency parties to the National Executive Committee, at least five of them women. Rank as many candidates as you like.",
		AllowVoteChange: true, TurnoutByUnit: true, MailingsPerCandidate: 2,
		Timetable: election.Timetable{
			NominationsOpen: now.AddDate(0, -2, 0), NominationsClose: now.AddDate(0, -1, 0), Freeze: now.AddDate(0, 0, -3),
			BallotOpen: now.Add(-time.Hour), BallotClose: now.AddDate(0, 0, 14), Declare: now.AddDate(0, 0, 15),
		},
	})
	if err != nil {
		return 0, fmt.Errorf("members' section: %w", err)
	}
	if err := svc.SetRules(ctx, ro, open.ID, []election.Rule{{Kind: election.RuleMembers, UnitTypes: []string{"branch"}}}); err != nil {
		return 0, fmt.Errorf("members' section rules: %w", err)
	}
	if _, err := demoCandidates(ctx, db, svc, ro, open.ID, rng, 14); err != nil {
		return 0, err
	}
	if err := svc.SetUpKey(ctx, ro, open.ID, election.KeyInput{Threshold: 2, Trustees: trustees, KeepSharesForDemo: true}); err != nil {
		return 0, fmt.Errorf("members' section key: %w", err)
	}
	if err := svc.Open(ctx, ro, open.ID); err != nil {
		return 0, fmt.Errorf("open the members' section: %w", err)
	}
	// Some members have voted already, so turnout has something to show.
	voters, _, err = svc.Roll(ctx, ro, open.ID, "", store.Page{Number: 1 + rng.IntN(30), Size: 200})
	if err != nil {
		return 0, err
	}
	openCands, err := svc.Candidates(ctx, open.ID)
	if err != nil {
		return 0, err
	}
	var openIDs []int64
	for _, c := range openCands {
		openIDs = append(openIDs, c.ID)
	}
	for _, v := range voters {
		if v.PersonID == sum.Member.ID {
			continue // the demo's member log-in can still vote
		}
		if _, err := svc.Cast(ctx, &auth.Principal{PersonID: v.PersonID}, open.ID, demoRanking(rng, openIDs)); err != nil {
			return 0, fmt.Errorf("demo vote: %w", err)
		}
	}
	return open.ID, nil
}

// demoCandidates puts n members on the ballot, half of them women, with short statements.
func demoCandidates(ctx context.Context, db *store.DB, svc *election.Service, ro *auth.Principal, electionID int64, rng *rand.Rand, n int) ([]int64, error) {
	// People are listed by name, and first names say little of gender in
	// the generator, so draw from several pages across the alphabet.
	var women, men []store.Person
	for len(women) < n || len(men) < n {
		people, _, err := db.People(ctx, "", store.Page{Number: 1 + rng.IntN(40), Size: 500})
		if err != nil {
			return nil, err
		}
		if len(people) == 0 {
			return nil, fmt.Errorf("no demo people to stand")
		}
		for _, p := range people {
			switch {
			case p.Gender == "woman" && rng.IntN(20) == 0:
				women = append(women, p)
			case p.Gender == "man" && rng.IntN(20) == 0:
				men = append(men, p)
			}
		}
	}
	var chosen []store.Person
	for i := 0; i < n; i++ {
		pool := &men
		if i%2 == 0 {
			pool = &women
		}
		if len(*pool) == 0 {
			return nil, fmt.Errorf("not enough demo people to stand")
		}
		j := rng.IntN(len(*pool))
		chosen = append(chosen, (*pool)[j])
		*pool = append((*pool)[:j], (*pool)[j+1:]...)
	}
	sort.Slice(chosen, func(i, j int) bool { return chosen[i].Name < chosen[j].Name })
	themes := []string{"more say for members over policy", "support for councillors facing cuts", "a fair and independent complaints process", "training for new activists", "stronger links with our affiliated unions", "campaigning in every seat, not only the marginals", "openness: reports back after every meeting"}
	var ids []int64
	for i, p := range chosen {
		c, err := svc.AddCandidate(ctx, ro, electionID, election.CandidateInput{
			Name: p.Name, PersonID: p.ID, Attributes: map[string]string{"gender": p.Gender}, Position: i + 1,
			Statement: fmt.Sprintf("I have been a member for years and I will stand for **%s** and for %s.", themes[rng.IntN(len(themes))], themes[rng.IntN(len(themes))]),
		})
		if err != nil {
			return nil, fmt.Errorf("demo candidate: %w", err)
		}
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// demoRanking ranks some candidates, favouring those listed first so that
// the count has a clear shape with transfers.
func demoRanking(rng *rand.Rand, cands []int64) []int64 {
	order := append([]int64(nil), cands...)
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	if rng.IntN(3) > 0 { // two in three put the first candidate near the top
		for i, c := range order {
			if c == cands[0] && i > 0 {
				order[0], order[i] = order[i], order[0]
			}
		}
	}
	return order[:1+rng.IntN(len(order))]
}
