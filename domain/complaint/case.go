// Package complaint holds the Case aggregate: one complaint from intake to
// closure. State changes only by applying events; commands are methods that
// check the lifecycle and return the events to record, never changing the
// case themselves.
package complaint

import (
	"fmt"
	"time"
)

// Status is where a case stands in its lifecycle.
type Status string

// The statuses.
const (
	StatusNone     Status = ""         // not filed yet
	StatusFiled    Status = "filed"    // registered, awaiting intake or referral
	StatusReferred Status = "referred" // with a department (转办)
	StatusResolved Status = "resolved" // dealt with (办结)
)

// Complainant is who complained. It is confidential: a department never sees
// it unless the complainant consented to disclosure.
type Complainant struct {
	Name              string `json:"name,omitempty"`
	Phone             string `json:"phone,omitempty"`
	IDNumber          string `json:"idNumber,omitempty"`
	Address           string `json:"address,omitempty"`
	Contact           string `json:"contact,omitempty"`
	Anonymous         bool   `json:"anonymous,omitempty"`
	ConsentToDisclose bool   `json:"consentToDisclose,omitempty"`
}

// Resolution is how a case was dealt with.
type Resolution struct {
	Outcome string    `json:"outcome"`
	Summary string    `json:"summary"`
	At      time.Time `json:"at"`
}

// Case is the state of one complaint, folded from its events.
type Case struct {
	ID                     string      `json:"id"`
	Version                int         `json:"version"`
	Status                 Status      `json:"status"`
	Channel                string      `json:"channel"`
	ReceivedAt             time.Time   `json:"receivedAt"`
	FiledAt                time.Time   `json:"filedAt"`
	Complainant            Complainant `json:"complainant"`
	MonitoringPointID      string      `json:"monitoringPointId,omitempty"`
	RespondentDepartmentID string      `json:"respondentDepartmentId,omitempty"`
	Categories             []string    `json:"categories"`
	IssueTypes             []string    `json:"issueTypes"`
	Title                  string      `json:"title"`
	Description            string      `json:"description"`
	DepartmentID           string      `json:"departmentId,omitempty"`
	ReferredAt             time.Time   `json:"referredAt,omitzero"`
	Resolution             *Resolution `json:"resolution,omitempty"`
	UpdatedAt              time.Time   `json:"updatedAt"`
}

// Replay folds a history into a case.
func Replay(events []Event) (*Case, error) {
	c := &Case{}
	for _, e := range events {
		if err := c.Apply(e); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Apply moves the case by one recorded event. It trusts the event (the
// decision was taken when it was recorded) but refuses an event that cannot
// belong to this case, which would mean a corrupt history.
func (c *Case) Apply(e Event) error {
	if c.Status == StatusNone && e.EventType() != TypeComplaintFiled {
		return fmt.Errorf("complaint: %s before ComplaintFiled", e.EventType())
	}
	switch e := e.(type) {
	case ComplaintFiled:
		if c.Status != StatusNone {
			return fmt.Errorf("complaint: case %s filed twice", c.ID)
		}
		c.ID = e.CaseID
		c.Status = StatusFiled
		c.Channel = e.Channel
		c.ReceivedAt = e.ReceivedAt
		c.FiledAt = e.At
		c.Complainant = e.Complainant
		c.MonitoringPointID = e.MonitoringPointID
		c.RespondentDepartmentID = e.RespondentDepartmentID
		c.Categories = e.Categories
		c.IssueTypes = e.IssueTypes
		c.Title = e.Title
		c.Description = e.Description
		c.touch(e.At)
	case CaseReferred:
		c.Status = StatusReferred
		c.DepartmentID = e.DepartmentID
		c.ReferredAt = e.At
		c.touch(e.At)
	case CaseResolved:
		c.Status = StatusResolved
		c.Resolution = &Resolution{Outcome: e.Outcome, Summary: e.Summary, At: e.At}
		c.touch(e.At)
	default:
		return fmt.Errorf("complaint: cannot apply %T", e)
	}
	return nil
}

func (c *Case) touch(at time.Time) {
	c.Version++
	c.UpdatedAt = at
}

// AggregateType names the case aggregate in the log.
const AggregateType = "case"
