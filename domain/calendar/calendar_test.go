package calendar_test

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
)

func TestDefault(t *testing.T) {
	t.Parallel()
	c := official(t)
	if got, want := c.Years(), []int{2024, 2025, 2026}; !slices.Equal(got, want) {
		t.Errorf("Years() = %v, want %v", got, want)
	}
	if got := c.Location().String(); got != calendar.DefaultZone {
		t.Errorf("Location() = %q, want %q", got, calendar.DefaultZone)
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(c.Version()) {
		t.Errorf("Version() = %q, want 12 lowercase hexadecimal digits", c.Version())
	}
	utc, err := calendar.Default(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if utc.Location() != time.UTC {
		t.Errorf("Default(UTC).Location() = %v", utc.Location())
	}
	if utc.Version() != c.Version() {
		t.Errorf("Version depends on the zone: %q in UTC, %q in Shanghai", utc.Version(), c.Version())
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	base := official(t)
	y2024, y2025, y2026 := mustYears(t, 2024)[0], mustYears(t, 2025)[0], mustYears(t, 2026)[0]

	reordered, err := calendar.New(nil, y2026, y2024, y2025)
	if err != nil {
		t.Fatal(err)
	}
	if reordered.Version() != base.Version() {
		t.Errorf("years in another order: Version %q, want %q", reordered.Version(), base.Version())
	}

	shuffled := y2026
	shuffled.Days = slices.Clone(y2026.Days)
	slices.Reverse(shuffled.Days)
	same, err := base.With(shuffled)
	if err != nil {
		t.Fatal(err)
	}
	if same.Version() != base.Version() {
		t.Errorf("2026 reloaded with its days reversed: Version %q, want %q", same.Version(), base.Version())
	}

	renamed := y2026
	renamed.Days = slices.Clone(y2026.Days)
	renamed.Days[0].Name = "New Year's Day"
	changed, err := base.With(renamed)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Version() == base.Version() {
		t.Errorf("renaming a holiday left Version at %q", base.Version())
	}

	fewer, err := calendar.New(nil, y2024, y2025)
	if err != nil {
		t.Fatal(err)
	}
	if fewer.Version() == base.Version() {
		t.Errorf("dropping 2026 left Version at %q", base.Version())
	}
}

func TestWithAddsAYear(t *testing.T) {
	t.Parallel()
	c := official(t)
	next, err := c.With(year2027())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := next.Years(), []int{2024, 2025, 2026, 2027}; !slices.Equal(got, want) {
		t.Errorf("after With(2027): Years() = %v, want %v", got, want)
	}
	if got, want := c.Years(), []int{2024, 2025, 2026}; !slices.Equal(got, want) {
		t.Errorf("With changed the original: Years() = %v, want %v", got, want)
	}
	if next.Version() == c.Version() {
		t.Errorf("With(2027) kept Version %q", c.Version())
	}
	if next.Location() != c.Location() {
		t.Errorf("With changed the zone to %v", next.Location())
	}

	// From Wed 2026-12-30 with n=2: #1 Thu 12-31, then 2027-01-01 (a holiday
	// in the fixture) and the weekend, #2 Mon 2027-01-04.
	start := at(2026, 12, 30, 10, 0)
	if _, err := c.Deadline(start, 2); err == nil {
		t.Error("the original calendar computed a deadline in 2027")
	} else {
		wantMissingYear(t, err, 2027)
	}
	got, err := next.Deadline(start, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := midnight(2027, 1, 5); !got.Equal(want) {
		t.Errorf("Deadline(%v, 2) = %v, want %v", start, got, want)
	}
	// From Tue 2026-12-29 with n=7: #1 12-30, #2 12-31, #3 Mon 01-04 … #7 Fri 01-08.
	got, err = next.Deadline(at(2026, 12, 29, 10, 0), 7)
	if err != nil {
		t.Fatal(err)
	}
	if want := midnight(2027, 1, 9); !got.Equal(want) {
		t.Errorf("Deadline(2026-12-29, 7) = %v, want %v", got, want)
	}
	// 2028 is still missing.
	_, err = next.IsWorkday(2028, time.January, 3)
	wantMissingYear(t, err, 2028)

	if same, err := c.With(); err != nil || same != c {
		t.Errorf("With() = %p, %v; want the same calendar", same, err)
	}
}

func TestWithReplacesAYear(t *testing.T) {
	t.Parallel()
	c := official(t)
	// A corrected 2026 without the make-up Saturday 02-28.
	corrected := mustYears(t, 2026)[0]
	corrected.Days = slices.DeleteFunc(slices.Clone(corrected.Days), func(d calendar.Day) bool { return d.Date == "2026-02-28" })
	next, err := c.With(corrected)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := next.Years(), c.Years(); !slices.Equal(got, want) {
		t.Errorf("Years() = %v, want %v", got, want)
	}
	if next.Version() == c.Version() {
		t.Errorf("replacing 2026 with other data kept Version %q", c.Version())
	}
	if ok, err := next.IsWorkday(2026, time.February, 28); err != nil || ok {
		t.Errorf("new calendar: IsWorkday(2026-02-28) = %v, %v; want false", ok, err)
	}
	if ok, err := c.IsWorkday(2026, time.February, 28); err != nil || !ok {
		t.Errorf("original calendar: IsWorkday(2026-02-28) = %v, %v; want true", ok, err)
	}
	// Fri 02-13, n=7: #1 Sat 02-14, #2..#5 02-24..27, #6 Mon 03-02, #7 Tue 03-03.
	got, err := next.Deadline(at(2026, 2, 13, 10, 0), 7)
	if err != nil {
		t.Fatal(err)
	}
	if want := midnight(2026, 3, 4); !got.Equal(want) {
		t.Errorf("Deadline without the make-up Saturday = %v, want %v", got, want)
	}

	bad := year2027()
	bad.Days = append(bad.Days, calendar.Day{Date: "2027-01-02", IsOffDay: true}) // a Saturday
	if next, err := c.With(bad); err == nil || next != nil {
		t.Errorf("With(invalid) = %v, %v; want nil and an error", next, err)
	}
	if got := c.Years(); !slices.Equal(got, []int{2024, 2025, 2026}) {
		t.Errorf("a failed With changed the calendar: Years() = %v", got)
	}
}

func TestNewCopiesItsInput(t *testing.T) {
	t.Parallel()
	years := mustYears(t, 2024, 2025, 2026)
	c, err := calendar.New(nil, years...)
	if err != nil {
		t.Fatal(err)
	}
	version := c.Version()
	for i, d := range years[2].Days {
		if d.Date == "2026-02-28" {
			years[2].Days[i] = calendar.Day{Date: "2026-02-27", IsOffDay: true}
		}
	}
	years[2].Year = 2030
	if ok, err := c.IsWorkday(2026, time.February, 28); err != nil || !ok {
		t.Errorf("changing the caller's slice changed the calendar: IsWorkday(2026-02-28) = %v, %v", ok, err)
	}
	if c.Version() != version {
		t.Errorf("Version changed from %q to %q", version, c.Version())
	}
	got := c.Years()
	got[0] = 1999
	if again := c.Years(); again[0] != 2024 {
		t.Errorf("Years() shares its slice: %v", again)
	}
}

// TestInvalidSchedule checks that bad data is refused by New, With and
// ParseYears alike, with an error naming the offending date.
func TestInvalidSchedule(t *testing.T) {
	t.Parallel()
	day := func(date string, off bool) calendar.Day { return calendar.Day{Date: date, IsOffDay: off, Name: "test"} }
	ok := day("2027-01-01", true) // a valid Friday holiday, to fill otherwise valid years
	tests := []struct {
		name  string
		years []calendar.Year
		date  string // the date the error must name, "" for none
		text  string // another fragment the message must contain
	}{
		{"holiday on a Sunday", []calendar.Year{{Year: 2026, Days: []calendar.Day{day("2026-02-15", true)}}},
			"2026-02-15", "Sunday"},
		{"holiday on a Saturday", []calendar.Year{{Year: 2027, Days: []calendar.Day{ok, day("2027-01-02", true)}}},
			"2027-01-02", "Saturday"},
		{"make-up day on a Monday", []calendar.Year{{Year: 2026, Days: []calendar.Day{day("2026-02-16", false)}}},
			"2026-02-16", "Monday"},
		{"date in another year", []calendar.Year{{Year: 2026, Days: []calendar.Day{day("2025-12-31", true)}}},
			"2025-12-31", "2026"},
		{"duplicate date", []calendar.Year{{Year: 2027, Days: []calendar.Day{ok, day("2027-01-01", true)}}},
			"2027-01-01", "more than once"},
		{"month without leading zero", []calendar.Year{{Year: 2026, Days: []calendar.Day{day("2026-2-14", false)}}},
			"2026-2-14", "YYYY-MM-DD"},
		{"no such day", []calendar.Year{{Year: 2026, Days: []calendar.Day{day("2026-02-30", true)}}},
			"2026-02-30", "YYYY-MM-DD"},
		{"other date format", []calendar.Year{{Year: 2026, Days: []calendar.Day{day("14/02/2026", false)}}},
			"14/02/2026", "YYYY-MM-DD"},
		{"empty date", []calendar.Year{{Year: 2027, Days: []calendar.Day{ok, day("", true)}}},
			"", "YYYY-MM-DD"},
		{"empty year", []calendar.Year{{Year: 2027, Notice: "not published yet"}},
			"", "2027"},
		{"year before 1970", []calendar.Year{{Year: 1969, Days: []calendar.Day{day("1969-01-01", true)}}},
			"", "1969"},
		{"year mistyped", []calendar.Year{{Year: 20266, Days: []calendar.Day{day("2026-02-16", true)}}},
			"", "20266"},
		{"year given twice", []calendar.Year{year2027(), year2027()},
			"", "2027"},
		{"no years", nil, "", "no years"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check := func(how string, err error) {
				t.Helper()
				if !errors.Is(err, calendar.ErrInvalidSchedule) {
					t.Fatalf("%s: error = %v, want one matching ErrInvalidSchedule", how, err)
				}
				var se *calendar.ScheduleError
				if !errors.As(err, &se) {
					t.Fatalf("%s: error %T is not a *ScheduleError", how, err)
				}
				if se.Date != tt.date {
					t.Errorf("%s: ScheduleError.Date = %q, want %q", how, se.Date, tt.date)
				}
				if !strings.Contains(err.Error(), tt.date) || !strings.Contains(err.Error(), tt.text) {
					t.Errorf("%s: error %q does not mention %q and %q", how, err, tt.date, tt.text)
				}
			}
			c, err := calendar.New(nil, tt.years...)
			if c != nil {
				t.Errorf("New returned a calendar with the error")
			}
			check("New", err)
			if len(tt.years) > 0 {
				_, err = official(t).With(tt.years...)
				check("With", err)
			}
			_, err = calendar.ParseYears(marshalDocument(t, tt.years))
			check("ParseYears", err)
		})
	}
}
