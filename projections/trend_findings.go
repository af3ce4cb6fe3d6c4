package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/trend"
	"github.com/watchpost/watchpost/eventstore"
)

// TrendFindings keeps proj.trend_findings: every trend finding's state. It is inline,
// so a detector run sees the findings of the run before it, and a
// supervisor's dismissal is in the list it answers with.
type TrendFindings struct{}

// Name implements Projection.
func (TrendFindings) Name() string { return "trend_findings" }

// Apply implements Projection.
func (TrendFindings) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	return foldJSONStates(ctx, tx, events, finding.AggregateType, `trend_findings`,
		func() *finding.Finding { return &finding.Finding{} },
		func(f *finding.Finding, e eventstore.Event) error {
			de, err := finding.Decode(e.Type, e.Data)
			if err != nil {
				return err
			}
			return f.Apply(de)
		},
		func(batch *pgx.Batch, f *finding.Finding, last uint64, state []byte) {
			a, b := f.Cell.Parts()
			batch.Queue(`INSERT INTO trend_findings (id, kind, dimension, a, b, status, severity, from_day, to_day, last_raised,
					case_count, detected_at, updated_at, version, last_seq, state)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9::date, $10::date, $11, $12, $13, $14, $15, $16)
				ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, severity = EXCLUDED.severity, from_day = EXCLUDED.from_day,
					to_day = EXCLUDED.to_day, last_raised = EXCLUDED.last_raised, case_count = EXCLUDED.case_count,
					updated_at = EXCLUDED.updated_at, version = EXCLUDED.version, last_seq = EXCLUDED.last_seq, state = EXCLUDED.state`,
				f.ID, string(f.Kind), string(f.Cell.Dimension), a, b, string(f.Status), string(f.Signal.Severity),
				f.From.String(), f.To.String(), f.LastRaised.String(), f.CaseCount, f.DetectedAt, f.UpdatedAt, f.Version,
				int64(last), state)
		})
}

