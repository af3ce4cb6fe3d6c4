package eventstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/synadia-io/orbit.go/jetstreamext"
)

// SubjectRoot is the first token of every event subject:
// <root>.<aggregate type>.<aggregate id>. One subject per aggregate (the
// event type is a header): reading an aggregate, and the optimistic
// concurrency check, then use the server's per-subject index, which stays
// fast with millions of aggregates (a wildcard per aggregate makes the
// server scan the stream).
const SubjectRoot = "evt"

// Header names of the envelope. The payload is the message body.
const (
	HeaderType        = "Wp-Type"
	HeaderSchema      = "Wp-Schema"
	HeaderEventID     = "Wp-Event-Id"
	HeaderVersion     = "Wp-Version"
	HeaderOccurredAt  = "Wp-Occurred-At"
	HeaderActor       = "Wp-Actor"
	HeaderActorRole   = "Wp-Actor-Role"
	HeaderCommandID   = "Wp-Command-Id"
	HeaderCorrelation = "Wp-Correlation-Id"
	HeaderCausation   = "Wp-Causation-Id"
	HeaderRequestHash = "Wp-Request-Hash"
)

// LogConfig describes the stream.
type LogConfig struct {
	Stream     string        // stream name; default "WATCHPOST"
	Replicas   int           // 1 for a single server, 3 for a cluster
	Duplicates time.Duration // dedup window; at least 10 minutes
	// AttemptTimeout bounds one publish attempt; RetryFor bounds the retries
	// of an append whose outcome is unknown.
	AttemptTimeout time.Duration
	RetryFor       time.Duration
	// StartupWait bounds how long OpenLog waits for JetStream to become
	// available (a cluster still electing its leaders); default 1 minute.
	StartupWait time.Duration
}

func (c LogConfig) withDefaults() LogConfig {
	if c.Stream == "" {
		c.Stream = "WATCHPOST"
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.Duplicates < 10*time.Minute {
		c.Duplicates = 15 * time.Minute
	}
	if c.AttemptTimeout == 0 {
		c.AttemptTimeout = 2 * time.Second
	}
	if c.RetryFor == 0 {
		c.RetryFor = 10 * time.Second
	}
	if c.StartupWait == 0 {
		c.StartupWait = time.Minute
	}
	return c
}

// Log is the JetStream stream that holds every domain event.
type Log struct {
	js     jetstream.JetStream
	stream jetstream.Stream
	direct *directGetter
	cfg    LogConfig
	logger *slog.Logger
	recent *histories // the histories worked on last

	appendLatency *prometheus.HistogramVec
}

// OpenLog makes sure the stream exists with the right settings and returns
// the log. reg receives the log's metrics.
func OpenLog(ctx context.Context, nc *nats.Conn, cfg LogConfig, logger *slog.Logger, reg prometheus.Registerer) (*Log, error) {
	cfg = cfg.withDefaults()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("eventstore: jetstream: %w", err)
	}
	st, err := openStream(ctx, js, cfg, logger)
	if err != nil {
		return nil, err
	}
	l := &Log{
		js: js, stream: st, cfg: cfg, logger: logger, direct: newDirectGetter(nc, cfg.Stream), recent: newHistories(maxRemembered),
		appendLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "watchpost_append_duration_seconds",
			Help:    "Time to append a command's events to the log, by outcome.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"outcome"}),
	}
	if reg != nil {
		if err := reg.Register(l.appendLatency); err != nil {
			return nil, fmt.Errorf("eventstore: register metrics: %w", err)
		}
	}
	return l, nil
}

