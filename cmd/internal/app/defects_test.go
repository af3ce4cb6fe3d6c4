package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/projections"
)

// closureDue is the last day of a case's open closure deadline.
func closureDue(t *testing.T, c client, id string) time.Time {
	t.Helper()
	v := c.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
	for _, d := range v["deadlines"].([]any) {
		if d := d.(map[string]any); d["clock"] == "closure" && d["open"] == true {
			due, err := time.Parse(time.RFC3339, d["dueAt"].(string))
			if err != nil {
				t.Fatal(err)
			}
			return due.Add(-time.Nanosecond).In(cst)
		}
	}
	t.Fatalf("no open closure deadline: %v", v["deadlines"])
	return time.Time{}
}

// restDayAfter is the first day after day that is not a working day.
func restDayAfter(t *testing.T, c client, day time.Time) string {
	t.Helper()
	for d := day.AddDate(0, 0, 1); ; d = d.AddDate(0, 0, 1) {
		before := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, cst).Add(-time.Minute)
		next := c.as(t).do("GET", fmt.Sprintf("/api/v1/calendar/due?from=%s&workdays=1",
			strings.ReplaceAll(before.Format(time.RFC3339), "+", "%2B")), nil, http.StatusOK)["dueDate"]
		if next != d.Format(time.DateOnly) {
			return d.Format(time.DateOnly)
		}
	}
}

// TestExtensionsOnlyLengthen: an extension ends with a working day after the
// closure deadline it replaces; a rest day and an earlier date are refused
// naming the field, when asked for and when granted.
func TestExtensionsOnlyLengthen(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.file(t, "延期测试")
	w.referAndAcknowledge(t, id)
	due := closureDue(t, w.handler, id)
	earlier := due.AddDate(0, 0, -1).Format(time.DateOnly)
	rest := restDayAfter(t, w.handler, due)
	for _, date := range []string{earlier, due.Format(time.DateOnly), rest} {
		out := refused(t, w.dept, w.handler, id, "/extension-requests", map[string]any{"dueDate": date, "reason": "需协调"}, http.StatusUnprocessableEntity)
		if out["error"].(map[string]any)["field"] != "dueDate" {
			t.Fatalf("%s: %v", date, out)
		}
	}
	later := w.handler.as(t).do("GET", "/api/v1/calendar/due?workdays=20", nil, http.StatusOK)["dueDate"].(string)
	v := step(t, w.dept, id, "/extension-requests", map[string]any{"dueDate": later, "reason": "需协调"}, "in_progress")
	rid := v["extensions"].([]any)[0].(map[string]any)["requestId"].(string)
	for _, date := range []string{earlier, rest} {
		refused(t, w.supervisor, w.handler, id, "/extension-requests/"+rid+"/decision", map[string]any{"grant": true, "dueDate": date}, http.StatusUnprocessableEntity)
	}
	step(t, w.supervisor, id, "/extension-requests/"+rid+"/decision", map[string]any{"grant": true}, "in_progress")
	if got := closureDue(t, w.handler, id).Format(time.DateOnly); got != later {
		t.Fatalf("closure due %s after the extension, want %s", got, later)
	}
}

// TestCenterLeavesTheDepartmentsStepsToIt: on a case referred to a
// department, the handler may not acknowledge, respond or resolve for it,
// and is not offered those steps; on a case the center handles itself it
// takes them.
func TestCenterLeavesTheDepartmentsStepsToIt(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.file(t, "代为签收测试")
	step(t, w.handler, id, "/referrals", map[string]any{"departmentId": "city-construction"}, "referred")
	if next := w.handler.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)["nextSteps"].([]any); slices.Contains(next, any("acknowledge")) {
		t.Fatalf("the handler is offered to acknowledge for the department: %v", next)
	}
	refused(t, w.handler, w.handler, id, "/acknowledgements", map[string]any{}, http.StatusForbidden)
	step(t, w.dept, id, "/acknowledgements", map[string]any{}, "in_progress")
	for _, s := range []struct {
		path string
		body map[string]any
	}{
		{"/responses", map[string]any{"summary": "代为反馈"}},
		{"/resolution", map[string]any{"outcome": "resolved", "summary": "代为办结"}},
	} {
		out := refused(t, w.handler, w.handler, id, s.path, s.body, http.StatusForbidden)
		if !strings.Contains(out["error"].(map[string]any)["message"].(string), "city-construction") {
			t.Fatalf("%s: %v", s.path, out)
		}
	}
	// The center's own case: the handler takes the department's steps.
	own := w.file(t, "自办测试")
	step(t, w.handler, own, "/acceptance", map[string]any{"mode": "self"}, "in_progress")
	step(t, w.handler, own, "/responses", map[string]any{"summary": "已联系"}, "in_progress")
	step(t, w.handler, own, "/resolution", map[string]any{"outcome": "resolved", "summary": "已办结"}, "resolved")
}

