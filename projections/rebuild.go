package projections

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/eventstore"
)

// rebuildBatch is how many archived events a rebuild applies per
// transaction unless told otherwise.
const rebuildBatch = 20000

// RebuildOptions choose what a rebuild does with its result.
type RebuildOptions struct {
	Swap  bool // replace the live tables with the rebuilt ones
	Keep  bool // keep the rebuilt tables in schema proj_rebuild for inspection
	Batch int  // events per transaction; default 20,000
}

// Report is the outcome of a rebuild.
type Report struct {
	Position uint64        // the archive position the comparison was made at
	Events   int           // events replayed
	Elapsed  time.Duration // time spent replaying
	Tables   []TableDiff   // one per read-model table
	Swapped  bool
	// Projections is the time each projection spent applying events, the
	// slowest first. Lanes replay side by side, so these add up to more
	// than Elapsed.
	Projections []ProjectionTime
}

// ProjectionTime is what one projection cost in a rebuild.
type ProjectionTime struct {
	Name   string
	Events int           // events applied to it
	Spent  time.Duration // in its Apply, PostgreSQL's work included
}

// PerSec is the projection's own rate: events applied per second spent.
func (p ProjectionTime) PerSec() float64 {
	if p.Spent <= 0 {
		return 0
	}
	return float64(p.Events) / p.Spent.Seconds()
}

// TableDiff compares a live table with its rebuilt twin.
type TableDiff struct {
	Table         string
	Rows          int      // rows in the rebuilt table
	OnlyLive      int      // rows in the live table and not in the rebuilt one
	OnlyRebuilt   int      // rows in the rebuilt table and not in the live one
	SampleLive    []string // some of those rows, as JSON
	SampleRebuilt []string
}

// Differences counts the rows that differ across all tables.
func (r Report) Differences() int {
	n := 0
	for _, t := range r.Tables {
		n += t.OnlyLive + t.OnlyRebuilt
	}
	return n
}

// Rebuild replays the whole archive into fresh tables and compares them with
// the live ones at one archive position. It runs beside a live archiver:
// for the final catch-up, the comparison and the swap it briefly holds the
// write lock that the archiver and the runners take.
func Rebuild(ctx context.Context, pool *pgxpool.Pool, set Set, opt RebuildOptions) (rep Report, err error) {
	if opt.Batch <= 0 {
		opt.Batch = rebuildBatch
	}
	tables, err := liveTables(ctx, pool)
	if err != nil {
		return rep, err
	}
	later, err := createRebuildSchema(ctx, pool, tables, queryIndexes(set))
	if err != nil {
		return rep, err
	}
	if !opt.Keep && !opt.Swap {
		defer func() {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			_, _ = pool.Exec(dctx, `DROP SCHEMA IF EXISTS `+rebuildSchema+` CASCADE`)
		}()
	}
	start := time.Now()

	// Replay up to where the archive and each asynchronous projection stand
	// now, without holding anything.
	target, err := positions(ctx, pool, set)
	if err != nil {
		return rep, err
	}
	done := replayed{async: map[string]uint64{}}
	spent := spending{}
	defer func() {
		for _, t := range spent {
			rep.Projections = append(rep.Projections, t)
		}
		slices.SortFunc(rep.Projections, func(a, b ProjectionTime) int { return cmp.Compare(b.Spent, a.Spent) })
	}()
	n, err := replayLanes(ctx, pool, set, target, &done, opt.Batch, spent)
	if err != nil {
		return rep, eventstore.Database("projections: rebuild", err)
	}
	rep.Events += n
	if err := buildIndexes(ctx, pool, later); err != nil {
		return rep, err
	}

	// Catch up to the positions at this instant while writers wait, compare,
	// and swap if asked.
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(writeLock)); err != nil {
			return err
		}
		final, err := positions(ctx, tx, set)
		if err != nil {
			return err
		}
		for {
			n, err := replayInto(ctx, tx, set, final, &done, opt.Batch, spent)
			if err != nil {
				return err
			}
			rep.Events += n
			if n == 0 {
				break
			}
		}
		for name, seq := range final.async {
			if _, err := tx.Exec(ctx, `INSERT INTO `+rebuildSchema+`.checkpoints (name, seq) VALUES ($1, $2)
				ON CONFLICT (name) DO UPDATE SET seq = EXCLUDED.seq`, name, int64(seq)); err != nil {
				return err
			}
		}
		rep.Position = final.archive
		rep.Elapsed = time.Since(start)
		for _, t := range tables {
			d, err := compare(ctx, tx, t)
			if err != nil {
				return err
			}
			rep.Tables = append(rep.Tables, d)
		}
		if !opt.Swap {
			return nil
		}
		for _, stmt := range []string{
			`DROP SCHEMA IF EXISTS proj_old CASCADE`,
			`ALTER SCHEMA ` + Schema + ` RENAME TO proj_old`,
			`ALTER SCHEMA ` + rebuildSchema + ` RENAME TO ` + Schema,
		} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("swap: %w", err)
			}
		}
		rep.Swapped = true
		return nil
	})
	if err != nil {
		return rep, eventstore.Database("projections: rebuild", err)
	}
	if rep.Swapped {
		if _, err := pool.Exec(ctx, `DROP SCHEMA proj_old CASCADE`); err != nil {
			return rep, eventstore.Database("projections: drop the replaced tables", err)
		}
	}
	return rep, nil
}

