package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/escalation"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/ladder"
	"github.com/watchpost/watchpost/projections"
)

// timeZero asks a service for its default.
var timeZero time.Time

// boardPage is the supervisors' board: the open deadlines in their last
// day (临期) and the escalations by level.
type boardPage struct {
	Groups  []boardGroup
	Total   int    // entries on the board, shown or not
	Only    int    // the one level shown, or escalation.AllLanes
	Query   string // "?level=N" with one level, for the live parts
	Version string // changes when the board does (the live script compares it)
}

type boardGroup struct {
	Rank  int
	Label string
	Items []boardItem
	Total int // entries at this level, shown or not
}

type boardItem struct {
	projections.Escalation
	DueDate string
	Late    string
}

// boardLane is how many entries each level shows on the whole board; one
// level alone shows a page of them.
const boardLane = 50

// boardLevel reads the level a board page is asked for ("level", absent:
// every level).
func boardLevel(r *http.Request) (int, error) {
	v := r.URL.Query().Get("level")
	if v == "" {
		return escalation.AllLanes, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < int(ladder.Warning) || n > int(ladder.Levels()[len(ladder.Levels())-1]) {
		return 0, domain.Invalid("level", "0 (临期), 1 (催办), 2 (督办) or 3 (挂牌督办)")
	}
	return n, nil
}

// boardData reads the board as the person may see it, one group per
// level, the most severe last.
func (s *Server) boardData(ctx context.Context, sess *session, only int) (boardPage, error) {
	per := boardLane
	if only != escalation.AllLanes {
		per = projections.MaxPageSize
	}
	lanes, err := s.Board.Lanes(ctx, sess.Principal, "", only, per)
	if err != nil {
		return boardPage{}, err
	}
	page := boardPage{Only: only}
	if only != escalation.AllLanes {
		page.Query = "?level=" + strconv.Itoa(only)
	}
	var version strings.Builder
	for _, l := range lanes {
		g := boardGroup{Rank: l.Rank, Label: ladder.Level(l.Rank).Label(), Total: l.Total}
		fmt.Fprintf(&version, "%d:%d;", l.Rank, l.Total)
		for _, e := range l.Items {
			item := boardItem{Escalation: e, DueDate: s.Catalog.Date(zh, e.DueAt.Add(-time.Nanosecond))}
			if e.Rank > 0 {
				item.Late = s.overdueBy(e.WorkdaysLate)
			}
			g.Items = append(g.Items, item)
			version.WriteString(e.CaseID + e.ClockID + e.Level + ";")
		}
		page.Groups = append(page.Groups, g)
		page.Total += l.Total
	}
	page.Version = shortHash(version.String())
	return page, nil
}

// board: GET /board, or one level of it with ?level=N.
func (s *Server) board(w http.ResponseWriter, r *http.Request, sess *session) error {
	only, err := boardLevel(r)
	if err != nil {
		return err
	}
	data, err := s.boardData(r.Context(), sess, only)
	if err != nil {
		return err
	}
	title := "督办看板"
	if only != escalation.AllLanes {
		title += " · " + ladder.Level(only).Label()
	}
	v := s.view(r, sess, title)
	v.Body = data
	s.render(w, r, http.StatusOK, "board.html", v)
	return nil
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}
