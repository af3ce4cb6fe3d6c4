package network_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/network"
)

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// roundTrip encodes events and applies their decoded form, as the log does.
func roundTrip[S interface{ Apply(network.Event) error }](t *testing.T, s S, events []network.Event) {
	t.Helper()
	for _, e := range events {
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := network.Decode(e.EventType(), data)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(back); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPairingRule(t *testing.T) {
	t.Parallel()
	base := network.Entry{Side: network.SideDepartment, PointID: "mp-1", DepartmentID: "tax", Kind: network.EntryFee,
		AmountFen: 12000, OccurredAt: at("2026-11-20 10:00")}
	other := base
	other.Side = network.SidePoint
	tol := 12 * time.Hour
	for _, tt := range []struct {
		name   string
		change func(e *network.Entry)
		pairs  bool
	}{
		{"same event", func(*network.Entry) {}, true},
		{"same side", func(e *network.Entry) { e.Side = network.SideDepartment }, false},
		{"another point", func(e *network.Entry) { e.PointID = "mp-2" }, false},
		{"another department", func(e *network.Entry) { e.DepartmentID = "police" }, false},
		{"another kind", func(e *network.Entry) { e.Kind = network.EntryFine }, false},
		{"another amount", func(e *network.Entry) { e.AmountFen = 12001 }, false},
		{"at the tolerance", func(e *network.Entry) { e.OccurredAt = e.OccurredAt.Add(tol) }, true},
		{"past the tolerance", func(e *network.Entry) { e.OccurredAt = e.OccurredAt.Add(-tol - time.Second) }, false},
	} {
		e := other
		tt.change(&e)
		if got := network.Pairs(base, e, tol); got != tt.pairs {
			t.Errorf("%s: pairs %v, want %v", tt.name, got, tt.pairs)
		}
		if got := network.Pairs(e, base, tol); got != tt.pairs {
			t.Errorf("%s (the other way): pairs %v, want %v", tt.name, got, tt.pairs)
		}
	}
	insp := base
	insp.Kind, insp.AmountFen = network.EntryInspection, 0
	seen := insp
	seen.Side, seen.AmountFen = network.SidePoint, 5
	if !network.Pairs(insp, seen, tol) {
		t.Error("an inspection pairs whatever the amounts")
	}
}

func TestLedgerPairsNearestAndFlagsOneSided(t *testing.T) {
	t.Parallel()
	p := network.DefaultPolicy()
	l := &network.Ledger{}
	now := at("2026-11-24 10:00")
	reg := func(e network.Entry) network.EntryRegistered {
		t.Helper()
		ev, err := l.Register("mp-1", e, p, now)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, l, ev)
		return ev[0].(network.EntryRegistered)
	}
	dept := network.Entry{Side: network.SideDepartment, DepartmentID: "tax", Officer: "李四", LegalBasis: "税收征管法",
		Kind: network.EntryInspection, OccurredAt: at("2026-11-23 09:00")}
	far := dept
	far.OccurredAt = at("2026-11-23 15:00")
	a, b := reg(dept), reg(far)
	seen := network.Entry{Side: network.SidePoint, DepartmentID: "tax", Kind: network.EntryInspection, OccurredAt: at("2026-11-23 14:00")}
	if got := reg(seen); got.PairedWith != b.ID {
		t.Fatalf("paired with %q, want the nearest %s", got.PairedWith, b.ID)
	}
	fee := network.Entry{Side: network.SidePoint, DepartmentID: "tax", Kind: network.EntryFee, AmountFen: 5000, OccurredAt: at("2026-11-23 11:00")}
	f := reg(fee)
	if f.PairedWith != "" {
		t.Fatalf("a fee paired with %s", f.PairedWith)
	}
	if ev := l.Flag(f.ID, p, now.AddDate(0, 0, 6)); ev != nil {
		t.Fatalf("flagged before the days allowed: %v", ev)
	}
	ev := l.Flag(f.ID, p, now.AddDate(0, 0, 7))
	if len(ev) != 1 || ev[0].(network.EntryFlagged).Reason != network.FlagNotRegistered {
		t.Fatalf("flag: %v", ev)
	}
	roundTrip(t, l, ev)
	if ev := l.Flag(f.ID, p, now.AddDate(0, 0, 8)); ev != nil {
		t.Fatal("flagged twice")
	}
	if ev := l.Flag(a.ID, p, now.AddDate(0, 0, 7)); len(ev) != 1 || ev[0].(network.EntryFlagged).Reason != network.FlagNotConfirmed {
		t.Fatalf("the department's unconfirmed record: %v", ev)
	}
	if _, err := l.FileComplaint(a.ID, "c1", now); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("a department's record became a complaint: %v", err)
	}
	ev, err := l.FileComplaint(f.ID, "c1", now)
	if err != nil || len(ev) != 1 {
		t.Fatalf("file: %v %v", ev, err)
	}
	roundTrip(t, l, ev)
	if ev, err := l.FileComplaint(f.ID, "c1", now); err != nil || ev != nil {
		t.Fatalf("filing again: %v %v", ev, err)
	}
	bad := dept
	bad.Officer = ""
	if _, err := l.Register("mp-1", bad, p, now); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("a department's record without its officer: %v", err)
	}
	fine := network.Entry{Side: network.SidePoint, DepartmentID: "tax", Kind: network.EntryFine, OccurredAt: now}
	if _, err := l.Register("mp-1", fine, p, now); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("a fine without its amount: %v", err)
	}
}

