package access_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
)

// TestReportActionMatrix: who may take each action of the findings and the
// special reports. The sets are the policy.
func TestReportActionMatrix(t *testing.T) {
	t.Parallel()
	for action, roles := range map[access.Action]string{
		access.ReadTrendFindings:     "supervisor",
		access.DismissTrendFinding:   "supervisor",
		access.RunTrendDetection:     "supervisor",
		access.ReadSpecialReports:    "supervisor leader",
		access.DraftSpecialReport:    "supervisor",
		access.ReviewSpecialReport:   "supervisor",
		access.IssueSpecialReport:    "supervisor",
		access.InstructSpecialReport: "leader",
		access.FollowUpSpecialReport: "supervisor",
	} {
		for _, r := range access.Roles() {
			err := access.Permit(access.Principal{Role: r}, action)
			want := slices.Contains(strings.Fields(roles), string(r))
			if (err == nil) != want {
				t.Errorf("Permit(%s, %s) = %v, want allowed %v", r, action, err, want)
			}
			if err != nil && domain.ErrorCode(err) != domain.CodeForbidden {
				t.Errorf("Permit(%s, %s): %v is not a refusal", r, action, err)
			}
		}
		if got := access.RolesFor(action); len(got) != len(strings.Fields(roles)) {
			t.Errorf("RolesFor(%s) = %v", action, got)
		}
	}
}

// TestReportReadMatrix: who reads which report, who may instruct on it,
// and who sees every read receipt.
func TestReportReadMatrix(t *testing.T) {
	t.Parallel()
	people := map[string]access.Principal{
		"S":  {TokenID: "s1", Role: access.RoleSupervisor},
		"L1": {TokenID: "l1", Role: access.RoleLeader},
		"L2": {TokenID: "l2", Role: access.RoleLeader},
		"L0": {Role: access.RoleLeader}, // a leader principal without an id
		"H":  {TokenID: "h1", Role: access.RoleHandler},
		"D":  {TokenID: "d1", Role: access.RoleDepartment, DepartmentID: "city-construction"},
		"P":  {TokenID: "p1", Role: access.RolePoint, PointID: "mp-1"},
		"A":  {TokenID: "a1", Role: access.RoleAdmin},
	}
	reports := map[string]access.SpecialReport{
		"draft":          {ID: "rp-1", Recipients: nil},
		"issued to l1":   {ID: "rp-2", Issued: true, Recipients: []string{"l1"}},
		"issued to both": {ID: "rp-3", Issued: true, Recipients: []string{"l1", "l2"}},
		// Recipients named, not yet issued (cannot happen, but must not leak).
		"named, not issued": {ID: "rp-4", Recipients: []string{"l1"}},
	}
	for _, tt := range []struct {
		report         string
		read, instruct []string
	}{
		{"draft", who("S"), nil},
		{"issued to l1", who("S L1"), who("L1")},
		{"issued to both", who("S L1 L2"), who("L1 L2")},
		{"named, not issued", who("S"), nil},
	} {
		r := reports[tt.report]
		for name, p := range people {
			if got, want := access.CanReadSpecialReport(p, r), slices.Contains(tt.read, name); got != want {
				t.Errorf("CanReadSpecialReport(%s, %s) = %v, want %v", name, tt.report, got, want)
			}
			err := access.MayInstruct(p, r)
			if want := slices.Contains(tt.instruct, name); (err == nil) != want {
				t.Errorf("MayInstruct(%s, %s) = %v, want allowed %v", name, tt.report, err, want)
			}
			// A leader it was not issued to does not learn it exists; any
			// other role is refused as such.
			if err != nil {
				want := domain.CodeForbidden
				if p.Role == access.RoleLeader {
					want = domain.CodeNotFound
				}
				if domain.ErrorCode(err) != want {
					t.Errorf("MayInstruct(%s, %s): %v, want %s", name, tt.report, err, want)
				}
			}
		}
	}
	for name, p := range people {
		if got := access.SeesAllReceipts(p); got != (name == "S") {
			t.Errorf("SeesAllReceipts(%s) = %v", name, got)
		}
	}
}
