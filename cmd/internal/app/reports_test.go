package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/reports"
	"github.com/watchpost/watchpost/eventstore/testenv"
	"github.com/watchpost/watchpost/projections"
)

// reportWorld is two replicas on one database and one NATS server, with
// the people of the special reports: two supervisors (one drafts, the
// other reviews), two leaders, and the report processes of both replicas
// reporting on one channel.
type reportWorld struct {
	*world
	second                     *app.Main
	clock                      *testenv.Clock
	ran                        chan reports.Ran
	reviewer, leader, leader2  client
	leaderID                   string
	point                      client
	onSecond                   func(c client) client
	burst                      []string // the cases of the burst
	findingID, reportID, title string
}

// pointID is the monitoring point some of the burst's complaints come
// from: it must appear in no finding, report or PDF.
const pointID = "mp-secret-4411"

func newReportWorld(t *testing.T) *reportWorld {
	t.Helper()
	clock := testenv.NewClock()
	db, nats := testenv.Postgres(t), testenv.ListeningNATS(t).URL()
	ran := make(chan reports.Ran, 1024)
	cfg := testConfig(t, db, nats, clock.Now)
	cfg.Signals.Reports = ran
	w := worldOf(t, start(t, cfg))
	cfg2 := testConfig(t, db, nats, clock.Now)
	cfg2.Signals.Reports = ran
	second := start(t, cfg2)
	leaderToken, leader, err := auth.NewTokens(w.m.Env().Pool, w.m.Now).Create(context.Background(), auth.Spec{Role: auth.RoleLeader, Name: "市长"})
	if err != nil {
		t.Fatal(err)
	}
	rw := &reportWorld{world: w, second: second, clock: clock, ran: ran,
		reviewer: client{t, w.m.URL, token(t, w.m, auth.Spec{Role: auth.RoleSupervisor, Name: "审核员"})},
		leader:   client{t, w.m.URL, leaderToken}, leaderID: leader.TokenID,
		leader2:  client{t, w.m.URL, token(t, w.m, auth.Spec{Role: auth.RoleLeader, Name: "副市长"})},
		point:    client{t, w.m.URL, token(t, w.m, auth.Spec{Role: auth.RolePoint, PointID: pointID})},
		onSecond: func(c client) client { return client{c.t, second.URL, c.token} },
	}
	// The construction bureau is in a district, so the burst also makes an
	// issue type × district cell.
	w.admin.do("PATCH", "/api/v1/departments/city-construction", map[string]any{"district": "柯城区"}, http.StatusOK)
	return rw
}

// fileBurst files a complaint received forty days ago against another
// department (the counts begin then), and six complaints against the
// construction bureau for slow action received this morning, each
// referred to it; two of them come from a monitoring point.
func (rw *reportWorld) fileBurst(t *testing.T) {
	t.Helper()
	now := rw.m.Now()
	rw.handler.as(t).do("POST", "/api/v1/cases", map[string]any{
		"channel": "letter", "complainant": map[string]any{"name": "李四"}, "respondentDepartmentId": "tax-bureau",
		"categories": []string{"integrity"}, "issueTypes": []string{"graft"}, "title": "办税窗口吃拿卡要", "description": "来信反映",
		"receivedAt": now.AddDate(0, 0, -40).Format(time.RFC3339),
	}, http.StatusCreated)
	for i := range 6 {
		body := map[string]any{
			"channel": "hotline", "respondentDepartmentId": "city-construction",
			"complainant": map[string]any{"name": secrets[0], "phone": secrets[1], "idNumber": secrets[2], "address": secrets[3], "contact": secrets[4]},
			"categories":  []string{"efficiency"}, "issueTypes": []string{"slow_action"},
			"title": fmt.Sprintf("施工许可审批超期（%d）", i+1), "description": "材料齐全，二十个工作日未批复",
			"receivedAt": now.Add(-time.Duration(i+1) * 5 * time.Minute).Format(time.RFC3339),
		}
		if i < 2 {
			body["monitoringPointId"] = pointID
		}
		id := rw.handler.as(t).do("POST", "/api/v1/cases", body, http.StatusCreated)["id"].(string)
		step(t, rw.handler, id, "/referrals", map[string]any{"departmentId": "city-construction"}, "referred")
		rw.burst = append(rw.burst, id)
	}
	slices.Sort(rw.burst)
}

