// Package auditlog records and reads the audit trail: each entry is an
// event in the log, recorded before the action it audits is answered.
package auditlog

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/audit"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Trail records and reads audit entries.
type Trail struct {
	log       *eventstore.Log
	pool      *pgxpool.Pool
	positions *eventstore.Positions
	clock     func() time.Time
}

// New returns the trail.
func New(log *eventstore.Log, pool *pgxpool.Pool, positions *eventstore.Positions, clock func() time.Time) *Trail {
	return &Trail{log: log, pool: pool, positions: positions, clock: clock}
}

// Record stores an entry; the action must not proceed if it fails.
func (t *Trail) Record(ctx context.Context, e audit.Recorded) error {
	if e.At.IsZero() {
		e.At = t.clock()
	}
	e, err := audit.New(e)
	if err != nil {
		return err
	}
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	stored, _, err := t.log.Append(ctx, audit.AggregateType, id.String(), 0, 0,
		eventstore.Metadata{Actor: e.Actor, ActorRole: e.ActorRole, CommandID: "audit-" + id.String()},
		[]eventstore.Pending{{Type: audit.TypeRecorded, SchemaVersion: audit.SchemaVersion, Data: data, OccurredAt: e.At}})
	if err != nil || t.positions == nil {
		return err
	}
	// Durable in the log now; wait a little so the trail shows it at once.
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = t.positions.Wait(wctx, stored[0].Seq)
	return nil
}

// Origin is where a request came from, for the trail: the client's address
// (the connection's peer) and its user agent.
type Origin struct {
	Remote, UserAgent string
}

// List reads the trail.
//
// Who: administrators.
func (t *Trail) List(ctx context.Context, p access.Principal, f projections.AuditFilter) ([]projections.AuditEntry, error) {
	if err := access.Permit(p, access.ReadAudit); err != nil {
		return nil, err
	}
	return projections.ListAudit(ctx, t.pool, f)
}
