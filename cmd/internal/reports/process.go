package reports

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/watchpost/watchpost/domain/trend"
	"github.com/watchpost/watchpost/projections"
)

// catchUpDays bounds the missed daily runs the process makes up for when
// it starts after a pause.
const catchUpDays = 14

// Process is the background part of the findings and reports, in every
// replica: once a day, at the configured hour, it runs the detectors on
// the day before (and on the days missed while no replica ran, up to
// catchUpDays), each day's run recorded once; and it carries out what the
// instructions still owe: supervision not yet on the cases (an instruction
// whose request ended early), and follow-ups past their due date, marked
// overdue once.
type Process struct {
	svc    *Service
	hour   int
	clock  func() time.Time
	logger *slog.Logger
	tick   time.Duration

	// nextDaily is the first day whose daily run this replica has not seen
	// done; started, once it has looked for the last recorded run.
	nextDaily trend.Date
	started   bool

	cancel context.CancelFunc
	done   chan struct{}
	ran    chan<- Ran
}

// Ran is what one step of the process did.
type Ran struct {
	Began      time.Time    // on the wall clock
	Daily      []RunSummary // the daily runs it made
	Dispatched int          // instructions whose supervision it put on the cases
	Overdue    int          // follow-ups it marked overdue
	Err        error
}

// NewProcess returns the process: the daily run at hour (0-23, in the
// service's zone).
func NewProcess(svc *Service, hour int, clock func() time.Time, logger *slog.Logger) *Process {
	return &Process{svc: svc, hour: hour, clock: clock, logger: logger, tick: time.Second}
}

// Notify makes the process report each step on ch, without ever waiting
// for the listener (a report that does not fit is dropped). Call it before
// Start; tests wait on it instead of sleeping.
func (p *Process) Notify(ch chan<- Ran) { p.ran = ch }

// Start runs the process until Stop.
func (p *Process) Start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		for ctx.Err() == nil {
			r := p.Step(ctx)
			if r.Err != nil && ctx.Err() == nil {
				p.logger.Warn("report process step failed", "err", r.Err)
			}
			if p.ran != nil {
				select {
				case p.ran <- r:
				default:
				}
			}
			p.sleep(ctx)
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

// sleep waits a tick, or less when the archive moves (an instruction may
// have been given).
func (p *Process) sleep(ctx context.Context) {
	wctx, cancel := context.WithTimeout(ctx, p.tick)
	defer cancel()
	pos := p.svc.d.Positions
	_ = pos.Wait(wctx, pos.Current()+1)
}

// Step does what is due now.
func (p *Process) Step(ctx context.Context) Ran {
	r := Ran{Began: time.Now()}
	daily, err := p.daily(ctx)
	r.Daily = daily
	d, o, err2 := p.instructions(ctx)
	r.Dispatched, r.Overdue = d, o
	r.Err = errors.Join(err, err2)
	return r
}

// daily makes the daily runs that are due: once the hour has come, the day
// before; and, the first time, the days before it since the last recorded
// run (at most catchUpDays), which no replica made while none ran.
func (p *Process) daily(ctx context.Context) ([]RunSummary, error) {
	now := p.clock().In(p.svc.d.Zone)
	last := p.svc.dayOf(now) - 1
	if now.Hour() < p.hour {
		last-- // today's run is not due yet: yesterday's is the latest
	}
	first := max(p.nextDaily, last-catchUpDays+1)
	if !p.started {
		recorded, ok, err := p.svc.lastRecordedRun(ctx)
		if err != nil {
			return nil, err
		}
		first = last
		if ok {
			first = max(recorded+1, last-catchUpDays+1)
		}
		p.started = true
	}
	var out []RunSummary
	for day := first; day <= last; day++ {
		sum, done, err := p.svc.detect(ctx, day, TriggerDaily)
		if err != nil {
			return out, err
		}
		if done {
			out = append(out, sum)
		}
		p.nextDaily = day + 1
	}
	return out, nil
}

// instructions carries out what the instructions still owe.
func (p *Process) instructions(ctx context.Context) (dispatched, overdue int, err error) {
	pending, err := projections.PendingReportInstructions(ctx, p.svc.d.Pool, p.clock(), 100)
	if err != nil {
		return 0, 0, err
	}
	var errs []error
	for _, in := range pending {
		if in.Supervision {
			ok, err := p.svc.dispatch(ctx, in.ReportID, in.InstructionID)
			if err != nil {
				errs = append(errs, err)
			} else if ok {
				dispatched++
			}
		}
		if in.Overdue {
			ok, err := p.svc.markOverdue(ctx, in.ReportID, in.InstructionID)
			if err != nil {
				errs = append(errs, err)
			} else if ok {
				overdue++
			}
		}
	}
	return dispatched, overdue, errors.Join(errs...)
}
