package rating

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// Unit is a rated unit: a department, an office within one, or a service
// window. Departments and offices belong to a category (an office to its
// department's); a window may have none.
type Unit struct {
	ID       string   `json:"id"`
	Kind     UnitKind `json:"kind"`
	Category Category `json:"category,omitempty"`
}

// Validate reports a malformed unit, naming the field.
func (u Unit) Validate(field string) error {
	if strings.TrimSpace(u.ID) == "" || len(u.ID) > 100 || !utf8.ValidString(u.ID) {
		return domain.Invalid(field+".id", "is required: valid UTF-8 of at most 100 bytes")
	}
	if err := u.Kind.Validate(field + ".kind"); err != nil {
		return err
	}
	if u.Kind == UnitWindow && u.Category == "" {
		return nil
	}
	return ValidateCategory(field+".category", u.Category)
}

// ScoreInput is what a unit's score for a period is computed from: the
// tallies of each counted method and the deductions found.
type ScoreInput struct {
	Unit       Unit             `json:"unit"`
	Period     Period           `json:"period"`
	Tallies    map[Method]Tally `json:"tallies"`
	Deductions []Deduction      `json:"deductions,omitempty"`
}

// GradeLine is one grade of a method's tally: Points = PointsEach × Count.
type GradeLine struct {
	Grade      Grade `json:"grade"`
	PointsEach int64 `json:"pointsEach"`
	Count      int   `json:"count"`
	Points     int64 `json:"points"`
}

// MethodScore is one method of a score: the counts per grade, the
// satisfaction PointSum / FullPoints (FullPoints = Ratings × the best
// grade's points), the scheme's weight, the weight used after the missing
// rule, and Contribution = Weight × Satisfaction. A method without ratings
// is not Present: it has no satisfaction and a used weight of 0.
type MethodScore struct {
	Method        Method      `json:"method"`
	Grades        []GradeLine `json:"grades"`
	Ratings       int         `json:"ratings"`
	PointSum      int64       `json:"pointSum"`
	FullPoints    int64       `json:"fullPoints"`
	Present       bool        `json:"present"`
	Satisfaction  Number      `json:"satisfaction"`
	NominalWeight Number      `json:"nominalWeight"`
	Weight        Number      `json:"weight"`
	Contribution  Number      `json:"contribution"`
}

// Score is a unit's score for a period under one scheme, with everything
// needed to explain it:
//
//	Satisfaction       = Σ methods' Contribution
//	SatisfactionPoints = Satisfaction × Scale
//	Total              = SatisfactionPoints + Rectification.Score − Daily.Total + Floor
//
// Floor is what is added back so that a total stops at 0. An unscored unit
// (Scored false, Unscored saying why) has no satisfaction and a zero total;
// its tallies and deductions are still listed.
type Score struct {
	Scheme             Ref                 `json:"scheme"`
	Unit               Unit                `json:"unit"`
	Period             Period              `json:"period"`
	Scored             bool                `json:"scored"`
	Unscored           string              `json:"unscored,omitempty"`
	Ratings            int                 `json:"ratings"`
	Methods            []MethodScore       `json:"methods"`
	Satisfaction       Number              `json:"satisfaction"`
	Scale              Number              `json:"scale"`
	SatisfactionPoints Number              `json:"satisfactionPoints"`
	Rectification      *RectificationScore `json:"rectification,omitempty"`
	Daily              Daily               `json:"daily"`
	Floor              Number              `json:"floor"`
	Total              Number              `json:"total"`
}

// Compute scores one unit for one period under scheme s. Every error names
// the offending field of the scheme or of the input.
func Compute(s Scheme, in ScoreInput) (Score, error) {
	if err := s.Validate(); err != nil {
		return Score{}, fmt.Errorf("scheme %s: %w", s.Ref(), err)
	}
	if err := in.Unit.Validate("unit"); err != nil {
		return Score{}, err
	}
	if !s.Covers(in.Unit.Kind) {
		return Score{}, domain.Invalid("unit.kind", "scheme %s does not score units of kind %q", s.Ref(), string(in.Unit.Kind))
	}
	if err := in.Period.Validate("period"); err != nil {
		return Score{}, err
	}
	for _, m := range slices.Sorted(maps.Keys(in.Tallies)) {
		f := "tallies." + string(m)
		if err := m.Validate(f); err != nil {
			return Score{}, err
		}
		t := in.Tallies[m]
		if err := t.Validate(f); err != nil {
			return Score{}, err
		}
		if _, counted := s.Weight(m); !counted && t.Total() > 0 {
			return Score{}, domain.Invalid(f, "scheme %s does not count the method %q", s.Ref(), string(m))
		}
	}

	out := Score{Scheme: s.Ref(), Unit: in.Unit, Period: in.Period, Scale: s.SatisfactionScale}
	out.Methods, out.Satisfaction, out.Unscored = methodScores(s, in.Tallies)
	for _, m := range out.Methods {
		out.Ratings += m.Ratings
	}
	out.Scored = out.Unscored == ""

	if err := checkKinds("deductions", in.Deductions, ""); err != nil {
		return Score{}, err
	}
	rect, deducted, err := deductionLines(s, "deductions", in.Deductions, ComponentRectification)
	if err != nil {
		return Score{}, err
	}
	if s.Rectification != nil {
		r := rectified(s.Rectification.Base, rect, deducted)
		out.Rectification = &r
	}
	daily, dailyTotal, err := deductionLines(s, "deductions", in.Deductions, ComponentDaily)
	if err != nil {
		return Score{}, err
	}
	out.Daily = Daily{Lines: daily, Total: dailyTotal}

	if !out.Scored {
		return out, nil
	}
	out.SatisfactionPoints = out.Satisfaction.Mul(out.Scale)
	total := out.SatisfactionPoints.Sub(out.Daily.Total)
	if out.Rectification != nil {
		total = total.Add(out.Rectification.Score)
	}
	if total.Sign() < 0 {
		out.Floor = total.Neg()
		total = Number{}
	}
	out.Total = total
	return out, nil
}

