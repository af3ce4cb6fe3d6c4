package eventstore

import (
	"fmt"
	"sync"
)

// Upcasting: an event type whose payload changes shape gets a new schema
// version (the Wp-Schema header, Event.SchemaVersion), and the log and the
// archive keep every stored event as it was written. What reads events for
// the domain (Log.Load for the commands, ReadArchive and ReadAggregate for
// the projections and views, the archiver for the inline projections) gets
// them at the current version: each step of an event type's chain turns
// version v into v+1, and the steps run in turn until none applies. The
// hash chain and watchpost verify cover the stored bytes, never the
// upcast ones, so adding a step changes nothing stored.
//
// The rules for a step: it only adds (a new field with the value the old
// shape meant, a renamed field under its new name); it is a pure function
// of the payload; it is never changed once released (a later change is a
// step of its own).

// UpcastStep turns a payload of one schema version into the next. It is
// a plain function type, so domain packages (standard library only) can
// write their tables without importing this package.
type UpcastStep = func(data []byte) ([]byte, error)

// Upcasters are one aggregate type's steps: Upcasters[eventType][v] turns
// version v into v+1.
type Upcasters map[string]map[int]UpcastStep

var (
	upcastMu sync.RWMutex
	upcasts  = map[string]Upcasters{} // by aggregate type
)

// RegisterUpcasters sets an aggregate type's steps (replacing any set
// before). Call it at start, before events are read: the application
// registers each domain package's table.
func RegisterUpcasters(aggregateType string, u Upcasters) {
	upcastMu.Lock()
	defer upcastMu.Unlock()
	if len(u) == 0 {
		delete(upcasts, aggregateType)
		return
	}
	upcasts[aggregateType] = u
}

// Upcast returns ev at its type's current schema version: the registered
// steps from its version on, in turn. An event no step applies to comes
// back as it is.
func Upcast(ev Event) (Event, error) {
	upcastMu.RLock()
	steps := upcasts[ev.AggregateType][ev.Type]
	upcastMu.RUnlock()
	for {
		step, ok := steps[ev.SchemaVersion]
		if !ok {
			return ev, nil
		}
		data, err := step(ev.Data)
		if err != nil {
			return ev, fmt.Errorf("eventstore: upcast %s %d (%s %s) from version %d: %w",
				ev.Type, ev.Seq, ev.AggregateType, ev.AggregateID, ev.SchemaVersion, err)
		}
		ev.Data, ev.SchemaVersion = data, ev.SchemaVersion+1
	}
}

// upcastAll upcasts events in place.
func upcastAll(events []Event) error {
	for i := range events {
		up, err := Upcast(events[i])
		if err != nil {
			return err
		}
		events[i] = up
	}
	return nil
}
