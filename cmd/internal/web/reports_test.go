package web_test

import (
	"context"
	"fmt"
	"github.com/chromedp/chromedp"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
)

var (
	findingLink = regexp.MustCompile(`href="/findings/(tf-[0-9a-f]+)"`)
	reportForm  = regexp.MustCompile(`action="/reports/(rp-[0-9a-f]+)/`)
)

// TestReportPages walks the pages of issue 12 over HTTP: a supervisor runs
// the detectors on a burst and opens its finding (chart and cases),
// drafts and submits a report; another supervisor approves it and issues
// it to a leader; the leader finds it unread in the inbox, reads it with
// its chart, instructs supervision and downloads the PDF. A department and
// a monitoring point reach none of these pages, and none of them shows the
// complainant or the reporting point.
func TestReportPages(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	handler := s.token(t, auth.Spec{Role: auth.RoleHandler})
	now := s.m.Now()
	s.api(t, handler, "POST", "/api/v1/cases", map[string]any{"channel": "letter", "respondentDepartmentId": "tax-bureau",
		"complainant": map[string]any{"name": "李四"}, "categories": []string{"integrity"}, "issueTypes": []string{"graft"},
		"title": "办税窗口吃拿卡要", "description": "来信反映", "receivedAt": now.AddDate(0, 0, -40).Format(time.RFC3339)}, http.StatusCreated)
	for i := range 6 {
		id := s.api(t, handler, "POST", "/api/v1/cases", map[string]any{"channel": "monitoring_point", "monitoringPointId": point,
			"respondentDepartmentId": "city-construction", "categories": []string{"efficiency"}, "issueTypes": []string{"slow_action"},
			"title": fmt.Sprintf("施工许可审批超期（%d）", i+1), "description": "材料齐全，二十个工作日未批复",
			"complainant": map[string]any{"name": secrets[0], "phone": secrets[1], "idNumber": secrets[2], "address": secrets[3], "contact": secrets[4]},
			"receivedAt":  now.Add(-time.Duration(i+1) * time.Second).Format(time.RFC3339)}, http.StatusCreated)["id"].(string)
		s.api(t, handler, "POST", "/api/v1/cases/"+id+"/referrals", map[string]any{"departmentId": "city-construction"}, http.StatusOK)
	}
	leaderTok, leader, err := auth.NewTokens(s.m.Env().Pool, s.m.Now).Create(context.Background(), auth.Spec{Role: auth.RoleLeader, Name: "王市长"})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	keep := func(page string) string { seen = append(seen, page); return page }

	sup := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RoleSupervisor, Name: "张监督员"}))
	if page := keep(sup.get("/findings", http.StatusOK)); !strings.Contains(page, `href="/findings"`) || !strings.Contains(page, "立即检测") {
		t.Fatalf("the findings page: %s", page)
	}
	status, page := sup.post("/findings/runs", url.Values{})
	keep(page)
	m := findingLink.FindStringSubmatch(page)
	if status != http.StatusOK || !strings.Contains(page, "新发现 1 条") || m == nil || !strings.Contains(page, "市住房和城乡建设局 × 慢作为") {
		t.Fatalf("after the run: %d %s", status, page)
	}
	fid := m[1]
	page = keep(sup.get("/findings/"+fid, http.StatusOK))
	for _, want := range []string{"<svg", "倾向性", "施工许可审批超期（6）", "同一批案件也见于", "起草专报", "排除此发现"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the finding's page lacks %q: %s", want, page)
		}
	}
	// A draft without a title is refused on the same page, next to the field.
	if status, page := sup.post("/reports", url.Values{"key": {"d0"}, "finding": {fid}, "from": {fid}, "summary": {"x"}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "field-error") {
		t.Fatalf("a draft without a title: %d %s", status, page)
	}
	status, page = sup.post("/reports", url.Values{"key": {"d1"}, "finding": {fid}, "from": {fid}, "title": {"关于施工许可慢作为的专报"},
		"summary": {"住建局施工许可投诉集中出现"}, "analysis": {"六件投诉"}, "recommendations": {"建议督办"}})
	keep(page)
	r := reportForm.FindStringSubmatch(page)
	if status != http.StatusOK || r == nil || !strings.Contains(page, "草稿已保存") {
		t.Fatalf("the draft: %d %s", status, page)
	}
	rid := r[1]
	if status, page := sup.post("/reports/"+rid+"/submission", url.Values{"key": {"s1"}}); status != http.StatusOK || !strings.Contains(page, "起草人不能审核") {
		t.Fatalf("submitted: %d %s", status, page)
	}
	// The drafter may not review it.
	if status, page := sup.post("/reports/"+rid+"/review", url.Values{"key": {"r0"}, "approve": {"yes"}}); status != http.StatusForbidden ||
		!strings.Contains(page, "另一名效能监督员") {
		t.Fatalf("reviewed by the drafter: %d %s", status, page)
	}
	reviewer := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RoleSupervisor, Name: "李审核"}))
	reviewer.get("/reports/"+rid, http.StatusOK)
	if status, page := reviewer.post("/reports/"+rid+"/review", url.Values{"key": {"r1"}, "approve": {"yes"}}); status != http.StatusOK ||
		!strings.Contains(page, "王市长") {
		t.Fatalf("approved: %d %s", status, page)
	}
	if status, page := reviewer.post("/reports/"+rid+"/issuance", url.Values{"key": {"i1"}, "leader": {leader.TokenID}}); status != http.StatusOK ||
		!strings.Contains(page, "已签发") {
		t.Fatalf("issued: %d %s", status, page)
	}

	boss := newVisitor(t, s, leaderTok)
	page = keep(boss.get("/reports", http.StatusOK))
	if !strings.Contains(page, "专报收件箱") || !strings.Contains(page, "未读") || !strings.Contains(page, `href="/reports"`) {
		t.Fatalf("the leader's inbox: %s", page)
	}
	page = keep(boss.get("/reports/"+rid, http.StatusOK))
	for _, want := range []string{"关于施工许可慢作为的专报", "<svg", "提交批示", "下载 PDF", "已阅"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the leader's report page lacks %q: %s", want, page)
		}
	}
	if strings.Contains(page, "未读") || strings.Contains(page, "签发</button>") {
		t.Fatalf("the leader's report page: %s", page)
	}
	status, page = boss.post("/reports/"+rid+"/instructions", url.Values{"key": {"n1"}, "text": {"请督办并限期整改"}, "supervision": {"supervise"},
		"followUpDepartment": {"city-construction"}, "workdays": {"3"}})
	keep(page)
	if status != http.StatusOK || !strings.Contains(page, "已对 6 件案件下达") || !strings.Contains(page, "3 个工作日内") {
		t.Fatalf("the instruction: %d %s", status, page)
	}
	res, err := boss.client.Get(s.url + "/reports/" + rid + "/pdf")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("the PDF: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	keep(sup.get("/reports", http.StatusOK))
	keep(sup.get("/reports/"+rid, http.StatusOK))
	for _, page := range seen {
		if l := leaks(page, true); len(l) > 0 {
			t.Fatalf("a report page shows %v: %.300s", l, page)
		}
	}

	// A department and a monitoring point reach none of it, and their
	// navigation does not offer it.
	for who, token := range map[string]string{
		"department": s.token(t, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "city-construction"}),
		"point":      s.token(t, auth.Spec{Role: auth.RolePoint, PointID: point}),
	} {
		v := newVisitor(t, s, token)
		for _, path := range []string{"/findings", "/findings/" + fid, "/reports", "/reports/" + rid, "/reports/" + rid + "/pdf"} {
			page := v.get(path, http.StatusForbidden)
			if strings.Contains(page, fid) || strings.Contains(page, rid) || strings.Contains(page, "慢作为的专报") {
				t.Errorf("%s: %s names the finding or the report", who, path)
			}
		}
		if status, page := v.post("/reports/"+rid+"/instructions", url.Values{"key": {"x"}, "text": {"x"}}); status != http.StatusForbidden || strings.Contains(page, rid) {
			t.Errorf("%s instructed: %d", who, status)
		}
		if page := v.get("/", http.StatusOK); strings.Contains(page, `href="/findings"`) || strings.Contains(page, `href="/reports"`) {
			t.Errorf("%s's navigation offers the findings or the reports", who)
		}
	}
}

