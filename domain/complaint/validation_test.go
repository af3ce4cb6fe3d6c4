package complaint

import (
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/calendar"
)

// TestValidation: every invalid input is refused with CodeInvalid naming the
// field, on a case whose status allows the step (so the refusal is the
// input's fault, not the lifecycle's).
func TestValidation(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("长", n) }
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "item"
		}
		return out
	}
	withFiling := func(f func(*FileComplaint)) FileComplaint {
		cmd := filing()
		cmd.CaseID = "case-2"
		f(&cmd)
		return cmd
	}
	tests := []struct {
		name     string
		scenario string
		cmd      Command
		field    string
		words    []string // the message mentions them
	}{
		// file
		{"file without id", "none", withFiling(func(c *FileComplaint) { c.CaseID = "" }), "caseId", nil},
		{"file with a bad id", "none", withFiling(func(c *FileComplaint) { c.CaseID = "a/b" }), "caseId", nil},
		{"file without channel", "none", withFiling(func(c *FileComplaint) { c.Channel = "" }), "channel", nil},
		{"file with unknown channel", "none", withFiling(func(c *FileComplaint) { c.Channel = "fax" }), "channel", nil},
		{"file received in the future", "none", withFiling(func(c *FileComplaint) { c.ReceivedAt = t0.Add(1000 * time.Hour) }), "receivedAt", nil},
		{"file received long ago", "none", withFiling(func(c *FileComplaint) { c.ReceivedAt = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC) }), "receivedAt", nil},
		{"file without complainant", "none", withFiling(func(c *FileComplaint) { c.Complainant = Complainant{} }), "complainant", nil},
		{"file anonymous with a name", "none", withFiling(func(c *FileComplaint) { c.Complainant.Anonymous = true }), "complainant.anonymous", nil},
		{"file without categories", "none", withFiling(func(c *FileComplaint) { c.Categories = nil }), "categories", nil},
		{"file with unknown issue", "none", withFiling(func(c *FileComplaint) { c.IssueTypes = []string{"x"} }), "issueTypes", nil},
		{"file without title", "none", withFiling(func(c *FileComplaint) { c.Title = " " }), "title", nil},
		{"file with a two-line title", "none", withFiling(func(c *FileComplaint) { c.Title = "a\nb" }), "title", nil},
		{"file without description", "none", withFiling(func(c *FileComplaint) { c.Description = "" }), "description", nil},

		// accept
		{"accept without mode", "filed", Accept{}, "mode", []string{"direct", "self", "referral", "supervised"}},
		{"accept with unknown mode", "filed", Accept{Mode: "urgent"}, "mode", []string{`"urgent"`, "direct", "supervised"}},
		{"accept with a control character", "filed", Accept{Mode: ModeSelf, Note: "a\x00b"}, "note", nil},
		{"accept with a long note", "filed", Accept{Mode: ModeSelf, Note: long(MaxNote + 1)}, "note", nil},

		// not_accept
		{"not accept without reason", "filed", NotAccept{Reason: " \n "}, "reason", nil},
		{"not accept with invalid UTF-8", "filed", NotAccept{Reason: "\xff"}, "reason", nil},

		// refer
		{"refer without department", "filed", Refer{}, "departmentId", nil},
		{"refer to a bad department id", "filed", Refer{DepartmentID: "dept 1"}, "departmentId", nil},
		{"refer to a long department id", "accepted/referral", Refer{DepartmentID: strings.Repeat("d", 65)}, "departmentId", nil},
		{"refer with a control character", "accepted/supervised", Refer{DepartmentID: dept2, Note: "\x07"}, "note", nil},
		{"re-refer to the returning department", "returned", Refer{DepartmentID: dept1}, "departmentId", []string{dept1}},

		// return, respond
		{"return without reason", "referred", Return{}, "reason", nil},
		{"return with a long reason", "in_progress/department", Return{Reason: long(MaxNote + 1)}, "reason", nil},
		{"respond without summary", "in_progress/department", Respond{}, "summary", nil},

		// request_extension
		{"extension without due date", "in_progress/department", RequestExtension{Reason: "r"}, "dueDate", nil},
		{"extension with a month 13", "in_progress/department", RequestExtension{DueDate: "2026-13-01", Reason: "r"}, "dueDate", nil},
		{"extension with 30 February", "in_progress/department", RequestExtension{DueDate: "2026-02-30", Reason: "r"}, "dueDate", nil},
		{"extension with slashes", "in_progress/department", RequestExtension{DueDate: "2026/04/01", Reason: "r"}, "dueDate", nil},
		{"extension with a time", "in_progress/department", RequestExtension{DueDate: "2026-04-01T00:00:00Z", Reason: "r"}, "dueDate", nil},
		{"extension due today", "in_progress/department", RequestExtension{DueDate: later("").Now.UTC().Format(DateLayout), Reason: "r"}, "dueDate", []string{"after today"}},
		{"extension due in the past", "in_progress/department", RequestExtension{DueDate: date(-3), Reason: "r"}, "dueDate", nil},
		{"extension due in two years", "in_progress/department", RequestExtension{DueDate: date(730), Reason: "r"}, "dueDate", nil},
		{"extension without reason", "in_progress/department", RequestExtension{DueDate: date(30)}, "reason", nil},

		// decide_extension
		{"decide without request id", "in_progress/extension_pending", DecideExtension{Grant: true}, "requestId", nil},
		{"grant with a bad date", "in_progress/extension_pending", DecideExtension{RequestID: "ext-1", Grant: true, DueDate: "soon"}, "dueDate", nil},
		{"grant with a past date", "suspended/extension_pending", DecideExtension{RequestID: "ext-1", Grant: true, DueDate: date(-1)}, "dueDate", nil},
		{"grant with a reason", "in_progress/extension_pending", DecideExtension{RequestID: "ext-1", Grant: true, Reason: "fine"}, "reason", nil},
		{"deny without reason", "in_progress/extension_pending", DecideExtension{RequestID: "ext-1"}, "reason", nil},
		{"deny with a due date", "in_progress/extension_pending", DecideExtension{RequestID: "ext-1", Reason: "no", DueDate: date(9)}, "dueDate", nil},

		// suspend, resume
		{"suspend without reason", "in_progress/department", Suspend{}, "reason", nil},
		{"resume with a control character", "suspended/referred", Resume{Note: "\x1b[31m"}, "note", nil},

		// order_supervision
		{"supervision without level", "referred", OrderSupervision{}, "level", []string{"urge", "supervise", "flag"}},
		{"supervision with unknown level", "returned", OrderSupervision{Level: "3"}, "level", []string{"urge"}},
		{"supervision from an unknown source", "accepted/referral", OrderSupervision{Level: LevelFlag, Source: "leader"}, "source", []string{"supervisor", "escalation"}},

		// record_finding
		{"finding without finding", "in_progress/department", RecordFinding{Summary: "s"}, "finding", []string{"substantiated", "partly", "unsubstantiated"}},
		{"finding unknown", "in_progress/center", RecordFinding{Finding: "true", Summary: "s"}, "finding", nil},
		{"finding without summary", "in_progress/center", RecordFinding{Finding: FindingPartly}, "summary", nil},

		// require_rectification
		{"rectification without items", "in_progress/substantiated", RequireRectification{DueDate: date(9)}, "items", nil},
		{"rectification with 21 items", "in_progress/substantiated", RequireRectification{Items: many(21), DueDate: date(9)}, "items", nil},
		{"rectification with an empty item", "in_progress/substantiated", RequireRectification{Items: []string{"a", " "}, DueDate: date(9)}, "items[1]", nil},
		{"rectification with a long item", "in_progress/substantiated", RequireRectification{Items: []string{long(MaxItem + 1)}, DueDate: date(9)}, "items[0]", nil},
		{"rectification with a two-line item", "in_progress/substantiated", RequireRectification{Items: []string{"a\nb"}, DueDate: date(9)}, "items[0]", nil},
		{"rectification without due date", "in_progress/substantiated", RequireRectification{Items: []string{"a"}}, "dueDate", nil},
		{"rectification due yesterday", "in_progress/substantiated", RequireRectification{Items: []string{"a"}, DueDate: date(-1)}, "dueDate", nil},

		// report_rectification, verify_rectification
		{"report without id", "in_progress/rectification_required", ReportRectification{Summary: "s"}, "rectificationId", nil},
		{"report without summary", "in_progress/rectification_required", ReportRectification{RectificationID: "rect-1"}, "summary", nil},
		{"verify without id", "in_progress/rectification_reported", VerifyRectification{Accepted: true}, "rectificationId", nil},
		{"reject without note", "in_progress/rectification_reported", VerifyRectification{RectificationID: "rect-1"}, "note", nil},

		// record_accountability
		{"accountability without subject", "in_progress/substantiated", RecordAccountability{Measure: MeasureAdmonition}, "subject", nil},
		{"accountability with a long subject", "resolved", RecordAccountability{Subject: long(MaxShortText + 1), Measure: MeasureAdmonition}, "subject", nil},
		{"accountability with a two-line subject", "replied", RecordAccountability{Subject: "a\nb", Measure: MeasureAdmonition}, "subject", nil},
		{"accountability without measure", "resolved", RecordAccountability{Subject: "Chief Li"}, "measure", []string{"criticism", "admonition", "transfer", "sanction", "dismissal"}},
		{"accountability with unknown measure", "resolved", RecordAccountability{Subject: "Chief Li", Measure: "fine"}, "measure", nil},

		// resolve
		{"resolve without outcome", "in_progress/department", Resolve{Summary: "s"}, "outcome", []string{"resolved", "explained", "unsubstantiated"}},
		{"resolve with unknown outcome", "in_progress/center", Resolve{Outcome: "fixed", Summary: "s"}, "outcome", []string{"explained"}},
		{"resolve without summary", "in_progress/center", Resolve{Outcome: "resolved"}, "summary", nil},

		// reply, satisfaction, reopen, close
		{"reply without message", "resolved", Reply{Method: MethodWeb}, "message", nil},
		{"reply with a long message", "not_accepted", Reply{Message: long(MaxReply + 1), Method: MethodWeb}, "message", nil},
		{"reply without method", "resolved", Reply{Message: "m"}, "method", []string{"phone", "letter", "sms", "visit", "web"}},
		{"reply by fax", "not_accepted", Reply{Message: "m", Method: "fax"}, "method", nil},
		{"satisfaction without level", "replied", RecordSatisfaction{}, "level", []string{"satisfied", "basically_satisfied", "dissatisfied"}},
		{"satisfaction unknown", "replied", RecordSatisfaction{Level: "happy"}, "level", nil},
		{"satisfaction with a long note", "replied", RecordSatisfaction{Level: SatisfactionSatisfied, Note: long(MaxNote + 1)}, "note", nil},
		{"reopen without reason", "replied/dissatisfied", Reopen{}, "reason", nil},
		{"close with invalid UTF-8", "replied", Close{Note: "ok\xc3"}, "note", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustBuild(t, tt.scenario)
			_, err := c.Decide(tt.cmd, later(""))
			wantError(t, err, domain.CodeInvalid, tt.field, tt.words...)
		})
	}
}

