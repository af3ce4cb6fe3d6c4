package web

import "net/http"

// logout: POST /logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, sess *session) error {
	s.sessions.end(r.Context(), sess.idHash)
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
