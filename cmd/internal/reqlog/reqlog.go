// Package reqlog carries a request's identity (its request id, and the case
// it concerns once known) in its context, and puts it on every log line
// written with that context: a handler wraps the service's slog handler,
// and code that logs with the request's context (InfoContext, ErrorContext)
// gets request_id and case_id on the line without passing them.
package reqlog

import (
	"context"
	"log/slog"
	"sync"
)

// fields are a request's identity; the case id is learnt while it runs.
type fields struct {
	requestID string
	mu        sync.Mutex
	caseID    string
}

type key struct{}

// With returns a context that carries the request id.
func With(ctx context.Context, requestID string) context.Context {
	return context.WithValue(ctx, key{}, &fields{requestID: requestID})
}

func from(ctx context.Context) *fields {
	f, _ := ctx.Value(key{}).(*fields)
	return f
}

// RequestID is the request id ctx carries ("" outside a request).
func RequestID(ctx context.Context) string {
	if f := from(ctx); f != nil {
		return f.requestID
	}
	return ""
}

// SetCase records the case the request concerns; later log lines of the
// request carry it. The first case set stays.
func SetCase(ctx context.Context, caseID string) {
	f := from(ctx)
	if f == nil || caseID == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.caseID == "" {
		f.caseID = caseID
	}
}

// CaseID is the case recorded for the request ("" when none).
func CaseID(ctx context.Context) string {
	f := from(ctx)
	if f == nil {
		return ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.caseID
}

// Handler wraps h: each record logged with a request's context gets its
// request_id and, once known, its case_id.
func Handler(h slog.Handler) slog.Handler { return handler{h} }

type handler struct{ next slog.Handler }

func (h handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	if f := from(ctx); f != nil {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", f.requestID))
		if c := CaseID(ctx); c != "" {
			r.AddAttrs(slog.String("case_id", c))
		}
	}
	return h.next.Handle(ctx, r)
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler { return handler{h.next.WithAttrs(attrs)} }
func (h handler) WithGroup(name string) slog.Handler       { return handler{h.next.WithGroup(name)} }
