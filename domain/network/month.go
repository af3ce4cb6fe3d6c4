package network

import (
	"fmt"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// Month is a calendar month, written 2026-11.
type Month string

// ParseMonth reads a month written YYYY-MM, naming field in a refusal.
func ParseMonth(field, s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return "", domain.Invalid(field, "%q is not a month; write it as 2026-11", s)
	}
	return Month(t.Format("2006-01")), nil
}

// MonthOf is the month an instant falls in, in loc.
func MonthOf(t time.Time, loc *time.Location) Month {
	return Month(t.In(loc).Format("2006-01"))
}

// Start is the first instant of the month in loc.
func (m Month) Start(loc *time.Location) time.Time {
	t, err := time.ParseInLocation("2006-01", string(m), loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// End is the first instant of the next month in loc.
func (m Month) End(loc *time.Location) time.Time { return m.Start(loc).AddDate(0, 1, 0) }

// Next is the following month.
func (m Month) Next() Month {
	return Month(m.Start(time.UTC).AddDate(0, 1, 0).Format("2006-01"))
}

// Year is the month's year.
func (m Month) Year() int { return m.Start(time.UTC).Year() }

// Number is the month of the year, 1 to 12.
func (m Month) Number() int { return int(m.Start(time.UTC).Month()) }

// Policy is the configuration of the network's rules.
type Policy struct {
	// ReportDueDay is the day of the following month by whose end a
	// month's report is due (004 §三.二: the 5th).
	ReportDueDay int
	// PairTolerance is how far apart the two sides' times of one entry may
	// lie and still pair.
	PairTolerance time.Duration
	// FlagAfterDays is how many days an entry waits for the other side
	// before it is flagged.
	FlagAfterDays int
	// Loc is the zone months and days are counted in.
	Loc *time.Location
}

// DefaultPolicy is the seeds' rules: reports due by the 5th, entries
// paired within 12 hours and flagged after 7 days, in Beijing time.
func DefaultPolicy() Policy {
	return Policy{ReportDueDay: 5, PairTolerance: 12 * time.Hour, FlagAfterDays: 7, Loc: time.FixedZone("CST", 8*3600)}
}

// Validate refuses a policy the rules cannot work with.
func (p Policy) Validate() error {
	switch {
	case p.ReportDueDay < 1 || p.ReportDueDay > 28:
		return fmt.Errorf("network: the report due day must be from 1 to 28, not %d", p.ReportDueDay)
	case p.PairTolerance < time.Minute || p.PairTolerance > 30*24*time.Hour:
		return fmt.Errorf("network: the pairing tolerance must be from a minute to 30 days, not %s", p.PairTolerance)
	case p.FlagAfterDays < 1 || p.FlagAfterDays > 365:
		return fmt.Errorf("network: entries are flagged after 1 to 365 days, not %d", p.FlagAfterDays)
	case p.Loc == nil:
		return fmt.Errorf("network: no time zone")
	}
	return nil
}

// ReportDue is when a month's report falls due: the end of the due day of
// the following month.
func (p Policy) ReportDue(m Month) time.Time {
	return m.End(p.Loc).AddDate(0, 0, p.ReportDueDay)
}

// LastDueMonth is the latest month whose report has fallen due at now
// (the due instant itself counts as fallen due).
func (p Policy) LastDueMonth(now time.Time) Month {
	m := MonthOf(now, p.Loc)
	for range 3 {
		m = Month(m.Start(time.UTC).AddDate(0, -1, 0).Format("2006-01"))
		if !p.ReportDue(m).After(now) {
			return m
		}
	}
	return m
}

// FlagDue is when an entry recorded at registeredAt is flagged if the other
// side has not recorded it.
func (p Policy) FlagDue(registeredAt time.Time) time.Time {
	return registeredAt.AddDate(0, 0, p.FlagAfterDays)
}

// WithDefaults fills the fields left zero with DefaultPolicy's, and the
// zone with loc.
func (p Policy) WithDefaults(loc *time.Location) Policy {
	def := DefaultPolicy()
	if p.ReportDueDay == 0 {
		p.ReportDueDay = def.ReportDueDay
	}
	if p.PairTolerance == 0 {
		p.PairTolerance = def.PairTolerance
	}
	if p.FlagAfterDays == 0 {
		p.FlagAfterDays = def.FlagAfterDays
	}
	if p.Loc == nil {
		p.Loc = loc
	}
	if p.Loc == nil {
		p.Loc = def.Loc
	}
	return p
}
