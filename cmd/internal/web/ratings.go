package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/watchpost/watchpost/cmd/internal/ratings"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/domain/rating"
)

// The pages of the ratings (issue 14): a monitoring point's rating form,
// fit for a phone, with its own sheets of the month; a department's own
// scores with their comments (never the raters); the leaders' league
// tables by category with charts, and the ranking as a printable page.
// What each role sees is the ratings service's decision.

// ratingsPage is the ratings page's data, by role.
type ratingsPage struct {
	Key     string
	Period  string
	Label   string
	Periods []choice
	Done    bool
	// A monitoring point: the form and its own sheets.
	Point       bool
	Departments []department.Department
	Kinds       []choice
	Grades      []choice
	Aspects     []choice
	Today       string
	Mine        []ratingRow
	// A department: its own scores, each explained.
	Department bool
	Own        []ratings.DrillDownView
	OwnCharts  []barChart
	// The center: the league tables, each with a chart of the totals.
	Center   bool
	Standing ratings.StandingView
	Charts   []barChart
}

// ratingRow is one of a point's own sheets, with its overall grade named.
type ratingRow struct {
	ratings.SheetView
	Overall string
}

// ratingFields are the rating form's fields, named as the service's
// refusals name them.
var ratingFields = []string{"departmentId", "window", "dealingRef", "dealing", "kind", "dealtOn", "grades", "grades.overall",
	"grades.attitude", "grades.openness", "grades.process", "grades.efficiency", "grades.policy", "grades.integrity", "comment"}

// ratingPeriod is the period a ratings page shows: the one asked for, else
// the current month.
func (s *Server) ratingPeriod(r *http.Request) (rating.Period, error) {
	if v := r.URL.Query().Get("period"); v != "" {
		return rating.ParsePeriod("period", v)
	}
	return rating.PeriodOf(rating.PeriodMonth, s.Clock(), s.Catalog.Zone()), nil
}

// periodChoices are the periods a page offers: this month and the five
// before it, this quarter and the last, this year and the last.
func (s *Server) periodChoices() []choice {
	now := s.Clock()
	zone := s.Catalog.Zone()
	var out []choice
	m := rating.PeriodOf(rating.PeriodMonth, now, zone)
	for range 6 {
		out = append(out, choice{m.String(), m.Label()})
		m = rating.PeriodOf(rating.PeriodMonth, m.Start(zone).AddDate(0, 0, -1), zone)
	}
	q := rating.PeriodOf(rating.PeriodQuarter, now, zone)
	out = append(out, choice{q.String(), q.Label()})
	q = rating.PeriodOf(rating.PeriodQuarter, q.Start(zone).AddDate(0, 0, -1), zone)
	out = append(out, choice{q.String(), q.Label()})
	y := rating.PeriodOf(rating.PeriodYear, now, zone)
	out = append(out, choice{y.String(), y.Label()}, choice{rating.Year(y.Year - 1).String(), rating.Year(y.Year - 1).Label()})
	return out
}

// ratingsPage: GET /ratings.
func (s *Server) ratingsPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	v := s.view(r, sess, "测评")
	return s.renderRatings(w, r, v, http.StatusOK)
}

func (s *Server) renderRatings(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	p := v.Sess.Principal
	ctx := r.Context()
	per, err := s.ratingPeriod(r)
	if err != nil {
		return err
	}
	body := ratingsPage{Key: newFormKey(), Period: per.String(), Label: per.Label(), Periods: s.periodChoices(),
		Done: r.URL.Query().Get("done") == "rated"}
	switch p.Role {
	case access.RolePoint:
		if err := access.Permit(p, access.RateDealing); err != nil {
			return err
		}
		body.Point = true
		if body.Departments, err = s.Registry.Departments(ctx, p, false); err != nil {
			return err
		}
		for _, k := range rating.DealingKinds() {
			body.Kinds = append(body.Kinds, choice{k, rating.DealingKindLabel(k)})
		}
		for _, g := range rating.Grades() {
			body.Grades = append(body.Grades, choice{string(g), g.Label()})
		}
		for _, a := range rating.Aspects() {
			body.Aspects = append(body.Aspects, choice{"grades." + string(a), a.Label()})
		}
		body.Today = s.Clock().In(s.Catalog.Zone()).Format("2006-01-02")
		mine, err := s.Ratings.Sheets(ctx, p, ratings.SheetQuery{Period: per.String()})
		if err != nil {
			return err
		}
		for _, sh := range mine.Items {
			body.Mine = append(body.Mine, ratingRow{SheetView: sh, Overall: sh.Grades[rating.AspectOverall].Label()})
		}
	case access.RoleDepartment:
		body.Department = true
		scores, err := s.Ratings.Scores(ctx, p, per.String(), "")
		if err != nil {
			return err
		}
		for _, u := range scores.Items {
			dd, err := s.Ratings.DrillDown(ctx, p, per.String(), u.Entry.UnitID)
			if err != nil {
				return err
			}
			body.Own = append(body.Own, dd)
			body.OwnCharts = append(body.OwnCharts, methodChart(u.Entry.Name, dd))
		}
	default:
		standing, err := s.Ratings.Standing(ctx, p, per.String())
		if err != nil {
			return err
		}
		body.Center, body.Standing = true, standing
		for _, rk := range standing.Rankings {
			body.Charts = append(body.Charts, rankingChart(rk))
		}
	}
	v.Body = body
	s.render(w, r, status, "ratings.html", v)
	return nil
}

