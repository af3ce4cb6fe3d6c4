package projections

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/eventstore"
)

// Timeliness is how one department kept its deadlines in a period: the
// counts 12345-style assessment uses. A deadline belongs to the period in
// which it fell due.
type Timeliness struct {
	DepartmentID       string   `json:"departmentId"`
	From               string   `json:"from"`
	To                 string   `json:"to"`
	ResponsesDue       int      `json:"responsesDue"`
	ResponsesOnTime    int      `json:"responsesOnTime"`
	OnTimeResponseRate *float64 `json:"onTimeResponseRate"` // null without any due
	ClosuresDue        int      `json:"closuresDue"`
	ClosuresOnTime     int      `json:"closuresOnTime"`
	OnTimeClosureRate  *float64 `json:"onTimeClosureRate"`
	OverdueClosures    int      `json:"overdueClosures"`
	ClosedInLastWindow int      `json:"closedInLastWindow"` // 临期办结: closed on time, in the last 20% of the working time
	Returns            int      `json:"returns"`            // 退单
	ExtensionsAsked    int      `json:"extensionsRequested"`
	ExtensionsGranted  int      `json:"extensionsGranted"`
}

// DepartmentTimeliness counts a department's (or every department's, when
// dept is empty) deadlines that fell due in [from, to), judged at now.
func DepartmentTimeliness(ctx context.Context, q eventstore.Querier, dept string, from, to, now time.Time) ([]Timeliness, error) {
	rows, err := q.Query(ctx, `
		WITH due AS (
			SELECT department_id, kind, on_time AS on_time, coalesce(late_window, false) AS late_window
				FROM proj.clock_rounds
				WHERE outcome = 'met' AND due_at >= $2 AND due_at < $3 AND due_at <= $4
			UNION ALL
			SELECT department_id, kind, false, false
				FROM proj.clock_rounds
				WHERE outcome = 'cancelled' AND on_time = false AND due_at >= $2 AND due_at < $3 AND due_at <= $4
			UNION ALL
			SELECT department_id, kind, false, false
				FROM proj.deadlines
				WHERE open AND NOT suspended AND due_at >= $2 AND due_at < $3 AND due_at <= $4
		), clocks AS (
			SELECT department_id,
				count(*) FILTER (WHERE kind = 'response') AS responses_due,
				count(*) FILTER (WHERE kind = 'response' AND on_time) AS responses_on_time,
				count(*) FILTER (WHERE kind = 'closure') AS closures_due,
				count(*) FILTER (WHERE kind = 'closure' AND on_time) AS closures_on_time,
				count(*) FILTER (WHERE kind = 'closure' AND on_time AND late_window) AS last_window
			FROM due WHERE department_id IS NOT NULL AND ($1 = '' OR department_id = $1) GROUP BY department_id
		), actions AS (
			SELECT department_id,
				count(*) FILTER (WHERE action = 'return') AS returns,
				count(*) FILTER (WHERE action = 'extension_requested') AS asked,
				count(*) FILTER (WHERE action = 'extension_granted') AS granted
			FROM proj.department_actions
			WHERE at >= $2 AND at < $3 AND ($1 = '' OR department_id = $1) GROUP BY department_id
		)
		SELECT coalesce(c.department_id, a.department_id), coalesce(responses_due, 0), coalesce(responses_on_time, 0),
			coalesce(closures_due, 0), coalesce(closures_on_time, 0), coalesce(last_window, 0),
			coalesce(returns, 0), coalesce(asked, 0), coalesce(granted, 0)
		FROM clocks c FULL JOIN actions a ON a.department_id = c.department_id
		ORDER BY 1`, dept, from, to, now)
	if err != nil {
		return nil, eventstore.Database("projections: timeliness", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Timeliness, error) {
		t := Timeliness{From: from.Format(time.RFC3339), To: to.Format(time.RFC3339)}
		err := r.Scan(&t.DepartmentID, &t.ResponsesDue, &t.ResponsesOnTime, &t.ClosuresDue, &t.ClosuresOnTime,
			&t.ClosedInLastWindow, &t.Returns, &t.ExtensionsAsked, &t.ExtensionsGranted)
		t.OnTimeResponseRate = rate(t.ResponsesOnTime, t.ResponsesDue)
		t.OnTimeClosureRate = rate(t.ClosuresOnTime, t.ClosuresDue)
		t.OverdueClosures = t.ClosuresDue - t.ClosuresOnTime
		return t, err
	})
	if err != nil {
		return nil, eventstore.Database("projections: timeliness", err)
	}
	if dept != "" && len(out) == 0 {
		out = append(out, Timeliness{DepartmentID: dept, From: from.Format(time.RFC3339), To: to.Format(time.RFC3339)})
	}
	return out, nil
}

func rate(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	r := float64(n) / float64(of)
	return &r
}
