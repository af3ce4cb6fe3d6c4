package rating_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/watchpost/watchpost/domain/rating"
)

// randomInput draws tallies (each counted method present or not) and
// deductions the scheme accepts.
func randomInput(r *rand.Rand, s rating.Scheme, unit rating.Unit) rating.ScoreInput {
	in := rating.ScoreInput{Unit: unit, Period: march, Tallies: map[rating.Method]rating.Tally{}}
	for _, w := range s.Methods {
		if r.IntN(4) == 0 {
			continue
		}
		var t rating.Tally
		for _, g := range rating.Grades() {
			t = t.With(g, r.IntN(40))
		}
		in.Tallies[w.Method] = t
	}
	kinds := []rating.DeductionKind{rating.DeductViolation, rating.DeductLapse}
	if s.Rectification != nil {
		kinds = []rating.DeductionKind{rating.DeductLate, rating.DeductUnresolved, rating.DeductRefused}
	}
	for range r.IntN(4) {
		k := kinds[r.IntN(len(kinds))]
		d := rating.Deduction{Kind: k, Count: r.IntN(5), Refs: []string{"ref"}}
		if k == rating.DeductViolation {
			d.Amount = rating.Frac(int64(5+r.IntN(6)), 10) // 0.5 to 1
		}
		in.Deductions = append(in.Deductions, d)
	}
	return in
}

// oracle recomputes a total in float64 straight from the input, by the
// formula and not by the package's drill-down.
func oracle(s rating.Scheme, in rating.ScoreInput) (float64, bool) {
	var present, weighted float64
	missing := false
	for _, w := range s.Methods {
		t := in.Tallies[w.Method]
		if t.Total() == 0 {
			missing = true
			continue
		}
		sum := 0.0
		for _, g := range rating.Grades() {
			sum += float64(t.Count(g)) * float64(s.Points.Of(g))
		}
		sat := sum / (float64(t.Total()) * 90)
		present += w.Weight.Float64()
		weighted += w.Weight.Float64() * sat
	}
	if present == 0 || (missing && s.Missing == rating.MissingUnscored) {
		return 0, false
	}
	total := weighted / present * s.SatisfactionScale.Float64()
	rect := 20.0
	for _, d := range in.Deductions {
		each := d.Amount.Float64()
		switch d.Kind {
		case rating.DeductLate:
			each = 3
		case rating.DeductUnresolved:
			each = 5
		case rating.DeductRefused:
			each = 10
		case rating.DeductLapse:
			each = 0.1
		}
		if d.Kind.Component() == rating.ComponentRectification {
			rect -= each * float64(d.Count)
		} else {
			total -= each * float64(d.Count)
		}
	}
	if s.Rectification != nil {
		total += math.Max(rect, 0)
	}
	return math.Max(total, 0), true
}

// Every drill-down adds up to its score, agrees with a float recomputation
// from the input, and survives a JSON round trip.
func TestEveryDrillDownAddsUp(t *testing.T) {
	t.Parallel()
	strict := rating.UnitAssessment()
	strict.ID, strict.Missing = "strict", rating.MissingUnscored
	cases := []struct {
		scheme rating.Scheme
		unit   rating.Unit
	}{
		{rating.UnitAssessment(), police},
		{strict, police},
		{rating.PublicReviewDepartments(), police},
		{rating.PublicReviewWindows(), rating.Unit{ID: "w", Kind: rating.UnitWindow}},
	}
	r := rand.New(rand.NewPCG(14, 2026))
	for _, c := range cases {
		for i := range 300 {
			in := randomInput(r, c.scheme, c.unit)
			sc := compute(t, c.scheme, in)
			want, scored := oracle(c.scheme, in)
			if scored != sc.Scored {
				t.Fatalf("%s #%d: scored %v, oracle %v (%+v)", c.scheme.ID, i, sc.Scored, scored, in)
			}
			if math.Abs(sc.Total.Float64()-want) > 1e-9 {
				t.Fatalf("%s #%d: total %s (%v), oracle %v", c.scheme.ID, i, sc.Total, sc.Total.Float64(), want)
			}
			b, err := json.Marshal(sc)
			if err != nil {
				t.Fatal(err)
			}
			var back rating.Score
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if err := back.Verify(); err != nil || !back.Total.Equal(sc.Total) {
				t.Fatalf("%s #%d read back: %v, total %s", c.scheme.ID, i, err, back.Total)
			}
		}
	}
}

// A drill-down altered anywhere no longer adds up.
func TestVerifyCatchesAlterations(t *testing.T) {
	t.Parallel()
	base := func() rating.Score {
		return compute(t, rating.UnitAssessment(), rating.ScoreInput{
			Unit: police, Period: march,
			Tallies: map[rating.Method]rating.Tally{
				rating.MethodInstant: {Excellent: 8, Good: 2},
				rating.MethodCentral: {Excellent: 30, Good: 15, Fair: 5},
			},
			Deductions: []rating.Deduction{{Kind: rating.DeductLate, Count: 1}},
		})
	}
	tests := []struct {
		name string
		edit func(*rating.Score)
	}{
		{"a grade count", func(s *rating.Score) { s.Methods[0].Grades[0].Count++ }},
		{"a grade's points", func(s *rating.Score) { s.Methods[0].Grades[1].Points++ }},
		{"a point sum", func(s *rating.Score) { s.Methods[0].PointSum++ }},
		{"a satisfaction", func(s *rating.Score) { s.Methods[0].Satisfaction = rating.Int(1) }},
		{"a weight", func(s *rating.Score) { s.Methods[0].Weight = rating.Frac(1, 2) }},
		{"a contribution", func(s *rating.Score) { s.Methods[3].Contribution = rating.Int(1) }},
		{"an absent method given a weight", func(s *rating.Score) { s.Methods[1].Weight = rating.Frac(1, 10) }},
		{"the rating count", func(s *rating.Score) { s.Ratings = 1 }},
		{"the overall satisfaction", func(s *rating.Score) { s.Satisfaction = rating.Int(1) }},
		{"the satisfaction points", func(s *rating.Score) { s.SatisfactionPoints = rating.Int(80) }},
		{"a deduction line", func(s *rating.Score) { s.Rectification.Lines[0].Points = rating.Int(1) }},
		{"the rectification score", func(s *rating.Score) { s.Rectification.Score = rating.Int(20) }},
		{"a floor where none is due", func(s *rating.Score) {
			s.Rectification.Floor = rating.Int(3)
			s.Rectification.Score = rating.Int(20)
		}},
		{"the total", func(s *rating.Score) { s.Total = s.Total.Add(rating.Frac(1, 100)) }},
		{"unscored with a total", func(s *rating.Score) { s.Scored = false; s.Unscored = "x" }},
	}
	if err := base().Verify(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		s := base()
		tt.edit(&s)
		if err := s.Verify(); err == nil {
			t.Errorf("%s: altered and still verified", tt.name)
		}
	}
}
