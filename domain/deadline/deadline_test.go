package deadline

import (
	"errors"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/ladder"
)

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func official(t *testing.T) *calendar.Calendar {
	t.Helper()
	c, err := calendar.Default(cst)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func track(events ...complaint.Event) *Tracker {
	tr := NewTracker(DefaultPolicy())
	for _, e := range events {
		tr.Apply(e)
	}
	return tr
}

func wantAlarm(t *testing.T, s Schedule, clock string, level ladder.Step, when time.Time) {
	t.Helper()
	for _, a := range s.Alarms {
		if a.ClockID == clock && a.Level == level {
			if !a.At.Equal(when) {
				t.Fatalf("%s %s at %s, want %s", clock, level, a.At.In(cst), when)
			}
			return
		}
	}
	t.Fatalf("no %s alarm on %s in %+v", level, clock, s.Alarms)
}

func noAlarm(t *testing.T, s Schedule, clock string) {
	t.Helper()
	for _, a := range s.Alarms {
		if a.ClockID == clock {
			t.Fatalf("unexpected alarm %+v", a)
		}
	}
}

// A referral at 23:59 on a Friday: the Friday is not counted; the response
// is due by the end of Tuesday, the closure by the end of the seventh
// working day, and 挂牌督办 five working days after that.
func TestReferralLadder(t *testing.T) {
	t.Parallel()
	cal := official(t)
	tr := track(complaint.CaseReferred{DepartmentID: "d1", At: at("2026-11-20 23:59")})
	s := tr.Schedule(cal)
	wantAlarm(t, s, "response", ladder.Approaching, at("2026-11-24 00:00"))
	wantAlarm(t, s, "response", ladder.ResponseOverdue, at("2026-11-25 00:00"))
	wantAlarm(t, s, "closure", ladder.Approaching, at("2026-12-01 00:00"))
	wantAlarm(t, s, "closure", ladder.ClosureOverdue, at("2026-12-02 00:00"))
	wantAlarm(t, s, "closure", ladder.Flagged, at("2026-12-09 00:00"))
	if s.Alarms[0].DepartmentID != "d1" {
		t.Fatalf("department %q", s.Alarms[0].DepartmentID)
	}

	// The response stops the response clock; the closure clock runs on.
	tr.Apply(complaint.ResponseRecorded{At: at("2026-11-23 09:00")})
	s = tr.Schedule(cal)
	noAlarm(t, s, "response")
	wantAlarm(t, s, "closure", ladder.ClosureOverdue, at("2026-12-02 00:00"))
	if c, _ := tr.Clock("response"); c.Outcome != Met {
		t.Fatalf("response clock %+v", c)
	}
	// Resolving stops the closure clock.
	tr.Apply(complaint.CaseResolved{At: at("2026-11-30 16:00")})
	if s := tr.Schedule(cal); len(s.Alarms) != 0 {
		t.Fatalf("alarms after resolution: %+v", s.Alarms)
	}
}

// Over the 2026 Spring Festival: a referral on Friday 13 February counts the
// make-up Saturday 14 February, then nothing until 24 February.
func TestSpringFestival(t *testing.T) {
	t.Parallel()
	s := track(complaint.CaseReferred{DepartmentID: "d", At: at("2026-02-13 10:00")}).Schedule(official(t))
	wantAlarm(t, s, "response", ladder.ResponseOverdue, at("2026-02-25 00:00"))
	wantAlarm(t, s, "response", ladder.Approaching, at("2026-02-24 00:00"))
}

// Suspension stops the clocks; each working day on which the case was
// suspended for any part of its working hours (08:30-17:30) adds a working
// day, so a deadline still ends with a working day.
func TestSuspension(t *testing.T) {
	t.Parallel()
	cal := official(t)
	tr := track(
		complaint.CaseReferred{DepartmentID: "d", At: at("2026-11-23 10:00")},
		complaint.CaseSuspended{At: at("2026-11-24 10:00")},
	)
	if s := tr.Schedule(cal); len(s.Alarms) != 0 || len(s.Deadlines) != 0 {
		t.Fatalf("a suspended case has alarms: %+v", s)
	}
	tr.Apply(complaint.CaseResumed{At: at("2026-11-26 10:00")})
	// Suspended Tuesday 10:00 to Thursday 10:00: Tuesday, Wednesday and
	// Thursday each lose working hours, so the response due at the end of
	// Wednesday 25 November moves three working days later, to the end of
	// Monday 30 November.
	s := tr.Schedule(cal)
	wantAlarm(t, s, "response", ladder.ResponseOverdue, at("2026-12-01 00:00"))
	// Suspended over a weekend: Friday and Monday count, the weekend not.
	tr2 := track(
		complaint.CaseReferred{DepartmentID: "d", At: at("2026-11-23 10:00")},
		complaint.CaseSuspended{At: at("2026-11-27 12:00")},
		complaint.CaseResumed{At: at("2026-11-30 12:00")},
	)
	// The closure due at the end of Wednesday 2 December becomes the end of
	// Friday 4 December.
	wantAlarm(t, tr2.Schedule(cal), "closure", ladder.ClosureOverdue, at("2026-12-05 00:00"))
}

// TestSuspensionEdges: how the days a suspension covers extend a clock, on
// the edges of days, weekends, holidays and make-up working days.
func TestSuspensionEdges(t *testing.T) {
	t.Parallel()
	cal := official(t)
	for _, tt := range []struct {
		name              string
		referred          string
		suspend, resume   string
		responseDueBefore string // the response deadline without the suspension (exclusive end)
		responseDue       string // with it
	}{
		// Referred Tuesday: response due at the end of Thursday 26 November.
		{"seconds before dawn add nothing", "2026-11-24 10:00", "2026-11-25 03:40", "2026-11-25 03:41", "2026-11-27 00:00", "2026-11-27 00:00"},
		{"seconds in the working hours add a day", "2026-11-24 10:00", "2026-11-25 10:00", "2026-11-25 10:01", "2026-11-27 00:00", "2026-11-28 00:00"},
		{"the evening adds nothing", "2026-11-24 10:00", "2026-11-25 17:30", "2026-11-26 08:30", "2026-11-27 00:00", "2026-11-27 00:00"},
		{"a minute into the working hours adds that day", "2026-11-24 10:00", "2026-11-25 17:29", "2026-11-26 08:31", "2026-11-27 00:00", "2026-12-01 00:00"},
		// Referred Thursday 26 November: response due at the end of Monday
		// 30 November.
		{"a weekend adds nothing", "2026-11-26 10:00", "2026-11-27 18:00", "2026-11-30 08:00", "2026-12-01 00:00", "2026-12-01 00:00"},
		// Referred Tuesday 29 September 2026: response due at the end of
		// Thursday 8 October (1-7 October are off).
		{"a holiday adds nothing", "2026-09-29 10:00", "2026-10-01 09:00", "2026-10-08 08:00", "2026-10-09 00:00", "2026-10-09 00:00"},
		// 30 September and 8 October count: two working days more, Friday 9
		// and the make-up Saturday 10 October.
		{"the working days around a holiday count", "2026-09-29 10:00", "2026-09-30 16:00", "2026-10-08 09:00", "2026-10-09 00:00", "2026-10-11 00:00"},
		// Referred Thursday 8 October: response due at the end of Saturday
		// 10 October, a make-up working day (调休上班).
		{"a make-up Saturday counts like a working day", "2026-10-08 10:00", "2026-10-09 18:00", "2026-10-10 09:00", "2026-10-11 00:00", "2026-10-13 00:00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tr := track(complaint.CaseReferred{DepartmentID: "d", At: at(tt.referred)})
			wantAlarm(t, tr.Schedule(cal), "response", ladder.ResponseOverdue, at(tt.responseDueBefore))
			tr.Apply(complaint.CaseSuspended{At: at(tt.suspend)})
			tr.Apply(complaint.CaseResumed{At: at(tt.resume)})
			s := tr.Schedule(cal)
			if !at(tt.responseDue).Equal(at(tt.responseDueBefore)) || len(s.Alarms) > 0 {
				wantAlarm(t, s, "response", ladder.ResponseOverdue, at(tt.responseDue))
			}
			if due := s.Deadlines["response"]; due.In(cst).Hour() != 0 || due.In(cst).Minute() != 0 {
				t.Errorf("the deadline %s does not end a day", due.In(cst))
			}
		})
	}
}

