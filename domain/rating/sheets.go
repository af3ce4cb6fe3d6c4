package rating

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// The decisions of the sheets a monitoring point fills in: a dealing's
// rating and a month's summary.

// Dealing kinds: how the point met the unit (000 §七.5; 002 §五.一).
const (
	DealingService  = "service"       // the point went to the unit on business (到部门单位办事)
	DealingOfficial = "official_duty" // the unit's staff came to the point on official duty (到监测点履行公务)
	DealingReported = "reported"      // what enterprises and people around the point reported of the unit
)

// DealingKinds lists the dealing kinds.
func DealingKinds() []string { return []string{DealingService, DealingOfficial, DealingReported} }

// DealingKindLabel is a dealing kind's Chinese name.
func DealingKindLabel(k string) string {
	switch k {
	case DealingService:
		return "到部门单位办事"
	case DealingOfficial:
		return "部门单位到监测点履行公务"
	case DealingReported:
		return "周边企业群众反映"
	}
	return ""
}

// Inspection modes (明察暗访).
const (
	InspectionOvert  = "overt"  // 明察: announced
	InspectionCovert = "covert" // 暗访: unannounced, by telephone or in person
)

// InspectionModes lists the inspection modes.
func InspectionModes() []string { return []string{InspectionOvert, InspectionCovert} }

// The limits of the texts of a sheet.
const (
	maxComment    = 500
	maxDealing    = 200
	maxDealingRef = 100
	maxWindow     = 30
)

// WindowUnitID is the id of a department's service window as a rated unit.
func WindowUnitID(departmentID, window string) string { return departmentID + "/" + window }

// NewTarget resolves what a sheet rates into the units it is credited to.
// officeOfDepartment says whether the department itself is an office (it
// has a parent on the register); the caller has checked that the department
// and the office are registered and the office is the department's.
func NewTarget(departmentID string, departmentIsOffice bool, officeID, window string) (Target, error) {
	if strings.TrimSpace(departmentID) == "" {
		return Target{}, domain.Invalid("departmentId", "is required: the department the sheet rates")
	}
	kind := UnitDepartment
	if departmentIsOffice {
		kind = UnitOffice
	}
	t := Target{DepartmentID: departmentID, Units: []UnitRef{{departmentID, kind}}}
	if officeID != "" && window != "" {
		return Target{}, domain.Invalid("window", "name an office or a window, not both")
	}
	if officeID != "" {
		if officeID == departmentID {
			return Target{}, domain.Invalid("officeId", "is the department itself; leave it out")
		}
		t.OfficeID = officeID
		t.Units = append(t.Units, UnitRef{officeID, UnitOffice})
	}
	if window != "" {
		w, err := cleanText("window", window, maxWindow, true)
		if err != nil {
			return Target{}, err
		}
		if strings.Contains(w, "/") {
			return Target{}, domain.Invalid("window", "must not contain '/'")
		}
		id := WindowUnitID(departmentID, w)
		if len(id) > 100 {
			return Target{}, domain.Invalid("window", "the department's id and the window's name make more than 100 bytes")
		}
		t.Window = w
		t.Units = append(t.Units, UnitRef{id, UnitWindow})
	}
	return t, nil
}

// Unit is the most specific unit the target names: the window or the
// office when there is one, else the department.
func (t Target) Unit() UnitRef {
	if len(t.Units) == 0 {
		return UnitRef{ID: t.DepartmentID, Kind: UnitDepartment}
	}
	return t.Units[len(t.Units)-1]
}

// hashID derives an aggregate id from its parts.
func hashID(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + hex.EncodeToString(h.Sum(nil))[:32]
}

// RatingIDFor is the id of the rating of a point's dealing: the same point
// and dealing reference always give the same id, so a dealing is rated
// once. It is never shown to a department (a department that knows the
// reference could recompute it).
func RatingIDFor(pointID, dealingRef string) string { return hashID("r-", pointID, dealingRef) }

// SummaryIDFor is the id of a point's summary of a unit for a month.
func SummaryIDFor(pointID, unitID string, month Period) string {
	return hashID("s-", pointID, unitID, month.String())
}

// RateDealing is a point's rating of one dealing.
type RateDealing struct {
	PointID    string
	DealingRef string
	Target     Target
	Dealing    string
	Kind       string
	DealtOn    string // the day of the dealing, YYYY-MM-DD in the service's zone
	Sheet      Sheet
	Comment    string
}

// Rating is the state of one dealing's rating.
type Rating struct {
	Version int          `json:"version"`
	Rated   DealingRated `json:"rated"`
}

// Apply moves the rating by one recorded event.
func (r *Rating) Apply(e Event) error {
	switch e := e.(type) {
	case DealingRated:
		if r.Version != 0 {
			return fmt.Errorf("rating %s: rated twice", e.RatingID)
		}
		r.Rated = e
	default:
		return fmt.Errorf("rating: cannot apply %T", e)
	}
	r.Version++
	return nil
}

