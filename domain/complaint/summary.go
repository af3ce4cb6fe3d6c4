package complaint

import (
	"strings"

	"github.com/watchpost/watchpost/domain"
)

// Summary is a one-line account of an event for a case's timeline, as a
// message the reader's catalog writes out. It never contains the
// complainant's personal data: apart from the complaint's title it quotes no
// free text (reasons, notes and messages may mention the complainant), only
// codes, dates, ids and departments.
func Summary(e Event, tax Taxonomy) domain.Message {
	if m, ok := deadlineSummary(e); ok {
		return m
	}
	m := domain.Msg
	switch e := e.(type) {
	case ComplaintFiled:
		return m("Complaint registered via %s: %s", Label(tax.Channels, e.Channel), e.Title)
	case CaseAccepted:
		return m("Accepted (受理) for %s", term(modes, e.Mode))
	case PersonalDataShredded:
		return m("The complainant's personal data was destroyed (个人信息已销毁)")
	case CaseNotAccepted:
		return m("Not accepted (不予受理)")
	case CaseReferred:
		return m("Referred to department %s (转办)", e.DepartmentID)
	case ReferralAcknowledged:
		return m("Referral acknowledged by department %s (签收)", e.DepartmentID)
	case ReferralReturned:
		return m("Returned by department %s (退单)", e.DepartmentID)
	case ResponseRecorded:
		return m("Quick response recorded (快速反应)")
	case ExtensionRequested:
		return m("Extension %s requested until %s (申请延期)", e.RequestID, e.DueDate)
	case ExtensionGranted:
		return m("Extension %s granted until %s (同意延期)", e.RequestID, e.DueDate)
	case ExtensionDenied:
		return m("Extension %s denied (不同意延期)", e.RequestID)
	case CaseSuspended:
		return m("Suspended, waiting on the complainant (中止)")
	case CaseResumed:
		return m("Resumed (恢复办理)")
	case SupervisionOrdered:
		return m("Supervision ordered: %s, %s", term(supervisionLevels, e.Level), term(supervisionSources, e.Source))
	case InvestigationRecorded:
		return m("Investigation finding: %s", term(findings, e.Finding))
	case RectificationRequired:
		return m("Rectification %s required by %s, %d item(s) (整改)", e.RectificationID, e.DueDate, len(e.Items))
	case RectificationReported:
		return m("Rectification %s reported (整改报告)", e.RectificationID)
	case RectificationVerified:
		if e.Accepted {
			return m("Rectification %s verified and accepted (整改验收通过)", e.RectificationID)
		}
		return m("Rectification %s rejected: to be reported again (整改验收不通过)", e.RectificationID)
	case AccountabilityRecorded:
		return m("Accountability recorded (责任追究): %s", term(measures, e.Measure))
	case CaseResolved:
		return m("Resolved (办结): %s", Label(tax.Outcomes, e.Outcome))
	case ComplainantReplied:
		return m("Complainant answered %s (答复)", term(replyMethods, e.Method))
	case SatisfactionRecorded:
		return m("Follow-up (回访): %s", term(satisfactionLevels, e.Level))
	case CaseReopened:
		return m("Reopened for handling again (重办)")
	case CaseClosed:
		return m("Closed (归档)")
	case nil:
		return domain.Message{}
	default:
		return m(strings.TrimSpace(e.EventType()))
	}
}

// term is a choice as an argument of a message: its Chinese name, and in
// English its English name with the Chinese one.
func term(choices []choice, code string) domain.Term {
	c := find(choices, code)
	en := c.en
	if c.zh != c.en {
		en += " (" + c.zh + ")"
	}
	return domain.Term{Code: c.code, ZH: c.zh, EN: en}
}
