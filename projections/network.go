package projections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
)

// Network keeps the read models of the monitoring network: workstations,
// points, rosters, supervisors, visits, quarterly meetings, monthly reports
// and the two-way registration entries. It is inline: a token is bound to
// a point, a visit checks an assignment, a report lists the points, and
// each change is visible at once.
type Network struct{}

// Name implements Projection.
func (Network) Name() string { return "network" }

// The tables as the projection writes them (the search path picks the
// schema).
const (
	workstationsWritten = "network_workstations"
	pointsWritten       = "network_points"
	rostersWritten      = "network_rosters"
	supervisorsWritten  = "network_supervisors"
	visitsWritten       = "network_visits"
	meetingsWritten     = "network_meetings"
	reportsWritten      = "network_reports"
	entriesWritten      = "network_entries"
)

// Apply implements Projection.
func (Network) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	for _, e := range events {
		var err error
		switch e.AggregateType {
		case network.AggregateWorkstation, network.AggregatePoint, network.AggregateRoster, network.AggregateSupervisor,
			network.AggregateVisit, network.AggregateMeeting, network.AggregateReport, network.AggregateLedger:
		default:
			continue
		}
		ne, err := network.Decode(e.Type, e.Data)
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		seq := int64(e.Seq)
		switch e.AggregateType {
		case network.AggregateWorkstation:
			var w network.Workstation
			if err = fold(ctx, tx, workstationsWritten, e.AggregateID, &w, ne); err == nil {
				err = upsert(ctx, tx, `INSERT INTO network_workstations (id, district, active, registered_at, state, last_seq)
					VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET district = EXCLUDED.district,
					active = EXCLUDED.active, state = EXCLUDED.state, last_seq = EXCLUDED.last_seq`,
					w, w.ID, w.District, w.Active, w.RegisteredAt, seq)
			}
		case network.AggregatePoint:
			var p network.Point
			if err = fold(ctx, tx, pointsWritten, e.AggregateID, &p, ne); err == nil {
				err = upsert(ctx, tx, `INSERT INTO network_points (id, workstation_id, district, active, state, last_seq)
					VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET workstation_id = EXCLUDED.workstation_id,
					district = EXCLUDED.district, active = EXCLUDED.active, state = EXCLUDED.state, last_seq = EXCLUDED.last_seq`,
					p, p.ID, p.WorkstationID, p.District, p.Active, seq)
			}
		case network.AggregateRoster:
			var r network.Roster
			if err = fold(ctx, tx, rostersWritten, e.AggregateID, &r, ne); err == nil {
				err = upsert(ctx, tx, `INSERT INTO network_rosters (id, published, state, last_seq) VALUES ($1, $2, $3, $4)
					ON CONFLICT (id) DO UPDATE SET published = EXCLUDED.published, state = EXCLUDED.state, last_seq = EXCLUDED.last_seq`,
					r, e.AggregateID, r.Published, seq)
			}
		case network.AggregateSupervisor:
			var s network.Supervisor
			if err = fold(ctx, tx, supervisorsWritten, e.AggregateID, &s, ne); err == nil {
				err = upsert(ctx, tx, `INSERT INTO network_supervisors (id, token_id, state, last_seq) VALUES ($1, NULLIF($2, ''), $3, $4)
					ON CONFLICT (id) DO UPDATE SET token_id = EXCLUDED.token_id, state = EXCLUDED.state, last_seq = EXCLUDED.last_seq`,
					s, s.ID, s.TokenID, seq)
			}
		case network.AggregateVisit:
			var v network.Visit
			if err = fold(ctx, tx, visitsWritten, e.AggregateID, &v, ne); err == nil {
				err = upsert(ctx, tx, `INSERT INTO network_visits (id, supervisor_id, workstation_id, point_id, month, visited_at, state, last_seq)
					VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''), $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state,
					last_seq = EXCLUDED.last_seq`, v, v.ID, v.SupervisorID, v.WorkstationID, v.PointID, string(v.Month), v.VisitedAt, seq)
			}
		case network.AggregateMeeting:
			var m network.Meetings
			if err = fold(ctx, tx, meetingsWritten, e.AggregateID, &m, ne); err == nil {
				err = upsert(ctx, tx, `INSERT INTO network_meetings (id, state, last_seq) VALUES ($1, $2, $3)
					ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, last_seq = EXCLUDED.last_seq`, m, e.AggregateID, seq)
			}
		case network.AggregateReport:
			var r network.Report
			if err = fold(ctx, tx, reportsWritten, e.AggregateID, &r, ne); err == nil {
				err = upsert(ctx, tx, `INSERT INTO network_reports (id, workstation_id, month, status, due_at, state, last_seq)
					VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status,
					due_at = EXCLUDED.due_at, state = EXCLUDED.state, last_seq = EXCLUDED.last_seq`,
					r, r.ID, r.WorkstationID, string(r.Month), r.Status, r.DueAt, seq)
			}
		case network.AggregateLedger:
			err = applyEntry(ctx, tx, e.AggregateID, ne, seq)
		}
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
	}
	return nil
}

