package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
)

// whoami: GET /api/v1/whoami.
func (s *Server) whoami(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	writeJSON(w, http.StatusOK, p)
	return nil
}

// getTaxonomy: GET /api/v1/taxonomy.
func (s *Server) getTaxonomy(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	tax, err := s.Taxonomies.Current(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tax)
	return nil
}

type addTermRequest struct {
	Code  string `json:"code" rule:"required,max=40" desc:"A new code: 2 to 40 lowercase letters, digits and '_', starting with a letter" example:"delayed_permits"`
	Label string `json:"label" rule:"required,max=200" desc:"Its official Chinese name" example:"审批拖延"`
}

// addTerm: POST /api/v1/taxonomy/{kind}.
func (s *Server) addTerm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req addTermRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	tax, err := s.Taxonomies.AddTerm(r.Context(), p, meta, r.PathValue("kind"), req.Code, req.Label)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tax)
	return nil
}

// healthz: the process is up.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz: every dependency answers and the archive is moving.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	status, checks := http.StatusOK, map[string]string{}
	for _, c := range s.Checks {
		if err := c.Check(ctx); err != nil {
			status = http.StatusServiceUnavailable
			checks[c.Name] = err.Error()
		} else {
			checks[c.Name] = "ok"
		}
	}
	writeJSON(w, status, readiness{Ready: status == http.StatusOK, Checks: checks})
}

// metrics: the Prometheus exposition.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// openAPIDocument: GET /api/v1/openapi.json, with the taxonomy's codes in
// force as the enumerations of the fields that take them (the default
// taxonomy's while the database cannot be read).
func (s *Server) openAPIDocument(w http.ResponseWriter, r *http.Request) {
	tax := complaint.DefaultTaxonomy()
	if s.Taxonomies != nil { // the document alone, without a database, in tests
		if current, err := s.Taxonomies.Current(r.Context()); err == nil {
			tax = current
		}
	}
	writeJSON(w, http.StatusOK, s.openAPI(tax))
}
