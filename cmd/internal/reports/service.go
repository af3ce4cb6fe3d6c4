// Package reports is the application service of the trend findings and
// the special reports to city leaders (专报, DESIGN §4): it runs the
// detectors of domain/trend over the trend counts and keeps one finding
// per cell and kind (domain/finding), carries a report from a supervisor's
// draft to the leaders and a leader's instruction (批示) back to the cases
// behind it (domain/report), and draws the report as a PDF. Each method
// takes the caller's principal and asks domain/access first; departments
// and monitoring points reach none of it.
package reports

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/cmd/internal/locale"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/report"
	"github.com/watchpost/watchpost/domain/trend"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// DefaultFont is Debian's fonts-droid-fallback, a TrueType font with the
// Chinese characters the PDF of a report needs.
const DefaultFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// Deps are what the service works with.
type Deps struct {
	Run       *command.Runner
	Pool      *pgxpool.Pool
	Positions *eventstore.Positions
	// Cases orders supervision on the cases behind a report, as the
	// system acting on a leader's instruction.
	Cases *cases.Service
	// Tokens names the leaders a report is issued to and the supervisors
	// a follow-up is assigned to.
	Tokens *auth.Tokens
	// Calendar is the working-day calendar in force (a follow-up's due
	// date).
	Calendar func(ctx context.Context) (projections.LoadedCalendar, error)
	// ActiveDepartment refuses a department that is not in the register or
	// not active, naming the field.
	ActiveDepartment func(ctx context.Context, field, id string) error
	// Taxonomy names the issue types and categories in the PDF.
	Taxonomy func(ctx context.Context) (complaint.Taxonomy, error)
	// Trend is the detectors' configuration (trend.DefaultConfig when
	// zero).
	Trend *trend.Config
	// Zone is the service's time zone: days are counted in it.
	Zone *time.Location
	// Font is the TrueType font of the PDFs (DefaultFont when empty).
	Font   string
	Clock  func() time.Time
	Logger *slog.Logger
}

// Service runs the detectors and the special reports.
type Service struct {
	d       Deps
	det     *trend.Detector
	cfg     trend.Config
	catalog *locale.Catalog

	// runMu lets one detector run at a time in this process; an advisory
	// lock does the same across replicas.
	runMu       sync.Mutex
	runDuration *prometheus.HistogramVec

	fontOnce sync.Once
	font     []byte
	fontErr  error
}

// New returns the service. reg receives its metrics (nil: none).
func New(d Deps, reg prometheus.Registerer) (*Service, error) {
	cfg := trend.DefaultConfig()
	if d.Trend != nil {
		cfg = *d.Trend
	}
	det, err := trend.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	if d.Font == "" {
		d.Font = DefaultFont
	}
	if d.Zone == nil {
		d.Zone = time.UTC
	}
	catalog, err := locale.New(d.Zone)
	if err != nil {
		return nil, err
	}
	s := &Service{d: d, det: det, cfg: cfg, catalog: catalog,
		runDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "watchpost_trend_run_duration_seconds",
			Help:    "Time a run of the trend detectors took, by what started it (daily, on_demand).",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120},
		}, []string{"trigger"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{s.runDuration, gauges{s: s}} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("reports: register metrics: %w", err)
			}
		}
	}
	return s, nil
}

// today is the day of an instant in the service's zone.
func (s *Service) dayOf(t time.Time) trend.Date { return trend.DateOf(t.In(s.d.Zone).Date()) }

// system is the metadata of a command the service takes on its own
// account: a detector run, or an instruction carried out.
func system(commandID, causation, correlation string) eventstore.Metadata {
	return eventstore.Metadata{Actor: "system", ActorRole: "system", CommandID: commandID, CausationID: causation, CorrelationID: correlation}
}

// execFinding decides a command on one finding.
func (s *Service) execFinding(ctx context.Context, name, id string, meta eventstore.Metadata,
	decide func(f *finding.Finding, now time.Time) ([]finding.Event, error)) (eventstore.Result, error) {
	return s.d.Run.Execute(ctx, name, finding.AggregateType, id, meta, func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
		f := &finding.Finding{}
		if err := command.Fold(history, finding.Decode, f.Apply); err != nil {
			return nil, err
		}
		events, err := decide(f, now)
		if err != nil {
			return nil, err
		}
		return command.Encode(events, finding.SchemaVersion, now)
	})
}

// execReport decides a command on one report.
func (s *Service) execReport(ctx context.Context, name, id string, meta eventstore.Metadata,
	decide func(r *report.State, now time.Time) ([]report.Event, error)) (eventstore.Result, error) {
	if !eventstore.ValidToken(id) {
		return eventstore.Result{}, domain.NotFound("id", "no special report %s", id)
	}
	return s.d.Run.Execute(ctx, name, report.AggregateType, id, meta, func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
		r := &report.State{}
		if err := command.Fold(history, report.Decode, r.Apply); err != nil {
			return nil, err
		}
		events, err := decide(r, now)
		if err != nil {
			return nil, err
		}
		return command.Encode(events, report.SchemaVersion, now)
	})
}

// settle waits until the read models hold seq. The log has confirmed the
// command by then: a failure now is answered as stored (HTTP 202), never as
// an error that would have the client think the command failed.
func (s *Service) settle(ctx context.Context, id string, seq uint64) error {
	if err := s.d.Run.Settle(ctx, seq); err != nil {
		return &cases.Stored{ID: id, Position: seq}
	}
	return nil
}

// stored reports whether err is the answer of a command that is in the
// log but not yet in the read models.
func stored(err error) bool { return errors.Is(err, eventstore.ErrNotProjected) }
