package reports

import (
	"cmp"
	"slices"

	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/trend"
)

// candidate is what the detectors raised on one cell and kind on the
// tested day: the first rule of the kind to raise it (signals[0]) and any
// other rule of the same kind, the period they cover and the cases behind
// them.
type candidate struct {
	cell    finding.Cell
	kind    trend.Kind
	signals []finding.Signal
	from    trend.Date
	cases   []string // sorted
	count   int      // all the cases, also those past the listed ones
}

// complete reports whether cases lists every case behind the candidate.
func (c candidate) complete() bool { return c.count == len(c.cases) }

// kindRank orders the kinds as Detect returns them.
func kindRank(k trend.Kind) int {
	switch k {
	case trend.Tendency:
		return 0
	case trend.Widespread:
		return 1
	case trend.Emerging:
		return 2
	}
	return 3
}

// opening is a finding a run opens.
type opening struct {
	id   string
	kind trend.Kind
	cell finding.Cell
	obs  finding.Observation
}

// plan is what a run does: the findings it opens, the open findings it
// raises again (by id), and those it ends.
type plan struct {
	open  []opening
	raise map[string]finding.Observation
	end   []string
}

// planRun decides what a run on day does with the candidates of its cells,
// given the findings it continues (open ones, and dismissed ones still
// keeping their cell and kind quiet). One burst is one finding: the cells
// of a case (its department × issue type, its issue type × district, ...)
// often all rise with it, and a candidate whose cases are all behind a
// finding already open, or opened by this run from a cell preferred to it,
// raises that finding instead, as corroboration. In order:
//
//  1. a candidate on the cell and kind of an open finding raises it (one
//     on those of a dismissed finding raises nothing);
//  2. the others, most specific first (kind as Detect returns them, then
//     the dimension's rank, then the cell), raise the open or newly opened
//     finding whose cases include all of theirs, or open a finding of
//     their own;
//  3. an open finding not raised for more than endAfter days ends.
func planRun(day trend.Date, cands []candidate, current []finding.Finding, endAfter int) plan {
	p := plan{raise: map[string]finding.Observation{}}
	slices.SortFunc(cands, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(kindRank(a.kind), kindRank(b.kind)), cmp.Compare(a.cell.Dimension.Rank(), b.cell.Dimension.Rank()),
			cmp.Compare(a.cell.Key(), b.cell.Key()))
	})
	type key struct {
		cell string
		kind trend.Kind
	}
	byCell := map[key]finding.Finding{}
	var open []finding.Finding
	for _, f := range current {
		switch {
		case f.Status == finding.StatusOpen:
			byCell[key{f.Cell.Key(), f.Kind}] = f
			open = append(open, f)
		case f.Status == finding.StatusDismissed:
			byCell[key{f.Cell.Key(), f.Kind}] = f
		}
	}
	// 1. Candidates on a current finding's own cell and kind.
	var rest []candidate
	for _, c := range cands {
		f, ok := byCell[key{c.cell.Key(), c.kind}]
		if !ok {
			rest = append(rest, c)
			continue
		}
		if f.Status == finding.StatusOpen {
			p.raise[f.ID] = observation(day, c, f.From)
		}
	}
	// 2. The others: corroboration of a finding that holds their cases, or
	// a finding of their own.
	holds := func(cases []string, c candidate) bool {
		if !c.complete() {
			return false
		}
		for _, id := range c.cases {
			if _, ok := slices.BinarySearch(cases, id); !ok {
				return false
			}
		}
		return true
	}
	for _, c := range rest {
		if i := slices.IndexFunc(p.open, func(o opening) bool { return holds(o.obs.Cases, c) }); i >= 0 {
			p.open[i].obs.Corroborating = append(p.open[i].obs.Corroborating, c.signals...)
			continue
		}
		if i := slices.IndexFunc(open, func(f finding.Finding) bool { return holds(casesOf(f, p.raise), c) }); i >= 0 {
			f := open[i]
			obs, ok := p.raise[f.ID]
			if !ok {
				// Raised by corroboration alone: the finding keeps its own
				// cell, the signal is the corroborating rule's.
				obs = observation(day, c, f.From)
				obs.Cases, obs.CaseCount = f.Cases, f.CaseCount
			} else {
				obs.Corroborating = append(obs.Corroborating, c.signals...)
			}
			p.raise[f.ID] = obs
			continue
		}
		p.open = append(p.open, opening{id: finding.ID(c.cell, c.kind, c.from), kind: c.kind, cell: c.cell, obs: observation(day, c, c.from)})
	}
	// 3. Open findings no longer supported.
	for _, f := range open {
		if _, raised := p.raise[f.ID]; !raised && f.Lapsed(day, endAfter) {
			p.end = append(p.end, f.ID)
		}
	}
	return p
}

// casesOf is the cases behind an open finding as this run leaves them.
func casesOf(f finding.Finding, raised map[string]finding.Observation) []string {
	if o, ok := raised[f.ID]; ok && len(o.Cases) >= len(f.Cases) {
		return o.Cases
	}
	return f.Cases
}

// observation is what a finding records of a candidate: its first signal,
// the others of its kind as corroboration, the period from the finding's
// start (or the candidate's, for a new one) to the tested day.
func observation(day trend.Date, c candidate, from trend.Date) finding.Observation {
	return finding.Observation{Day: day, Signal: c.signals[0], Corroborating: slices.Clone(c.signals[1:]),
		From: min(from, c.from), To: day, Cases: c.cases, CaseCount: c.count}
}
