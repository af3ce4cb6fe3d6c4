package rating

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// PeriodKind is the length of a scoring period.
type PeriodKind string

// The period kinds.
const (
	PeriodMonth   PeriodKind = "month"
	PeriodQuarter PeriodKind = "quarter"
	PeriodYear    PeriodKind = "year"
)

// The years a period may fall in.
const (
	MinYear = 2000
	MaxYear = 9999
)

// Period is a calendar month, quarter or year. Its text form is "2026-03",
// "2026-Q1" or "2026"; the zero value is not a period.
type Period struct {
	Kind PeriodKind
	Year int
	// Index is the month (1-12) or the quarter (1-4); 0 for a year.
	Index int
}

// Month is the given month.
func Month(year int, month time.Month) Period { return Period{PeriodMonth, year, int(month)} }

// Quarter is the given quarter (1-4).
func Quarter(year, quarter int) Period { return Period{PeriodQuarter, year, quarter} }

// Year is the given year.
func Year(year int) Period { return Period{Kind: PeriodYear, Year: year} }

// PeriodOf is the period of the given kind that holds the calendar date of
// t in loc.
func PeriodOf(kind PeriodKind, t time.Time, loc *time.Location) Period {
	t = t.In(loc)
	switch kind {
	case PeriodMonth:
		return Month(t.Year(), t.Month())
	case PeriodQuarter:
		return Quarter(t.Year(), (int(t.Month())+2)/3)
	}
	return Year(t.Year())
}

// Validate reports a malformed period, naming the field.
func (p Period) Validate(field string) error {
	if p.Year < MinYear || p.Year > MaxYear {
		return domain.Invalid(field, "year %d is outside %d-%d", p.Year, MinYear, MaxYear)
	}
	switch p.Kind {
	case PeriodMonth:
		if p.Index < 1 || p.Index > 12 {
			return domain.Invalid(field, "month %d is not 1-12", p.Index)
		}
	case PeriodQuarter:
		if p.Index < 1 || p.Index > 4 {
			return domain.Invalid(field, "quarter %d is not 1-4", p.Index)
		}
	case PeriodYear:
		if p.Index != 0 {
			return domain.Invalid(field, "a year has no index (got %d)", p.Index)
		}
	case "":
		return domain.Invalid(field, "kind is required: month, quarter or year")
	default:
		return domain.Invalid(field, "%q is not a period kind: month, quarter or year", string(p.Kind))
	}
	return nil
}

// String is the text form ("2026-03", "2026-Q1", "2026").
func (p Period) String() string {
	switch p.Kind {
	case PeriodMonth:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Index)
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Index)
	case PeriodYear:
		return fmt.Sprintf("%04d", p.Year)
	}
	return ""
}

// Label is the Chinese name ("2026年3月", "2026年第1季度", "2026年").
func (p Period) Label() string {
	switch p.Kind {
	case PeriodMonth:
		return fmt.Sprintf("%d年%d月", p.Year, p.Index)
	case PeriodQuarter:
		return fmt.Sprintf("%d年第%d季度", p.Year, p.Index)
	case PeriodYear:
		return fmt.Sprintf("%d年", p.Year)
	}
	return ""
}

// ParsePeriod reads the text form, naming field in its error.
func ParsePeriod(field, s string) (Period, error) {
	bad := domain.Invalid(field, "%q is not a period: 2026-03, 2026-Q1 or 2026", s)
	year, rest, found := strings.Cut(s, "-")
	if len(year) != 4 {
		return Period{}, bad
	}
	y, err := strconv.Atoi(year)
	if err != nil {
		return Period{}, bad
	}
	var p Period
	switch {
	case !found:
		p = Year(y)
	case len(rest) == 2 && rest[0] == 'Q':
		q, err := strconv.Atoi(rest[1:])
		if err != nil {
			return Period{}, bad
		}
		p = Quarter(y, q)
	case len(rest) == 2:
		m, err := strconv.Atoi(rest)
		if err != nil {
			return Period{}, bad
		}
		p = Period{PeriodMonth, y, m}
	default:
		return Period{}, bad
	}
	if err := p.Validate(field); err != nil {
		return Period{}, err
	}
	return p, nil
}

// MarshalText writes the text form.
func (p Period) MarshalText() ([]byte, error) {
	if err := p.Validate("period"); err != nil {
		return nil, err
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads the text form.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod("period", string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// firstMonth and months are the span of the period in months.
func (p Period) firstMonth() (time.Month, int) {
	switch p.Kind {
	case PeriodMonth:
		return time.Month(p.Index), 1
	case PeriodQuarter:
		return time.Month(3*p.Index - 2), 3
	}
	return time.January, 12
}

// Start is the first instant of the period in loc.
func (p Period) Start(loc *time.Location) time.Time {
	m, _ := p.firstMonth()
	return time.Date(p.Year, m, 1, 0, 0, 0, 0, loc)
}

// End is the first instant after the period in loc.
func (p Period) End(loc *time.Location) time.Time {
	m, n := p.firstMonth()
	return time.Date(p.Year, m+time.Month(n), 1, 0, 0, 0, 0, loc)
}

// Contains reports whether the calendar date of t in loc lies in the period.
func (p Period) Contains(t time.Time, loc *time.Location) bool {
	return p.Includes(PeriodOf(PeriodMonth, t, loc))
}

// Includes reports whether q lies wholly within p (a period includes itself).
func (p Period) Includes(q Period) bool {
	if p.Year != q.Year {
		return false
	}
	pm, pn := p.firstMonth()
	qm, qn := q.firstMonth()
	return qm >= pm && qm+time.Month(qn) <= pm+time.Month(pn)
}

// Months lists the months of the period in order.
func (p Period) Months() []Period {
	m, n := p.firstMonth()
	out := make([]Period, n)
	for i := range n {
		out[i] = Month(p.Year, m+time.Month(i))
	}
	return out
}

// Next is the period of the same kind that follows p.
func (p Period) Next() Period {
	switch p.Kind {
	case PeriodMonth:
		if p.Index == 12 {
			return Month(p.Year+1, time.January)
		}
		return Period{PeriodMonth, p.Year, p.Index + 1}
	case PeriodQuarter:
		if p.Index == 4 {
			return Quarter(p.Year+1, 1)
		}
		return Quarter(p.Year, p.Index+1)
	}
	return Year(p.Year + 1)
}
