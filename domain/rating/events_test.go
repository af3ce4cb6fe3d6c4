package rating_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/rating"
)

var (
	cst = time.FixedZone("CST", 8*3600)
	// now is a Monday at the end of November 2026 in Beijing.
	now = time.Date(2026, 11, 30, 10, 0, 0, 0, cst)
)

func target(t *testing.T, dept string) rating.Target {
	t.Helper()
	tg, err := rating.NewTarget(dept, false, "", "")
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func code(err error) domain.Code { return domain.ErrorCode(err) }

func sheet(overall rating.Grade) rating.Sheet {
	return rating.Sheet{rating.AspectOverall: overall, rating.AspectAttitude: overall}
}

func TestNewTarget(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		dept           string
		office         bool
		officeID, win  string
		units, invalid string
	}{
		{dept: "tax", units: "[{tax department}]"},
		{dept: "tax-permits", office: true, units: "[{tax-permits office}]"},
		{dept: "tax", officeID: "tax-permits", units: "[{tax department} {tax-permits office}]"},
		{dept: "tax", win: " 登记窗口 ", units: "[{tax department} {tax/登记窗口 window}]"},
		{dept: "tax", officeID: "tax-permits", win: "w", invalid: "window"},
		{dept: "tax", win: "a/b", invalid: "window"},
		{dept: "tax", officeID: "tax", invalid: "officeId"},
		{dept: "", invalid: "departmentId"},
	} {
		tg, err := rating.NewTarget(tt.dept, tt.office, tt.officeID, tt.win)
		if tt.invalid != "" {
			if invalidField(t, err) != tt.invalid {
				t.Errorf("%+v: refused on %v", tt, err)
			}
			continue
		}
		if err != nil || fmt.Sprint(tg.Units) != tt.units {
			t.Errorf("%+v: %v %v, want %s", tt, tg.Units, err, tt.units)
		}
	}
}

// TestOneRatingPerDealing: the id follows from the point and the dealing's
// reference, and the rating's aggregate refuses a second rating.
func TestOneRatingPerDealing(t *testing.T) {
	t.Parallel()
	cmd := rating.RateDealing{PointID: "mp-1", DealingRef: "发票-0031", Target: target(t, "tax"), Dealing: "领取发票",
		Kind: rating.DealingService, DealtOn: "2026-11-03", Sheet: sheet(rating.Good), Comment: "窗口人员耐心"}
	if rating.RatingIDFor("mp-1", "发票-0031") != rating.RatingIDFor("mp-1", "发票-0031") ||
		rating.RatingIDFor("mp-1", "发票-0031") == rating.RatingIDFor("mp-2", "发票-0031") {
		t.Fatal("rating ids are not one per point and dealing")
	}
	r := &rating.Rating{}
	events, err := r.Rate(cmd, nil, cst, now)
	if err != nil {
		t.Fatal(err)
	}
	e := events[0].(rating.DealingRated)
	if e.RatingID != rating.RatingIDFor("mp-1", "发票-0031") || e.Month != rating.Month(2026, 11) || e.DealtOn != "2026-11-03" {
		t.Fatalf("rated: %+v", e)
	}
	if err := r.Apply(e); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Rate(cmd, nil, cst, now); code(err) != domain.CodeStateConflict {
		t.Fatalf("a second rating of the dealing: %v", err)
	}
}

