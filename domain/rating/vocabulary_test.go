package rating_test

import (
	"testing"

	"github.com/watchpost/watchpost/domain/rating"
)

func TestVocabularyLabels(t *testing.T) {
	t.Parallel()
	grades := map[rating.Grade][2]any{
		rating.Excellent: {"优", int64(90)}, rating.Good: {"良", int64(75)}, rating.Fair: {"一般", int64(60)},
		rating.Poor: {"较差", int64(45)}, rating.Bad: {"差", int64(30)},
	}
	for _, g := range rating.Grades() {
		w := grades[g]
		if g.Label() != w[0] || g.StandardPoints() != w[1] || rating.StandardGradePoints().Of(g) != w[1] {
			t.Errorf("%s: %s %d", g, g.Label(), g.StandardPoints())
		}
		if err := g.Validate("g"); err != nil {
			t.Error(err)
		}
	}
	aspects := []string{"服务态度", "政务公开", "服务流程", "办事效率", "政策落实程度", "勤政廉政", "总体评价"}
	for i, a := range rating.Aspects() {
		if a.Label() != aspects[i] {
			t.Errorf("%s: %s, want %s", a, a.Label(), aspects[i])
		}
	}
	methods := []string{"即时测评", "综合测评", "明察暗访", "集中测评", "抽样调查", "网络投票"}
	for i, m := range rating.Methods() {
		if m.Label() != methods[i] {
			t.Errorf("%s: %s, want %s", m, m.Label(), methods[i])
		}
	}
	if rating.CategoryLabel(rating.CategoryEnforcement) != "行政执法类" || rating.CategoryLabel(rating.CategoryManagement) != "综合管理类" {
		t.Error("category labels")
	}
	for _, k := range rating.DeductionKinds() {
		if k.Label() == "" || k.Component() == "" {
			t.Errorf("%s has no label or component", k)
		}
	}
	if rating.UnitWindow.Label() != "服务窗口" || rating.UnitOffice.Label() != "内设机构" {
		t.Error("unit kind labels")
	}
}

func TestVocabularyValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"empty grade", rating.Grade("").Validate("sheet.overall"), "sheet.overall"},
		{"grade in Chinese", rating.Grade("优").Validate("sheet.overall"), "sheet.overall"},
		{"unknown aspect", rating.Aspect("speed").Validate("aspect"), "aspect"},
		{"empty method", rating.Method("").Validate("method"), "method"},
		{"unknown method", rating.Method("phone").Validate("method"), "method"},
		{"empty category", rating.ValidateCategory("category", ""), "category"},
		{"unknown category", rating.ValidateCategory("category", "other"), "category"},
		{"unknown unit kind", rating.UnitKind("bureau").Validate("unit.kind"), "unit.kind"},
		{"unknown deduction kind", rating.DeductionKind("fine").Validate("kind"), "kind"},
	}
	for _, tt := range tests {
		if got := invalidField(t, tt.err); got != tt.field {
			t.Errorf("%s: field %q, want %q", tt.name, got, tt.field)
		}
	}
}

func TestSheets(t *testing.T) {
	t.Parallel()
	good := rating.Sheet{rating.AspectOverall: rating.Good, rating.AspectAttitude: rating.Excellent}
	if err := good.Validate("sheet"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		sheet rating.Sheet
		field string
	}{
		{"no overall grade", rating.Sheet{rating.AspectAttitude: rating.Good}, "sheet.overall"},
		{"bad grade", rating.Sheet{rating.AspectOverall: rating.Good, rating.AspectOpenness: "ok"}, "sheet.openness"},
		{"unknown aspect", rating.Sheet{rating.AspectOverall: rating.Good, "speed": rating.Good}, "sheet[speed]"},
	}
	for _, tt := range tests {
		if got := invalidField(t, tt.sheet.Validate("sheet")); got != tt.field {
			t.Errorf("%s: field %q, want %q", tt.name, got, tt.field)
		}
	}
	tallies, err := rating.AspectTallies([]rating.Sheet{
		good,
		{rating.AspectOverall: rating.Excellent, rating.AspectAttitude: rating.Excellent, rating.AspectIntegrity: rating.Fair},
		{rating.AspectOverall: rating.Good},
	})
	if err != nil {
		t.Fatal(err)
	}
	if tallies[rating.AspectOverall] != (rating.Tally{Excellent: 1, Good: 2}) || tallies[rating.AspectAttitude] != (rating.Tally{Excellent: 2}) ||
		tallies[rating.AspectIntegrity] != (rating.Tally{Fair: 1}) {
		t.Errorf("%v", tallies)
	}
	// The overall tally's satisfaction: (90 + 2×75) / (3×90) = 240/270 = 8/9.
	sat, sum, ok := rating.Satisfaction(tallies[rating.AspectOverall], rating.StandardGradePoints())
	if !ok || sum != 240 {
		t.Fatalf("%s %d %v", sat, sum, ok)
	}
	wantNumber(t, "overall satisfaction", sat, "8/9")
	if _, err := rating.AspectTallies([]rating.Sheet{good, {}}); invalidField(t, err) != "sheets[1].overall" {
		t.Errorf("%v", err)
	}
	if _, _, ok := rating.Satisfaction(rating.Tally{}, rating.StandardGradePoints()); ok {
		t.Error("an empty tally has a satisfaction")
	}
}

func TestTally(t *testing.T) {
	t.Parallel()
	tl := rating.Tally{}.With(rating.Excellent, 2).With(rating.Bad, 1)
	if tl.Total() != 3 || tl.Count(rating.Excellent) != 2 || tl.Count(rating.Bad) != 1 {
		t.Errorf("%+v", tl)
	}
	if got := tl.Plus(rating.Tally{Good: 4, Bad: 1}); got != (rating.Tally{Excellent: 2, Good: 4, Bad: 2}) {
		t.Errorf("%+v", got)
	}
	if f := invalidField(t, rating.Tally{Poor: rating.MaxCount + 1}.Validate("t")); f != "t.poor" {
		t.Errorf("field %q", f)
	}
}