// openStream creates or updates the stream and waits until it has a
// leader, retrying while JetStream is not yet available (a cluster that is
// still forming, a stream leader being elected) for at most
// cfg.StartupWait.
func openStream(ctx context.Context, js jetstream.JetStream, cfg LogConfig, logger *slog.Logger) (jetstream.Stream, error) {
	sc := jetstream.StreamConfig{
		Name:        cfg.Stream,
		Description: "Watchpost domain events, one subject per aggregate",
		Subjects:    []string{SubjectRoot + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardNew,
		Replicas:    cfg.Replicas,
		Duplicates:  cfg.Duplicates,
		AllowDirect: true,
		// Events are immutable: no deletes, no purges, no rollups.
		DenyDelete:         true,
		DenyPurge:          true,
		AllowAtomicPublish: true,
	}
	deadline := time.Now().Add(cfg.StartupWait)
	pause := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		st, err := tryOpenStream(ctx, js, sc)
		if err == nil {
			return st, nil
		}
		if !startupTransient(err) || time.Now().Add(pause).After(deadline) {
			return nil, fmt.Errorf("eventstore: create stream %s: %w", cfg.Stream, err)
		}
		if logger != nil {
			logger.Warn("waiting for JetStream", "stream", cfg.Stream, "attempt", attempt, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("eventstore: create stream %s: %w (last error: %w)", cfg.Stream, ctx.Err(), err)
		case <-time.After(pause):
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// errNoStreamLeader reports a replicated stream that has no leader yet.
var errNoStreamLeader = errors.New("the stream has no leader yet")

func tryOpenStream(ctx context.Context, js jetstream.JetStream, sc jetstream.StreamConfig) (jetstream.Stream, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := js.CreateOrUpdateStream(ctx, sc)
	if err != nil {
		return nil, err
	}
	// The answer to the create or update carries the stream's state.
	if info := st.CachedInfo(); info.Cluster != nil && sc.Replicas > 1 && info.Cluster.Leader == "" {
		return nil, errNoStreamLeader
	}
	return st, nil
}

// startupTransient tells the errors of a JetStream that is not available
// yet from those that waiting does not cure (a stream configured
// differently, bad credentials).
func startupTransient(err error) bool {
	if errors.Is(err, errNoStreamLeader) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, nats.ErrTimeout) || errors.Is(err, nats.ErrNoResponders) ||
		errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, nats.ErrConnectionReconnecting) ||
		errors.Is(err, nats.ErrDisconnected) {
		return true
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode {
		case 10005, // no suitable peers for placement (peers not yet known)
			10008, // JetStream system temporarily unavailable
			10009, // cluster can not handle the request (no meta leader)
			10023, // insufficient resources (peers not yet known)
			10118: // stream is offline
			return true
		}
	}
	return false
}

// Connected reports whether the connection to NATS is up.
func (l *Log) Connected() bool { return l.js.Conn().IsConnected() }

// disconnectedBudget bounds the retries of an append while the connection
// is down: the outcome is reported as unknown quickly, and the client
// resends with the same id once the log is back.
const disconnectedBudget = 2 * time.Second

// StreamName is the name of the stream.
func (l *Log) StreamName() string { return l.cfg.Stream }

// JetStream exposes the JetStream context for the archiver and tools.
func (l *Log) JetStream() jetstream.JetStream { return l.js }

// LastSeq is the stream's last sequence.
func (l *Log) LastSeq(ctx context.Context) (uint64, error) {
	info, err := l.stream.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("%w: stream info: %w", ErrUnavailable, err)
	}
	return info.State.LastSeq, nil
}

// Holds reports whether the stream holds the message with sequence seq.
func (l *Log) Holds(ctx context.Context, seq uint64) (bool, error) {
	_, err := l.stream.GetMsg(ctx, seq)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, jetstream.ErrMsgNotFound):
		return false, nil
	default:
		return false, fmt.Errorf("%w: get sequence %d: %w", ErrUnavailable, seq, err)
	}
}

// Subject is the subject of an aggregate's events.
func Subject(aggType, id string) string {
	return SubjectRoot + "." + aggType + "." + id
}

