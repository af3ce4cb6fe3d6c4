package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/cmd/internal/auth"
)

// TestAdministration: an administrator keeps the department register, the
// calendar (warned from November on while next year's schedule is
// missing) and the taxonomy through the forms.
func TestAdministration(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	admin := newVisitor(t, s, s.admin)

	admin.get("/admin/departments", http.StatusOK)
	if status, body := admin.post("/admin/departments", url.Values{"id": {"Bad Id"}, "name": {"市场监管局"}, "category": {"enforcement"}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `id="f-id-error"`) {
		t.Fatalf("a bad id: %d", status)
	}
	if status, body := admin.post("/admin/departments", url.Values{"id": {"market-regulation"}, "name": {"市市场监督管理局"}, "category": {"enforcement"}}); status != http.StatusOK ||
		!strings.Contains(body, "市市场监督管理局") || !strings.Contains(body, "行政执法类") {
		t.Fatalf("register: %d", status)
	}
	if status, body := admin.post("/admin/departments/market-regulation/deactivation", url.Values{"reason": {"机构改革"}}); status != http.StatusOK || !strings.Contains(body, "已停用") {
		t.Fatalf("deactivate: %d", status)
	}

	// The tests' clock reads a day in late November of a year whose next
	// year has no schedule shipped.
	page := admin.get("/admin/calendar", http.StatusOK)
	year := s.m.Now().In(cst).Year() + 1
	if s.m.Now().In(cst).Month() >= 11 && !strings.Contains(page, `id="missing-next"`) {
		t.Fatalf("no warning about the missing schedule of %d", year)
	}
	schedule := `{"year": ` + itoa(year) + `, "notice": "测试用安排", "days": [{"date": "` + itoa(year) + `-01-01", "isOffDay": true, "name": "元旦"}]}`
	if status, body := admin.post("/admin/calendar", url.Values{"schedule": {`{"year": 1}`}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-schedule-error"`) {
		t.Fatalf("a bad schedule: %d", status)
	}
	if status, body := admin.post("/admin/calendar", url.Values{"schedule": {schedule}}); status != http.StatusOK ||
		strings.Contains(body, `id="missing-next"`) || !strings.Contains(body, "测试用安排") {
		t.Fatalf("load %d: %d", year, status)
	}

	admin.get("/admin/taxonomy", http.StatusOK)
	if status, body := admin.post("/admin/taxonomy", url.Values{"kind": {"channels"}, "code": {"wechat"}, "label": {"微信公众号"}}); status != http.StatusOK || !strings.Contains(body, "微信公众号") {
		t.Fatalf("add a channel: %d", status)
	}
	// Another role does not reach these pages.
	handler := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RoleHandler}))
	for _, path := range []string{"/admin/departments", "/admin/tokens", "/admin/calendar", "/admin/taxonomy"} {
		handler.get(path, http.StatusForbidden)
	}
}

// TestCharts: the leaders' dashboard and the timeliness page draw their
// charts as SVG on the server.
func TestCharts(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	handler := s.token(t, auth.Spec{Role: auth.RoleHandler})
	for _, c := range []string{"efficiency", "integrity"} {
		id := s.api(t, handler, "POST", "/api/v1/cases", map[string]any{"channel": "hotline", "complainant": map[string]any{"anonymous": true},
			"categories": []string{c}, "issueTypes": []string{"slow_action"}, "title": "案件" + c, "description": "说明"}, http.StatusCreated)["id"].(string)
		s.api(t, handler, "POST", "/api/v1/cases/"+id+"/referrals", map[string]any{"departmentId": "tax-bureau"}, http.StatusOK)
	}
	leader := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RoleLeader}))
	page := leader.get("/dashboard", http.StatusOK)
	for _, want := range []string{`<svg`, `id="open-total">2<`, "办事效率", "勤政廉政", "慢作为（2）", "已转办"} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	page = leader.get("/timeliness", http.StatusOK)
	for _, want := range []string{`<svg`, "按时办结率", "超期案件（按督办级别）", "催办"} {
		if !strings.Contains(page, want) {
			t.Errorf("timeliness page lacks %q", want)
		}
	}
	if page := leader.get("/cases?sort=receivedAt&limit=1", http.StatusOK); !strings.Contains(page, `rel="next"`) {
		t.Error("no next page with one case a page")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
