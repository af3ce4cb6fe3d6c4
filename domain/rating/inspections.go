package rating

import (
	"fmt"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// The decisions of what the center's staff record: inspections (明察暗访)
// and the results of surveys and online votes (003).

// RecordInspection is an inspection of a unit.
type RecordInspection struct {
	ID          string
	Target      Target
	InspectedOn string // YYYY-MM-DD in the service's zone
	Mode        string
	Findings    string
	Sheet       Sheet
	// Violations are person-times of breaches of the conduct rules found,
	// each costing ViolationAmount under a scheme with daily checks (003:
	// 0.5 to 1); Lapses are times daily work fell short (003: 0.1 each).
	Violations      int
	ViolationAmount Number
	Lapses          int
	Inspector       string
}

// The bounds of an inspection's daily-check items.
const maxItems = 1000

// Violation amounts are bounded by the 003 rule whatever scheme is in
// force when the inspection is recorded: a scheme priced differently
// prices its own range when a period is scored (Fit leaves out an amount
// outside it).
var (
	minViolation = Frac(1, 2)
	maxViolation = Int(1)
)

// Inspection is the state of one inspection.
type Inspection struct {
	Version  int                `json:"version"`
	Recorded InspectionRecorded `json:"recorded"`
}

// Apply moves the inspection by one recorded event.
func (i *Inspection) Apply(e Event) error {
	switch e := e.(type) {
	case InspectionRecorded:
		if i.Version != 0 {
			return fmt.Errorf("inspection %s: recorded twice", e.InspectionID)
		}
		i.Recorded = e
	default:
		return fmt.Errorf("inspection: cannot apply %T", e)
	}
	i.Version++
	return nil
}

// Record returns the events of recording an inspection.
func (i *Inspection) Record(cmd RecordInspection, closed []Period, loc *time.Location, now time.Time) ([]Event, error) {
	if i.Version != 0 {
		return nil, domain.StateConflict("inspection %s is already recorded", i.Recorded.InspectionID)
	}
	switch cmd.Mode {
	case InspectionOvert, InspectionCovert:
	case "":
		return nil, domain.Invalid("mode", "is required: overt (明察) or covert (暗访)")
	default:
		return nil, domain.Invalid("mode", "%q is not a mode: overt or covert", cmd.Mode)
	}
	day, err := pastDay("inspectedOn", cmd.InspectedOn, loc, now)
	if err != nil {
		return nil, err
	}
	month, err := AdmitRating(day, loc, closed)
	if err != nil {
		return nil, err
	}
	findings, err := cleanText("findings", cmd.Findings, 2000, true)
	if err != nil {
		return nil, err
	}
	sheet, err := validSheet(cmd.Sheet)
	if err != nil {
		return nil, err
	}
	if cmd.Violations < 0 || cmd.Violations > maxItems {
		return nil, domain.Invalid("violations", "must be 0 to %d (got %d)", maxItems, cmd.Violations)
	}
	if cmd.Lapses < 0 || cmd.Lapses > maxItems {
		return nil, domain.Invalid("lapses", "must be 0 to %d (got %d)", maxItems, cmd.Lapses)
	}
	amount := cmd.ViolationAmount
	switch {
	case cmd.Violations == 0 && !amount.IsZero():
		return nil, domain.Invalid("violationAmount", "is given only with violations")
	case cmd.Violations > 0 && (amount.Cmp(minViolation) < 0 || amount.Cmp(maxViolation) > 0):
		return nil, domain.Invalid("violationAmount", "must be %s to %s points per person-time (got %s)", minViolation, maxViolation, amount)
	}
	if len(cmd.Target.Units) == 0 {
		return nil, domain.Invalid("departmentId", "is required: the department the sheet rates")
	}
	inspector, err := cleanText("inspector", cmd.Inspector, 100, false)
	if err != nil {
		return nil, err
	}
	return []Event{InspectionRecorded{
		InspectionID: cmd.ID, Target: cmd.Target, InspectedOn: day.Format(time.DateOnly), Month: month, Mode: cmd.Mode,
		Findings: findings, Sheet: sheet, Violations: cmd.Violations, ViolationAmount: amount, Lapses: cmd.Lapses,
		Inspector: inspector, At: now,
	}}, nil
}

// RecordSurvey is the result of a sampling survey or an online vote.
type RecordSurvey struct {
	ID     string
	Method Method
	Target Target
	Month  Period
	Tally  Tally
	Source string
}

// Survey is the state of one survey's result.
type Survey struct {
	Version  int            `json:"version"`
	Recorded SurveyRecorded `json:"recorded"`
}

// Apply moves the survey by one recorded event.
func (s *Survey) Apply(e Event) error {
	switch e := e.(type) {
	case SurveyRecorded:
		if s.Version != 0 {
			return fmt.Errorf("survey %s: recorded twice", e.SurveyID)
		}
		s.Recorded = e
	default:
		return fmt.Errorf("survey: cannot apply %T", e)
	}
	s.Version++
	return nil
}

// Record returns the events of recording a survey's result.
func (s *Survey) Record(cmd RecordSurvey, closed []Period, loc *time.Location, now time.Time) ([]Event, error) {
	if s.Version != 0 {
		return nil, domain.StateConflict("survey %s is already recorded", s.Recorded.SurveyID)
	}
	switch cmd.Method {
	case MethodSampling, MethodOnlineVote:
	case "":
		return nil, domain.Invalid("method", "is required: sampling (抽样调查) or online_vote (网络投票)")
	default:
		return nil, domain.Invalid("method", "%q is not a survey method: sampling or online_vote", string(cmd.Method))
	}
	month, err := openMonth("month", cmd.Month, closed, loc, now)
	if err != nil {
		return nil, err
	}
	if err := cmd.Tally.Validate("tally"); err != nil {
		return nil, err
	}
	if cmd.Tally.Total() == 0 {
		return nil, domain.Invalid("tally", "counts no answers")
	}
	source, err := cleanText("source", cmd.Source, 200, true)
	if err != nil {
		return nil, err
	}
	if len(cmd.Target.Units) == 0 {
		return nil, domain.Invalid("departmentId", "is required: the department the sheet rates")
	}
	return []Event{SurveyRecorded{SurveyID: cmd.ID, Method: cmd.Method, Target: cmd.Target, Month: month,
		Tally: cmd.Tally, Source: source, At: now}}, nil
}
