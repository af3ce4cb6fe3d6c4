package httpapi

import (
	"net/http"
	"reflect"
	"strconv"

	"github.com/watchpost/watchpost/cmd/internal/ratings"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/rating"
	"github.com/watchpost/watchpost/projections"
)

// The routes of the ratings and rankings (issue 14).

type ratingTargetRequest struct {
	DepartmentID string `json:"departmentId" rule:"required,format=id" desc:"The registered, active department rated" example:"tax-bureau"`
	OfficeID     string `json:"officeId" rule:"format=id" desc:"An office of the department (registered with it as its parent), rated too"`
	Window       string `json:"window" rule:"max=30" desc:"A service window of the department, by name, rated too (not with an office)"`
}

type rateDealingRequest struct {
	ratingTargetRequest
	DealingRef string       `json:"dealingRef" rule:"required,max=100" desc:"The point's own reference of the dealing (a receipt or file number): a dealing is rated once" example:"2026-税-0031"`
	Dealing    string       `json:"dealing" rule:"required,max=200" desc:"What the dealing was" example:"办理增值税发票领用"`
	Kind       string       `json:"kind" rule:"required,enum=dealingKinds" desc:"service: the point went to the unit on business; official_duty: the unit came to the point on official duty; reported: what enterprises and people around the point reported" example:"service"`
	DealtOn    string       `json:"dealtOn" rule:"required,format=date" desc:"The day of the dealing, not in the future; the rating counts in its month, which must not be closed" example:"2026-11-03"`
	Grades     rating.Sheet `json:"grades" rule:"required" desc:"A grade (excellent 优 90, good 良 75, fair 一般 60, poor 较差 45, bad 差 30) per aspect (attitude, openness, process, efficiency, policy, integrity) and overall, which is required and counted"`
	Comment    string       `json:"comment" rule:"max=500" desc:"Opinions and suggestions (意见和建议); the department reads them without knowing the point"`
}

type monthlySummaryRequest struct {
	ratingTargetRequest
	Month   string       `json:"month" rule:"required" desc:"The month summed up, begun and not closed" example:"2026-11"`
	Grades  rating.Sheet `json:"grades" rule:"required" desc:"The month's grades per aspect and overall (overall required)"`
	Comment string       `json:"comment" rule:"max=500" desc:"Opinions and suggestions"`
}

type inspectionRequest struct {
	ratingTargetRequest
	InspectedOn     string       `json:"inspectedOn" rule:"required,format=date" desc:"The day of the inspection, not in the future" example:"2026-11-12"`
	Mode            string       `json:"mode" rule:"required,enum=inspectionModes" desc:"overt (明察) or covert (暗访)" example:"covert"`
	Findings        string       `json:"findings" rule:"required,max=2000" desc:"What was found" example:"电话咨询两次无人接听"`
	Grades          rating.Sheet `json:"grades" rule:"required" desc:"The inspection's grades per aspect and overall (overall required)"`
	Violations      int          `json:"violations" desc:"Person-times of breaches of the conduct rules found (003 daily checks)"`
	ViolationAmount string       `json:"violationAmount" desc:"Points per person-time, 0.5 to 1, with violations" example:"0.5"`
	Lapses          int          `json:"lapses" desc:"Times daily work fell short (003: 0.1 each)"`
}

type surveyRequest struct {
	ratingTargetRequest
	Method string       `json:"method" rule:"required,enum=surveyMethods" desc:"sampling (抽样调查) or online_vote (网络投票)" example:"sampling"`
	Month  string       `json:"month" rule:"required" desc:"The month the results count in, begun and not closed" example:"2026-11"`
	Tally  rating.Tally `json:"tally" rule:"required" desc:"The answers per grade"`
	Source string       `json:"source" rule:"required,max=200" desc:"Who ran it" example:"县统计局民意调查中心"`
}

type sessionUnitRequest struct {
	DepartmentID string `json:"departmentId" rule:"required,format=id" desc:"A registered, active department assessed" example:"tax-bureau"`
	OfficeID     string `json:"officeId" rule:"format=id" desc:"Or one of its offices"`
	Window       string `json:"window" rule:"max=30" desc:"Or one of its windows, by name"`
}

