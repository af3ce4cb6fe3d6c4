package ratings

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/rating"
	"github.com/watchpost/watchpost/projections"
)

// parsePeriod reads a period ("2026-11", "2026-Q4", "2026").
func parsePeriod(v string) (rating.Period, error) {
	if v == "" {
		return rating.Period{}, domain.Invalid("period", "is required: a month, quarter or year, like 2026-11, 2026-Q4 or 2026")
	}
	return rating.ParsePeriod("period", v)
}

// Standing reads a period's league tables by kind of unit and category,
// with what follows from each place (002 §七): a closed period's as its
// closing fixed them, an open one's as the sheets stand now.
//
// Who: handlers, supervisors, leaders and departments (the tables name
// units, never raters).
func (s *Service) Standing(ctx context.Context, p access.Principal, period string) (StandingView, error) {
	if err := permit(p, access.ReadRankings); err != nil {
		return StandingView{}, err
	}
	per, err := parsePeriod(period)
	if err != nil {
		return StandingView{}, err
	}
	return s.standingView(ctx, p, per)
}

func (s *Service) standingView(ctx context.Context, _ access.Principal, per rating.Period) (StandingView, error) {
	var d *periodData
	err := s.snapshot(ctx, func(tx pgx.Tx) (err error) {
		d, err = s.read(ctx, tx, per)
		return err
	})
	if err != nil {
		return StandingView{}, err
	}
	return d.standing(), nil
}

func (d *periodData) standing() StandingView {
	v := StandingView{Period: d.period.String(), Label: d.period.Label(), Closed: d.closed != nil, Rankings: []RankingView{}}
	if d.closed != nil {
		at := d.closed.ClosedAt
		v.ClosedAt = &at
	}
	for _, r := range d.rankings {
		sc := d.schemes[r.Kind]
		rv := RankingView{Kind: r.Kind, KindLabel: r.Kind.Label(), Category: r.Category, CategoryLabel: rating.CategoryLabel(r.Category),
			Scheme: r.Scheme, SchemeName: sc.Name, Ranked: r.Ranked, Entries: []EntryView{}}
		if rv.CategoryLabel == "" {
			rv.CategoryLabel = r.Kind.Label()
		}
		for _, e := range r.Entries {
			rv.Entries = append(rv.Entries, entryView(e, d.register))
		}
		v.Rankings = append(v.Rankings, rv)
	}
	return v
}

// entry finds a unit's entry in the league tables.
func (d *periodData) entry(id string) (rating.Entry, bool) {
	for _, r := range d.rankings {
		for _, e := range r.Entries {
			if e.Unit.ID == id {
				return e, true
			}
		}
	}
	return rating.Entry{}, false
}

func (d *periodData) unitScore(id string) (UnitScoreView, bool) {
	sc, ok := d.scores[id]
	if !ok {
		return UnitScoreView{}, false
	}
	e, _ := d.entry(id)
	v := UnitScoreView{Entry: entryView(e, d.register), Score: sc, SatisfactionShown: sc.Satisfaction.Percent2(), Left: d.left[id]}
	return v, true
}

// Scores reads the units' scores for a period: every unit's for the center,
// a department's own (itself, its offices and windows) for a department.
//
// Who: handlers, supervisors, leaders, and departments for their own.
func (s *Service) Scores(ctx context.Context, p access.Principal, period, departmentID string) (ScoresView, error) {
	if err := permit(p, access.ReadScores); err != nil {
		return ScoresView{}, err
	}
	dept, err := access.ScoresOf(p, departmentID)
	if err != nil {
		return ScoresView{}, err
	}
	per, err := parsePeriod(period)
	if err != nil {
		return ScoresView{}, err
	}
	var d *periodData
	if err := s.snapshot(ctx, func(tx pgx.Tx) (err error) {
		d, err = s.read(ctx, tx, per)
		return err
	}); err != nil {
		return ScoresView{}, err
	}
	v := ScoresView{Period: per.String(), Label: per.Label(), Closed: d.closed != nil, Items: []UnitScoreView{}}
	for _, id := range slices.Sorted(maps.Keys(d.scores)) {
		if dept != "" && !owns(dept, id, d.register) {
			continue
		}
		us, _ := d.unitScore(id)
		v.Items = append(v.Items, us)
	}
	return v, nil
}

