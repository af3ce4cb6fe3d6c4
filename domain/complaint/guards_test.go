package complaint

import (
	"testing"

	"github.com/watchpost/watchpost/domain"
)

// TestDepartmentGuard: a department acts only on the case it holds and only
// takes department steps; any other case is "not found", whatever its status,
// so a department learns nothing of other departments' cases (nor of the
// cases the center handles itself).
func TestDepartmentGuard(t *testing.T) {
	t.Parallel()
	// Where each department step succeeds when the holding department takes it.
	holderOK := map[Step]string{
		StepAcknowledge:         "referred",
		StepReturn:              "in_progress/department",
		StepRespond:             "in_progress/department",
		StepRequestExtension:    "in_progress/department",
		StepRecordFinding:       "in_progress/department",
		StepReportRectification: "in_progress/rectification_required",
		StepResolve:             "in_progress/substantiated",
	}
	for _, step := range Steps() {
		if !DepartmentStep(step) {
			continue
		}
		name, ok := holderOK[step]
		if !ok {
			t.Errorf("no scenario for department step %s", step)
			continue
		}
		t.Run(string(step), func(t *testing.T) {
			t.Parallel()
			c := mustBuild(t, name)
			if _, err := c.Decide(validCommand(step, c), later(dept1)); err != nil {
				t.Errorf("the holding department: %v", err)
			}
			_, err := c.Decide(validCommand(step, c), later(outside))
			wantError(t, err, domain.CodeNotFound, "id", "no case "+caseID)
		})
	}

	tests := []struct {
		name     string
		scenario string
		dept     string
		cmd      Command
		code     domain.Code
	}{
		// Another department: not found, in every status, even where the
		// step is not allowed (a 409 would tell it the case exists).
		{"other department, referred", "referred", outside, Acknowledge{}, domain.CodeNotFound},
		{"other department, wrong status", "filed", outside, Acknowledge{}, domain.CodeNotFound},
		{"other department, closed", "closed", outside, Respond{Summary: "s"}, domain.CodeNotFound},
		{"other department, invalid input", "in_progress/department", outside, Respond{}, domain.CodeNotFound},
		{"direct handling is the center's", "in_progress/center", dept1, Respond{Summary: "s"}, domain.CodeNotFound},
		{"self handling is the center's", "in_progress/self", dept1, RecordFinding{Finding: FindingPartly, Summary: "s"}, domain.CodeNotFound},
		{"a returned case is no longer the department's", "returned", dept1, Respond{Summary: "s"}, domain.CodeNotFound},
		{"a new referral is the new department's", "returned", dept2, Acknowledge{}, domain.CodeNotFound},
		{"legacy Resolve.DepartmentID of another department", "in_progress/department", "", Resolve{Outcome: "resolved", Summary: "s", DepartmentID: outside}, domain.CodeNotFound},
		{"legacy and actor disagree", "in_progress/department", dept1, Resolve{Outcome: "resolved", Summary: "s", DepartmentID: outside}, domain.CodeNotFound},
		{"other department on a case not filed", "none", outside, Acknowledge{}, domain.CodeNotFound},

		// The holding department, on steps that are not its to take.
		{"department accepts", "filed", dept1, Accept{Mode: ModeSelf}, domain.CodeNotFound}, // no department holds a filed case
		{"department refers on", "in_progress/department", dept1, Refer{DepartmentID: dept2}, domain.CodeForbidden},
		{"department decides its own extension", "in_progress/extension_pending", dept1, DecideExtension{RequestID: "ext-1", Grant: true}, domain.CodeForbidden},
		{"department verifies its own rectification", "in_progress/rectification_reported", dept1, VerifyRectification{RectificationID: "rect-1", Accepted: true}, domain.CodeForbidden},
		{"department suspends", "in_progress/department", dept1, Suspend{Reason: "r"}, domain.CodeForbidden},
		{"department orders supervision", "in_progress/department", dept1, OrderSupervision{Level: LevelUrge}, domain.CodeForbidden},
		{"department records accountability", "resolved", dept1, RecordAccountability{Subject: "x", Measure: MeasureCriticism}, domain.CodeForbidden},
		{"department replies", "resolved", dept1, Reply{Message: "m", Method: MethodWeb}, domain.CodeForbidden},
		{"department files", "none", dept1, FileComplaint{CaseID: "x"}, domain.CodeForbidden},

		// The holding department's own steps, against the lifecycle: 409.
		{"department resolves before acknowledging", "referred", dept1, Resolve{Outcome: "resolved", Summary: "s"}, domain.CodeStateConflict},
		{"legacy resolve before acknowledging", "referred", "", Resolve{Outcome: "resolved", Summary: "s", DepartmentID: dept1}, domain.CodeStateConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustBuild(t, tt.scenario)
			before := snapshot(t, c)
			_, err := c.Decide(tt.cmd, later(tt.dept))
			if err == nil {
				t.Fatalf("accepted, want %s", tt.code)
			}
			if de := domainError(t, err); de.Code != tt.code {
				t.Errorf("%v (%s), want %s", err, de.Code, tt.code)
			}
			if snapshot(t, c) != before {
				t.Error("the refusal changed the case")
			}
		})
	}
}

