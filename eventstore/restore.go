package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"
)

// HeaderRecordedAt carries, on a message republished from the archive, the
// time the log first recorded the event. The stream stamps every message
// with the time it stores it, so a restored stream would otherwise differ
// from the archive in every event's recorded time (and the hash chain, which
// covers it, would not verify). When present it is the event's RecordedAt.
const HeaderRecordedAt = "Wp-Recorded-At"

// restoreBatch is how many messages one atomic batch of a restore holds (the
// server's limit is 1000).
const restoreBatch = 500

// RestoreReport says what a restore did.
type RestoreReport struct {
	Events   uint64        // events republished
	LastSeq  uint64        // the stream's last sequence afterwards
	Took     time.Duration // publishing, not counting the verification
	Verified VerifyReport  // the archive checked against the restored stream
}

// ErrStreamNotEmpty: a restore needs an empty stream; the one there holds
// messages.
var ErrStreamNotEmpty = errors.New("eventstore: the stream is not empty")

// Restore republishes the archive into the log's stream, which must be
// empty (lost and created again): every event in order, each at its
// original sequence (the first message of each atomic batch expects the
// stream's last sequence to be the one before it, so nothing lands
// anywhere else), on its original subject, with its original headers and
// message id, and with the time the log first recorded it. Then it checks
// the archive against the restored stream (Verify). Stop every replica
// first: a command appended meanwhile takes a sequence the restore needs,
// and the restore stops there.
//
// Events the stream had acknowledged but the archive had not copied yet
// when the stream was lost are not in the archive, and are not restored.
func Restore(ctx context.Context, pool *pgxpool.Pool, log *Log, progress func(done uint64)) (RestoreReport, error) {
	var rep RestoreReport
	info, err := log.stream.Info(ctx)
	if err != nil {
		return rep, fmt.Errorf("%w: stream info: %w", ErrUnavailable, err)
	}
	var archived int64
	if err := pool.QueryRow(ctx, `SELECT seq FROM archive_state`).Scan(&archived); err != nil {
		return rep, Database("eventstore: restore: archive position", err)
	}
	after, err := restoredSoFar(ctx, pool, log, info.State, uint64(archived))
	if err != nil {
		return rep, err
	}
	// The index of an event within its command: its message id is the
	// command id and that index, as when it was appended.
	lastCommand, lastAggregate, index, err := commandAt(ctx, pool, after)
	if err != nil {
		return rep, err
	}
	start := time.Now()
	for after < uint64(archived) {
		// The stored bytes, as verify reads them: never upcast.
		rows, err := readChain(ctx, pool, after, restoreBatch)
		if err != nil {
			return rep, err
		}
		var events []Event
		for _, r := range rows {
			if r.Seq > uint64(archived) {
				break
			}
			ev := r.Event
			ev.OccurredAt, ev.RecordedAt = ev.OccurredAt.UTC(), ev.RecordedAt.UTC()
			if err := json.Unmarshal(r.meta, &ev.Meta); err != nil {
				return rep, fmt.Errorf("eventstore: restore: archived event %d: metadata: %w", r.Seq, err)
			}
			events = append(events, ev)
		}
		if len(events) == 0 {
			return rep, fmt.Errorf("eventstore: restore: the archive position is %d but the archive ends at %d", archived, after)
		}
		msgs := make([]*nats.Msg, len(events))
		for i, ev := range events {
			if ev.Seq != after+uint64(i)+1 {
				return rep, fmt.Errorf("eventstore: restore: the archive has no sequence %d (next is %d): run watchpost verify", after+uint64(i)+1, ev.Seq)
			}
			key := ev.AggregateType + "." + ev.AggregateID
			if ev.Meta.CommandID == lastCommand && key == lastAggregate {
				index++
			} else {
				lastCommand, lastAggregate, index = ev.Meta.CommandID, key, 0
			}
			m := encodeMessage(ev, index)
			m.Header.Set(HeaderRecordedAt, archiveTime(ev.RecordedAt).Format(time.RFC3339Nano))
			msgs[i] = m
		}
		msgs[0].Header.Set(jetstream.ExpectedLastSeqHeader, strconv.FormatUint(after, 10))
		last := events[len(events)-1].Seq
		if err := publishRestored(ctx, log, msgs, last); err != nil {
			return rep, fmt.Errorf("eventstore: restore sequences %d..%d: %w", after+1, last, err)
		}
		after = last
		rep.Events += uint64(len(events))
		if progress != nil {
			progress(after)
		}
	}
	rep.Took = time.Since(start)
	if rep.LastSeq, err = log.LastSeq(ctx); err != nil {
		return rep, err
	}
	if rep.LastSeq != after {
		return rep, fmt.Errorf("eventstore: restore: the stream ends at %d after republishing up to %d", rep.LastSeq, after)
	}
	rep.Verified, err = Verify(ctx, pool, log)
	return rep, err
}

