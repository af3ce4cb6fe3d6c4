package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestDayNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want int
		wd   time.Weekday
	}{
		{1970, time.January, 1, 0, time.Thursday},
		{1969, time.December, 31, -1, time.Wednesday},
		{2000, time.March, 1, 11017, time.Wednesday},
		{2026, time.February, 14, 20498, time.Saturday},
		{2199, time.December, 31, 84005, time.Tuesday},
	}
	for _, tt := range tests {
		n := dayNumber(tt.y, tt.m, tt.d)
		if n != tt.want {
			t.Errorf("dayNumber(%d-%02d-%02d) = %d, want %d", tt.y, tt.m, tt.d, n, tt.want)
		}
		if y, m, d := civilDate(n); y != tt.y || m != tt.m || d != tt.d {
			t.Errorf("civilDate(%d) = %d-%02d-%02d, want %d-%02d-%02d", n, y, m, d, tt.y, tt.m, tt.d)
		}
		if wd := weekday(n); wd != tt.wd {
			t.Errorf("weekday(%d) = %v, want %v", n, wd, tt.wd)
		}
	}
}

// TestBitset compares the word-at-a-time range queries with bit-by-bit ones.
func TestBitset(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	const size = 300
	for range 200 {
		b := newBitset(size)
		percent := []int{0, 30, 70, 99, 100}[rng.IntN(5)] // from empty to full
		for i := range size {
			if rng.IntN(100) < percent {
				b.set(i)
			}
		}
		if rng.IntN(2) == 0 {
			b.clear(rng.IntN(size))
		}
		lo := rng.IntN(size + 1)
		hi := lo + rng.IntN(size+1-lo)
		count, absent := 0, -1
		for i := lo; i < hi; i++ {
			if b.has(i) {
				count++
			} else if absent < 0 {
				absent = i
			}
		}
		if got := b.count(lo, hi); got != count {
			t.Fatalf("count(%d, %d) = %d, want %d", lo, hi, got, count)
		}
		if got := b.firstAbsent(lo, hi); got != absent {
			t.Fatalf("firstAbsent(%d, %d) = %d, want %d", lo, hi, got, absent)
		}
	}
}