// A granted extension replaces the closure deadline.
func TestExtension(t *testing.T) {
	t.Parallel()
	tr := track(
		complaint.CaseReferred{DepartmentID: "d", At: at("2026-11-23 10:00")},
		complaint.ExtensionGranted{RequestID: "ext-1", DueDate: "2026-12-18", At: at("2026-11-25 10:00")},
	)
	s := tr.Schedule(official(t))
	wantAlarm(t, s, "closure", ladder.ClosureOverdue, at("2026-12-19 00:00"))
	wantAlarm(t, s, "closure", ladder.Approaching, at("2026-12-18 00:00"))
	wantAlarm(t, s, "response", ladder.ResponseOverdue, at("2026-11-26 00:00"))
}

// A return cancels the clocks; the re-referral starts fresh ones for the new
// department.
func TestReturnAndReferAgain(t *testing.T) {
	t.Parallel()
	tr := track(
		complaint.CaseReferred{DepartmentID: "wrong", At: at("2026-11-23 10:00")},
		complaint.ReferralReturned{DepartmentID: "wrong", At: at("2026-11-24 10:00")},
	)
	if s := tr.Schedule(official(t)); len(s.Alarms) != 0 {
		t.Fatalf("alarms after a return: %+v", s.Alarms)
	}
	tr.Apply(complaint.CaseReferred{DepartmentID: "right", At: at("2026-11-24 15:00")})
	s := tr.Schedule(official(t))
	wantAlarm(t, s, "response", ladder.ResponseOverdue, at("2026-11-27 00:00"))
	a, _ := s.Find("response", 2, ladder.ResponseOverdue)
	if a.DepartmentID != "right" || a.Round != 2 {
		t.Fatalf("re-referral alarm %+v", a)
	}
}