// commandAt is the command of the archived event at seq, its aggregate, and
// the event's index among the command's events (nothing at 0).
func commandAt(ctx context.Context, pool *pgxpool.Pool, seq uint64) (command, aggregate string, index int, err error) {
	if seq == 0 {
		return "", "", 0, nil
	}
	var n int
	err = pool.QueryRow(ctx, `WITH e AS (SELECT command_id, aggregate_type, aggregate_id FROM events WHERE seq = $1)
		SELECT e.command_id, e.aggregate_type || '.' || e.aggregate_id,
			(SELECT count(*) FROM events x WHERE x.seq <= $1 AND x.seq > coalesce((SELECT max(y.seq) FROM events y
				WHERE y.seq <= $1 AND (y.command_id, y.aggregate_type, y.aggregate_id) IS DISTINCT FROM (e.command_id, e.aggregate_type, e.aggregate_id)), 0))
		FROM e`, int64(seq)).Scan(&command, &aggregate, &n)
	if err != nil {
		return "", "", 0, Database("eventstore: restore", err)
	}
	return command, aggregate, n - 1, nil
}

// restoredSoFar is where a restore starts: 0 in an empty stream, or the
// stream's last sequence when the stream holds exactly a beginning of the
// archive (a restore that was interrupted: its last message is the
// archive's event at that sequence, and no sequence is missing). Anything
// else is refused.
func restoredSoFar(ctx context.Context, pool *pgxpool.Pool, log *Log, st jetstream.StreamState, archived uint64) (uint64, error) {
	if st.LastSeq == 0 && st.Msgs == 0 {
		return 0, nil
	}
	refuse := func(why string) (uint64, error) {
		return 0, fmt.Errorf("%w: %s holds %d messages up to sequence %d, %s; a restore republishes the archive into an empty stream (remove this one first, e.g. nats stream rm %s)",
			ErrStreamNotEmpty, log.cfg.Stream, st.Msgs, st.LastSeq, why, log.cfg.Stream)
	}
	if st.LastSeq > archived || st.Msgs != st.LastSeq || st.FirstSeq != 1 {
		return refuse("which is not a beginning of the archive")
	}
	msg, err := log.stream.GetMsg(ctx, st.LastSeq)
	if err != nil {
		return 0, fmt.Errorf("%w: get sequence %d: %w", ErrUnavailable, st.LastSeq, err)
	}
	ev, err := decodeMessage(msg.Subject, msg.Sequence, msg.Time, msg.Header, msg.Data)
	if err != nil {
		return refuse(err.Error())
	}
	var prev, hash []byte
	if err := pool.QueryRow(ctx, `SELECT prev_hash, hash FROM events WHERE seq = $1`, int64(st.LastSeq)).Scan(&prev, &hash); err != nil {
		return 0, Database("eventstore: restore", err)
	}
	if string(ChainHash(prev, ev, metadataJSON(ev.Meta))) != string(hash) {
		return refuse("whose last message is not the archive's event at that sequence")
	}
	return st.LastSeq, nil
}

// publishRestored publishes one batch and checks it landed where the archive
// says: one message, or an atomic batch, whose last sequence is last.
func publishRestored(ctx context.Context, log *Log, msgs []*nats.Msg, last uint64) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var seq uint64
	if len(msgs) == 1 {
		ack, err := log.js.PublishMsg(ctx, msgs[0])
		if err != nil {
			return err
		}
		if ack.Duplicate {
			return fmt.Errorf("the stream took message id %s for a duplicate of an earlier one", msgs[0].Header.Get(jetstream.MsgIDHeader))
		}
		seq = ack.Sequence
	} else {
		ack, err := jetstreamext.PublishMsgBatch(ctx, log.js, msgs)
		if err != nil {
			return err
		}
		seq = ack.Sequence
	}
	if seq != last {
		return fmt.Errorf("the stream stored the batch ending at sequence %d, not %d", seq, last)
	}
	return nil
}
