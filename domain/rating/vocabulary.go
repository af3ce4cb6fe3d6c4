package rating

import (
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/department"
)

// Grade is one of the five grades a rater gives (测评结果分为五档).
type Grade string

// The grades, best first.
const (
	Excellent Grade = "excellent" // 优
	Good      Grade = "good"      // 良
	Fair      Grade = "fair"      // 一般
	Poor      Grade = "poor"      // 较差
	Bad       Grade = "bad"       // 差
)

// Grades lists the grades from best to worst.
func Grades() [5]Grade { return [5]Grade{Excellent, Good, Fair, Poor, Bad} }

// Label is the grade's Chinese name.
func (g Grade) Label() string {
	switch g {
	case Excellent:
		return "优"
	case Good:
		return "良"
	case Fair:
		return "一般"
	case Poor:
		return "较差"
	case Bad:
		return "差"
	}
	return ""
}

// StandardPoints are the points of 002 §五: 90, 75, 60, 45, 30; 0 for a
// code that is not a grade. Schemes carry their own copy (Scheme.Grades).
func (g Grade) StandardPoints() int64 {
	switch g {
	case Excellent:
		return 90
	case Good:
		return 75
	case Fair:
		return 60
	case Poor:
		return 45
	case Bad:
		return 30
	}
	return 0
}

// Validate reports a code that is not a grade, naming the field.
func (g Grade) Validate(field string) error {
	switch g {
	case Excellent, Good, Fair, Poor, Bad:
		return nil
	case "":
		return domain.Invalid(field, "is required: excellent (优), good (良), fair (一般), poor (较差) or bad (差)")
	}
	return domain.Invalid(field, "%q is not a grade: excellent, good, fair, poor or bad", string(g))
}

// Aspect is what a rating sheet grades (附表三; 000 §七.5).
type Aspect string

// The aspects, in the order of the sheet; Overall is the sheet's overall
// grade, the one a method's tally counts.
const (
	AspectAttitude   Aspect = "attitude"   // 服务态度
	AspectOpenness   Aspect = "openness"   // 政务公开
	AspectProcess    Aspect = "process"    // 服务流程
	AspectEfficiency Aspect = "efficiency" // 办事效率
	AspectPolicy     Aspect = "policy"     // 政策落实程度
	AspectIntegrity  Aspect = "integrity"  // 勤政廉政
	AspectOverall    Aspect = "overall"    // 总体评价
)

// Aspects lists the aspects in the order of the sheet, Overall last.
func Aspects() [7]Aspect {
	return [7]Aspect{AspectAttitude, AspectOpenness, AspectProcess, AspectEfficiency, AspectPolicy, AspectIntegrity, AspectOverall}
}

// Label is the aspect's Chinese name.
func (a Aspect) Label() string {
	switch a {
	case AspectAttitude:
		return "服务态度"
	case AspectOpenness:
		return "政务公开"
	case AspectProcess:
		return "服务流程"
	case AspectEfficiency:
		return "办事效率"
	case AspectPolicy:
		return "政策落实程度"
	case AspectIntegrity:
		return "勤政廉政"
	case AspectOverall:
		return "总体评价"
	}
	return ""
}

// Validate reports a code that is not an aspect, naming the field.
func (a Aspect) Validate(field string) error {
	if a.Label() != "" {
		return nil
	}
	if a == "" {
		return domain.Invalid(field, "is required: attitude, openness, process, efficiency, policy, integrity or overall")
	}
	return domain.Invalid(field, "%q is not an aspect: attitude, openness, process, efficiency, policy, integrity or overall", string(a))
}

// Method is how ratings are gathered. The first four are 002 §五's; the
// last two are the alternatives of 003.
type Method string

// The methods.
const (
	MethodInstant    Method = "instant"     // 即时测评: one rating per dealing
	MethodMonthly    Method = "monthly"     // 综合测评: a point's summary grade for the month
	MethodInspection Method = "inspection"  // 明察暗访: by the center's staff
	MethodCentral    Method = "central"     // 集中测评: representatives in session
	MethodSampling   Method = "sampling"    // 抽样调查 (003): telephone sampling survey
	MethodOnlineVote Method = "online_vote" // 网络投票 (003): online vote
)

// Methods lists every method in a fixed order (the order of a drill-down).
func Methods() [6]Method {
	return [6]Method{MethodInstant, MethodMonthly, MethodInspection, MethodCentral, MethodSampling, MethodOnlineVote}
}

// Label is the method's Chinese name.
func (m Method) Label() string {
	switch m {
	case MethodInstant:
		return "即时测评"
	case MethodMonthly:
		return "综合测评"
	case MethodInspection:
		return "明察暗访"
	case MethodCentral:
		return "集中测评"
	case MethodSampling:
		return "抽样调查"
	case MethodOnlineVote:
		return "网络投票"
	}
	return ""
}

