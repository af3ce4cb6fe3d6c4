package complaint

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/watchpost/watchpost/domain/ladder"
)

// The event vocabulary of a case. Every step of the lifecycle is one of these
// immutable facts; the type names are stored with each event and never change
// meaning. A change of shape gets a new schema version, not a new meaning.
const (
	TypeComplaintFiled         = "ComplaintFiled"
	TypeCaseAccepted           = "CaseAccepted"
	TypeCaseNotAccepted        = "CaseNotAccepted"
	TypeCaseReferred           = "CaseReferred"
	TypeReferralAcknowledged   = "ReferralAcknowledged"
	TypeReferralReturned       = "ReferralReturned"
	TypeResponseRecorded       = "ResponseRecorded"
	TypeExtensionRequested     = "ExtensionRequested"
	TypeExtensionGranted       = "ExtensionGranted"
	TypeExtensionDenied        = "ExtensionDenied"
	TypeCaseSuspended          = "CaseSuspended"
	TypeCaseResumed            = "CaseResumed"
	TypeSupervisionOrdered     = "SupervisionOrdered"
	TypeInvestigationRecorded  = "InvestigationRecorded"
	TypeRectificationRequired  = "RectificationRequired"
	TypeRectificationReported  = "RectificationReported"
	TypeRectificationVerified  = "RectificationVerified"
	TypeAccountabilityRecorded = "AccountabilityRecorded"
	TypeCaseResolved           = "CaseResolved"
	TypeComplainantReplied     = "ComplainantReplied"
	TypeSatisfactionRecorded   = "SatisfactionRecorded"
	TypeCaseReopened           = "CaseReopened"
	TypeCaseClosed             = "CaseClosed"
	TypePersonalDataShredded   = "PersonalDataShredded"
)

// SchemaVersion is the version of the payload shapes in this file.
const SchemaVersion = 1

// Upcasters bring stored payloads of older schema versions up to the
// current ones, where events are read (eventstore.Upcasters, registered by
// the application): Upcasters[eventType][v] turns version v into v+1, and
// only adds. Empty while every case event is at version 1.
var Upcasters = map[string]map[int]func(data []byte) ([]byte, error){}

// Event is one fact in a case's history.
type Event interface {
	EventType() string
}

// ComplaintFiled opens a case (登记). As stored, the complainant's personal
// data is sealed (encrypted with the case's own key, see Sealed); only the
// anonymity and consent flags stay readable.
type ComplaintFiled struct {
	CaseID                 string      `json:"caseId"`
	Channel                string      `json:"channel"`
	ReceivedAt             time.Time   `json:"receivedAt"`
	Complainant            Complainant `json:"complainant"`
	SealedComplainant      string      `json:"sealedComplainant,omitempty"`
	TrackingHash           string      `json:"trackingHash,omitempty"` // digest of the complainant's tracking code
	MonitoringPointID      string      `json:"monitoringPointId,omitempty"`
	RespondentDepartmentID string      `json:"respondentDepartmentId,omitempty"`
	VisitID                string      `json:"visitId,omitempty"` // the supervisor's visit it was collected on
	Categories             []string    `json:"categories"`
	IssueTypes             []string    `json:"issueTypes"`
	Title                  string      `json:"title"`
	Description            string      `json:"description"`
	At                     time.Time   `json:"at"`
}

// Sealed is the event with the complainant's personal data replaced by its
// sealed form.
func (e ComplaintFiled) Sealed(sealed string) ComplaintFiled {
	e.Complainant = e.Complainant.Flags()
	e.SealedComplainant = sealed
	return e
}

// PersonalDataShredded records that the case's key was destroyed: the
// complainant's personal data, sealed in the log, can no longer be read.
type PersonalDataShredded struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// CaseAccepted is the intake decision to handle the complaint (受理), and
// how: by the center itself (Mode direct or self) or by a department (Mode
// referral or supervised).
type CaseAccepted struct {
	Mode string    `json:"mode"`
	Note string    `json:"note,omitempty"`
	At   time.Time `json:"at"`
}

