package access

import "github.com/watchpost/watchpost/domain/complaint"

// Case is what the rules look at in a case: who holds it, who reported it,
// and what the complainant agreed to.
type Case struct {
	ID string
	// DepartmentID is the department the case is referred to (empty while
	// the center holds it).
	DepartmentID string
	// CenterHandled: the complaint center handles the case itself (直查快办,
	// 自办), so no department acts on it.
	CenterHandled bool
	// MonitoringPointID is the monitoring point the complaint was filed for.
	MonitoringPointID string
	Anonymous         bool
	Consent           bool // the complainant consented to disclosure to the department
	PersonalDataGone  bool // the personal data was destroyed
}

// CaseOf takes the facts the rules need from a case.
func CaseOf(c complaint.Case) Case {
	return Case{ID: c.ID, DepartmentID: c.DepartmentID, CenterHandled: c.CenterHandled(), MonitoringPointID: c.MonitoringPointID,
		Anonymous: c.Complainant.Anonymous, Consent: c.Complainant.ConsentToDisclose, PersonalDataGone: c.PersonalDataRemoved}
}

// heldByDepartment: a department holds the case and the center does not
// handle it itself.
func (c Case) heldByDepartment() bool { return c.DepartmentID != "" && !c.CenterHandled }

// Relation is how a principal stands to one case.
type Relation string

// The relations.
const (
	Staff     Relation = "staff"     // the complaint center's people: every case
	Holder    Relation = "holder"    // the department the case is referred to
	Reporter  Relation = "reporter"  // the monitoring point the case was filed for
	Stranger  Relation = "stranger"  // a department or point the case is not about
	Unrelated Relation = "unrelated" // a role that reads no cases at all (an administrator)
)

// RelationTo says how p stands to c.
func RelationTo(p Principal, c Case) Relation {
	switch p.Role {
	case RoleDepartment:
		if c.DepartmentID != "" && c.DepartmentID == p.DepartmentID {
			return Holder
		}
		return Stranger
	case RolePoint:
		if c.MonitoringPointID != "" && c.MonitoringPointID == p.PointID {
			return Reporter
		}
		return Stranger
	case RoleAdmin:
		return Unrelated
	}
	return Staff
}

// CanRead reports whether p may see the case at all. Departments see the
// cases referred to them, points the cases filed for them, the center's
// staff every case. A case the caller may not read is "not found" to it, so
// that its existence does not leak.
func CanRead(p Principal, c Case) bool {
	switch RelationTo(p, c) {
	case Staff, Holder, Reporter:
		return true
	}
	return false
}

// MayDisclose reports whether p may have the complainant's personal data
// disclosed (with a reason that is recorded): the center's handlers and
// supervisors, the monitoring point that filed, and the department holding
// the case only when the complainant consented. Whether there is anything
// to disclose (an anonymous complaint, destroyed data) is another question
// (Disclosable).
func MayDisclose(p Principal, c Case) bool {
	switch RelationTo(p, c) {
	case Staff:
		return p.Role == RoleHandler || p.Role == RoleSupervisor
	case Reporter:
		return true
	case Holder:
		return c.Consent
	}
	return false
}

// Disclosable reports whether a disclosure to p would find personal data:
// p may ask, the complainant gave their name and it was not destroyed.
func Disclosable(p Principal, c Case) bool {
	return !c.Anonymous && !c.PersonalDataGone && MayDisclose(p, c)
}

// SeesReportingPoint reports whether p may learn which monitoring point
// reported the case: what a point reports is confidential (监测点反映的问题要保密),
// and the point is often the complainant's own enterprise or community, so
// a department learns it only with the complainant's consent.
func SeesReportingPoint(p Principal, c Case) bool {
	switch RelationTo(p, c) {
	case Staff, Reporter:
		return true
	case Holder:
		return c.Consent
	}
	return false
}

// SeesActor reports whether p may see who took a step on the case, given
// the role the actor acted in: a department does not see the monitoring
// point's own steps (they would name who reported).
func SeesActor(p Principal, c Case, actorRole Role) bool {
	return actorRole != RolePoint || SeesReportingPoint(p, c)
}
