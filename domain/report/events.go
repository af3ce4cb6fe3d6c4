package report

import (
	"encoding/json"
	"fmt"
	"time"
)

// AggregateType names the special report aggregate in the log.
const AggregateType = "report"

// SchemaVersion is the version of the payload shapes in this file.
const SchemaVersion = 1

// The event vocabulary of a special report.
const (
	TypeDrafted               = "ReportDrafted"
	TypeEdited                = "ReportEdited"
	TypeSubmitted             = "ReportSubmitted"
	TypeReviewed              = "ReportReviewed"
	TypeIssued                = "ReportIssued"
	TypeOpened                = "ReportOpened"
	TypeInstructed            = "InstructionGiven"
	TypeSupervisionDispatched = "SupervisionDispatched"
	TypeFollowUpOverdue       = "FollowUpOverdue"
	TypeFollowUpReported      = "FollowUpReported"
	TypeClosed                = "ReportClosed"
)

// Event is one fact in a report's history.
type Event interface{ EventType() string }

// Content is what a supervisor writes: the title, the summary for a
// leader who reads one paragraph, the analysis, the recommendations, and
// the findings and cases behind it.
type Content struct {
	Title           string   `json:"title"`
	Summary         string   `json:"summary"`
	Analysis        string   `json:"analysis,omitempty"`
	Recommendations string   `json:"recommendations,omitempty"`
	Findings        []string `json:"findings,omitempty"` // finding ids
	Cases           []string `json:"cases"`              // case ids: those of the findings and any picked by hand
}

// Recipient is a leader a report is issued to: the leader's principal and
// the name shown.
type Recipient struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// FollowUp is the follow-up an instruction assigns: to a department, or to
// a supervisor of the center, within a number of working days.
type FollowUp struct {
	DepartmentID string    `json:"departmentId,omitempty"`
	SupervisorID string    `json:"supervisorId,omitempty"`
	Workdays     int       `json:"workdays"`
	DueAt        time.Time `json:"dueAt"` // the end of the last working day, by the calendar in force
}

// Skipped is a case behind a report that supervision could not be ordered
// on, and why (closed, not accepted, ...).
type Skipped struct {
	CaseID string `json:"caseId"`
	Reason string `json:"reason"`
}

// Drafted opens a report (ReportDrafted).
type Drafted struct {
	ID string `json:"id"`
	Content
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Edited replaces a draft's content.
type Edited struct {
	Content
	At time.Time `json:"at"`
}

// Submitted puts a draft up for review.
type Submitted struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Reviewed is another supervisor's verdict: approved for issue, or
// returned to the draft with a note.
type Reviewed struct {
	Approved bool      `json:"approved"`
	Note     string    `json:"note,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Issued sends the approved report to the named leaders.
type Issued struct {
	Recipients []Recipient `json:"recipients"`
	By         string      `json:"by"`
	At         time.Time   `json:"at"`
}

// Opened is a leader's read receipt: the first time the leader opened it.
type Opened struct {
	LeaderID string    `json:"leaderId"`
	At       time.Time `json:"at"`
}

// Instructed is a leader's instruction (批示, InstructionGiven): its text,
// the supervision it orders on every case behind the report, if any, and
// the follow-up it assigns, if any.
type Instructed struct {
	InstructionID string    `json:"instructionId"`
	LeaderID      string    `json:"leaderId"`
	Text          string    `json:"text"`
	Supervision   string    `json:"supervision,omitempty"` // a supervision level (urge, supervise, flag)
	FollowUp      *FollowUp `json:"followUp,omitempty"`
	At            time.Time `json:"at"`
}

// SupervisionDispatched records that the supervision an instruction
// ordered is on every case behind the report it could be put on.
type SupervisionDispatched struct {
	InstructionID string    `json:"instructionId"`
	Ordered       []string  `json:"ordered"`
	Skipped       []Skipped `json:"skipped,omitempty"`
	At            time.Time `json:"at"`
}

// FollowUpOverdue records that an instruction's follow-up was not reported
// by its due date.
type FollowUpOverdue struct {
	InstructionID string    `json:"instructionId"`
	DueAt         time.Time `json:"dueAt"`
	At            time.Time `json:"at"`
}

// FollowUpReported is the follow-up of an instruction, reported back.
type FollowUpReported struct {
	InstructionID string    `json:"instructionId"`
	Summary       string    `json:"summary"`
	By            string    `json:"by"`
	At            time.Time `json:"at"`
}

// Closed files the report away.
type Closed struct {
	Note string    `json:"note,omitempty"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

func (Drafted) EventType() string               { return TypeDrafted }
func (Edited) EventType() string                { return TypeEdited }
func (Submitted) EventType() string             { return TypeSubmitted }
func (Reviewed) EventType() string              { return TypeReviewed }
func (Issued) EventType() string                { return TypeIssued }
func (Opened) EventType() string                { return TypeOpened }
func (Instructed) EventType() string            { return TypeInstructed }
func (SupervisionDispatched) EventType() string { return TypeSupervisionDispatched }
func (FollowUpOverdue) EventType() string       { return TypeFollowUpOverdue }
func (FollowUpReported) EventType() string      { return TypeFollowUpReported }
func (Closed) EventType() string                { return TypeClosed }

var decoders = map[string]func([]byte) (Event, error){
	TypeDrafted:               decodeAs[Drafted],
	TypeEdited:                decodeAs[Edited],
	TypeSubmitted:             decodeAs[Submitted],
	TypeReviewed:              decodeAs[Reviewed],
	TypeIssued:                decodeAs[Issued],
	TypeOpened:                decodeAs[Opened],
	TypeInstructed:            decodeAs[Instructed],
	TypeSupervisionDispatched: decodeAs[SupervisionDispatched],
	TypeFollowUpOverdue:       decodeAs[FollowUpOverdue],
	TypeFollowUpReported:      decodeAs[FollowUpReported],
	TypeClosed:                decodeAs[Closed],
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
		return nil, fmt.Errorf("report: unknown event type %q", eventType)
	}
	e, err := dec(data)
	if err != nil {
		return nil, fmt.Errorf("report: decode %s: %w", eventType, err)
	}
	return e, nil
}
