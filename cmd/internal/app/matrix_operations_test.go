package app_test

// operationsMatrix is the part of the access policy (TestRoleMatrix) for
// the open interfaces and operations (issue 15): for each route, the roles that may call it (nil: public).
var operationsMatrix = map[string][]string{}
