package rating_test

import (
	"testing"

	"github.com/watchpost/watchpost/domain/rating"
)

// A quarter's score is that of all its ratings pooled, not the average of
// the months' scores.
func TestPoolQuarter(t *testing.T) {
	t.Parallel()
	month := func(m int, central rating.Tally, d ...rating.Deduction) rating.ScoreInput {
		return rating.ScoreInput{Unit: police, Period: rating.Month(2026, timeMonth(m)), Tallies: map[rating.Method]rating.Tally{rating.MethodCentral: central}, Deductions: d}
	}
	in, err := rating.Pool(rating.Quarter(2026, 1), []rating.ScoreInput{
		month(1, rating.Tally{Excellent: 9}),
		month(2, rating.Tally{Fair: 1}, rating.Deduction{Kind: rating.DeductLate, Count: 1, Refs: []string{"case-1"}}),
		month(3, rating.Tally{Excellent: 1, Bad: 1}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if in.Tallies[rating.MethodCentral] != (rating.Tally{Excellent: 10, Fair: 1, Bad: 1}) || len(in.Deductions) != 1 {
		t.Fatalf("%+v", in)
	}
	sc := compute(t, rating.UnitAssessment(), in)
	// Pooled: (10×90 + 60 + 30) / (12×90) = 990/1080 = 11/12; × 80 = 220/3;
	// rectification 20 − 3 = 17; total 220/3 + 17 = 271/3 = 90.33…
	// (the months alone would be 1, 2/3 and 2/3: a mean of 7/9, not 11/12).
	wantNumber(t, "quarter satisfaction", sc.Satisfaction, "11/12")
	wantNumber(t, "quarter total", sc.Total, "271/3")
	if sc.Period != rating.Quarter(2026, 1) {
		t.Errorf("period %s", sc.Period)
	}

	tests := []struct {
		name   string
		inputs []rating.ScoreInput
		field  string
	}{
		{"nothing", nil, "inputs"},
		{"a month outside", []rating.ScoreInput{month(1, rating.Tally{}), month(4, rating.Tally{})}, "inputs[1].period"},
		{"a month twice", []rating.ScoreInput{month(1, rating.Tally{}), month(1, rating.Tally{})}, "inputs[1].period"},
		{"another unit", []rating.ScoreInput{month(1, rating.Tally{}), {Unit: rating.Unit{ID: "x"}, Period: rating.Month(2026, 2)}}, "inputs[1].unit"},
	}
	for _, tt := range tests {
		_, err := rating.Pool(rating.Quarter(2026, 1), tt.inputs)
		if got := invalidField(t, err); got != tt.field {
			t.Errorf("%s: field %q, want %q", tt.name, got, tt.field)
		}
	}
	// A quarter overlapping its own month in a year's pool is refused too.
	_, err = rating.Pool(rating.Year(2026), []rating.ScoreInput{{Unit: police, Period: rating.Quarter(2026, 1)}, month(2, rating.Tally{})})
	if got := invalidField(t, err); got != "inputs[1].period" {
		t.Errorf("field %q", got)
	}
}
