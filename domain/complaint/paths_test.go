package complaint

import (
	"slices"
	"testing"

	"github.com/watchpost/watchpost/domain"
)

// TestTypicalPaths drives whole cases through the domain, as the complaint
// center and the departments would, checking the status after every step
// and the state at the end.
func TestTypicalPaths(t *testing.T) {
	t.Parallel()
	type step struct {
		act
		want Status
	}
	s := func(a act, want Status) step { return step{a, want} }
	tests := []struct {
		name  string
		steps []step
		check func(t *testing.T, c *Case)
	}{
		{
			name: "referred and resolved",
			steps: []step{
				s(staff(Refer{DepartmentID: dept1}), StatusReferred),
				s(by(dept1, Acknowledge{}), StatusInProgress),
				s(by(dept1, Respond{Summary: "On it."}), StatusInProgress),
				s(by(dept1, Resolve{Outcome: "resolved", Summary: "Licence renewed."}), StatusResolved),
				s(staff(Reply{Message: "Renewed.", Method: MethodPhone}), StatusReplied),
				s(staff(RecordSatisfaction{Level: SatisfactionSatisfied}), StatusReplied),
				s(staff(Close{}), StatusClosed),
			},
			check: func(t *testing.T, c *Case) {
				if c.Mode != ModeReferral || c.HandledBy != HandledByDepartment || c.DepartmentID != dept1 || c.Referrals != 1 {
					t.Errorf("referral state: mode %q handledBy %q dept %q referrals %d", c.Mode, c.HandledBy, c.DepartmentID, c.Referrals)
				}
				if c.AcceptedAt.IsZero() || c.ReferredAt.IsZero() || c.AcknowledgedAt.IsZero() || c.RespondedAt.IsZero() || c.ClosedAt.IsZero() {
					t.Errorf("missing times: %+v", c)
				}
				if c.Resolution == nil || c.Resolution.Outcome != "resolved" || c.ReplyMethod != MethodPhone || c.Satisfaction != SatisfactionSatisfied {
					t.Errorf("outcome: %+v %q %q", c.Resolution, c.ReplyMethod, c.Satisfaction)
				}
				if c.Version != 8 { // filed, referred (which accepts), and 6 more
					t.Errorf("version %d, want 8", c.Version)
				}
			},
		},
		{
			name: "returned and re-referred",
			steps: []step{
				s(staff(Accept{Mode: ModeReferral}), StatusAccepted),
				s(staff(Refer{DepartmentID: dept1}), StatusReferred),
				s(by(dept1, Acknowledge{}), StatusInProgress),
				s(by(dept1, Return{Reason: "Misrouted: not our licence."}), StatusReturned),
				s(staff(OrderSupervision{Level: LevelUrge}), StatusReturned),
				s(staff(Refer{DepartmentID: dept2}), StatusReferred),
				s(by(dept2, Acknowledge{}), StatusInProgress),
				s(by(dept2, Resolve{Outcome: "resolved", Summary: "Done."}), StatusResolved),
			},
			check: func(t *testing.T, c *Case) {
				if c.Returns != 1 || c.ReturnedBy != dept1 || c.Referrals != 2 || c.DepartmentID != dept2 {
					t.Errorf("returns %d by %q, referrals %d, dept %q", c.Returns, c.ReturnedBy, c.Referrals, c.DepartmentID)
				}
				if _, err := c.Decide(RecordFinding{Finding: FindingPartly, Summary: "s"}, later(dept1)); domain.ErrorCode(err) != domain.CodeNotFound {
					t.Errorf("the returning department still sees the case: %v", err)
				}
			},
		},
		{
			name: "extended: requested, granted, resolved",
			steps: []step{
				s(staff(Refer{DepartmentID: dept1}), StatusReferred),
				s(by(dept1, Acknowledge{}), StatusInProgress),
				s(by(dept1, Respond{Summary: "Complex; will need time."}), StatusInProgress),
				s(by(dept1, RequestExtension{DueDate: date(30), Reason: "Site inspection needed."}), StatusInProgress),
				s(staff(DecideExtension{RequestID: "ext-1", Grant: true, DueDate: date(25)}), StatusInProgress),
				s(by(dept1, Resolve{Outcome: "resolved", Summary: "Inspected and fixed."}), StatusResolved),
			},
			check: func(t *testing.T, c *Case) {
				want := Extension{
					RequestID: "ext-1", DepartmentID: dept1, RequestedDueDate: date(30), Reason: "Site inspection needed.",
					Status: ExtensionStatusGranted, GrantedDueDate: date(25),
				}
				if len(c.Extensions) != 1 {
					t.Fatalf("extensions %+v", c.Extensions)
				}
				got := c.Extensions[0]
				if got.RequestedAt.IsZero() || got.DecidedAt.IsZero() || !got.DecidedAt.After(got.RequestedAt) {
					t.Errorf("extension times %v %v", got.RequestedAt, got.DecidedAt)
				}
				got.RequestedAt, got.DecidedAt = want.RequestedAt, want.DecidedAt
				if !slices.Equal([]Extension{got}, []Extension{want}) {
					t.Errorf("extension %+v\nwant      %+v", got, want)
				}
				if c.ExtendedDueDate != date(25) {
					t.Errorf("extended due date %q, want %q", c.ExtendedDueDate, date(25))
				}
			},
		},
		{
			name: "suspended and resumed",
			steps: []step{
				s(staff(Refer{DepartmentID: dept1}), StatusReferred),
				s(staff(Suspend{Reason: "Complainant abroad until Monday."}), StatusSuspended),
				s(staff(Resume{Note: "Back."}), StatusReferred),
				s(by(dept1, Acknowledge{}), StatusInProgress),
				s(by(dept1, RequestExtension{DueDate: date(20), Reason: "r"}), StatusInProgress),
				s(staff(Suspend{Reason: "Waiting for the contract copy."}), StatusSuspended),
				s(staff(DecideExtension{RequestID: "ext-1", Grant: true}), StatusSuspended),
				s(staff(OrderSupervision{Level: LevelSupervise, Source: SourceEscalation}), StatusSuspended),
				s(staff(Resume{}), StatusInProgress),
				s(by(dept1, Resolve{Outcome: "resolved", Summary: "s"}), StatusResolved),
			},
			check: func(t *testing.T, c *Case) {
				if c.Suspensions != 2 || !c.SuspendedAt.IsZero() || c.ResumeStatus != "" {
					t.Errorf("suspensions %d, suspendedAt %v, resumeStatus %q", c.Suspensions, c.SuspendedAt, c.ResumeStatus)
				}
				if c.ExtendedDueDate != date(20) || c.SupervisionLevel != 2 || c.Supervisions != 1 {
					t.Errorf("extended %q, supervision level %d count %d", c.ExtendedDueDate, c.SupervisionLevel, c.Supervisions)
				}
			},
		},
		{
			name: "rectification rejected, then accepted",
			steps: []step{
				s(staff(Accept{Mode: ModeSupervised}), StatusAccepted),
				s(staff(Refer{DepartmentID: dept1}), StatusReferred),
				s(by(dept1, Acknowledge{}), StatusInProgress),
				s(by(dept1, RecordFinding{Finding: FindingUnsubstantiated, Summary: "Nothing found."}), StatusInProgress),
				s(staff(RecordFinding{Finding: FindingSubstantiated, Summary: "On review: the fee was charged."}), StatusInProgress),
				s(staff(RequireRectification{Items: []string{"Refund the fee", "Remove it from the list"}, DueDate: date(14)}), StatusInProgress),
				s(by(dept1, ReportRectification{RectificationID: "rect-1", Summary: "Refunded."}), StatusInProgress),
				s(staff(VerifyRectification{RectificationID: "rect-1", Accepted: false, Note: "Still on the list."}), StatusInProgress),
				s(by(dept1, ReportRectification{RectificationID: "rect-1", Summary: "Removed too."}), StatusInProgress),
				s(staff(VerifyRectification{RectificationID: "rect-1", Accepted: true}), StatusInProgress),
				s(staff(RecordAccountability{Subject: "Head of the fees section", Measure: MeasureAdmonition}), StatusInProgress),
				s(staff(OrderSupervision{Level: LevelFlag}), StatusInProgress),
				s(staff(OrderSupervision{Level: LevelUrge}), StatusInProgress),
				s(by(dept1, Resolve{Outcome: "resolved", Summary: "Refunded and removed."}), StatusResolved),
				s(staff(RecordAccountability{Subject: "Deputy director", Measure: MeasureCriticism}), StatusResolved),
			},
			check: func(t *testing.T, c *Case) {
				if len(c.Rectifications) != 1 {
					t.Fatalf("rectifications %+v", c.Rectifications)
				}
				r := c.Rectifications[0]
				if r.ID != "rect-1" || r.Status != RectificationStatusAccepted || r.Rejections != 1 || r.VerifiedAt.IsZero() || r.ReportedAt.IsZero() ||
					!slices.Equal(r.Items, []string{"Refund the fee", "Remove it from the list"}) || r.DueDate != date(14) {
					t.Errorf("rectification %+v", r)
				}
				if c.Finding != FindingSubstantiated || len(c.Accountabilities) != 2 || c.Accountabilities[1].Measure != MeasureCriticism {
					t.Errorf("finding %q, accountabilities %+v", c.Finding, c.Accountabilities)
				}
				if c.SupervisionLevel != 3 || c.Supervisions != 2 {
					t.Errorf("supervision level %d (want the highest, 3), count %d", c.SupervisionLevel, c.Supervisions)
				}
			},
		},
		{
			name: "dissatisfied, reopened, resolved, replied, closed",
			steps: []step{
				s(staff(Refer{DepartmentID: dept1}), StatusReferred),
				s(by(dept1, Acknowledge{}), StatusInProgress),
				s(by(dept1, Respond{Summary: "s"}), StatusInProgress),
				s(by(dept1, RequestExtension{DueDate: date(10), Reason: "r"}), StatusInProgress),
				s(staff(DecideExtension{RequestID: "ext-1", Grant: true}), StatusInProgress),
				s(by(dept1, Resolve{Outcome: "resolved", Summary: "first answer"}), StatusResolved),
				s(staff(Reply{Message: "m", Method: MethodLetter}), StatusReplied),
				s(staff(RecordSatisfaction{Level: SatisfactionDissatisfied, Note: "nothing changed"}), StatusReplied),
				s(staff(Reopen{Reason: "The complainant says nothing changed."}), StatusInProgress),
				s(by(dept1, Resolve{Outcome: "resolved", Summary: "second answer"}), StatusResolved),
				s(staff(Reply{Message: "m2", Method: MethodVisit}), StatusReplied),
				s(staff(RecordSatisfaction{Level: SatisfactionBasically}), StatusReplied),
				s(staff(Close{Note: "done"}), StatusClosed),
			},
			check: func(t *testing.T, c *Case) {
				if c.Reopens != 1 || c.ReopenedAt.IsZero() || c.DepartmentID != dept1 || c.HandledBy != HandledByDepartment {
					t.Errorf("reopens %d at %v, dept %q %q", c.Reopens, c.ReopenedAt, c.DepartmentID, c.HandledBy)
				}
				if c.Resolution == nil || c.Resolution.Summary != "second answer" || c.Satisfaction != SatisfactionBasically || c.ReplyMethod != MethodVisit {
					t.Errorf("second round: %+v %q %q", c.Resolution, c.Satisfaction, c.ReplyMethod)
				}
				if c.ExtendedDueDate != "" || len(c.Extensions) != 1 {
					t.Errorf("the reopened case keeps the old extension as its deadline: %q", c.ExtendedDueDate)
				}
			},
		},
		{
			name: "explained under policy",
			steps: []step{
				s(staff(Refer{DepartmentID: dept1, Note: "fee policy question"}), StatusReferred),
				s(by(dept1, Acknowledge{}), StatusInProgress),
				s(by(dept1, RecordFinding{Finding: FindingUnsubstantiated, Summary: "The fee is set by provincial rules."}), StatusInProgress),
				s(by(dept1, Resolve{Outcome: "explained", Summary: "Explained the provincial fee rules (解释疏导)."}), StatusResolved),
				s(staff(Reply{Message: "The fee is lawful; here is why.", Method: MethodVisit}), StatusReplied),
				s(staff(RecordSatisfaction{Level: SatisfactionBasically}), StatusReplied),
				s(staff(Close{}), StatusClosed),
			},
			check: func(t *testing.T, c *Case) {
				if c.Resolution == nil || c.Resolution.Outcome != "explained" || c.Finding != FindingUnsubstantiated {
					t.Errorf("resolution %+v, finding %q", c.Resolution, c.Finding)
				}
			},
		},
		{
			name: "not accepted, replied, closed",
			steps: []step{
				s(staff(NotAccept{Reason: "A private contract dispute."}), StatusNotAccepted),
				s(staff(Reply{Message: "Please turn to the court.", Method: MethodSMS}), StatusReplied),
				s(staff(RecordSatisfaction{Level: SatisfactionDissatisfied}), StatusReplied),
				s(staff(Close{Reason: "A contract dispute belongs in court; the complainant was told so twice."}), StatusClosed),
			},
			check: func(t *testing.T, c *Case) {
				if c.NotAcceptedReason != "A private contract dispute." || c.Resolution != nil || c.DepartmentID != "" || c.Mode != "" {
					t.Errorf("not accepted: %+v", c)
				}
			},
		},
		{
			name: "center direct handling",
			steps: []step{
				s(staff(Accept{Mode: ModeDirect, Note: "直查快办"}), StatusInProgress),
				s(staff(Respond{Summary: "Called the bureau."}), StatusInProgress),
				s(staff(RecordFinding{Finding: FindingPartly, Summary: "Partly."}), StatusInProgress),
				s(staff(Suspend{Reason: "r"}), StatusSuspended),
				s(staff(Resume{}), StatusInProgress),
				s(staff(Resolve{Outcome: "resolved", Summary: "Settled on the phone."}), StatusResolved),
				s(staff(Reply{Message: "m", Method: MethodPhone}), StatusReplied),
				s(staff(Close{NoFollowUp: NoFollowUpUnreachable}), StatusClosed),
			},
			check: func(t *testing.T, c *Case) {
				if c.HandledBy != HandledByCenter || c.DepartmentID != "" || c.Referrals != 0 || c.Mode != ModeDirect || !c.CenterHandled() {
					t.Errorf("center handling: %q %q %d %q", c.HandledBy, c.DepartmentID, c.Referrals, c.Mode)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustBuild(t, "filed")
			var history []Event
			for i, st := range tt.steps {
				history = append(history, do(t, c, envAt(10+i, st.By), st.Cmd)...)
				if c.Status != st.want {
					t.Fatalf("after %s: %q, want %q", st.Cmd.Step(), c.Status, st.want)
				}
			}
			tt.check(t, c)
			filed := mustBuild(t, "filed")
			applyAll(t, filed, history)
			if snapshot(t, filed) != snapshot(t, c) {
				t.Error("replaying the history gives another case")
			}
		})
	}
}

// TestReopenStartsANewRound: a reopened case goes back to whoever handled it,
// without the outcome, reply and verdict of the last round, and with no
// extended deadline (it gets a new closure clock).
func TestReopenStartsANewRound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare []act
		holder  string
	}{
		{"department", []act{referDept1, ackDept1, respondDept1,
			requestExt, staff(DecideExtension{RequestID: "ext-1", Grant: true}), resolveDept1}, dept1},
		{"center", []act{staff(Accept{Mode: ModeSelf}), staff(Resolve{Outcome: "explained", Summary: "s"})}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustBuild(t, "filed")
			for i, a := range append(tt.prepare, replyPhone, dissatisfied) {
				do(t, c, envAt(10+i, a.By), a.Cmd)
			}
			responded := c.RespondedAt
			do(t, c, envAt(30, ""), Reopen{Reason: "Still nothing."})
			if c.Status != StatusInProgress || c.Reopens != 1 || !c.ReopenedAt.Equal(envAt(30, "").Now) {
				t.Errorf("status %q, reopens %d at %v", c.Status, c.Reopens, c.ReopenedAt)
			}
			if c.Resolution != nil || !c.RepliedAt.IsZero() || c.ReplyMethod != "" || c.Satisfaction != "" || !c.SatisfactionAt.IsZero() {
				t.Errorf("the last round is not cleared: %+v %v %q %q", c.Resolution, c.RepliedAt, c.ReplyMethod, c.Satisfaction)
			}
			if c.ExtendedDueDate != "" {
				t.Errorf("extended due date %q survives the reopening", c.ExtendedDueDate)
			}
			if c.DepartmentID != tt.holder || !c.RespondedAt.Equal(responded) {
				t.Errorf("department %q (want %q), respondedAt %v (want %v)", c.DepartmentID, tt.holder, c.RespondedAt, responded)
			}
			do(t, c, envAt(31, tt.holder), Resolve{Outcome: "resolved", Summary: "second round"})
			do(t, c, envAt(32, ""), Reply{Message: "m", Method: MethodWeb})
			do(t, c, envAt(33, ""), RecordSatisfaction{Level: SatisfactionSatisfied})
		})
	}
}

