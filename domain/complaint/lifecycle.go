package complaint

import (
	"slices"

	"github.com/watchpost/watchpost/domain"
)

// Step names a command on a case, as the lifecycle table and the errors call
// it.
type Step string

// The steps.
const (
	StepFile                 Step = "file"
	StepAccept               Step = "accept"
	StepNotAccept            Step = "not_accept"
	StepRefer                Step = "refer"
	StepAcknowledge          Step = "acknowledge"
	StepReturn               Step = "return"
	StepRespond              Step = "respond"
	StepRequestExtension     Step = "request_extension"
	StepDecideExtension      Step = "decide_extension"
	StepSuspend              Step = "suspend"
	StepResume               Step = "resume"
	StepOrderSupervision     Step = "order_supervision"
	StepRecordFinding        Step = "record_finding"
	StepRequireRectification Step = "require_rectification"
	StepReportRectification  Step = "report_rectification"
	StepVerifyRectification  Step = "verify_rectification"
	StepRecordAccountability Step = "record_accountability"
	StepResolve              Step = "resolve"
	StepReply                Step = "reply"
	StepRecordSatisfaction   Step = "record_satisfaction"
	StepReopen               Step = "reopen"
	StepClose                Step = "close"
)

// Who may take a step besides the complaint center's staff and supervisors.
const (
	center     = false // only the complaint center (handlers, supervisors)
	department = true  // also the liaison of the department holding the case
)

// lifecycle is the transition table: for each step, in lifecycle order,
// whether a department may take it and the statuses in which it may be
// taken. Decide checks it first, so a step that breaks the lifecycle is
// refused before anything else is looked at. The few rules that depend on
// more than the status are the guards below.
//
// Where the steps lead (apply.go): file → filed; accept → accepted, or
// in_progress for direct and self handling; not_accept → not_accepted;
// refer → referred; acknowledge → in_progress; return → returned;
// suspend → suspended; resume → the status before; resolve → resolved;
// reply → replied; reopen → in_progress; close → closed. The other steps
// leave the status as it is.
var lifecycle = []transition{
	{StepFile, center, from(StatusNone)},
	{StepAccept, center, from(StatusFiled)},
	{StepNotAccept, center, from(StatusFiled)},
	{StepRefer, center, from(StatusFiled, StatusAccepted, StatusReturned)},
	{StepAcknowledge, department, from(StatusReferred)},
	{StepReturn, department, from(StatusReferred, StatusInProgress)},
	{StepRespond, department, from(StatusInProgress)},
	{StepRequestExtension, department, from(StatusInProgress)},
	{StepDecideExtension, center, from(StatusInProgress, StatusSuspended)},
	{StepSuspend, center, from(StatusReferred, StatusInProgress)},
	{StepResume, center, from(StatusSuspended)},
	{StepOrderSupervision, center, from(StatusAccepted, StatusReferred, StatusReturned, StatusInProgress, StatusSuspended)},
	{StepRecordFinding, department, from(StatusInProgress)},
	{StepRequireRectification, center, from(StatusInProgress)},
	{StepReportRectification, department, from(StatusInProgress)},
	{StepVerifyRectification, center, from(StatusInProgress)},
	{StepRecordAccountability, center, from(StatusInProgress, StatusResolved, StatusReplied)},
	{StepResolve, department, from(StatusInProgress)},
	{StepReply, center, from(StatusNotAccepted, StatusResolved)},
	{StepRecordSatisfaction, center, from(StatusReplied)},
	{StepReopen, center, from(StatusReplied)},
	{StepClose, center, from(StatusReplied)},
}

func from(s ...Status) []Status { return s }

// transition is one row of the table.
type transition struct {
	step Step
	who  bool // center or department
	from []Status
}

// Steps lists every step, in lifecycle order.
func Steps() []Step {
	out := make([]Step, len(lifecycle))
	for i, row := range lifecycle {
		out[i] = row.step
	}
	return out
}

// Statuses lists every status, in lifecycle order.
func Statuses() []Status {
	return []Status{
		StatusNone, StatusFiled, StatusNotAccepted, StatusAccepted, StatusReferred, StatusReturned,
		StatusInProgress, StatusSuspended, StatusResolved, StatusReplied, StatusClosed,
	}
}

// Allows reports whether step may be taken in status s.
func Allows(s Status, step Step) bool {
	row, ok := rowOf(step)
	return ok && slices.Contains(row.from, s)
}

// DepartmentStep reports whether the liaison of the department holding a
// case may take step (the complaint center's staff may take every step).
func DepartmentStep(step Step) bool {
	row, ok := rowOf(step)
	return ok && row.who == department
}

// guards are, for each step, the rules beyond the status that the case's
// state must meet: the step's decision checks them (after the lifecycle
// table, before the input), and Case.NextSteps offers only steps that meet
// them.
var guards = map[Step][]func(c *Case, step Step) error{
	StepReturn:               {(*Case).heldByDepartment, (*Case).notResponded, (*Case).noOpenRectification},
	StepRespond:              {(*Case).notResponded},
	StepRequestExtension:     {(*Case).noPendingExtension},
	StepRequireRectification: {(*Case).substantiated, (*Case).noOpenRectification},
	StepRecordAccountability: {(*Case).substantiated},
	StepResolve:              {(*Case).noOpenRectification, (*Case).noPendingExtension},
	StepRecordSatisfaction:   {(*Case).noSatisfactionYet},
	StepReopen:               {(*Case).reopenable},
}

