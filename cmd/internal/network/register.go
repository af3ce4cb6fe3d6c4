package network

import (
	"context"
	"errors"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/audit"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// WorkstationChange is a partial update of a workstation: nil fields stay.
type WorkstationChange struct {
	Name, HostUnit, Leader, Office, District *string
	Contact                                  *network.Contact
}

// free refuses an id that a point or a workstation already has: a point
// token names either, so they share one space of ids.
func (s *Service) free(ctx context.Context, kind, id string) error {
	if kind != "point" {
		if _, err := projections.GetPoint(ctx, s.d.Pool, id); err == nil {
			return domain.StateConflict("%s is the id of a monitoring point", id)
		} else if domain.ErrorCode(err) != domain.CodeNotFound {
			return err
		}
	}
	if kind != "workstation" {
		if _, err := projections.GetWorkstation(ctx, s.d.Pool, id); err == nil {
			return domain.StateConflict("%s is the id of a workstation", id)
		} else if domain.ErrorCode(err) != domain.CodeNotFound {
			return err
		}
	}
	return nil
}

// RegisterWorkstation adds a workstation; its liaison's contact is sealed.
//
// Who (for every change of the register: workstations, points, supervisors,
// assignments and rosters): administrators.
func (s *Service) RegisterWorkstation(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string,
	det network.WorkstationDetails, contact network.Contact) (WorkstationView, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return WorkstationView{}, err
	}
	if !network.ValidID(id) {
		return WorkstationView{}, domain.Invalid("id", "use 2 to 64 lowercase letters, digits and '-', starting with a letter")
	}
	c, err := network.ValidContact("contact", contact)
	if err != nil {
		return WorkstationView{}, err
	}
	if err := s.free(ctx, "workstation", id); err != nil {
		return WorkstationView{}, err
	}
	sealed, err := s.seal(ctx, "workstation", id, c)
	if err != nil {
		return WorkstationView{}, err
	}
	return s.doWorkstation(ctx, "register_workstation", id, meta, func(w *network.Workstation, now time.Time) ([]network.Event, error) {
		return w.Register(id, det, sealed, now)
	})
}

// ChangeWorkstation updates a workstation's details.
func (s *Service) ChangeWorkstation(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, ch WorkstationChange) (WorkstationView, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return WorkstationView{}, err
	}
	cur, err := s.workstation(ctx, p, id)
	if err != nil {
		return WorkstationView{}, err
	}
	det := cur.WorkstationDetails
	for _, f := range []struct {
		to   *string
		from *string
	}{{&det.Name, ch.Name}, {&det.HostUnit, ch.HostUnit}, {&det.Leader, ch.Leader}, {&det.Office, ch.Office}, {&det.District, ch.District}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	var sealed string
	if ch.Contact != nil {
		c, err := network.ValidContact("contact", *ch.Contact)
		if err != nil {
			return WorkstationView{}, err
		}
		if sealed, err = s.seal(ctx, "workstation", id, c); err != nil {
			return WorkstationView{}, err
		}
	}
	return s.doWorkstation(ctx, "change_workstation", id, meta, func(w *network.Workstation, now time.Time) ([]network.Event, error) {
		return w.Change(det, sealed, now)
	})
}

// RetireWorkstation takes a workstation out of the network.
func (s *Service) RetireWorkstation(ctx context.Context, p access.Principal, meta eventstore.Metadata, id, reason string) (WorkstationView, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return WorkstationView{}, err
	}
	return s.doWorkstation(ctx, "retire_workstation", id, meta, func(w *network.Workstation, now time.Time) ([]network.Event, error) {
		return w.Retire(reason, now)
	})
}

// RecordSeminar records a workstation's seminar with its points.
//
// Who: the workstation's liaison, handlers and administrators.
func (s *Service) RecordSeminar(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, heldAt time.Time,
	attendees int, summary string) (WorkstationView, error) {
	if err := access.Permit(p, access.RecordMeeting); err != nil {
		return WorkstationView{}, err
	}
	if _, err := s.workstation(ctx, p, id); err != nil {
		return WorkstationView{}, err
	}
	if err := access.PermitWorkstation(p, id); err != nil {
		return WorkstationView{}, err
	}
	return s.doWorkstation(ctx, "record_seminar", id, meta, func(w *network.Workstation, now time.Time) ([]network.Event, error) {
		return w.RecordSeminar(heldAt, attendees, summary, now)
	})
}

func (s *Service) doWorkstation(ctx context.Context, name, id string, meta eventstore.Metadata,
	decide func(w *network.Workstation, now time.Time) ([]network.Event, error)) (WorkstationView, error) {
	if !network.ValidID(id) {
		return WorkstationView{}, domain.NotFound("id", "no workstation %s", id)
	}
	if _, err := execute(ctx, s, name, network.AggregateWorkstation, id, meta, decide); err != nil {
		return WorkstationView{}, err
	}
	w, err := projections.GetWorkstation(ctx, s.d.Pool, id)
	return workstationView(w), err
}

