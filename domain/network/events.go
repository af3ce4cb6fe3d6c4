package network

import "time"

// The event vocabulary of the network, every aggregate's in one place.
const (
	TypeWorkstationRegistered = "WorkstationRegistered"
	TypeWorkstationChanged    = "WorkstationChanged"
	TypeWorkstationRetired    = "WorkstationRetired"
	TypeSeminarRecorded       = "SeminarRecorded"

	TypePointRegistered = "PointRegistered"
	TypePointChanged    = "PointChanged"
	TypePointRetired    = "PointRetired"

	TypeRosterDrafted      = "RosterDrafted"
	TypeRosterPointAdded   = "RosterPointAdded"
	TypeRosterPointRemoved = "RosterPointRemoved"
	TypeRosterPublished    = "RosterPublished"

	TypeSupervisorRegistered = "SupervisorRegistered"
	TypeSupervisorChanged    = "SupervisorChanged"
	TypeSupervisorAssigned   = "SupervisorAssigned"

	TypeVisitRecorded   = "VisitRecorded"
	TypeVisitItemFiled  = "VisitItemFiled"
	TypeMeetingRecorded = "QuarterlyMeetingRecorded"

	TypeReportSubmitted = "MonthlyReportSubmitted"
	TypeReportOverdue   = "MonthlyReportOverdue"

	TypeEntryRegistered     = "RegistrationRecorded"
	TypeEntryFlagged        = "RegistrationFlagged"
	TypeEntryComplaintFiled = "RegistrationComplaintFiled"
)

// decoders map each event type to the function that reads its payload.
var decoders = map[string]func([]byte) (Event, error){
	TypeWorkstationRegistered: decodeAs[WorkstationRegistered],
	TypeWorkstationChanged:    decodeAs[WorkstationChanged],
	TypeWorkstationRetired:    decodeAs[WorkstationRetired],
	TypeSeminarRecorded:       decodeAs[SeminarRecorded],
	TypePointRegistered:       decodeAs[PointRegistered],
	TypePointChanged:          decodeAs[PointChanged],
	TypePointRetired:          decodeAs[PointRetired],
	TypeRosterDrafted:         decodeAs[RosterDrafted],
	TypeRosterPointAdded:      decodeAs[RosterPointAdded],
	TypeRosterPointRemoved:    decodeAs[RosterPointRemoved],
	TypeRosterPublished:       decodeAs[RosterPublished],
	TypeSupervisorRegistered:  decodeAs[SupervisorRegistered],
	TypeSupervisorChanged:     decodeAs[SupervisorChanged],
	TypeSupervisorAssigned:    decodeAs[SupervisorAssigned],
	TypeVisitRecorded:         decodeAs[VisitRecorded],
	TypeVisitItemFiled:        decodeAs[VisitItemFiled],
	TypeMeetingRecorded:       decodeAs[MeetingRecorded],
	TypeReportSubmitted:       decodeAs[ReportSubmitted],
	TypeReportOverdue:         decodeAs[ReportOverdue],
	TypeEntryRegistered:       decodeAs[EntryRegistered],
	TypeEntryFlagged:          decodeAs[EntryFlagged],
	TypeEntryComplaintFiled:   decodeAs[EntryComplaintFiled],
}

// WorkstationRegistered adds a workstation (工作站) to the network.
type WorkstationRegistered struct {
	ID string `json:"id"`
	WorkstationDetails
	SealedContact string    `json:"sealedContact,omitempty"`
	At            time.Time `json:"at"`
}

// WorkstationChanged replaces a workstation's details (and its liaison's
// sealed contact).
type WorkstationChanged struct {
	WorkstationDetails
	SealedContact string    `json:"sealedContact,omitempty"`
	At            time.Time `json:"at"`
}

// WorkstationRetired takes a workstation out of the network.
type WorkstationRetired struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// SeminarRecorded records a workstation's seminar with its points
// (座谈会, at least twice a year: 000 §六.1).
type SeminarRecorded struct {
	SeminarID string    `json:"seminarId"`
	HeldAt    time.Time `json:"heldAt"`
	Attendees int       `json:"attendees,omitempty"`
	Summary   string    `json:"summary"`
	At        time.Time `json:"at"`
}

// PointRegistered adds a monitoring point (监测点).
type PointRegistered struct {
	ID string `json:"id"`
	PointDetails
	SealedContact string    `json:"sealedContact,omitempty"`
	At            time.Time `json:"at"`
}

// PointChanged replaces a point's details.
type PointChanged struct {
	PointDetails
	SealedContact string    `json:"sealedContact,omitempty"`
	At            time.Time `json:"at"`
}

// PointRetired takes a point out of the network: its tokens are no longer
// issued and it drops out of the rosters still to be published.
type PointRetired struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// RosterDrafted opens a year's list of points (一年一调整), with the points
// it starts from (the previous year's published list, or none).
type RosterDrafted struct {
	Year   int       `json:"year"`
	Points []string  `json:"points"`
	From   int       `json:"from,omitempty"` // the year whose list it starts from
	At     time.Time `json:"at"`
}

// RosterPointAdded puts a point on a draft roster, with the reason.
type RosterPointAdded struct {
	PointID string    `json:"pointId"`
	Reason  string    `json:"reason"`
	At      time.Time `json:"at"`
}

// RosterPointRemoved takes a point off a draft roster, with the reason.
type RosterPointRemoved struct {
	PointID string    `json:"pointId"`
	Reason  string    `json:"reason"`
	At      time.Time `json:"at"`
}

