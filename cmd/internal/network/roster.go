package network

import (
	"context"
	"slices"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// DraftRoster opens a year's roster, starting from the published list of
// the year before when there is one (一年一调整: the points stay unless
// removed with a reason).
func (s *Service) DraftRoster(ctx context.Context, p access.Principal, meta eventstore.Metadata, year int) (network.Roster, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return network.Roster{}, err
	}
	var (
		from   int
		points []string
	)
	prev, err := projections.GetRoster(ctx, s.d.Pool, year-1)
	switch {
	case err == nil && prev.Published:
		from, points = year-1, prev.Points
	case err != nil && domain.ErrorCode(err) != domain.CodeNotFound:
		return network.Roster{}, err
	}
	return s.doRoster(ctx, "draft_roster", year, meta, func(r *network.Roster, now time.Time) ([]network.Event, error) {
		return r.Draft(year, from, points, now)
	})
}

// AddToRoster puts a registered, active point on a draft roster.
func (s *Service) AddToRoster(ctx context.Context, p access.Principal, meta eventstore.Metadata, year int, pointID, reason string) (network.Roster, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return network.Roster{}, err
	}
	if network.ValidID(pointID) {
		pt, err := projections.GetPoint(ctx, s.d.Pool, pointID)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return network.Roster{}, domain.Invalid("pointId", "no monitoring point %q in the network", pointID)
		}
		if err != nil {
			return network.Roster{}, err
		}
		if !pt.Active {
			return network.Roster{}, domain.Invalid("pointId", "monitoring point %q is retired", pointID)
		}
	}
	return s.doRoster(ctx, "add_to_roster", year, meta, func(r *network.Roster, now time.Time) ([]network.Event, error) {
		return r.Add(pointID, reason, now)
	})
}

// RemoveFromRoster takes a point off a draft roster.
func (s *Service) RemoveFromRoster(ctx context.Context, p access.Principal, meta eventstore.Metadata, year int, pointID, reason string) (network.Roster, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return network.Roster{}, err
	}
	return s.doRoster(ctx, "remove_from_roster", year, meta, func(r *network.Roster, now time.Time) ([]network.Event, error) {
		return r.Remove(pointID, reason, now)
	})
}

// PublishRoster publishes a year's list; one that lists a retired point is
// refused.
func (s *Service) PublishRoster(ctx context.Context, p access.Principal, meta eventstore.Metadata, year int) (network.Roster, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return network.Roster{}, err
	}
	all, err := projections.ListPoints(ctx, s.d.Pool, "")
	if err != nil {
		return network.Roster{}, err
	}
	active := map[string]bool{}
	for _, pt := range all {
		active[pt.ID] = pt.Active
	}
	return s.doRoster(ctx, "publish_roster", year, meta, func(r *network.Roster, now time.Time) ([]network.Event, error) {
		var retired []string
		for _, id := range r.Points {
			if !active[id] {
				retired = append(retired, id)
			}
		}
		return r.Publish(retired, now)
	})
}

func (s *Service) doRoster(ctx context.Context, name string, year int, meta eventstore.Metadata,
	decide func(r *network.Roster, now time.Time) ([]network.Event, error)) (network.Roster, error) {
	if year < 2000 || year > 2200 {
		return network.Roster{}, domain.NotFound("year", "no roster for %d", year)
	}
	if _, err := execute(ctx, s, name, network.AggregateRoster, network.RosterID(year), meta, decide); err != nil {
		return network.Roster{}, err
	}
	return projections.GetRoster(ctx, s.d.Pool, year)
}

// Roster reads a year's roster; a point and a supervisor see only the
// points of it they may see.
//
// Who: the center, supervisors, points.
func (s *Service) Roster(ctx context.Context, p access.Principal, year int) (network.Roster, error) {
	if err := access.Permit(p, access.ReadNetwork); err != nil {
		return network.Roster{}, err
	}
	if year < 2000 || year > 2200 {
		return network.Roster{}, domain.NotFound("year", "no roster for %d", year)
	}
	r, err := projections.GetRoster(ctx, s.d.Pool, year)
	if err != nil || p.Role == access.RoleHandler || p.Role == access.RoleLeader || p.Role == access.RoleAdmin {
		return r, err
	}
	visible, err := s.visiblePoints(ctx, p, "")
	if err != nil {
		return network.Roster{}, err
	}
	ids := make([]string, 0, len(visible))
	for _, pt := range visible {
		ids = append(ids, pt.ID)
	}
	r.Points = slices.DeleteFunc(r.Points, func(id string) bool { return !slices.Contains(ids, id) })
	r.Changes = slices.DeleteFunc(r.Changes, func(c network.RosterChange) bool { return !slices.Contains(ids, c.PointID) })
	return r, nil
}
