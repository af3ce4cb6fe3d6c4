package httpapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/watchpost/watchpost/cmd/internal/reports"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/report"
	"github.com/watchpost/watchpost/domain/trend"
	"github.com/watchpost/watchpost/projections"
)

// reportRoutes are the routes of the trend findings and the special
// reports to leaders (issue 12).
func (s *Server) reportRoutes() []route {
	const f, r = "/api/v1/trend-findings", "/api/v1/special-reports"
	return []route{
		{method: "GET", pattern: f, action: access.ReadTrendFindings, handle: s.listTrendFindings,
			doc: doc{summary: "Trend findings (苗头性、倾向性、普遍性), the most recently updated first", response: reports.FindingList{},
				query: []param{{name: "status", kind: "string", repeat: true, description: "open, ended, dismissed"},
					{name: "kind", kind: "string", description: "tendency, widespread or emerging"},
					{name: "cursor", kind: "string", description: "the next value of the previous page"},
					{name: "limit", kind: "integer", description: "1 to 200, default 50"}}}},
		{method: "GET", pattern: f + "/{id}", action: access.ReadTrendFindings, handle: s.getTrendFinding,
			doc: doc{summary: "A finding with its evidence: what each rule measured, the cases behind it, the cell's daily counts and baseline",
				response: reports.FindingDetail{}}},
		{method: "POST", pattern: f + "/{id}/dismissal", action: access.DismissTrendFinding, handle: s.dismissTrendFinding,
			doc: doc{summary: "Set a finding aside, with the reason", body: trendDismissalRequest{}, response: reports.FindingDetail{}}},
		{method: "POST", pattern: "/api/v1/trend-runs", action: access.RunTrendDetection, handle: s.runTrendDetection,
			doc: doc{summary: "Run the trend detectors now on today's counts so far (or on a recent day)", body: trendRunRequest{}, response: reports.RunSummary{}}},
		{method: "GET", pattern: "/api/v1/leaders", action: access.IssueSpecialReport, handle: s.listReportLeaders,
			doc: doc{summary: "The leaders a special report may be issued to", response: reports.LeaderList{}}},

		{method: "GET", pattern: r, action: access.ReadSpecialReports, handle: s.listSpecialReports,
			doc: doc{summary: "Special reports (专报): every one for supervisors, a leader's inbox for a leader", response: reports.ReportList{},
				query: []param{{name: "status", kind: "string", repeat: true, description: "draft, in_review, approved, issued, instructed, closed"}}}},
		{method: "POST", pattern: r, action: access.DraftSpecialReport, handle: s.draftSpecialReport,
			doc: doc{summary: "Draft a special report from findings or cases picked by hand", body: reports.Draft{}, response: reports.ReportView{}, status: http.StatusCreated}},
		{method: "GET", pattern: r + "/{id}", action: access.ReadSpecialReports, handle: s.getSpecialReport,
			doc: doc{summary: "A special report with its findings, cases, charts and instructions; a leader's first reading is its read receipt",
				response: reports.ReportView{}}},
		{method: "PATCH", pattern: r + "/{id}", action: access.DraftSpecialReport, handle: s.editSpecialReport,
			doc: doc{summary: "Change a draft", body: reports.Edit{}, response: reports.ReportView{}}},
		{method: "POST", pattern: r + "/{id}/submission", action: access.DraftSpecialReport, handle: s.submitSpecialReport,
			doc: doc{summary: "Submit a draft for review", body: submissionRequest{}, response: reports.ReportView{}}},
		{method: "POST", pattern: r + "/{id}/review", action: access.ReviewSpecialReport, handle: s.reviewSpecialReport,
			doc: doc{summary: "Approve a report for issue, or return it to its drafter with a note (not by its drafter)", body: specialReviewRequest{}, response: reports.ReportView{}}},
		{method: "POST", pattern: r + "/{id}/issuance", action: access.IssueSpecialReport, handle: s.issueSpecialReport,
			doc: doc{summary: "Issue an approved report to named leaders", body: specialIssueRequest{}, response: reports.ReportView{}}},
		{method: "GET", pattern: r + "/{id}/pdf", action: access.ReadSpecialReports, handle: s.specialReportPDF,
			doc: doc{summary: "An issued report as a PDF (application/pdf), its Chinese text with the font embedded"}},
		{method: "POST", pattern: r + "/{id}/instructions", action: access.InstructSpecialReport, handle: s.instructSpecialReport,
			doc: doc{summary: "A leader's instruction (批示): its text, supervision on every case behind the report (once per case), a follow-up due in working days",
				body: reports.Instruction{}, response: reports.ReportView{}}},
		{method: "POST", pattern: r + "/{id}/instructions/{iid}/follow-up", action: access.FollowUpSpecialReport, handle: s.specialReportFollowUp,
			doc: doc{summary: "Report the follow-up of an instruction back", body: specialFollowUpRequest{}, response: reports.ReportView{}}},
		{method: "POST", pattern: r + "/{id}/closure", action: access.FollowUpSpecialReport, handle: s.closeSpecialReport,
			doc: doc{summary: "Close a report once every follow-up is reported", body: specialCloseRequest{}, response: reports.ReportView{}}},
	}
}

