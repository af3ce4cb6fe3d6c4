package reports

import (
	"context"
	"slices"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/report"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Draft is what a supervisor writes: the report's text, the findings it
// rests on and any cases picked by hand (the findings' cases are added).
type Draft struct {
	Title           string   `json:"title" rule:"required,max=100"`
	Summary         string   `json:"summary" rule:"required,max=2000"`
	Analysis        string   `json:"analysis,omitempty" rule:"max=20000"`
	Recommendations string   `json:"recommendations,omitempty" rule:"max=10000"`
	Findings        []string `json:"findings,omitempty"`
	Cases           []string `json:"cases,omitempty"`
}

// Edit is a partial change of a draft: nil fields stay. New findings bring
// their cases; Cases, when given, are the cases picked by hand.
type Edit struct {
	Title           *string   `json:"title,omitempty"`
	Summary         *string   `json:"summary,omitempty"`
	Analysis        *string   `json:"analysis,omitempty"`
	Recommendations *string   `json:"recommendations,omitempty"`
	Findings        *[]string `json:"findings,omitempty"`
	Cases           *[]string `json:"cases,omitempty"`
}

// DraftReport opens a special report. Its id is derived from the command's
// id, so a draft sent again with the same idempotency key is one report.
//
// Who (for this, EditReport and SubmitReport): supervisors.
func (s *Service) DraftReport(ctx context.Context, p access.Principal, meta eventstore.Metadata, in Draft) (ReportView, error) {
	if err := access.Permit(p, access.DraftSpecialReport); err != nil {
		return ReportView{}, err
	}
	cases, err := s.casesBehind(ctx, in.Findings, in.Cases)
	if err != nil {
		return ReportView{}, err
	}
	c := report.Content{Title: in.Title, Summary: in.Summary, Analysis: in.Analysis, Recommendations: in.Recommendations,
		Findings: in.Findings, Cases: cases}
	id := report.IDFor(meta.CommandID)
	return s.doReport(ctx, p, "draft_special_report", id, meta, func(r *report.State, now time.Time) ([]report.Event, error) {
		return r.Draft(id, c, p.TokenID, now)
	})
}

// EditReport changes a draft.
func (s *Service) EditReport(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, ed Edit) (ReportView, error) {
	if err := access.Permit(p, access.DraftSpecialReport); err != nil {
		return ReportView{}, err
	}
	cur, err := s.readable(ctx, p, id)
	if err != nil {
		return ReportView{}, err
	}
	c := cur.Content
	for _, f := range []struct {
		from *string
		to   *string
	}{{ed.Title, &c.Title}, {ed.Summary, &c.Summary}, {ed.Analysis, &c.Analysis}, {ed.Recommendations, &c.Recommendations}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	if ed.Findings != nil || ed.Cases != nil {
		picked := c.Cases
		if ed.Cases != nil {
			picked = *ed.Cases
		}
		if ed.Findings != nil {
			c.Findings = *ed.Findings
		}
		if c.Cases, err = s.casesBehind(ctx, c.Findings, picked); err != nil {
			return ReportView{}, err
		}
	}
	return s.doReport(ctx, p, "edit_special_report", id, meta, func(r *report.State, now time.Time) ([]report.Event, error) {
		return r.Edit(c, now)
	})
}

// SubmitReport puts a draft up for review.
func (s *Service) SubmitReport(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string) (ReportView, error) {
	if err := access.Permit(p, access.DraftSpecialReport); err != nil {
		return ReportView{}, err
	}
	return s.doReport(ctx, p, "submit_special_report", id, meta, func(r *report.State, now time.Time) ([]report.Event, error) {
		return r.Submit(p.TokenID, now)
	})
}

// ReviewReport approves a report submitted for review, or returns it to
// its drafter with a note. The supervisor who drafted it does not review
// it.
//
// Who: supervisors.
func (s *Service) ReviewReport(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, approve bool, note string) (ReportView, error) {
	if err := access.Permit(p, access.ReviewSpecialReport); err != nil {
		return ReportView{}, err
	}
	return s.doReport(ctx, p, "review_special_report", id, meta, func(r *report.State, now time.Time) ([]report.Event, error) {
		return r.ReviewBy(approve, note, p.TokenID, now)
	})
}

// IssueReport sends an approved report to the named leaders (the ids of
// their principals, see Leaders).
//
// Who (for this and Leaders): supervisors.
func (s *Service) IssueReport(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, leaders []string) (ReportView, error) {
	if err := access.Permit(p, access.IssueSpecialReport); err != nil {
		return ReportView{}, err
	}
	known, err := s.people(ctx, access.RoleLeader)
	if err != nil {
		return ReportView{}, err
	}
	var to []report.Recipient
	for _, l := range leaders {
		i := slices.IndexFunc(known, func(k Leader) bool { return k.ID == l })
		if i < 0 {
			return ReportView{}, domain.Invalid("leaders", "%q is not the id of a leader's token in use", l)
		}
		to = append(to, report.Recipient{ID: l, Name: known[i].Name})
	}
	return s.doReport(ctx, p, "issue_special_report", id, meta, func(r *report.State, now time.Time) ([]report.Event, error) {
		return r.Issue(to, p.TokenID, now)
	})
}

// Leaders lists the leaders a report may be issued to.
func (s *Service) Leaders(ctx context.Context, p access.Principal) (LeaderList, error) {
	if err := access.Permit(p, access.IssueSpecialReport); err != nil {
		return LeaderList{}, err
	}
	list, err := s.people(ctx, access.RoleLeader)
	return LeaderList{Items: list}, err
}

// people lists the tokens of a role in use (not revoked, not expired).
func (s *Service) people(ctx context.Context, role access.Role) ([]Leader, error) {
	tokens, err := s.d.Tokens.List(ctx)
	if err != nil {
		return nil, eventstore.Database("reports: tokens", err)
	}
	now := s.d.Clock()
	out := []Leader{}
	for _, t := range tokens {
		if t.Role == auth.Role(role) && t.RevokedAt == nil && (t.ExpiresAt == nil || t.ExpiresAt.After(now)) {
			out = append(out, Leader{ID: t.ID, Name: t.Name})
		}
	}
	return out, nil
}

// Reports lists the reports the caller may read: supervisors every one (or
// those in the statuses asked for), a leader those issued to them.
//
// Who (for this, Report and PDF): supervisors, and leaders for the reports
// issued to them.
func (s *Service) Reports(ctx context.Context, p access.Principal, status []report.Status) (ReportList, error) {
	if err := access.Permit(p, access.ReadSpecialReports); err != nil {
		return ReportList{}, err
	}
	for _, st := range status {
		if !slices.Contains(report.Statuses(), st) {
			return ReportList{}, domain.Invalid("status", "%q is not a status of a special report", st)
		}
	}
	f := projections.SpecialReportFilter{Status: status}
	if p.Role != access.RoleSupervisor {
		f.Recipient = p.TokenID
	}
	list, err := projections.ListSpecialReports(ctx, s.d.Pool, f)
	if err != nil {
		return ReportList{}, err
	}
	out := ReportList{Items: []ReportLine{}}
	for _, r := range list {
		if access.CanReadSpecialReport(p, accessOf(r)) {
			out.Items = append(out.Items, reportLine(p, r))
		}
	}
	return out, nil
}

// Report reads one report with its findings, cases and charts. A leader's
// first reading is recorded as the leader's read receipt.
func (s *Service) Report(ctx context.Context, p access.Principal, id string) (ReportView, error) {
	if err := access.Permit(p, access.ReadSpecialReports); err != nil {
		return ReportView{}, err
	}
	r, err := s.opened(ctx, p, id)
	if err != nil {
		return ReportView{}, err
	}
	return s.view(ctx, p, r, true)
}

// opened reads a report the caller may read, recording a leader's receipt
// the first time. A receipt that cannot be recorded now is recorded at the
// next reading; the report is still shown.
func (s *Service) opened(ctx context.Context, p access.Principal, id string) (report.State, error) {
	r, err := s.readable(ctx, p, id)
	if err != nil || p.Role != access.RoleLeader || r.Opened(p.TokenID) {
		return r, err
	}
	meta := eventstore.Metadata{Actor: p.TokenID, ActorRole: string(p.Role), CommandID: "report-opened:" + id + ":" + p.TokenID}
	res, err := s.execReport(ctx, "open_special_report", id, meta, func(st *report.State, now time.Time) ([]report.Event, error) {
		return st.Open(p.TokenID, now)
	})
	if err == nil {
		err = s.d.Run.Settle(ctx, res.LastSeq)
	}
	if err != nil {
		s.d.Logger.Warn("could not record a read receipt", "report", id, "leader", p.TokenID, "err", err)
		return r, nil
	}
	return s.readable(ctx, p, id)
}

// FollowUpOrder is the follow-up an instruction assigns: to a department
// or to a supervisor (the id of the supervisor's token), due within a
// number of working days.
type FollowUpOrder struct {
	DepartmentID string `json:"departmentId,omitempty"`
	SupervisorID string `json:"supervisorId,omitempty"`
	Workdays     int    `json:"workdays"`
}

// Instruction is a leader's instruction (批示).
type Instruction struct {
	Text string `json:"text" rule:"required,max=2000"`
	// Supervision orders supervision on every case behind the report:
	// urge (催办), supervise (督办) or flag (挂牌督办).
	Supervision string         `json:"supervision,omitempty" rule:"enum=supervisionLevels"`
	FollowUp    *FollowUpOrder `json:"followUp,omitempty"`
}

// Instruct records a leader's instruction on a report issued to them and
// carries it out: the supervision it orders is put on every case behind
// the report (each case once: its command id comes from the report, the
// instruction and the case), and its follow-up is due at the end of the
// given working day by the calendar in force. What cannot be ordered
// within the request is ordered by the report process.
//
// Who: leaders, on the reports issued to them.
func (s *Service) Instruct(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, in Instruction) (ReportView, error) {
	if err := access.Permit(p, access.InstructSpecialReport); err != nil {
		return ReportView{}, err
	}
	cur, err := s.readable(ctx, p, id)
	if err != nil {
		return ReportView{}, err
	}
	if err := access.MayInstruct(p, accessOf(cur)); err != nil {
		return ReportView{}, err
	}
	var fu *FollowUpOrder
	if in.FollowUp != nil {
		f := *in.FollowUp
		fu = &f
		switch {
		case f.DepartmentID != "" && f.SupervisorID == "":
			if err := s.d.ActiveDepartment(ctx, "followUp.departmentId", f.DepartmentID); err != nil {
				return ReportView{}, err
			}
		case f.SupervisorID != "" && f.DepartmentID == "":
			sups, err := s.people(ctx, access.RoleSupervisor)
			if err != nil {
				return ReportView{}, err
			}
			if !slices.ContainsFunc(sups, func(l Leader) bool { return l.ID == f.SupervisorID }) {
				return ReportView{}, domain.Invalid("followUp.supervisorId", "%q is not the id of a supervisor's token in use", f.SupervisorID)
			}
		}
	}
	lc, err := s.d.Calendar(ctx)
	if err != nil {
		return ReportView{}, err
	}
	res, err := s.execReport(ctx, "instruct_special_report", id, meta, func(r *report.State, now time.Time) ([]report.Event, error) {
		o := report.Order{Text: in.Text, Supervision: in.Supervision}
		if fu != nil {
			o.FollowUp = &report.FollowUp{DepartmentID: fu.DepartmentID, SupervisorID: fu.SupervisorID, Workdays: fu.Workdays}
			if fu.Workdays >= 1 && fu.Workdays <= report.MaxFollowUpDays {
				due, err := lc.Calendar.Deadline(now, fu.Workdays)
				if err != nil {
					return nil, err
				}
				o.FollowUp.DueAt = due
			}
		}
		return r.Instruct(p.TokenID, o, now)
	})
	if err != nil {
		return ReportView{}, err
	}
	if err := s.settle(ctx, id, res.LastSeq); err != nil {
		return ReportView{}, err
	}
	for _, e := range res.Events {
		de, err := report.Decode(e.Type, e.Data)
		if err != nil {
			return ReportView{}, err
		}
		if ins, ok := de.(report.Instructed); ok && ins.Supervision != "" {
			dctx, cancel := context.WithTimeout(ctx, dispatchBudget)
			if _, err := s.dispatch(dctx, id, ins.InstructionID); err != nil {
				s.d.Logger.Warn("supervision of an instruction left to the report process", "report", id, "instruction", ins.InstructionID, "err", err)
			}
			cancel()
		}
	}
	return s.reread(ctx, p, id)
}

// dispatchBudget bounds the time an instruction's request spends ordering
// supervision; the report process orders the rest.
const dispatchBudget = 10 * time.Second

// ReportFollowUp records the follow-up of an instruction, reported back.
//
// Who (for this and CloseReport): supervisors.
func (s *Service) ReportFollowUp(ctx context.Context, p access.Principal, meta eventstore.Metadata, id, instructionID, summary string) (ReportView, error) {
	if err := access.Permit(p, access.FollowUpSpecialReport); err != nil {
		return ReportView{}, err
	}
	return s.doReport(ctx, p, "report_follow_up", id, meta, func(r *report.State, now time.Time) ([]report.Event, error) {
		return r.ReportFollowUp(instructionID, summary, p.TokenID, now)
	})
}

// CloseReport files a report away once every follow-up is reported.
func (s *Service) CloseReport(ctx context.Context, p access.Principal, meta eventstore.Metadata, id, note string) (ReportView, error) {
	if err := access.Permit(p, access.FollowUpSpecialReport); err != nil {
		return ReportView{}, err
	}
	return s.doReport(ctx, p, "close_special_report", id, meta, func(r *report.State, now time.Time) ([]report.Event, error) {
		return r.Close(note, p.TokenID, now)
	})
}

// doReport runs a command on a report and answers with the report as the
// caller now sees it.
func (s *Service) doReport(ctx context.Context, p access.Principal, name, id string, meta eventstore.Metadata,
	decide func(r *report.State, now time.Time) ([]report.Event, error)) (ReportView, error) {
	res, err := s.execReport(ctx, name, id, meta, func(r *report.State, now time.Time) ([]report.Event, error) {
		if r.Version == 0 && name != "draft_special_report" {
			return nil, domain.NotFound("id", "no special report %s", id)
		}
		return decide(r, now)
	})
	if err != nil {
		return ReportView{}, err
	}
	if err := s.settle(ctx, id, res.LastSeq); err != nil {
		return ReportView{}, err
	}
	return s.reread(ctx, p, id)
}

// reread reads a report after a command; failing now, the answer is that
// the command is stored.
func (s *Service) reread(ctx context.Context, p access.Principal, id string) (ReportView, error) {
	r, err := s.readable(ctx, p, id)
	if err != nil {
		return ReportView{}, err
	}
	return s.view(ctx, p, r, false)
}

// readable reads a report the caller may read; others are "not found".
func (s *Service) readable(ctx context.Context, p access.Principal, id string) (report.State, error) {
	if !eventstore.ValidToken(id) {
		return report.State{}, domain.NotFound("id", "no special report %s", id)
	}
	r, err := projections.GetSpecialReport(ctx, s.d.Pool, id)
	if err != nil {
		return r, err
	}
	if !access.CanReadSpecialReport(p, accessOf(r)) {
		return report.State{}, domain.NotFound("id", "no special report %s", id)
	}
	return r, nil
}

func accessOf(r report.State) access.SpecialReport {
	ids := make([]string, len(r.Recipients))
	for i, x := range r.Recipients {
		ids[i] = x.ID
	}
	return access.SpecialReport{ID: r.ID, Issued: r.Status.Issued(), Recipients: ids}
}

// casesBehind is the cases of the findings named and those picked by
// hand, refusing a finding or a case that does not exist.
func (s *Service) casesBehind(ctx context.Context, findingIDs, picked []string) ([]string, error) {
	var out []string
	if len(findingIDs) > report.MaxFindings {
		return nil, domain.Invalid("findings", "at most %d", report.MaxFindings)
	}
	for _, id := range findingIDs {
		if !finding.ValidID(id) {
			return nil, domain.Invalid("findings", "no finding %s", id)
		}
	}
	fs, err := projections.GetFindings(ctx, s.d.Pool, findingIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range findingIDs {
		i := slices.IndexFunc(fs, func(f finding.Finding) bool { return f.ID == id })
		if i < 0 {
			return nil, domain.Invalid("findings", "no finding %s", id)
		}
		out = append(out, fs[i].Cases...)
	}
	if len(picked) > report.MaxCases {
		return nil, domain.Invalid("cases", "at most %d", report.MaxCases)
	}
	var valid []string
	for _, id := range picked {
		if !eventstore.ValidToken(id) {
			return nil, domain.Invalid("cases", "no case %s", id)
		}
		valid = append(valid, id)
	}
	found, err := projections.ReportCases(ctx, s.d.Pool, valid)
	if err != nil {
		return nil, err
	}
	for _, id := range valid {
		if !slices.ContainsFunc(found, func(c projections.ReportCase) bool { return c.ID == id }) {
			return nil, domain.Invalid("cases", "no case %s", id)
		}
	}
	out = append(out, valid...)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > report.MaxCases {
		return nil, domain.Invalid("cases", "the findings and cases come to %d cases; a report rests on at most %d", len(out), report.MaxCases)
	}
	return out, nil
}

// view builds the caller's view of a report: supervisors see everything, a
// leader the report, the instructions and its own receipt.
func (s *Service) view(ctx context.Context, p access.Principal, r report.State, charts bool) (ReportView, error) {
	v := ReportView{ID: r.ID, Status: r.Status, Title: r.Title, Summary: r.Summary, Analysis: r.Analysis,
		Recommendations: r.Recommendations, Findings: []FindingView{}, Cases: []CaseLine{}, CaseCount: len(r.Cases),
		DraftedAt: r.DraftedAt, Recipients: []RecipientView{}, IssuedAt: r.IssuedAt, Instructions: []InstructionView{},
		ClosedAt: r.ClosedAt, CloseNote: r.CloseNote, UpdatedAt: r.UpdatedAt, Version: r.Version}
	all := access.SeesAllReceipts(p)
	if all {
		v.DraftedBy, v.SubmittedAt, v.Review = r.DraftedBy, r.SubmittedAt, r.Review
	}
	names := map[string]string{}
	for _, rc := range r.Recipients {
		names[rc.ID] = rc.Name
		rv := RecipientView{ID: rc.ID, Name: rc.Name}
		if all || rc.ID == p.TokenID {
			for _, rcpt := range r.Receipts {
				if rcpt.LeaderID == rc.ID {
					at := rcpt.At
					rv.OpenedAt = &at
				}
			}
		}
		v.Recipients = append(v.Recipients, rv)
	}
	for _, in := range r.Instructions {
		v.Instructions = append(v.Instructions, InstructionView{ID: in.ID, LeaderID: in.LeaderID, LeaderName: names[in.LeaderID],
			Text: in.Text, Supervision: in.Supervision, FollowUp: in.FollowUp, GivenAt: in.GivenAt, Dispatched: in.Dispatched,
			Ordered: len(in.Ordered), Skipped: in.Skipped, DispatchedAt: in.DispatchedAt, OverdueAt: in.OverdueAt, Reported: in.Reported})
	}
	fs, err := projections.GetFindings(ctx, s.d.Pool, r.Findings)
	if err != nil {
		return v, err
	}
	for _, f := range fs {
		v.Findings = append(v.Findings, findingView(f))
		if charts {
			c, err := s.chart(ctx, f.ID, f.Cell, f.LastRaised)
			if err != nil {
				return v, err
			}
			v.Charts = append(v.Charts, c)
		}
	}
	lines, err := projections.ReportCases(ctx, s.d.Pool, r.Cases)
	if err != nil {
		return v, err
	}
	for _, c := range lines {
		v.Cases = append(v.Cases, caseLine(c))
	}
	return v, nil
}
