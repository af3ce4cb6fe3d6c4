package report_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/report"
)

var now = time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)

var content = report.Content{Title: "关于市住建局慢作为投诉集中的专报", Summary: "近一周投诉明显增多",
	Analysis: "集中在施工许可审批环节", Recommendations: "建议督办", Findings: []string{"tf-1"}, Cases: []string{"c2", "c1", "c1"}}

// applier returns a function that applies a decision's events to s,
// failing the test on an error; each event goes through its JSON form, as
// the log stores it.
func applier(t *testing.T, s *report.State) func([]report.Event, error) []report.Event {
	return func(events []report.Event, err error) []report.Event {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			data, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			back, err := report.Decode(e.EventType(), data)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Apply(back); err != nil {
				t.Fatal(err)
			}
		}
		return events
	}
}

func code(err error) domain.Code { return domain.ErrorCode(err) }

func issued(t *testing.T) *report.State {
	t.Helper()
	s := &report.State{}
	apply := applier(t, s)
	apply(s.Draft("rp-1", content, "s1", now))
	apply(s.Submit("s1", now))
	apply(s.ReviewBy(true, "", "s2", now))
	apply(s.Issue([]report.Recipient{{ID: "l1", Name: "市长"}, {ID: "l2"}}, "s1", now))
	return s
}