// TestLegacyMethods: File, Refer and Resolve keep working as before, through
// Decide.
func TestLegacyMethods(t *testing.T) {
	t.Parallel()
	tax := DefaultTaxonomy()
	c := &Case{}
	events, err := c.File("case-x", filing(), tax, t0)
	if err != nil || len(events) != 1 || events[0].(ComplaintFiled).CaseID != "case-x" {
		t.Fatalf("File: %v %v", events, err)
	}
	applyAll(t, c, events)
	if _, err := c.File("case-y", filing(), tax, t0); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Errorf("File twice: %v", err)
	}
	events, err = c.Refer(Refer{DepartmentID: dept1}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].(CaseReferred).DepartmentID != dept1 {
		t.Fatalf("Refer from filed: %#v, want one CaseReferred", events)
	}
	applyAll(t, c, events)
	if c.Mode != ModeReferral || !c.AcceptedAt.Equal(t0) {
		t.Fatalf("a referral from intake did not accept the case for referral: mode %q accepted %s", c.Mode, c.AcceptedAt)
	}
	_, err = c.Resolve(Resolve{Outcome: "resolved", Summary: "s"}, tax, t0)
	wantError(t, err, domain.CodeStateConflict, "", "cannot resolve a case that is referred")
	do(t, c, later(dept1), Acknowledge{})
	_, err = c.Resolve(Resolve{Outcome: "resolved", Summary: "s", DepartmentID: outside}, tax, t0)
	wantError(t, err, domain.CodeNotFound, "id", "no case case-x")
	events, err = c.Resolve(Resolve{Outcome: "resolved", Summary: "s", DepartmentID: dept1}, tax, t0)
	if err != nil {
		t.Fatal(err)
	}
	applyAll(t, c, events)
	if c.Status != StatusResolved || c.Resolution == nil || c.Resolution.Outcome != "resolved" {
		t.Errorf("after Resolve: %+v", c)
	}
}

