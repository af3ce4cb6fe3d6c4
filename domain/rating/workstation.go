package rating

import (
	"fmt"
	"slices"
	"strings"

	"github.com/watchpost/watchpost/domain"
)

// ReportRecord is a workstation's monthly reporting in a year (附表一, due
// by the 5th of the next month): the months whose report came after the
// due date and the months with no report at all.
type ReportRecord struct {
	Workstation string   `json:"workstation"`
	Late        []Period `json:"late,omitempty"`
	Missing     []Period `json:"missing,omitempty"`
}

// Eligibility is whether a workstation may be named 先进 at year end, with
// the months that bar it.
type Eligibility struct {
	Workstation string   `json:"workstation"`
	Eligible    bool     `json:"eligible"`
	Late        []Period `json:"late"`
	Missing     []Period `json:"missing"`
}

// AwardEligibility applies 004 §四.三 (对未按时上报的……不得评先进): a
// workstation with any month of the year reported late or not at all is
// not eligible for 先进. A missing report is taken as the lateness it is.
// Choosing the 先进 among the eligible is the center's decision, not a rule.
func AwardEligibility(year int, records []ReportRecord) ([]Eligibility, error) {
	y := Year(year)
	if err := y.Validate("year"); err != nil {
		return nil, err
	}
	out := make([]Eligibility, 0, len(records))
	seen := map[string]bool{}
	for i, r := range records {
		f := fmt.Sprintf("records[%d]", i)
		if strings.TrimSpace(r.Workstation) == "" {
			return nil, domain.Invalid(f+".workstation", "is required")
		}
		if seen[r.Workstation] {
			return nil, domain.Invalid(f+".workstation", "%q is listed twice", r.Workstation)
		}
		seen[r.Workstation] = true
		months := map[Period]string{}
		for _, part := range []struct {
			name string
			ps   []Period
		}{{"late", r.Late}, {"missing", r.Missing}} {
			for j, p := range part.ps {
				pf := fmt.Sprintf("%s.%s[%d]", f, part.name, j)
				if err := p.Validate(pf); err != nil {
					return nil, err
				}
				if p.Kind != PeriodMonth || !y.Includes(p) {
					return nil, domain.Invalid(pf, "%s is not a month of %d", p, year)
				}
				if prev, ok := months[p]; ok {
					return nil, domain.Invalid(pf, "%s is already listed as %s", p, prev)
				}
				months[p] = part.name
			}
		}
		e := Eligibility{Workstation: r.Workstation, Late: sortedPeriods(r.Late), Missing: sortedPeriods(r.Missing)}
		e.Eligible = len(e.Late) == 0 && len(e.Missing) == 0
		out = append(out, e)
	}
	return out, nil
}

func sortedPeriods(ps []Period) []Period {
	out := slices.Clone(ps)
	if out == nil {
		return []Period{}
	}
	slices.SortFunc(out, func(a, b Period) int { return a.Index - b.Index })
	return out
}
