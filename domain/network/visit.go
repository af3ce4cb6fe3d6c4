package network

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// ItemKind is what a visit or a report collected: an opinion, a suggestion
// or a complaint (意见、建议、投诉).
type ItemKind string

// The kinds of items.
const (
	ItemOpinion    ItemKind = "opinion"
	ItemSuggestion ItemKind = "suggestion"
	ItemComplaint  ItemKind = "complaint"
)

func validItemKind(field string, k ItemKind) error {
	switch k {
	case ItemOpinion, ItemSuggestion, ItemComplaint:
		return nil
	case "":
		return domain.Invalid(field, "is required: opinion, suggestion or complaint")
	}
	return domain.Invalid(field, "%q is not opinion, suggestion or complaint", k)
}

// VisitItem is one thing a supervisor collected on a visit.
type VisitItem struct {
	ID           string   `json:"id"`
	Kind         ItemKind `json:"kind"`
	Text         string   `json:"text"`
	DepartmentID string   `json:"departmentId,omitempty"` // the department it concerns
	CaseID       string   `json:"caseId,omitempty"`       // the complaint it became
}

// Visit is the state of one visit.
type Visit struct {
	ID            string      `json:"id"`
	SupervisorID  string      `json:"supervisorId"`
	WorkstationID string      `json:"workstationId,omitempty"`
	PointID       string      `json:"pointId,omitempty"`
	Month         Month       `json:"month"`
	VisitedAt     time.Time   `json:"visitedAt"`
	Met           string      `json:"met"`
	Items         []VisitItem `json:"items"`
	Version       int         `json:"version"`
	UpdatedAt     time.Time   `json:"updatedAt"`
}

// Apply moves the visit by one recorded event.
func (v *Visit) Apply(e Event) error {
	if v.Version == 0 && e.EventType() != TypeVisitRecorded {
		return fmt.Errorf("visit: %s before it was recorded", e.EventType())
	}
	switch e := e.(type) {
	case VisitRecorded:
		*v = Visit{ID: e.VisitID, SupervisorID: e.SupervisorID, WorkstationID: e.WorkstationID, PointID: e.PointID,
			Month: e.Month, VisitedAt: e.VisitedAt, Met: e.Met, Items: append([]VisitItem{}, e.Items...), UpdatedAt: e.At}
	case VisitItemFiled:
		for i := range v.Items {
			if v.Items[i].ID == e.ItemID {
				v.Items[i].CaseID = e.CaseID
			}
		}
		v.UpdatedAt = e.At
	default:
		return fmt.Errorf("visit: cannot apply %T", e)
	}
	v.Version++
	return nil
}

// RecordVisit is what a supervisor records of a visit: a workstation or a
// point (one of them), when, whom they met and the items collected.
type RecordVisit struct {
	WorkstationID string      `json:"workstationId,omitempty"`
	PointID       string      `json:"pointId,omitempty"`
	VisitedAt     time.Time   `json:"visitedAt"`
	Met           string      `json:"met"`
	Items         []VisitItem `json:"items"`
}

