package projections

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
)

// CaseRow is a case as the read model holds it.
type CaseRow struct {
	Case      complaint.Case
	LastSeq   uint64
	Deadlines []CaseDeadline // read with a single case, nil in lists
}

// GetCase reads one case and its deadlines, in one query.
func GetCase(ctx context.Context, q eventstore.Querier, id string) (CaseRow, error) {
	rows, err := q.Query(ctx, `SELECT c.state, c.last_seq, coalesce((SELECT json_agg(json_build_object(
				'clock', d.clock_id, 'kind', d.kind, 'round', d.round, 'departmentId', d.department_id,
				'startedAt', d.started_at, 'dueAt', d.due_at, 'open', d.open, 'suspended', d.suspended,
				'outcome', d.outcome, 'endedAt', d.ended_at, 'problem', d.problem, 'version', d.version,
				'calendarVersion', d.calendar_version) ORDER BY d.started_at, d.clock_id)
			FROM proj.deadlines d WHERE d.case_id = c.id), '[]')
		FROM proj.cases c WHERE c.id = $1`, id)
	if err != nil {
		return CaseRow{}, eventstore.Database("projections: get case", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (CaseRow, error) {
		var (
			state, deadlines []byte
			seq              int64
			r                CaseRow
		)
		if err := row.Scan(&state, &seq, &deadlines); err != nil {
			return r, err
		}
		if err := json.Unmarshal(state, &r.Case); err != nil {
			return r, err
		}
		r.LastSeq = uint64(seq)
		r.Deadlines = []CaseDeadline{}
		return r, json.Unmarshal(deadlines, &r.Deadlines)
	})
	if err != nil {
		return CaseRow{}, eventstore.Database("projections: get case", err)
	}
	if len(out) == 0 {
		return CaseRow{}, domain.NotFound("id", "no case %s", id)
	}
	return out[0], nil
}

func scanCase(row pgx.CollectableRow) (CaseRow, error) {
	var (
		state []byte
		seq   int64
		r     CaseRow
	)
	if err := row.Scan(&state, &seq); err != nil {
		return r, err
	}
	if err := json.Unmarshal(state, &r.Case); err != nil {
		return r, err
	}
	r.LastSeq = uint64(seq)
	return r, nil
}

// CaseByTracking finds the case a tracking code digest belongs to.
func CaseByTracking(ctx context.Context, q eventstore.Querier, digest string) (CaseRow, error) {
	rows, err := q.Query(ctx, `SELECT state, last_seq FROM proj.cases WHERE tracking_hash = $1`, digest)
	if err != nil {
		return CaseRow{}, eventstore.Database("projections: case by tracking code", err)
	}
	out, err := pgx.CollectRows(rows, scanCase)
	if err != nil {
		return CaseRow{}, eventstore.Database("projections: case by tracking code", err)
	}
	if len(out) == 0 {
		return CaseRow{}, domain.NotFound("code", "no case with this tracking code")
	}
	return out[0], nil
}

// CaseSort orders a case list.
type CaseSort string

// The orders of a case list.
const (
	SortReceivedDesc CaseSort = "-receivedAt"
	SortReceivedAsc  CaseSort = "receivedAt"
	SortUpdatedDesc  CaseSort = "-updatedAt"
	SortUpdatedAsc   CaseSort = "updatedAt"
)

// ParseCaseSort accepts the sort orders of the case list ("" is the
// default, newest received first).
func ParseCaseSort(s string) (CaseSort, error) {
	switch CaseSort(s) {
	case "":
		return SortReceivedDesc, nil
	case SortReceivedDesc, SortReceivedAsc, SortUpdatedDesc, SortUpdatedAsc:
		return CaseSort(s), nil
	}
	return "", domain.Invalid("sort", "must be one of receivedAt, -receivedAt, updatedAt, -updatedAt")
}

// CaseFilter selects cases. Empty fields do not filter.
type CaseFilter struct {
	Statuses          []string
	DepartmentID      string
	Category          string
	IssueType         string
	Channel           string
	MonitoringPointID string
	ReceivedFrom      time.Time // inclusive
	ReceivedTo        time.Time // exclusive
	Overdue           bool      // only cases with an open deadline passed at Now
	Now               time.Time // the instant "overdue" is judged at
	Sort              CaseSort
	Cursor            string
	Limit             int
}

// CasePage is one page of a case list.
type CasePage struct {
	Items []CaseRow
	Next  string // cursor of the next page; empty on the last
}

// MaxPageSize bounds a page of any list.
const MaxPageSize = 200

// pageCursor is where a page starts: after the row with this sort key and id.
type pageCursor struct {
	Key time.Time `json:"k"`
	ID  string    `json:"i"`
}

func decodeCursor(s string) (pageCursor, error) {
	var c pageCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || !eventstore.ValidToken(c.ID) {
		return c, domain.Invalid("cursor", "is not a cursor this list gave out")
	}
	return c, nil
}

// ValidCursor reports whether s is a cursor a case list could have given
// out.
func ValidCursor(s string) bool {
	_, err := decodeCursor(s)
	return err == nil
}

func encodeCursor(c pageCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ListCases returns a page of cases matching f.
func ListCases(ctx context.Context, q eventstore.Querier, f CaseFilter) (CasePage, error) {
	if f.Limit <= 0 || f.Limit > MaxPageSize {
		f.Limit = 50
	}
	if f.Sort == "" {
		f.Sort = SortReceivedDesc
	}
	col, dir := "received_at", "DESC"
	switch f.Sort {
	case SortReceivedAsc:
		dir = "ASC"
	case SortUpdatedDesc:
		col = "updated_at"
	case SortUpdatedAsc:
		col, dir = "updated_at", "ASC"
	}
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Statuses) > 0 {
		where = append(where, "status = ANY("+arg(f.Statuses)+")")
	}
	if f.DepartmentID != "" {
		where = append(where, "department_id = "+arg(f.DepartmentID))
	}
	if f.Category != "" {
		where = append(where, "categories @> ARRAY["+arg(f.Category)+"::text]")
	}
	if f.IssueType != "" {
		where = append(where, "issue_types @> ARRAY["+arg(f.IssueType)+"::text]")
	}
	if f.Channel != "" {
		where = append(where, "channel = "+arg(f.Channel))
	}
	if f.MonitoringPointID != "" {
		where = append(where, "monitoring_point_id = "+arg(f.MonitoringPointID))
	}
	if !f.ReceivedFrom.IsZero() {
		where = append(where, "received_at >= "+arg(f.ReceivedFrom))
	}
	if !f.ReceivedTo.IsZero() {
		where = append(where, "received_at < "+arg(f.ReceivedTo))
	}
	if f.Overdue {
		where = append(where, "EXISTS (SELECT 1 FROM proj.deadlines d WHERE d.case_id = cases.id AND d.open AND NOT d.suspended AND d.due_at < "+arg(f.Now)+")")
	}
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return CasePage{}, err
		}
		op := "<"
		if dir == "ASC" {
			op = ">"
		}
		where = append(where, "("+col+", id) "+op+" ("+arg(c.Key)+", "+arg(c.ID)+")")
	}
	sql := "SELECT state, last_seq FROM proj.cases"
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY " + col + " " + dir + ", id " + dir + " LIMIT " + arg(f.Limit+1)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return CasePage{}, eventstore.Database("projections: list cases", err)
	}
	items, err := pgx.CollectRows(rows, scanCase)
	if err != nil {
		return CasePage{}, eventstore.Database("projections: list cases", err)
	}
	page := CasePage{Items: items}
	if len(items) > f.Limit {
		page.Items = items[:f.Limit]
		last := page.Items[f.Limit-1].Case
		key := last.ReceivedAt
		if col == "updated_at" {
			key = last.UpdatedAt
		}
		page.Next = encodeCursor(pageCursor{Key: key, ID: last.ID})
	}
	return page, nil
}
