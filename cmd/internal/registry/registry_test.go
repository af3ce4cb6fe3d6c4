package registry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/registry"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var cst = time.FixedZone("CST", 8*3600)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// clock is a test clock that stands still until the test moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// The principals of the tests.
var (
	admin      = access.Principal{TokenID: "admin-1", Role: access.RoleAdmin}
	nonAdmins  = []access.Principal{handler, {TokenID: "dept-1", Role: access.RoleDepartment, DepartmentID: "tax-bureau"}, {TokenID: "sup-1", Role: access.RoleSupervisor}, {TokenID: "lead-1", Role: access.RoleLeader}, {TokenID: "point-1", Role: access.RolePoint, PointID: "point-7"}}
	handler    = access.Principal{TokenID: "handler-1", Role: access.RoleHandler}
	everyRole  = append([]access.Principal{admin}, nonAdmins...)
	management = department.CategoryManagement
)

// world is the application's services on a fresh database and NATS server,
// with the archiver applying the read models.
type world struct {
	env   *app.Env
	svc   *app.Services
	clock *clock
}

func setup(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: testenv.Start().UTC()}
	cfg := app.Config{
		DatabaseURL: testenv.Postgres(t), NATSURL: testenv.ListeningNATS(t).URL(), DataDir: t.TempDir(),
		Replicas: 1, TimeZone: cst, Policy: deadline.DefaultPolicy(), Logger: quiet(), Clock: c.Now,
		MasterKey: "d2F0Y2hwb3N0IHRlc3QgbWFzdGVyIGtleSAzMiBieXQ=",
	}
	env, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	if err := env.OpenLog(ctx, false, nil); err != nil {
		t.Fatal(err)
	}
	a, err := eventstore.NewArchiver(env.Log, env.Pool, []eventstore.Projector{app.Projections(cst, cfg.Policy).InlineProjector()},
		eventstore.ArchiverConfig{}, quiet(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Start(ctx)
	t.Cleanup(a.Stop)
	svc, err := app.NewServices(ctx, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	return &world{env: env, svc: svc, clock: c}
}

// meta is the metadata of a new command by p.
func meta(p access.Principal) eventstore.Metadata {
	return eventstore.Metadata{Actor: p.TokenID, ActorRole: string(p.Role), CommandID: uuid.NewString()}
}

// refusedOn reports whether err is a domain error of code naming field.
func refusedOn(err error, code domain.Code, field string) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Code == code && de.Field == field
}

func ptr(s string) *string { return &s }

// register adds a department with a parent ("" for none) or fails.
func (w *world) register(t *testing.T, id, parent string) department.Department {
	t.Helper()
	d, err := w.svc.Registry.RegisterDepartment(context.Background(), admin, meta(admin), id,
		department.Details{Name: id, Category: management, ParentID: parent})
	if err != nil {
		t.Fatalf("register %s under %q: %v", id, parent, err)
	}
	return d
}

// TestRegisterAndChange: a registered department reads back as it was
// given, for every role; a change replaces only the fields it names, and a
// change that changes nothing leaves the history as it was.
func TestRegisterAndChange(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	registeredAt := w.clock.Now()
	d, err := w.svc.Registry.RegisterDepartment(ctx, admin, meta(admin), "city-construction",
		department.Details{Name: " 市住房和城乡建设局 ", Category: management, District: "柯城区"})
	if err != nil {
		t.Fatal(err)
	}
	want := department.Department{ID: "city-construction", Name: "市住房和城乡建设局", Category: management, District: "柯城区",
		Active: true, Version: 1, UpdatedAt: registeredAt}
	if fmt.Sprint(d) != fmt.Sprint(want) {
		t.Fatalf("registered %+v\nwant       %+v", d, want)
	}
	for _, p := range everyRole {
		got, err := w.svc.Registry.Department(ctx, p, "city-construction")
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s reads %+v, %v", p.Role, got, err)
		}
	}

	w.clock.Add(time.Hour)
	d, err = w.svc.Registry.ChangeDepartment(ctx, admin, meta(admin), "city-construction", registry.Change{Name: ptr("市住建局"), Category: ptr("enforcement")})
	if err != nil {
		t.Fatal(err)
	}
	want = department.Department{ID: "city-construction", Name: "市住建局", Category: department.CategoryEnforcement, District: "柯城区",
		Active: true, Version: 2, UpdatedAt: registeredAt.Add(time.Hour)}
	if fmt.Sprint(d) != fmt.Sprint(want) {
		t.Fatalf("changed %+v\nwant    %+v", d, want)
	}
	w.clock.Add(time.Hour)
	if d, err = w.svc.Registry.ChangeDepartment(ctx, admin, meta(admin), "city-construction", registry.Change{District: ptr("柯城区")}); err != nil || fmt.Sprint(d) != fmt.Sprint(want) {
		t.Fatalf("a change to the same value: %+v, %v; want the department unchanged at version 2", d, err)
	}
	h, err := w.env.Log.Load(ctx, department.AggregateType, "city-construction")
	if err != nil || len(h.Events) != 2 {
		t.Fatalf("the department's history holds %d events (%v), want 2", len(h.Events), err)
	}

	for _, tt := range []struct {
		name  string
		err   error
		code  domain.Code
		field string
	}{
		{"registered twice", second(w.svc.Registry.RegisterDepartment(ctx, admin, meta(admin), "city-construction", department.Details{Name: "x", Category: management})), domain.CodeStateConflict, ""},
		{"an id with capitals", second(w.svc.Registry.RegisterDepartment(ctx, admin, meta(admin), "City", department.Details{Name: "x", Category: management})), domain.CodeInvalid, "id"},
		{"no category", second(w.svc.Registry.RegisterDepartment(ctx, admin, meta(admin), "tax-bureau", department.Details{Name: "x"})), domain.CodeInvalid, "category"},
		{"no name", second(w.svc.Registry.RegisterDepartment(ctx, admin, meta(admin), "tax-bureau", department.Details{Category: management})), domain.CodeInvalid, "name"},
		{"change of an unknown department", second(w.svc.Registry.ChangeDepartment(ctx, admin, meta(admin), "tax-bureau", registry.Change{Name: ptr("x")})), domain.CodeNotFound, "id"},
		{"change to an unknown category", second(w.svc.Registry.ChangeDepartment(ctx, admin, meta(admin), "city-construction", registry.Change{Category: ptr("police")})), domain.CodeInvalid, "category"},
		{"read of an unknown department", second(w.svc.Registry.Department(ctx, handler, "tax-bureau")), domain.CodeNotFound, "id"},
	} {
		if !refusedOn(tt.err, tt.code, tt.field) {
			t.Errorf("%s: %v; want %s on %q", tt.name, tt.err, tt.code, tt.field)
		}
	}
	list, err := w.svc.Registry.Departments(ctx, handler, true)
	if err != nil || len(list) != 1 {
		t.Fatalf("register after the refusals: %+v, %v; want only city-construction", list, err)
	}
}

