package deploy

// The checks fail when a name drifts: each case changes one thing in an
// in-memory copy of a file (or of what the source says) and expects the
// check to name it.

import (
	"bytes"
	"maps"
	"testing"
)

func TestChecksBite(t *testing.T) {
	w := mustWorld(t)
	jobs, ds := monitoringJobs(t, w)
	dashboard := readDeployFile(t, "grafana/dashboards/watchpost.json")
	alerts := readDeployFile(t, "prometheus/alerts.yml")
	dockerfile := readDeployFile(t, "Dockerfile")
	compose := readDeployFile(t, "compose.yaml")
	image, _ := checkDockerfile(w, dockerfile)
	k8s := readK8sInputs(t)

	replace := func(b []byte, old, new string) []byte {
		t.Helper()
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("the file no longer contains %q: update the case", old)
		}
		return bytes.ReplaceAll(b, []byte(old), []byte(new))
	}
	expect := func(name string, problems []string, want string) {
		t.Helper()
		if !hasProblem(problems, want) {
			t.Errorf("%s: the check did not report %q; it said %q", name, want, problems)
		}
	}

	// The files as they are pass, so every problem below is the change's.
	if p := checkDashboard(w, dashboard, ds, jobs); len(p) != 0 {
		t.Fatalf("the dashboard does not pass as it is: %v", p)
	}

	expect("a metric renamed in the dashboard",
		checkDashboard(w, replace(dashboard, "watchpost_archive_lag_seconds", "watchpost_archive_lag_secs"), ds, jobs),
		"watchpost_archive_lag_secs: no metric the server exports")
	expect("a label renamed in the dashboard",
		checkDashboard(w, replace(dashboard, "sum by (outcome)", "sum by (result)"), ds, jobs),
		"the label result")
	expect("a counter graphed without rate()",
		checkDashboard(w, replace(dashboard, `rate(watchpost_archived_events_total{job=\"watchpost\"}[$__rate_interval])`,
			`watchpost_archived_events_total{job=\"watchpost\"}`), ds, jobs),
		"watchpost_archived_events_total is a counter")
	expect("a job that is not scraped",
		checkDashboard(w, replace(dashboard, `up{job=\"watchpost\"}`, `up{job=\"watchpost-api\"}`), ds, jobs),
		`job "watchpost-api" is not a scrape job`)
	expect("another datasource",
		checkDashboard(w, replace(dashboard, `"uid": "prometheus"`, `"uid": "thanos"`), ds, jobs),
		"want the provisioned")

	// The server renames a metric: the same dashboard now fails.
	renamed := *w
	renamed.series = maps.Clone(w.series)
	delete(renamed.series, "watchpost_open_escalations")
	expect("a metric the server no longer exports", checkDashboard(&renamed, dashboard, ds, jobs),
		"watchpost_open_escalations: no metric the server exports")

	_, p := checkRules(w, replace(alerts, "watchpost_archiver_leader", "watchpost_archiver_is_leader"), jobs)
	expect("a metric renamed in an alert rule", p, "watchpost_archiver_is_leader: no metric the server exports")
	_, p = checkRules(w, replace(alerts, `histogram_quantile(0.99,`, `histogram_quantile(0.99, watchpost_escalation_lag_seconds_bucket{le="4"} or`), jobs)
	expect("a bucket the histogram does not have", p, `no bucket le="4"`)

	expect("a readiness check misnamed in an alert rule",
		readinessProblems(w, replace(alerts, `check="postgres"`, `check="postgresql"`)), `check ="postgresql" is no readiness check`)
	expect("a readiness check left without an alert",
		readinessProblems(w, replace(alerts, `check="nats"`, `check="postgres"`)), `no alert on watchpost_ready{check="nats"}`)
	_, p = checkRules(w, replace(alerts, "watchpost_calendar_last_year", "watchpost_calendar_latest_year"), jobs)
	expect("the calendar gauge renamed in an alert rule", p, "watchpost_calendar_latest_year: no metric the server exports")
	renamed.series = maps.Clone(w.series)
	delete(renamed.series, "watchpost_projection_lag_events")
	expect("a projection metric the server no longer exports", checkDashboard(&renamed, dashboard, ds, jobs),
		"watchpost_projection_lag_events: no metric the server exports")

	_, p = checkCompose(w, image, replace(compose, "WATCHPOST_STREAM_REPLICAS:", "WATCHPOST_STREAM_REPLICA:"), deployFiles)
	expect("an unknown environment variable in compose", p, "sets WATCHPOST_STREAM_REPLICA, which the binary does not read")
	expect("a required variable left out in compose", p, "WATCHPOST_STREAM_REPLICAS is not set")
	_, p = checkCompose(w, image, replace(compose, "nats://n1:4222,", "nats://n1:4225,"), deployFiles)
	expect("a NATS node's port wrong in compose", p, "n1:4225, which is no NATS node's client address")
	_, p = checkCompose(w, image, compose, deployFilesWith("prometheus/prometheus.yml",
		replace(readDeployFile(t, "prometheus/prometheus.yml"), "- watchpost-2:8080", "- watchpost-2:9100")))
	expect("a scrape target on the wrong port", p, "scrapes watchpost-2:9100")
	_, p = checkCompose(w, image, compose, deployFilesWith("nats/node2.conf",
		replace(readDeployFile(t, "nats/node2.conf"), "sync_interval: always", "sync_interval: 2m")))
	expect("a NATS node without an fsync per acknowledgement", p, `sync_interval is "2m"`)

	bad := k8s
	bad.service = replace(k8s.service, "path: /readyz", "path: /ready")
	_, p = checkK8s(w, image, bad)
	expect("a probe path the server does not serve", p, "GET /ready is not a route")
	bad.service = replace(k8s.service, "name: WATCHPOST_NATS_URL", "name: WATCHPOST_NATS_SERVERS")
	_, p = checkK8s(w, image, bad)
	expect("an unknown environment variable in the Deployment", p, "sets WATCHPOST_NATS_SERVERS, which the binary does not read")
	bad.service = replace(k8s.service, "containerPort: 8080", "containerPort: 8000")
	_, p = checkK8s(w, image, bad)
	expect("a container port the server does not listen on", p, "containerPort 8000")
	bad.service = replace(k8s.service, "postgres://watchpost-db-rw:", "postgres://watchpost-db-ro:")
	_, p = checkK8s(w, image, bad)
	expect("the database's read-only service", p, "not the primary's service watchpost-db-rw")
	bad.service = replace(k8s.service, "enableServiceLinks: false", "enableServiceLinks: true")
	_, p = checkK8s(w, image, bad)
	expect("service links setting WATCHPOST_ variables", p, "would set WATCHPOST_*")
	bad = k8s
	bad.natsValues = replace(k8s.natsValues, "replicas: 3", "replicas: 5")
	_, p = checkK8s(w, image, bad)
	expect("a NATS cluster of another size", p, "config.cluster.replicas")

	_, p = checkDockerfile(w, replace(dockerfile, `"--addr"`, `"--listen"`))
	expect("a flag serve does not have", p, "watchpost serve has no flag --listen")
	_, p = checkDockerfile(w, replace(dockerfile, "USER 65532:65532", "USER root"))
	expect("the image running as root", p, "want a non-root one")
}

// deployFilesWith reads deploy/ files, with one replaced.
func deployFilesWith(name string, content []byte) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		if p == name || p == "./"+name {
			return content, nil
		}
		return deployFiles(p)
	}
}
