package trend

import (
	"math/rand/v2"
	"testing"
)

// detector returns a Detector with the default configuration, or with the
// changes edit makes to it.
func detector(t testing.TB, edit ...func(*Config)) *Detector {
	t.Helper()
	cfg := DefaultConfig()
	for _, e := range edit {
		e(&cfg)
	}
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// flat draws n days of Poisson counts at rate from a seeded generator.
func flat(r *rand.Rand, rate float64, n int) []int {
	y := make([]int, n)
	for i := range y {
		y[i] = poissonSample(r, rate)
	}
	return y
}

// day0 is the first day of the test histories: Monday 6 January 2025.
const day0 Date = 20094

// findings runs Detect on counts starting at day0 and fails on an error.
func findings(t testing.TB, d *Detector, counts []int) []Finding {
	t.Helper()
	fs, err := d.Detect(Counts(day0, counts...))
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func byMethod(fs []Finding, m Method) (Finding, bool) {
	for _, f := range fs {
		if f.Method == m {
			return f, true
		}
	}
	return Finding{}, false
}

// repeat returns n copies of v.
func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}
