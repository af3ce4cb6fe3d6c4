package network

import (
	"fmt"
	"strconv"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// WorkstationDetails are what an administrator states about a workstation.
type WorkstationDetails struct {
	Name     string `json:"name"`
	HostUnit string `json:"hostUnit"`           // 建站单位
	Leader   string `json:"leader,omitempty"`   // 分管领导
	Office   string `json:"office,omitempty"`   // 责任处室
	District string `json:"district,omitempty"` // 县区
}

// Seminar is one of a workstation's seminars with its points.
type Seminar struct {
	ID        string    `json:"id"`
	HeldAt    time.Time `json:"heldAt"`
	Attendees int       `json:"attendees,omitempty"`
	Summary   string    `json:"summary"`
}

// Workstation is the state of one workstation.
type Workstation struct {
	ID string `json:"id"`
	WorkstationDetails
	SealedContact string    `json:"sealedContact,omitempty"`
	Active        bool      `json:"active"`
	RegisteredAt  time.Time `json:"registeredAt"`
	RetiredAt     time.Time `json:"retiredAt,omitzero"`
	RetireReason  string    `json:"retireReason,omitempty"`
	Seminars      []Seminar `json:"seminars,omitempty"`
	Version       int       `json:"version"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// Apply moves the workstation by one recorded event.
func (w *Workstation) Apply(e Event) error {
	if w.Version == 0 && e.EventType() != TypeWorkstationRegistered {
		return fmt.Errorf("workstation: %s before registration", e.EventType())
	}
	switch e := e.(type) {
	case WorkstationRegistered:
		if w.Version != 0 {
			return fmt.Errorf("workstation %s registered twice", w.ID)
		}
		*w = Workstation{ID: e.ID, WorkstationDetails: e.WorkstationDetails, SealedContact: e.SealedContact, Active: true, RegisteredAt: e.At}
		w.UpdatedAt = e.At
	case WorkstationChanged:
		w.WorkstationDetails, w.UpdatedAt = e.WorkstationDetails, e.At
		if e.SealedContact != "" {
			w.SealedContact = e.SealedContact
		}
	case WorkstationRetired:
		w.Active, w.RetiredAt, w.RetireReason, w.UpdatedAt = false, e.At, e.Reason, e.At
	case SeminarRecorded:
		w.Seminars = append(w.Seminars, Seminar{ID: e.SeminarID, HeldAt: e.HeldAt, Attendees: e.Attendees, Summary: e.Summary})
		w.UpdatedAt = e.At
	default:
		return fmt.Errorf("workstation: cannot apply %T", e)
	}
	w.Version++
	return nil
}

func validWorkstation(in WorkstationDetails) (WorkstationDetails, error) {
	var (
		out WorkstationDetails
		err error
	)
	if out.Name, err = text("name", in.Name, 100, true); err != nil {
		return out, err
	}
	if out.HostUnit, err = text("hostUnit", in.HostUnit, 100, true); err != nil {
		return out, err
	}
	if out.Leader, err = text("leader", in.Leader, 100, false); err != nil {
		return out, err
	}
	if out.Office, err = text("office", in.Office, 100, false); err != nil {
		return out, err
	}
	if out.District, err = text("district", in.District, 100, false); err != nil {
		return out, err
	}
	return out, nil
}

// Register returns the events of registering a workstation; sealed is its
// liaison's sealed contact (empty: none given).
func (w *Workstation) Register(id string, in WorkstationDetails, sealed string, now time.Time) ([]Event, error) {
	if w.Version != 0 {
		return nil, domain.StateConflict("workstation %s is already registered", id)
	}
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	det, err := validWorkstation(in)
	if err != nil {
		return nil, err
	}
	return []Event{WorkstationRegistered{ID: id, WorkstationDetails: det, SealedContact: sealed, At: now}}, nil
}

// Change returns the events of replacing a workstation's details; sealed
// replaces the liaison's contact when not empty. Nothing changed, nothing
// happens.
func (w *Workstation) Change(in WorkstationDetails, sealed string, now time.Time) ([]Event, error) {
	if w.Version == 0 {
		return nil, domain.NotFound("id", "no workstation %s", w.ID)
	}
	det, err := validWorkstation(in)
	if err != nil {
		return nil, err
	}
	if det == w.WorkstationDetails && sealed == "" {
		return nil, nil
	}
	return []Event{WorkstationChanged{WorkstationDetails: det, SealedContact: sealed, At: now}}, nil
}

// Retire returns the events of taking a workstation out of the network.
func (w *Workstation) Retire(reason string, now time.Time) ([]Event, error) {
	if w.Version == 0 {
		return nil, domain.NotFound("id", "no workstation %s", w.ID)
	}
	if !w.Active {
		return nil, domain.StateConflict("workstation %s is already retired", w.ID)
	}
	r, err := text("reason", reason, 500, true)
	if err != nil {
		return nil, err
	}
	return []Event{WorkstationRetired{Reason: r, At: now}}, nil
}

// RecordSeminar returns the events of recording a seminar.
func (w *Workstation) RecordSeminar(heldAt time.Time, attendees int, summary string, now time.Time) ([]Event, error) {
	if w.Version == 0 {
		return nil, domain.NotFound("id", "no workstation %s", w.ID)
	}
	at, err := instant("heldAt", heldAt, now)
	if err != nil {
		return nil, err
	}
	if attendees < 0 || attendees > 10000 {
		return nil, domain.Invalid("attendees", "counts from 0 to 10000 attendees")
	}
	s, err := text("summary", summary, 4000, true)
	if err != nil {
		return nil, err
	}
	return []Event{SeminarRecorded{SeminarID: "s" + strconv.Itoa(len(w.Seminars)+1), HeldAt: at, Attendees: attendees, Summary: s, At: now}}, nil
}

// SeminarsIn counts the seminars held in a year (in loc).
func (w *Workstation) SeminarsIn(year int, loc *time.Location) int {
	n := 0
	for _, s := range w.Seminars {
		if s.HeldAt.In(loc).Year() == year {
			n++
		}
	}
	return n
}

// MinSeminars is how many seminars a workstation holds a year at least
// (每年不少于两次).
const MinSeminars = 2

// ExpectsReport reports whether the workstation owes a report for month m:
// it was registered by the month's end and not retired before it began.
func (w *Workstation) ExpectsReport(m Month, loc *time.Location) bool {
	if w.Version == 0 || !w.RegisteredAt.Before(m.End(loc)) {
		return false
	}
	return w.Active || !w.RetiredAt.Before(m.Start(loc))
}
