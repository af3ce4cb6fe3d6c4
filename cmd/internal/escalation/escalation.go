// Package escalation raises the escalation ladder's steps when they fall
// due: it watches proj.alarms and appends the overdue and escalation events
// to the case's own stream. Every replica runs it; the command id of each
// step is derived from the case, clock, level and deadline version, so a
// step is stored once however many replicas try, and a response appended
// first makes the step moot when it is decided again.
package escalation

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/cmd/internal/registry"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/domain/ladder"
	"github.com/watchpost/watchpost/eventstore"
)

// raisers is how many steps one replica raises at once.
const raisers = 64

// Process raises due alarms.
type Process struct {
	run       *command.Runner
	pool      *pgxpool.Pool
	calendars *registry.Calendars
	positions *eventstore.Positions
	policy    deadline.Policy
	clock     func() time.Time
	logger    *slog.Logger

	// tick bounds how long the process sleeps without looking.
	tick time.Duration

	lag    prometheus.Histogram
	raised *prometheus.CounterVec

	mu     sync.Mutex
	tried  map[string]time.Time // recently tried alarms: not tried again until the projection catches up
	cancel context.CancelFunc
	done   chan struct{}

	// stepped hears of every step the process takes (nil: nobody listens).
	stepped chan<- Stepped
}

// Stepped is what one step of the process did.
type Stepped struct {
	Began  time.Time // on the wall clock
	Raised int       // escalation steps appended by this step
	Err    error
}

// Notify makes the process report each step on ch, without ever waiting for
// the listener (a report that does not fit is dropped). Call it before
// Start; tests wait on it instead of sleeping.
func (p *Process) Notify(ch chan<- Stepped) { p.stepped = ch }

// New returns the process. reg receives its metrics.
func New(run *command.Runner, pool *pgxpool.Pool, calendars *registry.Calendars, positions *eventstore.Positions,
	policy deadline.Policy, clock func() time.Time, logger *slog.Logger, reg prometheus.Registerer) (*Process, error) {
	p := &Process{
		run: run, pool: pool, calendars: calendars, positions: positions, policy: policy, clock: clock, logger: logger,
		tick: time.Second, tried: map[string]time.Time{},
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "watchpost_escalation_lag_seconds",
			Help:    "Time from the moment an escalation step fell due to the moment it was raised.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2, 5, 30, 300, 3600},
		}),
		raised: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "watchpost_escalations_raised_total", Help: "Escalation steps raised by this replica, by level.",
		}, []string{"level"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{p.lag, p.raised, openCollector{pool: pool, desc: prometheus.NewDesc(
			"watchpost_open_escalations", "Open escalations (clocks still open, by the highest step raised).", []string{"level"}, nil)}} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("escalation: register metrics: %w", err)
			}
		}
	}
	return p, nil
}

// Start runs the process until Stop.
func (p *Process) Start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		for ctx.Err() == nil {
			began := time.Now()
			next, raised, err := p.step(ctx)
			if err != nil && ctx.Err() == nil {
				p.logger.Warn("escalation step failed", "err", err)
				next = p.clock().Add(p.tick)
			}
			if p.stepped != nil {
				select {
				case p.stepped <- Stepped{Began: began, Raised: raised, Err: err}:
				default:
				}
			}
			p.sleep(ctx, next)
		}
	}()
}

// Stop ends the process.
func (p *Process) Stop() {
	if p.cancel == nil {
		return
	}
	p.cancel()
	<-p.done
}

// sleep waits until next (at most a tick), or until the archive moves: a
// command may have brought an earlier alarm.
func (p *Process) sleep(ctx context.Context, next time.Time) {
	d := next.Sub(p.clock())
	if d > p.tick {
		d = p.tick
	}
	if d <= 0 {
		return
	}
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	_ = p.positions.Wait(wctx, p.positions.Current()+1)
}

// due is a pending alarm row.
type due struct {
	caseID, clockID, department string
	level                       ladder.Step
	round, version              int
	at, deadline                time.Time
}

func (d due) commandID() string {
	return "alarm:" + d.caseID + ":" + d.clockID + ":" + strconv.Itoa(d.round) + ":" + string(d.level) + ":v" + strconv.Itoa(d.version)
}

// Step raises every alarm due now and returns when the next one falls due.
func (p *Process) Step(ctx context.Context) (time.Time, error) {
	next, _, err := p.step(ctx)
	return next, err
}

