package web

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/projections"
)

// minSample is how many closures a department needs in the period before
// it is ranked: one late case does not top a league table.
const minSample = 5

// dashboardWeeks is how far back the charts over time go.
const dashboardWeeks = 12

// dashboardPage is the leaders' overview.
type dashboardPage struct {
	OpenTotal   int
	Open        barChart
	Overdue     barChart
	OverdueN    int
	Worst       []projections.Timeliness
	MinSample   int
	ByCategory  lineChart
	ByIssueType lineChart
}

// dashboard: GET /dashboard.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	ctx := r.Context()
	now := s.Clock()
	ov, err := s.Cases.Overview(ctx, p, now.AddDate(0, 0, -7*(dashboardWeeks-1)), now, s.Catalog.Zone())
	if err != nil {
		return err
	}
	escalations, err := s.Board.Escalations(ctx, p, projections.EscalationFilter{})
	if err != nil {
		return err
	}
	rows, err := s.Board.Timeliness(ctx, p, "", timeZero, timeZero)
	if err != nil {
		return err
	}
	tax, err := s.Taxonomies.Current(ctx)
	if err != nil {
		return err
	}
	v := s.view(r, sess, "领导驾驶舱")
	body := dashboardPage{MinSample: minSample, Overdue: overdueChart(escalations), OverdueN: len(escalations)}
	var labels, texts []string
	var counts []float64
	for _, st := range complaint.Statuses()[1:] {
		if n := ov.Open[string(st)]; n > 0 {
			labels, counts, texts = append(labels, s.Catalog.Label(zh, "status", string(st))), append(counts, float64(n)), append(texts, itoa(n)+" 件")
			body.OpenTotal += n
		}
	}
	body.Open = hbars("未归档案件（按状态）", labels, counts, texts, 0)
	for _, t := range rows {
		if t.ClosuresDue >= minSample && t.OnTimeClosureRate != nil {
			body.Worst = append(body.Worst, t)
		}
	}
	slices.SortFunc(body.Worst, func(a, b projections.Timeliness) int {
		return cmp.Or(cmp.Compare(*a.OnTimeClosureRate, *b.OnTimeClosureRate), cmp.Compare(b.OverdueClosures, a.OverdueClosures))
	})
	body.Worst = body.Worst[:min(len(body.Worst), 5)]
	weeks := make([]string, len(ov.Weeks))
	for i, wk := range ov.Weeks {
		weeks[i] = monthDay(wk)
	}
	body.ByCategory = overTime("按投诉类别（每周）", weeks, tax.Categories, ov.ByCategory)
	body.ByIssueType = overTime("按问题类型（每周）", weeks, tax.IssueTypes, ov.ByIssueType)
	v.Body = body
	s.render(w, r, http.StatusOK, "dashboard.html", v)
	return nil
}

// overTime draws the terms that have cases, in the taxonomy's order.
func overTime(title string, weeks []string, terms []complaint.Term, counts map[string][]int) lineChart {
	var names []string
	var values [][]int
	for _, t := range terms {
		if c, ok := counts[t.Code]; ok {
			names, values = append(names, t.Label), append(values, c)
		}
	}
	return lineChartOf(title, weeks, names, values)
}
