// Package app assembles Watchpost: it opens the log and the database
// (embedded ones in development), and runs the server's parts in order.
package app

import (
	"log/slog"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/escalation"
	netsvc "github.com/watchpost/watchpost/cmd/internal/network"
	"github.com/watchpost/watchpost/cmd/internal/reports"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/domain/network"
)

// Config is everything the binary can be told. It is filled in cmd/ from
// flags and the environment.
type Config struct {
	Addr        string // HTTP listen address
	DataDir     string // development data (embedded NATS and PostgreSQL, dev admin token)
	NATSURL     string // external NATS; empty: embedded
	DatabaseURL string // external PostgreSQL; empty: private cluster under DataDir
	Replicas    int    // JetStream stream replicas (3 on a cluster)
	TimeZone    *time.Location
	Policy      deadline.Policy // days per clock and the escalation ladder
	Network     network.Policy  // the monitoring network: report due day, pairing, flags (zero: the defaults)
	// MasterKey (base64) or MasterKeyFile wraps the per-case keys that seal
	// personal data; in development a key is made in DataDir.
	MasterKey     string
	MasterKeyFile string
	// RetentionYears after closure, a case's personal data is destroyed
	// (0: kept).
	RetentionYears int
	// TrendHour is the hour of the day (0-23, in TimeZone) at which the
	// trend detectors run on the day before; PDFFont is the TrueType font
	// of the special reports' PDFs (empty: reports.DefaultFont).
	TrendHour int
	PDFFont   string
	// ShutdownGrace is how long a server that is shutting down answers
	// /readyz 503 while still serving, before it stops accepting.
	ShutdownGrace time.Duration
	Logger        *slog.Logger
	Clock         func() time.Time
	// Signals, when set, hear what the background processes did: tests
	// wait on them instead of sleeping.
	Signals Signals
}

// Signals are the channels the background processes report on. A report
// that does not fit a channel's buffer is dropped: a process never waits
// for its listener.
type Signals struct {
	Escalation chan<- escalation.Stepped // each step of the escalation process
	Retention  chan<- Swept              // each sweep of the retention rule
	Network    chan<- netsvc.Swept       // each step of the network's overdue and flag process
	Reports    chan<- reports.Ran        // each step of the report process: daily runs, supervision, overdue follow-ups
}

// DefaultClock is the wall clock at the precision the archive keeps.
func DefaultClock() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
