package complaint

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/domain"
)

// The lifecycle as the specification has it, written out once more, so that
// a silent change of the table fails here.
var wantTable = map[Step][]Status{
	StepFile:                 {StatusNone},
	StepAccept:               {StatusFiled},
	StepNotAccept:            {StatusFiled},
	StepRefer:                {StatusFiled, StatusAccepted, StatusReturned},
	StepAcknowledge:          {StatusReferred},
	StepReturn:               {StatusReferred, StatusInProgress},
	StepRespond:              {StatusInProgress},
	StepRequestExtension:     {StatusInProgress},
	StepDecideExtension:      {StatusInProgress, StatusSuspended},
	StepSuspend:              {StatusReferred, StatusInProgress},
	StepResume:               {StatusSuspended},
	StepOrderSupervision:     {StatusAccepted, StatusReferred, StatusReturned, StatusInProgress, StatusSuspended},
	StepRecordFinding:        {StatusInProgress},
	StepRequireRectification: {StatusInProgress},
	StepReportRectification:  {StatusInProgress},
	StepVerifyRectification:  {StatusInProgress},
	StepRecordAccountability: {StatusInProgress, StatusResolved, StatusReplied},
	StepResolve:              {StatusInProgress},
	StepReply:                {StatusNotAccepted, StatusResolved},
	StepRecordSatisfaction:   {StatusReplied},
	StepReopen:               {StatusReplied},
	StepClose:                {StatusReplied},
}

var wantSteps = []string{
	"file", "accept", "not_accept", "refer", "acknowledge", "return", "respond",
	"request_extension", "decide_extension", "suspend", "resume", "order_supervision",
	"record_finding", "require_rectification", "report_rectification", "verify_rectification",
	"record_accountability", "resolve", "reply", "record_satisfaction", "reopen", "close",
}

var wantStatuses = []string{
	"", "filed", "not_accepted", "accepted", "referred", "returned", "in_progress",
	"suspended", "resolved", "replied", "closed",
}

var wantDepartmentSteps = []Step{
	StepAcknowledge, StepReturn, StepRespond, StepRequestExtension,
	StepRecordFinding, StepReportRectification, StepResolve,
}

func TestLifecycleTable(t *testing.T) {
	t.Parallel()
	var steps []string
	for _, s := range Steps() {
		steps = append(steps, string(s))
	}
	if !slices.Equal(steps, wantSteps) {
		t.Errorf("Steps() = %q\nwant      %q", steps, wantSteps)
	}
	var statuses []string
	for _, s := range Statuses() {
		statuses = append(statuses, string(s))
	}
	if !slices.Equal(statuses, wantStatuses) {
		t.Errorf("Statuses() = %q\nwant         %q", statuses, wantStatuses)
	}
	if len(wantTable) != len(wantSteps) {
		t.Fatalf("the expected table has %d rows for %d steps", len(wantTable), len(wantSteps))
	}
	for _, step := range Steps() {
		for _, status := range Statuses() {
			want := slices.Contains(wantTable[step], status)
			if got := Allows(status, step); got != want {
				t.Errorf("Allows(%q, %s) = %v, want %v", status, step, got, want)
			}
		}
		if got, want := DepartmentStep(step), slices.Contains(wantDepartmentSteps, step); got != want {
			t.Errorf("DepartmentStep(%s) = %v, want %v", step, got, want)
		}
	}
	for _, status := range Statuses() {
		var want []Step
		for _, step := range Steps() {
			if slices.Contains(wantTable[step], status) {
				want = append(want, step)
			}
		}
		if got := NextSteps(status); !slices.Equal(got, want) {
			t.Errorf("NextSteps(%q) = %v, want %v", status, got, want)
		}
	}
	for _, s := range []Step{"", "bogus", "Resolve"} {
		if DepartmentStep(s) || slices.ContainsFunc(Statuses(), func(st Status) bool { return Allows(st, s) }) {
			t.Errorf("unknown step %q is allowed somewhere", s)
		}
	}
}

