package rating

import (
	"encoding/json"
	"fmt"
	"time"
)

// The ratings as events. Each way a grade reaches a score is an aggregate
// of its own in the log, with its method:
//
//   - a dealing rated by a monitoring point (即时测评): aggregate "rating",
//     its id derived from the point and the dealing's reference, so that a
//     dealing is rated once;
//   - a point's summary of a month for a unit (综合测评): "rating_summary",
//     its id derived from the point, the unit and the month;
//   - an inspection by the center's staff (明察暗访): "rating_inspection";
//   - the results of a sampling survey or an online vote (003):
//     "rating_survey";
//   - a central assessment session (集中测评): "rating_session", opened with
//     the units it assesses, then its ballots, then closed (only a closed
//     session's ballots count);
//   - a period and its closing: "rating_period", its id the period's text
//     form ("2026-11", "2026-Q4", "2026");
//   - the scheme book (the schemes adopted for each kind of unit):
//     "rating_schemes", one aggregate.
const (
	AggregateRating     = "rating"
	AggregateSummary    = "rating_summary"
	AggregateInspection = "rating_inspection"
	AggregateSurvey     = "rating_survey"
	AggregateSession    = "rating_session"
	AggregatePeriod     = "rating_period"
	AggregateSchemes    = "rating_schemes"
)

// SchemeBookID is the id of the one scheme book.
const SchemeBookID = "book"

// EventSchemaVersion is the version of the payload shapes of the rating
// events.
const EventSchemaVersion = 1

// Event types.
const (
	TypeDealingRated       = "DealingRated"
	TypeMonthSummarized    = "MonthSummarized"
	TypeInspectionRecorded = "InspectionRecorded"
	TypeSurveyRecorded     = "SurveyRecorded"
	TypeSessionOpened      = "AssessmentSessionOpened"
	TypeBallotsCast        = "BallotsCast"
	TypeSessionClosed      = "AssessmentSessionClosed"
	TypePeriodClosed       = "RatingPeriodClosed"
	TypeSchemeAdopted      = "SchemeAdopted"
)

// Event is one fact of the ratings.
type Event interface{ EventType() string }

// UnitRef names a rated unit and its kind, as resolved against the register
// when the sheet was recorded. The category is not kept: a ranking takes
// the category on the register when it is drawn up.
type UnitRef struct {
	ID   string   `json:"id"`
	Kind UnitKind `json:"kind"`
}

// Target is what a sheet rates: a registered department and, optionally,
// an office within it (a registered department whose parent it is) or one
// of its service windows, by name. Units are the rated units the sheet is
// credited to: the department, and the office or window when one is named.
type Target struct {
	DepartmentID string    `json:"departmentId"`
	OfficeID     string    `json:"officeId,omitempty"`
	Window       string    `json:"window,omitempty"`
	Units        []UnitRef `json:"units"`
}

// DealingRated is a monitoring point's rating of one dealing (一事一评议,
// 即时测评): when the dealing was (its day), what it was, the grades of the
// sheet (附表三) and a comment. PointID is kept for the one-rating rule and
// the center; a department never sees it.
type DealingRated struct {
	RatingID   string    `json:"ratingId"`
	PointID    string    `json:"pointId"`
	DealingRef string    `json:"dealingRef"`
	Target     Target    `json:"target"`
	Dealing    string    `json:"dealing"`
	Kind       string    `json:"kind"`
	DealtOn    string    `json:"dealtOn"`
	Month      Period    `json:"month"`
	Sheet      Sheet     `json:"sheet"`
	Comment    string    `json:"comment,omitempty"`
	At         time.Time `json:"at"`
}

// MonthSummarized is a point's summary grade of a unit for a month (综合
// 测评, 一月一报告).
type MonthSummarized struct {
	SummaryID string    `json:"summaryId"`
	PointID   string    `json:"pointId"`
	Target    Target    `json:"target"`
	Month     Period    `json:"month"`
	Sheet     Sheet     `json:"sheet"`
	Comment   string    `json:"comment,omitempty"`
	At        time.Time `json:"at"`
}

// InspectionRecorded is an inspection by the center's staff (明察暗访):
// its day, whether it was announced (明察) or not (暗访), what was found,
// the sheet, and the daily-check items it found (003 日常考查: person-times
// of breaches of the conduct rules at an amount each, lapses of daily work).
type InspectionRecorded struct {
	InspectionID    string    `json:"inspectionId"`
	Target          Target    `json:"target"`
	InspectedOn     string    `json:"inspectedOn"`
	Month           Period    `json:"month"`
	Mode            string    `json:"mode"`
	Findings        string    `json:"findings,omitempty"`
	Sheet           Sheet     `json:"sheet"`
	Violations      int       `json:"violations,omitempty"`
	ViolationAmount Number    `json:"violationAmount,omitzero"`
	Lapses          int       `json:"lapses,omitempty"`
	Inspector       string    `json:"inspector,omitempty"`
	At              time.Time `json:"at"`
}

// SurveyRecorded is the result of a sampling survey (抽样调查) or an online
// vote (网络投票) for a unit and a month, as counts per grade, with who ran
// it.
type SurveyRecorded struct {
	SurveyID string    `json:"surveyId"`
	Method   Method    `json:"method"`
	Target   Target    `json:"target"`
	Month    Period    `json:"month"`
	Tally    Tally     `json:"tally"`
	Source   string    `json:"source"`
	At       time.Time `json:"at"`
}

