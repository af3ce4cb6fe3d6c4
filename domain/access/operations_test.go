package access_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
)

// TestOperationsActions: who may file through Open311 and manage the
// deadline feeds, and that an Open311 key may do nothing else.
func TestOperationsActions(t *testing.T) {
	t.Parallel()
	for action, roles := range map[access.Action]string{
		access.SubmitOpen311: "open311",
		access.ManageFeeds:   "department admin",
	} {
		for _, r := range access.Roles() {
			err := access.Permit(access.Principal{Role: r}, action)
			if want := slices.Contains(strings.Fields(roles), string(r)); (err == nil) != want {
				t.Errorf("Permit(%s, %s) = %v, want allowed %v", r, action, err, want)
			}
			if err != nil && (domain.ErrorCode(err) != domain.CodeForbidden || !strings.Contains(err.Error(), "the role "+string(r)+" may not")) {
				t.Errorf("Permit(%s, %s) refused as %v, not by role", r, action, err)
			}
		}
	}
	key := access.Principal{TokenID: "k1", Role: access.RoleOpen311}
	others := []access.Action{access.ReadReference, access.ReadCases, access.FileCase, access.DiscloseComplainant, access.ShredCase,
		access.ReadBoard, access.LookUpTrackingCode, access.ReadAudit, access.ManageTaxonomy, access.ManageDepartments,
		access.ManageCalendar, access.ManageTokens, access.ManageFeeds}
	for _, s := range complaint.Steps() {
		others = append(others, access.StepAction(s))
	}
	for _, a := range others {
		if access.Permit(key, a) == nil {
			t.Errorf("an Open311 key may %s", a)
		}
	}
	if r, err := access.ParseRole("open311"); err != nil || r != access.RoleOpen311 {
		t.Errorf("ParseRole(open311) = %q, %v", r, err)
	}
}