// TestGuards: the rules beyond the status.
func TestGuards(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		scenario string
		extra    []act // after the scenario
		dept     string
		cmd      Command
		code     domain.Code
		field    string
		words    []string
	}{
		{"re-refer to the returning department", "returned", nil, "", Refer{DepartmentID: dept1}, domain.CodeInvalid, "departmentId", []string{dept1}},
		{"re-refer after a second return", "returned", []act{staff(Refer{DepartmentID: dept2}), by(dept2, Return{Reason: "not ours either"})}, "", Refer{DepartmentID: dept2}, domain.CodeInvalid, "departmentId", []string{dept2}},

		{"respond twice", "in_progress/department", []act{respondDept1}, dept1, Respond{Summary: "again"}, domain.CodeStateConflict, "", []string{"already responded", "respond", "in_progress"}},
		{"return after responding", "in_progress/department", []act{respondDept1}, dept1, Return{Reason: "r"}, domain.CodeStateConflict, "", []string{"already responded", "return"}},
		{"return a center-handled case", "in_progress/center", nil, "", Return{Reason: "r"}, domain.CodeStateConflict, "", []string{"return", "in_progress"}},

		{"second pending extension", "in_progress/extension_pending", nil, dept1, RequestExtension{DueDate: date(50), Reason: "r"}, domain.CodeStateConflict, "", []string{"ext-1", "pending"}},
		{"extension not after the granted one", "in_progress/extension_pending", []act{staff(DecideExtension{RequestID: "ext-1", Grant: true})}, dept1, RequestExtension{DueDate: date(30), Reason: "r"}, domain.CodeInvalid, "dueDate", []string{date(30)}},
		{"decide an unknown request", "in_progress/extension_pending", nil, "", DecideExtension{RequestID: "ext-7", Grant: true}, domain.CodeNotFound, "requestId", []string{"ext-7"}},
		{"decide a decided request", "in_progress/extension_pending", []act{staff(DecideExtension{RequestID: "ext-1", Reason: "no"})}, "", DecideExtension{RequestID: "ext-1", Grant: true}, domain.CodeStateConflict, "", []string{"ext-1", "denied"}},
		{"decide a lapsed request", "in_progress/extension_pending", []act{by(dept1, Return{Reason: "r"}), staff(Refer{DepartmentID: dept2}), by(dept2, Acknowledge{})}, "", DecideExtension{RequestID: "ext-1", Grant: true}, domain.CodeStateConflict, "", []string{"lapsed"}},
		{"resolve with a pending extension", "in_progress/extension_pending", nil, dept1, Resolve{Outcome: "resolved", Summary: "s"}, domain.CodeStateConflict, "", []string{"ext-1", "resolve", "in_progress"}},
		{"resolve with a pending extension before validation", "in_progress/extension_pending", nil, dept1, Resolve{}, domain.CodeStateConflict, "", nil},

		{"rectification without a finding", "in_progress/department", nil, "", RequireRectification{Items: []string{"a"}, DueDate: date(9)}, domain.CodeStateConflict, "", []string{"no investigation finding"}},
		{"rectification after an unsubstantiated finding", "in_progress/substantiated", []act{by(dept1, RecordFinding{Finding: FindingUnsubstantiated, Summary: "s"})}, "", RequireRectification{Items: []string{"a"}, DueDate: date(9)}, domain.CodeStateConflict, "", []string{"unsubstantiated", "require_rectification"}},
		{"second open rectification", "in_progress/rectification_rejected", nil, "", RequireRectification{Items: []string{"a"}, DueDate: date(9)}, domain.CodeStateConflict, "", []string{"rect-1", "rejected"}},
		{"report an unknown rectification", "in_progress/rectification_required", nil, dept1, ReportRectification{RectificationID: "rect-2", Summary: "s"}, domain.CodeNotFound, "rectificationId", []string{"rect-2"}},
		{"report twice", "in_progress/rectification_reported", nil, dept1, ReportRectification{RectificationID: "rect-1", Summary: "s"}, domain.CodeStateConflict, "", []string{"rect-1", "reported"}},
		{"report an accepted rectification", "in_progress/rectification_reported", []act{staff(VerifyRectification{RectificationID: "rect-1", Accepted: true})}, dept1, ReportRectification{RectificationID: "rect-1", Summary: "s"}, domain.CodeStateConflict, "", []string{"accepted"}},
		{"verify before the report", "in_progress/rectification_required", nil, "", VerifyRectification{RectificationID: "rect-1", Accepted: true}, domain.CodeStateConflict, "", []string{"not reported"}},
		{"verify after a rejection", "in_progress/rectification_rejected", nil, "", VerifyRectification{RectificationID: "rect-1", Accepted: true}, domain.CodeStateConflict, "", []string{"rejected"}},
		{"resolve with a rectification required", "in_progress/rectification_required", nil, dept1, Resolve{Outcome: "resolved", Summary: "s"}, domain.CodeStateConflict, "", []string{"rect-1"}},
		{"resolve with a rectification reported", "in_progress/rectification_reported", nil, "", Resolve{Outcome: "resolved", Summary: "s"}, domain.CodeStateConflict, "", []string{"rect-1"}},
		{"resolve with a rectification rejected", "in_progress/rectification_rejected", nil, dept1, Resolve{Outcome: "resolved", Summary: "s"}, domain.CodeStateConflict, "", []string{"rect-1"}},
		{"return with a rectification open", "in_progress/rectification_required", nil, "", Return{Reason: "r"}, domain.CodeStateConflict, "", nil},

		{"accountability without a finding", "in_progress/department", nil, "", RecordAccountability{Subject: "x", Measure: MeasureSanction}, domain.CodeStateConflict, "", []string{"no investigation finding"}},
		{"accountability after an unsubstantiated finding", "in_progress/substantiated", []act{by(dept1, RecordFinding{Finding: FindingUnsubstantiated, Summary: "s"})}, "", RecordAccountability{Subject: "x", Measure: MeasureSanction}, domain.CodeStateConflict, "", []string{"unsubstantiated"}},

		{"reopen without satisfaction", "replied", nil, "", Reopen{Reason: "r"}, domain.CodeStateConflict, "", []string{"no satisfaction"}},
		{"reopen when satisfied", "replied", []act{staff(RecordSatisfaction{Level: SatisfactionSatisfied})}, "", Reopen{Reason: "r"}, domain.CodeStateConflict, "", []string{"satisfied"}},
		{"reopen when basically satisfied", "replied", []act{staff(RecordSatisfaction{Level: SatisfactionBasically})}, "", Reopen{Reason: "r"}, domain.CodeStateConflict, "", []string{"basically_satisfied"}},
		{"reopen a complaint not accepted", "replied/not_accepted", []act{staff(RecordSatisfaction{Level: SatisfactionDissatisfied})}, "", Reopen{Reason: "r"}, domain.CodeStateConflict, "", []string{"not accepted"}},
		{"satisfaction twice for one reply", "replied/dissatisfied", nil, "", RecordSatisfaction{Level: SatisfactionSatisfied}, domain.CodeStateConflict, "", []string{"already recorded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustBuild(t, tt.scenario)
			for i, a := range tt.extra {
				do(t, c, envAt(50+i, a.By), a.Cmd)
			}
			before := snapshot(t, c)
			_, err := c.Decide(tt.cmd, later(tt.dept))
			wantError(t, err, tt.code, tt.field, tt.words...)
			if snapshot(t, c) != before {
				t.Error("the refusal changed the case")
			}
		})
	}
}

