package cases

import (
	"context"
	"encoding/json"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/audit"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// PublicView is what a complainant sees with the tracking code: where the
// case stands, when it is due, and the answers meant for them; nothing
// internal (no departments, notes, findings or people).
type PublicView struct {
	Status     complaint.Status `json:"status"`
	ReceivedAt time.Time        `json:"receivedAt"`
	UpdatedAt  time.Time        `json:"updatedAt"`
	DueAt      *time.Time       `json:"dueAt,omitempty"` // the closure deadline, while open
	Replies    []PublicReply    `json:"replies"`
}

// PublicReply is one answer to the complainant.
type PublicReply struct {
	At      time.Time `json:"at"`
	Message string    `json:"message"`
}

// ErrNoTrackedCase: no case has this tracking code (or it is not a code at
// all: the two are answered alike).
var ErrNoTrackedCase = domain.NotFound("code", "no case has this tracking code")

// Public looks a case up by its tracking code.
func (s *Service) Public(ctx context.Context, code string, now time.Time) (PublicView, error) {
	digest, ok := privacy.TrackingDigest(code)
	if !ok {
		return PublicView{}, ErrNoTrackedCase
	}
	row, err := projections.CaseByTracking(ctx, s.d.Pool, digest)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return PublicView{}, ErrNoTrackedCase
	}
	if err != nil {
		return PublicView{}, err
	}
	c := row.Case
	v := PublicView{Status: c.Status, ReceivedAt: c.ReceivedAt, UpdatedAt: c.UpdatedAt, Replies: []PublicReply{}}
	deadlines, err := projections.CaseDeadlines(ctx, s.d.Pool, c.ID, now)
	if err != nil {
		return v, err
	}
	for _, d := range deadlines {
		if d.Kind == "closure" && d.Open && d.DueAt != nil {
			v.DueAt = d.DueAt
		}
	}
	events, err := eventstore.ReadAggregate(ctx, s.d.Pool, complaint.AggregateType, c.ID)
	if err != nil {
		return v, err
	}
	for _, e := range events {
		if e.Type != complaint.TypeComplainantReplied {
			continue
		}
		var r complaint.ComplainantReplied
		if err := json.Unmarshal(e.Data, &r); err != nil {
			return v, err
		}
		v.Replies = append(v.Replies, PublicReply{At: r.At, Message: r.Message})
	}
	return v, nil
}

// LookUp finds the case a complainant's tracking code belongs to, for the
// center's staff (a complainant on the telephone quotes the code). Every
// lookup is in the audit trail, found or not.
//
// Who: handlers and supervisors.
func (s *Service) LookUp(ctx context.Context, p access.Principal, from auditlog.Origin, code string) (View, error) {
	if err := access.Permit(p, access.LookUpTrackingCode); err != nil {
		return nil, err
	}
	entry := audit.Recorded{Action: audit.ActionTrackingLookup, Actor: p.TokenID, ActorRole: string(p.Role),
		Remote: from.Remote, UserAgent: from.UserAgent, Reason: "not found"}
	var (
		row projections.CaseRow
		err error = ErrNoTrackedCase
	)
	if digest, ok := privacy.TrackingDigest(code); ok {
		row, err = projections.CaseByTracking(ctx, s.d.Pool, digest)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			err = ErrNoTrackedCase
		}
	}
	if err == nil {
		entry.Subject, entry.Reason = row.Case.ID, ""
	}
	if aerr := s.d.Trail.Record(ctx, entry); aerr != nil {
		return nil, aerr
	}
	if err != nil {
		return nil, err
	}
	return s.full(ctx, p, row)
}
