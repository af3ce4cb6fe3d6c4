package rating

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// Standing is a period's scores and league tables, drawn from the units'
// inputs under the scheme in force for each kind of unit.
type Standing struct {
	Period   Period              `json:"period"`
	Schemes  map[UnitKind]Scheme `json:"-"`
	Scores   []Score             `json:"scores"`
	Rankings []Ranking           `json:"rankings"`
	Left     map[string][]string `json:"left,omitempty"`
	results  map[string]Result
}

// Fit keeps of an input what scheme s counts: the tallies of its methods
// and the deductions it has a rule for, at an amount the rule allows. What
// it leaves out is described, one line each.
func Fit(s Scheme, in ScoreInput) (ScoreInput, []string) {
	out := ScoreInput{Unit: in.Unit, Period: in.Period, Tallies: map[Method]Tally{}}
	var left []string
	for _, m := range slices.Sorted(maps.Keys(in.Tallies)) {
		t := in.Tallies[m]
		if _, ok := s.Weight(m); ok {
			out.Tallies[m] = t
		} else if t.Total() > 0 {
			left = append(left, fmt.Sprintf("%s: %d ratings, a method scheme %s does not count", m, t.Total(), s.Ref()))
		}
	}
	for _, d := range in.Deductions {
		rule, ok := s.Rule(d.Kind)
		switch {
		case !ok:
			left = append(left, fmt.Sprintf("%s: %d, a deduction scheme %s does not make", d.Kind, d.Count, s.Ref()))
		case !d.Amount.IsZero() && (d.Amount.Cmp(rule.Min) < 0 || d.Amount.Cmp(rule.Max) > 0):
			left = append(left, fmt.Sprintf("%s: %d at %s each, outside the %s to %s of scheme %s", d.Kind, d.Count, d.Amount, rule.Min, rule.Max, s.Ref()))
		case d.Amount.IsZero() && !rule.Fixed():
			left = append(left, fmt.Sprintf("%s: %d without an amount, which scheme %s needs", d.Kind, d.Count, s.Ref()))
		default:
			out.Deductions = append(out.Deductions, d)
		}
	}
	return out, left
}

// Stand scores every input of period p under the scheme in force for its
// kind and ranks each kind and category. Inputs must be one per unit.
func Stand(p Period, schemes map[UnitKind]Scheme, inputs []ScoreInput) (Standing, error) {
	st := Standing{Period: p, Schemes: schemes, Left: map[string][]string{}, results: map[string]Result{}}
	byKind := map[UnitKind][]Score{}
	seen := map[string]bool{}
	for i, in := range inputs {
		f := fmt.Sprintf("inputs[%d]", i)
		if seen[in.Unit.ID] {
			return Standing{}, domain.Invalid(f+".unit.id", "%q has two inputs", in.Unit.ID)
		}
		seen[in.Unit.ID] = true
		s, ok := schemes[in.Unit.Kind]
		if !ok {
			return Standing{}, domain.Invalid(f+".unit.kind", "no scheme scores units of kind %q", string(in.Unit.Kind))
		}
		fitted, left := Fit(s, in)
		if len(left) > 0 {
			st.Left[in.Unit.ID] = left
		}
		fitted.Period = p
		sc, err := Compute(s, fitted)
		if err != nil {
			return Standing{}, fmt.Errorf("%s: %w", in.Unit.ID, err)
		}
		byKind[in.Unit.Kind] = append(byKind[in.Unit.Kind], sc)
	}
	for _, k := range UnitKinds() {
		scores := byKind[k]
		if len(scores) == 0 {
			continue
		}
		slices.SortFunc(scores, func(a, b Score) int { return cmp.Compare(a.Unit.ID, b.Unit.ID) })
		st.Scores = append(st.Scores, scores...)
		rankings, err := RankAll(schemes[k], p, scores)
		if err != nil {
			return Standing{}, err
		}
		st.Rankings = append(st.Rankings, rankings...)
	}
	byID := map[string]Score{}
	for _, sc := range st.Scores {
		byID[sc.Unit.ID] = sc
	}
	for _, r := range st.Rankings {
		for _, e := range r.Entries {
			st.results[e.Unit.ID] = Result{UnitID: e.Unit.ID, Scored: byID[e.Unit.ID].Scored, Total: e.Total,
				Ranked: e.Ranked, NotRanked: e.NotRanked, Place: e.Place, Tied: e.Tied, Outcome: e.Outcome}
		}
	}
	return st, nil
}

