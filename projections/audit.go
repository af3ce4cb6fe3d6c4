package projections

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/audit"
	"github.com/watchpost/watchpost/eventstore"
)

// AuditLog keeps proj.audit_log.
type AuditLog struct{}

// Name implements Projection.
func (AuditLog) Name() string { return "audit_log" }

// QueryIndexes implements QueryIndexer: Apply only appends.
func (AuditLog) QueryIndexes() []string { return []string{"audit_log_subject", "audit_log_action"} }

// Apply implements Projection.
func (AuditLog) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	batch := &pgx.Batch{}
	for _, e := range events {
		if e.AggregateType != audit.AggregateType {
			continue
		}
		r, err := audit.Decode(e.Type, e.Data)
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		batch.Queue(`INSERT INTO audit_log (seq, action, actor, actor_role, subject, reason, remote, user_agent, at, refusal)
			VALUES ($1, $2, $3, $4, NULLIF($5, ''), NULLIF($6, ''), NULLIF($7, ''), NULLIF($8, ''), $9, NULLIF($10, ''))`,
			int64(e.Seq), r.Action, r.Actor, r.ActorRole, r.Subject, r.Reason, r.Remote, r.UserAgent, r.At, r.Refusal)
	}
	return tx.SendBatch(ctx, batch).Close()
}

// AuditEntry is one line of the audit trail.
type AuditEntry struct {
	Seq uint64 `json:"seq"`
	audit.Recorded
}

// AuditFilter selects audit entries; the newest come first.
type AuditFilter struct {
	Action  string
	Subject string
	Actor   string
	From    time.Time
	To      time.Time
	Before  uint64 // only entries older than this sequence (paging)
	Limit   int
}

// ListAudit reads the audit trail.
func ListAudit(ctx context.Context, q eventstore.Querier, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > MaxPageSize {
		f.Limit = 100
	}
	var (
		where = []string{"true"}
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Action != "" {
		where = append(where, "action = "+arg(f.Action))
	}
	if f.Subject != "" {
		where = append(where, "subject = "+arg(f.Subject))
	}
	if f.Actor != "" {
		where = append(where, "actor = "+arg(f.Actor))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(f.To))
	}
	if f.Before > 0 {
		where = append(where, "seq < "+arg(int64(f.Before)))
	}
	rows, err := q.Query(ctx, `SELECT seq, action, actor, actor_role, coalesce(subject, ''), coalesce(reason, ''),
			coalesce(remote, ''), coalesce(user_agent, ''), at, coalesce(refusal, '')
		FROM proj.audit_log WHERE `+strings.Join(where, " AND ")+` ORDER BY seq DESC LIMIT `+arg(f.Limit), args...)
	if err != nil {
		return nil, eventstore.Database("projections: audit", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditEntry, error) {
		var (
			e   AuditEntry
			seq int64
		)
		err := r.Scan(&seq, &e.Action, &e.Actor, &e.ActorRole, &e.Subject, &e.Reason, &e.Remote, &e.UserAgent, &e.At, &e.Refusal)
		e.Seq = uint64(seq)
		return e, err
	})
	if err != nil {
		return nil, eventstore.Database("projections: audit", err)
	}
	return out, nil
}