// fold reads an aggregate's state from its table (none yet: the zero
// state) and applies one event to it.
func fold[S interface{ Apply(network.Event) error }](ctx context.Context, tx pgx.Tx, table, id string, s S, e network.Event) error {
	var raw []byte
	err := tx.QueryRow(ctx, `SELECT state FROM `+table+` WHERE id = $1`, id).Scan(&raw)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return err
	default:
		if err := json.Unmarshal(raw, s); err != nil {
			return err
		}
	}
	return s.Apply(e)
}

// upsert writes a row whose state column is state, as JSON: the first
// argument after the statement is the state, the rest are put before it in
// the order of the statement's columns, with the state next to last.
func upsert(ctx context.Context, tx pgx.Tx, stmt string, state any, args ...any) error {
	raw, err := json.Marshal(state)
	if err != nil {
		return err
	}
	all := append(append(append([]any{}, args[:len(args)-1]...), raw), args[len(args)-1])
	_, err = tx.Exec(ctx, stmt, all...)
	return err
}

// applyEntry moves the rows of a point's two-way registration entries.
func applyEntry(ctx context.Context, tx pgx.Tx, pointID string, e network.Event, seq int64) error {
	load := func(id string) (network.LedgerEntry, error) {
		var (
			raw []byte
			le  network.LedgerEntry
		)
		if err := tx.QueryRow(ctx, `SELECT state FROM `+entriesWritten+` WHERE point_id = $1 AND entry_id = $2`, pointID, id).Scan(&raw); err != nil {
			return le, fmt.Errorf("entry %s of %s: %w", id, pointID, err)
		}
		return le, json.Unmarshal(raw, &le)
	}
	save := func(le network.LedgerEntry) error {
		raw, err := json.Marshal(le)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO `+entriesWritten+` (point_id, entry_id, side, department_id, kind, amount_fen, occurred_at,
				registered_at, paired_with, flag, case_id, state, last_seq)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), NULLIF($10, ''), NULLIF($11, ''), $12, $13)
			ON CONFLICT (point_id, entry_id) DO UPDATE SET paired_with = EXCLUDED.paired_with, flag = EXCLUDED.flag,
				case_id = EXCLUDED.case_id, state = EXCLUDED.state, last_seq = EXCLUDED.last_seq`,
			pointID, le.ID, string(le.Side), le.DepartmentID, string(le.Kind), le.AmountFen, le.OccurredAt, le.RegisteredAt,
			le.PairedWith, le.Flag, le.CaseID, raw, seq)
		return err
	}
	switch e := e.(type) {
	case network.EntryRegistered:
		le := network.LedgerEntry{Entry: e.Entry, RegisteredAt: e.At, PairedWith: e.PairedWith}
		le.PointID = pointID
		if err := save(le); err != nil {
			return err
		}
		if e.PairedWith != "" {
			other, err := load(e.PairedWith)
			if err != nil {
				return err
			}
			other.PairedWith, other.Flag, other.FlaggedAt = e.ID, "", time.Time{}
			return save(other)
		}
		return nil
	case network.EntryFlagged:
		le, err := load(e.EntryID)
		if err != nil {
			return err
		}
		le.Flag, le.FlaggedAt = e.Reason, e.At
		return save(le)
	case network.EntryComplaintFiled:
		le, err := load(e.EntryID)
		if err != nil {
			return err
		}
		le.CaseID = e.CaseID
		return save(le)
	}
	return fmt.Errorf("network: a ledger cannot apply %T", e)
}
