package network

import (
	"context"
	"log/slog"
	"time"

	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Process raises what the network's calendar makes due: a monthly report
// not submitted by its due day is overdue (MonthlyReportOverdue), and a
// two-way registration record left one-sided for the days allowed is
// flagged (RegistrationFlagged). Every replica runs it; each step's command
// id is derived from the report or the record, and the aggregate decides
// again against its history, so each is raised exactly once however many
// replicas try, and also when the service was down when it fell due (it is
// raised at start).
type Process struct {
	svc       *Service
	positions *eventstore.Positions
	clock     func() time.Time
	logger    *slog.Logger
	tick      time.Duration

	cancel context.CancelFunc
	done   chan struct{}
	swept  chan<- Swept
}

// Swept is what one step of the process did.
type Swept struct {
	Began   time.Time // on the wall clock
	Overdue int       // reports found overdue by this step
	Flagged int       // records flagged by this step
	Err     error
}

// NewProcess returns the process of the service.
func NewProcess(svc *Service, positions *eventstore.Positions, clock func() time.Time, logger *slog.Logger) *Process {
	return &Process{svc: svc, positions: positions, clock: clock, logger: logger, tick: time.Second}
}

// Notify makes the process report each step on ch, never waiting for the
// listener. Call it before Start.
func (p *Process) Notify(ch chan<- Swept) { p.swept = ch }

// Start runs the process until Stop.
func (p *Process) Start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		for ctx.Err() == nil {
			began := time.Now()
			next, overdue, flagged, err := p.step(ctx)
			if err != nil && ctx.Err() == nil {
				p.logger.Warn("network step failed", "err", err)
				next = p.clock().Add(p.tick)
			}
			if p.swept != nil {
				select {
				case p.swept <- Swept{Began: began, Overdue: overdue, Flagged: flagged, Err: err}:
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

// sleep waits until next (at most a tick), or until the archive moves.
func (p *Process) sleep(ctx context.Context, next time.Time) {
	d := min(next.Sub(p.clock()), p.tick)
	if d <= 0 {
		return
	}
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	_ = p.positions.Wait(wctx, p.positions.Current()+1)
}

// monthsBack bounds how far back the process looks for reports never
// submitted.
const monthsBack = 24

// step raises what is due now and returns when the next thing falls due.
func (p *Process) step(ctx context.Context) (time.Time, int, int, error) {
	now := p.clock()
	policy := p.svc.d.Policy
	overdue, err := p.reports(ctx, policy, now)
	if err != nil {
		return now, overdue, 0, err
	}
	flagged, nextFlag, err := p.flags(ctx, policy, now)
	if err != nil {
		return now, overdue, flagged, err
	}
	next := policy.ReportDue(policy.LastDueMonth(now).Next())
	if !nextFlag.IsZero() && nextFlag.Before(next) {
		next = nextFlag
	}
	return next, overdue, flagged, nil
}

// reports raises the overdue reports of every month that has fallen due.
func (p *Process) reports(ctx context.Context, policy network.Policy, now time.Time) (int, error) {
	all, err := projections.ListWorkstations(ctx, p.svc.d.Pool)
	if err != nil {
		return 0, err
	}
	last := policy.LastDueMonth(now)
	oldest := network.MonthOf(now.AddDate(0, -monthsBack, 0), policy.Loc)
	// The reports submitted or found overdue already, read at once.
	known, err := projections.ListReports(ctx, p.svc.d.Pool, "", "", "")
	if err != nil {
		return 0, err
	}
	settled := make(map[string]bool, len(known))
	for _, r := range known {
		settled[r.ID] = r.Status != ""
	}
	raised := 0
	for _, w := range all {
		m := max(network.MonthOf(w.RegisteredAt, policy.Loc), oldest)
		for ; m <= last; m = m.Next() {
			if !w.ExpectsReport(m, policy.Loc) {
				continue
			}
			id := network.ReportID(w.ID, m)
			if settled[id] {
				continue
			}
			due := policy.ReportDue(m)
			res, err := p.svc.d.Run.Execute(ctx, "report_overdue", network.AggregateReport, id, system("report-overdue-"+id, "report-due"),
				decision(func(r *network.Report, now time.Time) ([]network.Event, error) {
					return r.Overdue(w.ID, m, due, now), nil
				}))
			if err != nil {
				p.logger.Warn("could not raise an overdue report", "report", id, "err", err)
				continue
			}
			if len(res.Events) > 0 && !res.Duplicate {
				raised++
			}
		}
	}
	return raised, nil
}

// flagBatch bounds the records one step flags.
const flagBatch = 200

// flags flags the records left one-sided for the days allowed, and returns
// when the next one falls due.
func (p *Process) flags(ctx context.Context, policy network.Policy, now time.Time) (int, time.Time, error) {
	cutoff := now.AddDate(0, 0, -policy.FlagAfterDays)
	list, next, err := projections.WaitingEntries(ctx, p.svc.d.Pool, cutoff, flagBatch)
	if err != nil {
		return 0, time.Time{}, err
	}
	flagged := 0
	for _, e := range list {
		key := "registration-flag-" + e.PointID + "-" + e.ID
		res, err := p.svc.d.Run.Execute(ctx, "flag_registration", network.AggregateLedger, e.PointID, system(key, "registration-due"),
			decision(func(l *network.Ledger, now time.Time) ([]network.Event, error) {
				return l.Flag(e.ID, policy, now), nil
			}))
		if err != nil {
			p.logger.Warn("could not flag a registration", "point", e.PointID, "entry", e.ID, "err", err)
			continue
		}
		if len(res.Events) > 0 && !res.Duplicate {
			flagged++
		}
	}
	if len(list) == flagBatch {
		return flagged, now, nil
	}
	if next.IsZero() {
		return flagged, time.Time{}, nil
	}
	return flagged, policy.FlagDue(next), nil
}
