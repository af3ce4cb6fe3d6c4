// Package rating is the arithmetic of the department ratings and rankings:
// the grades and aspects of a rating sheet, the methods that gather them,
// the schemes that weigh the methods (as versioned data), the score of a
// rated unit for a period with a drill-down that adds up to it, the ranking
// within a category and its consequences, the year-end 满意不满意 selection
// and the periods with their closing rule. It does no I/O.
//
// # Events and aggregates
//
// Beside the arithmetic are the ratings as events (events.go) and the
// aggregates that decide them: a dealing's rating, whose id follows from
// the point and the dealing's reference so that a dealing is rated once
// (sheets.go); a point's monthly summary of a unit; an inspection with its
// daily-check items and a survey's results (inspections.go); a central
// assessment session, whose ballots count once it is closed (session.go);
// the scheme book (book.go); and a period, whose closing fixes in its event
// the schemes used, every unit's input and every unit's result
// (standing.go), so that a closed period's scores and ranking never move.
// The rectification items a score deducts are read from the cases' own
// events (casework.go). The projections, the service, the API, the pages
// and the exports are built on them elsewhere.
//
// # Arithmetic
//
// Every number is an exact rational (Number). A satisfaction such as 5/6 or a
// re-weighted 2/9 is never rounded inside a computation; totals are compared
// exactly when ranking and against thresholds. Rounding happens only for
// display and always downwards (Number.Fixed2, Number.Percent2): truncation
// is monotone, so displayed figures never contradict the places, and a
// displayed "70.00" is always really at least 70 (a half-up rounding would
// show 69.996 as 70.00 for a unit that is under the 70 line). Displayed parts
// of a drill-down may therefore not add up in their last digit; the exact
// values always do (Score.Verify checks it).
//
// # Rules chosen where the seed documents leave a choice
//
//   - A counted method with no ratings in the period: by default its weight
//     is shared out over the methods that are present, in proportion to
//     their weights (MissingReweight); a scheme may instead declare such a
//     unit unscored (MissingUnscored). A unit with no ratings at all is
//     unscored either way. Nothing is ever divided by a zero count.
//   - Ties: units with exactly equal totals share a place and the next place
//     is skipped (1, 2, 2, 4). A place at the edge of the top or bottom group
//     takes the whole tie in.
//   - Fewer ranked units than the top group plus the bottom group: the top
//     group is taken first; the bottom group is drawn from the ranked units
//     that are not in it (so with six or fewer ranked units nobody is in the
//     bottom three). The absolute threshold is applied regardless of rank: a
//     unit under 70 is never 满意, its head is held accountable, it must
//     rectify within a set time where the scheme says so (002 does, 003 does
//     not), and it loses the year-end awards like the bottom three.
//   - Units with fewer ratings than the scheme's minimum are listed as not
//     ranked, get no place, do not count towards the top or bottom groups and
//     bear no consequence.
//   - Closed periods: a rating whose dealing falls in a closed period is
//     refused (a state conflict naming the period), never moved to another
//     period, because a score speaks of the service given in its period.
//     A sheet that reaches the log after the position its period's closing
//     read the inputs at (one that raced the closing) is kept and listed,
//     and counted nowhere.
//   - A quarter or a year is closed from its months as they were closed
//     (their inputs pooled), under the schemes in force when it is closed,
//     with the categories on the register then.
//   - Central assessment ballots are credited to the unit the session
//     names; other sheets to the department and to the office or window
//     they name as well.
package rating
