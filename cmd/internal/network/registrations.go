package network

import (
	"context"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// EntryInput is one side's record of an inspection, fee or fine at a point
// (附表二). The side is the caller's: a department's officer or the point.
type EntryInput struct {
	PointID      string            `json:"pointId"`
	DepartmentID string            `json:"departmentId"`
	Officer      string            `json:"officer"`
	Kind         network.EntryKind `json:"kind"`
	LegalBasis   string            `json:"legalBasis"`
	Amount       string            `json:"amount"` // 元, like 120.50
	OccurredAt   time.Time         `json:"occurredAt"`
	DocumentNo   string            `json:"documentNo"`
}

// RegisterEntry records one side of a two-way registration and pairs it
// with the other side's record when the pairing rule finds one.
//
// Who: a department for its own officers (the department is its own); a
// point for what happened on its own premises.
func (s *Service) RegisterEntry(ctx context.Context, p access.Principal, meta eventstore.Metadata, in EntryInput) (EntryView, error) {
	if err := access.Permit(p, access.RegisterEntry); err != nil {
		return EntryView{}, err
	}
	e := network.Entry{PointID: in.PointID, DepartmentID: in.DepartmentID, Officer: in.Officer, Kind: in.Kind, LegalBasis: in.LegalBasis,
		OccurredAt: in.OccurredAt, DocumentNo: in.DocumentNo}
	switch p.Role {
	case access.RoleDepartment:
		e.Side = network.SideDepartment
		if e.DepartmentID == "" {
			e.DepartmentID = p.DepartmentID
		}
	case access.RolePoint:
		e.Side = network.SidePoint
		if e.PointID == "" {
			e.PointID = p.PointID
		}
	}
	if err := access.PermitRegister(p, access.Entry{Side: string(e.Side), PointID: e.PointID, DepartmentID: e.DepartmentID}); err != nil {
		return EntryView{}, err
	}
	amount, err := network.ParseAmount("amount", in.Amount)
	if err != nil {
		return EntryView{}, err
	}
	e.AmountFen = amount
	if !network.ValidID(e.PointID) {
		return EntryView{}, domain.Invalid("pointId", "no monitoring point %q in the network", e.PointID)
	}
	pt, err := projections.GetPoint(ctx, s.d.Pool, e.PointID)
	if domain.ErrorCode(err) == domain.CodeNotFound || err == nil && !pt.Active {
		return EntryView{}, domain.Invalid("pointId", "no active monitoring point %q in the network", e.PointID)
	}
	if err != nil {
		return EntryView{}, err
	}
	if network.ValidID(e.DepartmentID) && s.d.KnownDepartment != nil {
		if err := s.d.KnownDepartment(ctx, "departmentId", e.DepartmentID); err != nil {
			return EntryView{}, err
		}
	}
	res, err := execute(ctx, s, "register_entry", network.AggregateLedger, e.PointID, meta,
		func(l *network.Ledger, now time.Time) ([]network.Event, error) {
			return l.Register(e.PointID, e, s.d.Policy, now)
		})
	if err != nil {
		return EntryView{}, err
	}
	if len(res.Events) == 0 {
		return EntryView{}, domain.StateConflict("the registration was not recorded")
	}
	ev, err := network.Decode(res.Events[0].Type, res.Events[0].Data)
	if err != nil {
		return EntryView{}, err
	}
	reg, ok := ev.(network.EntryRegistered)
	if !ok {
		return EntryView{}, domain.StateConflict("the registration was not recorded")
	}
	made := reg.ID
	le, err := projections.GetEntry(ctx, s.d.Pool, e.PointID, made)
	if err != nil {
		return EntryView{}, err
	}
	return entryView(le, p.Center()), nil
}

// EntryQuery selects records.
type EntryQuery struct {
	PointID, DepartmentID string
	Month                 network.Month // empty: any
	Unmatched             bool
}

// Entries lists the records p may see: the center all, a supervisor those
// of their points, a department its own side's, a point its own side's.
//
// Who: as above.
func (s *Service) Entries(ctx context.Context, p access.Principal, q EntryQuery) ([]EntryView, error) {
	if err := access.Permit(p, access.ReadEntries); err != nil {
		return nil, err
	}
	scope, err := access.ScopeEntries(p, access.EntryScope{PointID: q.PointID, DepartmentID: q.DepartmentID})
	if err != nil {
		return nil, err
	}
	f := projections.EntryFilter{PointID: scope.PointID, DepartmentID: scope.DepartmentID, Side: scope.Side, Unmatched: q.Unmatched}
	if q.Month != "" {
		f.From, f.To = q.Month.Start(s.d.Policy.Loc), q.Month.End(s.d.Policy.Loc)
	}
	if scope.AssignedOnly {
		visible, err := s.visiblePoints(ctx, p, "")
		if err != nil {
			return nil, err
		}
		f.Points = []string{}
		for _, pt := range visible {
			f.Points = append(f.Points, pt.ID)
		}
	}
	list, err := projections.ListEntries(ctx, s.d.Pool, f)
	if err != nil {
		return nil, err
	}
	out := make([]EntryView, 0, len(list))
	for _, le := range list {
		rel := access.Entry{Side: string(le.Side), PointID: le.PointID, DepartmentID: le.DepartmentID, Assigned: scope.AssignedOnly}
		if access.CanReadEntry(p, rel) {
			out = append(out, entryView(le, p.Center()))
		}
	}
	return out, nil
}

// EntrySums are the month's sums per point, department and kind for the
// center's notices (情况通报).
//
// Who: the center.
func (s *Service) EntrySums(ctx context.Context, p access.Principal, m network.Month) ([]projections.EntrySum, error) {
	if err := access.Permit(p, access.ExportNetwork); err != nil {
		return nil, err
	}
	if p.Role == access.RoleSupervisor {
		return nil, domain.Forbidden("the monthly sums are the center's")
	}
	return projections.SumEntries(ctx, s.d.Pool, m.Start(s.d.Policy.Loc), m.End(s.d.Policy.Loc))
}

// EntryComplaint turns a point's record that the department did not
// register (a possible 乱检查, 乱收费, 乱罚款) into a complaint against the
// department, through the intake with the channel monitoring_point, once.
//
// Who: handlers.
func (s *Service) EntryComplaint(ctx context.Context, p access.Principal, id string) (EntryView, error) {
	if err := access.Permit(p, access.ActOnEntry); err != nil {
		return EntryView{}, err
	}
	pointID, entryID, err := network.ParseEntryID(id)
	if err != nil {
		return EntryView{}, err
	}
	le, err := projections.GetEntry(ctx, s.d.Pool, pointID, entryID)
	if err != nil {
		return EntryView{}, err
	}
	if le.CaseID == "" {
		if le.Side != network.SidePoint || le.Flag != network.FlagNotRegistered || le.PairedWith != "" {
			return EntryView{}, domain.StateConflict("only a point's record that the department did not register becomes a complaint")
		}
		complainant, err := s.liaison(ctx, pointID)
		if err != nil {
			return EntryView{}, err
		}
		what := map[network.EntryKind]string{network.EntryInspection: "入点检查未登记", network.EntryFee: "入点收费未登记", network.EntryFine: "入点罚款未登记"}[le.Kind]
		desc := what + "：" + le.OccurredAt.In(s.d.Policy.Loc).Format("2006-01-02 15:04")
		if le.Officer != "" {
			desc += "，公务人员 " + le.Officer
		}
		if le.AmountFen != 0 {
			desc += "，金额 " + network.FormatAmount(le.AmountFen) + " 元"
		}
		meta := eventstore.Metadata{Actor: p.TokenID, ActorRole: string(p.Role), CommandID: "entry-complaint-" + pointID + "-" + entryID, CausationID: "registration:" + id}
		view, err := s.d.Cases.File(ctx, p, meta, complaint.FileComplaint{
			Channel: "monitoring_point", ReceivedAt: le.RegisteredAt, Complainant: complainant, MonitoringPointID: pointID,
			RespondentDepartmentID: le.DepartmentID, Categories: []string{"lawful_administration"}, IssueTypes: []string{le.Kind.IssueType()},
			Title: what, Description: desc,
		})
		if err != nil {
			return EntryView{}, err
		}
		caseID := view.CaseID()
		if _, err := execute(ctx, s, "registration_complaint", network.AggregateLedger, pointID, eventstore.Metadata{Actor: p.TokenID,
			ActorRole: string(p.Role), CommandID: "entry-complaint-filed-" + pointID + "-" + entryID, CausationID: "case:" + caseID},
			func(l *network.Ledger, now time.Time) ([]network.Event, error) {
				return l.FileComplaint(entryID, caseID, now)
			}); err != nil {
			return EntryView{}, err
		}
		if le, err = projections.GetEntry(ctx, s.d.Pool, pointID, entryID); err != nil {
			return EntryView{}, err
		}
	}
	return entryView(le, true), nil
}

// Feedback is a matter a point sends straight to the center (004 §三.三).
type Feedback struct {
	Title                  string   `json:"title"`
	Description            string   `json:"description"`
	Categories             []string `json:"categories"`
	IssueTypes             []string `json:"issueTypes"`
	RespondentDepartmentID string   `json:"respondentDepartmentId,omitempty"`
}

// SendFeedback files a point's direct feedback as a complaint through the
// intake (channel monitoring_point), with its liaison as the complainant,
// so the center's handling and deadlines apply.
//
// Who: a point (or a workstation's liaison) for itself.
func (s *Service) SendFeedback(ctx context.Context, p access.Principal, meta eventstore.Metadata, f Feedback) (cases.View, error) {
	if err := access.Permit(p, access.SendFeedback); err != nil {
		return nil, err
	}
	if err := s.ActivePoint(ctx, "pointId", p.PointID); err != nil {
		if domain.ErrorCode(err) == domain.CodeInvalid {
			return nil, domain.Forbidden("this token's monitoring point %s is not active in the network", p.PointID)
		}
		return nil, err
	}
	complainant, err := s.liaison(ctx, p.PointID)
	if err != nil {
		return nil, err
	}
	return s.d.Cases.File(ctx, p, meta, complaint.FileComplaint{
		Channel: "monitoring_point", Complainant: complainant, MonitoringPointID: p.PointID, RespondentDepartmentID: f.RespondentDepartmentID,
		Categories: f.Categories, IssueTypes: f.IssueTypes, Title: f.Title, Description: f.Description,
	})
}
