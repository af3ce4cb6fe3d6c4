// Package registry keeps the reference data that cases point to: the
// department register, managed by administrators.
package registry

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Service manages the register.
type Service struct {
	run  *command.Runner
	pool *pgxpool.Pool
}

// New returns the service.
func New(run *command.Runner, pool *pgxpool.Pool) *Service {
	return &Service{run: run, pool: pool}
}

// maxDepth bounds the chain of parents (内设机构 of 内设机构 ...).
const maxDepth = 8

// RegisterDepartment adds a department.
//
// Who (for this and the other changes of the register): administrators.
func (s *Service) RegisterDepartment(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, det department.Details) (department.Department, error) {
	if err := access.Permit(p, access.ManageDepartments); err != nil {
		return department.Department{}, err
	}
	if err := s.checkParent(ctx, id, det.ParentID); err != nil {
		return department.Department{}, err
	}
	return s.do(ctx, "register_department", id, meta, func(d *department.Department, now time.Time) ([]department.Event, error) {
		return d.Register(id, det, now)
	})
}

// Change is a partial update of a department's details: nil fields stay.
type Change struct {
	Name, Category, District, ParentID *string
}

// ChangeDepartment updates a department's details.
func (s *Service) ChangeDepartment(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, ch Change) (department.Department, error) {
	if err := access.Permit(p, access.ManageDepartments); err != nil {
		return department.Department{}, err
	}
	cur, err := s.department(ctx, id)
	if err != nil {
		return cur, err
	}
	det := department.Details{Name: cur.Name, Category: cur.Category, District: cur.District, ParentID: cur.ParentID}
	if ch.Name != nil {
		det.Name = *ch.Name
	}
	if ch.Category != nil {
		det.Category = department.Category(*ch.Category)
	}
	if ch.District != nil {
		det.District = *ch.District
	}
	if ch.ParentID != nil {
		det.ParentID = *ch.ParentID
		if err := s.checkParent(ctx, id, det.ParentID); err != nil {
			return cur, err
		}
	}
	return s.do(ctx, "change_department", id, meta, func(d *department.Department, now time.Time) ([]department.Event, error) {
		return d.Change(det, now)
	})
}

// DeactivateDepartment takes a department out of use.
//
// A department that holds open cases (referred to it and not yet resolved)
// is not taken out of use: they are listed, to be referred elsewhere first.
func (s *Service) DeactivateDepartment(ctx context.Context, p access.Principal, meta eventstore.Metadata, id, reason string) (department.Department, error) {
	if err := access.Permit(p, access.ManageDepartments); err != nil {
		return department.Department{}, err
	}
	if department.ValidID(id) {
		open, err := projections.OpenCasesOf(ctx, s.pool, id, maxListed)
		if err != nil {
			return department.Department{}, err
		}
		if len(open.IDs) > 0 {
			return department.Department{}, domain.StateConflict("department %s holds %d open cases (%s); refer them to another department first",
				id, open.Total, strings.Join(open.IDs, ", "))
		}
	}
	return s.do(ctx, "deactivate_department", id, meta, func(d *department.Department, now time.Time) ([]department.Event, error) {
		return d.Deactivate(reason, now)
	})
}

// ReactivateDepartment puts a department back in use.
func (s *Service) ReactivateDepartment(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string) (department.Department, error) {
	if err := access.Permit(p, access.ManageDepartments); err != nil {
		return department.Department{}, err
	}
	return s.do(ctx, "reactivate_department", id, meta, func(d *department.Department, now time.Time) ([]department.Event, error) {
		return d.Reactivate(now)
	})
}

// Department reads one department.
//
// Who (for this and Departments): every role.
func (s *Service) Department(ctx context.Context, p access.Principal, id string) (department.Department, error) {
	if err := access.Permit(p, access.ReadReference); err != nil {
		return department.Department{}, err
	}
	return s.department(ctx, id)
}

