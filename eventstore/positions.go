package eventstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Positions follows how far the archive (and with it the inline
// projections) has come, so a command can answer once its events are
// visible to queries. It listens to the archiver's notifications, from
// whichever replica archives, and polls as a fallback.
type Positions struct {
	pool   *pgxpool.Pool
	logger *slog.Logger
	poll   time.Duration

	mu      sync.Mutex
	seq     uint64
	changed chan struct{}

	cancel context.CancelFunc
	done   chan struct{}
}

// NewPositions prepares a follower; Start runs it.
func NewPositions(pool *pgxpool.Pool, logger *slog.Logger) *Positions {
	return &Positions{pool: pool, logger: logger, poll: 200 * time.Millisecond, changed: make(chan struct{})}
}

// Start follows the archive in the background until Stop.
func (p *Positions) Start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		for ctx.Err() == nil {
			if err := p.listen(ctx); err != nil && ctx.Err() == nil {
				p.logger.Warn("archive position listener interrupted", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}
	}()
}

// Stop ends the follower.
func (p *Positions) Stop() {
	if p.cancel == nil {
		return
	}
	p.cancel()
	<-p.done
}

func (p *Positions) listen(ctx context.Context) error {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+NotifyChannel); err != nil {
		return err
	}
	defer func() {
		// Leave the pooled connection as it was found.
		uctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, "UNLISTEN *"); err != nil {
			conn.Conn().Close(uctx)
		}
	}()
	for {
		var seq int64
		if err := conn.QueryRow(ctx, `SELECT seq FROM archive_state`).Scan(&seq); err != nil {
			return err
		}
		p.advance(uint64(seq))
		wctx, cancel := context.WithTimeout(ctx, p.poll)
		n, err := conn.Conn().WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if s, perr := strconv.ParseUint(n.Payload, 10, 64); perr == nil {
				p.advance(s)
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			// poll again
		default:
			return err
		}
	}
}

func (p *Positions) advance(seq uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if seq > p.seq {
		p.seq = seq
		close(p.changed)
		p.changed = make(chan struct{})
	}
}

// Current is the highest archived sequence seen.
func (p *Positions) Current() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seq
}

// Wait blocks until the archive holds seq, or ctx ends (ErrNotProjected).
func (p *Positions) Wait(ctx context.Context, seq uint64) error {
	for {
		p.mu.Lock()
		cur, ch := p.seq, p.changed
		p.mu.Unlock()
		if cur >= seq {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("%w: waiting for sequence %d, archive at %d: %w", ErrNotProjected, seq, cur, ctx.Err())
		}
	}
}