// Results are the units' results, by unit id.
func (st Standing) Results() []Result {
	out := make([]Result, 0, len(st.results))
	for _, id := range slices.Sorted(maps.Keys(st.results)) {
		out = append(out, st.results[id])
	}
	return out
}

// Score finds a unit's score.
func (st Standing) Score(unitID string) (Score, bool) {
	for _, s := range st.Scores {
		if s.Unit.ID == unitID {
			return s, true
		}
	}
	return Score{}, false
}

// SchemeUses lists the schemes of a standing by kind.
func SchemeUses(schemes map[UnitKind]Scheme) []SchemeUse {
	var out []SchemeUse
	for _, k := range UnitKinds() {
		if s, ok := schemes[k]; ok {
			out = append(out, SchemeUse{Kind: k, Scheme: s})
		}
	}
	return out
}

// SchemesOf turns the schemes of a closing back into a map by kind.
func SchemesOf(uses []SchemeUse) map[UnitKind]Scheme {
	out := map[UnitKind]Scheme{}
	for _, u := range uses {
		out[u.Kind] = u.Scheme
	}
	return out
}

// Replay draws a closed period's standing again from what its closing
// holds, and checks that it gives the totals and places the closing fixed.
// It fails only if the arithmetic has changed since the period was closed.
func (c PeriodClosed) Replay() (Standing, error) {
	st, err := Stand(c.Period, SchemesOf(c.Schemes), c.Inputs)
	if err != nil {
		return Standing{}, err
	}
	fixed := map[string]Result{}
	for _, r := range c.Results {
		fixed[r.UnitID] = r
	}
	for _, r := range st.Results() {
		f, ok := fixed[r.UnitID]
		if !ok || !f.Total.Equal(r.Total) || f.Place != r.Place || f.Ranked != r.Ranked || f.Outcome != r.Outcome {
			return st, fmt.Errorf("period %s: %s gives %s (place %d) where the closing fixed %s (place %d)", c.Period, r.UnitID, r.Total, r.Place, f.Total, f.Place)
		}
	}
	return st, nil
}

// PeriodLedger is the state of a period: open until closed.
type PeriodLedger struct {
	Version int           `json:"version"`
	Closed  *PeriodClosed `json:"closed,omitempty"`
}

// Apply moves the period by one recorded event.
func (l *PeriodLedger) Apply(e Event) error {
	switch e := e.(type) {
	case PeriodClosed:
		if l.Closed != nil {
			return fmt.Errorf("period %s: closed twice", e.Period)
		}
		l.Closed = &e
	default:
		return fmt.Errorf("period: cannot apply %T", e)
	}
	l.Version++
	return nil
}

// ClosePeriod is what closing a period needs: the period, where in the log
// its inputs were read, the schemes in force and the inputs.
type ClosePeriod struct {
	Period  Period
	AsOf    uint64
	Schemes map[UnitKind]Scheme
	Inputs  []ScoreInput
	// OpenSessions are the central assessment sessions of the period's
	// months still open.
	OpenSessions []string
}

// Close returns the events of closing the period (see CanClose): its
// standing is drawn and fixed in the event.
func (l *PeriodLedger) Close(cmd ClosePeriod, closed []Period, loc *time.Location, now time.Time) ([]Event, error) {
	if l.Closed != nil {
		return nil, domain.StateConflict("period %s is already closed", cmd.Period)
	}
	if err := CanClose(cmd.Period, now, loc, closed); err != nil {
		return nil, err
	}
	if len(cmd.OpenSessions) > 0 {
		return nil, domain.StateConflict("period %s cannot be closed while central assessment sessions are open (%v): close them first", cmd.Period, cmd.OpenSessions)
	}
	st, err := Stand(cmd.Period, cmd.Schemes, cmd.Inputs)
	if err != nil {
		return nil, err
	}
	kinds := map[UnitKind]bool{}
	for _, in := range cmd.Inputs {
		kinds[in.Unit.Kind] = true
	}
	used := map[UnitKind]Scheme{}
	for k := range kinds {
		used[k] = cmd.Schemes[k]
	}
	inputs := slices.Clone(cmd.Inputs)
	slices.SortFunc(inputs, func(a, b ScoreInput) int { return cmp.Compare(a.Unit.ID, b.Unit.ID) })
	return []Event{PeriodClosed{Period: cmd.Period, AsOf: cmd.AsOf, Schemes: SchemeUses(used), Inputs: inputs,
		Results: st.Results(), At: now}}, nil
}
