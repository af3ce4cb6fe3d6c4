package web

import (
	"net/http"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
)

// taxonomyPage is the classification and the form to add a term.
type taxonomyPage struct {
	Taxonomy complaint.Taxonomy
	Key      string
}

// taxonomyPage: GET /admin/taxonomy.
func (s *Server) taxonomyPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return s.renderTaxonomy(w, r, s.view(r, sess, "分类目录"), http.StatusOK)
}

func (s *Server) renderTaxonomy(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	if err := access.Permit(v.Sess.Principal, access.ManageTaxonomy); err != nil {
		return err
	}
	tax, err := s.Taxonomies.Current(r.Context())
	if err != nil {
		return err
	}
	v.Body = taxonomyPage{Taxonomy: tax, Key: newFormKey()}
	s.render(w, r, status, "taxonomy.html", v)
	return nil
}

// addTerm: POST /admin/taxonomy.
func (s *Server) addTerm(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	if _, err := s.Taxonomies.AddTerm(r.Context(), p, commandMeta(r, p), field(r, "kind"), field(r, "code"), field(r, "label")); err != nil {
		v := s.view(r, sess, "分类目录")
		v.Values = r.PostForm
		if pr := classify(err); pr.status != http.StatusUnprocessableEntity && pr.status != http.StatusConflict {
			return err
		}
		return s.renderTaxonomy(w, r, v, s.formError(v, err, "kind", "code", "label"))
	}
	http.Redirect(w, r, "/admin/taxonomy", http.StatusSeeOther)
	return nil
}
