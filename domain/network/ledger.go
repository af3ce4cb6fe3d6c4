package network

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// Side is who recorded an entry of the two-way registration.
type Side string

// The sides.
const (
	SideDepartment Side = "department" // the official who came (公务人员)
	SidePoint      Side = "point"      // the monitoring point
)

// EntryKind is what happened at the point: an inspection, a fee or a fine.
type EntryKind string

// The kinds of entries.
const (
	EntryInspection EntryKind = "inspection"
	EntryFee        EntryKind = "fee"
	EntryFine       EntryKind = "fine"
)

// IssueType is the complaint's issue type a one-sided entry suggests
// (乱检查, 乱收费, 乱罚款).
func (k EntryKind) IssueType() string {
	switch k {
	case EntryFee:
		return "arbitrary_fees"
	case EntryFine:
		return "arbitrary_fines"
	}
	return "arbitrary_inspection"
}

// Why an entry was flagged.
const (
	FlagNotRegistered = "department_did_not_register" // the point saw it, the department did not record it
	FlagNotConfirmed  = "point_did_not_confirm"       // the department recorded it, the point did not
)

// Entry is one side's record of an inspection, fee or fine (附表二).
type Entry struct {
	ID           string    `json:"id"`
	Side         Side      `json:"side"`
	PointID      string    `json:"pointId"`
	DepartmentID string    `json:"departmentId"`
	Officer      string    `json:"officer,omitempty"` // 公务人员 (the point's side: if known)
	Kind         EntryKind `json:"kind"`
	LegalBasis   string    `json:"legalBasis,omitempty"`
	AmountFen    int64     `json:"amountFen,omitempty"` // fees and fines, in 分
	OccurredAt   time.Time `json:"occurredAt"`
	DocumentNo   string    `json:"documentNo,omitempty"`
}

// Pairs is the pairing rule: two records are one event when one is the
// department's and the other the point's, for the same point, department
// and kind, at times at most tolerance apart, and for fees and fines with
// equal amounts.
func Pairs(a, b Entry, tolerance time.Duration) bool {
	if a.Side == b.Side || a.PointID != b.PointID || a.DepartmentID != b.DepartmentID || a.Kind != b.Kind {
		return false
	}
	d := a.OccurredAt.Sub(b.OccurredAt)
	if d < 0 {
		d = -d
	}
	if d > tolerance {
		return false
	}
	return a.Kind == EntryInspection || a.AmountFen == b.AmountFen
}

// LedgerEntry is an entry as the ledger keeps it.
type LedgerEntry struct {
	Entry
	RegisteredAt time.Time `json:"registeredAt"`
	PairedWith   string    `json:"pairedWith,omitempty"`
	Flag         string    `json:"flag,omitempty"` // why it is flagged, while it is unpaired
	FlaggedAt    time.Time `json:"flaggedAt,omitzero"`
	CaseID       string    `json:"caseId,omitempty"`
}

// Ledger is the two-way registration of one point: every entry of both
// sides, in one history so that pairing is decided against all of them.
type Ledger struct {
	PointID string        `json:"pointId"`
	Entries []LedgerEntry `json:"entries"`
	Version int           `json:"version"`
}

// Apply moves the ledger by one recorded event.
func (l *Ledger) Apply(e Event) error {
	switch e := e.(type) {
	case EntryRegistered:
		l.PointID = e.PointID
		l.Entries = append(l.Entries, LedgerEntry{Entry: e.Entry, RegisteredAt: e.At, PairedWith: e.PairedWith})
		if e.PairedWith != "" {
			other := l.find(e.PairedWith)
			if other == nil {
				return fmt.Errorf("ledger %s: %s pairs with unknown %s", l.PointID, e.ID, e.PairedWith)
			}
			other.PairedWith, other.Flag, other.FlaggedAt = e.ID, "", time.Time{}
		}
	case EntryFlagged:
		en := l.find(e.EntryID)
		if en == nil {
			return fmt.Errorf("ledger %s: flag of unknown %s", l.PointID, e.EntryID)
		}
		en.Flag, en.FlaggedAt = e.Reason, e.At
	case EntryComplaintFiled:
		en := l.find(e.EntryID)
		if en == nil {
			return fmt.Errorf("ledger %s: complaint of unknown %s", l.PointID, e.EntryID)
		}
		en.CaseID = e.CaseID
	default:
		return fmt.Errorf("ledger: cannot apply %T", e)
	}
	l.Version++
	return nil
}

func (l *Ledger) find(id string) *LedgerEntry {
	for i := range l.Entries {
		if l.Entries[i].ID == id {
			return &l.Entries[i]
		}
	}
	return nil
}

// Find returns an entry of the ledger.
func (l *Ledger) Find(id string) (LedgerEntry, error) {
	if e := l.find(id); e != nil {
		return *e, nil
	}
	return LedgerEntry{}, domain.NotFound("id", "no registration %s", id)
}

