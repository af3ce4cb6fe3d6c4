package access

import "github.com/watchpost/watchpost/domain"

// The actions of the monitoring network (issue 13).
const (
	ManageNetwork   Action = "manage_network"   // workstations, points, rosters, supervisors and their assignments
	ReadNetwork     Action = "read_network"     // workstations, points, rosters, visits, meetings, compliance
	RecordVisit     Action = "record_visit"     // a supervisor's monthly visit, and filing its items
	RecordMeeting   Action = "record_meeting"   // a workstation's seminar, the center's quarterly meeting
	SubmitReport    Action = "submit_report"    // a workstation's monthly report (附表一)
	ReadReports     Action = "read_reports"     // monthly reports, their drafts and the overdue ones
	RegisterEntry   Action = "register_entry"   // a two-way registration record (附表二)
	ReadEntries     Action = "read_entries"     // two-way registration records
	ActOnEntry      Action = "act_on_entry"     // turn a one-sided record into a complaint
	ExportNetwork   Action = "export_network"   // the xlsx of 附表一 and 附表二, the monthly sums
	SendFeedback    Action = "send_feedback"    // a point's direct feedback to the center (004 §三.三)
	DiscloseContact Action = "disclose_contact" // read a liaison's sealed contact, with a reason that is audited
)

// networkActions says who may take each action of the network. What each
// role then sees is narrowed by the rules below.
var networkActions = map[Action][]Role{
	ManageNetwork: admin,
	ReadNetwork:   {RoleHandler, RoleSupervisor, RoleLeader, RolePoint, RoleAdmin},
	RecordVisit:   {RoleSupervisor},
	RecordMeeting: {RoleHandler, RolePoint, RoleAdmin},
	SubmitReport:  {RoleHandler, RolePoint},
	ReadReports:   {RoleHandler, RoleSupervisor, RoleLeader, RolePoint, RoleAdmin},
	RegisterEntry: {RoleDepartment, RolePoint},
	ReadEntries:   {RoleHandler, RoleSupervisor, RoleLeader, RoleDepartment, RolePoint, RoleAdmin},
	ActOnEntry:    {RoleHandler},
	ExportNetwork: {RoleHandler, RoleSupervisor, RoleLeader, RoleAdmin},
	SendFeedback:  {RolePoint},
	// The center's people, each read recorded in the audit trail.
	DiscloseContact: {RoleHandler, RoleSupervisor, RoleLeader, RoleAdmin},
}

// NetworkRecord is what the rules look at in a record of the network: the
// point and the workstation it belongs to, and whether the calling
// supervisor looks after them. A workstation's liaison signs in with a
// point token scoped to the workstation's id.
type NetworkRecord struct {
	PointID       string
	WorkstationID string
	// Assigned: the caller is the supervisor (行风效能监督员) who looks
	// after the point or the workstation.
	Assigned bool
}

// wholeNetwork are the roles that see every record of the network.
func wholeNetwork(p Principal) bool {
	return p.Role == RoleHandler || p.Role == RoleLeader || p.Role == RoleAdmin
}

// CanReadNetwork says whether p may see a record of the network: the
// center all of them; a supervisor what they look after; a point its own
// records and a workstation's liaison those of the workstation and its
// points; a department none.
func CanReadNetwork(p Principal, r NetworkRecord) bool {
	switch {
	case wholeNetwork(p):
		return true
	case p.Role == RoleSupervisor:
		return r.Assigned
	case p.Role == RolePoint:
		return p.PointID != "" && (r.PointID == p.PointID || r.WorkstationID == p.PointID)
	}
	return false
}

// CanSeeContact says whether p may read a liaison's contact details: the
// center's people, for the records they may read.
func CanSeeContact(p Principal, r NetworkRecord) bool {
	return p.Center() && CanReadNetwork(p, r)
}

// PermitWorkstation refuses a workstation's own business (its monthly
// report, its seminars) to anyone but the center's handlers and
// administrators and the workstation's liaison.
func PermitWorkstation(p Principal, workstationID string) error {
	switch {
	case p.Role == RoleHandler || p.Role == RoleAdmin:
		return nil
	case p.Role == RolePoint && p.PointID == workstationID:
		return nil
	}
	return domain.Forbidden("only workstation %s's liaison and the center act for it", workstationID)
}

// Entry is what the rules look at in a two-way registration record.
type Entry struct {
	Side         string // "department" or "point"
	PointID      string
	DepartmentID string
	Assigned     bool // the calling supervisor looks after the point
}

// The sides of an entry.
const (
	SideDepartment = "department"
	SidePoint      = "point"
)

// PermitRegister refuses a record p may not make: a department records its
// own officers' inspections, fees and fines; a point what happened on its
// own premises.
func PermitRegister(p Principal, e Entry) error {
	switch p.Role {
	case RoleDepartment:
		if e.Side == SideDepartment && e.DepartmentID == p.DepartmentID {
			return nil
		}
		return domain.Forbidden("a department registers only its own officers' entries (%s)", p.DepartmentID)
	case RolePoint:
		if e.Side == SidePoint && e.PointID == p.PointID {
			return nil
		}
		return domain.Forbidden("a monitoring point registers only what happened on its own premises (%s)", p.PointID)
	}
	return forbiddenRole(p.Role, RegisterEntry)
}

// CanReadEntry says whether p may see a record: the center all; a
// supervisor those of the points they look after; a department only its
// own side's records, never the point's; a point only its own side's.
func CanReadEntry(p Principal, e Entry) bool {
	switch {
	case wholeNetwork(p):
		return true
	case p.Role == RoleSupervisor:
		return e.Assigned
	case p.Role == RoleDepartment:
		return e.Side == SideDepartment && e.DepartmentID == p.DepartmentID
	case p.Role == RolePoint:
		return e.Side == SidePoint && e.PointID == p.PointID
	}
	return false
}

// EntryScope narrows a list of records to what p may see: the side,
// department and point to select (empty: any), and whether only the
// supervisor's points.
type EntryScope struct {
	Side, DepartmentID, PointID string
	AssignedOnly                bool
}

// ScopeEntries checks the filters a caller asked for against its scope.
func ScopeEntries(p Principal, asked EntryScope) (EntryScope, error) {
	switch p.Role {
	case RoleDepartment:
		if asked.DepartmentID != "" && asked.DepartmentID != p.DepartmentID {
			return EntryScope{}, domain.Forbidden("a department lists only its own entries")
		}
		if asked.PointID != "" {
			return EntryScope{}, domain.Forbidden("a department cannot select entries by monitoring point")
		}
		return EntryScope{Side: SideDepartment, DepartmentID: p.DepartmentID}, nil
	case RolePoint:
		if asked.PointID != "" && asked.PointID != p.PointID {
			return EntryScope{}, domain.Forbidden("a monitoring point lists only its own entries")
		}
		return EntryScope{Side: SidePoint, PointID: p.PointID, DepartmentID: asked.DepartmentID}, nil
	case RoleSupervisor:
		asked.AssignedOnly = true
		return asked, nil
	}
	return asked, nil
}
