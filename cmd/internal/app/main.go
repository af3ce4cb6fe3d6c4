package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/escalation"
	"github.com/watchpost/watchpost/cmd/internal/feeds"
	"github.com/watchpost/watchpost/cmd/internal/httpapi"
	"github.com/watchpost/watchpost/cmd/internal/locale"
	netsvc "github.com/watchpost/watchpost/cmd/internal/network"
	"github.com/watchpost/watchpost/cmd/internal/reports"
	"github.com/watchpost/watchpost/cmd/internal/web"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/audit"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Main is the running server. Run starts it; Close stops it in order: HTTP,
// then the consumers, then the pools, then the embedded servers.
type Main struct {
	cfg Config

	// URL is where the API listens, known once Run returns.
	URL string
	// AdminToken is the development admin token (empty with an external
	// database).
	AdminToken string

	env        *Env
	registry   *prometheus.Registry
	archiver   *eventstore.Archiver
	services   *Services
	runners    []*projections.Runner
	escalation *escalation.Process
	network    *netsvc.Process
	reports    *reports.Process
	retention  *retention
	http       *http.Server
	served     chan error
	drain      drainer // shutting down: /readyz answers 503 first
}

// NewMain prepares a server.
func NewMain(cfg Config) *Main { return &Main{cfg: cfg} }

// Projections are the service's read models. Deadlines runs before
// CalendarYears (it applies a batch's schedule loads itself).
func Projections(loc *time.Location, policy deadline.Policy) projections.Set {
	return projections.Set{
		Inline: []projections.Projection{projections.Cases{}, projections.Departments{}, projections.TaxonomyTerms{}, projections.AuditLog{},
			projections.Deadlines{Policy: policy, Loc: loc, Calendars: &projections.CalendarCache{}}, projections.CalendarYears{}, projections.Network{},
			projections.TrendFindings{}, projections.SpecialReports{}},
		Async: []projections.Projection{projections.DailyIntake{Loc: loc}, projections.TrendCounts{Loc: loc}, projections.Ratings{Loc: loc}},
	}
}

// Run starts every part and returns once the API is listening.
func (m *Main) Run(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	logger := m.cfg.Logger
	m.registry = prometheus.NewRegistry()
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	if m.env, err = OpenDatabase(ctx, m.cfg); err != nil {
		return err
	}
	if err = m.env.OpenLog(ctx, true, m.registry); err != nil {
		return err
	}
	set := Projections(m.cfg.TimeZone, m.cfg.Policy)
	m.archiver, err = eventstore.NewArchiver(m.env.Log, m.env.Pool, []eventstore.Projector{set.InlineProjector()},
		eventstore.ArchiverConfig{}, logger, m.registry)
	if err != nil {
		return err
	}
	if m.services, err = NewServices(ctx, m.env, m.registry); err != nil {
		return err
	}
	svc := m.services
	m.archiver.Start(context.WithoutCancel(ctx))
	for _, p := range set.Async {
		r := projections.NewRunner(m.env.Pool, p, svc.Positions, logger)
		r.Start(context.WithoutCancel(ctx))
		m.runners = append(m.runners, r)
	}
	m.registry.MustRegister(projections.LagCollector(m.env.Pool, set.Async...))
	if m.env.DevDatabase {
		if m.AdminToken, err = devAdminToken(ctx, svc.Tokens, svc.Trail, m.cfg.DataDir); err != nil {
			return err
		}
	}
	if err := svc.Calendars.Seed(ctx); err != nil {
		return err
	}
	if m.cfg.RetentionYears > 0 {
		m.retention = newRetention(svc.Cases, m.cfg.RetentionYears, m.cfg.Clock, logger, m.cfg.Signals.Retention)
		m.retention.Start(context.WithoutCancel(ctx))
	}
	m.escalation, err = escalation.New(svc.Runner, m.env.Pool, svc.Calendars, svc.Positions, m.cfg.Policy, m.cfg.Clock, logger, m.registry)
	if err != nil {
		return err
	}
	if m.cfg.Signals.Escalation != nil {
		m.escalation.Notify(m.cfg.Signals.Escalation)
	}
	m.escalation.Start(context.WithoutCancel(ctx))
	m.network = netsvc.NewProcess(svc.Network, svc.Positions, m.cfg.Clock, logger)
	m.network.Notify(m.cfg.Signals.Network)
	m.network.Start(context.WithoutCancel(ctx))
	m.reports = reports.NewProcess(svc.Reports, m.cfg.TrendHour, m.cfg.Clock, logger)
	m.reports.Notify(m.cfg.Signals.Reports)
	m.reports.Start(context.WithoutCancel(ctx))
	checks := []httpapi.Check{
		{Name: "nats", Check: func(ctx context.Context) error {
			if m.env.NC.Status() != nats.CONNECTED {
				return fmt.Errorf("NATS connection is %s", m.env.NC.Status())
			}
			_, err := m.env.Log.LastSeq(ctx)
			return err
		}},
		{Name: "postgres", Check: m.env.Pool.Ping},
		{Name: "archiver", Check: m.archiver.Ready},
	}
	catalog, err := locale.New(m.cfg.TimeZone)
	if err != nil {
		return err
	}
	api := httpapi.New(httpapi.Deps{
		Cases: svc.Cases, Board: svc.Board, Registry: svc.Registry, Calendars: svc.Calendars, Taxonomies: svc.Taxonomies,
		Trail: svc.Trail, Accounts: svc.Accounts, Tokens: svc.Tokens, Catalog: catalog, Network: svc.Network, Reports: svc.Reports, Ratings: svc.Ratings,
		Checks: checks, Gatherer: m.registry, Logger: logger, Clock: m.cfg.Clock,
		Feeds: feeds.New(feeds.Deps{Pool: m.env.Pool, Cases: svc.Cases, Taxonomies: svc.Taxonomies, Trail: svc.Trail, Clock: m.cfg.Clock, Zone: m.cfg.TimeZone}),
	})
	pages, err := web.New(web.Deps{
		Cases: svc.Cases, Board: svc.Board, Network: svc.Network, Ratings: svc.Ratings, Registry: svc.Registry, Calendars: svc.Calendars, Taxonomies: svc.Taxonomies,
		Reports: svc.Reports, Accounts: svc.Accounts, Tokens: svc.Tokens, Positions: svc.Positions, Pool: m.env.Pool, Catalog: catalog,
		Logger: logger, Clock: m.cfg.Clock,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", m.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.cfg.Addr, err)
	}
	m.URL = "http://" + ln.Addr().String()
	m.http = &http.Server{
		Handler:           m.drain.gate(httpapi.WithOpenInterfaces(api.Handler(), web.Mount(api.Handler(), pages.Handler()))),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	m.http.RegisterOnShutdown(pages.Shutdown)
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(ln) }()
	return nil
}

// Done reports an HTTP server that stopped on its own.
func (m *Main) Done() <-chan error { return m.served }

// Close stops everything in order.
func (m *Main) Close() {
	if m.http != nil {
		m.drain.start(m.cfg.ShutdownGrace, m.cfg.Logger)
		// The longest request (requestTimeout) ends before the rest stops.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		if err := m.http.Shutdown(ctx); err != nil {
			m.cfg.Logger.Warn("HTTP shutdown", "err", err)
		}
		cancel()
	}
	if m.escalation != nil {
		m.escalation.Stop()
	}
	if m.network != nil {
		m.network.Stop()
	}
	if m.reports != nil {
		m.reports.Stop()
	}
	if m.retention != nil {
		m.retention.Stop()
	}
	for _, r := range m.runners {
		r.Stop()
	}
	if m.archiver != nil {
		m.archiver.Stop()
	}
	if m.services != nil {
		m.services.Close()
	}
	if m.env != nil {
		m.env.Close()
	}
}

