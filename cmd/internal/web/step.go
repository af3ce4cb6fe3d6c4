package web

import (
	"net/http"
	"net/url"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/complaint"
)

// takeStep: POST /cases/{id}/steps/{step} takes one step of the case with
// the values of its form. A refusal shows the case page again with the
// form open, its values, and the message next to the field it concerns.
func (s *Server) takeStep(w http.ResponseWriter, r *http.Request, sess *session) error {
	id, step := r.PathValue("id"), complaint.Step(r.PathValue("step"))
	cmd, err := stepCommand(step, r.PostForm)
	if err == nil {
		_, err = s.Cases.Take(r.Context(), sess.Principal, commandMeta(r, sess.Principal), id, cmd)
	}
	if err != nil {
		pr := classify(err)
		switch pr.status {
		case http.StatusUnprocessableEntity, http.StatusConflict, http.StatusForbidden:
		default:
			return err
		}
		v := s.view(r, sess, "案件")
		v.Values = r.PostForm
		status := s.formError(v, err)
		return s.renderCase(w, r, v, status, id, casePage{OpenStep: string(step)})
	}
	http.Redirect(w, r, "/cases/"+url.PathEscape(id)+"?done="+url.QueryEscape(string(step)), http.StatusSeeOther)
	return nil
}

// stepCommand reads the command of a step from its form. The form's fields
// are named as the command's JSON fields, which the domain's errors name.
func stepCommand(step complaint.Step, f url.Values) (complaint.Command, error) {
	get := f.Get
	switch step {
	case complaint.StepAccept:
		return complaint.Accept{Mode: get("mode"), Note: get("note")}, nil
	case complaint.StepNotAccept:
		return complaint.NotAccept{Reason: get("reason")}, nil
	case complaint.StepRefer:
		return complaint.Refer{DepartmentID: get("departmentId"), Note: get("note")}, nil
	case complaint.StepAcknowledge:
		return complaint.Acknowledge{}, nil
	case complaint.StepReturn:
		return complaint.Return{Reason: get("reason")}, nil
	case complaint.StepRespond:
		return complaint.Respond{Summary: get("summary")}, nil
	case complaint.StepRequestExtension:
		return complaint.RequestExtension{DueDate: get("dueDate"), Reason: get("reason")}, nil
	case complaint.StepDecideExtension:
		grant := get("grant") == "yes"
		c := complaint.DecideExtension{RequestID: get("requestId"), Grant: grant}
		if grant {
			c.DueDate = get("dueDate")
		} else {
			c.Reason = get("reason")
		}
		return c, nil
	case complaint.StepSuspend:
		return complaint.Suspend{Reason: get("reason")}, nil
	case complaint.StepResume:
		return complaint.Resume{Note: get("note")}, nil
	case complaint.StepOrderSupervision:
		return complaint.OrderSupervision{Level: get("level"), Note: get("note")}, nil
	case complaint.StepRecordFinding:
		return complaint.RecordFinding{Finding: get("finding"), Summary: get("summary")}, nil
	case complaint.StepRequireRectification:
		return complaint.RequireRectification{Items: lines(get("items")), DueDate: get("dueDate")}, nil
	case complaint.StepReportRectification:
		return complaint.ReportRectification{RectificationID: get("rectificationId"), Summary: get("summary")}, nil
	case complaint.StepVerifyRectification:
		return complaint.VerifyRectification{RectificationID: get("rectificationId"), Accepted: get("accepted") == "yes", Note: get("note")}, nil
	case complaint.StepRecordAccountability:
		return complaint.RecordAccountability{Subject: get("subject"), Measure: get("measure"), Note: get("note")}, nil
	case complaint.StepResolve:
		return complaint.Resolve{Outcome: get("outcome"), Summary: get("summary")}, nil
	case complaint.StepReply:
		return complaint.Reply{Message: get("message"), Method: get("method")}, nil
	case complaint.StepRecordSatisfaction:
		return complaint.RecordSatisfaction{Level: get("level"), Note: get("note")}, nil
	case complaint.StepReopen:
		return complaint.Reopen{Reason: get("reason")}, nil
	case complaint.StepClose:
		return complaint.Close{Note: get("note"), Reason: get("reason"), NoFollowUp: get("noFollowUp")}, nil
	}
	return nil, domain.NotFound("step", "no step %s", step)
}
