package network

import (
	"time"

	"github.com/watchpost/watchpost/domain/network"
)

// The views are allow-lists: each is filled field by field from the
// aggregate, so a field added to an aggregate reaches nobody until it is
// put here. None carries a liaison's contact: it is disclosed on request
// (DiscloseContact), to the center only.

// WorkstationView is a workstation.
type WorkstationView struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	HostUnit     string            `json:"hostUnit"`
	Leader       string            `json:"leader,omitempty"`
	Office       string            `json:"office,omitempty"`
	District     string            `json:"district,omitempty"`
	HasContact   bool              `json:"hasContact"`
	Active       bool              `json:"active"`
	RegisteredAt time.Time         `json:"registeredAt"`
	RetiredAt    time.Time         `json:"retiredAt,omitzero"`
	RetireReason string            `json:"retireReason,omitempty"`
	Seminars     []network.Seminar `json:"seminars"`
	Version      int               `json:"version"`
}

func workstationView(w network.Workstation) WorkstationView {
	return WorkstationView{ID: w.ID, Name: w.Name, HostUnit: w.HostUnit, Leader: w.Leader, Office: w.Office, District: w.District,
		HasContact: w.SealedContact != "", Active: w.Active, RegisteredAt: w.RegisteredAt, RetiredAt: w.RetiredAt,
		RetireReason: w.RetireReason, Seminars: append([]network.Seminar{}, w.Seminars...), Version: w.Version}
}

// PointView is a monitoring point.
type PointView struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Kind          network.PointKind `json:"kind"`
	District      string            `json:"district,omitempty"`
	WorkstationID string            `json:"workstationId"`
	HasContact    bool              `json:"hasContact"`
	Active        bool              `json:"active"`
	RegisteredAt  time.Time         `json:"registeredAt"`
	RetiredAt     time.Time         `json:"retiredAt,omitzero"`
	RetireReason  string            `json:"retireReason,omitempty"`
	Version       int               `json:"version"`
}

func pointView(p network.Point) PointView {
	return PointView{ID: p.ID, Name: p.Name, Kind: p.Kind, District: p.District, WorkstationID: p.WorkstationID,
		HasContact: p.SealedContact != "", Active: p.Active, RegisteredAt: p.RegisteredAt, RetiredAt: p.RetiredAt,
		RetireReason: p.RetireReason, Version: p.Version}
}

// SupervisorView is a supervisor.
type SupervisorView struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	TokenID        string   `json:"tokenId,omitempty"`
	Active         bool     `json:"active"`
	WorkstationIDs []string `json:"workstationIds"`
	PointIDs       []string `json:"pointIds"`
	Version        int      `json:"version"`
}

func supervisorView(s network.Supervisor) SupervisorView {
	return SupervisorView{ID: s.ID, Name: s.Name, TokenID: s.TokenID, Active: s.Active,
		WorkstationIDs: append([]string{}, s.WorkstationIDs...), PointIDs: append([]string{}, s.PointIDs...), Version: s.Version}
}

// EntryView is a two-way registration record as the center and the side
// that made it see it. A department sees whether the point confirmed its
// record, never the point's record itself.
type EntryView struct {
	ID           string            `json:"id"`
	Side         network.Side      `json:"side"`
	PointID      string            `json:"pointId"`
	DepartmentID string            `json:"departmentId"`
	Officer      string            `json:"officer,omitempty"`
	Kind         network.EntryKind `json:"kind"`
	LegalBasis   string            `json:"legalBasis,omitempty"`
	Amount       string            `json:"amount,omitempty"`
	OccurredAt   time.Time         `json:"occurredAt"`
	DocumentNo   string            `json:"documentNo,omitempty"`
	RegisteredAt time.Time         `json:"registeredAt"`
	Paired       bool              `json:"paired"`
	PairedWith   string            `json:"pairedWith,omitempty"` // the center only
	Flag         string            `json:"flag,omitempty"`       // the center and the side flagged
	CaseID       string            `json:"caseId,omitempty"`     // the center only
}

func entryView(e network.LedgerEntry, center bool) EntryView {
	v := EntryView{ID: network.EntryID(e.PointID, e.ID), Side: e.Side, PointID: e.PointID, DepartmentID: e.DepartmentID,
		Officer: e.Officer, Kind: e.Kind, LegalBasis: e.LegalBasis, OccurredAt: e.OccurredAt, DocumentNo: e.DocumentNo,
		RegisteredAt: e.RegisteredAt, Paired: e.PairedWith != "", Flag: e.Flag}
	if e.AmountFen != 0 {
		v.Amount = network.FormatAmount(e.AmountFen)
	}
	if center {
		if e.PairedWith != "" {
			v.PairedWith = network.EntryID(e.PointID, e.PairedWith)
		}
		v.CaseID = e.CaseID
	}
	return v
}
