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
)

// Target scopes an action to a unit or a body.
type Target struct {
	UnitID int64
	BodyID int64
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
