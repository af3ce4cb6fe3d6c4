package eventstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
)

// Projector is an inline projection: it is applied to each batch of events
// in the archiver's transaction, so it is always exactly as far as the
// archive.
type Projector interface {
	Name() string
	Apply(ctx context.Context, tx pgx.Tx, events []Event) error
}

// ArchiverConfig tunes the archiver.
type ArchiverConfig struct {
	Consumer  string        // durable consumer name; default "archiver"
	BatchSize int           // events per transaction at most; default 500
	Standby   time.Duration // how often a standby replica tries to take over; default 1s
}

func (c ArchiverConfig) withDefaults() ArchiverConfig {
	if c.Consumer == "" {
		c.Consumer = "archiver"
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	if c.Standby <= 0 {
		c.Standby = time.Second
	}
	return c
}

// stalledAfter is how many interruptions in a row make the archiver count
// as not ready.
const stalledAfter = 3

// archiverLock is the advisory lock held by the one replica that archives.
const archiverLock = 0x77617463_68617263 // "watcharc"

// NotifyChannel is the PostgreSQL channel on which the archiver announces
// each archived position.
const NotifyChannel = "watchpost_archived"

// Roles of an archiver.
const (
	RoleStarting = "starting"
	RoleStandby  = "standby"
	RoleLeader   = "leader"
	RoleStopped  = "stopped"
)

// ErrArchiveStopped: the archiver met something it must not skip (a gap, a
// sequence that came again with other content, an event it cannot apply)
// and stopped. It needs an operator.
var ErrArchiveStopped = errors.New("eventstore: archiver stopped")

// errLostLeadership: another replica archived meanwhile.
var errLostLeadership = errors.New("eventstore: archiver lost leadership")

// Archiver copies the log into the PostgreSQL archive, in stream order, and
// applies the inline projections in the same transaction. Of several
// replicas, the one holding an advisory lock archives; the others stand by
// and take over when its database session ends.
type Archiver struct {
	log        *Log
	pool       *pgxpool.Pool
	projectors []Projector
	cfg        ArchiverConfig
	logger     *slog.Logger

	mu       sync.Mutex
	role     string
	stopErr  error
	failures int   // consecutive interruptions without progress
	lastErr  error // the latest interruption

	cancel context.CancelFunc
	done   chan struct{}

	// roles hears of every change of role (nil: nobody listens).
	roles chan<- string

	archived prometheus.Counter
	leader   prometheus.Gauge
	batches  prometheus.Histogram
}

// NewArchiver prepares an archiver; Start runs it.
func NewArchiver(log *Log, pool *pgxpool.Pool, projectors []Projector, cfg ArchiverConfig, logger *slog.Logger, reg prometheus.Registerer) (*Archiver, error) {
	a := &Archiver{
		log: log, pool: pool, projectors: projectors, cfg: cfg.withDefaults(), logger: logger, role: RoleStarting,
		archived: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "watchpost_archived_events_total", Help: "Events archived by this replica.",
		}),
		leader: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "watchpost_archiver_leader", Help: "1 while this replica is the archiving one.",
		}),
		batches: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "watchpost_archive_batch_events", Help: "Events per archive transaction.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 11),
		}),
	}
	if reg != nil {
		lag := lagCollector{a: a,
			events:  prometheus.NewDesc("watchpost_archive_lag_events", "Events in the log not yet in the archive.", nil, nil),
			seconds: prometheus.NewDesc("watchpost_archive_lag_seconds", "Age of the oldest event not yet in the archive.", nil, nil),
		}
		for _, c := range []prometheus.Collector{a.archived, a.leader, a.batches, lag} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("eventstore: register archiver metrics: %w", err)
			}
		}
	}
	return a, nil
}

// Start runs the archiver in the background until Stop.
func (a *Archiver) Start(ctx context.Context) {
	ctx, a.cancel = context.WithCancel(ctx)
	a.done = make(chan struct{})
	go func() {
		defer close(a.done)
		a.run(ctx)
	}()
}

// Stop ends the archiver and waits for it. A batch in flight is either
// committed or rolled back; nothing is acknowledged before it commits.
func (a *Archiver) Stop() {
	if a.cancel == nil {
		return
	}
	a.cancel()
	<-a.done
}

// Notify makes the archiver report each role it takes on ch, without ever
// waiting for the listener (a report that does not fit is dropped). Call it
// before Start; tests wait on it instead of polling.
func (a *Archiver) Notify(ch chan<- string) { a.roles = ch }

// Role says what the archiver is doing: starting, standby, leader or
// stopped; err says why it stopped.
func (a *Archiver) Role() (role string, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.role, a.stopErr
}

