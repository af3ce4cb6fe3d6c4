package httpapi

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/domain/complaint"
)

// The document and the validation agree: for every command a route takes,
// a body of the fields the document marks required (with their examples,
// and the documented switches) is accepted; leaving out a required field,
// giving a code outside its enumeration or a text longer than its maximum
// is refused naming that field; and a field the document does not mark
// required may be left out.

var (
	cst      = time.FixedZone("CST", 8*3600)
	rulesNow = time.Date(2026, 11, 24, 10, 0, 0, 0, cst) // a Tuesday
)

const ruleDept = "dept-1"

// ruleEnv is the environment of a decision by the center, or by ruleDept.
func ruleEnv(t *testing.T, byDept bool) complaint.Env {
	t.Helper()
	cal, err := calendar.Default(cst)
	if err != nil {
		t.Fatal(err)
	}
	env := complaint.Env{Now: rulesNow, Taxonomy: complaint.DefaultTaxonomy(), Calendar: cal}
	if byDept {
		env.Actor.DepartmentID = ruleDept
	}
	return env
}

// caseAt builds a case by taking steps, each by the center or the department.
func caseAt(t *testing.T, steps ...any) *complaint.Case {
	t.Helper()
	c := &complaint.Case{}
	events, err := c.File("case-1", complaint.FileComplaint{Channel: "hotline", Categories: []string{"efficiency"}, Title: "t",
		Description: "d", Complainant: complaint.Complainant{Name: "n"}, ReceivedAt: rulesNow}, complaint.DefaultTaxonomy(), rulesNow)
	if err != nil {
		t.Fatal(err)
	}
	apply := func(events []complaint.Event) {
		for _, e := range events {
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	apply(events)
	for _, s := range steps {
		byDept := false
		if d, ok := s.(dept); ok {
			s, byDept = d.cmd, true
		}
		events, err := c.Decide(s.(complaint.Command), ruleEnv(t, byDept))
		if err != nil {
			t.Fatalf("%T: %v", s, err)
		}
		apply(events)
	}
	return c
}

// dept marks a step the department takes.
type dept struct{ cmd complaint.Command }

// later is a working day well after rulesNow, as a date.
func later(t *testing.T) string {
	t.Helper()
	due, err := ruleEnv(t, false).Calendar.Deadline(rulesNow, 20)
	if err != nil {
		t.Fatal(err)
	}
	return due.Add(-time.Nanosecond).Format(time.DateOnly)
}

// states gives, for each command type a route takes, a case where its step
// is allowed and whether the department takes it.
func states(t *testing.T) map[reflect.Type]func() (*complaint.Case, bool) {
	referred := []any{complaint.Refer{DepartmentID: ruleDept}}
	working := append(slices.Clone(referred), dept{complaint.Acknowledge{}})
	found := append(slices.Clone(working), dept{complaint.RecordFinding{Finding: "substantiated", Summary: "s"}})
	required := append(slices.Clone(found), complaint.RequireRectification{Items: []string{"i"}, DueDate: later(t)})
	resolved := append(slices.Clone(working), dept{complaint.Resolve{Outcome: "resolved", Summary: "s"}})
	replied := append(slices.Clone(resolved), complaint.Reply{Message: "m", Method: "phone"})
	at := func(byDept bool, steps ...any) func() (*complaint.Case, bool) {
		return func() (*complaint.Case, bool) { return caseAt(t, steps...), byDept }
	}
	c := func(v any) reflect.Type { return reflect.TypeOf(v) }
	return map[reflect.Type]func() (*complaint.Case, bool){
		c(complaint.Accept{}): at(false), c(complaint.NotAccept{}): at(false), c(complaint.Refer{}): at(false),
		c(complaint.Acknowledge{}): at(true, referred...), c(complaint.Return{}): at(true, referred...),
		c(complaint.Respond{}): at(true, working...), c(complaint.RequestExtension{}): at(true, working...),
		c(complaint.RecordFinding{}): at(true, working...), c(complaint.Resolve{}): at(true, working...),
		c(complaint.DecideExtension{}): at(false, append(slices.Clone(working), dept{complaint.RequestExtension{DueDate: later(t), Reason: "r"}})...),
		c(complaint.Suspend{}):         at(false, working...), c(complaint.Resume{}): at(false, append(slices.Clone(working), complaint.Suspend{Reason: "r"})...),
		c(complaint.OrderSupervision{}): at(false, working...), c(complaint.RequireRectification{}): at(false, found...),
		c(complaint.ReportRectification{}):  at(true, required...),
		c(complaint.VerifyRectification{}):  at(false, append(slices.Clone(required), dept{complaint.ReportRectification{RectificationID: "rect-1", Summary: "s"}})...),
		c(complaint.RecordAccountability{}): at(false, found...), c(complaint.Reply{}): at(false, resolved...),
		c(complaint.RecordSatisfaction{}): at(false, replied...),
		c(complaint.Reopen{}):             at(false, append(slices.Clone(replied), complaint.RecordSatisfaction{Level: "dissatisfied"})...),
		c(complaint.Close{}):              at(false, append(slices.Clone(replied), complaint.RecordSatisfaction{Level: "satisfied"})...),
	}
}

// documentedBody is the body the document describes with only its required
// fields (and its switches) filled with their examples; dates and the ids a
// path fills are given values that fit the case.
func documentedBody(t *testing.T, typ reflect.Type, c *complaint.Case) reflect.Value {
	t.Helper()
	v := reflect.New(typ).Elem()
	for i := range typ.NumField() {
		f := typ.Field(i)
		r := ruleOf(f)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		fv := v.Field(i)
		switch {
		case name == "requestId" && len(c.Extensions) > 0:
			fv.SetString(c.Extensions[len(c.Extensions)-1].RequestID)
		case name == "rectificationId" && len(c.Rectifications) > 0:
			fv.SetString(c.Rectifications[len(c.Rectifications)-1].ID)
		case f.Type.Kind() == reflect.Bool && r.ex != "":
			fv.SetBool(r.ex == "true")
		case !r.required:
		case r.format == "date":
			fv.SetString(later(t))
		case f.Type.Kind() == reflect.String:
			if r.ex == "" {
				t.Fatalf("%s.%s is required but has no example", typ.Name(), f.Name)
			}
			fv.SetString(r.ex)
		case f.Type.Kind() == reflect.Slice:
			fv.Set(reflect.ValueOf([]string{r.ex}))
		}
	}
	return v
}

// refusedOn reports whether err refuses field.
func refusedOn(err error, field string) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Field == field
}

func TestDocumentAgreesWithValidation(t *testing.T) {
	t.Parallel()
	enums := enumerations(complaint.DefaultTaxonomy())
	byType := states(t)
	checked := 0
	for _, rt := range testServer().allRoutes() {
		if rt.doc.body == nil {
			continue
		}
		typ := reflect.TypeOf(rt.doc.body)
		state, ok := byType[typ]
		if !ok {
			continue
		}
		checked++
		decide := func(body reflect.Value) error {
			c, byDept := state()
			_, err := c.Decide(body.Interface().(complaint.Command), ruleEnv(t, byDept))
			return err
		}
		c, _ := state()
		base := documentedBody(t, typ, c)
		if err := decide(base); err != nil {
			t.Errorf("%s %s: the documented body %+v is refused: %v", rt.method, rt.pattern, base.Interface(), err)
			continue
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			r := ruleOf(f)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Type.Kind() != reflect.String && f.Type.Kind() != reflect.Slice || name == "-" {
				continue
			}
			with := func(set func(reflect.Value)) error {
				body := reflect.New(typ).Elem()
				body.Set(base)
				set(body.Field(i))
				return decide(body)
			}
			if r.required {
				if err := with(func(v reflect.Value) { v.Set(reflect.Zero(f.Type)) }); !refusedOn(err, name) {
					t.Errorf("%s: %s is documented as required, but a body without it gets %v", rt.pattern, name, err)
				}
			}
			if codes, ok := enums[r.enum]; ok && f.Type.Kind() == reflect.String {
				if err := with(func(v reflect.Value) { v.SetString("no_such_code") }); !refusedOn(err, name) {
					t.Errorf("%s: %s takes %v, but a code outside gets %v", rt.pattern, name, codes, err)
				}
			}
			// A field given only in some cases (a reason with a denial)
			// is refused in the others whatever its length.
			conditional := f.Type.Kind() == reflect.String && with(func(v reflect.Value) { v.SetString("x") }) != nil
			if r.max > 0 && f.Type.Kind() == reflect.String && !conditional {
				if err := with(func(v reflect.Value) { v.SetString(strings.Repeat("字", r.max+1)) }); !refusedOn(err, name) {
					t.Errorf("%s: %s is documented as at most %d characters, but %d get %v", rt.pattern, name, r.max, r.max+1, err)
				}
				if err := with(func(v reflect.Value) { v.SetString(strings.Repeat("字", r.max)) }); refusedOn(err, name) {
					t.Errorf("%s: %s is documented as at most %d characters, and %d are refused: %v", rt.pattern, name, r.max, r.max, err)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked %d command routes; the lifecycle has more", checked)
	}
}

// TestFilingDocumentAgreesWithValidation: the same for the filing's body.
func TestFilingDocumentAgreesWithValidation(t *testing.T) {
	t.Parallel()
	file := func(req fileComplaintRequest) error {
		cmd := complaint.FileComplaint{Channel: req.Channel, Categories: req.Categories, IssueTypes: req.IssueTypes,
			Title: req.Title, Description: req.Description, Complainant: complaint.Complainant(req.Complainant),
			MonitoringPointID: req.MonitoringPointID, RespondentDepartmentID: req.RespondentDepartmentID}
		_, err := (&complaint.Case{}).File("case-1", cmd, complaint.DefaultTaxonomy(), rulesNow)
		return err
	}
	var base fileComplaintRequest
	raw, _ := json.Marshal(map[string]any{"channel": "hotline", "categories": []string{"efficiency"}, "title": "施工许可审批超期",
		"description": "材料齐全，二十个工作日未批复", "complainant": map[string]any{"name": "张三"}})
	if err := json.Unmarshal(raw, &base); err != nil {
		t.Fatal(err)
	}
	if err := file(base); err != nil {
		t.Fatalf("the documented filing is refused: %v", err)
	}
	enums := enumerations(complaint.DefaultTaxonomy())
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		f := typ.Field(i)
		r := ruleOf(f)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		body := base
		field := reflect.ValueOf(&body).Elem().Field(i)
		if r.required {
			field.Set(reflect.Zero(f.Type))
			if err := file(body); !refusedOn(err, name) {
				t.Errorf("%s is documented as required, but a filing without it gets %v", name, err)
			}
		}
		if _, ok := enums[r.enum]; ok {
			body = base
			field := reflect.ValueOf(&body).Elem().Field(i)
			switch f.Type.Kind() {
			case reflect.String:
				field.SetString("no_such_code")
			case reflect.Slice:
				field.Set(reflect.ValueOf([]string{"no_such_code"}))
			}
			if err := file(body); !refusedOn(err, name) {
				t.Errorf("%s takes an enumeration, but a code outside gets %v", name, err)
			}
		}
	}
}
