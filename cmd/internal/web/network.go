package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	netsvc "github.com/watchpost/watchpost/cmd/internal/network"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/network"
)

// networkPage is the monitoring network as the person's role sees it: the
// center the map by district, the overdue reports, the unmatched
// registrations and the exports; a supervisor what they look after and
// what is not yet visited, with the visit form; a workstation's liaison the
// month's report with its submission; a point its own lines of it.
type networkPage struct {
	Key         string
	Center      bool
	Supervisor  bool
	Liaison     bool // a workstation's liaison
	Month       network.Month
	DueMonth    network.Month // the last month whose report has fallen due
	Districts   []districtGroup
	Chart       barChart
	Overdue     []netsvc.ReportView
	Unmatched   []netsvc.EntryView
	Compliance  netsvc.Compliance
	Points      []netsvc.PointView
	Report      *netsvc.ReportView
	Workstation string
}

// districtGroup is a district's workstations and their points.
type districtGroup struct {
	District     string
	Workstations []workstationGroup
}

// workstationGroup is a workstation with its points.
type workstationGroup struct {
	W      netsvc.WorkstationView
	Points []netsvc.PointView
}

// networkPage: GET /network.
func (s *Server) networkPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return s.renderNetwork(w, r, s.view(r, sess, "监测网络"), http.StatusOK)
}

func (s *Server) renderNetwork(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	p := v.Sess.Principal
	if err := access.Permit(p, access.ReadNetwork); err != nil {
		return err
	}
	ctx := r.Context()
	policy := s.Network.Policy()
	now := s.Clock()
	body := networkPage{Key: newFormKey(), Center: p.Center() && p.Role != access.RoleSupervisor, Supervisor: p.Role == access.RoleSupervisor,
		Month: network.MonthOf(now, policy.Loc), DueMonth: policy.LastDueMonth(now)}
	wss, err := s.Network.Workstations(ctx, p)
	if err != nil {
		return err
	}
	pts, err := s.Network.Points(ctx, p, "")
	if err != nil {
		return err
	}
	body.Points = pts
	body.Districts = groupNetwork(wss, pts)
	switch {
	case body.Center:
		var labels, texts []string
		var counts []float64
		for _, d := range body.Districts {
			n := 0
			for _, g := range d.Workstations {
				n += len(g.Points)
			}
			labels, counts, texts = append(labels, d.District), append(counts, float64(n)), append(texts, itoa(n)+" 个")
		}
		body.Chart = hbars("各区域监测点", labels, counts, texts, 0)
		if body.Overdue, err = s.Network.Reports(ctx, p, body.DueMonth, network.StatusOverdue); err != nil {
			return err
		}
		if body.Unmatched, err = s.Network.Entries(ctx, p, netsvc.EntryQuery{Unmatched: true}); err != nil {
			return err
		}
	case body.Supervisor:
		if body.Compliance, err = s.Network.Compliance(ctx, p, body.Month); err != nil {
			return err
		}
	case p.Role == access.RolePoint:
		ws := ""
		for _, w := range wss {
			if w.ID == p.PointID {
				ws, body.Liaison = w.ID, true
			}
		}
		for _, pt := range pts {
			if pt.ID == p.PointID {
				ws = pt.WorkstationID
			}
		}
		if ws != "" {
			rep, err := s.Network.Report(ctx, p, ws, body.Month)
			if err != nil {
				return err
			}
			body.Report, body.Workstation = &rep, ws
		}
	}
	v.Body = body
	s.render(w, r, status, "network.html", v)
	return nil
}

// groupNetwork puts the points under their workstations and the
// workstations under their districts.
func groupNetwork(wss []netsvc.WorkstationView, pts []netsvc.PointView) []districtGroup {
	var out []districtGroup
	index := map[string]int{}
	for _, w := range wss {
		d := w.District
		if d == "" {
			d = "未分区"
		}
		i, ok := index[d]
		if !ok {
			i = len(out)
			index[d] = i
			out = append(out, districtGroup{District: d})
		}
		g := workstationGroup{W: w}
		for _, pt := range pts {
			if pt.WorkstationID == w.ID {
				g.Points = append(g.Points, pt)
			}
		}
		out[i].Workstations = append(out[i].Workstations, g)
	}
	return out
}

// itemKinds name the kinds of items in the forms.
var itemKinds = map[string]network.ItemKind{"意见": network.ItemOpinion, "建议": network.ItemSuggestion, "投诉": network.ItemComplaint,
	"opinion": network.ItemOpinion, "suggestion": network.ItemSuggestion, "complaint": network.ItemComplaint}

