package calendar

import (
	"math/bits"
	"time"
)

// Dates are handled as day numbers: the count of days since 1970-01-01 in the
// proleptic Gregorian calendar. They make stepping from day to day plain
// integer arithmetic.

const secondsPerDay = 24 * 60 * 60

// dayNumber returns the day number of the civil date y-m-d, which must be a
// real date.
func dayNumber(y int, m time.Month, d int) int {
	// UTC midnights are whole multiples of a day, so the division is exact.
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// civilDate returns the civil date of day number n.
func civilDate(n int) (int, time.Month, int) {
	return time.Unix(int64(n)*secondsPerDay, 0).UTC().Date()
}

// weekday returns the day of the week of day number n (day 0 was a
// Thursday).
func weekday(n int) time.Weekday {
	return time.Weekday(((n+4)%7 + 7) % 7)
}

// dayOf returns the day number of the local date of t in c's zone.
func (c *Calendar) dayOf(t time.Time) int {
	return dayNumber(t.In(c.loc).Date())
}

// startOfDay returns the first instant of day n in c's zone. That is local
// midnight, except in the rare zones whose clocks jump over midnight (then
// it is the instant of the jump) or fall back over it (then it is the first
// of the two midnights). time.Date leaves the choice in both cases open, so
// they are settled here.
func (c *Calendar) startOfDay(n int) time.Time {
	y, m, d := civilDate(n)
	t := time.Date(y, m, d, 0, 0, 0, 0, c.loc)
	if c.dayOf(t) < n {
		// Midnight was skipped and t fell back into the previous day: day n
		// starts when the zone in effect at t ends.
		if _, end := t.ZoneBounds(); !end.IsZero() {
			t = end
		}
	}
	// Midnight repeated: if the instant just before t is already on day n,
	// t is the second midnight; the first one belongs to the zone in effect
	// just before (or, should that zone not reach back to midnight, begins
	// with it). Two rounds cover any real zone.
	for range 2 {
		p := t.Add(-time.Nanosecond)
		if c.dayOf(p) < n {
			break
		}
		start, _ := p.ZoneBounds()
		_, offset := p.Zone()
		t = time.Unix(int64(n)*secondsPerDay-int64(offset), 0).In(c.loc)
		if t.Before(start) {
			t = start
		}
	}
	return t
}

// bitset is a fixed-size set of small non-negative integers.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) clear(i int)    { b[i/64] &^= 1 << (i % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }

// count returns how many members lie in [lo, hi).
func (b bitset) count(lo, hi int) int {
	n := 0
	for lo < hi {
		w, span := b.window(lo, hi)
		n += bits.OnesCount64(w)
		lo += span
	}
	return n
}

// firstAbsent returns the least i in [lo, hi) that is not a member, or -1.
func (b bitset) firstAbsent(lo, hi int) int {
	for lo < hi {
		w, span := b.window(lo, hi)
		if gaps := ^w & mask(span); gaps != 0 {
			return lo + bits.TrailingZeros64(gaps)
		}
		lo += span
	}
	return -1
}

// window returns the bits of b from lo on, at most up to hi and the end of
// lo's word, shifted down to bit 0, and how many bits that is.
func (b bitset) window(lo, hi int) (uint64, int) {
	span := min(64-lo%64, hi-lo)
	return (b[lo/64] >> (lo % 64)) & mask(span), span
}

// mask returns a word with the low n bits set, 0 <= n <= 64.
func mask(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}
