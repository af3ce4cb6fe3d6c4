package app_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/watchpost/watchpost/eventstore/testenv"
)

// The 临期办结 rule: a closure made on time counts as closed in the last
// window when the working time from the referral to the closure is at
// least 80% of the working time from the referral to the closure deadline.
//
// Every case below is referred on Tuesday 24 November 2026 at 10:00. Its
// closure clock has 7 working days, the start day not counted: 25, 26, 27,
// 30 November, 1, 2, 3 December, so it is due at the end of 3 December
// (Friday 4 December 00:00). Its working time runs from the referral:
//
//	Tue 24 Nov 10:00-24:00   14 h   (14 h by the end of the day)
//	Wed 25, Thu 26, Fri 27   72 h   (86 h)
//	Sat 28, Sun 29            0 h
//	Mon 30 Nov               24 h   (110 h)
//	Tue 1 Dec                24 h   (134 h)
//	Wed 2 Dec                24 h   (158 h)
//	Thu 3 Dec                24 h   (182 h, the deadline)
//
// 80% of 182 h is 145.6 h = 134 h + 11 h 36 min: the last window opens on
// Wednesday 2 December at 11:36.

// closureFigures reads a department's timeliness for November and December
// 2026.
func closureFigures(t *testing.T, c client, dept string) map[string]any {
	t.Helper()
	v := c.as(t).do("GET", "/api/v1/timeliness?department="+dept+"&from=2026-11-01T00:00:00%2B08:00&to=2027-01-01T00:00:00%2B08:00", nil, http.StatusOK)
	items := v["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("timeliness of %s: %v", dept, v)
	}
	return items[0].(map[string]any)
}

