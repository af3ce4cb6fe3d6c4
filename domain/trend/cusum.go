package trend

import (
	"math"
	"time"
)

// cusumFinding runs the Poisson CUSUM on the weekly counts ending on last,
// when last is a Sunday (the end of a Monday-to-Sunday week).
//
// The in-control mean μ0 is the mean weekly count of the BaselineWeeks
// weeks before the last RunWeeks weeks, plus Margin standard errors of it.
// Over the RunWeeks, S_j = max(0, S_{j−1} + x_j − k) from S = 0,
// restarting at Restart·h after an alarm. The last week is a finding when
// its S exceeds h and the gate (cases in the last Periods weeks) is open.
// k and h for μ0 come from the table New computed for the configured run
// length.
func (d *Detector) cusumFinding(counts []int, last Date) (Finding, bool) {
	c := d.cfg.CUSUM
	weeks := c.BaselineWeeks + c.RunWeeks
	if last.Weekday() != time.Sunday || len(counts) < 7*weeks {
		return Finding{}, false
	}
	x := weeklyCounts(counts[len(counts)-7*weeks:])
	mu0 := 0.0
	for _, v := range x[:c.BaselineWeeks] {
		mu0 += v
	}
	mu0 /= float64(c.BaselineWeeks)
	p := d.cusum.lookup(mu0 + c.Margin*math.Sqrt(math.Max(mu0, c.MinMean)/float64(c.BaselineWeeks)))
	s, runStart := 0.0, c.BaselineWeeks
	for j := c.BaselineWeeks; j < len(x); j++ {
		if s == 0 {
			runStart = j
		}
		s = math.Max(0, s+x[j]-p.k)
		if s > p.h && j < len(x)-1 {
			s = c.Restart * p.h
		}
	}
	if s <= p.h || !d.gateOpen(counts, 7) {
		return Finding{}, false
	}
	severity := Yellow
	if s >= 2*p.h {
		severity = Red
	}
	return Finding{
		Kind:      Tendency,
		Method:    MethodCUSUM,
		Severity:  severity,
		Day:       last,
		From:      last - Date(7*(len(x)-runStart)-1),
		To:        last,
		Statistic: s,
		Threshold: p.h,
		Observed:  x[len(x)-1],
		Expected:  mu0,
	}, true
}

// weeklyCounts sums consecutive runs of 7 days, oldest first.
func weeklyCounts(days []int) []float64 {
	out := make([]float64, len(days)/7)
	for i := range out {
		out[i] = float64(sum(days[7*i : 7*i+7]))
	}
	return out
}
