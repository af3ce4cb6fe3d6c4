package complaint

import (
	"encoding/json"
	"fmt"
	"time"
)

// The event vocabulary of a case. Every step of the lifecycle is one of these
// immutable facts; the type names are stored with each event and never change
// meaning. A change of shape gets a new schema version, not a new meaning.
const (
	TypeComplaintFiled = "ComplaintFiled"
	TypeCaseReferred   = "CaseReferred"
	TypeCaseResolved   = "CaseResolved"
)

// SchemaVersion is the version of the payload shapes in this file.
const SchemaVersion = 1

// Event is one fact in a case's history.
type Event interface {
	EventType() string
}

// ComplaintFiled opens a case.
type ComplaintFiled struct {
	CaseID                 string      `json:"caseId"`
	Channel                string      `json:"channel"`
	ReceivedAt             time.Time   `json:"receivedAt"`
	Complainant            Complainant `json:"complainant"`
	MonitoringPointID      string      `json:"monitoringPointId,omitempty"`
	RespondentDepartmentID string      `json:"respondentDepartmentId,omitempty"`
	Categories             []string    `json:"categories"`
	IssueTypes             []string    `json:"issueTypes"`
	Title                  string      `json:"title"`
	Description            string      `json:"description"`
	At                     time.Time   `json:"at"`
}

// CaseReferred hands the case to a department (转办).
type CaseReferred struct {
	DepartmentID string    `json:"departmentId"`
	Note         string    `json:"note,omitempty"`
	At           time.Time `json:"at"`
}

// CaseResolved records that the case was dealt with (办结) and how.
type CaseResolved struct {
	Outcome string    `json:"outcome"`
	Summary string    `json:"summary"`
	At      time.Time `json:"at"`
}

func (ComplaintFiled) EventType() string { return TypeComplaintFiled }
func (CaseReferred) EventType() string   { return TypeCaseReferred }
func (CaseResolved) EventType() string   { return TypeCaseResolved }

// decoders maps each event type to a function that decodes its payload.
var decoders = map[string]func([]byte) (Event, error){
	TypeComplaintFiled: decodeAs[ComplaintFiled],
	TypeCaseReferred:   decodeAs[CaseReferred],
	TypeCaseResolved:   decodeAs[CaseResolved],
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
		return nil, fmt.Errorf("complaint: unknown event type %q", eventType)
	}
	e, err := dec(data)
	if err != nil {
		return nil, fmt.Errorf("complaint: decode %s: %w", eventType, err)
	}
	return e, nil
}

// IsEventType reports whether t names an event of this vocabulary.
func IsEventType(t string) bool {
	_, ok := decoders[t]
	return ok
}
