package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/eventstore/testenv"
	"github.com/watchpost/watchpost/projections"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// server boots the whole service on a free port, with a test database and
// an embedded NATS server.
func server(t testing.TB) *app.Main {
	t.Helper()
	return start(t, testConfig(t, testenv.Postgres(t), "", testenv.NewClock().Now))
}

func testConfig(t testing.TB, db, natsURL string, clock func() time.Time) app.Config {
	return app.Config{
		Addr:        "127.0.0.1:0",
		DataDir:     t.TempDir(),
		DatabaseURL: db,
		NATSURL:     natsURL,
		Replicas:    1,
		TimeZone:    time.FixedZone("CST", 8*3600),
		Policy:      deadline.DefaultPolicy(),
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Clock:       clock,
		MasterKey:   testMasterKey,
	}
}

// testMasterKey is the tests' master key (32 bytes, base64).
const testMasterKey = "d2F0Y2hwb3N0IHRlc3QgbWFzdGVyIGtleSAzMiBieXQ="

// start runs a server with a configuration, closed when the test ends.
func start(t testing.TB, cfg app.Config) *app.Main {
	t.Helper()
	m := app.NewMain(cfg)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return m
}

// client calls the API as one token.
type client struct {
	t     testing.TB
	base  string
	token string
}

func (c client) do(method, path string, body any, want int) map[string]any {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, raw, want)
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return out
}

func token(t testing.TB, m *app.Main, spec auth.Spec) string {
	t.Helper()
	tok, _, err := auth.NewTokens(m.Env().Pool, m.Now).Create(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// world is a running server with the people who use it.
type world struct {
	m                                       *app.Main
	admin, handler, supervisor, dept, other client
	anon                                    client
}

func newWorld(t testing.TB) *world {
	t.Helper()
	return worldOf(t, server(t))
}

// worldOf gives a running server its people and departments.
func worldOf(t testing.TB, m *app.Main) *world {
	t.Helper()
	w := &world{
		m:          m,
		admin:      client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleAdmin})},
		handler:    client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleHandler, Name: "intake desk"})},
		supervisor: client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleSupervisor})},
		dept:       client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "city-construction"})},
		other:      client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "tax-bureau"})},
		anon:       client{t, m.URL, ""},
	}
	for _, d := range []string{"city-construction", "tax-bureau"} {
		w.admin.do("POST", "/api/v1/departments", map[string]any{"id": d, "name": d, "category": "management"}, http.StatusCreated)
	}
	return w
}

// as returns the same client for another test.
func (c client) as(t *testing.T) client { return client{t, c.base, c.token} }

// file registers a complaint and returns its id.
func (w *world) file(t *testing.T, title string) string {
	t.Helper()
	filed := w.handler.as(t).do("POST", "/api/v1/cases", map[string]any{
		"channel": "hotline", "complainant": map[string]any{"name": "王五", "phone": "13900000000"},
		"categories": []string{"efficiency"}, "issueTypes": []string{"slow_action"},
		"title": title, "description": "材料齐全，二十个工作日未批复",
		"receivedAt": w.m.Now().Add(-48 * time.Hour).Format(time.RFC3339),
	}, http.StatusCreated)
	if filed["status"] != "filed" || filed["trackingCode"] == nil || fmt.Sprint(filed["complainant"]) != "map[anonymous:false consentToDisclose:false disclosable:true removed:false]" {
		t.Fatalf("filed: %v", filed)
	}
	return filed["id"].(string)
}

// step posts a step and checks the status it leads to.
func step(t *testing.T, c client, id, path string, body map[string]any, status string) map[string]any {
	t.Helper()
	v := c.as(t).do("POST", "/api/v1/cases/"+id+path, body, http.StatusOK)
	if v["status"] != status {
		t.Fatalf("%s: status %v, want %s", path, v["status"], status)
	}
	return v
}

// refused posts a step that must be refused with want, and checks that the
// case did not change.
func refused(t *testing.T, c client, reader client, id, path string, body map[string]any, want int) map[string]any {
	t.Helper()
	before := reader.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
	out := c.as(t).do("POST", "/api/v1/cases/"+id+path, body, want)
	after := reader.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
	if before["version"] != after["version"] || before["status"] != after["status"] {
		t.Fatalf("%s refused with %d but the case changed: %v -> %v", path, want, before["version"], after["version"])
	}
	return out
}

