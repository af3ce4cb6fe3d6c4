package complaint

import (
	"time"

	"github.com/watchpost/watchpost/domain/calendar"

	"github.com/watchpost/watchpost/domain"
)

// Actor is who takes a step. DepartmentID is set when a department's liaison
// acts; it is empty for the complaint center's staff and supervisors.
type Actor struct {
	DepartmentID string `json:"departmentId,omitempty"`
}

// Env is what a decision needs besides the case and the command: the time,
// the classification in force and who acts; for a due date, the working-day
// calendar (whose zone says what "today" is) and the closure deadline in
// force.
type Env struct {
	Now      time.Time
	Taxonomy Taxonomy
	Actor    Actor
	Calendar *calendar.Calendar // nil: dates are read in UTC and not checked against the calendar
	// ClosureDue is the end of the closure deadline in force (zero: none
	// known, e.g. while suspended): an extension must end after it.
	ClosureDue time.Time
}

// zone is where "today" is taken.
func (env Env) zone() *time.Location {
	if env.Calendar != nil {
		return env.Calendar.Location()
	}
	return time.UTC
}

// Command is a request to take one step on a case. The command types of this
// package are its only implementations; they are passed by value.
type Command interface {
	Step() Step
}

// Decide decides a command: it returns the events that record the step, or
// a *domain.Error saying why the step is refused. It never changes the case.
//
// The order of the checks is fixed: a department acting on a case it does
// not hold gets "not found" (it must not learn that the case exists, nor in
// which status it is), and "forbidden" for a step only the center takes;
// then the lifecycle table (409, before the input is looked at); then the
// guards on the rest of the state (409); then the input (422, naming the
// field); then the checks that depend on both (a named request that does not
// exist: 404).
func (c *Case) Decide(cmd Command, env Env) ([]Event, error) {
	decide := c.decider(cmd, env)
	if decide == nil {
		return nil, domain.Invalid("step", "%T is not a command on a case", cmd)
	}
	step := cmd.Step()
	if err := c.checkActor(step, env.Actor); err != nil {
		return nil, err
	}
	if r, ok := cmd.(Resolve); ok && r.DepartmentID != "" {
		if err := c.checkActor(step, Actor{DepartmentID: r.DepartmentID}); err != nil {
			return nil, err
		}
	}
	if err := c.check(step); err != nil {
		return nil, err
	}
	return decide()
}

// decider routes a command to the method that decides it.
func (c *Case) decider(cmd Command, env Env) func() ([]Event, error) {
	switch cmd := cmd.(type) {
	case FileComplaint:
		return func() ([]Event, error) { return c.file(cmd, env) }
	case Accept:
		return func() ([]Event, error) { return c.accept(cmd, env) }
	case NotAccept:
		return func() ([]Event, error) { return c.notAccept(cmd, env) }
	case Refer:
		return func() ([]Event, error) { return c.refer(cmd, env) }
	case Acknowledge:
		return func() ([]Event, error) { return c.acknowledge(cmd, env) }
	case Return:
		return func() ([]Event, error) { return c.returnReferral(cmd, env) }
	case Respond:
		return func() ([]Event, error) { return c.respond(cmd, env) }
	case RequestExtension:
		return func() ([]Event, error) { return c.requestExtension(cmd, env) }
	case DecideExtension:
		return func() ([]Event, error) { return c.decideExtension(cmd, env) }
	case Suspend:
		return func() ([]Event, error) { return c.suspend(cmd, env) }
	case Resume:
		return func() ([]Event, error) { return c.resume(cmd, env) }
	case OrderSupervision:
		return func() ([]Event, error) { return c.orderSupervision(cmd, env) }
	case RecordFinding:
		return func() ([]Event, error) { return c.recordFinding(cmd, env) }
	case RequireRectification:
		return func() ([]Event, error) { return c.requireRectification(cmd, env) }
	case ReportRectification:
		return func() ([]Event, error) { return c.reportRectification(cmd, env) }
	case VerifyRectification:
		return func() ([]Event, error) { return c.verifyRectification(cmd, env) }
	case RecordAccountability:
		return func() ([]Event, error) { return c.recordAccountability(cmd, env) }
	case Resolve:
		return func() ([]Event, error) { return c.resolve(cmd, env) }
	case Reply:
		return func() ([]Event, error) { return c.reply(cmd, env) }
	case RecordSatisfaction:
		return func() ([]Event, error) { return c.recordSatisfaction(cmd, env) }
	case Reopen:
		return func() ([]Event, error) { return c.reopen(cmd, env) }
	case Close:
		return func() ([]Event, error) { return c.close(cmd, env) }
	}
	return nil
}

// File opens the case id with a complaint. c must be the empty case.
func (c *Case) File(id string, cmd FileComplaint, tax Taxonomy, now time.Time) ([]Event, error) {
	cmd.CaseID = id
	return c.Decide(cmd, Env{Now: now, Taxonomy: tax})
}

// Refer returns the events of referring the case (转办), as center staff.
func (c *Case) Refer(cmd Refer, now time.Time) ([]Event, error) {
	return c.Decide(cmd, Env{Now: now})
}

// Resolve returns the events of resolving the case (办结); cmd.DepartmentID
// names the acting department, if a department acts.
func (c *Case) Resolve(cmd Resolve, tax Taxonomy, now time.Time) ([]Event, error) {
	return c.Decide(cmd, Env{Now: now, Taxonomy: tax})
}
