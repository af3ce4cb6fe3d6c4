package trend

// novelFinding applies the first 苗头性 rule: a cell with no case in the
// Unseen days before the last Window days, and at least MinCases cases in
// those Window days. It is red with at least twice MinCases cases.
func (d *Detector) novelFinding(counts []int, last Date) (Finding, bool) {
	c := d.cfg.Emerging
	n := len(counts)
	if n < c.Unseen+c.Window {
		return Finding{}, false
	}
	window := counts[n-c.Window:]
	cases := sum(window)
	if cases < c.MinCases || sum(counts[n-c.Window-c.Unseen:n-c.Window]) > 0 {
		return Finding{}, false
	}
	first := 0
	for window[first] == 0 {
		first++
	}
	severity := Yellow
	if cases >= 2*c.MinCases {
		severity = Red
	}
	return Finding{
		Kind:      Emerging,
		Method:    MethodNovel,
		Severity:  severity,
		Day:       last,
		From:      last - Date(c.Window-1-first),
		To:        last,
		Statistic: float64(cases),
		Threshold: float64(c.MinCases),
		Observed:  float64(cases),
	}, true
}

// burstFinding applies the second 苗头性 rule: a rare cell (at most RareRate
// cases a day over the Unseen days before the last BurstDays days) with at
// least BurstMin cases in those BurstDays days, a count whose Poisson
// probability under the rare rate is below BurstAlpha. The rate is
// estimated as (cases + ½)/Unseen, so that a cell never seen has a small
// rate rather than none. It is red when the probability is below a tenth
// of BurstAlpha.
func (d *Detector) burstFinding(counts []int, last Date) (Finding, bool) {
	c := d.cfg.Emerging
	n := len(counts)
	if n < c.Unseen+c.BurstDays {
		return Finding{}, false
	}
	cases := sum(counts[n-c.BurstDays:])
	before := sum(counts[n-c.BurstDays-c.Unseen : n-c.BurstDays])
	if cases < c.BurstMin || float64(before) > c.RareRate*float64(c.Unseen) {
		return Finding{}, false
	}
	expected := (float64(before) + 0.5) / float64(c.Unseen) * float64(c.BurstDays)
	p := poissonAtLeast(cases, expected)
	if p >= c.BurstAlpha {
		return Finding{}, false
	}
	return Finding{
		Kind:      Emerging,
		Method:    MethodBurst,
		Severity:  severityOf(p, c.BurstAlpha/10),
		Day:       last,
		From:      last - Date(c.BurstDays-1),
		To:        last,
		Statistic: float64(cases),
		PValue:    ptr(p),
		Threshold: float64(c.BurstMin),
		Observed:  float64(cases),
		Expected:  expected,
	}, true
}
