package trend

import (
	"fmt"
	"time"
)

// Date is a civil date: a day of the calendar with no time of day and no
// zone, counted in days from 1970-01-01 (Date 0). Adding n to a Date moves
// it n days. In JSON and text it reads and writes as "2006-01-02".
type Date int

// DateOf returns the Date of year, month and day, normalising out-of-range
// values as time.Date does (31 April is 1 May).
func DateOf(year int, month time.Month, day int) Date {
	secs := time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix()
	days := secs / 86400
	if secs%86400 != 0 && secs < 0 {
		days-- // floor for dates before 1970
	}
	return Date(days)
}

// ParseDate reads a date written as "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("trend: date %q: %w", s, err)
	}
	return DateOf(t.Date()), nil
}

// Civil returns the year, month and day of d.
func (d Date) Civil() (year int, month time.Month, day int) {
	return time.Unix(int64(d)*86400, 0).UTC().Date()
}

// Weekday returns the day of the week of d (1970-01-01 was a Thursday).
func (d Date) Weekday() time.Weekday {
	return time.Weekday(((int(d)+4)%7 + 7) % 7)
}

// String writes d as "2006-01-02".
func (d Date) String() string {
	y, m, day := d.Civil()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), day)
}

// MarshalText writes d as "2006-01-02".
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText reads a date written as "2006-01-02".
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
