package finding

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/watchpost/watchpost/domain/trend"
)

// AggregateRun names the daily detector run in the log: one aggregate per
// tested day (RunID), whose one event records that the run of that day is
// done, so that it is done once however many replicas run it and after a
// restart, and missed days are run when the service comes back.
const AggregateRun = "trend_run"

// TypeRunCompleted is the event of a completed daily run.
const TypeRunCompleted = "TrendRunCompleted"

// RunCompleted records a daily run: the day it tested and what it did.
type RunCompleted struct {
	Day      trend.Date `json:"day"`
	Cells    int        `json:"cells"`    // cells with cases in the window
	Detected int        `json:"detected"` // findings opened
	Updated  int        `json:"updated"`  // open findings raised again
	Ended    int        `json:"ended"`    // findings no longer supported
	At       time.Time  `json:"at"`
}

func (RunCompleted) EventType() string { return TypeRunCompleted }

// RunID is the id of the daily run of a day: "daily-2026-11-23", so that
// the ids sort as the days do.
func RunID(day trend.Date) string { return "daily-" + day.String() }

// DecodeRun turns a stored payload of a run back into its event.
func DecodeRun(eventType string, data []byte) (RunCompleted, error) {
	if eventType != TypeRunCompleted {
		return RunCompleted{}, fmt.Errorf("finding: unknown run event type %q", eventType)
	}
	var r RunCompleted
	if err := json.Unmarshal(data, &r); err != nil {
		return RunCompleted{}, fmt.Errorf("finding: decode %s: %w", eventType, err)
	}
	return r, nil
}

// CompleteRun returns the record of a day's run, or nothing when the run
// of that day is already recorded (its history is not empty).
func CompleteRun(recorded int, r RunCompleted) []RunCompleted {
	if recorded > 0 {
		return nil
	}
	return []RunCompleted{r}
}
