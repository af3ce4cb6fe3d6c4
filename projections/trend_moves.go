package projections

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/jackc/pgx/v5"
)

// facts are what a case adds to the distinct sets of its cells.
type facts struct{ point, district, department string }

func (c *trendCase) facts() facts {
	return facts{point: c.point, district: c.district, department: c.department}
}

// members lists the facts in the order of the distinct sets they go to:
// points, districts, departments.
func (f facts) members() [3]string { return [3]string{f.point, f.district, f.department} }

// cellMove is how a batch moves one cell and day of proj.trend_counts: its
// case count changes by cases, each distinct set takes the members in add,
// and loses those in drop that no case in the cell holds any more.
type cellMove struct {
	cases int
	add   [3][]string // points, districts, departments
	drop  [3][]string
}

// cellMoves are a batch's moves, by cell and day. Counting a busy cell
// again (a citywide issue holds every case of its day) costs what the cell
// holds; a move costs what the batch changed.
type cellMoves map[cellDay]*cellMove

func (m cellMoves) at(k cellDay) *cellMove {
	mv := m[k]
	if mv == nil {
		mv = &cellMove{}
		m[k] = mv
	}
	return mv
}

// enter counts a case that entered the cell with its facts.
func (m cellMoves) enter(k cellDay, f facts) {
	mv := m.at(k)
	mv.cases++
	for i, v := range f.members() {
		mv.add[i] = addMember(mv.add[i], v)
	}
}

// leave uncounts a case that left the cell with its facts.
func (m cellMoves) leave(k cellDay, f facts) {
	mv := m.at(k)
	mv.cases--
	for i, v := range f.members() {
		mv.drop[i] = addMember(mv.drop[i], v)
	}
}

// change moves the distinct sets of a cell a case stayed in while its
// facts changed.
func (m cellMoves) change(k cellDay, was, is facts) {
	if was == is {
		return
	}
	mv := m.at(k)
	old, now := was.members(), is.members()
	for i := range old {
		if old[i] != now[i] {
			mv.add[i] = addMember(mv.add[i], now[i])
			mv.drop[i] = addMember(mv.drop[i], old[i])
		}
	}
}

func addMember(set []string, v string) []string {
	if v == "" || slices.Contains(set, v) {
		return set
	}
	return append(set, v)
}

// write applies the moves, after the case cells were written: counts and
// additions in one upsert, then the members to drop that no case of the
// cell holds, then the cells left empty.
func (m cellMoves) write(ctx context.Context, tx pgx.Tx) error {
	if len(m) == 0 {
		return nil
	}
	var dim, a, b, day []string
	var n []int32
	var add, drop [3][]string // JSON arrays, one per cell
	for k, mv := range m {
		dim, a, b, day, n = append(dim, k.dimension), append(a, k.a), append(b, k.b), append(day, k.day), append(n, int32(mv.cases))
		for i := range 3 {
			add[i], drop[i] = append(add[i], jsonList(mv.add[i])), append(drop[i], jsonList(mv.drop[i]))
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO trend_counts AS c (dimension, a, b, day, cases, points, districts, departments)
		SELECT dim, a, b, day::date, n,
			ARRAY(SELECT p FROM jsonb_array_elements_text(pts::jsonb) p ORDER BY p),
			ARRAY(SELECT p FROM jsonb_array_elements_text(dts::jsonb) p ORDER BY p),
			ARRAY(SELECT p FROM jsonb_array_elements_text(dps::jsonb) p ORDER BY p)
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
			AS u(dim, a, b, day, n, pts, dts, dps)
		ON CONFLICT (dimension, a, b, day) DO UPDATE SET cases = c.cases + EXCLUDED.cases,
			points = ARRAY(SELECT DISTINCT p FROM unnest(c.points || EXCLUDED.points) p ORDER BY p),
			districts = ARRAY(SELECT DISTINCT p FROM unnest(c.districts || EXCLUDED.districts) p ORDER BY p),
			departments = ARRAY(SELECT DISTINCT p FROM unnest(c.departments || EXCLUDED.departments) p ORDER BY p)`,
		dim, a, b, day, n, add[0], add[1], add[2]); err != nil {
		return err
	}
	// A member leaves a set when no case left in the cell holds it (a
	// lookup in the cell's rows, stopping at the first that does).
	if _, err := tx.Exec(ctx, `UPDATE trend_counts c SET
			points = ARRAY(SELECT p FROM unnest(c.points) p WHERE NOT p = ANY(u.pts) OR EXISTS (SELECT 1 FROM trend_case_cells x
				WHERE (x.dimension, x.a, x.b, x.day) = (c.dimension, c.a, c.b, c.day) AND x.point = p) ORDER BY p),
			districts = ARRAY(SELECT p FROM unnest(c.districts) p WHERE NOT p = ANY(u.dts) OR EXISTS (SELECT 1 FROM trend_case_cells x
				WHERE (x.dimension, x.a, x.b, x.day) = (c.dimension, c.a, c.b, c.day) AND x.district = p) ORDER BY p),
			departments = ARRAY(SELECT p FROM unnest(c.departments) p WHERE NOT p = ANY(u.dps) OR EXISTS (SELECT 1 FROM trend_case_cells x
				WHERE (x.dimension, x.a, x.b, x.day) = (c.dimension, c.a, c.b, c.day) AND x.department = p) ORDER BY p)
		FROM (SELECT dim, a, b, day::date AS day,
				ARRAY(SELECT jsonb_array_elements_text(pts::jsonb)) AS pts,
				ARRAY(SELECT jsonb_array_elements_text(dts::jsonb)) AS dts,
				ARRAY(SELECT jsonb_array_elements_text(dps::jsonb)) AS dps
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS v(dim, a, b, day, pts, dts, dps)
			WHERE pts <> '[]' OR dts <> '[]' OR dps <> '[]') u
		WHERE (c.dimension, c.a, c.b, c.day) = (u.dim, u.a, u.b, u.day)`,
		dim, a, b, day, drop[0], drop[1], drop[2]); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM trend_counts c USING unnest($1::text[], $2::text[], $3::text[], $4::date[]) AS k(dimension, a, b, day)
		WHERE (c.dimension, c.a, c.b, c.day) = (k.dimension, k.a, k.b, k.day) AND c.cases <= 0`, dim, a, b, day)
	return err
}

// jsonList is a JSON array of strings, [] when there are none.
func jsonList(v []string) string {
	if len(v) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