// recordVisit: POST /network/visits, a supervisor's visit. Each line of
// the opinions, suggestions and complaints is an item; complaints are filed
// when asked, under the category chosen.
func (s *Server) recordVisit(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	at, err := localTime("visitedAt", field(r, "visitedAt"), s.Catalog.Zone())
	in := netsvc.VisitInput{PointID: field(r, "pointId"), VisitedAt: at, Met: field(r, "met")}
	if strings.HasPrefix(in.PointID, "ws:") {
		in.WorkstationID, in.PointID = strings.TrimPrefix(in.PointID, "ws:"), ""
	}
	if err == nil {
		for _, k := range []network.ItemKind{network.ItemOpinion, network.ItemSuggestion, network.ItemComplaint} {
			for _, l := range lines(r.PostFormValue(string(k) + "s")) {
				it := netsvc.VisitItemInput{Kind: k, Text: l}
				if k == network.ItemComplaint && field(r, "file") != "" {
					it.File = &netsvc.Filing{Categories: []string{field(r, "category")}, RespondentDepartmentID: field(r, "departmentId")}
				}
				in.Items = append(in.Items, it)
			}
		}
		_, err = s.Network.RecordVisit(r.Context(), p, commandMeta(r, p), in)
	}
	if err != nil {
		v := s.view(r, sess, "监测网络")
		v.Values = r.PostForm
		return s.renderNetwork(w, r, v, s.formError(v, err, "pointId", "visitedAt", "met"))
	}
	http.Redirect(w, r, "/network?done=visit", http.StatusSeeOther)
	return nil
}

// submitNetworkReport: POST /network/reports, a workstation's monthly report:
// each line of items is "监测点编号 类别 内容"; zero submits a zero report.
func (s *Server) submitNetworkReport(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	m, err := network.ParseMonth("month", field(r, "month"))
	sub := network.Submission{Zero: field(r, "zero") != ""}
	for i, l := range lines(r.PostFormValue("items")) {
		parts := strings.Fields(l)
		if len(parts) < 3 || itemKinds[parts[1]] == "" {
			err = domain.Invalid("items", "line %d: write the point's id, the kind (意见, 建议 or 投诉) and the text", i+1)
			break
		}
		sub.Items = append(sub.Items, network.ReportItem{PointID: parts[0], Kind: itemKinds[parts[1]], Text: strings.Join(parts[2:], " ")})
	}
	if err == nil {
		_, err = s.Network.SubmitReport(r.Context(), p, commandMeta(r, p), field(r, "workstationId"), m, sub)
	}
	if err != nil {
		v := s.view(r, sess, "监测网络")
		v.Values = r.PostForm
		return s.renderNetwork(w, r, v, s.formError(v, err, "items"))
	}
	http.Redirect(w, r, "/network?done=report", http.StatusSeeOther)
	return nil
}

// networkExport: GET /network/exports/{form}, the xlsx of 附表一
// (?workstation=&month=) or 附表二 (?month=).
func (s *Server) networkExport(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	q := r.URL.Query()
	m, err := network.ParseMonth("month", q.Get("month"))
	if err != nil {
		return err
	}
	var (
		data []byte
		name string
	)
	switch r.PathValue("form") {
	case "report":
		data, err = s.Network.ExportReport(r.Context(), p, q.Get("workstation"), m)
		name = netsvc.ExportName("monthly-report", q.Get("workstation"), string(m))
	case "registrations":
		data, err = s.Network.ExportEntries(r.Context(), p, m, "")
		name = netsvc.ExportName("registrations", string(m))
	default:
		return domain.NotFound("form", "no export %s", r.PathValue("form"))
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
	return nil
}

// registrationsPage is the two-way registration form of a department or a
// point (phone-friendly), with its own records.
type registrationsPage struct {
	Key     string
	Entries []netsvc.EntryView
	Points  []netsvc.PointView
}

// registrationsPage: GET /network/registrations.
func (s *Server) registrationsPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return s.renderRegistrations(w, r, s.view(r, sess, "入点检查收费罚款登记"), http.StatusOK)
}

func (s *Server) renderRegistrations(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	p := v.Sess.Principal
	if err := access.Permit(p, access.RegisterEntry); err != nil {
		return err
	}
	entries, err := s.Network.Entries(r.Context(), p, netsvc.EntryQuery{})
	if err != nil {
		return err
	}
	slices.Reverse(entries)
	v.Body = registrationsPage{Key: newFormKey(), Entries: entries}
	s.render(w, r, status, "network_registrations.html", v)
	return nil
}

// registerNetworkEntry: POST /network/registrations.
func (s *Server) registerNetworkEntry(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	at, err := localTime("occurredAt", field(r, "occurredAt"), s.Catalog.Zone())
	if err == nil {
		_, err = s.Network.RegisterEntry(r.Context(), p, commandMeta(r, p), netsvc.EntryInput{PointID: field(r, "pointId"),
			DepartmentID: field(r, "departmentId"), Officer: field(r, "officer"), Kind: network.EntryKind(field(r, "kind")),
			LegalBasis: field(r, "legalBasis"), Amount: field(r, "amount"), OccurredAt: at, DocumentNo: field(r, "documentNo")})
	}
	if err != nil {
		v := s.view(r, sess, "入点检查收费罚款登记")
		v.Values = r.PostForm
		return s.renderRegistrations(w, r, v, s.formError(v, err, "pointId", "departmentId", "officer", "kind", "legalBasis", "amount", "occurredAt", "documentNo"))
	}
	http.Redirect(w, r, "/network/registrations?done="+url.QueryEscape(field(r, "kind")), http.StatusSeeOther)
	return nil
}
