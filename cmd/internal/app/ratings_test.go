package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/domain/rating"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
	"github.com/watchpost/watchpost/projections"
	"github.com/xuri/excelize/v2"
)

// ratingWorld is a running server with the people of the ratings: the
// center's staff, two monitoring points on the network's register, and a
// department's liaison.
type ratingWorld struct {
	m                                  *app.Main
	clock                              *testenv.Clock
	admin, handler, supervisor, leader client
	pointA, pointB                     client
	depts                              map[string]string // id -> category
	deptClient                         func(t *testing.T, id string) client
}

// newRatingWorld boots a server whose clock reads at, registers the
// departments (id: category) and the points.
func newRatingWorld(t *testing.T, at time.Time, depts map[string]string, points ...string) *ratingWorld {
	t.Helper()
	clock := testenv.ClockAt(at)
	m := start(t, testConfig(t, testenv.Postgres(t), "", clock.Now))
	w := &ratingWorld{
		m: m, clock: clock, depts: depts,
		admin:      client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleAdmin})},
		handler:    client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleHandler, Name: "效能办"})},
		supervisor: client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleSupervisor, Name: "监督员"})},
		leader:     client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleLeader})},
	}
	for _, id := range rtSortedKeys(depts) {
		w.admin.do("POST", "/api/v1/departments", map[string]any{"id": id, "name": id + "局", "category": depts[id]}, http.StatusCreated)
	}
	w.admin.do("POST", "/api/v1/network/workstations", map[string]any{"id": "ws-rt", "name": "测评工作站", "hostUnit": "开发区管委会"}, http.StatusCreated)
	var pcs []client
	for _, p := range points {
		w.admin.do("POST", "/api/v1/network/points", map[string]any{"id": p, "name": p + "公司", "kind": "enterprise", "workstationId": "ws-rt"}, http.StatusCreated)
		pcs = append(pcs, client{t, m.URL, token(t, m, auth.Spec{Role: auth.RolePoint, PointID: p})})
	}
	if len(pcs) > 0 {
		w.pointA = pcs[0]
	}
	if len(pcs) > 1 {
		w.pointB = pcs[1]
	}
	w.deptClient = func(t *testing.T, id string) client {
		return client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleDepartment, DepartmentID: id})}
	}
	return w
}

func rtSortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// set moves the clock to a moment of Beijing time.
func (w *ratingWorld) set(s string) { w.clock.Set(cstTime(s)) }

// sheet is a rating sheet's grades: every aspect and overall the same.
func sheet(g string) map[string]string {
	return map[string]string{"attitude": g, "openness": g, "process": g, "efficiency": g, "policy": g, "integrity": g, "overall": g}
}

// rate rates a dealing and checks the answer.
func rate(t *testing.T, c client, dept, ref, on, grade, comment string, want int) map[string]any {
	t.Helper()
	return c.as(t).do("POST", "/api/v1/ratings", map[string]any{"departmentId": dept, "dealingRef": ref, "dealing": "办理" + ref,
		"kind": "service", "dealtOn": on, "grades": sheet(grade), "comment": comment}, want)
}