func (a *Archiver) setRole(role string, err error) {
	a.mu.Lock()
	changed := a.role != role
	a.role, a.stopErr = role, err
	a.mu.Unlock()
	if changed && a.roles != nil {
		select {
		case a.roles <- role:
		default:
		}
	}
	if role == RoleLeader {
		a.leader.Set(1)
	} else {
		a.leader.Set(0)
	}
}

func (a *Archiver) run(ctx context.Context) {
	for ctx.Err() == nil {
		err := a.lead(ctx)
		switch {
		case ctx.Err() != nil:
		case errors.Is(err, ErrArchiveStopped):
			return
		case err != nil:
			a.logger.Warn("archiver interrupted; retrying", "err", err)
			a.mu.Lock()
			a.failures++
			a.lastErr = err
			a.mu.Unlock()
		}
		if ctx.Err() == nil {
			a.setRole(RoleStandby, nil)
		}
		select {
		case <-ctx.Done():
		case <-time.After(a.cfg.Standby):
		}
	}
	a.setRole(RoleStandby, nil)
}

// lead tries to become the archiving replica and archives while it is. It
// returns nil when another replica holds the lead.
func (a *Archiver) lead(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, a.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("lock connection: %w", err)
	}
	defer conn.Close(context.Background())
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, int64(archiverLock)).Scan(&got); err != nil {
		return fmt.Errorf("advisory lock: %w", err)
	}
	if !got {
		return nil
	}
	leaderCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go watchSession(leaderCtx, cancel, conn)

	a.setRole(RoleLeader, nil)
	a.logger.Info("archiver took the lead")
	err = a.archive(leaderCtx)
	if errors.Is(err, ErrArchiveStopped) {
		a.setRole(RoleStopped, err)
		a.logger.Error("archiver stopped: operator action needed", "err", err)
		a.recordStop(err)
		<-ctx.Done() // keep the lock so no other replica runs into the same wall
		return err
	}
	return err
}

// watchSession cancels the lead when the session that holds the lock dies.
func watchSession(ctx context.Context, cancel context.CancelFunc, conn *pgx.Conn) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
			err := conn.Ping(pctx)
			pcancel()
			if err != nil && ctx.Err() == nil {
				cancel()
				return
			}
		}
	}
}

func (a *Archiver) recordStop(reason error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := a.pool.Exec(ctx, `UPDATE archive_state SET stopped_reason = $1, updated_at = now()`, reason.Error()); err != nil {
		a.logger.Error("could not record the archiver's stop", "err", err)
	}
}

// cursor is where the archive stands.
type cursor struct {
	seq  uint64
	hash []byte
}