// runBoth runs the detectors on both replicas at once and returns what
// each run opened.
func (rw *reportWorld) runBoth(t *testing.T) []string {
	t.Helper()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		detected []string
	)
	for _, c := range []client{rw.supervisor, rw.onSecond(rw.supervisor)} {
		wg.Go(func() {
			v := c.as(t).do("POST", "/api/v1/trend-runs", map[string]any{}, http.StatusOK)
			mu.Lock()
			defer mu.Unlock()
			for _, id := range v["detected"].([]any) {
				detected = append(detected, id.(string))
			}
		})
	}
	wg.Wait()
	return detected
}

// eventsOf counts the events of a type on an aggregate in the archive.
func eventsOf(t *testing.T, m *app.Main, aggType, id, eventType string) int {
	t.Helper()
	var n int
	if err := m.Env().Pool.QueryRow(context.Background(), `SELECT count(*) FROM events
		WHERE aggregate_type = $1 AND aggregate_id = $2 AND event_type = $3`, aggType, id, eventType).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// pdfText extracts the text of a PDF with pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	return string(out)
}

// get fetches a path as a client and returns the status, the content type
// and the body.
func (c client) get(path string) (int, string, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), b
}

// doKey posts a command with an Idempotency-Key.
func (c client) doKey(path, key string, body any) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(mustJSON(body)))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// detectAndReport brings the world to an issued report on the burst's
// finding: the burst filed, the detectors run on both replicas, a report
// drafted, reviewed by another supervisor and issued to the first leader.
func (rw *reportWorld) detectAndReport(t *testing.T) {
	t.Helper()
	rw.fileBurst(t)
	detected := rw.runBoth(t)
	if len(detected) != 1 {
		t.Fatalf("two replicas running the detectors together opened %v, want one finding", detected)
	}
	rw.findingID = detected[0]
	rw.title = "关于市住建局施工许可“慢作为”投诉集中的专报"
	v := rw.supervisor.as(t).do("POST", "/api/v1/special-reports", map[string]any{
		"title": rw.title, "summary": "今日上午市住建局施工许可审批“慢作为”投诉集中出现。",
		"analysis": "六件投诉均反映材料齐全仍超期未批复。", "recommendations": "建议对所涉案件督办，并限期整改。",
		"findings": []string{rw.findingID},
	}, http.StatusCreated)
	rw.reportID = v["id"].(string)
	rw.supervisor.as(t).do("POST", "/api/v1/special-reports/"+rw.reportID+"/submission", map[string]any{}, http.StatusOK)
	rw.reviewer.as(t).do("POST", "/api/v1/special-reports/"+rw.reportID+"/review", map[string]any{"approve": true}, http.StatusOK)
	rw.supervisor.as(t).do("POST", "/api/v1/special-reports/"+rw.reportID+"/issuance", map[string]any{"leaders": []string{rw.leaderID}}, http.StatusOK)
}

// waitRan waits until the report processes have reported a step that
// began after since, and that cond accepts.
func (rw *reportWorld) waitRan(t *testing.T, what string, since time.Time, cond func(reports.Ran) bool) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case r := <-rw.ran:
			if r.Err != nil {
				t.Logf("report process: %v", r.Err)
			}
			if r.Began.After(since) && cond(r) {
				return
			}
		case <-timeout:
			t.Fatalf("the report processes never reported %s", what)
		}
	}
}

