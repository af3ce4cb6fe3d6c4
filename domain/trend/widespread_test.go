package trend

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// spreadHistory is n days of an issue type: every tenth day one case from
// district-0, and on the last days the sources given (one case each).
func spreadHistory(n int, last map[int][]string, dim Dimension) History {
	h := History{Start: day0, Days: make([]Day, n)}
	for i := 0; i < n; i += 10 {
		h.Days[i] = Day{Cases: 1, Points: []string{"point-0"}, Districts: []string{"district-0"}, Departments: []string{"department-0"}}
	}
	for back, sources := range last {
		day := &h.Days[n-1-back]
		day.Cases += len(sources)
		switch dim {
		case Points:
			day.Points = append(day.Points, sources...)
		case Districts:
			day.Districts = append(day.Districts, sources...)
		case Departments:
			day.Departments = append(day.Departments, sources...)
		}
	}
	return h
}

func names(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, prefix+strconv.Itoa(i))
	}
	return out
}

func TestWidespreadRule(t *testing.T) {
	t.Parallel()
	d := detector(t)
	tests := []struct {
		name    string
		dim     Dimension
		last    map[int][]string // days back from the last → sources that day
		finding bool
	}{
		{"five new districts in a week", Districts, map[int][]string{0: names("district-", 1, 3), 3: names("district-", 3, 6)}, true},
		{"five new points in a week", Points, map[int][]string{1: names("point-", 1, 6)}, true},
		{"five departments in a week", Departments, map[int][]string{0: names("department-", 1, 3), 6: names("department-", 3, 6)}, true},
		{"two new districts", Districts, map[int][]string{0: names("district-", 1, 3)}, false},
		{"five districts spread over two weeks", Districts, map[int][]string{0: names("district-", 1, 3), 9: names("district-", 3, 6)}, false},
		{"the usual single district", Districts, map[int][]string{2: {"district-0"}}, false},
	}
	for _, tc := range tests {
		fs, err := d.Detect(spreadHistory(100, tc.last, tc.dim))
		if err != nil {
			t.Fatal(err)
		}
		f, ok := byMethod(fs, MethodSpread)
		if ok != tc.finding {
			t.Errorf("%s: finding %v %+v", tc.name, ok, f)
			continue
		}
		if ok && (f.Kind != Widespread || f.Dimension != tc.dim || f.From != f.To-6 || *f.PValue >= d.cfg.Widespread.Alpha) {
			t.Errorf("%s: %+v", tc.name, f)
		}
	}
}

func TestWidespreadIgnoresAnAlwaysWidespreadType(t *testing.T) {
	t.Parallel()
	d := detector(t)
	all := names("district-", 0, 8)
	h := History{Start: day0, Days: make([]Day, 100)}
	for i := range h.Days {
		h.Days[i] = Day{Cases: 4, Districts: all[i%2*4 : i%2*4+4]} // every district every two days
	}
	fs, err := d.Detect(h)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := byMethod(fs, MethodSpread); ok {
		t.Errorf("a finding on the usual spread: %+v", f)
	}
}

func TestDistinctInWindowsMatchesCounting(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(21, 22))
	days := make([]Day, 60)
	for i := range days {
		for range r.IntN(4) {
			days[i].Points = append(days[i].Points, "p"+strconv.Itoa(r.IntN(9)))
		}
	}
	const w = 7
	got := distinctInWindows(days, func(d Day) []string { return d.Points }, w)
	if len(got) != len(days)-w+1 {
		t.Fatalf("%d windows", len(got))
	}
	for e := w - 1; e < len(days); e++ {
		seen := map[string]bool{}
		for _, day := range days[e-w+1 : e+1] {
			for _, p := range day.Points {
				seen[p] = true
			}
		}
		if got[e-w+1] != len(seen) {
			t.Fatalf("window ending %d: %d distinct, counted %d", e, got[e-w+1], len(seen))
		}
	}
}
