package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/cmd/internal/auth"
)

// TestRatingPages walks the ratings' pages over HTTP: a point rates a
// dealing on its form (once per dealing), the department reads its own
// score and comment without the point or the dealing, the leaders read the
// league tables with their chart, print them and download them.
func TestRatingPages(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.api(t, s.admin, "POST", "/api/v1/network/workstations", map[string]any{"id": "ws-rt", "name": "测评工作站", "hostUnit": "开发区管委会"}, http.StatusCreated)
	s.api(t, s.admin, "POST", "/api/v1/network/points", map[string]any{"id": "mp-web-9931", "name": "某机械厂", "kind": "enterprise", "workstationId": "ws-rt"}, http.StatusCreated)

	point := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RolePoint, PointID: "mp-web-9931"}))
	page := point.get("/ratings", http.StatusOK)
	for _, want := range []string{"一事一评议", "服务态度", "勤政廉政", "总体评价", `type="date"`, `name="grades.overall"`, "市税务局"} {
		if !strings.Contains(page, want) {
			t.Errorf("the rating form lacks %q", want)
		}
	}
	form := url.Values{"key": {"k1"}, "departmentId": {"tax-bureau"}, "dealingRef": {"单号-4471"}, "dealing": {"领取发票秘事"},
		"kind": {"service"}, "dealtOn": {s.m.Now().In(cst).Format("2006-01-02")}, "comment": {"窗口人员态度很好"}}
	for _, a := range []string{"attitude", "openness", "process", "efficiency", "policy", "integrity", "overall"} {
		form.Set("grades."+a, "excellent")
	}
	if status, body := point.post("/ratings", form); status != http.StatusOK || !strings.Contains(body, "测评已提交") || !strings.Contains(body, "领取发票秘事") {
		t.Fatalf("rating: %d %s", status, body)
	}
	form.Set("key", "k2")
	if status, body := point.post("/ratings", form); status != http.StatusConflict || !strings.Contains(body, "一事一评议") {
		t.Fatalf("rating the dealing again: %d %s", status, body)
	}
	form.Set("key", "k3")
	form.Set("dealingRef", "单号-4472")
	form.Del("grades.overall")
	if status, body := point.post("/ratings", form); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-grades.overall"`) {
		t.Fatalf("a sheet without the overall grade: %d", status)
	}

	dept := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "tax-bureau"}))
	page = dept.get("/ratings", http.StatusOK)
	for _, want := range []string{"市税务局", "测评得分", "窗口人员态度很好", "<svg", "即时测评"} {
		if !strings.Contains(page, want) {
			t.Errorf("the department's page lacks %q", want)
		}
	}
	for _, secret := range []string{"mp-web-9931", "某机械厂", "单号-4471", "领取发票秘事"} {
		if strings.Contains(page, secret) {
			t.Errorf("the department's page shows %q", secret)
		}
	}

	leader := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RoleLeader}))
	page = leader.get("/ratings", http.StatusOK)
	for _, want := range []string{"综合管理类", "<svg", "市税务局", "打印排名", "未结账"} {
		if !strings.Contains(page, want) {
			t.Errorf("the league tables lack %q", want)
		}
	}
	page = leader.get("/ratings/print?period="+s.m.Now().In(cst).Format("2006-01"), http.StatusOK)
	if !strings.Contains(page, "测评排名") || !strings.Contains(page, "data-print") || !strings.Contains(page, "未排名") {
		t.Fatalf("the printable ranking: %s", page)
	}
	res, err := leader.client.Get(s.url + "/ratings/exports/ranking")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("the ranking's xlsx: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	newVisitor(t, s, s.admin).get("/ratings", http.StatusForbidden)
}
