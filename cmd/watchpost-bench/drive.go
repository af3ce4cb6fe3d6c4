package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// drive runs users workers for d, each calling step with its number and a
// count of its own until d has passed or a step fails; it returns the
// steps done per second and in all, and the first failure.
func drive(ctx context.Context, users int, d time.Duration, step func(worker, i int) error) (perSec float64, done int, err error) {
	var (
		n        atomic.Int64
		wg       sync.WaitGroup
		firstErr atomic.Value
	)
	start := time.Now()
	for w := range users {
		wg.Go(func() {
			for i := 0; time.Since(start) < d && ctx.Err() == nil; i++ {
				if err := step(w, i); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, 0, err
	}
	return float64(n.Load()) / time.Since(start).Seconds(), int(n.Load()), nil
}