// DrillDown explains a unit's score for a period down to the ratings and
// the case events behind each number, and checks that they add up to it.
// The center sees every rating with its point and day; a department sees
// only its own units, the counts per grade and aspect, the comments ordered
// by their text, and the cases of its rectification items — never which
// point rated nor when.
//
// Who: handlers, supervisors, leaders, and departments for their own.
func (s *Service) DrillDown(ctx context.Context, p access.Principal, period, unit string) (DrillDownView, error) {
	if err := permit(p, access.ReadScores); err != nil {
		return DrillDownView{}, err
	}
	dept, err := access.ScoresOf(p, "")
	if err != nil {
		return DrillDownView{}, err
	}
	per, err := parsePeriod(period)
	if err != nil {
		return DrillDownView{}, err
	}
	if unit == "" {
		return DrillDownView{}, domain.Invalid("unit", "is required: the rated unit's id")
	}
	var v DrillDownView
	err = s.snapshot(ctx, func(tx pgx.Tx) error {
		d, err := s.read(ctx, tx, per)
		if err != nil {
			return err
		}
		if dept != "" && !owns(dept, unit, d.register) {
			return domain.NotFound("unit", "no unit %s among the department's", unit)
		}
		us, ok := d.unitScore(unit)
		if !ok {
			return domain.NotFound("unit", "no score of %s for %s", unit, per)
		}
		v, err = s.drill(ctx, tx, d, us, access.SeesRaters(p))
		return err
	})
	return v, err
}

// drill gathers what a score counts.
func (s *Service) drill(ctx context.Context, tx pgx.Tx, d *periodData, us UnitScoreView, raters bool) (DrillDownView, error) {
	sc := us.Score
	months := make([]string, 0, 12)
	for _, m := range d.period.Months() {
		months = append(months, m.String())
	}
	v := DrillDownView{Period: d.period.String(), Label: d.period.Label(), Closed: d.closed != nil, Unit: us,
		Rectification: []ItemView{}, Aspects: []AspectView{}, Comments: []string{}, Findings: []string{}}
	lines, err := projections.RatingLinesOf(ctx, tx, sc.Unit.ID, months)
	if err != nil {
		return v, err
	}
	sheets, err := projections.RatingSheets(ctx, tx, projections.SheetFilter{Months: months, Unit: sc.Unit.ID})
	if err != nil {
		return v, err
	}
	bySource := map[string]projections.RatingSheet{}
	for _, sh := range sheets {
		bySource[sh.SourceID] = sh
	}
	var problems []string
	for _, m := range sc.Methods {
		md := MethodDrill{Method: m.Method, Label: m.Method.Label(), Ratings: m.Ratings}
		var listed rating.Tally
		for _, l := range lines {
			if l.Method != m.Method || !l.Counted {
				continue
			}
			listed = listed.With(l.Grade, l.N)
			if raters {
				sv := SourceView{ID: l.SourceID, Line: l.Line, Period: l.Period, Grade: l.Grade, Count: l.N}
				if sh, ok := bySource[l.SourceID]; ok {
					sv.PointID, sv.DealtOn, sv.Comment = sh.PointID, sh.DealtOn, sh.Comment
				}
				md.Sources = append(md.Sources, sv)
			}
		}
		md.Listed = listed.Total()
		for _, g := range m.Grades {
			if listed.Count(g.Grade) != g.Count {
				problems = append(problems, fmt.Sprintf("%s %s: the score counts %d, the ratings behind it %d", m.Method, g.Grade, g.Count, listed.Count(g.Grade)))
			}
		}
		v.Methods = append(v.Methods, md)
	}
	// The aspects and comments of the sheets counted.
	aspects := map[rating.Aspect]rating.Tally{}
	for _, sh := range sheets {
		if !sh.Counted {
			continue
		}
		if _, counted := d.schemes[sc.Unit.Kind].Weight(sh.Method); !counted {
			continue
		}
		for a, g := range sh.Grades {
			aspects[a] = aspects[a].With(g, 1)
		}
		if sh.Comment != "" {
			v.Comments = append(v.Comments, sh.Comment)
		}
		if sh.Findings != "" {
			v.Findings = append(v.Findings, sh.Findings)
		}
	}
	for _, a := range rating.Aspects() {
		if t, ok := aspects[a]; ok {
			v.Aspects = append(v.Aspects, AspectView{Aspect: a, Label: a.Label(), Tally: t})
		}
	}
	// Ordered by their text: the order they were given in would tell when.
	slices.Sort(v.Comments)
	slices.Sort(v.Findings)
	if sc.Rectification != nil {
		items, err := projections.RatingItemsOf(ctx, tx, sc.Unit.ID, months)
		if err != nil {
			return v, err
		}
		for _, line := range sc.Rectification.Lines {
			found := 0
			for _, ref := range line.Refs {
				caseID, rid, _ := rating.SplitItemRef(ref)
				for _, it := range items {
					if it.CaseID != caseID || it.RectificationID != rid || it.Kind != line.Kind {
						continue
					}
					iv := ItemView{CaseID: it.CaseID, RectificationID: it.RectificationID, Period: it.Period, Kind: it.Kind, KindLabel: it.Kind.Label()}
					for _, e := range it.Events {
						iv.Events = append(iv.Events, ItemEventView{Seq: e.Seq, Type: e.Type, On: e.At.In(s.d.Loc).Format(time.DateOnly), Kind: e.Kind})
					}
					v.Rectification = append(v.Rectification, iv)
					found++
					break
				}
			}
			if found != line.Count || len(line.Refs) != line.Count {
				problems = append(problems, fmt.Sprintf("%s: the score deducts %d items, %d are found", line.Kind, line.Count, found))
			}
		}
	}
	if err := sc.Verify(); err != nil {
		problems = append(problems, err.Error())
	}
	if r, ok := d.results[sc.Unit.ID]; ok && !r.Total.Equal(sc.Total) {
		problems = append(problems, fmt.Sprintf("the total %s is not the closing's %s", sc.Total, r.Total))
	}
	v.Problems = problems
	v.AddsUp = len(problems) == 0
	return v, nil
}

