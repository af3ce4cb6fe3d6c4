// Package complaint holds the Case aggregate: one complaint from intake to
// closure. State changes only by applying events (apply.go); commands are
// checked against the lifecycle table (lifecycle.go) and decided by Decide
// (decide.go), which returns the events to record and never changes the case.
package complaint

import (
	"time"
)

// AggregateType names the case aggregate in the log.
const AggregateType = "case"

// Status is where a case stands in its lifecycle.
type Status string

// The statuses.
const (
	StatusNone        Status = ""             // not filed yet
	StatusFiled       Status = "filed"        // registered (登记), awaiting intake
	StatusNotAccepted Status = "not_accepted" // not accepted (不予受理), awaiting the reply
	StatusAccepted    Status = "accepted"     // accepted (受理), awaiting referral
	StatusReferred    Status = "referred"     // referred (转办), awaiting 签收
	StatusReturned    Status = "returned"     // returned by the department (退单), awaiting re-referral
	StatusInProgress  Status = "in_progress"  // being handled, by a department or by the center
	StatusSuspended   Status = "suspended"    // clocks stopped, waiting on the complainant
	StatusResolved    Status = "resolved"     // dealt with (办结), awaiting the reply
	StatusReplied     Status = "replied"      // the complainant has been answered (答复)
	StatusClosed      Status = "closed"       // filed away (归档)
)

// Who handles a case (Case.HandledBy).
const (
	HandledByCenter     = "center"     // the complaint center itself (直查快办, 自办)
	HandledByDepartment = "department" // the department the case is referred to
)

// Extension statuses.
const (
	ExtensionStatusPending = "pending"
	ExtensionStatusGranted = "granted"
	ExtensionStatusDenied  = "denied"
	// ExtensionStatusLapsed: the department returned the case before the request
	// was decided, so nobody will decide it.
	ExtensionStatusLapsed = "lapsed"
)