// Workstation reads one workstation.
//
// Who (for this and Workstations): the center; a supervisor the
// workstations they look after; a workstation's liaison its own.
func (s *Service) Workstation(ctx context.Context, p access.Principal, id string) (WorkstationView, error) {
	if err := access.Permit(p, access.ReadNetwork); err != nil {
		return WorkstationView{}, err
	}
	w, err := s.workstation(ctx, p, id)
	return workstationView(w), err
}

// Workstations lists the workstations p may see.
func (s *Service) Workstations(ctx context.Context, p access.Principal) ([]WorkstationView, error) {
	if err := access.Permit(p, access.ReadNetwork); err != nil {
		return nil, err
	}
	all, err := projections.ListWorkstations(ctx, s.d.Pool)
	if err != nil {
		return nil, err
	}
	out := []WorkstationView{}
	for _, w := range all {
		r, err := s.record(ctx, p, "", w.ID)
		if err != nil {
			return nil, err
		}
		if access.CanReadNetwork(p, r) {
			out = append(out, workstationView(w))
		}
	}
	return out, nil
}

// PointChange is a partial update of a point: nil fields stay.
type PointChange struct {
	Name, Kind, District, WorkstationID *string
	Contact                             *network.Contact
}

// activeWorkstation refuses a workstation that is not registered or not
// active, naming the field.
func (s *Service) activeWorkstation(ctx context.Context, field, id string) error {
	w, err := projections.GetWorkstation(ctx, s.d.Pool, id)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return domain.Invalid(field, "no workstation %q in the network", id)
	}
	if err != nil {
		return err
	}
	if !w.Active {
		return domain.Invalid(field, "workstation %q is retired", id)
	}
	return nil
}

// RegisterPoint adds a monitoring point to an active workstation.
func (s *Service) RegisterPoint(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string,
	det network.PointDetails, contact network.Contact) (PointView, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return PointView{}, err
	}
	if !network.ValidID(id) {
		return PointView{}, domain.Invalid("id", "use 2 to 64 lowercase letters, digits and '-', starting with a letter")
	}
	c, err := network.ValidContact("contact", contact)
	if err != nil {
		return PointView{}, err
	}
	if network.ValidID(det.WorkstationID) {
		if err := s.activeWorkstation(ctx, "workstationId", det.WorkstationID); err != nil {
			return PointView{}, err
		}
	}
	if err := s.free(ctx, "point", id); err != nil {
		return PointView{}, err
	}
	sealed, err := s.seal(ctx, "point", id, c)
	if err != nil {
		return PointView{}, err
	}
	return s.doPoint(ctx, "register_point", id, meta, func(pt *network.Point, now time.Time) ([]network.Event, error) {
		return pt.Register(id, det, sealed, now)
	})
}

// ChangePoint updates a point's details.
func (s *Service) ChangePoint(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, ch PointChange) (PointView, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return PointView{}, err
	}
	cur, err := s.point(ctx, p, id)
	if err != nil {
		return PointView{}, err
	}
	det := cur.PointDetails
	if ch.Name != nil {
		det.Name = *ch.Name
	}
	if ch.Kind != nil {
		det.Kind = network.PointKind(*ch.Kind)
	}
	if ch.District != nil {
		det.District = *ch.District
	}
	if ch.WorkstationID != nil && *ch.WorkstationID != det.WorkstationID {
		det.WorkstationID = *ch.WorkstationID
		if network.ValidID(det.WorkstationID) {
			if err := s.activeWorkstation(ctx, "workstationId", det.WorkstationID); err != nil {
				return PointView{}, err
			}
		}
	}
	var sealed string
	if ch.Contact != nil {
		c, err := network.ValidContact("contact", *ch.Contact)
		if err != nil {
			return PointView{}, err
		}
		if sealed, err = s.seal(ctx, "point", id, c); err != nil {
			return PointView{}, err
		}
	}
	return s.doPoint(ctx, "change_point", id, meta, func(pt *network.Point, now time.Time) ([]network.Event, error) {
		return pt.Change(det, sealed, now)
	})
}

// RetirePoint takes a point out of the network.
func (s *Service) RetirePoint(ctx context.Context, p access.Principal, meta eventstore.Metadata, id, reason string) (PointView, error) {
	if err := access.Permit(p, access.ManageNetwork); err != nil {
		return PointView{}, err
	}
	return s.doPoint(ctx, "retire_point", id, meta, func(pt *network.Point, now time.Time) ([]network.Event, error) {
		return pt.Retire(reason, now)
	})
}

func (s *Service) doPoint(ctx context.Context, name, id string, meta eventstore.Metadata,
	decide func(pt *network.Point, now time.Time) ([]network.Event, error)) (PointView, error) {
	if !network.ValidID(id) {
		return PointView{}, domain.NotFound("id", "no monitoring point %s", id)
	}
	if _, err := execute(ctx, s, name, network.AggregatePoint, id, meta, decide); err != nil {
		return PointView{}, err
	}
	pt, err := projections.GetPoint(ctx, s.d.Pool, id)
	return pointView(pt), err
}

