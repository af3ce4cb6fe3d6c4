package rating

import (
	"fmt"
	"math/big"
	"strings"
)

// Number is an exact rational value. The zero value is 0. A Number is
// immutable: every operation returns a new one.
type Number struct {
	r *big.Rat
}

// Int returns the integer n as a Number.
func Int(n int64) Number { return Number{new(big.Rat).SetInt64(n)} }

// Frac returns a/b as a Number; b must not be zero.
func Frac(a, b int64) Number {
	if b == 0 {
		panic("rating: Frac with a zero denominator")
	}
	return Number{new(big.Rat).SetFrac64(a, b)}
}

// ParseNumber reads a decimal ("0.5", "12", "-3.25") or a fraction ("2/9").
func ParseNumber(s string) (Number, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Number{}, fmt.Errorf("empty number")
	}
	if strings.ContainsAny(s, "eE") {
		return Number{}, fmt.Errorf("%q: exponents are not accepted", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return Number{}, fmt.Errorf("%q is not a number", s)
	}
	return Number{r}, nil
}

func (n Number) rat() *big.Rat {
	if n.r == nil {
		return new(big.Rat)
	}
	return n.r
}

// Add returns n + m.
func (n Number) Add(m Number) Number { return Number{new(big.Rat).Add(n.rat(), m.rat())} }

// Sub returns n - m.
func (n Number) Sub(m Number) Number { return Number{new(big.Rat).Sub(n.rat(), m.rat())} }

// Mul returns n × m.
func (n Number) Mul(m Number) Number { return Number{new(big.Rat).Mul(n.rat(), m.rat())} }

// Quo returns n / m and false when m is zero (the caller decides what a
// missing denominator means; nothing here divides by zero).
func (n Number) Quo(m Number) (Number, bool) {
	if m.Sign() == 0 {
		return Number{}, false
	}
	return Number{new(big.Rat).Quo(n.rat(), m.rat())}, true
}

// Cmp compares n and m: -1, 0 or +1.
func (n Number) Cmp(m Number) int { return n.rat().Cmp(m.rat()) }

// Equal reports whether n and m are the same value.
func (n Number) Equal(m Number) bool { return n.Cmp(m) == 0 }

// Sign returns -1, 0 or +1.
func (n Number) Sign() int { return n.rat().Sign() }

// Float64 returns the nearest float64, for charts only.
func (n Number) Float64() float64 {
	f, _ := n.rat().Float64()
	return f
}

// Max returns the larger of n and m.
func (n Number) Max(m Number) Number {
	if n.Cmp(m) >= 0 {
		return n
	}
	return m
}

// String writes the exact value: a decimal when it has a finite one ("0.5",
// "86"), a reduced fraction otherwise ("520/9").
func (n Number) String() string {
	r := n.rat()
	if digits, ok := decimalDigits(r.Denom()); ok {
		return r.FloatString(digits)
	}
	return r.RatString()
}

// decimalDigits reports how many decimals represent 1/d exactly, and false
// when d has a prime factor other than 2 and 5.
func decimalDigits(d *big.Int) (int, bool) {
	rest := new(big.Int).Set(d)
	two, five := big.NewInt(2), big.NewInt(5)
	var twos, fives int
	mod := new(big.Int)
	for mod.Rem(rest, two).Sign() == 0 {
		rest.Quo(rest, two)
		twos++
	}
	for mod.Rem(rest, five).Sign() == 0 {
		rest.Quo(rest, five)
		fives++
	}
	if rest.Cmp(big.NewInt(1)) != 0 {
		return 0, false
	}
	return max(twos, fives), true
}

// Fixed2 is the display form: the value rounded down to two decimals
// ("86.66" for 86.666…). Rounding down is the package's one display rule
// (see the package documentation).
func (n Number) Fixed2() string { return floorString(n.rat(), 2) }

// Percent2 is the display form of a rate as a percentage rounded down to two
// decimals, without the sign ("83.33" for 5/6).
func (n Number) Percent2() string {
	return floorString(new(big.Rat).Mul(n.rat(), big.NewRat(100, 1)), 2)
}

// floorString writes r rounded towards minus infinity to the given decimals.
func floorString(r *big.Rat, decimals int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	num := new(big.Int).Mul(r.Num(), scale)
	// Euclidean division floors when the divisor is positive, as a
	// denominator always is.
	q, _ := new(big.Int).DivMod(num, r.Denom(), new(big.Int))
	return new(big.Rat).SetFrac(q, scale).FloatString(decimals)
}

// MarshalText writes the exact value (see String), so a stored score reads
// back to the same number.
func (n Number) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// UnmarshalText reads what MarshalText wrote, or any decimal or fraction.
func (n *Number) UnmarshalText(b []byte) error {
	v, err := ParseNumber(string(b))
	if err != nil {
		return err
	}
	*n = v
	return nil
}

// IsZero reports whether n is 0 (so `omitzero` leaves a zero amount out).
func (n Number) IsZero() bool { return n.Sign() == 0 }

// Neg returns -n.
func (n Number) Neg() Number { return Number{new(big.Rat).Neg(n.rat())} }