func TestDraftToIssue(t *testing.T) {
	t.Parallel()
	s := &report.State{}
	apply := applier(t, s)
	for name, c := range map[string]report.Content{
		"no title":   {Summary: "x", Cases: []string{"c1"}},
		"no summary": {Title: "x", Cases: []string{"c1"}},
		"no cases":   {Title: "x", Summary: "y"},
		"long title": {Title: strings.Repeat("长", report.MaxTitle+1), Summary: "y", Cases: []string{"c1"}},
		"empty id":   {Title: "x", Summary: "y", Cases: []string{" "}},
		"control":    {Title: "x\x01", Summary: "y", Cases: []string{"c1"}},
	} {
		if _, err := s.Draft("rp-1", c, "s1", now); code(err) != domain.CodeInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	apply(s.Draft("rp-1", content, "s1", now))
	if s.Status != report.StatusDraft || len(s.Cases) != 2 || s.Cases[0] != "c1" {
		t.Fatalf("drafted: %+v", s)
	}
	if _, err := s.Draft("rp-1", content, "s1", now); code(err) != domain.CodeStateConflict {
		t.Fatalf("drafted twice: %v", err)
	}
	if ev := apply(s.Edit(content, now)); len(ev) != 0 {
		t.Fatalf("an edit that changes nothing: %v", ev)
	}
	edited := content
	edited.Title = "关于施工许可审批慢作为的专报"
	apply(s.Edit(edited, now))
	if _, err := s.Issue([]report.Recipient{{ID: "l1"}}, "s1", now); code(err) != domain.CodeStateConflict {
		t.Fatalf("issued before review: %v", err)
	}
	apply(s.Submit("s1", now))
	if _, err := s.Edit(content, now); code(err) != domain.CodeStateConflict {
		t.Fatalf("edited in review: %v", err)
	}
	// The drafter does not review; a return needs a note.
	if _, err := s.ReviewBy(true, "", "s1", now); code(err) != domain.CodeForbidden {
		t.Fatalf("reviewed by the drafter: %v", err)
	}
	if _, err := s.ReviewBy(false, "", "s2", now); code(err) != domain.CodeInvalid {
		t.Fatalf("returned without a note: %v", err)
	}
	apply(s.ReviewBy(false, "分析部分需补充数据", "s2", now))
	if s.Status != report.StatusDraft || s.Review.Note == "" {
		t.Fatalf("returned: %+v", s)
	}
	apply(s.Submit("s1", now))
	apply(s.ReviewBy(true, "", "s2", now))
	for name, to := range map[string][]report.Recipient{
		"nobody": nil,
		"twice":  {{ID: "l1"}, {ID: "l1"}},
		"empty":  {{ID: ""}},
	} {
		if _, err := s.Issue(to, "s1", now); code(err) != domain.CodeInvalid {
			t.Errorf("issued to %s: %v", name, err)
		}
	}
	apply(s.Issue([]report.Recipient{{ID: "l1"}}, "s1", now))
	if s.Status != report.StatusIssued || !s.Recipient("l1") || s.Recipient("l2") {
		t.Fatalf("issued: %+v", s)
	}
}

func TestReceipts(t *testing.T) {
	t.Parallel()
	s := issued(t)
	apply := applier(t, s)
	if ev := apply(s.Open("l1", now)); len(ev) != 1 || !s.Opened("l1") {
		t.Fatalf("first opening: %v", ev)
	}
	if ev := apply(s.Open("l1", now.Add(time.Hour))); len(ev) != 0 {
		t.Fatalf("second opening: %v", ev)
	}
	if ev := apply(s.Open("l9", now)); len(ev) != 0 {
		t.Fatalf("a leader it was not issued to: %v", ev)
	}
	draft := &report.State{}
	applier(t, draft)(draft.Draft("rp-2", content, "s1", now))
	if ev, _ := draft.Open("l1", now); len(ev) != 0 {
		t.Fatalf("a draft opened: %v", ev)
	}
}

func TestInstructions(t *testing.T) {
	t.Parallel()
	s := issued(t)
	apply := applier(t, s)
	due := now.AddDate(0, 0, 7)
	fu := &report.FollowUp{DepartmentID: "city-construction", Workdays: 5, DueAt: due}
	for name, tt := range map[string]struct {
		leader string
		o      report.Order
		want   domain.Code
	}{
		"not a recipient":   {"l9", report.Order{Text: "x"}, domain.CodeForbidden},
		"no text":           {"l1", report.Order{Text: " "}, domain.CodeInvalid},
		"unknown level":     {"l1", report.Order{Text: "x", Supervision: "shout"}, domain.CodeInvalid},
		"two assignees":     {"l1", report.Order{Text: "x", FollowUp: &report.FollowUp{DepartmentID: "d", SupervisorID: "s", Workdays: 5, DueAt: due}}, domain.CodeInvalid},
		"no assignee":       {"l1", report.Order{Text: "x", FollowUp: &report.FollowUp{Workdays: 5, DueAt: due}}, domain.CodeInvalid},
		"too many workdays": {"l1", report.Order{Text: "x", FollowUp: &report.FollowUp{DepartmentID: "d", Workdays: 61, DueAt: due}}, domain.CodeInvalid},
	} {
		if _, err := s.Instruct(tt.leader, tt.o, now); code(err) != tt.want {
			t.Errorf("%s: %v, want %s", name, err, tt.want)
		}
	}
	apply(s.Instruct("l1", report.Order{Text: "请效能办督办，限期整改", Supervision: "supervise", FollowUp: fu}, now))
	if s.Status != report.StatusInstructed || len(s.PendingSupervision()) != 1 {
		t.Fatalf("instructed: %+v", s)
	}
	// Supervision once per level: the same or a lower level again is
	// refused; a higher one is a new order.
	for _, level := range []string{"supervise", "urge"} {
		if _, err := s.Instruct("l2", report.Order{Text: "再督办", Supervision: level}, now); code(err) != domain.CodeStateConflict {
			t.Errorf("supervision %s again: %v", level, err)
		}
	}
	apply(s.Instruct("l2", report.Order{Text: "阅"}, now))
	// Dispatched once.
	if ev := apply(s.Dispatch("i1", []string{"c1", "c2"}, nil, now)); len(ev) != 1 {
		t.Fatalf("dispatch: %v", ev)
	}
	if ev := apply(s.Dispatch("i1", []string{"c1", "c2"}, nil, now)); len(ev) != 0 || len(s.PendingSupervision()) != 0 {
		t.Fatalf("dispatched twice: %v", ev)
	}
	if ev, err := s.Dispatch("i2", nil, nil, now); len(ev) != 0 || err != nil {
		t.Fatalf("an instruction without supervision dispatched: %v %v", ev, err)
	}
	if _, err := s.Dispatch("i9", nil, nil, now); code(err) != domain.CodeNotFound {
		t.Fatalf("no such instruction: %v", err)
	}
	apply(s.Instruct("l2", report.Order{Text: "挂牌督办", Supervision: "flag"}, now))
	if len(s.PendingSupervision()) != 1 || s.PendingSupervision()[0].ID != "i3" {
		t.Fatalf("a higher level: %+v", s.PendingSupervision())
	}
	// The follow-up: overdue once, after its due date only.
	if ev := apply(s.Overdue("i1", due)); len(ev) != 0 {
		t.Fatalf("overdue at the due instant: %v", ev)
	}
	if ev := apply(s.Overdue("i1", due.Add(time.Second))); len(ev) != 1 {
		t.Fatalf("not overdue: %v", ev)
	}
	if ev := apply(s.Overdue("i1", due.Add(time.Hour))); len(ev) != 0 {
		t.Fatalf("overdue twice: %v", ev)
	}
	// Closing waits for the follow-up and the supervision.
	if _, err := s.Close("", "s1", now); code(err) != domain.CodeStateConflict {
		t.Fatalf("closed with the follow-up missing: %v", err)
	}
	if _, err := s.ReportFollowUp("i2", "x", "s1", now); code(err) != domain.CodeStateConflict {
		t.Fatalf("follow-up of an instruction without one: %v", err)
	}
	apply(s.ReportFollowUp("i1", "已整改到位，审批时限压缩至5个工作日", "s1", now))
	if _, err := s.ReportFollowUp("i1", "again", "s1", now); code(err) != domain.CodeStateConflict {
		t.Fatalf("reported twice: %v", err)
	}
	if _, err := s.Close("", "s1", now); code(err) != domain.CodeStateConflict {
		t.Fatalf("closed with supervision pending: %v", err)
	}
	apply(s.Dispatch("i3", []string{"c1"}, []report.Skipped{{CaseID: "c2", Reason: "closed"}}, now))
	apply(s.Close("办结", "s1", now))
	if s.Status != report.StatusClosed {
		t.Fatalf("closed: %+v", s)
	}
	for name, err := range map[string]error{
		"close":     func() error { _, err := s.Close("", "s1", now); return err }(),
		"instruct":  func() error { _, err := s.Instruct("l1", report.Order{Text: "x"}, now); return err }(),
		"follow-up": func() error { _, err := s.ReportFollowUp("i1", "x", "s1", now); return err }(),
	} {
		if code(err) != domain.CodeStateConflict {
			t.Errorf("%s after closing: %v", name, err)
		}
	}
}

func TestNotIssued(t *testing.T) {
	t.Parallel()
	s := &report.State{}
	applier(t, s)(s.Draft("rp-1", content, "s1", now))
	if _, err := s.Instruct("l1", report.Order{Text: "x"}, now); code(err) != domain.CodeStateConflict {
		t.Fatalf("instructed on a draft: %v", err)
	}
	if _, err := s.Close("", "s1", now); code(err) != domain.CodeStateConflict {
		t.Fatalf("a draft closed: %v", err)
	}
	empty := &report.State{}
	if _, err := empty.Submit("s1", now); code(err) != domain.CodeNotFound {
		t.Fatalf("no report: %v", err)
	}
	if a, b := report.IDFor("k1"), report.IDFor("k1"); a != b || a == report.IDFor("k2") || !strings.HasPrefix(a, "rp-") {
		t.Fatalf("ids %s %s", a, b)
	}
}
