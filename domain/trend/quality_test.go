package trend

import (
	"math"
	"reflect"
	"testing"
)

func standardScenarios() []Scenario {
	var out []Scenario
	for _, sc := range Scenarios() {
		if sc.Standard {
			out = append(out, sc)
		}
	}
	return out
}

func TestStandardOutbreaksHaveTheStandardSize(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	w := DefaultWorld(cfg)
	for i, sc := range standardScenarios() {
		s := w.Generate(&sc, uint64(i+1))
		if len(s.Outbreaks) == 0 {
			t.Fatalf("%s: no outbreaks", sc.Name)
		}
		for _, o := range s.Outbreaks {
			if o.Total < 5 || o.Start < w.Warmup || o.End+detectGrace >= w.Warmup+w.Days {
				t.Fatalf("%s: outbreak %+v", sc.Name, o)
			}
			for j, d := range o.Districts {
				extra := 0
				for _, x := range o.Extra[j] {
					extra += x
				}
				if exp := w.expected(s.Start, s.Rates[o.Type][d], o.Start, o.End); float64(extra) < 2*exp-1e-9 {
					t.Fatalf("%s: %d extra cases on an expected %.2f", sc.Name, extra, exp)
				}
			}
		}
	}
}

func TestWorldIsSparse(t *testing.T) {
	t.Parallel()
	w := DefaultWorld(DefaultConfig())
	s := w.Generate(nil, 1)
	under := 0
	for _, rates := range s.Rates {
		for _, r := range rates {
			if r < 1 {
				under++
			}
		}
	}
	if share := float64(under) / float64(w.Types*w.Districts); share < 0.75 {
		t.Errorf("%.0f%% of district cells under one case a day", 100*share)
	}
	// Weekends are half a weekday; the week averages the cell's rate.
	week := 0.0
	for d := range Date(7) {
		week += w.dayFactor(day0 + d)
	}
	if math.Abs(week-7) > 1e-12 || w.dayFactor(day0+5) != w.dayFactor(day0)/2 {
		t.Errorf("day factors: week %.3f, Saturday %.3f, Monday %.3f", week, w.dayFactor(day0+5), w.dayFactor(day0))
	}
}

func TestMeasureIsDeterministic(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	w := World{Types: 3, Districts: 3, PointsPerDistrict: 2, Days: 120, MinRate: 0.5, MaxRate: 6, Weekend: 0.5}
	scenarios := []Scenario{Scenarios()[0], Scenarios()[2]}
	one, err := Measure(cfg, w, scenarios, Options{Seed: 7, Workers: 1, Overdispersed: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	two, err := Measure(cfg, w, scenarios, Options{Seed: 7, Workers: 2, Overdispersed: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, two) {
		t.Errorf("one worker: %+v\ntwo workers: %+v", one, two)
	}
	if one.Outbreaks == 0 || one.Scenarios[0].Outbreaks != 9 || one.Cells != 12 {
		t.Errorf("outbreaks %d, cells %d", one.Outbreaks, one.Cells)
	}
}

// The defaults on the tuning seed, standard scenarios: the median delay and
// the false findings meet the targets of issue 12; the detection rate
// (target 90%) does not. The misses are ramps and waves in cells of 0.1 to
// 1 case a day, whose five or so extra cases over a week are, even for an
// exact Poisson test, only about as improbable as the chance peaks a cell
// shows a few times a year (see the final report of the measurement).
func TestDefaultsOnTheTuningSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("measures a synthetic year of 360 cells")
	}
	t.Parallel()
	cfg := DefaultConfig()
	q, err := Measure(cfg, DefaultWorld(cfg), standardScenarios(), Options{Seed: 1, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if q.MedianDays == nil || *q.MedianDays > 2 {
		t.Errorf("median days to detect %v", q.MedianDays)
	}
	if q.FalsePerCellYear > 0.5 {
		t.Errorf("%.3f false findings per cell-year", q.FalsePerCellYear)
	}
	if q.DetectionRate < 0.8 {
		t.Errorf("detection rate %.3f", q.DetectionRate)
	}
	if q.Precision == nil || *q.Precision < 0.6 {
		t.Errorf("precision %v", q.Precision)
	}
	t.Logf("detected %.3f, median %.0f, p90 %.0f days, %.3f false per cell-year, precision %.2f",
		q.DetectionRate, *q.MedianDays, *q.P90Days, q.FalsePerCellYear, *q.Precision)
}