func (a *Archiver) archive(ctx context.Context) error {
	var cur cursor
	if err := a.pool.QueryRow(ctx, `UPDATE archive_state SET stopped_reason = NULL RETURNING seq, hash`).Scan(&cur.seq, &cur.hash); err != nil {
		return fmt.Errorf("read archive state: %w", err)
	}
	var top int64
	if err := a.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM events`).Scan(&top); err != nil {
		return fmt.Errorf("read archive state: %w", err)
	}
	if uint64(top) != cur.seq {
		return fmt.Errorf("%w: the archive position says %d but the archive's last event is %d", ErrArchiveStopped, cur.seq, top)
	}
	last, err := a.log.LastSeq(ctx)
	if err != nil {
		return err
	}
	if last < cur.seq {
		return fmt.Errorf("%w: the archive holds sequence %d but the stream %s ends at %d: the stream was replaced or lost",
			ErrArchiveStopped, cur.seq, a.log.StreamName(), last)
	}
	js := a.log.JetStream()
	stream := a.log.StreamName()
	if err := js.DeleteConsumer(ctx, stream, a.cfg.Consumer); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return fmt.Errorf("reset consumer: %w", err)
	}
	cons, err := js.CreateConsumer(ctx, stream, jetstream.ConsumerConfig{
		Durable:       a.cfg.Consumer,
		Description:   "Copies every event into the PostgreSQL archive",
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   cur.seq + 1,
		AckPolicy:     jetstream.AckAllPolicy,
		AckWait:       30 * time.Second,
		MaxAckPending: 4 * a.cfg.BatchSize,
		// No subject filter: the stream holds only events, and a filter
		// (even one matching everything) makes the server match each message
		// against it, which costs dearly with a million aggregates.
	})
	if err != nil {
		return fmt.Errorf("create consumer: %w", err)
	}
	// The consumer pushes into a buffer from which each batch takes the
	// first message (waiting for it) and then whatever else has arrived,
	// without waiting any further.
	buffer := make(chan jetstream.Msg, 2*a.cfg.BatchSize)
	consumeErr := make(chan error, 1)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case buffer <- m:
		case <-ctx.Done():
		}
	}, jetstream.PullMaxMessages(2*a.cfg.BatchSize), jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		select {
		case consumeErr <- err:
		default:
		}
	}))
	if err != nil {
		return fmt.Errorf("consume: %w", err)
	}
	defer cc.Stop()
	a.logger.Info("archiving", "from", cur.seq+1, "stream_last", last)
	if cur.seq == last {
		// Nothing is waiting: being set up counts as progress.
		a.mu.Lock()
		a.failures, a.lastErr = 0, nil
		a.mu.Unlock()
	}

	for {
		msgs, err := a.collect(ctx, buffer, consumeErr)
		if err != nil {
			return err
		}
		events, err := a.sequence(ctx, &cur, msgs)
		if err != nil {
			return err
		}
		if len(events) > 0 {
			if err := a.write(ctx, events, cur); err != nil {
				return err
			}
			a.archived.Add(float64(len(events)))
			a.batches.Observe(float64(len(events)))
			a.mu.Lock()
			a.failures, a.lastErr = 0, nil
			a.mu.Unlock()
		}
		// AckAll: one ack covers the batch; it comes strictly after COMMIT.
		// A lost ack only causes a redelivery, which sequence() recognises.
		if err := msgs[len(msgs)-1].Ack(); err != nil {
			a.logger.Debug("ack failed; the batch will be redelivered and skipped", "err", err)
		}
	}
}

// collect waits for one message and then takes whatever else is already
// buffered, up to a batch.
func (a *Archiver) collect(ctx context.Context, buffer <-chan jetstream.Msg, consumeErr <-chan error) ([]jetstream.Msg, error) {
	var first jetstream.Msg
	for first == nil {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case first = <-buffer:
		case err := <-consumeErr:
			if errors.Is(err, jetstream.ErrNoHeartbeat) || errors.Is(err, jetstream.ErrConsumerDeleted) ||
				errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, nats.ErrConnectionClosed) {
				return nil, fmt.Errorf("consume: %w", err)
			}
			a.logger.Debug("consumer", "err", err)
		}
	}
	msgs := []jetstream.Msg{first}
	for len(msgs) < a.cfg.BatchSize {
		select {
		case m := <-buffer:
			msgs = append(msgs, m)
		default:
			return msgs, nil
		}
	}
	return msgs, nil
}

// sequence checks the messages against the archive's position: the next
// sequence is archived, an earlier one must be a redelivery of exactly what
// is archived, and a later one is a gap. It advances cur over the new
// events and returns them with their chain hashes.
func (a *Archiver) sequence(ctx context.Context, cur *cursor, msgs []jetstream.Msg) ([]archived, error) {
	var out []archived
	for _, m := range msgs {
		md, err := m.Metadata()
		if err != nil {
			return nil, fmt.Errorf("message metadata: %w", err)
		}
		seq := md.Sequence.Stream
		ev, err := decodeMessage(m.Subject(), seq, md.Timestamp, m.Headers(), m.Data())
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrArchiveStopped, err)
		}
		meta := metadataJSON(ev.Meta)
		switch {
		case seq <= cur.seq:
			if err := a.checkRedelivery(ctx, ev, meta); err != nil {
				return nil, err
			}
		case seq == cur.seq+1:
			hash := ChainHash(cur.hash, ev, meta)
			out = append(out, archived{Event: ev, meta: meta, prevHash: cur.hash, hash: hash})
			cur.seq, cur.hash = seq, hash
		default:
			return nil, a.skipped(ctx, cur.seq+1, seq)
		}
	}
	return out, nil
}

// skipped explains a delivery that jumped from want to got. Messages in
// flight when a NATS node fails can be lost on the way and would only be
// redelivered after the ack wait, behind later ones: when the stream holds
// want, the archiver starts over from it (nothing of the batch is acked).
// Only a sequence the stream does not hold is a gap that stops it.
func (a *Archiver) skipped(ctx context.Context, want, got uint64) error {
	held, err := a.log.Holds(ctx, want)
	if err != nil {
		return fmt.Errorf("delivery jumped from %d to %d; checking the stream: %w", want, got, err)
	}
	if held {
		return fmt.Errorf("%w: expected sequence %d, got %d; resuming from %d", errDeliverySkipped, want, got, want)
	}
	return fmt.Errorf("%w: gap in the log: expected sequence %d, got %d, and the stream does not hold %d",
		ErrArchiveStopped, want, got, want)
}

// errDeliverySkipped: the consumer delivered past a sequence the stream
// holds; the archiver recreates it from the archive's position.
var errDeliverySkipped = errors.New("eventstore: the consumer skipped messages")

func (a *Archiver) checkRedelivery(ctx context.Context, ev Event, meta []byte) error {
	var prev, hash []byte
	err := a.pool.QueryRow(ctx, `SELECT prev_hash, hash FROM events WHERE seq = $1`, int64(ev.Seq)).Scan(&prev, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: sequence %d is below the archive position but not archived", ErrArchiveStopped, ev.Seq)
	}
	if err != nil {
		return fmt.Errorf("check redelivered sequence %d: %w", ev.Seq, err)
	}
	if string(ChainHash(prev, ev, meta)) != string(hash) {
		return fmt.Errorf("%w: sequence %d arrived again with different content than archived", ErrArchiveStopped, ev.Seq)
	}
	return nil
}

// archived is an event ready for the archive table.
type archived struct {
	Event
	meta     []byte
	prevHash []byte
	hash     []byte
}

var archiveColumns = []string{"seq", "aggregate_type", "aggregate_id", "version", "event_type", "schema_version",
	"event_id", "command_id", "data", "metadata", "occurred_at", "recorded_at", "prev_hash", "hash"}

// write stores a batch, applies the inline projections and moves the
// archive position, all in one transaction.
func (a *Archiver) write(ctx context.Context, batch []archived, cur cursor) error {
	events := make([]Event, len(batch))
	rows := make([][]any, len(batch))
	for i, b := range batch {
		events[i] = b.Event
		rows[i] = []any{int64(b.Seq), b.AggregateType, b.AggregateID, b.Version, b.Type, b.SchemaVersion,
			b.ID, b.Meta.CommandID, string(b.Data), string(b.meta), archiveTime(b.OccurredAt), archiveTime(b.RecordedAt),
			append([]byte{}, b.prevHash...), b.hash}
	}
	if err := upcastAll(events); err != nil { // the projections read the current versions
		return fmt.Errorf("%w: %w", ErrArchiveStopped, err)
	}
	first := batch[0].Seq
	last := batch[len(batch)-1]
	err := pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events"}, archiveColumns, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy events %d..%d: %w", first, last.Seq, err)
		}
		for _, p := range a.projectors {
			if err := p.Apply(ctx, tx, events); err != nil {
				return fmt.Errorf("projection %s, events %d..%d: %w", p.Name(), first, last.Seq, err)
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE archive_state SET seq = $1, hash = $2, recorded_at = $3, updated_at = now() WHERE seq = $4`,
			int64(last.Seq), last.hash, archiveTime(last.RecordedAt), int64(first-1))
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return errLostLeadership
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, NotifyChannel, fmt.Sprint(last.Seq))
		return err
	})
	if err != nil && permanent(err) {
		return fmt.Errorf("%w: %w", ErrArchiveStopped, err)
	}
	return err
}

