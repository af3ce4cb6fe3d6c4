package eventstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

// TestDatabaseErrors: an error that says PostgreSQL went away or cannot be
// reached becomes ErrUnavailable (the client is told to try again); one the
// server gives about the query itself does not.
func TestDatabaseErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testenv.Postgres(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)

	_, refused := conn.Exec(ctx, `SELECT no_such_column FROM no_such_table`)
	var pid uint32
	if err := conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	_, terminated := conn.Exec(ctx, `SELECT 1`)
	_, closed := conn.Exec(ctx, `SELECT 1`)
	_, unreachable := pgx.Connect(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	canceledCtx, cancel := context.WithCancel(ctx)
	cancel()
	_, canceled := admin.Exec(canceledCtx, `SELECT pg_sleep(1)`)

	for _, tt := range []struct {
		name        string
		err         error
		unavailable bool
	}{
		{"a query the server refuses", refused, false},
		{"a connection the server terminated", terminated, true},
		{"a connection already closed", closed, true},
		{"a server nobody listens for", unreachable, true},
		{"a query whose caller gave up", canceled, true},
	} {
		if tt.err == nil {
			t.Fatalf("%s: no error to translate", tt.name)
		}
		got := eventstore.Database("test", tt.err)
		if errors.Is(got, eventstore.ErrUnavailable) != tt.unavailable {
			t.Errorf("%s: %v: unavailable %v, want %v", tt.name, got, !tt.unavailable, tt.unavailable)
		}
		if !errors.Is(got, tt.err) {
			t.Errorf("%s: the translation lost the error: %v", tt.name, got)
		}
	}
	if eventstore.Database("test", nil) != nil {
		t.Error("no error became one")
	}
}
