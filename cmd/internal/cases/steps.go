package cases

import (
	"context"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/eventstore"
)

// Take takes one step of the lifecycle on a case for p and answers with
// the case as it now stands. The access rules are checked against the case
// as the log holds it, in the same decision as the step itself.
//
// Who: see access.MayTake.
func (s *Service) Take(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, cmd complaint.Command) (View, error) {
	step := cmd.Step()
	if err := access.Permit(p, access.StepAction(step)); err != nil {
		return nil, err
	}
	switch c := cmd.(type) {
	case complaint.Refer:
		if err := s.d.ActiveDepartment(ctx, "departmentId", c.DepartmentID); err != nil {
			return nil, err
		}
	case complaint.OrderSupervision:
		// Escalations are raised by the deadline process, not by hand.
		c.Source = complaint.SourceSupervisor
		cmd = c
	}
	tax, err := s.d.Taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	lc, err := s.d.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	var actor complaint.Actor
	if p.Role == access.RoleDepartment {
		actor.DepartmentID = p.DepartmentID
	}
	return s.do(ctx, p, string(step), id, meta, func(c *complaint.Case, clocks *deadline.Tracker, now time.Time) ([]complaint.Event, error) {
		if err := access.MayTake(p, step, access.CaseOf(*c)); err != nil {
			return nil, err
		}
		env := complaint.Env{Now: now, Taxonomy: tax, Actor: actor, Calendar: lc.Calendar}
		if closure, ok := clocks.Clock(string(deadline.KindClosure)); ok && closure.Open() {
			// A deadline that cannot be computed (a year with no
			// schedule) or is suspended leaves ClosureDue unknown.
			if due, ok, err := closure.Due(lc.Calendar, clocks.Policy.Hours); err == nil && ok {
				env.ClosureDue = due
			}
		}
		return c.Decide(cmd, env)
	})
}

// do executes a command on an existing case and answers with its view.
func (s *Service) do(ctx context.Context, p access.Principal, name, id string, meta eventstore.Metadata, decide decision) (View, error) {
	if !eventstore.ValidToken(id) {
		return nil, domain.NotFound("id", "no case %s", id)
	}
	res, err := s.execute(ctx, name, id, meta, decide)
	if err != nil {
		return nil, err
	}
	row, err := s.settle(ctx, id, res.LastSeq)
	if err != nil {
		return nil, err
	}
	v, err := s.full(ctx, p, row)
	if err != nil {
		return nil, &Stored{ID: id, Position: res.LastSeq, cause: err}
	}
	return v, nil
}
