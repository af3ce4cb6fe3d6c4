package rating_test

import (
	"testing"

	"github.com/watchpost/watchpost/domain/rating"
)

// 002 §六: 20, minus 3 per item rectified late or insufficiently, 5 per item
// still not rectified after a second supervision or 挂牌督办, 10 per refusal
// without good reason, 扣完为止.
func TestRectify(t *testing.T) {
	t.Parallel()
	rule := *rating.UnitAssessment().Rectification
	tests := []struct {
		name                     string
		late, unresolved, refuse int
		deducted, floor, score   string
	}{
		{"nothing found", 0, 0, 0, "0", "0", "20"},
		{"one late: 20 − 3", 1, 0, 0, "3", "0", "17"},
		{"one unresolved: 20 − 5", 0, 1, 0, "5", "0", "15"},
		{"one refused: 20 − 10", 0, 0, 1, "10", "0", "10"},
		{"one of each: 20 − 3 − 5 − 10", 1, 1, 1, "18", "0", "2"},
		{"two refused reach 0 exactly", 0, 0, 2, "20", "0", "0"},
		{"six late: 20 − 18", 6, 0, 0, "18", "0", "2"},
		{"seven late: 21 stops at 0", 7, 0, 0, "21", "1", "0"},
		{"far past the floor: 5×3 + 4×5 + 3×10 = 65", 5, 4, 3, "65", "45", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var items []rating.Deduction
			for _, d := range []rating.Deduction{
				{Kind: rating.DeductLate, Count: tt.late},
				{Kind: rating.DeductUnresolved, Count: tt.unresolved},
				{Kind: rating.DeductRefused, Count: tt.refuse},
			} {
				if d.Count > 0 {
					items = append(items, d)
				}
			}
			r, err := rating.Rectify(rule, items)
			if err != nil {
				t.Fatal(err)
			}
			wantNumber(t, "deducted", r.Deducted, tt.deducted)
			wantNumber(t, "floor", r.Floor, tt.floor)
			wantNumber(t, "score", r.Score, tt.score)
			// The explanation adds up: base − Σ lines + floor = score.
			sum := rating.Number{}
			for _, l := range r.Lines {
				sum = sum.Add(l.Points)
			}
			if !r.Base.Sub(sum).Add(r.Floor).Equal(r.Score) {
				t.Errorf("20 − %s + %s ≠ %s", sum, r.Floor, r.Score)
			}
		})
	}
}

func TestRectifyRefusesDailyKinds(t *testing.T) {
	t.Parallel()
	_, err := rating.Rectify(*rating.UnitAssessment().Rectification, []rating.Deduction{{Kind: rating.DeductViolation, Count: 1}})
	if f := invalidField(t, err); f != "deductions[0].kind" {
		t.Errorf("field %q", f)
	}
	_, err = rating.Rectify(rating.RectificationRule{}, nil)
	if f := invalidField(t, err); f != "rectification.base" {
		t.Errorf("field %q", f)
	}
}