type (
	trendDismissalRequest struct {
		Reason string `json:"reason" rule:"required,max=500" desc:"Why the finding is not a trend" example:"节假日后集中受理，属正常波动"`
	}
	trendRunRequest struct {
		Day string `json:"day,omitempty" rule:"format=date" desc:"The day to test (today by default; today or one of the last days)"`
	}
	submissionRequest    struct{}
	specialReviewRequest struct {
		Approve bool   `json:"approve" desc:"true approves the report for issue; false returns it to its drafter" example:"true"`
		Note    string `json:"note,omitempty" rule:"max=1000" desc:"Required when the report is returned"`
	}
	specialIssueRequest struct {
		Leaders []string `json:"leaders" rule:"required,maxItems=20" desc:"The ids of the leaders' tokens (GET /api/v1/leaders)"`
	}
	specialFollowUpRequest struct {
		Summary string `json:"summary" rule:"required,max=2000" desc:"What was done" example:"已完成整改，审批时限压缩至5个工作日"`
	}
	specialCloseRequest struct {
		Note string `json:"note,omitempty" rule:"max=1000" desc:"A note on closing"`
	}
)

// listTrendFindings: GET /api/v1/trend-findings.
func (s *Server) listTrendFindings(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q := r.URL.Query()
	var fq reports.FindingQuery
	for name, vals := range q {
		switch name {
		case "status":
			for _, v := range vals {
				if err := code(name, v); err != nil {
					return err
				}
				fq.Status = append(fq.Status, finding.Status(v))
			}
		case "kind", "cursor", "limit":
			if len(vals) != 1 {
				return badParam(name, "%s: give it once", name)
			}
		default:
			if err := plainText("query", name); err != nil {
				return err
			}
			return badParam(name, "%s: unknown query parameter", name)
		}
	}
	if v := q.Get("kind"); v != "" {
		if err := code("kind", v); err != nil {
			return err
		}
		fq.Kind = trend.Kind(v)
	}
	if v := q.Get("cursor"); v != "" {
		if err := plainText("cursor", v); err != nil {
			return err
		}
		if !projections.ValidFindingCursor(v) {
			return badParam("cursor", "%s: is not a cursor this list gave out", "cursor")
		}
		fq.Cursor = v
	}
	limit, err := trendLimit(q)
	if err != nil {
		return err
	}
	fq.Limit = limit
	v, err := s.Reports.Findings(r.Context(), p, fq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// trendLimit reads an optional limit of 1 to 200.
func trendLimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > projections.MaxPageSize {
		return 0, badParam("limit", "limit: a whole number from 1 to %d", projections.MaxPageSize)
	}
	return n, nil
}

// getTrendFinding: GET /api/v1/trend-findings/{id}.
func (s *Server) getTrendFinding(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.Reports.Finding(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// dismissTrendFinding: POST /api/v1/trend-findings/{id}/dismissal.
func (s *Server) dismissTrendFinding(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req trendDismissalRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Reports.DismissFinding(r.Context(), p, meta, r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// runTrendDetection: POST /api/v1/trend-runs.
func (s *Server) runTrendDetection(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req trendRunRequest
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	var day *trend.Date
	if req.Day != "" {
		d, err := trend.ParseDate(req.Day)
		if err != nil {
			return badParam("day", "day: a date written as 2026-11-24")
		}
		day = &d
	}
	v, err := s.Reports.RunDetection(r.Context(), p, day)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// listReportLeaders: GET /api/v1/leaders.
func (s *Server) listReportLeaders(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if _, err := queryParams(r, nil); err != nil {
		return err
	}
	v, err := s.Reports.Leaders(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// listSpecialReports: GET /api/v1/special-reports.
func (s *Server) listSpecialReports(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var status []report.Status
	for name, vals := range r.URL.Query() {
		if name != "status" {
			if err := plainText("query", name); err != nil {
				return err
			}
			return badParam(name, "%s: unknown query parameter", name)
		}
		for _, v := range vals {
			if err := code(name, v); err != nil {
				return err
			}
			status = append(status, report.Status(v))
		}
	}
	v, err := s.Reports.Reports(r.Context(), p, status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// draftSpecialReport: POST /api/v1/special-reports.
func (s *Server) draftSpecialReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req reports.Draft
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Reports.DraftReport(r.Context(), p, meta, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// getSpecialReport: GET /api/v1/special-reports/{id}.
func (s *Server) getSpecialReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.Reports.Report(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, v)
	return nil
}

// editSpecialReport: PATCH /api/v1/special-reports/{id}.
func (s *Server) editSpecialReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req reports.Edit
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Reports.EditReport(r.Context(), p, meta, r.PathValue("id"), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// submitSpecialReport: POST /api/v1/special-reports/{id}/submission.
func (s *Server) submitSpecialReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req submissionRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Reports.SubmitReport(r.Context(), p, meta, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// reviewSpecialReport: POST /api/v1/special-reports/{id}/review.
func (s *Server) reviewSpecialReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req specialReviewRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Reports.ReviewReport(r.Context(), p, meta, r.PathValue("id"), req.Approve, req.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// issueSpecialReport: POST /api/v1/special-reports/{id}/issuance.
func (s *Server) issueSpecialReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req specialIssueRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Reports.IssueReport(r.Context(), p, meta, r.PathValue("id"), req.Leaders)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// specialReportPDF: GET /api/v1/special-reports/{id}/pdf.
func (s *Server) specialReportPDF(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	doc, name, err := s.Reports.PDF(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
	return nil
}

// instructSpecialReport: POST /api/v1/special-reports/{id}/instructions.
func (s *Server) instructSpecialReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req reports.Instruction
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Reports.Instruct(r.Context(), p, meta, r.PathValue("id"), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// specialReportFollowUp: POST /api/v1/special-reports/{id}/instructions/{iid}/follow-up.
func (s *Server) specialReportFollowUp(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req specialFollowUpRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Reports.ReportFollowUp(r.Context(), p, meta, r.PathValue("id"), r.PathValue("iid"), req.Summary)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// closeSpecialReport: POST /api/v1/special-reports/{id}/closure.
func (s *Server) closeSpecialReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req specialCloseRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Reports.CloseReport(r.Context(), p, meta, r.PathValue("id"), req.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
