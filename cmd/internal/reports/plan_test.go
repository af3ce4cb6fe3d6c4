package reports

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/trend"
)

var (
	day       = trend.DateOf(2026, time.November, 24)
	deptIssue = finding.CellOf(finding.DepartmentIssue, "city-construction", "slow_action")
	deptCat   = finding.CellOf(finding.DepartmentCategory, "city-construction", "efficiency")
	district  = finding.CellOf(finding.IssueDistrict, "slow_action", "柯城区")
	citywide  = finding.CellOf(finding.Issue, "slow_action", "")
)

func cand(c finding.Cell, kind trend.Kind, cases ...string) candidate {
	method := map[trend.Kind]trend.Method{trend.Tendency: trend.MethodEWMA, trend.Widespread: trend.MethodSpread, trend.Emerging: trend.MethodNovel}[kind]
	slices.Sort(cases)
	return candidate{cell: c, kind: kind, from: day, cases: cases, count: len(cases),
		signals: []finding.Signal{{Cell: c, Kind: kind, Method: method, From: day, To: day, Observed: float64(len(cases))}}}
}

func open(c finding.Cell, kind trend.Kind, last trend.Date, cases ...string) finding.Finding {
	return finding.Finding{ID: finding.ID(c, kind, last-1), Kind: kind, Cell: c, Status: finding.StatusOpen,
		From: last - 1, To: last, LastRaised: last, Cases: cases, CaseCount: len(cases)}
}

// summary writes a plan as text: what it opens (with its corroborating
// cells), raises and ends.
func summary(p plan) string {
	var opened []string
	for _, o := range p.open {
		var by []string
		for _, s := range o.obs.Corroborating {
			by = append(by, string(s.Cell.Dimension)+"/"+string(s.Kind))
		}
		opened = append(opened, fmt.Sprintf("%s/%s%v", o.cell.Dimension, o.kind, by))
	}
	var raised []string
	for id, o := range p.raise {
		raised = append(raised, fmt.Sprintf("%s:%s+%d", id[:7], o.Signal.Cell.Dimension, len(o.Corroborating)))
	}
	slices.Sort(raised)
	return fmt.Sprintf("open %v raise %v end %d", opened, raised, len(p.end))
}

func TestPlanRun(t *testing.T) {
	t.Parallel()
	six := []string{"c1", "c2", "c3", "c4", "c5", "c6"}
	openDI := open(deptIssue, trend.Tendency, day-1, six...)
	dismissed := openDI
	dismissed.Status = finding.StatusDismissed
	for _, tt := range []struct {
		name    string
		cands   []candidate
		current []finding.Finding
		want    string
	}{
		{"one burst seen by four cells is one finding, on the most specific cell",
			[]candidate{cand(citywide, trend.Tendency, six...), cand(district, trend.Tendency, six...),
				cand(deptCat, trend.Tendency, six...), cand(deptIssue, trend.Tendency, six...)}, nil,
			"open [department_issue/tendency[department_category/tendency issue_district/tendency issue/tendency]] raise [] end 0"},
		{"two kinds on the same cases: the tendency, corroborated by the emerging",
			[]candidate{cand(deptIssue, trend.Emerging, six...), cand(deptIssue, trend.Tendency, six...)}, nil,
			"open [department_issue/tendency[department_issue/emerging]] raise [] end 0"},
		{"cases beyond the first finding's: a finding of their own",
			[]candidate{cand(deptIssue, trend.Tendency, six...), cand(citywide, trend.Tendency, append(slices.Clone(six), "c7")...)}, nil,
			"open [department_issue/tendency[] issue/tendency[]] raise [] end 0"},
		{"an open finding of the cell and kind is raised, not doubled",
			[]candidate{cand(deptIssue, trend.Tendency, six...), cand(deptCat, trend.Tendency, six...)}, []finding.Finding{openDI},
			"open [] raise [" + openDI.ID[:7] + ":department_issue+1] end 0"},
		{"an open finding whose cell is quiet is raised by a cell that sees its cases",
			[]candidate{cand(deptCat, trend.Tendency, "c1", "c2")}, []finding.Finding{openDI},
			"open [] raise [" + openDI.ID[:7] + ":department_category+0] end 0"},
		{"a dismissed finding keeps its cell and kind quiet",
			[]candidate{cand(deptIssue, trend.Tendency, six...)}, []finding.Finding{dismissed},
			"open [] raise [] end 0"},
		{"an open finding not raised for longer than EndAfter ends",
			nil, []finding.Finding{open(deptIssue, trend.Tendency, day-8, six...)},
			"open [] raise [] end 1"},
		{"but not sooner",
			nil, []finding.Finding{open(deptIssue, trend.Tendency, day-7, six...)},
			"open [] raise [] end 0"},
		{"a candidate listing only some of its cases is never taken as held",
			[]candidate{cand(deptIssue, trend.Tendency, six...), func() candidate {
				c := cand(citywide, trend.Tendency, six...)
				c.count = 600
				return c
			}()}, nil,
			"open [department_issue/tendency[] issue/tendency[]] raise [] end 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := summary(planRun(day, slices.Clone(tt.cands), tt.current, 7))
			if got != tt.want {
				t.Fatalf("\n got %s\nwant %s", got, tt.want)
			}
			// The order the cells come in changes nothing.
			r := rand.New(rand.NewPCG(1, 2))
			for range 10 {
				shuffled := slices.Clone(tt.cands)
				r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				if again := summary(planRun(day, shuffled, tt.current, 7)); again != got {
					t.Fatalf("another order: %s", again)
				}
			}
		})
	}
}

// TestPlanIDs: the finding a plan opens has the id of its cell, kind and
// first day, so two replicas planning the same day open the same one.
func TestPlanIDs(t *testing.T) {
	t.Parallel()
	c := cand(deptIssue, trend.Tendency, "c1", "c2", "c3", "c4", "c5")
	c.from = day - 2
	p := planRun(day, []candidate{c}, nil, 7)
	if len(p.open) != 1 || p.open[0].id != finding.ID(deptIssue, trend.Tendency, day-2) || p.open[0].obs.From != day-2 || p.open[0].obs.To != day {
		t.Fatalf("%+v", p.open)
	}
}
