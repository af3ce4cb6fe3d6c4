package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/cases"
	netsvc "github.com/watchpost/watchpost/cmd/internal/network"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/projections"
)

// The request bodies of the network's routes.
type (
	liaisonContactRequest struct {
		Name   string `json:"name" rule:"max=100" desc:"The liaison's name (personal data: sealed)" example:"李明"`
		Phone  string `json:"phone" rule:"max=40" desc:"The liaison's telephone (sealed)" example:"0570-3012345"`
		Office string `json:"office" rule:"max=200" desc:"Where the liaison works (sealed)" example:"管委会三楼"`
	}
	workstationRequest struct {
		ID       string                 `json:"id" rule:"required,max=64" desc:"2 to 64 lowercase letters, digits and '-'" example:"ws-kaifaqu"`
		Name     string                 `json:"name" rule:"required,max=100" example:"经济开发区软环境监测工作站"`
		HostUnit string                 `json:"hostUnit" rule:"required,max=100" desc:"建站单位" example:"市经济开发区管委会"`
		Leader   string                 `json:"leader" rule:"max=100" desc:"分管领导" example:"王副主任"`
		Office   string                 `json:"office" rule:"max=100" desc:"责任处室" example:"企业服务科"`
		District string                 `json:"district" rule:"max=100" example:"柯城区"`
		Contact  *liaisonContactRequest `json:"contact" desc:"The liaison: sealed, disclosed to the center only on request"`
	}
	workstationChangeRequest struct {
		Name     *string                `json:"name" rule:"max=100"`
		HostUnit *string                `json:"hostUnit" rule:"max=100"`
		Leader   *string                `json:"leader" rule:"max=100"`
		Office   *string                `json:"office" rule:"max=100"`
		District *string                `json:"district" rule:"max=100"`
		Contact  *liaisonContactRequest `json:"contact"`
	}
	pointRequest struct {
		ID            string                 `json:"id" rule:"required,max=64" example:"mp-jiangshan-paper"`
		Name          string                 `json:"name" rule:"required,max=100" example:"衢州某纸业有限公司"`
		Kind          string                 `json:"kind" rule:"required" desc:"enterprise, project, unit, individual_business or community" example:"enterprise"`
		District      string                 `json:"district" rule:"max=100" example:"柯城区"`
		WorkstationID string                 `json:"workstationId" rule:"required,max=64" example:"ws-kaifaqu"`
		Contact       *liaisonContactRequest `json:"contact"`
	}
	pointChangeRequest struct {
		Name          *string                `json:"name" rule:"max=100"`
		Kind          *string                `json:"kind"`
		District      *string                `json:"district" rule:"max=100"`
		WorkstationID *string                `json:"workstationId" rule:"max=64"`
		Contact       *liaisonContactRequest `json:"contact"`
	}
	networkRetireRequest struct {
		Reason string `json:"reason" rule:"required,max=500" example:"企业迁出本市"`
	}
	contactDisclosureRequest struct {
		Reason string `json:"reason" rule:"required,max=500" desc:"Why the contact is read; recorded in the audit trail" example:"走访前联系联络员"`
	}
	seminarRequest struct {
		HeldAt    time.Time `json:"heldAt" rule:"required" example:"2026-11-20T14:30:00+08:00"`
		Attendees int       `json:"attendees" example:"12"`
		Summary   string    `json:"summary" rule:"required,max=4000" example:"座谈监测点反映的审批问题"`
	}
	rosterDraftRequest struct {
		Year int `json:"year" rule:"required" example:"2027"`
	}
	rosterChangeRequest struct {
		PointID string `json:"pointId" rule:"required,max=64" example:"mp-jiangshan-paper"`
		Reason  string `json:"reason" rule:"required,max=500" example:"履职突出，继续设点"`
	}
	networkEmptyRequest struct{}
	supervisorRequest   struct {
		ID      string `json:"id" rule:"required,max=64" example:"sup-zhang"`
		Name    string `json:"name" rule:"required,max=100" example:"张监督员"`
		TokenID string `json:"tokenId" rule:"max=64" desc:"The supervisor token they sign in with" example:"0193a0c2-7b1e-7c55-9d0f-2a3b4c5d6e7f"`
	}
	supervisorChangeRequest struct {
		Name    *string `json:"name" rule:"max=100"`
		TokenID *string `json:"tokenId" rule:"max=64"`
		Active  *bool   `json:"active"`
	}
	assignmentRequest struct {
		WorkstationIDs []string `json:"workstationIds" rule:"maxItems=500"`
		PointIDs       []string `json:"pointIds" rule:"maxItems=500"`
	}
	networkFilingRequest struct {
		Categories             []string `json:"categories" rule:"required" example:"[\"efficiency\"]"`
		IssueTypes             []string `json:"issueTypes"`
		Title                  string   `json:"title" rule:"max=100"`
		RespondentDepartmentID string   `json:"respondentDepartmentId" rule:"max=64"`
	}
	visitItemRequest struct {
		Kind         string                `json:"kind" rule:"required" desc:"opinion, suggestion or complaint" example:"complaint"`
		Text         string                `json:"text" rule:"required,max=4000" example:"办理施工许可需跑五个窗口"`
		DepartmentID string                `json:"departmentId" rule:"max=64"`
		File         *networkFilingRequest `json:"file" desc:"File the item as a complaint in the same step"`
	}
	visitRequest struct {
		WorkstationID string             `json:"workstationId" rule:"max=64"`
		PointID       string             `json:"pointId" rule:"max=64" example:"mp-jiangshan-paper"`
		VisitedAt     time.Time          `json:"visitedAt" rule:"required" example:"2026-11-20T10:00:00+08:00"`
		Met           string             `json:"met" rule:"required,max=200" desc:"Whom the supervisor met" example:"联络员及企业负责人"`
		Items         []visitItemRequest `json:"items" rule:"maxItems=50"`
	}
	networkMeetingRequest struct {
		HeldAt    time.Time `json:"heldAt" rule:"required" example:"2026-11-20T14:30:00+08:00"`
		Attendees []string  `json:"attendees" rule:"maxItems=500" desc:"The workstations present"`
		Summary   string    `json:"summary" rule:"required,max=4000" example:"各工作站交流本季度工作"`
	}
	monthlyReportItemRequest struct {
		PointID      string `json:"pointId" rule:"required,max=64"`
		Kind         string `json:"kind" rule:"required" desc:"opinion, suggestion or complaint" example:"suggestion"`
		Text         string `json:"text" rule:"required,max=4000" example:"建议推行一窗受理"`
		Count        int    `json:"count" desc:"How many times it was raised (1)"`
		DepartmentID string `json:"departmentId" rule:"max=64"`
	}
	monthlyReportRequest struct {
		Zero  bool                       `json:"zero" desc:"A zero report (零报告): nothing was raised"`
		Items []monthlyReportItemRequest `json:"items" rule:"maxItems=500" desc:"Added to the complaints the points filed, which the report carries"`
	}
	registrationEntryRequest struct {
		PointID      string    `json:"pointId" rule:"max=64" desc:"The point (a point's own token: its own)" example:"mp-jiangshan-paper"`
		DepartmentID string    `json:"departmentId" rule:"max=64" desc:"The department (a department's own token: its own)" example:"tax-bureau"`
		Officer      string    `json:"officer" rule:"max=100" desc:"公务人员 (the department's side: required)" example:"李四"`
		Kind         string    `json:"kind" rule:"required" desc:"inspection, fee or fine" example:"inspection"`
		LegalBasis   string    `json:"legalBasis" rule:"max=500" desc:"依据 (the department's side: required)" example:"《税收征收管理法》第五十四条"`
		Amount       string    `json:"amount" rule:"max=20" desc:"元, for fees and fines" example:"120.00"`
		OccurredAt   time.Time `json:"occurredAt" rule:"required" example:"2026-11-20T10:00:00+08:00"`
		DocumentNo   string    `json:"documentNo" rule:"max=100" example:"衢税检〔2026〕15号"`
	}
	pointFeedbackRequest struct {
		Title                  string   `json:"title" rule:"required,max=100" example:"多部门重复检查"`
		Description            string   `json:"description" rule:"required" example:"本月三个部门分别上门检查同一事项"`
		Categories             []string `json:"categories" rule:"required" example:"[\"lawful_administration\"]"`
		IssueTypes             []string `json:"issueTypes"`
		RespondentDepartmentID string   `json:"respondentDepartmentId" rule:"max=64"`
	}
)