// Point reads one point.
//
// Who (for this and Points): the center; a supervisor the points they look
// after (and those of their workstations); a point itself; a workstation's
// liaison its points.
func (s *Service) Point(ctx context.Context, p access.Principal, id string) (PointView, error) {
	if err := access.Permit(p, access.ReadNetwork); err != nil {
		return PointView{}, err
	}
	pt, err := s.point(ctx, p, id)
	return pointView(pt), err
}

// Points lists the points p may see, of one workstation when set.
func (s *Service) Points(ctx context.Context, p access.Principal, workstationID string) ([]PointView, error) {
	if err := access.Permit(p, access.ReadNetwork); err != nil {
		return nil, err
	}
	all, err := s.visiblePoints(ctx, p, workstationID)
	if err != nil {
		return nil, err
	}
	out := make([]PointView, 0, len(all))
	for _, pt := range all {
		out = append(out, pointView(pt))
	}
	return out, nil
}

func (s *Service) visiblePoints(ctx context.Context, p access.Principal, workstationID string) ([]network.Point, error) {
	all, err := projections.ListPoints(ctx, s.d.Pool, workstationID)
	if err != nil {
		return nil, err
	}
	var sup network.Supervisor
	if p.Role == access.RoleSupervisor {
		if sup, err = s.supervisorOf(ctx, p); err != nil {
			return nil, err
		}
	}
	out := []network.Point{}
	for _, pt := range all {
		r := access.NetworkRecord{PointID: pt.ID, WorkstationID: pt.WorkstationID, Assigned: sup.Looks(pt.WorkstationID, pt.ID)}
		if access.CanReadNetwork(p, r) {
			out = append(out, pt)
		}
	}
	return out, nil
}

// ActivePoint checks that a point token may be bound to id: a registered,
// active point, or an active workstation (whose liaison signs in with a
// point token scoped to it). It names the field in a refusal.
func (s *Service) ActivePoint(ctx context.Context, field, id string) error {
	if !network.ValidID(id) {
		return domain.Invalid(field, "no monitoring point %q in the network", id)
	}
	pt, err := projections.GetPoint(ctx, s.d.Pool, id)
	if err == nil {
		if !pt.Active {
			return domain.Invalid(field, "monitoring point %q is retired", id)
		}
		return nil
	}
	if domain.ErrorCode(err) != domain.CodeNotFound {
		return err
	}
	w, err := projections.GetWorkstation(ctx, s.d.Pool, id)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return domain.Invalid(field, "no monitoring point %q in the network", id)
	}
	if err != nil {
		return err
	}
	if !w.Active {
		return domain.Invalid(field, "workstation %q is retired", id)
	}
	return nil
}

// Disclosure is a liaison's contact disclosed to the center.
type Disclosure struct {
	ID      string          `json:"id"`
	Contact network.Contact `json:"contact"`
	Removed bool            `json:"removed,omitempty"` // the key was destroyed
}

// DiscloseContact opens the sealed contact of a point's ("point") or a
// workstation's ("workstation") liaison, with a reason that is recorded in
// the audit trail before the contact is answered.
//
// Who: the center's people (a supervisor for what they look after).
func (s *Service) DiscloseContact(ctx context.Context, p access.Principal, from auditlog.Origin, kind, id, reason string) (Disclosure, error) {
	if err := access.Permit(p, access.DiscloseContact); err != nil {
		return Disclosure{}, err
	}
	var (
		sealed string
		rec    access.NetworkRecord
		err    error
	)
	switch kind {
	case "point":
		var pt network.Point
		if pt, err = s.point(ctx, p, id); err != nil {
			return Disclosure{}, err
		}
		sealed = pt.SealedContact
		rec, err = s.record(ctx, p, pt.ID, pt.WorkstationID)
	default:
		var w network.Workstation
		if w, err = s.workstation(ctx, p, id); err != nil {
			return Disclosure{}, err
		}
		sealed = w.SealedContact
		rec, err = s.record(ctx, p, "", w.ID)
	}
	if err != nil {
		return Disclosure{}, err
	}
	if !access.CanSeeContact(p, rec) {
		return Disclosure{}, domain.Forbidden("only the center reads a liaison's contact")
	}
	why, err := textOf("reason", reason, 500)
	if err != nil {
		return Disclosure{}, err
	}
	if err := s.d.Trail.Record(ctx, audit.Recorded{Action: audit.ActionDisclose, Actor: p.TokenID, ActorRole: string(p.Role),
		Subject: kind + ":" + id, Reason: why, Remote: from.Remote, UserAgent: from.UserAgent}); err != nil {
		return Disclosure{}, err
	}
	out := Disclosure{ID: id}
	if sealed == "" {
		return out, nil
	}
	if err := s.d.Keys.Open(ctx, keyOf(kind, id), sealed, &out.Contact); err != nil {
		if errors.Is(err, privacy.ErrShredded) {
			out.Removed = true
			return out, nil
		}
		return Disclosure{}, err
	}
	return out, nil
}
