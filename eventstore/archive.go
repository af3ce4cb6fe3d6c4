package eventstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Querier is what reading the archive needs: a pool, a connection or a
// transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// ReadArchive returns up to limit archived events with after < seq <= upTo,
// in order. upTo 0 means no upper bound.
func ReadArchive(ctx context.Context, q Querier, after, upTo uint64, limit int) ([]Event, error) {
	if upTo == 0 {
		upTo = 1<<63 - 1
	}
	rows, err := q.Query(ctx, `SELECT seq, aggregate_type, aggregate_id, version, event_type, schema_version,
			event_id::text, data::text, metadata::text, occurred_at, recorded_at
		FROM public.events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`, int64(after), int64(upTo), limit)
	if err != nil {
		return nil, fmt.Errorf("eventstore: read archive after %d: %w", after, err)
	}
	return scanEvents(rows)
}

// ReadAggregate returns one aggregate's archived events, in order.
func ReadAggregate(ctx context.Context, q Querier, aggType, id string) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT seq, aggregate_type, aggregate_id, version, event_type, schema_version,
			event_id::text, data::text, metadata::text, occurred_at, recorded_at
		FROM public.events WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY seq`, aggType, id)
	if err != nil {
		return nil, Database(fmt.Sprintf("eventstore: read %s %s", aggType, id), err)
	}
	return scanEvents(rows)
}

func scanEvents(rows pgx.Rows) ([]Event, error) {
	var out []Event
	for rows.Next() {
		var (
			ev         Event
			seq        int64
			data, meta string
			occ, rec   time.Time
		)
		if err := rows.Scan(&seq, &ev.AggregateType, &ev.AggregateID, &ev.Version, &ev.Type, &ev.SchemaVersion,
			&ev.ID, &data, &meta, &occ, &rec); err != nil {
			rows.Close()
			return nil, fmt.Errorf("eventstore: scan archived event: %w", err)
		}
		ev.Seq, ev.Data, ev.OccurredAt, ev.RecordedAt = uint64(seq), json.RawMessage(data), occ.UTC(), rec.UTC()
		if err := json.Unmarshal([]byte(meta), &ev.Meta); err != nil {
			rows.Close()
			return nil, fmt.Errorf("eventstore: archived event %d: metadata: %w", seq, err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, Database("eventstore: read archive", err)
	}
	return out, upcastAll(out) // at the current schema versions (upcast.go)
}