// rankingChart draws a league table's totals, scored units only.
func rankingChart(rk ratings.RankingView) barChart {
	var labels, texts []string
	var values []float64
	for _, e := range rk.Entries {
		if e.Ranked {
			labels = append(labels, strconv.Itoa(e.Place)+". "+e.Name)
			f, _ := strconv.ParseFloat(e.Shown, 64)
			values, texts = append(values, f), append(texts, e.Shown)
		}
	}
	return hbars(rk.KindLabel+" · "+rk.CategoryLabel+"（测评得分）", labels, values, texts, 100)
}

// methodChart draws a unit's satisfaction per method.
func methodChart(name string, dd ratings.DrillDownView) barChart {
	var labels, texts []string
	var values []float64
	for _, m := range dd.Unit.Score.Methods {
		labels = append(labels, m.Method.Label())
		if m.Present {
			values, texts = append(values, m.Satisfaction.Float64()), append(texts, m.Satisfaction.Percent2()+"%")
		} else {
			values, texts = append(values, 0), append(texts, "无测评")
		}
	}
	return hbars(name+"（各测评方式满意率）", labels, values, texts, 1)
}

// rateDealing: POST /ratings, a point's rating of a dealing.
func (s *Server) rateDealing(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	v := s.view(r, sess, "测评")
	v.Values = r.PostForm
	grades := rating.Sheet{}
	for _, a := range rating.Aspects() {
		if g := field(r, "grades."+string(a)); g != "" {
			grades[a] = rating.Grade(g)
		}
	}
	_, err := s.Ratings.Rate(r.Context(), p, commandMeta(r, p), ratings.RateDealing{
		Sheet:      ratings.Sheet{DepartmentID: field(r, "departmentId"), Window: field(r, "window"), Grades: grades, Comment: field(r, "comment")},
		DealingRef: field(r, "dealingRef"), Dealing: field(r, "dealing"), Kind: field(r, "kind"), DealtOn: field(r, "dealtOn")})
	if err != nil {
		if pr := classify(err); pr.status == http.StatusUnprocessableEntity || pr.status == http.StatusConflict || pr.status == http.StatusForbidden {
			return s.renderRatings(w, r, v, s.formError(v, err, ratingFields...))
		}
		return err
	}
	http.Redirect(w, r, "/ratings?done=rated", http.StatusSeeOther)
	return nil
}

// ratingsPrint: GET /ratings/print, the league tables to print.
func (s *Server) ratingsPrint(w http.ResponseWriter, r *http.Request, sess *session) error {
	per, err := s.ratingPeriod(r)
	if err != nil {
		return err
	}
	standing, err := s.Ratings.Standing(r.Context(), sess.Principal, per.String())
	if err != nil {
		return err
	}
	v := s.view(r, sess, per.Label()+"测评排名")
	v.Body = standing
	s.render(w, r, http.StatusOK, "ratings_print.html", v)
	return nil
}

// ratingsExport: GET /ratings/exports/{form}, the ranking or the 测评表 as
// xlsx.
func (s *Server) ratingsExport(w http.ResponseWriter, r *http.Request, sess *session) error {
	per, err := s.ratingPeriod(r)
	if err != nil {
		return err
	}
	var e ratings.Export
	switch r.PathValue("form") {
	case "ranking":
		e, err = s.Ratings.RankingWorkbook(r.Context(), sess.Principal, per.String())
	case "sheets":
		e, err = s.Ratings.SheetsWorkbook(r.Context(), sess.Principal, per.String(), "")
	default:
		return domain.NotFound("form", "no export %s", r.PathValue("form"))
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+url.PathEscape(e.Name)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(e.Data)
	return nil
}