// Periods lists the closed periods.
//
// Who: handlers, supervisors, leaders and departments.
func (s *Service) Periods(ctx context.Context, p access.Principal) (PeriodList, error) {
	if err := permit(p, access.ReadRankings); err != nil {
		return PeriodList{}, err
	}
	closed, err := projections.ClosedRatingPeriods(ctx, s.d.Pool)
	if err != nil {
		return PeriodList{}, err
	}
	out := PeriodList{Items: []PeriodView{}}
	for _, per := range closed {
		c, ok, err := projections.GetClosedRatingPeriod(ctx, s.d.Pool, per)
		if err != nil {
			return PeriodList{}, err
		}
		if !ok {
			continue
		}
		pv := PeriodView{Period: per.String(), Label: per.Label(), ClosedAt: c.ClosedAt, AsOf: c.AsOf, Schemes: []rating.Ref{}}
		for _, u := range c.Schemes {
			if !slices.Contains(pv.Schemes, u.Scheme.Ref()) {
				pv.Schemes = append(pv.Schemes, u.Scheme.Ref())
			}
		}
		out.Items = append(out.Items, pv)
	}
	return out, nil
}

// Schemes reads the scheme book.
//
// Who: every role.
func (s *Service) Schemes(ctx context.Context, p access.Principal) (SchemesView, error) {
	if err := permit(p, access.ReadSchemes); err != nil {
		return SchemesView{}, err
	}
	return s.schemes(ctx)
}

func (s *Service) schemes(ctx context.Context) (SchemesView, error) {
	adopted, err := projections.RatingSchemesInForce(ctx, s.d.Pool)
	if err != nil {
		return SchemesView{}, err
	}
	versions, err := projections.RatingSchemeVersions(ctx, s.d.Pool)
	if err != nil {
		return SchemesView{}, err
	}
	v := SchemesView{Versions: versions}
	if v.Versions == nil {
		v.Versions = []rating.Scheme{}
	}
	for _, k := range rating.UnitKinds() {
		sc, ok := adopted[k]
		if !ok {
			sc = rating.DefaultScheme(k)
		}
		v.InForce = append(v.InForce, KindScheme{Kind: k, Label: k.Label(), Adopted: ok, Scheme: sc})
	}
	return v, nil
}

// SheetQuery selects sheets.
type SheetQuery struct {
	Period     string
	Point      string
	Department string
	Method     string
}

