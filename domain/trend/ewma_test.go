package trend

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestEWMAConstants(t *testing.T) {
	t.Parallel()
	d := detector(t)
	// Computed by hand from the formulas of Rnssp's alert_ewma with B = 28,
	// g = 2 and t_0.95(27) = 1.7032884.
	tests := []struct {
		name                  string
		c                     ewmaConsts
		corr, floor, constant float64
	}{
		{"gradual 0.4", d.gradual, 0.5198901, 0.2771110, 0.0657135},
		{"sudden 0.9", d.sudden, 0.9240263, 0.5310316, 0.1565159},
	}
	for _, tc := range tests {
		if math.Abs(tc.c.corr-tc.corr) > 1e-6 || math.Abs(tc.c.floor-tc.floor) > 1e-6 || math.Abs(tc.c.constant-tc.constant) > 1e-6 {
			t.Errorf("%s: corr %.7f floor %.7f c %.7f; want %.7f %.7f %.7f", tc.name,
				tc.c.corr, tc.c.floor, tc.c.constant, tc.corr, tc.floor, tc.constant)
		}
	}
	if math.Abs(d.t99-2.4727) > 1e-3 {
		t.Errorf("t_0.99(27) = %.4f", d.t99)
	}
}

// weekly is a deterministic series of about one case a day.
func weekly(n int) []int {
	pattern := []int{1, 0, 2, 1, 1, 0, 2}
	out := make([]int, n)
	for i := range out {
		out[i] = pattern[i%len(pattern)]
	}
	return out
}

func TestEWMAOnTableSeries(t *testing.T) {
	t.Parallel()
	d := detector(t)
	tests := []struct {
		name     string
		counts   []int
		finding  bool
		severity Severity
	}{
		{"all zero then one case", append(repeat(0, 60), 1), false, ""},
		{"all zero then five cases", append(repeat(0, 60), 5), true, Red},
		{"steady weekly pattern", weekly(90), false, ""},
		{"weekly pattern then ten", append(weekly(90), 10), true, Red},
		{"weekly pattern then three", append(weekly(90), 3), false, ""},
		{"too short to test", append(repeat(1, 20), 30), false, ""},
		{"five in a day with the gate closed", append(append(repeat(0, 60), 5), 0, 0, 0, 0), false, ""},
	}
	for _, tc := range tests {
		f, ok := byMethod(findings(t, d, tc.counts), MethodEWMA)
		if ok != tc.finding || (ok && f.Severity != tc.severity) {
			t.Errorf("%s: finding %v %+v; want %v %s", tc.name, ok, f, tc.finding, tc.severity)
		}
		if ok && (f.Kind != Tendency || *f.PValue >= d.cfg.EWMA.Alpha || f.Statistic <= f.Threshold) {
			t.Errorf("%s: inconsistent finding %+v", tc.name, f)
		}
	}
}

func TestEWMAZeroBaselineIsNotYellowOnOneCase(t *testing.T) {
	t.Parallel()
	d := detector(t)
	series, err := d.EWMASeries(Counts(day0, append(repeat(0, 40), 1)...))
	if err != nil {
		t.Fatal(err)
	}
	last := series[len(series)-1]
	if last.Level != "" || last.Finding || last.PValue < d.cfg.EWMA.Yellow {
		t.Errorf("one case after an empty baseline: %+v", last)
	}
	if len(series) != 41-30 || series[0].Day != day0+30 {
		t.Errorf("series of %d days from %s", len(series), series[0].Day)
	}
}

func TestEWMAClampsAnAlarmingDayOutOfLaterBaselines(t *testing.T) {
	t.Parallel()
	d := detector(t)
	counts := weekly(100)
	counts[60] = 30
	series, err := d.EWMASeries(Counts(day0, counts...))
	if err != nil {
		t.Fatal(err)
	}
	at := func(i int) EWMAPoint { return series[i-30] }
	if at(60).Level != Red || !at(60).Finding {
		t.Fatalf("the spike is not a finding: %+v", at(60))
	}
	// Day 63 is the first whose baseline (days 35 to 62) holds the spike.
	raw := 0.0
	for _, v := range counts[35:63] {
		raw += float64(v)
	}
	raw /= 28
	before := at(62).Baseline
	got := at(63).Baseline
	if got >= raw-0.5 || got <= before {
		t.Errorf("baseline with the spike = %.3f; before it %.3f, unclamped %.3f", got, before, raw)
	}
}

