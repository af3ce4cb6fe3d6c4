package web

import (
	"net/http"

	"github.com/watchpost/watchpost/domain/complaint"
)

// filedPage confirms a filing with the tracking code for the complainant.
type filedPage struct {
	Case caseModel
}

// fileComplaint: POST /cases registers the complaint of the intake form.
func (s *Server) fileComplaint(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	v := s.view(r, sess, "登记投诉")
	v.Values = r.PostForm
	received, err := localTime("receivedAt", field(r, "receivedAt"), s.Catalog.Zone())
	if err != nil {
		return s.renderIntake(w, r, v, s.formError(v, err, intakeFields...))
	}
	cmd := complaint.FileComplaint{
		Channel:    field(r, "channel"),
		ReceivedAt: received,
		Complainant: complaint.Complainant{
			Name: field(r, "complainant.name"), Phone: field(r, "complainant.phone"), IDNumber: field(r, "complainant.idNumber"),
			Address: field(r, "complainant.address"), Contact: field(r, "complainant.contact"),
			Anonymous: r.PostFormValue("complainant.anonymous") == "on", ConsentToDisclose: r.PostFormValue("complainant.consentToDisclose") == "on",
		},
		MonitoringPointID:      field(r, "monitoringPointId"),
		RespondentDepartmentID: field(r, "respondentDepartmentId"),
		Categories:             r.PostForm["categories"],
		IssueTypes:             r.PostForm["issueTypes"],
		Title:                  field(r, "title"),
		Description:            r.PostFormValue("description"),
	}
	view, err := s.Cases.File(r.Context(), p, commandMeta(r, p), cmd)
	if err != nil {
		if pr := classify(err); pr.status == http.StatusUnprocessableEntity || pr.status == http.StatusForbidden {
			return s.renderIntake(w, r, v, s.formError(v, err, intakeFields...))
		}
		return err
	}
	v = s.view(r, sess, "投诉已登记")
	v.Body = filedPage{Case: modelOf(view, s.Catalog)}
	s.render(w, r, http.StatusCreated, "filed.html", v)
	return nil
}
