package complaint

import (
	"fmt"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// The commands only the complaint center takes: intake, referral, the
// decisions of supervisors, and everything between the case and the
// complainant. Each decides after Decide checked the actor and the
// lifecycle table.

// ClockSkew is how far in the future a reported time may lie before it is
// refused: the clocks of the machines that send requests are not exact.
const ClockSkew = time.Minute

// earliest is the earliest receivedAt accepted; anything before is a typo.
var earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// FileComplaint registers a complaint (登记).
type FileComplaint struct {
	// CaseID is the id of the new case, chosen by the caller. File takes it
	// as an argument instead.
	CaseID                 string      `json:"-"`
	Channel                string      `json:"channel"`
	ReceivedAt             time.Time   `json:"receivedAt,omitzero"` // zero: now
	Complainant            Complainant `json:"complainant"`
	MonitoringPointID      string      `json:"monitoringPointId,omitempty"`
	RespondentDepartmentID string      `json:"respondentDepartmentId,omitempty"`
	VisitID                string      `json:"visitId,omitempty"` // the supervisor's visit it was collected on
	Categories             []string    `json:"categories"`
	IssueTypes             []string    `json:"issueTypes"`
	Title                  string      `json:"title"`
	Description            string      `json:"description"`
	// TrackingHash is the digest of the tracking code the complainant is
	// given (set by the service, never by the caller).
	TrackingHash string `json:"-"`
}

func (c *Case) file(cmd FileComplaint, env Env) ([]Event, error) {
	id, err := identifier("caseId", cmd.CaseID, true)
	if err != nil {
		return nil, err
	}
	now, tax := env.Now, env.Taxonomy
	e := ComplaintFiled{CaseID: id, At: now, TrackingHash: cmd.TrackingHash}
	if !has(tax.Channels, cmd.Channel) {
		if cmd.Channel == "" {
			return nil, domain.Invalid("channel", "is required")
		}
		return nil, domain.Invalid("channel", "%q is not a known channel", cmd.Channel)
	}
	e.Channel = cmd.Channel
	switch {
	case cmd.ReceivedAt.IsZero():
		e.ReceivedAt = now
	case cmd.ReceivedAt.After(now.Add(ClockSkew)):
		return nil, domain.Invalid("receivedAt", "lies in the future")
	case cmd.ReceivedAt.Before(earliest):
		return nil, domain.Invalid("receivedAt", "lies before %s", earliest.Format(DateLayout))
	default:
		e.ReceivedAt = cmd.ReceivedAt.UTC().Truncate(time.Microsecond)
	}
	if e.Complainant, err = validComplainant(cmd.Complainant); err != nil {
		return nil, err
	}
	if e.MonitoringPointID, err = identifier("monitoringPointId", cmd.MonitoringPointID, false); err != nil {
		return nil, err
	}
	if e.RespondentDepartmentID, err = identifier("respondentDepartmentId", cmd.RespondentDepartmentID, false); err != nil {
		return nil, err
	}
	if e.VisitID, err = identifier("visitId", cmd.VisitID, false); err != nil {
		return nil, err
	}
	if e.Categories, err = codes("categories", cmd.Categories, tax.Categories, true); err != nil {
		return nil, err
	}
	if e.IssueTypes, err = codes("issueTypes", cmd.IssueTypes, tax.IssueTypes, false); err != nil {
		return nil, err
	}
	if e.Title, err = text("title", cmd.Title, MaxTitle, true, false); err != nil {
		return nil, err
	}
	if e.Description, err = text("description", cmd.Description, MaxDescription, true, true); err != nil {
		return nil, err
	}
	return []Event{e}, nil
}

func validComplainant(in Complainant) (Complainant, error) {
	out := Complainant{Anonymous: in.Anonymous, ConsentToDisclose: in.ConsentToDisclose}
	var err error
	fields := []struct {
		name string
		in   string
		out  *string
		max  int
	}{
		{"complainant.name", in.Name, &out.Name, 100},
		{"complainant.phone", in.Phone, &out.Phone, 40},
		{"complainant.idNumber", in.IDNumber, &out.IDNumber, 40},
		{"complainant.address", in.Address, &out.Address, MaxShortText},
		{"complainant.contact", in.Contact, &out.Contact, MaxShortText},
	}
	for _, f := range fields {
		if *f.out, err = text(f.name, f.in, f.max, false, false); err != nil {
			return Complainant{}, err
		}
	}
	if out.Anonymous && out != (Complainant{Anonymous: true, ConsentToDisclose: out.ConsentToDisclose}) {
		return Complainant{}, domain.Invalid("complainant.anonymous", "an anonymous complaint carries no personal data")
	}
	if !out.Anonymous && out.Name == "" && out.Phone == "" && out.Contact == "" {
		return Complainant{}, domain.Invalid("complainant", "needs a name, phone or contact, or anonymous: true")
	}
	return out, nil
}

// Accept takes the complaint on (受理) and decides how it is handled: by the
// center (direct, self) or by a department (referral, supervised; then refer
// it next).
type Accept struct {
	Mode string `json:"mode" rule:"required,enum=modes" desc:"How the case is handled: direct (直查快办) and self (自办) by the center, referral (转办) or supervised referral (督办) to a department" example:"self"`
	Note string `json:"note,omitempty" rule:"max=4000" desc:"A note on the intake decision"`
}

func (c *Case) accept(cmd Accept, env Env) ([]Event, error) {
	mode, err := oneOf("mode", cmd.Mode, modes, true)
	if err != nil {
		return nil, err
	}
	note, err := text("note", cmd.Note, MaxNote, false, true)
	if err != nil {
		return nil, err
	}
	return []Event{CaseAccepted{Mode: mode, Note: note, At: env.Now}}, nil
}

// NotAccept declines the complaint (不予受理), with the reason the
// complainant will be told.
type NotAccept struct {
	Reason string `json:"reason" rule:"required,max=4000" desc:"Why the complaint is not accepted (不予受理)" example:"属民事纠纷，不属受理范围"`
}

func (c *Case) notAccept(cmd NotAccept, env Env) ([]Event, error) {
	reason, err := text("reason", cmd.Reason, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	return []Event{CaseNotAccepted{Reason: reason, At: env.Now}}, nil
}

// Refer hands the case to a department (转办). A case still awaiting intake
// is accepted for referral on the way; a returned case goes to another
// department than the one that returned it.
type Refer struct {
	DepartmentID string `json:"departmentId" rule:"required,format=id" desc:"The active department the case is referred to (转办)" example:"city-construction"`
	Note         string `json:"note,omitempty" rule:"max=4000" desc:"A note for the department" example:"请两个工作日内反馈"`
}

func (c *Case) refer(cmd Refer, env Env) ([]Event, error) {
	dept, err := identifier("departmentId", cmd.DepartmentID, true)
	if err != nil {
		return nil, err
	}
	if c.Status == StatusReturned && dept == c.ReturnedBy {
		return nil, domain.Invalid("departmentId", "department %s has just returned this case; refer it to another one", dept)
	}
	note, err := text("note", cmd.Note, MaxNote, false, true)
	if err != nil {
		return nil, err
	}
	// From filed, the referral is the intake decision too (accepted for
	// referral); from accepted, the mode is referral or supervised (the
	// center-handled modes go straight to in_progress). One event either way:
	// a command of one event is one plain append, the cheapest the log has.
	return []Event{CaseReferred{DepartmentID: dept, Note: note, At: env.Now}}, nil
}

// DecideExtension grants or denies an extension request. A grant may set
// another due date than the one requested; by default it is the requested
// one. A denial needs a reason.
type DecideExtension struct {
	RequestID string `json:"requestId" rule:"format=id" desc:"The extension request; filled from the path"`
	Grant     bool   `json:"grant" desc:"true grants the extension, false denies it" example:"true"`
	DueDate   string `json:"dueDate,omitempty" rule:"format=date" desc:"With a grant: another closure date than the requested one (a working day after the closure deadline); without it the requested date"`
	Reason    string `json:"reason,omitempty" rule:"max=4000" desc:"Required with a denial, refused with a grant"`
}

func (c *Case) decideExtension(cmd DecideExtension, env Env) ([]Event, error) {
	id, err := identifier("requestId", cmd.RequestID, true)
	if err != nil {
		return nil, err
	}
	var due, reason string
	if cmd.Grant {
		if cmd.DueDate != "" {
			if due, err = extensionDate("dueDate", cmd.DueDate, env); err != nil {
				return nil, err
			}
		}
		if cmd.Reason != "" {
			return nil, domain.Invalid("reason", "is given only with a denial")
		}
	} else {
		if cmd.DueDate != "" {
			return nil, domain.Invalid("dueDate", "is given only with a grant")
		}
		if reason, err = text("reason", cmd.Reason, MaxNote, true, true); err != nil {
			return nil, err
		}
	}
	x := c.extension(id)
	if x == nil {
		return nil, domain.NotFound("requestId", "no extension request %s", id)
	}
	if x.Status != ExtensionStatusPending {
		return nil, c.conflict(StepDecideExtension, "extension request %s is already %s", id, x.Status)
	}
	if !cmd.Grant {
		return []Event{ExtensionDenied{RequestID: id, Reason: reason, At: env.Now}}, nil
	}
	if due == "" {
		// The requested date, checked again: the deadline may have moved
		// since it was asked for.
		if due, err = extensionDate("dueDate", x.RequestedDueDate, env); err != nil {
			return nil, err
		}
	}
	return []Event{ExtensionGranted{RequestID: id, DueDate: due, At: env.Now}}, nil
}

// Suspend stops the clocks while the case waits on the complainant.
type Suspend struct {
	Reason string `json:"reason" rule:"required,max=4000" desc:"Why the case waits on the complainant (中止): the clocks stop" example:"等待投诉人补充材料"`
}

func (c *Case) suspend(cmd Suspend, env Env) ([]Event, error) {
	reason, err := text("reason", cmd.Reason, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	return []Event{CaseSuspended{Reason: reason, At: env.Now}}, nil
}

// Resume restarts the clocks of a suspended case.
type Resume struct {
	Note string `json:"note,omitempty" rule:"max=4000" desc:"A note on resuming"`
}

func (c *Case) resume(cmd Resume, env Env) ([]Event, error) {
	note, err := text("note", cmd.Note, MaxNote, false, true)
	if err != nil {
		return nil, err
	}
	return []Event{CaseResumed{Note: note, At: env.Now}}, nil
}

// OrderSupervision orders supervision of the case: urge (催办), supervise
// (督办) or flag (挂牌督办). Source defaults to supervisor.
type OrderSupervision struct {
	Level  string `json:"level" rule:"required,enum=supervisionLevels" desc:"The level of supervision: urge (催办), supervise (督办) or flag (挂牌督办)" example:"supervise"`
	Note   string `json:"note,omitempty" rule:"max=4000" desc:"A note on the order"`
	Source string `json:"source,omitempty" rule:"enum=supervisionSources" desc:"Who orders it; set by the service (an order by hand is the supervisor's)"`
}

func (c *Case) orderSupervision(cmd OrderSupervision, env Env) ([]Event, error) {
	level, err := oneOf("level", cmd.Level, supervisionLevels, true)
	if err != nil {
		return nil, err
	}
	source, err := oneOf("source", cmd.Source, supervisionSources, false)
	if err != nil {
		return nil, err
	}
	if source == "" {
		source = SourceSupervisor
	}
	note, err := text("note", cmd.Note, MaxNote, false, true)
	if err != nil {
		return nil, err
	}
	return []Event{SupervisionOrdered{Level: level, Note: note, Source: source, At: env.Now}}, nil
}

// RequireRectification orders the department to put things right (整改),
// item by item, by a due date. It needs a finding that holds the complaint
// (partly) true, and no other rectification open.
type RequireRectification struct {
	Items   []string `json:"items" rule:"required,maxItems=20,maxLength=500" desc:"What must be put right (整改), one line each" example:"退还违规收取的费用"`
	DueDate string   `json:"dueDate" rule:"required,format=date" desc:"The date the rectification is due, after today and within a year"`
}

func (c *Case) requireRectification(cmd RequireRectification, env Env) ([]Event, error) {
	if err := c.guard(StepRequireRectification); err != nil {
		return nil, err
	}
	items, err := lines("items", cmd.Items, MaxItems, MaxItem)
	if err != nil {
		return nil, err
	}
	due, err := dueDate("dueDate", cmd.DueDate, env)
	if err != nil {
		return nil, err
	}
	id := fmt.Sprintf("rect-%d", len(c.Rectifications)+1)
	return []Event{RectificationRequired{RectificationID: id, Items: items, DueDate: due, At: env.Now}}, nil
}

// VerifyRectification checks the department's report: accepted closes the
// rectification, rejected sends it back for another report.
type VerifyRectification struct {
	RectificationID string `json:"rectificationId" rule:"format=id" desc:"The rectification; filled from the path"`
	Accepted        bool   `json:"accepted" desc:"true accepts the report, false sends it back" example:"true"`
	Note            string `json:"note,omitempty" rule:"max=4000" desc:"Required when the report is not accepted"`
}

func (c *Case) verifyRectification(cmd VerifyRectification, env Env) ([]Event, error) {
	id, err := identifier("rectificationId", cmd.RectificationID, true)
	if err != nil {
		return nil, err
	}
	note, err := text("note", cmd.Note, MaxNote, !cmd.Accepted, true)
	if err != nil {
		return nil, err
	}
	r := c.rectification(id)
	if r == nil {
		return nil, domain.NotFound("rectificationId", "no rectification %s", id)
	}
	if r.Status != RectificationStatusReported {
		return nil, c.conflict(StepVerifyRectification, "rectification %s is %s, not reported", id, r.Status)
	}
	return []Event{RectificationVerified{RectificationID: id, Accepted: cmd.Accepted, Note: note, At: env.Now}}, nil
}

// RecordAccountability records a measure against a responsible official or
// unit (责任追究). It needs a finding that holds the complaint (partly) true.
type RecordAccountability struct {
	Subject string `json:"subject" rule:"required,max=200" desc:"Who is held to account (责任追究): an official or a unit" example:"收费科科长"`
	Measure string `json:"measure" rule:"required,enum=measures" desc:"The measure: criticism (通报批评), admonition (诫勉谈话), transfer (调离), sanction (处分) or dismissal (免职)" example:"criticism"`
	Note    string `json:"note,omitempty" rule:"max=4000" desc:"A note on the measure"`
}

func (c *Case) recordAccountability(cmd RecordAccountability, env Env) ([]Event, error) {
	if err := c.guard(StepRecordAccountability); err != nil {
		return nil, err
	}
	subject, err := text("subject", cmd.Subject, MaxShortText, true, false)
	if err != nil {
		return nil, err
	}
	measure, err := oneOf("measure", cmd.Measure, measures, true)
	if err != nil {
		return nil, err
	}
	note, err := text("note", cmd.Note, MaxNote, false, true)
	if err != nil {
		return nil, err
	}
	return []Event{AccountabilityRecorded{Subject: subject, Measure: measure, Note: note, At: env.Now}}, nil
}

// Reply answers the complainant (答复): every complaint gets an answer, the
// ones not accepted too.
type Reply struct {
	Message string `json:"message" rule:"required,max=10000" desc:"The answer to the complainant (答复), as sent to them" example:"您反映的问题已办结"`
	Method  string `json:"method" rule:"required,enum=replyMethods" desc:"How the answer was given" example:"phone"`
}

func (c *Case) reply(cmd Reply, env Env) ([]Event, error) {
	message, err := text("message", cmd.Message, MaxReply, true, true)
	if err != nil {
		return nil, err
	}
	method, err := oneOf("method", cmd.Method, replyMethods, true)
	if err != nil {
		return nil, err
	}
	return []Event{ComplainantReplied{Message: message, Method: method, At: env.Now}}, nil
}

// RecordSatisfaction records the complainant's verdict on the reply (回访),
// once per reply.
type RecordSatisfaction struct {
	Level string `json:"level" rule:"required,enum=satisfactionLevels" desc:"The complainant's verdict at the follow-up (回访)" example:"satisfied"`
	Note  string `json:"note,omitempty" rule:"max=4000" desc:"A note on the follow-up"`
}

func (c *Case) recordSatisfaction(cmd RecordSatisfaction, env Env) ([]Event, error) {
	if err := c.guard(StepRecordSatisfaction); err != nil {
		return nil, err
	}
	level, err := oneOf("level", cmd.Level, satisfactionLevels, true)
	if err != nil {
		return nil, err
	}
	note, err := text("note", cmd.Note, MaxNote, false, true)
	if err != nil {
		return nil, err
	}
	return []Event{SatisfactionRecorded{Level: level, Note: note, At: env.Now}}, nil
}

// Reopen sends a case back to be handled again (重办) when the complainant
// was dissatisfied with the answer.
type Reopen struct {
	Reason string `json:"reason" rule:"required,max=4000" desc:"Why the case is handled again (重办)" example:"投诉人不满意处理结果"`
}

func (c *Case) reopen(cmd Reopen, env Env) ([]Event, error) {
	if err := c.guard(StepReopen); err != nil {
		return nil, err
	}
	reason, err := text("reason", cmd.Reason, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	return []Event{CaseReopened{Reason: reason, At: env.Now}}, nil
}

// Close files the answered case away (归档). Every complainant gets a
// follow-up (回访): closing without one recorded needs the reason it could
// not be done; closing although the complainant was dissatisfied, instead
// of reopening the case, needs a reason too.
type Close struct {
	Note string `json:"note,omitempty" rule:"max=4000" desc:"A note on closing (归档)"`
	// Reason is why a case whose complainant was dissatisfied is closed
	// rather than reopened.
	Reason string `json:"reason,omitempty" rule:"max=4000" desc:"Required when the complainant was dissatisfied (instead of reopening the case), refused otherwise"`
	// NoFollowUp is why no follow-up was recorded: unreachable, anonymous
	// or declined.
	NoFollowUp string `json:"noFollowUp,omitempty" rule:"enum=noFollowUp" desc:"Required when no follow-up (回访) was recorded: why there was none; refused when one was"`
}

func (c *Case) close(cmd Close, env Env) ([]Event, error) {
	note, err := text("note", cmd.Note, MaxNote, false, true)
	if err != nil {
		return nil, err
	}
	var reason, noFollowUp string
	switch c.Satisfaction {
	case "":
		if noFollowUp, err = oneOf("noFollowUp", cmd.NoFollowUp, noFollowUpReasons, true); err != nil {
			return nil, err
		}
	default:
		if cmd.NoFollowUp != "" {
			return nil, domain.Invalid("noFollowUp", "the follow-up is recorded (%s)", term(satisfactionLevels, c.Satisfaction))
		}
	}
	if c.Satisfaction == SatisfactionDissatisfied {
		if reason, err = text("reason", cmd.Reason, MaxNote, true, true); err != nil {
			return nil, err
		}
	} else if cmd.Reason != "" {
		return nil, domain.Invalid("reason", "is given only when the complainant was dissatisfied")
	}
	return []Event{CaseClosed{Note: note, Reason: reason, NoFollowUp: noFollowUp, At: env.Now}}, nil
}

// The steps of the center's commands.
func (FileComplaint) Step() Step        { return StepFile }
func (Accept) Step() Step               { return StepAccept }
func (NotAccept) Step() Step            { return StepNotAccept }
func (Refer) Step() Step                { return StepRefer }
func (DecideExtension) Step() Step      { return StepDecideExtension }
func (Suspend) Step() Step              { return StepSuspend }
func (Resume) Step() Step               { return StepResume }
func (OrderSupervision) Step() Step     { return StepOrderSupervision }
func (RequireRectification) Step() Step { return StepRequireRectification }
func (VerifyRectification) Step() Step  { return StepVerifyRectification }
func (RecordAccountability) Step() Step { return StepRecordAccountability }
func (Reply) Step() Step                { return StepReply }
func (RecordSatisfaction) Step() Step   { return StepRecordSatisfaction }
func (Reopen) Step() Step               { return StepReopen }
func (Close) Step() Step                { return StepClose }

// Shred returns the event of destroying the case's personal data (the
// service destroys the key that sealed it).
func (c *Case) Shred(reason string, now time.Time) ([]Event, error) {
	if c.Status == StatusNone {
		return nil, domain.NotFound("id", "no case %s", c.ID)
	}
	if c.PersonalDataRemoved {
		return nil, domain.StateConflict("the personal data of case %s was already destroyed", c.ID)
	}
	r, err := text("reason", reason, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	return []Event{PersonalDataShredded{Reason: r, At: now}}, nil
}