// TestClosingRules: every complainant gets a follow-up, or closing says why
// not; a dissatisfied complainant's case is reopened or closed with a reason;
// a case that was not accepted has nothing to reopen.
func TestClosingRules(t *testing.T) {
	t.Parallel()
	build := func(acts ...Command) *Case {
		c := &Case{}
		events, err := c.File("c1", FileComplaint{Channel: "hotline", Categories: []string{"efficiency"}, Title: "t", Description: "d",
			Complainant: Complainant{Name: "n"}, ReceivedAt: t0}, DefaultTaxonomy(), t0)
		if err != nil {
			t.Fatal(err)
		}
		applyAll(t, c, events)
		for i, cmd := range acts {
			events, err := c.Decide(cmd, envAt(i+1, ""))
			if err != nil {
				t.Fatalf("%T: %v", cmd, err)
			}
			applyAll(t, c, events)
		}
		return c
	}
	notAccepted := []Command{NotAccept{Reason: "r"}, Reply{Message: "m", Method: MethodPhone}}
	handled := []Command{Accept{Mode: ModeSelf}, Resolve{Outcome: "resolved", Summary: "s"}, Reply{Message: "m", Method: MethodPhone}}
	dissatisfied := append(slices.Clone(handled), RecordSatisfaction{Level: SatisfactionDissatisfied})
	for _, tt := range []struct {
		name      string
		acts      []Command
		close     Close
		wantField string // "" when closing succeeds
	}{
		{"no follow-up, no reason", handled, Close{}, "noFollowUp"},
		{"no follow-up, an unknown reason", handled, Close{NoFollowUp: "busy"}, "noFollowUp"},
		{"no follow-up, unreachable", handled, Close{NoFollowUp: NoFollowUpUnreachable}, ""},
		{"a follow-up and a no-follow-up reason", append(slices.Clone(handled), RecordSatisfaction{Level: SatisfactionSatisfied}), Close{NoFollowUp: NoFollowUpDeclined}, "noFollowUp"},
		{"satisfied", append(slices.Clone(handled), RecordSatisfaction{Level: SatisfactionSatisfied}), Close{}, ""},
		{"a reason although satisfied", append(slices.Clone(handled), RecordSatisfaction{Level: SatisfactionSatisfied}), Close{Reason: "r"}, "reason"},
		{"dissatisfied without a reason", dissatisfied, Close{}, "reason"},
		{"dissatisfied with a reason", dissatisfied, Close{Reason: "Explained twice; the demand is outside the law."}, ""},
		{"not accepted, anonymous follow-up impossible", notAccepted, Close{NoFollowUp: NoFollowUpAnonymous}, ""},
	} {
		c := build(tt.acts...)
		events, err := c.Decide(tt.close, later(""))
		switch {
		case tt.wantField == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantField == "" && events[0].(CaseClosed).NoFollowUp != tt.close.NoFollowUp:
			t.Errorf("%s: %+v", tt.name, events[0])
		case tt.wantField != "":
			wantError(t, err, domain.CodeInvalid, tt.wantField)
		}
	}
	if next := build(notAccepted...).NextSteps(); slices.Contains(next, StepReopen) {
		t.Errorf("a replied case that was not accepted offers %v", next)
	}
	if next := build(dissatisfied...).NextSteps(); !slices.Contains(next, StepReopen) || slices.Contains(next, StepRecordSatisfaction) {
		t.Errorf("a dissatisfied case offers %v", next)
	}
}