// permanent reports whether a write error would recur on every retry: the
// database refused the data itself (a constraint, a type, a raised
// exception), as opposed to a connection or availability problem.
func permanent(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code[:2] {
	case "22", "23", "P0", "42": // data exception, integrity, raised by PL/pgSQL, syntax or undefined object
		return true
	}
	return false
}

// Ready reports whether the archive is moving: this replica's archiver has
// not stopped and no replica recorded a stop.
func (a *Archiver) Ready(ctx context.Context) error {
	if role, err := a.Role(); role == RoleStopped {
		return err
	}
	a.mu.Lock()
	failures, lastErr := a.failures, a.lastErr
	a.mu.Unlock()
	if failures >= stalledAfter {
		return fmt.Errorf("archiver failed %d times in a row: %w", failures, lastErr)
	}
	var reason *string
	if err := a.pool.QueryRow(ctx, `SELECT stopped_reason FROM archive_state`).Scan(&reason); err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if reason != nil {
		return fmt.Errorf("%w: %s", ErrArchiveStopped, *reason)
	}
	return nil
}

// Lag is how far the archive is behind the log: in events, and as the age
// of the oldest event not archived yet.
func (a *Archiver) Lag(ctx context.Context) (events uint64, age time.Duration, err error) {
	var archivedSeq int64
	if err := a.pool.QueryRow(ctx, `SELECT seq FROM archive_state`).Scan(&archivedSeq); err != nil {
		return 0, 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	last, err := a.log.LastSeq(ctx)
	if err != nil {
		return 0, 0, err
	}
	if last <= uint64(archivedSeq) {
		return 0, 0, nil
	}
	msg, err := a.log.stream.GetMsg(ctx, uint64(archivedSeq)+1)
	if err != nil {
		return last - uint64(archivedSeq), 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return last - uint64(archivedSeq), time.Since(msg.Time), nil
}

// lagCollector exports the archive lag at scrape time.
type lagCollector struct {
	a               *Archiver
	events, seconds *prometheus.Desc
}

func (c lagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.events
	ch <- c.seconds
}

func (c lagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	events, age, err := c.a.Lag(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.events, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.events, prometheus.GaugeValue, float64(events))
	ch <- prometheus.MustNewConstMetric(c.seconds, prometheus.GaugeValue, age.Seconds())
}
