package election

import (
	"context"
	"fmt"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// Turnout is how many of the roll have voted.
type Turnout struct {
	Electorate int
	Voted      int
	// ByUnit is filled where the returning officer publishes turnout by
	// unit, and always for the returning officer and scrutineers.
	ByUnit []store.UnitTurnout
}

// PerMille is the turnout in tenths of a percent (527 = 52.7%), an integer
// so that no rounding of floats reaches a page.
func (t Turnout) PerMille() int {
	if t.Electorate == 0 {
		return 0
	}
	return (t.Voted*1000 + t.Electorate/2) / t.Electorate
}

// Percent formats the turnout, e.g. "52.7%".
func (t Turnout) Percent() string {
	pm := t.PerMille()
	return fmt.Sprintf("%d.%d%%", pm/10, pm%10)
}

// UnitPercent formats one unit's turnout.
func UnitPercent(u store.UnitTurnout) string {
	return Turnout{Electorate: u.Electorate, Voted: u.Voted}.Percent()
}

// Turnout reports live turnout once voting has opened.
func (s *Service) Turnout(ctx context.Context, p *auth.Principal, electionID int64) (Turnout, error) {
	e, err := s.db.ElectionByID(ctx, electionID)
	if err != nil {
		return Turnout{}, err
	}
	if stageIndex(e.Status) < stageIndex(store.ElectionOpen) {
		return Turnout{}, ErrNotOpen
	}
	return s.turnout(ctx, p, e)
}

func (s *Service) turnout(ctx context.Context, p *auth.Principal, e store.Election) (Turnout, error) {
	var t Turnout
	var err error
	if !e.TurnoutByUnit && !isOfficial(p) {
		t.Electorate, t.Voted, err = s.db.RollTotals(ctx, e.ID)
		return t, err
	}
	t.ByUnit, err = s.db.RollByUnit(ctx, e.ID)
	for _, u := range t.ByUnit {
		t.Electorate += u.Electorate
		t.Voted += u.Voted
	}
	return t, err
}
