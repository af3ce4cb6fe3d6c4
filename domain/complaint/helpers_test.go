package complaint

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// t0 is when the test cases are filed: 10:00 in Beijing on 10 March 2026.
var t0 = time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)

// The personal data of the test complainant: distinctive, so that a leak into
// a summary is found by a plain substring search.
const (
	secretName    = "Zhuge Kongming-7731"
	secretPhone   = "13912345678"
	secretID      = "330802199001011234"
	secretAddress = "88 Hidden Lane, Kecheng"
	secretContact = "kongming7731@example.cn"
)

const (
	caseID  = "case-1"
	dept1   = "dept-1" // the department the scenarios refer to
	dept2   = "dept-2" // another department, for re-referrals
	outside = "dept-9" // a department that never holds the case
)

// date is the calendar day n days after t0's day, "YYYY-MM-DD".
func date(n int) string { return t0.AddDate(0, 0, n).Format(DateLayout) }

// filing is a valid complaint with personal data.
func filing() FileComplaint {
	return FileComplaint{
		CaseID:  caseID,
		Channel: "monitoring_point",
		Complainant: Complainant{
			Name: secretName, Phone: secretPhone, IDNumber: secretID,
			Address: secretAddress, Contact: secretContact,
		},
		MonitoringPointID:      "mp-17",
		RespondentDepartmentID: dept1,
		Categories:             []string{"efficiency"},
		IssueTypes:             []string{"slow_action"},
		Title:                  "Business licence renewal stalled for three weeks",
		Description:            "The renewal was submitted on 2026-02-15 and no answer came.",
	}
}

// act is one command of a scenario, by center staff unless By is set.
type act struct {
	By  string // the acting department, if any
	Cmd Command
}

func staff(cmd Command) act           { return act{Cmd: cmd} }
func by(dept string, cmd Command) act { return act{By: dept, Cmd: cmd} }

// Reusable commands of the scenarios.
var (
	referDept1   = staff(Refer{DepartmentID: dept1, Note: "please handle"})
	ackDept1     = by(dept1, Acknowledge{})
	respondDept1 = by(dept1, Respond{Summary: "We called the company and are looking into it."})
	findingTrue  = by(dept1, RecordFinding{Finding: FindingSubstantiated, Summary: "The file sat on a desk."})
	requireRect  = staff(RequireRectification{Items: []string{"Process the renewal", "Set a reminder"}, DueDate: date(20)})
	reportRect   = by(dept1, ReportRectification{RectificationID: "rect-1", Summary: "Renewal issued; reminders set."})
	rejectRect   = staff(VerifyRectification{RectificationID: "rect-1", Accepted: false, Note: "Reminders not in place."})
	requestExt   = by(dept1, RequestExtension{DueDate: date(30), Reason: "Needs a site inspection."})
	resolveDept1 = by(dept1, Resolve{Outcome: "resolved", Summary: "Licence renewed."})
	replyPhone   = staff(Reply{Message: "Your licence has been renewed.", Method: MethodPhone})
	dissatisfied = staff(RecordSatisfaction{Level: SatisfactionDissatisfied})
)

// scenario is a case in a given status, reached by real commands.
type scenario struct {
	name   string
	status Status
	acts   []act // after filing; nil acts and status none: the empty case
}

