package complaint

import (
	"time"

	"github.com/watchpost/watchpost/domain"
)

// ClockSkew is how far in the future a reported time may lie before it is
// refused: the clocks of the machines that send requests are not exact.
const ClockSkew = time.Minute

// earliest is the earliest receivedAt accepted; anything before is a typo.
var earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// FileComplaint registers a complaint.
type FileComplaint struct {
	Channel                string
	ReceivedAt             time.Time // zero: now
	Complainant            Complainant
	MonitoringPointID      string
	RespondentDepartmentID string
	Categories             []string
	IssueTypes             []string
	Title                  string
	Description            string
}

// File opens the case id with a complaint. c must be the empty case.
func (c *Case) File(id string, cmd FileComplaint, tax Taxonomy, now time.Time) ([]Event, error) {
	if err := c.check(StepFile); err != nil {
		return nil, domain.StateConflict("case %s already exists", c.ID)
	}
	e := ComplaintFiled{CaseID: id, At: now}
	var err error
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
		return nil, domain.Invalid("receivedAt", "lies before %s", earliest.Format("2006-01-02"))
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

// Refer hands the case to a department (转办).
type Refer struct {
	DepartmentID string
	Note         string
}

// Refer returns the events of referring the case.
func (c *Case) Refer(cmd Refer, now time.Time) ([]Event, error) {
	if err := c.check(StepRefer); err != nil {
		return nil, err
	}
	dept, err := identifier("departmentId", cmd.DepartmentID, true)
	if err != nil {
		return nil, err
	}
	note, err := text("note", cmd.Note, MaxNote, false, true)
	if err != nil {
		return nil, err
	}
	return []Event{CaseReferred{DepartmentID: dept, Note: note, At: now}}, nil
}

// Resolve closes the handling of the case with an outcome (办结).
type Resolve struct {
	Outcome string
	Summary string
	// DepartmentID is set when a department resolves: it must be the
	// department the case is referred to.
	DepartmentID string
}

// Resolve returns the events of resolving the case.
func (c *Case) Resolve(cmd Resolve, tax Taxonomy, now time.Time) ([]Event, error) {
	if err := c.check(StepResolve); err != nil {
		return nil, err
	}
	if err := c.checkDepartment(cmd.DepartmentID); err != nil {
		return nil, err
	}
	if !has(tax.Outcomes, cmd.Outcome) {
		if cmd.Outcome == "" {
			return nil, domain.Invalid("outcome", "is required")
		}
		return nil, domain.Invalid("outcome", "%q is not a known outcome", cmd.Outcome)
	}
	summary, err := text("summary", cmd.Summary, MaxNote, true, true)
	if err != nil {
		return nil, err
	}
	return []Event{CaseResolved{Outcome: cmd.Outcome, Summary: summary, At: now}}, nil
}

// checkDepartment refuses a department acting on a case that is not
// referred to it. It answers "not found": a department does not learn of
// other departments' cases.
func (c *Case) checkDepartment(dept string) error {
	if dept != "" && dept != c.DepartmentID {
		return domain.NotFound("id", "no case %s", c.ID)
	}
	return nil
}