// A reopened case gets a new closure clock.
func TestReopen(t *testing.T) {
	t.Parallel()
	tr := track(
		complaint.CaseReferred{DepartmentID: "d", At: at("2026-11-02 10:00")},
		complaint.CaseResolved{At: at("2026-11-05 10:00")},
		complaint.CaseReopened{At: at("2026-11-23 09:00")},
	)
	s := tr.Schedule(official(t))
	noAlarm(t, s, "response")
	wantAlarm(t, s, "closure", ladder.ClosureOverdue, at("2026-12-03 00:00"))
	if a, ok := s.Find("closure", 2, ladder.ClosureOverdue); !ok || a.DepartmentID != "d" {
		t.Fatalf("reopened closure %+v %v", a, ok)
	}
}

// The center's own handling (直查快办) runs the same clocks for the center.
func TestCenterHandling(t *testing.T) {
	t.Parallel()
	s := track(complaint.CaseAccepted{Mode: complaint.ModeDirect, At: at("2026-11-23 10:00")}).Schedule(official(t))
	a, ok := s.Find("response", 1, ladder.ResponseOverdue)
	if !ok || a.DepartmentID != "" || !a.At.Equal(at("2026-11-26 00:00")) {
		t.Fatalf("center response %+v %v", a, ok)
	}
	if s := track(complaint.CaseAccepted{Mode: complaint.ModeReferral, At: at("2026-11-23 10:00")}).Schedule(official(t)); len(s.Alarms) != 0 {
		t.Fatalf("acceptance for referral started clocks: %+v", s.Alarms)
	}
}

