// Package command runs commands against aggregates in the log: it loads the
// history, lets the domain decide, appends with optimistic concurrency, and
// waits until the read models show the result. It knows no particular
// aggregate; casework and registry bring theirs.
package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/eventstore"
)

// Event is any domain event.
type Event interface{ EventType() string }

// Runner executes commands and waits for their effect.
type Runner struct {
	log       *eventstore.Log
	positions *eventstore.Positions
	clock     func() time.Time

	// appendBudget bounds a command's work on the log, detached from the
	// caller, so a client that hangs up does not leave an unknown outcome;
	// projectWait bounds the wait for the read models.
	appendBudget time.Duration
	projectWait  time.Duration

	commands *prometheus.CounterVec
}

// NewRunner returns a runner. reg receives its metrics.
func NewRunner(log *eventstore.Log, positions *eventstore.Positions, clock func() time.Time, reg prometheus.Registerer) (*Runner, error) {
	r := &Runner{
		log: log, positions: positions, clock: clock,
		appendBudget: 15 * time.Second, projectWait: 5 * time.Second,
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "watchpost_commands_total",
			Help: "Commands by type and outcome (ok, duplicate, refused, conflict, unknown, error).",
		}, []string{"command", "outcome"}),
	}
	if reg != nil {
		if err := reg.Register(r.commands); err != nil {
			return nil, fmt.Errorf("command: register metrics: %w", err)
		}
	}
	return r, nil
}

// Now is the runner's clock.
func (r *Runner) Now() time.Time { return r.clock() }

// Decision decides a command against an aggregate's history at a time.
type Decision func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error)

// Execute runs one command on one aggregate.
func (r *Runner) Execute(ctx context.Context, name, aggType, id string, meta eventstore.Metadata, decide Decision) (eventstore.Result, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.appendBudget)
	defer cancel()
	res, err := r.log.Execute(ctx, eventstore.Command{
		AggregateType: aggType, AggregateID: id, Meta: meta,
		Decide: func(h eventstore.History) ([]eventstore.Pending, error) {
			return decide(h.Events, r.clock())
		},
	})
	r.Count(name, outcome(res, err))
	return res, err
}

// Count records a command's outcome.
func (r *Runner) Count(name, outcome string) {
	r.commands.WithLabelValues(name, outcome).Inc()
}

func outcome(res eventstore.Result, err error) string {
	switch {
	case err == nil && res.Duplicate:
		return "duplicate"
	case err == nil:
		return "ok"
	case domain.ErrorCode(err) != "", errors.Is(err, eventstore.ErrIdempotencyMismatch):
		return "refused"
	case errors.Is(err, eventstore.ErrConflict):
		return "conflict"
	case errors.Is(err, eventstore.ErrUnknownOutcome):
		return "unknown"
	}
	return "error"
}

// Settle waits until the read models hold seq.
func (r *Runner) Settle(ctx context.Context, seq uint64) error {
	ctx, cancel := context.WithTimeout(ctx, r.projectWait)
	defer cancel()
	return r.positions.Wait(ctx, seq)
}

// Encode turns domain events into events for the log.
func Encode[E Event](events []E, schema int, now time.Time) ([]eventstore.Pending, error) {
	out := make([]eventstore.Pending, len(events))
	for i, e := range events {
		data, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		out[i] = eventstore.Pending{Type: e.EventType(), SchemaVersion: schema, Data: data, OccurredAt: now}
	}
	return out, nil
}

// Fold applies a history to an aggregate's state.
func Fold[E Event](history []eventstore.Event, decode func(string, []byte) (E, error), apply func(E) error) error {
	for _, e := range history {
		de, err := decode(e.Type, e.Data)
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		if err := apply(de); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
	}
	return nil
}