// referAndAcknowledge brings a case to the department.
func (w *world) referAndAcknowledge(t *testing.T, id string) {
	t.Helper()
	step(t, w.handler, id, "/referrals", map[string]any{"departmentId": "city-construction", "note": "请两个工作日内反馈"}, "referred")
	step(t, w.dept, id, "/acknowledgements", map[string]any{}, "in_progress")
}

// answerAndClose replies to the complainant, records satisfaction and
// closes the case.
func (w *world) answerAndClose(t *testing.T, id, satisfaction string) {
	t.Helper()
	step(t, w.handler, id, "/replies", map[string]any{"message": "您反映的问题已办结", "method": "phone"}, "replied")
	step(t, w.handler, id, "/satisfaction", map[string]any{"level": satisfaction}, "replied")
	step(t, w.handler, id, "/closure", map[string]any{}, "closed")
}

// TestLifecyclePaths walks each typical path of a complaint over HTTP, and
// then checks that the archive holds exactly the stream and a rebuild
// agrees with the live read models.
func TestLifecyclePaths(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	t.Run("paths", func(t *testing.T) {
		t.Run("referred and resolved on time", func(t *testing.T) {
			t.Parallel()
			id := w.file(t, "施工许可审批超期")
			w.anon.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusUnauthorized)
			// Not referred yet: the department cannot see it.
			w.dept.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusNotFound)
			refused(t, w.handler, w.handler, id, "/referrals", map[string]any{"departmentId": "no-such-department"}, http.StatusUnprocessableEntity)
			step(t, w.handler, id, "/referrals", map[string]any{"departmentId": "city-construction"}, "referred")
			seen := w.dept.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
			if fmt.Sprint(seen["complainant"]) != "map[anonymous:false consentToDisclose:false disclosable:false removed:false]" {
				t.Fatalf("a department's view of the complainant: %v", seen["complainant"])
			}
			if fmt.Sprint(seen["nextSteps"]) != "[acknowledge return]" {
				t.Fatalf("department's next steps: %v", seen["nextSteps"])
			}
			w.other.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusNotFound)
			refused(t, w.other, w.handler, id, "/acknowledgements", map[string]any{}, http.StatusNotFound)
			refused(t, w.dept, w.handler, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "x"}, http.StatusConflict)
			step(t, w.dept, id, "/acknowledgements", map[string]any{}, "in_progress")
			v := step(t, w.dept, id, "/responses", map[string]any{"summary": "已联系企业，正在核查"}, "in_progress")
			if deadlines := v["deadlines"].([]any); len(deadlines) != 2 {
				t.Fatalf("deadlines: %v", v["deadlines"])
			}
			step(t, w.dept, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "已补办许可"}, "resolved")
			refused(t, w.dept, w.handler, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "again"}, http.StatusConflict)
			w.answerAndClose(t, id, "satisfied")
			timeline := w.handler.as(t).do("GET", "/api/v1/cases/"+id+"/events", nil, http.StatusOK)
			events := timeline["events"].([]any)
			var types []string
			for _, e := range events {
				types = append(types, e.(map[string]any)["type"].(string))
			}
			want := "[ComplaintFiled CaseReferred ReferralAcknowledged ResponseRecorded CaseResolved ComplainantReplied SatisfactionRecorded CaseClosed]"
			if fmt.Sprint(types) != want {
				t.Fatalf("timeline %v", types)
			}
			if e := events[4].(map[string]any); e["actorRole"] != "department" || e["summary"] == "" {
				t.Fatalf("resolution entry: %v", e)
			}
			if e := events[0].(map[string]any); e["actorName"] != "intake desk" {
				t.Fatalf("filing entry: %v", e)
			}
		})
		t.Run("returned and re-referred", func(t *testing.T) {
			t.Parallel()
			id := w.file(t, "税务登记被推诿")
			step(t, w.handler, id, "/referrals", map[string]any{"departmentId": "city-construction"}, "referred")
			refused(t, w.dept, w.handler, id, "/returns", map[string]any{"reason": ""}, http.StatusUnprocessableEntity)
			step(t, w.dept, id, "/returns", map[string]any{"reason": "不属于本局职责，应由税务局办理"}, "returned")
			w.dept.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusNotFound)
			refused(t, w.handler, w.handler, id, "/referrals", map[string]any{"departmentId": "city-construction"}, http.StatusUnprocessableEntity)
			step(t, w.handler, id, "/referrals", map[string]any{"departmentId": "tax-bureau"}, "referred")
			step(t, w.other, id, "/acknowledgements", map[string]any{}, "in_progress")
			step(t, w.other, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "已办理登记"}, "resolved")
		})
		t.Run("extended", func(t *testing.T) {
			t.Parallel()
			id := w.file(t, "复杂拆迁补偿纠纷")
			w.referAndAcknowledge(t, id)
			// An extension ends with a working day after the closure
			// deadline: fifteen working days from now.
			due := w.handler.as(t).do("GET", "/api/v1/calendar/due?workdays=15", nil, http.StatusOK)["dueDate"].(string)
			v := step(t, w.dept, id, "/extension-requests", map[string]any{"dueDate": due, "reason": "涉及多个部门协调"}, "in_progress")
			rid := v["extensions"].([]any)[0].(map[string]any)["requestId"].(string)
			refused(t, w.dept, w.handler, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "x"}, http.StatusConflict)
			refused(t, w.dept, w.handler, id, "/extension-requests/"+rid+"/decision", map[string]any{"grant": true}, http.StatusForbidden)
			refused(t, w.supervisor, w.handler, id, "/extension-requests/ext-99/decision", map[string]any{"grant": true}, http.StatusNotFound)
			step(t, w.supervisor, id, "/extension-requests/"+rid+"/decision", map[string]any{"grant": true}, "in_progress")
			v = w.handler.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
			if v["extendedDueDate"] != due {
				t.Fatalf("extended due date %v, want %s", v["extendedDueDate"], due)
			}
			step(t, w.dept, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "协调完成"}, "resolved")
		})
		t.Run("suspended and resumed", func(t *testing.T) {
			t.Parallel()
			id := w.file(t, "需补充材料")
			w.referAndAcknowledge(t, id)
			step(t, w.handler, id, "/suspensions", map[string]any{"reason": "等待投诉人补充材料"}, "suspended")
			refused(t, w.dept, w.handler, id, "/responses", map[string]any{"summary": "x"}, http.StatusConflict)
			v := step(t, w.handler, id, "/resumptions", map[string]any{"note": "材料已补齐"}, "in_progress")
			if v["version"] != float64(5) {
				t.Fatalf("version %v", v["version"])
			}
			step(t, w.dept, id, "/responses", map[string]any{"summary": "已核查"}, "in_progress")
			step(t, w.dept, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "已办结"}, "resolved")
		})
		t.Run("rectification rejected then accepted", func(t *testing.T) {
			t.Parallel()
			id := w.file(t, "乱收费")
			w.referAndAcknowledge(t, id)
			refused(t, w.supervisor, w.handler, id, "/rectifications", map[string]any{"items": []string{"退还费用"}, "dueDate": w.m.Now().AddDate(0, 0, 14).Format(time.DateOnly)}, http.StatusConflict)
			step(t, w.dept, id, "/findings", map[string]any{"finding": "substantiated", "summary": "查实违规收费"}, "in_progress")
			v := step(t, w.supervisor, id, "/rectifications", map[string]any{"items": []string{"退还费用", "公开收费标准"}, "dueDate": w.m.Now().AddDate(0, 0, 14).Format(time.DateOnly)}, "in_progress")
			rid := v["rectifications"].([]any)[0].(map[string]any)["id"].(string)
			refused(t, w.dept, w.handler, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "x"}, http.StatusConflict)
			step(t, w.dept, id, "/rectifications/"+rid+"/report", map[string]any{"summary": "已退费"}, "in_progress")
			step(t, w.supervisor, id, "/rectifications/"+rid+"/verification", map[string]any{"accepted": false, "note": "收费标准未公开"}, "in_progress")
			step(t, w.dept, id, "/rectifications/"+rid+"/report", map[string]any{"summary": "已公开"}, "in_progress")
			step(t, w.supervisor, id, "/rectifications/"+rid+"/verification", map[string]any{"accepted": true}, "in_progress")
			step(t, w.supervisor, id, "/accountability", map[string]any{"subject": "收费科科长", "measure": "criticism"}, "in_progress")
			step(t, w.dept, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "已整改"}, "resolved")
		})
		t.Run("dissatisfied, reopened and closed", func(t *testing.T) {
			t.Parallel()
			id := w.file(t, "窗口服务态度差")
			w.referAndAcknowledge(t, id)
			step(t, w.dept, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "已批评教育"}, "resolved")
			step(t, w.handler, id, "/replies", map[string]any{"message": "已处理", "method": "sms"}, "replied")
			refused(t, w.handler, w.handler, id, "/reopening", map[string]any{"reason": "x"}, http.StatusConflict)
			step(t, w.handler, id, "/satisfaction", map[string]any{"level": "dissatisfied"}, "replied")
			// Closing after dissatisfaction needs a reason; this one is
			// reopened instead.
			refused(t, w.handler, w.handler, id, "/closure", map[string]any{}, http.StatusUnprocessableEntity)
			step(t, w.handler, id, "/reopening", map[string]any{"reason": "投诉人不满意处理结果"}, "in_progress")
			step(t, w.dept, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "当面致歉"}, "resolved")
			w.answerAndClose(t, id, "basically_satisfied")
		})
		t.Run("explained under policy", func(t *testing.T) {
			t.Parallel()
			id := w.file(t, "要求减免税费")
			step(t, w.handler, id, "/acceptance", map[string]any{"mode": "self"}, "in_progress")
			step(t, w.handler, id, "/responses", map[string]any{"summary": "已联系投诉人"}, "in_progress")
			refused(t, w.handler, w.handler, id, "/resolution", map[string]any{"outcome": "forgiven", "summary": "x"}, http.StatusUnprocessableEntity)
			step(t, w.handler, id, "/resolution", map[string]any{"outcome": "explained", "summary": "依政策不能减免，已解释疏导"}, "resolved")
			w.answerAndClose(t, id, "basically_satisfied")
		})
		t.Run("not accepted", func(t *testing.T) {
			t.Parallel()
			id := w.file(t, "与政务无关的民事纠纷")
			step(t, w.handler, id, "/non-acceptance", map[string]any{"reason": "属民事纠纷，不属受理范围"}, "not_accepted")
			step(t, w.handler, id, "/replies", map[string]any{"message": "建议通过诉讼解决", "method": "letter"}, "replied")
			// Nothing was handled: nothing to reopen; no follow-up reached
			// the complainant, so closing says why.
			if next := w.handler.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)["nextSteps"]; fmt.Sprint(next) != "[record_satisfaction close]" {
				t.Fatalf("next steps of a replied, not accepted case: %v", next)
			}
			refused(t, w.handler, w.handler, id, "/closure", map[string]any{}, http.StatusUnprocessableEntity)
			step(t, w.handler, id, "/closure", map[string]any{"noFollowUp": "unreachable"}, "closed")
		})
	})

	// The archive holds exactly what the stream holds, and a rebuild agrees.
	ctx := context.Background()
	m := w.m
	last, err := m.Env().Log.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var archived, top int64
	if err := m.Env().Pool.QueryRow(ctx, `SELECT count(*), max(seq) FROM events`).Scan(&archived, &top); err != nil {
		t.Fatal(err)
	}
	if uint64(archived) != last || uint64(top) != last {
		t.Fatalf("archive holds %d events up to %d; the stream ends at %d", archived, top, last)
	}
	rep, err := projections.Rebuild(ctx, m.Env().Pool, testProjections(), projections.RebuildOptions{})
	if err != nil || rep.Differences() != 0 {
		t.Fatalf("rebuild: %+v %v", rep, err)
	}
}

