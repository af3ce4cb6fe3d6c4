package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/watchpost/watchpost/domain/ladder"
	"github.com/watchpost/watchpost/projections"
)

// timeZero asks a service for its default.
var timeZero time.Time

// boardPage is the supervisors' board: the open deadlines in their last
// day (临期) and the escalations by level.
type boardPage struct {
	Groups  []boardGroup
	Total   int
	Version string // changes when the board does (the live script compares it)
}

type boardGroup struct {
	Rank  int
	Label string
	Items []boardItem
}

type boardItem struct {
	projections.Escalation
	DueDate string
	Late    string
}

// boardData reads the board as the person may see it, grouped by level,
// the most severe last.
func (s *Server) boardData(ctx context.Context, sess *session) (boardPage, error) {
	p := sess.Principal
	escalations, err := s.Board.Escalations(ctx, p, projections.EscalationFilter{})
	if err != nil {
		return boardPage{}, err
	}
	approaching, err := s.Board.Approaching(ctx, p, "", 0)
	if err != nil {
		return boardPage{}, err
	}
	groups := []boardGroup{{Rank: int(ladder.Warning), Label: ladder.Warning.Label()}}
	for _, l := range ladder.Levels() {
		groups = append(groups, boardGroup{Rank: int(l), Label: l.Label()})
	}
	var page boardPage
	version := ""
	for _, e := range append(approaching, escalations...) {
		item := boardItem{Escalation: e, DueDate: s.Catalog.Date(zh, e.DueAt.Add(-time.Nanosecond))}
		if e.Rank > 0 {
			item.Late = s.overdueBy(e.WorkdaysLate)
		}
		if e.Rank >= 0 && e.Rank < len(groups) {
			groups[e.Rank].Items = append(groups[e.Rank].Items, item)
			page.Total++
		}
		version += e.CaseID + e.ClockID + e.Level + ";"
	}
	page.Groups, page.Version = groups, shortHash(version)
	return page, nil
}

// board: GET /board.
func (s *Server) board(w http.ResponseWriter, r *http.Request, sess *session) error {
	data, err := s.boardData(r.Context(), sess)
	if err != nil {
		return err
	}
	v := s.view(r, sess, "督办看板")
	v.Body = data
	s.render(w, r, http.StatusOK, "board.html", v)
	return nil
}

// shortHash is a short digest of s.
func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}
