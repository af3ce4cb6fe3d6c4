package rating

import (
	"fmt"

	"github.com/watchpost/watchpost/domain"
)

// MissingPolicy says what a score does with a counted method that has no
// ratings in the period.
type MissingPolicy string

// The policies for a missing method.
const (
	// MissingReweight shares the missing methods' weight out over the methods
	// present, in proportion to their weights: with 即时 20, 综合 20, 集中 50
	// present and 明察暗访 (10) missing, the weights become 20/90, 20/90,
	// 50/90. The unit is scored when at least one method is present.
	MissingReweight MissingPolicy = "reweight"
	// MissingUnscored leaves the unit unscored (and so not ranked) when any
	// counted method has no ratings.
	MissingUnscored MissingPolicy = "unscored"
)

// MethodWeight is a method a scheme counts and its weight (a fraction; the
// weights of a scheme add up to 1).
type MethodWeight struct {
	Method Method `json:"method"`
	Weight Number `json:"weight"`
}

// DeductionRule is what one item of a kind costs: a fixed amount when Min
// equals Max, otherwise a range the assessor chooses within for each entry
// (003: 0.5 to 1 per person-time).
type DeductionRule struct {
	Kind DeductionKind `json:"kind"`
	Min  Number        `json:"min"`
	Max  Number        `json:"max"`
}

// Fixed reports whether the rule has one amount.
func (r DeductionRule) Fixed() bool { return r.Min.Equal(r.Max) }

// RectificationRule is the rectification part of a total (002 §六): a base
// from which each item's amount is deducted, down to 0.
type RectificationRule struct {
	Base       Number          `json:"base"`
	Deductions []DeductionRule `json:"deductions"`
}

// Consequences are what a ranking entails (002 §七; 003 三.3).
type Consequences struct {
	// Satisfied is how many of the top places of a category are 满意 (002: 6).
	Satisfied int `json:"satisfied"`
	// Bottom is how many of the last places must explain in writing and lose
	// the year-end awards when at or above the threshold (002: 3).
	Bottom int `json:"bottom"`
	// Threshold is the line below which the head is held accountable
	// (002, 003: 70); a total equal to it is not below it (含70分).
	Threshold Number `json:"threshold"`
	// RectifyBelow: a unit below the threshold must also rectify within a set
	// time (002 §七.二).
	RectifyBelow bool `json:"rectifyBelow"`
}

// Scheme is a versioned way of scoring: the methods and their weights, the
// grade points, the deductions, the scale of the satisfaction, the groups
// of rated units it applies to and the consequences of a ranking. It is
// data; a closed period keeps the id and version it was scored with.
type Scheme struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	// Name is the scheme's Chinese title; Source the document it follows.
	Name   string `json:"name"`
	Source string `json:"source,omitempty"`
	// AppliesTo are the kinds of unit the scheme scores.
	AppliesTo []UnitKind     `json:"appliesTo"`
	Points    Points         `json:"points"`
	Methods   []MethodWeight `json:"methods"`
	Missing   MissingPolicy  `json:"missing"`
	// SatisfactionScale turns the overall satisfaction (a rate from 0 to 1)
	// into points of the total: 80 in 002, 100 in 003.
	SatisfactionScale Number `json:"satisfactionScale"`
	// Rectification is the 002 rectification part; nil when the scheme has
	// none.
	Rectification *RectificationRule `json:"rectification,omitempty"`
	// Daily are the 003 daily-check deductions, taken from the total.
	Daily []DeductionRule `json:"daily,omitempty"`
	// MinRatings is the sample a unit needs to be ranked: fewer ratings over
	// the counted methods leave it listed as not ranked.
	MinRatings   int          `json:"minRatings"`
	Consequences Consequences `json:"consequences"`
}

// Ref names a scheme version.
type Ref struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// Ref is the scheme's id and version.
func (s Scheme) Ref() Ref { return Ref{s.ID, s.Version} }

func (r Ref) String() string { return fmt.Sprintf("%s v%d", r.ID, r.Version) }

// Weight is the nominal weight of m, and false when the scheme does not
// count m.
func (s Scheme) Weight(m Method) (Number, bool) {
	for _, w := range s.Methods {
		if w.Method == m {
			return w.Weight, true
		}
	}
	return Number{}, false
}

// Rule is the scheme's rule for a deduction kind, and false when the scheme
// has none for it.
func (s Scheme) Rule(k DeductionKind) (DeductionRule, bool) {
	rules := s.Daily
	if k.Component() == ComponentRectification {
		if s.Rectification == nil {
			return DeductionRule{}, false
		}
		rules = s.Rectification.Deductions
	}
	for _, r := range rules {
		if r.Kind == k {
			return r, true
		}
	}
	return DeductionRule{}, false
}

// Covers reports whether the scheme scores units of kind k.
func (s Scheme) Covers(k UnitKind) bool {
	for _, a := range s.AppliesTo {
		if a == k {
			return true
		}
	}
	return false
}

