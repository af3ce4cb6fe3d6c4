package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// pgAppendTable is where the second baseline appends: what one would build
// without a log, events in a PostgreSQL table whose unique key on the
// aggregate and its version is the optimistic-concurrency check.
const pgAppendTable = "bench_pg_events"

// pgAppendBaseline appends from users goroutines for d, each to a few
// aggregates of its own, one event per transaction into the server's own
// PostgreSQL (so with its fsync and synchronous_commit settings), on a pool
// of as many connections as users; it returns appends per second and how
// many it made. It does what the raw JetStream baseline does, in
// PostgreSQL: one durable write with a concurrency check, no read, no
// projection, no answer built.
func pgAppendBaseline(ctx context.Context, main *pgxpool.Pool, users int, d time.Duration) (perSec float64, appended int, err error) {
	cfg := main.Config().Copy()
	cfg.MaxConns, cfg.MinConns = int32(users), int32(users)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return 0, 0, err
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+pgAppendTable+` (
		aggregate text NOT NULL, version int NOT NULL, type text NOT NULL, data jsonb NOT NULL,
		recorded_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (aggregate, version))`); err != nil {
		return 0, 0, err
	}
	defer func() { _, _ = main.Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+pgAppendTable) }()
	// About a referral event's size, as the raw baseline's payload.
	payload := `{"departmentId":"dept-bench","note":"` + strings.Repeat("x", 360) + `"}`
	run := time.Now().UnixNano()
	versions := make([]map[int]int, users) // each writer's aggregates' versions
	for w := range versions {
		versions[w] = map[int]int{}
	}
	perSec, appended, err = drive(ctx, users, d, func(w, i int) error {
		agg := i % 5
		if _, err := pool.Exec(ctx, `INSERT INTO `+pgAppendTable+` (aggregate, version, type, data) VALUES ($1, $2, $3, $4)`,
			fmt.Sprintf("case-%d-%d-%d", run, w, agg), versions[w][agg]+1, "CaseReferred", payload); err != nil {
			return err
		}
		versions[w][agg]++
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("PostgreSQL append baseline: %w", err)
	}
	return perSec, appended, nil
}
