package access_test

import (
	"slices"
	"testing"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
)

// networkPeople are the matrix's people of the network: the center's roles,
// a supervisor who looks after ws-1 (and so mp-1) and one who does not, the
// liaisons of point mp-1, of point mp-2 and of workstation ws-1, and two
// departments.
var networkPeople = map[string]struct {
	p        access.Principal
	assigned bool
}{
	"H":   {p: access.Principal{Role: access.RoleHandler}},
	"L":   {p: access.Principal{Role: access.RoleLeader}},
	"A":   {p: access.Principal{Role: access.RoleAdmin}},
	"Sa":  {p: access.Principal{Role: access.RoleSupervisor}, assigned: true},
	"Sb":  {p: access.Principal{Role: access.RoleSupervisor}},
	"Pm":  {p: access.Principal{Role: access.RolePoint, PointID: "mp-1"}},
	"Pn":  {p: access.Principal{Role: access.RolePoint, PointID: "mp-2"}},
	"Pws": {p: access.Principal{Role: access.RolePoint, PointID: "ws-1"}},
	"Da":  {p: access.Principal{Role: access.RoleDepartment, DepartmentID: "dept-a"}},
	"Db":  {p: access.Principal{Role: access.RoleDepartment, DepartmentID: "dept-b"}},
}

func whoOf(rule func(name string, p access.Principal, assigned bool) bool) []string {
	var out []string
	for name, x := range networkPeople {
		if rule(name, x.p, x.assigned) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func TestNetworkActions(t *testing.T) {
	t.Parallel()
	want := map[access.Action][]access.Role{
		access.ManageNetwork: {access.RoleAdmin},
		access.RecordVisit:   {access.RoleSupervisor},
		access.SubmitReport:  {access.RoleHandler, access.RolePoint},
		access.RegisterEntry: {access.RoleDepartment, access.RolePoint},
		access.ActOnEntry:    {access.RoleHandler},
		access.ExportNetwork: {access.RoleHandler, access.RoleSupervisor, access.RoleLeader, access.RoleAdmin},
		access.SendFeedback:  {access.RolePoint},
	}
	for a, roles := range want {
		if got := access.RolesFor(a); !slices.Equal(got, roles) {
			t.Errorf("%s: %v, want %v", a, got, roles)
		}
	}
	for _, a := range []access.Action{access.ReadNetwork, access.ReadReports, access.ExportNetwork} {
		if slices.Contains(access.RolesFor(a), access.RoleDepartment) {
			t.Errorf("a department may %s", a)
		}
	}
}

func TestNetworkReadMatrix(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		record access.NetworkRecord
		read   []string
		actFor []string // PermitWorkstation(ws-1)
	}{
		{"point mp-1 of ws-1", access.NetworkRecord{PointID: "mp-1", WorkstationID: "ws-1"},
			[]string{"A", "H", "L", "Pm", "Pws", "Sa"}, nil},
		{"workstation ws-1", access.NetworkRecord{WorkstationID: "ws-1"},
			[]string{"A", "H", "L", "Pws", "Sa"}, []string{"A", "H", "Pws"}},
	} {
		got := whoOf(func(_ string, p access.Principal, assigned bool) bool {
			r := tt.record
			r.Assigned = assigned
			return access.CanReadNetwork(p, r)
		})
		if !slices.Equal(got, tt.read) {
			t.Errorf("%s is read by %v, want %v", tt.name, got, tt.read)
		}
		contact := whoOf(func(_ string, p access.Principal, assigned bool) bool {
			r := tt.record
			r.Assigned = assigned
			return access.CanSeeContact(p, r)
		})
		if !slices.Equal(contact, []string{"A", "H", "L", "Sa"}) {
			t.Errorf("%s: the contact reaches %v", tt.name, contact)
		}
		if tt.actFor != nil {
			acts := whoOf(func(_ string, p access.Principal, _ bool) bool { return access.PermitWorkstation(p, "ws-1") == nil })
			if !slices.Equal(acts, tt.actFor) {
				t.Errorf("acting for ws-1: %v, want %v", acts, tt.actFor)
			}
		}
	}
}

func TestEntryMatrix(t *testing.T) {
	t.Parallel()
	dept := access.Entry{Side: access.SideDepartment, PointID: "mp-1", DepartmentID: "dept-a"}
	point := access.Entry{Side: access.SidePoint, PointID: "mp-1", DepartmentID: "dept-a"}
	for _, tt := range []struct {
		name            string
		entry           access.Entry
		read, registers []string
	}{
		{"dept-a's record at mp-1", dept, []string{"A", "Da", "H", "L", "Sa"}, []string{"Da"}},
		{"mp-1's record of dept-a", point, []string{"A", "H", "L", "Pm", "Sa"}, []string{"Pm"}},
	} {
		got := whoOf(func(_ string, p access.Principal, assigned bool) bool {
			e := tt.entry
			e.Assigned = assigned
			return access.CanReadEntry(p, e)
		})
		if !slices.Equal(got, tt.read) {
			t.Errorf("%s is read by %v, want %v", tt.name, got, tt.read)
		}
		reg := whoOf(func(_ string, p access.Principal, _ bool) bool { return access.PermitRegister(p, tt.entry) == nil })
		if !slices.Equal(reg, tt.registers) {
			t.Errorf("%s is registered by %v, want %v", tt.name, reg, tt.registers)
		}
	}
	// A department lists only its own side and cannot select by point.
	s, err := access.ScopeEntries(networkPeople["Da"].p, access.EntryScope{})
	if err != nil || s != (access.EntryScope{Side: access.SideDepartment, DepartmentID: "dept-a"}) {
		t.Fatalf("department scope: %+v %v", s, err)
	}
	if _, err := access.ScopeEntries(networkPeople["Da"].p, access.EntryScope{PointID: "mp-1"}); domain.ErrorCode(err) != domain.CodeForbidden {
		t.Fatalf("a department selected by point: %v", err)
	}
	if _, err := access.ScopeEntries(networkPeople["Da"].p, access.EntryScope{DepartmentID: "dept-b"}); domain.ErrorCode(err) != domain.CodeForbidden {
		t.Fatalf("a department listed another's: %v", err)
	}
	s, err = access.ScopeEntries(networkPeople["Pm"].p, access.EntryScope{})
	if err != nil || s != (access.EntryScope{Side: access.SidePoint, PointID: "mp-1"}) {
		t.Fatalf("point scope: %+v %v", s, err)
	}
	if _, err := access.ScopeEntries(networkPeople["Pm"].p, access.EntryScope{PointID: "mp-2"}); domain.ErrorCode(err) != domain.CodeForbidden {
		t.Fatalf("a point listed another's: %v", err)
	}
	if s, _ := access.ScopeEntries(networkPeople["Sb"].p, access.EntryScope{}); !s.AssignedOnly {
		t.Fatal("a supervisor lists only their points")
	}
}