// second is the error of a call that returns a value and an error.
func second[T any](_ T, err error) error { return err }

// TestRegisterIsForAdministrators: changes of the register are refused to
// every other role and leave the register as it was.
func TestRegisterIsForAdministrators(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	w.register(t, "tax-bureau", "")
	for _, p := range nonAdmins {
		for name, err := range map[string]error{
			"register":   second(w.svc.Registry.RegisterDepartment(ctx, p, meta(p), "city-construction", department.Details{Name: "x", Category: management})),
			"change":     second(w.svc.Registry.ChangeDepartment(ctx, p, meta(p), "tax-bureau", registry.Change{Name: ptr("x")})),
			"deactivate": second(w.svc.Registry.DeactivateDepartment(ctx, p, meta(p), "tax-bureau", "x")),
			"reactivate": second(w.svc.Registry.ReactivateDepartment(ctx, p, meta(p), "tax-bureau")),
		} {
			if domain.ErrorCode(err) != domain.CodeForbidden {
				t.Errorf("%s may %s: %v", p.Role, name, err)
			}
		}
	}
	list, err := w.svc.Registry.Departments(ctx, nonAdmins[0], true)
	if err != nil || len(list) != 1 || list[0].Name != "tax-bureau" || list[0].Version != 1 || !list[0].Active {
		t.Fatalf("register after the refusals: %+v, %v", list, err)
	}
}

// TestParents: a parent must be registered and active, must not make a
// cycle, and departments nest at most 8 deep (8 ancestors).
func TestParents(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	// d1 ← d2 ← ... ← d9: d9 has 8 ancestors, the most allowed.
	for i := 1; i <= 9; i++ {
		parent := ""
		if i > 1 {
			parent = fmt.Sprintf("d%d", i-1)
		}
		if d := w.register(t, fmt.Sprintf("d%d", i), parent); d.ParentID != parent {
			t.Fatalf("d%d has parent %q, want %q", i, d.ParentID, parent)
		}
	}
	w.register(t, "loose", "")
	w.register(t, "closed", "")
	if _, err := w.svc.Registry.DeactivateDepartment(ctx, admin, meta(admin), "closed", "撤销"); err != nil {
		t.Fatal(err)
	}
	register := func(id, parent string) error {
		return second(w.svc.Registry.RegisterDepartment(ctx, admin, meta(admin), id, department.Details{Name: id, Category: management, ParentID: parent}))
	}
	change := func(id, parent string) error {
		return second(w.svc.Registry.ChangeDepartment(ctx, admin, meta(admin), id, registry.Change{ParentID: &parent}))
	}
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"a tenth level", register("d10", "d9")},
		{"moving a department under the ninth level", change("loose", "d9")},
		{"an unregistered parent", register("unit", "no-such-dept")},
		{"an inactive parent", register("unit", "closed")},
		{"moving under an inactive parent", change("loose", "closed")},
		{"its own parent", change("d1", "d1")},
		{"a cycle through its descendant", change("d1", "d5")},
		{"a cycle through its child", change("d8", "d9")},
	} {
		if !refusedOn(tt.err, domain.CodeInvalid, "parentId") {
			t.Errorf("%s: %v; want invalid parentId", tt.name, tt.err)
		}
	}
	// Allowed: the eighth ancestor, and moving a leaf to another parent.
	if err := register("unit", "d8"); err != nil {
		t.Errorf("a ninth level: %v", err)
	}
	if err := change("d9", "loose"); err != nil {
		t.Errorf("moving a leaf: %v", err)
	}
	if err := change("d9", ""); err != nil {
		t.Errorf("making a leaf a root: %v", err)
	}
	d, err := w.svc.Registry.Department(ctx, handler, "d9")
	if err != nil || d.ParentID != "" || d.Version != 3 {
		t.Fatalf("d9 after two moves: %+v, %v", d, err)
	}
}