// Now reads the server's clock.
func (m *Main) Now() time.Time { return m.cfg.Clock() }

// Env exposes the open connections (for tests and tools).
func (m *Main) Env() *Env { return m.env }

// adminTokenFile is where development keeps its admin token.
const adminTokenFile = "admin-token"

// RotateDevAdminToken revokes the development admin token kept in the data
// directory (if it still works) and writes a new one there; both changes
// are in the audit trail. It returns the new token.
func RotateDevAdminToken(ctx context.Context, svc *Services, dataDir string) (string, error) {
	const tool = "watchpost token rotate-admin"
	from := auditlog.Origin{Remote: "command line"}
	path := filepath.Join(dataDir, adminTokenFile)
	if b, err := os.ReadFile(path); err == nil {
		if p, err := svc.Tokens.Authenticate(ctx, strings.TrimSpace(string(b))); err == nil {
			if err := svc.Accounts.Revoke(ctx, access.Tool(tool), from, p.TokenID); err != nil {
				return "", err
			}
		}
	}
	token, _, err := svc.Accounts.Create(ctx, access.Tool(tool), from, auth.Spec{Role: auth.RoleAdmin, Name: "development admin"})
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("save the admin token: %w", err)
	}
	return token, nil
}

// devAdminToken returns the development admin token kept in the data
// directory, creating it on first start or when it no longer works.
func devAdminToken(ctx context.Context, tokens *auth.Tokens, trail *auditlog.Trail, dataDir string) (string, error) {
	path := filepath.Join(dataDir, adminTokenFile)
	if b, err := os.ReadFile(path); err == nil {
		token := strings.TrimSpace(string(b))
		if _, err := tokens.Authenticate(ctx, token); err == nil {
			return token, nil
		} else if !errors.Is(err, auth.ErrUnauthenticated) {
			return "", err
		}
	}
	token, p, err := tokens.Create(ctx, auth.Spec{Role: auth.RoleAdmin, Name: "development admin", CreatedBy: "watchpost serve"})
	if err != nil {
		return "", err
	}
	if err := trail.Record(ctx, audit.Recorded{Action: audit.ActionTokenCreated, Actor: "watchpost serve", ActorRole: "system",
		Subject: p.TokenID, Reason: "development admin token"}); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("save the admin token: %w", err)
	}
	return token, nil
}
