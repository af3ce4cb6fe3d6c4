// Package report is the special report to city leaders (专报, DESIGN §4):
// drafted by a supervisor from trend findings or from cases picked by
// hand, reviewed by another supervisor, issued to named leaders, opened
// (a read receipt per leader), answered with instructions (批示) that may
// order supervision on every case behind it and assign a follow-up due in
// working days, and closed once every follow-up is reported.
//
// The report holds the ids of its cases and findings, never what the
// complainant or the reporting monitoring point are: those stay with the
// case.
package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/ladder"
)

// Status is where a report stands.
type Status string

// The statuses, in the order a report goes through them.
const (
	StatusDraft      Status = "draft"      // written, or returned by the review
	StatusInReview   Status = "in_review"  // submitted for review
	StatusApproved   Status = "approved"   // the review approved it
	StatusIssued     Status = "issued"     // sent to the leaders
	StatusInstructed Status = "instructed" // a leader gave an instruction
	StatusClosed     Status = "closed"     // filed away
)

// Statuses lists every status in order.
func Statuses() []Status {
	return []Status{StatusDraft, StatusInReview, StatusApproved, StatusIssued, StatusInstructed, StatusClosed}
}

// Issued reports whether the report has gone to its leaders.
func (s Status) Issued() bool {
	return s == StatusIssued || s == StatusInstructed || s == StatusClosed
}

// IDFor is the id of the report a drafting command creates: derived from
// the command's id, so a draft sent again with the same idempotency key is
// the same report.
func IDFor(commandID string) string {
	sum := sha256.Sum256([]byte("report\x00" + commandID))
	return "rp-" + hex.EncodeToString(sum[:10])
}

// Instruction is a leader's instruction as the report keeps it.
type Instruction struct {
	ID          string    `json:"id"`
	LeaderID    string    `json:"leaderId"`
	Text        string    `json:"text"`
	Supervision string    `json:"supervision,omitempty"`
	FollowUp    *FollowUp `json:"followUp,omitempty"`
	GivenAt     time.Time `json:"givenAt"`
	// Dispatched: the supervision is on every case it could be put on.
	Dispatched   bool       `json:"dispatched,omitempty"`
	Ordered      []string   `json:"ordered,omitempty"`
	Skipped      []Skipped  `json:"skipped,omitempty"`
	DispatchedAt *time.Time `json:"dispatchedAt,omitempty"`
	OverdueAt    *time.Time `json:"overdueAt,omitempty"`
	Reported     *Report    `json:"reported,omitempty"`
}

