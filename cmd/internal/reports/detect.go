package reports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/trend"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// RunSummary is what a detector run did.
type RunSummary struct {
	Day      trend.Date `json:"day"`      // the day tested
	Trigger  string     `json:"trigger"`  // daily or on_demand
	Cells    int        `json:"cells"`    // cells with cases in the window
	Detected []string   `json:"detected"` // findings opened
	Updated  []string   `json:"updated"`  // open findings raised again with something new
	Ended    []string   `json:"ended"`    // findings no longer supported
	Open     int        `json:"open"`     // findings open after the run
	Seconds  float64    `json:"seconds"`
}

// The triggers of a run.
const (
	TriggerDaily    = "daily"
	TriggerOnDemand = "on_demand"
)

// runLock is the advisory lock key that lets one detector run at a time
// across replicas ("wptrends").
const runLock = 0x77707472_656e6473

// countsWait bounds how long a run waits for the trend counts to catch up
// with the archive.
const countsWait = 30 * time.Second

// RunDetection runs the detectors now, on today's counts so far (or on
// day, which may not be in the future), and answers with what the run did.
//
// Who: supervisors.
func (s *Service) RunDetection(ctx context.Context, p access.Principal, day *trend.Date) (RunSummary, error) {
	if err := access.Permit(p, access.RunTrendDetection); err != nil {
		return RunSummary{}, err
	}
	today := s.dayOf(s.d.Clock())
	d := today
	if day != nil {
		if *day > today {
			return RunSummary{}, domain.Invalid("day", "%s is in the future; the detectors test a day that has begun", day.String())
		}
		if *day < today-trend.Date(s.cfg.EndAfter) {
			return RunSummary{}, domain.Invalid("day", "the detectors test today or one of the last %d days", s.cfg.EndAfter)
		}
		d = *day
	}
	sum, _, err := s.detect(ctx, d, TriggerOnDemand)
	return sum, err
}

