package trend

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultConfigIsValid(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	// The CUSUM needs the most history: 26 + 8 weeks.
	if got := cfg.Lookback(); got != 7*34 {
		t.Errorf("Lookback = %d, want %d", got, 7*34)
	}
}

func TestConfigValidateNamesTheField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field string
		edit  func(*Config)
	}{
		{"ewma.baselineDays", func(c *Config) { c.EWMA.Baseline = 6 }},
		{"ewma.guardDays", func(c *Config) { c.EWMA.Guard = -1 }},
		{"ewma.gradual", func(c *Config) { c.EWMA.Gradual = 1 }},
		{"ewma.sudden", func(c *Config) { c.EWMA.Sudden = 0 }},
		{"ewma.red", func(c *Config) { c.EWMA.Red = 0.2 }},
		{"ewma.alpha", func(c *Config) { c.EWMA.Alpha = 0 }},
		{"cusum.baselineWeeks", func(c *Config) { c.CUSUM.BaselineWeeks = 1 }},
		{"cusum.arlWeeks", func(c *Config) { c.CUSUM.ARL = 5 }},
		{"cusum.minWeeklyMean", func(c *Config) { c.CUSUM.MinMean = 0 }},
		{"cusum.restart", func(c *Config) { c.CUSUM.Restart = 1 }},
		{"cusum.margin", func(c *Config) { c.CUSUM.Margin = -1 }},
		{"gate.periods", func(c *Config) { c.Gate.Periods = 0 }},
		{"widespread.minSources", func(c *Config) { c.Widespread.MinSources = 1 }},
		{"widespread.alpha", func(c *Config) { c.Widespread.Alpha = 1 }},
		{"emerging.minCases", func(c *Config) { c.Emerging.MinCases = 1 }},
		{"emerging.burstAlpha", func(c *Config) { c.Emerging.BurstAlpha = 0 }},
		{"endAfterDays", func(c *Config) { c.EndAfter = 0 }},
	}
	for _, tc := range tests {
		cfg := DefaultConfig()
		tc.edit(&cfg)
		err := cfg.Validate()
		if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: Validate() = %v", tc.field, err)
		}
		if _, err := New(cfg); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: New accepted the configuration", tc.field)
		}
	}
}
