package trend

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// On flat Poisson series, the dual EWMA's p-values are about uniform in the
// tail: at ESSENCE's levels the share of days below a level is at most about
// the level. At the finding level (0.0005) the Student-t approximation is
// anti-conservative on small skewed counts, by up to about three times at
// 0.5 to 1 case a day; the gate and the rules' own minimums keep the
// findings of every kind below one per cell-year at every rate.
func TestFlatPoissonRaisesAboutAlpha(t *testing.T) {
	t.Parallel()
	d := detector(t)
	n := d.cfg.Lookback()
	w := d.cfg.EWMA.window()
	for _, rate := range []float64{0.1, 0.5, 1, 3, 10} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(31, uint64(rate*1000)))
			var days, below05, below01, ewma, episodes int
			const runs = 30
			for range runs {
				counts := flat(r, rate, n+365)
				for e := n; e < len(counts); e++ {
					v, _ := d.ewmaRun(counts[e+1-w : e+1])
					days++
					if v.p < 0.05 {
						below05++
					}
					if v.p < 0.01 {
						below01++
					}
					if v.p < d.cfg.EWMA.Alpha && d.gateOpen(counts[:e+1], 1) {
						ewma++
					}
				}
				h := Counts(day0, counts...)
				eps, err := runCell(d, 0, h.Days, h.Start, n)
				if err != nil {
					t.Fatal(err)
				}
				episodes += len(eps)
			}
			share := func(k int) float64 { return float64(k) / float64(days) }
			if share(below05) > 0.05*1.1 || share(below01) > 0.01*1.6 {
				t.Errorf("p < 0.05 on %.4f of days, p < 0.01 on %.4f", share(below05), share(below01))
			}
			if share(ewma) > 4*d.cfg.EWMA.Alpha {
				t.Errorf("EWMA findings on %.5f of days, α %.4f", share(ewma), d.cfg.EWMA.Alpha)
			}
			if perYear := float64(episodes) / runs; perYear > 0.8 {
				t.Errorf("%.2f findings per cell-year", perYear)
			}
		})
	}
}

// detectedWithin reports whether a tendency or emerging finding is raised on
// one of the days from first to last (indexes into counts).
func detectedWithin(t *testing.T, d *Detector, counts []int, first, last int) bool {
	t.Helper()
	h := Counts(day0, counts...)
	for e := first; e <= last; e++ {
		fs, err := d.Detect(History{Start: day0, Days: h.Days[:e+1]})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) > 0 {
			return true
		}
	}
	return false
}

func TestInjectedSpikeIsDetected(t *testing.T) {
	t.Parallel()
	d := detector(t)
	n := d.cfg.Lookback()
	for _, rate := range []float64{0.1, 0.5, 1, 3, 10} {
		r := rand.New(rand.NewPCG(41, uint64(rate*1000)))
		extra := int(5 + 3*rate) // four times the rate, and at least five cases
		hits := 0
		const runs = 60
		for range runs {
			counts := flat(r, rate, n+60)
			at := n + r.IntN(50)
			counts[at] += extra
			if detectedWithin(t, d, counts, at, at) {
				hits++
			}
		}
		t.Logf("rate %.1f: %d of %d", rate, hits, runs)
		if hits < runs*9/10 {
			t.Errorf("rate %.1f: a spike of %d extra cases found the same day %d times in %d", rate, extra, hits, runs)
		}
	}
}

func TestInjectedStepIsDetected(t *testing.T) {
	t.Parallel()
	d := detector(t)
	n := d.cfg.Lookback()
	for _, rate := range []float64{0.3, 1, 3, 10} {
		r := rand.New(rand.NewPCG(43, uint64(rate*1000)))
		hits := 0
		const runs = 40
		for range runs {
			counts := flat(r, rate, n+60)
			at := n + r.IntN(30)
			for i := at; i < len(counts); i++ {
				counts[i] += poissonSample(r, 2*rate) // the rate tripled from day at
			}
			if detectedWithin(t, d, counts, at, at+27) {
				hits++
			}
		}
		t.Logf("rate %.1f: %d of %d", rate, hits, runs)
		if hits < runs*9/10 {
			t.Errorf("rate %.1f: a tripled rate found within four weeks %d times in %d", rate, hits, runs)
		}
	}
}
