package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// boardWait bounds how long the stream waits for the archive to move
// before it looks at the board anyway (the working days late change with
// the clock alone).
const boardWait = 15 * time.Second

// boardEvents: GET /board/events is a stream of server-sent events: one
// "board" event with the board's version whenever it changes. The stream
// wakes when the archive moves (every raised step is an event in the log),
// reads the board, and tells the page only when it differs from what the
// page has; the page then fetches /board/fragment.
func (s *Server) boardEvents(w http.ResponseWriter, r *http.Request, sess *session) error {
	only, err := boardLevel(r)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	// The stream outlives the server's write timeout.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.closing, cancel)
	defer stop()
	last := r.URL.Query().Get("version")
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return nil
	}
	_ = rc.Flush()
	for {
		seq := s.Positions.Current()
		data, err := s.boardData(ctx, sess, only)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil && data.Version != last {
			last = data.Version
			if _, err := fmt.Fprintf(w, "event: board\ndata: %s\n\n", last); err != nil {
				return nil
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
		}
		// Wait for the archive to move past what the board was read at.
		wctx, wcancel := context.WithTimeout(ctx, boardWait)
		_ = s.Positions.Wait(wctx, seq+1)
		wcancel()
		if ctx.Err() != nil {
			return nil
		}
		// A session ends for the stream as for a page.
		if _, err := s.sessions.get(ctx, r, false); err != nil {
			_, _ = fmt.Fprint(w, "event: ended\ndata: session\n\n")
			_ = rc.Flush()
			return nil
		}
	}
}
