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
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Service runs case commands and queries.
type Service struct {
	run  *command.Runner
	pool *pgxpool.Pool
	// taxonomy is the classification in force.
	taxonomy func(ctx context.Context) (complaint.Taxonomy, error)
	// activeDepartment refuses a referral to a department that is not in
	// the register or not active, naming the field.
	activeDepartment func(ctx context.Context, field, id string) error
}

// New returns the service.
func New(run *command.Runner, pool *pgxpool.Pool, taxonomy func(ctx context.Context) (complaint.Taxonomy, error),
	activeDepartment func(ctx context.Context, field, id string) error) *Service {
	return &Service{run: run, pool: pool, taxonomy: taxonomy, activeDepartment: activeDepartment}
}

// File registers a complaint and returns the new case.
func (s *Service) File(ctx context.Context, meta eventstore.Metadata, cmd complaint.FileComplaint) (projections.CaseRow, error) {
	// A command id seen before (an idempotency key sent again after the
	// log's dedup window) answers with the case it created.
	if id, err := s.caseOfCommand(ctx, meta); err != nil || id != "" {
		if err != nil {
			return projections.CaseRow{}, err
		}
		s.run.Count("file", "duplicate")
		return s.settle(ctx, id, 0)
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return projections.CaseRow{}, err
	}
	uid, err := uuid.NewV7()
	if err != nil {
		return projections.CaseRow{}, err
	}
	id := uid.String()
	res, err := s.execute(ctx, "file", id, meta, func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
		return c.File(id, cmd, tax, now)
	})
	if err != nil {
		return projections.CaseRow{}, err
	}
	return s.settle(ctx, res.Events[0].AggregateID, res.LastSeq)
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
