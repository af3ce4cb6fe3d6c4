package ratings

import (
	"strings"
	"time"

	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/domain/rating"
)

// The answers of the ratings service. Exact values are written as
// rating.Number does (a decimal, or a fraction such as "2021/21"); the
// "shown" values are rounded down to two decimals, the display rule of
// domain/rating.

// EntryView is one unit of a league table.
type EntryView struct {
	UnitID          string          `json:"unitId"`
	Name            string          `json:"name"`
	Kind            rating.UnitKind `json:"kind"`
	Category        rating.Category `json:"category,omitempty"`
	Total           rating.Number   `json:"total"`
	Shown           string          `json:"shown"`
	Ratings         int             `json:"ratings"`
	Ranked          bool            `json:"ranked"`
	NotRanked       string          `json:"notRanked,omitempty"`
	Place           int             `json:"place,omitempty"`
	PlaceFromBottom int             `json:"placeFromBottom,omitempty"`
	Tied            bool            `json:"tied,omitempty"`
	Outcome         rating.Outcome  `json:"outcome"`
	// Consequences are the outcome in the words of 002 §七.
	Consequences []string `json:"consequences"`
}

// RankingView is the league table of one kind of unit in one category.
type RankingView struct {
	Kind          rating.UnitKind `json:"kind"`
	KindLabel     string          `json:"kindLabel"`
	Category      rating.Category `json:"category,omitempty"`
	CategoryLabel string          `json:"categoryLabel"`
	Scheme        rating.Ref      `json:"scheme"`
	SchemeName    string          `json:"schemeName"`
	Ranked        int             `json:"ranked"`
	Entries       []EntryView     `json:"entries"`
}

// StandingView is a period's league tables.
type StandingView struct {
	Period   string        `json:"period"`
	Label    string        `json:"label"`
	Closed   bool          `json:"closed"`
	ClosedAt *time.Time    `json:"closedAt,omitempty"`
	Rankings []RankingView `json:"rankings"`
}

// UnitScoreView is a unit's score for a period with its place.
type UnitScoreView struct {
	Entry EntryView    `json:"entry"`
	Score rating.Score `json:"score"`
	// SatisfactionShown is the overall satisfaction as a percentage.
	SatisfactionShown string `json:"satisfactionShown"`
	// Left are the ratings and deductions the scheme does not count.
	Left []string `json:"left,omitempty"`
}

// ScoresView lists units' scores for a period.
type ScoresView struct {
	Period string          `json:"period"`
	Label  string          `json:"label"`
	Closed bool            `json:"closed"`
	Items  []UnitScoreView `json:"items"`
}

// SourceView is one rating behind a method's tally, as the center sees it:
// which sheet, from which point, on which day.
type SourceView struct {
	ID      string       `json:"id"`
	Line    int          `json:"line,omitempty"`
	PointID string       `json:"pointId,omitempty"`
	DealtOn string       `json:"dealtOn,omitempty"`
	Period  string       `json:"period"`
	Grade   rating.Grade `json:"grade"`
	Count   int          `json:"count"`
	Comment string       `json:"comment,omitempty"`
}

// MethodDrill is a method of a score with what it counts.
type MethodDrill struct {
	Method  rating.Method `json:"method"`
	Label   string        `json:"label"`
	Ratings int           `json:"ratings"`
	// Listed counts the ratings behind it (the center sees each, a
	// department only the count).
	Listed  int          `json:"listed"`
	Sources []SourceView `json:"sources,omitempty"`
}

// ItemEventView is a case event behind a rectification item.
type ItemEventView struct {
	Seq  uint64               `json:"seq"`
	Type string               `json:"type"`
	On   string               `json:"on"`
	Kind rating.DeductionKind `json:"kind"`
}

// ItemView is a rectification item behind a deduction: the case, the
// rectification, the month and the case events that found it.
type ItemView struct {
	CaseID          string               `json:"caseId"`
	RectificationID string               `json:"rectificationId"`
	Period          string               `json:"period"`
	Kind            rating.DeductionKind `json:"kind"`
	KindLabel       string               `json:"kindLabel"`
	Events          []ItemEventView      `json:"events"`
}

// AspectView counts a unit's sheets per grade for one aspect.
type AspectView struct {
	Aspect rating.Aspect `json:"aspect"`
	Label  string        `json:"label"`
	Tally  rating.Tally  `json:"tally"`
}

// DrillDownView explains a unit's score: each method with what it counts,
// each deduction with its items and the case events behind them, the
// aspects and the comments. AddsUp says that the parts give the score;
// Problems say where they do not.
type DrillDownView struct {
	Period        string        `json:"period"`
	Label         string        `json:"label"`
	Closed        bool          `json:"closed"`
	Unit          UnitScoreView `json:"unit"`
	Methods       []MethodDrill `json:"methods"`
	Rectification []ItemView    `json:"rectification"`
	Aspects       []AspectView  `json:"aspects"`
	Comments      []string      `json:"comments"`
	Findings      []string      `json:"findings"`
	AddsUp        bool          `json:"addsUp"`
	Problems      []string      `json:"problems,omitempty"`
}