// TestParentsBoundDescendants: moving a department under another may not
// push its descendants past the nesting limit.
func TestParentsBoundDescendants(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	for i := 1; i <= 9; i++ { // d9 has 8 ancestors
		parent := ""
		if i > 1 {
			parent = fmt.Sprintf("d%d", i-1)
		}
		w.register(t, fmt.Sprintf("d%d", i), parent)
	}
	w.register(t, "root", "")
	// Under root, d9 would have 9 ancestors: d8 ... d1 and root.
	_, err := w.svc.Registry.ChangeDepartment(ctx, admin, meta(admin), "d1", registry.Change{ParentID: ptr("root")})
	if !refusedOn(err, domain.CodeInvalid, "parentId") {
		t.Fatalf("moving the top of a full chain under another department: %v; want invalid parentId", err)
	}
}

// TestDeactivation: an inactive department leaves the active register and
// can no longer be named; reactivation brings it back. ActiveDepartment
// names the field it is asked about.
func TestDeactivation(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	w.register(t, "tax-bureau", "")
	w.register(t, "city-construction", "")
	reg := w.svc.Registry

	if err := reg.ActiveDepartment(ctx, "departmentId", "tax-bureau"); err != nil {
		t.Fatalf("active: %v", err)
	}
	if err := second(reg.DeactivateDepartment(ctx, admin, meta(admin), "tax-bureau", "  ")); !refusedOn(err, domain.CodeInvalid, "reason") {
		t.Fatalf("deactivation without a reason: %v", err)
	}
	d, err := reg.DeactivateDepartment(ctx, admin, meta(admin), "tax-bureau", "并入市场监管局")
	if err != nil || d.Active || d.Version != 2 {
		t.Fatalf("deactivated: %+v, %v", d, err)
	}
	if err := second(reg.DeactivateDepartment(ctx, admin, meta(admin), "tax-bureau", "again")); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("deactivated twice: %v", err)
	}
	if err := second(reg.DeactivateDepartment(ctx, admin, meta(admin), "no-such-dept", "x")); !refusedOn(err, domain.CodeNotFound, "id") {
		t.Fatalf("deactivating an unknown department: %v", err)
	}
	ids := func(includeInactive bool) string {
		list, err := reg.Departments(ctx, handler, includeInactive)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range list {
			out = append(out, d.ID)
		}
		return fmt.Sprint(out)
	}
	if got := ids(false); got != "[city-construction]" {
		t.Fatalf("active register %s", got)
	}
	if got := ids(true); got != "[city-construction tax-bureau]" {
		t.Fatalf("whole register %s", got)
	}
	for _, tt := range []struct{ field, id string }{
		{"departmentId", "tax-bureau"},           // inactive
		{"respondentDepartmentId", "tax-bureau"}, // the field asked about is the one named
		{"departmentId", "no-such-dept"},         // not registered
		{"departmentId", "Not An Id"},            // not even an id
		{"departmentId", ""},                     // none
	} {
		if err := reg.ActiveDepartment(ctx, tt.field, tt.id); !refusedOn(err, domain.CodeInvalid, tt.field) {
			t.Errorf("ActiveDepartment(%q, %q) = %v; want invalid %s", tt.field, tt.id, err, tt.field)
		}
	}

	d, err = reg.ReactivateDepartment(ctx, admin, meta(admin), "tax-bureau")
	if err != nil || !d.Active || d.Version != 3 {
		t.Fatalf("reactivated: %+v, %v", d, err)
	}
	if err := reg.ActiveDepartment(ctx, "departmentId", "tax-bureau"); err != nil {
		t.Fatalf("after reactivation: %v", err)
	}
	if err := second(reg.ReactivateDepartment(ctx, admin, meta(admin), "tax-bureau")); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("reactivated twice: %v", err)
	}
	if got := ids(false); got != "[city-construction tax-bureau]" {
		t.Fatalf("active register after reactivation %s", got)
	}
}