// foldJSONStates folds a batch's events of one aggregate type into the
// states a table keeps as JSON (loading each touched aggregate once and
// writing it once).
func foldJSONStates[S any](ctx context.Context, tx pgx.Tx, events []eventstore.Event, aggType, table string,
	empty func() *S, apply func(*S, eventstore.Event) error, write func(*pgx.Batch, *S, uint64, []byte)) error {
	var ids []string
	byID := map[string][]eventstore.Event{}
	for _, e := range events {
		if e.AggregateType != aggType {
			continue
		}
		if _, seen := byID[e.AggregateID]; !seen {
			ids = append(ids, e.AggregateID)
		}
		byID[e.AggregateID] = append(byID[e.AggregateID], e)
	}
	if len(ids) == 0 {
		return nil
	}
	states := map[string]*S{}
	rows, err := tx.Query(ctx, `SELECT id, state FROM `+table+` WHERE id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var (
			id  string
			raw []byte
		)
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return err
		}
		s := empty()
		if err := json.Unmarshal(raw, s); err != nil {
			rows.Close()
			return fmt.Errorf("%s %s: stored state: %w", aggType, id, err)
		}
		states[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	batch := &pgx.Batch{}
	for _, id := range ids {
		s := states[id]
		if s == nil {
			s = empty()
		}
		var last uint64
		for _, e := range byID[id] {
			if err := apply(s, e); err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
			last = e.Seq
		}
		state, err := json.Marshal(s)
		if err != nil {
			return err
		}
		write(batch, s, last, state)
	}
	return tx.SendBatch(ctx, batch).Close()
}

// FindingFilter selects findings; the most recently updated come first.
type FindingFilter struct {
	Status []finding.Status
	Kind   trend.Kind
	Cursor string // the next value of the previous page
	Limit  int
}

// FindingPage is a page of findings.
type FindingPage struct {
	Items []finding.Finding
	Next  string // "" on the last page
}

// ListFindings reads findings.
func ListFindings(ctx context.Context, q eventstore.Querier, f FindingFilter) (FindingPage, error) {
	if f.Limit <= 0 || f.Limit > MaxPageSize {
		f.Limit = 50
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
	if f.Kind != "" {
		where = append(where, "kind = "+arg(string(f.Kind)))
	}
	if f.Cursor != "" {
		at, id, ok := parseFindingCursor(f.Cursor)
		if !ok {
			return FindingPage{}, domain.Invalid("cursor", "is not a cursor this list gave out")
		}
		where = append(where, "(updated_at, id) < ("+arg(at)+"::timestamptz, "+arg(id)+")")
	}
	sql := `SELECT state, updated_at FROM ` + Schema + `.trend_findings`
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY updated_at DESC, id DESC LIMIT " + arg(f.Limit+1)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return FindingPage{}, eventstore.Database("projections: list findings", err)
	}
	type row struct {
		f  finding.Finding
		at time.Time
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var (
			raw []byte
			out row
		)
		if err := r.Scan(&raw, &out.at); err != nil {
			return out, err
		}
		return out, json.Unmarshal(raw, &out.f)
	})
	if err != nil {
		return FindingPage{}, eventstore.Database("projections: list findings", err)
	}
	var page FindingPage
	for i, r := range list {
		if i == f.Limit {
			last := list[i-1]
			page.Next = findingCursor(last.at, last.f.ID)
			break
		}
		page.Items = append(page.Items, r.f)
	}
	return page, nil
}

// ValidFindingCursor reports whether s is a cursor ListFindings gave.
func ValidFindingCursor(s string) bool { _, _, ok := parseFindingCursor(s); return ok }

func findingCursor(at time.Time, id string) string {
	return at.UTC().Format(time.RFC3339Nano) + "~" + id
}

func parseFindingCursor(s string) (string, string, bool) {
	at, id, ok := strings.Cut(s, "~")
	if !ok || !eventstore.ValidToken(id) {
		return "", "", false
	}
	if _, err := time.Parse(time.RFC3339Nano, at); err != nil {
		return "", "", false
	}
	return at, id, true
}

// GetFinding reads one finding.
func GetFinding(ctx context.Context, q eventstore.Querier, id string) (finding.Finding, error) {
	list, err := GetFindings(ctx, q, []string{id})
	if err != nil {
		return finding.Finding{}, err
	}
	if len(list) == 0 {
		return finding.Finding{}, domain.NotFound("id", "no finding %s", id)
	}
	return list[0], nil
}

// GetFindings reads the findings among ids (those that exist), in the
// order of ids.
func GetFindings(ctx context.Context, q eventstore.Querier, ids []string) ([]finding.Finding, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := q.Query(ctx, `SELECT f.state FROM unnest($1::text[]) WITH ORDINALITY AS i(id, n)
		JOIN `+Schema+`.trend_findings f ON f.id = i.id ORDER BY i.n`, ids)
	if err != nil {
		return nil, eventstore.Database("projections: get findings", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (finding.Finding, error) {
		var (
			raw []byte
			f   finding.Finding
		)
		if err := r.Scan(&raw); err != nil {
			return f, err
		}
		return f, json.Unmarshal(raw, &f)
	})
	if err != nil {
		return nil, eventstore.Database("projections: get findings", err)
	}
	return out, nil
}

// CurrentFindings reads the findings a detector run continues or ends:
// those open, and those dismissed that were raised within the last
// endAfter days before day (a dismissed finding keeps its cell and kind
// quiet until it would have ended).
func CurrentFindings(ctx context.Context, q eventstore.Querier, day trend.Date, endAfter int) ([]finding.Finding, error) {
	rows, err := q.Query(ctx, `SELECT state FROM `+Schema+`.trend_findings
		WHERE status = 'open' OR (status = 'dismissed' AND last_raised >= $1::date) ORDER BY id`, (day - trend.Date(endAfter)).String())
	if err != nil {
		return nil, eventstore.Database("projections: current findings", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (finding.Finding, error) {
		var (
			raw []byte
			f   finding.Finding
		)
		if err := r.Scan(&raw); err != nil {
			return f, err
		}
		return f, json.Unmarshal(raw, &f)
	})
	if err != nil {
		return nil, eventstore.Database("projections: current findings", err)
	}
	return out, nil
}

// OpenFindingsByKind counts the open findings of each kind.
func OpenFindingsByKind(ctx context.Context, q eventstore.Querier) (map[trend.Kind]int, error) {
	rows, err := q.Query(ctx, `SELECT kind, count(*) FROM `+Schema+`.trend_findings WHERE status = 'open' GROUP BY kind`)
	if err != nil {
		return nil, eventstore.Database("projections: open findings", err)
	}
	out := map[trend.Kind]int{}
	var (
		kind string
		n    int
	)
	if _, err := pgx.ForEachRow(rows, []any{&kind, &n}, func() error { out[trend.Kind(kind)] = n; return nil }); err != nil {
		return nil, eventstore.Database("projections: open findings", err)
	}
	return out, nil
}
