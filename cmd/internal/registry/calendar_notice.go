package registry

import (
	"context"
	"slices"
	"time"
)

// NoticeMonth is the month from which next year's schedule is expected:
// the State Council publishes it in October or November, and a deadline
// computed in December may already run into January.
const NoticeMonth = time.November

// NextYearMissing says whether next year's official schedule is overdue:
// from 1 November (in the service's zone) until it is loaded, missing is
// true and year is the year that needs loading. Before November, missing
// is false. A missing year is a warning, not a failure: deadlines that run
// into it are shown as a problem on the case until it is loaded.
//
// Who: anyone may ask (it reveals only which years are loaded); the readiness
// check and the administrator's page do.
func (c *Calendars) NextYearMissing(ctx context.Context, now time.Time) (year int, missing bool, err error) {
	local := now.In(c.loc)
	year = local.Year() + 1
	if local.Month() < NoticeMonth {
		return year, false, nil
	}
	lc, err := c.Current(ctx)
	if err != nil {
		return year, false, err
	}
	return year, !slices.Contains(lc.Calendar.Years(), year), nil
}

// LastYear is the last year whose official schedule is loaded (0 when none
// is).
func (c *Calendars) LastYear(ctx context.Context) (int, error) {
	lc, err := c.Current(ctx)
	if err != nil {
		return 0, err
	}
	years := lc.Calendar.Years()
	if len(years) == 0 {
		return 0, nil
	}
	return years[len(years)-1], nil
}