// Rectification statuses.
const (
	RectificationStatusRequired = "required" // ordered, awaiting the department's report
	RectificationStatusReported = "reported" // reported, awaiting verification
	RectificationStatusRejected = "rejected" // the report was not accepted: report again
	RectificationStatusAccepted = "accepted" // verified: closed
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

// Flags is the complainant without personal data: only whether they are
// anonymous and whether they consented to disclosure.
func (c Complainant) Flags() Complainant {
	return Complainant{Anonymous: c.Anonymous, ConsentToDisclose: c.ConsentToDisclose}
}

// Resolution is how a case was dealt with.
type Resolution struct {
	Outcome string    `json:"outcome"`
	Summary string    `json:"summary"`
	At      time.Time `json:"at"`
}

// Extension is one request for a later closure date and its decision.
type Extension struct {
	RequestID        string    `json:"requestId"`
	DepartmentID     string    `json:"departmentId,omitempty"` // who asked; empty when the center did
	RequestedDueDate string    `json:"requestedDueDate"`
	Reason           string    `json:"reason"`
	Status           string    `json:"status"` // pending, granted, denied, lapsed
	GrantedDueDate   string    `json:"grantedDueDate,omitempty"`
	DenialReason     string    `json:"denialReason,omitempty"`
	RequestedAt      time.Time `json:"requestedAt"`
	DecidedAt        time.Time `json:"decidedAt,omitzero"`
}

// Rectification is one order to put things right and its progress.
type Rectification struct {
	ID         string    `json:"id"`
	Items      []string  `json:"items"`
	DueDate    string    `json:"dueDate"`
	Status     string    `json:"status"` // required, reported, rejected, accepted
	RequiredAt time.Time `json:"requiredAt"`
	ReportedAt time.Time `json:"reportedAt,omitzero"`
	VerifiedAt time.Time `json:"verifiedAt,omitzero"`
	Rejections int       `json:"rejections,omitempty"`
}

// Open reports whether the rectification still awaits the department or the
// center.
func (r Rectification) Open() bool { return r.Status != RectificationStatusAccepted }

// Accountability is one measure taken against a responsible official.
type Accountability struct {
	Subject string    `json:"subject"`
	Measure string    `json:"measure"`
	At      time.Time `json:"at"`
}

// Case is the state of one complaint, folded from its events. It is stored
// as JSON by the read models and folded further from there, so everything a
// decision depends on is part of the JSON.
type Case struct {
	ID          string      `json:"id"`
	Version     int         `json:"version"`
	Status      Status      `json:"status"`
	Channel     string      `json:"channel"`
	ReceivedAt  time.Time   `json:"receivedAt"`
	FiledAt     time.Time   `json:"filedAt"`
	Complainant Complainant `json:"complainant"`
	// SealedComplainant is the complainant's personal data, encrypted with
	// the case's key; PersonalDataRemoved says the key was destroyed.
	SealedComplainant      string   `json:"sealedComplainant,omitempty"`
	PersonalDataRemoved    bool     `json:"personalDataRemoved,omitempty"`
	TrackingHash           string   `json:"trackingHash,omitempty"`
	MonitoringPointID      string   `json:"monitoringPointId,omitempty"`
	RespondentDepartmentID string   `json:"respondentDepartmentId,omitempty"`
	VisitID                string   `json:"visitId,omitempty"` // the supervisor's visit it was collected on (the center's)
	Categories             []string `json:"categories"`
	IssueTypes             []string `json:"issueTypes"`
	Title                  string   `json:"title"`
	Description            string   `json:"description"`

	// Intake.
	Mode              string    `json:"mode,omitempty"`      // direct, self, referral, supervised
	HandledBy         string    `json:"handledBy,omitempty"` // center, department, or empty while nobody does
	AcceptedAt        time.Time `json:"acceptedAt,omitzero"`
	NotAcceptedReason string    `json:"notAcceptedReason,omitempty"`

	// Referral: DepartmentID is the department that holds the case now (or
	// last held it, once resolved); empty while the center holds it.
	DepartmentID   string    `json:"departmentId,omitempty"`
	ReferredAt     time.Time `json:"referredAt,omitzero"`
	Referrals      int       `json:"referrals,omitempty"`
	AcknowledgedAt time.Time `json:"acknowledgedAt,omitzero"`
	ReturnedBy     string    `json:"returnedBy,omitempty"` // the department that last returned the case
	ReturnedAt     time.Time `json:"returnedAt,omitzero"`
	Returns        int       `json:"returns,omitempty"`
	RespondedAt    time.Time `json:"respondedAt,omitzero"` // the quick reaction of the current referral

	// Deadlines. ExtendedDueDate replaces the closure deadline of the
	// current handling round; Extensions keeps the history.
	Extensions      []Extension `json:"extensions,omitempty"`
	ExtendedDueDate string      `json:"extendedDueDate,omitempty"`

	// Suspension: ResumeStatus is where the case returns to on resumption.
	SuspendedAt  time.Time `json:"suspendedAt,omitzero"`
	ResumeStatus Status    `json:"resumeStatus,omitempty"`
	Suspensions  int       `json:"suspensions,omitempty"`

	// Supervision: the highest level ordered so far (1 催办, 2 督办,
	// 3 挂牌督办) and how many orders there were.
	SupervisionLevel int `json:"supervisionLevel,omitempty"`
	// Escalations counts the supervision raised by missed deadlines.
	Escalations  int `json:"escalations,omitempty"`
	Supervisions int `json:"supervisions,omitempty"`

	// Investigation and its consequences. Finding is the latest one.
	Finding          string           `json:"finding,omitempty"`
	FindingAt        time.Time        `json:"findingAt,omitzero"`
	Rectifications   []Rectification  `json:"rectifications,omitempty"`
	Accountabilities []Accountability `json:"accountabilities,omitempty"`

	// Outcome and the complainant's side. Resolution, the reply and the
	// satisfaction belong to the current round; a reopening clears them.
	Resolution     *Resolution `json:"resolution,omitempty"`
	RepliedAt      time.Time   `json:"repliedAt,omitzero"`
	ReplyMethod    string      `json:"replyMethod,omitempty"`
	Satisfaction   string      `json:"satisfaction,omitempty"`
	SatisfactionAt time.Time   `json:"satisfactionAt,omitzero"`
	Reopens        int         `json:"reopens,omitempty"`
	ReopenedAt     time.Time   `json:"reopenedAt,omitzero"`
	ClosedAt       time.Time   `json:"closedAt,omitzero"`

	UpdatedAt time.Time `json:"updatedAt"`
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

// PendingExtension returns the extension request awaiting a decision.
func (c *Case) PendingExtension() (Extension, bool) {
	if x := c.pendingExtension(); x != nil {
		return *x, true
	}
	return Extension{}, false
}

// OpenRectification returns the rectification not yet accepted.
func (c *Case) OpenRectification() (Rectification, bool) {
	if r := c.openRectification(); r != nil {
		return *r, true
	}
	return Rectification{}, false
}

// CenterHandled reports whether the complaint center handles the case itself
// (直查快办, 自办): then no department may act on it.
func (c *Case) CenterHandled() bool { return c.HandledBy == HandledByCenter }

func (c *Case) pendingExtension() *Extension {
	for i := range c.Extensions {
		if c.Extensions[i].Status == ExtensionStatusPending {
			return &c.Extensions[i]
		}
	}
	return nil
}

func (c *Case) openRectification() *Rectification {
	for i := range c.Rectifications {
		if c.Rectifications[i].Open() {
			return &c.Rectifications[i]
		}
	}
	return nil
}

func (c *Case) extension(id string) *Extension {
	for i := range c.Extensions {
		if c.Extensions[i].RequestID == id {
			return &c.Extensions[i]
		}
	}
	return nil
}

func (c *Case) rectification(id string) *Rectification {
	for i := range c.Rectifications {
		if c.Rectifications[i].ID == id {
			return &c.Rectifications[i]
		}
	}
	return nil
}
