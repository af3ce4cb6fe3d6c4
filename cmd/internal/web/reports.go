package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/reports"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/report"
	"github.com/watchpost/watchpost/domain/trend"
)

// The pages of the trend findings and the special reports: a supervisor's
// findings with their evidence, drafting, review and issue; a leader's
// inbox of the reports issued to them, the report with its charts and the
// instruction form. Who sees what is the reports service's decision.

// reportsPage is the one template of these pages; Page says which.
type reportsPage struct {
	Page       string // findings, finding, reports, report
	Key        string
	Supervisor bool
	Leader     bool
	Done       string

	Findings []findingRow
	Status   string // the findings' status shown

	Finding *findingDetail

	Reports []reports.ReportLine

	Report       *reports.ReportView
	Rows         []findingRow     // the report's findings
	Instructions []instructionRow // the report's instructions
	Charts       []trendChart
	Leaders      []reports.Leader
	Departments  []choice
	Levels       []choice
	Unreported   []reports.InstructionView // instructions whose follow-up is still to be reported
	Instructable bool
}

// findingRow is a finding in a list.
type findingRow struct {
	reports.FindingView
	CellName string
}

// Period is the finding's period in Chinese.
func (f findingRow) Period() string { return period(f.From, f.To) }

func period(from, to trend.Date) string {
	if from == to {
		return reportDate(from)
	}
	return reportDate(from) + "至" + reportDate(to)
}

// instructionRow is an instruction with its follow-up's due day.
type instructionRow struct {
	reports.InstructionView
	Due string // the last working day of the follow-up
}

// RunDone says what the detector run the page follows did.
func (p reportsPage) RunDone() string {
	parts := strings.Split(p.Done, ":")
	switch {
	case len(parts) == 3 && parts[0] == "run":
		return "检测完成：新发现 " + parts[1] + " 条，更新 " + parts[2] + " 条。"
	case p.Done == "dismissed":
		return "已排除该发现。"
	}
	return ""
}

// DoneText says what the step the page follows did.
func (p reportsPage) DoneText() string {
	return map[string]string{"drafted": "草稿已保存。", "submission": "已提交审核。", "review": "审核意见已记录。", "issuance": "已签发。",
		"instructions": "批示已记录。", "follow-up": "落实情况已反馈。", "closure": "专报已办结。"}[p.Done]
}

// findingDetail is one finding with its evidence.
type findingDetail struct {
	reports.FindingDetail
	CellName      string
	Chart         trendChart
	Corroborating []string
}

// Period is the finding's period in Chinese.
func (f *findingDetail) Period() string { return period(f.From, f.To) }

// Measure says what the rule that raised the finding measured.
func (f *findingDetail) Measure() string {
	s := f.Signal
	out := "观测 " + strconv.FormatFloat(s.Observed, 'f', 0, 64) + "，基线 " + strconv.FormatFloat(s.Expected, 'f', 2, 64)
	if s.PValue != nil {
		return out + "，p = " + strconv.FormatFloat(*s.PValue, 'e', 1, 64)
	}
	return out + "，统计量 " + strconv.FormatFloat(s.Statistic, 'f', 2, 64) + "（阈值 " + strconv.FormatFloat(s.Threshold, 'f', 2, 64) + "）"
}

// cellName writes a cell in words: 市住房和城乡建设局 × 慢作为.
func (s *Server) cellName(v *view, c finding.Cell, tax map[string]string) string {
	var parts []string
	if c.Department != "" {
		parts = append(parts, v.Dept(c.Department))
	}
	if c.IssueType != "" {
		parts = append(parts, orCode(tax, "issue:"+c.IssueType, c.IssueType))
	}
	if c.Category != "" {
		parts = append(parts, orCode(tax, "category:"+c.Category, c.Category))
	}
	if c.District != "" {
		parts = append(parts, c.District)
	}
	if c.PointType != "" {
		parts = append(parts, "监测点类型："+c.PointType)
	}
	if c.Dimension == finding.Issue {
		parts = append(parts, "全市")
	}
	return strings.Join(parts, " × ")
}

func orCode(m map[string]string, key, code string) string {
	if l, ok := m[key]; ok {
		return l
	}
	return code
}

// termNames are the Chinese names of the issue types and categories.
func (s *Server) termNames(r *http.Request) map[string]string {
	out := map[string]string{}
	tax, err := s.Taxonomies.Current(r.Context())
	if err != nil {
		return out
	}
	for _, t := range tax.IssueTypes {
		out["issue:"+t.Code] = t.Label
	}
	for _, t := range tax.Categories {
		out["category:"+t.Code] = t.Label
	}
	return out
}

// findingsPage: GET /findings, a supervisor's findings (open ones unless
// ?status= says otherwise), with the button that runs the detectors now.
func (s *Server) findingsPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return s.renderFindings(w, r, s.view(r, sess, "趋势发现"), http.StatusOK)
}

