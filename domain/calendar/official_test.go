package calendar

import (
	"errors"
	"testing"
	"time"
)

func TestOfficialLoad(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	years, err := DefaultYears()
	if err != nil || len(years) != 3 {
		t.Fatalf("default years: %d %v", len(years), err)
	}
	var o Official
	for _, y := range years {
		events, err := o.Load(y, now)
		if err != nil || len(events) != 1 {
			t.Fatalf("load %d: %v %v", y.Year, events, err)
		}
		if err := o.Apply(events[0]); err != nil {
			t.Fatal(err)
		}
	}
	// The same schedule again records nothing.
	if events, err := o.Load(years[1], now); err != nil || len(events) != 0 {
		t.Fatalf("reload: %v %v", events, err)
	}
	c, err := o.Calendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := Default(nil)
	if c.Version() != def.Version() {
		t.Fatalf("version %s, want the default's %s", c.Version(), def.Version())
	}
	// 2027 is not loaded: a deadline running into it is an explicit error.
	if _, err := c.Deadline(time.Date(2026, 12, 30, 10, 0, 0, 0, c.Location()), 7); !errors.Is(err, ErrNoSchedule) {
		t.Fatalf("deadline into 2027: %v", err)
	}
	y2027 := Year{Year: 2027, Notice: "test", Days: []Day{{Date: "2027-01-01", IsOffDay: true, Name: "元旦"}}}
	events, err := o.Load(y2027, now)
	if err != nil || len(events) != 1 {
		t.Fatalf("load 2027: %v %v", events, err)
	}
	if err := o.Apply(events[0]); err != nil {
		t.Fatal(err)
	}
	c2, err := o.Calendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Version() == c.Version() {
		t.Fatal("loading a year did not change the version")
	}
	// 2026-12-30 (Wed) + 7 working days, 2027-01-01 off: Dec 31, Jan 4-8, Jan 11.
	due, err := c2.Deadline(time.Date(2026, 12, 30, 10, 0, 0, 0, c2.Location()), 7)
	if err != nil || !due.Equal(time.Date(2027, 1, 12, 0, 0, 0, 0, c2.Location())) {
		t.Fatalf("deadline: %s %v", due, err)
	}
	// Invalid data is refused before it becomes an event.
	if _, err := o.Load(Year{Year: 2028, Days: []Day{{Date: "2028-01-03", IsOffDay: false}}}, now); !errors.Is(err, ErrInvalidSchedule) {
		t.Fatalf("invalid year: %v", err)
	}
	// A stored event decodes back.
	if _, err := DecodeYearLoaded(TypeYearLoaded, []byte(`{"schedule":{"year":2027,"days":[]},"at":"2026-11-24T09:00:00Z"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeYearLoaded("Other", nil); err == nil {
		t.Fatal("an unknown type decoded")
	}
}
