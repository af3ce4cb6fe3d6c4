package network

import (
	"fmt"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// PointKind is what a monitoring point is (§三.2: 企业、项目、涉企部门和单位、
// 个体工商户、基层社区).
type PointKind string

// The kinds of points.
const (
	KindEnterprise PointKind = "enterprise"
	KindProject    PointKind = "project"
	KindUnit       PointKind = "unit"
	KindIndividual PointKind = "individual_business"
	KindCommunity  PointKind = "community"
)

// PointKinds lists the kinds with their Chinese names.
func PointKinds() []domain.Term {
	return []domain.Term{
		{Code: string(KindEnterprise), ZH: "企业", EN: "enterprise"},
		{Code: string(KindProject), ZH: "项目", EN: "project"},
		{Code: string(KindUnit), ZH: "涉企部门和单位", EN: "department or unit"},
		{Code: string(KindIndividual), ZH: "个体工商户", EN: "individual business"},
		{Code: string(KindCommunity), ZH: "基层社区", EN: "community"},
	}
}

// PointDetails are what an administrator states about a point.
type PointDetails struct {
	Name          string    `json:"name"`
	Kind          PointKind `json:"kind"`
	District      string    `json:"district,omitempty"`
	WorkstationID string    `json:"workstationId"`
}

// Point is the state of one monitoring point.
type Point struct {
	ID string `json:"id"`
	PointDetails
	SealedContact string    `json:"sealedContact,omitempty"`
	Active        bool      `json:"active"`
	RegisteredAt  time.Time `json:"registeredAt"`
	RetiredAt     time.Time `json:"retiredAt,omitzero"`
	RetireReason  string    `json:"retireReason,omitempty"`
	Version       int       `json:"version"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// Apply moves the point by one recorded event.
func (p *Point) Apply(e Event) error {
	if p.Version == 0 && e.EventType() != TypePointRegistered {
		return fmt.Errorf("point: %s before registration", e.EventType())
	}
	switch e := e.(type) {
	case PointRegistered:
		if p.Version != 0 {
			return fmt.Errorf("point %s registered twice", p.ID)
		}
		*p = Point{ID: e.ID, PointDetails: e.PointDetails, SealedContact: e.SealedContact, Active: true, RegisteredAt: e.At}
		p.UpdatedAt = e.At
	case PointChanged:
		p.PointDetails, p.UpdatedAt = e.PointDetails, e.At
		if e.SealedContact != "" {
			p.SealedContact = e.SealedContact
		}
	case PointRetired:
		p.Active, p.RetiredAt, p.RetireReason, p.UpdatedAt = false, e.At, e.Reason, e.At
	default:
		return fmt.Errorf("point: cannot apply %T", e)
	}
	p.Version++
	return nil
}

func validPoint(in PointDetails) (PointDetails, error) {
	var (
		out PointDetails
		err error
	)
	if out.Name, err = text("name", in.Name, 100, true); err != nil {
		return out, err
	}
	switch in.Kind {
	case KindEnterprise, KindProject, KindUnit, KindIndividual, KindCommunity:
		out.Kind = in.Kind
	case "":
		return out, domain.Invalid("kind", "is required: enterprise, project, unit, individual_business or community")
	default:
		return out, domain.Invalid("kind", "%q is not a kind of point: enterprise, project, unit, individual_business or community", in.Kind)
	}
	if out.District, err = text("district", in.District, 100, false); err != nil {
		return out, err
	}
	if in.WorkstationID == "" {
		return out, domain.Invalid("workstationId", "is required")
	}
	if err := checkID("workstationId", in.WorkstationID); err != nil {
		return out, err
	}
	out.WorkstationID = in.WorkstationID
	return out, nil
}

// Register returns the events of registering a point; sealed is its
// liaison's sealed contact.
func (p *Point) Register(id string, in PointDetails, sealed string, now time.Time) ([]Event, error) {
	if p.Version != 0 {
		return nil, domain.StateConflict("point %s is already registered", id)
	}
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	det, err := validPoint(in)
	if err != nil {
		return nil, err
	}
	return []Event{PointRegistered{ID: id, PointDetails: det, SealedContact: sealed, At: now}}, nil
}

// Change returns the events of replacing a point's details.
func (p *Point) Change(in PointDetails, sealed string, now time.Time) ([]Event, error) {
	if p.Version == 0 {
		return nil, domain.NotFound("id", "no point %s", p.ID)
	}
	det, err := validPoint(in)
	if err != nil {
		return nil, err
	}
	if det == p.PointDetails && sealed == "" {
		return nil, nil
	}
	return []Event{PointChanged{PointDetails: det, SealedContact: sealed, At: now}}, nil
}

// Retire returns the events of taking a point out of the network.
func (p *Point) Retire(reason string, now time.Time) ([]Event, error) {
	if p.Version == 0 {
		return nil, domain.NotFound("id", "no point %s", p.ID)
	}
	if !p.Active {
		return nil, domain.StateConflict("point %s is already retired", p.ID)
	}
	r, err := text("reason", reason, 500, true)
	if err != nil {
		return nil, err
	}
	return []Event{PointRetired{Reason: r, At: now}}, nil
}
