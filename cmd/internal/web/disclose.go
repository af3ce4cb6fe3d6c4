package web

import (
	"net/http"
)

// disclose: POST /cases/{id}/disclosure shows the complainant's personal
// data on the case page, once the service recorded who asked, from where
// and why. The page is not stored (no-store, like every page).
func (s *Server) disclose(w http.ResponseWriter, r *http.Request, sess *session) error {
	id := r.PathValue("id")
	v := s.view(r, sess, "案件")
	v.Values = r.PostForm
	c, err := s.Cases.Disclose(r.Context(), sess.Principal, origin(r), id, r.PostFormValue("reason"))
	if err != nil {
		pr := classify(err)
		if pr.status != http.StatusUnprocessableEntity && pr.status != http.StatusForbidden && pr.status != http.StatusGone {
			return err
		}
		status := s.formError(v, err)
		return s.renderCase(w, r, v, status, id, casePage{OpenStep: "disclose"})
	}
	return s.renderCase(w, r, v, http.StatusOK, id, casePage{Disclosed: &c})
}
