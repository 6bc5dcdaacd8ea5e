package auth

import "quorum/internal/store"

// Principal is whoever is making a request: a signed-in person with their
// roles, or nobody (the zero value, an anonymous visitor).
type Principal struct {
	PersonID     int64
	Name         string
	Member       bool // holds an active membership
	SecondFactor bool // this session passed two-factor sign-in
	TOTPEnabled  bool
	Grants       []store.Grant
}

// SignedIn reports whether the principal is a person.
func (p *Principal) SignedIn() bool { return p != nil && p.PersonID != 0 }

// holds reports whether p holds role (scoped to unit or body when given),
// counting privileged roles only once the session passed the second factor.
func (p *Principal) holds(r Role, unitID, bodyID int64) bool {
	if !p.SignedIn() {
		return false
	}
	if r.NeedsSecondFactor() && !p.SecondFactor {
		return false
	}
	for _, g := range p.Grants {
		if Role(g.Role) != r {
			continue
		}
		if unitID != 0 && g.UnitID != unitID {
			continue
		}
		if bodyID != 0 && g.BodyID != bodyID {
			continue
		}
		return true
	}
	return false
}

// PendingSecondFactor reports whether the person holds a role that stays
// inactive until they sign in with their second factor (or set one up).
func (p *Principal) PendingSecondFactor() bool {
	if !p.SignedIn() || p.SecondFactor {
		return false
	}
	for _, g := range p.Grants {
		if Role(g.Role).NeedsSecondFactor() {
			return true
		}
	}
	return false
}

// Roles lists the roles in force, for display.
func (p *Principal) Roles() []Role {
	var out []Role
	if p.Member {
		out = append(out, RoleMember)
	}
	seen := map[Role]bool{}
	for _, g := range p.Grants {
		r := Role(g.Role)
		if seen[r] || !p.holds(r, 0, 0) {
			continue
		}
		seen[r] = true
		out = append(out, r)
	}
	return out
}
