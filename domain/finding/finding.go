// Package finding is the trend finding of DESIGN §4: what a run of the
// detectors (domain/trend) found about one cell of the daily case counts,
// kept open and updated while the rise lasts, ended when no rule of its
// kind raises it any more, or dismissed by a supervisor with a reason.
//
// Each finding is an aggregate of its own. Its id is derived from its cell,
// its kind and the first day of its period (ID), so a run repeated on
// another replica or after a restart arrives at the same finding rather
// than a second one; and a run continues the open finding of a cell and
// kind instead of opening another (Raise).
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/trend"
)

// AggregateType names the finding aggregate in the log.
const AggregateType = "finding"

// SchemaVersion is the version of the payload shapes in this file.
const SchemaVersion = 1

// MaxCases bounds the case ids an event lists; CaseCount still counts them
// all.
const MaxCases = 500

// Event types.
const (
	TypeDetected  = "TrendDetected"
	TypeUpdated   = "TrendUpdated"
	TypeEnded     = "TrendEnded"
	TypeDismissed = "TrendDismissed"
)

// Status is where a finding stands.
type Status string

// The statuses.
const (
	StatusOpen      Status = "open"      // raised, and raised again within the configured days
	StatusEnded     Status = "ended"     // no rule of its kind raised it for longer than that
	StatusDismissed Status = "dismissed" // a supervisor set it aside, with a reason
)

// ID is the id of the finding of a cell and kind whose period starts on
// from: "tf-" and 24 hexadecimal digits of a SHA-256 of the three.
func ID(c Cell, kind trend.Kind, from trend.Date) string {
	sum := sha256.Sum256([]byte(c.Key() + "\x1e" + string(kind) + "\x1e" + from.String()))
	return "tf-" + hex.EncodeToString(sum[:12])
}

