package trend

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestCUSUMThresholdsReachTheRunLength(t *testing.T) {
	t.Parallel()
	d := detector(t)
	for i, p := range d.cusum.entries {
		// Counts are whole numbers, so h moves the run length in steps: the
		// smallest h reaching 500 may reach well beyond it.
		if p.arl < 500 || p.arl > 800 {
			t.Errorf("μ0 %.2f: k %.3f h %.3f has ARL %.0f", p.mean, p.k, p.h, p.arl)
		}
		mu1 := p.mean + math.Sqrt(p.mean)
		k := (mu1 - p.mean) / (math.Log(mu1) - math.Log(p.mean))
		if math.Abs(p.k-k) > 0.5 { // k is rounded to a lattice of step at most 1
			t.Errorf("μ0 %.2f: k %.3f, unrounded %.3f", p.mean, p.k, k)
		}
		if sd := math.Sqrt(p.mean); p.h < 3*sd || p.h > 8*sd {
			t.Errorf("μ0 %.2f: h %.2f is %.1f standard deviations", p.mean, p.h, p.h/sd)
		}
		if i > 0 && p.mean <= d.cusum.entries[i-1].mean {
			t.Errorf("grid not increasing at %d", i)
		}
	}
	// Above the grid, h grows with √μ0.
	top := d.cusum.entries[len(d.cusum.entries)-1]
	far := d.cusum.lookup(4 * top.mean)
	if math.Abs(far.h/top.h-2) > 1e-9 {
		t.Errorf("h at 4·top = %.2f, at top %.2f", far.h, top.h)
	}
}

func TestLatticeARLAgreesWithSimulation(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 12))
	tests := []struct {
		mu      float64
		q, a, h int
	}{
		{2, 4, 11, 30},  // k 2.75, h 7.5
		{0.7, 8, 9, 40}, // k 1.125, h 5
		{9, 1, 12, 9},   // k 12, h 9
	}
	for _, tc := range tests {
		want := latticeARL(tc.mu, tc.q, tc.a, tc.h)
		const runs = 3000
		total := 0
		for range runs {
			u, n := 0, 0
			for u <= tc.h {
				u = max(0, u+tc.q*poissonSample(r, tc.mu)-tc.a)
				n++
			}
			total += n
		}
		got := float64(total) / runs
		// The run length is nearly geometric: its sd is about its mean, so
		// the mean of 3000 runs is within 6% with high probability.
		if math.Abs(got/want-1) > 0.06 {
			t.Errorf("μ %.1f k %.3f h %.2f: simulated ARL %.1f, Markov chain %.1f", tc.mu,
				float64(tc.a)/float64(tc.q), float64(tc.h)/float64(tc.q), got, want)
		}
	}
}

func TestCUSUMFindsAPersistentRiseOnSundays(t *testing.T) {
	t.Parallel()
	d := detector(t)
	// 34 weeks from a Monday: the last day is a Sunday.
	counts := repeat(1, 7*34)
	for i := 7 * 30; i < len(counts); i++ {
		counts[i] = 3 // the last four weeks at three times the rate
	}
	f, ok := byMethod(findings(t, d, counts), MethodCUSUM)
	if !ok {
		t.Fatal("no CUSUM finding on a tripled rate")
	}
	if f.Kind != Tendency || f.Statistic <= f.Threshold || f.Expected != 7 || f.Observed != 21 {
		t.Errorf("finding %+v", f)
	}
	if f.From != day0+7*30 || f.Day.Weekday() != 0 {
		t.Errorf("period %s to %s", f.From, f.To)
	}
	// The same counts tested on a Saturday have no CUSUM finding.
	if _, ok := byMethod(findings(t, d, counts[1:len(counts)-1]), MethodCUSUM); ok {
		t.Error("a CUSUM finding on a Saturday")
	}
	if _, ok := byMethod(findings(t, d, repeat(1, 7*34)), MethodCUSUM); ok {
		t.Error("a CUSUM finding on a flat series")
	}
}

func TestCUSUMGate(t *testing.T) {
	t.Parallel()
	d := detector(t)
	// An empty cell with four cases in the last week: far above the floor
	// of one a week, but fewer than five cases in four weeks.
	counts := repeat(0, 7*34)
	for i := len(counts) - 4; i < len(counts); i++ {
		counts[i] = 1
	}
	if _, ok := byMethod(findings(t, d, counts), MethodCUSUM); ok {
		t.Error("a CUSUM finding with the gate closed")
	}
	counts[len(counts)-10] = 1
	counts[len(counts)-3] = 5
	if _, ok := byMethod(findings(t, d, counts), MethodCUSUM); !ok {
		t.Error("no CUSUM finding once the gate is open")
	}
}

// The in-control run length with an estimated baseline stays near the
// design: with Margin 1, flat Poisson series alarm at most about once in
// 500 weeks at any rate.
func TestCUSUMInControlWithEstimatedMean(t *testing.T) {
	t.Parallel()
	d := detector(t)
	n := d.cfg.Lookback()
	r := rand.New(rand.NewPCG(13, 14))
	sundays, alarms := 0, 0
	for _, rate := range []float64{0.2, 0.5, 1, 3, 10} {
		for range 20 {
			counts := flat(r, rate, n+7*150)
			for end := n - 1; end < len(counts); end += 7 {
				sundays++
				if _, ok := d.cusumFinding(counts[end+1-n:end+1], day0+Date(end)); ok {
					alarms++
				}
			}
		}
	}
	if rate := float64(alarms) / float64(sundays); rate > 1.0/350 {
		t.Errorf("%d alarms on %d Sundays: one in %.0f weeks", alarms, sundays, 1/rate)
	}
}

func TestSmallestReaching(t *testing.T) {
	t.Parallel()
	// A run length that doubles with every state, 500 first reached at 9.
	run := func(top int) float64 { return math.Pow(2, float64(top)) }
	for _, start := range []int{0, 1, 5, 9, 20, 100} {
		for _, step := range []int{1, 3} {
			got, err := smallestReaching(run, start, step, 500)
			if err != nil || got != 9 {
				t.Errorf("from %d by %d: %d, %v", start, step, got, err)
			}
		}
	}
	if _, err := smallestReaching(func(int) float64 { return 1 }, 3, 1, 500); err == nil {
		t.Error("an unreachable run length was reached")
	}
}
