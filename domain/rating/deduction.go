package rating

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// Deduction is what the caller found against a unit in the period: a count
// of items (or person-times) of one kind, the amount per item when the
// scheme's rule is a range, and the references of the sources (case ids,
// inspection records) the count was derived from.
type Deduction struct {
	Kind  DeductionKind `json:"kind"`
	Count int           `json:"count"`
	// Amount per item: required when the rule is a range (003: 0.5 to 1),
	// and may be left zero when the rule has one amount.
	Amount Number   `json:"amount,omitzero"`
	Refs   []string `json:"refs,omitempty"`
}

// DeductionLine is one deduction as scored: Points = Count × Amount.
type DeductionLine struct {
	Kind   DeductionKind `json:"kind"`
	Count  int           `json:"count"`
	Amount Number        `json:"amount"`
	Points Number        `json:"points"`
	Refs   []string      `json:"refs,omitempty"`
}

// RectificationScore is the rectification part with its explanation:
// Score = Base - Deducted + Floor, where Deducted is the sum of the lines'
// points and Floor is what is added back so that the score stops at 0.
type RectificationScore struct {
	Base     Number          `json:"base"`
	Lines    []DeductionLine `json:"lines"`
	Deducted Number          `json:"deducted"`
	Floor    Number          `json:"floor"`
	Score    Number          `json:"score"`
}

// Daily is the daily-check part: Total is the sum of the lines' points,
// deducted from the total score.
type Daily struct {
	Lines []DeductionLine `json:"lines"`
	Total Number          `json:"total"`
}

// Rectify scores the rectification part of rule from the items found
// (kinds late, unresolved and refused): the base, minus each item's amount,
// down to 0.
func Rectify(rule RectificationRule, items []Deduction) (RectificationScore, error) {
	if rule.Base.Sign() <= 0 {
		return RectificationScore{}, domain.Invalid("rectification.base", "must be above 0 (got %s)", rule.Base)
	}
	if err := validateRules("rectification.deductions", rule.Deductions, ComponentRectification); err != nil {
		return RectificationScore{}, err
	}
	if err := checkKinds("deductions", items, ComponentRectification); err != nil {
		return RectificationScore{}, err
	}
	s := Scheme{Rectification: &rule}
	lines, deducted, err := deductionLines(s, "deductions", items, ComponentRectification)
	if err != nil {
		return RectificationScore{}, err
	}
	return rectified(rule.Base, lines, deducted), nil
}

// rectified finishes the rectification part: the base minus what was
// deducted, stopped at 0 by the floor.
func rectified(base Number, lines []DeductionLine, deducted Number) RectificationScore {
	out := RectificationScore{Base: base, Lines: lines, Deducted: deducted}
	out.Score = base.Sub(deducted)
	if out.Score.Sign() < 0 {
		out.Floor = out.Score.Neg()
		out.Score = Number{}
	}
	return out
}

// checkKinds requires every deduction to have a known kind and, when only
// is not empty, a kind of that component.
func checkKinds(field string, in []Deduction, only Component) error {
	for i, d := range in {
		f := fmt.Sprintf("%s[%d].kind", field, i)
		if err := d.Kind.Validate(f); err != nil {
			return err
		}
		if only != "" && d.Kind.Component() != only {
			return domain.Invalid(f, "%q belongs to the %s part, not the %s part", string(d.Kind), d.Kind.Component(), only)
		}
	}
	return nil
}

// deductionLines prices the deductions of component c against the scheme's
// rules, in the order of the kinds and then of the input, and skips the
// others; errors name the deduction by its place in the input.
func deductionLines(s Scheme, field string, in []Deduction, c Component) ([]DeductionLine, Number, error) {
	lines := []DeductionLine{}
	total := Number{}
	for _, kind := range DeductionKinds() {
		if kind.Component() != c {
			continue
		}
		for i, d := range in {
			if d.Kind != kind {
				continue
			}
			line, err := priceDeduction(s, fmt.Sprintf("%s[%d]", field, i), d)
			if err != nil {
				return nil, Number{}, err
			}
			lines = append(lines, line)
			total = total.Add(line.Points)
		}
	}
	return lines, total, nil
}

func priceDeduction(s Scheme, f string, d Deduction) (DeductionLine, error) {
	rule, ok := s.Rule(d.Kind)
	if !ok {
		return DeductionLine{}, domain.Invalid(f+".kind", "the scheme has no deduction %q", string(d.Kind))
	}
	if d.Count < 0 || d.Count > MaxCount {
		return DeductionLine{}, domain.Invalid(f+".count", "must be 0 to %d (got %d)", MaxCount, d.Count)
	}
	amount := d.Amount
	switch {
	case amount.IsZero() && rule.Fixed():
		amount = rule.Min
	case amount.IsZero():
		return DeductionLine{}, domain.Invalid(f+".amount", "is required: the rule allows %s to %s per item", rule.Min, rule.Max)
	case amount.Cmp(rule.Min) < 0 || amount.Cmp(rule.Max) > 0:
		if rule.Fixed() {
			return DeductionLine{}, domain.Invalid(f+".amount", "must be %s per item (got %s)", rule.Min, amount)
		}
		return DeductionLine{}, domain.Invalid(f+".amount", "must be %s to %s per item (got %s)", rule.Min, rule.Max, amount)
	}
	refs, err := validRefs(f+".refs", d.Refs)
	if err != nil {
		return DeductionLine{}, err
	}
	return DeductionLine{
		Kind:   d.Kind,
		Count:  d.Count,
		Amount: amount,
		Points: amount.Mul(Int(int64(d.Count))),
		Refs:   refs,
	}, nil
}

// validRefs requires non-empty, distinct references of at most 200 bytes,
// and returns a copy.
func validRefs(field string, refs []string) ([]string, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	out := make([]string, len(refs))
	seen := make(map[string]bool, len(refs))
	for i, r := range refs {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case strings.TrimSpace(r) == "":
			return nil, domain.Invalid(f, "must not be empty")
		case len(r) > 200 || !utf8.ValidString(r):
			return nil, domain.Invalid(f, "must be valid UTF-8 of at most 200 bytes")
		case seen[r]:
			return nil, domain.Invalid(f, "%q is listed twice", r)
		}
		seen[r] = true
		out[i] = r
	}
	return out, nil
}