type openSessionRequest struct {
	HeldOn string               `json:"heldOn" rule:"required,format=date" desc:"The day of the session; its ballots count in its month" example:"2026-11-20"`
	Title  string               `json:"title" rule:"required,max=200" desc:"The session's title" example:"2026年11月集中测评"`
	Groups []string             `json:"groups" rule:"required,maxItems=20,max=50" desc:"The groups of representatives taking part" example:"人大代表"`
	Units  []sessionUnitRequest `json:"units" rule:"required,maxItems=300" desc:"The units assessed"`
}

type ballotRequest struct {
	Number int                     `json:"number" rule:"required" desc:"The ballot's number in the session, entered once"`
	Group  string                  `json:"group" rule:"required,max=50" desc:"The group of the representative" example:"人大代表"`
	Grades map[string]rating.Grade `json:"grades" rule:"required" desc:"A grade per unit assessed, by the unit's id (a department's id, or department/window)"`
}

type ballotsRequest struct {
	Ballots []ballotRequest `json:"ballots" rule:"required,maxItems=500" desc:"The ballots"`
}

type closeSessionRequest struct{}

type closePeriodRequest struct{}

type adoptSchemeRequest struct {
	Scheme rating.Scheme     `json:"scheme" rule:"required" desc:"The scheme as data: a new id or a higher version (GET /api/v1/ratings/schemes shows those in force)"`
	Kinds  []rating.UnitKind `json:"kinds" rule:"required,enum=unitKinds" desc:"The kinds of unit it scores from now on" example:"department"`
}

// ratingEnumerations are the codes of the ratings' request fields, by the
// names their rule tags give them.
func ratingEnumerations() map[string][]string {
	str := func(vs ...string) []string { return vs }
	kinds := str()
	for _, k := range rating.UnitKinds() {
		kinds = append(kinds, string(k))
	}
	return map[string][]string{
		"dealingKinds":    rating.DealingKinds(),
		"inspectionModes": rating.InspectionModes(),
		"surveyMethods":   str(string(rating.MethodSampling), string(rating.MethodOnlineVote)),
		"unitKinds":       kinds,
	}
}

// ratingTypeEnums are the ratings' coded types whose values are a closed
// list.
func ratingTypeEnums() map[reflect.Type][]string {
	var grades, aspects, methods, kinds []string
	for _, g := range rating.Grades() {
		grades = append(grades, string(g))
	}
	for _, a := range rating.Aspects() {
		aspects = append(aspects, string(a))
	}
	for _, m := range rating.Methods() {
		methods = append(methods, string(m))
	}
	for _, k := range rating.UnitKinds() {
		kinds = append(kinds, string(k))
	}
	return map[reflect.Type][]string{
		reflect.TypeOf(rating.Grade("")): grades, reflect.TypeOf(rating.Aspect("")): aspects,
		reflect.TypeOf(rating.Method("")): methods, reflect.TypeOf(rating.UnitKind("")): kinds,
	}
}

// The parameters of the ratings' reads.
var (
	periodParam = param{name: "period", kind: "string", description: "a month (2026-11), quarter (2026-Q4) or year (2026); required"}
	ratingQuery = []param{periodParam,
		{name: "point", kind: "string", description: "one point's sheets (the center)"},
		{name: "department", kind: "string", description: "one department's sheets"},
		{name: "method", kind: "string", description: "instant, monthly or inspection"}}
)

