package rating

import (
	"fmt"
	"maps"
	"slices"

	"github.com/watchpost/watchpost/domain"
)

// The year-end 满意不满意 selection (000 §七.5) weighs two things: the
// year's ranking of the ratings, and how each unit handled the complaints
// referred to it. The thresholds on the handling record are not in the
// documents; they are the center's settings (YearEndRules) and the defaults
// below are only a starting point.

// Handling is a unit's complaint-handling record for the year: of the
// referred complaints whose handling deadline fell in the year, how many
// were handled on time and how many overdue.
type Handling struct {
	OnTime  int `json:"onTime"`
	Overdue int `json:"overdue"`
}

// OnTimeRate is OnTime / (OnTime + Overdue), and false when no deadline
// fell in the year (then there is no rate and nothing to hold against the
// unit).
func (h Handling) OnTimeRate() (Number, bool) {
	return Int(int64(h.OnTime)).Quo(Int(int64(h.OnTime + h.Overdue)))
}

// YearEndRules are the thresholds on the handling record.
type YearEndRules struct {
	// SatisfiedMinRate: a 满意 unit handled at least this share on time.
	SatisfiedMinRate Number `json:"satisfiedMinRate"`
	// SatisfiedMaxOverdue: a 满意 unit had at most this many overdue.
	SatisfiedMaxOverdue int `json:"satisfiedMaxOverdue"`
	// UnsatisfiedBelowRate: a unit that handled less than this share on
	// time is 不满意.
	UnsatisfiedBelowRate Number `json:"unsatisfiedBelowRate"`
	// UnsatisfiedMinOverdue: a unit with at least this many overdue is 不满意
	// (0: no such rule).
	UnsatisfiedMinOverdue int `json:"unsatisfiedMinOverdue"`
}

// DefaultYearEndRules: 满意 needs at least 95% on time and no more than one
// overdue; under 80% on time, or 5 overdue, is 不满意.
func DefaultYearEndRules() YearEndRules {
	return YearEndRules{
		SatisfiedMinRate:      Frac(95, 100),
		SatisfiedMaxOverdue:   1,
		UnsatisfiedBelowRate:  Frac(80, 100),
		UnsatisfiedMinOverdue: 5,
	}
}

// Validate checks the rules, naming the field.
func (r YearEndRules) Validate() error {
	switch {
	case r.SatisfiedMinRate.Sign() < 0 || r.SatisfiedMinRate.Cmp(Int(1)) > 0:
		return domain.Invalid("satisfiedMinRate", "must be 0 to 1 (got %s)", r.SatisfiedMinRate)
	case r.UnsatisfiedBelowRate.Sign() < 0 || r.UnsatisfiedBelowRate.Cmp(r.SatisfiedMinRate) > 0:
		return domain.Invalid("unsatisfiedBelowRate", "must be 0 to satisfiedMinRate %s (got %s)", r.SatisfiedMinRate, r.UnsatisfiedBelowRate)
	case r.SatisfiedMaxOverdue < 0:
		return domain.Invalid("satisfiedMaxOverdue", "must not be negative (got %d)", r.SatisfiedMaxOverdue)
	case r.UnsatisfiedMinOverdue < 0:
		return domain.Invalid("unsatisfiedMinOverdue", "must not be negative (got %d)", r.UnsatisfiedMinOverdue)
	case r.UnsatisfiedMinOverdue > 0 && r.UnsatisfiedMinOverdue <= r.SatisfiedMaxOverdue:
		return domain.Invalid("unsatisfiedMinOverdue", "must be above satisfiedMaxOverdue %d (got %d)", r.SatisfiedMaxOverdue, r.UnsatisfiedMinOverdue)
	}
	return nil
}

// Verdict is a unit's year-end result.
type Verdict string

// The verdicts.
const (
	VerdictSatisfied   Verdict = "satisfied"    // 满意
	VerdictBasic       Verdict = "basic"        // 基本满意: neither chosen nor rejected
	VerdictUnsatisfied Verdict = "unsatisfied"  // 不满意
	VerdictNotAssessed Verdict = "not_assessed" // 未评定: not ranked, handling record clean
)

// Label is the verdict's Chinese name.
func (v Verdict) Label() string {
	switch v {
	case VerdictSatisfied:
		return "满意"
	case VerdictBasic:
		return "基本满意"
	case VerdictUnsatisfied:
		return "不满意"
	case VerdictNotAssessed:
		return "未评定"
	}
	return ""
}

// Reason explains a verdict.
type Reason string

// The reasons.
const (
	ReasonRankedSatisfied Reason = "ranked_satisfied" // 满意 in the year's ranking
	ReasonNotTop          Reason = "not_top"          // not among the top places
	ReasonBottom          Reason = "bottom"           // among the last places: loses the awards
	ReasonBelowThreshold  Reason = "below_threshold"  // total under the threshold
	ReasonNotRanked       Reason = "not_ranked"       // too few ratings or unscored
	ReasonRateLow         Reason = "rate_low"         // on-time rate under the 不满意 line
	ReasonOverdueMany     Reason = "overdue_many"     // overdue count at the 不满意 line
	ReasonRateShort       Reason = "rate_short"       // on-time rate short of the 满意 line
	ReasonOverdueShort    Reason = "overdue_short"    // more overdue than 满意 allows
)

