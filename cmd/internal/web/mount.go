package web

import (
	"net/http"
	"strings"
)

// Mount serves the API and the pages on one server: /api/, /healthz,
// /readyz and /metrics go to the API, everything else to the pages.
func Mount(api, pages http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, "/api/"), p == "/api", p == "/healthz", p == "/readyz", p == "/metrics":
			api.ServeHTTP(w, r)
		default:
			pages.ServeHTTP(w, r)
		}
	})
}
