package trend

import (
	"errors"
	"fmt"
)

// ErrInvalidConfig is matched by every error Config.Validate returns.
var ErrInvalidConfig = errors.New("trend: invalid configuration")

// Config holds every parameter of the detectors. DefaultConfig documents
// and returns the defaults; New validates a Config before using it.
type Config struct {
	EWMA       EWMAConfig       `json:"ewma"`
	CUSUM      CUSUMConfig      `json:"cusum"`
	Gate       GateConfig       `json:"gate"`
	Widespread WidespreadConfig `json:"widespread"`
	Emerging   EmergingConfig   `json:"emerging"`
	// EndAfter is how many days a finding stays open without being raised
	// again: a finding of the same cell and kind raised within this many days
	// of the last one continues it; after that it has ended. Default 7, so
	// that the weekly CUSUM's findings on consecutive weeks are one finding.
	EndAfter int `json:"endAfterDays"`
}

// EWMAConfig configures the dual EWMA of ESSENCE (CDC Rnssp alert_ewma) on
// daily counts.
type EWMAConfig struct {
	Baseline int     `json:"baselineDays"` // B: days whose mean and sd are the baseline; default 28, at least 7
	Guard    int     `json:"guardDays"`    // g: days just before the tested day left out of the baseline; default 2
	Gradual  float64 `json:"gradual"`      // w1: smoothing for gradual rises; default 0.4
	Sudden   float64 `json:"sudden"`       // w2: smoothing for sudden rises; default 0.9
	Yellow   float64 `json:"yellow"`       // p-value below which a day is yellow on ESSENCE's scale (EWMASeries); default 0.05
	Red      float64 `json:"red"`          // p-value below which a day is red on ESSENCE's scale (EWMASeries); default 0.01
	// Alpha is the p-value below which a day is a finding (red below a
	// tenth of it). Default 0.0005, far below ESSENCE's red: a finding
	// goes to leadership, and at 0.01 every cell of a day or more would
	// raise several false findings a year (see Measure).
	Alpha float64 `json:"alpha"`
	// Warmup is how many tested days precede the day of interest in the
	// window Detect replays, so that the days clamped out of the baseline
	// are the same whatever history the caller holds; default 28.
	Warmup int `json:"warmupDays"`
}

// CUSUMConfig configures the Poisson CUSUM on weekly counts (weeks run
// Monday to Sunday and are tested on Sundays).
type CUSUMConfig struct {
	BaselineWeeks int `json:"baselineWeeks"` // weeks before the run whose mean estimates the in-control mean; default 26
	RunWeeks      int `json:"runWeeks"`      // weeks the statistic accumulates over; default 8
	// Shift is the rise to detect in standard deviations of the in-control
	// weekly count: μ1 = μ0 + Shift·√μ0. Default 1.
	Shift float64 `json:"shift"`
	// ARL is the in-control average run length, in weeks, that the threshold
	// h is chosen for (Markov-chain ARL of the Poisson CUSUM). Default 500.
	ARL float64 `json:"arlWeeks"`
	// MinMean is a floor under μ0, in cases a week, so a nearly empty
	// baseline does not make one case an alarm; default 1.
	MinMean float64 `json:"minWeeklyMean"`
	// Restart is where the statistic restarts after an alarm, as a share of
	// h (0: from zero; 0.5: the fast initial response); default 0.5.
	Restart float64 `json:"restart"`
	// Margin: the in-control mean μ0 is the baseline's mean weekly count
	// plus Margin standard errors of it, √(mean/BaselineWeeks). With the
	// bare mean, an underestimated baseline makes the statistic drift up,
	// and flat Poisson series alarmed every 110 to 290 weeks instead of
	// 500; one standard error brings that back above 500. Default 1.
	Margin float64 `json:"margin"`
}

// GateConfig is the minimum-sample gate of Farrington's method: no EWMA or
// CUSUM finding unless the last Periods periods (days for the EWMA, weeks
// for the CUSUM), the current one included, hold at least MinCases cases.
type GateConfig struct {
	MinCases int `json:"minCases"` // default 5
	Periods  int `json:"periods"`  // default 4
}

// WidespreadConfig configures the 普遍性 rule: the same issue type from at
// least MinSources distinct monitoring points or districts, or against at
// least MinDepartments departments, within Window days, more than the
// cell's baseline makes likely.
type WidespreadConfig struct {
	Window         int `json:"windowDays"`     // W; default 7
	MinSources     int `json:"minSources"`     // K, for points and for districts; default 3
	MinDepartments int `json:"minDepartments"` // M; default 3
	// Baseline is how many earlier windows (ending on consecutive days
	// before the current window) give the usual number of distinct sources;
	// default 28.
	Baseline int `json:"baselineWindows"`
	// Alpha: a finding needs P(Poisson(usual) ≥ observed) below it; the
	// Poisson tail bounds that of the number of distinct sources, whose
	// variance is at most its mean. Default 0.001.
	Alpha float64 `json:"alpha"`
	// MinUsual is a floor under the usual number of distinct sources;
	// default 0.25.
	MinUsual float64 `json:"minUsual"`
}

