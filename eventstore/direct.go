package eventstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// directGetter reads messages with the stream's batched direct get over one
// long-lived reply subscription, instead of a subscription (and its large
// buffer) per read.
type directGetter struct {
	nc      *nats.Conn
	subject string // $JS.API.DIRECT.GET.<stream>

	once    sync.Once
	initErr error
	prefix  string

	mu      sync.Mutex
	waiting map[string]chan *nats.Msg
}

func newDirectGetter(nc *nats.Conn, stream string) *directGetter {
	return &directGetter{nc: nc, subject: "$JS.API.DIRECT.GET." + stream, waiting: map[string]chan *nats.Msg{}}
}

func (g *directGetter) init() error {
	g.once.Do(func() {
		g.prefix = g.nc.NewInbox() + "."
		_, g.initErr = g.nc.Subscribe(g.prefix+"*", func(m *nats.Msg) {
			token := m.Subject[len(g.prefix):]
			g.mu.Lock()
			ch := g.waiting[token]
			g.mu.Unlock()
			if ch != nil {
				select {
				case ch <- m:
				case <-time.After(5 * time.Second): // the reader is gone
				}
			}
		})
	})
	return g.initErr
}

// batchRequest is the direct get batch request.
type batchRequest struct {
	Seq     uint64 `json:"seq"`
	Batch   int    `json:"batch"`
	NextFor string `json:"next_by_subj"`
}

// getBatch returns up to batch messages of subjects matching filter, from
// sequence seq on, in order.
func (g *directGetter) getBatch(ctx context.Context, filter string, seq uint64, batch int) ([]*jetstream.RawStreamMsg, error) {
	if err := g.init(); err != nil {
		return nil, err
	}
	token := nuid.Next()
	ch := make(chan *nats.Msg, 64)
	g.mu.Lock()
	g.waiting[token] = ch
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.waiting, token)
		g.mu.Unlock()
	}()
	req, err := json.Marshal(batchRequest{Seq: seq, Batch: batch, NextFor: filter})
	if err != nil {
		return nil, err
	}
	if err := g.nc.PublishMsg(&nats.Msg{Subject: g.subject, Reply: g.prefix + token, Data: req}); err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
	}
	var out []*jetstream.RawStreamMsg
	for {
		var m *nats.Msg
		select {
		case m = <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("direct get: %w", ctx.Err())
		}
		if len(m.Data) == 0 && m.Header.Get(jetstream.SequenceHeader) == "" {
			switch status := m.Header.Get("Status"); status {
			case "204", "404": // end of batch; no messages at all
				return out, nil
			default:
				return nil, fmt.Errorf("direct get: status %s %s", status, m.Header.Get("Description"))
			}
		}
		raw, err := rawMessage(m)
		if err != nil {
			return nil, err
		}
		out = append(out, raw)
	}
}

// rawMessage reads a direct get answer.
func rawMessage(m *nats.Msg) (*jetstream.RawStreamMsg, error) {
	seq, err := strconv.ParseUint(m.Header.Get(jetstream.SequenceHeader), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("direct get: sequence header: %w", err)
	}
	ts, err := time.Parse(time.RFC3339Nano, m.Header.Get(jetstream.TimeStampHeaer))
	if err != nil {
		return nil, fmt.Errorf("direct get: timestamp header: %w", err)
	}
	return &jetstream.RawStreamMsg{Subject: m.Header.Get(jetstream.SubjectHeader), Sequence: seq, Header: m.Header, Data: m.Data, Time: ts}, nil
}
