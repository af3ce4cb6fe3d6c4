package rating_test

import (
	"testing"

	"github.com/watchpost/watchpost/domain/rating"
)

// The 003 schemes (一.3 固化分值构成) on hand-worked examples. Scores are on
// a scale of 100 (the satisfaction × 100, as its 70-point line implies),
// and the daily deductions are taken from the total: 0.5 to 1 per
// person-time for a breach of the rules, 0.1 for each lapse.
func TestPublicReviewWorkedExamples(t *testing.T) {
	t.Parallel()
	window := rating.Unit{ID: "tax-window-3", Kind: rating.UnitWindow}
	tests := []struct {
		name       string
		scheme     rating.Scheme
		unit       rating.Unit
		tallies    map[rating.Method]rating.Tally
		deductions []rating.Deduction
		weights    map[rating.Method]string
		overall    string
		daily      string
		floor      string
		total      string
		display    string
	}{
		{
			// 抽样 60 优 30 良 10 一般: (5400 + 2250 + 600) / 9000 = 8250/9000 = 11/12
			// 集中 40 优 40 良 20 一般: (3600 + 3000 + 1200) / 9000 = 7800/9000 = 13/15
			// overall = 1/2 × 11/12 + 1/2 × 13/15 = 55/120 + 52/120 = 107/120
			// × 100 = 535/6 = 89.166…
			// daily: 2 person-times × 0.5 = 1, 1 × 1 = 1, 3 lapses × 0.1 = 0.3; 2.3
			// total = 535/6 − 23/10 = 2675/30 − 69/30 = 2606/30 = 1303/15 = 86.866…
			name:   "departments: sampling 50% + central 50% minus daily checks",
			scheme: rating.PublicReviewDepartments(),
			unit:   police,
			tallies: map[rating.Method]rating.Tally{
				rating.MethodSampling: {Excellent: 60, Good: 30, Fair: 10},
				rating.MethodCentral:  {Excellent: 40, Good: 40, Fair: 20},
			},
			deductions: []rating.Deduction{
				{Kind: rating.DeductLapse, Count: 3, Refs: []string{"visit-5"}},
				{Kind: rating.DeductViolation, Count: 2, Amount: rating.Frac(1, 2), Refs: []string{"check-1"}},
				{Kind: rating.DeductViolation, Count: 1, Amount: rating.Int(1), Refs: []string{"check-2"}},
			},
			weights: map[rating.Method]string{rating.MethodSampling: "0.5", rating.MethodCentral: "0.5"},
			overall: "107/120", daily: "2.3", floor: "0", total: "1303/15", display: "86.86",
		},
		{
			// 抽样 7 优 3 良: (630 + 225) / 900 = 855/900 = 19/20
			// 网络投票 50 优 30 良 20 一般: (4500 + 2250 + 1200) / 9000 = 7950/9000 = 53/60
			// overall = 7/10 × 19/20 + 3/10 × 53/60 = 399/600 + 159/600 = 558/600 = 93/100
			// × 100 = 93; 4 lapses × 0.1 = 0.4; total 92.6
			name:   "windows: sampling 70% + online vote 30% minus daily checks",
			scheme: rating.PublicReviewWindows(),
			unit:   window,
			tallies: map[rating.Method]rating.Tally{
				rating.MethodSampling:   {Excellent: 7, Good: 3},
				rating.MethodOnlineVote: {Excellent: 50, Good: 30, Fair: 20},
			},
			deductions: []rating.Deduction{{Kind: rating.DeductLapse, Count: 4}},
			weights:    map[rating.Method]string{rating.MethodSampling: "0.7", rating.MethodOnlineVote: "0.3"},
			overall:    "93/100", daily: "0.4", floor: "0", total: "92.6", display: "92.60",
		},
		{
			// No online vote: sampling carries the whole weight.
			// 19/20 × 100 = 95; no deductions; total 95.
			name:    "windows: online vote missing, re-weighted",
			scheme:  rating.PublicReviewWindows(),
			unit:    window,
			tallies: map[rating.Method]rating.Tally{rating.MethodSampling: {Excellent: 7, Good: 3}},
			weights: map[rating.Method]string{rating.MethodSampling: "1", rating.MethodOnlineVote: "0"},
			overall: "19/20", daily: "0", floor: "0", total: "95", display: "95.00",
		},
		{
			// 抽样 12 差: 360/1080 = 1/3; no central assessment, so sampling
			// weighs 1; × 100 = 100/3 = 33.33…
			// daily: 40 person-times × 1 = 40 > 100/3; the total stops at 0
			// and the floor adds back 40 − 100/3 = 20/3.
			name:       "departments: deductions reach the floor of 0",
			scheme:     rating.PublicReviewDepartments(),
			unit:       police,
			tallies:    map[rating.Method]rating.Tally{rating.MethodSampling: {Bad: 12}},
			deductions: []rating.Deduction{{Kind: rating.DeductViolation, Count: 40, Amount: rating.Int(1)}},
			weights:    map[rating.Method]string{rating.MethodSampling: "1", rating.MethodCentral: "0"},
			overall:    "1/3", daily: "40", floor: "20/3", total: "0", display: "0.00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := compute(t, tt.scheme, rating.ScoreInput{Unit: tt.unit, Period: march, Tallies: tt.tallies, Deductions: tt.deductions})
			for m, w := range tt.weights {
				wantNumber(t, string(m)+" weight", method(t, sc, m).Weight, w)
			}
			if sc.Rectification != nil {
				t.Error("003 schemes have no rectification part")
			}
			wantNumber(t, "overall satisfaction", sc.Satisfaction, tt.overall)
			wantNumber(t, "daily deductions", sc.Daily.Total, tt.daily)
			wantNumber(t, "floor", sc.Floor, tt.floor)
			wantNumber(t, "total", sc.Total, tt.total)
			if got := sc.Total.Fixed2(); got != tt.display {
				t.Errorf("display %s, want %s", got, tt.display)
			}
		})
	}
}

