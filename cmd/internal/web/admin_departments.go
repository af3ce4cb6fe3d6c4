package web

import (
	"net/http"
	"net/url"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/department"
)

// departmentsPage is the department register and the form to add one.
type departmentsPage struct {
	Departments []department.Department
	Key         string
}

// departmentsPage: GET /admin/departments.
func (s *Server) departmentsPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return s.renderDepartments(w, r, s.view(r, sess, "部门名录"), http.StatusOK)
}

func (s *Server) renderDepartments(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	if err := access.Permit(v.Sess.Principal, access.ManageDepartments); err != nil {
		return err
	}
	ds, err := s.Registry.Departments(r.Context(), v.Sess.Principal, true)
	if err != nil {
		return err
	}
	v.Body = departmentsPage{Departments: ds, Key: newFormKey()}
	s.render(w, r, status, "departments.html", v)
	return nil
}

// registerDepartment: POST /admin/departments.
func (s *Server) registerDepartment(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	_, err := s.Registry.RegisterDepartment(r.Context(), p, commandMeta(r, p), field(r, "id"), department.Details{
		Name: field(r, "name"), Category: department.Category(field(r, "category")), District: field(r, "district"), ParentID: field(r, "parentId")})
	if err != nil {
		v := s.view(r, sess, "部门名录")
		v.Values = r.PostForm
		return s.renderDepartments(w, r, v, s.formError(v, err, "id", "name", "category", "district", "parentId"))
	}
	http.Redirect(w, r, "/admin/departments?done="+url.QueryEscape(field(r, "id")), http.StatusSeeOther)
	return nil
}
