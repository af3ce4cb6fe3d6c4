package app_test

// reportsMatrix is the part of the access policy (TestRoleMatrix) for
// the special reports and the trend findings (issue 12): for each route, the roles that may call it (nil: public).
var reportsMatrix = map[string][]string{
	"GET /api/v1/trend-findings":                                     {"supervisor"},
	"GET /api/v1/trend-findings/{id}":                                {"supervisor"},
	"POST /api/v1/trend-findings/{id}/dismissal":                     {"supervisor"},
	"POST /api/v1/trend-runs":                                        {"supervisor"},
	"GET /api/v1/leaders":                                            {"supervisor"},
	"GET /api/v1/special-reports":                                    {"supervisor", "leader"},
	"POST /api/v1/special-reports":                                   {"supervisor"},
	"GET /api/v1/special-reports/{id}":                               {"supervisor", "leader"},
	"PATCH /api/v1/special-reports/{id}":                             {"supervisor"},
	"POST /api/v1/special-reports/{id}/submission":                   {"supervisor"},
	"POST /api/v1/special-reports/{id}/review":                       {"supervisor"},
	"POST /api/v1/special-reports/{id}/issuance":                     {"supervisor"},
	"GET /api/v1/special-reports/{id}/pdf":                           {"supervisor", "leader"},
	"POST /api/v1/special-reports/{id}/instructions":                 {"leader"},
	"POST /api/v1/special-reports/{id}/instructions/{iid}/follow-up": {"supervisor"},
	"POST /api/v1/special-reports/{id}/closure":                      {"supervisor"},
}
