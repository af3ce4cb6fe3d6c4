// Package projections builds Watchpost's read models from the event archive.
// Inline projections are applied by the archiver in its own transaction, so
// they are always exactly as far as the archive; asynchronous ones follow
// the archive on their own checkpoints. Every read model lives in the
// PostgreSQL schema "proj" and can be rebuilt from the archive.
package projections

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/eventstore"
)

// Schema is the PostgreSQL schema of the live read models. Queries name it;
// projections write to unqualified tables, resolved through the search path
// that the runner sets (the live schema, or a rebuild's).
const Schema = "proj"

// rebuildSchema is where a rebuild builds fresh tables.
const rebuildSchema = "proj_rebuild"

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the read models' tables.
func Migrations() eventstore.MigrationSet {
	return eventstore.EmbeddedMigrations("projections", migrations)
}

// Projection folds events into tables. Apply is given the events in stream
// order and must be a pure function of them (no clock, no randomness), so a
// rebuild produces the same rows.
type Projection interface {
	Name() string
	Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error
}

// Set is every projection of the service.
type Set struct {
	Inline []Projection // applied in the archiver's transaction
	Async  []Projection // applied by runners on their own checkpoints
}

// InlineProjector adapts the inline projections for the archiver: they write
// to the live schema.
func (s Set) InlineProjector() eventstore.Projector {
	return schemaProjector{schema: Schema, projections: s.Inline}
}

// schemaProjector applies projections with the search path on one schema.
type schemaProjector struct {
	schema      string
	projections []Projection
}

func (p schemaProjector) Name() string { return "inline" }

func (p schemaProjector) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	if len(p.projections) == 0 {
		return nil
	}
	if err := holdWriteLock(ctx, tx); err != nil {
		return err
	}
	if err := setSearchPath(ctx, tx, p.schema); err != nil {
		return err
	}
	for _, pr := range p.projections {
		if err := pr.Apply(ctx, tx, events); err != nil {
			return fmt.Errorf("%s: %w", pr.Name(), err)
		}
	}
	return nil
}

// setSearchPath points the transaction's unqualified names at schema, then
// at public (the archive).
func setSearchPath(ctx context.Context, tx pgx.Tx, schema string) error {
	_, err := tx.Exec(ctx, `SELECT set_config('search_path', $1, true)`,
		pgx.Identifier{schema}.Sanitize()+", public")
	return err
}
