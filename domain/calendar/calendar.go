package calendar

import (
	"cmp"
	"crypto/sha256"
	_ "embed" // for the official schedule
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// DefaultZone is the time zone in which the official schedule is kept, used
// when no other zone is given.
const DefaultZone = "Asia/Shanghai"

// officialSchedule is the State Council schedule for 2024–2026, a copy of
// the project's reference file.
//
//go:embed data/cn-2024-2026.json
var officialSchedule []byte

// Calendar knows which days are working days in the years whose schedules
// it holds, and counts working days and working time in one time zone.
//
// A Calendar is immutable and safe for concurrent use; use New, Default or
// Calendar.With to make one (the zero Calendar is not usable). Its methods report a *MissingYearError for any
// date they need whose year is not loaded.
type Calendar struct {
	loc     *time.Location
	years   []Year // normalised (see normalise) and never modified
	first   int    // day number of 1 January of the earliest loaded year
	days    int    // number of days from first to the end of the latest loaded year
	loaded  bitset // bit i: the schedule of day first+i is loaded
	working bitset // bit i: day first+i is a working day (implies loaded)
	version string
}

// Default returns a calendar holding the embedded official schedule for
// 2024–2026, in the zone loc (DefaultZone when loc is nil). It parses the
// embedded data on every call: keep the result.
func Default(loc *time.Location) (*Calendar, error) {
	years, err := ParseYears(officialSchedule)
	if err != nil {
		return nil, fmt.Errorf("calendar: embedded schedule: %w", err)
	}
	return New(loc, years...)
}

// New returns a calendar holding the given years' schedules, in the zone loc
// (DefaultZone when loc is nil). It fails with an error matching
// ErrInvalidSchedule if no year is given, a year is given twice, or a year
// is not valid (see Year and Day). The years are copied.
func New(loc *time.Location, years ...Year) (*Calendar, error) {
	norm, err := normalise(years)
	if err != nil {
		return nil, err
	}
	if loc == nil {
		loc = defaultLocation()
	}
	return build(loc, norm), nil
}

// With returns a new calendar in c's zone holding c's years and the given
// ones, a given year replacing c's schedule for the same year. c is left as
// it was. The years are validated as by New; with no years, With returns c.
func (c *Calendar) With(years ...Year) (*Calendar, error) {
	if len(years) == 0 {
		return c, nil
	}
	added, err := normalise(years)
	if err != nil {
		return nil, err
	}
	merged := slices.DeleteFunc(slices.Clone(c.years), func(y Year) bool {
		return slices.ContainsFunc(added, func(a Year) bool { return a.Year == y.Year })
	})
	merged = append(merged, added...)
	slices.SortFunc(merged, func(a, b Year) int { return cmp.Compare(a.Year, b.Year) })
	return build(c.loc, merged), nil
}

// Version identifies the schedule data c holds: the first 12 hexadecimal
// digits of a SHA-256 digest over the normalised years (sorted by year, days
// sorted by date, notices and names included). Calendars holding the same
// data have the same version whatever order it was loaded in; any change to
// the data changes it. The zone is not part of it.
func (c *Calendar) Version() string { return c.version }

// Years returns the years whose schedules c holds, in increasing order.
func (c *Calendar) Years() []int {
	out := make([]int, len(c.years))
	for i, y := range c.years {
		out[i] = y.Year
	}
	return out
}

// Location returns the zone in which c reads instants.
func (c *Calendar) Location() *time.Location { return c.loc }

// build makes a calendar from validated, sorted years.
func build(loc *time.Location, years []Year) *Calendar {
	first := dayNumber(years[0].Year, time.January, 1)
	size := dayNumber(years[len(years)-1].Year+1, time.January, 1) - first
	c := &Calendar{
		loc:     loc,
		years:   years,
		first:   first,
		days:    size,
		loaded:  newBitset(size),
		working: newBitset(size),
		version: version(years),
	}
	for _, y := range years {
		end := dayNumber(y.Year+1, time.January, 1)
		for n := dayNumber(y.Year, time.January, 1); n < end; n++ {
			c.loaded.set(n - first)
			if wd := weekday(n); wd != time.Saturday && wd != time.Sunday {
				c.working.set(n - first)
			}
		}
		for _, d := range y.Days {
			t, _ := time.Parse(dateLayout, d.Date) // validated by normalise
			i := dayNumber(t.Date()) - first
			if d.IsOffDay {
				c.working.clear(i)
			} else {
				c.working.set(i)
			}
		}
	}
	return c
}

// version digests normalised years; see Calendar.Version.
func version(years []Year) string {
	data, err := json.Marshal(years)
	if err != nil {
		panic("calendar: cannot encode years: " + err.Error()) // plain structs always encode
	}
	sum := sha256.Sum256(append([]byte("watchpost calendar v1\n"), data...))
	return hex.EncodeToString(sum[:6])
}

// defaultLocation loads DefaultZone. Without the system's zone database it
// falls back to China Standard Time as a fixed UTC+8, which is exact from
// 1992 on: China has not observed daylight saving time since 1991.
func defaultLocation() *time.Location {
	if loc, err := time.LoadLocation(DefaultZone); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}
