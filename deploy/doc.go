// Package deploy holds Watchpost's production deployment files: the
// container image (Dockerfile), the compose file, the Kubernetes manifests
// (k8s/), the NATS node configurations (nats/), the Grafana dashboard
// (grafana/) and the Prometheus configuration and alert rules (prometheus/).
//
// None of them can run on a machine without a container engine or a
// cluster, so its tests check them statically against the server's source:
// every WATCHPOST_* variable they set is one the binary reads, every port
// and probe path exists, every metric the dashboard and the rules query is
// one the server exports. Run them with go test ./deploy/.
package deploy