// ValidID reports whether id has the shape ID gives.
func ValidID(id string) bool {
	h, ok := strings.CutPrefix(id, "tf-")
	if !ok || len(h) != 24 {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil && strings.ToLower(h) == h
}

// Signal is what one rule found on one cell: the trend package's Finding
// with the cell it was raised on.
type Signal struct {
	Cell      Cell            `json:"cell"`
	Kind      trend.Kind      `json:"kind"`
	Method    trend.Method    `json:"method"`
	Severity  trend.Severity  `json:"severity"`
	From      trend.Date      `json:"from"`
	To        trend.Date      `json:"to"`
	Statistic float64         `json:"statistic"`
	PValue    *float64        `json:"pValue,omitempty"`
	Threshold float64         `json:"threshold"`
	Observed  float64         `json:"observed"`
	Expected  float64         `json:"expected"`
	Sources   trend.Dimension `json:"sources,omitempty"` // for the widespread rule: what the distinct sources are
}

// SignalOf is a detector's finding on a cell.
func SignalOf(c Cell, f trend.Finding) Signal {
	return Signal{Cell: c, Kind: f.Kind, Method: f.Method, Severity: f.Severity, From: f.From, To: f.To,
		Statistic: f.Statistic, PValue: f.PValue, Threshold: f.Threshold, Observed: f.Observed, Expected: f.Expected,
		Sources: f.Dimension}
}

func (s Signal) equal(o Signal) bool {
	if (s.PValue == nil) != (o.PValue == nil) || s.PValue != nil && *s.PValue != *o.PValue {
		return false
	}
	s.PValue, o.PValue = nil, nil
	return s == o
}

// Observation is what a run saw of a finding on the day it tested: the
// rule that raised it (Signal), the other rules and cells that saw the
// same cases (Corroborating), the period and the cases behind it.
type Observation struct {
	Day           trend.Date `json:"day"` // the day the run tested
	Signal        Signal     `json:"signal"`
	Corroborating []Signal   `json:"corroborating,omitempty"`
	From          trend.Date `json:"from"`
	To            trend.Date `json:"to"`
	Cases         []string   `json:"cases"`     // sorted; at most MaxCases
	CaseCount     int        `json:"caseCount"` // all the cases, also those past MaxCases
}

// Event is one fact in a finding's history.
type Event interface{ EventType() string }

// Detected opens a finding (TrendDetected): its kind and cell, the rule
// that raised it and what it measured, the period and the cases behind it.
type Detected struct {
	ID   string     `json:"id"`
	Kind trend.Kind `json:"kind"`
	Cell Cell       `json:"cell"`
	Observation
	At time.Time `json:"at"`
}

// Updated is a later run raising the open finding again: what it now
// measures, over a period that may have grown, and the cases now behind it.
type Updated struct {
	Observation
	At time.Time `json:"at"`
}

// Ended closes a finding that no rule of its kind raised for more than the
// configured days: it is no longer supported.
type Ended struct {
	Day        trend.Date `json:"day"`        // the day the run tested
	LastRaised trend.Date `json:"lastRaised"` // the last day a rule raised it
	At         time.Time  `json:"at"`
}

// Dismissed sets a finding aside: a supervisor judged it not to be a trend.
type Dismissed struct {
	Reason string    `json:"reason"`
	By     string    `json:"by"` // the supervisor's principal
	At     time.Time `json:"at"`
}

func (Detected) EventType() string  { return TypeDetected }
func (Updated) EventType() string   { return TypeUpdated }
func (Ended) EventType() string     { return TypeEnded }
func (Dismissed) EventType() string { return TypeDismissed }

// Decode turns a stored payload back into its event.
func Decode(eventType string, data []byte) (Event, error) {
	var (
		e   Event
		err error
	)
	switch eventType {
	case TypeDetected:
		var v Detected
		err = json.Unmarshal(data, &v)
		e = v
	case TypeUpdated:
		var v Updated
		err = json.Unmarshal(data, &v)
		e = v
	case TypeEnded:
		var v Ended
		err = json.Unmarshal(data, &v)
		e = v
	case TypeDismissed:
		var v Dismissed
		err = json.Unmarshal(data, &v)
		e = v
	default:
		return nil, fmt.Errorf("finding: unknown event type %q", eventType)
	}
	if err != nil {
		return nil, fmt.Errorf("finding: decode %s: %w", eventType, err)
	}
	return e, nil
}

// Finding is the state of one finding.
type Finding struct {
	ID            string     `json:"id"`
	Kind          trend.Kind `json:"kind"`
	Cell          Cell       `json:"cell"`
	Status        Status     `json:"status"`
	Signal        Signal     `json:"signal"`
	Corroborating []Signal   `json:"corroborating,omitempty"`
	From          trend.Date `json:"from"`
	To            trend.Date `json:"to"`
	// LastRaised is the last day a run found the finding's cases again.
	LastRaised    trend.Date `json:"lastRaised"`
	Raises        int        `json:"raises"` // runs that raised it
	Cases         []string   `json:"cases"`
	CaseCount     int        `json:"caseCount"`
	DetectedAt    time.Time  `json:"detectedAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
	EndedAt       *time.Time `json:"endedAt,omitempty"`
	DismissedAt   *time.Time `json:"dismissedAt,omitempty"`
	DismissReason string     `json:"dismissReason,omitempty"`
	DismissedBy   string     `json:"dismissedBy,omitempty"`
	Version       int        `json:"version"`
}

// Apply moves the finding by one recorded event.
func (f *Finding) Apply(e Event) error {
	if f.Version == 0 && e.EventType() != TypeDetected {
		return fmt.Errorf("finding: %s before detection", e.EventType())
	}
	switch e := e.(type) {
	case Detected:
		if f.Version != 0 {
			return fmt.Errorf("finding %s detected twice", f.ID)
		}
		*f = Finding{ID: e.ID, Kind: e.Kind, Cell: e.Cell, Status: StatusOpen, DetectedAt: e.At}
		f.observe(e.Observation, e.At)
	case Updated:
		f.observe(e.Observation, e.At)
	case Ended:
		at := e.At
		f.Status, f.EndedAt, f.UpdatedAt = StatusEnded, &at, e.At
	case Dismissed:
		at := e.At
		f.Status, f.DismissedAt, f.DismissReason, f.DismissedBy, f.UpdatedAt = StatusDismissed, &at, e.Reason, e.By, e.At
	default:
		return fmt.Errorf("finding: cannot apply %T", e)
	}
	f.Version++
	return nil
}

func (f *Finding) observe(o Observation, at time.Time) {
	f.Signal, f.Corroborating = o.Signal, o.Corroborating
	if f.Raises == 0 || o.From < f.From {
		f.From = o.From
	}
	f.To = max(f.To, o.To)
	f.LastRaised = max(f.LastRaised, o.Day)
	f.Cases, f.CaseCount = o.Cases, o.CaseCount
	f.Raises++
	f.UpdatedAt = at
}

// Detect returns the events of a run that found the cases of o on the
// finding's cell and kind, for the finding with this id: opening it when
// it is new, continuing it when it is open (see Raise), and nothing when
// it has ended or was dismissed (a new period gets a new id).
func (f *Finding) Detect(id string, kind trend.Kind, c Cell, o Observation, now time.Time) ([]Event, error) {
	if f.Version != 0 {
		return f.Raise(o, now)
	}
	if err := validObservation(o); err != nil {
		return nil, err
	}
	if !c.Dimension.Known() {
		return nil, domain.Invalid("cell", "%q is not a dimension of the counts", c.Dimension)
	}
	return []Event{Detected{ID: id, Kind: kind, Cell: c, Observation: normalised(o), At: now}}, nil
}

// Raise returns the events of a run that found the open finding's cases
// again: an update when what it saw differs from what the finding holds,
// nothing when it is the same, when the run tested an earlier day than the
// last raise, or when the finding is no longer open.
func (f *Finding) Raise(o Observation, now time.Time) ([]Event, error) {
	if f.Version == 0 {
		return nil, domain.NotFound("id", "no such finding")
	}
	if f.Status != StatusOpen || o.Day < f.LastRaised {
		return nil, nil
	}
	if err := validObservation(o); err != nil {
		return nil, err
	}
	o = normalised(o)
	if o.Day == f.LastRaised && f.same(o) {
		return nil, nil
	}
	return []Event{Updated{Observation: o, At: now}}, nil
}

func (f *Finding) same(o Observation) bool {
	return f.Signal.equal(o.Signal) && slices.EqualFunc(f.Corroborating, o.Corroborating, Signal.equal) &&
		f.To >= o.To && f.From <= o.From && slices.Equal(f.Cases, o.Cases) && f.CaseCount == o.CaseCount
}

// Lapsed reports whether an open finding last raised more than endAfter
// days before day is no longer supported.
func (f *Finding) Lapsed(day trend.Date, endAfter int) bool {
	return f.Status == StatusOpen && int(day-f.LastRaised) > endAfter
}

// End returns the event that ends an open finding no rule raised for more
// than endAfter days before day (the trend package's EndAfter rule), and
// nothing otherwise.
func (f *Finding) End(day trend.Date, endAfter int, now time.Time) ([]Event, error) {
	if f.Version == 0 {
		return nil, domain.NotFound("id", "no such finding")
	}
	if !f.Lapsed(day, endAfter) {
		return nil, nil
	}
	return []Event{Ended{Day: day, LastRaised: f.LastRaised, At: now}}, nil
}

// MaxReason bounds a dismissal's reason, in characters.
const MaxReason = 500

// Dismiss returns the event of a supervisor setting the finding aside.
func (f *Finding) Dismiss(reason, by string, now time.Time) ([]Event, error) {
	if f.Version == 0 {
		return nil, domain.NotFound("id", "no such finding")
	}
	if f.Status == StatusDismissed {
		return nil, domain.StateConflict("finding %s was already dismissed", f.ID)
	}
	r, err := text("reason", reason, MaxReason)
	if err != nil {
		return nil, err
	}
	return []Event{Dismissed{Reason: r, By: by, At: now}}, nil
}

func validObservation(o Observation) error {
	switch {
	case o.From > o.To || o.To > o.Day:
		return domain.Invalid("period", "the period %s to %s does not end by the tested day %s", o.From, o.To, o.Day)
	case len(o.Cases) == 0:
		return domain.Invalid("cases", "a finding needs the cases behind it")
	case o.CaseCount < len(o.Cases):
		return domain.Invalid("caseCount", "counts fewer cases than it lists")
	}
	return nil
}

// normalised sorts the cases and keeps at most MaxCases of them.
func normalised(o Observation) Observation {
	cases := slices.Clone(o.Cases)
	slices.Sort(cases)
	cases = slices.Compact(cases)
	if len(cases) > MaxCases {
		cases = cases[:MaxCases]
	}
	o.Cases = cases
	o.CaseCount = max(o.CaseCount, len(cases))
	return o
}

func text(field, v string, max int) (string, error) {
	if !utf8.ValidString(v) {
		return "", domain.Invalid(field, "is not valid UTF-8")
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", domain.Invalid(field, "is required")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return "", domain.Invalid(field, "is %d characters long; at most %d are allowed", n, max)
	}
	return v, nil
}
