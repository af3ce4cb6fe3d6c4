package trend

import "fmt"

// EWMAPoint is one day of a cell's dual EWMA as Detect sees it, for the
// charts of a report: the day's cases against the baseline and the level a
// sudden rise must reach to be a finding.
type EWMAPoint struct {
	Day      Date    `json:"day"`
	Cases    int     `json:"cases"`
	Baseline float64 `json:"baseline"` // μ, the mean of the baseline days
	// Limit is μ + t·σ* of the sudden smoothing, t being the statistic at
	// which the p-value is Alpha: roughly the count of one day that would
	// be a finding.
	Limit     float64 `json:"limit"`
	Statistic float64 `json:"statistic"`
	PValue    float64 `json:"pValue"`
	// Level grades the day on ESSENCE's scale (red below EWMA.Red, yellow
	// below EWMA.Yellow); empty above both.
	Level Severity `json:"level,omitempty"`
	// Finding tells whether the day is a finding (p below Alpha and the
	// gate open).
	Finding bool `json:"finding"`
}

// EWMASeries returns the dual EWMA of every day of h that has enough
// history before it (B + g days), each computed exactly as Detect computes
// its last day: over the window of days ending on it.
func (d *Detector) EWMASeries(h History) ([]EWMAPoint, error) {
	counts := make([]int, len(h.Days))
	for i, day := range h.Days {
		if day.Cases < 0 {
			return nil, fmt.Errorf("%w: %d cases on %s", ErrInvalidHistory, day.Cases, h.Start+Date(i))
		}
		counts[i] = day.Cases
	}
	e := d.cfg.EWMA
	var out []EWMAPoint
	for end := e.Baseline + e.Guard; end < len(counts); end++ {
		upto := counts[:end+1]
		v, ok := d.ewmaRun(upto[max(0, len(upto)-e.window()):])
		if !ok {
			continue
		}
		p := EWMAPoint{Day: h.Start + Date(end), Cases: v.count, Baseline: v.mean,
			Limit: v.mean + d.tAlpha*v.sigma2, Statistic: v.stat, PValue: v.p,
			Finding: v.p < e.Alpha && d.gateOpen(upto, 1)}
		switch {
		case v.p < e.Red:
			p.Level = Red
		case v.p < e.Yellow:
			p.Level = Yellow
		}
		out = append(out, p)
	}
	return out, nil
}
