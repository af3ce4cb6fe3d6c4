package finding_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/trend"
)

var (
	cell = finding.Cell{Dimension: finding.DepartmentIssue, Department: "city-construction", IssueType: "slow_action"}
	day  = trend.DateOf(2026, time.November, 24)
	now  = time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
)

func observation(d trend.Date, cases ...string) finding.Observation {
	p := 1e-6
	return finding.Observation{Day: d, From: d, To: d, Cases: cases, CaseCount: len(cases),
		Signal: finding.Signal{Cell: cell, Kind: trend.Tendency, Method: trend.MethodEWMA, Severity: trend.Red, From: d, To: d,
			Statistic: 9.5, PValue: &p, Threshold: 3.7, Observed: float64(len(cases)), Expected: 0}}
}

// applier returns a function that applies a decision's events to f,
// failing the test on an error.
func applier(t *testing.T, f *finding.Finding) func([]finding.Event, error) []finding.Event {
	return func(events []finding.Event, err error) []finding.Event {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if err := f.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		return events
	}
}

func TestIDs(t *testing.T) {
	t.Parallel()
	id := finding.ID(cell, trend.Tendency, day)
	if !finding.ValidID(id) || id != finding.ID(cell, trend.Tendency, day) {
		t.Fatalf("id %q is not stable or valid", id)
	}
	other := []string{
		finding.ID(cell, trend.Emerging, day),
		finding.ID(cell, trend.Tendency, day+1),
		finding.ID(finding.Cell{Dimension: finding.DepartmentIssue, Department: "city-constructio", IssueType: "nslow_action"}, trend.Tendency, day),
		finding.ID(finding.CellOf(finding.IssueDistrict, "slow_action", "柯城区"), trend.Tendency, day),
	}
	for _, o := range other {
		if o == id {
			t.Fatalf("two findings share id %s", id)
		}
	}
	for _, bad := range []string{"", "tf-", "tf-XYZ", "tf-0123456789abcdef0123456", "xx-0123456789abcdef01234567", "tf-0123456789ABCDEF01234567"} {
		if finding.ValidID(bad) {
			t.Errorf("ValidID(%q)", bad)
		}
	}
}

func TestCells(t *testing.T) {
	t.Parallel()
	for _, d := range finding.Dimensions() {
		c := finding.CellOf(d, "x-1", "y-2")
		a, b := c.Parts()
		if d == finding.Issue {
			if a != "x-1" || b != "" {
				t.Errorf("%s: parts %q %q", d, a, b)
			}
			continue
		}
		if a != "x-1" || b != "y-2" || finding.CellOf(d, a, b) != c {
			t.Errorf("%s: parts %q %q of %+v", d, a, b, c)
		}
	}
	if finding.DepartmentIssue.Rank() != 0 || finding.Issue.Rank() != 4 || finding.Dimension("nope").Known() {
		t.Error("ranks")
	}
}

