package projections

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/watchpost/watchpost/eventstore"
)

// writeLock is an advisory lock key: every transaction that writes read
// models holds it shared, and a rebuild that swaps tables holds it
// exclusively, so nothing writes into tables that are being swapped out.
const writeLock = 0x77617463_6870726a // "watchprj"

func holdWriteLock(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, int64(writeLock))
	return err
}

// Runner applies one asynchronous projection, following the archive on its
// own checkpoint. Several replicas may run the same projection: the
// checkpoint row lock makes them take turns, so each event is applied once.
type Runner struct {
	pool       *pgxpool.Pool
	projection Projection
	positions  *eventstore.Positions
	logger     *slog.Logger
	batch      int

	cancel context.CancelFunc
	done   chan struct{}
}

// NewRunner prepares a runner; Start runs it.
func NewRunner(pool *pgxpool.Pool, p Projection, positions *eventstore.Positions, logger *slog.Logger) *Runner {
	return &Runner{pool: pool, projection: p, positions: positions, logger: logger, batch: 1000}
}

// Start runs the projection in the background until Stop.
func (r *Runner) Start(ctx context.Context) {
	ctx, r.cancel = context.WithCancel(ctx)
	r.done = make(chan struct{})
	go func() {
		defer close(r.done)
		r.run(ctx)
	}()
}

// Stop ends the runner after its current batch.
func (r *Runner) Stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	<-r.done
}

func (r *Runner) run(ctx context.Context) {
	for ctx.Err() == nil {
		at, n, err := r.step(ctx)
		if err != nil {
			if ctx.Err() == nil {
				r.logger.Error("projection failed; retrying", "projection", r.projection.Name(), "err", err)
				sleep(ctx, 2*time.Second)
			}
			continue
		}
		if n < r.batch {
			wctx, cancel := context.WithTimeout(ctx, time.Second)
			_ = r.positions.Wait(wctx, at+1) // a timeout just means: look again
			cancel()
		}
	}
}

// step applies the next batch; it returns the checkpoint and how many
// events it applied.
func (r *Runner) step(ctx context.Context) (at uint64, n int, err error) {
	err = pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if err := holdWriteLock(ctx, tx); err != nil {
			return err
		}
		if err := setSearchPath(ctx, tx, Schema); err != nil {
			return err
		}
		cp, err := lockCheckpoint(ctx, tx, r.projection.Name())
		if err != nil {
			return err
		}
		events, err := eventstore.ReadArchive(ctx, tx, cp, 0, r.batch)
		if err != nil {
			return err
		}
		at, n = cp, len(events)
		if n == 0 {
			return nil
		}
		if err := r.projection.Apply(ctx, tx, events); err != nil {
			return fmt.Errorf("%s: %w", r.projection.Name(), err)
		}
		at = events[n-1].Seq
		return saveCheckpoint(ctx, tx, r.projection.Name(), at)
	})
	return at, n, err
}

// lockCheckpoint reads (creating if needed) and locks a projection's
// checkpoint in the schema on the search path.
func lockCheckpoint(ctx context.Context, tx pgx.Tx, name string) (uint64, error) {
	if _, err := tx.Exec(ctx, `INSERT INTO checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING`, name); err != nil {
		return 0, err
	}
	var seq int64
	if err := tx.QueryRow(ctx, `SELECT seq FROM checkpoints WHERE name = $1 FOR UPDATE`, name).Scan(&seq); err != nil {
		return 0, err
	}
	return uint64(seq), nil
}

func saveCheckpoint(ctx context.Context, tx pgx.Tx, name string, seq uint64) error {
	_, err := tx.Exec(ctx, `UPDATE checkpoints SET seq = $2 WHERE name = $1`, name, int64(seq))
	return err
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// LagCollector exports, at scrape time, how far each asynchronous
// projection is behind the archive: in events (the archive position minus
// the projection's checkpoint) and as the age of the oldest archived event
// it has not applied yet. Read from the database, so it is the same on
// every replica whichever of them applied the last batch.
func LagCollector(pool *pgxpool.Pool, projections ...Projection) prometheus.Collector {
	c := lagCollector{pool: pool,
		events:  prometheus.NewDesc("watchpost_projection_lag_events", "Archived events an asynchronous projection has not applied yet.", []string{"projection"}, nil),
		seconds: prometheus.NewDesc("watchpost_projection_lag_seconds", "Age of the oldest archived event an asynchronous projection has not applied yet.", []string{"projection"}, nil),
	}
	for _, p := range projections {
		c.names = append(c.names, p.Name())
	}
	return c
}

type lagCollector struct {
	pool            *pgxpool.Pool
	names           []string
	events, seconds *prometheus.Desc
}

func (c lagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.events
	ch <- c.seconds
}

func (c lagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, name := range c.names {
		var (
			archived, applied int64
			oldest            *time.Time
		)
		err := c.pool.QueryRow(ctx, `SELECT a.seq, coalesce(c.seq, 0), e.recorded_at
			FROM public.archive_state a
			LEFT JOIN `+Schema+`.checkpoints c ON c.name = $1
			LEFT JOIN public.events e ON e.seq = coalesce(c.seq, 0) + 1 AND e.seq <= a.seq`, name).Scan(&archived, &applied, &oldest)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(c.events, err)
			continue
		}
		age := 0.0
		if oldest != nil {
			age = max(time.Since(*oldest).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(c.events, prometheus.GaugeValue, float64(max(archived-applied, 0)), name)
		ch <- prometheus.MustNewConstMetric(c.seconds, prometheus.GaugeValue, age, name)
	}
}
