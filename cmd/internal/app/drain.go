package app

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// drainer is the shutting down of the HTTP server as a load balancer sees
// it: /readyz answers 503 first, while requests are still served.
type drainer struct {
	draining atomic.Bool
}

// gate answers /readyz with 503 once the server is shutting down, so load
// balancers and Kubernetes stop sending it requests while it still serves
// those they already sent; meanwhile every answer closes its connection,
// so keep-alive clients connect again (to another replica).
func (d *drainer) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !d.draining.Load() {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Connection", "close")
		if r.URL.Path == "/readyz" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(map[string]any{"ready": false, "checks": map[string]string{"shutdown": "shutting down"}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// start begins the shutdown: /readyz answers 503 at once, and requests
// keep being served for grace, long enough for the load balancer to see it
// (Kubernetes probes every 5 s); the caller then stops the HTTP server,
// which stops accepting and waits for the requests in flight.
func (d *drainer) start(grace time.Duration, logger *slog.Logger) {
	if d.draining.Swap(true) || grace <= 0 {
		return
	}
	logger.Info("shutting down: not ready, still serving", "for", grace)
	time.Sleep(grace)
}