// The shapes of the network's list answers.
type (
	networkWorkstationList struct {
		Items []netsvc.WorkstationView `json:"items"`
	}
	networkPointList struct {
		Items []netsvc.PointView `json:"items"`
	}
	networkSupervisorList struct {
		Items []netsvc.SupervisorView `json:"items"`
	}
	networkVisitList struct {
		Items []network.Visit `json:"items"`
	}
	monthlyReportList struct {
		Items []netsvc.ReportView `json:"items"`
	}
	networkAssessmentList struct {
		Items []netsvc.Assessment `json:"items"`
	}
	registrationEntryList struct {
		Items []netsvc.EntryView `json:"items"`
	}
	entrySumList struct {
		Month network.Month          `json:"month"`
		Items []projections.EntrySum `json:"items"`
	}
)

// networkRoutes are the routes of the monitoring network.
func (s *Server) networkRoutes() []route {
	const n = "/api/v1/network"
	month := param{name: "month", kind: "string", description: "2026-11 (default: this month)"}
	return []route{
		{method: "POST", pattern: n + "/workstations", action: access.ManageNetwork, handle: s.registerWorkstation,
			doc: doc{summary: "Register a workstation (工作站)", body: workstationRequest{}, response: netsvc.WorkstationView{}, status: http.StatusCreated}},
		{method: "GET", pattern: n + "/workstations", action: access.ReadNetwork, handle: s.listWorkstations,
			doc: doc{summary: "The workstations the caller may see", response: networkWorkstationList{}}},
		{method: "GET", pattern: n + "/workstations/{id}", action: access.ReadNetwork, handle: s.getWorkstation,
			doc: doc{summary: "One workstation", response: netsvc.WorkstationView{}}},
		{method: "PATCH", pattern: n + "/workstations/{id}", action: access.ManageNetwork, handle: s.changeWorkstation,
			doc: doc{summary: "Change a workstation's details", body: workstationChangeRequest{}, response: netsvc.WorkstationView{}}},
		{method: "POST", pattern: n + "/workstations/{id}/retirement", action: access.ManageNetwork, handle: s.retireWorkstation,
			doc: doc{summary: "Take a workstation out of the network", body: networkRetireRequest{}, response: netsvc.WorkstationView{}}},
		{method: "POST", pattern: n + "/workstations/{id}/seminars", action: access.RecordMeeting, handle: s.recordSeminar,
			doc: doc{summary: "Record a workstation's seminar with its points (at least twice a year)", body: seminarRequest{}, response: netsvc.WorkstationView{}}},
		{method: "POST", pattern: n + "/workstations/{id}/contact/disclosure", action: access.DiscloseContact, handle: s.discloseContact("workstation"),
			doc: doc{summary: "Disclose the workstation liaison's contact, with a reason recorded in the audit trail", body: contactDisclosureRequest{}, response: netsvc.Disclosure{}}},
		{method: "GET", pattern: n + "/workstations/{id}/reports/{rid}", action: access.ReadReports, handle: s.getMonthlyReport,
			doc: doc{summary: "A workstation's monthly report ({rid} is the month, 2026-11): the draft with the points' complaints, or the submission", response: netsvc.ReportView{}}},
		{method: "POST", pattern: n + "/workstations/{id}/reports/{rid}", action: access.SubmitReport, handle: s.submitMonthlyReport,
			doc: doc{summary: "Submit a workstation's monthly report (附表一), or a zero report (零报告)", body: monthlyReportRequest{}, response: netsvc.ReportView{}}},
		{method: "GET", pattern: n + "/workstations/{id}/reports/{rid}/xlsx", action: access.ExportNetwork, handle: s.exportMonthlyReport,
			doc: doc{summary: "The monthly report as an xlsx in the layout of 附表一"}},

		{method: "POST", pattern: n + "/points", action: access.ManageNetwork, handle: s.registerPoint,
			doc: doc{summary: "Register a monitoring point (监测点)", body: pointRequest{}, response: netsvc.PointView{}, status: http.StatusCreated}},
		{method: "GET", pattern: n + "/points", action: access.ReadNetwork, handle: s.listPoints,
			doc: doc{summary: "The points the caller may see", response: networkPointList{}, query: []param{{name: "workstation", kind: "string"}}}},
		{method: "GET", pattern: n + "/points/{id}", action: access.ReadNetwork, handle: s.getPoint,
			doc: doc{summary: "One monitoring point", response: netsvc.PointView{}}},
		{method: "PATCH", pattern: n + "/points/{id}", action: access.ManageNetwork, handle: s.changePoint,
			doc: doc{summary: "Change a point's details", body: pointChangeRequest{}, response: netsvc.PointView{}}},
		{method: "POST", pattern: n + "/points/{id}/retirement", action: access.ManageNetwork, handle: s.retirePoint,
			doc: doc{summary: "Take a point out of the network: no token is bound to it any more", body: networkRetireRequest{}, response: netsvc.PointView{}}},
		{method: "POST", pattern: n + "/points/{id}/contact/disclosure", action: access.DiscloseContact, handle: s.discloseContact("point"),
			doc: doc{summary: "Disclose the point liaison's contact, with a reason recorded in the audit trail", body: contactDisclosureRequest{}, response: netsvc.Disclosure{}}},

		{method: "POST", pattern: n + "/rosters", action: access.ManageNetwork, handle: s.draftRoster,
			doc: doc{summary: "Draft a year's roster of points (一年一调整), from the previous year's published list", body: rosterDraftRequest{}, response: network.Roster{}, status: http.StatusCreated}},
		{method: "GET", pattern: n + "/rosters/{id}", action: access.ReadNetwork, handle: s.getRoster,
			doc: doc{summary: "A year's roster ({id} is the year)", response: network.Roster{}}},
		{method: "POST", pattern: n + "/rosters/{id}/additions", action: access.ManageNetwork, handle: s.rosterChange(true),
			doc: doc{summary: "Put a point on a draft roster, with the reason", body: rosterChangeRequest{}, response: network.Roster{}}},
		{method: "POST", pattern: n + "/rosters/{id}/removals", action: access.ManageNetwork, handle: s.rosterChange(false),
			doc: doc{summary: "Take a point off a draft roster, with the reason", body: rosterChangeRequest{}, response: network.Roster{}}},
		{method: "POST", pattern: n + "/rosters/{id}/publication", action: access.ManageNetwork, handle: s.publishRoster,
			doc: doc{summary: "Publish the year's list: what its reports and ratings count", body: networkEmptyRequest{}, response: network.Roster{}}},

		{method: "POST", pattern: n + "/supervisors", action: access.ManageNetwork, handle: s.registerSupervisor,
			doc: doc{summary: "Register a supervisor (行风效能监督员), bound to their token", body: supervisorRequest{}, response: netsvc.SupervisorView{}, status: http.StatusCreated}},
		{method: "GET", pattern: n + "/supervisors", action: access.ReadNetwork, handle: s.listSupervisors,
			doc: doc{summary: "The supervisors (a supervisor: themself)", response: networkSupervisorList{}}},
		{method: "PATCH", pattern: n + "/supervisors/{id}", action: access.ManageNetwork, handle: s.changeSupervisor,
			doc: doc{summary: "Change a supervisor's name, token or service", body: supervisorChangeRequest{}, response: netsvc.SupervisorView{}}},
		{method: "POST", pattern: n + "/supervisors/{id}/assignment", action: access.ManageNetwork, handle: s.assignSupervisor,
			doc: doc{summary: "Set the workstations and points a supervisor looks after (分片负责联系)", body: assignmentRequest{}, response: netsvc.SupervisorView{}}},

		{method: "POST", pattern: n + "/visits", action: access.RecordVisit, handle: s.recordVisit,
			doc: doc{summary: "Record the month's visit (一月一走访一反馈); items with file become complaints (channel supervisor_visit)", body: visitRequest{}, response: network.Visit{}, status: http.StatusCreated}},
		{method: "GET", pattern: n + "/visits", action: access.ReadNetwork, handle: s.listVisits,
			doc: doc{summary: "Visits of a month (a supervisor: their own)", response: networkVisitList{}, query: []param{month}}},
		{method: "GET", pattern: n + "/visits/{id}", action: access.ReadNetwork, handle: s.getVisit,
			doc: doc{summary: "One visit", response: network.Visit{}}},
		{method: "POST", pattern: n + "/visits/{id}/items/{rid}/complaint", action: access.RecordVisit, handle: s.fileVisitItem,
			doc: doc{summary: "File an item of a visit as a complaint (once)", body: networkFilingRequest{}, response: network.Visit{}}},
		{method: "POST", pattern: n + "/meetings", action: access.RecordMeeting, handle: s.recordMeeting,
			doc: doc{summary: "Record the center's quarterly meeting with the workstations", body: networkMeetingRequest{}, response: network.Meetings{}, status: http.StatusCreated}},
		{method: "GET", pattern: n + "/compliance", action: access.ReadNetwork, handle: s.networkCompliance,
			doc: doc{summary: "Points and workstations not visited in a month per supervisor; seminars and quarterly meetings held and missing", response: netsvc.Compliance{}, query: []param{month}}},

		{method: "GET", pattern: n + "/reports", action: access.ReadReports, handle: s.listMonthlyReports,
			doc: doc{summary: "The month's reports of every workstation that owes one: open, submitted or overdue", response: monthlyReportList{},
				query: []param{month, {name: "status", kind: "string", description: "open, submitted or overdue"}}}},
		{method: "GET", pattern: n + "/assessment", action: access.ExportNetwork, handle: s.networkAssessment,
			doc: doc{summary: "Each workstation's year of reporting: late or missing months bar it from 先进 (004 §四.三)", response: networkAssessmentList{},
				query: []param{{name: "year", kind: "integer"}}}},

		{method: "POST", pattern: n + "/registrations", action: access.RegisterEntry, handle: s.registerEntry,
			doc: doc{summary: "Register an inspection, fee or fine at a point (附表二): a department for its officers, a point for its premises", body: registrationEntryRequest{}, response: netsvc.EntryView{}, status: http.StatusCreated}},
		{method: "GET", pattern: n + "/registrations", action: access.ReadEntries, handle: s.listEntries,
			doc: doc{summary: "Two-way registration records in the caller's scope", response: registrationEntryList{},
				query: []param{month, {name: "point", kind: "string"}, {name: "department", kind: "string"}, {name: "unmatched", kind: "boolean", description: "only flagged, one-sided records"}}}},
		{method: "GET", pattern: n + "/registrations/sums", action: access.ExportNetwork, handle: s.entrySums,
			doc: doc{summary: "The month's sums per point, department and kind (情况通报)", response: entrySumList{}, query: []param{month}}},
		{method: "GET", pattern: n + "/registrations/xlsx", action: access.ExportNetwork, handle: s.exportEntries,
			doc: doc{summary: "The month's records as an xlsx in the layout of 附表二", query: []param{month, {name: "point", kind: "string"}}}},
		{method: "POST", pattern: n + "/registrations/{id}/complaint", action: access.ActOnEntry, handle: s.entryComplaint,
			doc: doc{summary: "Turn a record the department did not register into a complaint (乱检查, 乱收费, 乱罚款)", body: networkEmptyRequest{}, response: netsvc.EntryView{}}},
		{method: "POST", pattern: n + "/feedback", action: access.SendFeedback, handle: s.sendFeedback,
			doc: doc{summary: "A point's direct feedback to the center (004 §三.三), filed as a complaint (channel monitoring_point)", body: pointFeedbackRequest{}, response: cases.PointView{}, status: http.StatusCreated}},
	}
}

