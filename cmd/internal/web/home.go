package web

import (
	"net/http"

	"github.com/watchpost/watchpost/domain/access"
)

// home is where each role starts.
func home(r access.Role) string {
	switch r {
	case access.RoleDepartment:
		return "/inbox"
	case access.RoleSupervisor:
		return "/board"
	case access.RoleLeader:
		return "/dashboard"
	case access.RoleAdmin:
		return "/admin/tokens"
	}
	return "/cases"
}

// home: GET / sends a person to their role's first page.
func (s *Server) home(w http.ResponseWriter, r *http.Request, sess *session) error {
	http.Redirect(w, r, home(sess.Principal.Role), http.StatusSeeOther)
	return nil
}
