package web

import (
	"net/http"
)

// revokeToken: POST /admin/tokens/{id}/revocation ends a token (and the
// sessions opened with it).
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := s.Accounts.Revoke(r.Context(), sess.Principal, origin(r), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tokens", http.StatusSeeOther)
	return nil
}
