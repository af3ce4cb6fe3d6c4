package eventstore

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
)

// VerifyReport is the outcome of checking the archive.
type VerifyReport struct {
	Events        uint64 // archived events checked
	StreamChecked bool   // whether each was also compared with the stream
	// Mismatch names the first event that does not match; empty when all
	// do.
	Mismatch    string
	MismatchSeq uint64
}

// Verify recomputes the archive's hash chain from its rows and, when log is
// not nil, compares every archived event with the message the stream holds
// at the same sequence. It stops at the first event that does not match.
func Verify(ctx context.Context, pool *pgxpool.Pool, log *Log) (VerifyReport, error) {
	var rep VerifyReport
	var stream *streamReader
	if log != nil {
		var err error
		if stream, err = newStreamReader(ctx, log); err != nil {
			return rep, err
		}
		defer stream.close()
		rep.StreamChecked = true
	}
	fail := func(seq uint64, format string, args ...any) (VerifyReport, error) {
		rep.MismatchSeq = seq
		rep.Mismatch = fmt.Sprintf("sequence %d: ", seq) + fmt.Sprintf(format, args...)
		return rep, nil
	}
	prev := []byte{}
	var after uint64
	for {
		rows, err := readChain(ctx, pool, after, 5000)
		if err != nil {
			return rep, err
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			if r.Seq != after+1 {
				return fail(after+1, "missing from the archive (next archived is %d)", r.Seq)
			}
			if !bytes.Equal(r.prevHash, prev) {
				return fail(r.Seq, "its previous-hash %s does not match the hash %s of sequence %d", short(r.prevHash), short(prev), after)
			}
			if h := ChainHash(prev, r.Event, r.meta); !bytes.Equal(h, r.hash) {
				return fail(r.Seq, "content does not match its hash (stored %s, recomputed %s): the row was altered", short(r.hash), short(h))
			}
			if stream != nil {
				msg, err := stream.next(ctx)
				if err != nil {
					return rep, err
				}
				if msg.Seq != r.Seq {
					return fail(r.Seq, "the stream has sequence %d here", msg.Seq)
				}
				if h := ChainHash(prev, msg, metadataJSON(msg.Meta)); !bytes.Equal(h, r.hash) {
					return fail(r.Seq, "the archived event differs from the stream's message (%s %s %s)", msg.AggregateType, msg.AggregateID, msg.Type)
				}
			}
			prev, after = r.hash, r.Seq
			rep.Events++
		}
	}
	var stateSeq int64
	var stateHash []byte
	if err := pool.QueryRow(ctx, `SELECT seq, hash FROM archive_state`).Scan(&stateSeq, &stateHash); err != nil {
		return rep, fmt.Errorf("eventstore: verify: %w", err)
	}
	if uint64(stateSeq) != after || !bytes.Equal(stateHash, prev) {
		return fail(uint64(stateSeq), "the archive position (%d, %s) does not match the last archived event (%d, %s)",
			stateSeq, short(stateHash), after, short(prev))
	}
	return rep, nil
}

func short(h []byte) string {
	if len(h) == 0 {
		return "(none)"
	}
	return hex.EncodeToString(h[:min(len(h), 8)])
}

// chainRow is an archived event with its hashes and stored metadata bytes.
type chainRow struct {
	Event
	meta     []byte
	prevHash []byte
	hash     []byte
}

func readChain(ctx context.Context, pool *pgxpool.Pool, after uint64, limit int) ([]chainRow, error) {
	rows, err := pool.Query(ctx, `SELECT seq, aggregate_type, aggregate_id, version, event_type, schema_version,
			event_id::text, command_id, data::text, metadata::text, occurred_at, recorded_at, prev_hash, hash
		FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, int64(after), limit)
	if err != nil {
		return nil, fmt.Errorf("eventstore: verify: %w", err)
	}
	defer rows.Close()
	var out []chainRow
	for rows.Next() {
		var (
			r          chainRow
			seq        int64
			data, meta string
			occ, rec   time.Time
		)
		if err := rows.Scan(&seq, &r.AggregateType, &r.AggregateID, &r.Version, &r.Type, &r.SchemaVersion, &r.ID,
			&r.Meta.CommandID, &data, &meta, &occ, &rec, &r.prevHash, &r.hash); err != nil {
			return nil, fmt.Errorf("eventstore: verify: %w", err)
		}
		r.Seq, r.Data, r.meta, r.OccurredAt, r.RecordedAt = uint64(seq), []byte(data), []byte(meta), occ, rec
		out = append(out, r)
	}
	return out, rows.Err()
}

// streamReader reads the stream in order without a durable consumer.
type streamReader struct {
	it jetstream.MessagesContext
}

func newStreamReader(ctx context.Context, log *Log) (*streamReader, error) {
	c, err := log.js.OrderedConsumer(ctx, log.cfg.Stream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return nil, fmt.Errorf("%w: read the stream: %w", ErrUnavailable, err)
	}
	it, err := c.Messages()
	if err != nil {
		return nil, fmt.Errorf("%w: read the stream: %w", ErrUnavailable, err)
	}
	return &streamReader{it: it}, nil
}

func (s *streamReader) next(ctx context.Context) (Event, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	m, err := s.it.Next(jetstream.NextContext(ctx))
	if errors.Is(err, context.DeadlineExceeded) {
		return Event{}, errors.New("eventstore: verify: the stream ends before the archive does")
	}
	if err != nil {
		return Event{}, fmt.Errorf("%w: read the stream: %w", ErrUnavailable, err)
	}
	md, err := m.Metadata()
	if err != nil {
		return Event{}, err
	}
	return decodeMessage(m.Subject(), md.Sequence.Stream, md.Timestamp, m.Headers(), m.Data())
}

func (s *streamReader) close() { s.it.Stop() }
