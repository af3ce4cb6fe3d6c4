package cases

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/audit"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Disclose reads the complainant's personal data for p, recording who
// asked, from where and why before it is returned. A refused attempt by
// someone who may read the case is recorded too, with why it was refused.
//
// Who: see access.MayDisclose.
func (s *Service) Disclose(ctx context.Context, p access.Principal, from auditlog.Origin, id, reason string) (complaint.Complainant, error) {
	if err := access.Permit(p, access.DiscloseComplainant); err != nil {
		return complaint.Complainant{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return complaint.Complainant{}, domain.Invalid("reason", "is required: say why you need the complainant's personal data")
	}
	row, err := s.row(ctx, p, id)
	if err != nil {
		return complaint.Complainant{}, err
	}
	c := row.Case
	entry := audit.Recorded{Action: audit.ActionDisclose, Actor: p.TokenID, ActorRole: string(p.Role),
		Subject: id, Reason: reason, Remote: from.Remote, UserAgent: from.UserAgent}
	var refusal error
	switch {
	case !access.MayDisclose(p, access.CaseOf(c)):
		refusal = domain.Forbidden("the role %s may not have this complainant's personal data disclosed", p.Role)
		entry.Refusal = "no consent to disclosure to the department"
		if p.Role != access.RoleDepartment {
			entry.Refusal = "the role may not read personal data"
		}
	case c.PersonalDataRemoved:
		refusal, entry.Refusal = privacy.ErrShredded, "the personal data was destroyed"
	}
	if refusal != nil {
		entry.Action = audit.ActionDiscloseRefused
		if err := s.d.Trail.Record(ctx, entry); err != nil {
			return complaint.Complainant{}, err
		}
		return complaint.Complainant{}, refusal
	}
	if err := s.d.Trail.Record(ctx, entry); err != nil {
		return complaint.Complainant{}, err
	}
	if c.SealedComplainant == "" {
		return c.Complainant, nil
	}
	var out complaint.Complainant
	err = s.d.Keys.Open(ctx, id, c.SealedComplainant, &out)
	return out, err
}

// Shred destroys a case's personal data: its key first (the data is then
// unreadable), then the fact is recorded on the case and in the audit
// trail.
//
// Who: administrators (and the retention rule, as the system).
func (s *Service) Shred(ctx context.Context, p access.Principal, from auditlog.Origin, meta eventstore.Metadata, id, reason string) (View, error) {
	if err := access.Permit(p, access.ShredCase); err != nil {
		return nil, err
	}
	if !eventstore.ValidToken(id) {
		return nil, domain.NotFound("id", "no case %s", id)
	}
	row, err := projections.GetCase(ctx, s.d.Pool, id)
	if err != nil {
		return nil, err
	}
	c := row.Case
	if c.PersonalDataRemoved {
		return nil, domain.StateConflict("the personal data of case %s was already destroyed", id)
	}
	// The reason is checked before the key is destroyed.
	if _, err := c.Shred(reason, s.d.Clock()); err != nil {
		return nil, err
	}
	if err := s.d.Keys.Shred(ctx, id); err != nil {
		return nil, err
	}
	// The answer is the center's view: whoever destroys the data works for
	// the center.
	center := access.Principal{TokenID: p.TokenID, Role: access.RoleHandler}
	v, err := s.do(ctx, center, "shred", id, meta, func(c *complaint.Case, _ *deadline.Tracker, now time.Time) ([]complaint.Event, error) {
		return c.Shred(reason, now)
	})
	if err != nil && !errors.Is(err, eventstore.ErrNotProjected) {
		return nil, err
	}
	if aerr := s.d.Trail.Record(ctx, audit.Recorded{Action: audit.ActionShred, Actor: p.TokenID, ActorRole: string(p.Role),
		Subject: id, Reason: reason, Remote: from.Remote, UserAgent: from.UserAgent}); aerr != nil {
		return nil, aerr
	}
	return v, err
}

// ShredExpired destroys the personal data of cases closed before a moment
// (the retention rule) and returns how many it destroyed.
func (s *Service) ShredExpired(ctx context.Context, closedBefore time.Time, reason string) (int, error) {
	rows, err := s.d.Pool.Query(ctx, `SELECT id FROM proj.cases WHERE status = 'closed'
		AND (state->>'closedAt')::timestamptz < $1 AND NOT coalesce((state->>'personalDataRemoved')::boolean, false)
		ORDER BY id LIMIT 500`, closedBefore)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
	}
	system := access.Principal{TokenID: "system", Role: access.RoleAdmin, Name: "retention"}
	n := 0
	for _, id := range ids {
		meta := eventstore.Metadata{Actor: "system", ActorRole: "system", CommandID: "retention-shred-" + id}
		if _, err := s.Shred(ctx, system, auditlog.Origin{}, meta, id, reason); err != nil && !errors.Is(err, eventstore.ErrNotProjected) {
			return n, fmt.Errorf("shred case %s: %w", id, err)
		}
		n++
	}
	return n, nil
}
