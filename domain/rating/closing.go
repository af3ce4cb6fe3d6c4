package rating

import (
	"time"

	"github.com/watchpost/watchpost/domain"
)

// The closing rule. Closing a period freezes its scores and ranking. A
// period can be closed once it has ended; a quarter or a year only once each
// of its months is closed, so that nothing inside a closed period is still
// open. A rating is placed in the month of its dealing (the date the service
// was given, not the date the sheet was entered) and is refused when that
// month lies in a closed period. It is not moved to the next open period:
// the score of a period speaks of the service given in it, and a late sheet
// counted elsewhere would change a month it does not describe.

// CanClose reports whether p may be closed at now, given the periods already
// closed: an invalid period is an invalid-input error, a running, already
// closed or not yet closable period a state conflict.
func CanClose(p Period, now time.Time, loc *time.Location, closed []Period) error {
	if err := p.Validate("period"); err != nil {
		return err
	}
	if now.Before(p.End(loc)) {
		return domain.StateConflict("period %s runs until %s and cannot be closed before", p, p.End(loc).Format(time.DateOnly))
	}
	if isClosed(p, closed) {
		return domain.StateConflict("period %s is already closed", p)
	}
	if p.Kind != PeriodMonth {
		for _, m := range p.Months() {
			if !isClosed(m, closed) {
				return domain.StateConflict("period %s cannot be closed while month %s is open", p, m)
			}
		}
	}
	return nil
}

// AdmitRating places a rating whose dealing happened at dealt: it returns
// the month the rating counts in, or a state conflict naming the closed
// period that holds that month.
func AdmitRating(dealt time.Time, loc *time.Location, closed []Period) (Period, error) {
	m := PeriodOf(PeriodMonth, dealt, loc)
	if err := m.Validate("dealtAt"); err != nil {
		return Period{}, err
	}
	for _, c := range closed {
		if c.Includes(m) {
			return Period{}, domain.StateConflict("period %s is closed: a rating of a dealing on %s is refused", c, dealt.In(loc).Format(time.DateOnly))
		}
	}
	return m, nil
}

func isClosed(p Period, closed []Period) bool {
	for _, c := range closed {
		if c == p {
			return true
		}
	}
	return false
}