func (s *Server) renderFindings(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	p := v.Sess.Principal
	st := r.URL.Query().Get("status")
	q := reports.FindingQuery{Limit: 200}
	switch st {
	case "", "open":
		st, q.Status = "open", []finding.Status{finding.StatusOpen}
	case "all":
	default:
		q.Status = []finding.Status{finding.Status(st)}
	}
	list, err := s.Reports.Findings(r.Context(), p, q)
	if err != nil {
		return err
	}
	names := s.termNames(r)
	body := reportsPage{Page: "findings", Key: newFormKey(), Supervisor: true, Status: st, Done: r.URL.Query().Get("done")}
	for _, f := range list.Items {
		body.Findings = append(body.Findings, findingRow{FindingView: f, CellName: s.cellName(v, f.Cell, names)})
	}
	v.Body = body
	s.render(w, r, status, "reports.html", v)
	return nil
}

// runDetection: POST /findings/runs runs the detectors on today's counts.
func (s *Server) runDetection(w http.ResponseWriter, r *http.Request, sess *session) error {
	sum, err := s.Reports.RunDetection(r.Context(), sess.Principal, nil)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/findings?done="+url.QueryEscape("run:"+strconv.Itoa(len(sum.Detected))+":"+strconv.Itoa(len(sum.Updated))), http.StatusSeeOther)
	return nil
}

// findingPage: GET /findings/{id}, a finding with its evidence, the
// dismissal form and the form that drafts a report from it.
func (s *Server) findingPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return s.renderFinding(w, r, s.view(r, sess, "趋势发现"), http.StatusOK, r.PathValue("id"))
}

func (s *Server) renderFinding(w http.ResponseWriter, r *http.Request, v *view, status int, id string) error {
	d, err := s.Reports.Finding(r.Context(), v.Sess.Principal, id)
	if err != nil {
		return err
	}
	names := s.termNames(r)
	fd := &findingDetail{FindingDetail: d, CellName: s.cellName(v, d.Cell, names)}
	fd.Chart = trendChartOf("每日案件数与基线："+fd.CellName, d.Chart)
	for _, c := range d.Corroborating {
		fd.Corroborating = append(fd.Corroborating, s.Catalog.Label(zh, "trend_kind", string(c.Kind))+"："+s.cellName(v, c.Cell, names))
	}
	v.Body = reportsPage{Page: "finding", Key: newFormKey(), Supervisor: true, Finding: fd}
	s.render(w, r, status, "reports.html", v)
	return nil
}

// dismissFinding: POST /findings/{id}/dismissal.
func (s *Server) dismissFinding(w http.ResponseWriter, r *http.Request, sess *session) error {
	id := r.PathValue("id")
	_, err := s.Reports.DismissFinding(r.Context(), sess.Principal, commandMeta(r, sess.Principal), id, field(r, "reason"))
	if err != nil {
		return s.refused(w, r, sess, err, func(v *view, status int) error { return s.renderFinding(w, r, v, status, id) })
	}
	http.Redirect(w, r, "/findings?done=dismissed", http.StatusSeeOther)
	return nil
}

// refused shows a page again with a command's refusal on it; other errors
// are the error page's.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, sess *session, err error, again func(v *view, status int) error) error {
	switch classify(err).status {
	case http.StatusUnprocessableEntity, http.StatusConflict, http.StatusForbidden, http.StatusAccepted:
	default:
		return err
	}
	v := s.view(r, sess, "专报")
	v.Values = r.PostForm
	return again(v, s.formError(v, err))
}

// reportsList: GET /reports, every report for a supervisor, a leader's
// inbox of the reports issued to them.
func (s *Server) reportsList(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	list, err := s.Reports.Reports(r.Context(), p, nil)
	if err != nil {
		return err
	}
	title := "专报"
	if p.Role == access.RoleLeader {
		title = "专报收件箱"
	}
	v := s.view(r, sess, title)
	v.Body = reportsPage{Page: "reports", Supervisor: p.Role == access.RoleSupervisor, Leader: p.Role == access.RoleLeader, Reports: list.Items}
	s.render(w, r, http.StatusOK, "reports.html", v)
	return nil
}

// draftReport: POST /reports drafts a report from the findings of the form.
func (s *Server) draftReport(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	in := reports.Draft{Title: field(r, "title"), Summary: field(r, "summary"), Analysis: field(r, "analysis"),
		Recommendations: field(r, "recommendations"), Findings: r.PostForm["finding"], Cases: lines(r.PostFormValue("cases"))}
	rv, err := s.Reports.DraftReport(r.Context(), p, commandMeta(r, p), in)
	if err != nil {
		back := r.PostFormValue("from")
		return s.refused(w, r, sess, err, func(v *view, status int) error {
			if finding.ValidID(back) {
				return s.renderFinding(w, r, v, status, back)
			}
			return s.renderFindings(w, r, v, status)
		})
	}
	http.Redirect(w, r, "/reports/"+url.PathEscape(rv.ID)+"?done=drafted", http.StatusSeeOther)
	return nil
}

