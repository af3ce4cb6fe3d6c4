package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
)

// TestNetworkPages walks the network's pages over HTTP: the center's map,
// overdue reports and exports; a supervisor's visit; a point's and a
// department's registrations (each seeing only its own side); a
// workstation's zero report.
func TestNetworkPages(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	api := func(path string, body map[string]any) map[string]any {
		return s.api(t, s.admin, "POST", path, body, http.StatusCreated)
	}
	api("/api/v1/network/workstations", map[string]any{"id": "ws-kc", "name": "柯城区工作站", "hostUnit": "柯城区投诉中心", "district": "柯城区",
		"contact": map[string]any{"name": "联络员隐名甲", "phone": "13500001111"}})
	api("/api/v1/network/points", map[string]any{"id": "mp-kc-01", "name": "柯城某机械厂", "kind": "enterprise", "workstationId": "ws-kc"})
	supTok, supP, err := auth.NewTokens(s.m.Env().Pool, s.m.Now).Create(t.Context(), auth.Spec{Role: auth.RoleSupervisor, Name: "李监督员"})
	if err != nil {
		t.Fatal(err)
	}
	api("/api/v1/network/supervisors", map[string]any{"id": "sup-li", "name": "李监督员", "tokenId": supP.TokenID})
	s.api(t, s.admin, "POST", "/api/v1/network/supervisors/sup-li/assignment", map[string]any{"workstationIds": []string{"ws-kc"}}, http.StatusOK)

	center := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RoleHandler}))
	page := center.get("/network", http.StatusOK)
	for _, want := range []string{"监测网络分布", "柯城区工作站", "柯城某机械厂", "逾期未报的月报", "附表二"} {
		if !strings.Contains(page, want) {
			t.Errorf("the center's network page lacks %q", want)
		}
	}
	if strings.Contains(page, "联络员隐名甲") || strings.Contains(page, "13500001111") {
		t.Error("the network page shows a liaison's contact")
	}

	sup := newVisitor(t, s, supTok)
	if status, body := sup.post("/network/visits", url.Values{"key": {"v1"}, "pointId": {"mp-kc-01"}, "visitedAt": {s.m.Now().In(cst).Format("2006-01-02T15:04")},
		"met": {"厂长"}, "opinions": {"希望减少重复检查"}, "complaints": {"环评审批超期"}, "file": {"1"}, "category": {"efficiency"}}); status != http.StatusOK ||
		!strings.Contains(body, "本月") || !strings.Contains(body, "已走访 1 次") {
		t.Fatalf("the visit: %d %s", status, body)
	}

	// The records and the report are of this month, on the test's clock.
	earlier := s.m.Now().In(cst).Add(-time.Hour).Format("2006-01-02T15:04")
	month := s.m.Now().In(cst).Format("2006-01")
	point := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RolePoint, PointID: "mp-kc-01"}))
	if status, body := point.post("/network/registrations", url.Values{"key": {"r1"}, "departmentId": {"tax-bureau"}, "kind": {"fine"},
		"amount": {"300"}, "occurredAt": {earlier}}); status != http.StatusOK || !strings.Contains(body, "300.00") || !strings.Contains(body, "待核对") {
		t.Fatalf("the point's registration: %d %s", status, body)
	}
	dept := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "tax-bureau"}))
	dept.get("/network", http.StatusForbidden)
	if status, body := dept.post("/network/registrations", url.Values{"key": {"r2"}, "pointId": {"mp-kc-01"}, "officer": {"税务员甲"},
		"legalBasis": {"税收征管法"}, "kind": {"inspection"}, "occurredAt": {earlier}}); status != http.StatusOK ||
		!strings.Contains(body, `<td data-label="事项">检查</td>`) || strings.Contains(body, "300.00") || strings.Contains(body, "罚款</td>") {
		t.Fatalf("the department's registration: %d %s", status, body)
	}

	ws := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RolePoint, PointID: "ws-kc"}))
	page = ws.get("/network", http.StatusOK)
	if !strings.Contains(page, "月报（附表一）") || !strings.Contains(page, "环评审批超期") {
		t.Fatalf("the workstation's report draft: %s", page)
	}
	if status, body := ws.post("/network/reports", url.Values{"key": {"z1"}, "workstationId": {"ws-kc"}, "month": {month}, "zero": {"1"}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "零报告") {
		t.Fatalf("a zero report over a listed complaint: %d %s", status, body)
	}
	if status, body := ws.post("/network/reports", url.Values{"key": {"z2"}, "workstationId": {"ws-kc"}, "month": {month}, "items": {"mp-kc-01 建议 推行一窗受理"}}); status != http.StatusOK ||
		!strings.Contains(body, "已报送") {
		t.Fatalf("the report: %d %s", status, body)
	}
	res, err := center.client.Get(s.url + "/network/exports/report?workstation=ws-kc&month=" + month)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("the export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