// TestReportPagesInBrowser walks the supervisor's and the leader's main
// path in Chromium: the supervisor runs the detectors and opens the
// finding with its chart; the leader opens the inbox, reads the issued
// report with its chart and instructs supervision with the form. The
// screenshots show the pages as people see them.
func TestReportPagesInBrowser(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	handler := s.token(t, auth.Spec{Role: auth.RoleHandler})
	now := s.m.Now()
	s.api(t, handler, "POST", "/api/v1/cases", map[string]any{"channel": "letter", "respondentDepartmentId": "tax-bureau",
		"complainant": map[string]any{"name": "李四"}, "categories": []string{"integrity"}, "issueTypes": []string{"graft"},
		"title": "办税窗口吃拿卡要", "description": "来信反映", "receivedAt": now.AddDate(0, 0, -40).Format(time.RFC3339)}, http.StatusCreated)
	for i := range 6 {
		id := s.api(t, handler, "POST", "/api/v1/cases", map[string]any{"channel": "hotline", "respondentDepartmentId": "city-construction",
			"categories": []string{"efficiency"}, "issueTypes": []string{"slow_action"}, "title": fmt.Sprintf("施工许可审批超期（%d）", i+1),
			"description": "材料齐全", "complainant": map[string]any{"name": "王五"},
			"receivedAt": now.Add(-time.Duration(i+1) * time.Second).Format(time.RFC3339)}, http.StatusCreated)["id"].(string)
		s.api(t, handler, "POST", "/api/v1/cases/"+id+"/referrals", map[string]any{"departmentId": "city-construction"}, http.StatusOK)
	}
	supTok := s.token(t, auth.Spec{Role: auth.RoleSupervisor, Name: "张监督员"})
	reviewTok := s.token(t, auth.Spec{Role: auth.RoleSupervisor, Name: "李审核"})
	leaderTok, leader, err := auth.NewTokens(s.m.Env().Pool, s.m.Now).Create(context.Background(), auth.Spec{Role: auth.RoleLeader, Name: "王市长"})
	if err != nil {
		t.Fatal(err)
	}

	sup := browser(t, 1280, 900)
	login(t, sup, s, supTok)
	do(t, sup, chromedp.Navigate(s.url+"/findings"), chromedp.WaitVisible(chromedp.CSS("form[action='/findings/runs'] button")),
		chromedp.Click(chromedp.CSS("form[action='/findings/runs'] button")), waitText(".alert.ok", "新发现 1 条"),
		chromedp.Click(chromedp.CSS("table.list a")), chromedp.WaitVisible(chromedp.CSS("figure.chart svg")))
	shot(t, sup, "report-1-finding")
	do(t, sup, chromedp.SendKeys(chromedp.ID("f-title"), "关于施工许可慢作为的专报"),
		chromedp.SendKeys(chromedp.ID("f-summary"), "住建局施工许可投诉集中出现，六件均反映材料齐全仍超期。"),
		chromedp.SendKeys(chromedp.ID("f-recommendations"), "建议对所涉案件督办，限期整改。"),
		chromedp.Click(chromedp.CSS("form[action='/reports'] button[type=submit]")), waitText(".alert.ok", "草稿已保存"))
	loc, err := chromedp.Run(sup, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	rid := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], s.url+"/reports/")
	s.api(t, supTok, "POST", "/api/v1/special-reports/"+rid+"/submission", map[string]any{}, http.StatusOK)
	s.api(t, reviewTok, "POST", "/api/v1/special-reports/"+rid+"/review", map[string]any{"approve": true}, http.StatusOK)
	s.api(t, reviewTok, "POST", "/api/v1/special-reports/"+rid+"/issuance", map[string]any{"leaders": []string{leader.TokenID}}, http.StatusOK)

	boss := browser(t, 1280, 900)
	login(t, boss, s, leaderTok)
	do(t, boss, chromedp.Navigate(s.url+"/reports"), waitText(".inbox", "未读"))
	shot(t, boss, "report-2-inbox")
	do(t, boss, chromedp.Click(chromedp.CSS(".inbox-head a")), chromedp.WaitVisible(chromedp.CSS("figure.chart svg")),
		chromedp.SendKeys(chromedp.ID("f-text"), "请效能办督办，市住建局限期整改并反馈。"),
		chromedp.SetValue(chromedp.ID("f-supervision"), "supervise"),
		chromedp.SetValue(chromedp.ID("f-dept"), "city-construction"),
		chromedp.Click(chromedp.CSS("form[action$='/instructions'] button[type=submit]")), waitText(".timeline", "已对 6 件案件下达"))
	shot(t, boss, "report-3-instructed")
}
