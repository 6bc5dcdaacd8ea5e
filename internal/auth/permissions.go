package auth

import "errors"

// ErrForbidden is returned when a principal may not do something.
var ErrForbidden = errors.New("you do not have permission to do that")

// ErrSignInNeeded is returned when an anonymous visitor tries something
// that needs a person.
var ErrSignInNeeded = errors.New("please sign in first")

// Action is something a principal may or may not do.
type Action string

const (
	ViewOwnAccount   Action = "account.view"
	ManageOrg        Action = "org.manage"         // create and edit units, bodies, sections, seats, people
	EditUnit         Action = "unit.edit"          // scoped: the unit's officers
	ViewUnitMembers  Action = "unit.members"       // scoped: the unit's officers
	EditBody         Action = "body.edit"          // scoped: the body's secretary
	ViewBodyPrivate  Action = "body.private"       // scoped: the body's secretary (minutes, papers)
	ImportMembers    Action = "members.import"     // also export
	ManageRoles      Action = "roles.manage"       // grant and revoke roles
	ViewAudit        Action = "audit.view"         // read the audit log
	ManageJobs       Action = "jobs.manage"        // see and retry background jobs
	ViewOutbox       Action = "outbox.view"        // see queued e-mail
	RunElections     Action = "elections.run"      // returning officer's work
	ScrutiniseVoting Action = "elections.scrutiny" // scrutineer's work

	// Meetings and report-back. A representative is a person holding a
	// seat on the body today; the caller looks that up and says so in
	// Target.SeatHolder.
	WriteReport       Action = "report.write"       // scoped: the body's seat holders
	EditReport        Action = "report.edit"        // scoped: the report's author (Target.AuthorID)
	ModerateComments  Action = "comments.moderate"  // scoped: the report's author, the body's secretary
	ViewMinutes       Action = "meeting.minutes"    // scoped: the body's seat holders and secretary (minutes, papers)
	ManageSubscribers Action = "subscribers.manage" // import subscribers, suppression list
	ManageEvents      Action = "events.manage"      // scoped: the body's secretary for the body's events

	// Nominations. The returning officer sets periods up and closes them
	// (RunElections).
	NominateForUnit  Action = "nominations.unit"      // scoped: the unit's officers (its chair, its secretary)
	AnswerNomination Action = "nominations.candidate" // scoped: the candidate themself (Target.AuthorID)
)

// Target scopes an action to a unit or a body.
type Target struct {
	UnitID int64
	BodyID int64
	// AuthorID is the person who wrote the thing acted on (a report).
	AuthorID int64
	// SeatHolder says the principal holds a seat on BodyID today.
	SeatHolder bool
}

// Can decides whether p may perform a on t. Every permission in Quorum is
// decided here, so one table-driven test can cover them all.
func (p *Principal) Can(a Action, t Target) bool {
	if !p.SignedIn() {
		return false
	}
	admin := p.holds(RoleAdmin, 0, 0)
	switch a {
	case ViewOwnAccount:
		return true
	case ManageOrg, ImportMembers, ManageRoles, ViewAudit, ManageJobs, ViewOutbox:
		return admin
	case EditUnit, ViewUnitMembers:
		return admin || (t.UnitID != 0 && p.holds(RoleOfficer, t.UnitID, 0))
	case EditBody:
		return admin || (t.BodyID != 0 && p.holds(RoleBodySecretary, 0, t.BodyID))
	case ViewBodyPrivate:
		return admin || (t.BodyID != 0 && p.holds(RoleBodySecretary, 0, t.BodyID))
	case RunElections:
		return p.holds(RoleReturningOfficer, 0, 0)
	case ScrutiniseVoting:
		return p.holds(RoleScrutineer, 0, 0)
	case WriteReport:
		return admin || (t.BodyID != 0 && t.SeatHolder)
	case EditReport:
		return admin || (t.AuthorID != 0 && t.AuthorID == p.PersonID)
	case ModerateComments:
		return admin || (t.AuthorID != 0 && t.AuthorID == p.PersonID) || (t.BodyID != 0 && p.holds(RoleBodySecretary, 0, t.BodyID))
	case ViewMinutes:
		return admin || (t.BodyID != 0 && (t.SeatHolder || p.holds(RoleBodySecretary, 0, t.BodyID)))
	case ManageSubscribers:
		return admin
	case ManageEvents:
		return admin || (t.BodyID != 0 && p.holds(RoleBodySecretary, 0, t.BodyID))
	case NominateForUnit:
		return t.UnitID != 0 && p.holds(RoleOfficer, t.UnitID, 0)
	case AnswerNomination:
		return t.AuthorID != 0 && t.AuthorID == p.PersonID
	}
	return false
}

// Require returns nil when p may perform a on t, ErrSignInNeeded for an
// anonymous visitor and ErrForbidden otherwise.
func (p *Principal) Require(a Action, t Target) error {
	if !p.SignedIn() {
		return ErrSignInNeeded
	}
	if !p.Can(a, t) {
		return ErrForbidden
	}
	return nil
}
