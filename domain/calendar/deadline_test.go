package calendar_test

import (
	"errors"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
)

// The expectations below were worked out by hand from the reference data
// (data/cn-2024-2026.json). The exceptions they rely on:
//
//	2024-12-31 Tue  working       2025-01-01 Wed  元旦 off
//	2025-09-28 Sun  make-up       2025-10-01..03 Wed–Fri  国庆 off
//	2025-10-06 Mon  中秋 off      2025-10-07..08 Tue–Wed  国庆 off
//	2025-10-11 Sat  make-up
//	2026-01-01..02 Thu–Fri 元旦 off  2026-01-04 Sun  make-up
//	2026-02-14 Sat  make-up       2026-02-16..20 Mon–Fri, 2026-02-23 Mon  春节 off
//	2026-02-28 Sat  make-up
//
// "#k" marks the kth working day counted; the start day is never counted.

func TestIsWorkday(t *testing.T) {
	t.Parallel()
	c := official(t)
	tests := []struct {
		date string
		want bool
	}{
		{"2024-02-09", true},  // 除夕 2024 was a Friday and officially a working day
		{"2024-02-18", true},  // Sunday make-up day after the 2024 Spring Festival
		{"2025-09-28", true},  // Sunday make-up day before National Day 2025
		{"2025-09-30", true},  // ordinary Tuesday, last working day before the holiday
		{"2025-10-01", false}, // National Day
		{"2025-10-06", false}, // Monday, Mid-Autumn holiday
		{"2025-10-08", false}, // Wednesday, last day of the National Day week
		{"2025-10-09", true},  // Thursday, back to work
		{"2025-10-11", true},  // Saturday make-up day
		{"2025-10-12", false}, // ordinary Sunday
		{"2025-12-31", true},  // ordinary Wednesday
		{"2026-01-01", false}, // New Year's Day (Thursday)
		{"2026-01-02", false}, // bridging Friday
		{"2026-01-03", false}, // Saturday, a rest day anyway
		{"2026-01-04", true},  // Sunday make-up day
		{"2026-02-13", true},  // Friday before the Spring Festival
		{"2026-02-14", true},  // first make-up Saturday of the 2026 Spring Festival
		{"2026-02-15", false}, // Sunday
		{"2026-02-16", false}, // Spring Festival Monday
		{"2026-02-23", false}, // Monday, last day of the Spring Festival holiday
		{"2026-02-24", true},  // Tuesday, back to work
		{"2026-02-28", true},  // second make-up Saturday of the 2026 Spring Festival
		{"2026-03-01", false}, // ordinary Sunday
		{"2026-03-07", false}, // ordinary Saturday
		{"2026-03-11", true},  // ordinary Wednesday
		{"2026-12-31", true},  // ordinary Thursday, the last loaded day
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			t.Parallel()
			d, err := time.Parse("2006-01-02", tt.date)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.IsWorkday(d.Date())
			if err != nil {
				t.Fatalf("IsWorkday(%s): %v", tt.date, err)
			}
			if got != tt.want {
				t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, tt.want)
			}
		})
	}
}

func TestIsWorkdayErrors(t *testing.T) {
	t.Parallel()
	c := official(t)
	_, err := c.IsWorkday(2026, time.February, 29) // 2026 is not a leap year
	if !errors.Is(err, calendar.ErrInvalidArgument) {
		t.Errorf("IsWorkday(2026-02-29) error = %v, want ErrInvalidArgument", err)
	}
	_, err = c.IsWorkday(2023, time.December, 29)
	wantMissingYear(t, err, 2023)
	_, err = c.IsWorkday(2027, time.January, 4)
	wantMissingYear(t, err, 2027)
}