// TestReportBurstToSupervision is issue 12's "Done when": a burst of
// complaints against one department for one issue type raises one finding
// (also with two replicas running the detectors together, and run again);
// a supervisor reports it, another reviews it, it is issued to a leader,
// who reads it (a receipt), downloads the PDF and instructs supervision;
// every case behind it carries exactly one supervision order, also when
// the instruction is sent twice to two replicas; the follow-up falls due
// and is marked overdue once; the report is closed; and the read models
// equal a rebuild.
func TestReportBurstToSupervision(t *testing.T) {
	t.Parallel()
	rw := newReportWorld(t)
	rw.detectAndReport(t)

	// One finding: tendency on department × issue type, with the cells
	// that saw the same cases as its corroboration.
	list := rw.supervisor.as(t).do("GET", "/api/v1/trend-findings", nil, http.StatusOK)["items"].([]any)
	if len(list) != 1 {
		t.Fatalf("%d findings: %v", len(list), list)
	}
	f := list[0].(map[string]any)
	cell := f["cell"].(map[string]any)
	if f["id"] != rw.findingID || f["kind"] != "tendency" || f["status"] != "open" || f["caseCount"] != float64(6) ||
		cell["dimension"] != "department_issue" || cell["department"] != "city-construction" || cell["issueType"] != "slow_action" {
		t.Fatalf("the finding: %v", f)
	}
	var seen []string
	for _, c := range f["corroborating"].([]any) {
		seen = append(seen, c.(map[string]any)["cell"].(map[string]any)["dimension"].(string))
	}
	slices.Sort(seen)
	if fmt.Sprint(seen) != "[department_category issue issue_district]" {
		t.Fatalf("corroborated by %v", seen)
	}
	var cases []string
	for _, c := range f["cases"].([]any) {
		cases = append(cases, c.(string))
	}
	if !slices.Equal(cases, rw.burst) {
		t.Fatalf("the finding's cases %v, the burst %v", cases, rw.burst)
	}
	// Run again on both: nothing new.
	if again := rw.runBoth(t); len(again) != 0 {
		t.Fatalf("a second run opened %v", again)
	}
	if n := len(rw.supervisor.as(t).do("GET", "/api/v1/trend-findings", nil, http.StatusOK)["items"].([]any)); n != 1 {
		t.Fatalf("%d findings after a second run", n)
	}
	if n := eventsOf(t, rw.m, "finding", rw.findingID, "TrendDetected"); n != 1 {
		t.Fatalf("%d TrendDetected events", n)
	}
	detail := rw.supervisor.as(t).do("GET", "/api/v1/trend-findings/"+rw.findingID, nil, http.StatusOK)
	if points := detail["chart"].(map[string]any)["points"].([]any); len(points) == 0 ||
		points[len(points)-1].(map[string]any)["cases"] != float64(6) || points[len(points)-1].(map[string]any)["finding"] != true {
		t.Fatalf("the chart: %v", detail["chart"])
	}

	// The leader it was issued to reads it (a receipt, once), the other
	// leader does not find it.
	if inbox := rw.leader2.as(t).do("GET", "/api/v1/special-reports", nil, http.StatusOK)["items"].([]any); len(inbox) != 0 {
		t.Fatalf("another leader's inbox: %v", inbox)
	}
	rw.leader2.as(t).do("GET", "/api/v1/special-reports/"+rw.reportID, nil, http.StatusNotFound)
	inbox := rw.leader.as(t).do("GET", "/api/v1/special-reports", nil, http.StatusOK)["items"].([]any)
	if len(inbox) != 1 || inbox[0].(map[string]any)["opened"] != false {
		t.Fatalf("the leader's inbox: %v", inbox)
	}
	read := rw.leader.as(t).do("GET", "/api/v1/special-reports/"+rw.reportID, nil, http.StatusOK)
	rw.onSecond(rw.leader).as(t).do("GET", "/api/v1/special-reports/"+rw.reportID, nil, http.StatusOK)
	if read["title"] != rw.title || len(read["cases"].([]any)) != 6 || len(read["charts"].([]any)) != 1 ||
		read["recipients"].([]any)[0].(map[string]any)["openedAt"] == nil || read["review"] != nil {
		t.Fatalf("the leader's reading: %v", read)
	}
	if n := eventsOf(t, rw.m, "report", rw.reportID, "ReportOpened"); n != 1 {
		t.Fatalf("%d read receipts", n)
	}

	// The PDF: its title and text in Chinese.
	status, ctype, pdf := rw.leader.as(t).get("/api/v1/special-reports/" + rw.reportID + "/pdf")
	if status != http.StatusOK || ctype != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("PDF: %d %s %.40q", status, ctype, pdf)
	}
	text := pdfText(t, pdf)
	if !strings.Contains(text, rw.title) || !strings.Contains(text, "倾向性") || !strings.Contains(text, "施工许可审批超期") {
		t.Fatalf("the PDF's text lacks the title or the finding: %s", text)
	}

	// The instruction, sent twice with the same key to the two replicas at
	// once: one instruction, one supervision order on each case.
	instruction := map[string]any{"text": "请效能办对所涉案件督办，市住建局限期整改并反馈。", "supervision": "supervise",
		"followUp": map[string]any{"departmentId": "city-construction", "workdays": 3}}
	var wg sync.WaitGroup
	for _, c := range []client{rw.leader, rw.onSecond(rw.leader)} {
		wg.Go(func() {
			if status, body := c.as(t).doKey("/api/v1/special-reports/"+rw.reportID+"/instructions", "instruct-1", instruction); status != http.StatusOK {
				t.Errorf("instruction: %d %s", status, body)
			}
		})
	}
	wg.Wait()
	// Asked again with another key: supervision at that level is ordered.
	rw.leader.as(t).do("POST", "/api/v1/special-reports/"+rw.reportID+"/instructions", instruction, http.StatusConflict)
	v := rw.supervisor.as(t).do("GET", "/api/v1/special-reports/"+rw.reportID, nil, http.StatusOK)
	ins := v["instructions"].([]any)
	if len(ins) != 1 || ins[0].(map[string]any)["dispatched"] != true || ins[0].(map[string]any)["ordered"] != float64(6) || v["status"] != "instructed" {
		t.Fatalf("instructions: %v", v["instructions"])
	}
	for _, id := range rw.burst {
		if n := eventsOf(t, rw.m, "case", id, "SupervisionOrdered"); n != 1 {
			t.Fatalf("case %s has %d supervision orders", id, n)
		}
		c := rw.supervisor.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
		if c["supervisionLevel"] != float64(2) {
			t.Fatalf("case %s: supervision level %v", id, c["supervisionLevel"])
		}
	}

	// The follow-up is due at the end of the third working day: past it,
	// one of the replicas marks it overdue, once.
	due, err := time.Parse(time.RFC3339, ins[0].(map[string]any)["followUp"].(map[string]any)["dueAt"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if want := cstTime("2026-11-28 00:00:00"); os.Getenv(testenv.StartEnv) == "" && !due.Equal(want) {
		t.Fatalf("follow-up due %s, want %s", due, want)
	}
	moved := time.Now()
	rw.clock.Set(due.Add(time.Minute))
	rw.waitRan(t, "the follow-up overdue", moved, func(r reports.Ran) bool { return r.Overdue > 0 })
	// Both processes take another step: still one.
	after := time.Now()
	rw.waitRan(t, "a later step", after, func(r reports.Ran) bool { return true })
	rw.waitRan(t, "a later step", after, func(r reports.Ran) bool { return true })
	if n := eventsOf(t, rw.m, "report", rw.reportID, "FollowUpOverdue"); n != 1 {
		t.Fatalf("%d overdue events", n)
	}
	rw.supervisor.as(t).do("POST", "/api/v1/special-reports/"+rw.reportID+"/closure", map[string]any{}, http.StatusConflict)
	rw.supervisor.as(t).do("POST", "/api/v1/special-reports/"+rw.reportID+"/instructions/i1/follow-up",
		map[string]any{"summary": "已完成整改，施工许可审批时限压缩至5个工作日。"}, http.StatusOK)
	closed := rw.supervisor.as(t).do("POST", "/api/v1/special-reports/"+rw.reportID+"/closure", map[string]any{"note": "落实完毕"}, http.StatusOK)
	if closed["status"] != "closed" {
		t.Fatalf("closed: %v", closed["status"])
	}

	// The metrics: open findings by kind, reports by state, the runs'
	// duration.
	_, _, metrics := rw.anon.as(t).get("/metrics")
	for _, want := range []string{`watchpost_trend_findings_open{kind="tendency"} 1`, `watchpost_special_reports{state="closed"} 1`,
		`watchpost_special_reports{state="draft"} 0`, `watchpost_trend_run_duration_seconds_count{trigger="on_demand"}`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// Every read model equals a replay of the archive.
	rep, err := projections.Rebuild(context.Background(), rw.m.Env().Pool, testProjections(), projections.RebuildOptions{})
	if err != nil || rep.Differences() != 0 {
		t.Fatalf("rebuild: %+v %v", rep, err)
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestReportLeaks: no finding, report or PDF a department, a monitoring
// point or the public can reach names a finding or a report, and what
// supervisors and leaders read of them carries no personal data and no
// reporting point.
func TestReportLeaks(t *testing.T) {
	t.Parallel()
	rw := newReportWorld(t)
	rw.detectAndReport(t)
	rw.leader.as(t).do("POST", "/api/v1/special-reports/"+rw.reportID+"/instructions",
		map[string]any{"text": "请督办", "supervision": "urge"}, http.StatusOK)
	markers := []string{rw.findingID, rw.reportID, rw.title, "今日上午市住建局", "tendency", "ewma"}
	named := func(s string) []string {
		var out []string
		for _, m := range append(leaks(s), markers...) {
			if strings.Contains(s, m) {
				out = append(out, m)
			}
		}
		return out
	}
	ids := strings.NewReplacer("/api/v1/trend-findings/{id}", "/api/v1/trend-findings/"+rw.findingID,
		"/api/v1/special-reports/{id}", "/api/v1/special-reports/"+rw.reportID, "{iid}", "i1")
	outsiders := map[string]client{"department": rw.dept, "another department": rw.other, "point": rw.point, "the public": rw.anon}
	for who, c := range outsiders {
		for key := range reportsMatrix {
			method, pattern, _ := strings.Cut(key, " ")
			var body any
			if method != "GET" {
				body = map[string]any{"reason": "x", "text": "x", "summary": "x", "leaders": []string{rw.leaderID}}
			}
			status, out := c.as(t).raw(method, ids.Replace(pattern), body)
			if status != http.StatusUnauthorized && status != http.StatusForbidden {
				t.Errorf("%s reached %s: %d %.200s", who, key, status, out)
			}
			if n := named(out); len(n) > 0 {
				t.Errorf("%s got %v from %s: %.300s", who, n, key, out)
			}
		}
	}
	// What a department and a point see of the cases behind the report:
	// the supervision order, with no word of the report or the finding.
	for who, c := range map[string]client{"department": rw.dept, "point": rw.point} {
		var seen []string
		get := func(path string) {
			status, out := c.as(t).raw("GET", path, nil)
			if status >= 500 {
				t.Fatalf("%s: %s: %d %s", who, path, status, out)
			}
			seen = append(seen, path+" "+out)
		}
		get("/api/v1/cases")
		get("/api/v1/escalations")
		for _, id := range rw.burst {
			get("/api/v1/cases/" + id)
			get("/api/v1/cases/" + id + "/events")
		}
		for _, s := range seen {
			if n := named(s); len(n) > 0 {
				t.Errorf("%s got %v in %.300s", who, n, s)
			}
		}
		if who == "department" && !strings.Contains(strings.Join(seen, " "), "SupervisionOrdered") {
			t.Errorf("the department does not see the supervision ordered on its cases")
		}
	}
	// What supervisors and leaders read: no personal data, no reporting
	// point.
	var read []string
	for _, c := range []client{rw.supervisor, rw.leader} {
		for _, path := range []string{"/api/v1/special-reports", "/api/v1/special-reports/" + rw.reportID} {
			_, out := c.as(t).raw("GET", path, nil)
			read = append(read, out)
		}
		_, _, pdf := c.as(t).get("/api/v1/special-reports/" + rw.reportID + "/pdf")
		read = append(read, pdfText(t, pdf), string(pdf))
	}
	for _, path := range []string{"/api/v1/trend-findings", "/api/v1/trend-findings/" + rw.findingID} {
		_, out := rw.supervisor.as(t).raw("GET", path, nil)
		read = append(read, out)
	}
	for _, s := range read {
		if l := leaks(s); len(l) > 0 || strings.Contains(s, pointID) {
			t.Errorf("a finding or a report carries %v (or the point): %.300s", l, s)
		}
	}
	// Nor do the read models of the counts, the findings and the reports.
	ctx := context.Background()
	for _, table := range []string{"trend_cases", "trend_counts", "trend_findings", "special_reports"} {
		var rows string
		if err := rw.m.Env().Pool.QueryRow(ctx, `SELECT coalesce(string_agg(t::text, ' '), '') FROM proj.`+table+` t`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if l := leaks(rows); len(l) > 0 {
			t.Errorf("proj.%s holds %v", table, l)
		}
		if table != "trend_cases" && table != "trend_counts" && strings.Contains(rows, pointID) {
			t.Errorf("proj.%s names the reporting point", table)
		}
	}
}

// TestReportDailyRunOnce: the daily run, at its hour, on the day before,
// is made once by two replicas whose processes run it together, and not
// again by a replica started after it; the burst of the day before is one
// finding.
func TestReportDailyRunOnce(t *testing.T) {
	t.Parallel()
	// Just before the hour (01:00) on Wednesday 25 November: yesterday's
	// run is not due yet.
	start0 := cstTime("2026-11-25 00:59:00")
	clock := testenv.ClockAt(start0)
	db, nats := testenv.Postgres(t), testenv.ListeningNATS(t).URL()
	ran := make(chan reports.Ran, 1024)
	config := func() app.Config {
		cfg := testConfig(t, db, nats, clock.Now)
		cfg.TrendHour, cfg.Signals.Reports = 1, ran
		return cfg
	}
	w := worldOf(t, start(t, config()))
	start(t, config())
	rw := &reportWorld{world: w, ran: ran}
	// The burst was received yesterday, the first complaint forty days
	// before.
	yesterday := start0.AddDate(0, 0, -1).Add(10 * time.Hour)
	w.handler.as(t).do("POST", "/api/v1/cases", map[string]any{
		"channel": "letter", "complainant": map[string]any{"name": "李四"}, "respondentDepartmentId": "tax-bureau",
		"categories": []string{"integrity"}, "issueTypes": []string{"graft"}, "title": "办税窗口吃拿卡要", "description": "来信反映",
		"receivedAt": yesterday.AddDate(0, 0, -40).Format(time.RFC3339),
	}, http.StatusCreated)
	for i := range 6 {
		w.handler.as(t).do("POST", "/api/v1/cases", map[string]any{
			"channel": "hotline", "respondentDepartmentId": "city-construction", "complainant": map[string]any{"name": "王五"},
			"categories": []string{"efficiency"}, "issueTypes": []string{"slow_action"}, "title": fmt.Sprintf("施工许可审批超期（%d）", i+1),
			"description": "材料齐全", "receivedAt": yesterday.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
		}, http.StatusCreated)
	}
	// The hour comes: both processes run yesterday's detectors; one of
	// them records the run, the other finds it recorded.
	moved := time.Now()
	clock.Set(cstTime("2026-11-25 01:00:05"))
	runs := 0
	rw.waitRan(t, "the daily run", moved, func(r reports.Ran) bool {
		for _, d := range r.Daily {
			if d.Day.String() == "2026-11-24" {
				runs++
				if len(d.Detected) != 1 {
					t.Errorf("the daily run opened %v", d.Detected)
				}
			}
		}
		return runs > 0
	})
	// A replica started now finds the run recorded; every process takes a
	// few more steps.
	start(t, config())
	after := time.Now()
	for range 6 {
		rw.waitRan(t, "a later step", after, func(r reports.Ran) bool {
			for _, d := range r.Daily {
				if d.Day.String() == "2026-11-24" {
					runs++
				}
			}
			return true
		})
	}
	if runs != 1 {
		t.Fatalf("the daily run of 24 November was made %d times", runs)
	}
	if n := eventsOf(t, w.m, "trend_run", "daily-2026-11-24", "TrendRunCompleted"); n != 1 {
		t.Fatalf("%d records of the daily run", n)
	}
	list := w.supervisor.as(t).do("GET", "/api/v1/trend-findings", nil, http.StatusOK)["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["lastRaised"] != "2026-11-24" {
		t.Fatalf("findings: %v", list)
	}
	fid := list[0].(map[string]any)["id"].(string)
	if n := eventsOf(t, w.m, "finding", fid, "TrendDetected"); n != 1 {
		t.Fatalf("%d TrendDetected", n)
	}

	// Nine days later (the replicas were down meanwhile), the missed daily
	// runs are made; more than seven days without a raise, the finding is
	// no longer supported and ends, once.
	moved = time.Now()
	clock.Set(cstTime("2026-12-04 01:00:05"))
	rw.waitRan(t, "the finding ended", moved, func(r reports.Ran) bool {
		for _, d := range r.Daily {
			if slices.Contains(d.Ended, fid) {
				return true
			}
		}
		return false
	})
	after = time.Now()
	for range 3 {
		rw.waitRan(t, "a later step", after, func(r reports.Ran) bool { return true })
	}
	if n := eventsOf(t, w.m, "finding", fid, "TrendEnded"); n != 1 {
		t.Fatalf("%d TrendEnded", n)
	}
	if f := w.supervisor.as(t).do("GET", "/api/v1/trend-findings/"+fid, nil, http.StatusOK); f["status"] != "ended" {
		t.Fatalf("the finding after nine quiet days: %v", f["status"])
	}
	if n := eventsOf(t, w.m, "trend_run", "daily-2026-12-03", "TrendRunCompleted"); n != 1 {
		t.Fatalf("%d records of the run of 3 December", n)
	}
}

// TestReportWidespread: the same issue type against four departments on
// one day, one case each, is one widespread (普遍性) finding on the issue
// type citywide; no department's cell alone is anything.
func TestReportWidespread(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, d := range []string{"market-regulation", "natural-resources"} {
		w.admin.do("POST", "/api/v1/departments", map[string]any{"id": d, "name": d, "category": "enforcement"}, http.StatusCreated)
	}
	now := w.m.Now()
	w.handler.as(t).do("POST", "/api/v1/cases", map[string]any{"channel": "letter", "complainant": map[string]any{"name": "李四"},
		"respondentDepartmentId": "tax-bureau", "categories": []string{"integrity"}, "issueTypes": []string{"graft"},
		"title": "来信", "description": "来信反映", "receivedAt": now.AddDate(0, 0, -40).Format(time.RFC3339)}, http.StatusCreated)
	for _, d := range []string{"city-construction", "tax-bureau", "market-regulation", "natural-resources"} {
		w.handler.as(t).do("POST", "/api/v1/cases", map[string]any{"channel": "hotline", "complainant": map[string]any{"name": "王五"},
			"respondentDepartmentId": d, "categories": []string{"lawful_administration"}, "issueTypes": []string{"arbitrary_inspection"},
			"title": "重复检查", "description": "一月内三次入企检查", "receivedAt": now.Add(-time.Hour).Format(time.RFC3339)}, http.StatusCreated)
	}
	run := w.supervisor.as(t).do("POST", "/api/v1/trend-runs", map[string]any{}, http.StatusOK)
	if n := len(run["detected"].([]any)); n != 1 {
		t.Fatalf("the run opened %d findings: %v", n, run)
	}
	f := w.supervisor.as(t).do("GET", "/api/v1/trend-findings/"+run["detected"].([]any)[0].(string), nil, http.StatusOK)
	sig := f["signal"].(map[string]any)
	if f["kind"] != "widespread" || f["cell"].(map[string]any)["dimension"] != "issue" || sig["method"] != "spread" ||
		sig["sources"] != "departments" || sig["observed"] != float64(4) || f["caseCount"] != float64(4) {
		t.Fatalf("the finding: %v", f)
	}
}

// TestReportCountsFromTheNetwork: a complaint from a monitoring point is
// counted under the point's kind and, the point naming no district, its
// workstation's district; the counts equal a rebuild.
func TestReportCountsFromTheNetwork(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.admin.do("POST", "/api/v1/network/workstations", map[string]any{"id": "ws-kc", "name": "柯城区工作站", "hostUnit": "柯城区投诉中心",
		"district": "柯城区", "contact": map[string]any{"name": "联络员", "phone": "13500001111"}}, http.StatusCreated)
	w.admin.do("POST", "/api/v1/network/points", map[string]any{"id": "mp-kc-01", "name": "柯城某机械厂", "kind": "enterprise", "workstationId": "ws-kc"}, http.StatusCreated)
	w.handler.as(t).do("POST", "/api/v1/cases", map[string]any{"channel": "monitoring_point", "monitoringPointId": "mp-kc-01",
		"complainant": map[string]any{"name": "王五"}, "respondentDepartmentId": "city-construction", "categories": []string{"efficiency"},
		"issueTypes": []string{"slow_action"}, "title": "审批超期", "description": "二十个工作日未批复"}, http.StatusCreated)
	// A run waits for the counts to hold everything archived.
	w.supervisor.as(t).do("POST", "/api/v1/trend-runs", map[string]any{}, http.StatusOK)
	rows, err := w.m.Env().Pool.Query(context.Background(), `SELECT dimension || '/' || a || '/' || b || ' ' || cases || ' ' || array_to_string(points, ',')
		|| ' ' || array_to_string(districts, ',') || ' ' || array_to_string(departments, ',') FROM proj.trend_counts ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	rows.Close()
	want := []string{
		"department_category/city-construction/efficiency 1 mp-kc-01 柯城区 city-construction",
		"department_issue/city-construction/slow_action 1 mp-kc-01 柯城区 city-construction",
		"issue/slow_action/ 1 mp-kc-01 柯城区 city-construction",
		"issue_district/slow_action/柯城区 1 mp-kc-01 柯城区 city-construction",
		"issue_point_type/slow_action/enterprise 1 mp-kc-01 柯城区 city-construction",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the counts:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	rep, err := projections.Rebuild(context.Background(), w.m.Env().Pool, testProjections(), projections.RebuildOptions{})
	if err != nil || rep.Differences() != 0 {
		t.Fatalf("rebuild: %+v %v", rep, err)
	}
}
