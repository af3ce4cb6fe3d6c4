// Package trend finds the trend issues of DESIGN §4 in the daily case
// counts of a cell (a combination such as department × issue type, or
// issue type × district), and measures how well it finds them.
//
// # Use
//
// A service builds one Detector with New(DefaultConfig()) (or a validated
// Config of its own) and, once a day, calls Detect for every cell with the
// cell's History: one Day per calendar day, zero-filled, ending on the day
// to test, with the distinct monitoring points, districts and departments
// behind each day where the cell spans them. Detect reads only the last
// Config.Lookback days (238 with the defaults), so its findings do not
// depend on how much older history the caller holds. It returns the
// Findings of that day; the service keeps one open finding per cell and
// Kind, continues it while a rule of the kind raises it again within
// Config.EndAfter days, and ends it after that. EWMASeries gives the daily
// counts, baseline and ESSENCE colours of a cell for a report's chart.
//
// # Rules
//
//   - 倾向性 (Tendency): the dual EWMA of ESSENCE (CDC Rnssp alert_ewma) on
//     daily counts, and a Poisson CUSUM on Monday-to-Sunday weekly counts,
//     both behind Farrington's minimum-sample gate (5 cases in the last 4
//     periods).
//   - 普遍性 (Widespread): the issue type from more distinct monitoring
//     points, districts or departments within a window than its baseline
//     makes likely, and at least K (points, districts) or M (departments).
//   - 苗头性 (Emerging): a cell unseen for N days with at least two cases
//     within a week, or a burst of a rare cell.
//
// Every parameter is a field of Config; DefaultConfig documents the
// defaults and why they differ from the published ones where they do.
//
// # Measurement
//
// Measure runs a Detector day by day, as the service does, over synthetic
// case streams of a World (issue types × districts with sparse rates and a
// weekly pattern) into which a Scenario injects outbreaks of known start,
// size and shape, and reports detection rate, days to detect, false
// findings per cell-year on outbreak-free streams and precision. The
// command `watchpost-bench -trends` prints them.
package trend