// SessionOpened opens a central assessment session (集中测评): its day,
// title, the groups of representatives taking part (重点项目代表, 人大代表,
// ...) and the units assessed.
type SessionOpened struct {
	SessionID string    `json:"sessionId"`
	HeldOn    string    `json:"heldOn"`
	Month     Period    `json:"month"`
	Title     string    `json:"title"`
	Groups    []string  `json:"groups"`
	Units     []Target  `json:"units"`
	At        time.Time `json:"at"`
}

// Ballot is one representative's paper: its number in the session, the
// group the representative belongs to and a grade for each unit assessed
// (by unit id; a unit left blank is not graded).
type Ballot struct {
	Number int              `json:"number"`
	Group  string           `json:"group"`
	Grades map[string]Grade `json:"grades"`
}

// BallotsCast records ballots of a session.
type BallotsCast struct {
	Ballots []Ballot  `json:"ballots"`
	At      time.Time `json:"at"`
}

// SessionClosed closes a session: its ballots count from then on, and no
// more are taken.
type SessionClosed struct {
	Ballots int       `json:"ballots"`
	At      time.Time `json:"at"`
}

// SchemeUse is the scheme a closed period scored one kind of unit with.
type SchemeUse struct {
	Kind   UnitKind `json:"kind"`
	Scheme Scheme   `json:"scheme"`
}

// Result is a unit's result as the closing fixed it: the exact total, the
// place in its category and what follows (002 §七).
type Result struct {
	UnitID    string  `json:"unitId"`
	Scored    bool    `json:"scored"`
	Total     Number  `json:"total"`
	Ranked    bool    `json:"ranked"`
	NotRanked string  `json:"notRanked,omitempty"`
	Place     int     `json:"place,omitempty"`
	Tied      bool    `json:"tied,omitempty"`
	Outcome   Outcome `json:"outcome"`
}

// PeriodClosed closes a period. It carries everything its scores and
// ranking are made of, so that nothing later (a changed scheme, a late
// sheet, a department moved to another category) moves them: the schemes
// used, each unit's input (its tallies per method and its deductions with
// their sources, and its category on the register then) and each unit's
// result. AsOf is the position in the log the inputs were read at: sheets
// of the period further on in the log are not counted.
type PeriodClosed struct {
	Period  Period       `json:"period"`
	AsOf    uint64       `json:"asOf"`
	Schemes []SchemeUse  `json:"schemes"`
	Inputs  []ScoreInput `json:"inputs"`
	Results []Result     `json:"results"`
	At      time.Time    `json:"at"`
}

// SchemeAdopted puts a scheme version in force for kinds of unit from now
// on; periods closed before keep the scheme they were scored with.
type SchemeAdopted struct {
	Scheme Scheme     `json:"scheme"`
	Kinds  []UnitKind `json:"kinds"`
	At     time.Time  `json:"at"`
}

func (DealingRated) EventType() string       { return TypeDealingRated }
func (MonthSummarized) EventType() string    { return TypeMonthSummarized }
func (InspectionRecorded) EventType() string { return TypeInspectionRecorded }
func (SurveyRecorded) EventType() string     { return TypeSurveyRecorded }
func (SessionOpened) EventType() string      { return TypeSessionOpened }
func (BallotsCast) EventType() string        { return TypeBallotsCast }
func (SessionClosed) EventType() string      { return TypeSessionClosed }
func (PeriodClosed) EventType() string       { return TypePeriodClosed }
func (SchemeAdopted) EventType() string      { return TypeSchemeAdopted }

var decoders = map[string]func([]byte) (Event, error){
	TypeDealingRated:       decodeAs[DealingRated],
	TypeMonthSummarized:    decodeAs[MonthSummarized],
	TypeInspectionRecorded: decodeAs[InspectionRecorded],
	TypeSurveyRecorded:     decodeAs[SurveyRecorded],
	TypeSessionOpened:      decodeAs[SessionOpened],
	TypeBallotsCast:        decodeAs[BallotsCast],
	TypeSessionClosed:      decodeAs[SessionClosed],
	TypePeriodClosed:       decodeAs[PeriodClosed],
	TypeSchemeAdopted:      decodeAs[SchemeAdopted],
}

func decodeAs[E Event](data []byte) (Event, error) {
	var e E
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, err
	}
	return e, nil
}

// Decode turns a stored payload back into its event.
func Decode(eventType string, data []byte) (Event, error) {
	dec, ok := decoders[eventType]
	if !ok {
		return nil, fmt.Errorf("rating: unknown event type %q", eventType)
	}
	e, err := dec(data)
	if err != nil {
		return nil, fmt.Errorf("rating: decode %s: %w", eventType, err)
	}
	return e, nil
}

// IsAggregate reports whether an aggregate type is one of the ratings'.
func IsAggregate(aggType string) bool {
	switch aggType {
	case AggregateRating, AggregateSummary, AggregateInspection, AggregateSurvey, AggregateSession, AggregatePeriod, AggregateSchemes:
		return true
	}
	return false
}
