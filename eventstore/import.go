package eventstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"
)

// NewAggregate is an aggregate to import with its first events.
type NewAggregate struct {
	Type, ID string
	Meta     Metadata
	Events   []Pending
}

// importBatch is how many messages one atomic batch of an import holds at
// most (the server's limit is 1000).
const importBatch = 500

// Import appends new aggregates in atomic batches: many aggregates share one
// acknowledgement (and one disk sync), so loading existing records, or a
// benchmark's data, goes an order of magnitude faster than command by
// command. Each aggregate must be new: its first message expects an empty
// aggregate, and a batch with one that exists is refused whole.
func (l *Log) Import(ctx context.Context, aggs []NewAggregate) (int, error) {
	var (
		msgs     []*nats.Msg
		imported int
	)
	flush := func() error {
		if len(msgs) == 0 {
			return nil
		}
		if _, err := jetstreamext.PublishMsgBatch(ctx, l.js, msgs); err != nil {
			return fmt.Errorf("eventstore: import: %w", err)
		}
		imported += len(msgs)
		msgs = msgs[:0]
		return nil
	}
	for _, a := range aggs {
		if !ValidToken(a.Type) || !ValidToken(a.ID) || len(a.Events) == 0 || a.Meta.CommandID == "" {
			return imported, errors.New("eventstore: import: an aggregate needs a valid type and id, events and a command id")
		}
		if len(msgs)+len(a.Events) > importBatch {
			if err := flush(); err != nil {
				return imported, err
			}
		}
		for i, p := range a.Events {
			eid, err := uuid.NewV7()
			if err != nil {
				return imported, err
			}
			m := encodeMessage(Event{AggregateType: a.Type, AggregateID: a.ID, Version: i + 1, Type: p.Type,
				SchemaVersion: p.SchemaVersion, ID: eid.String(), Data: p.Data, Meta: a.Meta, OccurredAt: p.OccurredAt.UTC()}, i)
			if i == 0 {
				m.Header.Set(jetstream.ExpectedLastSubjSeqHeader, "0")
			}
			msgs = append(msgs, m)
		}
	}
	return imported, flush()
}
