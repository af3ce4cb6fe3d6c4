package app_test

// reportsMatrix is the part of the access policy (TestRoleMatrix) for
// the special reports and the trend findings (issue 12): for each route, the roles that may call it (nil: public).
var reportsMatrix = map[string][]string{}
