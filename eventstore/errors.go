package eventstore

import "errors"

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
