package app_test

// ratingsMatrix is the part of the access policy (TestRoleMatrix) for
// the ratings and rankings (issue 14): for each route, the roles that may call it (nil: public).
var ratingsMatrix = map[string][]string{}