// TestTaxonomyExtension: an administrator adds an issue type; complaints can
// be filed under it at once.
func TestTaxonomyExtension(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	body := map[string]any{"channel": "web", "complainant": map[string]any{"anonymous": true}, "categories": []string{"efficiency"},
		"issueTypes": []string{"delayed_permits"}, "title": "审批拖延", "description": "三个月未批复"}
	w.handler.as(t).do("POST", "/api/v1/cases", body, http.StatusUnprocessableEntity)
	w.handler.as(t).do("POST", "/api/v1/taxonomy/issueTypes", map[string]any{"code": "delayed_permits", "label": "审批拖延"}, http.StatusForbidden)
	tax := w.admin.as(t).do("POST", "/api/v1/taxonomy/issueTypes", map[string]any{"code": "delayed_permits", "label": "审批拖延"}, http.StatusCreated)
	if n := len(tax["issueTypes"].([]any)); n != 9 {
		t.Fatalf("%d issue types after adding one", n)
	}
	w.admin.as(t).do("POST", "/api/v1/taxonomy/issueTypes", map[string]any{"code": "delayed_permits", "label": "again"}, http.StatusConflict)
	w.admin.as(t).do("POST", "/api/v1/taxonomy/outcomes", map[string]any{"code": "forgiven", "label": "宽恕"}, http.StatusNotFound)
	w.handler.as(t).do("POST", "/api/v1/cases", body, http.StatusCreated)
}

// testProjections are the read models as the test servers run them.
func testProjections() projections.Set {
	return app.Projections(time.FixedZone("CST", 8*3600), deadline.DefaultPolicy())
}