// step is Step, also counting the escalation steps it appended.
//
// Steps that fall due together (a midnight ends many deadlines) are raised
// side by side, each case's in the order they fell due: a case always goes
// to the same raiser. The due alarms are read page by page, so a burst is
// handed out in one step, without waiting for the read models to mark the
// first page raised.
func (p *Process) step(ctx context.Context) (time.Time, int, error) {
	now := p.clock()
	p.forget(now)
	var (
		wg     sync.WaitGroup
		lanes  []chan due
		raised atomic.Int64
	)
	start := func() {
		lanes = make([]chan due, raisers)
		for i := range lanes {
			lanes[i] = make(chan due, duePage/raisers)
			wg.Go(func() {
				for d := range lanes[i] {
					ok, err := p.raise(ctx, d)
					if err != nil {
						p.logger.Warn("could not raise an escalation", "case", d.caseID, "clock", d.clockID, "level", d.level, "err", err)
					}
					if ok {
						raised.Add(1)
					}
				}
			})
		}
	}
	err := p.eachDue(ctx, now, func(d due) {
		if !p.try(d.commandID(), now) {
			return
		}
		if lanes == nil {
			start()
		}
		h := fnv.New32a()
		h.Write([]byte(d.caseID))
		lanes[int(h.Sum32()%uint32(len(lanes)))] <- d
	})
	for _, l := range lanes {
		close(l)
	}
	wg.Wait()
	if err != nil {
		return now, int(raised.Load()), err
	}
	var next *time.Time
	if err := p.pool.QueryRow(ctx, `SELECT min(at) FROM proj.alarms WHERE raised_seq IS NULL AND at > $1`, now).Scan(&next); err != nil {
		return now, 0, err
	}
	if next == nil {
		return now.Add(p.tick), int(raised.Load()), nil
	}
	return *next, int(raised.Load()), nil
}

// duePage is how many due alarms one read takes.
const duePage = 512

// eachDue calls f with every alarm not raised yet that is due at now, in
// the order they fell due, a page at a time.
func (p *Process) eachDue(ctx context.Context, now time.Time, f func(due)) error {
	var after *due
	for {
		var rows pgx.Rows
		var err error
		const cols = `SELECT case_id, clock_id, round, level, version, at, deadline, coalesce(department_id, '') FROM proj.alarms`
		order := ` ORDER BY at, case_id, clock_id, round, level, version LIMIT ` + strconv.Itoa(duePage)
		if after == nil {
			rows, err = p.pool.Query(ctx, cols+` WHERE raised_seq IS NULL AND at <= $1`+order, now)
		} else {
			rows, err = p.pool.Query(ctx, cols+` WHERE raised_seq IS NULL AND at <= $1
				AND (at, case_id, clock_id, round, level, version) > ($2, $3, $4, $5, $6, $7)`+order,
				now, after.at, after.caseID, after.clockID, after.round, string(after.level), after.version)
		}
		if err != nil {
			return err
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (due, error) {
			var d due
			err := r.Scan(&d.caseID, &d.clockID, &d.round, &d.level, &d.version, &d.at, &d.deadline, &d.department)
			return d, err
		})
		if err != nil {
			return err
		}
		for _, d := range list {
			f(d)
		}
		if len(list) < duePage {
			return nil
		}
		after = &list[len(list)-1]
	}
}

// try reports whether an alarm should be tried now, and remembers it.
func (p *Process) try(key string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until, ok := p.tried[key]; ok && now.Before(until) {
		return false
	}
	p.tried[key] = now.Add(5 * time.Second)
	return true
}

func (p *Process) forget(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, until := range p.tried {
		if !now.Before(until) {
			delete(p.tried, k)
		}
	}
}

// raise decides one alarm against the case as it now is; it reports
// whether it appended the step.
func (p *Process) raise(ctx context.Context, d due) (bool, error) {
	lc, err := p.calendars.Current(ctx)
	if err != nil {
		return false, err
	}
	meta := eventstore.Metadata{Actor: "system", ActorRole: "system", CommandID: d.commandID(), CausationID: "deadline"}
	res, err := p.run.Execute(ctx, "escalate", complaint.AggregateType, d.caseID, meta,
		func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
			tracker := deadline.NewTracker(p.policy)
			if err := command.Fold(history, complaint.Decode, func(e complaint.Event) error {
				tracker.Apply(e)
				return nil
			}); err != nil {
				return nil, err
			}
			sched := tracker.Schedule(lc.Calendar)
			a, ok := sched.Find(d.clockID, d.round, d.level)
			if !ok || !a.At.Equal(d.at) || a.At.After(now) {
				return nil, nil // answered, suspended or moved since: nothing to raise
			}
			late, err := lc.Calendar.WorkdaysLate(a.Deadline, now)
			if err != nil {
				return nil, err
			}
			events := complaint.DeadlineEvents(complaint.DeadlineFacts{
				Alarm: d.level, Clock: d.clockID, Round: d.round, Version: d.version, DueAt: a.Deadline,
				FallsDueAt: a.At, DepartmentID: a.DepartmentID, WorkdaysLate: late,
			}, now)
			return command.Encode(events, complaint.SchemaVersion, now)
		})
	if err != nil {
		return false, err
	}
	if len(res.Events) == 0 || res.Duplicate {
		return false, nil
	}
	p.lag.Observe(res.Events[0].OccurredAt.Sub(d.at).Seconds())
	p.raised.WithLabelValues(string(d.level)).Inc()
	return true, nil
}

// openCollector counts open escalations at scrape time.
type openCollector struct {
	pool *pgxpool.Pool
	desc *prometheus.Desc
}

func (c openCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c openCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	rows, err := c.pool.Query(ctx, `SELECT level, count(*) FROM proj.escalation_board GROUP BY level`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	defer rows.Close()
	counts := map[string]float64{}
	for rows.Next() {
		var (
			level string
			n     int64
		)
		if err := rows.Scan(&level, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(c.desc, err)
			return
		}
		counts[level] = float64(n)
	}
	for _, l := range ladder.Steps() {
		if l.Level() > ladder.Warning {
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, counts[string(l)], string(l))
		}
	}
}
