package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/projections"
)

// worklistPage is the case list with its filters.
type worklistPage struct {
	Cases       []caseModel
	Taxonomy    complaint.Taxonomy
	Departments []department.Department
	Statuses    []complaint.Status
	Sorts       []sortChoice
	NextURL     string // the next page, with the same filters
	FirstURL    string // the first page, when this is not it
	ByPoint     bool   // the reader may select by monitoring point
	ByDept      bool   // the reader may select by department
}

type sortChoice struct{ Code, Label string }

var sorts = []sortChoice{
	{"-receivedAt", "收到时间（新→旧）"}, {"receivedAt", "收到时间（旧→新）"},
	{"-updatedAt", "最近更新（新→旧）"}, {"updatedAt", "最近更新（旧→新）"},
}

// worklist: GET /cases, every filter of the case list, with paging and
// sorting. A department and a monitoring point get their own cases: the
// service narrows the list.
func (s *Server) worklist(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	v := s.view(r, sess, "案件列表")
	q := r.URL.Query()
	v.Values = q
	f, err := s.caseFilter(q)
	if err != nil {
		s.formError(v, err)
		f = cases.Filter{}
	}
	page, err := s.Cases.List(r.Context(), p, f)
	if err != nil {
		if pr := classify(err); pr.status == http.StatusUnprocessableEntity || pr.status == http.StatusForbidden {
			s.formError(v, err)
			page, err = s.Cases.List(r.Context(), p, cases.Filter{})
		}
		if err != nil {
			return err
		}
	}
	tax, err := s.Taxonomies.Current(r.Context())
	if err != nil {
		return err
	}
	depts, err := s.Registry.Departments(r.Context(), p, true)
	if err != nil {
		return err
	}
	body := worklistPage{Taxonomy: tax, Departments: depts, Statuses: complaint.Statuses()[1:], Sorts: sorts,
		ByPoint: selects(p, access.Scope{MonitoringPointID: "-"}), ByDept: selects(p, access.Scope{DepartmentID: "-"})}
	for _, item := range page.Items {
		body.Cases = append(body.Cases, modelOf(item, s.Catalog))
	}
	if page.Next != "" {
		next := cloneValues(q)
		next.Set("cursor", page.Next)
		body.NextURL = "/cases?" + next.Encode()
	}
	if q.Get("cursor") != "" {
		first := cloneValues(q)
		first.Del("cursor")
		body.FirstURL = "/cases?" + first.Encode()
	}
	v.Body = body
	s.render(w, r, http.StatusOK, "worklist.html", v)
	return nil
}

// caseFilter reads the list's filters from the query.
func (s *Server) caseFilter(q url.Values) (cases.Filter, error) {
	zone := s.Catalog.Zone()
	f := cases.Filter{DepartmentID: q.Get("department"), Category: q.Get("category"), IssueType: q.Get("issueType"),
		Channel: q.Get("channel"), MonitoringPointID: q.Get("monitoringPoint"), Overdue: q.Get("overdue") == "1", Cursor: q.Get("cursor")}
	for _, st := range q["status"] {
		known := false
		for _, have := range complaint.Statuses()[1:] {
			known = known || string(have) == st
		}
		if !known {
			return f, domain.Invalid("status", "%q is not a status", st)
		}
		f.Statuses = append(f.Statuses, st)
	}
	var err error
	if f.ReceivedFrom, err = localDate("receivedFrom", q.Get("receivedFrom"), zone, false); err != nil {
		return f, err
	}
	if f.ReceivedTo, err = localDate("receivedTo", q.Get("receivedTo"), zone, true); err != nil {
		return f, err
	}
	if f.Sort, err = projections.ParseCaseSort(q.Get("sort")); err != nil {
		return f, err
	}
	if f.Cursor != "" && !projections.ValidCursor(f.Cursor) {
		return f, domain.Invalid("cursor", "is not a cursor this list gave out")
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > projections.MaxPageSize {
			return f, domain.Invalid("limit", "from 1 to %d", projections.MaxPageSize)
		}
		f.Limit = n
	} else {
		f.Limit = 25
	}
	return f, nil
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// selects asks the access rules whether the reader may narrow a list by
// the scope's kind (a department may not select by monitoring point).
func selects(p access.Principal, probe access.Scope) bool {
	_, err := access.ScopeCases(p, probe)
	return err == nil
}
