package network

import (
	"context"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// RegisterSupervisor adds a supervisor (行风效能监督员), bound to the
// supervisor token they sign in with when tokenID is set.
func (s *Service) RegisterSupervisor(ctx context.Context, p access.Principal, meta eventstore.Metadata, id, name, tokenID string) (SupervisorView, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return SupervisorView{}, err
	}
	if !network.ValidID(id) {
		return SupervisorView{}, domain.Invalid("id", "use 2 to 64 lowercase letters, digits and '-', starting with a letter")
	}
	return s.doSupervisor(ctx, "register_supervisor", id, meta, func(sup *network.Supervisor, now time.Time) ([]network.Event, error) {
		return sup.Register(id, name, tokenID, now)
	})
}

// SupervisorChange is a partial update of a supervisor: nil fields stay.
type SupervisorChange struct {
	Name, TokenID *string
	Active        *bool
}

// ChangeSupervisor changes a supervisor's name, token or service.
func (s *Service) ChangeSupervisor(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, ch SupervisorChange) (SupervisorView, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return SupervisorView{}, err
	}
	return s.doSupervisor(ctx, "change_supervisor", id, meta, func(sup *network.Supervisor, now time.Time) ([]network.Event, error) {
		name, token, active := sup.Name, sup.TokenID, sup.Active
		if ch.Name != nil {
			name = *ch.Name
		}
		if ch.TokenID != nil {
			token = *ch.TokenID
		}
		if ch.Active != nil {
			active = *ch.Active
		}
		return sup.Change(name, token, active, now)
	})
}

// AssignSupervisor replaces the workstations and points a supervisor looks
// after; each must be registered.
func (s *Service) AssignSupervisor(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, workstations, points []string) (SupervisorView, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return SupervisorView{}, err
	}
	for _, w := range workstations {
		if _, err := projections.GetWorkstation(ctx, s.d.Pool, w); domain.ErrorCode(err) == domain.CodeNotFound {
			return SupervisorView{}, domain.Invalid("workstationIds", "no workstation %q in the network", w)
		} else if err != nil {
			return SupervisorView{}, err
		}
	}
	for _, pt := range points {
		if _, err := projections.GetPoint(ctx, s.d.Pool, pt); domain.ErrorCode(err) == domain.CodeNotFound {
			return SupervisorView{}, domain.Invalid("pointIds", "no monitoring point %q in the network", pt)
		} else if err != nil {
			return SupervisorView{}, err
		}
	}
	return s.doSupervisor(ctx, "assign_supervisor", id, meta, func(sup *network.Supervisor, now time.Time) ([]network.Event, error) {
		return sup.Assign(workstations, points, now)
	})
}

func (s *Service) doSupervisor(ctx context.Context, name, id string, meta eventstore.Metadata,
	decide func(sup *network.Supervisor, now time.Time) ([]network.Event, error)) (SupervisorView, error) {
	if !network.ValidID(id) {
		return SupervisorView{}, domain.NotFound("id", "no supervisor %s", id)
	}
	if _, err := execute(ctx, s, name, network.AggregateSupervisor, id, meta, decide); err != nil {
		return SupervisorView{}, err
	}
	sup, err := projections.GetSupervisor(ctx, s.d.Pool, id)
	return supervisorView(sup), err
}

// Supervisors lists the supervisors; a supervisor sees only themself.
//
// Who: the center, supervisors.
func (s *Service) Supervisors(ctx context.Context, p access.Principal) ([]SupervisorView, error) {
	if err := access.Permit(p, access.ReadNetwork); err != nil {
		return nil, err
	}
	if p.Role == access.RolePoint {
		return []SupervisorView{}, nil
	}
	all, err := projections.ListSupervisors(ctx, s.d.Pool)
	if err != nil {
		return nil, err
	}
	out := []SupervisorView{}
	for _, sup := range all {
		if p.Role != access.RoleSupervisor || sup.TokenID == p.TokenID {
			out = append(out, supervisorView(sup))
		}
	}
	return out, nil
}