func TestReportDue(t *testing.T) {
	t.Parallel()
	p := network.DefaultPolicy()
	if got, want := p.ReportDue("2026-11"), at("2026-12-06 00:00"); !got.Equal(want) {
		t.Errorf("due %s, want %s", got, want)
	}
	if got := p.ReportDue("2026-12"); !got.Equal(at("2027-01-06 00:00")) {
		t.Errorf("December's report due %s", got)
	}
	for now, want := range map[string]network.Month{
		"2026-12-05 23:59": "2026-10", "2026-12-06 00:00": "2026-11", "2026-11-24 10:00": "2026-10", "2027-01-06 08:00": "2026-12",
	} {
		if got := p.LastDueMonth(at(now)); got != want {
			t.Errorf("at %s the last due month is %s, want %s", now, got, want)
		}
	}
	p.ReportDueDay = 10
	if got := p.ReportDue("2026-11"); !got.Equal(at("2026-12-11 00:00")) {
		t.Errorf("due day 10: %s", got)
	}
}

func TestReportOverdueOnceAndZeroReports(t *testing.T) {
	t.Parallel()
	p := network.DefaultPolicy()
	due := p.ReportDue("2026-11")
	r := &network.Report{}
	if ev := r.Overdue("ws-a", "2026-11", due, due.Add(-time.Second)); ev != nil {
		t.Fatal("overdue before the due time")
	}
	ev := r.Overdue("ws-a", "2026-11", due, due)
	if len(ev) != 1 {
		t.Fatalf("overdue: %v", ev)
	}
	roundTrip(t, r, ev)
	if ev := r.Overdue("ws-a", "2026-11", due, due.Add(time.Hour)); ev != nil {
		t.Fatal("overdue twice")
	}
	listed := []network.ReportItem{{PointID: "mp-1", Kind: network.ItemComplaint, Text: "审批超期", Count: 1, CaseID: "c1"}}
	if _, err := r.Submit("ws-a", "2026-11", network.Submission{Zero: true}, []string{"mp-1"}, listed, due, cst, due.Add(time.Hour)); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("a zero report over a listed complaint: %v", err)
	}
	sub := network.Submission{Items: []network.ReportItem{{PointID: "mp-2", Kind: network.ItemOpinion, Text: "x"}}}
	if _, err := r.Submit("ws-a", "2026-11", sub, []string{"mp-1"}, listed, due, cst, due); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("an item of another workstation's point: %v", err)
	}
	sub.Items[0].PointID = "mp-1"
	ev, err := r.Submit("ws-a", "2026-11", sub, []string{"mp-1"}, listed, due, cst, due.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, r, ev)
	if r.Status != network.StatusSubmitted || !r.Late || len(r.Items) != 2 {
		t.Fatalf("report: %+v", r)
	}
	tallies := network.Tallies([]string{"mp-1", "mp-3"}, r.Items)
	if tallies[0] != (network.Tally{PointID: "mp-1", Opinions: 1, Complaints: 1}) || tallies[1] != (network.Tally{PointID: "mp-3"}) {
		t.Fatalf("tallies: %+v", tallies)
	}
	if _, err := r.Submit("ws-a", "2026-11", sub, []string{"mp-1"}, listed, due, cst, due); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("submitted twice: %v", err)
	}
	z := &network.Report{}
	ev, err = z.Submit("ws-b", "2026-11", network.Submission{Zero: true}, []string{"mp-2"}, nil, due, cst, due.Add(-time.Hour))
	if err != nil || ev[0].(network.ReportSubmitted).Late {
		t.Fatalf("a zero report on time: %v %v", ev, err)
	}
	if _, err := z.Submit("ws-b", "2027-01", network.Submission{Zero: true}, nil, nil, due, cst, due); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("a month not begun: %v", err)
	}
}

