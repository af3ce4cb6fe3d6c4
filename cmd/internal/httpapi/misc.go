package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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

// readyz: every dependency answers and the archive is moving. Warnings
// (next year's schedule not loaded from 1 November) leave it ready: they
// need an administrator, not a load balancer's attention. A replica that
// is shutting down answers 503 at once, before it stops accepting.
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
	warnings := s.warnings(ctx)
	writeJSON(w, status, readiness{Ready: status == http.StatusOK, Checks: checks, Warnings: warnings})
}

// warnings are what an administrator must see to, which do not make the
// replica unready.
func (s *Server) warnings(ctx context.Context) map[string]string {
	if s.Calendars == nil {
		return nil
	}
	year, missing, err := s.Calendars.NextYearMissing(ctx, s.Clock())
	if err != nil || !missing {
		return nil
	}
	return map[string]string{"calendar": fmt.Sprintf(
		"the official working-day schedule for %d is not loaded: load it with POST /api/v1/calendar/years or watchpost calendar load FILE once the State Council publishes it", year)}
}

// metrics: the Prometheus exposition. A collector that cannot read NATS or
// PostgreSQL drops its own metrics and leaves the rest of the scrape
// (watchpost_ready says which dependency failed).
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	own := prometheus.NewRegistry()
	own.MustRegister(readinessCollector{s}, calendarCollector{s})
	promhttp.HandlerFor(prometheus.Gatherers{s.Gatherer, own}, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}).ServeHTTP(w, r)
}

var (
	readyDesc = prometheus.NewDesc("watchpost_ready",
		"1 while the readiness check passes (nats, postgres, archiver), 0 while it fails.", []string{"check"}, nil)
	calendarLastYearDesc = prometheus.NewDesc("watchpost_calendar_last_year",
		"The last year whose official working-day schedule is loaded.", nil, nil)
)

// readinessCollector runs the readiness checks at scrape time.
type readinessCollector struct{ s *Server }

func (c readinessCollector) Describe(ch chan<- *prometheus.Desc) { ch <- readyDesc }

func (c readinessCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, chk := range c.s.Checks {
		v := 1.0
		if chk.Check(ctx) != nil {
			v = 0
		}
		ch <- prometheus.MustNewConstMetric(readyDesc, prometheus.GaugeValue, v, chk.Name)
	}
}

// calendarCollector exports the last loaded year.
type calendarCollector struct{ s *Server }

func (c calendarCollector) Describe(ch chan<- *prometheus.Desc) { ch <- calendarLastYearDesc }

func (c calendarCollector) Collect(ch chan<- prometheus.Metric) {
	if c.s.Calendars == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	year, err := c.s.Calendars.LastYear(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(calendarLastYearDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(calendarLastYearDesc, prometheus.GaugeValue, float64(year))
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
	d := s.openAPI(tax)
	documentOpen311(d)
	writeJSON(w, http.StatusOK, d)
}
