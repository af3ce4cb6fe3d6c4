package access_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
)

// The people of the matrix: one of each role, and for the scoped roles one
// the case is about and one it is not.
var people = map[string]access.Principal{
	"H":  {Role: access.RoleHandler},
	"S":  {Role: access.RoleSupervisor},
	"L":  {Role: access.RoleLeader},
	"A":  {Role: access.RoleAdmin},
	"Da": {Role: access.RoleDepartment, DepartmentID: "dept-a"},
	"Db": {Role: access.RoleDepartment, DepartmentID: "dept-b"},
	"Pm": {Role: access.RolePoint, PointID: "mp-1"},
	"Pn": {Role: access.RolePoint, PointID: "mp-2"},
}

// The cases of the matrix.
var cases = map[string]access.Case{
	// Referred to dept-a, reported by mp-1, no consent to disclosure.
	"referred": {ID: "c1", DepartmentID: "dept-a", MonitoringPointID: "mp-1"},
	// The same, with the complainant's consent.
	"consented": {ID: "c2", DepartmentID: "dept-a", MonitoringPointID: "mp-1", Consent: true},
	// Handled by the center itself (直查快办, 自办).
	"center": {ID: "c3", CenterHandled: true, MonitoringPointID: "mp-1"},
	// Filed, or returned: nobody holds it; no monitoring point.
	"unassigned": {ID: "c4"},
	// Anonymous, referred, consenting: nothing to disclose.
	"anonymous": {ID: "c5", DepartmentID: "dept-a", Anonymous: true, Consent: true},
}

func who(names string) []string { return strings.Fields(names) }

// TestReadMatrix: who reads which case, may ask for the complainant, finds
// personal data to disclose, and learns the reporting point.
func TestReadMatrix(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		kase                            string
		read, disclose, data, seesPoint []string
	}{
		{"referred", who("H S L Da Pm"), who("H S Pm"), who("H S Pm"), who("H S L Pm")},
		{"consented", who("H S L Da Pm"), who("H S Da Pm"), who("H S Da Pm"), who("H S L Da Pm")},
		{"center", who("H S L Pm"), who("H S Pm"), who("H S Pm"), who("H S L Pm")},
		{"unassigned", who("H S L"), who("H S"), who("H S"), who("H S L")},
		{"anonymous", who("H S L Da"), who("H S Da"), nil, who("H S L Da")},
	} {
		c := cases[tt.kase]
		for name, p := range people {
			for _, rule := range []struct {
				name string
				want []string
				got  bool
			}{
				{"CanRead", tt.read, access.CanRead(p, c)},
				{"MayDisclose", tt.disclose, access.MayDisclose(p, c)},
				{"Disclosable", tt.data, access.Disclosable(p, c)},
				{"SeesReportingPoint", tt.seesPoint, access.SeesReportingPoint(p, c)},
			} {
				if want := slices.Contains(rule.want, name); rule.got != want {
					t.Errorf("%s(%s, %s) = %v, want %v", rule.name, name, tt.kase, rule.got, want)
				}
			}
		}
	}
}

// TestStepMatrix: every step, by every person, on every kind of case. The
// expected sets are written out: they are the policy.
func TestStepMatrix(t *testing.T) {
	t.Parallel()
	const (
		centerSteps = "file accept not_accept refer decide_extension suspend resume record_finding require_rectification verify_rectification reply record_satisfaction reopen close"
		deptSteps   = "acknowledge respond request_extension report_rectification resolve"
		supervisor  = "decide_extension suspend resume order_supervision record_finding require_rectification verify_rectification record_accountability reopen"
		holder      = "acknowledge return respond request_extension record_finding report_rectification resolve"
	)
	type want struct {
		allowed  string
		notFound bool // refused as "not found" rather than "forbidden"
		roleOnly bool // every refusal is by role
	}
	matrix := map[string]map[string]want{
		"referred": {
			"H": {allowed: centerSteps}, "S": {allowed: supervisor}, "L": {roleOnly: true}, "A": {roleOnly: true},
			"Da": {allowed: holder}, "Db": {notFound: true}, "Pm": {allowed: "file"}, "Pn": {allowed: "file"},
		},
		"center": {
			"H": {allowed: centerSteps + " " + deptSteps}, "S": {allowed: supervisor}, "L": {roleOnly: true}, "A": {roleOnly: true},
			"Da": {notFound: true}, "Db": {notFound: true}, "Pm": {allowed: "file"}, "Pn": {allowed: "file"},
		},
		"unassigned": {
			"H": {allowed: centerSteps + " " + deptSteps}, "S": {allowed: supervisor}, "L": {roleOnly: true}, "A": {roleOnly: true},
			"Da": {notFound: true}, "Db": {notFound: true}, "Pm": {allowed: "file"}, "Pn": {allowed: "file"},
		},
	}
	for kase, byPerson := range matrix {
		c := cases[kase]
		for name, w := range byPerson {
			p := people[name]
			allowed := strings.Fields(w.allowed)
			for _, step := range complaint.Steps() {
				err := access.MayTake(p, step, c)
				should := slices.Contains(allowed, string(step))
				switch {
				case should && err != nil:
					t.Errorf("%s on %s: %s refused: %v", name, kase, step, err)
				case !should && err == nil:
					t.Errorf("%s on %s: %s allowed", name, kase, step)
				case !should:
					byRole := !slices.Contains(access.RolesFor(access.StepAction(step)), p.Role)
					code := domain.ErrorCode(err)
					switch {
					case byRole && (code != domain.CodeForbidden || !strings.Contains(err.Error(), "the role "+string(p.Role)+" may not")):
						t.Errorf("%s on %s: %s refused by role as %v", name, kase, step, err)
					case w.roleOnly && !byRole:
						t.Errorf("%s on %s: %s refused, not by role: %v", name, kase, step, err)
					case !byRole && w.notFound && code != domain.CodeNotFound:
						t.Errorf("%s on %s: %s refused as %v, want not found", name, kase, step, err)
					case !byRole && !w.notFound && code != domain.CodeForbidden:
						t.Errorf("%s on %s: %s refused as %v, want forbidden", name, kase, step, err)
					}
				}
			}
			next := access.NextSteps(p, c, complaint.Steps())
			got := make([]string, len(next))
			for i, s := range next {
				got[i] = string(s)
			}
			slices.Sort(got)
			slices.Sort(allowed)
			if !slices.Equal(got, allowed) {
				t.Errorf("NextSteps(%s, %s) = %v, want %v", name, kase, got, allowed)
			}
		}
	}
}

