package complaint

import "fmt"

// Summary is a one-line, human-readable account of an event for a case's
// timeline. It never contains the complainant's personal data.
func Summary(e Event, tax Taxonomy) string {
	switch e := e.(type) {
	case ComplaintFiled:
		return fmt.Sprintf("Complaint registered via %s: %s", Label(tax.Channels, e.Channel), e.Title)
	case CaseReferred:
		return fmt.Sprintf("Referred to department %s (转办)", e.DepartmentID)
	case CaseResolved:
		return fmt.Sprintf("Resolved (办结): %s", Label(tax.Outcomes, e.Outcome))
	default:
		return e.EventType()
	}
}
