package calendar

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// The years a schedule may be given for. The bounds only catch typing
// mistakes (20266 for 2026) and keep a calendar's tables small.
const (
	minYear = 1970
	maxYear = 2199
)

// dateLayout is how dates are written in schedule data: 2026-02-14.
const dateLayout = "2006-01-02"

// Year is one year's official exceptions to the Monday–Friday working week,
// as published by the State Council; it is the shape of one entry of the
// reference file's "years". Dates not listed follow the ordinary week.
//
// A valid Year is between 1970 and 2199, lists at least one day (a year
// without exceptions is far more likely a mistake than a real schedule), and
// each of its days is valid (see Day) and listed once.
type Year struct {
	Year   int    `json:"year"`
	Notice string `json:"notice"` // the notice that published the schedule, for people
	Days   []Day  `json:"days"`
}

// Day is one exception in a Year.
//
// Date is written YYYY-MM-DD and lies in its Year. IsOffDay=true makes a
// weekday a rest day (a holiday or bridging day), so the date must be a
// Monday to Friday; IsOffDay=false makes a weekend day a make-up working day
// (调休上班), so the date must be a Saturday or Sunday.
type Day struct {
	Date     string `json:"date"`
	IsOffDay bool   `json:"isOffDay"`
	Name     string `json:"name"` // the holiday it belongs to, for people
}

// envelope is every top-level shape ParseYears accepts, in one struct, so
// that one strict decoding pass tells them apart.
type envelope struct {
	Description string `json:"description"`
	Years       []Year `json:"years"`
	Year        *int   `json:"year"`
	Notice      string `json:"notice"`
	Days        []Day  `json:"days"`
}

// ParseYears decodes and validates schedule data in JSON: the reference
// document ({"description": ..., "years": [Year, ...]}), a bare array of Year
// objects, or a single Year object. Unknown fields and trailing data are
// rejected; a leading UTF-8 byte order mark is ignored. The result is what
// the data says, validated as New validates it, in the order given. Every
// error matches ErrInvalidSchedule.
func ParseYears(data []byte) ([]Year, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // left by some editors
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()

	var years []Year
	if first := bytes.TrimLeft(data, " \t\r\n"); len(first) > 0 && first[0] == '[' {
		if err := dec.Decode(&years); err != nil {
			return nil, malformed(err)
		}
	} else {
		var env envelope
		if err := dec.Decode(&env); err != nil {
			return nil, malformed(err)
		}
		single := env.Year != nil || env.Notice != "" || env.Days != nil
		switch {
		case env.Years != nil && single:
			return nil, &ScheduleError{Reason: `data mixes a document ("years") with a single year ("year", "notice", "days")`}
		case single && env.Description != "":
			return nil, &ScheduleError{Reason: `a single year has no "description"`}
		case single && env.Year == nil:
			return nil, &ScheduleError{Reason: `a single year needs "year"`}
		case single:
			years = []Year{{Year: *env.Year, Notice: env.Notice, Days: env.Days}}
		default:
			years = env.Years
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ScheduleError{Reason: "unexpected data after the JSON value"}
	}
	if _, err := normalise(years); err != nil {
		return nil, err
	}
	return years, nil
}

func malformed(err error) error {
	return &ScheduleError{Reason: fmt.Sprintf("malformed JSON: %v", err)}
}

// normalise validates years and returns a deep copy sorted by year, each
// year's days sorted by date, so that equal schedules look equal whatever
// order they were given in.
func normalise(years []Year) ([]Year, error) {
	if len(years) == 0 {
		return nil, &ScheduleError{Reason: "no years given"}
	}
	out := make([]Year, 0, len(years))
	seen := make(map[int]bool, len(years))
	for _, y := range years {
		if seen[y.Year] {
			return nil, &ScheduleError{Year: y.Year, Reason: "year given more than once"}
		}
		seen[y.Year] = true
		n, err := normaliseYear(y)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b Year) int { return cmp.Compare(a.Year, b.Year) })
	return out, nil
}

// normaliseYear validates one year and returns a copy with its days sorted.
func normaliseYear(y Year) (Year, error) {
	if y.Year < minYear || y.Year > maxYear {
		return Year{}, &ScheduleError{Year: y.Year, Reason: fmt.Sprintf("year outside %d–%d", minYear, maxYear)}
	}
	if len(y.Days) == 0 {
		return Year{}, &ScheduleError{Year: y.Year, Reason: "no days listed; a year's schedule lists its holidays and make-up working days"}
	}
	seen := make(map[string]bool, len(y.Days))
	for _, d := range y.Days {
		if err := checkDay(y.Year, d); err != nil {
			return Year{}, err
		}
		if seen[d.Date] {
			return Year{}, &ScheduleError{Year: y.Year, Date: d.Date, Reason: "listed more than once"}
		}
		seen[d.Date] = true
	}
	out := Year{Year: y.Year, Notice: y.Notice, Days: slices.Clone(y.Days)}
	slices.SortFunc(out.Days, func(a, b Day) int { return cmp.Compare(a.Date, b.Date) })
	return out, nil
}

// checkDay validates one exception of the given year.
func checkDay(year int, d Day) error {
	t, err := time.Parse(dateLayout, d.Date)
	if err != nil {
		return &ScheduleError{Year: year, Date: d.Date, Reason: "not a date written YYYY-MM-DD"}
	}
	if t.Year() != year {
		return &ScheduleError{Year: year, Date: d.Date, Reason: fmt.Sprintf("not in year %d", year)}
	}
	weekend := t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
	switch {
	case d.IsOffDay && weekend:
		return &ScheduleError{Year: year, Date: d.Date, Reason: fmt.Sprintf("is a %s, but isOffDay=true (a holiday) must fall on a weekday", t.Weekday())}
	case !d.IsOffDay && !weekend:
		return &ScheduleError{Year: year, Date: d.Date, Reason: fmt.Sprintf("is a %s, but isOffDay=false (a make-up working day) must fall on a weekend", t.Weekday())}
	}
	return nil
}