// Rate returns the events of rating a dealing; closed are the closed
// periods, loc the service's zone.
func (r *Rating) Rate(cmd RateDealing, closed []Period, loc *time.Location, now time.Time) ([]Event, error) {
	if r.Version != 0 {
		return nil, domain.StateConflict("the dealing %s was already rated by this point: a dealing is rated once", r.Rated.DealingRef)
	}
	ref, err := cleanText("dealingRef", cmd.DealingRef, maxDealingRef, true)
	if err != nil {
		return nil, err
	}
	if err := validKind(cmd.Kind); err != nil {
		return nil, err
	}
	dealing, err := cleanText("dealing", cmd.Dealing, maxDealing, true)
	if err != nil {
		return nil, err
	}
	day, err := pastDay("dealtOn", cmd.DealtOn, loc, now)
	if err != nil {
		return nil, err
	}
	month, err := AdmitRating(day, loc, closed)
	if err != nil {
		return nil, err
	}
	sheet, err := validSheet(cmd.Sheet)
	if err != nil {
		return nil, err
	}
	comment, err := cleanText("comment", cmd.Comment, maxComment, false)
	if err != nil {
		return nil, err
	}
	if len(cmd.Target.Units) == 0 {
		return nil, domain.Invalid("departmentId", "is required: the department the sheet rates")
	}
	return []Event{DealingRated{
		RatingID: RatingIDFor(cmd.PointID, ref), PointID: cmd.PointID, DealingRef: ref, Target: cmd.Target,
		Dealing: dealing, Kind: cmd.Kind, DealtOn: day.Format(time.DateOnly), Month: month,
		Sheet: sheet, Comment: comment, At: now,
	}}, nil
}

// SummarizeMonth is a point's summary of a unit for a month.
type SummarizeMonth struct {
	PointID string
	Target  Target
	Month   Period
	Sheet   Sheet
	Comment string
}

// Summary is the state of a point's summary of a unit for a month.
type Summary struct {
	Version    int             `json:"version"`
	Summarized MonthSummarized `json:"summarized"`
}

// Apply moves the summary by one recorded event.
func (s *Summary) Apply(e Event) error {
	switch e := e.(type) {
	case MonthSummarized:
		if s.Version != 0 {
			return fmt.Errorf("summary %s: recorded twice", e.SummaryID)
		}
		s.Summarized = e
	default:
		return fmt.Errorf("summary: cannot apply %T", e)
	}
	s.Version++
	return nil
}

// Summarize returns the events of a point's summary of a month: the month
// must have begun and must not be closed, and a point sums up a unit's
// month once.
func (s *Summary) Summarize(cmd SummarizeMonth, closed []Period, loc *time.Location, now time.Time) ([]Event, error) {
	if s.Version != 0 {
		return nil, domain.StateConflict("this point already summarized %s for %s: a month is summarized once", s.Summarized.Target.Unit().ID, s.Summarized.Month)
	}
	month, err := openMonth("month", cmd.Month, closed, loc, now)
	if err != nil {
		return nil, err
	}
	sheet, err := validSheet(cmd.Sheet)
	if err != nil {
		return nil, err
	}
	comment, err := cleanText("comment", cmd.Comment, maxComment, false)
	if err != nil {
		return nil, err
	}
	if len(cmd.Target.Units) == 0 {
		return nil, domain.Invalid("departmentId", "is required: the department the sheet rates")
	}
	return []Event{MonthSummarized{
		SummaryID: SummaryIDFor(cmd.PointID, cmd.Target.Unit().ID, month), PointID: cmd.PointID, Target: cmd.Target,
		Month: month, Sheet: sheet, Comment: comment, At: now,
	}}, nil
}

// openMonth checks a month a sheet is recorded for: a month that has begun
// and is not in a closed period.
func openMonth(field string, m Period, closed []Period, loc *time.Location, now time.Time) (Period, error) {
	if err := m.Validate(field); err != nil {
		return Period{}, err
	}
	if m.Kind != PeriodMonth {
		return Period{}, domain.Invalid(field, "must be a month, like 2026-11 (got %s)", m)
	}
	if now.Before(m.Start(loc)) {
		return Period{}, domain.Invalid(field, "%s has not begun", m)
	}
	for _, c := range closed {
		if c.Includes(m) {
			return Period{}, domain.StateConflict("period %s is closed: nothing more is recorded for %s", c, m)
		}
	}
	return m, nil
}

// pastDay reads a day that is not after today (in loc) and not before 2000.
func pastDay(field, s string, loc *time.Location, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, domain.Invalid(field, "is required: a date, like 2026-11-03")
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, domain.Invalid(field, "%q is not a date; write it as 2026-11-03", s)
	}
	today := now.In(loc)
	if d.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)) {
		return time.Time{}, domain.Invalid(field, "%s is in the future", s)
	}
	if d.Year() < MinYear {
		return time.Time{}, domain.Invalid(field, "%s lies before %d", s, MinYear)
	}
	return d, nil
}

func validKind(k string) error {
	for _, v := range DealingKinds() {
		if k == v {
			return nil
		}
	}
	if k == "" {
		return domain.Invalid("kind", "is required: service, official_duty or reported")
	}
	return domain.Invalid("kind", "%q is not a kind of dealing: service, official_duty or reported", k)
}

// validSheet checks a sheet and returns a copy.
func validSheet(s Sheet) (Sheet, error) {
	if err := s.Validate("grades"); err != nil {
		return nil, err
	}
	out := make(Sheet, len(s))
	for a, g := range s {
		out[a] = g
	}
	return out, nil
}

// cleanText trims a text and checks its length and characters.
func cleanText(field, v string, max int, required bool) (string, error) {
	if !utf8.ValidString(v) {
		return "", domain.Invalid(field, "is not valid UTF-8")
	}
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", domain.Invalid(field, "is required")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return "", domain.Invalid(field, "is %d characters long; at most %d are allowed", n, max)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }) {
		return "", domain.Invalid(field, "contains a control character")
	}
	return v, nil
}
