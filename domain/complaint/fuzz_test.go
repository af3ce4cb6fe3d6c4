package complaint

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/domain"
)

// foreign is a command this package does not know.
type foreign struct{ step Step }

func (f foreign) Step() Step { return f.step }

// fuzzCommand builds a command for step from the fuzzer's strings.
func fuzzCommand(step string, a, b, c string, flag bool) Command {
	switch Step(step) {
	case StepFile:
		return FileComplaint{CaseID: a, Channel: b, Title: c, Description: a,
			Complainant: Complainant{Name: b, Anonymous: flag}, Categories: []string{c}}
	case StepAccept:
		return Accept{Mode: a, Note: b}
	case StepNotAccept:
		return NotAccept{Reason: a}
	case StepRefer:
		return Refer{DepartmentID: a, Note: b}
	case StepAcknowledge:
		return Acknowledge{}
	case StepReturn:
		return Return{Reason: a}
	case StepRespond:
		return Respond{Summary: a}
	case StepRequestExtension:
		return RequestExtension{DueDate: a, Reason: b}
	case StepDecideExtension:
		return DecideExtension{RequestID: a, Grant: flag, DueDate: b, Reason: c}
	case StepSuspend:
		return Suspend{Reason: a}
	case StepResume:
		return Resume{Note: a}
	case StepOrderSupervision:
		return OrderSupervision{Level: a, Note: b, Source: c}
	case StepRecordFinding:
		return RecordFinding{Finding: a, Summary: b}
	case StepRequireRectification:
		return RequireRectification{DueDate: a, Items: strings.Split(b, "|")}
	case StepReportRectification:
		return ReportRectification{RectificationID: a, Summary: b}
	case StepVerifyRectification:
		return VerifyRectification{RectificationID: a, Accepted: flag, Note: b}
	case StepRecordAccountability:
		return RecordAccountability{Subject: a, Measure: b, Note: c}
	case StepResolve:
		cmd := Resolve{Outcome: a, Summary: b}
		if flag {
			cmd.DepartmentID = c
		}
		return cmd
	case StepReply:
		return Reply{Message: a, Method: b}
	case StepRecordSatisfaction:
		return RecordSatisfaction{Level: a, Note: b}
	case StepReopen:
		return Reopen{Reason: a}
	case StepClose:
		return Close{Note: a}
	}
	return foreign{Step(step)}
}

// FuzzDecide: any step with any input on a case in any status either
// returns events that apply cleanly (and only where the table and the
// department guard allow the step) or a *domain.Error; it never panics and
// never changes the case.
func FuzzDecide(f *testing.F) {
	f.Fuzz(func(t *testing.T, which uint8, step string, a, b, c string, flag bool, actor uint8) {
		s := scenarios[int(which)%len(scenarios)]
		cs, _, err := build(s)
		if err != nil {
			t.Fatal(err)
		}
		dept := [...]string{"", dept1, dept2, outside, a}[int(actor)%5]
		cmd := fuzzCommand(step, a, b, c, flag)
		before := snapshot(t, cs)
		events, err := cs.Decide(cmd, later(dept))
		if snapshot(t, cs) != before {
			t.Fatalf("%s: Decide changed the case", s.name)
		}
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || err != error(de) {
				t.Fatalf("%s: %s: error %v (%T) is not a *domain.Error", s.name, step, err, err)
			}
			if !slices.Contains([]domain.Code{domain.CodeInvalid, domain.CodeNotFound, domain.CodeStateConflict, domain.CodeForbidden}, de.Code) {
				t.Fatalf("unknown code %q", de.Code)
			}
			return
		}
		if len(events) == 0 {
			t.Fatalf("%s: %s: neither events nor an error", s.name, step)
		}
		if !Allows(cs.Status, cmd.Step()) {
			t.Fatalf("%s: %s decided in %q, which the table does not allow", s.name, step, cs.Status)
		}
		if dept != "" && (!DepartmentStep(cmd.Step()) || dept != cs.DepartmentID) {
			t.Fatalf("%s: department %q took %s on a case held by %q", s.name, dept, step, cs.DepartmentID)
		}
		next := clone(t, cs)
		for _, e := range events {
			if err := next.Apply(e); err != nil {
				t.Fatalf("%s: %s: apply %s: %v", s.name, step, e.EventType(), err)
			}
			data, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Decode(e.EventType(), data)
			if err != nil {
				t.Fatalf("decode %s: %v", e.EventType(), err)
			}
			again, _ := json.Marshal(back)
			if string(again) != string(data) {
				t.Fatalf("%s does not survive JSON:\n%s\n%s", e.EventType(), data, again)
			}
			if Summary(e, DefaultTaxonomy()).String() == "" {
				t.Fatalf("%s: empty summary", e.EventType())
			}
		}
		if !slices.Contains(Statuses(), next.Status) || next.Status == StatusNone {
			t.Fatalf("%s: %s led to status %q", s.name, step, next.Status)
		}
	})
}

// FuzzDecode: any type and payload decodes to an event or an error without
// panicking; a decoded event survives JSON again, and its summary and its
// application to a case do not panic either.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		e, err := Decode(typ, data)
		if err != nil {
			if e != nil {
				t.Fatal("an event and an error")
			}
			return
		}
		if e.EventType() != typ {
			t.Fatalf("decoded %s as %s", typ, e.EventType())
		}
		once, err := json.Marshal(e)
		if err != nil {
			return // a time outside what JSON can hold
		}
		e2, err := Decode(typ, once)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		twice, _ := json.Marshal(e2)
		if string(once) != string(twice) {
			t.Fatalf("not stable:\n%s\n%s", once, twice)
		}
		_ = Summary(e, DefaultTaxonomy())
		for _, name := range []string{"none", "filed", "in_progress/rectification_reported", "suspended/extension_pending", "replied"} {
			c := mustBuild(t, name)
			_ = c.Apply(e)
		}
	})
}
