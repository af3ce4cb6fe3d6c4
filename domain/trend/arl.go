package trend

import (
	"errors"
	"math"
)

// The CUSUM thresholds are computed once, by New, for a geometric grid of
// in-control weekly means; a tested cell uses the grid point nearest to its
// own mean (within 5%, far less than the error of a mean estimated from a
// few weeks).
const (
	gridRatio     = 1.1   // ratio of consecutive grid means
	gridTop       = 350.0 // cases a week; above it h scales with √μ0 (the Poisson is nearly normal)
	latticeStates = 60    // the state count the lattice step is chosen for
	maxLattice    = 16    // finest lattice: steps of 1/16 case
)

// cusumParams are the reference value k and threshold h of the Poisson
// CUSUM for one in-control weekly mean.
type cusumParams struct {
	mean float64 // μ0 the parameters were computed for
	k, h float64
	arl  float64 // in-control average run length of (k, h), weeks
}

// cusumTable holds the parameters for the grid of in-control means.
type cusumTable struct {
	cfg     CUSUMConfig
	entries []cusumParams
}

// newCUSUMTable computes, for each grid mean μ0 from cfg.MinMean up to
// gridTop, the reference value
//
//	k = (μ1 − μ0)/(ln μ1 − ln μ0),  μ1 = μ0 + Shift·√μ0,
//
// (the CUSUM of the Poisson likelihood ratio of μ1 against μ0) and the
// smallest threshold h whose in-control average run length is at least
// cfg.ARL, as R surveillance's findH does.
//
// The run length is exact for the value of k actually used: k is rounded to
// a lattice of step 1/q, so that the statistic only takes values j/q and
// the CUSUM is a finite Markov chain on them (Brook & Evans 1972); its ARL
// from 0 solves (I − P)·L = 1 over the states below h.
func newCUSUMTable(cfg CUSUMConfig) (cusumTable, error) {
	t := cusumTable{cfg: cfg}
	for mu := cfg.MinMean; mu <= gridTop || len(t.entries) == 0; mu *= gridRatio {
		p, err := cusumFor(mu, cfg.Shift, cfg.ARL)
		if err != nil {
			return cusumTable{}, err
		}
		t.entries = append(t.entries, p)
	}
	return t, nil
}

// lookup returns the parameters for an in-control weekly mean, floored at
// cfg.MinMean.
func (t cusumTable) lookup(mean float64) cusumParams {
	mean = math.Max(mean, t.cfg.MinMean)
	i := int(math.Round(math.Log(mean/t.cfg.MinMean) / math.Log(gridRatio)))
	if i < len(t.entries) {
		return t.entries[i]
	}
	top := t.entries[len(t.entries)-1]
	sd := math.Sqrt(mean)
	return cusumParams{
		mean: mean,
		k:    mean + (top.k-top.mean)/math.Sqrt(top.mean)*sd,
		h:    top.h / math.Sqrt(top.mean) * sd,
		arl:  top.arl,
	}
}

// cusumFor finds k and h for one in-control mean.
func cusumFor(mu, shift, arl float64) (cusumParams, error) {
	mu1 := mu + shift*math.Sqrt(mu)
	k := (mu1 - mu) / (math.Log(mu1) - math.Log(mu))
	guess := 5*math.Sqrt(mu) + 2 // roughly h, for choosing the lattice
	q := max(1, min(maxLattice, int(latticeStates/guess)))
	a := int(math.Round(k * float64(q)))
	run := func(states int) float64 { return latticeARL(mu, q, a, states) }
	top, err := smallestReaching(run, max(1, int(guess*float64(q))), max(1, q), arl)
	if err != nil {
		return cusumParams{}, err
	}
	return cusumParams{mean: mu, k: float64(a) / float64(q), h: float64(top) / float64(q), arl: run(top)}, nil
}

// smallestReaching returns the smallest top ≥ 0 with run(top) ≥ target,
// run being non-decreasing. The logarithm of a CUSUM's run length grows
// nearly linearly with its threshold, so one secant step from start and
// start + step lands within a few states of the answer, which a walk then
// finds.
func smallestReaching(run func(int) float64, start, step int, target float64) (int, error) {
	const limit = 1 << 14
	f0, f1 := math.Log(run(start)/target), math.Log(run(start+step)/target)
	guess := start + step
	if f1 > f0 && !math.IsInf(f1, 0) {
		guess = start + step - int(math.Round(f1*float64(step)/(f1-f0)))
	}
	top := min(max(0, guess), limit)
	for top > 0 && run(top-1) >= target {
		top--
	}
	for run(top) < target {
		if top++; top > limit {
			return 0, errors.New("no threshold reaches the run length")
		}
	}
	return top, nil
}

// latticeARL returns the in-control average run length, from 0, of
// U_t = max(0, U_{t−1} + q·X_t − a), X_t Poisson(mu), alarming when
// U_t > top; U lives on the states 0..top.
func latticeARL(mu float64, q, a, top int) float64 {
	n := top + 1
	pmf := make([]float64, (top+a)/q+1)
	for x := range pmf {
		pmf[x] = poissonPMF(x, mu)
	}
	m := make([][]float64, n) // I − P, with the right-hand side 1 in column n
	for u := range n {
		row := make([]float64, n+1)
		row[u] = 1
		row[n] = 1
		for x := 0; u+q*x-a <= top; x++ {
			row[max(0, u+q*x-a)] -= pmf[x]
		}
		m[u] = row
	}
	l := solve(m)
	if l == nil {
		return math.Inf(1)
	}
	return l[0]
}

// solve solves the augmented system m (n rows of n+1 columns) by Gaussian
// elimination with partial pivoting; nil when it is singular.
func solve(m [][]float64) []float64 {
	n := len(m)
	for col := range n {
		pivot := col
		for r := col + 1; r < n; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[pivot][col]) {
				pivot = r
			}
		}
		if math.Abs(m[pivot][col]) < 1e-300 {
			return nil
		}
		m[col], m[pivot] = m[pivot], m[col]
		for r := col + 1; r < n; r++ {
			f := m[r][col] / m[col][col]
			if f == 0 {
				continue
			}
			for c := col; c <= n; c++ {
				m[r][c] -= f * m[col][c]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for c := r + 1; c < n; c++ {
			s -= m[r][c] * x[c]
		}
		x[r] = s / m[r][r]
	}
	return x
}
