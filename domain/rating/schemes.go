package rating

// The schemes of the seed documents, as data. Each call returns a fresh
// value; a later revision is a new version, never an edit of these.
//
// MinRatings (10) is not from the documents: it is the center's setting and
// is carried in the scheme so that a closed ranking can be reproduced.

// DefaultMinRatings is the minimum sample of the schemes below.
const DefaultMinRatings = 10

// UnitAssessment is the 002 scheme (内设机构测评, §五-七): overall
// satisfaction = 即时 × 20% + 综合 × 20% + 明察暗访 × 10% + 集中 × 50%;
// total = overall satisfaction × 80 + rectification (20, minus 3, 5 or 10
// per item, down to 0); top 6 of each category 满意, the bottom 3 at or
// above 70 explain in writing, under 70 rectify and the head is held
// accountable.
func UnitAssessment() Scheme {
	return Scheme{
		ID:        "unit-assessment",
		Version:   1,
		Name:      "内设机构测评",
		Source:    "002 §五-七",
		AppliesTo: []UnitKind{UnitDepartment, UnitOffice},
		Points:    StandardGradePoints(),
		Methods: []MethodWeight{
			{MethodInstant, Frac(20, 100)},
			{MethodMonthly, Frac(20, 100)},
			{MethodInspection, Frac(10, 100)},
			{MethodCentral, Frac(50, 100)},
		},
		Missing:           MissingReweight,
		SatisfactionScale: Int(80),
		Rectification: &RectificationRule{
			Base: Int(20),
			Deductions: []DeductionRule{
				{DeductLate, Int(3), Int(3)},
				{DeductUnresolved, Int(5), Int(5)},
				{DeductRefused, Int(10), Int(10)},
			},
		},
		MinRatings:   DefaultMinRatings,
		Consequences: Consequences{Satisfied: 6, Bottom: 3, Threshold: Int(70), RectifyBelow: true},
	}
}

// dailyChecks are 003's daily deductions: 0.5 to 1 per person-time for a
// breach of the conduct rules, 0.1 each time daily work falls short.
func dailyChecks() []DeductionRule {
	return []DeductionRule{
		{DeductViolation, Frac(1, 2), Int(1)},
		{DeductLapse, Frac(1, 10), Frac(1, 10)},
	}
}

// PublicReviewDepartments is the 003 scheme for departments and offices
// (百企评部门、千人评机关): sampling × 50% + central × 50%, on a scale of
// 100, minus the daily deductions. A total under 70 holds the head
// accountable (诫勉谈话或组织处理); 003 names no top or bottom group.
func PublicReviewDepartments() Scheme {
	return Scheme{
		ID:        "public-review-departments",
		Version:   1,
		Name:      "百企评部门、千人评机关",
		Source:    "003 一.3",
		AppliesTo: []UnitKind{UnitDepartment, UnitOffice},
		Points:    StandardGradePoints(),
		Methods: []MethodWeight{
			{MethodSampling, Frac(50, 100)},
			{MethodCentral, Frac(50, 100)},
		},
		Missing:           MissingReweight,
		SatisfactionScale: Int(100),
		Daily:             dailyChecks(),
		MinRatings:        DefaultMinRatings,
		Consequences:      Consequences{Threshold: Int(70)},
	}
}

// PublicReviewWindows is the 003 scheme for the service windows (万人评窗口):
// sampling × 70% + online vote × 30%, on a scale of 100, minus the daily
// deductions; under 70 holds the head accountable.
func PublicReviewWindows() Scheme {
	return Scheme{
		ID:        "public-review-windows",
		Version:   1,
		Name:      "万人评窗口",
		Source:    "003 一.3",
		AppliesTo: []UnitKind{UnitWindow},
		Points:    StandardGradePoints(),
		Methods: []MethodWeight{
			{MethodSampling, Frac(70, 100)},
			{MethodOnlineVote, Frac(30, 100)},
		},
		Missing:           MissingReweight,
		SatisfactionScale: Int(100),
		Daily:             dailyChecks(),
		MinRatings:        DefaultMinRatings,
		Consequences:      Consequences{Threshold: Int(70)},
	}
}