// RosterPublished publishes the year's list: what the year's reports and
// ratings count.
type RosterPublished struct {
	Points []string  `json:"points"`
	At     time.Time `json:"at"`
}

// SupervisorRegistered adds a supervisor (行风效能监督员), optionally bound
// to the API token they sign in with.
type SupervisorRegistered struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	TokenID string    `json:"tokenId,omitempty"`
	At      time.Time `json:"at"`
}

// SupervisorChanged replaces a supervisor's name and token.
type SupervisorChanged struct {
	Name    string    `json:"name"`
	TokenID string    `json:"tokenId,omitempty"`
	Active  bool      `json:"active"`
	At      time.Time `json:"at"`
}

// SupervisorAssigned replaces the workstations and points a supervisor
// looks after (分片负责联系).
type SupervisorAssigned struct {
	WorkstationIDs []string  `json:"workstationIds"`
	PointIDs       []string  `json:"pointIds"`
	At             time.Time `json:"at"`
}

// VisitRecorded is a supervisor's visit (一月一走访一反馈): when, where, whom
// they met and what was collected.
type VisitRecorded struct {
	VisitID       string      `json:"visitId"`
	SupervisorID  string      `json:"supervisorId"`
	WorkstationID string      `json:"workstationId,omitempty"`
	PointID       string      `json:"pointId,omitempty"`
	Month         Month       `json:"month"`
	VisitedAt     time.Time   `json:"visitedAt"`
	Met           string      `json:"met"`
	Items         []VisitItem `json:"items"`
	At            time.Time   `json:"at"`
}

// VisitItemFiled records that an item of a visit became a complaint.
type VisitItemFiled struct {
	ItemID string    `json:"itemId"`
	CaseID string    `json:"caseId"`
	At     time.Time `json:"at"`
}

// MeetingRecorded is the center's quarterly meeting with the workstations'
// leaders (000 §六.4).
type MeetingRecorded struct {
	Quarter   string    `json:"quarter"`
	HeldAt    time.Time `json:"heldAt"`
	Attendees []string  `json:"attendees"` // the workstations present
	Summary   string    `json:"summary"`
	At        time.Time `json:"at"`
}

// ReportSubmitted is a workstation's monthly report (附表一): what each of
// its points raised, or a zero report.
type ReportSubmitted struct {
	WorkstationID string       `json:"workstationId"`
	Month         Month        `json:"month"`
	Zero          bool         `json:"zero"`
	Items         []ReportItem `json:"items"`
	DueAt         time.Time    `json:"dueAt"`
	Late          bool         `json:"late"`
	At            time.Time    `json:"at"`
}

// ReportOverdue is raised once when a month's report was not submitted by
// its due time.
type ReportOverdue struct {
	WorkstationID string    `json:"workstationId"`
	Month         Month     `json:"month"`
	DueAt         time.Time `json:"dueAt"`
	At            time.Time `json:"at"`
}

// EntryRegistered is one side's record of an inspection, fee or fine at a
// point (附表二); PairedWith names the other side's record it matched.
type EntryRegistered struct {
	Entry
	PairedWith string    `json:"pairedWith,omitempty"`
	At         time.Time `json:"at"`
}

// EntryFlagged says that only one side recorded an entry after the days
// allowed: an inspection, fee or fine the department did not register (a
// possible 乱检查, 乱收费, 乱罚款) or one the point did not confirm.
type EntryFlagged struct {
	EntryID string    `json:"entryId"`
	Reason  string    `json:"reason"`
	At      time.Time `json:"at"`
}

// EntryComplaintFiled records that a flagged entry became a complaint.
type EntryComplaintFiled struct {
	EntryID string    `json:"entryId"`
	CaseID  string    `json:"caseId"`
	At      time.Time `json:"at"`
}

func (WorkstationRegistered) EventType() string { return TypeWorkstationRegistered }
func (WorkstationChanged) EventType() string    { return TypeWorkstationChanged }
func (WorkstationRetired) EventType() string    { return TypeWorkstationRetired }
func (SeminarRecorded) EventType() string       { return TypeSeminarRecorded }
func (PointRegistered) EventType() string       { return TypePointRegistered }
func (PointChanged) EventType() string          { return TypePointChanged }
func (PointRetired) EventType() string          { return TypePointRetired }
func (RosterDrafted) EventType() string         { return TypeRosterDrafted }
func (RosterPointAdded) EventType() string      { return TypeRosterPointAdded }
func (RosterPointRemoved) EventType() string    { return TypeRosterPointRemoved }
func (RosterPublished) EventType() string       { return TypeRosterPublished }
func (SupervisorRegistered) EventType() string  { return TypeSupervisorRegistered }
func (SupervisorChanged) EventType() string     { return TypeSupervisorChanged }
func (SupervisorAssigned) EventType() string    { return TypeSupervisorAssigned }
func (VisitRecorded) EventType() string         { return TypeVisitRecorded }
func (VisitItemFiled) EventType() string        { return TypeVisitItemFiled }
func (MeetingRecorded) EventType() string       { return TypeMeetingRecorded }
func (ReportSubmitted) EventType() string       { return TypeReportSubmitted }
func (ReportOverdue) EventType() string         { return TypeReportOverdue }
func (EntryRegistered) EventType() string       { return TypeEntryRegistered }
func (EntryFlagged) EventType() string          { return TypeEntryFlagged }
func (EntryComplaintFiled) EventType() string   { return TypeEntryComplaintFiled }
