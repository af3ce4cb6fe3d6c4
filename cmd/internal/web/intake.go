package web

import (
	"net/http"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/department"
)

// intakePage is the intake form's data.
type intakePage struct {
	Taxonomy    complaint.Taxonomy
	Departments []department.Department
	Point       bool // a monitoring point files for itself
	Key         string
}

// intakeFields are the form's fields, named as the domain's errors name
// them, so a message lands next to its field.
var intakeFields = []string{"channel", "receivedAt", "complainant", "complainant.name", "complainant.phone",
	"complainant.idNumber", "complainant.address", "complainant.contact", "complainant.anonymous",
	"monitoringPointId", "respondentDepartmentId", "categories", "issueTypes", "title", "description"}

// intakeForm: GET /cases/new.
func (s *Server) intakeForm(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := access.Permit(sess.Principal, access.FileCase); err != nil {
		return err
	}
	v := s.view(r, sess, "登记投诉")
	return s.renderIntake(w, r, v, http.StatusOK)
}

func (s *Server) renderIntake(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	p := v.Sess.Principal
	tax, err := s.Taxonomies.Current(r.Context())
	if err != nil {
		return err
	}
	depts, err := s.Registry.Departments(r.Context(), p, false)
	if err != nil {
		return err
	}
	v.Body = intakePage{Taxonomy: tax, Departments: depts, Point: p.Role == access.RolePoint, Key: newFormKey()}
	s.render(w, r, status, "intake.html", v)
	return nil
}
