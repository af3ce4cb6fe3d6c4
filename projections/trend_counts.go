package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
)

// TrendCounts keeps the daily case counts per cell that the trend
// detectors read (proj.trend_counts), with the distinct monitoring points,
// districts and departments behind each cell and day. It is asynchronous:
// a detector run waits for its checkpoint, nobody else does.
//
// A case is counted on the day it was received (in Loc) in every cell its
// facts make: department × issue type, department × category, issue type
// × district, issue type × monitoring-point kind, and each issue type
// citywide. Its department is the one named at filing, else the one it was
// last referred to; its district is its monitoring point's (or the point's
// workstation's), else its department's, as the register and the network
// stood when the case got its point or department.
type TrendCounts struct {
	Loc *time.Location
}

// Name implements Projection.
func (TrendCounts) Name() string { return "trend_counts" }

// trendCase is a row of proj.trend_cases.
type trendCase struct {
	id, respondent, referred, point string
	department, district, pointType string
	day                             string
	categories, issueTypes          []string
}

// trendPlace is what the counts know of a department or a point.
type trendPlace struct{ district, pointType string }

type placeKey struct{ kind, id string }

// cellDay is a cell on a day: a row of proj.trend_counts.
type cellDay struct{ dimension, a, b, day string }

// Apply implements Projection: the batch's events in order against the
// cases and places they touch, then the counts of every cell and day whose
// cases changed are moved (see saveTrendCases).
func (t TrendCounts) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	var caseIDs []string
	relevant := false
	for _, e := range events {
		switch e.AggregateType {
		case complaint.AggregateType:
			if e.Type == complaint.TypeComplaintFiled || e.Type == complaint.TypeCaseReferred {
				caseIDs, relevant = append(caseIDs, e.AggregateID), true
			}
		case department.AggregateType, network.AggregatePoint, network.AggregateWorkstation:
			relevant = true
		}
	}
	if !relevant {
		return nil
	}
	cases, err := loadTrendCases(ctx, tx, caseIDs)
	if err != nil {
		return err
	}
	places, err := loadTrendPlaces(ctx, tx)
	if err != nil {
		return err
	}
	before, prev := map[string][]cellDay{}, map[string]*trendCase{}
	for id, c := range cases {
		before[id] = c.cells()
		copied := *c
		prev[id] = &copied
	}
	changedCases, changedPlaces := map[string]bool{}, map[placeKey]bool{}
	for _, e := range events {
		switch e.AggregateType {
		case complaint.AggregateType:
			if err := t.applyCase(e, cases, places, changedCases); err != nil {
				return err
			}
		case department.AggregateType:
			de, err := department.Decode(e.Type, e.Data)
			if err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
			k := placeKey{"department", e.AggregateID}
			switch d := de.(type) {
			case department.Registered:
				places[k], changedPlaces[k] = trendPlace{district: d.District}, true
			case department.Changed:
				places[k], changedPlaces[k] = trendPlace{district: d.District}, true
			}
		case network.AggregatePoint:
			ne, err := network.Decode(e.Type, e.Data)
			if err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
			k := placeKey{"point", e.AggregateID}
			switch p := ne.(type) {
			case network.PointRegistered:
				places[k], changedPlaces[k] = pointPlace(places, p.PointDetails), true
			case network.PointChanged:
				places[k], changedPlaces[k] = pointPlace(places, p.PointDetails), true
			}
		case network.AggregateWorkstation:
			ne, err := network.Decode(e.Type, e.Data)
			if err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
			k := placeKey{"workstation", e.AggregateID}
			switch w := ne.(type) {
			case network.WorkstationRegistered:
				places[k], changedPlaces[k] = trendPlace{district: w.District}, true
			case network.WorkstationChanged:
				places[k], changedPlaces[k] = trendPlace{district: w.District}, true
			}
		}
	}
	if err := savePlaces(ctx, tx, places, changedPlaces); err != nil {
		return err
	}
	return saveTrendCases(ctx, tx, cases, changedCases, before, prev)
}

func (t TrendCounts) applyCase(e eventstore.Event, cases map[string]*trendCase, places map[placeKey]trendPlace, changed map[string]bool) error {
	switch e.Type {
	case complaint.TypeComplaintFiled:
		var f filedFacts
		if err := json.Unmarshal(e.Data, &f); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		c := &trendCase{id: e.AggregateID, respondent: f.RespondentDepartmentID, point: f.MonitoringPointID,
			day: f.ReceivedAt.In(t.Loc).Format(time.DateOnly), categories: sortedSet(f.Categories), issueTypes: sortedSet(f.IssueTypes)}
		if old := cases[e.AggregateID]; old != nil {
			c.referred = old.referred
		}
		cases[e.AggregateID] = c
	case complaint.TypeCaseReferred:
		var r complaint.CaseReferred
		if err := json.Unmarshal(e.Data, &r); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		c := cases[e.AggregateID]
		if c == nil {
			return fmt.Errorf("event %d: case %s referred before it was filed", e.Seq, e.AggregateID)
		}
		c.referred = r.DepartmentID
	default:
		return nil
	}
	c := cases[e.AggregateID]
	c.department = c.respondent
	if c.department == "" {
		c.department = c.referred
	}
	point := places[placeKey{"point", c.point}]
	c.pointType, c.district = "", ""
	if c.point != "" {
		c.pointType, c.district = point.pointType, point.district
	}
	if c.district == "" && c.department != "" {
		c.district = places[placeKey{"department", c.department}].district
	}
	changed[c.id] = true
	return nil
}

