package httpapi

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/watchpost/watchpost/cmd/internal/locale"
	"github.com/watchpost/watchpost/domain/complaint"
)

func testServer() *Server {
	catalog, err := locale.New(time.UTC)
	if err != nil {
		panic(err)
	}
	return New(Deps{Gatherer: prometheus.NewRegistry(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: catalog})
}

// documented lists "METHOD /path" for every operation in the document.
func documented(t *testing.T, s *Server) []string {
	t.Helper()
	raw, err := json.Marshal(s.openAPI(complaint.DefaultTaxonomy()))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	if d.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", d.OpenAPI)
	}
	var out []string
	for path, ops := range d.Paths {
		for method, op := range ops {
			var o struct {
				Summary   string                     `json:"summary"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(op, &o); err != nil {
				t.Fatal(err)
			}
			if o.Summary == "" || len(o.Responses) == 0 {
				t.Errorf("%s %s: no summary or no responses", method, path)
			}
			out = append(out, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(out)
	return out
}

// TestOpenAPIMatchesRoutes: every registered route is in the document, and
// every documented route is served by the route it names.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	s := testServer()
	mux, registered := s.mux()
	slices.Sort(registered)
	docs := documented(t, s)
	if !slices.Equal(registered, docs) {
		t.Fatalf("registered routes and the document differ:\nregistered %v\ndocumented %v", registered, docs)
	}
	for _, op := range docs {
		method, path, _ := strings.Cut(op, " ")
		url := strings.NewReplacer("{id}", "x1", "{rid}", "x2", "{code}", "x3").Replace(path)
		req := httptest.NewRequest(method, url, nil)
		if _, pattern := mux.Handler(req); pattern != op {
			t.Errorf("%s %s is served by %q", method, url, pattern)
		}
	}
}

// TestOpenAPIServed: the document is served, and an undocumented path gets
// a JSON 404.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	h := testServer().Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"/api/v1/cases/{id}/referrals"`) {
		t.Fatalf("openapi.json: %d %.200s", rec.Code, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/nothing", nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"no_route"`) {
		t.Fatalf("unknown route: %d %s", rec.Code, rec.Body.String())
	}
}
