package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/cases"
)

// retention destroys the personal data of cases closed more than the
// configured number of years ago, once an hour.
type retention struct {
	cases  *cases.Service
	years  int
	clock  func() time.Time
	logger *slog.Logger
	swept  chan<- Swept

	cancel context.CancelFunc
	done   chan struct{}
}

// Swept is what a sweep of the retention rule did.
type Swept struct {
	Destroyed int // cases whose personal data it destroyed
	Err       error
}

func newRetention(cases *cases.Service, years int, clock func() time.Time, logger *slog.Logger, swept chan<- Swept) *retention {
	return &retention{cases: cases, years: years, clock: clock, logger: logger, swept: swept}
}

func (r *retention) Start(ctx context.Context) {
	ctx, r.cancel = context.WithCancel(ctx)
	r.done = make(chan struct{})
	go func() {
		defer close(r.done)
		for {
			r.sweep(ctx)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Hour):
			}
		}
	}()
}

func (r *retention) sweep(ctx context.Context) {
	before := r.clock().AddDate(-r.years, 0, 0)
	reason := fmt.Sprintf("retention: closed more than %d years ago", r.years)
	var done Swept
	defer func() {
		if r.swept != nil {
			select {
			case r.swept <- done:
			default:
			}
		}
	}()
	for ctx.Err() == nil {
		n, err := r.cases.ShredExpired(ctx, before, reason)
		done.Destroyed += n
		if err != nil {
			r.logger.Warn("retention sweep failed", "err", err)
			done.Err = err
			return
		}
		if n > 0 {
			r.logger.Info("personal data destroyed under the retention rule", "cases", n)
		}
		if n < 500 {
			return
		}
	}
}

func (r *retention) Stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	<-r.done
}