// methodScores prices each counted method and applies the missing rule; the
// reason is non-empty when the unit cannot be scored.
func methodScores(s Scheme, tallies map[Method]Tally) ([]MethodScore, Number, string) {
	out := make([]MethodScore, 0, len(s.Methods))
	present := Number{}
	var missing []string
	for _, w := range s.Methods {
		t := tallies[w.Method]
		ms := MethodScore{Method: w.Method, Ratings: t.Total(), NominalWeight: w.Weight}
		for _, g := range Grades() {
			each := s.Points.Of(g)
			ms.Grades = append(ms.Grades, GradeLine{Grade: g, PointsEach: each, Count: t.Count(g), Points: each * int64(t.Count(g))})
		}
		ms.FullPoints = int64(ms.Ratings) * s.Points.Full()
		ms.Satisfaction, ms.PointSum, ms.Present = Satisfaction(t, s.Points)
		if ms.Present {
			present = present.Add(w.Weight)
		} else {
			missing = append(missing, string(w.Method))
		}
		out = append(out, ms)
	}
	switch {
	case present.IsZero():
		return out, Number{}, "no ratings in the period"
	case len(missing) > 0 && s.Missing == MissingUnscored:
		return out, Number{}, "no ratings by " + strings.Join(missing, ", ") + " (the scheme leaves such a unit unscored)"
	}
	sat := Number{}
	for i := range out {
		if !out[i].Present {
			continue
		}
		// present is not zero here, so the quotient exists.
		out[i].Weight, _ = out[i].NominalWeight.Quo(present)
		out[i].Contribution = out[i].Weight.Mul(out[i].Satisfaction)
		sat = sat.Add(out[i].Contribution)
	}
	return out, sat, ""
}

// Pool adds up a unit's inputs for the periods inside p (the months of a
// quarter, say) into one input for p: tallies are added grade by grade and
// deductions listed together, so a quarter's satisfaction is that of all its
// ratings, not an average of the months' satisfactions.
func Pool(p Period, inputs []ScoreInput) (ScoreInput, error) {
	if err := p.Validate("period"); err != nil {
		return ScoreInput{}, err
	}
	if len(inputs) == 0 {
		return ScoreInput{}, domain.Invalid("inputs", "at least one input is required")
	}
	out := ScoreInput{Unit: inputs[0].Unit, Period: p, Tallies: map[Method]Tally{}}
	for i, in := range inputs {
		f := fmt.Sprintf("inputs[%d]", i)
		if in.Unit != out.Unit {
			return ScoreInput{}, domain.Invalid(f+".unit", "is %q, the first input's is %q", in.Unit.ID, out.Unit.ID)
		}
		if err := in.Period.Validate(f + ".period"); err != nil {
			return ScoreInput{}, err
		}
		if !p.Includes(in.Period) {
			return ScoreInput{}, domain.Invalid(f+".period", "%s is not within %s", in.Period, p)
		}
		for j, prev := range inputs[:i] {
			if prev.Period.Includes(in.Period) || in.Period.Includes(prev.Period) {
				return ScoreInput{}, domain.Invalid(f+".period", "%s overlaps inputs[%d] (%s): its ratings would count twice", in.Period, j, prev.Period)
			}
		}
		for m, t := range in.Tallies {
			if err := t.Validate(f + ".tallies." + string(m)); err != nil {
				return ScoreInput{}, err
			}
			sum := out.Tallies[m].Plus(t)
			if err := sum.Validate("tallies." + string(m)); err != nil {
				return ScoreInput{}, err
			}
			out.Tallies[m] = sum
		}
		out.Deductions = append(out.Deductions, in.Deductions...)
	}
	return out, nil
}
