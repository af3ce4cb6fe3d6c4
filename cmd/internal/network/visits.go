package network

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Filing is how an item becomes a complaint: its classification and title
// (by default the item's first words).
type Filing struct {
	Categories             []string `json:"categories"`
	IssueTypes             []string `json:"issueTypes"`
	Title                  string   `json:"title,omitempty"`
	RespondentDepartmentID string   `json:"respondentDepartmentId,omitempty"`
}

// VisitItemInput is an item of a visit as the supervisor records it; with
// File set it is filed as a complaint in the same step.
type VisitItemInput struct {
	Kind         network.ItemKind `json:"kind"`
	Text         string           `json:"text"`
	DepartmentID string           `json:"departmentId,omitempty"`
	File         *Filing          `json:"file,omitempty"`
}

// VisitInput is a visit as the supervisor records it.
type VisitInput struct {
	WorkstationID string           `json:"workstationId,omitempty"`
	PointID       string           `json:"pointId,omitempty"`
	VisitedAt     time.Time        `json:"visitedAt"`
	Met           string           `json:"met"`
	Items         []VisitItemInput `json:"items"`
}

// RecordVisit records a supervisor's visit to a point or a workstation they
// look after, and files as complaints the items that ask for it (channel
// supervisor_visit; the case and the visit name each other).
//
// Who: a supervisor bound to a registered supervisor (行风效能监督员), for
// what they look after.
func (s *Service) RecordVisit(ctx context.Context, p access.Principal, meta eventstore.Metadata, in VisitInput) (network.Visit, error) {
	if err := access.Permit(p, access.RecordVisit); err != nil {
		return network.Visit{}, err
	}
	sup, err := s.supervisorOf(ctx, p)
	if err != nil {
		return network.Visit{}, err
	}
	if sup.ID == "" {
		return network.Visit{}, domain.Forbidden("this token is not bound to a registered supervisor (行风效能监督员)")
	}
	if !sup.Looks(in.WorkstationID, in.PointID) {
		if pt, err := projections.GetPoint(ctx, s.d.Pool, in.PointID); err != nil || in.PointID == "" || !sup.Looks(pt.WorkstationID, "") {
			return network.Visit{}, domain.Forbidden("supervisor %s does not look after %s", sup.ID, in.PointID+in.WorkstationID)
		}
	}
	cmd := network.RecordVisit{WorkstationID: in.WorkstationID, PointID: in.PointID, VisitedAt: in.VisitedAt, Met: in.Met}
	for i, it := range in.Items {
		if it.File != nil && len(it.File.Categories) == 0 {
			return network.Visit{}, domain.Invalid("items["+itoa(i)+"].file.categories", "is required")
		}
		cmd.Items = append(cmd.Items, network.VisitItem{Kind: it.Kind, Text: it.Text, DepartmentID: it.DepartmentID})
	}
	uid, err := uuid.NewV7()
	if err != nil {
		return network.Visit{}, err
	}
	id := uid.String()
	// A visit sent again with the same key is the same visit: the id comes
	// from the command when a key was given.
	if existing, err := s.visitOfCommand(ctx, meta); err != nil {
		return network.Visit{}, err
	} else if existing != "" {
		id = existing
	}
	_, err = execute(ctx, s, "record_visit", network.AggregateVisit, id, meta, func(v *network.Visit, now time.Time) ([]network.Event, error) {
		if v.Version > 0 {
			return nil, nil
		}
		return v.Record(id, sup.ID, cmd, s.d.Policy.Loc, now)
	})
	if err != nil {
		return network.Visit{}, err
	}
	for i, it := range in.Items {
		if it.File == nil {
			continue
		}
		if _, err := s.fileItem(ctx, p, id, "i"+itoa(i+1), *it.File); err != nil {
			return network.Visit{}, err
		}
	}
	return projections.GetVisit(ctx, s.d.Pool, id)
}

// visitOfCommand finds the visit an earlier command with the same id made.
func (s *Service) visitOfCommand(ctx context.Context, meta eventstore.Metadata) (string, error) {
	if meta.CommandID == "" {
		return "", nil
	}
	var id string
	err := s.d.Pool.QueryRow(ctx, `SELECT aggregate_id FROM events WHERE command_id = $1 AND aggregate_type = $2 ORDER BY seq LIMIT 1`,
		meta.CommandID, network.AggregateVisit).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", eventstore.Database("network: visit of command", err)
	}
	return id, nil
}

