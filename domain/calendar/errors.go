package calendar

import (
	"errors"
	"fmt"
)

// Sentinel errors; test for them with errors.Is.
var (
	// ErrNoSchedule is matched by every error about a date whose year has no
	// loaded schedule (see MissingYearError).
	ErrNoSchedule = errors.New("calendar: no working-day schedule loaded for year")

	// ErrInvalidSchedule is matched by every error about schedule data that
	// cannot be loaded (see ScheduleError).
	ErrInvalidSchedule = errors.New("calendar: invalid working-day schedule")

	// ErrInvalidArgument is matched by errors about arguments that make no
	// sense: a period of fewer than one working day, a negative duration, a
	// date that does not exist.
	ErrInvalidArgument = errors.New("calendar: invalid argument")
)

// MissingYearError reports that a computation needed a date in a year whose
// schedule is not loaded. It matches ErrNoSchedule.
type MissingYearError struct {
	Year int // the year without a schedule
}

// Error names the year.
func (e *MissingYearError) Error() string {
	return fmt.Sprintf("%s %d", ErrNoSchedule.Error(), e.Year)
}

// Unwrap returns ErrNoSchedule, so that errors.Is(err, ErrNoSchedule) holds.
func (e *MissingYearError) Unwrap() error { return ErrNoSchedule }

// ScheduleError reports schedule data that cannot be loaded, naming the year
// and, when one is at fault, the date. It matches ErrInvalidSchedule.
type ScheduleError struct {
	Year   int    // the year being loaded; 0 when the data names none
	Date   string // the offending date as written in the data, or "" when no single date is at fault
	Reason string // what is wrong, for a person
}

// Error names the year and the offending date.
func (e *ScheduleError) Error() string {
	msg := ErrInvalidSchedule.Error()
	if e.Year != 0 {
		msg += fmt.Sprintf(": year %d", e.Year)
	}
	if e.Date != "" {
		msg += fmt.Sprintf(": date %q", e.Date)
	}
	return msg + ": " + e.Reason
}

// Unwrap returns ErrInvalidSchedule, so that errors.Is(err,
// ErrInvalidSchedule) holds.
func (e *ScheduleError) Unwrap() error { return ErrInvalidSchedule }

func invalidArgument(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidArgument, fmt.Sprintf(format, args...))
}
