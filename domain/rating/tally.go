package rating

import (
	"fmt"
	"maps"
	"slices"

	"github.com/watchpost/watchpost/domain"
)

// MaxCount bounds any one count (of ratings, items or person-times): far
// above any real period, low enough that no sum of counts overflows.
const MaxCount = 1_000_000_000

// Tally counts the ratings of one method (or one aspect) by grade.
type Tally struct {
	Excellent int `json:"excellent,omitempty"`
	Good      int `json:"good,omitempty"`
	Fair      int `json:"fair,omitempty"`
	Poor      int `json:"poor,omitempty"`
	Bad       int `json:"bad,omitempty"`
}

// Count is the number of ratings with grade g.
func (t Tally) Count(g Grade) int {
	switch g {
	case Excellent:
		return t.Excellent
	case Good:
		return t.Good
	case Fair:
		return t.Fair
	case Poor:
		return t.Poor
	case Bad:
		return t.Bad
	}
	return 0
}

// With returns the tally with n more ratings of grade g (g must be valid).
func (t Tally) With(g Grade, n int) Tally {
	switch g {
	case Excellent:
		t.Excellent += n
	case Good:
		t.Good += n
	case Fair:
		t.Fair += n
	case Poor:
		t.Poor += n
	case Bad:
		t.Bad += n
	}
	return t
}

// Plus returns the two tallies added grade by grade.
func (t Tally) Plus(u Tally) Tally {
	return Tally{t.Excellent + u.Excellent, t.Good + u.Good, t.Fair + u.Fair, t.Poor + u.Poor, t.Bad + u.Bad}
}

// Total is the number of ratings (测评总次数 of the method).
func (t Tally) Total() int { return t.Excellent + t.Good + t.Fair + t.Poor + t.Bad }

// Validate reports a negative or absurd count, naming the grade's field.
func (t Tally) Validate(field string) error {
	for _, g := range Grades() {
		n := t.Count(g)
		if n < 0 {
			return domain.Invalid(field+"."+string(g), "must not be negative (got %d)", n)
		}
		if n > MaxCount {
			return domain.Invalid(field+"."+string(g), "must be at most %d (got %d)", MaxCount, n)
		}
	}
	return nil
}

// Points gives each grade its points; a scheme carries them as data.
type Points struct {
	Excellent int64 `json:"excellent"`
	Good      int64 `json:"good"`
	Fair      int64 `json:"fair"`
	Poor      int64 `json:"poor"`
	Bad       int64 `json:"bad"`
}

// StandardGradePoints are 002 §五's: 90, 75, 60, 45, 30.
func StandardGradePoints() Points {
	return Points{Excellent: 90, Good: 75, Fair: 60, Poor: 45, Bad: 30}
}

// Of is the points of grade g.
func (p Points) Of(g Grade) int64 {
	switch g {
	case Excellent:
		return p.Excellent
	case Good:
		return p.Good
	case Fair:
		return p.Fair
	case Poor:
		return p.Poor
	case Bad:
		return p.Bad
	}
	return 0
}

// Full is the points of the best grade: the denominator of a satisfaction
// (count × 90 in 002).
func (p Points) Full() int64 { return p.Excellent }

// Validate requires positive points falling strictly from 优 to 差.
func (p Points) Validate(field string) error {
	prev := int64(0)
	for i, g := range Grades() {
		v := p.Of(g)
		if v <= 0 {
			return domain.Invalid(field+"."+string(g), "must be positive (got %d)", v)
		}
		if v > 1000 {
			return domain.Invalid(field+"."+string(g), "must be at most 1000 (got %d)", v)
		}
		if i > 0 && v >= prev {
			return domain.Invalid(field+"."+string(g), "must be below the grade above it (%d), got %d", prev, v)
		}
		prev = v
	}
	return nil
}

// Satisfaction is Σ(grade points × count) / (count × full points) (002 §六),
// with the sum of points behind it. ok is false for an empty tally: a
// satisfaction of no ratings does not exist, and nothing is divided by zero.
func Satisfaction(t Tally, p Points) (sat Number, pointSum int64, ok bool) {
	for _, g := range Grades() {
		pointSum += int64(t.Count(g)) * p.Of(g)
	}
	n := int64(t.Total())
	if n == 0 {
		return Number{}, 0, false
	}
	sat, ok = Int(pointSum).Quo(Int(n * p.Full()))
	return sat, pointSum, ok
}

// Sheet is the grades of one rating sheet (附表三): a grade per aspect and
// the overall grade. The overall grade is the one a method's tally counts;
// the aspect grades feed the per-aspect breakdown (AspectTallies).
type Sheet map[Aspect]Grade

// Validate requires the overall grade and valid grades on valid aspects.
// An aspect may be left out when the rater could not judge it.
func (s Sheet) Validate(field string) error {
	for _, a := range slices.Sorted(maps.Keys(s)) {
		if err := a.Validate(field + "[" + string(a) + "]"); err != nil {
			return err
		}
	}
	if _, ok := s[AspectOverall]; !ok {
		return domain.Invalid(field+"."+string(AspectOverall), "is required: the overall grade is the one counted")
	}
	for _, a := range Aspects() {
		g, ok := s[a]
		if !ok {
			continue
		}
		if err := g.Validate(field + "." + string(a)); err != nil {
			return err
		}
	}
	return nil
}

// AspectTallies counts sheets per aspect and grade. Invalid sheets are an
// error naming the sheet's position.
func AspectTallies(sheets []Sheet) (map[Aspect]Tally, error) {
	out := make(map[Aspect]Tally, len(Aspects()))
	for i, s := range sheets {
		if err := s.Validate(fmt.Sprintf("sheets[%d]", i)); err != nil {
			return nil, err
		}
		for a, g := range s {
			out[a] = out[a].With(g, 1)
		}
	}
	return out, nil
}