func TestRosterAdjustedThenPublished(t *testing.T) {
	t.Parallel()
	r := &network.Roster{}
	now := at("2026-11-24 10:00")
	step := func(ev []network.Event, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, r, ev)
	}
	if _, err := r.Add("mp-1", "新设", now); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("adding to no roster: %v", err)
	}
	step(r.Draft(2027, 2026, []string{"mp-2", "mp-1", "mp-2"}, now))
	if _, err := r.Add("mp-1", "again", now); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("added twice: %v", err)
	}
	if _, err := r.Add("mp-3", " ", now); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("added without a reason: %v", err)
	}
	step(r.Add("mp-3", "履职突出", now))
	step(r.Remove("mp-2", "企业迁出", now))
	if _, err := r.Publish([]string{"mp-3"}, now); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("published with a retired point: %v", err)
	}
	step(r.Publish(nil, now))
	if !r.Published || len(r.Points) != 2 || r.Points[0] != "mp-1" || r.Points[1] != "mp-3" || len(r.Changes) != 2 {
		t.Fatalf("roster: %+v", r)
	}
	if _, err := r.Add("mp-4", "late", now); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("changed after publication: %v", err)
	}
}

func TestWorkstationExpectsReports(t *testing.T) {
	t.Parallel()
	w := &network.Workstation{}
	ev, err := w.Register("ws-a", network.WorkstationDetails{Name: "开发区工作站", HostUnit: "市经济开发区管委会"}, "", at("2026-11-24 10:00"))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, w, ev)
	if w.ExpectsReport("2026-10", cst) || !w.ExpectsReport("2026-11", cst) || !w.ExpectsReport("2026-12", cst) {
		t.Fatal("a workstation owes the reports from the month it was registered in")
	}
	ev, _ = w.Retire("撤站", at("2027-02-10 10:00"))
	roundTrip(t, w, ev)
	if !w.ExpectsReport("2027-02", cst) || w.ExpectsReport("2027-03", cst) {
		t.Fatal("a retired workstation owes the reports up to its retirement")
	}
	ev, _ = w.RecordSeminar(at("2027-01-10 10:00"), 12, "座谈", at("2027-02-10 10:00"))
	roundTrip(t, w, ev)
	if w.SeminarsIn(2027, cst) != 1 || w.SeminarsIn(2026, cst) != 0 {
		t.Fatal("seminars by year")
	}
}

func TestAmounts(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"120": 12000, "120.5": 12050, "0.07": 7, "": 0} {
		if got, err := network.ParseAmount("amount", in); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"1.234", "-5", "1e3", "abc", ".5"} {
		if _, err := network.ParseAmount("amount", in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	if network.FormatAmount(12050) != "120.50" {
		t.Error(network.FormatAmount(12050))
	}
}