func TestRateRefuses(t *testing.T) {
	t.Parallel()
	base := rating.RateDealing{PointID: "mp-1", DealingRef: "d-1", Target: target(t, "tax"), Dealing: "d",
		Kind: rating.DealingOfficial, DealtOn: "2026-11-03", Sheet: sheet(rating.Good)}
	for _, tt := range []struct {
		name   string
		change func(*rating.RateDealing)
		closed []rating.Period
		field  string
		code   domain.Code
	}{
		{"tomorrow", func(c *rating.RateDealing) { c.DealtOn = "2026-12-01" }, nil, "dealtOn", domain.CodeInvalid},
		{"not a date", func(c *rating.RateDealing) { c.DealtOn = "3 Nov" }, nil, "dealtOn", domain.CodeInvalid},
		{"no overall grade", func(c *rating.RateDealing) { c.Sheet = rating.Sheet{rating.AspectAttitude: rating.Good} }, nil, "grades.overall", domain.CodeInvalid},
		{"a made-up grade", func(c *rating.RateDealing) { c.Sheet = sheet("splendid") }, nil, "grades.attitude", domain.CodeInvalid},
		{"no kind", func(c *rating.RateDealing) { c.Kind = "" }, nil, "kind", domain.CodeInvalid},
		{"no reference", func(c *rating.RateDealing) { c.DealingRef = " " }, nil, "dealingRef", domain.CodeInvalid},
		{"a long comment", func(c *rating.RateDealing) { c.Comment = string(make([]rune, 501)) }, nil, "comment", domain.CodeInvalid},
		{"the month closed", func(*rating.RateDealing) {}, []rating.Period{rating.Month(2026, 11)}, "", domain.CodeStateConflict},
		{"the quarter closed", func(c *rating.RateDealing) { c.DealtOn = "2026-10-30" }, []rating.Period{rating.Quarter(2026, 4)}, "", domain.CodeStateConflict},
	} {
		cmd := base
		tt.change(&cmd)
		_, err := (&rating.Rating{}).Rate(cmd, tt.closed, cst, now)
		var de *domain.Error
		if code(err) != tt.code || (tt.field != "" && (!asError(err, &de) || de.Field != tt.field)) {
			t.Errorf("%s: %v, want %s on %q", tt.name, err, tt.code, tt.field)
		}
	}
}

func asError(err error, de **domain.Error) bool {
	e, ok := err.(*domain.Error)
	*de = e
	return ok
}

