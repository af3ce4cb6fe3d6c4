package rating_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/domain/rating"
)

// rankScheme scores on a scale of 100 with daily deductions, so a test can
// set a total exactly (100 for all 优, minus 1 per violation and 0.1 per
// lapse), and carries 002 §七's consequences: top 6 满意, bottom 3 explain,
// under 70 rectify.
func rankScheme() rating.Scheme {
	s := rating.PublicReviewDepartments()
	s.ID = "ranking-test"
	s.Consequences = rating.UnitAssessment().Consequences
	return s
}

// scored is a unit of the enforcement category with n ratings (all 优) and
// a total of 100 − violations − lapses/10.
func scored(t *testing.T, s rating.Scheme, id string, n, violations, lapses int) rating.Score {
	t.Helper()
	return scoredIn(t, s, march, id, n, violations, lapses)
}

// scoredIn is scored for another period.
func scoredIn(t *testing.T, s rating.Scheme, p rating.Period, id string, n, violations, lapses int) rating.Score {
	t.Helper()
	in := rating.ScoreInput{
		Unit:    rating.Unit{ID: id, Kind: rating.UnitDepartment, Category: rating.CategoryEnforcement},
		Period:  p,
		Tallies: map[rating.Method]rating.Tally{rating.MethodSampling: {Excellent: n}},
	}
	if violations > 0 {
		in.Deductions = append(in.Deductions, rating.Deduction{Kind: rating.DeductViolation, Count: violations, Amount: rating.Int(1)})
	}
	if lapses > 0 {
		in.Deductions = append(in.Deductions, rating.Deduction{Kind: rating.DeductLapse, Count: lapses})
	}
	return compute(t, s, in)
}

