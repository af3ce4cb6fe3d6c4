// Package casework carries out commands on cases and answers the queries
// about them: the case's lifecycle as the complaint center and the
// departments live it.
package casework

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/audit"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Service runs case commands and queries.
type Service struct {
	run   *command.Runner
	pool  *pgxpool.Pool
	keys  *privacy.Keys
	trail *auditlog.Trail
	// taxonomy is the classification in force.
	taxonomy func(ctx context.Context) (complaint.Taxonomy, error)
	// activeDepartment refuses a referral to a department that is not in
	// the register or not active, naming the field.
	activeDepartment func(ctx context.Context, field, id string) error
}

// New returns the service.
func New(run *command.Runner, pool *pgxpool.Pool, keys *privacy.Keys, trail *auditlog.Trail,
	taxonomy func(ctx context.Context) (complaint.Taxonomy, error),
	activeDepartment func(ctx context.Context, field, id string) error) *Service {
	return &Service{run: run, pool: pool, keys: keys, trail: trail, taxonomy: taxonomy, activeDepartment: activeDepartment}
}

// Filed is a new case and the tracking code its complainant is given.
type Filed struct {
	projections.CaseRow
	TrackingCode string
}

// File registers a complaint: the complainant's personal data is sealed
// with the new case's own key before anything is stored.
func (s *Service) File(ctx context.Context, meta eventstore.Metadata, cmd complaint.FileComplaint) (Filed, error) {
	// A command id seen before (an idempotency key sent again after the
	// log's dedup window) answers with the case it created.
	if id, err := s.caseOfCommand(ctx, meta); err != nil || id != "" {
		if err != nil {
			return Filed{}, err
		}
		s.run.Count("file", "duplicate")
		return s.filed(ctx, id, 0)
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return Filed{}, err
	}
	uid, err := uuid.NewV7()
	if err != nil {
		return Filed{}, err
	}
	id := uid.String()
	_, cmd.TrackingHash = s.keys.TrackingCode(id)
	// Sealing is part of the command: like the append, it does not stop
	// when the client hangs up.
	sealCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	res, err := s.execute(ctx, "file", id, meta, func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
		events, err := c.File(id, cmd, tax, now)
		if err != nil {
			return nil, err
		}
		for i, e := range events {
			if f, ok := e.(complaint.ComplaintFiled); ok && f.Complainant != f.Complainant.Flags() {
				sealed, err := s.keys.Seal(sealCtx, id, f.Complainant)
				if err != nil {
					return nil, err
				}
				events[i] = f.Sealed(sealed)
			}
		}
		return events, nil
	})
	if err != nil {
		return Filed{}, err
	}
	return s.filed(ctx, res.Events[0].AggregateID, res.LastSeq)
}

func (s *Service) filed(ctx context.Context, id string, seq uint64) (Filed, error) {
	row, err := s.settle(ctx, id, seq)
	code, _ := s.keys.TrackingCode(id)
	return Filed{CaseRow: row, TrackingCode: code}, err
}

// Who is a person acting, for the audit trail.
type Who struct {
	Actor, Role, Remote, UserAgent string
}

// Disclose reads the complainant's personal data, recording who read it,
// from where and why before it is returned. The caller has checked that who
// may.
func (s *Service) Disclose(ctx context.Context, who Who, id, reason string) (complaint.Complainant, error) {
	row, err := s.Get(ctx, id)
	if err != nil {
		return complaint.Complainant{}, err
	}
	if row.Case.PersonalDataRemoved {
		return complaint.Complainant{}, privacy.ErrShredded
	}
	if err := s.trail.Record(ctx, audit.Recorded{Action: audit.ActionDisclose, Actor: who.Actor, ActorRole: who.Role,
		Subject: id, Reason: reason, Remote: who.Remote, UserAgent: who.UserAgent}); err != nil {
		return complaint.Complainant{}, err
	}
	if row.Case.SealedComplainant == "" {
		return row.Case.Complainant, nil
	}
	var out complaint.Complainant
	err = s.keys.Open(ctx, id, row.Case.SealedComplainant, &out)
	return out, err
}

// Shred destroys a case's personal data: its key first (the data is then
// unreadable), then the fact is recorded on the case and in the audit
// trail.
func (s *Service) Shred(ctx context.Context, meta eventstore.Metadata, who Who, id, reason string) (projections.CaseRow, error) {
	row, err := s.Get(ctx, id)
	if err != nil {
		return row, err
	}
	if row.Case.PersonalDataRemoved {
		return row, domain.StateConflict("the personal data of case %s was already destroyed", id)
	}
	if _, err := (&row.Case).Shred(reason, s.run.Now()); err != nil {
		return row, err
	}
	if err := s.keys.Shred(ctx, id); err != nil {
		return row, err
	}
	row, err = s.do(ctx, "shred", id, meta, func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
		return c.Shred(reason, now)
	})
	if err != nil && !errors.Is(err, eventstore.ErrNotProjected) {
		return row, err
	}
	if aerr := s.trail.Record(ctx, audit.Recorded{Action: audit.ActionShred, Actor: who.Actor, ActorRole: who.Role,
		Subject: id, Reason: reason, Remote: who.Remote, UserAgent: who.UserAgent}); aerr != nil {
		return row, aerr
	}
	return row, err
}