func (c *liaisonContactRequest) contact() network.Contact {
	if c == nil {
		return network.Contact{}
	}
	return network.Contact{Name: c.Name, Phone: c.Phone, Office: c.Office}
}

// networkMonth reads the month parameter (default: this month).
func (s *Server) networkMonth(v string) (network.Month, error) {
	if v == "" {
		return network.MonthOf(s.Clock(), s.Network.Policy().Loc), nil
	}
	return network.ParseMonth("month", v)
}

func (s *Server) registerWorkstation(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req workstationRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.RegisterWorkstation(r.Context(), p, meta, req.ID, network.WorkstationDetails{Name: req.Name, HostUnit: req.HostUnit,
		Leader: req.Leader, Office: req.Office, District: req.District}, req.Contact.contact())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/network/workstations/"+v.ID)
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) listWorkstations(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if _, err := queryParams(r, nil); err != nil {
		return err
	}
	list, err := s.Network.Workstations(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, networkWorkstationList{Items: list})
	return nil
}

func (s *Server) getWorkstation(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.Network.Workstation(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) changeWorkstation(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req workstationChangeRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	ch := netsvc.WorkstationChange{Name: req.Name, HostUnit: req.HostUnit, Leader: req.Leader, Office: req.Office, District: req.District}
	if req.Contact != nil {
		c := req.Contact.contact()
		ch.Contact = &c
	}
	v, err := s.Network.ChangeWorkstation(r.Context(), p, meta, r.PathValue("id"), ch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) retireWorkstation(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req networkRetireRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.RetireWorkstation(r.Context(), p, meta, r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) recordSeminar(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req seminarRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.RecordSeminar(r.Context(), p, meta, r.PathValue("id"), req.HeldAt, req.Attendees, req.Summary)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) discloseContact(kind string) func(http.ResponseWriter, *http.Request, access.Principal) error {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) error {
		var req contactDisclosureRequest
		body, err := readBody(w, r)
		if err != nil {
			return err
		}
		if err := decodeStrict(body, &req); err != nil {
			return err
		}
		d, err := s.Network.DiscloseContact(r.Context(), p, origin(r), kind, r.PathValue("id"), req.Reason)
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, d)
		return nil
	}
}

func (s *Server) monthlyReportPath(r *http.Request) (string, network.Month, error) {
	m, err := network.ParseMonth("month", r.PathValue("rid"))
	return r.PathValue("id"), m, err
}

func (s *Server) getMonthlyReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	ws, m, err := s.monthlyReportPath(r)
	if err != nil {
		return err
	}
	v, err := s.Network.Report(r.Context(), p, ws, m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) submitMonthlyReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req monthlyReportRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	ws, m, err := s.monthlyReportPath(r)
	if err != nil {
		return err
	}
	sub := network.Submission{Zero: req.Zero}
	for _, it := range req.Items {
		sub.Items = append(sub.Items, network.ReportItem{PointID: it.PointID, Kind: network.ItemKind(it.Kind), Text: it.Text,
			Count: it.Count, DepartmentID: it.DepartmentID})
	}
	v, err := s.Network.SubmitReport(r.Context(), p, meta, ws, m, sub)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// writeNetworkXLSX answers a workbook as a download.
func writeNetworkXLSX(w http.ResponseWriter, name string, data []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

func (s *Server) exportMonthlyReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	ws, m, err := s.monthlyReportPath(r)
	if err != nil {
		return err
	}
	data, err := s.Network.ExportReport(r.Context(), p, ws, m)
	if err != nil {
		return err
	}
	writeNetworkXLSX(w, netsvc.ExportName("monthly-report", ws, string(m)), data)
	return nil
}

func (s *Server) registerPoint(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req pointRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.RegisterPoint(r.Context(), p, meta, req.ID, network.PointDetails{Name: req.Name, Kind: network.PointKind(req.Kind),
		District: req.District, WorkstationID: req.WorkstationID}, req.Contact.contact())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/network/points/"+v.ID)
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) listPoints(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"workstation": identifier})
	if err != nil {
		return err
	}
	list, err := s.Network.Points(r.Context(), p, q["workstation"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, networkPointList{Items: list})
	return nil
}