// detect runs every rule on every cell for day and records what it found:
// it opens, raises again and ends findings with command ids derived from
// the findings and the day, so a run repeated (on another replica, after a
// restart) changes nothing that is already recorded. A daily run is
// recorded too (finding.RunCompleted), and skipped (done false) when the
// day's run already is.
func (s *Service) detect(ctx context.Context, day trend.Date, trigger string) (sum RunSummary, done bool, err error) {
	began := time.Now()
	sum = RunSummary{Day: day, Trigger: trigger, Detected: []string{}, Updated: []string{}, Ended: []string{}}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	conn, err := s.d.Pool.Acquire(ctx)
	if err != nil {
		return sum, false, eventstore.Database("reports: detector lock", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(runLock)); err != nil {
		return sum, false, eventstore.Database("reports: detector lock", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_, _ = conn.Exec(uctx, `SELECT pg_advisory_unlock($1)`, int64(runLock))
	}()
	if trigger == TriggerDaily {
		recorded, err := s.runRecorded(ctx, day)
		if err != nil || recorded {
			return sum, false, err
		}
	}
	if err := s.countsCaughtUp(ctx); err != nil {
		return sum, false, err
	}
	cands, cells, err := s.candidates(ctx, day)
	if err != nil {
		return sum, false, err
	}
	sum.Cells = cells
	current, err := projections.CurrentFindings(ctx, s.d.Pool, day, s.cfg.EndAfter)
	if err != nil {
		return sum, false, err
	}
	pl := planRun(day, cands, current, s.cfg.EndAfter)
	byID := map[string]finding.Finding{}
	for _, f := range current {
		byID[f.ID] = f
	}
	correlation := "trend-run:" + trigger + ":" + day.String()
	var last uint64
	for _, o := range pl.open {
		meta := system("trend-detect:"+o.id, correlation, correlation)
		res, err := s.execFinding(ctx, "detect_trend", o.id, meta, func(f *finding.Finding, now time.Time) ([]finding.Event, error) {
			return f.Detect(o.id, o.kind, o.cell, o.obs, now)
		})
		if err != nil {
			return sum, false, fmt.Errorf("reports: open finding %s: %w", o.id, err)
		}
		last = max(last, res.LastSeq)
		if len(res.Events) > 0 && !res.Duplicate {
			sum.Detected = append(sum.Detected, o.id)
		}
	}
	ids := make([]string, 0, len(pl.raise))
	for id := range pl.raise {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		obs := pl.raise[id]
		f := byID[id]
		// The cases behind the finding over its whole period, on its own
		// cell.
		if obs.Cases, obs.CaseCount, err = projections.TrendCases(ctx, s.d.Pool, f.Cell, obs.From, day, finding.MaxCases); err != nil {
			return sum, false, err
		}
		if len(obs.Cases) == 0 {
			obs.Cases, obs.CaseCount = f.Cases, f.CaseCount
		}
		meta := system("trend-raise:"+id+":"+day.String()+":"+digest(obs), correlation, correlation)
		res, err := s.execFinding(ctx, "raise_trend", id, meta, func(f *finding.Finding, now time.Time) ([]finding.Event, error) {
			return f.Raise(obs, now)
		})
		if err != nil {
			return sum, false, fmt.Errorf("reports: raise finding %s: %w", id, err)
		}
		last = max(last, res.LastSeq)
		if len(res.Events) > 0 && !res.Duplicate {
			sum.Updated = append(sum.Updated, id)
		}
	}
	for _, id := range pl.end {
		meta := system("trend-end:"+id, correlation, correlation)
		res, err := s.execFinding(ctx, "end_trend", id, meta, func(f *finding.Finding, now time.Time) ([]finding.Event, error) {
			return f.End(day, s.cfg.EndAfter, now)
		})
		if err != nil {
			return sum, false, fmt.Errorf("reports: end finding %s: %w", id, err)
		}
		last = max(last, res.LastSeq)
		if len(res.Events) > 0 && !res.Duplicate {
			sum.Ended = append(sum.Ended, id)
		}
	}
	if trigger == TriggerDaily {
		rec := finding.RunCompleted{Day: day, Cells: sum.Cells, Detected: len(sum.Detected), Updated: len(sum.Updated), Ended: len(sum.Ended)}
		res, err := s.d.Run.Execute(ctx, "complete_trend_run", finding.AggregateRun, finding.RunID(day), system("trend-run:"+finding.RunID(day), correlation, correlation),
			func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
				rec.At = now
				return command.Encode(finding.CompleteRun(len(history), rec), finding.SchemaVersion, now)
			})
		if err != nil {
			return sum, false, fmt.Errorf("reports: record the run of %s: %w", day, err)
		}
		last = max(last, res.LastSeq)
	}
	if last > 0 {
		if err := s.d.Run.Settle(ctx, last); err != nil {
			return sum, false, err
		}
	}
	open, err := projections.OpenFindingsByKind(ctx, s.d.Pool)
	if err != nil {
		return sum, false, err
	}
	for _, n := range open {
		sum.Open += n
	}
	sum.Seconds = time.Since(began).Seconds()
	s.runDuration.WithLabelValues(trigger).Observe(sum.Seconds)
	return sum, true, nil
}

// runRecorded reports whether the daily run of day is recorded in the
// archive.
func (s *Service) runRecorded(ctx context.Context, day trend.Date) (bool, error) {
	var ok bool
	err := s.d.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE aggregate_type = $1 AND aggregate_id = $2)`,
		finding.AggregateRun, finding.RunID(day)).Scan(&ok)
	return ok, eventstore.Database("reports: daily run recorded", err)
}

// lastRecordedRun is the latest day whose daily run is recorded (ok false
// before the first).
func (s *Service) lastRecordedRun(ctx context.Context) (trend.Date, bool, error) {
	var id *string
	err := s.d.Pool.QueryRow(ctx, `SELECT max(aggregate_id) FROM events WHERE aggregate_type = $1`, finding.AggregateRun).Scan(&id)
	if err != nil {
		return 0, false, eventstore.Database("reports: last daily run", err)
	}
	if id == nil {
		return 0, false, nil
	}
	d, err := trend.ParseDate(strings.TrimPrefix(*id, "daily-"))
	if err != nil {
		return 0, false, fmt.Errorf("reports: daily run %q: %w", *id, err)
	}
	return d, true, nil
}

// digest is a short fingerprint of what a run saw of a finding: the same
// observation raised twice is one command.
func digest(o finding.Observation) string {
	b, _ := json.Marshal(o)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// countsCaughtUp waits until the trend counts hold everything archived
// when the run began.
func (s *Service) countsCaughtUp(ctx context.Context) error {
	target := s.d.Positions.Current()
	// The wait is bounded, not the reads: a run that waited too long says
	// how far behind the counts are.
	giveUp := time.NewTimer(countsWait)
	defer giveUp.Stop()
	for {
		at, err := projections.TrendCountsCheckpoint(ctx, s.d.Pool)
		if err != nil {
			return err
		}
		if at >= target {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-giveUp.C:
			return fmt.Errorf("%w: the trend counts are at %d, the archive at %d", eventstore.ErrUnavailable, at, target)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// candidates runs the detectors on every cell with a case in the window
// ending on day, and returns what they raised, by cell and kind, with the
// cases behind each; and how many cells it tested.
func (s *Service) candidates(ctx context.Context, day trend.Date) ([]candidate, int, error) {
	histories, err := s.histories(ctx, day)
	if err != nil {
		return nil, 0, err
	}
	var out []candidate
	for _, h := range histories {
		found, err := s.det.Detect(h.history)
		if err != nil {
			return nil, 0, fmt.Errorf("reports: cell %s: %w", h.cell.Key(), err)
		}
		byKind := map[trend.Kind]*candidate{}
		var kinds []trend.Kind
		for _, f := range found {
			c := byKind[f.Kind]
			if c == nil {
				c = &candidate{cell: h.cell, kind: f.Kind, from: f.From}
				byKind[f.Kind] = c
				kinds = append(kinds, f.Kind)
			}
			c.signals = append(c.signals, finding.SignalOf(h.cell, f))
			c.from = min(c.from, f.From)
		}
		for _, k := range kinds {
			c := byKind[k]
			if c.cases, c.count, err = projections.TrendCases(ctx, s.d.Pool, c.cell, c.from, day, finding.MaxCases); err != nil {
				return nil, 0, err
			}
			if len(c.cases) == 0 {
				continue // a rule raised on days without cases: nothing to show for it
			}
			out = append(out, *c)
		}
	}
	return out, len(histories), nil
}

// cellHistory is one cell's days as Detect reads them.
type cellHistory struct {
	cell    finding.Cell
	history trend.History
}

// histories builds the history of every cell with a case in the window
// ending on day. A history starts on the first day any case was received
// (the counts know nothing before it), or Lookback days before day.
func (s *Service) histories(ctx context.Context, day trend.Date, cells ...finding.Cell) ([]cellHistory, error) {
	epoch, ok, err := projections.TrendEpoch(ctx, s.d.Pool)
	if err != nil || !ok || epoch > day {
		return nil, err
	}
	start := max(epoch, day-trend.Date(s.cfg.Lookback()-1))
	counts, err := projections.TrendWindow(ctx, s.d.Pool, start, day, cells...)
	if err != nil {
		return nil, err
	}
	var out []cellHistory
	for i := 0; i < len(counts); {
		j := i
		for j < len(counts) && counts[j].Cell == counts[i].Cell {
			j++
		}
		h := trend.History{Start: start, Days: make([]trend.Day, int(day-start)+1)}
		for _, c := range counts[i:j] {
			h.Days[c.Day-start] = trend.Day{Cases: c.Cases, Points: c.Points, Districts: c.Districts, Departments: c.Departments}
		}
		out = append(out, cellHistory{cell: counts[i].Cell, history: h})
		i = j
	}
	return out, nil
}

// chart is a cell's dual EWMA over the days up to day, at most chartDays
// of them.
func (s *Service) chart(ctx context.Context, findingID string, c finding.Cell, day trend.Date) (Chart, error) {
	out := Chart{FindingID: findingID, Cell: c, Points: []trend.EWMAPoint{}}
	hs, err := s.histories(ctx, day, c)
	if err != nil || len(hs) == 0 {
		return out, err
	}
	points, err := s.det.EWMASeries(hs[0].history)
	if err != nil {
		return out, err
	}
	if len(points) > chartDays {
		points = points[len(points)-chartDays:]
	}
	out.Points = points
	return out, nil
}

// chartDays is how many days a chart shows.
const chartDays = 60