// MaxTotal is the highest total the scheme can give: the satisfaction scale
// plus the rectification base.
func (s Scheme) MaxTotal() Number {
	t := s.SatisfactionScale
	if s.Rectification != nil {
		t = t.Add(s.Rectification.Base)
	}
	return t
}

// Validate checks the scheme as data, naming the first offending field.
func (s Scheme) Validate() error {
	if !validID(s.ID) {
		return domain.Invalid("id", "must be 2-64 characters of a-z, 0-9 and '-' (got %q)", s.ID)
	}
	if s.Version < 1 {
		return domain.Invalid("version", "must be at least 1 (got %d)", s.Version)
	}
	if len(s.AppliesTo) == 0 {
		return domain.Invalid("appliesTo", "is required: department, office and/or window")
	}
	for i, k := range s.AppliesTo {
		f := fmt.Sprintf("appliesTo[%d]", i)
		if err := k.Validate(f); err != nil {
			return err
		}
		for _, prev := range s.AppliesTo[:i] {
			if prev == k {
				return domain.Invalid(f, "%q is listed twice", string(k))
			}
		}
	}
	if err := s.Points.Validate("points"); err != nil {
		return err
	}
	if err := s.validateMethods(); err != nil {
		return err
	}
	switch s.Missing {
	case MissingReweight, MissingUnscored:
	case "":
		return domain.Invalid("missing", "is required: reweight or unscored")
	default:
		return domain.Invalid("missing", "%q is not a policy: reweight or unscored", string(s.Missing))
	}
	if s.SatisfactionScale.Sign() <= 0 || s.SatisfactionScale.Cmp(Int(1000)) > 0 {
		return domain.Invalid("satisfactionScale", "must be above 0 and at most 1000 (got %s)", s.SatisfactionScale)
	}
	if r := s.Rectification; r != nil {
		if r.Base.Sign() <= 0 || r.Base.Cmp(Int(1000)) > 0 {
			return domain.Invalid("rectification.base", "must be above 0 and at most 1000 (got %s)", r.Base)
		}
		if err := validateRules("rectification.deductions", r.Deductions, ComponentRectification); err != nil {
			return err
		}
	}
	if err := validateRules("daily", s.Daily, ComponentDaily); err != nil {
		return err
	}
	if s.MinRatings < 0 || s.MinRatings > MaxCount {
		return domain.Invalid("minRatings", "must be 0 to %d (got %d)", MaxCount, s.MinRatings)
	}
	c := s.Consequences
	if c.Satisfied < 0 {
		return domain.Invalid("consequences.satisfied", "must not be negative (got %d)", c.Satisfied)
	}
	if c.Bottom < 0 {
		return domain.Invalid("consequences.bottom", "must not be negative (got %d)", c.Bottom)
	}
	if c.Threshold.Sign() < 0 || c.Threshold.Cmp(s.MaxTotal()) > 0 {
		return domain.Invalid("consequences.threshold", "must be 0 to the highest total %s (got %s)", s.MaxTotal(), c.Threshold)
	}
	return nil
}

func (s Scheme) validateMethods() error {
	if len(s.Methods) == 0 {
		return domain.Invalid("methods", "at least one method is required")
	}
	sum := Number{}
	for i, w := range s.Methods {
		f := fmt.Sprintf("methods[%d]", i)
		if err := w.Method.Validate(f + ".method"); err != nil {
			return err
		}
		for _, prev := range s.Methods[:i] {
			if prev.Method == w.Method {
				return domain.Invalid(f+".method", "%q is listed twice", string(w.Method))
			}
		}
		if w.Weight.Sign() <= 0 || w.Weight.Cmp(Int(1)) > 0 {
			return domain.Invalid(f+".weight", "must be above 0 and at most 1 (got %s)", w.Weight)
		}
		sum = sum.Add(w.Weight)
	}
	if !sum.Equal(Int(1)) {
		return domain.Invalid("methods", "the weights must add up to exactly 1 (they add up to %s)", sum)
	}
	return nil
}

func validateRules(field string, rules []DeductionRule, c Component) error {
	for i, r := range rules {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := r.Kind.Validate(f + ".kind"); err != nil {
			return err
		}
		if r.Kind.Component() != c {
			return domain.Invalid(f+".kind", "%q belongs to the %s part, not the %s part", string(r.Kind), r.Kind.Component(), c)
		}
		for _, prev := range rules[:i] {
			if prev.Kind == r.Kind {
				return domain.Invalid(f+".kind", "%q is listed twice", string(r.Kind))
			}
		}
		if r.Min.Sign() <= 0 || r.Min.Cmp(Int(1000)) > 0 {
			return domain.Invalid(f+".min", "must be above 0 and at most 1000 (got %s)", r.Min)
		}
		if r.Max.Cmp(r.Min) < 0 || r.Max.Cmp(Int(1000)) > 0 {
			return domain.Invalid(f+".max", "must be from min (%s) to 1000 (got %s)", r.Min, r.Max)
		}
	}
	return nil
}

func validID(id string) bool {
	if len(id) < 2 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