// reportPage: GET /reports/{id}, the report with its charts and, by role
// and status, the forms of its next steps.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return s.renderReport(w, r, s.view(r, sess, "专报"), http.StatusOK, r.PathValue("id"))
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, v *view, status int, id string) error {
	p := v.Sess.Principal
	rv, err := s.Reports.Report(r.Context(), p, id)
	if err != nil {
		return err
	}
	names := s.termNames(r)
	body := reportsPage{Page: "report", Key: newFormKey(), Supervisor: p.Role == access.RoleSupervisor, Leader: p.Role == access.RoleLeader,
		Report: &rv, Done: r.URL.Query().Get("done")}
	for _, f := range rv.Findings {
		body.Rows = append(body.Rows, findingRow{FindingView: f, CellName: s.cellName(v, f.Cell, names)})
	}
	for _, c := range rv.Charts {
		body.Charts = append(body.Charts, trendChartOf("每日案件数与基线："+s.cellName(v, c.Cell, names), c))
	}
	for _, in := range rv.Instructions {
		row := instructionRow{InstructionView: in}
		if in.FollowUp != nil {
			row.Due = s.Catalog.Date(zh, in.FollowUp.DueAt.Add(-time.Nanosecond))
			if in.Reported == nil {
				body.Unreported = append(body.Unreported, in)
			}
		}
		body.Instructions = append(body.Instructions, row)
	}
	if body.Supervisor && rv.Status == report.StatusApproved {
		list, err := s.Reports.Leaders(r.Context(), p)
		if err != nil {
			return err
		}
		body.Leaders = list.Items
	}
	if body.Leader && rv.Status != report.StatusClosed {
		body.Instructable = true
		for id, name := range v.depts {
			body.Departments = append(body.Departments, choice{Code: id, Label: name})
		}
		sortChoices(body.Departments)
		body.Levels = []choice{{Code: "urge", Label: "催办"}, {Code: "supervise", Label: "督办"}, {Code: "flag", Label: "挂牌督办"}}
	}
	v.Title = rv.Title
	v.Body = body
	s.render(w, r, status, "reports.html", v)
	return nil
}

func sortChoices(cs []choice) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].Label < cs[j-1].Label; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// reportStep: POST /reports/{id}/{step}: submission, review, issuance,
// instructions, follow-up and closure, each with its form's values. A
// refusal shows the report again with the message.
func (s *Server) reportStep(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	id, step := r.PathValue("id"), r.PathValue("step")
	meta := commandMeta(r, p)
	ctx := r.Context()
	var err error
	switch step {
	case "submission":
		_, err = s.Reports.SubmitReport(ctx, p, meta, id)
	case "review":
		_, err = s.Reports.ReviewReport(ctx, p, meta, id, field(r, "approve") == "yes", field(r, "note"))
	case "issuance":
		_, err = s.Reports.IssueReport(ctx, p, meta, id, r.PostForm["leader"])
	case "instructions":
		in := reports.Instruction{Text: field(r, "text"), Supervision: field(r, "supervision")}
		if dept := field(r, "followUpDepartment"); dept != "" {
			days, _ := strconv.Atoi(field(r, "workdays"))
			in.FollowUp = &reports.FollowUpOrder{DepartmentID: dept, Workdays: days}
		}
		_, err = s.Reports.Instruct(ctx, p, meta, id, in)
	case "follow-up":
		_, err = s.Reports.ReportFollowUp(ctx, p, meta, id, field(r, "instructionId"), field(r, "summary"))
	case "closure":
		_, err = s.Reports.CloseReport(ctx, p, meta, id, field(r, "note"))
	default:
		http.NotFound(w, r)
		return nil
	}
	if err != nil {
		return s.refused(w, r, sess, err, func(v *view, status int) error { return s.renderReport(w, r, v, status, id) })
	}
	http.Redirect(w, r, "/reports/"+url.PathEscape(id)+"?done="+url.QueryEscape(step), http.StatusSeeOther)
	return nil
}

// reportPDF: GET /reports/{id}/pdf, an issued report as a PDF.
func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request, sess *session) error {
	doc, name, err := s.Reports.PDF(r.Context(), sess.Principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(doc)
	return nil
}

// reportDate writes a trend.Date in Chinese for the templates.
func reportDate(d trend.Date) string {
	y, m, day := d.Civil()
	return strconv.Itoa(y) + "年" + strconv.Itoa(int(m)) + "月" + strconv.Itoa(day) + "日"
}