// filedFacts are the fields of complaint.ComplaintFiled that the counts
// read (its JSON names): decoding them alone leaves the texts and the
// complainant undecoded.
type filedFacts struct {
	Channel                string    `json:"channel"`
	ReceivedAt             time.Time `json:"receivedAt"`
	MonitoringPointID      string    `json:"monitoringPointId,omitempty"`
	RespondentDepartmentID string    `json:"respondentDepartmentId,omitempty"`
	Categories             []string  `json:"categories"`
	IssueTypes             []string  `json:"issueTypes"`
}

// pointPlace is what the counts keep of a point: its kind, and its
// district, or else its workstation's as the network stands now.
func pointPlace(places map[placeKey]trendPlace, d network.PointDetails) trendPlace {
	district := d.District
	if district == "" {
		district = places[placeKey{"workstation", d.WorkstationID}].district
	}
	return trendPlace{district: district, pointType: string(d.Kind)}
}

// cells lists the cells a case is counted in, on its day.
func (c *trendCase) cells() []cellDay {
	var out []cellDay
	add := func(d finding.Dimension, a, b string) {
		out = append(out, cellDay{string(d), a, b, c.day})
	}
	for _, it := range c.issueTypes {
		if c.department != "" {
			add(finding.DepartmentIssue, c.department, it)
		}
		if c.district != "" {
			add(finding.IssueDistrict, it, c.district)
		}
		if c.pointType != "" {
			add(finding.IssuePointType, it, c.pointType)
		}
		add(finding.Issue, it, "")
	}
	if c.department != "" {
		for _, cat := range c.categories {
			add(finding.DepartmentCategory, c.department, cat)
		}
	}
	return out
}

