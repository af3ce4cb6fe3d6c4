package calendar_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
)

// instants draws instants in 2024–2026 (China time), one in four exactly at
// a local midnight or the nanosecond before one, where off-by-one mistakes
// live.
type instants struct {
	rng *rand.Rand
	o   *oracle
}

func (g instants) next() time.Time {
	lo, hi := midnight(2024, 1, 1), midnight(2027, 1, 1)
	t := lo.Add(time.Duration(g.rng.Int64N(int64(hi.Sub(lo)))))
	switch g.rng.IntN(8) {
	case 0:
		return g.o.day(t)
	case 1:
		if d := g.o.day(t); d.After(lo) {
			return d.Add(-ns)
		}
	}
	return t
}

// duration draws a working time of up to 20 days, often whole hours or days.
func (g instants) duration() time.Duration {
	d := time.Duration(g.rng.Int64N(int64(20 * day)))
	switch g.rng.IntN(4) {
	case 0:
		return d.Truncate(day)
	case 1:
		return d.Truncate(hour)
	}
	return d
}

func TestDeadlineProperties(t *testing.T) {
	t.Parallel()
	c, o := official(t), newOracle(t)
	g := instants{rand.New(rand.NewPCG(2024, 2026)), o}
	checked := 0
	for range 4000 {
		start, n := g.next(), 1+g.rng.IntN(20)
		dl, err := c.Deadline(start, n)
		want, oerr := o.deadline(start, n)
		if oerr != nil {
			// The nth working day lies past 2026: the calendar must say so.
			var missing *calendar.MissingYearError
			if !errors.As(err, &missing) || missing.Year != 2027 {
				t.Fatalf("Deadline(%v, %d) = %v, %v; want a missing 2027", start, n, dl, err)
			}
			continue
		}
		if err != nil || !dl.Equal(want) {
			t.Fatalf("Deadline(%v, %d) = %v, %v; oracle says %v", start, n, dl, err, want)
		}
		checked++

		// Exactly n working days after the start day, up to the last
		// instant before the deadline, and the last of them is a working day.
		if got, err := c.WorkdaysBetween(start, dl.Add(-ns)); err != nil || got != n {
			t.Fatalf("WorkdaysBetween(%v, Deadline-1ns=%v) = %d, %v; want %d", start, dl.Add(-ns), got, err, n)
		}
		if ok, err := c.IsWorkday(dl.Add(-ns).In(o.loc).Date()); err != nil || !ok {
			t.Fatalf("the day ending at Deadline(%v, %d) = %v is not a working day (%v)", start, n, dl, err)
		}

		// Resuming the clock with the working time up to the deadline lands
		// on the deadline. (The brief asks this for starts on working days;
		// it holds for every start, since the deadline ends a working day.)
		wt, err := c.WorkingTime(start, dl)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := c.AddWorkingTime(start, wt); err != nil || !got.Equal(dl) {
			t.Fatalf("AddWorkingTime(%v, WorkingTime to deadline = %v) = %v, %v; want %v", start, wt, got, err, dl)
		}

		// Monotonicity: a later start or a longer period never gives an
		// earlier deadline; one more working day gives a later one.
		later := start.Add(time.Duration(g.rng.Int64N(int64(3 * day))))
		if dl2, err := c.Deadline(later, n); err == nil && dl2.Before(dl) {
			t.Fatalf("Deadline(%v, %d) = %v is before Deadline(%v, %d) = %v", later, n, dl2, start, n, dl)
		}
		if dl2, err := c.Deadline(start, n+1); err == nil && !dl2.After(dl) {
			t.Fatalf("Deadline(%v, %d) = %v is not after Deadline(%v, %d) = %v", start, n+1, dl2, start, n, dl)
		}

		// Between the n-day and the (n+k)-day deadline lie exactly k
		// working days of lateness.
		k := 1 + g.rng.IntN(5)
		if dlk, err := c.Deadline(start, n+k); err == nil {
			if got, err := c.WorkdaysLate(dl, dlk); err != nil || got != k {
				t.Fatalf("WorkdaysLate(Deadline(%v, %d), Deadline(…, %d)) = %d, %v; want %d", start, n, n+k, got, err, k)
			}
		}
	}
	if checked < 3000 {
		t.Fatalf("only %d of 4000 draws were checked against the oracle", checked)
	}
}

func TestWorkingTimeProperties(t *testing.T) {
	t.Parallel()
	c, o := official(t), newOracle(t)
	g := instants{rand.New(rand.NewPCG(7, 2)), o}
	end := midnight(2027, 1, 1)
	for range 3000 {
		from, d := g.next(), g.duration()

		got, err := c.AddWorkingTime(from, d)
		left, oerr := o.workingTime(from, end)
		if oerr != nil {
			t.Fatal(oerr)
		}
		if d > left {
			// Not enough working time left before 2027.
			var missing *calendar.MissingYearError
			if !errors.As(err, &missing) || missing.Year != 2027 {
				t.Fatalf("AddWorkingTime(%v, %v) = %v, %v; only %v left in 2026, want a missing 2027", from, d, got, err, left)
			}
			continue
		}
		if err != nil {
			t.Fatalf("AddWorkingTime(%v, %v): %v", from, d, err)
		}
		if got.Before(from) {
			t.Fatalf("AddWorkingTime(%v, %v) = %v is before from", from, d, got)
		}
		// WorkingTime(from, AddWorkingTime(from, d)) == d, and no earlier
		// instant reaches d.
		if wt, err := c.WorkingTime(from, got); err != nil || wt != d {
			t.Fatalf("WorkingTime(%v, AddWorkingTime(…, %v) = %v) = %v, %v", from, d, got, wt, err)
		}
		if d > 0 {
			if wt, err := c.WorkingTime(from, got.Add(-ns)); err != nil || wt >= d {
				t.Fatalf("AddWorkingTime(%v, %v) = %v is not the earliest: 1ns before, WorkingTime is %v (%v)", from, d, got, wt, err)
			}
		}

		// WorkingTime agrees with the day-by-day oracle and is additive
		// (hence monotonic in its end).
		to := from.Add(time.Duration(g.rng.Int64N(int64(40 * day))))
		if to.After(end) {
			to = end
		}
		whole, err := c.WorkingTime(from, to)
		want, oerr := o.workingTime(from, to)
		if err != nil || oerr != nil || whole != want {
			t.Fatalf("WorkingTime(%v, %v) = %v, %v; oracle says %v (%v)", from, to, whole, err, want, oerr)
		}
		mid := from.Add(time.Duration(g.rng.Int64N(int64(to.Sub(from)) + 1)))
		a, errA := c.WorkingTime(from, mid)
		b, errB := c.WorkingTime(mid, to)
		if errA != nil || errB != nil || a < 0 || b < 0 || a+b != whole {
			t.Fatalf("WorkingTime not additive at %v: %v + %v != %v (%v, %v)", mid, a, b, whole, errA, errB)
		}

		// WorkdaysLate counts the working days that [from, to) touches.
		late, err := c.WorkdaysLate(from, to)
		if err != nil {
			t.Fatal(err)
		}
		wantLate := 0
		if to.After(from) {
			if wantLate, oerr = o.workdays(from, to.Add(-ns)); oerr != nil {
				t.Fatal(oerr)
			}
		}
		if late != wantLate {
			t.Fatalf("WorkdaysLate(%v, %v) = %d, oracle says %d", from, to, late, wantLate)
		}
	}
}