func TestEWMARisePeriod(t *testing.T) {
	t.Parallel()
	d := detector(t)
	counts := append(repeat(0, 80), 1, 2, 3, 4, 6)
	f, ok := byMethod(findings(t, d, counts), MethodEWMA)
	if !ok {
		t.Fatal("no finding on the ramp")
	}
	if f.From != day0+80 || f.To != day0+84 || f.Day != f.To {
		t.Errorf("period %s to %s, want %s to %s", f.From, f.To, day0+80, day0+84)
	}
}

func TestEWMASeriesAgreesWithDetect(t *testing.T) {
	t.Parallel()
	d := detector(t)
	r := rand.New(rand.NewPCG(3, 4))
	counts := flat(r, 0.8, 300)
	for _, i := range []int{100, 150, 151, 152, 200, 260} {
		counts[i] += 6
	}
	h := Counts(day0, counts...)
	series, err := d.EWMASeries(h)
	if err != nil {
		t.Fatal(err)
	}
	raised := 0
	for _, p := range series {
		end := int(p.Day - day0)
		fs, err := d.Detect(History{Start: day0, Days: h.Days[:end+1]})
		if err != nil {
			t.Fatal(err)
		}
		f, ok := byMethod(fs, MethodEWMA)
		if ok != p.Finding || (ok && *f.PValue != p.PValue) {
			t.Fatalf("%s: series says %+v, Detect %v %+v", p.Day, p, ok, f)
		}
		if ok {
			raised++
		}
	}
	if raised < 4 {
		t.Errorf("only %d findings on six spikes of six cases", raised)
	}
}

func TestDetectReadsOnlyTheLookback(t *testing.T) {
	t.Parallel()
	d := detector(t)
	r := rand.New(rand.NewPCG(5, 6))
	counts := flat(r, 1.5, 700)
	for i := 300; i < 330; i++ {
		counts[i] += 3 // a month-long rise, for the CUSUM and the clamping
	}
	h := Counts(day0, counts...)
	n := d.cfg.Lookback()
	for end := n; end < len(counts); end += 3 {
		full, err := d.Detect(History{Start: day0, Days: h.Days[:end+1]})
		if err != nil {
			t.Fatal(err)
		}
		tail, err := d.Detect(History{Start: day0 + Date(end+1-n), Days: h.Days[end+1-n : end+1]})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(full, tail) {
			t.Fatalf("day %d: with all the history %+v, with the lookback %+v", end, full, tail)
		}
	}
}

func TestDetectRejectsBadHistories(t *testing.T) {
	t.Parallel()
	d := detector(t)
	if _, err := d.Detect(History{Start: day0}); !errors.Is(err, ErrInvalidHistory) {
		t.Errorf("empty history: %v", err)
	}
	if _, err := d.Detect(Counts(day0, 1, 2, -1, 0)); !errors.Is(err, ErrInvalidHistory) || !strings.Contains(err.Error(), "2025-01-08") {
		t.Errorf("negative count: %v", err)
	}
	if _, err := d.EWMASeries(Counts(day0, -1)); !errors.Is(err, ErrInvalidHistory) {
		t.Errorf("negative count in the series: %v", err)
	}
	if fs := findings(t, d, []int{9}); len(fs) != 0 {
		t.Errorf("one day of history: %+v", fs)
	}
}

func TestFindingJSON(t *testing.T) {
	t.Parallel()
	d := detector(t)
	f, ok := byMethod(findings(t, d, append(weekly(90), 10)), MethodEWMA)
	if !ok {
		t.Fatal("no finding")
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kind":"tendency"`, `"method":"ewma"`, `"severity":"red"`, `"day":"2025-04-06"`, `"pValue":`, `"threshold":`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	var back Finding
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, f) {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}