// flags writes an outcome compactly: S 满意, B bottom, E explain, A loses
// awards, U under the threshold, R rectify, H head accountable.
func flags(o rating.Outcome) string {
	var b strings.Builder
	for _, f := range []struct {
		on bool
		c  byte
	}{{o.Satisfied, 'S'}, {o.Bottom, 'B'}, {o.MustExplain, 'E'}, {o.LosesAwards, 'A'}, {o.Below, 'U'}, {o.MustRectify, 'R'}, {o.HeadAccountable, 'H'}} {
		if f.on {
			b.WriteByte(f.c)
		}
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}

// table writes a ranking as "id place/fromBottom flags" lines, "id - reason"
// for the units not ranked.
func table(r rating.Ranking) string {
	var lines []string
	for _, e := range r.Entries {
		if !e.Ranked {
			lines = append(lines, fmt.Sprintf("%s not ranked", e.Unit.ID))
			continue
		}
		tie := ""
		if e.Tied {
			tie = "="
		}
		lines = append(lines, fmt.Sprintf("%s %d%s/%d %s", e.Unit.ID, e.Place, tie, e.PlaceFromBottom, flags(e.Outcome)))
	}
	return strings.Join(lines, "\n")
}

func TestRank(t *testing.T) {
	t.Parallel()
	s := rankScheme()
	type u struct {
		id                  string
		n, violations, laps int
	}
	tests := []struct {
		name  string
		units []u
		want  string
	}{
		{
			// Totals 100, 98, 96, 95, 95, 90, 85, 80, 72, 70, 69.9; a unit with
			// 9 ratings (under the minimum of 10) and one with none.
			// The two 95s share place 4; the next is 6 (1, 2, 3, 4, 4, 6).
			// Top 6: places 1-6. Bottom 3 from the bottom: 69.9, 70, 72.
			// 72 and 70 (含70分) explain and lose the awards; 69.9 is under 70:
			// rectify, head accountable, no awards, and no written explanation.
			name: "eleven ranked, a tie, the 70 line, too few ratings",
			units: []u{
				{"a", 10, 0, 0}, {"b", 10, 2, 0}, {"c", 10, 4, 0}, {"d", 10, 5, 0}, {"e", 10, 5, 0},
				{"f", 10, 10, 0}, {"g", 10, 15, 0}, {"h", 10, 20, 0}, {"i", 10, 28, 0}, {"j", 10, 30, 0},
				{"k", 10, 30, 1}, {"few", 9, 0, 0}, {"none", 0, 0, 0},
			},
			want: `a 1/11 S
b 2/10 S
c 3/9 S
d 4=/7 S
e 4=/7 S
f 6/6 S
g 7/5 -
h 8/4 -
i 9/3 BEA
j 10/2 BEA
k 11/1 BAURH
few not ranked
none not ranked`,
		},
		{
			// Totals 100, 99, 98, 97, 96, 95, 95, 90, 80, 75: the tie at place 6
			// is taken in whole, so seven units are 满意.
			name: "a tie at the edge of the top six",
			units: []u{
				{"a", 10, 0, 0}, {"b", 10, 1, 0}, {"c", 10, 2, 0}, {"d", 10, 3, 0}, {"e", 10, 4, 0},
				{"f", 10, 5, 0}, {"g", 10, 5, 0}, {"h", 10, 10, 0}, {"i", 10, 20, 0}, {"j", 10, 25, 0},
			},
			want: `a 1/10 S
b 2/9 S
c 3/8 S
d 4/7 S
e 5/6 S
f 6=/4 S
g 6=/4 S
h 8/3 BEA
i 9/2 BEA
j 10/1 BEA`,
		},
		{
			// Totals 100, 99, 98, 97, 96, 95, 90, 80, 80, 80, 80: the last four
			// share the last place, so the bottom group holds four.
			name: "a tie at the edge of the bottom three",
			units: []u{
				{"a", 10, 0, 0}, {"b", 10, 1, 0}, {"c", 10, 2, 0}, {"d", 10, 3, 0}, {"e", 10, 4, 0},
				{"f", 10, 5, 0}, {"g", 10, 10, 0}, {"h", 10, 20, 0}, {"i", 10, 20, 0}, {"j", 10, 20, 0}, {"k", 10, 20, 0},
			},
			want: `a 1/11 S
b 2/10 S
c 3/9 S
d 4/8 S
e 5/7 S
f 6/6 S
g 7/5 -
h 8=/1 BEA
i 8=/1 BEA
j 8=/1 BEA
k 8=/1 BEA`,
		},
		{
			// Seven ranked: places 1-6 are the top six; of the last three
			// (places 5, 6, 7) only 7 is outside the top group, so the bottom
			// group is that one unit.
			name: "seven ranked: the top six first, the bottom drawn from the rest",
			units: []u{
				{"a", 10, 0, 0}, {"b", 10, 5, 0}, {"c", 10, 10, 0}, {"d", 10, 15, 0},
				{"e", 10, 20, 0}, {"f", 10, 25, 0}, {"g", 10, 29, 0},
			},
			want: `a 1/7 S
b 2/6 S
c 3/5 S
d 4/4 S
e 5/3 S
f 6/2 S
g 7/1 BEA`,
		},
		{
			// Four ranked, one at 65: all four are in the top places, nobody is
			// in the bottom group, and the unit under 70 is not 满意 but must
			// rectify, its head accountable.
			name:  "four ranked, one under 70",
			units: []u{{"a", 10, 0, 0}, {"b", 10, 10, 0}, {"c", 10, 20, 0}, {"d", 10, 35, 0}},
			want: `a 1/4 S
b 2/3 S
c 3/2 S
d 4/1 AURH`,
		},
		{
			// Exactly the minimum (10) is ranked; 9 is not, and does not count
			// towards the groups: the other unit is alone and 满意.
			name:  "the minimum sample",
			units: []u{{"at-minimum", 10, 0, 0}, {"under-minimum", 9, 0, 0}},
			want: `at-minimum 1/1 S
under-minimum not ranked`,
		},
		{
			// Equal totals sort by unit id, and are all tied at place 1.
			name:  "everyone tied",
			units: []u{{"z", 12, 3, 0}, {"m", 20, 3, 0}, {"a", 10, 3, 0}},
			want: `a 1=/1 S
m 1=/1 S
z 1=/1 S`,
		},
		{name: "nobody", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var scores []rating.Score
			for _, x := range tt.units {
				scores = append(scores, scored(t, s, x.id, x.n, x.violations, x.laps))
			}
			r, err := rating.Rank(s, march, rating.CategoryEnforcement, scores)
			if err != nil {
				t.Fatal(err)
			}
			if got := table(r); got != tt.want {
				t.Errorf("ranking:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestRankExactly70AndJustUnder(t *testing.T) {
	t.Parallel()
	s := rankScheme()
	// 100 − 30 = 70 exactly; 100 − 29 − 10×0.1 = 70 too, by another road;
	// 100 − 30 − 0.1 = 69.9.
	scores := []rating.Score{
		scored(t, s, "seventy", 10, 30, 0),
		scored(t, s, "seventy-too", 10, 29, 10),
		scored(t, s, "under", 10, 30, 1),
	}
	r, err := rating.Rank(s, march, rating.CategoryEnforcement, scores)
	if err != nil {
		t.Fatal(err)
	}
	want := "seventy 1=/2 S\nseventy-too 1=/2 S\nunder 3/1 AURH"
	if got := table(r); got != want {
		t.Errorf("ranking:\n%s\nwant:\n%s", got, want)
	}
	if got := r.Entries[0].Total.Fixed2(); got != "70.00" {
		t.Errorf("display %s", got)
	}
	if got := r.Entries[2].Total.Fixed2(); got != "69.90" {
		t.Errorf("display %s", got)
	}
}

func TestRankThresholdOnlyUnder003(t *testing.T) {
	t.Parallel()
	// 003 names no top or bottom group: only the 70 line has consequences,
	// and no rectification within a set time (诫勉谈话或组织处理).
	s := rating.PublicReviewDepartments()
	scores := []rating.Score{scored(t, s, "a", 10, 0, 0), scored(t, s, "b", 10, 31, 0)}
	r, err := rating.Rank(s, march, rating.CategoryEnforcement, scores)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := table(r), "a 1/2 -\nb 2/1 AUH"; got != want {
		t.Errorf("ranking:\n%s\nwant:\n%s", got, want)
	}
}

func TestRankRefuses(t *testing.T) {
	t.Parallel()
	s := rankScheme()
	good := scored(t, s, "a", 10, 0, 0)
	other := good
	other.Unit.ID = "b"
	tampered := scored(t, s, "c", 10, 1, 0)
	tampered.Total = rating.Int(100)
	management := good
	management.Unit.Category = rating.CategoryManagement
	april := good
	april.Period = rating.Month(2026, 4)
	office := other
	office.Unit.Kind = rating.UnitOffice
	tests := []struct {
		name     string
		category rating.Category
		scores   []rating.Score
		field    string
	}{
		{"another scheme", rating.CategoryEnforcement, []rating.Score{compute(t, rating.UnitAssessment(), rating.ScoreInput{Unit: police, Period: march})}, "scores[0].scheme"},
		{"another period", rating.CategoryEnforcement, []rating.Score{good, april}, "scores[1].period"},
		{"another category", rating.CategoryEnforcement, []rating.Score{management}, "scores[0].unit.category"},
		{"a unit twice", rating.CategoryEnforcement, []rating.Score{good, other, good}, "scores[2].unit.id"},
		{"a total that does not add up", rating.CategoryEnforcement, []rating.Score{good, tampered}, "scores[1]"},
		{"an unknown category", "other", nil, "category"},
		{"two kinds of unit", rating.CategoryEnforcement, []rating.Score{good, office}, "scores[1].unit.kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := rating.Rank(s, march, tt.category, tt.scores)
			if got := invalidField(t, err); got != tt.field {
				t.Errorf("field %q, want %q (%v)", got, tt.field, err)
			}
		})
	}
}

func TestRankAllGroupsByCategory(t *testing.T) {
	t.Parallel()
	s := rankScheme()
	a := scored(t, s, "a", 10, 0, 0)
	b := scored(t, s, "b", 10, 5, 0)
	m := scored(t, s, "m", 10, 50, 0)
	m.Unit.Category = rating.CategoryManagement
	o := scored(t, s, "o", 10, 0, 0)
	o.Unit.Kind = rating.UnitOffice
	rs, err := rating.RankAll(s, march, []rating.Score{o, m, b, a})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 || rs[0].Category != rating.CategoryEnforcement || rs[1].Category != rating.CategoryManagement ||
		rs[2].Kind != rating.UnitOffice || rs[0].Kind != rating.UnitDepartment {
		t.Fatalf("%+v", rs)
	}
	if got := table(rs[2]); got != "o 1/1 S" {
		t.Errorf("offices:\n%s", got)
	}
	if got := table(rs[0]); got != "a 1/2 S\nb 2/1 S" {
		t.Errorf("enforcement:\n%s", got)
	}
	if got := table(rs[1]); got != "m 1/1 AURH" {
		t.Errorf("management:\n%s", got)
	}
}
