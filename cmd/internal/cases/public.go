package cases

import (
	"context"
	"encoding/json"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
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