// A rectification carries its own date; a rejected report reopens it.
func TestRectification(t *testing.T) {
	t.Parallel()
	cal := official(t)
	id := RectificationClock("rect-1")
	tr := track(
		complaint.CaseReferred{DepartmentID: "d", At: at("2026-11-02 10:00")},
		complaint.RectificationRequired{RectificationID: "rect-1", DueDate: "2026-12-10", At: at("2026-11-20 10:00")},
	)
	wantAlarm(t, tr.Schedule(cal), id, ladder.RectificationOverdue, at("2026-12-11 00:00"))
	tr.Apply(complaint.RectificationReported{RectificationID: "rect-1", At: at("2026-12-01 10:00")})
	noAlarm(t, tr.Schedule(cal), id)
	tr.Apply(complaint.RectificationVerified{RectificationID: "rect-1", Accepted: false, At: at("2026-12-02 10:00")})
	s := tr.Schedule(cal)
	if a, ok := s.Find(id, 2, ladder.RectificationOverdue); !ok || !a.At.Equal(at("2026-12-11 00:00")) {
		t.Fatalf("rejected rectification %+v %v", a, ok)
	}
}

// A deadline in a year with no schedule is an explicit problem, solved by
// loading the year.
func TestMissingYear(t *testing.T) {
	t.Parallel()
	cal := official(t)
	tr := track(complaint.CaseReferred{DepartmentID: "d", At: at("2026-12-28 10:00")})
	s := tr.Schedule(cal)
	if err := s.Problems["closure"]; !errors.Is(err, calendar.ErrNoSchedule) {
		t.Fatalf("closure into 2027: %v", err)
	}
	wantAlarm(t, s, "response", ladder.ResponseOverdue, at("2026-12-31 00:00"))
	cal2, err := cal.With(calendar.Year{Year: 2027, Days: []calendar.Day{{Date: "2027-01-01", IsOffDay: true}}})
	if err != nil {
		t.Fatal(err)
	}
	s = tr.Schedule(cal2)
	if len(s.Problems) != 0 {
		t.Fatalf("problems with 2027 loaded: %v", s.Problems)
	}
	// Dec 29, 30, 31, Jan 4, 5, 6, 7 (Jan 1 is a holiday).
	wantAlarm(t, s, "closure", ladder.ClosureOverdue, at("2027-01-08 00:00"))
}

// Not accepting or closing a case ends every clock.
func TestClosingCancels(t *testing.T) {
	t.Parallel()
	tr := track(
		complaint.CaseReferred{DepartmentID: "d", At: at("2026-11-23 10:00")},
		complaint.CaseClosed{At: at("2026-11-24 10:00")},
	)
	if s := tr.Schedule(official(t)); len(s.Alarms) != 0 {
		t.Fatalf("alarms after closing: %+v", s.Alarms)
	}
	for _, c := range tr.Clocks {
		if c.Outcome != Cancelled || !c.EndedAt.Equal(at("2026-11-24 10:00")) {
			t.Fatalf("clock %+v", c)
		}
	}
}

// The ladder's steps raise the case's events: each step's event, carrying
// the supervision level of the step.
func TestLevelsMatchCaseVocabulary(t *testing.T) {
	t.Parallel()
	for _, l := range ladder.Steps() {
		events := complaint.DeadlineEvents(complaint.DeadlineFacts{Alarm: l}, at("2026-11-24 00:00"))
		if len(events) != 1 || events[0].EventType() != l.EventType() {
			t.Fatalf("events for %s: %v", l, events)
		}
		// The escalation's supervision level is the ladder's rank.
		c := &complaint.Case{Status: complaint.StatusInProgress}
		for _, e := range events {
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		if c.SupervisionLevel != int(l.Level()) && l != ladder.RectificationOverdue {
			t.Errorf("%s: supervision level %d, rank %d", l, c.SupervisionLevel, l.Level())
		}
	}
}
