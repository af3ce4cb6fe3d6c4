package access

import "github.com/watchpost/watchpost/domain"

// Scope narrows a list of cases, the escalation board or the timeliness
// figures to what a principal may see.
type Scope struct {
	DepartmentID      string // only this department's
	MonitoringPointID string // only this monitoring point's
}

// ScopeCases checks the filters a caller asked for against its scope and
// returns the filters to apply: a department lists only its own cases and
// may not select by monitoring point (which point reported is
// confidential); a point lists only its own cases.
func ScopeCases(p Principal, asked Scope) (Scope, error) {
	switch p.Role {
	case RoleDepartment:
		if asked.DepartmentID != "" && asked.DepartmentID != p.DepartmentID {
			return Scope{}, domain.Forbidden("a department lists only its own cases")
		}
		if asked.MonitoringPointID != "" {
			return Scope{}, domain.Forbidden("a department cannot select cases by monitoring point")
		}
		return Scope{DepartmentID: p.DepartmentID}, nil
	case RolePoint:
		if asked.MonitoringPointID != "" && asked.MonitoringPointID != p.PointID {
			return Scope{}, domain.Forbidden("a monitoring point lists only its own cases")
		}
		return Scope{DepartmentID: asked.DepartmentID, MonitoringPointID: p.PointID}, nil
	}
	return asked, nil
}

// ScopeDepartment checks a department filter of the board or the
// timeliness figures: a department sees only its own.
func ScopeDepartment(p Principal, asked string) (string, error) {
	if p.Role != RoleDepartment {
		return asked, nil
	}
	if asked != "" && asked != p.DepartmentID {
		return "", domain.Forbidden("a department sees only its own figures")
	}
	return p.DepartmentID, nil
}
