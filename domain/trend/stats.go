package trend

import (
	"math"
	"slices"
)

// studentTUpper returns P(T > x) for Student's t distribution with df
// degrees of freedom. It is computed from the regularized incomplete beta
// function, P(|T| > |x|) = I_{df/(df+x²)}(df/2, 1/2), directly for x ≥ 0 so
// that small upper tails keep their relative precision.
func studentTUpper(x, df float64) float64 {
	switch {
	case math.IsNaN(x) || df <= 0:
		return math.NaN()
	case math.IsInf(x, 1):
		return 0
	case math.IsInf(x, -1):
		return 1
	}
	half := 0.5 * regIncBeta(df/2, 0.5, df/(df+x*x))
	if x >= 0 {
		return half
	}
	return 1 - half
}

// studentTCDF returns P(T ≤ x) for Student's t distribution with df degrees
// of freedom.
func studentTCDF(x, df float64) float64 {
	return 1 - studentTUpper(x, df)
}

// studentTQuantile returns the x with P(T ≤ x) = p, found by bisection on
// the CDF (which is continuous and strictly increasing).
func studentTQuantile(p, df float64) float64 {
	if p <= 0 || p >= 1 || df <= 0 {
		return math.NaN()
	}
	lo, hi := -1.0, 1.0
	for studentTCDF(lo, df) > p {
		lo *= 2
	}
	for studentTCDF(hi, df) < p {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if studentTCDF(mid, df) < p {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo < 1e-12*math.Max(1, math.Abs(mid)) {
			break
		}
	}
	return (lo + hi) / 2
}

// regIncBeta returns the regularized incomplete beta function I_x(a, b) for
// a, b > 0 and 0 ≤ x ≤ 1. It evaluates the continued fraction of
// Abramowitz & Stegun 26.5.8 on the side of the mean where it converges
// fast, and uses I_x(a, b) = 1 − I_{1−x}(b, a) on the other side.
func regIncBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	if x > (a+1)/(a+b+2) {
		return 1 - regIncBeta(b, a, 1-x)
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) - (la + lb - lab))
	return front / (a * betaFraction(a, b, x))
}

// betaFraction evaluates 1 + d1/(1 + d2/(1 + ...)), the continued fraction
// of the incomplete beta function, with the modified Lentz method. Its
// coefficients are
//
//	d(2m+1) = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1))
//	d(2m)   =  m(b−m)x / ((a+2m−1)(a+2m))
func betaFraction(a, b, x float64) float64 {
	const tiny, eps = 1e-300, 1e-15
	f, c, d := 1.0, 1.0, 0.0
	for i := 1; i <= 10000; i++ {
		m := float64(i / 2)
		var coef float64
		if i%2 == 1 {
			coef = -(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1))
		} else {
			coef = m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m))
		}
		d = 1 + coef*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + coef/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		delta := c * d
		f *= delta
		if math.Abs(delta-1) < eps {
			break
		}
	}
	return f
}

// poissonAtLeast returns P(X ≥ x) for X Poisson with mean mu.
func poissonAtLeast(x int, mu float64) float64 {
	if x <= 0 {
		return 1
	}
	if mu <= 0 {
		return 0
	}
	lg, _ := math.Lgamma(float64(x) + 1)
	term := math.Exp(float64(x)*math.Log(mu) - mu - lg) // P(X = x)
	if float64(x) > mu {
		// Sum the upper tail directly: its terms shrink at least
		// geometrically once i > mu.
		sum := 0.0
		for i := x; term > sum*1e-17 && i < x+10000; i++ {
			sum += term
			term *= mu / float64(i+1)
		}
		return math.Min(1, sum)
	}
	// The tail is large: subtract the lower part, summed downwards.
	lower := 0.0
	term *= float64(x) / mu // P(X = x−1)
	for i := x - 1; i >= 0; i-- {
		lower += term
		term *= float64(i) / mu
	}
	return math.Max(0, 1-lower)
}

// poissonPMF returns P(X = x) for X Poisson with mean mu.
func poissonPMF(x int, mu float64) float64 {
	if x < 0 {
		return 0
	}
	if mu <= 0 {
		if x == 0 {
			return 1
		}
		return 0
	}
	lg, _ := math.Lgamma(float64(x) + 1)
	return math.Exp(float64(x)*math.Log(mu) - mu - lg)
}

// meanSD returns the mean and the sample standard deviation (n − 1 in the
// denominator) of v.
func meanSD(v []float64) (mean, sd float64) {
	if len(v) == 0 {
		return 0, 0
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) < 2 {
		return mean, 0
	}
	ss := 0.0
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(v)-1))
}

// quantile returns the q-quantile of v by linear interpolation between the
// order statistics (type 7 of Hyndman & Fan); NaN for an empty v.
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	frac := pos - float64(lo)
	return s[lo] + frac*(s[lo+1]-s[lo])
}
