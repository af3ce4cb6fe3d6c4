package trend

import "math"

// ewmaConsts are the constants of one smoothing of the ESSENCE EWMA.
type ewmaConsts struct {
	w         float64 // smoothing weight
	corr      float64 // σ_corr: sd of the smoothed value relative to that of one day
	floor     float64 // σ_min: the least σ*, so an all-zero baseline does not alarm on one case
	constant  float64 // c, added to s·σ_corr
	remaining float64 // 1 − w
}

// newEWMAConsts computes, for smoothing w, baseline n and guard band g,
//
//	σ_corr = sqrt( w/(2−w) + 1/n − 2·(1−w)^(g+1)·(1 − (1−w)^n)/n )
//	σ_min  = (w/t95)·(1 + 0.5·(1−w)²)
//	c      = (0.1289 − (0.2414 − 0.1826·(1−w)^4)·ln 0.5)·(w/t95)
//
// as Rnssp's alert_ewma does, t95 being the Student-t 0.95 quantile with
// n − 1 degrees of freedom.
func newEWMAConsts(w float64, n, g int, t95 float64) ewmaConsts {
	r := 1 - w
	nf := float64(n)
	corr := math.Sqrt(w/(2-w) + 1/nf - 2*math.Pow(r, float64(g+1))*(1-math.Pow(r, nf))/nf)
	return ewmaConsts{
		w:         w,
		corr:      corr,
		floor:     (w / t95) * (1 + 0.5*r*r),
		constant:  (0.1289 - (0.2414-0.1826*math.Pow(r, 4))*math.Log(0.5)) * (w / t95),
		remaining: r,
	}
}

// sigma returns σ* for a baseline standard deviation s.
func (c ewmaConsts) sigma(s float64) float64 {
	return math.Max(c.floor, s*c.corr+c.constant)
}

// ewmaDay is the dual EWMA's verdict on the last day of a window.
type ewmaDay struct {
	stat     float64 // T of the smoothing with the smaller p-value
	p        float64 // its p-value (see smaller)
	mean     float64 // μ: baseline mean
	sigma2   float64 // σ* of the sudden smoothing
	count    int     // the day's count
	riseFrom int     // index of the first day of the current rise: since the smoothed values last were at or below μ
}

// window is how many days the EWMA replays for one tested day.
func (e EWMAConfig) window() int { return e.Baseline + e.Guard + e.Warmup + 1 }

// ewmaRun replays the dual EWMA over y and returns its verdict on the last
// day; ok is false when y is shorter than B + g + 1 days.
//
// z_t = w·y_t + (1 − w)·z_{t−1}, from z_0 = y_0. Each tested day's baseline
// is the B days ending g days before it: μ and s are their mean and sample
// sd, T = (z_t − μ)/σ*. A day whose |T| exceeds t_0.99 has its z set back to
// μ ± t_0.99·σ*, as alert_ewma does; a day alarming upwards also enters
// later baselines clamped, as the count that would have put the sudden
// smoothing exactly at t_0.99, so that an outbreak does not inflate the
// baseline it is tested against afterwards.
func (d *Detector) ewmaRun(y []int) (ewmaDay, bool) {
	b, g := d.cfg.EWMA.Baseline, d.cfg.EWMA.Guard
	if len(y) < b+g+1 {
		return ewmaDay{}, false
	}
	var buf [stackDays]float64
	base := buf[:0] // counts as they enter later baselines
	if len(y) > stackDays {
		base = make([]float64, 0, len(y))
	}
	base = base[:len(y)]
	for i, v := range y {
		base[i] = float64(v)
	}
	z1, z2 := base[0], base[0]
	out := ewmaDay{riseFrom: b + g}
	var win movingStats // over base[i−g−b : i−g]
	for i := 1; i < len(y); i++ {
		prev2 := z2
		z1 = d.gradual.w*base[i] + d.gradual.remaining*z1
		z2 = d.sudden.w*base[i] + d.sudden.remaining*z2
		if i < b+g {
			continue
		}
		if i == b+g {
			for _, v := range base[:b] {
				win.add(v)
			}
		} else {
			win.add(base[i-g-1])
			win.remove(base[i-g-b-1])
		}
		mu, s := win.meanSD()
		sig1, sig2 := d.gradual.sigma(s), d.sudden.sigma(s)
		t1, t2 := (z1-mu)/sig1, (z2-mu)/sig2
		if t1 > d.t99 || t2 > d.t99 {
			ceiling := (mu + d.t99*sig2 - d.sudden.remaining*prev2) / d.sudden.w
			base[i] = math.Min(base[i], math.Max(mu, ceiling))
		}
		z1 = clampZ(z1, mu, sig1, d.t99)
		z2 = clampZ(z2, mu, sig2, d.t99)
		if i == len(y)-1 {
			out.stat, out.p = d.smaller(t1, t2)
			out.mean, out.sigma2, out.count = mu, sig2, y[i]
		}
		if math.Max(z1, z2) <= mu {
			out.riseFrom = i + 1
		}
	}
	out.riseFrom = min(out.riseFrom, len(y)-1)
	return out, true
}

// smaller returns the statistic of the smoothing with the smaller p-value
// and that p-value doubled (Bonferroni, capped at 1): the smaller of two
// p-values is not itself a p-value, and undoubled it raises about 1.4
// times as many alarms as its level on flat Poisson series. (Rnssp reports
// it undoubled.)
func (d *Detector) smaller(t1, t2 float64) (stat, p float64) {
	df := float64(d.cfg.EWMA.Baseline - 1)
	p1, p2 := studentTUpper(t1, df), studentTUpper(t2, df)
	if p2 < p1 {
		return t2, math.Min(1, 2*p2)
	}
	return t1, math.Min(1, 2*p1)
}

func clampZ(z, mu, sigma, limit float64) float64 {
	switch t := (z - mu) / sigma; {
	case t > limit:
		return mu + limit*sigma
	case t < -limit:
		return mu - limit*sigma
	}
	return z
}

// ewmaFinding raises a tendency finding when the dual EWMA's p-value on the
// last day is below Alpha and the gate is open.
func (d *Detector) ewmaFinding(counts []int, last Date) (Finding, bool) {
	e := d.cfg.EWMA
	if !d.gateOpen(counts, 1) {
		return Finding{}, false
	}
	v, ok := d.ewmaRun(counts[max(0, len(counts)-e.window()):])
	if !ok || v.p >= e.Alpha {
		return Finding{}, false
	}
	first := last - Date(min(len(counts), e.window())-1)
	return Finding{
		Kind:      Tendency,
		Method:    MethodEWMA,
		Severity:  severityOf(v.p, e.Alpha/10),
		Day:       last,
		From:      first + Date(v.riseFrom),
		To:        last,
		Statistic: v.stat,
		PValue:    ptr(v.p),
		Threshold: d.tAlpha,
		Observed:  float64(v.count),
		Expected:  v.mean,
	}, true
}

// movingStats keeps the sum and sum of squares of a moving window.
type movingStats struct {
	n       int
	sum, sq float64
}

func (m *movingStats) add(v float64)    { m.n++; m.sum += v; m.sq += v * v }
func (m *movingStats) remove(v float64) { m.n--; m.sum -= v; m.sq -= v * v }

// meanSD returns the mean and sample standard deviation of the window.
func (m *movingStats) meanSD() (mean, sd float64) {
	mean = m.sum / float64(m.n)
	if m.n < 2 {
		return mean, 0
	}
	return mean, math.Sqrt(math.Max(0, (m.sq-m.sum*mean)/float64(m.n-1)))
}
