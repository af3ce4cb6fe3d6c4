package web

import (
	"net/http"
)

// deactivateDepartment: POST /admin/departments/{id}/deactivation.
func (s *Server) deactivateDepartment(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	if _, err := s.Registry.DeactivateDepartment(r.Context(), p, commandMeta(r, p), r.PathValue("id"), field(r, "reason")); err != nil {
		v := s.view(r, sess, "部门名录")
		v.Values = r.PostForm
		return s.renderDepartments(w, r, v, s.formError(v, err, "nothing"))
	}
	http.Redirect(w, r, "/admin/departments", http.StatusSeeOther)
	return nil
}

// activateDepartment: POST /admin/departments/{id}/activation.
func (s *Server) activateDepartment(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	if _, err := s.Registry.ReactivateDepartment(r.Context(), p, commandMeta(r, p), r.PathValue("id")); err != nil {
		v := s.view(r, sess, "部门名录")
		return s.renderDepartments(w, r, v, s.formError(v, err, "nothing"))
	}
	http.Redirect(w, r, "/admin/departments", http.StatusSeeOther)
	return nil
}
