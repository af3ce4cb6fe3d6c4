package rating

import (
	"fmt"
)

// Verify checks that the drill-down of s adds up to its numbers, using
// nothing but what s itself lists: each grade line, each method's point
// sum, satisfaction, weight and contribution, the overall satisfaction, the
// deduction lines, the rectification score and the total. A stored score
// that fails it has been altered or was computed wrongly.
func (s Score) Verify() error {
	ratings := 0
	sat := Number{}
	weights := Number{}
	for i, m := range s.Methods {
		f := fmt.Sprintf("methods[%d]", i)
		n, sum := 0, int64(0)
		full := int64(0)
		for j, g := range m.Grades {
			if g.Points != g.PointsEach*int64(g.Count) {
				return mismatch(fmt.Sprintf("%s.grades[%d].points", f, j), g.Points, g.PointsEach*int64(g.Count))
			}
			n += g.Count
			sum += g.Points
			full = max(full, g.PointsEach)
		}
		switch {
		case n != m.Ratings:
			return mismatch(f+".ratings", m.Ratings, n)
		case sum != m.PointSum:
			return mismatch(f+".pointSum", m.PointSum, sum)
		case full*int64(n) != m.FullPoints:
			return mismatch(f+".fullPoints", m.FullPoints, full*int64(n))
		case m.Present != (n > 0):
			return mismatch(f+".present", m.Present, n > 0)
		}
		if m.Present {
			want, _ := Int(m.PointSum).Quo(Int(m.FullPoints))
			if !m.Satisfaction.Equal(want) {
				return mismatch(f+".satisfaction", m.Satisfaction, want)
			}
		} else if !m.Weight.IsZero() || !m.Satisfaction.IsZero() {
			return fmt.Errorf("%s: a method without ratings must have no satisfaction and no weight", f)
		}
		if want := m.Weight.Mul(m.Satisfaction); !m.Contribution.Equal(want) {
			return mismatch(f+".contribution", m.Contribution, want)
		}
		ratings += m.Ratings
		sat = sat.Add(m.Contribution)
		weights = weights.Add(m.Weight)
	}
	if ratings != s.Ratings {
		return mismatch("ratings", s.Ratings, ratings)
	}
	if r := s.Rectification; r != nil {
		if err := verifyLines("rectification.lines", r.Lines, r.Deducted); err != nil {
			return err
		}
		if r.Floor.Sign() < 0 || r.Score.Sign() < 0 || (r.Floor.Sign() > 0 && !r.Score.IsZero()) {
			return fmt.Errorf("rectification: the floor (%s) may only lift the score (%s) to 0", r.Floor, r.Score)
		}
		if want := r.Base.Sub(r.Deducted).Add(r.Floor); !r.Score.Equal(want) {
			return mismatch("rectification.score", r.Score, want)
		}
	}
	if err := verifyLines("daily.lines", s.Daily.Lines, s.Daily.Total); err != nil {
		return err
	}
	if !s.Scored {
		if !s.Total.IsZero() || !s.Satisfaction.IsZero() || s.Unscored == "" {
			return fmt.Errorf("an unscored score must say why and have no satisfaction and no total")
		}
		return nil
	}
	if !weights.Equal(Int(1)) {
		return mismatch("methods.weight (sum)", weights, Int(1))
	}
	if !sat.Equal(s.Satisfaction) {
		return mismatch("satisfaction", s.Satisfaction, sat)
	}
	if want := s.Satisfaction.Mul(s.Scale); !s.SatisfactionPoints.Equal(want) {
		return mismatch("satisfactionPoints", s.SatisfactionPoints, want)
	}
	want := s.SatisfactionPoints.Sub(s.Daily.Total).Add(s.Floor)
	if s.Rectification != nil {
		want = want.Add(s.Rectification.Score)
	}
	if s.Floor.Sign() < 0 || s.Total.Sign() < 0 || (s.Floor.Sign() > 0 && !s.Total.IsZero()) {
		return fmt.Errorf("the floor (%s) may only lift the total (%s) to 0", s.Floor, s.Total)
	}
	if !s.Total.Equal(want) {
		return mismatch("total", s.Total, want)
	}
	return nil
}

func verifyLines(field string, lines []DeductionLine, total Number) error {
	sum := Number{}
	for i, l := range lines {
		if want := l.Amount.Mul(Int(int64(l.Count))); !l.Points.Equal(want) {
			return mismatch(fmt.Sprintf("%s[%d].points", field, i), l.Points, want)
		}
		sum = sum.Add(l.Points)
	}
	if !sum.Equal(total) {
		return mismatch(field+" (sum)", total, sum)
	}
	return nil
}

func mismatch(field string, got, want any) error {
	return fmt.Errorf("%s is %v but its parts give %v", field, got, want)
}