// TestRefusedDisclosureIsAudited: a department asking for the personal
// data of a complainant who did not consent is refused, and the attempt is
// in the audit trail with who asked, from where, why, and why it was
// refused.
func TestRefusedDisclosureIsAudited(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, _ := fileSecret(t, w, false)
	w.referAndAcknowledge(t, id)
	if status, body := w.dept.as(t).raw("POST", "/api/v1/cases/"+id+"/complainant/disclosure", map[string]any{"reason": "核实情况"}); status != http.StatusForbidden || len(leaks(body)) > 0 {
		t.Fatalf("disclosure without consent: %d %s", status, body)
	}
	trail := w.admin.as(t).do("GET", "/api/v1/audit?action=personal_data_disclosure_refused&subject="+id, nil, http.StatusOK)
	items := trail["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("audit: %v", trail)
	}
	e := items[0].(map[string]any)
	if e["actorRole"] != "department" || e["reason"] != "核实情况" || e["remote"] != "127.0.0.1" || e["refusal"] == nil || e["refusal"] == "" {
		t.Fatalf("audit entry: %v", e)
	}
}

// TestHostileQueries: a NUL byte, invalid UTF-8 or a forged cursor in a
// query parameter is refused with 400 naming the parameter; it never
// reaches PostgreSQL.
func TestHostileQueries(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"k":"2026-01-01T00:00:00Z","i":"\u0000"}`))
	for _, tt := range []struct {
		who   client
		path  string
		field string
	}{
		{w.handler, "/api/v1/cases?status=%00", "status"},
		{w.handler, "/api/v1/cases?status=filed&status=nonsense", "status"},
		{w.handler, "/api/v1/cases?channel=%FF%FE", "channel"},
		{w.handler, "/api/v1/cases?department=a%00b", "department"},
		{w.handler, "/api/v1/cases?cursor=" + forged, "cursor"},
		{w.handler, "/api/v1/cases?sort=%00", "sort"},
		{w.handler, "/api/v1/cases?%00=1", "query"},
		{w.supervisor, "/api/v1/escalations?department=a%00b", "department"},
		{w.supervisor, "/api/v1/timeliness?department=%C0%AF", "department"},
		{w.admin, "/api/v1/audit?actor=%00", "actor"},
		{w.admin, "/api/v1/audit?action=%FF", "action"},
	} {
		out := tt.who.as(t).do("GET", tt.path, nil, http.StatusBadRequest)
		if out["error"].(map[string]any)["field"] != tt.field {
			t.Errorf("%s: %v, want the field %s named", tt.path, out, tt.field)
		}
	}
}

// FuzzCaseQueries: any query string of the case list, the board and the
// audit trail, against a real server and database, is answered or refused,
// never with a server error.
func FuzzCaseQueries(f *testing.F) {
	for _, seed := range []string{"status=filed&status=referred&limit=10", "sort=-receivedAt&cursor=abc", "channel=%FF%FE",
		"department=a%00b", "receivedFrom=2026-11-01T00:00:00Z", "overdue=true", "limit=0", "nope=1",
		"cursor=eyJrIjoiMjAyNi0wMS0wMVQwMDowMDowMFoiLCJpIjoiXHUwMDAwIn0", "monitoringPoint=%E4%B8%AD", "level=4&kind=x"} {
		f.Add(seed)
	}
	w := newWorld(f)
	f.Fuzz(func(t *testing.T, raw string) {
		for _, path := range []string{"/api/v1/cases?", "/api/v1/escalations?", "/api/v1/audit?"} {
			who := w.handler
			if strings.HasPrefix(path, "/api/v1/audit") {
				who = w.admin
			}
			req, err := http.NewRequest("GET", who.base+path+raw, nil)
			if err != nil {
				return // not a URL a client could send
			}
			req.Header.Set("Authorization", "Bearer "+who.token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Fatalf("%s%s: %d", path, raw, res.StatusCode)
			}
		}
	})
}

// send makes a request as is, without the client's defaults.
func send(t *testing.T, method, url, token, contentType, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res, out
}

// TestErrorsThatHelp: refusals say what was wrong in the terms of the
// request: the field of the body, the method the route has, the media type.
func TestErrorsThatHelp(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	base, h, admin := w.m.URL, w.handler.token, w.admin.token
	fieldOf := func(out map[string]any) any {
		if e, ok := out["error"].(map[string]any); ok {
			return e["field"]
		}
		return nil
	}
	for _, tt := range []struct {
		name, method, path, token, contentType, body string
		status                                       int
		field                                        string
	}{
		{"a department token without its department", "POST", "/api/v1/tokens", admin, "application/json", `{"role":"department"}`, 422, "departmentId"},
		{"a department token for an unknown department", "POST", "/api/v1/tokens", admin, "application/json", `{"role":"department","departmentId":"no-such-dept"}`, 422, "departmentId"},
		{"a number for a time", "POST", "/api/v1/cases", h, "application/json", `{"receivedAt": 1}`, 400, "receivedAt"},
		{"a string for a list", "POST", "/api/v1/cases", h, "application/json", `{"categories": "efficiency"}`, 400, "categories"},
		{"a body of null", "POST", "/api/v1/cases", h, "application/json", `null`, 400, ""},
		{"a body of []", "POST", "/api/v1/cases", h, "application/json", `[]`, 400, ""},
		{"no media type", "POST", "/api/v1/cases", h, "", `{}`, 415, "Content-Type"},
		{"another media type", "POST", "/api/v1/cases", h, "text/plain", `{}`, 415, "Content-Type"},
	} {
		res, out := send(t, tt.method, base+tt.path, tt.token, tt.contentType, tt.body)
		if res.StatusCode != tt.status || tt.field != "" && fieldOf(out) != tt.field {
			t.Errorf("%s: %d %v, want %d naming %q", tt.name, res.StatusCode, out, tt.status, tt.field)
		}
	}
	// A wrong method on an existing route: 405 with the methods it has.
	res, out := send(t, "PUT", base+"/api/v1/cases", h, "application/json", `{}`)
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, POST" || out["error"] == nil {
		t.Errorf("PUT /api/v1/cases: %d Allow %q %v", res.StatusCode, res.Header.Get("Allow"), out)
	}
	// A path that is not in its clean form: a JSON refusal, not a redirect.
	req, _ := http.NewRequest("GET", base+"/api/v1/cases/../tokens", nil)
	req.URL.Opaque = "/api/v1/cases/../tokens" // sent as written
	req.Header.Set("Authorization", "Bearer "+h)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("a path with ..: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// TestTrackingCodeLookup: the center's staff see the tracking code on the
// case and find the case by it, each lookup audited; a department may do
// neither.
func TestTrackingCodeLookup(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, code := fileSecret(t, w, false)
	w.referAndAcknowledge(t, id)
	if v := w.handler.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK); v["trackingCode"] != code {
		t.Fatalf("the handler's view has tracking code %v, want %s", v["trackingCode"], code)
	}
	if v := w.dept.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK); v["trackingCode"] != nil {
		t.Fatalf("a department sees the tracking code %v", v["trackingCode"])
	}
	spoken := strings.ToLower(strings.ReplaceAll(code, "-", " ")) // as read out on the telephone
	found := w.handler.as(t).do("GET", "/api/v1/cases?trackingCode="+url.QueryEscape(spoken), nil, http.StatusOK)["items"].([]any)
	if len(found) != 1 || found[0].(map[string]any)["id"] != id {
		t.Fatalf("lookup: %v", found)
	}
	if none := w.supervisor.as(t).do("GET", "/api/v1/cases?trackingCode=0000-0000-0000-0000", nil, http.StatusOK)["items"].([]any); len(none) != 0 {
		t.Fatalf("an unknown code found %v", none)
	}
	w.dept.as(t).do("GET", "/api/v1/cases?trackingCode="+url.QueryEscape(code), nil, http.StatusForbidden)
	w.handler.as(t).do("GET", "/api/v1/cases?trackingCode="+url.QueryEscape(code)+"&status=filed", nil, http.StatusBadRequest)
	trail := w.admin.as(t).do("GET", "/api/v1/audit?action=tracking_code_looked_up", nil, http.StatusOK)["items"].([]any)
	if len(trail) != 2 || trail[1].(map[string]any)["subject"] != id || trail[0].(map[string]any)["reason"] != "not found" {
		t.Fatalf("audit of the lookups: %v", trail)
	}
}

// TestSupervisionOnTheBoard: a supervision a supervisor orders by hand is on
// the board with its origin until the case is resolved, and the board
// equals a rebuild.
func TestSupervisionOnTheBoard(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.file(t, "挂牌督办测试")
	w.referAndAcknowledge(t, id)
	step(t, w.supervisor, id, "/supervision-orders", map[string]any{"level": "flag", "note": "群众反映强烈"}, "in_progress")
	board := w.supervisor.as(t).do("GET", "/api/v1/escalations", nil, http.StatusOK)["items"].([]any)
	if len(board) != 1 {
		t.Fatalf("board: %v", board)
	}
	if e := board[0].(map[string]any); e["caseId"] != id || e["origin"] != "supervisor" || e["rank"] != float64(3) || e["kind"] != "supervision" || e["departmentId"] != "city-construction" {
		t.Fatalf("board entry: %v", e)
	}
	if mine := w.dept.as(t).do("GET", "/api/v1/escalations?kind=supervision", nil, http.StatusOK)["items"].([]any); len(mine) != 1 {
		t.Fatalf("the department's board: %v", mine)
	}
	rep, err := projections.Rebuild(context.Background(), w.m.Env().Pool, testProjections(), projections.RebuildOptions{})
	if err != nil || rep.Differences() != 0 {
		t.Fatalf("rebuild: %+v %v", rep, err)
	}
	step(t, w.dept, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "已整改"}, "resolved")
	if board := w.supervisor.as(t).do("GET", "/api/v1/escalations", nil, http.StatusOK)["items"].([]any); len(board) != 0 {
		t.Fatalf("board after resolution: %v", board)
	}
}

// TestRegistersRefuseWhatDoesNotExist: a complaint against a department
// that is not registered is refused naming the field; a department that
// holds open cases is not taken out of use, and the refusal lists them.
func TestRegistersRefuseWhatDoesNotExist(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	out := w.handler.as(t).do("POST", "/api/v1/cases", map[string]any{"channel": "web", "complainant": map[string]any{"anonymous": true},
		"categories": []string{"efficiency"}, "title": "t", "description": "d", "respondentDepartmentId": "no-such-dept"}, http.StatusUnprocessableEntity)
	if out["error"].(map[string]any)["field"] != "respondentDepartmentId" {
		t.Fatalf("unknown respondent: %v", out)
	}
	id := w.file(t, "停用部门测试")
	w.referAndAcknowledge(t, id)
	out = w.admin.as(t).do("POST", "/api/v1/departments/city-construction/deactivation", map[string]any{"reason": "机构改革"}, http.StatusConflict)
	if msg := out["error"].(map[string]any)["message"].(string); !strings.Contains(msg, id) || !strings.Contains(msg, "1 open case") {
		t.Fatalf("deactivation of a department with an open case: %v", out)
	}
	step(t, w.dept, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "已办结"}, "resolved")
	w.admin.as(t).do("POST", "/api/v1/departments/city-construction/deactivation", map[string]any{"reason": "机构改革"}, http.StatusOK)
}

// TestAdministrationBodiesAgreeWithTheDocument: each field the document
// marks required in the administrator's and the disclosure's bodies is
// refused, naming it, when left out of the documented example body.
func TestAdministrationBodiesAgreeWithTheDocument(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.file(t, "文档一致性")
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Required   []string                  `json:"required"`
				Properties map[string]map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	_, body := w.anon.as(t).raw("GET", "/api/v1/openapi.json", nil)
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		schema, path string
		who          client
	}{
		{"RegisterDepartmentRequest", "/api/v1/departments", w.admin},
		{"AddTermRequest", "/api/v1/taxonomy/issueTypes", w.admin},
		{"CreateTokenRequest", "/api/v1/tokens", w.admin},
		{"DeactivateDepartmentRequest", "/api/v1/departments/tax-bureau/deactivation", w.admin},
		{"DisclosureRequest", "/api/v1/cases/" + id + "/complainant/disclosure", w.handler},
		{"ShredRequest", "/api/v1/cases/" + id + "/shredding", w.admin},
	} {
		s, ok := doc.Components.Schemas[tt.schema]
		if !ok || len(s.Required) == 0 {
			t.Errorf("%s: no required fields documented (%v)", tt.schema, ok)
			continue
		}
		example := map[string]any{}
		for name, p := range s.Properties {
			if ex, ok := p["examples"].([]any); ok && slices.Contains(s.Required, name) {
				example[name] = ex[0]
			}
		}
		if _, ok := example["id"]; ok {
			example["id"] = "fresh-dept" // the example's department is registered already in this world
		}
		for _, name := range s.Required {
			without := map[string]any{}
			for k, v := range example {
				if k != name {
					without[k] = v
				}
			}
			out := tt.who.as(t).do("POST", tt.path, without, http.StatusUnprocessableEntity)
			if out["error"].(map[string]any)["field"] != name {
				t.Errorf("%s without %s: %v", tt.schema, name, out)
			}
		}
	}
}
