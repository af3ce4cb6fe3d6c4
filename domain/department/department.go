// Package department is the register of the departments complaints are
// referred to: administrative bodies and their internal units (内设机构),
// each an aggregate whose history is kept like a case's.
package department

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// AggregateType names the department aggregate in the log.
const AggregateType = "department"

// SchemaVersion is the version of the payload shapes in this file.
const SchemaVersion = 1

// Category is how the assessment rules group departments (测评方案 §二).
type Category string

// The categories.
const (
	CategoryEnforcement Category = "enforcement" // 行政执法类
	CategoryManagement  Category = "management"  // 综合管理类
)

// Event types.
const (
	TypeRegistered  = "DepartmentRegistered"
	TypeChanged     = "DepartmentChanged"
	TypeDeactivated = "DepartmentDeactivated"
	TypeReactivated = "DepartmentReactivated"
)

// Event is one fact in a department's history.
type Event interface{ EventType() string }

// Registered adds a department to the register.
type Registered struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Category Category  `json:"category"`
	District string    `json:"district,omitempty"`
	ParentID string    `json:"parentId,omitempty"`
	At       time.Time `json:"at"`
}

// Changed replaces a department's details.
type Changed struct {
	Name     string    `json:"name"`
	Category Category  `json:"category"`
	District string    `json:"district,omitempty"`
	ParentID string    `json:"parentId,omitempty"`
	At       time.Time `json:"at"`
}

// Deactivated takes a department out of use: nothing new is referred to it.
type Deactivated struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Reactivated puts a department back in use.
type Reactivated struct {
	At time.Time `json:"at"`
}

func (Registered) EventType() string  { return TypeRegistered }
func (Changed) EventType() string     { return TypeChanged }
func (Deactivated) EventType() string { return TypeDeactivated }
func (Reactivated) EventType() string { return TypeReactivated }

// Decode turns a stored payload back into its event.
func Decode(eventType string, data []byte) (Event, error) {
	var (
		e   Event
		err error
	)
	switch eventType {
	case TypeRegistered:
		var v Registered
		err = json.Unmarshal(data, &v)
		e = v
	case TypeChanged:
		var v Changed
		err = json.Unmarshal(data, &v)
		e = v
	case TypeDeactivated:
		var v Deactivated
		err = json.Unmarshal(data, &v)
		e = v
	case TypeReactivated:
		var v Reactivated
		err = json.Unmarshal(data, &v)
		e = v
	default:
		return nil, fmt.Errorf("department: unknown event type %q", eventType)
	}
	if err != nil {
		return nil, fmt.Errorf("department: decode %s: %w", eventType, err)
	}
	return e, nil
}

// Department is the state of one department.
type Department struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Category  Category  `json:"category"`
	District  string    `json:"district,omitempty"`
	ParentID  string    `json:"parentId,omitempty"`
	Active    bool      `json:"active"`
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Apply moves the department by one recorded event.
func (d *Department) Apply(e Event) error {
	if d.Version == 0 && e.EventType() != TypeRegistered {
		return fmt.Errorf("department: %s before registration", e.EventType())
	}
	switch e := e.(type) {
	case Registered:
		if d.Version != 0 {
			return fmt.Errorf("department %s registered twice", d.ID)
		}
		*d = Department{ID: e.ID, Name: e.Name, Category: e.Category, District: e.District, ParentID: e.ParentID, Active: true}
		d.UpdatedAt = e.At
	case Changed:
		d.Name, d.Category, d.District, d.ParentID, d.UpdatedAt = e.Name, e.Category, e.District, e.ParentID, e.At
	case Deactivated:
		d.Active, d.UpdatedAt = false, e.At
	case Reactivated:
		d.Active, d.UpdatedAt = true, e.At
	default:
		return fmt.Errorf("department: cannot apply %T", e)
	}
	d.Version++
	return nil
}

// Details are what an administrator states about a department.
type Details struct {
	Name     string
	Category Category
	District string
	ParentID string
}

// Register returns the events of registering a department. d must be the
// empty department.
func (d *Department) Register(id string, in Details, now time.Time) ([]Event, error) {
	if d.Version != 0 {
		return nil, domain.StateConflict("department %s is already registered", id)
	}
	if !ValidID(id) {
		return nil, domain.Invalid("id", "use 2 to 64 lowercase letters, digits and '-', starting with a letter")
	}
	det, err := validDetails(id, in)
	if err != nil {
		return nil, err
	}
	return []Event{Registered{ID: id, Name: det.Name, Category: det.Category, District: det.District, ParentID: det.ParentID, At: now}}, nil
}

// Change returns the events of replacing a department's details; none when
// nothing changes.
func (d *Department) Change(in Details, now time.Time) ([]Event, error) {
	if d.Version == 0 {
		return nil, domain.NotFound("id", "no such department")
	}
	det, err := validDetails(d.ID, in)
	if err != nil {
		return nil, err
	}
	if det == (Details{Name: d.Name, Category: d.Category, District: d.District, ParentID: d.ParentID}) {
		return nil, nil
	}
	return []Event{Changed{Name: det.Name, Category: det.Category, District: det.District, ParentID: det.ParentID, At: now}}, nil
}

// Deactivate returns the events of taking a department out of use.
func (d *Department) Deactivate(reason string, now time.Time) ([]Event, error) {
	if d.Version == 0 {
		return nil, domain.NotFound("id", "no such department")
	}
	if !d.Active {
		return nil, domain.StateConflict("department %s is already inactive", d.ID)
	}
	r, err := text("reason", reason, 500, true)
	if err != nil {
		return nil, err
	}
	return []Event{Deactivated{Reason: r, At: now}}, nil
}

// Reactivate returns the events of putting a department back in use.
func (d *Department) Reactivate(now time.Time) ([]Event, error) {
	if d.Version == 0 {
		return nil, domain.NotFound("id", "no such department")
	}
	if d.Active {
		return nil, domain.StateConflict("department %s is already active", d.ID)
	}
	return []Event{Reactivated{At: now}}, nil
}

// ValidID reports whether id is an acceptable department id.
func ValidID(id string) bool {
	if len(id) < 2 || len(id) > 64 || id[0] < 'a' || id[0] > 'z' {
		return false
	}
	for _, r := range id {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func validDetails(id string, in Details) (Details, error) {
	var (
		out Details
		err error
	)
	if out.Name, err = text("name", in.Name, 100, true); err != nil {
		return out, err
	}
	switch in.Category {
	case CategoryEnforcement, CategoryManagement:
		out.Category = in.Category
	case "":
		return out, domain.Invalid("category", "is required: enforcement (行政执法类) or management (综合管理类)")
	default:
		return out, domain.Invalid("category", "%q is not a category: enforcement or management", in.Category)
	}
	if out.District, err = text("district", in.District, 100, false); err != nil {
		return out, err
	}
	if in.ParentID != "" {
		if !ValidID(in.ParentID) {
			return out, domain.Invalid("parentId", "is not a department id")
		}
		if in.ParentID == id {
			return out, domain.Invalid("parentId", "a department cannot be its own parent")
		}
		out.ParentID = in.ParentID
	}
	return out, nil
}

func text(field, v string, max int, required bool) (string, error) {
	if !utf8.ValidString(v) {
		return "", domain.Invalid(field, "is not valid UTF-8")
	}
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", domain.Invalid(field, "is required")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return "", domain.Invalid(field, "is %d characters long; at most %d are allowed", n, max)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", domain.Invalid(field, "contains a control character")
	}
	return v, nil
}
