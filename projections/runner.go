package projections

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
