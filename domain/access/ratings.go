package access

import "github.com/watchpost/watchpost/domain"

// The actions of the ratings and rankings (issue 14).
const (
	RateDealing      Action = "rate_dealing"      // a point rates a dealing (即时测评) and sums up a month (综合测评)
	ReadRatings      Action = "read_ratings"      // the rating sheets: a point its own, the center all
	RecordInspection Action = "record_inspection" // an inspection (明察暗访)
	RecordSurvey     Action = "record_survey"     // a sampling survey's or an online vote's results (003)
	RunSession       Action = "run_session"       // a central assessment session (集中测评): open, ballots, close
	ReadSessions     Action = "read_sessions"     // the sessions and their ballots
	ReadScores       Action = "read_scores"       // scores and their drill-down: a department its own, without the raters
	ReadRankings     Action = "read_rankings"     // the league tables by category and what follows from them
	ClosePeriod      Action = "close_period"      // close a month, a quarter or a year: its scores become final
	ReadSchemes      Action = "read_schemes"      // the schemes in force and their versions
	ManageSchemes    Action = "manage_schemes"    // adopt a scheme version
	ExportRatings    Action = "export_ratings"    // the 测评表 (附表三) and the ranking as xlsx
	ReadYearEnd      Action = "read_year_end"     // the year-end 满意不满意 selection
)

// ratingActions says who may take each action of the ratings. What each
// role then sees is narrowed by the rules below.
var ratingActions = map[Action][]Role{
	RateDealing:      {RolePoint},
	ReadRatings:      {RoleHandler, RoleSupervisor, RoleLeader, RolePoint},
	RecordInspection: {RoleHandler, RoleSupervisor},
	RecordSurvey:     {RoleHandler},
	RunSession:       {RoleHandler},
	ReadSessions:     {RoleHandler, RoleSupervisor, RoleLeader},
	ReadScores:       {RoleHandler, RoleSupervisor, RoleLeader, RoleDepartment},
	ReadRankings:     {RoleHandler, RoleSupervisor, RoleLeader, RoleDepartment},
	ClosePeriod:      {RoleHandler, RoleLeader},
	ReadSchemes:      everyone,
	ManageSchemes:    admin,
	ExportRatings:    {RoleHandler, RoleSupervisor, RoleLeader, RoleDepartment, RolePoint},
	ReadYearEnd:      {RoleHandler, RoleSupervisor, RoleLeader},
}

// SeesRaters says whether p may learn which monitoring point gave a rating
// and when exactly: the center's handlers, supervisors and leaders. A
// department never does (the ratings are anonymous towards it); a point
// only of its own sheets (SheetsOf).
func SeesRaters(p Principal) bool {
	return p.Role == RoleHandler || p.Role == RoleSupervisor || p.Role == RoleLeader
}

// ScoresOf checks whose scores p may read: a department only its own (and
// those of its offices and windows), anyone else allowed to read scores
// every unit's. It returns the department the reading is narrowed to (""
// for all).
func ScoresOf(p Principal, departmentID string) (string, error) {
	if p.Role != RoleDepartment {
		return departmentID, nil
	}
	if departmentID != "" && departmentID != p.DepartmentID {
		return "", domain.Forbidden("a department sees only its own scores")
	}
	if p.DepartmentID == "" {
		return "", domain.Forbidden("the token names no department")
	}
	return p.DepartmentID, nil
}

// SheetsOf checks whose rating sheets p may list: a point only its own;
// the center every point's, or one point's. It returns the point the list
// is narrowed to ("" for all).
func SheetsOf(p Principal, pointID string) (string, error) {
	if p.Role != RolePoint {
		return pointID, nil
	}
	if pointID != "" && pointID != p.PointID {
		return "", domain.Forbidden("a monitoring point lists only its own rating sheets")
	}
	if p.PointID == "" {
		return "", domain.Forbidden("the token names no monitoring point")
	}
	return p.PointID, nil
}
