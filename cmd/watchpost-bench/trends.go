package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/watchpost/watchpost/domain/trend"
)

// The seeds of the detection-quality measurement: the defaults were tuned
// on the first; the second was held out.
const (
	trendSeed     = 1
	trendHeldSeed = 2
)

// trendResults is what -trends reports: the measurement on the tuning seed
// (its headline at the top level), the headline on the held-out seed, the
// targets, the configuration measured and how long it took.
type trendResults struct {
	trend.Quality
	HeldOut  heldOut       `json:"held_out"`
	Targets  []trendTarget `json:"targets"`
	World    trend.World   `json:"world"`
	Config   trend.Config  `json:"config"`
	ElapsedS float64       `json:"elapsed_s"`
}

// heldOut is the headline of the standard scenarios on the held-out seed.
type heldOut struct {
	Seed uint64 `json:"seed"`
	trend.Figures
}

type trendTarget struct {
	Name string  `json:"name"`
	Want string  `json:"want"`
	Got  float64 `json:"got"`
	Met  bool    `json:"met"`
}

// runTrends measures the trend detectors' default configuration on
// synthetic case streams and prints the figures.
func runTrends(stdout io.Writer, asJSON bool) error {
	start := time.Now()
	cfg := trend.DefaultConfig()
	world := trend.DefaultWorld(cfg)
	workers := runtime.GOMAXPROCS(0)
	q, err := trend.Measure(cfg, world, trend.Scenarios(), trend.Options{Seed: trendSeed, Workers: workers, Overdispersed: 0.2})
	if err != nil {
		return fmt.Errorf("trends: %w", err)
	}
	var standard []trend.Scenario
	for _, sc := range trend.Scenarios() {
		if sc.Standard {
			standard = append(standard, sc)
		}
	}
	held, err := trend.Measure(cfg, world, standard, trend.Options{Seed: trendHeldSeed, Workers: workers})
	if err != nil {
		return fmt.Errorf("trends, held-out seed: %w", err)
	}
	r := trendResults{Quality: q, HeldOut: heldOut{Seed: trendHeldSeed, Figures: held.Figures},
		Targets: trendTargets(q.Figures), World: world, Config: cfg}
	r.ElapsedS = time.Since(start).Seconds()
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.writeTable(stdout)
	return nil
}

// trendTargets compares the headline with the targets of issue 12.
func trendTargets(f trend.Figures) []trendTarget {
	median := -1.0
	if f.MedianDays != nil {
		median = *f.MedianDays
	}
	return []trendTarget{
		{"detection_rate", ">= 0.90", f.DetectionRate, f.DetectionRate >= 0.9},
		{"median_days_to_detect", "<= 2", median, median >= 0 && median <= 2},
		{"false_findings_per_cell_year", "<= 0.5", f.FalsePerCellYear, f.FalsePerCellYear <= 0.5},
	}
}

func (r *trendResults) writeTable(w io.Writer) {
	fmt.Fprintf(w, "trend detection: %d cells (%d issue types x %d districts, and citywide), %d days, seed %d, %.1fs\n\n",
		r.Cells, r.World.Types, r.World.Districts, r.World.Days, r.Seed, r.ElapsedS)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\toutbreaks\tdetected\tmedian d\tp90 d\tfalse/cell-yr\tprecision\tby tendency/widespread/emerging\t")
	for _, s := range r.Scenarios {
		name := s.Name
		if s.Standard {
			name += " *"
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%s\t%s\t%.2f\t%s\t%s\t\n", name, s.Outbreaks, 100*s.DetectionRate,
			opt(s.MedianDays, "%.0f"), opt(s.P90Days, "%.0f"), s.FalsePerCellYear, opt(s.Precision, "%.2f"), byKind(s.DetectedBy))
	}
	headline := func(label string, f trend.Figures) {
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%s\t%s\t%.2f\t%s\t\t\n", label, f.Outbreaks, 100*f.DetectionRate,
			opt(f.MedianDays, "%.0f"), opt(f.P90Days, "%.0f"), f.FalsePerCellYear, opt(f.Precision, "%.2f"))
	}
	headline("standard (*)", r.Figures)
	headline(fmt.Sprintf("held-out seed %d", r.HeldOut.Seed), r.HeldOut.Figures)
	tw.Flush()
	fmt.Fprintln(w)
	for _, f := range r.OutbreakFree {
		var bands []string
		for _, b := range f.Bands {
			bands = append(bands, fmt.Sprintf("%s: %.2f", bandName(b), b.FalsePerCellYear))
		}
		fmt.Fprintf(w, "outbreak-free %s: %.2f false findings per cell-year (%s), day specificity %.2f%%; by cases a day %s\n",
			f.Name, f.FalsePerCellYear, byMethod(f.FalseByMethod), 100*f.Specificity, strings.Join(bands, ", "))
	}
	fmt.Fprintln(w)
	for _, t := range r.Targets {
		state := "met"
		if !t.Met {
			state = "MISSED"
		}
		fmt.Fprintf(w, "target %s %s: got %.3f, %s\n", t.Name, t.Want, t.Got, state)
	}
}

func opt(v *float64, format string) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf(format, *v)
}

func byKind(m map[trend.Kind]float64) string {
	return fmt.Sprintf("%.0f/%.0f/%.0f%%", 100*m[trend.Tendency], 100*m[trend.Widespread], 100*m[trend.Emerging])
}

func byMethod(m map[trend.Method]float64) string {
	var parts []string
	for _, k := range []trend.Method{trend.MethodEWMA, trend.MethodCUSUM, trend.MethodSpread, trend.MethodNovel, trend.MethodBurst} {
		parts = append(parts, fmt.Sprintf("%s %.2f", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func bandName(b trend.BandResult) string {
	if b.To == 0 {
		return fmt.Sprintf(">=%g", b.From)
	}
	return fmt.Sprintf("%g-%g", b.From, b.To)
}