// Sheets lists the rating sheets of a period, in the order they were given:
// a point its own, the center every point's (or one point's, one
// department's, one method's).
//
// Who: monitoring points for their own; handlers, supervisors and leaders.
func (s *Service) Sheets(ctx context.Context, p access.Principal, q SheetQuery) (SheetList, error) {
	if err := permit(p, access.ReadRatings); err != nil {
		return SheetList{}, err
	}
	point, err := access.SheetsOf(p, q.Point)
	if err != nil {
		return SheetList{}, err
	}
	per, err := parsePeriod(q.Period)
	if err != nil {
		return SheetList{}, err
	}
	if q.Method != "" {
		if err := rating.Method(q.Method).Validate("method"); err != nil {
			return SheetList{}, err
		}
	}
	months := make([]string, 0, 12)
	for _, m := range per.Months() {
		months = append(months, m.String())
	}
	rows, err := projections.RatingSheets(ctx, s.d.Pool, projections.SheetFilter{Months: months, Point: point, Department: q.Department, Method: q.Method})
	if err != nil {
		return SheetList{}, err
	}
	out := SheetList{Period: per.String(), Items: []SheetView{}}
	for _, r := range rows {
		out.Items = append(out.Items, sheetView(r))
	}
	return out, nil
}

func sheetView(r projections.RatingSheet) SheetView {
	return SheetView{ID: r.SourceID, Method: r.Method, PointID: r.PointID, DepartmentID: r.DepartmentID, OfficeID: r.Target.OfficeID,
		Window: r.Target.Window, UnitID: r.UnitID, DealingRef: r.DealingRef, Dealing: r.Dealing, Kind: r.Kind, DealtOn: r.DealtOn,
		Period: r.Period, Grades: r.Grades, Comment: r.Comment, Findings: r.Findings, At: r.At, Counted: r.Counted}
}

// YearEnd reads the year-end 满意不满意 selection (000 §七.5): the year's
// ranking (as closed, or as it stands) combined with how each department
// handled the complaints referred to it (closure deadlines that fell in the
// year, on time or overdue), and which workstations may be named 先进
// (no monthly report late or missing, 004 §四.三).
//
// Who: handlers, supervisors and leaders.
func (s *Service) YearEnd(ctx context.Context, p access.Principal, year string) (YearEndView, error) {
	if err := permit(p, access.ReadYearEnd); err != nil {
		return YearEndView{}, err
	}
	per, err := rating.ParsePeriod("year", year)
	if err != nil {
		return YearEndView{}, err
	}
	if per.Kind != rating.PeriodYear {
		return YearEndView{}, domain.Invalid("year", "must be a year, like 2026 (got %s)", per)
	}
	rules := rating.DefaultYearEndRules()
	v := YearEndView{Year: per.Year, Rules: rules, Groups: []YearEndGroup{}, Workstations: []rating.Eligibility{}}
	var d *periodData
	if err := s.snapshot(ctx, func(tx pgx.Tx) (err error) {
		d, err = s.read(ctx, tx, per)
		return err
	}); err != nil {
		return v, err
	}
	v.Closed = d.closed != nil
	timeliness, err := projections.DepartmentTimeliness(ctx, s.d.Pool, "", per.Start(s.d.Loc), per.End(s.d.Loc), s.d.Clock())
	if err != nil {
		return v, err
	}
	handling := map[string]rating.Handling{}
	for _, t := range timeliness {
		handling[t.DepartmentID] = rating.Handling{OnTime: t.ClosuresOnTime, Overdue: t.OverdueClosures}
	}
	for _, r := range d.rankings {
		mine := map[string]rating.Handling{}
		for _, e := range r.Entries {
			if h, ok := handling[e.Unit.ID]; ok {
				mine[e.Unit.ID] = h
			}
		}
		selected, err := rating.SelectYearEnd(r, mine, rules)
		if err != nil {
			return v, err
		}
		g := YearEndGroup{Kind: r.Kind, Category: r.Category, CategoryLabel: rating.CategoryLabel(r.Category), Selected: []SelectedView{}}
		if g.CategoryLabel == "" {
			g.CategoryLabel = r.Kind.Label()
		}
		for _, sel := range selected {
			sv := SelectedView{UnitID: sel.Unit.ID, Name: unitName(sel.Unit.ID, d.register), Verdict: sel.Verdict, VerdictLabel: sel.Verdict.Label(),
				Reasons: sel.Reasons, ReasonLabels: []string{}, Handling: sel.Handling, Entry: entryView(sel.Entry, d.register)}
			for _, why := range sel.Reasons {
				sv.ReasonLabels = append(sv.ReasonLabels, why.Label())
			}
			g.Selected = append(g.Selected, sv)
		}
		v.Groups = append(v.Groups, g)
	}
	if s.d.ReportRecords != nil {
		records, err := s.d.ReportRecords(ctx, per.Year)
		if err != nil {
			return v, err
		}
		el, err := rating.AwardEligibility(per.Year, records)
		if err != nil {
			return v, err
		}
		v.WorkstationsKnown, v.Workstations = true, el
	}
	return v, nil
}
