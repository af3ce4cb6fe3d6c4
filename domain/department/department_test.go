package department_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/department"
)

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func registered(t *testing.T) *department.Department {
	t.Helper()
	d := &department.Department{}
	events, err := d.Register("city-construction", department.Details{Name: "市建设局", Category: department.CategoryEnforcement, District: "柯城区"}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if err := d.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func TestRegisterValidation(t *testing.T) {
	t.Parallel()
	good := department.Details{Name: "市建设局", Category: department.CategoryManagement}
	tests := []struct {
		name  string
		id    string
		in    department.Details
		field string
	}{
		{"id with capitals", "City", good, "id"},
		{"id too short", "c", good, "id"},
		{"id with a dot", "city.x", good, "id"},
		{"no name", "city", department.Details{Category: department.CategoryManagement}, "name"},
		{"name too long", "city", department.Details{Name: string(make([]rune, 101)), Category: department.CategoryManagement}, "name"},
		{"no category", "city", department.Details{Name: "x"}, "category"},
		{"unknown category", "city", department.Details{Name: "x", Category: "police"}, "category"},
		{"own parent", "city", department.Details{Name: "x", Category: department.CategoryManagement, ParentID: "city"}, "parentId"},
		{"control character", "city", department.Details{Name: "a\x00b", Category: department.CategoryManagement}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := (&department.Department{}).Register(tt.id, tt.in, now)
			var de *domain.Error
			if !asDomain(err, &de) || de.Code != domain.CodeInvalid || de.Field != tt.field {
				t.Fatalf("got %v, want invalid %s", err, tt.field)
			}
		})
	}
}

func asDomain(err error, target **domain.Error) bool { return errors.As(err, target) }

func TestLifecycle(t *testing.T) {
	t.Parallel()
	d := registered(t)
	if !d.Active || d.Version != 1 || d.Name != "市建设局" {
		t.Fatalf("registered: %+v", d)
	}
	if _, err := d.Register("city-construction", department.Details{Name: "x", Category: department.CategoryManagement}, now); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("second registration: %v", err)
	}
	// A change that changes nothing records nothing.
	if events, err := d.Change(department.Details{Name: "市建设局", Category: department.CategoryEnforcement, District: "柯城区"}, now); err != nil || len(events) != 0 {
		t.Fatalf("no-op change: %v %v", events, err)
	}
	apply := func(events []department.Event, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if err := d.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	apply(d.Change(department.Details{Name: "市住建局", Category: department.CategoryEnforcement}, now))
	if d.Name != "市住建局" || d.District != "" || d.Version != 2 {
		t.Fatalf("changed: %+v", d)
	}
	apply(d.Deactivate("merged", now))
	if d.Active {
		t.Fatal("still active")
	}
	if _, err := d.Deactivate("again", now); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("second deactivation: %v", err)
	}
	if _, err := (&department.Department{}).Deactivate("x", now); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("unknown department: %v", err)
	}
	apply(d.Reactivate(now))
	if !d.Active || d.Version != 4 {
		t.Fatalf("reactivated: %+v", d)
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, e := range []department.Event{
		department.Registered{ID: "a-b", Name: "n", Category: department.CategoryManagement, At: now},
		department.Changed{Name: "m", Category: department.CategoryEnforcement, ParentID: "p", At: now},
		department.Deactivated{Reason: "r", At: now},
		department.Reactivated{At: now},
	} {
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := department.Decode(e.EventType(), data)
		if err != nil || got != e {
			t.Fatalf("%s: %v %v", e.EventType(), got, err)
		}
	}
	if _, err := department.Decode("Nope", []byte(`{}`)); err == nil {
		t.Fatal("unknown type decoded")
	}
}