func (s *Service) department(ctx context.Context, id string) (department.Department, error) {
	if !department.ValidID(id) {
		return department.Department{}, domain.NotFound("id", "no department %s", id)
	}
	return projections.GetDepartment(ctx, s.pool, id)
}

// Departments reads the register.
func (s *Service) Departments(ctx context.Context, p access.Principal, includeInactive bool) ([]department.Department, error) {
	if err := access.Permit(p, access.ReadReference); err != nil {
		return nil, err
	}
	return projections.ListDepartments(ctx, s.pool, includeInactive)
}

// maxListed bounds the cases a refusal lists.
const maxListed = 20

// KnownDepartment checks that a complaint may name the department as the
// one complained about: it is in the register (active or not).
func (s *Service) KnownDepartment(ctx context.Context, field, id string) error {
	_, err := s.department(ctx, id)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return domain.Invalid(field, "no department %q in the register", id)
	}
	return err
}

// ActiveDepartment checks that a referral may name the department.
func (s *Service) ActiveDepartment(ctx context.Context, field, id string) error {
	d, err := s.department(ctx, id)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return domain.Invalid(field, "no department %q in the register", id)
	}
	if err != nil {
		return err
	}
	if !d.Active {
		return domain.Invalid(field, "department %q is inactive", id)
	}
	return nil
}

// checkParent refuses a parent that is unknown, inactive, or would make a
// cycle, or would nest id or its descendants more than maxDepth deep.
func (s *Service) checkParent(ctx context.Context, id, parent string) error {
	below, err := s.height(ctx, id)
	if err != nil {
		return err
	}
	for depth := 0; parent != ""; depth++ {
		if parent == id {
			return domain.Invalid("parentId", "would make %s its own ancestor", id)
		}
		if depth+below >= maxDepth {
			return domain.Invalid("parentId", "departments nest at most %d deep", maxDepth)
		}
		p, err := s.department(ctx, parent)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return domain.Invalid("parentId", "no department %q in the register", parent)
		}
		if err != nil {
			return err
		}
		if depth == 0 && !p.Active {
			return domain.Invalid("parentId", "department %q is inactive", parent)
		}
		parent = p.ParentID
	}
	return nil
}

// height is how many levels of departments lie below id (0 for one
// without children, and for one not registered yet).
func (s *Service) height(ctx context.Context, id string) (int, error) {
	all, err := projections.ListDepartments(ctx, s.pool, true)
	if err != nil {
		return 0, err
	}
	children := map[string][]string{}
	for _, d := range all {
		children[d.ParentID] = append(children[d.ParentID], d.ID)
	}
	var deepest func(id string, seen int) int
	deepest = func(id string, seen int) int {
		h := 0
		if seen > maxDepth { // a register that already holds a cycle
			return h
		}
		for _, c := range children[id] {
			h = max(h, 1+deepest(c, seen+1))
		}
		return h
	}
	return deepest(id, 0), nil
}

type decision func(d *department.Department, now time.Time) ([]department.Event, error)

func (s *Service) do(ctx context.Context, name, id string, meta eventstore.Metadata, decide decision) (department.Department, error) {
	if !department.ValidID(id) {
		if name == "register_department" {
			return department.Department{}, domain.Invalid("id", "use 2 to 64 lowercase letters, digits and '-', starting with a letter")
		}
		return department.Department{}, domain.NotFound("id", "no department %s", id)
	}
	res, err := s.run.Execute(ctx, name, department.AggregateType, id, meta, func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
		d := &department.Department{}
		if err := command.Fold(history, department.Decode, d.Apply); err != nil {
			return nil, err
		}
		events, err := decide(d, now)
		if err != nil {
			return nil, err
		}
		return command.Encode(events, department.SchemaVersion, now)
	})
	if err != nil {
		return department.Department{}, err
	}
	if err := s.run.Settle(ctx, res.LastSeq); err != nil {
		return department.Department{}, err
	}
	return s.department(ctx, id)
}
