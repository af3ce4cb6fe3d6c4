package cases

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/eventstore"
)

// File registers a complaint for p and answers with the new case, which
// carries the tracking code for the complainant. The complainant's personal
// data is sealed with the new case's own key before anything is stored. A
// monitoring point files for itself, through its own channel by default.
//
// Who: handlers and monitoring points.
func (s *Service) File(ctx context.Context, p access.Principal, meta eventstore.Metadata, cmd complaint.FileComplaint) (View, error) {
	if err := access.Permit(p, access.FileCase); err != nil {
		return nil, err
	}
	if p.Role == access.RolePoint {
		if cmd.MonitoringPointID != "" && cmd.MonitoringPointID != p.PointID {
			return nil, domain.Forbidden("a monitoring point files complaints only for itself (%s)", p.PointID)
		}
		cmd.MonitoringPointID = p.PointID
		if cmd.Channel == "" {
			cmd.Channel = "monitoring_point"
		}
	}
	// A command id seen before (an idempotency key sent again after the
	// log's dedup window) answers with the case it created.
	if id, err := s.caseOfCommand(ctx, meta); err != nil || id != "" {
		if err != nil {
			return nil, err
		}
		s.d.Run.Count("file", "duplicate")
		return s.filed(ctx, p, id, 0)
	}
	tax, err := s.d.Taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	if cmd.RespondentDepartmentID != "" && eventstore.ValidToken(cmd.RespondentDepartmentID) {
		if err := s.d.KnownDepartment(ctx, "respondentDepartmentId", cmd.RespondentDepartmentID); err != nil {
			return nil, err
		}
	}
	uid, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	id := uid.String()
	_, cmd.TrackingHash = s.d.Keys.TrackingCode(id)
	// Sealing is part of the command: like the append, it does not stop
	// when the client hangs up.
	sealCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	res, err := s.execute(ctx, "file", id, meta, func(c *complaint.Case, _ *deadline.Tracker, now time.Time) ([]complaint.Event, error) {
		events, err := c.File(id, cmd, tax, now)
		if err != nil {
			return nil, err
		}
		for i, e := range events {
			if f, ok := e.(complaint.ComplaintFiled); ok && f.Complainant != f.Complainant.Flags() {
				sealed, err := s.d.Keys.Seal(sealCtx, id, f.Complainant)
				if err != nil {
					return nil, err
				}
				events[i] = f.Sealed(sealed)
			}
		}
		return events, nil
	})
	if err != nil {
		return nil, err
	}
	return s.filed(ctx, p, res.Events[0].AggregateID, res.LastSeq)
}

// filed answers a filing: the case as the filer sees it, with the tracking
// code shown to whoever registers the complaint, to pass on.
func (s *Service) filed(ctx context.Context, p access.Principal, id string, seq uint64) (View, error) {
	code, _ := s.d.Keys.TrackingCode(id)
	row, err := s.settle(ctx, id, seq)
	if stored := (*Stored)(nil); errors.As(err, &stored) {
		stored.TrackingCode = code
		return nil, stored
	}
	if err != nil {
		return nil, err
	}
	v, err := s.full(ctx, p, row)
	if err != nil {
		return nil, &Stored{ID: id, Position: row.LastSeq, TrackingCode: code, cause: err}
	}
	if pv, ok := v.(PointView); ok {
		pv.TrackingCode = code
		return pv, nil
	}
	return v, nil
}
