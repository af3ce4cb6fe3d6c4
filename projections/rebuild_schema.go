package projections

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/eventstore"
)

// QueryIndexer is implemented by a projection whose tables have indexes
// that only the queries use, never its Apply. A rebuild builds those once,
// after the replay, instead of keeping them up to date row by row.
type QueryIndexer interface {
	QueryIndexes() []string
}

// queryIndexes names the set's query-only indexes.
func queryIndexes(set Set) map[string]bool {
	out := map[string]bool{}
	for _, m := range members(set) {
		if q, ok := m.p.(QueryIndexer); ok {
			for _, name := range q.QueryIndexes() {
				out[name] = true
			}
		}
	}
	return out
}

// liveIndex is an index of a live table, with the constraint it backs.
type liveIndex struct {
	table, name, def       string
	constraint, constraDef string
}

// liveIndexes lists the indexes of the live read-model tables.
func liveIndexes(ctx context.Context, q eventstore.Querier) ([]liveIndex, error) {
	rows, err := q.Query(ctx, `SELECT t.relname, i.relname, pg_get_indexdef(i.oid),
			coalesce(c.conname, ''), coalesce(pg_get_constraintdef(c.oid), '')
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x')
		WHERE n.nspname = $1
		ORDER BY t.relname, i.relname`, Schema)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (liveIndex, error) {
		var ix liveIndex
		err := r.Scan(&ix.table, &ix.name, &ix.def, &ix.constraint, &ix.constraDef)
		return ix, err
	})
}

// createRebuildSchema makes empty twins of the live tables, with their
// constraints and the indexes the replay uses, each named as its live
// twin. It returns the statements that build the query-only indexes.
func createRebuildSchema(ctx context.Context, pool *pgxpool.Pool, tables []string, queryOnly map[string]bool) ([]string, error) {
	var later []string
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DROP SCHEMA IF EXISTS `+rebuildSchema+` CASCADE`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE SCHEMA `+rebuildSchema); err != nil {
			return err
		}
		for _, t := range tables {
			live := pgx.Identifier{Schema, t}.Sanitize()
			fresh := pgx.Identifier{rebuildSchema, t}.Sanitize()
			if _, err := tx.Exec(ctx, `CREATE TABLE `+fresh+` (LIKE `+live+` INCLUDING ALL EXCLUDING INDEXES)`); err != nil {
				return fmt.Errorf("projections: create %s: %w", fresh, err)
			}
		}
		indexes, err := liveIndexes(ctx, tx)
		if err != nil {
			return fmt.Errorf("projections: list indexes: %w", err)
		}
		for _, ix := range indexes {
			fresh := pgx.Identifier{rebuildSchema, ix.table}.Sanitize()
			var stmt string
			switch {
			case ix.constraint != "":
				stmt = `ALTER TABLE ` + fresh + ` ADD CONSTRAINT ` + pgx.Identifier{ix.constraint}.Sanitize() + ` ` + ix.constraDef
			default:
				// The definition names the live table, qualified.
				on := " ON " + Schema + "."
				if !strings.Contains(ix.def, on) {
					return fmt.Errorf("projections: index %s: unexpected definition %q", ix.name, ix.def)
				}
				stmt = strings.Replace(ix.def, on, " ON "+rebuildSchema+".", 1)
			}
			if ix.constraint == "" && queryOnly[ix.name] {
				later = append(later, stmt)
				continue
			}
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("projections: %s: %w", stmt, err)
			}
		}
		return nil
	})
	return later, err
}

// indexBuilders is how many query-only indexes are built at once.
const indexBuilders = 2

// buildIndexes runs the statements that build the query-only indexes of
// the rebuilt tables, a few side by side.
func buildIndexes(ctx context.Context, pool *pgxpool.Pool, stmts []string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan string)
	var wg sync.WaitGroup
	for range indexBuilders {
		wg.Go(func() {
			for stmt := range work {
				if ctx.Err() != nil {
					continue
				}
				if _, err := pool.Exec(ctx, stmt); err != nil {
					cancel(fmt.Errorf("projections: %s: %w", stmt, err))
				}
			}
		})
	}
	for _, stmt := range stmts {
		work <- stmt
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return eventstore.Database("projections: rebuild indexes", err)
	}
	return nil
}