// EmergingConfig configures the 苗头性 rules.
type EmergingConfig struct {
	// Unseen is N: a cell with no case in the Unseen days before the
	// window is new; default 90.
	Unseen int `json:"unseenDays"`
	// Window: a new cell with at least MinCases cases within Window days
	// (ending on the tested day) is a finding; defaults 7 and 2.
	Window   int `json:"windowDays"`
	MinCases int `json:"minCases"`
	// RareRate: a cell with at most this many cases a day over the Unseen
	// days before the burst is rare; default 0.3 (two a week).
	RareRate float64 `json:"rareRate"`
	// A burst is at least BurstMin cases within BurstDays days whose
	// Poisson probability under the rare rate is below BurstAlpha; defaults
	// 3, 5 and 0.001.
	BurstDays  int     `json:"burstDays"`
	BurstMin   int     `json:"burstMin"`
	BurstAlpha float64 `json:"burstAlpha"`
}

// DefaultConfig returns the defaults documented on each field.
func DefaultConfig() Config {
	return Config{
		EWMA: EWMAConfig{Baseline: 28, Guard: 2, Gradual: 0.4, Sudden: 0.9,
			Yellow: 0.05, Red: 0.01, Alpha: 0.0005, Warmup: 28},
		CUSUM: CUSUMConfig{BaselineWeeks: 26, RunWeeks: 8, Shift: 1, ARL: 500,
			MinMean: 1, Restart: 0.5, Margin: 1},
		Gate: GateConfig{MinCases: 5, Periods: 4},
		Widespread: WidespreadConfig{Window: 7, MinSources: 3, MinDepartments: 3,
			Baseline: 28, Alpha: 0.001, MinUsual: 0.25},
		Emerging: EmergingConfig{Unseen: 90, Window: 7, MinCases: 2, RareRate: 0.3,
			BurstDays: 5, BurstMin: 3, BurstAlpha: 0.001},
		EndAfter: 7,
	}
}

// Validate reports the first parameter out of its range, wrapping
// ErrInvalidConfig.
func (c Config) Validate() error {
	e, w, g, s, m := c.EWMA, c.CUSUM, c.Gate, c.Widespread, c.Emerging
	checks := []struct {
		ok    bool
		field string
		rule  string
	}{
		{e.Baseline >= 7, "ewma.baselineDays", "at least 7"},
		{e.Guard >= 0, "ewma.guardDays", "not negative"},
		{inOpenUnit(e.Gradual), "ewma.gradual", "in (0, 1)"},
		{inOpenUnit(e.Sudden), "ewma.sudden", "in (0, 1)"},
		{inOpenUnit(e.Yellow), "ewma.yellow", "in (0, 1)"},
		{e.Red > 0 && e.Red <= e.Yellow, "ewma.red", "in (0, yellow]"},
		{inOpenUnit(e.Alpha), "ewma.alpha", "in (0, 1)"},
		{e.Warmup >= 0, "ewma.warmupDays", "not negative"},
		{w.BaselineWeeks >= 2, "cusum.baselineWeeks", "at least 2"},
		{w.RunWeeks >= 1, "cusum.runWeeks", "at least 1"},
		{w.Shift > 0, "cusum.shift", "positive"},
		{w.ARL >= 10 && w.ARL <= 1e5, "cusum.arlWeeks", "between 10 and 100000"},
		{w.MinMean > 0, "cusum.minWeeklyMean", "positive"},
		{w.Restart >= 0 && w.Restart < 1, "cusum.restart", "in [0, 1)"},
		{w.Margin >= 0, "cusum.margin", "not negative"},
		{g.MinCases >= 0, "gate.minCases", "not negative"},
		{g.Periods >= 1, "gate.periods", "at least 1"},
		{s.Window >= 1, "widespread.windowDays", "at least 1"},
		{s.MinSources >= 2, "widespread.minSources", "at least 2"},
		{s.MinDepartments >= 2, "widespread.minDepartments", "at least 2"},
		{s.Baseline >= 1, "widespread.baselineWindows", "at least 1"},
		{inOpenUnit(s.Alpha), "widespread.alpha", "in (0, 1)"},
		{s.MinUsual > 0, "widespread.minUsual", "positive"},
		{m.Unseen >= 1, "emerging.unseenDays", "at least 1"},
		{m.Window >= 1, "emerging.windowDays", "at least 1"},
		{m.MinCases >= 2, "emerging.minCases", "at least 2"},
		{m.RareRate > 0, "emerging.rareRate", "positive"},
		{m.BurstDays >= 1, "emerging.burstDays", "at least 1"},
		{m.BurstMin >= 2, "emerging.burstMin", "at least 2"},
		{inOpenUnit(m.BurstAlpha), "emerging.burstAlpha", "in (0, 1)"},
		{c.EndAfter >= 1, "endAfterDays", "at least 1"},
	}
	for _, ch := range checks {
		if !ch.ok {
			return fmt.Errorf("%w: %s must be %s", ErrInvalidConfig, ch.field, ch.rule)
		}
	}
	return nil
}

func inOpenUnit(x float64) bool { return x > 0 && x < 1 }

// Lookback is how many days of history, ending on the tested day, Detect
// reads: earlier days make no difference to its findings.
func (c Config) Lookback() int {
	e, w, s, m := c.EWMA, c.CUSUM, c.Widespread, c.Emerging
	return max(
		e.window(),
		7*(w.BaselineWeeks+w.RunWeeks),
		2*s.Window+s.Baseline-1,
		m.Unseen+max(m.Window, m.BurstDays),
	)
}