// TestLifecycle: detected, raised again (an update only when something
// changed), ended after EndAfter days without a raise, and dismissed.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	f := &finding.Finding{}
	apply := applier(t, f)
	id := finding.ID(cell, trend.Tendency, day)
	ev := apply(f.Detect(id, trend.Tendency, cell, observation(day, "c2", "c1"), now))
	if len(ev) != 1 || ev[0].EventType() != finding.TypeDetected || f.Status != finding.StatusOpen || f.CaseCount != 2 ||
		f.Cases[0] != "c1" || f.LastRaised != day {
		t.Fatalf("detected: %+v %+v", ev, f)
	}
	// The same run again, on another replica: the same id, nothing new.
	if ev := apply(f.Detect(id, trend.Tendency, cell, observation(day, "c1", "c2"), now)); len(ev) != 0 {
		t.Fatalf("the same observation again: %+v", ev)
	}
	// More cases the same day: an update.
	if ev := apply(f.Raise(observation(day, "c1", "c2", "c3"), now)); len(ev) != 1 || f.CaseCount != 3 {
		t.Fatalf("more cases: %+v %+v", ev, f)
	}
	// An earlier day than the last raise changes nothing.
	if ev := apply(f.Raise(observation(day-1, "c1"), now)); len(ev) != 0 {
		t.Fatalf("an earlier day: %+v", ev)
	}
	// The next day, the same cases: the finding goes on (its last raise
	// moves), its period grows.
	next := observation(day+2, "c1", "c2", "c3")
	next.From = day
	if ev := apply(f.Raise(next, now)); len(ev) != 1 || f.LastRaised != day+2 || f.From != day || f.To != day+2 || f.Raises != 3 {
		t.Fatalf("raised again: %+v %+v", ev, f)
	}
	// Not ended within EndAfter days of the last raise, ended after.
	if ev := apply(f.End(day+9, 7, now)); len(ev) != 0 {
		t.Fatalf("ended too early: %+v", ev)
	}
	if ev := apply(f.End(day+10, 7, now)); len(ev) != 1 || f.Status != finding.StatusEnded {
		t.Fatalf("not ended: %+v %+v", ev, f)
	}
	// An ended finding is not raised again, nor ended twice.
	if ev := apply(f.Raise(observation(day+11, "c9"), now)); len(ev) != 0 {
		t.Fatalf("an ended finding raised: %+v", ev)
	}
	if ev := apply(f.End(day+20, 7, now)); len(ev) != 0 {
		t.Fatalf("ended twice: %+v", ev)
	}
	// A supervisor may still dismiss it, with a reason, once.
	if _, err := f.Dismiss(" ", "s1", now); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("dismissed without a reason: %v", err)
	}
	apply(f.Dismiss("节假日前集中办理，属正常波动", "s1", now))
	if f.Status != finding.StatusDismissed || f.DismissedBy != "s1" {
		t.Fatalf("dismissed: %+v", f)
	}
	if _, err := f.Dismiss("again", "s1", now); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("dismissed twice: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	f := &finding.Finding{}
	id := finding.ID(cell, trend.Tendency, day)
	for name, o := range map[string]finding.Observation{
		"no cases":           observation(day),
		"period after":       func() finding.Observation { o := observation(day, "c1"); o.To = day + 1; return o }(),
		"period upside down": func() finding.Observation { o := observation(day, "c1"); o.From = day + 1; return o }(),
	} {
		if _, err := f.Detect(id, trend.Tendency, cell, o, now); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := f.Detect(id, trend.Tendency, finding.Cell{Dimension: "nope"}, observation(day, "c1"), now); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("unknown dimension: %v", err)
	}
	for name, err := range map[string]error{
		"raise":   func() error { _, err := f.Raise(observation(day, "c1"), now); return err }(),
		"end":     func() error { _, err := f.End(day, 7, now); return err }(),
		"dismiss": func() error { _, err := f.Dismiss("x", "s", now); return err }(),
	} {
		if domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("%s of no finding: %v", name, err)
		}
	}
	// Many cases: the event lists MaxCases, and counts them all.
	var many []string
	for i := range finding.MaxCases + 20 {
		many = append(many, "c"+string(rune('a'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676)))
	}
	ev, err := f.Detect(id, trend.Tendency, cell, observation(day, many...), now)
	if err != nil {
		t.Fatal(err)
	}
	d := ev[0].(finding.Detected)
	if len(d.Cases) != finding.MaxCases || d.CaseCount != len(many) {
		t.Fatalf("listed %d, counted %d", len(d.Cases), d.CaseCount)
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	f := &finding.Finding{}
	id := finding.ID(cell, trend.Tendency, day)
	ev, err := f.Detect(id, trend.Tendency, cell, observation(day, "c1", "c2"), now)
	if err != nil {
		t.Fatal(err)
	}
	all := append(ev, finding.Ended{Day: day + 9, LastRaised: day, At: now}, finding.Dismissed{Reason: "r", By: "s", At: now})
	for _, e := range all {
		data, err := jsonOf(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := finding.Decode(e.EventType(), data)
		if err != nil {
			t.Fatal(err)
		}
		if back.EventType() != e.EventType() {
			t.Fatalf("%s came back as %s", e.EventType(), back.EventType())
		}
		if err := f.Apply(back); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := finding.Decode("Nope", nil); err == nil {
		t.Fatal("an unknown type decoded")
	}
	if f.Status != finding.StatusDismissed || f.Signal.PValue == nil || *f.Signal.PValue != 1e-6 {
		t.Fatalf("after the round trip: %+v", f)
	}
}

func jsonOf(e finding.Event) ([]byte, error) { return json.Marshal(e) }
