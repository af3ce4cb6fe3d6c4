package cases

import (
	"context"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Get reads a case as p sees it, with its deadlines.
//
// Who: handlers, supervisors and leaders every case; a department the cases
// referred to it; a monitoring point the cases filed for it.
func (s *Service) Get(ctx context.Context, p access.Principal, id string) (View, error) {
	if err := access.Permit(p, access.ReadCases); err != nil {
		return nil, err
	}
	row, err := s.row(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.full(ctx, p, row)
}

// full is the view of a single case, with its deadlines and how many
// working days are left on each (or how late it is).
func (s *Service) full(ctx context.Context, p access.Principal, row projections.CaseRow) (View, error) {
	v := s.view(p, row)
	now := s.d.Clock()
	deadlines := row.Deadlines
	if deadlines == nil {
		var err error
		if deadlines, err = projections.CaseDeadlines(ctx, s.d.Pool, row.Case.ID, now); err != nil {
			return nil, err
		}
	}
	lc, err := s.d.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	for i := range deadlines {
		d := &deadlines[i]
		d.Judge(now)
		if d.DueAt == nil || !d.Open || d.Suspended {
			continue
		}
		if d.Overdue {
			if n, err := lc.Calendar.WorkdaysLate(*d.DueAt, now); err == nil {
				d.WorkdaysLate = &n
			}
		} else if n, err := lc.Calendar.WorkdaysBetween(now, d.DueAt.Add(-time.Nanosecond)); err == nil {
			d.WorkdaysLeft = &n
		}
	}
	return withDeadlines(v, deadlines), nil
}

// Filter is what a case list may be narrowed by.
type Filter = projections.CaseFilter

// Page is a page of cases.
type Page struct {
	Items []View `json:"items"`
	Next  string `json:"next"`
}

// List reads a page of the cases p may see, narrowed by f.
//
// Who: as Get. A department lists only its own cases and cannot select by
// monitoring point; a point lists only its own.
func (s *Service) List(ctx context.Context, p access.Principal, f Filter) (Page, error) {
	if err := access.Permit(p, access.ReadCases); err != nil {
		return Page{}, err
	}
	scope, err := access.ScopeCases(p, access.Scope{DepartmentID: f.DepartmentID, MonitoringPointID: f.MonitoringPointID})
	if err != nil {
		return Page{}, err
	}
	f.DepartmentID, f.MonitoringPointID = scope.DepartmentID, scope.MonitoringPointID
	f.Now = s.d.Clock()
	page, err := projections.ListCases(ctx, s.d.Pool, f)
	if err != nil {
		return Page{}, err
	}
	out := Page{Items: make([]View, len(page.Items)), Next: page.Next}
	for i, row := range page.Items {
		out.Items[i] = s.view(p, row)
	}
	return out, nil
}

// Entry is one step of a case's timeline.
type Entry struct {
	Seq        uint64    `json:"seq"`
	Type       string    `json:"type"`
	At         time.Time `json:"at"`
	RecordedAt time.Time `json:"recordedAt"`
	Actor      string    `json:"actor"`
	ActorName  string    `json:"actorName,omitempty"` // the name the actor's token was given
	ActorRole  string    `json:"actorRole,omitempty"`
	// Summary is the step in a line, for the reader's catalog to write out.
	Summary domain.Message `json:"-"`
}

// withheld stands for an actor the caller may not learn.
const withheld = "withheld"

// Timeline lists what happened to a case, oldest first, as p may see it: a
// department does not learn who acted for the monitoring point that
// reported.
//
// Who: as Get.
func (s *Service) Timeline(ctx context.Context, p access.Principal, id string) ([]Entry, error) {
	if err := access.Permit(p, access.ReadCases); err != nil {
		return nil, err
	}
	row, err := s.row(ctx, p, id)
	if err != nil {
		return nil, err
	}
	events, err := eventstore.ReadAggregate(ctx, s.d.Pool, complaint.AggregateType, id)
	if err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return nil, domain.NotFound("id", "no case %s", id)
	}
	tax, err := s.d.Taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	facts := access.CaseOf(row.Case)
	out := make([]Entry, len(events))
	actors := make([]string, len(events))
	for i, e := range events {
		de, err := complaint.Decode(e.Type, e.Data)
		if err != nil {
			return nil, err
		}
		out[i] = Entry{Seq: e.Seq, Type: e.Type, At: e.OccurredAt, RecordedAt: e.RecordedAt,
			Actor: e.Meta.Actor, ActorRole: e.Meta.ActorRole, Summary: complaint.Summary(de, tax)}
		actors[i] = e.Meta.Actor
	}
	names, err := s.d.Names(ctx, actors)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if !access.SeesActor(p, facts, access.Role(out[i].ActorRole)) {
			out[i].Actor = withheld
			continue
		}
		out[i].ActorName = names[out[i].Actor]
	}
	return out, nil
}
