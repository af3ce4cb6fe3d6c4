package trend

import (
	"fmt"
	"slices"
)

// Figures are the detection-quality figures of a set of runs. Days to
// detect count from an outbreak's first day to the first day a finding
// was raised on one of its cells (0: the run over its first day found
// it); a finding raised up to detectGrace days after its last day still
// detects it. A finding is a cell's open finding of one kind (see
// Config.EndAfter); it is true when one of its raises falls in the
// detection window of an outbreak on its cell (a citywide cell shares the
// outbreaks of its districts). Median, p90 and precision are absent when
// nothing was detected or found.
type Figures struct {
	Outbreaks        int      `json:"outbreaks"`
	DetectionRate    float64  `json:"detection_rate"`
	MedianDays       *float64 `json:"median_days_to_detect"`
	P90Days          *float64 `json:"p90_days_to_detect"`
	FalsePerCellYear float64  `json:"false_findings_per_cell_year"`
	Precision        *float64 `json:"precision"`
}

// ScenarioResult is the figures of one scenario, with the share of its
// outbreaks a finding of each kind detected, and its false findings per
// cell-year by kind (on data with outbreaks).
type ScenarioResult struct {
	Scenario
	Figures
	DetectedBy map[Kind]float64 `json:"detected_by_kind"`
	FalseBy    map[Kind]float64 `json:"false_by_kind"`
}

// FreeResult is the false findings of outbreak-free streams: per cell-year,
// by kind and by band of the cell's rate (cases a day).
type FreeResult struct {
	Name             string             `json:"name"`
	Dispersion       float64            `json:"dispersion"`
	FalsePerCellYear float64            `json:"false_findings_per_cell_year"`
	FalseBy          map[Kind]float64   `json:"false_by_kind"`
	FalseByMethod    map[Method]float64 `json:"false_by_method"`
	Bands            []BandResult       `json:"by_rate_band"`
	// Specificity is the share of cell-days on which no finding was raised,
	// comparable with the day-level specificity of EARS evaluations.
	Specificity float64 `json:"specificity"`
}

// BandResult is the false findings of the cells whose rate is in
// [From, To) cases a day.
type BandResult struct {
	From             float64 `json:"from"`
	To               float64 `json:"to,omitempty"` // 0: no upper bound
	Cells            int     `json:"cells"`
	FalsePerCellYear float64 `json:"false_findings_per_cell_year"`
}

// Quality is the whole measurement: the headline Figures over the standard
// scenarios together (their false findings from the outbreak-free Poisson
// streams), every scenario, and the outbreak-free runs.
type Quality struct {
	Figures
	Seed         uint64           `json:"seed"`
	Cells        int              `json:"cells"`
	Scenarios    []ScenarioResult `json:"scenarios"`
	OutbreakFree []FreeResult     `json:"outbreak_free"`
}

// Options are the knobs of Measure.
type Options struct {
	Seed uint64 // every stream is drawn from it
	// Workers is how many goroutines share the cells of a stream; the
	// figures do not depend on it.
	Workers int
	// Overdispersed, when positive, adds an outbreak-free run with negative
	// binomial counts of variance μ + Overdispersed·μ².
	Overdispersed float64
}