// Validate reports a code that is not a method, naming the field.
func (m Method) Validate(field string) error {
	if m.Label() != "" {
		return nil
	}
	if m == "" {
		return domain.Invalid(field, "is required: instant, monthly, inspection, central, sampling or online_vote")
	}
	return domain.Invalid(field, "%q is not a method: instant, monthly, inspection, central, sampling or online_vote", string(m))
}

// Category is the department register's category (002 §二): rankings are
// drawn up within one. It is the register's own type, so a department's
// entry feeds a ranking without conversion.
type Category = department.Category

// The categories.
const (
	CategoryEnforcement = department.CategoryEnforcement // 行政执法类
	CategoryManagement  = department.CategoryManagement  // 综合管理类
)

// CategoryLabel is a category's Chinese name; "" for the uncategorised
// group of service windows.
func CategoryLabel(c Category) string {
	switch c {
	case CategoryEnforcement:
		return "行政执法类"
	case CategoryManagement:
		return "综合管理类"
	}
	return ""
}

// ValidateCategory reports a code that is not a category, naming the field.
func ValidateCategory(field string, c Category) error {
	switch c {
	case CategoryEnforcement, CategoryManagement:
		return nil
	case "":
		return domain.Invalid(field, "is required: enforcement (行政执法类) or management (综合管理类)")
	}
	return domain.Invalid(field, "%q is not a category: enforcement or management", string(c))
}

// UnitKind is what kind of unit is rated; a scheme names the kinds it
// applies to (003 weighs windows differently from departments and offices).
type UnitKind string

// The kinds of rated unit.
const (
	UnitDepartment UnitKind = "department" // 部门
	UnitOffice     UnitKind = "office"     // 内设机构、二级单位 (科室)
	UnitWindow     UnitKind = "window"     // 服务窗口
)

// Label is the kind's Chinese name.
func (k UnitKind) Label() string {
	switch k {
	case UnitDepartment:
		return "部门"
	case UnitOffice:
		return "内设机构"
	case UnitWindow:
		return "服务窗口"
	}
	return ""
}

// Validate reports a code that is not a unit kind, naming the field.
func (k UnitKind) Validate(field string) error {
	if k.Label() != "" {
		return nil
	}
	if k == "" {
		return domain.Invalid(field, "is required: department, office or window")
	}
	return domain.Invalid(field, "%q is not a unit kind: department, office or window", string(k))
}

// Component is the part of a score a deduction is taken from.
type Component string

// The components deductions are taken from.
const (
	// ComponentRectification: the rectification score (002 §六), a base of
	// 20 with deductions down to 0.
	ComponentRectification Component = "rectification"
	// ComponentDaily: the daily checks (003 日常考查), deducted from the total.
	ComponentDaily Component = "daily"
)

// DeductionKind is a reason points are taken off.
type DeductionKind string

// The deduction kinds.
const (
	// DeductLate: not rectified by the deadline, or not fully (未按时间节点
	// 整改或整改不到位), 3 points each in 002.
	DeductLate DeductionKind = "late"
	// DeductUnresolved: still not fully rectified after a second supervision
	// or 挂牌督办, 5 points each in 002.
	DeductUnresolved DeductionKind = "unresolved"
	// DeductRefused: rectification refused without good reason (拒不整改且无
	// 正当理由), 10 points each in 002.
	DeductRefused DeductionKind = "refused"
	// DeductViolation: a breach of the conduct rules found by the daily
	// checks, 0.5 to 1 point per person-time in 003.
	DeductViolation DeductionKind = "violation"
	// DeductLapse: daily work not up to standard (日常工作不到位), 0.1 point
	// each time in 003.
	DeductLapse DeductionKind = "lapse"
)

// DeductionKinds lists the kinds in a fixed order (the order of a drill-down).
func DeductionKinds() [5]DeductionKind {
	return [5]DeductionKind{DeductLate, DeductUnresolved, DeductRefused, DeductViolation, DeductLapse}
}

// Component is the part of the score the kind is deducted from.
func (k DeductionKind) Component() Component {
	switch k {
	case DeductLate, DeductUnresolved, DeductRefused:
		return ComponentRectification
	case DeductViolation, DeductLapse:
		return ComponentDaily
	}
	return ""
}

// Label is the kind's Chinese name.
func (k DeductionKind) Label() string {
	switch k {
	case DeductLate:
		return "未按时间节点整改或整改不到位"
	case DeductUnresolved:
		return "经二次督办或挂牌督办后仍整改不到位"
	case DeductRefused:
		return "拒不整改且无正当理由"
	case DeductViolation:
		return "违反作风建设有关规定(每人次)"
	case DeductLapse:
		return "日常工作不到位(每次)"
	}
	return ""
}

// Validate reports a code that is not a deduction kind, naming the field.
func (k DeductionKind) Validate(field string) error {
	if k.Label() != "" {
		return nil
	}
	if k == "" {
		return domain.Invalid(field, "is required: late, unresolved, refused, violation or lapse")
	}
	return domain.Invalid(field, "%q is not a deduction kind: late, unresolved, refused, violation or lapse", string(k))
}