// Report is a follow-up reported back.
type Report struct {
	Summary string    `json:"summary"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// Receipt is a leader's first opening of the report.
type Receipt struct {
	LeaderID string    `json:"leaderId"`
	At       time.Time `json:"at"`
}

// Review is the latest verdict of the review.
type Review struct {
	Approved bool      `json:"approved"`
	Note     string    `json:"note,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// State is a report as its history leaves it.
type State struct {
	ID string `json:"id"`
	Content
	Status       Status        `json:"status"`
	DraftedBy    string        `json:"draftedBy"`
	DraftedAt    time.Time     `json:"draftedAt"`
	SubmittedAt  *time.Time    `json:"submittedAt,omitempty"`
	Review       *Review       `json:"review,omitempty"`
	Recipients   []Recipient   `json:"recipients,omitempty"`
	IssuedBy     string        `json:"issuedBy,omitempty"`
	IssuedAt     *time.Time    `json:"issuedAt,omitempty"`
	Receipts     []Receipt     `json:"receipts,omitempty"`
	Instructions []Instruction `json:"instructions,omitempty"`
	ClosedAt     *time.Time    `json:"closedAt,omitempty"`
	CloseNote    string        `json:"closeNote,omitempty"`
	UpdatedAt    time.Time     `json:"updatedAt"`
	Version      int           `json:"version"`
}

// Apply moves the report by one recorded event.
func (s *State) Apply(e Event) error {
	if s.Version == 0 && e.EventType() != TypeDrafted {
		return fmt.Errorf("report: %s before the draft", e.EventType())
	}
	switch e := e.(type) {
	case Drafted:
		if s.Version != 0 {
			return fmt.Errorf("report %s drafted twice", s.ID)
		}
		*s = State{ID: e.ID, Content: e.Content, Status: StatusDraft, DraftedBy: e.By, DraftedAt: e.At}
	case Edited:
		s.Content = e.Content
	case Submitted:
		at := e.At
		s.Status, s.SubmittedAt = StatusInReview, &at
	case Reviewed:
		s.Review = &Review{Approved: e.Approved, Note: e.Note, By: e.By, At: e.At}
		s.Status = StatusDraft
		if e.Approved {
			s.Status = StatusApproved
		}
	case Issued:
		at := e.At
		s.Status, s.Recipients, s.IssuedBy, s.IssuedAt = StatusIssued, e.Recipients, e.By, &at
	case Opened:
		s.Receipts = append(s.Receipts, Receipt{LeaderID: e.LeaderID, At: e.At})
	case Instructed:
		s.Instructions = append(s.Instructions, Instruction{ID: e.InstructionID, LeaderID: e.LeaderID, Text: e.Text,
			Supervision: e.Supervision, FollowUp: e.FollowUp, GivenAt: e.At})
		s.Status = StatusInstructed
	case SupervisionDispatched:
		in := s.instruction(e.InstructionID)
		if in == nil {
			return fmt.Errorf("report %s: no instruction %s", s.ID, e.InstructionID)
		}
		at := e.At
		in.Dispatched, in.Ordered, in.Skipped, in.DispatchedAt = true, e.Ordered, e.Skipped, &at
	case FollowUpOverdue:
		in := s.instruction(e.InstructionID)
		if in == nil {
			return fmt.Errorf("report %s: no instruction %s", s.ID, e.InstructionID)
		}
		at := e.At
		in.OverdueAt = &at
	case FollowUpReported:
		in := s.instruction(e.InstructionID)
		if in == nil {
			return fmt.Errorf("report %s: no instruction %s", s.ID, e.InstructionID)
		}
		in.Reported = &Report{Summary: e.Summary, By: e.By, At: e.At}
	case Closed:
		at := e.At
		s.Status, s.ClosedAt, s.CloseNote = StatusClosed, &at, e.Note
	default:
		return fmt.Errorf("report: cannot apply %T", e)
	}
	s.UpdatedAt = atOf(e)
	s.Version++
	return nil
}

func atOf(e Event) time.Time {
	switch e := e.(type) {
	case Drafted:
		return e.At
	case Edited:
		return e.At
	case Submitted:
		return e.At
	case Reviewed:
		return e.At
	case Issued:
		return e.At
	case Opened:
		return e.At
	case Instructed:
		return e.At
	case SupervisionDispatched:
		return e.At
	case FollowUpOverdue:
		return e.At
	case FollowUpReported:
		return e.At
	case Closed:
		return e.At
	}
	return time.Time{}
}

func (s *State) instruction(id string) *Instruction {
	for i := range s.Instructions {
		if s.Instructions[i].ID == id {
			return &s.Instructions[i]
		}
	}
	return nil
}

// Instruction returns the instruction with an id.
func (s *State) Instruction(id string) (Instruction, bool) {
	if in := s.instruction(id); in != nil {
		return *in, true
	}
	return Instruction{}, false
}

// Recipient reports whether the report was issued to the leader.
func (s *State) Recipient(leaderID string) bool {
	return slices.ContainsFunc(s.Recipients, func(r Recipient) bool { return r.ID == leaderID })
}

// Opened reports whether the leader has opened the report.
func (s *State) Opened(leaderID string) bool {
	return slices.ContainsFunc(s.Receipts, func(r Receipt) bool { return r.LeaderID == leaderID })
}

// Limits of what a report holds.
const (
	MaxTitle           = 100
	MaxSummary         = 2000
	MaxAnalysis        = 20000
	MaxRecommendations = 10000
	MaxFindings        = 20
	MaxCases           = 1000
	MaxRecipients      = 20
	MaxInstruction     = 2000
	MaxNote            = 1000
	MaxFollowUpDays    = 60
)

// Draft returns the event that opens a report. s must be the empty report.
func (s *State) Draft(id string, c Content, by string, now time.Time) ([]Event, error) {
	if s.Version != 0 {
		return nil, domain.StateConflict("report %s already exists", id)
	}
	c, err := validContent(c)
	if err != nil {
		return nil, err
	}
	return []Event{Drafted{ID: id, Content: c, By: by, At: now}}, nil
}

// Edit returns the event that replaces a draft's content; none when nothing
// changes.
func (s *State) Edit(c Content, now time.Time) ([]Event, error) {
	if err := s.in("edit", StatusDraft); err != nil {
		return nil, err
	}
	c, err := validContent(c)
	if err != nil {
		return nil, err
	}
	if sameContent(c, s.Content) {
		return nil, nil
	}
	return []Event{Edited{Content: c, At: now}}, nil
}

// Submit returns the event that puts a draft up for review.
func (s *State) Submit(by string, now time.Time) ([]Event, error) {
	if err := s.in("submit", StatusDraft); err != nil {
		return nil, err
	}
	return []Event{Submitted{By: by, At: now}}, nil
}

// ReviewBy returns the verdict of a review. The supervisor who drafted the
// report does not review it; a report returned needs a note saying why.
func (s *State) ReviewBy(approve bool, note, by string, now time.Time) ([]Event, error) {
	if err := s.in("review", StatusInReview); err != nil {
		return nil, err
	}
	if by == s.DraftedBy {
		return nil, domain.Forbidden("the supervisor who drafted a report does not review it; another supervisor does")
	}
	n, err := text("note", note, MaxNote, !approve)
	if err != nil {
		return nil, err
	}
	return []Event{Reviewed{Approved: approve, Note: n, By: by, At: now}}, nil
}

// Issue returns the event that sends the approved report to the leaders.
func (s *State) Issue(to []Recipient, by string, now time.Time) ([]Event, error) {
	if err := s.in("issue", StatusApproved); err != nil {
		return nil, err
	}
	if len(to) == 0 {
		return nil, domain.Invalid("leaders", "name at least one leader to issue the report to")
	}
	if len(to) > MaxRecipients {
		return nil, domain.Invalid("leaders", "at most %d leaders", MaxRecipients)
	}
	seen := map[string]bool{}
	for _, r := range to {
		if r.ID == "" {
			return nil, domain.Invalid("leaders", "a leader's id is empty")
		}
		if seen[r.ID] {
			return nil, domain.Invalid("leaders", "leader %s is named twice", r.ID)
		}
		seen[r.ID] = true
	}
	return []Event{Issued{Recipients: slices.Clone(to), By: by, At: now}}, nil
}

// Open returns a leader's read receipt the first time the leader opens an
// issued report, and nothing after.
func (s *State) Open(leaderID string, now time.Time) ([]Event, error) {
	if !s.Status.Issued() || !s.Recipient(leaderID) || s.Opened(leaderID) {
		return nil, nil
	}
	return []Event{Opened{LeaderID: leaderID, At: now}}, nil
}

// Order is what a leader instructs.
type Order struct {
	Text        string
	Supervision string    // "" or a supervision level: urge, supervise, flag
	FollowUp    *FollowUp // nil: no follow-up assigned
}

// Instruct returns a leader's instruction. Supervision is ordered on the
// cases behind a report once per level: an instruction asking for a level
// already ordered (or a lower one) is refused, a higher one is a new order.
func (s *State) Instruct(leaderID string, o Order, now time.Time) ([]Event, error) {
	if !s.Status.Issued() {
		return nil, domain.StateConflict("report %s has not been issued; a leader instructs on an issued report", s.ID)
	}
	if s.Status == StatusClosed {
		return nil, domain.StateConflict("report %s is closed", s.ID)
	}
	if !s.Recipient(leaderID) {
		return nil, domain.Forbidden("report %s was not issued to this leader", s.ID)
	}
	t, err := text("text", o.Text, MaxInstruction, true)
	if err != nil {
		return nil, err
	}
	if o.Supervision != "" {
		level, ok := ladder.ParseLevel(o.Supervision)
		if !ok {
			return nil, domain.Invalid("supervision", "%q is not a supervision level: urge (催办), supervise (督办) or flag (挂牌督办)", o.Supervision)
		}
		if len(s.Cases) == 0 {
			return nil, domain.StateConflict("report %s has no cases to order supervision on", s.ID)
		}
		for _, in := range s.Instructions {
			if prior, ok := ladder.ParseLevel(in.Supervision); ok && prior >= level {
				return nil, domain.StateConflict("supervision at level %s is already ordered on the cases of this report (instruction %s)",
					prior.Code(), in.ID)
			}
		}
	}
	var fu *FollowUp
	if o.FollowUp != nil {
		f := *o.FollowUp
		switch {
		case (f.DepartmentID == "") == (f.SupervisorID == ""):
			return nil, domain.Invalid("followUp", "assign the follow-up to a department or to a supervisor (one of them)")
		case f.Workdays < 1 || f.Workdays > MaxFollowUpDays:
			return nil, domain.Invalid("followUp.workdays", "a follow-up is due within 1 to %d working days", MaxFollowUpDays)
		case f.DueAt.IsZero():
			return nil, domain.Invalid("followUp.workdays", "the follow-up has no due date")
		}
		fu = &f
	}
	id := "i" + strconv.Itoa(len(s.Instructions)+1)
	return []Event{Instructed{InstructionID: id, LeaderID: leaderID, Text: t, Supervision: o.Supervision, FollowUp: fu, At: now}}, nil
}

// PendingSupervision lists the instructions whose supervision is not yet
// on the cases.
func (s *State) PendingSupervision() []Instruction {
	var out []Instruction
	for _, in := range s.Instructions {
		if in.Supervision != "" && !in.Dispatched {
			out = append(out, in)
		}
	}
	return out
}

// Dispatch returns the record that an instruction's supervision is on the
// cases, once; nothing when it already is, or when the instruction orders
// none.
func (s *State) Dispatch(instructionID string, ordered []string, skipped []Skipped, now time.Time) ([]Event, error) {
	in := s.instruction(instructionID)
	if in == nil {
		return nil, domain.NotFound("instructionId", "report %s has no instruction %s", s.ID, instructionID)
	}
	if in.Supervision == "" || in.Dispatched {
		return nil, nil
	}
	return []Event{SupervisionDispatched{InstructionID: instructionID, Ordered: slices.Clone(ordered), Skipped: slices.Clone(skipped), At: now}}, nil
}

// Overdue returns the record that an instruction's follow-up was not
// reported by its due date, once, when now is past it.
func (s *State) Overdue(instructionID string, now time.Time) ([]Event, error) {
	in := s.instruction(instructionID)
	if in == nil {
		return nil, domain.NotFound("instructionId", "report %s has no instruction %s", s.ID, instructionID)
	}
	if in.FollowUp == nil || in.Reported != nil || in.OverdueAt != nil || !now.After(in.FollowUp.DueAt) {
		return nil, nil
	}
	return []Event{FollowUpOverdue{InstructionID: instructionID, DueAt: in.FollowUp.DueAt, At: now}}, nil
}

// ReportFollowUp returns the follow-up of an instruction, reported back.
func (s *State) ReportFollowUp(instructionID, summary, by string, now time.Time) ([]Event, error) {
	if s.Status == StatusClosed {
		return nil, domain.StateConflict("report %s is closed", s.ID)
	}
	in := s.instruction(instructionID)
	if in == nil {
		return nil, domain.NotFound("instructionId", "report %s has no instruction %s", s.ID, instructionID)
	}
	if in.FollowUp == nil {
		return nil, domain.StateConflict("instruction %s assigns no follow-up", instructionID)
	}
	if in.Reported != nil {
		return nil, domain.StateConflict("the follow-up of instruction %s was already reported", instructionID)
	}
	sum, err := text("summary", summary, MaxInstruction, true)
	if err != nil {
		return nil, err
	}
	return []Event{FollowUpReported{InstructionID: instructionID, Summary: sum, By: by, At: now}}, nil
}

// Close returns the event that files the report away: it has been issued,
// and every follow-up its instructions assigned is reported.
func (s *State) Close(note, by string, now time.Time) ([]Event, error) {
	if s.Version == 0 {
		return nil, domain.NotFound("id", "no such report")
	}
	if s.Status == StatusClosed {
		return nil, domain.StateConflict("report %s is already closed", s.ID)
	}
	if !s.Status.Issued() {
		return nil, domain.StateConflict("report %s has not been issued; a draft is not closed", s.ID)
	}
	for _, in := range s.Instructions {
		if in.FollowUp != nil && in.Reported == nil {
			return nil, domain.StateConflict("the follow-up of instruction %s is not reported yet", in.ID)
		}
		if in.Supervision != "" && !in.Dispatched {
			return nil, domain.StateConflict("the supervision of instruction %s is still being ordered", in.ID)
		}
	}
	n, err := text("note", note, MaxNote, false)
	if err != nil {
		return nil, err
	}
	return []Event{Closed{Note: n, By: by, At: now}}, nil
}

// in refuses a step the report's status does not allow.
func (s *State) in(step string, allowed Status) error {
	if s.Version == 0 {
		return domain.NotFound("id", "no such report")
	}
	if s.Status != allowed {
		return domain.StateConflict("cannot %s a report that is %s", stepTerms[step], s.Status.Term())
	}
	return nil
}

// stepTerms name the steps a status may refuse.
var stepTerms = map[string]domain.Term{
	"edit":   {Code: "edit", ZH: "修改", EN: "edit"},
	"submit": {Code: "submit", ZH: "提交审核", EN: "submit"},
	"review": {Code: "review", ZH: "审核", EN: "review"},
	"issue":  {Code: "issue", ZH: "签发", EN: "issue"},
}

// Term names the status in Chinese and English.
func (s Status) Term() domain.Term {
	zh := map[Status]string{StatusDraft: "草稿", StatusInReview: "审核中", StatusApproved: "已审核", StatusIssued: "已签发",
		StatusInstructed: "已批示", StatusClosed: "已办结"}[s]
	return domain.Term{Code: string(s), ZH: zh, EN: strings.ReplaceAll(string(s), "_", " ")}
}

func validContent(c Content) (Content, error) {
	var (
		out Content
		err error
	)
	if out.Title, err = text("title", c.Title, MaxTitle, true); err != nil {
		return out, err
	}
	if out.Summary, err = text("summary", c.Summary, MaxSummary, true); err != nil {
		return out, err
	}
	if out.Analysis, err = text("analysis", c.Analysis, MaxAnalysis, false); err != nil {
		return out, err
	}
	if out.Recommendations, err = text("recommendations", c.Recommendations, MaxRecommendations, false); err != nil {
		return out, err
	}
	if out.Findings, err = ids("findings", c.Findings, MaxFindings); err != nil {
		return out, err
	}
	if out.Cases, err = ids("cases", c.Cases, MaxCases); err != nil {
		return out, err
	}
	if len(out.Cases) == 0 {
		return out, domain.Invalid("cases", "a report rests on cases: pick findings or cases")
	}
	return out, nil
}

func sameContent(a, b Content) bool {
	return a.Title == b.Title && a.Summary == b.Summary && a.Analysis == b.Analysis && a.Recommendations == b.Recommendations &&
		slices.Equal(a.Findings, b.Findings) && slices.Equal(a.Cases, b.Cases)
}

// ids sorts and deduplicates a list of ids, refusing empty ones.
func ids(field string, in []string, limit int) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, id := range in {
		id = strings.TrimSpace(id)
		if id == "" {
			return nil, domain.Invalid(field, "an id is empty")
		}
		out = append(out, id)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > limit {
		return nil, domain.Invalid(field, "at most %d", limit)
	}
	return out, nil
}