// Measure runs the detector configured by cfg, day by day, on synthetic
// streams of w: one per scenario, and outbreak-free ones with Poisson
// counts (the headline's false findings) and, if asked, overdispersed ones.
func Measure(cfg Config, w World, scenarios []Scenario, opts Options) (Quality, error) {
	det, err := New(cfg)
	if err != nil {
		return Quality{}, err
	}
	w.Warmup = max(w.Warmup, cfg.Lookback())
	q := Quality{Seed: opts.Seed, Cells: cellsOf(w)}
	var standard []tally
	for i := range scenarios {
		sc := &scenarios[i]
		t, err := measureRun(det, w, sc, opts.Seed<<8|uint64(i+1), opts.Workers)
		if err != nil {
			return Quality{}, fmt.Errorf("scenario %s: %w", sc.Name, err)
		}
		q.Scenarios = append(q.Scenarios, t.result(*sc))
		if sc.Standard {
			standard = append(standard, t)
		}
	}
	dispersions := []float64{0}
	if opts.Overdispersed > 0 {
		dispersions = append(dispersions, opts.Overdispersed)
	}
	for i, disp := range dispersions {
		fw := w
		fw.Dispersion = disp
		t, err := measureRun(det, fw, nil, opts.Seed<<8|uint64(200+i), opts.Workers)
		if err != nil {
			return Quality{}, fmt.Errorf("outbreak-free: %w", err)
		}
		q.OutbreakFree = append(q.OutbreakFree, t.free(disp))
	}
	q.Figures = combine(standard)
	q.FalsePerCellYear = q.OutbreakFree[0].FalsePerCellYear
	return q, nil
}

func measureRun(det *Detector, w World, sc *Scenario, seed uint64, workers int) (tally, error) {
	s := w.Generate(sc, seed)
	eps, err := runCells(det, w, s, workers)
	if err != nil {
		return tally{}, err
	}
	return evaluate(w, s, eps), nil
}

func (t tally) falseCount() int {
	n := 0
	for _, c := range t.falseBy {
		n += c
	}
	return n
}

func (t tally) result(sc Scenario) ScenarioResult {
	r := ScenarioResult{Scenario: sc, Figures: combine([]tally{t}),
		DetectedBy: map[Kind]float64{}, FalseBy: map[Kind]float64{}}
	for _, k := range []Kind{Tendency, Widespread, Emerging} {
		r.DetectedBy[k] = ratio(t.detectedBy[k], t.outbreaks)
		r.FalseBy[k] = float64(t.falseBy[k]) / t.cellYears()
	}
	return r
}

func (t tally) free(dispersion float64) FreeResult {
	name := "poisson"
	if dispersion > 0 {
		name = "overdispersed"
	}
	r := FreeResult{Name: name, Dispersion: dispersion, FalseBy: map[Kind]float64{},
		FalseByMethod: map[Method]float64{}, FalsePerCellYear: float64(t.falseCount()) / t.cellYears(),
		Specificity: 1 - float64(t.falseDays)/(t.cellYears()*365)}
	for m, n := range t.falseByMethod {
		r.FalseByMethod[m] = float64(n) / t.cellYears()
	}
	for _, k := range []Kind{Tendency, Widespread, Emerging} {
		r.FalseBy[k] = float64(t.falseBy[k]) / t.cellYears()
	}
	for i := range numBands {
		b := BandResult{From: bandFrom(i), Cells: t.bandCells[i]}
		if i+1 < numBands {
			b.To = bandFrom(i + 1)
		}
		if b.Cells > 0 {
			b.FalsePerCellYear = float64(t.bandFalse[i]) / (float64(b.Cells) * t.years)
		}
		r.Bands = append(r.Bands, b)
	}
	return r
}

// combine pools tallies into figures.
func combine(ts []tally) Figures {
	var outbreaks, detected, findings, trueOnes, falses int
	var delays []float64
	years := 0.0
	for _, t := range ts {
		outbreaks += t.outbreaks
		detected += t.detected
		findings += t.findings
		trueOnes += t.trueOnes
		falses += t.falseCount()
		delays = append(delays, t.delays...)
		years += t.cellYears()
	}
	f := Figures{Outbreaks: outbreaks, DetectionRate: ratio(detected, outbreaks)}
	if years > 0 {
		f.FalsePerCellYear = float64(falses) / years
	}
	if len(delays) > 0 {
		slices.Sort(delays)
		f.MedianDays, f.P90Days = ptr(quantile(delays, 0.5)), ptr(quantile(delays, 0.9))
	}
	if findings > 0 {
		f.Precision = ptr(ratio(trueOnes, findings))
	}
	return f
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