func sortedSet(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

func loadTrendCases(ctx context.Context, tx pgx.Tx, ids []string) (map[string]*trendCase, error) {
	out := map[string]*trendCase{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := tx.Query(ctx, `SELECT case_id, day::text, respondent_id, referred_id, point_id, department_id, district, point_type,
		categories, issue_types FROM trend_cases WHERE case_id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		c := &trendCase{}
		if err := rows.Scan(&c.id, &c.day, &c.respondent, &c.referred, &c.point, &c.department, &c.district, &c.pointType,
			&c.categories, &c.issueTypes); err != nil {
			return nil, err
		}
		out[c.id] = c
	}
	return out, rows.Err()
}

// loadTrendPlaces reads every place the counts know: a batch's cases may
// name any department or point, and the register and the network are
// small beside the cases.
func loadTrendPlaces(ctx context.Context, tx pgx.Tx) (map[placeKey]trendPlace, error) {
	out := map[placeKey]trendPlace{}
	rows, err := tx.Query(ctx, `SELECT kind, id, district, point_type FROM trend_places`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k placeKey
			p trendPlace
		)
		if err := rows.Scan(&k.kind, &k.id, &p.district, &p.pointType); err != nil {
			return nil, err
		}
		out[k] = p
	}
	return out, rows.Err()
}

func savePlaces(ctx context.Context, tx pgx.Tx, places map[placeKey]trendPlace, changed map[placeKey]bool) error {
	if len(changed) == 0 {
		return nil
	}
	var kinds, ids, districts, types []string
	for k := range changed {
		p := places[k]
		kinds, ids, districts, types = append(kinds, k.kind), append(ids, k.id), append(districts, p.district), append(types, p.pointType)
	}
	_, err := tx.Exec(ctx, `INSERT INTO trend_places (kind, id, district, point_type)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
		ON CONFLICT (kind, id) DO UPDATE SET district = EXCLUDED.district, point_type = EXCLUDED.point_type`,
		kinds, ids, districts, types)
	return err
}

// saveTrendCases writes the changed cases and their cells, and moves the
// counts of every cell and day a changed case entered or left, or whose
// distinct sets its changed facts change (see cellMoves): a batch costs
// what it changes, not what the cells already hold.
//
// before and prev are each changed case's cells and facts as they were
// before the batch (absent for a case the batch filed).
func saveTrendCases(ctx context.Context, tx pgx.Tx, cases map[string]*trendCase, changed map[string]bool,
	before map[string][]cellDay, prev map[string]*trendCase) error {
	if len(changed) == 0 {
		return nil
	}
	ids := make([]string, 0, len(changed))
	for id := range changed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	moves := cellMoves{}
	var xDim, xA, xB, xDay, xCase, xPoint, xDist, xDept []string
	for _, id := range ids {
		c := cases[id]
		is := c.facts()
		var was facts
		if prior := prev[id]; prior != nil {
			was = prior.facts()
		}
		wasIn := map[cellDay]bool{}
		for _, k := range before[id] {
			wasIn[k] = true
		}
		nowIn := map[cellDay]bool{}
		for _, k := range c.cells() {
			nowIn[k] = true
			xDim, xA, xB, xDay = append(xDim, k.dimension), append(xA, k.a), append(xB, k.b), append(xDay, k.day)
			xCase, xPoint, xDist, xDept = append(xCase, c.id), append(xPoint, c.point), append(xDist, c.district), append(xDept, c.department)
			if wasIn[k] {
				moves.change(k, was, is)
			} else {
				moves.enter(k, is)
			}
		}
		for k := range wasIn {
			if !nowIn[k] {
				moves.leave(k, was)
			}
		}
	}
	if err := writeTrendCases(ctx, tx, cases, ids, prev); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM trend_case_cells WHERE case_id = ANY($1)`, ids); err != nil {
		return err
	}
	if len(xCase) >= copyFrom {
		rows := make([][]any, len(xCase))
		for i := range xCase {
			day, err := time.Parse(time.DateOnly, xDay[i])
			if err != nil {
				return err
			}
			rows[i] = []any{xDim[i], xA[i], xB[i], day, xCase[i], xPoint[i], xDist[i], xDept[i]}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"trend_case_cells"}, []string{"dimension", "a", "b", "day", "case_id",
			"point", "district", "department"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
	} else if _, err := tx.Exec(ctx, `INSERT INTO trend_case_cells (dimension, a, b, day, case_id, point, district, department)
		SELECT dim, a, b, day::date, id, point, dist, dept
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
			AS u(dim, a, b, day, id, point, dist, dept)`,
		xDim, xA, xB, xDay, xCase, xPoint, xDist, xDept); err != nil {
		return err
	}
	return moves.write(ctx, tx)
}

// writeTrendCases writes the changed cases' rows: copied when the batch
// brings many cases new to the table, else in one upsert.
func writeTrendCases(ctx context.Context, tx pgx.Tx, cases map[string]*trendCase, ids []string, prev map[string]*trendCase) error {
	var fresh [][]any
	var cIDs, cDays, cResp, cRef, cPoint, cDept, cDist, cType []string
	var cCats, cIssues []string // JSON arrays
	for _, id := range ids {
		if prev[id] == nil {
			c := cases[id]
			day, err := time.Parse(time.DateOnly, c.day)
			if err != nil {
				return fmt.Errorf("case %s: day %q: %w", id, c.day, err)
			}
			fresh = append(fresh, []any{c.id, day, c.respondent, c.referred, c.point, c.department, c.district, c.pointType,
				orEmpty(c.categories), orEmpty(c.issueTypes)})
		}
	}
	if len(fresh) < copyFrom {
		fresh = nil
	}
	for _, id := range ids {
		c := cases[id]
		if fresh != nil && prev[id] == nil {
			continue
		}
		cats, _ := json.Marshal(orEmpty(c.categories))
		issues, _ := json.Marshal(orEmpty(c.issueTypes))
		cIDs, cDays, cResp, cRef = append(cIDs, c.id), append(cDays, c.day), append(cResp, c.respondent), append(cRef, c.referred)
		cPoint, cDept, cDist, cType = append(cPoint, c.point), append(cDept, c.department), append(cDist, c.district), append(cType, c.pointType)
		cCats, cIssues = append(cCats, string(cats)), append(cIssues, string(issues))
	}
	if len(fresh) > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"trend_cases"}, []string{"case_id", "day", "respondent_id", "referred_id", "point_id",
			"department_id", "district", "point_type", "categories", "issue_types"}, pgx.CopyFromRows(fresh)); err != nil {
			return err
		}
	}
	if len(cIDs) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO trend_cases (case_id, day, respondent_id, referred_id, point_id, department_id, district,
			point_type, categories, issue_types)
		SELECT id, day::date, resp, ref, point, dept, dist, typ,
			ARRAY(SELECT jsonb_array_elements_text(cats::jsonb)), ARRAY(SELECT jsonb_array_elements_text(issues::jsonb))
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
			AS u(id, day, resp, ref, point, dept, dist, typ, cats, issues)
		ON CONFLICT (case_id) DO UPDATE SET day = EXCLUDED.day, respondent_id = EXCLUDED.respondent_id,
			referred_id = EXCLUDED.referred_id, point_id = EXCLUDED.point_id, department_id = EXCLUDED.department_id,
			district = EXCLUDED.district, point_type = EXCLUDED.point_type, categories = EXCLUDED.categories,
			issue_types = EXCLUDED.issue_types`,
		cIDs, cDays, cResp, cRef, cPoint, cDept, cDist, cType, cCats, cIssues)
	return err
}

// orEmpty is the list, never nil (a text[] column that is NOT NULL).
func orEmpty(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
