// Package feeds is Watchpost's open interfaces for other systems: Open311
// GeoReport v2, through which the city's apps and portals file complaints
// and follow them, and each department's calendar feed of its open
// deadlines. The HTTP shapes are in cmd/internal/httpapi (open311.go,
// ical.go); this package decides and reads.
package feeds

import (
	"embed"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/registry"
	"github.com/watchpost/watchpost/eventstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the feed token table.
func Migrations() eventstore.MigrationSet { return eventstore.EmbeddedMigrations("feeds", migrations) }

// Deps are what the interfaces work with.
type Deps struct {
	Pool       *pgxpool.Pool
	Cases      *cases.Service
	Taxonomies *registry.Taxonomies
	Trail      *auditlog.Trail
	Clock      func() time.Time
	Zone       *time.Location // the service's zone, in which dates are written
}

// Service serves the open interfaces.
type Service struct {
	d Deps
}

// New returns the service.
func New(d Deps) *Service { return &Service{d: d} }
