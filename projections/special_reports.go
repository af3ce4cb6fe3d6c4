package projections

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/report"
	"github.com/watchpost/watchpost/eventstore"
)

// SpecialReports keeps proj.special_reports (every special report's state)
// and proj.special_report_instructions (what the report process watches). It is
// inline: a command's answer reads its own effect.
type SpecialReports struct{}

// Name implements Projection.
func (SpecialReports) Name() string { return "special_reports" }

// Apply implements Projection.
func (SpecialReports) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	return foldJSONStates(ctx, tx, events, report.AggregateType, `special_reports`,
		func() *report.State { return &report.State{} },
		func(s *report.State, e eventstore.Event) error {
			de, err := report.Decode(e.Type, e.Data)
			if err != nil {
				return err
			}
			return s.Apply(de)
		},
		func(batch *pgx.Batch, s *report.State, last uint64, state []byte) {
			recipients := make([]string, len(s.Recipients))
			for i, r := range s.Recipients {
				recipients[i] = r.ID
			}
			batch.Queue(`INSERT INTO special_reports (id, status, title, drafted_by, recipients, issued_at, updated_at, version, last_seq, state)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, title = EXCLUDED.title, recipients = EXCLUDED.recipients,
					issued_at = EXCLUDED.issued_at, updated_at = EXCLUDED.updated_at, version = EXCLUDED.version,
					last_seq = EXCLUDED.last_seq, state = EXCLUDED.state`,
				s.ID, string(s.Status), s.Title, s.DraftedBy, recipients, s.IssuedAt, s.UpdatedAt, s.Version, int64(last), state)
			for _, in := range s.Instructions {
				var due *time.Time
				if in.FollowUp != nil {
					d := in.FollowUp.DueAt
					due = &d
				}
				batch.Queue(`INSERT INTO special_report_instructions (report_id, instruction_id, supervision, dispatched, due_at, reported, overdue)
					VALUES ($1, $2, $3, $4, $5, $6, $7)
					ON CONFLICT (report_id, instruction_id) DO UPDATE SET dispatched = EXCLUDED.dispatched,
						reported = EXCLUDED.reported, overdue = EXCLUDED.overdue`,
					s.ID, in.ID, in.Supervision, in.Dispatched, due, in.Reported != nil, in.OverdueAt != nil)
			}
		})
}

// SpecialReportFilter selects reports; the most recently updated come first.
type SpecialReportFilter struct {
	Status    []report.Status
	Recipient string // only the reports issued to this leader
	Limit     int
}

// ListSpecialReports reads reports.
func ListSpecialReports(ctx context.Context, q eventstore.Querier, f SpecialReportFilter) ([]report.State, error) {
	if f.Limit <= 0 || f.Limit > MaxPageSize {
		f.Limit = 100
	}
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Status) > 0 {
		s := make([]string, len(f.Status))
		for i, st := range f.Status {
			s[i] = string(st)
		}
		where = append(where, "status = ANY("+arg(s)+")")
	}
	if f.Recipient != "" {
		where = append(where, "recipients @> ARRAY["+arg(f.Recipient)+"]::text[]")
	}
	sql := `SELECT state FROM ` + Schema + `.special_reports`
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY updated_at DESC, id DESC LIMIT " + arg(f.Limit)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, eventstore.Database("projections: list special reports", err)
	}
	out, err := pgx.CollectRows(rows, scanSpecialReport)
	if err != nil {
		return nil, eventstore.Database("projections: list special reports", err)
	}
	return out, nil
}

func scanSpecialReport(r pgx.CollectableRow) (report.State, error) {
	var (
		raw []byte
		s   report.State
	)
	if err := r.Scan(&raw); err != nil {
		return s, err
	}
	return s, json.Unmarshal(raw, &s)
}