// ValidToken reports whether s can be used as a subject token (an aggregate
// type or id, an event type).
func ValidToken(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// History is what the log holds of one aggregate.
type History struct {
	Events  []Event
	LastSeq uint64 // stream sequence of the last event; 0 for a new aggregate
}

// Load reads one aggregate's history with direct gets (no consumer is
// created).
func (l *Log) Load(ctx context.Context, aggType, id string) (History, error) {
	if !ValidToken(aggType) || !ValidToken(id) {
		return History{}, fmt.Errorf("eventstore: invalid aggregate %q/%q", aggType, id)
	}
	const batch = 500
	var h History
	next := uint64(1)
	for {
		msgs, err := l.direct.getBatch(ctx, Subject(aggType, id), next, batch)
		if err != nil {
			return History{}, fmt.Errorf("%w: load %s %s: %w", ErrUnavailable, aggType, id, err)
		}
		for _, msg := range msgs {
			ev, err := decodeMessage(msg.Subject, msg.Sequence, msg.Time, msg.Header, msg.Data)
			if err != nil {
				return History{}, err
			}
			h.LastSeq = ev.Seq
			if ev, err = Upcast(ev); err != nil {
				return History{}, err
			}
			h.Events = append(h.Events, ev)
		}
		if len(msgs) < batch {
			return h, nil
		}
		next = h.LastSeq + 1
	}
}

// Append appends events to an aggregate whose last event has stream
// sequence expected (0 for a new aggregate) and version baseVersion. One
// event is a plain publish; several are one atomic batch, so a command's
// events are stored all or none. Message ids derive from meta.CommandID, so
// resending the same command is stored once.
//
// It returns the events as stored (duplicate: an earlier append of the same
// command id was found by the log's dedup window, and these are its events),
// ErrConflict when the aggregate moved on
// (which, after a retried attempt, may mean the command was stored: reload
// and look for its command id), or ErrUnknownOutcome when the log did not
// answer within the retry budget.
func (l *Log) Append(ctx context.Context, aggType, id string, expected uint64, baseVersion int, meta Metadata, pending []Pending) (stored []Event, duplicate bool, err error) {
	if len(pending) == 0 {
		return nil, false, nil
	}
	if meta.CommandID == "" {
		return nil, false, errors.New("eventstore: append without a command id")
	}
	if !ValidToken(aggType) || !ValidToken(id) {
		return nil, false, fmt.Errorf("eventstore: invalid aggregate %q/%q", aggType, id)
	}
	events := make([]Event, len(pending))
	for i, p := range pending {
		if !ValidToken(p.Type) {
			return nil, false, fmt.Errorf("eventstore: invalid event type %q", p.Type)
		}
		eid, err := uuid.NewV7()
		if err != nil {
			return nil, false, fmt.Errorf("eventstore: event id: %w", err)
		}
		events[i] = Event{
			AggregateType: aggType, AggregateID: id, Version: baseVersion + i + 1,
			Type: p.Type, SchemaVersion: p.SchemaVersion, ID: eid.String(),
			Data: p.Data, Meta: meta, OccurredAt: p.OccurredAt.UTC(),
		}
	}

	start := time.Now()
	lastSeq, dup, err := l.publishWithRetry(ctx, aggType, id, expected, events)
	outcome := "ok"
	switch {
	case errors.Is(err, ErrConflict):
		outcome = "conflict"
	case errors.Is(err, ErrUnknownOutcome):
		outcome = "unknown"
	case err != nil:
		outcome = "error"
	}
	l.appendLatency.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	if err != nil {
		return nil, false, err
	}
	if dup {
		// The log already held this command's message (an earlier attempt,
		// or the same idempotency key on another request): answer with what
		// it stored, not with what this call would have stored.
		stored, err := l.readBack(ctx, lastSeq)
		return stored, true, err
	}
	first := lastSeq - uint64(len(events)) + 1
	for i := range events {
		events[i].Seq = first + uint64(i)
	}
	return events, false, nil
}

// readBack returns the events of the command whose last message is at seq.
func (l *Log) readBack(ctx context.Context, seq uint64) ([]Event, error) {
	msg, err := l.stream.GetMsg(ctx, seq)
	if err != nil {
		return nil, fmt.Errorf("%w: read back sequence %d: %w", ErrUnavailable, seq, err)
	}
	ev, err := decodeMessage(msg.Subject, msg.Sequence, msg.Time, msg.Header, msg.Data)
	if err != nil {
		return nil, err
	}
	return []Event{ev}, nil
}

func (l *Log) publishWithRetry(ctx context.Context, aggType, id string, expected uint64, events []Event) (seq uint64, duplicate bool, err error) {
	deadline := time.Now().Add(l.cfg.RetryFor)
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		seq, duplicate, err := l.publish(ctx, aggType, id, expected, events)
		if err == nil {
			return seq, duplicate, nil
		}
		if ae := apiError(err); ae != nil {
			switch ae.ErrorCode {
			case jetstream.JSErrCodeStreamWrongLastSequence, jetstream.JSErrCodeStreamWrongLastSequenceConstant,
				jetstreamext.JSErrCodeBatchPublishDuplicateMsgID:
				return 0, false, fmt.Errorf("%w (%s %s, expected sequence %d): %w", ErrConflict, aggType, id, expected, err)
			case 10158, // duplicate message id still in flight (replicated streams)
				jetstreamext.JSErrCodeAtomicPublishTooManyInflight, jetstreamext.JSErrCodeBatchPublishTooManyInflight:
				// transient: retry below
			default:
				// The server answered and refused: nothing was stored.
				return 0, false, fmt.Errorf("eventstore: append to %s %s refused: %w", aggType, id, err)
			}
		}
		// No answer, or a transient refusal: the publish may or may not have
		// been stored. Resend the same messages (same ids, same expectation).
		if d := time.Now().Add(disconnectedBudget); !l.Connected() && d.Before(deadline) {
			deadline = d
		}
		if ctx.Err() != nil || time.Now().Add(backoff).After(deadline) {
			return 0, false, fmt.Errorf("%w after %d attempts (%s %s): %w", ErrUnknownOutcome, attempt, aggType, id, err)
		}
		l.logger.WarnContext(ctx, "append attempt failed, retrying with the same message ids",
			"aggregate", aggType, "id", id, "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return 0, false, fmt.Errorf("%w (%s %s): %w", ErrUnknownOutcome, aggType, id, ctx.Err())
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, time.Second)
	}
}

