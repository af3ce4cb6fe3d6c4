package calendar_test

import (
	"errors"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
)

const (
	ns   = time.Nanosecond
	hour = time.Hour
	day  = 24 * time.Hour
)

func TestWorkingTime(t *testing.T) {
	t.Parallel()
	c := official(t)
	tests := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"Spring Festival: Fri noon to Tue noon", at(2026, 2, 13, 12, 0), at(2026, 2, 24, 12, 0),
			12*hour + day + 12*hour}, // rest of Fri, all of make-up Sat 02-14, Tue morning
		{"Spring Festival holiday only", midnight(2026, 2, 15), midnight(2026, 2, 24),
			0}, // Sun 02-15, 02-16..20 off, weekend, Mon 02-23 off
		{"make-up Saturday, whole day", midnight(2026, 2, 14), midnight(2026, 2, 15),
			day},
		{"New Year across the year boundary", at(2025, 12, 31, 12, 0), at(2026, 1, 5, 6, 0),
			12*hour + day + 6*hour}, // Wed afternoon, 01-01..03 off, make-up Sun 01-04, Mon morning
		{"National Day week", at(2025, 9, 30, 20, 0), at(2025, 10, 9, 2, 0),
			4*hour + 2*hour}, // Tue evening, 10-01..08 off, Thu 10-09 early hours
		{"an ordinary week", midnight(2026, 3, 9), midnight(2026, 3, 16),
			5 * day},
		{"ends exactly at the end of the last loaded day", at(2026, 12, 31, 10, 0), midnight(2027, 1, 1),
			14 * hour}, // the end is exclusive: 2027 is not needed
		{"all of 2026", midnight(2026, 1, 1), midnight(2027, 1, 1),
			248 * day}, // 261 weekdays − 19 weekday holidays + 6 make-up days
		{"empty", at(2026, 3, 9, 10, 0), at(2026, 3, 9, 10, 0), 0},
		{"reversed", at(2026, 3, 10, 10, 0), at(2026, 3, 9, 10, 0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.WorkingTime(tt.from, tt.to)
			if err != nil {
				t.Fatalf("WorkingTime(%v, %v): %v", tt.from, tt.to, err)
			}
			if got != tt.want {
				t.Errorf("WorkingTime(%v, %v) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestAddWorkingTime(t *testing.T) {
	t.Parallel()
	c := official(t)
	tests := []struct {
		name string
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"to the end of Friday", at(2026, 2, 13, 12, 0), 12 * hour,
			midnight(2026, 2, 14)},
		{"to the end of the make-up Saturday, not the next working day", at(2026, 2, 13, 12, 0), 36 * hour,
			midnight(2026, 2, 15)}, // earliest instant: Sunday 00:00, not Tue 02-24 00:00
		{"one nanosecond more jumps the holiday", at(2026, 2, 13, 12, 0), 36*hour + ns,
			midnight(2026, 2, 24).Add(ns)},
		{"into the first day after the holiday", at(2026, 2, 13, 12, 0), 48 * hour,
			at(2026, 2, 24, 12, 0)},
		{"from inside the holiday", at(2026, 2, 18, 10, 0), hour,
			at(2026, 2, 24, 1, 0)},
		{"zero from a rest day is from", at(2026, 2, 15, 10, 0), 0,
			at(2026, 2, 15, 10, 0)},
		{"exactly to the eve of National Day", at(2025, 9, 30, 20, 0), 4 * hour,
			midnight(2025, 10, 1)},
		{"across National Day", at(2025, 9, 30, 20, 0), 5 * hour,
			at(2025, 10, 9, 1, 0)},
		{"across New Year into the make-up Sunday", at(2025, 12, 31, 18, 0), 8 * hour,
			at(2026, 1, 4, 2, 0)}, // 6h on Wed 12-31, 01-01..03 off, 2h on Sun 01-04
		{"to the end of the last loaded day", midnight(2026, 12, 31), day,
			midnight(2027, 1, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.AddWorkingTime(tt.from, tt.d)
			if err != nil {
				t.Fatalf("AddWorkingTime(%v, %v): %v", tt.from, tt.d, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("AddWorkingTime(%v, %v) = %v, want %v", tt.from, tt.d, got, tt.want)
			}
			if got.Location() != c.Location() {
				t.Errorf("AddWorkingTime(%v, %v) is in %v, want %v", tt.from, tt.d, got.Location(), c.Location())
			}
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	t.Parallel()
	c := official(t)
	tests := []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"Spring Festival", at(2026, 2, 13, 10, 0), at(2026, 2, 24, 9, 0),
			2}, // (Fri 02-13, Tue 02-24]: Sat 02-14 and Tue 02-24
		{"from the make-up Saturday", midnight(2026, 2, 14), at(2026, 2, 24, 9, 0),
			1}, // the make-up start day is not counted: Tue 02-24
		{"same day", at(2026, 2, 13, 10, 0), at(2026, 2, 13, 23, 0), 0},
		{"reversed", at(2026, 2, 24, 10, 0), at(2026, 2, 13, 10, 0), 0},
		{"National Day", at(2025, 9, 30, 10, 0), at(2025, 10, 12, 10, 0),
			3}, // Thu 10-09, Fri 10-10, Sat 10-11
		{"New Year", at(2025, 12, 31, 10, 0), at(2026, 1, 5, 10, 0),
			2}, // Sun 01-04, Mon 01-05
		{"all of 2024", at(2023, 12, 31, 12, 0), at(2024, 12, 31, 12, 0),
			251}, // 262 weekdays − 19 weekday holidays + 8 make-up days
		{"all of 2025", at(2024, 12, 31, 12, 0), at(2025, 12, 31, 12, 0),
			248}, // 261 − 18 + 5
		{"all of 2026", at(2025, 12, 31, 12, 0), at(2026, 12, 31, 12, 0),
			248}, // 261 − 19 + 6
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.WorkdaysBetween(tt.from, tt.to)
			if err != nil {
				t.Fatalf("WorkdaysBetween(%v, %v): %v", tt.from, tt.to, err)
			}
			if got != tt.want {
				t.Errorf("WorkdaysBetween(%v, %v) = %d, want %d", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestWorkdaysLate(t *testing.T) {
	t.Parallel()
	c := official(t)
	endOfMonday := midnight(2026, 3, 10) // due at the end of Mon 2026-03-09
	tests := []struct {
		name     string
		due, now time.Time
		want     int
	}{
		{"on time: now before due", endOfMonday, endOfMonday.Add(-hour), 0},
		{"on time: now is due", endOfMonday, endOfMonday, 0},
		{"first instant late", endOfMonday, endOfMonday.Add(ns), 1},
		{"Tuesday 10:00", endOfMonday, at(2026, 3, 10, 10, 0), 1},
		{"Wednesday 00:00 exactly: only Tuesday touched", endOfMonday, midnight(2026, 3, 11), 1},
		{"just after Wednesday 00:00", endOfMonday, midnight(2026, 3, 11).Add(ns), 2},
		{"due mid-day", at(2026, 3, 10, 15, 0), at(2026, 3, 10, 16, 0), 1},
		{"overdue over a weekend only", midnight(2026, 3, 7), at(2026, 3, 8, 20, 0),
			0}, // due end of Fri 03-06; Sat and Sun are rest days
		{"Monday 00:00 exactly after a weekend", midnight(2026, 3, 7), midnight(2026, 3, 9), 0},
		{"just into Monday after a weekend", midnight(2026, 3, 7), midnight(2026, 3, 9).Add(ns), 1},
		{"make-up Saturday counts", midnight(2026, 2, 14), at(2026, 2, 14, 9, 0),
			1}, // due end of Fri 02-13; Sat 02-14 is a working day
		{"holiday week does not count", midnight(2025, 10, 1), at(2025, 10, 9, 8, 0),
			1}, // due end of Tue 09-30; only Thu 10-09 is a working day
		{"from the 2-day deadline to the 7-day deadline", midnight(2026, 2, 25), midnight(2026, 3, 3),
			5}, // Wed 02-25, Thu, Fri, Sat 02-28 make-up, Mon 03-02
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.WorkdaysLate(tt.due, tt.now)
			if err != nil {
				t.Fatalf("WorkdaysLate(%v, %v): %v", tt.due, tt.now, err)
			}
			if got != tt.want {
				t.Errorf("WorkdaysLate(%v, %v) = %d, want %d", tt.due, tt.now, got, tt.want)
			}
		})
	}
}

// TestMissingYears checks that every computation that needs a day of a year
// without a schedule says so, naming the year.
func TestMissingYears(t *testing.T) {
	t.Parallel()
	c := official(t)
	gap, err := calendar.New(nil, mustYears(t, 2024, 2026)...) // 2025 left out
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		year int
	}{
		{"WorkingTime into 2027", func() error {
			_, err := c.WorkingTime(at(2026, 12, 31, 10, 0), midnight(2027, 1, 1).Add(ns))
			return err
		}, 2027},
		{"WorkingTime from 2023", func() error {
			_, err := c.WorkingTime(at(2023, 12, 31, 12, 0), midnight(2024, 1, 2))
			return err
		}, 2023},
		{"AddWorkingTime into 2027", func() error {
			_, err := c.AddWorkingTime(midnight(2026, 12, 31), day+ns)
			return err
		}, 2027},
		{"AddWorkingTime from 2023", func() error {
			_, err := c.AddWorkingTime(at(2023, 12, 31, 12, 0), hour)
			return err
		}, 2023},
		{"WorkdaysBetween into 2027", func() error {
			_, err := c.WorkdaysBetween(at(2026, 12, 30, 10, 0), at(2027, 1, 4, 10, 0))
			return err
		}, 2027},
		{"WorkdaysBetween from 2023", func() error {
			_, err := c.WorkdaysBetween(at(2023, 12, 30, 10, 0), at(2024, 1, 4, 10, 0)) // needs 2023-12-31
			return err
		}, 2023},
		{"WorkdaysLate into 2027", func() error {
			_, err := c.WorkdaysLate(midnight(2026, 12, 31), at(2027, 1, 2, 10, 0))
			return err
		}, 2027},
		{"Deadline across a year left out", func() error {
			_, err := gap.Deadline(at(2024, 12, 30, 10, 0), 5)
			return err
		}, 2025},
		{"WorkdaysBetween across a year left out", func() error {
			_, err := gap.WorkdaysBetween(at(2024, 6, 1, 10, 0), at(2026, 6, 1, 10, 0))
			return err
		}, 2025},
		{"WorkingTime across a year left out", func() error {
			_, err := gap.WorkingTime(at(2024, 6, 1, 10, 0), at(2026, 6, 1, 10, 0))
			return err
		}, 2025},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantMissingYear(t, tt.call(), tt.year)
		})
	}
	// Days around the gap are still answered.
	if n, err := gap.WorkdaysBetween(at(2023, 12, 31, 0, 0), at(2024, 12, 31, 0, 0)); err != nil || n != 251 {
		t.Errorf("WorkdaysBetween over 2024 with 2025 left out = %d, %v; want 251, nil", n, err)
	}
	if _, err := c.AddWorkingTime(midnight(2026, 3, 2), -ns); !errors.Is(err, calendar.ErrInvalidArgument) {
		t.Errorf("AddWorkingTime(-1ns) error = %v, want ErrInvalidArgument", err)
	}
}

// mustYears returns the official schedules of the given years, parsed from
// the embedded data through the public API.
func mustYears(t testing.TB, years ...int) []calendar.Year {
	t.Helper()
	all, err := calendar.ParseYears(mustReadReference(t))
	if err != nil {
		t.Fatal(err)
	}
	var out []calendar.Year
	for _, y := range all {
		for _, want := range years {
			if y.Year == want {
				out = append(out, y)
			}
		}
	}
	if len(out) != len(years) {
		t.Fatalf("reference data has %d of the years %v", len(out), years)
	}
	return out
}
