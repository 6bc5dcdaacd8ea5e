package auth

// Role names a kind of authority. Officer and body secretary are scoped to a
// unit or a body; the others apply organisation-wide.
type Role string

const (
	RoleMember           Role = "member" // implied by an active membership, never granted
	RoleOfficer          Role = "officer"
	RoleBodySecretary    Role = "body_secretary"
	RoleReturningOfficer Role = "returning_officer"
	RoleScrutineer       Role = "scrutineer"
	RoleAdmin            Role = "admin"
)

// GrantableRoles are the roles an administrator can give, in display order.
var GrantableRoles = []Role{RoleAdmin, RoleReturningOfficer, RoleScrutineer, RoleOfficer, RoleBodySecretary}

// Label is the role's name for people.
func (r Role) Label() string {
	switch r {
	case RoleMember:
		return "Member"
	case RoleOfficer:
		return "Unit officer"
	case RoleBodySecretary:
		return "Body secretary"
	case RoleReturningOfficer:
		return "Returning officer"
	case RoleScrutineer:
		return "Scrutineer"
	case RoleAdmin:
		return "Administrator"
	}
	return string(r)
}

// Valid reports whether r is a grantable role.
func (r Role) Valid() bool {
	for _, g := range GrantableRoles {
		if g == r {
			return true
		}
	}
	return false
}

// NeedsSecondFactor reports whether holding the role requires two-factor
// sign-in: these roles can change the organisation or see secrets.
func (r Role) NeedsSecondFactor() bool {
	return r == RoleAdmin || r == RoleReturningOfficer || r == RoleScrutineer
}

// Scope says what a scoped role needs: "unit", "body" or "".
func (r Role) Scope() string {
	switch r {
	case RoleOfficer:
		return "unit"
	case RoleBodySecretary:
		return "body"
	}
	return ""
}
