package access_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
)

// TestRatingActionMatrix: who may take each action of the ratings, for
// every role. The sets are written out: they are the policy.
func TestRatingActionMatrix(t *testing.T) {
	t.Parallel()
	for action, roles := range map[access.Action]string{
		access.RateDealing:      "point",
		access.ReadRatings:      "handler supervisor leader point",
		access.RecordInspection: "handler supervisor",
		access.RecordSurvey:     "handler",
		access.RunSession:       "handler",
		access.ReadSessions:     "handler supervisor leader",
		access.ReadScores:       "handler supervisor leader department",
		access.ReadRankings:     "handler supervisor leader department",
		access.ClosePeriod:      "handler leader",
		access.ReadSchemes:      "handler department supervisor leader point admin",
		access.ManageSchemes:    "admin",
		access.ExportRatings:    "handler supervisor leader department point",
		access.ReadYearEnd:      "handler supervisor leader",
	} {
		for _, r := range access.Roles() {
			err := access.Permit(access.Principal{Role: r}, action)
			want := slices.Contains(strings.Fields(roles), string(r))
			if (err == nil) != want {
				t.Errorf("Permit(%s, %s) = %v, want allowed %v", r, action, err, want)
			}
			if err != nil && (domain.ErrorCode(err) != domain.CodeForbidden || !strings.Contains(err.Error(), "the role "+string(r)+" may not")) {
				t.Errorf("Permit(%s, %s) refused as %v, not by role", r, action, err)
			}
		}
	}
}

// TestRatingScopes: who learns the raters, whose scores and whose sheets
// each person reads.
func TestRatingScopes(t *testing.T) {
	t.Parallel()
	var raters []string
	for _, name := range []string{"H", "S", "L", "A", "Da", "Db", "Pm", "Pn"} {
		if access.SeesRaters(people[name]) {
			raters = append(raters, name)
		}
	}
	if strings.Join(raters, " ") != "H S L" {
		t.Errorf("the raters are seen by %v, want H S L", raters)
	}
	for _, tt := range []struct {
		who, asked, want string
		forbidden        bool
	}{
		{"H", "", "", false}, {"L", "dept-b", "dept-b", false},
		{"Da", "", "dept-a", false}, {"Da", "dept-a", "dept-a", false}, {"Da", "dept-b", "", true},
		{"D-", "", "", true},
	} {
		p, ok := people[tt.who]
		if !ok {
			p = access.Principal{Role: access.RoleDepartment}
		}
		got, err := access.ScoresOf(p, tt.asked)
		if (err != nil) != tt.forbidden || got != tt.want || (err != nil && domain.ErrorCode(err) != domain.CodeForbidden) {
			t.Errorf("ScoresOf(%s, %q) = %q, %v", tt.who, tt.asked, got, err)
		}
	}
	for _, tt := range []struct {
		who, asked, want string
		forbidden        bool
	}{
		{"H", "", "", false}, {"S", "mp-2", "mp-2", false},
		{"Pm", "", "mp-1", false}, {"Pm", "mp-1", "mp-1", false}, {"Pm", "mp-2", "", true},
		{"P-", "", "", true},
	} {
		p, ok := people[tt.who]
		if !ok {
			p = access.Principal{Role: access.RolePoint}
		}
		got, err := access.SheetsOf(p, tt.asked)
		if (err != nil) != tt.forbidden || got != tt.want {
			t.Errorf("SheetsOf(%s, %q) = %q, %v", tt.who, tt.asked, got, err)
		}
	}
}
