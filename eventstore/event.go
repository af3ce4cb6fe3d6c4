// Package eventstore keeps Watchpost's log of record and its archive: every
// domain event is appended to one JetStream stream with optimistic
// concurrency per aggregate, and copied, in stream order, into an
// append-only PostgreSQL table together with the inline projections.
package eventstore

import (
	"encoding/json"
	"time"
)

// Event is one domain event as the log and the archive hold it: the payload
// with its envelope.
type Event struct {
	Seq           uint64          // stream sequence: the global position (0 until appended)
	AggregateType string          // "case", "department", ...
	AggregateID   string          // the aggregate's id
	Version       int             // 1-based position within the aggregate
	Type          string          // event type, e.g. "ComplaintFiled"
	SchemaVersion int             // payload shape version
	ID            string          // event id (UUIDv7)
	Data          json.RawMessage // payload (JSON)
	Meta          Metadata        // who and why
	OccurredAt    time.Time       // when it happened, by the deciding service's clock
	RecordedAt    time.Time       // when the log stored it (stream timestamp)
}

// Metadata says who caused an event and in answer to what.
type Metadata struct {
	Actor         string `json:"actor"`                   // principal id (a token id, "system", ...)
	ActorRole     string `json:"actorRole,omitempty"`     // the principal's role at the time
	CommandID     string `json:"commandId"`               // the command that produced the event
	CorrelationID string `json:"correlationId,omitempty"` // the request or process it belongs to
	CausationID   string `json:"causationId,omitempty"`   // the event or command that caused it
	RequestHash   string `json:"requestHash,omitempty"`   // fingerprint of the request, for idempotency checks
}

// Pending is an event about to be appended.
type Pending struct {
	Type          string
	SchemaVersion int
	Data          json.RawMessage
	OccurredAt    time.Time
}
