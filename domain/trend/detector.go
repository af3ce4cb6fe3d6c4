package trend

import (
	"errors"
	"fmt"
)

// ErrInvalidHistory is matched by the errors Detect returns for a history
// it cannot test.
var ErrInvalidHistory = errors.New("trend: invalid history")

// stackDays is the longest history whose counts Detect keeps on the stack.
const stackDays = 256

// Detector runs every rule on one cell's history. Make one with New; it is
// immutable and safe for concurrent use.
type Detector struct {
	cfg             Config
	gradual, sudden ewmaConsts
	t99             float64 // Student-t 0.99 quantile, df B−1: where a day is clamped
	tAlpha          float64 // the T at which the doubled p-value is Alpha: the reported threshold
	cusum           cusumTable
}

// New validates cfg and prepares a Detector (it computes the CUSUM
// thresholds for the configured run length once).
func New(cfg Config) (*Detector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	df := float64(cfg.EWMA.Baseline - 1)
	t95 := studentTQuantile(0.95, df)
	d := &Detector{
		cfg:     cfg,
		gradual: newEWMAConsts(cfg.EWMA.Gradual, cfg.EWMA.Baseline, cfg.EWMA.Guard, t95),
		sudden:  newEWMAConsts(cfg.EWMA.Sudden, cfg.EWMA.Baseline, cfg.EWMA.Guard, t95),
		t99:     studentTQuantile(0.99, df),
		tAlpha:  studentTQuantile(1-cfg.EWMA.Alpha/2, df),
	}
	table, err := newCUSUMTable(cfg.CUSUM)
	if err != nil {
		return nil, fmt.Errorf("trend: cusum thresholds: %w", err)
	}
	d.cusum = table
	return d, nil
}

// Detect returns the findings of every rule for the last day of h, in the
// order tendency (ewma, cusum), widespread, emerging. It reads only the last
// Config.Lookback days of h; a rule whose history is too short finds
// nothing. The findings of one kind are one finding for the service: it
// keeps a single open finding per cell and kind.
func (d *Detector) Detect(h History) ([]Finding, error) {
	if len(h.Days) == 0 {
		return nil, fmt.Errorf("%w: no days", ErrInvalidHistory)
	}
	if n := d.cfg.Lookback(); len(h.Days) > n {
		h = History{Start: h.Last() - Date(n-1), Days: h.Days[len(h.Days)-n:]}
	}
	var buf [stackDays]int // keeps the usual lookback off the heap
	counts := buf[:0]
	if len(h.Days) > stackDays {
		counts = make([]int, 0, len(h.Days))
	}
	counts = counts[:len(h.Days)]
	for i, day := range h.Days {
		if day.Cases < 0 {
			return nil, fmt.Errorf("%w: %d cases on %s", ErrInvalidHistory, day.Cases, h.Start+Date(i))
		}
		counts[i] = day.Cases
	}
	var out []Finding
	last := h.Last()
	if f, ok := d.ewmaFinding(counts, last); ok {
		out = append(out, f)
	}
	if f, ok := d.cusumFinding(counts, last); ok {
		out = append(out, f)
	}
	out = append(out, d.widespreadFindings(h)...)
	if f, ok := d.novelFinding(counts, last); ok {
		out = append(out, f)
	}
	if f, ok := d.burstFinding(counts, last); ok {
		out = append(out, f)
	}
	return out, nil
}

// gateOpen reports whether the last periods of the given length (in days),
// the current one included, hold at least the gate's minimum of cases.
func (d *Detector) gateOpen(counts []int, periodDays int) bool {
	n := min(len(counts), d.cfg.Gate.Periods*periodDays)
	return sum(counts[len(counts)-n:]) >= d.cfg.Gate.MinCases
}

func sum(v []int) int {
	s := 0
	for _, x := range v {
		s += x
	}
	return s
}