func (s *Server) getPoint(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.Network.Point(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) changePoint(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req pointChangeRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	ch := netsvc.PointChange{Name: req.Name, Kind: req.Kind, District: req.District, WorkstationID: req.WorkstationID}
	if req.Contact != nil {
		c := req.Contact.contact()
		ch.Contact = &c
	}
	v, err := s.Network.ChangePoint(r.Context(), p, meta, r.PathValue("id"), ch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) retirePoint(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req networkRetireRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.RetirePoint(r.Context(), p, meta, r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// rosterYear reads the year of a roster's path.
func rosterYear(r *http.Request) (int, error) {
	return network.ParseYear("year", r.PathValue("id"))
}

func (s *Server) draftRoster(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req rosterDraftRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.DraftRoster(r.Context(), p, meta, req.Year)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/network/rosters/"+strconv.Itoa(v.Year))
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) getRoster(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	year, err := rosterYear(r)
	if err != nil {
		return err
	}
	v, err := s.Network.Roster(r.Context(), p, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) rosterChange(add bool) func(http.ResponseWriter, *http.Request, access.Principal) error {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) error {
		var req rosterChangeRequest
		meta, err := commandRequest(w, r, p, &req)
		if err != nil {
			return err
		}
		year, err := rosterYear(r)
		if err != nil {
			return err
		}
		change := s.Network.RemoveFromRoster
		if add {
			change = s.Network.AddToRoster
		}
		v, err := change(r.Context(), p, meta, year, req.PointID, req.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

func (s *Server) publishRoster(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req networkEmptyRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	year, err := rosterYear(r)
	if err != nil {
		return err
	}
	v, err := s.Network.PublishRoster(r.Context(), p, meta, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) registerSupervisor(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req supervisorRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.RegisterSupervisor(r.Context(), p, meta, req.ID, req.Name, req.TokenID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) listSupervisors(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if _, err := queryParams(r, nil); err != nil {
		return err
	}
	list, err := s.Network.Supervisors(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, networkSupervisorList{Items: list})
	return nil
}

func (s *Server) changeSupervisor(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req supervisorChangeRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.ChangeSupervisor(r.Context(), p, meta, r.PathValue("id"), netsvc.SupervisorChange(req))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) assignSupervisor(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req assignmentRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.AssignSupervisor(r.Context(), p, meta, r.PathValue("id"), req.WorkstationIDs, req.PointIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (f *networkFilingRequest) filing() *netsvc.Filing {
	if f == nil {
		return nil
	}
	return &netsvc.Filing{Categories: f.Categories, IssueTypes: f.IssueTypes, Title: f.Title, RespondentDepartmentID: f.RespondentDepartmentID}
}

func (s *Server) recordVisit(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req visitRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	in := netsvc.VisitInput{WorkstationID: req.WorkstationID, PointID: req.PointID, VisitedAt: req.VisitedAt, Met: req.Met}
	for _, it := range req.Items {
		in.Items = append(in.Items, netsvc.VisitItemInput{Kind: network.ItemKind(it.Kind), Text: it.Text, DepartmentID: it.DepartmentID, File: it.File.filing()})
	}
	v, err := s.Network.RecordVisit(r.Context(), p, meta, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) listVisits(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"month": plainText})
	if err != nil {
		return err
	}
	var m network.Month
	if q["month"] != "" {
		if m, err = network.ParseMonth("month", q["month"]); err != nil {
			return err
		}
	}
	list, err := s.Network.Visits(r.Context(), p, m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, networkVisitList{Items: list})
	return nil
}

func (s *Server) getVisit(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.Network.Visit(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) fileVisitItem(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req networkFilingRequest
	if _, err := commandRequest(w, r, p, &req); err != nil {
		return err
	}
	v, err := s.Network.FileVisitItem(r.Context(), p, r.PathValue("id"), r.PathValue("rid"), *req.filing())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) recordMeeting(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req networkMeetingRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.RecordMeeting(r.Context(), p, meta, req.HeldAt, req.Attendees, req.Summary)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) networkCompliance(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"month": plainText})
	if err != nil {
		return err
	}
	m, err := s.networkMonth(q["month"])
	if err != nil {
		return err
	}
	v, err := s.Network.Compliance(r.Context(), p, m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) listMonthlyReports(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"month": plainText, "status": code})
	if err != nil {
		return err
	}
	m, err := s.networkMonth(q["month"])
	if err != nil {
		return err
	}
	switch q["status"] {
	case "", network.StatusOpen, network.StatusSubmitted, network.StatusOverdue:
	default:
		return badParam("status", "status: open, submitted or overdue")
	}
	list, err := s.Network.Reports(r.Context(), p, m, q["status"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, monthlyReportList{Items: list})
	return nil
}

func (s *Server) networkAssessment(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"year": plainText})
	if err != nil {
		return err
	}
	year := s.Clock().In(s.Network.Policy().Loc).Year()
	if q["year"] != "" {
		if year, err = network.ParseYear("year", q["year"]); err != nil {
			return err
		}
	}
	list, err := s.Network.Assessments(r.Context(), p, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, networkAssessmentList{Items: list})
	return nil
}

func (s *Server) registerEntry(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req registrationEntryRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.RegisterEntry(r.Context(), p, meta, netsvc.EntryInput{PointID: req.PointID, DepartmentID: req.DepartmentID,
		Officer: req.Officer, Kind: network.EntryKind(req.Kind), LegalBasis: req.LegalBasis, Amount: req.Amount, OccurredAt: req.OccurredAt,
		DocumentNo: req.DocumentNo})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) listEntries(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"month": plainText, "point": identifier, "department": identifier, "unmatched": plainText})
	if err != nil {
		return err
	}
	eq := netsvc.EntryQuery{PointID: q["point"], DepartmentID: q["department"], Unmatched: q["unmatched"] == "true"}
	if q["month"] != "" {
		if eq.Month, err = network.ParseMonth("month", q["month"]); err != nil {
			return err
		}
	}
	list, err := s.Network.Entries(r.Context(), p, eq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, registrationEntryList{Items: list})
	return nil
}

func (s *Server) entrySums(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"month": plainText})
	if err != nil {
		return err
	}
	m, err := s.networkMonth(q["month"])
	if err != nil {
		return err
	}
	list, err := s.Network.EntrySums(r.Context(), p, m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, entrySumList{Month: m, Items: list})
	return nil
}

func (s *Server) exportEntries(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"month": plainText, "point": identifier})
	if err != nil {
		return err
	}
	m, err := s.networkMonth(q["month"])
	if err != nil {
		return err
	}
	data, err := s.Network.ExportEntries(r.Context(), p, m, q["point"])
	if err != nil {
		return err
	}
	writeNetworkXLSX(w, netsvc.ExportName("registrations", string(m), q["point"]), data)
	return nil
}

func (s *Server) entryComplaint(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req networkEmptyRequest
	if _, err := commandRequest(w, r, p, &req); err != nil {
		return err
	}
	v, err := s.Network.EntryComplaint(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) sendFeedback(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req pointFeedbackRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Network.SendFeedback(r.Context(), p, meta, netsvc.Feedback{Title: req.Title, Description: req.Description,
		Categories: req.Categories, IssueTypes: req.IssueTypes, RespondentDepartmentID: req.RespondentDepartmentID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}