// Record returns the events of recording a visit by a supervisor.
func (v *Visit) Record(id, supervisorID string, cmd RecordVisit, loc *time.Location, now time.Time) ([]Event, error) {
	if v.Version != 0 {
		return nil, domain.StateConflict("visit %s is already recorded", id)
	}
	if (cmd.WorkstationID == "") == (cmd.PointID == "") {
		return nil, domain.Invalid("pointId", "name either the point or the workstation visited")
	}
	if cmd.WorkstationID != "" {
		if err := checkID("workstationId", cmd.WorkstationID); err != nil {
			return nil, err
		}
	} else if err := checkID("pointId", cmd.PointID); err != nil {
		return nil, err
	}
	at, err := instant("visitedAt", cmd.VisitedAt, now)
	if err != nil {
		return nil, err
	}
	met, err := text("met", cmd.Met, 200, true)
	if err != nil {
		return nil, err
	}
	if len(cmd.Items) > 50 {
		return nil, domain.Invalid("items", "lists at most 50 visit items")
	}
	items := make([]VisitItem, 0, len(cmd.Items))
	for i, in := range cmd.Items {
		f := "items[" + strconv.Itoa(i) + "]"
		if err := validItemKind(f+".kind", in.Kind); err != nil {
			return nil, err
		}
		t, err := text(f+".text", in.Text, 4000, true)
		if err != nil {
			return nil, err
		}
		if in.DepartmentID != "" {
			if err := checkID(f+".departmentId", in.DepartmentID); err != nil {
				return nil, err
			}
		}
		items = append(items, VisitItem{ID: "i" + strconv.Itoa(i+1), Kind: in.Kind, Text: t, DepartmentID: in.DepartmentID})
	}
	return []Event{VisitRecorded{VisitID: id, SupervisorID: supervisorID, WorkstationID: cmd.WorkstationID, PointID: cmd.PointID,
		Month: MonthOf(at, loc), VisitedAt: at, Met: met, Items: items, At: now}}, nil
}

// Item finds an item of the visit.
func (v *Visit) Item(id string) (VisitItem, error) {
	for _, it := range v.Items {
		if it.ID == id {
			return it, nil
		}
	}
	return VisitItem{}, domain.NotFound("itemId", "visit %s has no item %s", v.ID, id)
}

// FileItem returns the events of recording that an item became a case.
func (v *Visit) FileItem(itemID, caseID string, now time.Time) ([]Event, error) {
	it, err := v.Item(itemID)
	if err != nil {
		return nil, err
	}
	if it.CaseID == caseID {
		return nil, nil
	}
	if it.CaseID != "" {
		return nil, domain.StateConflict("item %s of visit %s is already complaint %s", itemID, v.ID, it.CaseID)
	}
	return []Event{VisitItemFiled{ItemID: itemID, CaseID: caseID, At: now}}, nil
}

// Meetings are the center's quarterly meetings of one quarter.
type Meetings struct {
	Quarter string    `json:"quarter"`
	Held    []Meeting `json:"held"`
	Version int       `json:"version"`
}

// Meeting is one quarterly meeting.
type Meeting struct {
	HeldAt    time.Time `json:"heldAt"`
	Attendees []string  `json:"attendees"`
	Summary   string    `json:"summary"`
}

var quarterPattern = regexp.MustCompile(`^(20[0-9]{2}|2[1-2][0-9]{2})-q[1-4]$`)

// QuarterOf is the quarter an instant falls in, written 2026-q4.
func QuarterOf(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%d-q%d", t.Year(), (int(t.Month())+2)/3)
}

// Apply moves the quarter's meetings by one recorded event.
func (m *Meetings) Apply(e Event) error {
	r, ok := e.(MeetingRecorded)
	if !ok {
		return fmt.Errorf("meeting: cannot apply %T", e)
	}
	m.Quarter = r.Quarter
	m.Held = append(m.Held, Meeting{HeldAt: r.HeldAt, Attendees: r.Attendees, Summary: r.Summary})
	m.Version++
	return nil
}

// Record returns the events of recording a quarterly meeting.
func (m *Meetings) Record(heldAt time.Time, attendees []string, summary string, loc *time.Location, now time.Time) ([]Event, error) {
	at, err := instant("heldAt", heldAt, now)
	if err != nil {
		return nil, err
	}
	ws, err := idList("attendees", attendees)
	if err != nil {
		return nil, err
	}
	s, err := text("summary", summary, 4000, true)
	if err != nil {
		return nil, err
	}
	q := QuarterOf(at, loc)
	if !quarterPattern.MatchString(q) {
		return nil, domain.Invalid("heldAt", "lies outside the years the network keeps")
	}
	return []Event{MeetingRecorded{Quarter: q, HeldAt: at, Attendees: ws, Summary: s, At: now}}, nil
}