// CaseNotAccepted is the intake decision not to handle the complaint
// (不予受理). The complainant is still answered.
type CaseNotAccepted struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// CaseReferred hands the case to a department (转办).
type CaseReferred struct {
	DepartmentID string    `json:"departmentId"`
	Note         string    `json:"note,omitempty"`
	At           time.Time `json:"at"`
}

// ReferralAcknowledged is the department's receipt of a referral (签收).
type ReferralAcknowledged struct {
	DepartmentID string    `json:"departmentId"`
	At           time.Time `json:"at"`
}

// ReferralReturned is a department sending a misrouted case back (退单).
type ReferralReturned struct {
	DepartmentID string    `json:"departmentId"`
	Reason       string    `json:"reason"`
	At           time.Time `json:"at"`
}

// ResponseRecorded is the quick reaction to a referral (快速反应).
type ResponseRecorded struct {
	Summary string    `json:"summary"`
	At      time.Time `json:"at"`
}

// ExtensionRequested asks for a later closure date for a complex case
// (限期解决). DueDate is a calendar date, "YYYY-MM-DD".
type ExtensionRequested struct {
	RequestID string    `json:"requestId"`
	DueDate   string    `json:"dueDate"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// ExtensionGranted approves a request; DueDate replaces the closure
// deadline.
type ExtensionGranted struct {
	RequestID string    `json:"requestId"`
	DueDate   string    `json:"dueDate"`
	At        time.Time `json:"at"`
}

// ExtensionDenied refuses a request.
type ExtensionDenied struct {
	RequestID string    `json:"requestId"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// CaseSuspended stops the clocks while the case waits on the complainant.
type CaseSuspended struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// CaseResumed restarts the clocks.
type CaseResumed struct {
	Note string    `json:"note,omitempty"`
	At   time.Time `json:"at"`
}

// SupervisionOrdered is a supervision order on the case: 催办, 督办 or
// 挂牌督办, from a supervisor or raised by an escalation.
type SupervisionOrdered struct {
	Level  string    `json:"level"`
	Note   string    `json:"note,omitempty"`
	Source string    `json:"source"`
	At     time.Time `json:"at"`
}

// InvestigationRecorded is what the investigation found (查证).
type InvestigationRecorded struct {
	Finding string    `json:"finding"`
	Summary string    `json:"summary"`
	At      time.Time `json:"at"`
}

// RectificationRequired orders the department to put things right (整改).
type RectificationRequired struct {
	RectificationID string    `json:"rectificationId"`
	Items           []string  `json:"items"`
	DueDate         string    `json:"dueDate"`
	At              time.Time `json:"at"`
}

// RectificationReported is the department's report that it rectified.
type RectificationReported struct {
	RectificationID string    `json:"rectificationId"`
	Summary         string    `json:"summary"`
	At              time.Time `json:"at"`
}

// RectificationVerified is the center's check of a report: accepted closes
// the rectification, rejected sends it back to the department.
type RectificationVerified struct {
	RectificationID string    `json:"rectificationId"`
	Accepted        bool      `json:"accepted"`
	Note            string    `json:"note,omitempty"`
	At              time.Time `json:"at"`
}

// AccountabilityRecorded is a measure taken against a responsible official or
// unit (责任追究). Subject names the official, never the complainant.
type AccountabilityRecorded struct {
	Subject string    `json:"subject"`
	Measure string    `json:"measure"`
	Note    string    `json:"note,omitempty"`
	At      time.Time `json:"at"`
}

// CaseResolved records that the case was dealt with (办结) and how.
type CaseResolved struct {
	Outcome string    `json:"outcome"`
	Summary string    `json:"summary"`
	At      time.Time `json:"at"`
}

// ComplainantReplied is the answer given to the complainant (答复).
type ComplainantReplied struct {
	Message string    `json:"message"`
	Method  string    `json:"method"`
	At      time.Time `json:"at"`
}

// SatisfactionRecorded is the complainant's verdict at the follow-up call
// (回访).
type SatisfactionRecorded struct {
	Level string    `json:"level"`
	Note  string    `json:"note,omitempty"`
	At    time.Time `json:"at"`
}

// CaseReopened sends a case the complainant was dissatisfied with back to
// be handled again (重办).
type CaseReopened struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// CaseClosed files the case away (归档).
type CaseClosed struct {
	Note       string    `json:"note,omitempty"`
	Reason     string    `json:"reason,omitempty"`     // why closed although the complainant was dissatisfied
	NoFollowUp string    `json:"noFollowUp,omitempty"` // why no follow-up (回访) was recorded
	At         time.Time `json:"at"`
}

func (ComplaintFiled) EventType() string         { return TypeComplaintFiled }
func (CaseAccepted) EventType() string           { return TypeCaseAccepted }
func (CaseNotAccepted) EventType() string        { return TypeCaseNotAccepted }
func (CaseReferred) EventType() string           { return TypeCaseReferred }
func (ReferralAcknowledged) EventType() string   { return TypeReferralAcknowledged }
func (ReferralReturned) EventType() string       { return TypeReferralReturned }
func (ResponseRecorded) EventType() string       { return TypeResponseRecorded }
func (ExtensionRequested) EventType() string     { return TypeExtensionRequested }
func (ExtensionGranted) EventType() string       { return TypeExtensionGranted }
func (ExtensionDenied) EventType() string        { return TypeExtensionDenied }
func (CaseSuspended) EventType() string          { return TypeCaseSuspended }
func (CaseResumed) EventType() string            { return TypeCaseResumed }
func (SupervisionOrdered) EventType() string     { return TypeSupervisionOrdered }
func (InvestigationRecorded) EventType() string  { return TypeInvestigationRecorded }
func (RectificationRequired) EventType() string  { return TypeRectificationRequired }
func (RectificationReported) EventType() string  { return TypeRectificationReported }
func (RectificationVerified) EventType() string  { return TypeRectificationVerified }
func (AccountabilityRecorded) EventType() string { return TypeAccountabilityRecorded }
func (CaseResolved) EventType() string           { return TypeCaseResolved }
func (ComplainantReplied) EventType() string     { return TypeComplainantReplied }
func (SatisfactionRecorded) EventType() string   { return TypeSatisfactionRecorded }
func (CaseReopened) EventType() string           { return TypeCaseReopened }
func (CaseClosed) EventType() string             { return TypeCaseClosed }
func (PersonalDataShredded) EventType() string   { return TypePersonalDataShredded }

// decoders maps each event type to a function that decodes its payload.
var decoders = map[string]func([]byte) (Event, error){
	TypeComplaintFiled:         decodeAs[ComplaintFiled],
	TypeCaseAccepted:           decodeAs[CaseAccepted],
	TypeCaseNotAccepted:        decodeAs[CaseNotAccepted],
	TypeCaseReferred:           decodeAs[CaseReferred],
	TypeReferralAcknowledged:   decodeAs[ReferralAcknowledged],
	TypeReferralReturned:       decodeAs[ReferralReturned],
	TypeResponseRecorded:       decodeAs[ResponseRecorded],
	TypeExtensionRequested:     decodeAs[ExtensionRequested],
	TypeExtensionGranted:       decodeAs[ExtensionGranted],
	TypeExtensionDenied:        decodeAs[ExtensionDenied],
	TypeCaseSuspended:          decodeAs[CaseSuspended],
	TypeCaseResumed:            decodeAs[CaseResumed],
	TypeSupervisionOrdered:     decodeAs[SupervisionOrdered],
	TypeInvestigationRecorded:  decodeAs[InvestigationRecorded],
	TypeRectificationRequired:  decodeAs[RectificationRequired],
	TypeRectificationReported:  decodeAs[RectificationReported],
	TypeRectificationVerified:  decodeAs[RectificationVerified],
	TypeAccountabilityRecorded: decodeAs[AccountabilityRecorded],
	TypeCaseResolved:           decodeAs[CaseResolved],
	TypeComplainantReplied:     decodeAs[ComplainantReplied],
	TypeSatisfactionRecorded:   decodeAs[SatisfactionRecorded],
	TypeCaseReopened:           decodeAs[CaseReopened],
	TypeCaseClosed:             decodeAs[CaseClosed],
	TypePersonalDataShredded:   decodeAs[PersonalDataShredded],
	TypeDeadlineApproaching:    decodeAs[DeadlineApproaching],
	TypeResponseOverdue:        decodeAs[ResponseOverdue],
	TypeClosureOverdue:         decodeAs[ClosureOverdue],
	TypeRectificationOverdue:   decodeAs[RectificationOverdue],
	TypeEscalated:              decodeAs[Escalated],
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

// EventTypes lists every event type of the vocabulary, in lifecycle order.
func EventTypes() []string {
	return []string{
		TypeComplaintFiled, TypeCaseAccepted, TypeCaseNotAccepted, TypeCaseReferred,
		TypeReferralAcknowledged, TypeReferralReturned, TypeResponseRecorded,
		TypeExtensionRequested, TypeExtensionGranted, TypeExtensionDenied,
		TypeCaseSuspended, TypeCaseResumed, TypeSupervisionOrdered,
		TypeInvestigationRecorded, TypeRectificationRequired, TypeRectificationReported,
		TypeRectificationVerified, TypeAccountabilityRecorded, TypeCaseResolved,
		TypeComplainantReplied, TypeSatisfactionRecorded, TypeCaseReopened, TypeCaseClosed, TypePersonalDataShredded,
		TypeDeadlineApproaching, TypeResponseOverdue, TypeClosureOverdue, TypeRectificationOverdue, TypeEscalated,
	}
}

// The values of the enumerated payload fields. Codes are stored; labels are
// the official Chinese terms.
const (
	// CaseAccepted.Mode (处理方式).
	ModeDirect     = "direct"     // 直查快办: the center investigates at once
	ModeSelf       = "self"       // 自办: the center handles it itself
	ModeReferral   = "referral"   // 转办: referred to a department
	ModeSupervised = "supervised" // 督办: referred, and supervised by the center

	// SupervisionOrdered.Level, in rising order (the ladder's codes).
	LevelUrge      = ladder.CodeUrge      // 催办 (1)
	LevelSupervise = ladder.CodeSupervise // 督办 (2)
	LevelFlag      = ladder.CodeFlag      // 挂牌督办 (3)

	// SupervisionOrdered.Source.
	SourceSupervisor = "supervisor"
	SourceEscalation = "escalation"

	// InvestigationRecorded.Finding.
	FindingSubstantiated   = "substantiated"   // 属实
	FindingPartly          = "partly"          // 部分属实
	FindingUnsubstantiated = "unsubstantiated" // 不属实

	// AccountabilityRecorded.Measure (责任追究).
	MeasureCriticism  = "criticism"  // 通报批评
	MeasureAdmonition = "admonition" // 诫勉谈话
	MeasureTransfer   = "transfer"   // 调离
	MeasureSanction   = "sanction"   // 处分
	MeasureDismissal  = "dismissal"  // 免职

	// ComplainantReplied.Method.
	MethodPhone  = "phone"
	MethodLetter = "letter"
	MethodSMS    = "sms"
	MethodVisit  = "visit"
	MethodWeb    = "web"

	// CaseClosed.NoFollowUp: why the complainant got no follow-up.
	NoFollowUpUnreachable = "unreachable" // 联系不上
	NoFollowUpAnonymous   = "anonymous"   // 匿名投诉，无法回访
	NoFollowUpDeclined    = "declined"    // 投诉人拒绝回访

	// SatisfactionRecorded.Level (回访).
	SatisfactionSatisfied    = "satisfied"           // 满意
	SatisfactionBasically    = "basically_satisfied" // 基本满意
	SatisfactionDissatisfied = "dissatisfied"        // 不满意
)

// choice is one value of an enumerated field: its code, the Chinese term and
// the English words the timeline uses.
type choice struct {
	code, zh, en string
}

var (
	modes = []choice{
		{ModeDirect, "直查快办", "direct fast handling"},
		{ModeSelf, "自办", "handling by the center"},
		{ModeReferral, "转办", "referral"},
		{ModeSupervised, "督办", "supervised referral"},
	}
	supervisionLevels  = levelChoices()
	supervisionSources = []choice{
		{SourceSupervisor, "监督员", "by a supervisor"},
		{SourceEscalation, "超期升级", "by escalation"},
	}
	findings = []choice{
		{FindingSubstantiated, "属实", "substantiated"},
		{FindingPartly, "部分属实", "partly substantiated"},
		{FindingUnsubstantiated, "不属实", "unsubstantiated"},
	}
	measures = []choice{
		{MeasureCriticism, "通报批评", "public criticism"},
		{MeasureAdmonition, "诫勉谈话", "admonition talk"},
		{MeasureTransfer, "调离", "transfer"},
		{MeasureSanction, "处分", "disciplinary sanction"},
		{MeasureDismissal, "免职", "dismissal"},
	}
	replyMethods = []choice{
		{MethodPhone, "电话", "by phone"},
		{MethodLetter, "书面", "by letter"},
		{MethodSMS, "短信", "by text message"},
		{MethodVisit, "面谈", "in person"},
		{MethodWeb, "网上", "online"},
	}
	noFollowUpReasons = []choice{
		{NoFollowUpUnreachable, "联系不上", "the complainant could not be reached"},
		{NoFollowUpAnonymous, "匿名投诉，无法回访", "the complaint is anonymous"},
		{NoFollowUpDeclined, "投诉人拒绝回访", "the complainant declined"},
	}
	satisfactionLevels = []choice{
		{SatisfactionSatisfied, "满意", "satisfied"},
		{SatisfactionBasically, "基本满意", "basically satisfied"},
		{SatisfactionDissatisfied, "不满意", "dissatisfied"},
	}
)

// levelChoices are the ladder's supervision levels as choices.
func levelChoices() []choice {
	var out []choice
	for _, l := range ladder.Levels() {
		out = append(out, choice{l.Code(), l.Label(), l.English()})
	}
	return out
}

// SupervisionRank is the rank of a supervision level: 1 催办, 2 督办,
// 3 挂牌督办; 0 for an unknown level.
func SupervisionRank(level string) int {
	l, _ := ladder.ParseLevel(level)
	return int(l)
}

// find returns the choice with code, or a choice naming the code itself.
func find(choices []choice, code string) choice {
	for _, c := range choices {
		if c.code == code {
			return c
		}
	}
	return choice{code, code, code}
}

// Enumerations are the fixed lists of codes of the command fields, by the
// name their rule tags give them (`rule:"enum=modes"`); the lists that are
// data are the taxonomy's.
func Enumerations() map[string][]string {
	codes := func(choices []choice) []string {
		out := make([]string, len(choices))
		for i, c := range choices {
			out[i] = c.code
		}
		return out
	}
	return map[string][]string{
		"modes": codes(modes), "supervisionLevels": codes(supervisionLevels), "supervisionSources": codes(supervisionSources),
		"findings": codes(findings), "measures": codes(measures), "replyMethods": codes(replyMethods),
		"satisfactionLevels": codes(satisfactionLevels), "noFollowUp": codes(noFollowUpReasons),
	}
}
