package access

// The actions of the open interfaces (issue 15): Open311 GeoReport v2 for
// the city's apps and portals, and the departments' calendar feeds of
// their deadlines.
const (
	// SubmitOpen311 files a complaint through Open311 (POST requests.json):
	// it waits for the center's intake decision like any other. Reading a
	// request back needs its service_request_id (the tracking code), not a
	// key, as the spec has it.
	SubmitOpen311 Action = "submit_open311_request"
	// ManageFeeds makes, lists and revokes a department's calendar feed
	// addresses (each a read-only token in the URL).
	ManageFeeds Action = "manage_deadline_feeds"
)

// operationsActions says who may take each action of the open interfaces.
// An Open311 key (RoleOpen311) may do nothing else: no reading cases, no
// reference data, no steps. A department manages only its own feeds (the
// service checks the scope).
var operationsActions = map[Action][]Role{
	SubmitOpen311: {RoleOpen311},
	ManageFeeds:   {RoleDepartment, RoleAdmin},
}
