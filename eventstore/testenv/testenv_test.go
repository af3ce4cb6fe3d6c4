package testenv_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/watchpost/watchpost/eventstore/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// useTable creates the same table name in a fresh database and checks that
// it sees only its own row.
func useTable(t *testing.T, marker string) {
	t.Parallel()
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())

	if _, err := conn.Exec(ctx, "CREATE TABLE items (marker text PRIMARY KEY)"); err != nil {
		t.Fatalf("CREATE TABLE: %v", err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO items VALUES ($1)", marker); err != nil {
		t.Fatal(err)
	}
	var db string
	var markers []string
	if err := conn.QueryRow(ctx, "SELECT current_database(), array_agg(marker) FROM items").Scan(&db, &markers); err != nil {
		t.Fatal(err)
	}
	if len(markers) != 1 || markers[0] != marker {
		t.Errorf("database %s: items holds %q, want only [%s]", db, markers, marker)
	}
	t.Logf("database %s", db)
}

func TestParallelDatabasesA(t *testing.T) { useTable(t, "a") }
func TestParallelDatabasesB(t *testing.T) { useTable(t, "b") }

func TestDatabaseDroppedAfterTest(t *testing.T) {
	t.Parallel()
	var url string
	var leftOpen *pgx.Conn
	t.Run("inner", func(t *testing.T) {
		url = testenv.Postgres(t)
		var err error
		// Left open until the database is dropped: the drop must not wait for it.
		if leftOpen, err = pgx.Connect(t.Context(), url); err != nil {
			t.Fatal(err)
		}
	})
	if leftOpen != nil {
		defer leftOpen.Close(context.Background())
	}
	_, err := pgx.Connect(t.Context(), url)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		t.Fatalf("connecting after the test ended: %v; want database does not exist", err)
	}
}