// scenarios puts a case in every status, several of them in more than one
// way, so that the guards beyond the status are exercised too.
var scenarios = []scenario{
	{"none", StatusNone, nil},
	{"filed", StatusFiled, []act{}},
	{"not_accepted", StatusNotAccepted, []act{staff(NotAccept{Reason: "Outside our remit: a court matter."})}},
	{"accepted/referral", StatusAccepted, []act{staff(Accept{Mode: ModeReferral})}},
	{"accepted/supervised", StatusAccepted, []act{staff(Accept{Mode: ModeSupervised, Note: "督办"})}},
	{"referred", StatusReferred, []act{referDept1}},
	{"returned", StatusReturned, []act{referDept1, by(dept1, Return{Reason: "Not our licence."})}},
	{"in_progress/department", StatusInProgress, []act{referDept1, ackDept1}},
	{"in_progress/center", StatusInProgress, []act{staff(Accept{Mode: ModeDirect})}},
	{"in_progress/self", StatusInProgress, []act{staff(Accept{Mode: ModeSelf})}},
	{"in_progress/substantiated", StatusInProgress, []act{referDept1, ackDept1, respondDept1, findingTrue}},
	{"in_progress/rectification_required", StatusInProgress, []act{referDept1, ackDept1, respondDept1, findingTrue, requireRect}},
	{"in_progress/rectification_reported", StatusInProgress, []act{referDept1, ackDept1, respondDept1, findingTrue, requireRect, reportRect}},
	{"in_progress/rectification_rejected", StatusInProgress, []act{referDept1, ackDept1, respondDept1, findingTrue, requireRect, reportRect, rejectRect}},
	{"in_progress/extension_pending", StatusInProgress, []act{referDept1, ackDept1, requestExt}},
	{"in_progress/reopened", StatusInProgress, []act{referDept1, ackDept1, respondDept1, findingTrue, resolveDept1, replyPhone, dissatisfied, staff(Reopen{Reason: "Still no licence."})}},
	{"suspended/in_progress", StatusSuspended, []act{referDept1, ackDept1, staff(Suspend{Reason: "Waiting for documents."})}},
	{"suspended/referred", StatusSuspended, []act{referDept1, staff(Suspend{Reason: "Waiting for documents."})}},
	{"suspended/extension_pending", StatusSuspended, []act{referDept1, ackDept1, requestExt, staff(Suspend{Reason: "Waiting for documents."})}},
	{"resolved", StatusResolved, []act{referDept1, ackDept1, respondDept1, findingTrue, resolveDept1}},
	{"resolved/center", StatusResolved, []act{staff(Accept{Mode: ModeDirect}), staff(Resolve{Outcome: "explained", Summary: "Explained the policy."})}},
	{"replied", StatusReplied, []act{referDept1, ackDept1, respondDept1, findingTrue, resolveDept1, replyPhone}},
	{"replied/dissatisfied", StatusReplied, []act{referDept1, ackDept1, respondDept1, findingTrue, resolveDept1, replyPhone, dissatisfied}},
	{"replied/not_accepted", StatusReplied, []act{staff(NotAccept{Reason: "A court matter."}), staff(Reply{Message: "We cannot take this on.", Method: MethodLetter})}},
	{"closed", StatusClosed, []act{referDept1, ackDept1, respondDept1, findingTrue, resolveDept1, replyPhone, staff(Close{NoFollowUp: NoFollowUpUnreachable})}},
}

func scenarioNamed(t testing.TB, name string) scenario {
	t.Helper()
	for _, s := range scenarios {
		if s.name == name {
			return s
		}
	}
	t.Fatalf("no scenario %q", name)
	return scenario{}
}

// envAt is the environment of the i-th command of a scenario.
func envAt(i int, dept string) Env {
	return Env{Now: t0.Add(time.Duration(i) * time.Hour), Taxonomy: DefaultTaxonomy(), Actor: Actor{DepartmentID: dept}}
}

// build drives the scenario's commands through Decide and Apply, returning
// the case and its history.
func build(s scenario) (*Case, []Event, error) {
	c := &Case{}
	if s.acts == nil {
		return c, nil, nil
	}
	var history []Event
	all := append([]act{staff(filing())}, s.acts...)
	for i, a := range all {
		events, err := c.Decide(a.Cmd, envAt(i, a.By))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: step %d (%s): %w", s.name, i, a.Cmd.Step(), err)
		}
		for _, e := range events {
			if err := c.Apply(e); err != nil {
				return nil, nil, fmt.Errorf("%s: step %d: apply %s: %w", s.name, i, e.EventType(), err)
			}
		}
		history = append(history, events...)
	}
	if c.Status != s.status {
		return nil, nil, fmt.Errorf("%s: status %q, want %q", s.name, c.Status, s.status)
	}
	return c, history, nil
}

