package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/eventstore"
)

// Departments keeps proj.departments, the register. It is inline: a
// referral checks it, and an administrator's change is visible at once.
type Departments struct{}

// Name implements Projection.
func (Departments) Name() string { return "departments" }

// Apply implements Projection.
func (Departments) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	for _, e := range events {
		if e.AggregateType != department.AggregateType {
			continue
		}
		d, err := getDepartment(ctx, tx, departmentsWritten, e.AggregateID)
		if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
			return err
		}
		de, err := department.Decode(e.Type, e.Data)
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		if err := d.Apply(de); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO departments (id, name, category, district, parent_id, active, version, last_seq, updated_at)
			VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), $6, $7, $8, $9)
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, district = EXCLUDED.district,
				parent_id = EXCLUDED.parent_id, active = EXCLUDED.active, version = EXCLUDED.version,
				last_seq = EXCLUDED.last_seq, updated_at = EXCLUDED.updated_at`,
			d.ID, d.Name, string(d.Category), d.District, d.ParentID, d.Active, d.Version, int64(e.Seq), d.UpdatedAt); err != nil {
			return err
		}
	}
	return nil
}

// The register as the projection writes it (the search path picks the
// schema) and as queries read it (always the live schema).
const (
	departmentsWritten = "departments"
	departmentsLive    = Schema + ".departments"
)

// getDepartment reads one department from one of the tables above.
func getDepartment(ctx context.Context, q eventstore.Querier, table, id string) (department.Department, error) {
	rows, err := q.Query(ctx, `SELECT id, name, category, coalesce(district, ''), coalesce(parent_id, ''), active, version, updated_at
		FROM `+table+` WHERE id = $1`, id)
	if err != nil {
		return department.Department{}, err
	}
	list, err := pgx.CollectRows(rows, scanDepartment)
	if err != nil {
		return department.Department{}, err
	}
	if len(list) == 0 {
		return department.Department{}, domain.NotFound("id", "no department %s", id)
	}
	return list[0], nil
}

func scanDepartment(row pgx.CollectableRow) (department.Department, error) {
	var d department.Department
	err := row.Scan(&d.ID, &d.Name, &d.Category, &d.District, &d.ParentID, &d.Active, &d.Version, &d.UpdatedAt)
	return d, err
}

// OpenCases are the open cases a department holds: how many, and the ids
// of the oldest few.
type OpenCases struct {
	Total int
	IDs   []string
}

// OpenCasesOf finds the cases referred to a department that it has not yet
// resolved (referred, in progress or suspended), oldest first.
func OpenCasesOf(ctx context.Context, q eventstore.Querier, dept string, limit int) (OpenCases, error) {
	var out OpenCases
	rows, err := q.Query(ctx, `SELECT id, count(*) OVER () FROM proj.cases
		WHERE department_id = $1 AND status IN ('referred', 'in_progress', 'suspended')
		ORDER BY received_at, id LIMIT $2`, dept, limit)
	if err != nil {
		return out, eventstore.Database("projections: open cases of a department", err)
	}
	var (
		id    string
		total int
	)
	if _, err := pgx.ForEachRow(rows, []any{&id, &total}, func() error {
		out.IDs, out.Total = append(out.IDs, id), total
		return nil
	}); err != nil {
		return out, eventstore.Database("projections: open cases of a department", err)
	}
	return out, nil
}

// GetDepartment reads one department of the live register.
func GetDepartment(ctx context.Context, q eventstore.Querier, id string) (department.Department, error) {
	d, err := getDepartment(ctx, q, departmentsLive, id)
	if err != nil && domain.ErrorCode(err) == "" {
		return d, eventstore.Database("projections: get department", err)
	}
	return d, err
}

// ListDepartments reads the register, by id.
func ListDepartments(ctx context.Context, q eventstore.Querier, includeInactive bool) ([]department.Department, error) {
	rows, err := q.Query(ctx, `SELECT id, name, category, coalesce(district, ''), coalesce(parent_id, ''), active, version, updated_at
		FROM proj.departments WHERE active OR $1 ORDER BY id`, includeInactive)
	if err != nil {
		return nil, eventstore.Database("projections: list departments", err)
	}
	out, err := pgx.CollectRows(rows, scanDepartment)
	if err != nil {
		return nil, eventstore.Database("projections: list departments", err)
	}
	return out, nil
}