// FileVisitItem files an item of a visit as a complaint, once.
//
// Who: the supervisor who made the visit.
func (s *Service) FileVisitItem(ctx context.Context, p access.Principal, visitID, itemID string, f Filing) (network.Visit, error) {
	if err := access.Permit(p, access.RecordVisit); err != nil {
		return network.Visit{}, err
	}
	if len(f.Categories) == 0 {
		return network.Visit{}, domain.Invalid("categories", "is required")
	}
	if _, err := s.fileItem(ctx, p, visitID, itemID, f); err != nil {
		return network.Visit{}, err
	}
	return projections.GetVisit(ctx, s.d.Pool, visitID)
}

// fileItem files one item of a visit through the case intake and records
// the case on the visit. The filing's command id comes from the visit and
// the item, so trying again files one case.
func (s *Service) fileItem(ctx context.Context, p access.Principal, visitID, itemID string, f Filing) (string, error) {
	if !eventstore.ValidToken(visitID) {
		return "", domain.NotFound("id", "no visit %s", visitID)
	}
	v, err := projections.GetVisit(ctx, s.d.Pool, visitID)
	if err != nil {
		return "", err
	}
	sup, err := s.supervisorOf(ctx, p)
	if err != nil {
		return "", err
	}
	if sup.ID == "" || sup.ID != v.SupervisorID {
		return "", domain.NotFound("id", "no visit %s", visitID)
	}
	it, err := v.Item(itemID)
	if err != nil {
		return "", err
	}
	if it.CaseID != "" {
		return it.CaseID, nil
	}
	reporter := v.PointID
	if reporter == "" {
		reporter = v.WorkstationID
	}
	complainant, err := s.liaison(ctx, reporter)
	if err != nil {
		return "", err
	}
	respondent := f.RespondentDepartmentID
	if respondent == "" {
		respondent = it.DepartmentID
	}
	title := f.Title
	if title == "" {
		title = firstWords(it.Text, 40)
	}
	// The supervisor works for the center: the item enters the center's
	// intake as a handler would register it.
	intake := access.Principal{TokenID: p.TokenID, Role: access.RoleHandler, Name: p.Name}
	meta := eventstore.Metadata{Actor: p.TokenID, ActorRole: string(p.Role), CommandID: "visit-item-" + visitID + "-" + itemID, CausationID: "visit:" + visitID}
	view, err := s.d.Cases.File(ctx, intake, meta, complaint.FileComplaint{
		Channel: "supervisor_visit", ReceivedAt: v.VisitedAt, Complainant: complainant, MonitoringPointID: reporter, VisitID: visitID,
		RespondentDepartmentID: respondent, Categories: f.Categories, IssueTypes: f.IssueTypes, Title: title, Description: it.Text,
	})
	if err != nil {
		return "", err
	}
	caseID := view.CaseID()
	_, err = execute(ctx, s, "file_visit_item", network.AggregateVisit, visitID, eventstore.Metadata{Actor: p.TokenID, ActorRole: string(p.Role),
		CommandID: "visit-item-filed-" + visitID + "-" + itemID, CausationID: "case:" + caseID},
		func(v *network.Visit, now time.Time) ([]network.Event, error) { return v.FileItem(itemID, caseID, now) })
	return caseID, err
}

// liaison is the complainant of what a point (or a workstation) reports:
// its liaison, whose contact is opened from its seal (anonymous when the
// point has none or it was destroyed).
func (s *Service) liaison(ctx context.Context, id string) (complaint.Complainant, error) {
	kind, sealed := "point", ""
	if pt, err := projections.GetPoint(ctx, s.d.Pool, id); err == nil {
		sealed = pt.SealedContact
	} else if domain.ErrorCode(err) != domain.CodeNotFound {
		return complaint.Complainant{}, err
	} else if w, err := projections.GetWorkstation(ctx, s.d.Pool, id); err == nil {
		kind, sealed = "workstation", w.SealedContact
	} else if domain.ErrorCode(err) != domain.CodeNotFound {
		return complaint.Complainant{}, err
	}
	var c network.Contact
	if sealed != "" {
		if err := s.d.Keys.Open(ctx, keyOf(kind, id), sealed, &c); err != nil && !errors.Is(err, privacy.ErrShredded) {
			return complaint.Complainant{}, err
		}
	}
	if c.Name == "" && c.Phone == "" {
		return complaint.Complainant{Anonymous: true}, nil
	}
	return complaint.Complainant{Name: c.Name, Phone: c.Phone, Address: c.Office}, nil
}

