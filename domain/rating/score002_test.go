package rating_test

import (
	"testing"

	"github.com/watchpost/watchpost/domain/rating"
)

// The 002 formula (§六) on hand-worked examples. Satisfaction of a method =
// Σ(points × count) / (count × 90); overall = 即时 × 20% + 综合 × 20% +
// 明察暗访 × 10% + 集中 × 50%; total = overall × 80 + rectification.
func TestUnitAssessmentWorkedExamples(t *testing.T) {
	t.Parallel()
	type line struct {
		m    rating.Method
		sat  string
		w    string
		tall rating.Tally
	}
	tests := []struct {
		name        string
		methods     []line
		deductions  []rating.Deduction
		overall     string
		satPoints   string
		rectScore   string
		rectFloor   string
		total       string
		display     string
		belowCutoff bool
	}{
		{
			// 即时 8 优 2 良:   (8×90 + 2×75) / (10×90) = 870/900   = 29/30
			// 综合 3 优 1 良:   (3×90 + 75)   / (4×90)  = 345/360   = 23/24
			// 明察暗访 1 良 1 一般: (75 + 60)  / (2×90)  = 135/180   = 3/4
			// 集中 30 优 15 良 5 一般: (2700 + 1125 + 300) / 4500 = 4125/4500 = 11/12
			// overall = 0.2×29/30 + 0.2×23/24 + 0.1×3/4 + 0.5×11/12
			//         = 116/600 + 115/600 + 45/600 + 275/600 = 551/600
			// × 80 = 1102/15 = 73.466…; rectification 20 − 3 (one late) = 17
			// total = 1102/15 + 255/15 = 1357/15 = 90.466…, shown 90.46
			name: "every method present, one item rectified late",
			methods: []line{
				{rating.MethodInstant, "29/30", "1/5", rating.Tally{Excellent: 8, Good: 2}},
				{rating.MethodMonthly, "23/24", "1/5", rating.Tally{Excellent: 3, Good: 1}},
				{rating.MethodInspection, "3/4", "1/10", rating.Tally{Good: 1, Fair: 1}},
				{rating.MethodCentral, "11/12", "1/2", rating.Tally{Excellent: 30, Good: 15, Fair: 5}},
			},
			deductions: []rating.Deduction{{Kind: rating.DeductLate, Count: 1, Refs: []string{"case-17"}}},
			overall:    "551/600", satPoints: "1102/15", rectScore: "17", rectFloor: "0",
			total: "1357/15", display: "90.46",
		},
		{
			// 明察暗访 has no ratings: its 10% is shared out over the others in
			// proportion, 20:20:50 of 90 → 2/9, 2/9, 5/9.
			// 即时 5 优 5 良:    (450 + 375) / 900  = 825/900   = 11/12
			// 综合 2 优 2 一般:  (180 + 120) / 360  = 300/360   = 5/6
			// 集中 10 良 10 一般: (750 + 600) / 1800 = 1350/1800 = 3/4
			// overall = 2/9×11/12 + 2/9×5/6 + 5/9×3/4 = 22/108 + 20/108 + 45/108
			//         = 87/108 = 29/36
			// × 80 = 580/9 = 64.444…; no items: rectification 20
			// total = 580/9 + 180/9 = 760/9 = 84.444…, shown 84.44
			// (counting the missing method as 0 would give 87/120 × 80 + 20 = 78)
			name: "inspection missing, re-weighted",
			methods: []line{
				{rating.MethodInstant, "11/12", "2/9", rating.Tally{Excellent: 5, Good: 5}},
				{rating.MethodMonthly, "5/6", "2/9", rating.Tally{Excellent: 2, Fair: 2}},
				{rating.MethodInspection, "0", "0", rating.Tally{}},
				{rating.MethodCentral, "3/4", "5/9", rating.Tally{Good: 10, Fair: 10}},
			},
			overall: "29/36", satPoints: "580/9", rectScore: "20", rectFloor: "0",
			total: "760/9", display: "84.44",
		},
		{
			// 即时 10 差: 300/900 = 1/3; 综合 4 较差: 180/360 = 1/2;
			// 明察暗访 2 差: 60/180 = 1/3; 集中 20 一般: 1200/1800 = 2/3
			// overall = 0.2×1/3 + 0.2×1/2 + 0.1×1/3 + 0.5×2/3
			//         = 2/30 + 3/30 + 1/30 + 10/30 = 16/30 = 8/15
			// × 80 = 128/3 = 42.666…
			// rectification: 2 late (6) + 1 unresolved (5) + 1 refused (10)
			// = 21 > 20: the score stops at 0, the floor adds back 1
			// total = 128/3 + 0 = 42.666…, shown 42.66 (under 70)
			name: "deductions reach the floor of 0",
			methods: []line{
				{rating.MethodInstant, "1/3", "1/5", rating.Tally{Bad: 10}},
				{rating.MethodMonthly, "1/2", "1/5", rating.Tally{Poor: 4}},
				{rating.MethodInspection, "1/3", "1/10", rating.Tally{Bad: 2}},
				{rating.MethodCentral, "2/3", "1/2", rating.Tally{Fair: 20}},
			},
			deductions: []rating.Deduction{
				{Kind: rating.DeductRefused, Count: 1, Refs: []string{"case-9"}},
				{Kind: rating.DeductLate, Count: 2, Refs: []string{"case-3", "case-4"}},
				{Kind: rating.DeductUnresolved, Count: 1, Refs: []string{"case-7"}},
			},
			overall: "8/15", satPoints: "128/3", rectScore: "0", rectFloor: "1",
			total: "128/3", display: "42.66", belowCutoff: true,
		},
		{
			// Every rating 优: every satisfaction 1, overall 1, × 80 = 80;
			// + 20 = 100, the highest total.
			name: "full marks",
			methods: []line{
				{rating.MethodInstant, "1", "1/5", rating.Tally{Excellent: 3}},
				{rating.MethodMonthly, "1", "1/5", rating.Tally{Excellent: 1}},
				{rating.MethodInspection, "1", "1/10", rating.Tally{Excellent: 1}},
				{rating.MethodCentral, "1", "1/2", rating.Tally{Excellent: 9}},
			},
			overall: "1", satPoints: "80", rectScore: "20", rectFloor: "0",
			total: "100", display: "100.00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := rating.ScoreInput{Unit: police, Period: march, Tallies: map[rating.Method]rating.Tally{}, Deductions: tt.deductions}
			for _, m := range tt.methods {
				in.Tallies[m.m] = m.tall
			}
			sc := compute(t, rating.UnitAssessment(), in)
			if !sc.Scored {
				t.Fatalf("unscored: %s", sc.Unscored)
			}
			for _, m := range tt.methods {
				got := method(t, sc, m.m)
				wantNumber(t, string(m.m)+" satisfaction", got.Satisfaction, m.sat)
				wantNumber(t, string(m.m)+" weight", got.Weight, m.w)
			}
			wantNumber(t, "overall satisfaction", sc.Satisfaction, tt.overall)
			wantNumber(t, "satisfaction points", sc.SatisfactionPoints, tt.satPoints)
			wantNumber(t, "rectification", sc.Rectification.Score, tt.rectScore)
			wantNumber(t, "rectification floor", sc.Rectification.Floor, tt.rectFloor)
			wantNumber(t, "total", sc.Total, tt.total)
			if got := sc.Total.Fixed2(); got != tt.display {
				t.Errorf("display %s, want %s", got, tt.display)
			}
			if below := sc.Total.Cmp(rating.Int(70)) < 0; below != tt.belowCutoff {
				t.Errorf("below 70 = %v, want %v", below, tt.belowCutoff)
			}
		})
	}
}

