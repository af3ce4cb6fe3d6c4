package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestNetworkLeaks: a department never learns which point reported a
// complaint, never sees the point's side of a registration (before
// pairing or after), and no liaison's contact reaches anyone but the
// center on a disclosure with a reason; the log and the read models hold
// the contact only sealed.
func TestNetworkLeaks(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	n := newNetwork(t, w)
	visit := n.sup.as(t).do("POST", "/api/v1/network/visits", map[string]any{
		"pointId": "mp-a1", "visitedAt": w.m.Now().Add(-time24h()).Format("2006-01-02T15:04:05Z07:00"), "met": "联络员",
		"items": []map[string]any{{"kind": "complaint", "text": "窗口要求重复提交材料", "file": map[string]any{
			"categories": []string{"efficiency"}, "respondentDepartmentId": "city-construction"}}}}, http.StatusCreated)
	caseID := visit["items"].([]any)[0].(map[string]any)["caseId"].(string)
	// The registrations are of yesterday, in yesterday's month, on the
	// test's clock.
	yesterday := func(clock string) string {
		return w.m.Now().In(cst).Add(-time24h()).Format("2006-01-02T") + clock + ":00+08:00"
	}
	month := w.m.Now().In(cst).Add(-time24h()).Format("2006-01")
	n.handler.as(t).do("POST", "/api/v1/cases/"+caseID+"/referrals", map[string]any{"departmentId": "city-construction"}, http.StatusOK)
	fb := n.pointA1.as(t).do("POST", "/api/v1/network/feedback", map[string]any{"title": "多部门重复检查", "description": "本月三个部门分别上门检查同一事项",
		"categories": []string{"lawful_administration"}, "issueTypes": []string{"arbitrary_inspection"}, "respondentDepartmentId": "city-construction"}, http.StatusCreated)
	fbID := fb["id"].(string)
	if fb["channel"] != "monitoring_point" || fb["trackingCode"] == nil {
		t.Fatalf("direct feedback: %v", fb)
	}
	n.handler.as(t).do("POST", "/api/v1/cases/"+fbID+"/referrals", map[string]any{"departmentId": "city-construction"}, http.StatusOK)

	// Registrations: the department's inspection waits for the point; the
	// point records a fine the department did not.
	dept := n.dept.as(t)
	dept.do("POST", "/api/v1/network/registrations", map[string]any{"pointId": "mp-a1", "officer": "李四", "kind": "inspection",
		"legalBasis": "《建筑法》", "occurredAt": yesterday("09:00")}, http.StatusCreated)
	n.pointA1.as(t).do("POST", "/api/v1/network/registrations", map[string]any{"departmentId": "city-construction", "kind": "fine",
		"amount": "880.00", "occurredAt": yesterday("11:00"), "officer": "赵六执法员", "documentNo": "罚字第0099号"}, http.StatusCreated)
	// A department registers only its own officers' entries.
	dept.do("POST", "/api/v1/network/registrations", map[string]any{"pointId": "mp-a1", "departmentId": "tax-bureau", "officer": "钱七",
		"kind": "inspection", "legalBasis": "x", "occurredAt": yesterday("09:00")}, http.StatusForbidden)

	pointSide := []string{"赵六执法员", "罚字第0099号", "880.00", `"side":"point"`}
	for _, path := range []string{
		"/api/v1/network/registrations", "/api/v1/network/registrations?month=" + month, "/api/v1/network/registrations?unmatched=true",
		"/api/v1/cases", "/api/v1/cases/" + caseID, "/api/v1/cases/" + caseID + "/events", "/api/v1/cases/" + fbID, "/api/v1/cases/" + fbID + "/events",
		"/api/v1/escalations",
	} {
		status, body := dept.raw("GET", path, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s as the department: %d %s", path, status, body)
		}
		if l := leaks(body); len(l) > 0 {
			t.Errorf("GET %s shows the department %v", path, l)
		}
		for _, s := range pointSide {
			if strings.Contains(body, s) {
				t.Errorf("GET %s shows the department the point's side (%s)", path, s)
			}
		}
		if strings.HasPrefix(path, "/api/v1/cases") && (strings.Contains(body, "mp-a1") || strings.Contains(body, "ws-a") || strings.Contains(body, visit["id"].(string))) {
			t.Errorf("GET %s tells the department which point reported: %.300s", path, body)
		}
	}
	for _, path := range []string{"/api/v1/network/points", "/api/v1/network/points/mp-a1", "/api/v1/network/workstations/ws-a/reports/" + month,
		"/api/v1/network/visits", "/api/v1/network/registrations/xlsx", "/api/v1/network/registrations/sums"} {
		if status, body := dept.raw("GET", path, nil); status != http.StatusForbidden || len(leaks(body)) > 0 || showsAmount(body) {
			t.Errorf("GET %s as the department: %d %.200s", path, status, body)
		}
	}
	if status, _ := dept.raw("POST", "/api/v1/network/points/mp-a1/contact/disclosure", map[string]any{"reason": "核实"}); status != http.StatusForbidden {
		t.Errorf("a department had a liaison's contact disclosed: %d", status)
	}

	// Another point sees neither mp-a1's records nor its liaison.
	other := n.pointA2.as(t)
	for _, path := range []string{"/api/v1/network/registrations", "/api/v1/network/points/mp-a1", "/api/v1/network/points"} {
		status, body := other.raw("GET", path, nil)
		if len(leaks(body)) > 0 || showsAmount(body) || path != "/api/v1/network/points/mp-a1" && strings.Contains(body, "mp-a1") ||
			path == "/api/v1/network/points/mp-a1" && status != http.StatusNotFound {
			t.Errorf("GET %s as mp-a2: %d %.300s", path, status, body)
		}
	}
	// The center's views carry no contact; a disclosure with a reason does,
	// and is in the audit trail.
	for _, c := range []client{n.handler, n.supervisor, n.admin} {
		for _, path := range []string{"/api/v1/network/points/mp-a1", "/api/v1/network/points", "/api/v1/network/workstations", "/api/v1/network/workstations/ws-a"} {
			if _, body := c.as(t).raw("GET", path, nil); len(leaks(body)) > 0 {
				t.Errorf("GET %s shows %v", path, leaks(body))
			}
		}
	}
	if status, body := n.handler.as(t).raw("POST", "/api/v1/network/points/mp-a1/contact/disclosure", map[string]any{"reason": "回访联络员"}); status != http.StatusOK ||
		!strings.Contains(body, secrets[0]) || !strings.Contains(body, secrets[1]) {
		t.Fatalf("disclosure: %d %s", status, body)
	}
	if _, body := n.handler.as(t).raw("POST", "/api/v1/network/workstations/ws-a/contact/disclosure", map[string]any{}); strings.Contains(body, secrets[0]) {
		t.Fatal("a contact disclosed without a reason")
	}
	if _, body := n.admin.as(t).raw("GET", "/api/v1/audit?subject=point:mp-a1", nil); !strings.Contains(body, "回访联络员") {
		t.Fatalf("the disclosure is not in the audit trail: %s", body)
	}
	// A supervisor who does not look after the point gets nothing.
	if status, body := n.supervisor.as(t).raw("POST", "/api/v1/network/points/mp-a1/contact/disclosure", map[string]any{"reason": "查看"}); status != http.StatusNotFound || len(leaks(body)) > 0 {
		t.Errorf("an unassigned supervisor: %d %s", status, body)
	}

	// The log and the read models hold the contact only sealed.
	ctx := context.Background()
	var dump string
	if err := w.m.Env().Pool.QueryRow(ctx, `SELECT coalesce(string_agg(data::text, ' '), '') FROM events`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	if l := leaks(dump); len(l) > 0 {
		t.Errorf("the archive holds %v in clear", l)
	}
	for _, table := range []string{"network_workstations", "network_points", "network_entries", "network_visits", "cases"} {
		var rows string
		if err := w.m.Env().Pool.QueryRow(ctx, `SELECT coalesce(string_agg(t::text, ' '), '') FROM proj.`+table+` t`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if l := leaks(rows); len(l) > 0 {
			t.Errorf("proj.%s holds %v in clear", table, l)
		}
	}
}

// time24h is a day.
func time24h() time.Duration { return 24 * time.Hour }

// showsAmount reports whether a body carries the point's fee amount (880),
// as a string or a number; a timestamp's digits are not it.
func showsAmount(body string) bool {
	return strings.Contains(body, "880.00") || strings.Contains(body, `"amount":880`)
}
