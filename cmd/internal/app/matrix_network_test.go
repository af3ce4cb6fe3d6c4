package app_test

// networkMatrix is the part of the access policy (TestRoleMatrix) for
// the monitoring network (issue 13): for each route, the roles that may call it (nil: public).
var networkMatrix = map[string][]string{}
