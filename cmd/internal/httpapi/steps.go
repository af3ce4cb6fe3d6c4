package httpapi

import (
	"net/http"

	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
)

// stepRoutes are the command routes of the lifecycle, one per step.
func (s *Server) stepRoutes() []route {
	const c = "/api/v1/cases/{id}"
	r := func(step complaint.Step, path, summary string, h func(http.ResponseWriter, *http.Request, access.Principal) error, body any) route {
		return route{method: "POST", pattern: c + path, action: access.StepAction(step), handle: h,
			doc: doc{summary: summary, body: body, response: cases.CenterView{}}}
	}
	return []route{
		r(complaint.StepAccept, "/acceptance", "Accept the complaint (受理) and choose how it is handled: direct, self, referral or supervised",
			stepHandler[complaint.Accept](s, ""), complaint.Accept{}),
		r(complaint.StepNotAccept, "/non-acceptance", "Do not accept the complaint (不予受理), with the reason",
			stepHandler[complaint.NotAccept](s, ""), complaint.NotAccept{}),
		r(complaint.StepRefer, "/referrals", "Refer the case to an active department (转办)",
			stepHandler[complaint.Refer](s, ""), complaint.Refer{}),
		r(complaint.StepAcknowledge, "/acknowledgements", "Acknowledge the referral (签收)",
			stepHandler[complaint.Acknowledge](s, ""), complaint.Acknowledge{}),
		r(complaint.StepReturn, "/returns", "Return a misrouted referral (退单), with the reason",
			stepHandler[complaint.Return](s, ""), complaint.Return{}),
		r(complaint.StepRespond, "/responses", "Record the quick response (快速反应)",
			stepHandler[complaint.Respond](s, ""), complaint.Respond{}),
		r(complaint.StepRequestExtension, "/extension-requests", "Ask for a later closure date (限期解决)",
			stepHandler[complaint.RequestExtension](s, ""), complaint.RequestExtension{}),
		r(complaint.StepDecideExtension, "/extension-requests/{rid}/decision", "Grant or deny an extension request",
			stepHandler[complaint.DecideExtension](s, "requestId"), complaint.DecideExtension{}),
		r(complaint.StepSuspend, "/suspensions", "Suspend the case while it waits on the complainant: the clocks stop",
			stepHandler[complaint.Suspend](s, ""), complaint.Suspend{}),
		r(complaint.StepResume, "/resumptions", "Resume a suspended case: the clocks run again",
			stepHandler[complaint.Resume](s, ""), complaint.Resume{}),
		r(complaint.StepOrderSupervision, "/supervision-orders", "Order supervision: urge (催办), supervise (督办) or flag (挂牌督办)",
			stepHandler[complaint.OrderSupervision](s, ""), complaint.OrderSupervision{}),
		r(complaint.StepRecordFinding, "/findings", "Record what the investigation found",
			stepHandler[complaint.RecordFinding](s, ""), complaint.RecordFinding{}),
		r(complaint.StepRequireRectification, "/rectifications", "Require rectification (整改) by a date",
			stepHandler[complaint.RequireRectification](s, ""), complaint.RequireRectification{}),
		r(complaint.StepReportRectification, "/rectifications/{rid}/report", "Report a rectification done",
			stepHandler[complaint.ReportRectification](s, "rectificationId"), complaint.ReportRectification{}),
		r(complaint.StepVerifyRectification, "/rectifications/{rid}/verification", "Accept or reject a rectification report",
			stepHandler[complaint.VerifyRectification](s, "rectificationId"), complaint.VerifyRectification{}),
		r(complaint.StepRecordAccountability, "/accountability", "Record accountability (责任追究)",
			stepHandler[complaint.RecordAccountability](s, ""), complaint.RecordAccountability{}),
		r(complaint.StepResolve, "/resolution", "Resolve the case (办结): resolved, explained or unsubstantiated",
			stepHandler[complaint.Resolve](s, ""), complaint.Resolve{}),
		r(complaint.StepReply, "/replies", "Answer the complainant (答复)",
			stepHandler[complaint.Reply](s, ""), complaint.Reply{}),
		r(complaint.StepRecordSatisfaction, "/satisfaction", "Record the follow-up verdict (回访)",
			stepHandler[complaint.RecordSatisfaction](s, ""), complaint.RecordSatisfaction{}),
		r(complaint.StepReopen, "/reopening", "Reopen a case the complainant was dissatisfied with (重办)",
			stepHandler[complaint.Reopen](s, ""), complaint.Reopen{}),
		r(complaint.StepClose, "/closure", "Close the case (归档)",
			stepHandler[complaint.Close](s, ""), complaint.Close{}),
	}
}

// stepHandler decodes a command of type C from the body and takes the step.
// idField names the command's field that the {rid} path segment fills.
func stepHandler[C complaint.Command](s *Server, idField string) func(http.ResponseWriter, *http.Request, access.Principal) error {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) error {
		var cmd C
		meta, err := commandRequest(w, r, p, &cmd)
		if err != nil {
			return err
		}
		var command complaint.Command = cmd
		if idField != "" {
			if command, err = withPathID(command, r.PathValue("rid"), idField); err != nil {
				return err
			}
		}
		v, err := s.Cases.Take(r.Context(), p, meta, r.PathValue("id"), command)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

// withPathID puts the request or rectification id of the path into the
// command; a different id in the body is refused.
func withPathID(cmd complaint.Command, id, field string) (complaint.Command, error) {
	mismatch := func(body string) error {
		if body != "" && body != id {
			return badRequest("%s: %q in the body differs from %q in the path", field, body, id)
		}
		return nil
	}
	switch c := cmd.(type) {
	case complaint.DecideExtension:
		if err := mismatch(c.RequestID); err != nil {
			return nil, err
		}
		c.RequestID = id
		return c, nil
	case complaint.ReportRectification:
		if err := mismatch(c.RectificationID); err != nil {
			return nil, err
		}
		c.RectificationID = id
		return c, nil
	case complaint.VerifyRectification:
		if err := mismatch(c.RectificationID); err != nil {
			return nil, err
		}
		c.RectificationID = id
		return c, nil
	}
	return cmd, nil
}
