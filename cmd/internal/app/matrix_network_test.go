package app_test

// The roles of the monitoring network's routes, by what they do.
var (
	networkCenter  = []string{"handler", "supervisor", "leader", "admin"}
	networkReaders = []string{"handler", "supervisor", "leader", "point", "admin"}
	networkAdmin   = []string{"admin"}
)

// networkMatrix is the part of the access policy (TestRoleMatrix) for
// the monitoring network (issue 13): for each route, the roles that may call it (nil: public).
var networkMatrix = map[string][]string{
	"POST /api/v1/network/workstations":                         networkAdmin,
	"GET /api/v1/network/workstations":                          networkReaders,
	"GET /api/v1/network/workstations/{id}":                     networkReaders,
	"PATCH /api/v1/network/workstations/{id}":                   networkAdmin,
	"POST /api/v1/network/workstations/{id}/retirement":         networkAdmin,
	"POST /api/v1/network/workstations/{id}/seminars":           {"handler", "point", "admin"},
	"POST /api/v1/network/workstations/{id}/contact/disclosure": networkCenter,
	"GET /api/v1/network/workstations/{id}/reports/{rid}":       networkReaders,
	"POST /api/v1/network/workstations/{id}/reports/{rid}":      {"handler", "point"},
	"GET /api/v1/network/workstations/{id}/reports/{rid}/xlsx":  networkCenter,
	"POST /api/v1/network/points":                               networkAdmin,
	"GET /api/v1/network/points":                                networkReaders,
	"GET /api/v1/network/points/{id}":                           networkReaders,
	"PATCH /api/v1/network/points/{id}":                         networkAdmin,
	"POST /api/v1/network/points/{id}/retirement":               networkAdmin,
	"POST /api/v1/network/points/{id}/contact/disclosure":       networkCenter,
	"POST /api/v1/network/rosters":                              networkAdmin,
	"GET /api/v1/network/rosters/{id}":                          networkReaders,
	"POST /api/v1/network/rosters/{id}/additions":               networkAdmin,
	"POST /api/v1/network/rosters/{id}/removals":                networkAdmin,
	"POST /api/v1/network/rosters/{id}/publication":             networkAdmin,
	"POST /api/v1/network/supervisors":                          networkAdmin,
	"GET /api/v1/network/supervisors":                           networkReaders,
	"PATCH /api/v1/network/supervisors/{id}":                    networkAdmin,
	"POST /api/v1/network/supervisors/{id}/assignment":          networkAdmin,
	"POST /api/v1/network/visits":                               {"supervisor"},
	"GET /api/v1/network/visits":                                networkReaders,
	"GET /api/v1/network/visits/{id}":                           networkReaders,
	"POST /api/v1/network/visits/{id}/items/{rid}/complaint":    {"supervisor"},
	"POST /api/v1/network/meetings":                             {"handler", "point", "admin"},
	"GET /api/v1/network/compliance":                            networkReaders,
	"GET /api/v1/network/reports":                               networkReaders,
	"GET /api/v1/network/assessment":                            networkCenter,
	"POST /api/v1/network/registrations":                        {"department", "point"},
	"GET /api/v1/network/registrations":                         {"handler", "supervisor", "leader", "department", "point", "admin"},
	"GET /api/v1/network/registrations/sums":                    networkCenter,
	"GET /api/v1/network/registrations/xlsx":                    networkCenter,
	"POST /api/v1/network/registrations/{id}/complaint":         {"handler"},
	"POST /api/v1/network/feedback":                             {"point"},
}
