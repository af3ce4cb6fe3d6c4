package calendar_test

import (
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zone database

	"github.com/watchpost/watchpost/domain/calendar"
)

// chinaTime is UTC+8, which is what Asia/Shanghai is throughout 2024–2027.
// Expected instants are written in it; they compare Equal to the same
// instants in the calendar's own Asia/Shanghai location.
var chinaTime = time.FixedZone("UTC+8", 8*60*60)

// at returns the wall-clock time hh:mm on y-m-d in China.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, chinaTime)
}

// midnight returns 00:00 on y-m-d in China, the instant that ends the day
// before it.
func midnight(y int, m time.Month, d int) time.Time { return at(y, m, d, 0, 0) }

// official returns the calendar holding the embedded official schedule, in
// Asia/Shanghai.
func official(t testing.TB) *calendar.Calendar {
	t.Helper()
	c, err := calendar.Default(nil)
	if err != nil {
		t.Fatalf("Default(nil): %v", err)
	}
	return c
}

// loadZone loads a zone from the embedded zone database.
func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// year2027 is a made-up schedule for 2027 (not yet published when this was
// written), standing in for the one an administrator will load: 1 January
// 2027, a Friday, is a holiday.
func year2027() calendar.Year {
	return calendar.Year{
		Year:   2027,
		Notice: "test fixture",
		Days:   []calendar.Day{{Date: "2027-01-01", IsOffDay: true, Name: "元旦"}},
	}
}

// wantMissingYear fails t unless err reports that year's schedule as missing,
// both as a *MissingYearError matching ErrNoSchedule and in its message.
func wantMissingYear(t testing.TB, err error, year int) {
	t.Helper()
	if !errors.Is(err, calendar.ErrNoSchedule) {
		t.Fatalf("error = %v, want one matching ErrNoSchedule", err)
	}
	var missing *calendar.MissingYearError
	if !errors.As(err, &missing) || missing.Year != year {
		t.Fatalf("error = %#v, want *MissingYearError{Year: %d}", err, year)
	}
	if !strings.Contains(err.Error(), strconv.Itoa(year)) {
		t.Fatalf("error %q does not name the year %d", err, year)
	}
}

// oracle answers the same questions as a Calendar in the slowest, most
// obvious way, from the reference data read independently of ParseYears:
// one day at a time, with time.Time arithmetic.
type oracle struct {
	exceptions map[string]bool // date → isOffDay
	firstYear  int
	lastYear   int
	loc        *time.Location
}

// errOracleNoData reports that the oracle needed a day outside its data.
var errOracleNoData = errors.New("oracle: no data")

func newOracle(t testing.TB) *oracle {
	t.Helper()
	raw := mustReadReference(t)
	var doc struct {
		Years []struct {
			Year int `json:"year"`
			Days []struct {
				Date     string `json:"date"`
				IsOffDay bool   `json:"isOffDay"`
			} `json:"days"`
		} `json:"years"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	o := &oracle{exceptions: map[string]bool{}, firstYear: 2024, lastYear: 2026, loc: loadZone(t, "Asia/Shanghai")}
	for _, y := range doc.Years {
		for _, d := range y.Days {
			o.exceptions[d.Date] = d.IsOffDay
		}
	}
	return o
}

// day returns local midnight of t's date: the day as a time.Time.
func (o *oracle) day(t time.Time) time.Time {
	y, m, d := t.In(o.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, o.loc)
}

func (o *oracle) isWorkday(day time.Time) (bool, error) {
	if day.Year() < o.firstYear || day.Year() > o.lastYear {
		return false, errOracleNoData
	}
	if off, ok := o.exceptions[day.Format("2006-01-02")]; ok {
		return !off, nil
	}
	return day.Weekday() != time.Saturday && day.Weekday() != time.Sunday, nil
}

func (o *oracle) deadline(start time.Time, n int) (time.Time, error) {
	day := o.day(start)
	for counted := 0; counted < n; {
		day = day.AddDate(0, 0, 1)
		ok, err := o.isWorkday(day)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			counted++
		}
	}
	return day.AddDate(0, 0, 1), nil
}

// workdays counts working days from the day of a to the day of b, both
// included.
func (o *oracle) workdays(a, b time.Time) (int, error) {
	n := 0
	for day := o.day(a); !day.After(o.day(b)); day = day.AddDate(0, 0, 1) {
		ok, err := o.isWorkday(day)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

func (o *oracle) workingTime(from, to time.Time) (time.Duration, error) {
	var total time.Duration
	for day := o.day(from); day.Before(to); day = day.AddDate(0, 0, 1) {
		ok, err := o.isWorkday(day)
		if err != nil {
			return 0, err
		}
		lo, hi := day, day.AddDate(0, 0, 1)
		if lo.Before(from) {
			lo = from
		}
		if hi.After(to) {
			hi = to
		}
		if ok && hi.After(lo) {
			total += hi.Sub(lo)
		}
	}
	return total, nil
}

// mustReadReference returns the package's copy of the reference data.
func mustReadReference(t testing.TB) []byte {
	t.Helper()
	raw, err := os.ReadFile("data/cn-2024-2026.json")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
