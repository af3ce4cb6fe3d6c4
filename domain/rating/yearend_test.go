package rating_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/domain/rating"
)

func TestSelectYearEnd(t *testing.T) {
	t.Parallel()
	s := rankScheme()
	year := rating.Year(2026)
	// Totals: a 100, b 98, c 96, d 94, e 92, f 90 (the top six, 满意 in the
	// ranking), g 85, h 80, i 75 (bottom three at or above 70), j 68 (under
	// 70); few and few2 have 5 ratings and are not ranked.
	var scores []rating.Score
	for _, u := range []struct {
		id     string
		n, vio int
	}{{"a", 10, 0}, {"b", 10, 2}, {"c", 10, 4}, {"d", 10, 6}, {"e", 10, 8}, {"f", 10, 10}, {"g", 10, 15}, {"h", 10, 20}, {"i", 10, 25}, {"j", 10, 32}, {"few", 5, 0}, {"few2", 5, 0}} {
		scores = append(scores, scoredIn(t, s, year, u.id, u.n, u.vio, 0))
	}
	r, err := rating.Rank(s, year, rating.CategoryEnforcement, scores)
	if err != nil {
		t.Fatal(err)
	}
	// The default rules: 满意 needs ≥ 95% on time and ≤ 1 overdue; under 80%
	// on time or ≥ 5 overdue is 不满意.
	handling := map[string]rating.Handling{
		"a":    {OnTime: 100},
		"b":    {OnTime: 19, Overdue: 1}, // 95% exactly, 1 overdue: both 满意 lines met
		"c":    {OnTime: 18, Overdue: 2}, // 90%, 2 overdue: short of 满意, above 不满意
		"d":    {OnTime: 3, Overdue: 1},  // 75%: under the 不满意 line
		"f":    {OnTime: 95, Overdue: 5}, // 95%, but 5 overdue: 不满意
		"g":    {OnTime: 10},
		"h":    {OnTime: 10},
		"few2": {OnTime: 1, Overdue: 9}, // not ranked, but 10% on time and 9 overdue
		// e, i, j and few had no deadline in the year.
	}
	sel, err := rating.SelectYearEnd(r, handling, rating.DefaultYearEndRules())
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, x := range sel {
		reasons := make([]string, len(x.Reasons))
		for i, why := range x.Reasons {
			reasons[i] = string(why)
		}
		lines = append(lines, fmt.Sprintf("%s %s %s", x.Unit.ID, x.Verdict, strings.Join(reasons, ",")))
	}
	want := `a satisfied ranked_satisfied
b satisfied ranked_satisfied
c basic ranked_satisfied,rate_short,overdue_short
d unsatisfied ranked_satisfied,rate_low
e satisfied ranked_satisfied
f unsatisfied ranked_satisfied,overdue_many
g basic not_top
h basic bottom
i basic bottom
j unsatisfied below_threshold
few not_assessed not_ranked
few2 unsatisfied not_ranked,rate_low,overdue_many`
	if got := strings.Join(lines, "\n"); got != want {
		t.Errorf("selection:\n%s\nwant:\n%s", got, want)
	}
	for _, x := range sel {
		if x.Verdict.Label() == "" {
			t.Errorf("%s has no label", x.Verdict)
		}
		for _, why := range x.Reasons {
			if why.Label() == "" {
				t.Errorf("%s has no label", why)
			}
		}
	}
}

func TestSelectYearEndRefuses(t *testing.T) {
	t.Parallel()
	s := rankScheme()
	year := rating.Year(2026)
	yr, err := rating.Rank(s, year, rating.CategoryEnforcement, []rating.Score{scoredIn(t, s, year, "a", 10, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	month, err := rating.Rank(s, march, rating.CategoryEnforcement, []rating.Score{scored(t, s, "a", 10, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	rules := rating.DefaultYearEndRules()
	tests := []struct {
		name     string
		ranking  rating.Ranking
		handling map[string]rating.Handling
		rules    rating.YearEndRules
		field    string
	}{
		{"a month's ranking", month, nil, rules, "ranking.period"},
		{"a unit not in the ranking", yr, map[string]rating.Handling{"zz": {}}, rules, "handling[zz]"},
		{"a negative count", yr, map[string]rating.Handling{"a": {Overdue: -1}}, rules, "handling[a].overdue"},
		{"a rate above 1", yr, nil, rating.YearEndRules{SatisfiedMinRate: rating.Int(2)}, "satisfiedMinRate"},
		{"lines the wrong way round", yr, nil, rating.YearEndRules{SatisfiedMinRate: rating.Frac(1, 2), UnsatisfiedBelowRate: rating.Frac(3, 4)}, "unsatisfiedBelowRate"},
		{"overdue lines the wrong way round", yr, nil, rating.YearEndRules{SatisfiedMinRate: rules.SatisfiedMinRate, SatisfiedMaxOverdue: 3, UnsatisfiedMinOverdue: 2}, "unsatisfiedMinOverdue"},
	}
	for _, tt := range tests {
		_, err := rating.SelectYearEnd(tt.ranking, tt.handling, tt.rules)
		if got := invalidField(t, err); got != tt.field {
			t.Errorf("%s: field %q, want %q (%v)", tt.name, got, tt.field, err)
		}
	}
}

// 004 §四.三: a workstation that reported any month late, or not at all, is
// not eligible for 先进.
func TestAwardEligibility(t *testing.T) {
	t.Parallel()
	got, err := rating.AwardEligibility(2026, []rating.ReportRecord{
		{Workstation: "kecheng"},
		{Workstation: "qujiang", Late: []rating.Period{rating.Month(2026, 7), rating.Month(2026, 2)}},
		{Workstation: "longyou", Missing: []rating.Period{rating.Month(2026, 12)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].Eligible || got[1].Eligible || got[2].Eligible {
		t.Errorf("%+v", got)
	}
	if got[1].Late[0] != rating.Month(2026, 2) || got[1].Late[1] != rating.Month(2026, 7) {
		t.Errorf("the late months are listed in order: %v", got[1].Late)
	}
	if len(got[0].Late) != 0 || got[0].Late == nil || got[2].Missing[0] != rating.Month(2026, 12) {
		t.Errorf("%+v", got)
	}

	tests := []struct {
		name    string
		records []rating.ReportRecord
		field   string
	}{
		{"no workstation", []rating.ReportRecord{{}}, "records[0].workstation"},
		{"a workstation twice", []rating.ReportRecord{{Workstation: "a"}, {Workstation: "a"}}, "records[1].workstation"},
		{"a month of another year", []rating.ReportRecord{{Workstation: "a", Late: []rating.Period{rating.Month(2025, 12)}}}, "records[0].late[0]"},
		{"a quarter", []rating.ReportRecord{{Workstation: "a", Missing: []rating.Period{rating.Quarter(2026, 1)}}}, "records[0].missing[0]"},
		{"late and missing at once", []rating.ReportRecord{{Workstation: "a", Late: []rating.Period{rating.Month(2026, 1)}, Missing: []rating.Period{rating.Month(2026, 1)}}}, "records[0].missing[0]"},
	}
	for _, tt := range tests {
		_, err := rating.AwardEligibility(2026, tt.records)
		if got := invalidField(t, err); got != tt.field {
			t.Errorf("%s: field %q, want %q", tt.name, got, tt.field)
		}
	}
	if _, err := rating.AwardEligibility(1900, nil); invalidField(t, err) != "year" {
		t.Error("a year out of range was accepted")
	}
}
