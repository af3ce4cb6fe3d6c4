package app

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/cmd/internal/escalation"
	netsvc "github.com/watchpost/watchpost/cmd/internal/network"
	"github.com/watchpost/watchpost/cmd/internal/ratings"
	"github.com/watchpost/watchpost/cmd/internal/registry"
	"github.com/watchpost/watchpost/cmd/internal/reports"
	"github.com/watchpost/watchpost/eventstore"
)

// Services are the application's services, built the same way for the
// server and for every subcommand, so each enforces the same rules.
type Services struct {
	Runner     *command.Runner
	Positions  *eventstore.Positions
	Trail      *auditlog.Trail
	Tokens     *auth.Tokens
	Accounts   *auth.Accounts
	Registry   *registry.Service
	Calendars  *registry.Calendars
	Taxonomies *registry.Taxonomies
	Cases      *cases.Service
	Board      *escalation.Board
	Network    *netsvc.Service
	Reports    *reports.Service
	Ratings    *ratings.Service
}

// NewServices builds the services on the environment's connections and
// starts following the archive's position. The log may be closed (nil) for
// a command that only reads. reg receives the metrics (nil: none). Close
// stops what it started.
func NewServices(ctx context.Context, env *Env, reg prometheus.Registerer) (*Services, error) {
	cfg := env.cfg
	keys, err := env.Keys()
	if err != nil {
		return nil, err
	}
	s := &Services{Positions: eventstore.NewPositions(env.Pool, cfg.Logger)}
	if s.Runner, err = command.NewRunner(env.Log, s.Positions, cfg.Clock, reg); err != nil {
		return nil, err
	}
	s.Positions.Start(context.WithoutCancel(ctx))
	s.Trail = auditlog.New(env.Log, env.Pool, s.Positions, cfg.Clock)
	s.Tokens = auth.NewTokens(env.Pool, cfg.Clock)
	s.Registry = registry.New(s.Runner, env.Pool)
	s.Accounts = auth.NewAccounts(s.Tokens, s.Trail, s.Registry.ActiveDepartment, func(ctx context.Context, field, id string) error {
		return s.Network.ActivePoint(ctx, field, id)
	}, cfg.Logger)
	s.Calendars = registry.NewCalendars(s.Runner, env.Pool, cfg.TimeZone)
	s.Taxonomies = registry.NewTaxonomies(s.Runner, env.Pool)
	s.Cases = cases.New(cases.Deps{
		Run: s.Runner, Pool: env.Pool, Keys: keys, Trail: s.Trail,
		Taxonomy: s.Taxonomies.Current, Calendar: s.Calendars.Current,
		ActiveDepartment: s.Registry.ActiveDepartment, KnownDepartment: s.Registry.KnownDepartment,
		Names: s.Tokens.Names, Policy: cfg.Policy, Clock: cfg.Clock,
	})
	s.Board = escalation.NewBoard(env.Pool, s.Calendars.Current, cfg.Clock)
	s.Network = netsvc.New(netsvc.Deps{Run: s.Runner, Pool: env.Pool, Keys: keys, Trail: s.Trail, Cases: s.Cases,
		KnownDepartment: s.Registry.KnownDepartment, Policy: cfg.Network.WithDefaults(cfg.TimeZone), Clock: cfg.Clock, Logger: cfg.Logger})
	if s.Reports, err = reports.New(reports.Deps{Run: s.Runner, Pool: env.Pool, Positions: s.Positions, Cases: s.Cases, Tokens: s.Tokens,
		Calendar: s.Calendars.Current, ActiveDepartment: s.Registry.ActiveDepartment, Taxonomy: s.Taxonomies.Current,
		Zone: cfg.TimeZone, Font: cfg.PDFFont, Clock: cfg.Clock, Logger: cfg.Logger}, reg); err != nil {
		return nil, err
	}
	s.Ratings = ratings.New(ratings.Deps{Run: s.Runner, Pool: env.Pool, Loc: cfg.TimeZone, Clock: cfg.Clock, ActivePoint: s.Network.ActivePoint, ReportRecords: ratings.ReportsFrom(s.Network)})
	return s, nil
}

// Close stops following the archive.
func (s *Services) Close() { s.Positions.Stop() }