// TestValidInputIsCleaned: text is trimmed, dates and defaults filled in.
func TestValidInputIsCleaned(t *testing.T) {
	t.Parallel()
	c := mustBuild(t, "in_progress/department")
	events, err := c.Decide(Respond{Summary: "  called them \n"}, later(dept1))
	if err != nil {
		t.Fatal(err)
	}
	if got := events[0].(ResponseRecorded).Summary; got != "called them" {
		t.Errorf("summary %q, want it trimmed", got)
	}
	events, err = c.Decide(OrderSupervision{Level: LevelSupervise}, later(""))
	if err != nil {
		t.Fatal(err)
	}
	if got := events[0].(SupervisionOrdered).Source; got != SourceSupervisor {
		t.Errorf("source %q, want the default %q", got, SourceSupervisor)
	}
	events, err = c.Decide(RequestExtension{DueDate: " " + date(12) + " ", Reason: "r"}, later(dept1))
	if err != nil {
		t.Fatal(err)
	}
	if got := events[0].(ExtensionRequested); got.DueDate != date(12) || got.RequestID != "ext-1" {
		t.Errorf("extension request %+v, want due %s and id ext-1", got, date(12))
	}
}

// TestDueDateIsTakenInTheCalendarsZone: at 23:30 UTC it is already the next
// day in Beijing, so with a calendar in Beijing time the next UTC day is
// "today" and refused; without a calendar, days are UTC days.
func TestDueDateIsTakenInTheCalendarsZone(t *testing.T) {
	t.Parallel()
	cal, err := calendar.Default(time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	env := Env{Now: time.Date(2026, 5, 1, 23, 30, 0, 0, time.UTC), Calendar: cal} // 2 May, 07:30 in Beijing
	if _, err := dueDate("dueDate", "2026-05-02", env); err == nil {
		t.Error("2026-05-02 accepted as after today, but it is 2 May in Beijing")
	}
	if got, err := dueDate("dueDate", "2026-05-03", env); err != nil || got != "2026-05-03" {
		t.Errorf("2026-05-03: %q, %v", got, err)
	}
	env.Calendar = nil
	if got, err := dueDate("dueDate", "2026-05-02", env); err != nil || got != "2026-05-02" {
		t.Errorf("2026-05-02 in UTC: %q, %v", got, err)
	}
}

// TestExtensionDates: an extension ends with a working day, after the
// closure deadline it replaces.
func TestExtensionDates(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("CST", 8*3600)
	cal, err := calendar.Default(cst)
	if err != nil {
		t.Fatal(err)
	}
	// Wednesday 2 December 2026, 10:00 in Beijing; the closure deadline
	// ends with Friday 11 December.
	env := Env{Now: time.Date(2026, 12, 2, 10, 0, 0, 0, cst), Calendar: cal, ClosureDue: time.Date(2026, 12, 12, 0, 0, 0, 0, cst)}
	for _, tt := range []struct {
		date, wantErr string
	}{
		{"2026-12-03", "must end after the closure deadline it replaces (2026-12-11)"},
		{"2026-12-11", "must end after the closure deadline it replaces (2026-12-11)"},
		{"2026-12-05", "2026-12-05 is not a working day; the next working day is 2026-12-07"},
		{"2026-12-14", ""},
		{"2026-12-31", ""},
		{"2027-01-04", "2027"}, // no schedule loaded for 2027
	} {
		got, err := extensionDate("dueDate", tt.date, env)
		switch {
		case tt.wantErr == "" && (err != nil || got != tt.date):
			t.Errorf("%s: %q, %v", tt.date, got, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: %v, want an error with %q", tt.date, err, tt.wantErr)
		}
	}
}
