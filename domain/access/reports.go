package access

import (
	"slices"

	"github.com/watchpost/watchpost/domain"
)

// The actions of the trend findings and the special reports to leaders
// (issue 12).
const (
	ReadTrendFindings     Action = "read_trend_findings"      // list findings and read one with its evidence
	DismissTrendFinding   Action = "dismiss_trend_finding"    // set a finding aside, with a reason
	RunTrendDetection     Action = "run_trend_detection"      // run the detectors now
	ReadSpecialReports    Action = "read_special_reports"     // list, read and download special reports
	DraftSpecialReport    Action = "draft_special_report"     // draft, edit and submit a report for review
	ReviewSpecialReport   Action = "review_special_report"    // approve a report or return it to its drafter
	IssueSpecialReport    Action = "issue_special_report"     // issue an approved report to named leaders
	InstructSpecialReport Action = "instruct_special_report"  // give an instruction (批示) on a report
	FollowUpSpecialReport Action = "follow_up_special_report" // report a follow-up back, and close a report
)

// reportActions says who may take each action of the findings and the
// reports. Supervisors find, draft, review and issue; leaders read what is
// issued to them and instruct; departments and monitoring points see no
// finding and no report (they learn only the supervision ordered on their
// cases, as any supervision order).
var reportActions = map[Action][]Role{
	ReadTrendFindings:     {RoleSupervisor},
	DismissTrendFinding:   {RoleSupervisor},
	RunTrendDetection:     {RoleSupervisor},
	ReadSpecialReports:    {RoleSupervisor, RoleLeader},
	DraftSpecialReport:    {RoleSupervisor},
	ReviewSpecialReport:   {RoleSupervisor},
	IssueSpecialReport:    {RoleSupervisor},
	InstructSpecialReport: {RoleLeader},
	FollowUpSpecialReport: {RoleSupervisor},
}

// SpecialReport is what the rules look at in a special report: whether it
// has been issued, and to which leaders (their principals).
type SpecialReport struct {
	ID         string
	Issued     bool
	Recipients []string
}

// CanReadSpecialReport reports whether p may see a report at all:
// supervisors every report, a leader an issued report issued to them, no
// one else any. A report the caller may not read is "not found" to it,
// so that its existence does not leak.
func CanReadSpecialReport(p Principal, r SpecialReport) bool {
	switch p.Role {
	case RoleSupervisor:
		return true
	case RoleLeader:
		return r.Issued && p.TokenID != "" && slices.Contains(r.Recipients, p.TokenID)
	}
	return false
}

// MayInstruct refuses an instruction p may not give on a report: only a
// leader, and only on a report issued to that leader (others do not learn
// that it exists).
func MayInstruct(p Principal, r SpecialReport) error {
	if err := Permit(p, InstructSpecialReport); err != nil {
		return err
	}
	if !CanReadSpecialReport(p, r) {
		return domain.NotFound("id", "no special report %s", r.ID)
	}
	return nil
}

// SeesAllReceipts reports whether p sees every leader's read receipt of a
// report (the supervisors who issued it), or only its own (a leader).
func SeesAllReceipts(p Principal) bool { return p.Role == RoleSupervisor }