// SheetView is a sheet as its rater (or the center) sees it.
type SheetView struct {
	ID           string        `json:"id"`
	Method       rating.Method `json:"method"`
	PointID      string        `json:"pointId,omitempty"`
	DepartmentID string        `json:"departmentId"`
	OfficeID     string        `json:"officeId,omitempty"`
	Window       string        `json:"window,omitempty"`
	UnitID       string        `json:"unitId"`
	DealingRef   string        `json:"dealingRef,omitempty"`
	Dealing      string        `json:"dealing,omitempty"`
	Kind         string        `json:"kind,omitempty"`
	DealtOn      string        `json:"dealtOn,omitempty"`
	Period       string        `json:"period"`
	Grades       rating.Sheet  `json:"grades"`
	Comment      string        `json:"comment,omitempty"`
	Findings     string        `json:"findings,omitempty"`
	At           time.Time     `json:"at"`
	Counted      bool          `json:"counted"`
}

// SheetList is a list of sheets.
type SheetList struct {
	Period string      `json:"period"`
	Items  []SheetView `json:"items"`
}

// PeriodView is a closed period.
type PeriodView struct {
	Period   string       `json:"period"`
	Label    string       `json:"label"`
	ClosedAt time.Time    `json:"closedAt"`
	AsOf     uint64       `json:"asOf"`
	Schemes  []rating.Ref `json:"schemes"`
}

// PeriodList lists the closed periods.
type PeriodList struct {
	Items []PeriodView `json:"items"`
}

// KindScheme is the scheme in force for a kind of unit.
type KindScheme struct {
	Kind    rating.UnitKind `json:"kind"`
	Label   string          `json:"label"`
	Adopted bool            `json:"adopted"`
	Scheme  rating.Scheme   `json:"scheme"`
}

// SchemesView is the scheme book: what is in force and every version
// adopted.
type SchemesView struct {
	InForce  []KindScheme    `json:"inForce"`
	Versions []rating.Scheme `json:"versions"`
}

// SelectedView is one unit's year-end result.
type SelectedView struct {
	UnitID       string          `json:"unitId"`
	Name         string          `json:"name"`
	Verdict      rating.Verdict  `json:"verdict"`
	VerdictLabel string          `json:"verdictLabel"`
	Reasons      []rating.Reason `json:"reasons"`
	ReasonLabels []string        `json:"reasonLabels"`
	Handling     rating.Handling `json:"handling"`
	Entry        EntryView       `json:"entry"`
}

// YearEndGroup is the year-end selection of one league table.
type YearEndGroup struct {
	Kind          rating.UnitKind `json:"kind"`
	Category      rating.Category `json:"category,omitempty"`
	CategoryLabel string          `json:"categoryLabel"`
	Selected      []SelectedView  `json:"selected"`
}

// YearEndView is the year-end 满意不满意 selection (000 §七.5): the year's
// ranking with the handling of the referred complaints, and which
// workstations may be named 先进 (004 §四.三).
type YearEndView struct {
	Year              int                  `json:"year"`
	Closed            bool                 `json:"closed"`
	Rules             rating.YearEndRules  `json:"rules"`
	Groups            []YearEndGroup       `json:"groups"`
	WorkstationsKnown bool                 `json:"workstationsKnown"`
	Workstations      []rating.Eligibility `json:"workstations"`
}

// consequences are an outcome in the words of 002 §七.
func consequences(o rating.Outcome) []string {
	out := []string{}
	add := func(ok bool, s string) {
		if ok {
			out = append(out, s)
		}
	}
	add(o.Satisfied, "满意")
	add(o.MustExplain, "书面说明情况")
	add(o.LosesAwards, "取消年终评优评先资格")
	add(o.MustRectify, "限期整改")
	add(o.HeadAccountable, "主要负责人问责")
	return out
}

// unitName is a unit's name on the register (a window's: its department's
// and its own).
func unitName(id string, register map[string]department.Department) string {
	if d, ok := register[id]; ok {
		return d.Name
	}
	if dept, window, ok := strings.Cut(id, "/"); ok {
		if d, ok := register[dept]; ok {
			return d.Name + " " + window
		}
		return window
	}
	return id
}

// owns says whether department dept owns unit id: itself, its offices on
// the register, its windows.
func owns(dept, id string, register map[string]department.Department) bool {
	if id == dept || strings.HasPrefix(id, dept+"/") {
		return true
	}
	d, ok := register[id]
	return ok && d.ParentID == dept
}

func entryView(e rating.Entry, register map[string]department.Department) EntryView {
	return EntryView{UnitID: e.Unit.ID, Name: unitName(e.Unit.ID, register), Kind: e.Unit.Kind, Category: e.Unit.Category,
		Total: e.Total, Shown: e.Total.Fixed2(), Ratings: e.Ratings, Ranked: e.Ranked, NotRanked: e.NotRanked, Place: e.Place,
		PlaceFromBottom: e.PlaceFromBottom, Tied: e.Tied, Outcome: e.Outcome, Consequences: consequences(e.Outcome)}
}
