package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/eventstore"
)

// CalendarYears keeps proj.calendar_years, the loaded official schedules.
// It is inline and runs before the projections that compute deadlines, so
// they see the schedules loaded up to their own position in the log.
type CalendarYears struct{}

// Name implements Projection.
func (CalendarYears) Name() string { return "calendar_years" }

// Apply implements Projection.
func (CalendarYears) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	for _, e := range events {
		if e.AggregateType != calendar.AggregateType {
			continue
		}
		ev, err := calendar.DecodeYearLoaded(e.Type, e.Data)
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		schedule, err := json.Marshal(ev.Schedule)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO calendar_years (year, schedule, loaded_at, seq) VALUES ($1, $2, $3, $4)
			ON CONFLICT (year) DO UPDATE SET schedule = EXCLUDED.schedule, loaded_at = EXCLUDED.loaded_at, seq = EXCLUDED.seq`,
			ev.Schedule.Year, schedule, ev.At, int64(e.Seq)); err != nil {
			return err
		}
	}
	return nil
}

// LoadedCalendar is the calendar of the loaded schedules and the position
// of the latest load.
type LoadedCalendar struct {
	Calendar *calendar.Calendar // nil when no schedule is loaded
	Seq      uint64
	LoadedAt map[int]time.Time
	Notices  map[int]string
}

// readCalendar builds the calendar from a calendar_years table: the one on
// the search path inside a projection, or the live one for queries.
func readCalendar(ctx context.Context, q eventstore.Querier, table string, loc *time.Location) (LoadedCalendar, error) {
	rows, err := q.Query(ctx, `SELECT schedule, loaded_at, seq FROM `+table+` ORDER BY year`)
	if err != nil {
		return LoadedCalendar{}, eventstore.Database("projections: read calendar", err)
	}
	defer rows.Close()
	var (
		years []calendar.Year
		out   = LoadedCalendar{LoadedAt: map[int]time.Time{}, Notices: map[int]string{}}
	)
	for rows.Next() {
		var (
			raw []byte
			at  time.Time
			seq int64
			y   calendar.Year
		)
		if err := rows.Scan(&raw, &at, &seq); err != nil {
			return out, err
		}
		if err := json.Unmarshal(raw, &y); err != nil {
			return out, eventstore.Database("projections: calendar year", err)
		}
		years = append(years, y)
		out.LoadedAt[y.Year] = at
		out.Notices[y.Year] = y.Notice
		out.Seq = max(out.Seq, uint64(seq))
	}
	if err := rows.Err(); err != nil {
		return out, eventstore.Database("projections: read calendar", err)
	}
	if len(years) == 0 {
		return out, nil
	}
	out.Calendar, err = calendar.New(loc, years...)
	return out, err
}

// ReadCalendar reads the live calendar.
func ReadCalendar(ctx context.Context, q eventstore.Querier, loc *time.Location) (LoadedCalendar, error) {
	return readCalendar(ctx, q, Schema+".calendar_years", loc)
}
