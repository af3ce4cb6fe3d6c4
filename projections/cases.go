package projections

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
)

// Cases keeps proj.cases: every case's current state. It is inline, so a
// command's answer can read its own effect.
type Cases struct{}

// Name implements Projection.
func (Cases) Name() string { return "cases" }

// QueryIndexes implements QueryIndexer: Apply finds cases by id alone.
func (Cases) QueryIndexes() []string {
	return []string{"cases_received", "cases_updated", "cases_status", "cases_department", "cases_point",
		"cases_categories", "cases_issue_types"}
}

// Apply folds a batch of events into the cases they belong to, loading each
// touched case once and writing it once.
func (Cases) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	var ids []string
	byCase := map[string][]eventstore.Event{}
	for _, e := range events {
		if e.AggregateType != complaint.AggregateType {
			continue
		}
		if _, seen := byCase[e.AggregateID]; !seen {
			ids = append(ids, e.AggregateID)
		}
		byCase[e.AggregateID] = append(byCase[e.AggregateID], e)
	}
	if len(ids) == 0 {
		return nil
	}
	states, err := loadStates(ctx, tx, ids)
	if err != nil {
		return err
	}
	rows := make([][]any, 0, len(ids))
	var fresh [][]any // of cases new to the table
	for _, id := range ids {
		c := states[id]
		stored := c != nil
		if c == nil {
			c = &complaint.Case{}
		}
		var last uint64
		for _, e := range byCase[id] {
			de, err := complaint.Decode(e.Type, e.Data)
			if err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
			if err := c.Apply(de); err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
			last = e.Seq
		}
		state, err := json.Marshal(c)
		if err != nil {
			return err
		}
		row := []any{c.ID, string(c.Status), c.Channel, c.Title, nullable(c.DepartmentID), nullable(c.RespondentDepartmentID),
			nullable(c.MonitoringPointID), c.Categories, c.IssueTypes, c.ReceivedAt, c.FiledAt, c.UpdatedAt, c.Version, int64(last), state,
			nullable(c.TrackingHash)}
		if stored {
			rows = append(rows, row)
		} else {
			fresh = append(fresh, row)
		}
	}
	// Many cases new to the table (a rebuild, an import) are copied into it.
	if len(fresh) >= copyFrom {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"cases"}, caseColumns, pgx.CopyFromRows(fresh)); err != nil {
			return err
		}
	} else {
		rows = append(rows, fresh...)
	}
	return writeCases(ctx, tx, rows)
}

// caseColumns are the columns of proj.cases in the order of a row (as
// upsertCase names them).
var caseColumns = []string{"id", "status", "channel", "title", "department_id", "respondent_department_id", "monitoring_point_id",
	"categories", "issue_types", "received_at", "filed_at", "updated_at", "version", "last_seq", "state", "tracking_hash"}

// copyFrom is how many rows new to a table a write takes before it goes
// through COPY (a rebuild's batches, an import) instead of one statement.
const copyFrom = 256

// upsertCase inserts a case row or replaces it.
const upsertCase = `INSERT INTO cases (id, status, channel, title, department_id, respondent_department_id, monitoring_point_id,
		categories, issue_types, received_at, filed_at, updated_at, version, last_seq, state, tracking_hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
	ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, channel = EXCLUDED.channel, title = EXCLUDED.title,
		department_id = EXCLUDED.department_id, respondent_department_id = EXCLUDED.respondent_department_id,
		monitoring_point_id = EXCLUDED.monitoring_point_id, categories = EXCLUDED.categories,
		issue_types = EXCLUDED.issue_types, received_at = EXCLUDED.received_at, filed_at = EXCLUDED.filed_at,
		updated_at = EXCLUDED.updated_at, version = EXCLUDED.version, last_seq = EXCLUDED.last_seq, state = EXCLUDED.state,
		tracking_hash = EXCLUDED.tracking_hash`

// writeCases inserts or replaces case rows, one statement each.
func writeCases(ctx context.Context, tx pgx.Tx, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	for _, r := range rows {
		batch.Queue(upsertCase, r...)
	}
	return tx.SendBatch(ctx, batch).Close()
}

func loadStates(ctx context.Context, tx pgx.Tx, ids []string) (map[string]*complaint.Case, error) {
	rows, err := tx.Query(ctx, `SELECT id, state FROM cases WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]*complaint.Case, len(ids))
	for rows.Next() {
		var (
			id    string
			state []byte
		)
		if err := rows.Scan(&id, &state); err != nil {
			return nil, err
		}
		c := &complaint.Case{}
		if err := json.Unmarshal(state, c); err != nil {
			return nil, fmt.Errorf("case %s: stored state: %w", id, err)
		}
		out[id] = c
	}
	return out, rows.Err()
}
