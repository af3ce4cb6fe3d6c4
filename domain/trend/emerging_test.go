package trend

import "testing"

func TestNovelRule(t *testing.T) {
	t.Parallel()
	d := detector(t)
	tests := []struct {
		name     string
		counts   []int
		finding  bool
		severity Severity
		from     int // index of the first day of the period
	}{
		{"unseen for 90 days, twice this week", append(repeat(0, 120), 1, 0, 0, 1), true, Yellow, 120},
		{"unseen, four this week", append(repeat(0, 120), 2, 0, 2), true, Red, 120},
		{"unseen, once", append(repeat(0, 120), 1), false, "", 0},
		{"seen 60 days ago", append(append(append(repeat(0, 60), 1), repeat(0, 60)...), 1, 1), false, "", 0},
		{"history shorter than 97 days", append(repeat(0, 80), 1, 1), false, "", 0},
		{"a week ago and now: two in eight days", append(append(repeat(0, 120), 1), repeat(0, 6)...), false, "", 0},
	}
	tests[5].counts = append(tests[5].counts, 1)
	for _, tc := range tests {
		f, ok := byMethod(findings(t, d, tc.counts), MethodNovel)
		if ok != tc.finding {
			t.Errorf("%s: finding %v %+v", tc.name, ok, f)
			continue
		}
		if ok && (f.Kind != Emerging || f.Severity != tc.severity || f.From != day0+Date(tc.from) || f.PValue != nil) {
			t.Errorf("%s: %+v", tc.name, f)
		}
	}
}

func TestRareBurstRule(t *testing.T) {
	t.Parallel()
	d := detector(t)
	rare := func(n int) []int { // one case every 45 days
		out := make([]int, n)
		for i := 0; i < n; i += 45 {
			out[i] = 1
		}
		return out
	}
	tests := []struct {
		name    string
		counts  []int
		finding bool
	}{
		{"rare cell, three in five days", append(rare(120), 1, 0, 1, 0, 1), true},
		{"rare cell, two in five days", append(rare(120), 1, 0, 0, 0, 1), false},
		{"rare cell, three in two weeks", append(append(append(rare(120), 1), repeat(0, 6)...), 1, 0, 0, 0, 1), false},
		{"common cell, three in five days", append(weekly(120), 1, 0, 1, 0, 1), false},
	}
	for _, tc := range tests {
		f, ok := byMethod(findings(t, d, tc.counts), MethodBurst)
		if ok != tc.finding {
			t.Errorf("%s: finding %v %+v", tc.name, ok, f)
			continue
		}
		if ok && (f.Kind != Emerging || f.Observed != 3 || *f.PValue >= d.cfg.Emerging.BurstAlpha || f.From != f.To-4) {
			t.Errorf("%s: %+v", tc.name, f)
		}
	}
}
