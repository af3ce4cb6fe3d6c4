package complaint

import (
	"fmt"
	"strings"
)

// Summary is a one-line, human-readable account of an event for a case's
// timeline. It never contains the complainant's personal data: apart from
// the complaint's title it quotes no free text (reasons, notes and messages
// may mention the complainant), only codes, dates, ids and departments.
func Summary(e Event, tax Taxonomy) string {
	if s, ok := deadlineSummary(e); ok {
		return s
	}
	switch e := e.(type) {
	case ComplaintFiled:
		return fmt.Sprintf("Complaint registered via %s: %s", Label(tax.Channels, e.Channel), e.Title)
	case CaseAccepted:
		m := find(modes, e.Mode)
		return fmt.Sprintf("Accepted (受理) for %s (%s)", m.en, m.zh)
	case PersonalDataShredded:
		return "The complainant's personal data was destroyed (个人信息已销毁)"
	case CaseNotAccepted:
		return "Not accepted (不予受理)"
	case CaseReferred:
		return fmt.Sprintf("Referred to department %s (转办)", e.DepartmentID)
	case ReferralAcknowledged:
		return fmt.Sprintf("Referral acknowledged by department %s (签收)", e.DepartmentID)
	case ReferralReturned:
		return fmt.Sprintf("Returned by department %s (退单)", e.DepartmentID)
	case ResponseRecorded:
		return "Quick response recorded (快速反应)"
	case ExtensionRequested:
		return fmt.Sprintf("Extension %s requested until %s (申请延期)", e.RequestID, e.DueDate)
	case ExtensionGranted:
		return fmt.Sprintf("Extension %s granted until %s (同意延期)", e.RequestID, e.DueDate)
	case ExtensionDenied:
		return fmt.Sprintf("Extension %s denied (不同意延期)", e.RequestID)
	case CaseSuspended:
		return "Suspended, waiting on the complainant (中止)"
	case CaseResumed:
		return "Resumed (恢复办理)"
	case SupervisionOrdered:
		l, s := find(supervisionLevels, e.Level), find(supervisionSources, e.Source)
		return fmt.Sprintf("Supervision ordered: %s (%s), %s", l.en, l.zh, s.en)
	case InvestigationRecorded:
		f := find(findings, e.Finding)
		return fmt.Sprintf("Investigation finding: %s (%s)", f.en, f.zh)
	case RectificationRequired:
		return fmt.Sprintf("Rectification %s required by %s, %d item(s) (整改)", e.RectificationID, e.DueDate, len(e.Items))
	case RectificationReported:
		return fmt.Sprintf("Rectification %s reported (整改报告)", e.RectificationID)
	case RectificationVerified:
		if e.Accepted {
			return fmt.Sprintf("Rectification %s verified and accepted (整改验收通过)", e.RectificationID)
		}
		return fmt.Sprintf("Rectification %s rejected: to be reported again (整改验收不通过)", e.RectificationID)
	case AccountabilityRecorded:
		m := find(measures, e.Measure)
		return fmt.Sprintf("Accountability recorded (责任追究): %s (%s)", m.en, m.zh)
	case CaseResolved:
		return fmt.Sprintf("Resolved (办结): %s", Label(tax.Outcomes, e.Outcome))
	case ComplainantReplied:
		return fmt.Sprintf("Complainant answered %s (答复)", find(replyMethods, e.Method).en)
	case SatisfactionRecorded:
		l := find(satisfactionLevels, e.Level)
		return fmt.Sprintf("Follow-up (回访): %s (%s)", l.en, l.zh)
	case CaseReopened:
		return "Reopened for handling again (重办)"
	case CaseClosed:
		return "Closed (归档)"
	case nil:
		return ""
	default:
		return strings.TrimSpace(e.EventType())
	}
}