func (s *Server) ratingRoutes() []route {
	const r = "/api/v1/ratings"
	created := http.StatusCreated
	return []route{
		{method: "POST", pattern: r, action: access.RateDealing, handle: s.rateDealing,
			doc: doc{summary: "A monitoring point rates a dealing (一事一评议, 即时测评): once per dealing", body: rateDealingRequest{}, response: ratings.Rated{}, status: created}},
		{method: "GET", pattern: r, action: access.ReadRatings, handle: s.listRatingSheets,
			doc: doc{summary: "The rating sheets of a period: a point its own, the center all, with the raters", response: ratings.SheetList{}, query: ratingQuery}},
		{method: "POST", pattern: r + "/monthly-summaries", action: access.RateDealing, handle: s.summarizeMonth,
			doc: doc{summary: "A point's summary grade of a unit for a month (综合测评): once per unit and month", body: monthlySummaryRequest{}, response: ratings.Rated{}, status: created}},
		{method: "POST", pattern: r + "/inspections", action: access.RecordInspection, handle: s.recordInspection,
			doc: doc{summary: "Record an inspection (明察暗访) with its grades and daily-check items", body: inspectionRequest{}, response: ratings.Rated{}, status: created}},
		{method: "POST", pattern: r + "/surveys", action: access.RecordSurvey, handle: s.recordSurvey,
			doc: doc{summary: "Record a sampling survey's or an online vote's results for a unit and month (003)", body: surveyRequest{}, response: ratings.Rated{}, status: created}},
		{method: "POST", pattern: r + "/sessions", action: access.RunSession, handle: s.openSession,
			doc: doc{summary: "Open a central assessment session (集中测评) with its groups of representatives and the units assessed", body: openSessionRequest{}, response: projections.RatingSession{}, status: created}},
		{method: "GET", pattern: r + "/sessions/{id}", action: access.ReadSessions, handle: s.getSession,
			doc: doc{summary: "A session with its ballots counted per group", response: projections.RatingSession{}}},
		{method: "POST", pattern: r + "/sessions/{id}/ballots", action: access.RunSession, handle: s.castBallots,
			doc: doc{summary: "Enter ballots of an open session, each numbered once", body: ballotsRequest{}, response: projections.RatingSession{}}},
		{method: "POST", pattern: r + "/sessions/{id}/closure", action: access.RunSession, handle: s.closeSession,
			doc: doc{summary: "Close a session: its ballots count from then on", body: closeSessionRequest{}, response: projections.RatingSession{}}},
		{method: "GET", pattern: r + "/scores", action: access.ReadScores, handle: s.ratingScores,
			doc: doc{summary: "Units' scores for a period with their places: a department its own", response: ratings.ScoresView{},
				query: []param{periodParam, {name: "department", kind: "string", description: "one department's units"}}}},
		{method: "GET", pattern: r + "/scores/drill-down", action: access.ReadScores, handle: s.ratingDrillDown,
			doc: doc{summary: "A unit's score explained down to the ratings and case events behind each number, and whether they add up (a department: its own, without the raters)",
				response: ratings.DrillDownView{}, query: []param{periodParam, {name: "unit", kind: "string", description: "the rated unit's id; required"}}}},
		{method: "GET", pattern: r + "/rankings", action: access.ReadRankings, handle: s.ratingRankings,
			doc: doc{summary: "The league tables of a period by kind of unit and category, with 满意, the bottom three and the under-70 consequences", response: ratings.StandingView{}, query: []param{periodParam}}},
		{method: "GET", pattern: r + "/rankings.xlsx", action: access.ReadRankings, handle: s.rankingWorkbook,
			doc: doc{summary: "The league tables as xlsx, a worksheet per category", query: []param{periodParam}}},
		{method: "GET", pattern: r + "/sheets.xlsx", action: access.ExportRatings, handle: s.sheetsWorkbook,
			doc: doc{summary: "The 测评表 (附表三) as xlsx: the center's names the points; a department's holds its own without the raters",
				query: []param{periodParam, {name: "department", kind: "string", description: "one department's sheets"}}}},
		{method: "GET", pattern: r + "/periods", action: access.ReadRankings, handle: s.ratingPeriods,
			doc: doc{summary: "The closed periods", response: ratings.PeriodList{}}},
		{method: "POST", pattern: r + "/periods/{period}/closure", action: access.ClosePeriod, handle: s.closeRatingPeriod,
			doc: doc{summary: "Close a period (a month once ended; a quarter or year once its months are): its scores and ranking are fixed, later sheets for it refused",
				body: closePeriodRequest{}, response: ratings.StandingView{}}},
		{method: "GET", pattern: r + "/schemes", action: access.ReadSchemes, handle: s.ratingSchemes,
			doc: doc{summary: "The schemes in force per kind of unit and every version adopted", response: ratings.SchemesView{}}},
		{method: "POST", pattern: r + "/schemes", action: access.ManageSchemes, handle: s.adoptScheme,
			doc: doc{summary: "Adopt a scheme version for kinds of unit (a revision is a new version)", body: adoptSchemeRequest{}, response: ratings.SchemesView{}}},
		{method: "GET", pattern: r + "/year-end", action: access.ReadYearEnd, handle: s.ratingYearEnd,
			doc: doc{summary: "The year-end 满意不满意 selection: the year's ranking with the handling of referred complaints, and the workstations eligible for 先进",
				response: ratings.YearEndView{}, query: []param{{name: "year", kind: "string", description: "the year, like 2026; required"}}}},
	}
}

func (t ratingTargetRequest) sheet(grades rating.Sheet, comment string) ratings.Sheet {
	return ratings.Sheet{DepartmentID: t.DepartmentID, OfficeID: t.OfficeID, Window: t.Window, Grades: grades, Comment: comment}
}

