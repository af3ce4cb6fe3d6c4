package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	netsvc "github.com/watchpost/watchpost/cmd/internal/network"
	"github.com/watchpost/watchpost/eventstore/testenv"
	"github.com/watchpost/watchpost/projections"
	"github.com/xuri/excelize/v2"
)

// networkNotified gives a configuration a channel on which its network
// process reports each step.
func networkNotified(cfg app.Config) (app.Config, chan netsvc.Swept) {
	ch := make(chan netsvc.Swept, 256)
	cfg.Signals.Network = ch
	return cfg, ch
}

// networkSettled waits until the network process reporting on ch has
// begun a step after since that raised nothing: it looked again and found
// nothing more to do.
func networkSettled(t *testing.T, ch <-chan netsvc.Swept, since time.Time) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-ch:
			if s.Began.After(since) && s.Overdue == 0 && s.Flagged == 0 && s.Err == nil {
				return
			}
		case <-timeout:
			t.Fatal("the network process did not settle")
		}
	}
}

// archived counts the archived events of a type on an aggregate.
func archived(t *testing.T, m *app.Main, eventType, aggregateID string) int {
	t.Helper()
	var n int
	if err := m.Env().Pool.QueryRow(context.Background(), `SELECT count(*) FROM events WHERE event_type = $1 AND aggregate_id = $2`,
		eventType, aggregateID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// download fetches a route's body and its content type.
func (c client) download(path string) ([]byte, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
	return body, res.Header.Get("Content-Type")
}

// sheetRows reads the only sheet of an xlsx.
func sheetRows(t *testing.T, data []byte) (string, [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the xlsx does not open: %v", err)
	}
	defer f.Close()
	name := f.GetSheetName(0)
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	return name, rows
}

// rowWith finds the first row whose cell col is v.
func rowWith(rows [][]string, col int, v string) []string {
	for _, r := range rows {
		if len(r) > col && r[col] == v {
			return r
		}
	}
	return nil
}

// network is a small monitoring network on a running server: two
// workstations, three points on the published roster of 2026, a
// supervisor who looks after ws-a, and the tokens of its people.
type networkWorld struct {
	*world
	pointA1, pointA2, wsA, wsB, sup client
	supID                           string
}

func newNetwork(t *testing.T, w *world) *networkWorld {
	t.Helper()
	n := &networkWorld{world: w}
	a := w.admin.as(t)
	a.do("POST", "/api/v1/network/workstations", map[string]any{"id": "ws-a", "name": "开发区工作站", "hostUnit": "市经济开发区管委会",
		"leader": "王副主任", "office": "企业服务科", "district": "柯城区",
		"contact": map[string]any{"name": secrets[0], "phone": secrets[1], "office": secrets[3]}}, http.StatusCreated)
	a.do("POST", "/api/v1/network/workstations", map[string]any{"id": "ws-b", "name": "衢江区工作站", "hostUnit": "衢江区投诉中心", "district": "衢江区"}, http.StatusCreated)
	a.do("POST", "/api/v1/network/points", map[string]any{"id": "mp-a1", "name": "衢州某纸业有限公司", "kind": "enterprise", "district": "柯城区",
		"workstationId": "ws-a", "contact": map[string]any{"name": secrets[0], "phone": secrets[1]}}, http.StatusCreated)
	a.do("POST", "/api/v1/network/points", map[string]any{"id": "mp-a2", "name": "某建设项目", "kind": "project", "workstationId": "ws-a"}, http.StatusCreated)
	a.do("POST", "/api/v1/network/points", map[string]any{"id": "mp-b1", "name": "某社区", "kind": "community", "workstationId": "ws-b"}, http.StatusCreated)
	a.do("POST", "/api/v1/network/rosters", map[string]any{"year": 2026}, http.StatusCreated)
	for _, p := range []string{"mp-a1", "mp-a2", "mp-b1"} {
		a.do("POST", "/api/v1/network/rosters/2026/additions", map[string]any{"pointId": p, "reason": "首批设点"}, http.StatusOK)
	}
	roster := a.do("POST", "/api/v1/network/rosters/2026/publication", map[string]any{}, http.StatusOK)
	if roster["published"] != true || len(roster["points"].([]any)) != 3 {
		t.Fatalf("roster: %v", roster)
	}
	tokenFor := func(spec map[string]any) (string, string) {
		out := a.do("POST", "/api/v1/tokens", spec, http.StatusCreated)
		return out["token"].(string), out["principal"].(map[string]any)["tokenId"].(string)
	}
	tok, _ := tokenFor(map[string]any{"role": "point", "pointId": "mp-a1", "name": "纸业联络员"})
	n.pointA1 = client{t, w.m.URL, tok}
	tok, _ = tokenFor(map[string]any{"role": "point", "pointId": "mp-a2"})
	n.pointA2 = client{t, w.m.URL, tok}
	tok, _ = tokenFor(map[string]any{"role": "point", "pointId": "ws-a", "name": "开发区工作站联络员"})
	n.wsA = client{t, w.m.URL, tok}
	tok, _ = tokenFor(map[string]any{"role": "point", "pointId": "ws-b"})
	n.wsB = client{t, w.m.URL, tok}
	tok, id := tokenFor(map[string]any{"role": "supervisor", "name": "张监督员"})
	n.sup, n.supID = client{t, w.m.URL, tok}, id
	a.do("POST", "/api/v1/network/supervisors", map[string]any{"id": "sup-zhang", "name": "张监督员", "tokenId": id}, http.StatusCreated)
	a.do("POST", "/api/v1/network/supervisors/sup-zhang/assignment", map[string]any{"workstationIds": []string{"ws-a"}, "pointIds": []string{"mp-a1"}}, http.StatusOK)
	return n
}

// TestNetworkEndToEnd walks issue 13's "done when": a workstation with
// points and the published roster, a visit whose feedback becomes a
// complaint, one workstation's monthly report submitted and another's
// overdue once (with two replicas, and again after a restart), an
// inspection registered by both sides and a fee by one, paired and
// flagged, the exports read back, and the read models equal to a rebuild.
func TestNetworkEndToEnd(t *testing.T) {
	t.Parallel()
	clock := clockAt(cstTime("2026-11-24 10:00:00")) // a Tuesday
	db, nats := testenv.Postgres(t), testenv.ListeningNATS(t).URL()
	cfgA, sweptA := networkNotified(testConfig(t, db, nats, clock.Now))
	cfgB, sweptB := networkNotified(testConfig(t, db, nats, clock.Now))
	first := app.NewMain(cfgA)
	if err := first.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := start(t, cfgB)
	n := newNetwork(t, worldOf(t, first))
	a := n.admin.as(t)

	// A token for an unknown point, or a retired one, is refused.
	a.do("POST", "/api/v1/tokens", map[string]any{"role": "point", "pointId": "mp-nowhere"}, http.StatusUnprocessableEntity)
	a.do("POST", "/api/v1/network/points", map[string]any{"id": "mp-gone", "name": "已迁出企业", "kind": "enterprise", "workstationId": "ws-b"}, http.StatusCreated)
	a.do("POST", "/api/v1/network/points/mp-gone/retirement", map[string]any{"reason": "企业迁出本市"}, http.StatusOK)
	a.do("POST", "/api/v1/tokens", map[string]any{"role": "point", "pointId": "mp-gone"}, http.StatusUnprocessableEntity)

	// The supervisor visits mp-a1; the complaint collected is filed in the
	// same step.
	visit := n.sup.as(t).do("POST", "/api/v1/network/visits", map[string]any{
		"pointId": "mp-a1", "visitedAt": "2026-11-20T10:00:00+08:00", "met": "联络员及企业负责人",
		"items": []map[string]any{
			{"kind": "opinion", "text": "希望简化年报流程"},
			{"kind": "complaint", "text": "办理施工许可需跑五个窗口，二十个工作日未批复", "departmentId": "city-construction",
				"file": map[string]any{"categories": []string{"efficiency"}, "issueTypes": []string{"slow_action"}}},
		}}, http.StatusCreated)
	items := visit["items"].([]any)
	caseID, _ := items[1].(map[string]any)["caseId"].(string)
	if caseID == "" || items[0].(map[string]any)["caseId"] != nil {
		t.Fatalf("visit: %v", visit)
	}
	filed := n.handler.as(t).do("GET", "/api/v1/cases/"+caseID, nil, http.StatusOK)
	if filed["channel"] != "supervisor_visit" || filed["monitoringPointId"] != "mp-a1" || filed["respondentDepartmentId"] != "city-construction" ||
		filed["visitId"] != visit["id"] {
		t.Fatalf("the visit's complaint: %v", filed)
	}
	// The supervisor may not visit what they do not look after.
	n.sup.as(t).do("POST", "/api/v1/network/visits", map[string]any{"pointId": "mp-b1", "visitedAt": "2026-11-20T10:00:00+08:00", "met": "联络员"}, http.StatusForbidden)
	comp := n.handler.as(t).do("GET", "/api/v1/network/compliance?month=2026-11", nil, http.StatusOK)
	if s := fmt.Sprint(comp["supervisors"]); !strings.Contains(s, "unvisitedWorkstations:[ws-a]") || !strings.Contains(s, "unvisitedPoints:[]") {
		t.Fatalf("compliance: %v", comp["supervisors"])
	}
	if fmt.Sprint(comp["meetingsMissing"]) != "[2026-q1 2026-q2 2026-q3 2026-q4]" {
		t.Fatalf("meetings missing: %v", comp["meetingsMissing"])
	}

	// Two-way registration: an inspection on both sides, a fee on the
	// point's only.
	dept := n.dept.as(t)
	insp := dept.do("POST", "/api/v1/network/registrations", map[string]any{"pointId": "mp-a1", "officer": "李四", "kind": "inspection",
		"legalBasis": "《建筑法》第六十四条", "occurredAt": "2026-11-23T09:00:00+08:00", "documentNo": "衢建检〔2026〕15号"}, http.StatusCreated)
	if insp["paired"] != false || insp["side"] != "department" {
		t.Fatalf("the department's inspection: %v", insp)
	}
	seen := n.pointA1.as(t).do("POST", "/api/v1/network/registrations", map[string]any{"departmentId": "city-construction", "kind": "inspection",
		"occurredAt": "2026-11-23T10:30:00+08:00"}, http.StatusCreated)
	if seen["paired"] != true {
		t.Fatalf("the point's inspection did not pair: %v", seen)
	}
	fee := n.pointA1.as(t).do("POST", "/api/v1/network/registrations", map[string]any{"departmentId": "city-construction", "kind": "fee",
		"amount": "50.00", "occurredAt": "2026-11-23T11:00:00+08:00", "officer": "王五"}, http.StatusCreated)
	if fee["paired"] != false {
		t.Fatalf("a one-sided fee paired: %v", fee)
	}

	// The monthly reports of November: ws-a's lists the visit's complaint
	// and adds a suggestion; ws-b submits nothing.
	draft := n.wsA.as(t).do("GET", "/api/v1/network/workstations/ws-a/reports/2026-11", nil, http.StatusOK)
	if draft["status"] != "open" || len(draft["listed"].([]any)) != 1 || !strings.Contains(fmt.Sprint(draft["listed"]), caseID) {
		t.Fatalf("ws-a's draft: %v", draft)
	}
	own := n.pointA2.as(t).do("GET", "/api/v1/network/workstations/ws-a/reports/2026-11", nil, http.StatusOK)
	if len(own["listed"].([]any)) != 0 || len(own["points"].([]any)) != 1 {
		t.Fatalf("mp-a2 sees others' lines of the report: %v", own)
	}
	n.wsB.as(t).do("POST", "/api/v1/network/workstations/ws-a/reports/2026-11", map[string]any{"zero": true}, http.StatusNotFound)
	n.wsA.as(t).do("POST", "/api/v1/network/workstations/ws-a/reports/2026-11", map[string]any{"zero": true}, http.StatusUnprocessableEntity)
	sub := n.wsA.as(t).do("POST", "/api/v1/network/workstations/ws-a/reports/2026-11", map[string]any{"items": []map[string]any{
		{"pointId": "mp-a2", "kind": "suggestion", "text": "建议推行一窗受理", "count": 2}}}, http.StatusOK)
	if sub["status"] != "submitted" || sub["late"] != false || len(sub["items"].([]any)) != 2 {
		t.Fatalf("ws-a's report: %v", sub)
	}

	// The 5th of December ends: ws-b's report is overdue, raised once
	// though two replicas try; the one-sided fee is flagged (7 days).
	clock.Set(cstTime("2026-12-06 00:00:01"))
	waitFor(t, "the overdue report", 10*time.Second, func() bool { return archived(t, first, "MonthlyReportOverdue", "ws-b_2026-11") == 1 })
	now := time.Now()
	networkSettled(t, sweptA, now)
	networkSettled(t, sweptB, now)
	if got := archived(t, first, "MonthlyReportOverdue", "ws-b_2026-11"); got != 1 {
		t.Fatalf("ws-b's report overdue %d times", got)
	}
	if got := archived(t, first, "MonthlyReportOverdue", "ws-a_2026-11"); got != 0 {
		t.Fatal("a submitted report was found overdue")
	}
	board := n.supervisor.as(t).do("GET", "/api/v1/escalations?kind=monthly_report", nil, http.StatusOK)
	if b := fmt.Sprint(board["items"]); !strings.Contains(b, "caseId:ws-b_2026-11") || strings.Contains(b, "ws-a_2026-11") {
		t.Fatalf("board: %v", board["items"])
	}
	if b := n.dept.as(t).do("GET", "/api/v1/escalations", nil, http.StatusOK); strings.Contains(fmt.Sprint(b), "monthly_report") {
		t.Fatalf("a department's board shows the workstations' reports: %v", b)
	}
	overdue := n.handler.as(t).do("GET", "/api/v1/network/reports?month=2026-11&status=overdue", nil, http.StatusOK)
	if s := fmt.Sprint(overdue["items"]); len(overdue["items"].([]any)) != 1 || !strings.Contains(s, "workstationId:ws-b") {
		t.Fatalf("overdue reports: %v", s)
	}

	unmatched := n.handler.as(t).do("GET", "/api/v1/network/registrations?month=2026-11&unmatched=true", nil, http.StatusOK)
	if s := fmt.Sprint(unmatched["items"]); len(unmatched["items"].([]any)) != 1 || !strings.Contains(s, "flag:department_did_not_register") || !strings.Contains(s, "kind:fee") {
		t.Fatalf("unmatched: %v", s)
	}
	all := n.handler.as(t).do("GET", "/api/v1/network/registrations?month=2026-11", nil, http.StatusOK)["items"].([]any)
	if len(all) != 3 || all[0].(map[string]any)["paired"] != true || all[1].(map[string]any)["paired"] != true {
		t.Fatalf("the records: %v", all)
	}
	sums := n.handler.as(t).do("GET", "/api/v1/network/registrations/sums?month=2026-11", nil, http.StatusOK)
	if s := fmt.Sprint(sums["items"]); !strings.Contains(s, "amount:50.00") || !strings.Contains(s, "kind:inspection paired:1") {
		t.Fatalf("sums: %v", s)
	}
	// One step turns the unregistered fee into a complaint against the
	// department (乱收费).
	feeComplaint := n.handler.as(t).do("POST", "/api/v1/network/registrations/"+fee["id"].(string)+"/complaint", map[string]any{}, http.StatusOK)
	feeCase := n.handler.as(t).do("GET", "/api/v1/cases/"+feeComplaint["caseId"].(string), nil, http.StatusOK)
	if feeCase["channel"] != "monitoring_point" || fmt.Sprint(feeCase["issueTypes"]) != "[arbitrary_fees]" {
		t.Fatalf("the fee's complaint: %v", feeCase)
	}

	// The exports open and carry the forms' fields.
	data, ctype := n.handler.as(t).download("/api/v1/network/workstations/ws-a/reports/2026-11/xlsx")
	if !strings.Contains(ctype, "spreadsheetml") {
		t.Fatalf("content type %q", ctype)
	}
	name, rows := sheetRows(t, data)
	if name != "附表一" || rows[0][0] != "衢州市经济发展软环境监测月报表" || rows[1][1] != "开发区工作站" || rows[1][5] != "2026年11月" || rows[1][7] != "按时报送" {
		t.Fatalf("附表一 heading: %q %q", name, rows[:2])
	}
	if r := rowWith(rows, 1, "衢州某纸业有限公司"); r == nil || r[2] != "企业" || r[3] != "0" || r[4] != "0" || r[5] != "1" {
		t.Fatalf("附表一 mp-a1: %q", r)
	}
	if r := rowWith(rows, 1, "某建设项目"); r == nil || r[4] != "2" || r[5] != "0" {
		t.Fatalf("附表一 mp-a2: %q", r)
	}
	if r := rowWith(rows, 0, "合计"); r == nil || r[3] != "0" || r[4] != "2" || r[5] != "1" || r[6] != "3" {
		t.Fatalf("附表一 totals: %q", r)
	}
	if r := rowWith(rows, 6, caseID); r == nil || r[2] != "投诉" {
		t.Fatalf("附表一 items: %q", rows)
	}
	data, _ = n.handler.as(t).download("/api/v1/network/workstations/ws-b/reports/2026-11/xlsx")
	if _, rows := sheetRows(t, data); rows[1][7] != "逾期未报" {
		t.Fatalf("附表一 of ws-b: %q", rows[1])
	}
	data, _ = n.handler.as(t).download("/api/v1/network/registrations/xlsx?month=2026-11")
	name, rows = sheetRows(t, data)
	if name != "附表二" || rows[0][0] != "衢州市入点检查收费罚款登记表" || strings.Join(rows[2], "|") != "序号|日期|监测点|部门（单位）|公务人员|事项|依据|金额（元）|文书编号|登记方|核对情况|投诉件编号" {
		t.Fatalf("附表二 heading: %q", rows[:3])
	}
	if r := rowWith(rows, 8, "衢建检〔2026〕15号"); r == nil || r[1] != "2026-11-23 09:00" || r[2] != "衢州某纸业有限公司" || r[4] != "李四" || r[5] != "检查" || r[9] != "部门（单位）" || r[10] != "双方一致" {
		t.Fatalf("附表二 inspection: %q", r)
	}
	if r := rowWith(rows, 7, "50.00"); r == nil || r[5] != "收费" || r[9] != "监测点" || r[10] != "部门未登记" || r[11] != feeComplaint["caseId"] {
		t.Fatalf("附表二 fee: %q", r)
	}
	assess := n.handler.as(t).do("GET", "/api/v1/network/assessment?year=2026", nil, http.StatusOK)
	if s := fmt.Sprint(assess["items"]); !strings.Contains(s, "eligibleForExcellent:true") || !strings.Contains(s, "missing:[2026-11]") {
		t.Fatalf("assessment: %v", s)
	}

	// After a restart (and with the other replica still running) nothing
	// is raised again.
	first.Close()
	cfgA2, sweptA2 := networkNotified(cfgA)
	restarted := start(t, cfgA2)
	now = time.Now()
	networkSettled(t, sweptA2, now)
	if got := archived(t, restarted, "MonthlyReportOverdue", "ws-b_2026-11"); got != 1 {
		t.Fatalf("after the restart ws-b's report is overdue %d times", got)
	}
	if got := archived(t, restarted, "RegistrationFlagged", "mp-a1"); got != 1 {
		t.Fatalf("the fee flagged %d times", got)
	}
	_ = second
	rep, err := projections.Rebuild(context.Background(), restarted.Env().Pool, testProjections(), projections.RebuildOptions{})
	if err != nil || rep.Differences() != 0 {
		t.Fatalf("rebuild: %+v %v", rep, err)
	}
	var rows2 int
	if err := restarted.Env().Pool.QueryRow(context.Background(), `SELECT count(*) FROM proj.network_entries`).Scan(&rows2); err != nil || rows2 != 3 {
		t.Fatalf("entries: %d %v", rows2, err)
	}
}
