package web

import (
	"net/http"

	"github.com/watchpost/watchpost/domain/ladder"
	"github.com/watchpost/watchpost/projections"
)

// timelinessPage is the departments' timeliness in the last month, with
// charts of the on-time rates and of the open escalations by level.
type timelinessPage struct {
	Timeliness []projections.Timeliness
	Rates      barChart
	Overdue    barChart
	Response   barChart
}

// timelinessPage: GET /timeliness. A department sees its own figures (the
// service narrows them).
func (s *Server) timelinessPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	rows, err := s.Board.Timeliness(r.Context(), p, "", timeZero, timeZero)
	if err != nil {
		return err
	}
	escalations, err := s.Board.Escalations(r.Context(), p, projections.EscalationFilter{})
	if err != nil {
		return err
	}
	v := s.view(r, sess, "办理时效")
	body := timelinessPage{Timeliness: rows}
	var labels, texts, respTexts []string
	var rates, respRates []float64
	for _, t := range rows {
		labels = append(labels, v.Dept(t.DepartmentID))
		rates = append(rates, rateValue(t.OnTimeClosureRate))
		texts = append(texts, percentText(t.OnTimeClosureRate, t.ClosuresDue))
		respRates = append(respRates, rateValue(t.OnTimeResponseRate))
		respTexts = append(respTexts, percentText(t.OnTimeResponseRate, t.ResponsesDue))
	}
	body.Rates = hbars("按时办结率", labels, rates, texts, 1)
	body.Response = hbars("按时反馈率", labels, respRates, respTexts, 1)
	body.Overdue = overdueChart(escalations)
	v.Body = body
	s.render(w, r, http.StatusOK, "timeliness.html", v)
	return nil
}

// overdueChart counts the open escalations by level.
func overdueChart(items []projections.Escalation) barChart {
	var labels, texts []string
	var counts []float64
	for _, l := range ladder.Levels() {
		n := 0
		for _, e := range items {
			if e.Rank == int(l) {
				n++
			}
		}
		labels, counts, texts = append(labels, l.Label()), append(counts, float64(n)), append(texts, itoa(n)+" 件")
	}
	return hbars("超期案件（按督办级别）", labels, counts, texts, 0)
}
