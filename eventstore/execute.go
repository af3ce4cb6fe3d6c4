package eventstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// ErrIdempotencyMismatch: a command id (an idempotency key) was used again
// for a different request.
var ErrIdempotencyMismatch = errors.New("eventstore: idempotency key reused for a different request")

// maxConflicts bounds how often a command is decided again after losing an
// optimistic-concurrency race.
const maxConflicts = 8

// Decision decides a command against an aggregate's history: the events to
// append, none (nothing to do), or an error (the command is refused).
type Decision func(h History) ([]Pending, error)

// Command is a decision to take on one aggregate.
type Command struct {
	AggregateType string
	AggregateID   string
	Meta          Metadata
	Decide        Decision
}

// Result is what a command did.
type Result struct {
	Events    []Event // the command's events as stored
	Duplicate bool    // the command had been stored before; nothing new was appended
	LastSeq   uint64  // the aggregate's last stream sequence after the command
}

// Execute loads the aggregate (or takes the history it remembers from the
// last command on it), decides, and appends with the expected sequence;
// when another writer got there first it loads and decides again. A
// decision on a remembered history that refuses or appends nothing is
// taken again on the log's: no append checked it.
// A command whose id is already in the aggregate's history is not applied
// again: its earlier events are returned.
func (l *Log) Execute(ctx context.Context, cmd Command) (Result, error) {
	if !l.Connected() {
		// Answer at once rather than wait for a log that is not there.
		return Result{}, fmt.Errorf("%w: not connected to NATS", ErrUnavailable)
	}
	reread := false // the remembered history decided nothing: read the log
	for attempt := range maxConflicts {
		if attempt > 0 && !reread {
			// Back off a little, at random, so racing writers spread out.
			select {
			case <-ctx.Done():
				return Result{}, fmt.Errorf("%w: %w", ErrConflict, ctx.Err())
			case <-time.After(time.Duration(rand.Int64N(int64(attempt) * int64(2*time.Millisecond)))):
			}
		}
		key := historyKey(cmd.AggregateType, cmd.AggregateID)
		h, known := l.recent.get(key)
		remembered := known && attempt == 0
		if !remembered {
			reread = false
			var err error
			if h, err = l.Load(ctx, cmd.AggregateType, cmd.AggregateID); err != nil {
				return Result{}, err
			}
			l.recent.put(key, h)
		}
		if prior := eventsOfCommand(h, cmd.Meta.CommandID); len(prior) > 0 {
			return duplicateResult(prior, cmd.Meta, h.LastSeq)
		}
		pending, err := cmd.Decide(h)
		if remembered && (err != nil || len(pending) == 0) {
			// Only an append checks a remembered history: a refusal or
			// nothing to do may come from what another replica appended
			// since, so it is decided again on the log's.
			reread = true
			continue
		}
		if err != nil {
			return Result{}, err
		}
		if len(pending) == 0 {
			return Result{LastSeq: h.LastSeq}, nil
		}
		events, duplicate, err := l.Append(ctx, cmd.AggregateType, cmd.AggregateID, h.LastSeq, len(h.Events), cmd.Meta, pending)
		if errors.Is(err, ErrConflict) {
			l.recent.drop(key)
			continue
		}
		if err != nil {
			l.recent.drop(key) // the outcome may be unknown: read the log next time
			return Result{}, err
		}
		last := events[len(events)-1]
		if duplicate {
			l.recent.drop(key)
			return duplicateResult(events, cmd.Meta, last.Seq)
		}
		l.recent.put(key, History{Events: append(h.Events, events...), LastSeq: last.Seq})
		return Result{Events: events, LastSeq: last.Seq}, nil
	}
	return Result{}, fmt.Errorf("%w: %s %s changed %d times while deciding", ErrConflict, cmd.AggregateType, cmd.AggregateID, maxConflicts)
}

func duplicateResult(prior []Event, meta Metadata, lastSeq uint64) (Result, error) {
	if meta.RequestHash != "" && prior[0].Meta.RequestHash != "" && prior[0].Meta.RequestHash != meta.RequestHash {
		return Result{}, ErrIdempotencyMismatch
	}
	return Result{Events: prior, Duplicate: true, LastSeq: lastSeq}, nil
}

func eventsOfCommand(h History, commandID string) []Event {
	var out []Event
	for _, e := range h.Events {
		if e.Meta.CommandID == commandID {
			out = append(out, e)
		}
	}
	return out
}