func TestDeadline(t *testing.T) {
	t.Parallel()
	c := official(t)
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  time.Time // local midnight ending the nth working day
	}{
		// 2026 Spring Festival.
		{"Fri before Spring Festival, n=2", at(2026, 2, 13, 10, 0), 2,
			midnight(2026, 2, 25)}, // #1 Sat 02-14 make-up, #2 Tue 02-24
		{"Fri before Spring Festival, n=7", at(2026, 2, 13, 10, 0), 7,
			midnight(2026, 3, 3)}, // #3 02-25, #4 02-26, #5 02-27, #6 Sat 02-28 make-up, #7 Mon 03-02
		{"Fri before Spring Festival, n=1: the make-up Saturday counts", at(2026, 2, 13, 10, 0), 1,
			midnight(2026, 2, 15)}, // #1 Sat 02-14
		{"Fri 23:59 before Spring Festival, n=2", at(2026, 2, 13, 23, 59), 2,
			midnight(2026, 2, 25)}, // still Friday: as above
		{"last nanosecond of Fri, n=2", midnight(2026, 2, 14).Add(-time.Nanosecond), 2,
			midnight(2026, 2, 25)}, // still Friday
		{"Sat 00:00 exactly (make-up day, not counted), n=2", midnight(2026, 2, 14), 2,
			midnight(2026, 2, 26)}, // start day Sat 02-14; #1 Tue 02-24, #2 Wed 02-25
		{"Sat 00:00 exactly (make-up day, not counted), n=7", midnight(2026, 2, 14), 7,
			midnight(2026, 3, 4)}, // #1 02-24 … #4 02-27, #5 Sat 02-28, #6 03-02, #7 03-03
		{"make-up Sat afternoon, n=1", at(2026, 2, 14, 15, 0), 1,
			midnight(2026, 2, 25)}, // start day not counted although a working day; #1 Tue 02-24
		{"received in UTC, Sat 00:30 in China", time.Date(2026, 2, 13, 16, 30, 0, 0, time.UTC), 2,
			midnight(2026, 2, 26)}, // read in Asia/Shanghai: start day Sat 02-14
		{"during the holiday (Wed), n=2", at(2026, 2, 18, 12, 0), 2,
			midnight(2026, 2, 26)}, // #1 Tue 02-24, #2 Wed 02-25
		{"during the holiday (Wed), n=7", at(2026, 2, 18, 12, 0), 7,
			midnight(2026, 3, 4)}, // #5 Sat 02-28, #6 03-02, #7 03-03
		{"last holiday day (Mon 02-23) 23:59, n=1", at(2026, 2, 23, 23, 59), 1,
			midnight(2026, 2, 25)}, // #1 Tue 02-24
		{"second make-up Sat, n=2", at(2026, 2, 28, 9, 0), 2,
			midnight(2026, 3, 4)}, // #1 Mon 03-02, #2 Tue 03-03
		{"Fri before second make-up Sat, n=1", at(2026, 2, 27, 18, 0), 1,
			midnight(2026, 3, 1)}, // #1 Sat 02-28: the deadline is Sunday 00:00

		// 2025 National Day and Mid-Autumn.
		{"Fri 23:59 before National Day, n=2", at(2025, 9, 26, 23, 59), 2,
			midnight(2025, 9, 30)}, // #1 Sun 09-28 make-up, #2 Mon 09-29
		{"Fri 23:59 before National Day, n=7", at(2025, 9, 26, 23, 59), 7,
			midnight(2025, 10, 14)}, // #3 Tue 09-30, #4 Thu 10-09, #5 Fri 10-10, #6 Sat 10-11, #7 Mon 10-13
		{"Sat 00:00 exactly before National Day, n=2", midnight(2025, 9, 27), 2,
			midnight(2025, 9, 30)}, // start day Sat 09-27: same days as above
		{"make-up Sun 09-28, n=2", at(2025, 9, 28, 10, 0), 2,
			midnight(2025, 10, 1)}, // start not counted; #1 Mon 09-29, #2 Tue 09-30
		{"make-up Sun 09-28, n=7", at(2025, 9, 28, 10, 0), 7,
			midnight(2025, 10, 15)}, // #3 10-09, #4 10-10, #5 Sat 10-11, #6 10-13, #7 10-14
		{"last day before the holiday, n=2", at(2025, 9, 30, 16, 0), 2,
			midnight(2025, 10, 11)}, // 10-01..08 off; #1 Thu 10-09, #2 Fri 10-10
		{"last day before the holiday, n=7", at(2025, 9, 30, 16, 0), 7,
			midnight(2025, 10, 17)}, // #3 Sat 10-11, #4 10-13, #5 10-14, #6 10-15, #7 10-16
		{"Mid-Autumn holiday Mon 10-06, n=2", at(2025, 10, 6, 9, 0), 2,
			midnight(2025, 10, 11)}, // #1 Thu 10-09, #2 Fri 10-10
		{"Fri 23:59 before the make-up Sat, n=2", at(2025, 10, 10, 23, 59), 2,
			midnight(2025, 10, 14)}, // #1 Sat 10-11, #2 Mon 10-13

		// New Year.
		{"2024-12-31, n=2", at(2024, 12, 31, 17, 0), 2,
			midnight(2025, 1, 4)}, // 2025-01-01 off; #1 Thu 01-02, #2 Fri 01-03
		{"2025-12-30, n=2", at(2025, 12, 30, 10, 0), 2,
			midnight(2026, 1, 5)}, // #1 Wed 12-31, 01-01..03 off, #2 Sun 01-04 make-up
		{"2025-12-30, n=7", at(2025, 12, 30, 10, 0), 7,
			midnight(2026, 1, 10)}, // #3 01-05, #4 01-06, #5 01-07, #6 01-08, #7 Fri 01-09
		{"2025-12-31 23:59, n=2", at(2025, 12, 31, 23, 59), 2,
			midnight(2026, 1, 6)}, // #1 Sun 01-04, #2 Mon 01-05
		{"2025-12-31 23:59, n=7", at(2025, 12, 31, 23, 59), 7,
			midnight(2026, 1, 13)}, // #1..#6 01-04..01-09, weekend, #7 Mon 01-12
		{"2026-01-01 00:00 exactly, n=2", midnight(2026, 1, 1), 2,
			midnight(2026, 1, 6)}, // start day is the holiday; #1 01-04, #2 01-05
		{"bridging Fri 2026-01-02, n=1", at(2026, 1, 2, 11, 0), 1,
			midnight(2026, 1, 5)}, // #1 Sun 01-04 make-up
		{"make-up Sun 2026-01-04, n=1", at(2026, 1, 4, 8, 0), 1,
			midnight(2026, 1, 6)}, // start not counted; #1 Mon 01-05

		// An ordinary week (no exceptions in March 2026).
		{"Fri 23:59, n=2", at(2026, 3, 6, 23, 59), 2,
			midnight(2026, 3, 11)}, // #1 Mon 03-09, #2 Tue 03-10
		{"Sat 00:00 exactly, n=2", midnight(2026, 3, 7), 2,
			midnight(2026, 3, 11)}, // same working days
		{"last nanosecond of Sun, n=2", midnight(2026, 3, 9).Add(-time.Nanosecond), 2,
			midnight(2026, 3, 11)}, // still Sunday
		{"Mon 00:00 exactly, n=2", midnight(2026, 3, 9), 2,
			midnight(2026, 3, 12)}, // start day Monday not counted; #1 Tue, #2 Wed
		{"Thu, n=1", at(2026, 3, 5, 9, 0), 1,
			midnight(2026, 3, 7)}, // #1 Fri 03-06

		// Up to the last loaded day.
		{"2026-12-29, n=2 ends on the last loaded day", at(2026, 12, 29, 10, 0), 2,
			midnight(2027, 1, 1)}, // #1 Wed 12-30, #2 Thu 12-31; 2027 not needed
		{"2023-12-31, n=1: the start day is not looked up", at(2023, 12, 31, 10, 0), 1,
			midnight(2024, 1, 3)}, // 2024-01-01 off; #1 Tue 01-02
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.Deadline(tt.start, tt.n)
			if err != nil {
				t.Fatalf("Deadline(%v, %d): %v", tt.start, tt.n, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("Deadline(%v, %d) = %v, want %v", tt.start, tt.n, got, tt.want)
			}
			if got.Location() != c.Location() {
				t.Errorf("Deadline(%v, %d) is in %v, want the calendar's %v", tt.start, tt.n, got.Location(), c.Location())
			}
			if h, m, s := got.Clock(); h != 0 || m != 0 || s != 0 || got.Nanosecond() != 0 {
				t.Errorf("Deadline(%v, %d) = %v, not a local midnight", tt.start, tt.n, got)
			}
		})
	}
}