// GetSpecialReport reads one report.
func GetSpecialReport(ctx context.Context, q eventstore.Querier, id string) (report.State, error) {
	rows, err := q.Query(ctx, `SELECT state FROM `+Schema+`.special_reports WHERE id = $1`, id)
	if err != nil {
		return report.State{}, eventstore.Database("projections: get special report", err)
	}
	list, err := pgx.CollectRows(rows, scanSpecialReport)
	if err != nil {
		return report.State{}, eventstore.Database("projections: get special report", err)
	}
	if len(list) == 0 {
		return report.State{}, domain.NotFound("id", "no special report %s", id)
	}
	return list[0], nil
}

// SpecialReportsByStatus counts the reports in each status.
func SpecialReportsByStatus(ctx context.Context, q eventstore.Querier) (map[report.Status]int, error) {
	rows, err := q.Query(ctx, `SELECT status, count(*) FROM `+Schema+`.special_reports GROUP BY status`)
	if err != nil {
		return nil, eventstore.Database("projections: reports by status", err)
	}
	out := map[report.Status]int{}
	var (
		status string
		n      int
	)
	if _, err := pgx.ForEachRow(rows, []any{&status, &n}, func() error { out[report.Status(status)] = n; return nil }); err != nil {
		return nil, eventstore.Database("projections: reports by status", err)
	}
	return out, nil
}

// PendingReportInstruction is an instruction the report process still has work
// on.
type PendingReportInstruction struct {
	ReportID, InstructionID string
	// Supervision: its supervision is not yet on the cases.
	Supervision bool
	// Overdue: its follow-up is past its due date, unreported and not yet
	// marked overdue.
	Overdue bool
}

// PendingReportInstructions lists the instructions whose supervision is still
// to be ordered, and those whose follow-up fell due before now unreported.
func PendingReportInstructions(ctx context.Context, q eventstore.Querier, now time.Time, limit int) ([]PendingReportInstruction, error) {
	rows, err := q.Query(ctx, `SELECT report_id, instruction_id, supervision <> '' AND NOT dispatched,
			due_at IS NOT NULL AND due_at < $1 AND NOT reported AND NOT overdue
		FROM `+Schema+`.special_report_instructions
		WHERE (supervision <> '' AND NOT dispatched) OR (due_at < $1 AND NOT reported AND NOT overdue)
		ORDER BY report_id, instruction_id LIMIT $2`, now, limit)
	if err != nil {
		return nil, eventstore.Database("projections: pending instructions", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PendingReportInstruction, error) {
		var p PendingReportInstruction
		err := r.Scan(&p.ReportID, &p.InstructionID, &p.Supervision, &p.Overdue)
		return p, err
	})
	if err != nil {
		return nil, eventstore.Database("projections: pending instructions", err)
	}
	return out, nil
}

// ReportCase is a case as a finding or a report lists it: what it is
// about and where it stands. It has no field for the complainant or the
// monitoring point.
type ReportCase struct {
	ID               string
	Title            string
	Status           string
	DepartmentID     string
	Categories       []string
	IssueTypes       []string
	ReceivedAt       time.Time
	SupervisionLevel int
}

// ReportCases reads the cases among ids that exist, oldest first.
func ReportCases(ctx context.Context, q eventstore.Querier, ids []string) ([]ReportCase, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := q.Query(ctx, `SELECT id, title, status, coalesce(department_id, respondent_department_id, ''), categories, issue_types,
			received_at, coalesce((state->>'supervisionLevel')::int, 0)
		FROM `+Schema+`.cases WHERE id = ANY($1) ORDER BY received_at, id`, ids)
	if err != nil {
		return nil, eventstore.Database("projections: report cases", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReportCase, error) {
		var c ReportCase
		err := r.Scan(&c.ID, &c.Title, &c.Status, &c.DepartmentID, &c.Categories, &c.IssueTypes, &c.ReceivedAt, &c.SupervisionLevel)
		return c, err
	})
	if err != nil {
		return nil, eventstore.Database("projections: report cases", err)
	}
	return out, nil
}
