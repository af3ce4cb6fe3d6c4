package eventstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var archiveMigrations embed.FS

// MigrationSet is a named, ordered set of SQL migrations: files named
// NNNN_description.sql in FS, applied in number order.
type MigrationSet struct {
	Name string
	FS   fs.FS
}

// ArchiveMigrations are the archive's own tables.
func ArchiveMigrations() MigrationSet { return EmbeddedMigrations("archive", archiveMigrations) }

// EmbeddedMigrations is a set whose files a package embeds under
// "migrations/".
func EmbeddedMigrations(name string, files embed.FS) MigrationSet {
	sub, err := fs.Sub(files, "migrations")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	return MigrationSet{Name: name, FS: sub}
}

// migrationLock is the advisory lock key that serialises migrations, so two
// replicas starting together apply each migration once.
const migrationLock = 0x77617463_68706f73 // "watchpos"

// Migrate applies the sets' pending migrations in one transaction, under an
// advisory lock. It returns the names of the migrations it applied.
func Migrate(ctx context.Context, pool *pgxpool.Pool, sets ...MigrationSet) ([]string, error) {
	var applied []string
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			set_name   text NOT NULL,
			version    integer NOT NULL,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (set_name, version))`); err != nil {
			return err
		}
		for _, set := range sets {
			names, err := migrationFiles(set)
			if err != nil {
				return err
			}
			for _, name := range names {
				version, _ := strconv.Atoi(name[:strings.IndexByte(name, '_')])
				var done bool
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE set_name = $1 AND version = $2)`,
					set.Name, version).Scan(&done); err != nil {
					return err
				}
				if done {
					continue
				}
				sql, err := fs.ReadFile(set.FS, name)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, string(sql)); err != nil {
					return fmt.Errorf("migration %s/%s: %w", set.Name, name, err)
				}
				if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (set_name, version, name) VALUES ($1, $2, $3)`,
					set.Name, version, name); err != nil {
					return err
				}
				applied = append(applied, set.Name+"/"+name)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("eventstore: migrate: %w", err)
	}
	return applied, nil
}

// migrationFiles lists a set's migration files in version order, refusing
// badly named or duplicate versions.
func migrationFiles(set MigrationSet) ([]string, error) {
	entries, err := fs.ReadDir(set.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("migration set %s: %w", set.Name, err)
	}
	type file struct {
		version int
		name    string
	}
	var files []file
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".sql" {
			continue
		}
		i := strings.IndexByte(name, '_')
		v, err := strconv.Atoi(name[:max(i, 0)])
		if i <= 0 || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration set %s: %q is not named NNNN_description.sql", set.Name, name)
		}
		files = append(files, file{v, name})
	}
	slices.SortFunc(files, func(a, b file) int { return a.version - b.version })
	names := make([]string, len(files))
	for i, f := range files {
		if i > 0 && files[i-1].version == f.version {
			return nil, fmt.Errorf("migration set %s: version %d used twice", set.Name, f.version)
		}
		names[i] = f.name
	}
	return names, nil
}