func TestPublicReviewDailyLinesKeepTheirSources(t *testing.T) {
	t.Parallel()
	sc := compute(t, rating.PublicReviewDepartments(), rating.ScoreInput{
		Unit: police, Period: march,
		Tallies: map[rating.Method]rating.Tally{rating.MethodCentral: {Excellent: 10}},
		Deductions: []rating.Deduction{
			{Kind: rating.DeductLapse, Count: 1, Refs: []string{"visit-5"}},
			{Kind: rating.DeductViolation, Count: 3, Amount: num(t, "0.8"), Refs: []string{"check-1", "check-2"}},
		},
	})
	l := sc.Daily.Lines
	if len(l) != 2 || l[0].Kind != rating.DeductViolation || l[1].Kind != rating.DeductLapse {
		t.Fatalf("lines %+v", l)
	}
	wantNumber(t, "violation", l[0].Points, "2.4")
	wantNumber(t, "lapse amount (the fixed 0.1)", l[1].Amount, "0.1")
	if len(l[0].Refs) != 2 || l[1].Refs[0] != "visit-5" {
		t.Errorf("refs %v %v", l[0].Refs, l[1].Refs)
	}
	// 100 − 2.4 − 0.1 = 97.5
	wantNumber(t, "total", sc.Total, "97.5")
}

