package rating_test

import (
	"encoding/json"
	"testing"

	"github.com/watchpost/watchpost/domain/rating"
)

func TestNumberText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, exact, fixed2, percent2 string
	}{
		{"0", "0", "0.00", "0.00"},
		{"5/6", "5/6", "0.83", "83.33"},
		{"1357/15", "1357/15", "90.46", "9046.66"},
		{"92.6", "92.6", "92.60", "9260.00"},
		{"0.1", "0.1", "0.10", "10.00"},
		{"7/8", "0.875", "0.87", "87.50"},
		{"69.999", "69.999", "69.99", "6999.90"},
		{"-1/3", "-1/3", "-0.34", "-33.34"},
		{"20/1", "20", "20.00", "2000.00"},
	}
	for _, tt := range tests {
		n := num(t, tt.in)
		if got := n.String(); got != tt.exact {
			t.Errorf("%s: String %q, want %q", tt.in, got, tt.exact)
		}
		if got := n.Fixed2(); got != tt.fixed2 {
			t.Errorf("%s: Fixed2 %q, want %q", tt.in, got, tt.fixed2)
		}
		if got := n.Percent2(); got != tt.percent2 {
			t.Errorf("%s: Percent2 %q, want %q", tt.in, got, tt.percent2)
		}
		b, _ := json.Marshal(n)
		var back rating.Number
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(n) {
			t.Errorf("%s: JSON %s read back as %s (%v)", tt.in, b, back, err)
		}
	}
	for _, bad := range []string{"", "x", "1e3", "1/0", "0.5.5"} {
		if _, err := rating.ParseNumber(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestNumberArithmetic(t *testing.T) {
	t.Parallel()
	a, b := rating.Frac(1, 3), rating.Frac(1, 6)
	wantNumber(t, "sum", a.Add(b), "1/2")
	wantNumber(t, "difference", a.Sub(b), "1/6")
	wantNumber(t, "product", a.Mul(b), "1/18")
	q, ok := a.Quo(b)
	if !ok {
		t.Fatal("no quotient")
	}
	wantNumber(t, "quotient", q, "2")
	if _, ok := a.Quo(rating.Number{}); ok {
		t.Error("a division by zero was answered")
	}
	wantNumber(t, "negation", a.Neg(), "-1/3")
	wantNumber(t, "max", a.Max(b), "1/3")
	// 0.1 + 0.2 is exactly 0.3 here, as it is not in float64.
	wantNumber(t, "0.1 + 0.2", num(t, "0.1").Add(num(t, "0.2")), "0.3")
	var zero rating.Number
	if !zero.IsZero() || zero.String() != "0" || zero.Float64() != 0 {
		t.Error("the zero value is not 0")
	}
	if f := rating.Frac(1, 4).Float64(); f != 0.25 {
		t.Errorf("Float64 %v", f)
	}
}
