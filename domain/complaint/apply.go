package complaint

import (
	"fmt"
	"slices"
	"time"
)

// Apply moves the case by one recorded event. It trusts the event (the
// decision was taken when it was recorded, under the rules of that day, so
// it does not consult today's lifecycle table) but refuses an event that
// cannot belong to this case, which would mean a corrupt history.
func (c *Case) Apply(e Event) error {
	if e == nil {
		return fmt.Errorf("complaint: nil event")
	}
	if c.Status == StatusNone && e.EventType() != TypeComplaintFiled {
		return fmt.Errorf("complaint: %s before ComplaintFiled", e.EventType())
	}
	var at time.Time
	switch e := e.(type) {
	case ComplaintFiled:
		if c.Status != StatusNone {
			return fmt.Errorf("complaint: case %s filed twice", c.ID)
		}
		c.ID = e.CaseID
		c.Status = StatusFiled
		c.Channel = e.Channel
		c.ReceivedAt = e.ReceivedAt
		c.FiledAt = e.At
		c.Complainant = e.Complainant
		c.SealedComplainant = e.SealedComplainant
		c.TrackingHash = e.TrackingHash
		c.MonitoringPointID = e.MonitoringPointID
		c.RespondentDepartmentID = e.RespondentDepartmentID
		c.VisitID = e.VisitID
		c.Categories = slices.Clone(e.Categories)
		c.IssueTypes = slices.Clone(e.IssueTypes)
		c.Title = e.Title
		c.Description = e.Description
		at = e.At

	case CaseAccepted:
		c.Mode = e.Mode
		c.AcceptedAt = e.At
		c.NotAcceptedReason = ""
		if centerMode(e.Mode) {
			c.Status = StatusInProgress
			c.HandledBy = HandledByCenter
		} else {
			c.Status = StatusAccepted
		}
		at = e.At

	case CaseNotAccepted:
		c.Status = StatusNotAccepted
		c.NotAcceptedReason = e.Reason
		at = e.At

	case CaseReferred:
		if c.Status == StatusFiled {
			// Referred straight from intake: accepted for referral.
			c.Mode = ModeReferral
			c.AcceptedAt = e.At
		}
		c.Status = StatusReferred
		c.HandledBy = HandledByDepartment
		c.DepartmentID = e.DepartmentID
		c.ReferredAt = e.At
		c.Referrals++
		// A referral starts both clocks afresh: no acknowledgment, response
		// or extension of an earlier referral carries over.
		c.AcknowledgedAt = time.Time{}
		c.RespondedAt = time.Time{}
		c.ExtendedDueDate = ""
		at = e.At

	case ReferralAcknowledged:
		c.Status = StatusInProgress
		c.AcknowledgedAt = e.At
		at = e.At

	case ReferralReturned:
		c.Status = StatusReturned
		c.ReturnedBy = e.DepartmentID
		if c.ReturnedBy == "" {
			c.ReturnedBy = c.DepartmentID
		}
		c.ReturnedAt = e.At
		c.Returns++
		c.DepartmentID = ""
		c.HandledBy = ""
		c.Extensions = slices.Clone(c.Extensions)
		if x := c.pendingExtension(); x != nil {
			x.Status = ExtensionStatusLapsed
			x.DecidedAt = e.At
		}
		at = e.At

	case ResponseRecorded:
		c.RespondedAt = e.At
		at = e.At

	case ExtensionRequested:
		c.Extensions = append(slices.Clone(c.Extensions), Extension{
			RequestID: e.RequestID, DepartmentID: c.DepartmentID, RequestedDueDate: e.DueDate,
			Reason: e.Reason, Status: ExtensionStatusPending, RequestedAt: e.At,
		})
		at = e.At

	case ExtensionGranted:
		c.Extensions = slices.Clone(c.Extensions)
		x := c.extension(e.RequestID)
		if x == nil {
			return fmt.Errorf("complaint: case %s: %s of unknown request %q", c.ID, e.EventType(), e.RequestID)
		}
		x.Status = ExtensionStatusGranted
		x.GrantedDueDate = e.DueDate
		x.DecidedAt = e.At
		c.ExtendedDueDate = e.DueDate
		at = e.At

	case ExtensionDenied:
		c.Extensions = slices.Clone(c.Extensions)
		x := c.extension(e.RequestID)
		if x == nil {
			return fmt.Errorf("complaint: case %s: %s of unknown request %q", c.ID, e.EventType(), e.RequestID)
		}
		x.Status = ExtensionStatusDenied
		x.DenialReason = e.Reason
		x.DecidedAt = e.At
		at = e.At

	case CaseSuspended:
		c.ResumeStatus = c.Status
		c.Status = StatusSuspended
		c.SuspendedAt = e.At
		c.Suspensions++
		at = e.At

	case CaseResumed:
		c.Status = c.ResumeStatus
		if c.Status == "" {
			c.Status = StatusInProgress
		}
		c.ResumeStatus = ""
		c.SuspendedAt = time.Time{}
		at = e.At

	case SupervisionOrdered:
		c.Supervisions++
		c.SupervisionLevel = max(c.SupervisionLevel, SupervisionRank(e.Level))
		at = e.At

	case InvestigationRecorded:
		c.Finding = e.Finding
		c.FindingAt = e.At
		at = e.At

	case RectificationRequired:
		c.Rectifications = append(slices.Clone(c.Rectifications), Rectification{
			ID: e.RectificationID, Items: slices.Clone(e.Items), DueDate: e.DueDate,
			Status: RectificationStatusRequired, RequiredAt: e.At,
		})
		at = e.At

	case RectificationReported:
		c.Rectifications = slices.Clone(c.Rectifications)
		r := c.rectification(e.RectificationID)
		if r == nil {
			return fmt.Errorf("complaint: case %s: %s of unknown rectification %q", c.ID, e.EventType(), e.RectificationID)
		}
		r.Status = RectificationStatusReported
		r.ReportedAt = e.At
		at = e.At

	case RectificationVerified:
		c.Rectifications = slices.Clone(c.Rectifications)
		r := c.rectification(e.RectificationID)
		if r == nil {
			return fmt.Errorf("complaint: case %s: %s of unknown rectification %q", c.ID, e.EventType(), e.RectificationID)
		}
		r.VerifiedAt = e.At
		if e.Accepted {
			r.Status = RectificationStatusAccepted
		} else {
			r.Status = RectificationStatusRejected
			r.Rejections++
		}
		at = e.At

	case AccountabilityRecorded:
		c.Accountabilities = append(slices.Clone(c.Accountabilities),
			Accountability{Subject: e.Subject, Measure: e.Measure, At: e.At})
		at = e.At

	case CaseResolved:
		c.Status = StatusResolved
		c.Resolution = &Resolution{Outcome: e.Outcome, Summary: e.Summary, At: e.At}
		at = e.At

	case ComplainantReplied:
		c.Status = StatusReplied
		c.RepliedAt = e.At
		c.ReplyMethod = e.Method
		c.Satisfaction = ""
		c.SatisfactionAt = time.Time{}
		at = e.At

	case SatisfactionRecorded:
		c.Satisfaction = e.Level
		c.SatisfactionAt = e.At
		at = e.At

	case CaseReopened:
		// Back to whoever handled it, with a new closure clock: the
		// outcome, the reply and the verdict of the last round are history.
		c.Status = StatusInProgress
		c.Reopens++
		c.ReopenedAt = e.At
		c.Resolution = nil
		c.RepliedAt = time.Time{}
		c.ReplyMethod = ""
		c.Satisfaction = ""
		c.SatisfactionAt = time.Time{}
		c.ExtendedDueDate = ""
		at = e.At

	case CaseClosed:
		c.Status = StatusClosed
		c.ClosedAt = e.At
		at = e.At

	case PersonalDataShredded:
		c.Complainant = c.Complainant.Flags()
		c.SealedComplainant = ""
		c.PersonalDataRemoved = true
		at = e.At

	case DeadlineApproaching, ResponseOverdue, ClosureOverdue, RectificationOverdue, Escalated:
		f, _ := DeadlineFactsOf(e)
		if f.Level > 0 {
			c.SupervisionLevel = max(c.SupervisionLevel, f.Level)
			c.Escalations++
		}
		at = eventTime(e)

	default:
		return fmt.Errorf("complaint: cannot apply %T", e)
	}
	c.Version++
	c.UpdatedAt = at
	return nil
}

// centerMode reports whether an intake mode leaves the case with the center.
func centerMode(mode string) bool { return mode == ModeDirect || mode == ModeSelf }
