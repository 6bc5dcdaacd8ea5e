package election

import (
	"context"
	"fmt"
	"time"

	"quorum/internal/jobs"
	"quorum/internal/store"
)

// Job kinds. Each milestone job is queued under a key unique to its
// election and kind, and moved (jobs.ReplaceQueued) when the returning
// officer moves the milestone; a job whose moment no longer matches the
// election's timetable does nothing, so a cleared milestone needs no
// cancelling.
const (
	KindFreeze  = "election.freeze"  // take the roll at the freeze time
	KindOpen    = "election.open"    // open the ballot (taking the roll first if needed)
	KindClose   = "election.close"   // close the ballot; a demonstration election also counts
	KindDeclare = "election.declare" // declare a counted result at the declaration time
	KindLinks   = "election.links"   // e-mail one-time ballot links, in batches
	KindMailing = "election.mailing" // send an approved candidate mailing, in batches
)

// milestonePayload names the election and the moment the job was queued
// for.
type milestonePayload struct {
	ElectionID int64 `json:"election_id"`
	At         int64 `json:"at"` // Unix seconds
}

func milestoneKey(kind string, electionID int64) string {
	return fmt.Sprintf("%s:%d", kind, electionID)
}

// Milestone attempts: the open waits for the trustees for up to a day
// of retries (the backoff tops out at an hour) before the returning officer
// must open by hand.
const openAttempts = 30

// scheduleMilestones queues the jobs of the milestones still ahead of the
// election's stage.
func (s *Service) scheduleMilestones(ctx context.Context, tx *store.Tx, e store.Election) error {
	stage := stageIndex(e.Status)
	plan := []struct {
		kind   string
		at     time.Time
		before string // the job is useful only before the election reaches this status
		opts   []jobs.Option
	}{
		{KindFreeze, e.Freeze, store.ElectionFrozen, nil},
		{KindOpen, e.BallotOpen, store.ElectionOpen, []jobs.Option{jobs.MaxAttempts(openAttempts)}},
		{KindClose, e.BallotClose, store.ElectionClosed, []jobs.Option{jobs.MaxAttempts(openAttempts)}},
		{KindDeclare, e.Declare, store.ElectionDeclared, nil},
	}
	for _, m := range plan {
		if m.at.IsZero() || stage >= stageIndex(m.before) {
			continue
		}
		opts := append([]jobs.Option{jobs.UniqueKey(milestoneKey(m.kind, e.ID)), jobs.ReplaceQueued()}, m.opts...)
		if _, err := s.jobs.ScheduleTx(ctx, tx, m.at, m.kind, milestonePayload{ElectionID: e.ID, At: m.at.Unix()}, opts...); err != nil {
			return fmt.Errorf("schedule %s: %w", m.kind, err)
		}
	}
	return nil
}

// Milestone is one step of the public timeline.
type Milestone struct {
	Key   string // nominations_open, nominations_close, freeze, ballot_open, ballot_close, declare
	Label string
	At    time.Time // planned; zero if not set
	Done  bool
}

// Timeline lists the milestones in order, with those passed marked done.
func Timeline(e store.Election, now time.Time) []Milestone {
	stage := stageIndex(e.Status)
	passed := func(at time.Time) bool { return !at.IsZero() && !now.Before(at) }
	return []Milestone{
		{"nominations_open", "Nominations open", e.NominationsOpen, passed(e.NominationsOpen)},
		{"nominations_close", "Nominations close", e.NominationsClose, passed(e.NominationsClose)},
		{"freeze", "Roll of voters taken (freeze date)", e.Freeze, stage >= stageIndex(store.ElectionFrozen)},
		{"ballot_open", "Voting opens", e.BallotOpen, stage >= stageIndex(store.ElectionOpen)},
		{"ballot_close", "Voting closes", e.BallotClose, stage >= stageIndex(store.ElectionClosed)},
		{"declare", "Result declared", e.Declare, stage >= stageIndex(store.ElectionDeclared)},
	}
}

// StatusLabel names a status for people.
func StatusLabel(status string) string {
	switch status {
	case store.ElectionDraft:
		return "Being set up"
	case store.ElectionFrozen:
		return "Roll of voters taken"
	case store.ElectionOpen:
		return "Voting open"
	case store.ElectionClosed:
		return "Voting closed, waiting for the count"
	case store.ElectionCounted:
		return "Counted, being checked"
	case store.ElectionDeclared:
		return "Result declared"
	}
	return status
}