// ShredExpired destroys the personal data of cases closed before a moment
// (the retention rule) and returns how many it destroyed.
func (s *Service) ShredExpired(ctx context.Context, closedBefore time.Time, reason string) (int, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM proj.cases WHERE status = 'closed'
		AND (state->>'closedAt')::timestamptz < $1 AND NOT coalesce((state->>'personalDataRemoved')::boolean, false)
		ORDER BY id LIMIT 500`, closedBefore)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		meta := eventstore.Metadata{Actor: "system", ActorRole: "system", CommandID: "retention-shred-" + id}
		if _, err := s.Shred(ctx, meta, Who{Actor: "system", Role: "system"}, id, reason); err != nil {
			return n, fmt.Errorf("shred case %s: %w", id, err)
		}
		n++
	}
	return n, nil
}

// Do takes one step of the lifecycle on a case, as actor.
func (s *Service) Do(ctx context.Context, meta eventstore.Metadata, id string, cmd complaint.Command, actor complaint.Actor) (projections.CaseRow, error) {
	if r, ok := cmd.(complaint.Refer); ok {
		if err := s.activeDepartment(ctx, "departmentId", r.DepartmentID); err != nil {
			return projections.CaseRow{}, err
		}
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return projections.CaseRow{}, err
	}
	return s.do(ctx, string(cmd.Step()), id, meta, func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
		return c.Decide(cmd, complaint.Env{Now: now, Taxonomy: tax, Actor: actor})
	})
}

// decision is a command on a case, decided by the domain.
type decision func(c *complaint.Case, now time.Time) ([]complaint.Event, error)

// do executes a command on an existing case and answers with its state.
func (s *Service) do(ctx context.Context, name, id string, meta eventstore.Metadata, decide decision) (projections.CaseRow, error) {
	if !eventstore.ValidToken(id) {
		return projections.CaseRow{}, domain.NotFound("id", "no case %s", id)
	}
	res, err := s.execute(ctx, name, id, meta, decide)
	if err != nil {
		return projections.CaseRow{}, err
	}
	return s.settle(ctx, id, res.LastSeq)
}

func (s *Service) execute(ctx context.Context, name, id string, meta eventstore.Metadata, decide decision) (eventstore.Result, error) {
	return s.run.Execute(ctx, name, complaint.AggregateType, id, meta, func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
		c := &complaint.Case{}
		if err := command.Fold(history, complaint.Decode, c.Apply); err != nil {
			return nil, err
		}
		events, err := decide(c, now)
		if err != nil {
			return nil, err
		}
		return command.Encode(events, complaint.SchemaVersion, now)
	})
}

// settle waits until the read models hold seq and reads the case.
func (s *Service) settle(ctx context.Context, id string, seq uint64) (projections.CaseRow, error) {
	if err := s.run.Settle(ctx, seq); err != nil {
		return projections.CaseRow{Case: complaint.Case{ID: id}, LastSeq: seq}, err
	}
	return projections.GetCase(ctx, s.pool, id)
}

// caseOfCommand finds the case an archived command created.
func (s *Service) caseOfCommand(ctx context.Context, meta eventstore.Metadata) (string, error) {
	var id, hash string
	err := s.pool.QueryRow(ctx, `SELECT aggregate_id, coalesce(metadata->>'requestHash', '') FROM events
		WHERE command_id = $1 AND aggregate_type = $2 ORDER BY seq LIMIT 1`, meta.CommandID, complaint.AggregateType).Scan(&id, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
	}
	if meta.RequestHash != "" && hash != "" && hash != meta.RequestHash {
		return "", eventstore.ErrIdempotencyMismatch
	}
	return id, nil
}

// Get reads a case.
func (s *Service) Get(ctx context.Context, id string) (projections.CaseRow, error) {
	if !eventstore.ValidToken(id) {
		return projections.CaseRow{}, domain.NotFound("id", "no case %s", id)
	}
	return projections.GetCase(ctx, s.pool, id)
}

// Deadlines reads a case's clocks.
func (s *Service) Deadlines(ctx context.Context, id string, now time.Time) ([]projections.CaseDeadline, error) {
	return projections.CaseDeadlines(ctx, s.pool, id, now)
}

// Escalations reads the supervisors' board.
func (s *Service) Escalations(ctx context.Context, f projections.EscalationFilter) ([]projections.Escalation, error) {
	return projections.ListEscalations(ctx, s.pool, f)
}

// Timeliness counts departments' kept and missed deadlines.
func (s *Service) Timeliness(ctx context.Context, dept string, from, to, now time.Time) ([]projections.Timeliness, error) {
	return projections.DepartmentTimeliness(ctx, s.pool, dept, from, to, now)
}

// List reads a page of cases.
func (s *Service) List(ctx context.Context, f projections.CaseFilter) (projections.CasePage, error) {
	return projections.ListCases(ctx, s.pool, f)
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
	Summary    string    `json:"summary"`
}

// Timeline lists what happened to a case, oldest first.
func (s *Service) Timeline(ctx context.Context, id string) ([]Entry, error) {
	if !eventstore.ValidToken(id) {
		return nil, domain.NotFound("id", "no case %s", id)
	}
	events, err := eventstore.ReadAggregate(ctx, s.pool, complaint.AggregateType, id)
	if err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return nil, domain.NotFound("id", "no case %s", id)
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(events))
	for i, e := range events {
		de, err := complaint.Decode(e.Type, e.Data)
		if err != nil {
			return nil, err
		}
		out[i] = Entry{Seq: e.Seq, Type: e.Type, At: e.OccurredAt, RecordedAt: e.RecordedAt,
			Actor: e.Meta.Actor, ActorRole: e.Meta.ActorRole, Summary: complaint.Summary(de, tax)}
	}
	return out, nil
}