// firstWords shortens a text to at most n characters, on one line.
func firstWords(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Visit reads one visit.
//
// Who (for this and Visits): the center; a supervisor their own visits.
func (s *Service) Visit(ctx context.Context, p access.Principal, id string) (network.Visit, error) {
	if err := access.Permit(p, access.ReadNetwork); err != nil {
		return network.Visit{}, err
	}
	if !eventstore.ValidToken(id) {
		return network.Visit{}, domain.NotFound("id", "no visit %s", id)
	}
	v, err := projections.GetVisit(ctx, s.d.Pool, id)
	if err != nil {
		return v, err
	}
	ok, err := s.mayReadVisit(ctx, p, v)
	if err != nil {
		return network.Visit{}, err
	}
	if !ok {
		return network.Visit{}, domain.NotFound("id", "no visit %s", id)
	}
	return v, nil
}

func (s *Service) mayReadVisit(ctx context.Context, p access.Principal, v network.Visit) (bool, error) {
	switch p.Role {
	case access.RoleHandler, access.RoleLeader, access.RoleAdmin:
		return true, nil
	case access.RoleSupervisor:
		sup, err := s.supervisorOf(ctx, p)
		return sup.ID != "" && sup.ID == v.SupervisorID, err
	}
	return false, nil
}

// Visits lists the visits of a month (all: empty) p may read.
func (s *Service) Visits(ctx context.Context, p access.Principal, month network.Month) ([]network.Visit, error) {
	if err := access.Permit(p, access.ReadNetwork); err != nil {
		return nil, err
	}
	supervisor := ""
	switch p.Role {
	case access.RoleSupervisor:
		sup, err := s.supervisorOf(ctx, p)
		if err != nil {
			return nil, err
		}
		if sup.ID == "" {
			return []network.Visit{}, nil
		}
		supervisor = sup.ID
	case access.RolePoint:
		return []network.Visit{}, nil
	}
	return projections.ListVisits(ctx, s.d.Pool, month, supervisor)
}

// RecordMeeting records the center's quarterly meeting with the
// workstations' leaders.
//
// Who: handlers and administrators.
func (s *Service) RecordMeeting(ctx context.Context, p access.Principal, meta eventstore.Metadata, heldAt time.Time, attendees []string, summary string) (network.Meetings, error) {
	if err := access.Permit(p, access.RecordMeeting); err != nil {
		return network.Meetings{}, err
	}
	if p.Role == access.RolePoint {
		return network.Meetings{}, domain.Forbidden("only the center records its quarterly meeting")
	}
	if heldAt.IsZero() {
		return network.Meetings{}, domain.Invalid("heldAt", "is required")
	}
	q := network.QuarterOf(heldAt, s.d.Policy.Loc)
	if !eventstore.ValidToken(q) {
		return network.Meetings{}, domain.Invalid("heldAt", "lies outside the years the network keeps")
	}
	if _, err := execute(ctx, s, "record_meeting", network.AggregateMeeting, q, meta,
		func(m *network.Meetings, now time.Time) ([]network.Event, error) {
			return m.Record(heldAt, attendees, summary, s.d.Policy.Loc, now)
		}); err != nil {
		return network.Meetings{}, err
	}
	list, err := projections.ListMeetings(ctx, s.d.Pool, heldAt.In(s.d.Policy.Loc).Year())
	if err != nil {
		return network.Meetings{}, err
	}
	for _, m := range list {
		if m.Quarter == q {
			return m, nil
		}
	}
	return network.Meetings{Quarter: q}, nil
}