// guarded lists, per scenario, the steps the table allows in its status that
// the rest of the state refuses, with the code of the refusal. Every other
// allowed step must succeed with the command of validCommand.
var guarded = map[string]map[Step]domain.Code{
	"in_progress/department": {
		StepDecideExtension:      domain.CodeNotFound, // no request ext-1
		StepRequireRectification: domain.CodeStateConflict,
		StepReportRectification:  domain.CodeNotFound, // no rect-1
		StepVerifyRectification:  domain.CodeNotFound,
		StepRecordAccountability: domain.CodeStateConflict, // no finding
	},
	"in_progress/center": {
		StepReturn:               domain.CodeStateConflict, // the center handles it
		StepDecideExtension:      domain.CodeNotFound,
		StepRequireRectification: domain.CodeStateConflict,
		StepReportRectification:  domain.CodeNotFound,
		StepVerifyRectification:  domain.CodeNotFound,
		StepRecordAccountability: domain.CodeStateConflict,
	},
	"in_progress/self": {
		StepReturn:               domain.CodeStateConflict,
		StepDecideExtension:      domain.CodeNotFound,
		StepRequireRectification: domain.CodeStateConflict,
		StepReportRectification:  domain.CodeNotFound,
		StepVerifyRectification:  domain.CodeNotFound,
		StepRecordAccountability: domain.CodeStateConflict,
	},
	"in_progress/substantiated": {
		StepReturn:              domain.CodeStateConflict, // responded
		StepRespond:             domain.CodeStateConflict, // already responded
		StepDecideExtension:     domain.CodeNotFound,
		StepReportRectification: domain.CodeNotFound,
		StepVerifyRectification: domain.CodeNotFound,
	},
	"in_progress/rectification_required": {
		StepReturn:               domain.CodeStateConflict,
		StepRespond:              domain.CodeStateConflict,
		StepDecideExtension:      domain.CodeNotFound,
		StepRequireRectification: domain.CodeStateConflict, // one open at a time
		StepVerifyRectification:  domain.CodeStateConflict, // not reported
		StepResolve:              domain.CodeStateConflict, // rectification open
	},
	"in_progress/rectification_reported": {
		StepReturn:               domain.CodeStateConflict,
		StepRespond:              domain.CodeStateConflict,
		StepDecideExtension:      domain.CodeNotFound,
		StepRequireRectification: domain.CodeStateConflict,
		StepReportRectification:  domain.CodeStateConflict, // already reported
		StepResolve:              domain.CodeStateConflict,
	},
	"in_progress/rectification_rejected": {
		StepReturn:               domain.CodeStateConflict,
		StepRespond:              domain.CodeStateConflict,
		StepDecideExtension:      domain.CodeNotFound,
		StepRequireRectification: domain.CodeStateConflict,
		StepVerifyRectification:  domain.CodeStateConflict, // awaits another report
		StepResolve:              domain.CodeStateConflict,
	},
	"in_progress/extension_pending": {
		StepRequestExtension:     domain.CodeStateConflict, // one pending at a time
		StepRequireRectification: domain.CodeStateConflict,
		StepReportRectification:  domain.CodeNotFound,
		StepVerifyRectification:  domain.CodeNotFound,
		StepRecordAccountability: domain.CodeStateConflict,
		StepResolve:              domain.CodeStateConflict, // extension pending
	},
	"in_progress/reopened": {
		StepReturn:              domain.CodeStateConflict,
		StepRespond:             domain.CodeStateConflict,
		StepDecideExtension:     domain.CodeNotFound,
		StepReportRectification: domain.CodeNotFound,
		StepVerifyRectification: domain.CodeNotFound,
	},
	"suspended/in_progress": {StepDecideExtension: domain.CodeNotFound},
	"suspended/referred":    {StepDecideExtension: domain.CodeNotFound},
	"resolved/center":       {StepRecordAccountability: domain.CodeStateConflict},
	"replied":               {StepReopen: domain.CodeStateConflict}, // no satisfaction recorded
	"replied/dissatisfied":  {StepRecordSatisfaction: domain.CodeStateConflict},
	"replied/not_accepted": {
		StepRecordAccountability: domain.CodeStateConflict,
		StepReopen:               domain.CodeStateConflict, // never accepted
	},
}

// leadsTo is the status a step leads to from a case.
func leadsTo(step Step, c *Case) Status {
	switch step {
	case StepFile:
		return StatusFiled
	case StepAccept: // validCommand accepts for referral
		return StatusAccepted
	case StepNotAccept:
		return StatusNotAccepted
	case StepRefer:
		return StatusReferred
	case StepAcknowledge, StepReopen:
		return StatusInProgress
	case StepReturn:
		return StatusReturned
	case StepSuspend:
		return StatusSuspended
	case StepResume:
		return c.ResumeStatus
	case StepResolve:
		return StatusResolved
	case StepReply:
		return StatusReplied
	case StepClose:
		return StatusClosed
	}
	return c.Status
}

