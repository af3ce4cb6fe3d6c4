// Package cases is the application service of the case: it carries out the
// commands of a complaint's lifecycle and answers the queries about cases,
// for a principal whose access it checks (domain/access) before it decides
// anything, and answers with the view of the caller's audience.
package cases

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Deps are what the service works with.
type Deps struct {
	Run   *command.Runner
	Pool  *pgxpool.Pool
	Keys  *privacy.Keys
	Trail *auditlog.Trail
	// Taxonomy is the classification in force.
	Taxonomy func(ctx context.Context) (complaint.Taxonomy, error)
	// Calendar is the working-day calendar in force.
	Calendar func(ctx context.Context) (projections.LoadedCalendar, error)
	// ActiveDepartment refuses a department that is not in the register or
	// not active, naming the field.
	ActiveDepartment func(ctx context.Context, field, id string) error
	// KnownDepartment refuses a department that is not in the register.
	KnownDepartment func(ctx context.Context, field, id string) error
	// Names gives the names of the tokens among ids (for the timeline).
	Names func(ctx context.Context, ids []string) (map[string]string, error)
	// Policy is the deadline policy in force (for the closure deadline an
	// extension must end after).
	Policy deadline.Policy
	Clock  func() time.Time
}

// Service runs case commands and queries.
type Service struct{ d Deps }

// New returns the service.
func New(d Deps) *Service { return &Service{d: d} }

// Stored is the answer to a command whose events are in the log but not
// yet in the read models (HTTP 202): it matches eventstore.ErrNotProjected.
type Stored struct {
	ID           string
	Position     uint64
	TrackingCode string // for a filing
	cause        error  // why the answer cannot show the case
}

func (s *Stored) Error() string {
	return "case " + s.ID + " is stored in the log; not yet visible to queries"
}

// Unwrap makes errors.Is(err, eventstore.ErrNotProjected) hold.
func (s *Stored) Unwrap() error { return eventstore.ErrNotProjected }

// decision is a command on a case, decided by the domain. clocks are the
// case's deadline clocks, folded from the same history.
type decision func(c *complaint.Case, clocks *deadline.Tracker, now time.Time) ([]complaint.Event, error)

// execute decides a command against the case's history and appends its
// events.
func (s *Service) execute(ctx context.Context, name, id string, meta eventstore.Metadata, decide decision) (eventstore.Result, error) {
	return s.d.Run.Execute(ctx, name, complaint.AggregateType, id, meta, func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
		c, clocks := &complaint.Case{}, deadline.NewTracker(s.d.Policy)
		if err := command.Fold(history, complaint.Decode, func(e complaint.Event) error {
			clocks.Apply(e)
			return c.Apply(e)
		}); err != nil {
			return nil, err
		}
		events, err := decide(c, clocks, now)
		if err != nil {
			return nil, err
		}
		return command.Encode(events, complaint.SchemaVersion, now)
	})
}

// settle waits until the read models hold seq and reads the case. The log
// has confirmed the command by then: whatever goes wrong now (the read
// models late, PostgreSQL gone) the answer is *Stored, never an error that
// would have the client think the command failed.
func (s *Service) settle(ctx context.Context, id string, seq uint64) (projections.CaseRow, error) {
	if err := s.d.Run.Settle(ctx, seq); err != nil {
		return projections.CaseRow{}, &Stored{ID: id, Position: seq, cause: err}
	}
	row, err := projections.GetCase(ctx, s.d.Pool, id)
	if err != nil {
		return row, &Stored{ID: id, Position: seq, cause: err}
	}
	return row, nil
}

// row reads a case the principal may see; others are "not found", so their
// existence does not leak.
func (s *Service) row(ctx context.Context, p access.Principal, id string) (projections.CaseRow, error) {
	if !eventstore.ValidToken(id) {
		return projections.CaseRow{}, domain.NotFound("id", "no case %s", id)
	}
	row, err := projections.GetCase(ctx, s.d.Pool, id)
	if err != nil {
		return row, err
	}
	if !access.CanRead(p, access.CaseOf(row.Case)) {
		return projections.CaseRow{}, domain.NotFound("id", "no case %s", id)
	}
	return row, nil
}

// view is the view of a listed case for p.
func (s *Service) view(p access.Principal, row projections.CaseRow) View {
	v := viewOf(p, row)
	if cv, ok := v.(CenterView); ok {
		// The center's staff pass the tracking code on to a complainant who
		// lost it, and look cases up by it.
		cv.TrackingCode, _ = s.d.Keys.TrackingCode(row.Case.ID)
		return cv
	}
	return v
}

// caseOfCommand finds the case an archived command created.
func (s *Service) caseOfCommand(ctx context.Context, meta eventstore.Metadata) (string, error) {
	var id, hash string
	err := s.d.Pool.QueryRow(ctx, `SELECT aggregate_id, coalesce(metadata->>'requestHash', '') FROM events
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
