// Package network is the application service of the monitoring network:
// the register of workstations, points and supervisors, the yearly roster,
// visits and meetings, the monthly reports (附表一) and the two-way
// registration (附表二), with their exports. Each method takes the caller's
// principal and checks domain/access before it decides anything; the
// answers are views made for the caller's audience.
package network

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Deps are what the service works with.
type Deps struct {
	Run   *command.Runner
	Pool  *pgxpool.Pool
	Keys  *privacy.Keys
	Trail *auditlog.Trail
	// Cases files the complaints that visits, one-sided registrations and
	// direct feedback become.
	Cases *cases.Service
	// KnownDepartment refuses a department that is not in the register.
	KnownDepartment func(ctx context.Context, field, id string) error
	Policy          network.Policy
	Clock           func() time.Time
	Logger          *slog.Logger
}

// Service runs the network's commands and queries.
type Service struct{ d Deps }

// New returns the service.
func New(d Deps) *Service { return &Service{d: d} }

// Policy is the network's rules in force.
func (s *Service) Policy() network.Policy { return s.d.Policy }

// state is any network aggregate's state.
type state interface{ Apply(network.Event) error }

// execute decides a command on one aggregate of type aggType, folded from
// its history, appends the events and waits until the read models
// hold them.
func execute[T any, S interface {
	*T
	state
}](ctx context.Context, s *Service, name, aggType, id string, meta eventstore.Metadata,
	decide func(st S, now time.Time) ([]network.Event, error)) (eventstore.Result, error) {
	res, err := s.d.Run.Execute(ctx, name, aggType, id, meta, decision[T, S](decide))
	if err != nil {
		return res, err
	}
	if res.LastSeq > 0 {
		if err := s.d.Run.Settle(ctx, res.LastSeq); err != nil {
			return res, err
		}
	}
	return res, nil
}

// decision folds an aggregate's history into a fresh state (each attempt
// of a command decides anew) and decides.
func decision[T any, S interface {
	*T
	state
}](decide func(st S, now time.Time) ([]network.Event, error)) command.Decision {
	return func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
		st := S(new(T))
		if err := command.Fold(history, network.Decode, st.Apply); err != nil {
			return nil, err
		}
		events, err := decide(st, now)
		if err != nil {
			return nil, err
		}
		return command.Encode(events, network.SchemaVersion, now)
	}
}

// system is the metadata of a command the service's own process takes.
func system(commandID, cause string) eventstore.Metadata {
	return eventstore.Metadata{Actor: "system", ActorRole: "system", CommandID: commandID, CausationID: cause}
}

// keyOf is the key id that seals a workstation's or a point's liaison
// contact: each has its own key, so it can be destroyed alone.
func keyOf(kind, id string) string { return "network-" + kind + "-" + id }

// seal seals a contact under the aggregate's key ("" for an empty one).
func (s *Service) seal(ctx context.Context, kind, id string, c network.Contact) (string, error) {
	if c.Empty() {
		return "", nil
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	return s.d.Keys.Seal(sctx, keyOf(kind, id), c)
}

// supervisorOf is the supervisor (行风效能监督员) a supervisor's token is
// bound to (the zero supervisor for none, and for other roles).
func (s *Service) supervisorOf(ctx context.Context, p access.Principal) (network.Supervisor, error) {
	if p.Role != access.RoleSupervisor || p.TokenID == "" {
		return network.Supervisor{}, nil
	}
	return projections.SupervisorOfToken(ctx, s.d.Pool, p.TokenID)
}

// record is how the access rules see a point or a workstation for p.
func (s *Service) record(ctx context.Context, p access.Principal, pointID, workstationID string) (access.NetworkRecord, error) {
	r := access.NetworkRecord{PointID: pointID, WorkstationID: workstationID}
	if p.Role == access.RoleSupervisor {
		sup, err := s.supervisorOf(ctx, p)
		if err != nil {
			return r, err
		}
		r.Assigned = sup.Looks(workstationID, pointID)
	}
	return r, nil
}

// point reads a point p may see; others are "not found".
func (s *Service) point(ctx context.Context, p access.Principal, id string) (network.Point, error) {
	if !network.ValidID(id) {
		return network.Point{}, domain.NotFound("id", "no monitoring point %s", id)
	}
	pt, err := projections.GetPoint(ctx, s.d.Pool, id)
	if err != nil {
		return pt, err
	}
	r, err := s.record(ctx, p, pt.ID, pt.WorkstationID)
	if err != nil {
		return pt, err
	}
	if !access.CanReadNetwork(p, r) {
		return network.Point{}, domain.NotFound("id", "no monitoring point %s", id)
	}
	return pt, nil
}

// workstation reads a workstation p may see; others are "not found".
func (s *Service) workstation(ctx context.Context, p access.Principal, id string) (network.Workstation, error) {
	if !network.ValidID(id) {
		return network.Workstation{}, domain.NotFound("id", "no workstation %s", id)
	}
	w, err := projections.GetWorkstation(ctx, s.d.Pool, id)
	if err != nil {
		return w, err
	}
	r, err := s.record(ctx, p, "", w.ID)
	if err != nil {
		return w, err
	}
	if !access.CanReadNetwork(p, r) {
		return network.Workstation{}, domain.NotFound("id", "no workstation %s", id)
	}
	return w, nil
}

// textOf checks a required free text of at most max characters.
func textOf(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case !utf8.ValidString(v):
		return "", domain.Invalid(field, "is not valid UTF-8")
	case v == "":
		return "", domain.Invalid(field, "is required")
	case utf8.RuneCountInString(v) > max:
		return "", domain.Invalid(field, "is %d characters long; at most %d are allowed", utf8.RuneCountInString(v), max)
	}
	return v, nil
}

func itoa(i int) string { return strconv.Itoa(i) }