// EntryID is the id of a ledger's entry in the API: the point and the
// entry's number.
func EntryID(pointID, entry string) string { return pointID + "_" + entry }

// ParseEntryID splits an entry id of the API.
func ParseEntryID(id string) (string, string, error) {
	p, e, ok := strings.Cut(id, "_")
	if !ok || !ValidID(p) || e == "" {
		return "", "", domain.NotFound("id", "no registration %s", id)
	}
	return p, e, nil
}

// ParseAmount reads an amount of money in 元 with at most two decimals
// ("120", "120.5", "120.50") as 分.
func ParseAmount(field, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 10 || len(frac) > 2 || strings.ContainsFunc(whole+frac, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, domain.Invalid(field, "%q is not an amount in yuan (like 120 or 120.50)", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	y, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	return y*100 + f, nil
}

// FormatAmount writes 分 as 元 with two decimals.
func FormatAmount(fen int64) string {
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}

// Register returns the events of one side's record at the point. The new
// entry pairs with the unpaired record of the other side that the rule
// accepts and whose time is nearest (the earliest registered of equals).
func (l *Ledger) Register(pointID string, in Entry, policy Policy, now time.Time) ([]Event, error) {
	e, err := validEntry(in, now)
	if err != nil {
		return nil, err
	}
	e.PointID = pointID
	e.ID = "e" + strconv.Itoa(len(l.Entries)+1)
	var (
		best  string
		bestD time.Duration
	)
	for _, other := range l.Entries {
		if other.PairedWith != "" || !Pairs(e, other.Entry, policy.PairTolerance) {
			continue
		}
		d := e.OccurredAt.Sub(other.OccurredAt)
		if d < 0 {
			d = -d
		}
		if best == "" || d < bestD {
			best, bestD = other.ID, d
		}
	}
	return []Event{EntryRegistered{Entry: e, PairedWith: best, At: now}}, nil
}

func validEntry(in Entry, now time.Time) (Entry, error) {
	out := Entry{Side: in.Side, Kind: in.Kind, AmountFen: in.AmountFen}
	var err error
	switch in.Side {
	case SideDepartment, SidePoint:
	default:
		return out, domain.Invalid("side", "%q is not department or point", in.Side)
	}
	if in.DepartmentID == "" {
		return out, domain.Invalid("departmentId", "is required")
	}
	if err := checkID("departmentId", in.DepartmentID); err != nil {
		return out, err
	}
	out.DepartmentID = in.DepartmentID
	switch in.Kind {
	case EntryInspection, EntryFee, EntryFine:
	case "":
		return out, domain.Invalid("kind", "is required: inspection, fee or fine")
	default:
		return out, domain.Invalid("kind", "%q is not inspection, fee or fine", in.Kind)
	}
	if out.Officer, err = text("officer", in.Officer, 100, in.Side == SideDepartment); err != nil {
		return out, err
	}
	if out.LegalBasis, err = text("legalBasis", in.LegalBasis, 500, in.Side == SideDepartment); err != nil {
		return out, err
	}
	if out.DocumentNo, err = text("documentNo", in.DocumentNo, 100, false); err != nil {
		return out, err
	}
	switch {
	case in.Kind == EntryInspection && in.AmountFen != 0:
		return out, domain.Invalid("amount", "an inspection carries no amount")
	case in.Kind != EntryInspection && in.AmountFen <= 0:
		return out, domain.Invalid("amount", "a fee or a fine needs its amount")
	}
	if out.OccurredAt, err = instant("occurredAt", in.OccurredAt, now); err != nil {
		return out, err
	}
	return out, nil
}

// Flag returns the event of flagging an entry that only its side recorded
// after the days allowed, or nothing when it was paired, flagged already,
// or is not yet due.
func (l *Ledger) Flag(entryID string, policy Policy, now time.Time) []Event {
	e := l.find(entryID)
	if e == nil || e.PairedWith != "" || e.Flag != "" || now.Before(policy.FlagDue(e.RegisteredAt)) {
		return nil
	}
	reason := FlagNotConfirmed
	if e.Side == SidePoint {
		reason = FlagNotRegistered
	}
	return []Event{EntryFlagged{EntryID: entryID, Reason: reason, At: now}}
}

// FileComplaint returns the event of recording that a flagged entry of the
// point's side became complaint caseID.
func (l *Ledger) FileComplaint(entryID, caseID string, now time.Time) ([]Event, error) {
	e, err := l.Find(entryID)
	if err != nil {
		return nil, err
	}
	switch {
	case e.CaseID == caseID:
		return nil, nil
	case e.CaseID != "":
		return nil, domain.StateConflict("registration %s is already complaint %s", entryID, e.CaseID)
	case e.Side != SidePoint || e.Flag != FlagNotRegistered:
		return nil, domain.StateConflict("only a point's record that the department did not register becomes a complaint")
	}
	return []Event{EntryComplaintFiled{EntryID: entryID, CaseID: caseID, At: now}}, nil
}