// clone copies a case the way the read models do: through its JSON.
func clone(t testing.TB, c *Case) *Case {
	t.Helper()
	var out Case
	if err := json.Unmarshal([]byte(snapshot(t, c)), &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// TestEveryStepInEveryStatus tries every step, with a valid command, on a case
// in every status (several of them reached in more than one way).
func TestEveryStepInEveryStatus(t *testing.T) {
	t.Parallel()
	type cell struct {
		status Status
		step   Step
	}
	succeeded := map[cell]bool{}
	covered := map[Status]bool{}
	for _, s := range scenarios {
		c, _, err := build(s)
		if err != nil {
			t.Fatal(err)
		}
		covered[s.status] = true
		for step := range guarded[s.name] {
			if !Allows(s.status, step) {
				t.Errorf("%s: guarded step %s is not even allowed in %q", s.name, step, s.status)
			}
		}
		for _, step := range Steps() {
			cmd := validCommand(step, c)
			before := snapshot(t, c)
			events, err := c.Decide(cmd, later(""))
			if after := snapshot(t, c); after != before {
				t.Errorf("%s: %s changed the case:\nbefore %s\nafter  %s", s.name, step, before, after)
			}
			guard, isGuarded := guarded[s.name][step]
			switch {
			case s.status == StatusNone && step != StepFile:
				wantError(t, err, domain.CodeNotFound, "case")
			case !Allows(s.status, step):
				wantError(t, err, domain.CodeStateConflict, "", string(step), string(s.status))
			case isGuarded:
				if err == nil {
					t.Errorf("%s: %s succeeded, want %s", s.name, step, guard)
					continue
				}
				de := domainError(t, err)
				if de.Code != guard {
					t.Errorf("%s: %s: %v (%s), want %s", s.name, step, err, de.Code, guard)
				}
				if de.Code == domain.CodeStateConflict && !(strings.Contains(de.Message.String(), string(step)) && strings.Contains(de.Message.String(), string(s.status))) {
					t.Errorf("%s: %s: %q does not name the step and the status", s.name, step, de.Message.String())
				}
			default:
				if err != nil {
					t.Errorf("%s: %s: %v", s.name, step, err)
					continue
				}
				if len(events) == 0 {
					t.Errorf("%s: %s: no events", s.name, step)
					continue
				}
				next := clone(t, c)
				applyAll(t, next, events)
				if want := leadsTo(step, c); next.Status != want {
					t.Errorf("%s: %s led to %q, want %q", s.name, step, next.Status, want)
				}
				if next.Version != c.Version+len(events) {
					t.Errorf("%s: %s: version %d after %d events from %d", s.name, step, next.Version, len(events), c.Version)
				}
				succeeded[cell{s.status, step}] = true
			}
		}
	}
	for _, status := range Statuses() {
		if !covered[status] {
			t.Errorf("no scenario reaches %q", status)
		}
		for _, step := range Steps() {
			if Allows(status, step) && !succeeded[cell{status, step}] {
				t.Errorf("%s is allowed in %q but succeeded in no scenario", step, status)
			}
		}
	}
}

// TestStateSurvivesJSON: the read models store the case as JSON and fold
// further from there, so a case read back from its JSON must decide every
// step exactly like the original, and equal its replayed history.
func TestStateSurvivesJSON(t *testing.T) {
	t.Parallel()
	for _, s := range scenarios {
		c, history, err := build(s)
		if err != nil {
			t.Fatal(err)
		}
		replayed, err := Replay(history)
		if err != nil {
			t.Fatalf("%s: replay: %v", s.name, err)
		}
		if !reflect.DeepEqual(replayed, c) {
			t.Errorf("%s: replay differs:\n%+v\n%+v", s.name, replayed, c)
		}
		back := clone(t, c)
		if snapshot(t, back) != snapshot(t, c) {
			t.Errorf("%s: JSON round trip changes the case", s.name)
		}
		for _, step := range Steps() {
			for _, dept := range []string{"", dept1, outside} {
				cmd := validCommand(step, c)
				e1, err1 := c.Decide(cmd, later(dept))
				e2, err2 := back.Decide(cmd, later(dept))
				if !reflect.DeepEqual(e1, e2) || !reflect.DeepEqual(err1, err2) {
					t.Errorf("%s: %s by %q: %v %v after JSON, %v %v before", s.name, step, dept, e2, err2, e1, err1)
				}
			}
		}
	}
}
