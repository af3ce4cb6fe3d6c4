package calendar

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"
)

// The official schedule is also an aggregate: each year's schedule is loaded
// by an event, so every replica and every rebuild computes deadlines with
// the schedules that were loaded at that point of the log.
const (
	// AggregateType names the schedule aggregate in the log.
	AggregateType = "calendar"
	// OfficialID is the id of the one official schedule.
	OfficialID = "official"
	// TypeYearLoaded is the type of its only event.
	TypeYearLoaded = "CalendarYearLoaded"
	// SchemaVersion is the version of the event's shape.
	SchemaVersion = 1
)

// YearLoaded records that a year's official schedule was loaded (or
// replaced: the latest load of a year wins).
type YearLoaded struct {
	Schedule Year      `json:"schedule"`
	At       time.Time `json:"at"`
}

// EventType names the event.
func (YearLoaded) EventType() string { return TypeYearLoaded }

// DecodeYearLoaded turns a stored payload back into its event.
func DecodeYearLoaded(eventType string, data []byte) (YearLoaded, error) {
	var e YearLoaded
	if eventType != TypeYearLoaded {
		return e, fmt.Errorf("calendar: unknown event type %q", eventType)
	}
	if err := json.Unmarshal(data, &e); err != nil {
		return e, fmt.Errorf("calendar: decode %s: %w", eventType, err)
	}
	return e, nil
}

// Official is the state of the official schedule: the years loaded so far.
type Official struct {
	Years []Year // sorted by year, normalised
}

// Apply records a loaded year.
func (o *Official) Apply(e YearLoaded) error {
	y, err := normaliseYear(e.Schedule)
	if err != nil {
		return err
	}
	o.Years = slices.DeleteFunc(o.Years, func(old Year) bool { return old.Year == y.Year })
	o.Years = append(o.Years, y)
	slices.SortFunc(o.Years, func(a, b Year) int { return a.Year - b.Year })
	return nil
}

// Load returns the event of loading a year's schedule; none when exactly
// that schedule is already loaded.
func (o *Official) Load(y Year, now time.Time) ([]YearLoaded, error) {
	n, err := normaliseYear(y)
	if err != nil {
		return nil, err
	}
	for _, old := range o.Years {
		if old.Year == n.Year && reflect.DeepEqual(old, n) {
			return nil, nil
		}
	}
	return []YearLoaded{{Schedule: n, At: now}}, nil
}

// Calendar is the working-day calendar of the loaded years in zone loc.
func (o *Official) Calendar(loc *time.Location) (*Calendar, error) {
	return New(loc, o.Years...)
}

// DefaultYears are the schedules shipped with the program (2024–2026).
func DefaultYears() ([]Year, error) {
	return ParseYears(officialSchedule)
}
