package complaint

import (
	"fmt"
	"strings"

	"github.com/watchpost/watchpost/domain"
)

// The commands the department holding a case takes (the complaint center's
// staff may take them too, and do for the cases the center handles itself).
// Decide has checked that a department acts only on its own cases.

// Acknowledge is the department's receipt of a referral (签收).
type Acknowledge struct{}

func (c *Case) acknowledge(_ Acknowledge, env Env) ([]Event, error) {
	return []Event{ReferralAcknowledged{DepartmentID: c.DepartmentID, At: env.Now}}, nil
}

// Return sends a misrouted case back to the center (退单), before the
// department reacted to it.
type Return struct {
	Reason string `json:"reason" rule:"required,max=4000" desc:"Why the case is misrouted (退单)" example:"不属于本局职责，应由税务局办理"`
}

func (c *Case) returnReferral(cmd Return, env Env) ([]Event, error) {
	if err := c.guard(StepReturn); err != nil {
		return nil, err
	}
	reason, err := text("reason", cmd.Reason, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	return []Event{ReferralReturned{DepartmentID: c.DepartmentID, Reason: reason, At: env.Now}}, nil
}

// Respond records the quick reaction (快速反应), once per referral.
type Respond struct {
	Summary string `json:"summary" rule:"required,max=4000" desc:"The quick response (快速反应)" example:"已联系企业，正在核查"`
}

func (c *Case) respond(cmd Respond, env Env) ([]Event, error) {
	if err := c.guard(StepRespond); err != nil {
		return nil, err
	}
	summary, err := text("summary", cmd.Summary, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	return []Event{ResponseRecorded{Summary: summary, At: env.Now}}, nil
}

// RequestExtension asks for a later closure date (限期解决), one request at
// a time.
type RequestExtension struct {
	DueDate string `json:"dueDate" rule:"required,format=date" desc:"The closure date asked for: a working day after the closure deadline in force, within a year"`
	Reason  string `json:"reason" rule:"required,max=4000" desc:"Why the case needs longer (限期解决)" example:"涉及多个部门协调"`
}

func (c *Case) requestExtension(cmd RequestExtension, env Env) ([]Event, error) {
	if err := c.guard(StepRequestExtension); err != nil {
		return nil, err
	}
	due, err := extensionDate("dueDate", cmd.DueDate, env)
	if err != nil {
		return nil, err
	}
	if c.ExtendedDueDate != "" && due <= c.ExtendedDueDate {
		return nil, domain.Invalid("dueDate", "must lie after the extended due date %s", c.ExtendedDueDate)
	}
	reason, err := text("reason", cmd.Reason, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	id := fmt.Sprintf("ext-%d", len(c.Extensions)+1)
	return []Event{ExtensionRequested{RequestID: id, DueDate: due, Reason: reason, At: env.Now}}, nil
}

// RecordFinding records what the investigation found (查证); it may be
// recorded again, and the latest counts.
type RecordFinding struct {
	Finding string `json:"finding" rule:"required,enum=findings" desc:"What the investigation found" example:"substantiated"`
	Summary string `json:"summary" rule:"required,max=4000" desc:"What was found" example:"查实违规收费"`
}

func (c *Case) recordFinding(cmd RecordFinding, env Env) ([]Event, error) {
	finding, err := oneOf("finding", cmd.Finding, findings, true)
	if err != nil {
		return nil, err
	}
	summary, err := text("summary", cmd.Summary, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	return []Event{InvestigationRecorded{Finding: finding, Summary: summary, At: env.Now}}, nil
}

// ReportRectification reports that the department rectified (整改报告):
// for the open rectification, first or again after a rejection.
type ReportRectification struct {
	RectificationID string `json:"rectificationId" rule:"format=id" desc:"The rectification; filled from the path"`
	Summary         string `json:"summary" rule:"required,max=4000" desc:"What was done" example:"已退还费用"`
}

func (c *Case) reportRectification(cmd ReportRectification, env Env) ([]Event, error) {
	id, err := identifier("rectificationId", cmd.RectificationID, true)
	if err != nil {
		return nil, err
	}
	summary, err := text("summary", cmd.Summary, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	r := c.rectification(id)
	if r == nil {
		return nil, domain.NotFound("rectificationId", "no rectification %s", id)
	}
	if r.Status != RectificationStatusRequired && r.Status != RectificationStatusRejected {
		return nil, c.conflict(StepReportRectification, "rectification %s is %s", id, r.Status)
	}
	return []Event{RectificationReported{RectificationID: id, Summary: summary, At: env.Now}}, nil
}

// Resolve closes the handling of the case with an outcome (办结). Nothing may
// be open: no rectification, no extension request awaiting a decision.
type Resolve struct {
	Outcome string `json:"outcome" rule:"required,enum=taxonomy:outcomes" desc:"How the case ends (办结): a code of GET /api/v1/taxonomy (outcomes)" example:"resolved"`
	Summary string `json:"summary" rule:"required,max=4000" desc:"How it was dealt with" example:"已于当日补办许可"`
	// DepartmentID is set when a department resolves: it must be the
	// department holding the case. It is the older way of saying
	// Env.Actor; Decide checks both.
	DepartmentID string `json:"-"`
}

func (c *Case) resolve(cmd Resolve, env Env) ([]Event, error) {
	if err := c.guard(StepResolve); err != nil {
		return nil, err
	}
	tax := env.Taxonomy
	if !has(tax.Outcomes, cmd.Outcome) {
		allowed := strings.Join(termCodes(tax.Outcomes), ", ")
		if cmd.Outcome == "" {
			return nil, domain.Invalid("outcome", "is required; one of: %s", allowed)
		}
		return nil, domain.Invalid("outcome", "%q is not a known outcome; one of: %s", cmd.Outcome, allowed)
	}
	summary, err := text("summary", cmd.Summary, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	return []Event{CaseResolved{Outcome: cmd.Outcome, Summary: summary, At: env.Now}}, nil
}

// The steps of the department's commands.
func (Acknowledge) Step() Step         { return StepAcknowledge }
func (Return) Step() Step              { return StepReturn }
func (Respond) Step() Step             { return StepRespond }
func (RequestExtension) Step() Step    { return StepRequestExtension }
func (RecordFinding) Step() Step       { return StepRecordFinding }
func (ReportRectification) Step() Step { return StepReportRectification }
func (Resolve) Step() Step             { return StepResolve }
