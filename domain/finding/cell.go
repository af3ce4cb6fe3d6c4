package finding

import (
	"strings"
)

// Dimension is the kind of cell the daily counts are kept for (DESIGN §4:
// department × issue type, issue type × district, department × category,
// issue type × monitoring-point type, and each issue type citywide, where
// the widespread rule counts points, districts and departments).
type Dimension string

// The dimensions, in the order a run prefers them when several cells saw
// the same cases: the most specific first.
const (
	DepartmentIssue    Dimension = "department_issue"    // department × issue type
	DepartmentCategory Dimension = "department_category" // department × category
	IssueDistrict      Dimension = "issue_district"      // issue type × district
	IssuePointType     Dimension = "issue_point_type"    // issue type × monitoring-point type
	Issue              Dimension = "issue"               // one issue type citywide
)

// Dimensions lists every dimension in order of preference.
func Dimensions() []Dimension {
	return []Dimension{DepartmentIssue, DepartmentCategory, IssueDistrict, IssuePointType, Issue}
}

// Rank is the dimension's place in Dimensions (len(Dimensions()) for an
// unknown one).
func (d Dimension) Rank() int {
	for i, x := range Dimensions() {
		if x == d {
			return i
		}
	}
	return len(Dimensions())
}

// Known reports whether d is one of the dimensions.
func (d Dimension) Known() bool { return d.Rank() < len(Dimensions()) }

// Cell is one combination the counts are kept for: the dimension and the
// values of its parts (the others empty).
type Cell struct {
	Dimension  Dimension `json:"dimension"`
	Department string    `json:"department,omitempty"`
	IssueType  string    `json:"issueType,omitempty"`
	Category   string    `json:"category,omitempty"`
	District   string    `json:"district,omitempty"`
	PointType  string    `json:"pointType,omitempty"`
}

// CellOf builds the cell of a dimension from its two stored parts (the
// counts table keeps every cell as a dimension and two values: for an
// issue type citywide the second is empty).
func CellOf(d Dimension, a, b string) Cell {
	c := Cell{Dimension: d}
	switch d {
	case DepartmentIssue:
		c.Department, c.IssueType = a, b
	case DepartmentCategory:
		c.Department, c.Category = a, b
	case IssueDistrict:
		c.IssueType, c.District = a, b
	case IssuePointType:
		c.IssueType, c.PointType = a, b
	case Issue:
		c.IssueType = a
	}
	return c
}

// Parts returns the cell's two stored values (see CellOf).
func (c Cell) Parts() (a, b string) {
	switch c.Dimension {
	case DepartmentIssue:
		return c.Department, c.IssueType
	case DepartmentCategory:
		return c.Department, c.Category
	case IssueDistrict:
		return c.IssueType, c.District
	case IssuePointType:
		return c.IssueType, c.PointType
	case Issue:
		return c.IssueType, ""
	}
	return "", ""
}

// Key is the cell written as one string: dimension, then its parts, each
// separated by a unit separator (no part may hold one).
func (c Cell) Key() string {
	a, b := c.Parts()
	return strings.Join([]string{string(c.Dimension), a, b}, "\x1f")
}
