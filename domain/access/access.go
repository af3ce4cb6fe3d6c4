// Package access holds Watchpost's access rules: the roles, the principal
// and its scope, which actions each role may take, which cases it may read,
// which steps it may take on a case in its relation to that case, and whether
// it may learn the complainant or the monitoring point that reported. The
// services ask these questions below HTTP, so the API, the pages and the
// command line share one answer.
package access

import (
	"slices"

	"github.com/watchpost/watchpost/domain"
)

// Role is what a caller may do.
type Role string

// The roles.
const (
	RoleHandler    Role = "handler"    // complaint center staff (投诉中心受理员)
	RoleDepartment Role = "department" // a department's liaison, scoped to it
	RoleSupervisor Role = "supervisor" // 效能监督员
	RoleLeader     Role = "leader"     // city leadership
	RolePoint      Role = "point"      // a monitoring point's liaison, scoped to it
	RoleAdmin      Role = "admin"
	RoleOpen311    Role = "open311" // a city app or portal filing through Open311 GeoReport v2 (its api_key)
)

// Roles lists every role.
func Roles() []Role {
	return []Role{RoleHandler, RoleDepartment, RoleSupervisor, RoleLeader, RolePoint, RoleAdmin, RoleOpen311}
}

// ParseRole accepts a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if string(r) == s {
			return r, nil
		}
	}
	return "", domain.Invalid("role", "%q is not a role; use one of handler, department, supervisor, leader, point, admin", s)
}

// Principal is an authenticated caller: a token's holder, or a command-line
// tool acting as an administrator.
type Principal struct {
	TokenID      string `json:"tokenId"`
	Role         Role   `json:"role"`
	DepartmentID string `json:"departmentId,omitempty"`
	PointID      string `json:"pointId,omitempty"`
	Name         string `json:"name,omitempty"`
}

// Tool is the principal of a command-line tool run by the operator (who has
// the machine, so acts as an administrator).
func Tool(name string) Principal { return Principal{TokenID: name, Role: RoleAdmin, Name: name} }

// Center reports whether the principal works for the complaint center
// (handlers, supervisors, leaders, administrators): it is not scoped to a
// department or a monitoring point.
func (p Principal) Center() bool { return p.Role != RoleDepartment && p.Role != RolePoint }

// Audience is whom a view of a case is for: each has its own allow-list of
// fields.
type Audience string

// The audiences.
const (
	AudienceCenter     Audience = "center"
	AudienceDepartment Audience = "department"
	AudiencePoint      Audience = "point"
)

// AudienceOf is the audience a principal belongs to.
func AudienceOf(p Principal) Audience {
	switch p.Role {
	case RoleDepartment:
		return AudienceDepartment
	case RolePoint:
		return AudiencePoint
	}
	return AudienceCenter
}

// Action is something a role may be allowed to do, independent of any one
// case. The steps of a case are actions too (StepAction).
type Action string

// The actions.
const (
	ReadReference       Action = "read_reference"        // whoami, taxonomy, departments, calendar
	ReadCases           Action = "read_cases"            // list and read cases in the caller's scope
	FileCase            Action = "file_case"             // register a complaint
	DiscloseComplainant Action = "disclose_complainant"  // ask for the complainant's personal data
	ShredCase           Action = "shred_case"            // destroy a case's personal data
	ReadBoard           Action = "read_board"            // the escalation board and the timeliness figures
	LookUpTrackingCode  Action = "look_up_tracking_code" // find a case by the code its complainant quotes
	ReadAudit           Action = "read_audit"            // the audit trail
	ManageTaxonomy      Action = "manage_taxonomy"       // add channels, categories, issue types
	ManageDepartments   Action = "manage_departments"    // the department register
	ManageCalendar      Action = "manage_calendar"       // load official schedules
	ManageTokens        Action = "manage_tokens"         // create, list and revoke tokens
)

var (
	everyone = slices.DeleteFunc(Roles(), func(r Role) bool { return r == RoleOpen311 }) // people; an Open311 key files and nothing else
	admin    = []Role{RoleAdmin}
)

// tables are the tables of who may take which action: the cases' below,
// and one per capability beside it (each in its own file).
var tables = []map[Action][]Role{caseActions, networkActions, reportActions, ratingActions, operationsActions}

// caseActions says who may take each action on cases and the reference data.
var caseActions = map[Action][]Role{
	ReadReference:       everyone,
	ReadCases:           {RoleHandler, RoleSupervisor, RoleLeader, RoleDepartment, RolePoint},
	FileCase:            {RoleHandler, RolePoint},
	DiscloseComplainant: {RoleHandler, RoleSupervisor, RoleDepartment, RolePoint},
	ShredCase:           admin,
	ReadBoard:           {RoleSupervisor, RoleHandler, RoleLeader, RoleDepartment},
	LookUpTrackingCode:  {RoleHandler, RoleSupervisor},
	ReadAudit:           admin,
	ManageTaxonomy:      admin,
	ManageDepartments:   admin,
	ManageCalendar:      admin,
	ManageTokens:        admin,
}

// RolesFor lists the roles that may take an action, in the order of Roles.
func RolesFor(a Action) []Role {
	if step, ok := stepOf(a); ok {
		return slices.Clone(stepRoles[step])
	}
	for _, t := range tables {
		if roles, ok := t[a]; ok {
			return slices.Clone(roles)
		}
	}
	return nil
}

// Permit refuses an action the principal's role may not take.
func Permit(p Principal, a Action) error {
	if slices.Contains(RolesFor(a), p.Role) {
		return nil
	}
	return forbiddenRole(p.Role, a)
}

// forbiddenRole is the refusal of an action to a role. Its wording ("the
// role ... may not ...") is what clients and tests recognise as a refusal
// by role, as opposed to one by scope or relation.
func forbiddenRole(r Role, a Action) error {
	return domain.Forbidden("the role %s may not %s", r, a)
}
