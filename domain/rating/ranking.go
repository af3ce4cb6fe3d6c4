package rating

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/watchpost/watchpost/domain"
)

// Outcome is what a ranking entails for one unit (002 §七; 003 三.3).
type Outcome struct {
	// Satisfied: among the top places of the category and not below the
	// threshold (满意科室: praised, the head's year rated 优秀).
	Satisfied bool `json:"satisfied"`
	// Bottom: among the last places of the category, drawn from the ranked
	// units outside the top group.
	Bottom bool `json:"bottom"`
	// MustExplain: in the bottom group at or above the threshold (责成其书面
	// 说明情况).
	MustExplain bool `json:"mustExplain"`
	// LosesAwards: no year-end awards (取消年终评优评先资格): the bottom group
	// at or above the threshold, and a fortiori every unit below it.
	LosesAwards bool `json:"losesAwards"`
	// Below: the total is under the threshold (a total equal to it is not).
	Below bool `json:"below"`
	// MustRectify: below the threshold under a scheme that asks for a
	// rectification within a set time (督促限期整改).
	MustRectify bool `json:"mustRectify"`
	// HeadAccountable: below the threshold, the head is held accountable
	// (问责; 003: 诫勉谈话或组织处理).
	HeadAccountable bool `json:"headAccountable"`
}

// Entry is one unit of a ranking. A ranked unit has a Place counted from the
// top (1 + the number of ranked units with a higher total) and one counted
// from the bottom (1 + the number with a lower total); units with equal
// totals share both and are Tied. A unit not ranked has neither, says why in
// NotRanked and bears no consequence.
type Entry struct {
	Unit            Unit    `json:"unit"`
	Total           Number  `json:"total"`
	Ratings         int     `json:"ratings"`
	Ranked          bool    `json:"ranked"`
	NotRanked       string  `json:"notRanked,omitempty"`
	Place           int     `json:"place,omitempty"`
	PlaceFromBottom int     `json:"placeFromBottom,omitempty"`
	Tied            bool    `json:"tied,omitempty"`
	Outcome         Outcome `json:"outcome"`
}

// Ranking is the league table of one kind of unit in one category for one
// period (departments are not ranked with offices or windows): the ranked
// units from the highest total to the lowest (equal totals by unit id),
// then the units not ranked by unit id.
type Ranking struct {
	Scheme   Ref      `json:"scheme"`
	Period   Period   `json:"period"`
	Kind     UnitKind `json:"kind,omitempty"`
	Category Category `json:"category,omitempty"`
	Ranked   int      `json:"ranked"`
	Entries  []Entry  `json:"entries"`
}

