package app_test

// operationsMatrix is the part of the access policy (TestRoleMatrix) for
// the open interfaces and operations (issue 15): for each route, the roles that may call it (nil: public).
var operationsMatrix = map[string][]string{
	// Open311 GeoReport v2: filing needs an Open311 key (no person's role
	// may); reading a request needs its service_request_id, as the spec has it.
	"GET /open311/discovery.json":        nil,
	"GET /open311/v2/services.json":      nil,
	"POST /open311/v2/requests.json":     {"open311"},
	"GET /open311/v2/requests.json":      nil,
	"GET /open311/v2/requests/{request}": nil,
	// The departments' deadline feeds: the feed itself opens with the token
	// in its address; a department's liaison (its own) and administrators
	// make, list and revoke the addresses.
	"GET /feeds/{file}":                              nil,
	"POST /api/v1/departments/{id}/feeds":            {"department", "admin"},
	"GET /api/v1/departments/{id}/feeds":             {"department", "admin"},
	"DELETE /api/v1/departments/{id}/feeds/{feedId}": {"department", "admin"},
}
