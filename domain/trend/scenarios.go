package trend

// Scenarios returns the scenarios of the measurement. The standard ones,
// whose pooled figures are the headline, are the three shapes at the
// smallest standard size: three times the affected cells' expected count
// over the outbreak and at least 5 extra cases. The others are reported
// beside them: the same shapes at twice the expected count and at least 3
// extra cases, a slow rise of half the rate over four weeks, and fresh
// combinations (3 cases within a week in a cell that never had one).
func Scenarios() []Scenario {
	return []Scenario{
		{Name: "spike", Shape: Spike, Days: 1, Ratio: 3, MinExtra: 5, Standard: true},
		{Name: "ramp", Shape: Ramp, Days: 7, Ratio: 3, MinExtra: 5, Standard: true},
		{Name: "wave", Shape: Wave, Days: 5, Ratio: 3, MinExtra: 5, Spread: 4, PerType: 3, Standard: true},
		{Name: "spike-2x", Shape: Spike, Days: 1, Ratio: 2, MinExtra: 3},
		{Name: "ramp-2x", Shape: Ramp, Days: 7, Ratio: 2, MinExtra: 3},
		{Name: "wave-2x", Shape: Wave, Days: 5, Ratio: 2, MinExtra: 3, Spread: 4, PerType: 3},
		{Name: "step-1.5x", Shape: Step, Days: 28, Ratio: 1.5, MinExtra: 5},
		{Name: "fresh", Shape: Fresh, Days: 7, Ratio: 1, MinExtra: 3, PerType: 2},
	}
}
