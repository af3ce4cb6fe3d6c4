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
	StepFile    Step = "file"
	StepRefer   Step = "refer"
	StepResolve Step = "resolve"
)

// allowed is the lifecycle: for each step, the statuses in which it may be
// taken. Every command checks it first, so a step that breaks the lifecycle
// is refused before anything else is looked at.
var allowed = map[Step][]Status{
	StepFile:    {StatusNone},
	StepRefer:   {StatusFiled},
	StepResolve: {StatusReferred},
}

// Steps lists every step, in lifecycle order.
func Steps() []Step { return []Step{StepFile, StepRefer, StepResolve} }

// Statuses lists every status, in lifecycle order.
func Statuses() []Status {
	return []Status{StatusNone, StatusFiled, StatusReferred, StatusResolved}
}

// Allows reports whether step may be taken in status s.
func Allows(s Status, step Step) bool {
	return slices.Contains(allowed[step], s)
}

// NextSteps lists the steps the lifecycle allows from status s.
func NextSteps(s Status) []Step {
	var out []Step
	for _, step := range Steps() {
		if Allows(s, step) {
			out = append(out, step)
		}
	}
	return out
}

// check refuses a step that the case's status does not allow.
func (c *Case) check(step Step) error {
	if Allows(c.Status, step) {
		return nil
	}
	if c.Status == StatusNone {
		return domain.NotFound("case", "case does not exist")
	}
	return domain.StateConflict("cannot %s a case that is %s", step, c.Status)
}
