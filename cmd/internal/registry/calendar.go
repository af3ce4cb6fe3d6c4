package registry

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Calendars serves the official working-day calendar as the read models
// hold it, rebuilt only when a schedule is loaded.
type Calendars struct {
	run  *command.Runner
	pool querier
	loc  *time.Location

	mu      sync.Mutex
	cached  projections.LoadedCalendar
	checked time.Time // when the cached calendar was last known current
}

// freshFor is how long a cached calendar or classification is used without
// asking the database whether it changed: a schedule loaded on another
// replica is seen within that time, one loaded here at once.
const freshFor = time.Second

// querier is the pool as the calendar needs it.
type querier = eventstore.Querier

// NewCalendars returns the calendar service.
func NewCalendars(run *command.Runner, pool querier, loc *time.Location) *Calendars {
	return &Calendars{run: run, pool: pool, loc: loc}
}

// Current returns the calendar of the schedules loaded so far.
func (c *Calendars) Current(ctx context.Context) (projections.LoadedCalendar, error) {
	c.mu.Lock()
	if c.cached.Calendar != nil && time.Since(c.checked) < freshFor {
		defer c.mu.Unlock()
		return c.cached, nil
	}
	c.mu.Unlock()
	// The latest load's position is cheap to read; the calendar is rebuilt
	// only when it moved.
	rows, err := c.pool.Query(ctx, `SELECT coalesce(max(seq), 0) FROM proj.calendar_years`)
	if err != nil {
		return projections.LoadedCalendar{}, fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
	}
	var seq int64
	for rows.Next() {
		if err := rows.Scan(&seq); err != nil {
			rows.Close()
			return projections.LoadedCalendar{}, err
		}
	}
	rows.Close()
	c.mu.Lock()
	cached := c.cached
	if cached.Calendar != nil && cached.Seq == uint64(seq) {
		c.checked = time.Now()
		c.mu.Unlock()
		return cached, nil
	}
	c.mu.Unlock()
	fresh, err := projections.ReadCalendar(ctx, c.pool, c.loc)
	if err != nil {
		return fresh, err
	}
	if fresh.Calendar == nil {
		return fresh, domain.StateConflict("no working-day schedule is loaded; load one with watchpost calendar load")
	}
	c.mu.Lock()
	c.cached, c.checked = fresh, time.Now()
	c.mu.Unlock()
	return fresh, nil
}

// Load loads (or replaces) a year's official schedule.
//
// Who: administrators.
func (c *Calendars) Load(ctx context.Context, p access.Principal, meta eventstore.Metadata, y calendar.Year) (eventstore.Result, error) {
	if err := access.Permit(p, access.ManageCalendar); err != nil {
		return eventstore.Result{}, err
	}
	res, err := c.load(ctx, meta, y, false)
	if err != nil {
		return res, err
	}
	err = c.run.Settle(ctx, res.LastSeq)
	c.mu.Lock()
	c.checked = time.Time{} // look again at the next read
	c.mu.Unlock()
	return res, err
}

// Seed loads the schedules shipped with the program for the years the log
// has none of. Every replica may call it at start: the command ids are
// fixed, so each year is loaded once.
func (c *Calendars) Seed(ctx context.Context) error {
	years, err := calendar.DefaultYears()
	if err != nil {
		return err
	}
	for _, y := range years {
		meta := eventstore.Metadata{Actor: "system", ActorRole: "system", CommandID: fmt.Sprintf("calendar-seed-%d", y.Year)}
		if _, err := c.load(ctx, meta, y, true); err != nil {
			return fmt.Errorf("seed the %d schedule: %w", y.Year, err)
		}
	}
	return nil
}

// load appends a year's schedule; with keep, a year already loaded stays
// as it is.
func (c *Calendars) load(ctx context.Context, meta eventstore.Metadata, y calendar.Year, keep bool) (eventstore.Result, error) {
	return c.run.Execute(ctx, "load_calendar_year", calendar.AggregateType, calendar.OfficialID, meta,
		func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
			var o calendar.Official
			if err := command.Fold(history, calendar.DecodeYearLoaded, o.Apply); err != nil {
				return nil, err
			}
			if keep && slices.ContainsFunc(o.Years, func(have calendar.Year) bool { return have.Year == y.Year }) {
				return nil, nil
			}
			events, err := o.Load(y, now)
			if err != nil {
				return nil, domain.Invalid("schedule", "%v", err)
			}
			return command.Encode(events, calendar.SchemaVersion, now)
		})
}