// TestActionMatrix: who may take each action that is not a step.
func TestActionMatrix(t *testing.T) {
	t.Parallel()
	for action, roles := range map[access.Action]string{
		access.ReadReference:       "handler department supervisor leader point admin",
		access.ReadCases:           "handler department supervisor leader point",
		access.FileCase:            "handler point",
		access.DiscloseComplainant: "handler department supervisor point",
		access.ShredCase:           "admin",
		access.ReadBoard:           "handler department supervisor leader",
		access.LookUpTrackingCode:  "handler supervisor",
		access.ReadAudit:           "admin",
		access.ManageTaxonomy:      "admin",
		access.ManageDepartments:   "admin",
		access.ManageCalendar:      "admin",
		access.ManageTokens:        "admin",
	} {
		for _, r := range access.Roles() {
			err := access.Permit(access.Principal{Role: r}, action)
			if want := slices.Contains(strings.Fields(roles), string(r)); (err == nil) != want {
				t.Errorf("Permit(%s, %s) = %v, want allowed %v", r, action, err, want)
			}
		}
	}
}

// TestScopes: what the list and board filters become for each person.
func TestScopes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		who       string
		asked     access.Scope
		want      access.Scope
		forbidden bool
	}{
		{"H", access.Scope{}, access.Scope{}, false},
		{"H", access.Scope{DepartmentID: "dept-b", MonitoringPointID: "mp-2"}, access.Scope{DepartmentID: "dept-b", MonitoringPointID: "mp-2"}, false},
		{"Da", access.Scope{}, access.Scope{DepartmentID: "dept-a"}, false},
		{"Da", access.Scope{DepartmentID: "dept-a"}, access.Scope{DepartmentID: "dept-a"}, false},
		{"Da", access.Scope{DepartmentID: "dept-b"}, access.Scope{}, true},
		{"Da", access.Scope{MonitoringPointID: "mp-1"}, access.Scope{}, true},
		{"Pm", access.Scope{}, access.Scope{MonitoringPointID: "mp-1"}, false},
		{"Pm", access.Scope{DepartmentID: "dept-a"}, access.Scope{DepartmentID: "dept-a", MonitoringPointID: "mp-1"}, false},
		{"Pm", access.Scope{MonitoringPointID: "mp-2"}, access.Scope{}, true},
	} {
		got, err := access.ScopeCases(people[tt.who], tt.asked)
		if (err != nil) != tt.forbidden || (err == nil && got != tt.want) {
			t.Errorf("ScopeCases(%s, %+v) = %+v, %v", tt.who, tt.asked, got, err)
		}
	}
	for _, tt := range []struct {
		who, asked, want string
		forbidden        bool
	}{
		{"S", "", "", false}, {"S", "dept-b", "dept-b", false},
		{"Da", "", "dept-a", false}, {"Da", "dept-a", "dept-a", false}, {"Da", "dept-b", "", true},
	} {
		got, err := access.ScopeDepartment(people[tt.who], tt.asked)
		if (err != nil) != tt.forbidden || got != tt.want {
			t.Errorf("ScopeDepartment(%s, %q) = %q, %v", tt.who, tt.asked, got, err)
		}
	}
}

// TestRelations names each person's relation to a referred case.
func TestRelations(t *testing.T) {
	t.Parallel()
	var got []string
	for _, name := range []string{"H", "S", "L", "A", "Da", "Db", "Pm", "Pn"} {
		got = append(got, fmt.Sprintf("%s=%s", name, access.RelationTo(people[name], cases["referred"])))
	}
	want := "H=staff S=staff L=staff A=unrelated Da=holder Db=stranger Pm=reporter Pn=stranger"
	if strings.Join(got, " ") != want {
		t.Errorf("relations %s, want %s", strings.Join(got, " "), want)
	}
}