// offered are what a step needs besides its guards to be worth offering:
// something for it to act on (a pending request, a rectification awaiting
// a report or a verification). The decision names the thing and checks it.
var offered = map[Step]func(c *Case) bool{
	StepDecideExtension: func(c *Case) bool { return c.pendingExtension() != nil },
	StepReportRectification: func(c *Case) bool {
		r := c.openRectification()
		return r != nil && (r.Status == RectificationStatusRequired || r.Status == RectificationStatusRejected)
	},
	StepVerifyRectification: func(c *Case) bool {
		r := c.openRectification()
		return r != nil && r.Status == RectificationStatusReported
	},
}

// guard checks the step's guards.
func (c *Case) guard(step Step) error {
	for _, g := range guards[step] {
		if err := g(c, step); err != nil {
			return err
		}
	}
	return nil
}

// NextSteps lists the steps the case's state allows now: the lifecycle's
// for its status, less those a guard refuses or that have nothing to act
// on. Who may take them is the access rules' question.
func (c *Case) NextSteps() []Step {
	out := []Step{}
	for _, step := range NextSteps(c.Status) {
		if c.guard(step) != nil {
			continue
		}
		if ok, has := offered[step]; has && !ok(c) {
			continue
		}
		out = append(out, step)
	}
	return out
}

// NextSteps lists the steps the lifecycle allows from status s.
func NextSteps(s Status) []Step {
	var out []Step
	for _, row := range lifecycle {
		if slices.Contains(row.from, s) {
			out = append(out, row.step)
		}
	}
	return out
}

// rowOf finds the row of step in the table.
func rowOf(step Step) (transition, bool) {
	for _, row := range lifecycle {
		if row.step == step {
			return row, true
		}
	}
	return transition{}, false
}

// check refuses a step that the case's status does not allow.
func (c *Case) check(step Step) error {
	if Allows(c.Status, step) {
		return nil
	}
	if c.Status == StatusNone {
		return domain.NotFound("case", "case does not exist")
	}
	if step == StepFile {
		return domain.StateConflict("cannot file case %s: it already exists and is %s", c.ID, c.Status)
	}
	return domain.StateConflict("cannot %s a case that is %s", step, c.Status)
}

// checkActor keeps a department to the cases it holds and to the steps it
// may take. A case that is not its own is "not found": a department does not
// learn that other departments' cases exist (nor the center's own).
func (c *Case) checkActor(step Step, a Actor) error {
	if a.DepartmentID == "" {
		return nil
	}
	if c.Status != StatusNone && a.DepartmentID != c.DepartmentID {
		return domain.NotFound("id", "no case %s", c.ID)
	}
	if !DepartmentStep(step) {
		return domain.Forbidden("a department may not %s a case", step)
	}
	return nil
}

// conflict refuses a step that the status allows but the rest of the state
// does not; like every state conflict it names the status and the step.
func (c *Case) conflict(step Step, format string, args ...any) error {
	return domain.StateConflict(conflictPrefix+format, append([]any{step, c.Status}, args...)...)
}

// conflictPrefix begins the message of every refusal by a guard.
const conflictPrefix = "cannot %s a case that is %s: "

// The guards: rules beyond the status, each a question about the state.

// heldByDepartment: a department holds the case (the center does not handle
// it itself), so there is a referral to return.
func (c *Case) heldByDepartment(step Step) error {
	if c.DepartmentID == "" || c.CenterHandled() {
		return c.conflict(step, "the complaint center handles it itself")
	}
	return nil
}

// notResponded: the quick reaction of the current referral is not recorded
// yet (one per referral; a department that reacted can no longer return).
func (c *Case) notResponded(step Step) error {
	if !c.RespondedAt.IsZero() {
		return c.conflict(step, "already responded")
	}
	return nil
}

// noOpenRectification: no rectification awaits a report or a verification.
func (c *Case) noOpenRectification(step Step) error {
	if r := c.openRectification(); r != nil {
		return c.conflict(step, "rectification %s is still open (%s)", r.ID, r.Status)
	}
	return nil
}

// noPendingExtension: no extension request awaits a decision.
func (c *Case) noPendingExtension(step Step) error {
	if x := c.pendingExtension(); x != nil {
		return c.conflict(step, "extension request %s is still pending", x.RequestID)
	}
	return nil
}

// substantiated: the latest finding holds the complaint (partly) true, which
// rectification and accountability need.
func (c *Case) substantiated(step Step) error {
	switch c.Finding {
	case FindingSubstantiated, FindingPartly:
		return nil
	case "":
		return c.conflict(step, "no investigation finding is recorded")
	}
	return c.conflict(step, "the latest finding is %s", c.Finding)
}

// noSatisfactionYet: the verdict on the current reply is not recorded yet.
func (c *Case) noSatisfactionYet(step Step) error {
	if c.Satisfaction != "" {
		return c.conflict(step, "satisfaction is already recorded for this reply (%s)", c.Satisfaction)
	}
	return nil
}

// reopenable: the complainant was dissatisfied with the answer to a case
// that was handled (a complaint not accepted has nothing to handle again).
func (c *Case) reopenable(step Step) error {
	if c.Resolution == nil {
		return c.conflict(step, "it was not accepted, so there is nothing to handle again")
	}
	if c.Satisfaction != SatisfactionDissatisfied {
		if c.Satisfaction == "" {
			return c.conflict(step, "no satisfaction is recorded for the reply")
		}
		return c.conflict(step, "the complainant is %s, not dissatisfied", c.Satisfaction)
	}
	return nil
}
