package trend

import (
	"math"
	"testing"
)

func TestStudentTQuantilesMatchTables(t *testing.T) {
	t.Parallel()
	// Two-sided critical values from the standard t table (e.g. NIST/SEMATECH
	// e-Handbook 1.3.6.7.2), three decimals.
	tests := []struct {
		p, df, want float64
	}{
		{0.975, 1, 12.706},
		{0.95, 1, 6.314},
		{0.995, 2, 9.925},
		{0.95, 5, 2.015},
		{0.975, 10, 2.228},
		{0.99, 10, 2.764},
		{0.95, 27, 1.703},
		{0.99, 27, 2.473},
		{0.995, 30, 2.750},
		{0.975, 100, 1.984},
		{0.999, 20, 3.552},
	}
	for _, tc := range tests {
		got := studentTQuantile(tc.p, tc.df)
		if math.Abs(got-tc.want) > 0.0006 {
			t.Errorf("t quantile %.3f, df %.0f = %.4f, table %.3f", tc.p, tc.df, got, tc.want)
		}
		if p := studentTCDF(tc.want, tc.df); math.Abs(p-tc.p) > 2e-4 {
			t.Errorf("F(%.3f; %.0f) = %.5f, want about %.3f", tc.want, tc.df, p, tc.p)
		}
	}
}

func TestStudentTClosedForms(t *testing.T) {
	t.Parallel()
	for _, x := range []float64{-30, -3, -1, -0.2, 0, 0.5, 1, 2.5, 10, 100} {
		cauchy := 0.5 + math.Atan(x)/math.Pi // df 1
		if got := studentTCDF(x, 1); math.Abs(got-cauchy) > 1e-12 {
			t.Errorf("F(%g; 1) = %.15f, want %.15f", x, got, cauchy)
		}
		two := 0.5 + x/(2*math.Sqrt(2+x*x)) // df 2
		if got := studentTCDF(x, 2); math.Abs(got-two) > 1e-12 {
			t.Errorf("F(%g; 2) = %.15f, want %.15f", x, got, two)
		}
	}
	// Far in the tail the upper probability keeps its relative precision:
	// for df 1, P(T > x) = atan(1/x)/π.
	if got, want := studentTUpper(1e6, 1), math.Atan(1e-6)/math.Pi; math.Abs(got/want-1) > 1e-9 {
		t.Errorf("P(T > 1e6; 1) = %g, want %g", got, want)
	}
	if got := studentTCDF(0, 27); got != 0.5 {
		t.Errorf("F(0; 27) = %g", got)
	}
	if !math.IsNaN(studentTUpper(math.NaN(), 3)) || studentTUpper(math.Inf(1), 3) != 0 || studentTUpper(math.Inf(-1), 3) != 1 {
		t.Error("special values")
	}
}

func TestStudentTApproachesNormal(t *testing.T) {
	t.Parallel()
	// With very many degrees of freedom t is the standard normal.
	for _, x := range []float64{-2, -1, 0.3, 1.645, 2.326} {
		normal := 0.5 * math.Erfc(-x/math.Sqrt2)
		if got := studentTCDF(x, 1e7); math.Abs(got-normal) > 1e-6 {
			t.Errorf("F(%g; 1e7) = %.8f, normal %.8f", x, got, normal)
		}
	}
}

func TestRegIncBetaKnownValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b, x, want float64
	}{
		{1, 1, 0.3, 0.3},             // uniform
		{2, 1, 0.5, 0.25},            // x²
		{1, 3, 0.2, 1 - 0.8*0.8*0.8}, // 1 − (1−x)³
		{0.5, 0.5, 0.5, 0.5},         // arcsine, symmetric
		{0.5, 0.5, 0.25, 1.0 / 3},    // (2/π)·asin(√x)
		{5, 5, 0.5, 0.5},             // symmetric
		{10, 2, 0.9, 11*math.Pow(0.9, 10) - 10*math.Pow(0.9, 11)}, // P(Bin(11, x) ≥ 10)
	}
	for _, tc := range tests {
		if got := regIncBeta(tc.a, tc.b, tc.x); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("I_%g(%g, %g) = %.15f, want %.15f", tc.x, tc.a, tc.b, got, tc.want)
		}
	}
}

func TestPoissonAtLeast(t *testing.T) {
	t.Parallel()
	for _, mu := range []float64{0.01, 0.3, 1, 4.5, 20, 150} {
		sum := 0.0
		for x := 0; x < 400; x++ {
			want := 1 - sum
			got := poissonAtLeast(x, mu)
			if math.Abs(got-want) > 1e-9 {
				t.Fatalf("P(X ≥ %d | %g) = %g, want %g", x, mu, got, want)
			}
			sum += poissonPMF(x, mu)
		}
	}
	if got, want := poissonAtLeast(9, 3), 0.003802; math.Abs(got-want) > 1e-6 {
		t.Errorf("P(X ≥ 9 | 3) = %.6f, want %.6f", got, want)
	}
	// A far tail keeps its relative precision: P(X ≥ 30 | 1) ≈ P(X = 30).
	if got, want := poissonAtLeast(30, 1), poissonPMF(30, 1)*(1+1.0/31+1.0/(31*32)+1.0/(31*32*33)); math.Abs(got/want-1) > 1e-6 {
		t.Errorf("P(X ≥ 30 | 1) = %g, want %g", got, want)
	}
	if poissonAtLeast(0, 2) != 1 || poissonAtLeast(1, 0) != 0 {
		t.Error("edge cases")
	}
}

func TestQuantile(t *testing.T) {
	t.Parallel()
	v := []float64{5, 1, 3, 2, 4}
	if got := quantile(v, 0.5); got != 3 {
		t.Errorf("median = %g", got)
	}
	if got := quantile(v, 0.9); math.Abs(got-4.6) > 1e-12 {
		t.Errorf("p90 = %g", got)
	}
	if !math.IsNaN(quantile(nil, 0.5)) {
		t.Error("empty")
	}
	if m, s := meanSD([]float64{2, 4, 4, 4, 5, 5, 7, 9}); m != 5 || math.Abs(s-2.138089935) > 1e-9 {
		t.Errorf("meanSD = %g, %g", m, s)
	}
}
