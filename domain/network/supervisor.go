package network

import (
	"fmt"
	"slices"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// Supervisor is a 行风效能监督员: whom they are, the token they sign in
// with, and the workstations and points they look after.
type Supervisor struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	TokenID        string    `json:"tokenId,omitempty"`
	Active         bool      `json:"active"`
	WorkstationIDs []string  `json:"workstationIds"`
	PointIDs       []string  `json:"pointIds"`
	Version        int       `json:"version"`
	UpdatedAt      time.Time `json:"updatedAt"`
}

// Apply moves the supervisor by one recorded event.
func (s *Supervisor) Apply(e Event) error {
	if s.Version == 0 && e.EventType() != TypeSupervisorRegistered {
		return fmt.Errorf("supervisor: %s before registration", e.EventType())
	}
	switch e := e.(type) {
	case SupervisorRegistered:
		if s.Version != 0 {
			return fmt.Errorf("supervisor %s registered twice", s.ID)
		}
		*s = Supervisor{ID: e.ID, Name: e.Name, TokenID: e.TokenID, Active: true, WorkstationIDs: []string{}, PointIDs: []string{}}
		s.UpdatedAt = e.At
	case SupervisorChanged:
		s.Name, s.TokenID, s.Active, s.UpdatedAt = e.Name, e.TokenID, e.Active, e.At
	case SupervisorAssigned:
		s.WorkstationIDs, s.PointIDs, s.UpdatedAt = slices.Clone(e.WorkstationIDs), slices.Clone(e.PointIDs), e.At
	default:
		return fmt.Errorf("supervisor: cannot apply %T", e)
	}
	s.Version++
	return nil
}

func validToken(tokenID string) (string, error) {
	if tokenID == "" {
		return "", nil
	}
	if len(tokenID) > 64 {
		return "", domain.Invalid("tokenId", "is not a token id")
	}
	for _, r := range tokenID {
		if !(r == '-' || r >= 'a' && r <= 'f' || r >= '0' && r <= '9') {
			return "", domain.Invalid("tokenId", "is not a token id")
		}
	}
	return tokenID, nil
}

// Register returns the events of registering a supervisor.
func (s *Supervisor) Register(id, name, tokenID string, now time.Time) ([]Event, error) {
	if s.Version != 0 {
		return nil, domain.StateConflict("supervisor %s is already registered", id)
	}
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	n, err := text("name", name, 100, true)
	if err != nil {
		return nil, err
	}
	tok, err := validToken(tokenID)
	if err != nil {
		return nil, err
	}
	return []Event{SupervisorRegistered{ID: id, Name: n, TokenID: tok, At: now}}, nil
}

// Change returns the events of changing a supervisor's name, token or
// whether they serve.
func (s *Supervisor) Change(name, tokenID string, active bool, now time.Time) ([]Event, error) {
	if s.Version == 0 {
		return nil, domain.NotFound("id", "no supervisor %s", s.ID)
	}
	n, err := text("name", name, 100, true)
	if err != nil {
		return nil, err
	}
	tok, err := validToken(tokenID)
	if err != nil {
		return nil, err
	}
	if n == s.Name && tok == s.TokenID && active == s.Active {
		return nil, nil
	}
	return []Event{SupervisorChanged{Name: n, TokenID: tok, Active: active, At: now}}, nil
}

// Assign returns the events of replacing what a supervisor looks after.
func (s *Supervisor) Assign(workstations, points []string, now time.Time) ([]Event, error) {
	if s.Version == 0 {
		return nil, domain.NotFound("id", "no supervisor %s", s.ID)
	}
	ws, err := idList("workstationIds", workstations)
	if err != nil {
		return nil, err
	}
	ps, err := idList("pointIds", points)
	if err != nil {
		return nil, err
	}
	if slices.Equal(ws, s.WorkstationIDs) && slices.Equal(ps, s.PointIDs) {
		return nil, nil
	}
	return []Event{SupervisorAssigned{WorkstationIDs: ws, PointIDs: ps, At: now}}, nil
}

// Looks reports whether the supervisor looks after the workstation or the
// point.
func (s *Supervisor) Looks(workstationID, pointID string) bool {
	return workstationID != "" && slices.Contains(s.WorkstationIDs, workstationID) ||
		pointID != "" && slices.Contains(s.PointIDs, pointID)
}

// idList checks a list of ids and returns it sorted without repeats.
func idList(field string, ids []string) ([]string, error) {
	if len(ids) > 500 {
		return nil, domain.Invalid(field, "lists at most 500 ids of the network")
	}
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		if err := checkID(fmt.Sprintf("%s[%d]", field, i), id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