func (l *Log) publish(ctx context.Context, aggType, id string, expected uint64, events []Event) (seq uint64, duplicate bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.AttemptTimeout)
	defer cancel()
	msgs := make([]*nats.Msg, len(events))
	for i, ev := range events {
		msgs[i] = encodeMessage(ev, i)
	}
	msgs[0].Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(expected, 10))
	if len(msgs) == 1 {
		ack, err := l.js.PublishMsg(ctx, msgs[0])
		if err != nil {
			return 0, false, err
		}
		return ack.Sequence, ack.Duplicate, nil
	}
	ack, err := jetstreamext.PublishMsgBatch(ctx, l.js, msgs)
	if err != nil {
		return 0, false, err
	}
	return ack.Sequence, false, nil
}

// msgID is the dedup id of the i-th event of a command.
func msgID(commandID string, i int) string {
	return commandID + ":" + strconv.Itoa(i+1)
}

func encodeMessage(ev Event, i int) *nats.Msg {
	m := nats.NewMsg(Subject(ev.AggregateType, ev.AggregateID))
	m.Data = ev.Data
	h := m.Header
	h.Set(jetstream.MsgIDHeader, msgID(ev.Meta.CommandID, i))
	h.Set(HeaderType, ev.Type)
	h.Set(HeaderSchema, strconv.Itoa(ev.SchemaVersion))
	h.Set(HeaderEventID, ev.ID)
	h.Set(HeaderVersion, strconv.Itoa(ev.Version))
	h.Set(HeaderOccurredAt, ev.OccurredAt.Format(time.RFC3339Nano))
	h.Set(HeaderActor, ev.Meta.Actor)
	h.Set(HeaderCommandID, ev.Meta.CommandID)
	for k, v := range map[string]string{
		HeaderActorRole:   ev.Meta.ActorRole,
		HeaderCorrelation: ev.Meta.CorrelationID,
		HeaderCausation:   ev.Meta.CausationID,
		HeaderRequestHash: ev.Meta.RequestHash,
	} {
		if v != "" {
			h.Set(k, v)
		}
	}
	return m
}

// decodeMessage turns a stored message back into an event.
func decodeMessage(subject string, seq uint64, recorded time.Time, h nats.Header, data []byte) (Event, error) {
	parts := strings.Split(subject, ".")
	if len(parts) != 3 || parts[0] != SubjectRoot {
		return Event{}, fmt.Errorf("eventstore: sequence %d: unexpected subject %q", seq, subject)
	}
	ev := Event{
		Seq: seq, AggregateType: parts[1], AggregateID: parts[2],
		Type: h.Get(HeaderType), ID: h.Get(HeaderEventID), Data: data, RecordedAt: recorded.UTC(),
		Meta: Metadata{
			Actor: h.Get(HeaderActor), ActorRole: h.Get(HeaderActorRole), CommandID: h.Get(HeaderCommandID),
			CorrelationID: h.Get(HeaderCorrelation), CausationID: h.Get(HeaderCausation), RequestHash: h.Get(HeaderRequestHash),
		},
	}
	var err error
	if !ValidToken(ev.Type) {
		return Event{}, fmt.Errorf("eventstore: sequence %d: event type %q", seq, ev.Type)
	}
	if ev.SchemaVersion, err = strconv.Atoi(h.Get(HeaderSchema)); err != nil {
		return Event{}, fmt.Errorf("eventstore: sequence %d: schema version: %w", seq, err)
	}
	if ev.Version, err = strconv.Atoi(h.Get(HeaderVersion)); err != nil {
		return Event{}, fmt.Errorf("eventstore: sequence %d: version: %w", seq, err)
	}
	if ev.OccurredAt, err = time.Parse(time.RFC3339Nano, h.Get(HeaderOccurredAt)); err != nil {
		return Event{}, fmt.Errorf("eventstore: sequence %d: occurred at: %w", seq, err)
	}
	if ev.ID == "" || ev.Meta.CommandID == "" {
		return Event{}, fmt.Errorf("eventstore: sequence %d: missing event or command id", seq)
	}
	if v := h.Get(HeaderRecordedAt); v != "" { // republished by Restore
		if ev.RecordedAt, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return Event{}, fmt.Errorf("eventstore: sequence %d: recorded at: %w", seq, err)
		}
		ev.RecordedAt = ev.RecordedAt.UTC()
	}
	return ev, nil
}

// apiError finds the JetStream API error in err's chain, if the server
// answered with one.
func apiError(err error) *jetstream.APIError {
	var ae *jetstream.APIError
	if errors.As(err, &ae) {
		return ae
	}
	var je jetstream.JetStreamError
	if errors.As(err, &je) {
		return je.APIError()
	}
	return nil
}
