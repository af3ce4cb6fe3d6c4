package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/watchpost/watchpost/cmd/internal/auth"
)

// caseURL matches the address of a case page.
var caseURL = regexp.MustCompile(`/cases/([0-9a-f-]{36})`)

// takeStep opens a step's form on the case page, lets fill fill it, sends
// it and waits for the page to say it was done.
func takeStep(t *testing.T, ctx context.Context, step, label string, fill ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	actions := []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS("#step-" + step + " summary"))}
	actions = append(actions, fill...)
	actions = append(actions, chromedp.Click(chromedp.CSS("#step-"+step+" button[type=submit]")), waitText(".alert.ok", "已完成："+label))
	do(t, ctx, actions...)
}

// TestWalk walks a complaint from intake to closure in the browser, by the
// handler and the department, then the public page, an administrator's
// token, the supervisor's live board and the end of an idle session. The
// steps share one server and run in order: the later ones move its clock.
func TestWalk(t *testing.T) {
	s := newServer(t)
	handlerToken := s.token(t, auth.Spec{Role: auth.RoleHandler, Name: "受理窗口"})
	deptToken := s.token(t, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "city-construction", Name: "住建局联络员"})
	handler := browser(t, 1280, 900)
	dept := browser(t, 375, 812)
	var caseID, code string
	const title = "施工许可审批超期"

	t.Run("handler files and refers", func(t *testing.T) {
		login(t, handler, s, handlerToken)
		// A form sent without what the rules need shows the messages next
		// to the fields.
		do(t, handler, chromedp.Navigate(s.url+"/cases/new"), chromedp.WaitVisible(chromedp.ID("f-title")),
			chromedp.Click(chromedp.CSS("form.intake button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".field-error")))
		if msg := text(t, handler, ".invalid .field-error"); msg == "" {
			t.Fatal("no message next to the field")
		}
		do(t, handler,
			chromedp.SetValue(chromedp.ID("f-channel"), "hotline"),
			chromedp.SendKeys(chromedp.CSS("[name='complainant.name']"), "张三"),
			chromedp.SendKeys(chromedp.CSS("[name='complainant.phone']"), "13800000000"),
			chromedp.Click(chromedp.CSS("input[name=categories][value=efficiency]")),
			chromedp.Click(chromedp.CSS("input[name=issueTypes][value=slow_action]")),
			chromedp.SetValue(chromedp.ID("f-respondentDepartmentId"), "city-construction"),
			chromedp.SendKeys(chromedp.ID("f-title"), title),
			chromedp.SendKeys(chromedp.ID("f-description"), "材料齐全，二十个工作日未批复"),
			chromedp.Click(chromedp.CSS("form.intake button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("tracking-code")))
		code = text(t, handler, "#tracking-code")
		if !regexp.MustCompile(`^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$`).MatchString(code) {
			t.Fatalf("tracking code %q", code)
		}
		do(t, handler, chromedp.Click(chromedp.CSS("a.button")), chromedp.WaitVisible(chromedp.ID("case-status")))
		loc, _ := chromedp.Run(handler, chromedp.Location())
		m := caseURL.FindStringSubmatch(loc)
		if m == nil {
			t.Fatalf("not a case page: %s", loc)
		}
		caseID = m[1]
		if got := text(t, handler, "#case-status"); got != "已登记" {
			t.Fatalf("status %q", got)
		}
		takeStep(t, handler, "refer", "转办", chromedp.SetValue(chromedp.ID("refer-departmentId"), "city-construction"),
			chromedp.SendKeys(chromedp.ID("refer-note"), "请两个工作日内反馈"))
		if got := text(t, handler, "#case-status"); got != "已转办" {
			t.Fatalf("status after referral %q", got)
		}
		if got := text(t, handler, ".deadlines"); !strings.Contains(got, "剩余 2 个工作日") || !strings.Contains(got, "剩余 7 个工作日") {
			t.Fatalf("deadlines: %s", got)
		}
		shot(t, handler, "handler-case")
	})

	t.Run("department acknowledges, responds and resolves", func(t *testing.T) {
		login(t, dept, s, deptToken)
		do(t, dept, chromedp.Navigate(s.url+"/inbox"), chromedp.WaitVisible(chromedp.CSS(".inbox-item")))
		if got := text(t, dept, ".inbox"); !strings.Contains(got, title) || !strings.Contains(got, "剩余 2 个工作日") {
			t.Fatalf("inbox: %s", got)
		}
		shot(t, dept, "department-inbox")
		do(t, dept, chromedp.Click(chromedp.CSS(".inbox-item a")), chromedp.WaitVisible(chromedp.ID("case-status")))
		if page := text(t, dept, "main"); strings.Contains(page, "张三") || strings.Contains(page, "13800000000") {
			t.Fatal("the department sees the complainant")
		}
		takeStep(t, dept, "acknowledge", "签收")
		takeStep(t, dept, "respond", "快速反应", chromedp.SendKeys(chromedp.ID("respond-summary"), "已联系企业，正在核查"))
		takeStep(t, dept, "resolve", "办结", chromedp.SetValue(chromedp.ID("resolve-outcome"), "resolved"),
			chromedp.SendKeys(chromedp.ID("resolve-summary"), "已于当日补办许可"))
		if got := text(t, dept, "#case-status"); got != "已办结" {
			t.Fatalf("status %q", got)
		}
		shot(t, dept, "department-case")
	})

	t.Run("handler replies, records satisfaction and closes", func(t *testing.T) {
		do(t, handler, chromedp.Navigate(s.url+"/cases/"+caseID), chromedp.WaitVisible(chromedp.ID("step-reply")))
		takeStep(t, handler, "reply", "答复投诉人", chromedp.SendKeys(chromedp.ID("reply-message"), "您反映的问题已办结"),
			chromedp.SetValue(chromedp.ID("reply-method"), "phone"))
		takeStep(t, handler, "record_satisfaction", "回访", chromedp.SetValue(chromedp.ID("record_satisfaction-level"), "satisfied"))
		takeStep(t, handler, "close", "归档")
		if got := text(t, handler, "#case-status"); got != "已归档" {
			t.Fatalf("status %q", got)
		}
		if got := text(t, handler, "#timeline"); !strings.Contains(got, "受理窗口") || !strings.Contains(got, "住建局联络员") {
			t.Fatalf("timeline: %s", got)
		}
		shot(t, handler, "handler-closed")
	})

	t.Run("public page shows the status", func(t *testing.T) {
		public := browser(t, 375, 812)
		do(t, public, chromedp.Navigate(s.url+"/track"), chromedp.WaitVisible(chromedp.ID("code")),
			chromedp.SendKeys(chromedp.ID("code"), code), chromedp.Submit(chromedp.ID("code")),
			chromedp.WaitVisible(chromedp.ID("track-result")))
		if got := text(t, public, "#track-status"); got != "已归档" {
			t.Fatalf("public status %q", got)
		}
		if got := text(t, public, "#track-result"); !strings.Contains(got, "您反映的问题已办结") || strings.Contains(got, "住房") {
			t.Fatalf("public page: %s", got)
		}
		shot(t, public, "public-track")
	})

	t.Run("administrator creates a token", func(t *testing.T) {
		admin := browser(t, 1280, 900)
		login(t, admin, s, s.admin)
		do(t, admin, chromedp.Navigate(s.url+"/admin/tokens"), chromedp.WaitVisible(chromedp.ID("f-role")),
			chromedp.SetValue(chromedp.ID("f-role"), "department"),
			chromedp.SetValue(chromedp.ID("f-departmentId"), "tax-bureau"),
			chromedp.SendKeys(chromedp.ID("f-name"), "税务局联络员"),
			chromedp.Submit(chromedp.ID("f-name")), chromedp.WaitVisible(chromedp.ID("new-token")))
		tok := text(t, admin, "#new-token")
		if !strings.HasPrefix(tok, "wpt_") {
			t.Fatalf("new token %q", tok)
		}
		if got := text(t, admin, "table.list"); !strings.Contains(got, "税务局联络员") || !strings.Contains(got, "市税务局") {
			t.Fatalf("token list: %s", got)
		}
		shot(t, admin, "admin-tokens")
		// The new token logs its holder in.
		holder := browser(t, 1280, 900)
		login(t, holder, s, tok)
		if got := text(t, holder, ".who"); !strings.Contains(got, "市税务局") {
			t.Fatalf("logged in as %s", got)
		}
	})

	t.Run("supervisor sees an overdue case on the live board and orders supervision", func(t *testing.T) {
		// Cases referred now: their response deadline is the end of the
		// second working day after today; one more is referred on the next
		// working day.
		refer := func(title, dept string) (string, time.Time) {
			id := s.api(t, handlerToken, "POST", "/api/v1/cases", map[string]any{"channel": "hotline",
				"complainant": map[string]any{"anonymous": true}, "categories": []string{"efficiency"}, "issueTypes": []string{"inaction"},
				"title": title, "description": "多次前往均被告知下周再来"}, 201)["id"].(string)
			referred := s.api(t, handlerToken, "POST", "/api/v1/cases/"+id+"/referrals", map[string]any{"departmentId": dept}, 200)
			for _, d := range referred["deadlines"].([]any) {
				if d := d.(map[string]any); d["kind"] == "response" {
					due, _ := time.Parse(time.RFC3339Nano, d["dueAt"].(string))
					return id, due
				}
			}
			t.Fatalf("no response deadline: %v", referred["deadlines"])
			return "", time.Time{}
		}
		id, due := refer("窗口推诿不予办理", "tax-bureau")
		other, _ := refer("施工噪声投诉无人回复", "city-construction")
		s.nextWorkingDay(t, handlerToken)
		later, _ := refer("发票申领系统故障未修复", "tax-bureau")
		// Ten seconds before the deadline: the case is in its last day.
		s.clock.Set(due.Add(-10 * time.Second))
		supervisor := browser(t, 1280, 900)
		login(t, supervisor, s, s.token(t, auth.Spec{Role: auth.RoleSupervisor, Name: "效能监督员"}))
		do(t, supervisor, chromedp.Navigate(s.url+"/board"), chromedp.WaitVisible(chromedp.CSS("#level-0 [data-case='"+id+"']")),
			waitText("#live-state", "实时更新中"))
		// The deadline passes: the service raises 催办 and the open page
		// shows it without being reloaded.
		s.clock.Set(due.Add(time.Second))
		do(t, supervisor, chromedp.WaitVisible(chromedp.CSS("#level-1 [data-case='"+id+"']")),
			waitText("#level-1 [data-case='"+id+"']", "已超期"), chromedp.WaitVisible(chromedp.CSS("#level-1 [data-case='"+other+"']")),
			chromedp.WaitVisible(chromedp.CSS("#level-0 [data-case='"+later+"']")))
		if got := text(t, supervisor, "#level-1"); !strings.Contains(got, "窗口推诿不予办理") || !strings.Contains(got, "市税务局") {
			t.Fatalf("催办 lane: %s", got)
		}
		shot(t, supervisor, "supervisor-board")
		do(t, supervisor, chromedp.Click(chromedp.CSS("#level-1 [data-case='"+id+"'] a")), chromedp.WaitVisible(chromedp.ID("step-order_supervision")))
		takeStep(t, supervisor, "order_supervision", "督办", chromedp.SetValue(chromedp.ID("order_supervision-level"), "supervise"),
			chromedp.SendKeys(chromedp.ID("order_supervision-note"), "请三日内报告办理情况"))
		if got := text(t, supervisor, "#timeline"); !strings.Contains(got, "督办") {
			t.Fatalf("timeline: %s", got)
		}
		if got := text(t, supervisor, ".deadlines"); !strings.Contains(got, "已超期") {
			t.Fatalf("deadlines: %s", got)
		}
	})

	t.Run("an idle session ends", func(t *testing.T) {
		ctx := browser(t, 1280, 900)
		login(t, ctx, s, handlerToken)
		s.clock.Set(s.clock.Now().Add(29 * time.Minute))
		do(t, ctx, chromedp.Navigate(s.url+"/cases"), chromedp.WaitVisible(chromedp.CSS("form[action='/logout']")))
		s.clock.Set(s.clock.Now().Add(31 * time.Minute))
		do(t, ctx, chromedp.Navigate(s.url+"/cases?status=closed"), chromedp.WaitVisible(chromedp.ID("token")))
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		u, _ := url.Parse(loc)
		if u.Path != "/login" || u.Query().Get("next") != "/cases?status=closed" {
			t.Fatalf("after the idle timeout: %s", loc)
		}
		// Logging in again leads back where the person was going.
		do(t, ctx, chromedp.SendKeys(chromedp.ID("token"), handlerToken), chromedp.Submit(chromedp.ID("token")),
			waitText("h1", "案件列表"))
	})
}
