package network

import (
	"context"
	"slices"
	"time"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/projections"
)

// SupervisorCompliance is what one supervisor visited in a month of what
// they look after, and what they did not (一月一走访).
type SupervisorCompliance struct {
	SupervisorID          string   `json:"supervisorId"`
	Name                  string   `json:"name"`
	Visits                int      `json:"visits"`
	UnvisitedWorkstations []string `json:"unvisitedWorkstations"`
	UnvisitedPoints       []string `json:"unvisitedPoints"`
}

// SeminarCompliance is how many seminars a workstation held in the year,
// against the two required (每年不少于两次).
type SeminarCompliance struct {
	WorkstationID string `json:"workstationId"`
	Held          int    `json:"held"`
	Required      int    `json:"required"`
	Short         bool   `json:"short"`
}

// Compliance is the month's visits, the year's seminars and the center's
// quarterly meetings: what was done and what is missing.
type Compliance struct {
	Month           network.Month          `json:"month"`
	Supervisors     []SupervisorCompliance `json:"supervisors"`
	Seminars        []SeminarCompliance    `json:"seminars"`
	MeetingsHeld    []string               `json:"meetingsHeld"`    // the quarters of the year with a meeting
	MeetingsMissing []string               `json:"meetingsMissing"` // the quarters begun so far without one
}

// Compliance shows, for a month, the points and workstations each
// supervisor looks after and did not visit; the seminars of the month's
// year; the quarterly meetings held and missing.
//
// Who: the center; a supervisor sees only their own line.
func (s *Service) Compliance(ctx context.Context, p access.Principal, month network.Month) (Compliance, error) {
	if err := access.Permit(p, access.ReadNetwork); err != nil {
		return Compliance{}, err
	}
	out := Compliance{Month: month, Supervisors: []SupervisorCompliance{}, Seminars: []SeminarCompliance{},
		MeetingsHeld: []string{}, MeetingsMissing: []string{}}
	if p.Role == access.RolePoint {
		return out, nil
	}
	sups, err := projections.ListSupervisors(ctx, s.d.Pool)
	if err != nil {
		return out, err
	}
	visits, err := projections.ListVisits(ctx, s.d.Pool, month, "")
	if err != nil {
		return out, err
	}
	me, err := s.supervisorOf(ctx, p)
	if err != nil {
		return out, err
	}
	for _, sup := range sups {
		if !sup.Active || p.Role == access.RoleSupervisor && sup.ID != me.ID {
			continue
		}
		c := SupervisorCompliance{SupervisorID: sup.ID, Name: sup.Name, UnvisitedWorkstations: []string{}, UnvisitedPoints: []string{}}
		seenW, seenP := map[string]bool{}, map[string]bool{}
		for _, v := range visits {
			if v.SupervisorID == sup.ID {
				c.Visits++
				seenW[v.WorkstationID], seenP[v.PointID] = true, true
			}
		}
		for _, w := range sup.WorkstationIDs {
			if !seenW[w] {
				c.UnvisitedWorkstations = append(c.UnvisitedWorkstations, w)
			}
		}
		for _, pt := range sup.PointIDs {
			if !seenP[pt] {
				c.UnvisitedPoints = append(c.UnvisitedPoints, pt)
			}
		}
		out.Supervisors = append(out.Supervisors, c)
	}
	if p.Role == access.RoleSupervisor {
		return out, nil
	}
	loc := s.d.Policy.Loc
	year := month.Year()
	all, err := projections.ListWorkstations(ctx, s.d.Pool)
	if err != nil {
		return out, err
	}
	for _, w := range all {
		if !w.ExpectsReport(month, loc) {
			continue
		}
		n := w.SeminarsIn(year, loc)
		out.Seminars = append(out.Seminars, SeminarCompliance{WorkstationID: w.ID, Held: n, Required: network.MinSeminars, Short: n < network.MinSeminars})
	}
	meetings, err := projections.ListMeetings(ctx, s.d.Pool, year)
	if err != nil {
		return out, err
	}
	for _, m := range meetings {
		out.MeetingsHeld = append(out.MeetingsHeld, m.Quarter)
	}
	// A quarter counts as missing once it has begun by the month's end.
	end := month.End(loc).Add(-time.Nanosecond)
	for q := 1; q <= 4; q++ {
		start := time.Date(year, time.Month(3*q-2), 1, 0, 0, 0, 0, loc)
		id := network.QuarterOf(start, loc)
		if start.After(end) {
			break
		}
		if !slices.Contains(out.MeetingsHeld, id) {
			out.MeetingsMissing = append(out.MeetingsMissing, id)
		}
	}
	return out, nil
}