// TestGuardsLift: what a guard refuses becomes possible once its reason is
// gone.
func TestGuardsLift(t *testing.T) {
	t.Parallel()
	t.Run("a second response after a re-referral", func(t *testing.T) {
		t.Parallel()
		c := mustBuild(t, "in_progress/department")
		do(t, c, later(dept1), Respond{Summary: "s"})
		do(t, c, later(""), Suspend{Reason: "r"})
		do(t, c, later(""), Resume{})
		if _, err := c.Decide(Return{Reason: "r"}, later(dept1)); err == nil {
			t.Fatal("returned after responding")
		}
		c2 := mustBuild(t, "returned")
		do(t, c2, later(""), Refer{DepartmentID: dept2})
		do(t, c2, later(dept2), Acknowledge{})
		do(t, c2, later(dept2), Respond{Summary: "s"})
	})
	t.Run("a new extension after a decision", func(t *testing.T) {
		t.Parallel()
		c := mustBuild(t, "in_progress/extension_pending")
		do(t, c, later(""), DecideExtension{RequestID: "ext-1", Reason: "no"})
		ev := do(t, c, later(dept1), RequestExtension{DueDate: date(20), Reason: "again"})
		if id := ev[0].(ExtensionRequested).RequestID; id != "ext-2" {
			t.Errorf("second request id %q, want ext-2", id)
		}
	})
	t.Run("a new rectification after acceptance", func(t *testing.T) {
		t.Parallel()
		c := mustBuild(t, "in_progress/rectification_reported")
		do(t, c, later(""), VerifyRectification{RectificationID: "rect-1", Accepted: true})
		ev := do(t, c, later(""), RequireRectification{Items: []string{"more"}, DueDate: date(15)})
		if id := ev[0].(RectificationRequired).RectificationID; id != "rect-2" {
			t.Errorf("second rectification id %q, want rect-2", id)
		}
	})
	t.Run("the return of a pending request lets it lapse", func(t *testing.T) {
		t.Parallel()
		c := mustBuild(t, "in_progress/extension_pending")
		do(t, c, later(dept1), Return{Reason: "misrouted"})
		if _, ok := c.PendingExtension(); ok || c.Extensions[0].Status != ExtensionStatusLapsed {
			t.Fatalf("extensions after the return: %+v", c.Extensions)
		}
		do(t, c, later(""), Refer{DepartmentID: dept2})
		do(t, c, later(dept2), Acknowledge{})
		do(t, c, later(dept2), RequestExtension{DueDate: date(20), Reason: "r"})
	})
}
