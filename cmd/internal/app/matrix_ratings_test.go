package app_test

// The roles of the ratings' routes, by what they do.
var (
	ratingCenter  = []string{"handler", "supervisor", "leader"}
	ratingScorers = []string{"handler", "supervisor", "leader", "department"}
)

// ratingsMatrix is the part of the access policy (TestRoleMatrix) for
// the ratings and rankings (issue 14): for each route, the roles that may call it (nil: public).
var ratingsMatrix = map[string][]string{
	"POST /api/v1/ratings":                          {"point"},
	"GET /api/v1/ratings":                           {"handler", "supervisor", "leader", "point"},
	"POST /api/v1/ratings/monthly-summaries":        {"point"},
	"POST /api/v1/ratings/inspections":              {"handler", "supervisor"},
	"POST /api/v1/ratings/surveys":                  {"handler"},
	"POST /api/v1/ratings/sessions":                 {"handler"},
	"GET /api/v1/ratings/sessions/{id}":             ratingCenter,
	"POST /api/v1/ratings/sessions/{id}/ballots":    {"handler"},
	"POST /api/v1/ratings/sessions/{id}/closure":    {"handler"},
	"GET /api/v1/ratings/scores":                    ratingScorers,
	"GET /api/v1/ratings/scores/drill-down":         ratingScorers,
	"GET /api/v1/ratings/rankings":                  ratingScorers,
	"GET /api/v1/ratings/rankings.xlsx":             ratingScorers,
	"GET /api/v1/ratings/sheets.xlsx":               {"handler", "supervisor", "leader", "department", "point"},
	"GET /api/v1/ratings/periods":                   ratingScorers,
	"POST /api/v1/ratings/periods/{period}/closure": {"handler", "leader"},
	"GET /api/v1/ratings/schemes":                   {"handler", "department", "supervisor", "leader", "point", "admin"},
	"POST /api/v1/ratings/schemes":                  {"admin"},
	"GET /api/v1/ratings/year-end":                  ratingCenter,
}