func TestComputeRefusesBadInput(t *testing.T) {
	t.Parallel()
	ok := map[rating.Method]rating.Tally{rating.MethodCentral: {Excellent: 10}}
	tests := []struct {
		name   string
		scheme rating.Scheme
		in     rating.ScoreInput
		field  string
	}{
		{"no unit id", rating.UnitAssessment(), rating.ScoreInput{Unit: rating.Unit{Kind: rating.UnitOffice, Category: rating.CategoryManagement}, Period: march, Tallies: ok}, "unit.id"},
		{"no category", rating.UnitAssessment(), rating.ScoreInput{Unit: rating.Unit{ID: "x", Kind: rating.UnitOffice}, Period: march, Tallies: ok}, "unit.category"},
		{"unknown kind", rating.UnitAssessment(), rating.ScoreInput{Unit: rating.Unit{ID: "x", Kind: "bureau", Category: rating.CategoryManagement}, Period: march, Tallies: ok}, "unit.kind"},
		{"window under the department scheme", rating.UnitAssessment(), rating.ScoreInput{Unit: rating.Unit{ID: "w", Kind: rating.UnitWindow}, Period: march, Tallies: ok}, "unit.kind"},
		{"bad period", rating.UnitAssessment(), rating.ScoreInput{Unit: police, Period: rating.Period{Kind: rating.PeriodMonth, Year: 2026, Index: 13}, Tallies: ok}, "period"},
		{"negative count", rating.UnitAssessment(), rating.ScoreInput{Unit: police, Period: march, Tallies: map[rating.Method]rating.Tally{rating.MethodInstant: {Good: -1}}}, "tallies.instant.good"},
		{"unknown method", rating.UnitAssessment(), rating.ScoreInput{Unit: police, Period: march, Tallies: map[rating.Method]rating.Tally{"phone": {Good: 1}}}, "tallies.phone"},
		{"method the scheme does not count", rating.UnitAssessment(), rating.ScoreInput{Unit: police, Period: march, Tallies: map[rating.Method]rating.Tally{rating.MethodSampling: {Good: 1}}}, "tallies.sampling"},
		{"daily deduction under 002", rating.UnitAssessment(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{{Kind: rating.DeductLapse, Count: 1}}}, "deductions[0].kind"},
		{"rectification deduction under 003", rating.PublicReviewDepartments(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{{Kind: rating.DeductLate, Count: 1}}}, "deductions[0].kind"},
		{"errors name the input's place", rating.PublicReviewDepartments(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{
			{Kind: rating.DeductViolation, Count: 1, Amount: rating.Int(1)}, {Kind: rating.DeductLapse, Count: 1, Amount: num(t, "0.2")}}}, "deductions[1].amount"},
		{"unknown deduction kind", rating.UnitAssessment(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{
			{Kind: rating.DeductLate, Count: 1}, {Kind: "fine", Count: 1}}}, "deductions[1].kind"},
		{"violation without an amount", rating.PublicReviewDepartments(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{{Kind: rating.DeductViolation, Count: 1}}}, "deductions[0].amount"},
		{"violation above the range", rating.PublicReviewDepartments(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{{Kind: rating.DeductViolation, Count: 1, Amount: num(t, "1.5")}}}, "deductions[0].amount"},
		{"violation below the range", rating.PublicReviewDepartments(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{{Kind: rating.DeductViolation, Count: 1, Amount: num(t, "0.4")}}}, "deductions[0].amount"},
		{"lapse at another amount", rating.PublicReviewDepartments(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{{Kind: rating.DeductLapse, Count: 1, Amount: num(t, "0.2")}}}, "deductions[0].amount"},
		{"negative deduction count", rating.UnitAssessment(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{{Kind: rating.DeductLate, Count: -1}}}, "deductions[0].count"},
		{"empty reference", rating.UnitAssessment(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{{Kind: rating.DeductLate, Count: 1, Refs: []string{" "}}}}, "deductions[0].refs[0]"},
		{"repeated reference", rating.UnitAssessment(), rating.ScoreInput{Unit: police, Period: march, Tallies: ok, Deductions: []rating.Deduction{{Kind: rating.DeductLate, Count: 2, Refs: []string{"c", "c"}}}}, "deductions[0].refs[1]"},
		{"invalid scheme", rating.Scheme{ID: "x"}, rating.ScoreInput{Unit: police, Period: march, Tallies: ok}, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := rating.Compute(tt.scheme, tt.in)
			if got := invalidField(t, err); got != tt.field {
				t.Errorf("field %q, want %q (%v)", got, tt.field, err)
			}
		})
	}
}