// rtDownload fetches a workbook.
func rtDownload(t *testing.T, c client, path string) *excelize.File {
	t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("%s: %d %s %.300s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// cells is every cell of a workbook, sheet by sheet.
func cells(t *testing.T, f *excelize.File) map[string][][]string {
	t.Helper()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return out
}

// rowOf finds the row whose column col holds v.
func rowOf(rows [][]string, col int, v string) []string {
	for _, r := range rows {
		if len(r) > col && r[col] == v {
			return r
		}
	}
	return nil
}

// entries reads the league tables by category: unit -> entry.
func entries(t *testing.T, standing map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, r := range standing["rankings"].([]any) {
		for _, e := range r.(map[string]any)["entries"].([]any) {
			e := e.(map[string]any)
			e["group"] = r.(map[string]any)["category"]
			out[e["unitId"].(string)] = e
		}
	}
	return out
}

// The departments of the end-to-end test, with the grades their central
// assessment's ten ballots give them (优 good 良, …): 002's two categories.
var (
	rtEnforcement = []string{"gongan", "xiaofang", "jiaotong", "linye", "guotu", "gongshang", "guoshui", "dishui", "zhijian", "anjian"}
	rtManagement  = []string{"shangwu", "caizheng", "minzheng", "wenhua"}
	rtBallots     = map[string][]string{
		"gongan":    rtGrades(4, 6, 0, 0, 0),
		"xiaofang":  rtGrades(10, 0, 0, 0, 0),
		"jiaotong":  rtGrades(9, 1, 0, 0, 0),
		"linye":     rtGrades(8, 2, 0, 0, 0),
		"guotu":     rtGrades(7, 3, 0, 0, 0),
		"gongshang": rtGrades(6, 4, 0, 0, 0),
		"guoshui":   rtGrades(5, 5, 0, 0, 0),
		"dishui":    rtGrades(0, 10, 0, 0, 0),
		"zhijian":   rtGrades(0, 0, 10, 0, 0),
		"anjian":    rtGrades(0, 0, 0, 10, 0),
		"shangwu":   rtGrades(10, 0, 0, 0, 0),
		"caizheng":  rtGrades(0, 0, 10, 0, 0),
		"minzheng":  rtGrades(0, 0, 0, 0, 10),
	}
)

// rtGrades lists ten ballots' grades.
func rtGrades(counts ...int) []string {
	var out []string
	for i, g := range []string{"excellent", "good", "fair", "poor", "bad"} {
		for range counts[i] {
			out = append(out, g)
		}
	}
	return out
}

// rectificationCase files a complaint against dept, refers it and has the
// department find it substantiated; it returns the case id.
func (w *ratingWorld) rectificationCase(t *testing.T, dept client, id string) string {
	t.Helper()
	v := w.handler.as(t).do("POST", "/api/v1/cases", map[string]any{"channel": "hotline", "complainant": map[string]any{"anonymous": true},
		"categories": []string{"efficiency"}, "title": "整改测试", "description": "入点检查未登记"}, http.StatusCreated)
	c := v["id"].(string)
	w.handler.as(t).do("POST", "/api/v1/cases/"+c+"/referrals", map[string]any{"departmentId": id}, http.StatusOK)
	dept.as(t).do("POST", "/api/v1/cases/"+c+"/acknowledgements", map[string]any{}, http.StatusOK)
	dept.as(t).do("POST", "/api/v1/cases/"+c+"/responses", map[string]any{"summary": "已核查"}, http.StatusOK)
	dept.as(t).do("POST", "/api/v1/cases/"+c+"/findings", map[string]any{"finding": "substantiated", "summary": "属实"}, http.StatusOK)
	return c
}

// TestRatingsEndToEnd: points rate departments across November 2026 by all
// four methods, cases with rectification problems deduct, the period is
// closed, the ranking by category shows 满意, the bottom three and the
// under-70 consequences, each score's drill-down adds up to it, the closed
// standing does not move, the exports read back, and the read models equal
// a rebuild.
//
// The hand-worked scores (002 §六):
//
//	gongan (公安): 即时 2优1良 = 255/270 = 17/18; 综合 1优1良 = 165/180 = 11/12;
//	  明察暗访 1一般 = 60/90 = 2/3; 集中 4优6良 = 810/900 = 9/10;
//	  overall = 0.2×17/18 + 0.2×11/12 + 0.1×2/3 + 0.5×9/10 = 160/180 = 8/9;
//	  × 80 = 640/9; rectification 20 − 3 (a rejected report) = 17;
//	  total = 793/9 = 88.11…
//	The others have only the central assessment, whose weight is then the
//	whole (reweighting): total = 80 × sat + 20 − deductions:
//	  xiaofang 10优 100; jiaotong 9优1良 98.66; linye 8优2良 97.33;
//	  guotu 7优3良 96; gongshang 6优4良 94.66; guoshui 5优5良 93.33;
//	  dishui 10良 86.66; zhijian 10一般 73.33;
//	  anjian 10较差 40 + 20 − 3 (rectification overdue) = 57;
//	  shangwu 10优 100; caizheng 10一般 73.33;
//	  minzheng 10差 80/3 + 20 − 5 (rejected after 挂牌督办) = 125/3 = 41.66;
//	  wenhua: one rating, fewer than the minimum of 10: not ranked.
func TestRatingsEndToEnd(t *testing.T) {
	t.Parallel()
	depts := map[string]string{}
	for _, d := range rtEnforcement {
		depts[d] = "enforcement"
	}
	for _, d := range rtManagement {
		depts[d] = "management"
	}
	w := newRatingWorld(t, cstTime("2026-11-02 10:00:00"), depts, "mp-a", "mp-b")
	gongan, anjian, minzheng := w.deptClient(t, "gongan"), w.deptClient(t, "anjian"), w.deptClient(t, "minzheng")

	// Rectification problems, from the cases' own events.
	// gongan: a report rejected (late, 3), then accepted.
	c1 := w.rectificationCase(t, gongan, "gongan")
	v := w.supervisor.as(t).do("POST", "/api/v1/cases/"+c1+"/rectifications", map[string]any{"items": []string{"公开收费标准"}, "dueDate": "2026-11-20"}, http.StatusOK)
	r1 := v["rectifications"].([]any)[0].(map[string]any)["id"].(string)
	gongan.do("POST", "/api/v1/cases/"+c1+"/rectifications/"+r1+"/report", map[string]any{"summary": "已公开"}, http.StatusOK)
	w.supervisor.as(t).do("POST", "/api/v1/cases/"+c1+"/rectifications/"+r1+"/verification", map[string]any{"accepted": false, "note": "未公开到位"}, http.StatusOK)
	gongan.do("POST", "/api/v1/cases/"+c1+"/rectifications/"+r1+"/report", map[string]any{"summary": "已在大厅公示"}, http.StatusOK)
	w.supervisor.as(t).do("POST", "/api/v1/cases/"+c1+"/rectifications/"+r1+"/verification", map[string]any{"accepted": true}, http.StatusOK)
	gongan.do("POST", "/api/v1/cases/"+c1+"/resolution", map[string]any{"outcome": "resolved", "summary": "已整改"}, http.StatusOK)
	// minzheng: flagged (挂牌督办), then a report rejected (unresolved, 5).
	c3 := w.rectificationCase(t, minzheng, "minzheng")
	w.supervisor.as(t).do("POST", "/api/v1/cases/"+c3+"/supervision-orders", map[string]any{"level": "flag", "note": "挂牌督办"}, http.StatusOK)
	v = w.supervisor.as(t).do("POST", "/api/v1/cases/"+c3+"/rectifications", map[string]any{"items": []string{"退还费用"}, "dueDate": "2026-11-20"}, http.StatusOK)
	r3 := v["rectifications"].([]any)[0].(map[string]any)["id"].(string)
	minzheng.do("POST", "/api/v1/cases/"+c3+"/rectifications/"+r3+"/report", map[string]any{"summary": "已退一半"}, http.StatusOK)
	w.supervisor.as(t).do("POST", "/api/v1/cases/"+c3+"/rectifications/"+r3+"/verification", map[string]any{"accepted": false, "note": "未全部退还"}, http.StatusOK)
	minzheng.do("POST", "/api/v1/cases/"+c3+"/rectifications/"+r3+"/report", map[string]any{"summary": "已全部退还"}, http.StatusOK)
	w.supervisor.as(t).do("POST", "/api/v1/cases/"+c3+"/rectifications/"+r3+"/verification", map[string]any{"accepted": true}, http.StatusOK)
	minzheng.do("POST", "/api/v1/cases/"+c3+"/resolution", map[string]any{"outcome": "resolved", "summary": "已整改"}, http.StatusOK)
	// anjian: a rectification due on 4 November and not reported: the clocks
	// raise RectificationOverdue (late, 3) on the 5th.
	c2 := w.rectificationCase(t, anjian, "anjian")
	v = w.supervisor.as(t).do("POST", "/api/v1/cases/"+c2+"/rectifications", map[string]any{"items": []string{"建立台账"}, "dueDate": "2026-11-04"}, http.StatusOK)
	r2 := v["rectifications"].([]any)[0].(map[string]any)["id"].(string)

	// 5 November: the rectification falls overdue; a point rates 公安.
	w.set("2026-11-05 10:00:00")
	waitFor(t, "the rectification overdue", 10*time.Second, func() bool {
		for _, e := range deadlineEvents(t, w.m, c2) {
			if e.Type == "RectificationOverdue" {
				return true
			}
		}
		return false
	})
	anjian.as(t).do("POST", "/api/v1/cases/"+c2+"/rectifications/"+r2+"/report", map[string]any{"summary": "已建立台账"}, http.StatusOK)
	w.supervisor.as(t).do("POST", "/api/v1/cases/"+c2+"/rectifications/"+r2+"/verification", map[string]any{"accepted": true}, http.StatusOK)
	anjian.as(t).do("POST", "/api/v1/cases/"+c2+"/resolution", map[string]any{"outcome": "resolved", "summary": "已整改"}, http.StatusOK)
	rated := rate(t, w.pointA, "gongan", "A-1105", "2026-11-05", "excellent", "窗口服务热情", http.StatusCreated)
	if rated["period"] != "2026-11" {
		t.Fatalf("rated: %v", rated)
	}
	rate(t, w.pointA, "gongan", "A-1106", "2026-11-06", "good", "", http.StatusUnprocessableEntity) // not yet the 6th

	// 12 November: the other point; a dealing is rated once.
	w.set("2026-11-12 10:00:00")
	rate(t, w.pointB, "gongan", "B-1112", "2026-11-12", "excellent", "办事效率高", http.StatusCreated)
	if out := rate(t, w.pointB, "gongan", "B-1112", "2026-11-12", "bad", "", http.StatusConflict); !strings.Contains(fmt.Sprint(out), "rated once") {
		t.Fatalf("a second rating of the dealing: %v", out)
	}

	// 20 November: a third rating, an inspection, and 文化 rated once.
	w.set("2026-11-20 10:00:00")
	rate(t, w.pointA, "gongan", "A-1119", "2026-11-19", "good", "排队时间较长", http.StatusCreated)
	rate(t, w.pointB, "wenhua", "B-1120", "2026-11-20", "fair", "", http.StatusCreated)
	w.pointA.as(t).do("POST", "/api/v1/ratings/inspections", map[string]any{}, http.StatusForbidden)
	w.supervisor.as(t).do("POST", "/api/v1/ratings/inspections", map[string]any{"departmentId": "gongan", "inspectedOn": "2026-11-20",
		"mode": "covert", "findings": "电话咨询一次无人接听", "grades": sheet("fair")}, http.StatusCreated)

	// 27 November: the central assessment session.
	w.set("2026-11-27 14:00:00")
	var units []map[string]any
	for _, d := range slices.Concat(rtEnforcement, rtManagement[:3]) {
		units = append(units, map[string]any{"departmentId": d})
	}
	ses := w.handler.as(t).do("POST", "/api/v1/ratings/sessions", map[string]any{"heldOn": "2026-11-27", "title": "2026年11月集中测评",
		"groups": []string{"人大代表", "企业代表"}, "units": units}, http.StatusCreated)
	sid := ses["id"].(string)
	var ballots []map[string]any
	for i := range 10 {
		grades := map[string]string{}
		for d, gs := range rtBallots {
			grades[d] = gs[i]
		}
		group := "人大代表"
		if i%2 == 1 {
			group = "企业代表"
		}
		ballots = append(ballots, map[string]any{"number": i + 1, "group": group, "grades": grades})
	}
	w.handler.as(t).do("POST", "/api/v1/ratings/sessions/"+sid+"/ballots", map[string]any{"ballots": ballots[:6]}, http.StatusOK)
	w.handler.as(t).do("POST", "/api/v1/ratings/sessions/"+sid+"/ballots", map[string]any{"ballots": ballots[5:6]}, http.StatusConflict)
	ses = w.handler.as(t).do("POST", "/api/v1/ratings/sessions/"+sid+"/ballots", map[string]any{"ballots": ballots[6:]}, http.StatusOK)
	if ses["ballots"] != float64(10) || ses["closed"] != false {
		t.Fatalf("session: %v", ses)
	}
	// Closed, its ballots count.
	w.handler.as(t).do("POST", "/api/v1/ratings/sessions/"+sid+"/closure", map[string]any{}, http.StatusOK)

	// 30 November: the points' monthly summaries; November has not ended.
	w.set("2026-11-30 16:00:00")
	for c, g := range map[client]string{w.pointA: "excellent", w.pointB: "good"} {
		c.as(t).do("POST", "/api/v1/ratings/monthly-summaries", map[string]any{"departmentId": "gongan", "month": "2026-11",
			"grades": sheet(g), "comment": "本月总体" + g}, http.StatusCreated)
	}
	w.pointA.as(t).do("POST", "/api/v1/ratings/monthly-summaries", map[string]any{"departmentId": "gongan", "month": "2026-11",
		"grades": sheet("bad")}, http.StatusConflict)
	w.leader.as(t).do("POST", "/api/v1/ratings/periods/2026-11/closure", map[string]any{}, http.StatusConflict)

	// The provisional standing already shows the hand-worked totals.
	live := entries(t, w.handler.as(t).do("GET", "/api/v1/ratings/rankings?period=2026-11", nil, http.StatusOK))
	if e := live["gongan"]; e["total"] != "793/9" || e["shown"] != "88.11" || e["ratings"] != float64(16) {
		t.Fatalf("gongan before closing: %v", e)
	}

	// 1 December: November is closed by a leader.
	w.set("2026-12-01 09:00:00")
	w.pointA.as(t).do("POST", "/api/v1/ratings/periods/2026-11/closure", map[string]any{}, http.StatusForbidden)
	closedStanding := w.leader.as(t).do("POST", "/api/v1/ratings/periods/2026-11/closure", map[string]any{}, http.StatusOK)
	if closedStanding["closed"] != true {
		t.Fatalf("closing: %v", closedStanding)
	}
	w.leader.as(t).do("POST", "/api/v1/ratings/periods/2026-11/closure", map[string]any{}, http.StatusConflict)
	got := entries(t, closedStanding)
	type want struct {
		total, shown string
		place        int
		consequences string
		ranked       bool
	}
	wants := map[string]want{
		"xiaofang":  {"100", "100.00", 1, "[满意]", true},
		"jiaotong":  {"296/3", "98.66", 2, "[满意]", true},
		"linye":     {"292/3", "97.33", 3, "[满意]", true},
		"guotu":     {"96", "96.00", 4, "[满意]", true},
		"gongshang": {"284/3", "94.66", 5, "[满意]", true},
		"guoshui":   {"280/3", "93.33", 6, "[满意]", true},
		"gongan":    {"793/9", "88.11", 7, "[]", true},
		"dishui":    {"260/3", "86.66", 8, "[书面说明情况 取消年终评优评先资格]", true},
		"zhijian":   {"220/3", "73.33", 9, "[书面说明情况 取消年终评优评先资格]", true},
		"anjian":    {"57", "57.00", 10, "[取消年终评优评先资格 限期整改 主要负责人问责]", true},
		"shangwu":   {"100", "100.00", 1, "[满意]", true},
		"caizheng":  {"220/3", "73.33", 2, "[满意]", true},
		"minzheng":  {"125/3", "41.66", 3, "[取消年终评优评先资格 限期整改 主要负责人问责]", true},
		"wenhua":    {"220/3", "73.33", 0, "[]", false}, // scored (one 一般), not ranked
	}
	for unit, wt := range wants {
		e := got[unit]
		if e == nil {
			t.Errorf("%s is not in the league tables", unit)
			continue
		}
		place, _ := e["place"].(float64)
		if e["total"] != wt.total || e["shown"] != wt.shown || int(place) != wt.place || fmt.Sprint(e["consequences"]) != wt.consequences ||
			e["ranked"] != wt.ranked || e["group"] != depts[unit] {
			t.Errorf("%s: %v %v place %v %v ranked %v in %v, want %+v", unit, e["total"], e["shown"], e["place"], e["consequences"], e["ranked"], e["group"], wt)
		}
	}
	if e := got["wenhua"]; !strings.Contains(fmt.Sprint(e["notRanked"]), "fewer than the minimum of 10") {
		t.Errorf("wenhua: %v", e)
	}

	// Every score's drill-down adds up to it; gongan's names the ratings and
	// the case events behind each number.
	scores := w.handler.as(t).do("GET", "/api/v1/ratings/scores?period=2026-11", nil, http.StatusOK)
	if n := len(scores["items"].([]any)); n != len(depts) {
		t.Fatalf("%d scores, want %d", n, len(depts))
	}
	for _, d := range rtSortedKeys(depts) {
		dd := w.handler.as(t).do("GET", "/api/v1/ratings/scores/drill-down?period=2026-11&unit="+d, nil, http.StatusOK)
		if dd["addsUp"] != true || dd["closed"] != true {
			t.Errorf("%s: the drill-down does not add up: %v", d, dd["problems"])
		}
	}
	dd := w.handler.as(t).do("GET", "/api/v1/ratings/scores/drill-down?period=2026-11&unit=gongan", nil, http.StatusOK)
	listed := map[string]string{}
	points := map[string]bool{}
	for _, m := range dd["methods"].([]any) {
		m := m.(map[string]any)
		listed[m["method"].(string)] = fmt.Sprint(m["ratings"], "/", m["listed"])
		for _, s := range m["sources"].([]any) {
			if p, _ := s.(map[string]any)["pointId"].(string); p != "" {
				points[p] = true
			}
		}
	}
	if fmt.Sprint(listed) != "map[central:10/10 inspection:1/1 instant:3/3 monthly:2/2]" || !points["mp-a"] || !points["mp-b"] {
		t.Fatalf("gongan's methods: %v, points %v", listed, points)
	}
	items := dd["rectification"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["caseId"] != c1 || items[0].(map[string]any)["kind"] != "late" ||
		!strings.Contains(fmt.Sprint(items[0]), "RectificationVerified") {
		t.Fatalf("gongan's rectification items: %v", items)
	}
	score := dd["unit"].(map[string]any)["score"].(map[string]any)
	rect := score["rectification"].(map[string]any)
	if score["satisfaction"] != "8/9" || score["satisfactionPoints"] != "640/9" || rect["score"] != "17" || score["total"] != "793/9" {
		t.Fatalf("gongan's score: satisfaction %v points %v rectification %v total %v", score["satisfaction"], score["satisfactionPoints"], rect["score"], score["total"])
	}
	for _, tt := range []struct{ unit, kind, event string }{{"anjian", "late", "RectificationOverdue"}, {"minzheng", "unresolved", "RectificationVerified"}} {
		dd := w.supervisor.as(t).do("GET", "/api/v1/ratings/scores/drill-down?period=2026-11&unit="+tt.unit, nil, http.StatusOK)
		items := dd["rectification"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["kind"] != tt.kind || !strings.Contains(fmt.Sprint(items[0]), tt.event) {
			t.Errorf("%s's rectification items: %v", tt.unit, items)
		}
	}

	// Closed: later sheets for November are refused, a new scheme changes
	// nothing of it, and its standing reads the same.
	rate(t, w.pointA, "gongan", "A-1128", "2026-11-28", "bad", "", http.StatusConflict)
	w.supervisor.as(t).do("POST", "/api/v1/ratings/inspections", map[string]any{"departmentId": "anjian", "inspectedOn": "2026-11-29",
		"mode": "overt", "findings": "x", "grades": sheet("bad")}, http.StatusConflict)
	rate(t, w.pointA, "gongan", "A-1201", "2026-12-01", "bad", "", http.StatusCreated)
	// A sheet for November that reaches the log after the closing (as one
	// racing it would) is kept, marked as not counted, and moves nothing.
	ctx := context.Background()
	raced := rating.DealingRated{RatingID: "r-raced", PointID: "mp-a", DealingRef: "raced", Dealing: "迟到的测评", Kind: rating.DealingService,
		Target:  rating.Target{DepartmentID: "gongan", Units: []rating.UnitRef{{ID: "gongan", Kind: rating.UnitDepartment}}},
		DealtOn: "2026-11-29", Month: rating.Month(2026, 11), Sheet: rating.Sheet{rating.AspectOverall: rating.Bad}, At: w.m.Now()}
	pending, err := command.Encode([]rating.Event{raced}, rating.EventSchemaVersion, w.m.Now())
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.m.Env().Log.Execute(ctx, eventstore.Command{AggregateType: rating.AggregateRating, AggregateID: "r-raced",
		Meta: eventstore.Metadata{Actor: "test", CommandID: "raced-1"}, Decide: func(eventstore.History) ([]eventstore.Pending, error) { return pending, nil }})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := projections.WaitRatings(wctx, w.m.Env().Pool, res.LastSeq, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	late := w.handler.as(t).do("GET", "/api/v1/ratings?period=2026-11&point=mp-a&method=instant", nil, http.StatusOK)
	if s := fmt.Sprint(late["items"]); !strings.Contains(s, "迟到的测评") || strings.Count(s, "counted:false") != 1 {
		t.Fatalf("the late sheet: %v", late["items"])
	}
	schemes := w.admin.as(t).do("GET", "/api/v1/ratings/schemes", nil, http.StatusOK)
	var next map[string]any
	for _, s := range schemes["inForce"].([]any) {
		if s := s.(map[string]any); s["kind"] == "department" {
			next = s["scheme"].(map[string]any)
		}
	}
	next["version"], next["minRatings"] = 2, 1
	w.admin.as(t).do("POST", "/api/v1/ratings/schemes", map[string]any{"scheme": next, "kinds": []string{"department"}}, http.StatusOK)
	again := entries(t, w.handler.as(t).do("GET", "/api/v1/ratings/rankings?period=2026-11", nil, http.StatusOK))
	for unit, e := range got {
		if fmt.Sprint(again[unit]) != fmt.Sprint(e) {
			t.Errorf("%s moved after closing: %v -> %v", unit, e, again[unit])
		}
	}
	december := entries(t, w.handler.as(t).do("GET", "/api/v1/ratings/rankings?period=2026-12", nil, http.StatusOK))
	if e := december["gongan"]; e["ranked"] != true || e["ratings"] != float64(1) {
		t.Errorf("December, scored by the new version (minimum 1): %v", e)
	}
	periods := w.leader.as(t).do("GET", "/api/v1/ratings/periods", nil, http.StatusOK)
	if p := periods["items"].([]any); len(p) != 1 || !strings.Contains(fmt.Sprint(p[0]), "unit-assessment") {
		t.Fatalf("periods: %v", periods)
	}
	w.leader.as(t).do("POST", "/api/v1/ratings/periods/2026-Q4/closure", map[string]any{}, http.StatusConflict) // October and December open

	// The ranking as xlsx.
	book := cells(t, rtDownload(t, w.leader, "/api/v1/ratings/rankings.xlsx?period=2026-11"))
	enf := book["部门-行政执法类"]
	if len(enf) < 3 || !strings.Contains(enf[0][0], "2026年11月") || enf[2][0] != "名次" || enf[2][2] != "测评得分" {
		t.Fatalf("ranking workbook: %v", enf)
	}
	if r := rowOf(enf, 1, "gongan局"); len(r) < 10 || r[0] != "7" || r[2] != "88.11" || r[3] != "88.88" || r[4] != "94.44" ||
		r[8] != "17" || r[9] != "16" {
		t.Errorf("gongan's row: %v", r)
	}
	if r := rowOf(enf, 1, "anjian局"); len(r) < 11 || r[0] != "10" || r[2] != "57" || !strings.Contains(r[10], "主要负责人问责") {
		t.Errorf("anjian's row: %v", r)
	}
	if r := rowOf(book["部门-综合管理类"], 1, "wenhua局"); len(r) < 11 || r[0] != "未排名" {
		t.Errorf("wenhua's row: %v", r)
	}
	// The 测评表 (附表三): the center's copy names the points.
	sheets := cells(t, rtDownload(t, w.handler, "/api/v1/ratings/sheets.xlsx?period=2026-11&department=gongan"))["测评表"]
	if len(sheets) != 3+7 || sheets[2][4] != "监测点" || rowOf(sheets, 4, "mp-b") == nil ||
		!strings.HasPrefix(rowOf(sheets, 6, "办理A-1105")[15], "是") || !strings.HasPrefix(rowOf(sheets, 6, "迟到的测评")[15], "否") {
		t.Fatalf("the center's 测评表: %v", sheets)
	}

	// The year-end selection reads the year as it stands.
	ye := w.leader.as(t).do("GET", "/api/v1/ratings/year-end?year=2026", nil, http.StatusOK)
	if ye["workstationsKnown"] != true || len(ye["groups"].([]any)) == 0 {
		t.Fatalf("year end: %v", ye)
	}

	// The read models equal a rebuild.
	rep, err := projections.Rebuild(ctx, w.m.Env().Pool, testProjections(), projections.RebuildOptions{})
	if err != nil || rep.Differences() != 0 {
		t.Fatalf("rebuild: %+v %v", rep, err)
	}
}

// TestRatingsLeakNothingToDepartments: a point with a distinctive id rates
// a department; nothing the department can read or download of the ratings
// reveals the point, the dealing, its reference or its day, and comments
// come ordered by their text, not as they were given.
func TestRatingsLeakNothingToDepartments(t *testing.T) {
	t.Parallel()
	w := newRatingWorld(t, cstTime("2026-11-30 10:00:00"), map[string]string{"gongan": "enforcement", "shuiwu": "management"},
		"mp-zhuge-7731", "mp-other")
	secrets := []string{"mp-zhuge-7731", "REF-秘密-5521", "隐秘事项-8842", "2026-11-17", "11月17日",
		rating.RatingIDFor("mp-zhuge-7731", "REF-秘密-5521"), rating.RatingIDFor("mp-zhuge-7731", "REF-秘密-5523")}
	for i, c := range []string{"最后给出的意见", "中间给出的意见", "一开始给出的意见"} {
		w.pointA.as(t).do("POST", "/api/v1/ratings", map[string]any{"departmentId": "gongan", "window": "户籍窗口",
			"dealingRef": fmt.Sprintf("REF-秘密-552%d", i+1), "dealing": "隐秘事项-8842", "kind": "official_duty",
			"dealtOn": "2026-11-17", "grades": sheet("good"), "comment": c}, http.StatusCreated)
	}
	w.pointA.as(t).do("POST", "/api/v1/ratings/monthly-summaries", map[string]any{"departmentId": "gongan", "month": "2026-11",
		"grades": sheet("excellent"), "comment": "月度汇总意见"}, http.StatusCreated)
	w.pointB.as(t).do("POST", "/api/v1/ratings", map[string]any{"departmentId": "shuiwu", "dealingRef": "X", "dealing": "另一件事",
		"kind": "service", "dealtOn": "2026-11-16", "grades": sheet("bad"), "comment": "别的部门"}, http.StatusCreated)
	// A point sees its own sheets, with everything it gave; not another's.
	mine := w.pointA.as(t).do("GET", "/api/v1/ratings?period=2026-11", nil, http.StatusOK)
	if n := len(mine["items"].([]any)); n != 4 || !strings.Contains(fmt.Sprint(mine), "REF-秘密-5521") || strings.Contains(fmt.Sprint(mine), "另一件事") {
		t.Fatalf("the point's own sheets: %v", mine)
	}
	w.pointA.as(t).do("GET", "/api/v1/ratings?period=2026-11&point=mp-other", nil, http.StatusForbidden)

	dept := w.deptClient(t, "gongan")
	var seen []string
	get := func(path string, want int) string {
		status, body := dept.as(t).raw("GET", path, nil)
		if status != want {
			t.Fatalf("%s: %d %s, want %d", path, status, body, want)
		}
		seen = append(seen, path+" "+body)
		return body
	}
	for _, period := range []string{"2026-11", "2026-Q4", "2026"} {
		get("/api/v1/ratings/scores?period="+period, http.StatusOK)
		get("/api/v1/ratings/rankings?period="+period, http.StatusOK)
		for _, unit := range []string{"gongan", "gongan/户籍窗口"} {
			get("/api/v1/ratings/scores/drill-down?period="+period+"&unit="+strings.ReplaceAll(unit, "/", "%2F"), http.StatusOK)
		}
	}
	get("/api/v1/ratings/periods", http.StatusOK)
	get("/api/v1/ratings/schemes", http.StatusOK)
	get("/api/v1/ratings?period=2026-11", http.StatusForbidden)
	get("/api/v1/ratings/scores?period=2026-11&department=shuiwu", http.StatusForbidden)
	get("/api/v1/ratings/scores/drill-down?period=2026-11&unit=shuiwu", http.StatusNotFound)
	get("/api/v1/ratings/sheets.xlsx?period=2026-11&department=shuiwu", http.StatusForbidden)
	get("/api/v1/ratings/year-end?year=2026", http.StatusForbidden)

	// The comments, in the order of their text.
	dd := get("/api/v1/ratings/scores/drill-down?period=2026-11&unit=gongan", http.StatusOK)
	if !strings.Contains(dd, `"comments":["一开始给出的意见","中间给出的意见","最后给出的意见","月度汇总意见"]`) {
		t.Fatalf("the department's comments: %s", dd)
	}
	if !strings.Contains(dd, `"addsUp":true`) || !strings.Contains(dd, `"listed":3`) {
		t.Fatalf("the department's drill-down: %s", dd)
	}
	// The workbooks, cell by cell.
	for _, path := range []string{"/api/v1/ratings/sheets.xlsx?period=2026-11", "/api/v1/ratings/rankings.xlsx?period=2026-11"} {
		for name, rows := range cells(t, rtDownload(t, dept, path)) {
			seen = append(seen, fmt.Sprint(path, " ", name, " ", rows))
		}
	}
	sheets := cells(t, rtDownload(t, dept, "/api/v1/ratings/sheets.xlsx?period=2026-11"))["测评表"]
	if len(sheets) != 3+4 || slices.Contains(sheets[2], "监测点") || rowOf(sheets, 1, "shuiwu局") != nil {
		t.Fatalf("the department's 测评表: %v", sheets)
	}
	for _, s := range seen {
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Fatalf("a department got %q in %.400s", secret, s)
			}
		}
	}
	// The center's copy does name them.
	center := cells(t, rtDownload(t, w.handler, "/api/v1/ratings/sheets.xlsx?period=2026-11"))["测评表"]
	if rowOf(center, 4, "mp-zhuge-7731") == nil {
		t.Fatalf("the center's 测评表 does not name the point: %v", center)
	}
}
