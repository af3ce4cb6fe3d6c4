package rating_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/watchpost/watchpost/domain/rating"
)

func TestShippedSchemesAreValidData(t *testing.T) {
	t.Parallel()
	for _, s := range []rating.Scheme{rating.UnitAssessment(), rating.PublicReviewDepartments(), rating.PublicReviewWindows()} {
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", s.Ref(), err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back rating.Scheme
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if err := back.Validate(); err != nil {
			t.Errorf("%s read back: %v", s.Ref(), err)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(b) {
			t.Errorf("round trip:\n%s\n%s", b, again)
		}
	}
}

// A scheme written by hand as JSON (as the center would store a new
// version) is read with decimal weights and amounts.
func TestSchemeFromJSON(t *testing.T) {
	t.Parallel()
	const doc = `{
	  "id": "unit-assessment", "version": 2, "name": "内设机构测评(修订)",
	  "appliesTo": ["department", "office"],
	  "points": {"excellent": 90, "good": 75, "fair": 60, "poor": 45, "bad": 30},
	  "methods": [
	    {"method": "instant", "weight": "0.25"},
	    {"method": "monthly", "weight": "0.15"},
	    {"method": "inspection", "weight": "0.1"},
	    {"method": "central", "weight": "0.5"}
	  ],
	  "missing": "reweight",
	  "satisfactionScale": "80",
	  "rectification": {"base": "20", "deductions": [
	    {"kind": "late", "min": "3", "max": "3"},
	    {"kind": "unresolved", "min": "5", "max": "5"},
	    {"kind": "refused", "min": "10", "max": "10"}
	  ]},
	  "minRatings": 5,
	  "consequences": {"satisfied": 6, "bottom": 3, "threshold": "70", "rectifyBelow": true}
	}`
	var s rating.Scheme
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	w, _ := s.Weight(rating.MethodInstant)
	wantNumber(t, "instant weight", w, "1/4")
	if s.Ref() != (rating.Ref{ID: "unit-assessment", Version: 2}) || s.Ref().String() != "unit-assessment v2" {
		t.Errorf("ref %v", s.Ref())
	}
	wantNumber(t, "highest total", s.MaxTotal(), "100")
}

func TestSchemeValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*rating.Scheme)
		field string
	}{
		{"id with capitals", func(s *rating.Scheme) { s.ID = "Unit" }, "id"},
		{"version 0", func(s *rating.Scheme) { s.Version = 0 }, "version"},
		{"applies to nothing", func(s *rating.Scheme) { s.AppliesTo = nil }, "appliesTo"},
		{"unknown unit kind", func(s *rating.Scheme) { s.AppliesTo = []rating.UnitKind{"team"} }, "appliesTo[0]"},
		{"unit kind twice", func(s *rating.Scheme) { s.AppliesTo = []rating.UnitKind{rating.UnitOffice, rating.UnitOffice} }, "appliesTo[1]"},
		{"points not falling", func(s *rating.Scheme) { s.Points.Fair = 80 }, "points.fair"},
		{"zero points", func(s *rating.Scheme) { s.Points.Bad = 0 }, "points.bad"},
		{"no methods", func(s *rating.Scheme) { s.Methods = nil }, "methods"},
		{"unknown method", func(s *rating.Scheme) { s.Methods[0].Method = "phone" }, "methods[0].method"},
		{"method twice", func(s *rating.Scheme) { s.Methods[1].Method = rating.MethodInstant }, "methods[1].method"},
		{"zero weight", func(s *rating.Scheme) { s.Methods[2].Weight = rating.Number{} }, "methods[2].weight"},
		{"weights add up to 0.9", func(s *rating.Scheme) { s.Methods[0].Weight = rating.Frac(1, 10) }, "methods"},
		{"no missing policy", func(s *rating.Scheme) { s.Missing = "" }, "missing"},
		{"unknown missing policy", func(s *rating.Scheme) { s.Missing = "zero" }, "missing"},
		{"zero scale", func(s *rating.Scheme) { s.SatisfactionScale = rating.Number{} }, "satisfactionScale"},
		{"zero rectification base", func(s *rating.Scheme) { s.Rectification.Base = rating.Number{} }, "rectification.base"},
		{"daily kind in rectification", func(s *rating.Scheme) { s.Rectification.Deductions[0].Kind = rating.DeductLapse }, "rectification.deductions[0].kind"},
		{"rectification kind twice", func(s *rating.Scheme) { s.Rectification.Deductions[1].Kind = rating.DeductLate }, "rectification.deductions[1].kind"},
		{"max under min", func(s *rating.Scheme) { s.Rectification.Deductions[0].Max = rating.Int(2) }, "rectification.deductions[0].max"},
		{"zero amount", func(s *rating.Scheme) { s.Rectification.Deductions[0].Min = rating.Number{} }, "rectification.deductions[0].min"},
		{"rectification kind in daily", func(s *rating.Scheme) {
			s.Daily = []rating.DeductionRule{{Kind: rating.DeductRefused, Min: rating.Int(1), Max: rating.Int(1)}}
		}, "daily[0].kind"},
		{"negative minimum sample", func(s *rating.Scheme) { s.MinRatings = -1 }, "minRatings"},
		{"negative top group", func(s *rating.Scheme) { s.Consequences.Satisfied = -1 }, "consequences.satisfied"},
		{"negative bottom group", func(s *rating.Scheme) { s.Consequences.Bottom = -1 }, "consequences.bottom"},
		{"threshold above the highest total", func(s *rating.Scheme) { s.Consequences.Threshold = rating.Int(101) }, "consequences.threshold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := rating.UnitAssessment()
			tt.edit(&s)
			if got := invalidField(t, s.Validate()); got != tt.field {
				t.Errorf("field %q, want %q", got, tt.field)
			}
		})
	}
}

// Each call returns its own copy: editing one never changes another.
func TestShippedSchemesAreFreshValues(t *testing.T) {
	t.Parallel()
	a := rating.UnitAssessment()
	a.Methods[0].Weight = rating.Int(1)
	a.Rectification.Base = rating.Int(1)
	if b := rating.UnitAssessment(); reflect.DeepEqual(a, b) || !b.Rectification.Base.Equal(rating.Int(20)) {
		t.Error("the shipped scheme is shared")
	}
}
