// Package ratings is the service of the department ratings and rankings
// (issue 14): monitoring points rate their dealings and sum up their
// months, the center's staff record inspections, surveys and central
// assessment sessions, periods are closed, and scores, league tables,
// drill-downs, the year-end selection and the exports are read. The
// arithmetic is domain/rating's; who may do what is domain/access's, asked
// first in every method. A department reads its own scores and comments,
// never which point rated nor when.
package ratings

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/domain/rating"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Deps are what the service needs.
type Deps struct {
	Run   *command.Runner
	Pool  *pgxpool.Pool
	Loc   *time.Location // the zone days and months are taken in
	Clock func() time.Time
	// ActivePoint checks that a monitoring point is registered and active
	// on the network's register, naming the field in its refusal. Nil:
	// until the register is wired, the point of the caller's token rates.
	ActivePoint func(ctx context.Context, field, pointID string) error
	// ReportRecords are the workstations' monthly reporting in a year (附表
	// 一, the network's): late or missing reports bar a workstation from 先进
	// (004 §四.三). Nil: the year-end selection says it is not known.
	ReportRecords func(ctx context.Context, year int) ([]rating.ReportRecord, error)
	// Wait bounds the wait for the ratings' read models after a command
	// (5 seconds when zero).
	Wait time.Duration
}

// Service is the ratings service.
type Service struct {
	d Deps
}

// New returns the service.
func New(d Deps) *Service {
	if d.Wait <= 0 {
		d.Wait = 5 * time.Second
	}
	if d.Loc == nil {
		d.Loc = time.UTC
	}
	return &Service{d: d}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.d.Clock() }

// Zone is the zone days and months are taken in.
func (s *Service) Zone() *time.Location { return s.d.Loc }

// state is an aggregate of the ratings.
type state interface{ Apply(rating.Event) error }

// execute runs a command on an aggregate of the ratings and waits until the
// ratings' read models show it.
func (s *Service) execute(ctx context.Context, name, aggType, id string, meta eventstore.Metadata, fresh func() state,
	decide func(st state, closed []rating.Period, now time.Time) ([]rating.Event, error)) (eventstore.Result, error) {
	if !eventstore.ValidToken(id) {
		return eventstore.Result{}, domain.NotFound("id", "no such record")
	}
	res, err := s.d.Run.Execute(ctx, name, aggType, id, meta, func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
		st := fresh()
		if err := command.Fold(history, rating.Decode, st.Apply); err != nil {
			return nil, err
		}
		closed, err := projections.ClosedRatingPeriods(ctx, s.d.Pool)
		if err != nil {
			return nil, err
		}
		events, err := decide(st, closed, now)
		if err != nil {
			return nil, err
		}
		return command.Encode(events, rating.EventSchemaVersion, now)
	})
	if err != nil {
		return res, err
	}
	return res, s.settle(ctx, res.LastSeq)
}

// settle waits until the ratings' read models hold seq.
func (s *Service) settle(ctx context.Context, seq uint64) error {
	if err := s.d.Run.Settle(ctx, seq); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, s.d.Wait)
	defer cancel()
	return projections.WaitRatings(wctx, s.d.Pool, seq, 10*time.Millisecond)
}

// derivedID is the id of a record the center creates, from the command's
// id: the same Idempotency-Key sent again names the same record.
func derivedID(prefix string, meta eventstore.Metadata) string {
	sum := sha256.Sum256([]byte(prefix + "\x00" + meta.CommandID))
	return prefix + hex.EncodeToString(sum[:12])
}

// register reads the department register, by id.
func (s *Service) register(ctx context.Context, q eventstore.Querier) (map[string]department.Department, error) {
	all, err := projections.ListDepartments(ctx, q, true)
	if err != nil {
		return nil, err
	}
	out := make(map[string]department.Department, len(all))
	for _, d := range all {
		out[d.ID] = d
	}
	return out, nil
}

// target resolves what a sheet rates against the register: an active
// department, and an office that is its own.
func (s *Service) target(ctx context.Context, field, departmentID, officeID, window string) (rating.Target, error) {
	if departmentID == "" {
		return rating.Target{}, domain.Invalid(field+"departmentId", "is required: the department the sheet rates")
	}
	get := func(f, id string) (department.Department, error) {
		if !department.ValidID(id) {
			return department.Department{}, domain.Invalid(f, "no department %q in the register", id)
		}
		d, err := projections.GetDepartment(ctx, s.d.Pool, id)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return d, domain.Invalid(f, "no department %q in the register", id)
		}
		if err != nil {
			return d, err
		}
		if !d.Active {
			return d, domain.Invalid(f, "department %q is inactive", id)
		}
		return d, nil
	}
	d, err := get(field+"departmentId", departmentID)
	if err != nil {
		return rating.Target{}, err
	}
	if officeID != "" {
		o, err := get(field+"officeId", officeID)
		if err != nil {
			return rating.Target{}, err
		}
		if o.ParentID != d.ID {
			return rating.Target{}, domain.Invalid(field+"officeId", "%q is not an office of %s", officeID, d.ID)
		}
	}
	t, err := rating.NewTarget(d.ID, d.ParentID != "", officeID, window)
	if err != nil {
		if de, ok := err.(*domain.Error); ok && field != "" {
			return rating.Target{}, &domain.Error{Code: de.Code, Field: field + de.Field, Message: de.Message}
		}
		return rating.Target{}, err
	}
	return t, nil
}

// snapshot runs fn on one consistent view of the read models.
func (s *Service) snapshot(ctx context.Context, fn func(tx pgx.Tx) error) error {
	err := pgx.BeginTxFunc(ctx, s.d.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
	if err != nil && domain.ErrorCode(err) == "" {
		return eventstore.Database("ratings: read", err)
	}
	return err
}

// permit refuses an action the principal's role may not take.
func permit(p access.Principal, a access.Action) error { return access.Permit(p, a) }
