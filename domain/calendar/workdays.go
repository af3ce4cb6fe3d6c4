package calendar

import "time"

// IsWorkday reports whether the given date is a working day. It fails with
// an error matching ErrInvalidArgument if the date does not exist, and with a
// *MissingYearError if its year is not loaded.
func (c *Calendar) IsWorkday(year int, month time.Month, day int) (bool, error) {
	if y, m, d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Date(); y != year || m != month || d != day {
		return false, invalidArgument("no such date %04d-%02d-%02d", year, int(month), day)
	}
	return c.workday(dayNumber(year, month, day))
}

// Deadline returns the end of the nth working day after the day of start in
// c's zone, the start day itself not being counted even when it is a
// working day. The end of day D is returned as the first instant of day D+1
// (local midnight), an exclusive bound: a step taken at any instant before
// it is on time. Only the days after start's day are looked up: the start
// may lie on the last day before the loaded years, and the deadline may be
// 00:00 on 1 January after them (the end of 31 December), but no working day
// is ever counted in a year that is not loaded. n must be at least 1.
func (c *Calendar) Deadline(start time.Time, n int) (time.Time, error) {
	if n < 1 {
		return time.Time{}, invalidArgument("a period must be at least 1 working day, got %d", n)
	}
	day := c.dayOf(start)
	for counted := 0; counted < n; {
		day++
		ok, err := c.workday(day) // fails past the last loaded year, ending the loop
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			counted++
		}
	}
	return c.startOfDay(day + 1), nil
}

// WorkingTime returns how much of [from, to) falls on working days, every
// working day counting in full from its first instant to the first instant
// of the next day (24 hours, or 23 or 25 on a day when c's zone changes its
// clocks). It is 0 when to is not after from. Every day that [from, to)
// touches must be loaded.
func (c *Calendar) WorkingTime(from, to time.Time) (time.Duration, error) {
	if !to.After(from) {
		return 0, nil
	}
	first, last := c.dayOf(from), c.dayOf(to.Add(-time.Nanosecond))
	if err := c.checkLoaded(first, last); err != nil {
		return 0, err
	}
	var total time.Duration
	for day := first; day <= last; day++ {
		if !c.working.has(day - c.first) {
			continue
		}
		end := day // the run of working days day..end
		for end < last && c.working.has(end+1-c.first) {
			end++
		}
		lo, hi := from, to
		if day > first {
			lo = c.startOfDay(day)
		}
		if end < last {
			hi = c.startOfDay(end + 1)
		}
		total += hi.Sub(lo)
		day = end
	}
	return total, nil
}

// AddWorkingTime returns the earliest instant t at or after from such that
// WorkingTime(from, t) == d: the instant at which a clock that runs only on
// working days, started at from, shows d. When d ends exactly with a working
// day, t is the first instant of the next day, not the start of the next
// working day. d == 0 gives from; a negative d is an error matching
// ErrInvalidArgument. The result is in c's zone.
func (c *Calendar) AddWorkingTime(from time.Time, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, invalidArgument("negative working time %v", d)
	}
	if d == 0 {
		return from.In(c.loc), nil
	}
	first := c.dayOf(from)
	for day := first; ; day++ {
		ok, err := c.workday(day) // fails past the last loaded year, ending the loop
		if err != nil {
			return time.Time{}, err
		}
		if !ok {
			continue
		}
		end := day // the run of working days day..end
		for c.isLoadedWorkday(end + 1) {
			end++
		}
		lo := from
		if day > first {
			lo = c.startOfDay(day)
		}
		hi := c.startOfDay(end + 1)
		if available := hi.Sub(lo); d > available {
			d -= available
			day = end
			continue
		}
		return lo.Add(d).In(c.loc), nil
	}
}

// WorkdaysBetween returns the number of working days D with
// day(from) < D <= day(to), days being read in c's zone: the working days
// elapsed from from to to, the start day not counted. It is 0 when to's day
// is not after from's.
func (c *Calendar) WorkdaysBetween(from, to time.Time) (int, error) {
	return c.countWorkdays(c.dayOf(from)+1, c.dayOf(to))
}

// WorkdaysLate returns by how many working days now is past due: 0 when now
// is not after due, and otherwise the number of working days that the
// interval [due, now) touches, a day touched for an instant counting as a
// whole one; that is, the working days from the day of due to the day of the
// last nanosecond before now, both included.
//
// With due at the end of an ordinary Monday (Tuesday 00:00, as Deadline gives
// it), WorkdaysLate is 1 from just after due until Wednesday 00:00 inclusive,
// and 2 from Wednesday 00:00:00.000000001 on. It can be 0 although now is
// after due, when [due, now) touches only rest days: a department whose
// deadline passed at the end of Friday is overdue on Sunday (now.After(due))
// but not yet a working day late.
func (c *Calendar) WorkdaysLate(due, now time.Time) (int, error) {
	if !now.After(due) {
		return 0, nil
	}
	return c.countWorkdays(c.dayOf(due), c.dayOf(now.Add(-time.Nanosecond)))
}

// countWorkdays returns the number of working days in [first, last], which
// must all be loaded; it is 0 when last < first.
func (c *Calendar) countWorkdays(first, last int) (int, error) {
	if last < first {
		return 0, nil
	}
	if err := c.checkLoaded(first, last); err != nil {
		return 0, err
	}
	return c.working.count(first-c.first, last-c.first+1), nil
}

// workday reports whether day is a working day, failing if it is not loaded.
func (c *Calendar) workday(day int) (bool, error) {
	i := day - c.first
	if i < 0 || i >= c.days || !c.loaded.has(i) {
		return false, c.missing(day)
	}
	return c.working.has(i), nil
}

// isLoadedWorkday reports whether day is loaded and a working day.
func (c *Calendar) isLoadedWorkday(day int) bool {
	ok, err := c.workday(day)
	return ok && err == nil
}

// checkLoaded returns a *MissingYearError for the earliest day in
// [first, last] that is not loaded, or nil.
func (c *Calendar) checkLoaded(first, last int) error {
	lo, hi := first-c.first, last-c.first+1
	if lo < 0 {
		return c.missing(first)
	}
	if i := c.loaded.firstAbsent(lo, min(hi, c.days)); i >= 0 {
		return c.missing(c.first + i)
	}
	if hi > c.days {
		return c.missing(c.first + max(lo, c.days))
	}
	return nil
}

// missing returns the error for a day whose year is not loaded.
func (c *Calendar) missing(day int) error {
	y, _, _ := civilDate(day)
	return &MissingYearError{Year: y}
}
