package calendar_test

import (
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
)

// Days are cut at the zone's own midnights, so a calendar in a zone with
// daylight saving time gets 23- and 25-hour days right and never ends a day
// at an instant that still belongs to it. China has no daylight saving time;
// these zones stand in for a deployment configured otherwise. The schedules
// are made up for the tests.

func TestDaylightSavingAmman(t *testing.T) {
	t.Parallel()
	amman := loadZone(t, "Asia/Amman")
	// Asia/Amman in 2021: on Fri 03-26 the clocks jumped from 00:00 to 01:00
	// (a 23-hour day); on Fri 10-29 they fell back from 01:00 to 00:00, so
	// that day had two midnights and 25 hours.
	c, err := calendar.New(amman, calendar.Year{Year: 2021, Days: []calendar.Day{{Date: "2021-01-01", IsOffDay: true}}})
	if err != nil {
		t.Fatal(err)
	}
	utc := func(m time.Month, d, hh int) time.Time { return time.Date(2021, m, d, hh, 0, 0, 0, time.UTC) }
	deadlines := []struct {
		name  string
		start time.Time
		want  time.Time
	}{
		// End of Thu 03-25 = start of Fri 03-26, which begins at 01:00 +03.
		{"day starting after a skipped midnight", time.Date(2021, 3, 24, 10, 0, 0, 0, amman), utc(3, 25, 22)},
		// End of Thu 10-28 = the first of Fri 10-29's two midnights, 00:00 +03.
		{"day starting with a repeated midnight", time.Date(2021, 10, 27, 10, 0, 0, 0, amman), utc(10, 28, 21)},
		// End of Fri 10-29 = Sat 10-30 00:00 +02.
		{"end of the 25-hour day", time.Date(2021, 10, 28, 10, 0, 0, 0, amman), utc(10, 29, 22)},
	}
	for _, tt := range deadlines {
		got, err := c.Deadline(tt.start, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(tt.want) {
			t.Errorf("%s: Deadline(%v, 1) = %v, want %v", tt.name, tt.start, got, tt.want.In(amman))
		}
	}
	spans := []struct {
		name     string
		from, to time.Time
		want     time.Duration
		reach    time.Time // AddWorkingTime(from, want): the earliest instant with that working time
	}{
		// Fri 01:00 +03 to Sat 00:00 +03.
		{"23-hour Friday", utc(3, 25, 22), utc(3, 26, 21), 23 * hour, utc(3, 26, 21)},
		// Fri 00:00 +03 (first midnight) to Sat 00:00 +02.
		{"25-hour Friday", utc(10, 28, 21), utc(10, 29, 22), 25 * hour, utc(10, 29, 22)},
		// 12h of Thursday, the 25-hour Friday, none of Saturday; the clock
		// reaches 37h when Friday ends.
		{"Thu noon to Sat noon", time.Date(2021, 10, 28, 12, 0, 0, 0, amman), time.Date(2021, 10, 30, 12, 0, 0, 0, amman), 37 * hour, utc(10, 29, 22)},
	}
	for _, tt := range spans {
		got, err := c.WorkingTime(tt.from, tt.to)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s: WorkingTime = %v, want %v", tt.name, got, tt.want)
		}
		if end, err := c.AddWorkingTime(tt.from, tt.want); err != nil || !end.Equal(tt.reach) {
			t.Errorf("%s: AddWorkingTime(%v, %v) = %v, %v; want %v", tt.name, tt.from, tt.want, end, err, tt.reach.In(amman))
		}
	}
}

func TestDaylightSavingHavana(t *testing.T) {
	t.Parallel()
	havana := loadZone(t, "America/Havana")
	// America/Havana on Sun 2025-03-09: the clocks jumped from 00:00 to 01:00,
	// so Saturday ends (and Sunday starts) at 01:00 -04. Saturday 03-08 and
	// Sunday 03-09 are made working days here.
	c, err := calendar.New(havana, calendar.Year{Year: 2025, Days: []calendar.Day{
		{Date: "2025-03-08", IsOffDay: false},
		{Date: "2025-03-09", IsOffDay: false},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// #1 after Fri 03-07 is Sat 03-08; it ends when Sunday starts.
	got, err := c.Deadline(time.Date(2025, 3, 7, 10, 0, 0, 0, havana), 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 3, 9, 5, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Deadline = %v, want %v", got, want.In(havana))
	}
	if _, _, d := got.Add(-ns).In(havana).Date(); d != 8 {
		t.Errorf("the nanosecond before the deadline %v is not on Saturday", got)
	}
	// Sat noon (-05) to Mon noon (-04): 12h + a 23-hour Sunday + 12h.
	from, to := time.Date(2025, 3, 8, 12, 0, 0, 0, havana), time.Date(2025, 3, 10, 12, 0, 0, 0, havana)
	if wt, err := c.WorkingTime(from, to); err != nil || wt != 47*hour {
		t.Errorf("WorkingTime(%v, %v) = %v, %v; want 47h", from, to, wt, err)
	}
}