// Label is the reason's Chinese wording.
func (r Reason) Label() string {
	switch r {
	case ReasonRankedSatisfied:
		return "年度测评排名为满意"
	case ReasonNotTop:
		return "年度测评排名未进入前列"
	case ReasonBottom:
		return "年度测评排名后列,取消评优评先资格"
	case ReasonBelowThreshold:
		return "年度测评得分低于标准线"
	case ReasonNotRanked:
		return "测评样本不足或无测评,未参加排名"
	case ReasonRateLow:
		return "投诉件按时办结率低于不满意标准"
	case ReasonOverdueMany:
		return "投诉件超期件数达到不满意标准"
	case ReasonRateShort:
		return "投诉件按时办结率未达到满意标准"
	case ReasonOverdueShort:
		return "投诉件超期件数超过满意标准"
	}
	return ""
}

// Selected is one unit's year-end result with its grounds.
type Selected struct {
	Unit     Unit     `json:"unit"`
	Entry    Entry    `json:"entry"`
	Handling Handling `json:"handling"`
	Verdict  Verdict  `json:"verdict"`
	Reasons  []Reason `json:"reasons"`
}

// SelectYearEnd combines a year's ranking with the handling records (by
// unit id; a unit without one had no deadline in the year):
//
//   - 不满意: a ranked unit below the threshold, or any unit whose handling
//     crosses a 不满意 line (on-time rate or overdue count);
//   - 满意: 满意 in the ranking and a handling record within both 满意 lines;
//   - 未评定: not ranked and a handling record above the 不满意 lines;
//   - 基本满意: every other ranked unit.
//
// Every reason that applies is listed, in the order of the constants.
func SelectYearEnd(r Ranking, handling map[string]Handling, rules YearEndRules) ([]Selected, error) {
	if r.Period.Kind != PeriodYear {
		return nil, domain.Invalid("ranking.period", "the selection needs a year's ranking (got %s)", r.Period)
	}
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(r.Entries))
	for _, e := range r.Entries {
		known[e.Unit.ID] = true
	}
	for _, id := range slices.Sorted(maps.Keys(handling)) {
		f := fmt.Sprintf("handling[%s]", id)
		h := handling[id]
		if !known[id] {
			return nil, domain.Invalid(f, "unit %q is not in the ranking", id)
		}
		if h.OnTime < 0 || h.OnTime > MaxCount {
			return nil, domain.Invalid(f+".onTime", "must be 0 to %d (got %d)", MaxCount, h.OnTime)
		}
		if h.Overdue < 0 || h.Overdue > MaxCount {
			return nil, domain.Invalid(f+".overdue", "must be 0 to %d (got %d)", MaxCount, h.Overdue)
		}
	}

	out := make([]Selected, 0, len(r.Entries))
	for _, e := range r.Entries {
		h := handling[e.Unit.ID]
		sel := Selected{Unit: e.Unit, Entry: e, Handling: h, Reasons: []Reason{}}
		rate, hasRate := h.OnTimeRate()
		rateLow := hasRate && rate.Cmp(rules.UnsatisfiedBelowRate) < 0
		overdueMany := rules.UnsatisfiedMinOverdue > 0 && h.Overdue >= rules.UnsatisfiedMinOverdue
		rateShort := hasRate && rate.Cmp(rules.SatisfiedMinRate) < 0
		overdueShort := h.Overdue > rules.SatisfiedMaxOverdue
		add := func(ok bool, why Reason) {
			if ok {
				sel.Reasons = append(sel.Reasons, why)
			}
		}
		o := e.Outcome
		add(e.Ranked && o.Satisfied, ReasonRankedSatisfied)
		add(e.Ranked && !o.Satisfied && !o.Bottom && !o.Below, ReasonNotTop)
		add(e.Ranked && o.Bottom && !o.Below, ReasonBottom)
		add(e.Ranked && o.Below, ReasonBelowThreshold)
		add(!e.Ranked, ReasonNotRanked)
		add(rateLow, ReasonRateLow)
		add(overdueMany, ReasonOverdueMany)
		add(o.Satisfied && rateShort && !rateLow, ReasonRateShort)
		add(o.Satisfied && overdueShort && !overdueMany, ReasonOverdueShort)
		switch {
		case (e.Ranked && o.Below) || rateLow || overdueMany:
			sel.Verdict = VerdictUnsatisfied
		case !e.Ranked:
			sel.Verdict = VerdictNotAssessed
		case o.Satisfied && !rateShort && !overdueShort:
			sel.Verdict = VerdictSatisfied
		default:
			sel.Verdict = VerdictBasic
		}
		out = append(out, sel)
	}
	return out, nil
}
