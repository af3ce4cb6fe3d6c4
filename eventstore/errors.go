package eventstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

var (
	// ErrConflict: the aggregate moved on since it was read (optimistic
	// concurrency). Reload and decide again.
	ErrConflict = errors.New("eventstore: aggregate changed concurrently")
	// ErrUnknownOutcome: the log did not answer in time, so the append may or
	// may not have been stored. Resending the same command (same id) is safe.
	ErrUnknownOutcome = errors.New("eventstore: append outcome unknown")
	// ErrUnavailable: a dependency (NATS, PostgreSQL) cannot be reached.
	ErrUnavailable = errors.New("eventstore: event log unavailable")
	// ErrNotProjected: the event was stored but the read models did not catch
	// up in time; the next read may not see it yet.
	ErrNotProjected = errors.New("eventstore: not projected yet")
)

// Database translates an error of PostgreSQL where it is met (the adapter):
// one that says the database cannot be reached or went away (the
// connection refused, lost or timed out, the server shutting down,
// starting up or out of connections) becomes ErrUnavailable, so the caller
// answers "try again" rather than "internal error"; any other error (a
// query the server refused for what it says) is wrapped as it is. op names
// what was being done.
func Database(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrUnavailable) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if unreachable(err) {
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// unreachable reports whether err says PostgreSQL cannot be reached.
func unreachable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08 is a connection exception; 57P01-57P04 are the server
		// shutting down, crashing, starting up or the database going;
		// 53300 is too many connections.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P") || pgErr.Code == "53300"
	}
	var (
		connect *pgconn.ConnectError
		netErr  net.Error
	)
	switch {
	case errors.As(err, &connect), errors.As(err, &netErr), pgconn.Timeout(err), pgconn.SafeToRetry(err),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	// pgx's own words for a connection or pool it closed.
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "closed pool") || strings.Contains(msg, "conn busy")
}