func TestUnitAssessmentDrillDownLines(t *testing.T) {
	t.Parallel()
	sc := compute(t, rating.UnitAssessment(), rating.ScoreInput{
		Unit: police, Period: march,
		Tallies: map[rating.Method]rating.Tally{rating.MethodCentral: {Excellent: 30, Good: 15, Fair: 5}},
		Deductions: []rating.Deduction{
			{Kind: rating.DeductUnresolved, Count: 1, Refs: []string{"case-7"}},
			{Kind: rating.DeductLate, Count: 2, Refs: []string{"case-3", "case-4"}},
		},
	})
	c := method(t, sc, rating.MethodCentral)
	// 30×90 = 2700, 15×75 = 1125, 5×60 = 300; 50 ratings, 50×90 = 4500.
	wantGrades := map[rating.Grade][3]int64{
		rating.Excellent: {90, 30, 2700}, rating.Good: {75, 15, 1125}, rating.Fair: {60, 5, 300},
		rating.Poor: {45, 0, 0}, rating.Bad: {30, 0, 0},
	}
	for _, g := range c.Grades {
		w := wantGrades[g.Grade]
		if g.PointsEach != w[0] || int64(g.Count) != w[1] || g.Points != w[2] {
			t.Errorf("%s: %+v, want points %d × %d = %d", g.Grade, g, w[0], w[1], w[2])
		}
	}
	if c.Ratings != 50 || c.PointSum != 4125 || c.FullPoints != 4500 {
		t.Errorf("central: %d ratings, %d of %d points; want 50, 4125 of 4500", c.Ratings, c.PointSum, c.FullPoints)
	}
	// The other three methods are listed as absent with no weight; the
	// central assessment carries the whole weight.
	wantNumber(t, "central weight", c.Weight, "1")
	wantNumber(t, "central nominal weight", c.NominalWeight, "0.5")
	for _, m := range []rating.Method{rating.MethodInstant, rating.MethodMonthly, rating.MethodInspection} {
		if ms := method(t, sc, m); ms.Present || !ms.Weight.IsZero() {
			t.Errorf("%s: %+v, want absent with no weight", m, ms)
		}
	}
	// Deduction lines come in the order late, unresolved, refused and keep
	// the references they were given.
	r := sc.Rectification
	if len(r.Lines) != 2 || r.Lines[0].Kind != rating.DeductLate || r.Lines[1].Kind != rating.DeductUnresolved {
		t.Fatalf("lines %+v", r.Lines)
	}
	wantNumber(t, "late points", r.Lines[0].Points, "6")
	wantNumber(t, "unresolved points", r.Lines[1].Points, "5")
	if r.Lines[0].Refs[1] != "case-4" || r.Lines[1].Refs[0] != "case-7" {
		t.Errorf("refs %v %v", r.Lines[0].Refs, r.Lines[1].Refs)
	}
	wantNumber(t, "deducted", r.Deducted, "11")
	wantNumber(t, "rectification", r.Score, "9")
	// 11/12 × 80 + 9 = 220/3 + 27/3 = 247/3
	wantNumber(t, "total", sc.Total, "247/3")
	if sc.Ratings != 50 {
		t.Errorf("ratings %d", sc.Ratings)
	}
}

