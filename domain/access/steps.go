package access

import (
	"slices"
	"strings"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/complaint"
)

// stepRoles says which roles may take each step of a case's lifecycle at
// all; MayTake then looks at the caller's relation to the case.
var stepRoles = map[complaint.Step][]Role{
	complaint.StepFile:                 {RoleHandler, RolePoint},
	complaint.StepAccept:               {RoleHandler},
	complaint.StepNotAccept:            {RoleHandler},
	complaint.StepRefer:                {RoleHandler},
	complaint.StepAcknowledge:          {RoleDepartment, RoleHandler},
	complaint.StepReturn:               {RoleDepartment},
	complaint.StepRespond:              {RoleDepartment, RoleHandler},
	complaint.StepRequestExtension:     {RoleDepartment, RoleHandler},
	complaint.StepDecideExtension:      {RoleSupervisor, RoleHandler},
	complaint.StepSuspend:              {RoleHandler, RoleSupervisor},
	complaint.StepResume:               {RoleHandler, RoleSupervisor},
	complaint.StepOrderSupervision:     {RoleSupervisor},
	complaint.StepRecordFinding:        {RoleDepartment, RoleHandler, RoleSupervisor},
	complaint.StepRequireRectification: {RoleSupervisor, RoleHandler},
	complaint.StepReportRectification:  {RoleDepartment, RoleHandler},
	complaint.StepVerifyRectification:  {RoleSupervisor, RoleHandler},
	complaint.StepRecordAccountability: {RoleSupervisor},
	complaint.StepResolve:              {RoleDepartment, RoleHandler},
	complaint.StepReply:                {RoleHandler},
	complaint.StepRecordSatisfaction:   {RoleHandler},
	complaint.StepReopen:               {RoleHandler, RoleSupervisor},
	complaint.StepClose:                {RoleHandler},
}

// stepPrefix marks the action of a step.
const stepPrefix = "step:"

// StepAction is the action of taking a step.
func StepAction(step complaint.Step) Action { return Action(stepPrefix + string(step)) }

func stepOf(a Action) (complaint.Step, bool) {
	s, ok := strings.CutPrefix(string(a), stepPrefix)
	return complaint.Step(s), ok
}

// centerInvestigates lists the department's steps that the center's staff
// may take on a case a department holds too: the center (and its
// supervisors, 督查) may investigate any case and record what it found.
var centerInvestigates = []complaint.Step{complaint.StepRecordFinding}

// MayTake refuses a step that p may not take on the case c. The order of the
// checks is fixed: a role that never takes the step is refused as such
// (forbidden); a department or point the case is not about does not learn it
// exists (not found); a department takes only the department's steps
// (forbidden); and the center's staff take the department's steps only on
// the cases the center handles itself: on a case referred to a department,
// acknowledging, responding, asking for an extension, reporting
// rectification and resolving are that department's to do (forbidden).
func MayTake(p Principal, step complaint.Step, c Case) error {
	if err := Permit(p, StepAction(step)); err != nil {
		return err
	}
	switch RelationTo(p, c) {
	case Stranger:
		if step == complaint.StepFile {
			return nil // a new case is nobody's yet
		}
		return domain.NotFound("id", "no case %s", c.ID)
	case Holder:
		if !complaint.DepartmentStep(step) {
			return domain.Forbidden("a department may not %s a case", step)
		}
	case Staff:
		if complaint.DepartmentStep(step) && c.heldByDepartment() && !slices.Contains(centerInvestigates, step) {
			return domain.Forbidden("case %s is referred to department %s, which takes this step (%s); the center takes it only on the cases it handles itself",
				c.ID, c.DepartmentID, step)
		}
	}
	return nil
}

// NextSteps keeps, of the steps the lifecycle allows now, those p may take.
func NextSteps(p Principal, c Case, allowed []complaint.Step) []complaint.Step {
	out := []complaint.Step{}
	for _, step := range allowed {
		if MayTake(p, step, c) == nil {
			out = append(out, step)
		}
	}
	return out
}