// Rank ranks the scores of one category (the empty category: the
// uncategorised service windows) for period p under scheme s. Each score
// must be of that scheme version, period and category, all of one unit
// kind, one per unit, and must pass Verify.
//
// Totals are compared exactly. A unit with fewer ratings than the scheme's
// minimum, or unscored, is listed as not ranked. Among the ranked, the top
// group is every unit whose place is within Consequences.Satisfied; the
// bottom group is every unit outside the top group whose place from the
// bottom is within Consequences.Bottom. A tie at the edge of a group is
// taken in whole, so a group can be larger than its number.
func Rank(s Scheme, p Period, category Category, scores []Score) (Ranking, error) {
	if err := s.Validate(); err != nil {
		return Ranking{}, fmt.Errorf("scheme %s: %w", s.Ref(), err)
	}
	if err := p.Validate("period"); err != nil {
		return Ranking{}, err
	}
	if category != "" {
		if err := ValidateCategory("category", category); err != nil {
			return Ranking{}, err
		}
	}
	seen := make(map[string]bool, len(scores))
	for i, sc := range scores {
		f := fmt.Sprintf("scores[%d]", i)
		switch {
		case sc.Scheme != s.Ref():
			return Ranking{}, domain.Invalid(f+".scheme", "is %s, the ranking's is %s", sc.Scheme, s.Ref())
		case sc.Period != p:
			return Ranking{}, domain.Invalid(f+".period", "is %s, the ranking's is %s", sc.Period, p)
		case sc.Unit.Category != category:
			return Ranking{}, domain.Invalid(f+".unit.category", "is %q, the ranking's is %q", string(sc.Unit.Category), string(category))
		case sc.Unit.Kind != scores[0].Unit.Kind:
			return Ranking{}, domain.Invalid(f+".unit.kind", "is %q, the first score's is %q: one ranking holds one kind of unit", string(sc.Unit.Kind), string(scores[0].Unit.Kind))
		case seen[sc.Unit.ID]:
			return Ranking{}, domain.Invalid(f+".unit.id", "%q has two scores", sc.Unit.ID)
		}
		seen[sc.Unit.ID] = true
		if err := sc.Verify(); err != nil {
			return Ranking{}, domain.Invalid(f, "does not add up: %v", err)
		}
	}

	out := Ranking{Scheme: s.Ref(), Period: p, Category: category}
	if len(scores) > 0 {
		out.Kind = scores[0].Unit.Kind
	}
	var ranked, unranked []Entry
	for _, sc := range scores {
		e := Entry{Unit: sc.Unit, Total: sc.Total, Ratings: sc.Ratings}
		switch {
		case !sc.Scored:
			e.NotRanked = "unscored: " + sc.Unscored
			unranked = append(unranked, e)
		case sc.Ratings < s.MinRatings:
			e.NotRanked = fmt.Sprintf("%d ratings, fewer than the minimum of %d", sc.Ratings, s.MinRatings)
			unranked = append(unranked, e)
		default:
			e.Ranked = true
			ranked = append(ranked, e)
		}
	}
	slices.SortFunc(ranked, func(a, b Entry) int {
		if c := b.Total.Cmp(a.Total); c != 0 {
			return c
		}
		return cmp.Compare(a.Unit.ID, b.Unit.ID)
	})
	slices.SortFunc(unranked, func(a, b Entry) int { return cmp.Compare(a.Unit.ID, b.Unit.ID) })
	place(ranked)
	c := s.Consequences
	for i := range ranked {
		e := &ranked[i]
		top := e.Place <= c.Satisfied
		e.Outcome.Below = e.Total.Cmp(c.Threshold) < 0
		e.Outcome.Bottom = !top && e.PlaceFromBottom <= c.Bottom
		e.Outcome.Satisfied = top && !e.Outcome.Below
		e.Outcome.MustExplain = e.Outcome.Bottom && !e.Outcome.Below
		e.Outcome.LosesAwards = e.Outcome.MustExplain || e.Outcome.Below
		e.Outcome.MustRectify = e.Outcome.Below && c.RectifyBelow
		e.Outcome.HeadAccountable = e.Outcome.Below
	}
	out.Ranked = len(ranked)
	out.Entries = append(ranked, unranked...)
	if out.Entries == nil {
		out.Entries = []Entry{}
	}
	return out, nil
}

// place sets the places of entries sorted from the highest total down.
func place(entries []Entry) {
	n := len(entries)
	for i := 0; i < n; {
		j := i
		for j < n && entries[j].Total.Equal(entries[i].Total) {
			j++
		}
		for k := i; k < j; k++ {
			entries[k].Place = i + 1
			entries[k].PlaceFromBottom = n - j + 1
			entries[k].Tied = j-i > 1
		}
		i = j
	}
}

// RankAll groups the scores by unit kind (departments, offices, windows)
// and, within a kind, by category (行政执法类, 综合管理类, then the
// uncategorised), and ranks each group that has a score.
func RankAll(s Scheme, p Period, scores []Score) ([]Ranking, error) {
	type group struct {
		kind     UnitKind
		category Category
	}
	groups := map[group][]Score{}
	for i, sc := range scores {
		if err := sc.Unit.Validate(fmt.Sprintf("scores[%d].unit", i)); err != nil {
			return nil, err
		}
		g := group{sc.Unit.Kind, sc.Unit.Category}
		groups[g] = append(groups[g], sc)
	}
	var out []Ranking
	for _, k := range []UnitKind{UnitDepartment, UnitOffice, UnitWindow} {
		for _, c := range []Category{CategoryEnforcement, CategoryManagement, ""} {
			g := groups[group{k, c}]
			if len(g) == 0 {
				continue
			}
			r, err := Rank(s, p, c, g)
			if err != nil {
				return nil, fmt.Errorf("%s %q: %w", k, string(c), err)
			}
			out = append(out, r)
		}
	}
	return out, nil
}