func TestMissingMethodUnscoredPolicy(t *testing.T) {
	t.Parallel()
	s := rating.UnitAssessment()
	s.ID, s.Missing = "unit-assessment-strict", rating.MissingUnscored
	in := rating.ScoreInput{Unit: police, Period: march, Tallies: map[rating.Method]rating.Tally{
		rating.MethodInstant: {Excellent: 5, Good: 5},
		rating.MethodMonthly: {Excellent: 2, Fair: 2},
		rating.MethodCentral: {Good: 10, Fair: 10},
	}}
	sc := compute(t, s, in)
	if sc.Scored || sc.Unscored == "" || !sc.Total.IsZero() {
		t.Fatalf("want unscored, got scored=%v %q total %s", sc.Scored, sc.Unscored, sc.Total)
	}
	if sc.Ratings != 34 || sc.Rectification == nil {
		t.Errorf("the tallies and the rectification are still listed: %d ratings, %v", sc.Ratings, sc.Rectification)
	}
}

func TestNoRatingsAtAllIsUnscored(t *testing.T) {
	t.Parallel()
	for _, s := range []rating.Scheme{rating.UnitAssessment(), rating.PublicReviewDepartments()} {
		sc := compute(t, s, rating.ScoreInput{Unit: police, Period: march})
		if sc.Scored || sc.Unscored != "no ratings in the period" {
			t.Errorf("%s: scored=%v %q", s.ID, sc.Scored, sc.Unscored)
		}
	}
}