func TestMonthSummaryOncePerPointUnitAndMonth(t *testing.T) {
	t.Parallel()
	cmd := rating.SummarizeMonth{PointID: "mp-1", Target: target(t, "tax"), Month: rating.Month(2026, 11), Sheet: sheet(rating.Excellent)}
	s := &rating.Summary{}
	events, err := s.Summarize(cmd, nil, cst, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(events[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Summarize(cmd, nil, cst, now); code(err) != domain.CodeStateConflict {
		t.Fatalf("a second summary: %v", err)
	}
	if rating.SummaryIDFor("mp-1", "tax", rating.Month(2026, 11)) == rating.SummaryIDFor("mp-1", "tax", rating.Month(2026, 12)) {
		t.Fatal("summary ids do not depend on the month")
	}
	cmd.Month = rating.Month(2026, 12)
	if _, err := (&rating.Summary{}).Summarize(cmd, nil, cst, now); invalidField(t, err) != "month" {
		t.Fatalf("a month not begun: %v", err)
	}
	cmd.Month = rating.Quarter(2026, 4)
	if _, err := (&rating.Summary{}).Summarize(cmd, nil, cst, now); invalidField(t, err) != "month" {
		t.Fatalf("a quarter: %v", err)
	}
}

func TestInspectionAndSurvey(t *testing.T) {
	t.Parallel()
	cmd := rating.RecordInspection{ID: "insp-1", Target: target(t, "tax"), InspectedOn: "2026-11-10", Mode: rating.InspectionCovert,
		Findings: "电话咨询无人接听", Sheet: sheet(rating.Poor), Violations: 2, ViolationAmount: rating.Frac(3, 4), Lapses: 1}
	events, err := (&rating.Inspection{}).Record(cmd, nil, cst, now)
	if err != nil {
		t.Fatal(err)
	}
	if e := events[0].(rating.InspectionRecorded); e.Month != rating.Month(2026, 11) || !e.ViolationAmount.Equal(rating.Frac(3, 4)) {
		t.Fatalf("recorded %+v", e)
	}
	for field, change := range map[string]func(*rating.RecordInspection){
		"mode":            func(c *rating.RecordInspection) { c.Mode = "secret" },
		"violationAmount": func(c *rating.RecordInspection) { c.ViolationAmount = rating.Int(2) },
		"violations":      func(c *rating.RecordInspection) { c.Violations = -1 },
		"findings":        func(c *rating.RecordInspection) { c.Findings = "" },
	} {
		c := cmd
		change(&c)
		if _, err := (&rating.Inspection{}).Record(c, nil, cst, now); invalidField(t, err) != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	survey := rating.RecordSurvey{ID: "sv-1", Method: rating.MethodSampling, Target: target(t, "tax"), Month: rating.Month(2026, 11),
		Tally: rating.Tally{Excellent: 30, Good: 10}, Source: "县统计局民意调查中心"}
	if _, err := (&rating.Survey{}).Record(survey, nil, cst, now); err != nil {
		t.Fatal(err)
	}
	survey.Method = rating.MethodInstant
	if _, err := (&rating.Survey{}).Record(survey, nil, cst, now); invalidField(t, err) != "method" {
		t.Fatalf("instant as a survey: %v", err)
	}
	survey.Method, survey.Tally = rating.MethodOnlineVote, rating.Tally{}
	if _, err := (&rating.Survey{}).Record(survey, nil, cst, now); invalidField(t, err) != "tally" {
		t.Fatalf("an empty tally: %v", err)
	}
}

func TestSession(t *testing.T) {
	t.Parallel()
	s := &rating.Session{}
	apply := func(events []rating.Event, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if err := s.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	apply(s.Open(rating.OpenSession{ID: "ses-1", HeldOn: "2026-11-20", Title: "11月集中测评", Groups: []string{"人大代表", "企业代表"},
		Units: []rating.Target{target(t, "tax"), target(t, "police")}}, nil, cst, now))
	if _, err := s.CloseSession(nil, now); code(err) != domain.CodeStateConflict {
		t.Fatalf("closing without ballots: %v", err)
	}
	apply(s.CastBallots([]rating.Ballot{
		{Number: 1, Group: "人大代表", Grades: map[string]rating.Grade{"tax": rating.Excellent, "police": rating.Good}},
		{Number: 2, Group: "企业代表", Grades: map[string]rating.Grade{"tax": rating.Fair}},
	}, nil, now))
	for name, tt := range map[string]struct {
		b     rating.Ballot
		field string
		code  domain.Code
	}{
		"entered before": {rating.Ballot{Number: 1, Group: "人大代表", Grades: map[string]rating.Grade{"tax": rating.Good}}, "", domain.CodeStateConflict},
		"unknown group":  {rating.Ballot{Number: 3, Group: "路人", Grades: map[string]rating.Grade{"tax": rating.Good}}, "ballots[0].group", domain.CodeInvalid},
		"unknown unit":   {rating.Ballot{Number: 3, Group: "人大代表", Grades: map[string]rating.Grade{"water": rating.Good}}, "ballots[0].grades", domain.CodeInvalid},
		"no grade":       {rating.Ballot{Number: 3, Group: "人大代表"}, "ballots[0].grades", domain.CodeInvalid},
		"bad grade":      {rating.Ballot{Number: 3, Group: "人大代表", Grades: map[string]rating.Grade{"tax": "ok"}}, "ballots[0].grades[tax]", domain.CodeInvalid},
	} {
		_, err := s.CastBallots([]rating.Ballot{tt.b}, nil, now)
		var de *domain.Error
		if code(err) != tt.code || (tt.field != "" && (!asError(err, &de) || de.Field != tt.field)) {
			t.Errorf("%s: %v", name, err)
		}
	}
	apply(s.CloseSession(nil, now))
	if _, err := s.CastBallots([]rating.Ballot{{Number: 9, Group: "人大代表", Grades: map[string]rating.Grade{"tax": rating.Good}}}, nil, now); code(err) != domain.CodeStateConflict {
		t.Fatalf("a ballot after closing: %v", err)
	}
	if !s.Closed || len(s.Cast) != 2 {
		t.Fatalf("session: %+v", s)
	}
}

func TestSchemeBook(t *testing.T) {
	t.Parallel()
	b := &rating.Book{}
	if b.InForce(rating.UnitDepartment).Ref() != rating.UnitAssessment().Ref() || b.InForce(rating.UnitWindow).Ref() != rating.PublicReviewWindows().Ref() {
		t.Fatal("the default schemes")
	}
	adopt := func(s rating.Scheme, kinds ...rating.UnitKind) ([]rating.Event, error) {
		events, err := b.Adopt(s, kinds, now)
		for _, e := range events {
			if err := b.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		return events, err
	}
	if _, err := adopt(rating.PublicReviewDepartments(), rating.UnitDepartment, rating.UnitOffice); err != nil {
		t.Fatal(err)
	}
	if b.InForce(rating.UnitOffice).ID != "public-review-departments" {
		t.Fatalf("in force: %v", b.InForce(rating.UnitOffice).Ref())
	}
	if events, err := adopt(rating.PublicReviewDepartments(), rating.UnitDepartment); err != nil || len(events) != 0 {
		t.Fatalf("adopting again what is in force: %v %v", events, err)
	}
	changed := rating.PublicReviewDepartments()
	changed.MinRatings = 3
	if _, err := adopt(changed, rating.UnitDepartment); code(err) != domain.CodeStateConflict {
		t.Fatalf("the same version with other content: %v", err)
	}
	changed.Version = 2
	if _, err := adopt(changed, rating.UnitDepartment); err != nil || b.InForce(rating.UnitDepartment).MinRatings != 3 {
		t.Fatalf("a new version: %v", err)
	}
	if _, err := adopt(rating.PublicReviewDepartments(), rating.UnitDepartment); err != nil {
		t.Fatalf("going back to version 1, unchanged: %v", err)
	}
	older := rating.PublicReviewDepartments()
	older.Name = "另一个名称"
	if _, err := adopt(older, rating.UnitDepartment); code(err) != domain.CodeStateConflict {
		t.Fatalf("version 1 changed after version 2: %v", err)
	}
	if _, err := adopt(rating.PublicReviewWindows(), rating.UnitDepartment); invalidField(t, err) != "kinds[0]" {
		t.Fatalf("a window scheme for departments: %v", err)
	}
}

// TestRectificationFromCaseEvents: the rule of casework.go, event by event.
func TestRectificationFromCaseEvents(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, cst)
	overdue := func(rid string) complaint.Event {
		return complaint.RectificationOverdue{DeadlineFacts: complaint.DeadlineFacts{Clock: "rectification:" + rid}, At: at}
	}
	rejected := func(rid string) complaint.Event {
		return complaint.RectificationVerified{RectificationID: rid, Accepted: false, At: at}
	}
	for _, tt := range []struct {
		name   string
		events []complaint.Event
		want   string
	}{
		{"overdue", []complaint.Event{
			complaint.CaseReferred{DepartmentID: "tax"}, complaint.RectificationRequired{RectificationID: "rect-1"}, overdue("rect-1"),
		}, "[tax rect-1 late]"},
		{"rejected once", []complaint.Event{
			complaint.CaseReferred{DepartmentID: "tax"}, complaint.RectificationRequired{RectificationID: "rect-1"},
			complaint.RectificationReported{RectificationID: "rect-1"}, rejected("rect-1"),
		}, "[tax rect-1 late]"},
		{"rejected after a second supervision", []complaint.Event{
			complaint.CaseReferred{DepartmentID: "tax"}, complaint.RectificationRequired{RectificationID: "rect-1"},
			complaint.SupervisionOrdered{Level: complaint.LevelSupervise}, complaint.SupervisionOrdered{Level: complaint.LevelUrge},
			complaint.RectificationReported{RectificationID: "rect-1"}, rejected("rect-1"),
			complaint.ClosureOverdue{},
			complaint.RectificationReported{RectificationID: "rect-1"}, rejected("rect-1"),
		}, "[tax rect-1 late] [tax rect-1 unresolved]"},
		{"overdue in a flagged case after a report", []complaint.Event{
			complaint.CaseReferred{DepartmentID: "tax"}, complaint.RectificationRequired{RectificationID: "rect-1"},
			complaint.SupervisionOrdered{Level: complaint.LevelFlag}, complaint.RectificationReported{RectificationID: "rect-1"},
			rejected("rect-1"), overdue("rect-1"),
		}, "[tax rect-1 unresolved] [tax rect-1 unresolved]"},
		{"never reported, then flagged", []complaint.Event{
			complaint.CaseReferred{DepartmentID: "tax"}, complaint.RectificationRequired{RectificationID: "rect-1"}, overdue("rect-1"),
			complaint.Escalated{},
		}, "[tax rect-1 late] [tax rect-1 refused]"},
		{"accepted rectifications are not refused", []complaint.Event{
			complaint.CaseReferred{DepartmentID: "tax"}, complaint.RectificationRequired{RectificationID: "rect-1"}, overdue("rect-1"),
			complaint.RectificationReported{RectificationID: "rect-1"}, complaint.RectificationVerified{RectificationID: "rect-1", Accepted: true},
			complaint.SupervisionOrdered{Level: complaint.LevelFlag},
		}, "[tax rect-1 late]"},
		{"held by the center", []complaint.Event{
			complaint.CaseAccepted{Mode: complaint.ModeSelf}, complaint.RectificationRequired{RectificationID: "rect-1"}, overdue("rect-1"),
		}, ""},
		{"returned after the rectification was required", []complaint.Event{
			complaint.CaseReferred{DepartmentID: "tax"}, complaint.RectificationRequired{RectificationID: "rect-1"},
			complaint.ReferralReturned{DepartmentID: "tax"}, complaint.CaseReferred{DepartmentID: "police"}, overdue("rect-1"),
		}, "[tax rect-1 late]"},
	} {
		c := &rating.CaseRecord{}
		var got []string
		for _, e := range tt.events {
			for _, f := range c.Observe("c-1", e) {
				got = append(got, fmt.Sprintf("[%s %s %s]", f.DepartmentID, f.RectificationID, f.Kind))
			}
		}
		if s := fmt.Sprint(got); s != "["+tt.want+"]" {
			t.Errorf("%s: found %s, want [%s]", tt.name, s, tt.want)
		}
	}
	ded := rating.RectificationDeductions([]rating.Item{{"c-2/rect-1", rating.DeductLate}, {"c-1/rect-1", rating.DeductLate}, {"c-1/rect-2", rating.DeductRefused}})
	if fmt.Sprint(ded) != "[{late 2 0 [c-1/rect-1 c-2/rect-1]} {refused 1 0 [c-1/rect-2]}]" {
		t.Fatalf("deductions %v", ded)
	}
}

// TestClosingFixesTheStanding: a closed period carries its inputs, schemes
// and results; replayed from its JSON it gives the same totals and places,
// whatever scheme is in force later.
func TestClosingFixesTheStanding(t *testing.T) {
	t.Parallel()
	nov := rating.Month(2026, 11)
	unit := func(id string, c rating.Category) rating.Unit {
		return rating.Unit{ID: id, Kind: rating.UnitDepartment, Category: c}
	}
	inputs := []rating.ScoreInput{
		{Unit: unit("tax", rating.CategoryEnforcement), Period: nov, Tallies: map[rating.Method]rating.Tally{
			rating.MethodInstant: {Excellent: 8, Good: 2}, rating.MethodCentral: {Excellent: 10},
			rating.MethodSampling: {Bad: 4}}, // not counted by 002: left out
			Deductions: []rating.Deduction{{Kind: rating.DeductLate, Count: 1, Refs: []string{"c-1/rect-1"}},
				{Kind: rating.DeductLapse, Count: 3}}}, // a 003 deduction: left out
		{Unit: unit("police", rating.CategoryEnforcement), Period: nov, Tallies: map[rating.Method]rating.Tally{
			rating.MethodInstant: {Fair: 10}, rating.MethodCentral: {Fair: 10}}},
		{Unit: unit("water", rating.CategoryManagement), Period: nov},
	}
	schemes := map[rating.UnitKind]rating.Scheme{rating.UnitDepartment: rating.UnitAssessment()}
	l := &rating.PeriodLedger{}
	cmd := rating.ClosePeriod{Period: nov, AsOf: 42, Schemes: schemes, Inputs: inputs}
	if _, err := l.Close(cmd, nil, cst, now); code(err) != domain.CodeStateConflict {
		t.Fatalf("closing November before its end: %v", err)
	}
	dec := time.Date(2026, 12, 1, 9, 0, 0, 0, cst)
	cmd.OpenSessions = []string{"ses-1"}
	if _, err := l.Close(cmd, nil, cst, dec); code(err) != domain.CodeStateConflict {
		t.Fatalf("closing with an open session: %v", err)
	}
	cmd.OpenSessions = nil
	events, err := l.Close(cmd, nil, cst, dec)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(events[0])
	if err != nil {
		t.Fatal(err)
	}
	back, err := rating.Decode(rating.TypePeriodClosed, raw)
	if err != nil {
		t.Fatal(err)
	}
	closed := back.(rating.PeriodClosed)
	if closed.AsOf != 42 || len(closed.Schemes) != 1 || len(closed.Inputs) != 3 {
		t.Fatalf("closed: %+v", closed)
	}
	st, err := closed.Replay()
	if err != nil {
		t.Fatal(err)
	}
	// tax: 即时 870/900 = 29/30, 集中 1; weights 20:50 of 70 → 2/7, 5/7:
	// 2/7 × 29/30 + 5/7 = 58/210 + 150/210 = 208/210 = 104/105;
	// × 80 = 8320/105 = 1664/21; rectification 20 − 3 = 17: 2021/21.
	results := map[string]rating.Result{}
	for _, r := range closed.Results {
		results[r.UnitID] = r
	}
	wantNumber(t, "tax", results["tax"].Total, "2021/21")
	if results["tax"].Place != 1 || results["police"].Place != 2 || results["water"].Ranked || results["water"].Scored {
		t.Fatalf("results %+v", results)
	}
	if left := st.Left["tax"]; len(left) != 2 {
		t.Fatalf("left out of tax: %v", left)
	}
	sc, _ := st.Score("tax")
	if err := sc.Verify(); err != nil || !sc.Total.Equal(results["tax"].Total) {
		t.Fatalf("tax's drill-down: %v %s", err, sc.Total)
	}
	if err := l.Apply(closed); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Close(cmd, nil, cst, dec); code(err) != domain.CodeStateConflict {
		t.Fatalf("closing twice: %v", err)
	}
	// An altered closing does not replay.
	closed.Results[0].Total = rating.Int(99)
	if _, err := closed.Replay(); err == nil {
		t.Fatal("an altered total replayed")
	}
}

// TestEventsRoundTrip: every event type decodes back to what was encoded.
func TestEventsRoundTrip(t *testing.T) {
	t.Parallel()
	tg := target(t, "tax")
	nov := rating.Month(2026, 11)
	for _, e := range []rating.Event{
		rating.DealingRated{RatingID: "r-1", PointID: "mp-1", DealingRef: "d", Target: tg, Dealing: "x", Kind: rating.DealingService, DealtOn: "2026-11-03", Month: nov, Sheet: sheet(rating.Good), At: now},
		rating.MonthSummarized{SummaryID: "s-1", PointID: "mp-1", Target: tg, Month: nov, Sheet: sheet(rating.Fair), At: now},
		rating.InspectionRecorded{InspectionID: "i-1", Target: tg, InspectedOn: "2026-11-04", Month: nov, Mode: rating.InspectionOvert, Sheet: sheet(rating.Bad), Violations: 1, ViolationAmount: rating.Frac(1, 2), At: now},
		rating.SurveyRecorded{SurveyID: "v-1", Method: rating.MethodOnlineVote, Target: tg, Month: nov, Tally: rating.Tally{Good: 3}, Source: "网站", At: now},
		rating.SessionOpened{SessionID: "ses-1", HeldOn: "2026-11-20", Month: nov, Title: "t", Groups: []string{"g"}, Units: []rating.Target{tg}, At: now},
		rating.BallotsCast{Ballots: []rating.Ballot{{Number: 1, Group: "g", Grades: map[string]rating.Grade{"tax": rating.Good}}}, At: now},
		rating.SessionClosed{Ballots: 1, At: now},
		rating.SchemeAdopted{Scheme: rating.PublicReviewDepartments(), Kinds: []rating.UnitKind{rating.UnitDepartment}, At: now},
	} {
		raw, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := rating.Decode(e.EventType(), raw)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(raw) || reflect.TypeOf(back) != reflect.TypeOf(e) {
			t.Errorf("%s: %s came back as %s", e.EventType(), raw, again)
		}
	}
	if _, err := rating.Decode("NoSuchEvent", []byte("{}")); err == nil {
		t.Fatal("an unknown type decoded")
	}
}
