package rating

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/watchpost/watchpost/domain/complaint"
)

// The rectification score follows from the cases' own events (002 §六).
// What a case says of its rectifications is read as items found against
// the department that held the case when the rectification was required,
// each in the month of the event that found it:
//
//   - late (未按时间节点整改或整改不到位, 3): the rectification fell overdue
//     (RectificationOverdue), or the center rejected the department's
//     report (RectificationVerified, not accepted);
//   - unresolved (经二次督办或挂牌督办后仍整改不到位, 5): the same, once the
//     case has been put under supervision (督办) a second time or flagged
//     (挂牌督办) — by a supervisor's order or by the clocks (ClosureOverdue
//     is 督办, Escalated is 挂牌督办);
//   - refused (拒不整改且无正当理由, 10): a rectification overdue and never
//     reported at all in a flagged case. A good reason stops the clocks
//     (a suspension, a granted extension), so a rectification waiting on
//     one does not fall overdue.
//
// A rectification counts once a month, at the worst of what was found in
// that month; found again in a later month, it counts again there (each
// month's score judges what happened in it).

// CaseRecord is what the rule keeps of one case.
type CaseRecord struct {
	// Department holds the case now ("" while the center does).
	Department string `json:"department,omitempty"`
	// Supervisions counts the orders at 督办 or above.
	Supervisions int  `json:"supervisions,omitempty"`
	Flagged      bool `json:"flagged,omitempty"`
	// Rectifications by id.
	Rectifications map[string]RectificationRecord `json:"rectifications,omitempty"`
}

// RectificationRecord is what the rule keeps of one rectification.
type RectificationRecord struct {
	Department string `json:"department"`
	Overdue    bool   `json:"overdue,omitempty"`
	Reported   bool   `json:"reported,omitempty"`
	Accepted   bool   `json:"accepted,omitempty"`
}

// Found is one finding of the rule: an item of kind Kind against a
// department, from one event of a case.
type Found struct {
	CaseID          string        `json:"caseId"`
	RectificationID string        `json:"rectificationId"`
	DepartmentID    string        `json:"departmentId"`
	Kind            DeductionKind `json:"kind"`
	EventType       string        `json:"eventType"`
	At              time.Time     `json:"at"`
}

// ItemRef is how a deduction refers to a rectification item.
func ItemRef(caseID, rectificationID string) string { return caseID + "/" + rectificationID }

// SplitItemRef reads an item reference.
func SplitItemRef(ref string) (caseID, rectificationID string, ok bool) {
	return strings.Cut(ref, "/")
}

// Severity orders the rectification kinds: a worse finding replaces a
// milder one of the same month.
func Severity(k DeductionKind) int {
	switch k {
	case DeductLate:
		return 1
	case DeductUnresolved:
		return 2
	case DeductRefused:
		return 3
	}
	return 0
}

// pressed: under supervision a second time, or flagged.
func (c *CaseRecord) pressed() bool { return c.Supervisions >= 2 || c.Flagged }

// Observe moves the record by one event of case caseID and returns what it
// finds.
func (c *CaseRecord) Observe(caseID string, e complaint.Event) []Found {
	var out []Found
	find := func(rid string, k DeductionKind, at time.Time) {
		r := c.Rectifications[rid]
		if r.Department == "" {
			return // required while the center held the case: nobody to deduct from
		}
		out = append(out, Found{CaseID: caseID, RectificationID: rid, DepartmentID: r.Department, Kind: k, EventType: e.EventType(), At: at})
	}
	// refusals: overdue rectifications never reported, once the case is
	// flagged.
	refusals := func(at time.Time) {
		if !c.Flagged {
			return
		}
		for _, rid := range sortedKeys(c.Rectifications) {
			if r := c.Rectifications[rid]; r.Overdue && !r.Reported && !r.Accepted {
				find(rid, DeductRefused, at)
			}
		}
	}
	set := func(rid string, r RectificationRecord) {
		c.Rectifications = maps.Clone(c.Rectifications)
		if c.Rectifications == nil {
			c.Rectifications = map[string]RectificationRecord{}
		}
		c.Rectifications[rid] = r
	}
	switch e := e.(type) {
	case complaint.CaseReferred:
		c.Department = e.DepartmentID
	case complaint.ReferralReturned:
		c.Department = ""
	case complaint.SupervisionOrdered:
		rank := complaint.SupervisionRank(e.Level)
		if rank >= complaint.SupervisionRank(complaint.LevelSupervise) {
			c.Supervisions++
		}
		if rank >= complaint.SupervisionRank(complaint.LevelFlag) {
			c.Flagged = true
		}
		refusals(e.At)
	case complaint.ClosureOverdue:
		c.Supervisions++
		refusals(e.At)
	case complaint.Escalated:
		c.Supervisions++
		c.Flagged = true
		refusals(e.At)
	case complaint.RectificationRequired:
		set(e.RectificationID, RectificationRecord{Department: c.Department})
	case complaint.RectificationOverdue:
		rid, ok := strings.CutPrefix(e.Clock, "rectification:")
		r, known := c.Rectifications[rid]
		if !ok || !known {
			return nil
		}
		if r.Department == "" {
			r.Department = e.DepartmentID
		}
		r.Overdue = true
		set(rid, r)
		switch {
		case c.Flagged && !r.Reported:
			find(rid, DeductRefused, e.At)
		case c.pressed():
			find(rid, DeductUnresolved, e.At)
		default:
			find(rid, DeductLate, e.At)
		}
	case complaint.RectificationReported:
		if r, ok := c.Rectifications[e.RectificationID]; ok {
			r.Reported = true
			set(e.RectificationID, r)
		}
	case complaint.RectificationVerified:
		r, ok := c.Rectifications[e.RectificationID]
		if !ok {
			return nil
		}
		if e.Accepted {
			r.Accepted = true
			set(e.RectificationID, r)
			return nil
		}
		if c.pressed() {
			find(e.RectificationID, DeductUnresolved, e.At)
		} else {
			find(e.RectificationID, DeductLate, e.At)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// Item is a rectification item of a unit's month, at the worst of what was
// found in that month.
type Item struct {
	Ref  string        `json:"ref"`
	Kind DeductionKind `json:"kind"`
}

// RectificationDeductions turns a month's items into the deductions of a
// score input: one per kind, counting its items, with their references.
func RectificationDeductions(items []Item) []Deduction {
	byKind := map[DeductionKind][]string{}
	for _, it := range items {
		if !slices.Contains(byKind[it.Kind], it.Ref) {
			byKind[it.Kind] = append(byKind[it.Kind], it.Ref)
		}
	}
	var out []Deduction
	for _, k := range DeductionKinds() {
		refs := byKind[k]
		if len(refs) == 0 || k.Component() != ComponentRectification {
			continue
		}
		slices.Sort(refs)
		out = append(out, Deduction{Kind: k, Count: len(refs), Refs: refs})
	}
	return out
}