func (s *Server) rateDealing(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req rateDealingRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Ratings.Rate(r.Context(), p, meta, ratings.RateDealing{Sheet: req.sheet(req.Grades, req.Comment),
		DealingRef: req.DealingRef, Dealing: req.Dealing, Kind: req.Kind, DealtOn: req.DealtOn})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) summarizeMonth(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req monthlySummaryRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Ratings.Summarize(r.Context(), p, meta, req.Month, req.sheet(req.Grades, req.Comment))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) recordInspection(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req inspectionRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Ratings.RecordInspection(r.Context(), p, meta, ratings.Inspection{Sheet: req.sheet(req.Grades, ""),
		InspectedOn: req.InspectedOn, Mode: req.Mode, Findings: req.Findings, Violations: req.Violations,
		ViolationAmount: req.ViolationAmount, Lapses: req.Lapses})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) recordSurvey(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req surveyRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Ratings.RecordSurvey(r.Context(), p, meta, ratings.Survey{DepartmentID: req.DepartmentID, OfficeID: req.OfficeID,
		Window: req.Window, Method: req.Method, Month: req.Month, Tally: req.Tally, Source: req.Source})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) openSession(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req openSessionRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	units := make([]ratings.SessionUnit, len(req.Units))
	for i, u := range req.Units {
		units[i] = ratings.SessionUnit{DepartmentID: u.DepartmentID, OfficeID: u.OfficeID, Window: u.Window}
	}
	v, err := s.Ratings.OpenSession(r.Context(), p, meta, req.HeldOn, req.Title, req.Groups, units)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.Ratings.Session(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) castBallots(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req ballotsRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	ballots := make([]rating.Ballot, len(req.Ballots))
	for i, b := range req.Ballots {
		ballots[i] = rating.Ballot{Number: b.Number, Group: b.Group, Grades: b.Grades}
	}
	v, err := s.Ratings.CastBallots(r.Context(), p, meta, r.PathValue("id"), ballots)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) closeSession(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req closeSessionRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Ratings.CloseSession(r.Context(), p, meta, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// periodRules check the period parameter of the ratings' reads.
func periodRules(extra ...string) map[string]func(name, v string) error {
	rules := map[string]func(name, v string) error{"period": plainText}
	for _, name := range extra {
		rules[name] = plainText
	}
	return rules
}

func (s *Server) listRatingSheets(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, periodRules("point", "department", "method"))
	if err != nil {
		return err
	}
	v, err := s.Ratings.Sheets(r.Context(), p, ratings.SheetQuery{Period: q["period"], Point: q["point"], Department: q["department"], Method: q["method"]})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) ratingScores(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, periodRules("department"))
	if err != nil {
		return err
	}
	v, err := s.Ratings.Scores(r.Context(), p, q["period"], q["department"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) ratingDrillDown(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, periodRules("unit"))
	if err != nil {
		return err
	}
	v, err := s.Ratings.DrillDown(r.Context(), p, q["period"], q["unit"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) ratingRankings(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, periodRules())
	if err != nil {
		return err
	}
	v, err := s.Ratings.Standing(r.Context(), p, q["period"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// writeXLSX answers with a workbook to download.
func writeXLSX(w http.ResponseWriter, e ratings.Export) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+e.Name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(e.Data)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(e.Data)
}

func (s *Server) rankingWorkbook(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, periodRules())
	if err != nil {
		return err
	}
	e, err := s.Ratings.RankingWorkbook(r.Context(), p, q["period"])
	if err != nil {
		return err
	}
	writeXLSX(w, e)
	return nil
}

func (s *Server) sheetsWorkbook(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, periodRules("department"))
	if err != nil {
		return err
	}
	e, err := s.Ratings.SheetsWorkbook(r.Context(), p, q["period"], q["department"])
	if err != nil {
		return err
	}
	writeXLSX(w, e)
	return nil
}

func (s *Server) ratingPeriods(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.Ratings.Periods(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) closeRatingPeriod(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req closePeriodRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Ratings.ClosePeriod(r.Context(), p, meta, r.PathValue("period"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) ratingSchemes(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.Ratings.Schemes(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) adoptScheme(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req adoptSchemeRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Ratings.AdoptScheme(r.Context(), p, meta, req.Scheme, req.Kinds)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) ratingYearEnd(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(name, v string) error{"year": plainText})
	if err != nil {
		return err
	}
	v, err := s.Ratings.YearEnd(r.Context(), p, q["year"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