func TestDeadlineErrors(t *testing.T) {
	t.Parallel()
	c := official(t)
	tests := []struct {
		name  string
		start time.Time
		n     int
		year  int // the year reported missing
	}{
		{"needs 2027-01-01", at(2026, 12, 30, 10, 0), 2, 2027},    // #1 Thu 12-31, #2 would be in 2027
		{"n=7 from 2026-12-29", at(2026, 12, 29, 10, 0), 7, 2027}, // only 2 working days left in 2026
		{"start in 2027", at(2027, 3, 1, 10, 0), 1, 2027},
		{"start in 2023", at(2023, 12, 28, 10, 0), 2, 2023}, // 2023-12-29 is looked up
		{"huge n runs off the end", at(2024, 1, 1, 0, 0), 1 << 40, 2027},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.Deadline(tt.start, tt.n)
			if err == nil {
				t.Fatalf("Deadline(%v, %d) = %v, want an error", tt.start, tt.n, got)
			}
			wantMissingYear(t, err, tt.year)
		})
	}
	for _, n := range []int{0, -1} {
		if _, err := c.Deadline(at(2026, 3, 2, 9, 0), n); !errors.Is(err, calendar.ErrInvalidArgument) {
			t.Errorf("Deadline(n=%d) error = %v, want ErrInvalidArgument", n, err)
		}
	}
}

// TestDeadlineZone checks that days are read in the calendar's zone, not in
// the zone of the argument.
func TestDeadlineZone(t *testing.T) {
	t.Parallel()
	utc, err := calendar.Default(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 2, 13, 16, 30, 0, 0, time.UTC) // Friday in UTC, Saturday in China
	got, err := utc.Deadline(start.In(chinaTime), 2)
	if err != nil {
		t.Fatal(err)
	}
	// In UTC the start day is Fri 02-13: #1 Sat 02-14, #2 Tue 02-24.
	if want := time.Date(2026, 2, 25, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("UTC calendar: Deadline = %v, want %v", got, want)
	}
	got, err = official(t).Deadline(start, 2)
	if err != nil {
		t.Fatal(err)
	}
	// In China the start day is Sat 02-14: #1 Tue 02-24, #2 Wed 02-25.
	if want := midnight(2026, 2, 26); !got.Equal(want) {
		t.Errorf("Shanghai calendar: Deadline = %v, want %v", got, want)
	}
}