// liveTables lists the read-model tables.
func liveTables(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	rows, err := pool.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`, Schema)
	if err != nil {
		return nil, eventstore.Database("projections: list tables", err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, eventstore.Database("projections: list tables", err)
	}
	return tables, nil
}

// target is how far to replay: the archive for inline projections, each
// checkpoint for asynchronous ones.
type target struct {
	archive uint64
	async   map[string]uint64
}

// replayed is how far a rebuild has come.
type replayed struct {
	archive uint64
	async   map[string]uint64
}

func positions(ctx context.Context, q eventstore.Querier, set Set) (target, error) {
	t := target{async: map[string]uint64{}}
	rows, err := q.Query(ctx, `SELECT seq FROM public.archive_state`)
	if err != nil {
		return t, err
	}
	seq, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[int64])
	if err != nil {
		return t, eventstore.Database("projections: archive position", err)
	}
	t.archive = uint64(seq)
	for _, p := range set.Async {
		rows, err := q.Query(ctx, `SELECT seq FROM `+Schema+`.checkpoints WHERE name = $1`, p.Name())
		if err != nil {
			return t, err
		}
		cps, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return t, err
		}
		if len(cps) == 1 {
			t.async[p.Name()] = uint64(cps[0])
		}
	}
	return t, nil
}

// replayInto applies the next batch of archived events to the rebuilt
// tables, every projection in one transaction (one lane of them all).
func replayInto(ctx context.Context, tx pgx.Tx, set Set, to target, done *replayed, batch int, spent spending) (int, error) {
	if done.archive >= to.archive {
		return 0, nil
	}
	events, err := eventstore.ReadArchive(ctx, tx, done.archive, to.archive, batch)
	if err != nil || len(events) == 0 {
		return 0, err
	}
	if err := (lane{members: members(set)}).apply(ctx, tx, events, to, done.async, spent); err != nil {
		return 0, err
	}
	done.archive = events[len(events)-1].Seq
	return len(events), nil
}

// compare counts and samples the rows that differ between a live table and
// its rebuilt twin.
func compare(ctx context.Context, tx pgx.Tx, table string) (TableDiff, error) {
	d := TableDiff{Table: table}
	live := pgx.Identifier{Schema, table}.Sanitize()
	fresh := pgx.Identifier{rebuildSchema, table}.Sanitize()
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+fresh).Scan(&d.Rows); err != nil {
		return d, fmt.Errorf("projections: count %s: %w", fresh, err)
	}
	var err error
	if d.OnlyLive, d.SampleLive, err = except(ctx, tx, live, fresh); err != nil {
		return d, err
	}
	if d.OnlyRebuilt, d.SampleRebuilt, err = except(ctx, tx, fresh, live); err != nil {
		return d, err
	}
	return d, nil
}

// except counts the rows of a that b lacks and returns up to five of them.
func except(ctx context.Context, tx pgx.Tx, a, b string) (int, []string, error) {
	rows, err := tx.Query(ctx, `SELECT to_jsonb(d)::text, count(*) OVER () FROM
		(SELECT * FROM `+a+` EXCEPT ALL SELECT * FROM `+b+`) d LIMIT 5`)
	if err != nil {
		return 0, nil, fmt.Errorf("projections: compare %s with %s: %w", a, b, err)
	}
	defer rows.Close()
	var (
		n       int
		samples []string
	)
	for rows.Next() {
		var s string
		if err := rows.Scan(&s, &n); err != nil {
			return 0, nil, err
		}
		samples = append(samples, s)
	}
	return n, samples, rows.Err()
}