// lateWindows reads, for each case, whether its closure was counted as
// closed in the last window: "true", "false", or "null" (not on time, not
// judged).
func lateWindows(t *testing.T, w *world, ids map[string]string) map[string]string {
	t.Helper()
	rows, err := w.m.Env().Pool.Query(context.Background(), `SELECT case_id, coalesce(late_window::text, 'null')
		FROM proj.clock_rounds WHERE kind = 'closure'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, lw string
		if err := rows.Scan(&id, &lw); err != nil {
			t.Fatal(err)
		}
		out[ids[id]] = lw
	}
	return out
}

// closureDeadline is the due instant of a case's closure clock.
func closureDeadline(t *testing.T, w *world, id string) time.Time {
	t.Helper()
	v := w.handler.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
	for _, d := range v["deadlines"].([]any) {
		if d := d.(map[string]any); d["clock"] == "closure" && d["dueAt"] != nil {
			due, err := time.Parse(time.RFC3339, d["dueAt"].(string))
			if err != nil {
				t.Fatal(err)
			}
			return due
		}
	}
	t.Fatalf("case %s has no closure deadline: %v", id, v["deadlines"])
	return time.Time{}
}

// TestClosedInLastWindow: of closures on time, those in the last 20% of
// the clock's working time are counted as 临期办结; an earlier one is not,
// nor is a late one.
func TestClosedInLastWindow(t *testing.T) {
	t.Parallel()
	clock := clockAt(cstTime("2026-11-24 10:00:00"))
	w := worldOf(t, start(t, testConfig(t, testenv.Postgres(t), "", clock.Now)))
	ids := map[string]string{}
	cases := map[string]string{}
	for _, name := range []string{"early", "just-before", "just-after", "last-day", "late"} {
		id := referredCase(t, w)
		ids[id], cases[name] = name, id
	}
	if due := closureDeadline(t, w, cases["early"]); !due.Equal(cstTime("2026-12-04 00:00:00")) {
		t.Fatalf("closure due %s, want the end of 3 December", due)
	}
	resolve := func(name, at string) {
		t.Helper()
		clock.Set(cstTime(at))
		step(t, w.dept, cases[name], "/resolution", map[string]any{"outcome": "resolved", "summary": "已办结"}, "resolved")
	}
	clock.Set(cstTime("2026-11-25 10:00:00"))
	step(t, w.dept, cases["early"], "/responses", map[string]any{"summary": "已联系企业"}, "in_progress")
	resolve("early", "2026-12-01 10:00:00")       // 120 h of 182: 66%
	resolve("just-before", "2026-12-02 11:30:00") // 145.5 h: 79.9%
	resolve("just-after", "2026-12-02 11:42:00")  // 145.7 h: 80.05%
	resolve("last-day", "2026-12-03 15:00:00")    // 173 h: 95%
	resolve("late", "2026-12-04 10:00:00")        // after the deadline

	// The closures are counted once their deadline has passed.
	clock.Set(cstTime("2026-12-07 10:00:00"))
	want := map[string]string{"early": "false", "just-before": "false", "just-after": "true", "last-day": "true", "late": "null"}
	if got := lateWindows(t, w, ids); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("closed in the last window, per case:\n got %v\nwant %v", got, want)
	}
	row := closureFigures(t, w.supervisor, "city-construction")
	for field, want := range map[string]any{
		"closuresDue": 5.0, "closuresOnTime": 4.0, "overdueClosures": 1.0, "closedInLastWindow": 2.0, "onTimeClosureRate": 0.8,
		// Only "early" responded in time (by the end of 26 November); the
		// others' response clocks were met by their late resolutions.
		"responsesDue": 5.0, "responsesOnTime": 1.0,
	} {
		if row[field] != want {
			t.Errorf("%s = %v, want %v (figures %v)", field, row[field], want, row)
		}
	}
	// The department sees the same figure for itself; the other department
	// has none.
	if got := closureFigures(t, w.dept, "city-construction")["closedInLastWindow"]; got != 2.0 {
		t.Errorf("the department's own closedInLastWindow = %v, want 2", got)
	}
	if got := closureFigures(t, w.other, "tax-bureau")["closedInLastWindow"]; got != 0.0 {
		t.Errorf("tax-bureau's closedInLastWindow = %v, want 0", got)
	}
}

// TestClosedInLastWindowAfterSuspension: the working days a suspension
// gives back are neither used nor available; the last window is the last
// 20% of the time the clock ran.
//
// Referred on Tuesday 24 November at 10:00, suspended on Wednesday 25
// November at 10:00 and resumed on Friday 27 November at 10:00: the
// suspension covers the working hours of 25, 26 and 27 November, so the
// deadline moves by three working days from the end of 3 December to the
// end of Tuesday 8 December. Without those three days the clock runs the
// same 182 working hours as an unsuspended one (Tue 24 Nov 14 h, then 30
// November to 8 December, seven days), and its last window opens when it
// has run 145.6 h: 14 h + 30 Nov, 1, 2, 3, 4 Dec (134 h) + 11 h 36 min,
// on Monday 7 December at 11:36.
//
//	closed Fri 4 Dec 22:00: ran 14 + 96 + 22 = 132 h of 182 (72.5%): not in
//	the last window (counting only the 48 h actually suspended, 156 h of
//	206, 75.7%: not either);
//	closed Mon 7 Dec 14:00: ran 134 + 14 = 148 h of 182 (81.3%): in it.
func TestClosedInLastWindowAfterSuspension(t *testing.T) {
	t.Parallel()
	clock := clockAt(cstTime("2026-11-24 10:00:00"))
	w := worldOf(t, start(t, testConfig(t, testenv.Postgres(t), "", clock.Now)))
	ids := map[string]string{}
	cases := map[string]string{}
	for _, name := range []string{"before-window", "in-window"} {
		id := referredCase(t, w)
		ids[id], cases[name] = name, id
	}
	clock.Set(cstTime("2026-11-25 10:00:00"))
	for _, id := range cases {
		step(t, w.handler, id, "/suspensions", map[string]any{"reason": "等待投诉人补充材料"}, "suspended")
	}
	clock.Set(cstTime("2026-11-27 10:00:00"))
	for _, id := range cases {
		step(t, w.handler, id, "/resumptions", map[string]any{"note": "材料已补齐"}, "in_progress")
	}
	if due := closureDeadline(t, w, cases["in-window"]); !due.Equal(cstTime("2026-12-09 00:00:00")) {
		t.Fatalf("closure due %s after the suspension, want the end of 8 December", due)
	}
	clock.Set(cstTime("2026-12-04 22:00:00"))
	step(t, w.dept, cases["before-window"], "/resolution", map[string]any{"outcome": "resolved", "summary": "已办结"}, "resolved")
	clock.Set(cstTime("2026-12-07 14:00:00"))
	step(t, w.dept, cases["in-window"], "/resolution", map[string]any{"outcome": "resolved", "summary": "已办结"}, "resolved")

	clock.Set(cstTime("2026-12-09 10:00:00"))
	want := map[string]string{"before-window": "false", "in-window": "true"}
	if got := lateWindows(t, w, ids); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("closed in the last window, per case:\n got %v\nwant %v", got, want)
	}
	row := closureFigures(t, w.supervisor, "city-construction")
	if row["closuresOnTime"] != 2.0 || row["closedInLastWindow"] != 1.0 {
		t.Fatalf("figures %v; want 2 closures on time, 1 of them in the last window", row)
	}
}
