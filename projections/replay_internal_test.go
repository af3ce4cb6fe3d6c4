package projections

import (
	"slices"
	"testing"
	"time"
)

// TestLanes: a projection shares its lane with those it reads, in the set's
// order; every other projection replays on a lane of its own.
func TestLanes(t *testing.T) {
	set := Set{
		Inline: []Projection{Cases{}, Departments{}, Deadlines{Loc: time.UTC}, CalendarYears{}},
		Async:  []Projection{DailyIntake{Loc: time.UTC}},
	}
	var got [][]string
	for _, l := range lanes(set) {
		var names []string
		for _, m := range l.members {
			names = append(names, m.p.Name())
		}
		got = append(got, names)
	}
	want := [][]string{{"cases"}, {"departments"}, {"deadlines", "calendar_years"}, {"daily_intake"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("lanes %v, want %v", got, want)
	}
}
