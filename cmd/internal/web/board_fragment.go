package web

import (
	"net/http"
)

// boardFragment: GET /board/fragment is the board's groups alone, which
// the live script puts in place of the page's when the board changes.
func (s *Server) boardFragment(w http.ResponseWriter, r *http.Request, sess *session) error {
	only, err := boardLevel(r)
	if err != nil {
		return err
	}
	data, err := s.boardData(r.Context(), sess, only)
	if err != nil {
		return err
	}
	v := s.view(r, sess, "督办看板")
	v.Body = data
	s.renderTemplate(w, http.StatusOK, "board.html", "board-groups", v)
	return nil
}