func mustBuild(t testing.TB, name string) *Case {
	t.Helper()
	c, _, err := build(scenarioNamed(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// later is an environment after every scenario's commands.
func later(dept string) Env { return envAt(100, dept) }

// validCommand is a command for step whose input is valid for the case c:
// where a step names a request or a rectification, it names the open one (or
// the first one, which then may not exist).
func validCommand(step Step, c *Case) Command {
	switch step {
	case StepFile:
		cmd := filing()
		cmd.CaseID = "case-2"
		return cmd
	case StepAccept:
		return Accept{Mode: ModeReferral, Note: "to be referred"}
	case StepNotAccept:
		return NotAccept{Reason: "Not a matter of administrative efficiency."}
	case StepRefer:
		return Refer{DepartmentID: dept2} // never the department that returned a scenario's case
	case StepAcknowledge:
		return Acknowledge{}
	case StepReturn:
		return Return{Reason: "Misrouted: the licence is issued by another bureau."}
	case StepRespond:
		return Respond{Summary: "Contacted the company."}
	case StepRequestExtension:
		return RequestExtension{DueDate: date(40), Reason: "Complex: several bureaus involved."}
	case StepDecideExtension:
		id := "ext-1"
		if x, ok := c.PendingExtension(); ok {
			id = x.RequestID
		}
		return DecideExtension{RequestID: id, Grant: true}
	case StepSuspend:
		return Suspend{Reason: "Waiting for the complainant's documents."}
	case StepResume:
		return Resume{Note: "Documents received."}
	case StepOrderSupervision:
		return OrderSupervision{Level: LevelUrge}
	case StepRecordFinding:
		return RecordFinding{Finding: FindingPartly, Summary: "Partly true."}
	case StepRequireRectification:
		return RequireRectification{Items: []string{"Publish the fee list"}, DueDate: date(25)}
	case StepReportRectification:
		id := "rect-1"
		if r, ok := c.OpenRectification(); ok {
			id = r.ID
		}
		return ReportRectification{RectificationID: id, Summary: "Fee list published."}
	case StepVerifyRectification:
		id := "rect-1"
		if r, ok := c.OpenRectification(); ok {
			id = r.ID
		}
		return VerifyRectification{RectificationID: id, Accepted: true}
	case StepRecordAccountability:
		return RecordAccountability{Subject: "Deputy section chief of the licence office", Measure: MeasureCriticism}
	case StepResolve:
		return Resolve{Outcome: "resolved", Summary: "Done."}
	case StepReply:
		return Reply{Message: "Your complaint was handled.", Method: MethodSMS}
	case StepRecordSatisfaction:
		return RecordSatisfaction{Level: SatisfactionSatisfied}
	case StepReopen:
		return Reopen{Reason: "The complainant is still waiting."}
	case StepClose:
		// A follow-up is recorded, or the reason why not; a dissatisfied
		// complainant's case is closed with a reason.
		cl := Close{Note: "archived"}
		switch c.Satisfaction {
		case "":
			cl.NoFollowUp = NoFollowUpUnreachable
		case SatisfactionDissatisfied:
			cl.Reason = "The complainant's demand is outside the law; explained twice."
		}
		return cl
	}
	panic("no command for step " + string(step))
}

// snapshot is the case as JSON, to see that a refusal changed nothing.
func snapshot(t testing.TB, c *Case) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// domainError returns err as a *domain.Error, failing the test when it is
// not one.
func domainError(t testing.TB, err error) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *domain.Error", err, err)
	}
	return de
}

// wantError asserts err is a domain error with code and field, and that its
// message contains every one of words.
func wantError(t testing.TB, err error, code domain.Code, field string, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s on %q", code, field)
	}
	de := domainError(t, err)
	if de.Code != code || de.Field != field {
		t.Fatalf("error %q: code %s field %q, want %s field %q", de, de.Code, de.Field, code, field)
	}
	for _, w := range words {
		if !strings.Contains(de.Message.String(), w) {
			t.Errorf("error %q does not mention %q", de.Message.String(), w)
		}
	}
}

// applyAll applies events to c, failing the test on an error.
func applyAll(t testing.TB, c *Case, events []Event) {
	t.Helper()
	for _, e := range events {
		if err := c.Apply(e); err != nil {
			t.Fatalf("apply %s: %v", e.EventType(), err)
		}
	}
}

// do decides cmd as dept at env and applies the events.
func do(t testing.TB, c *Case, env Env, cmd Command) []Event {
	t.Helper()
	events, err := c.Decide(cmd, env)
	if err != nil {
		t.Fatalf("%s: %v", cmd.Step(), err)
	}
	applyAll(t, c, events)
	return events
}
