package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gopkg.in/yaml.v3"
)

// panelTypes are the panels that show data; a text panel would be a
// placeholder for a metric that does not exist.
var panelTypes = set("timeseries", "stat", "gauge", "bargauge", "table", "heatmap", "state-timeline", "barchart")

// checkDashboard checks a Grafana dashboard: every panel shows queries of
// the provisioned datasource, and every query reads metrics the server
// exports, with their labels, from a job that is scraped.
func checkDashboard(w *world, raw []byte, datasource string, jobs map[string]bool) []string {
	var d struct {
		UID    string            `json:"uid"`
		Title  string            `json:"title"`
		Panels []json.RawMessage `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return []string{"dashboard: " + err.Error()}
	}
	var problems []string
	if d.UID == "" || d.Title == "" {
		problems = append(problems, "dashboard: no uid or title")
	}
	type target struct {
		RefID      string         `json:"refId"`
		Expr       string         `json:"expr"`
		Datasource map[string]any `json:"datasource"`
	}
	type panel struct {
		ID         int               `json:"id"`
		Type       string            `json:"type"`
		Title      string            `json:"title"`
		Datasource map[string]any    `json:"datasource"`
		GridPos    map[string]int    `json:"gridPos"`
		Targets    []target          `json:"targets"`
		Panels     []json.RawMessage `json:"panels"`
	}
	var panels []panel
	var flatten func(raws []json.RawMessage) error
	flatten = func(raws []json.RawMessage) error {
		for _, r := range raws {
			var p panel
			if err := json.Unmarshal(r, &p); err != nil {
				return err
			}
			panels = append(panels, p)
			if err := flatten(p.Panels); err != nil {
				return err
			}
		}
		return nil
	}
	if err := flatten(d.Panels); err != nil {
		return append(problems, "dashboard: "+err.Error())
	}
	ids := map[int]bool{}
	shown := 0
	for _, p := range panels {
		where := fmt.Sprintf("dashboard panel %d %q", p.ID, p.Title)
		if ids[p.ID] {
			problems = append(problems, where+": the id is used twice")
		}
		ids[p.ID] = true
		if len(p.GridPos) == 0 {
			problems = append(problems, where+": no gridPos")
		}
		if p.Type == "row" {
			continue
		}
		if !panelTypes[p.Type] {
			problems = append(problems, fmt.Sprintf("%s: a %s panel shows no metric", where, p.Type))
			continue
		}
		shown++
		if len(p.Targets) == 0 {
			problems = append(problems, where+": no query")
		}
		for _, tg := range p.Targets {
			ds := tg.Datasource
			if ds == nil {
				ds = p.Datasource
			}
			if str(ds["uid"]) != datasource {
				problems = append(problems, fmt.Sprintf("%s %s: datasource %v, want the provisioned %q", where, tg.RefID, ds["uid"], datasource))
			}
			if strings.TrimSpace(tg.Expr) == "" {
				problems = append(problems, fmt.Sprintf("%s %s: an empty query", where, tg.RefID))
				continue
			}
			for _, q := range checkQuery(w, jobs, tg.Expr) {
				problems = append(problems, where+": "+q)
			}
		}
	}
	if shown == 0 {
		problems = append(problems, "dashboard: no panel")
	}
	return problems
}

// ruleFile is the shape of a Prometheus rule file (and of a
// PrometheusRule's spec).
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// checkRules checks alert rules: each has a name, a severity and a
// summary, a valid for, and a query of metrics the server exports.
func checkRules(w *world, raw []byte, jobs map[string]bool) (names []string, problems []string) {
	var rf ruleFile
	if err := yaml.Unmarshal(raw, &rf); err != nil {
		return nil, []string{"alert rules: " + err.Error()}
	}
	if len(rf.Groups) == 0 {
		return nil, []string{"alert rules: no groups"}
	}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			where := fmt.Sprintf("rule %s/%s", g.Name, r.Alert)
			if r.Alert == "" {
				problems = append(problems, fmt.Sprintf("rule group %s: a rule that is not an alert", g.Name))
				continue
			}
			if slices.Contains(names, r.Alert) {
				problems = append(problems, where+": the name is used twice")
			}
			names = append(names, r.Alert)
			if sev := r.Labels["severity"]; sev != "critical" && sev != "warning" {
				problems = append(problems, fmt.Sprintf("%s: severity %q, want critical or warning", where, sev))
			}
			if r.Annotations["summary"] == "" {
				problems = append(problems, where+": no summary")
			}
			if r.For != "" {
				if _, err := time.ParseDuration(r.For); err != nil {
					problems = append(problems, fmt.Sprintf("%s: for %q: %v", where, r.For, err))
				}
			}
			for _, q := range checkQuery(w, jobs, r.Expr) {
				problems = append(problems, where+": "+q)
			}
		}
	}
	return names, problems
}

// The alerts and panels the deployment promises (issue 15): a rule or a
// panel that goes missing fails the test, not only one that drifts.
var (
	wantAlerts = []string{"WatchpostScrapeFailing", "WatchpostNoReplicaUp", "WatchpostNATSUnreachable",
		"WatchpostPostgresUnreachable", "WatchpostArchiverStopped", "WatchpostArchiveLagHigh",
		"WatchpostEscalationLagHigh", "WatchpostCalendarNextYearMissing"}
	wantPanelMetrics = []string{"watchpost_commands_total", "watchpost_append_duration_seconds_bucket",
		"watchpost_archive_lag_seconds", "watchpost_archive_lag_events", "watchpost_projection_lag_events",
		"watchpost_open_escalations", "watchpost_escalations_raised_total", "watchpost_escalation_lag_seconds_bucket",
		"watchpost_ready", "watchpost_calendar_last_year"}
)

// monitoringJobs are the scrape jobs the dashboard and the rules may
// select: those of both deployments.
func monitoringJobs(t *testing.T, w *world) (map[string]bool, string) {
	t.Helper()
	image, _ := checkDockerfile(w, readDeployFile(t, "Dockerfile"))
	cf, _ := checkCompose(w, image, readDeployFile(t, "compose.yaml"), deployFiles)
	kf, _ := checkK8s(w, image, readK8sInputs(t))
	jobs := map[string]bool{}
	for j := range cf.jobs {
		if j == kf.job {
			jobs[j] = true
		}
	}
	if len(jobs) == 0 {
		t.Fatalf("compose scrapes the jobs %v, Kubernetes the job %q: no job is common to both", cf.jobs, kf.job)
	}
	return jobs, cf.datasource
}

func TestDashboard(t *testing.T) {
	w := mustWorld(t)
	jobs, ds := monitoringJobs(t, w)
	raw := readDeployFile(t, "grafana/dashboards/watchpost.json")
	reportProblems(t, checkDashboard(w, raw, ds, jobs))
	for _, m := range wantPanelMetrics {
		if !strings.Contains(string(raw), m) {
			t.Errorf("dashboard: no panel reads %s", m)
		}
	}
}

func TestAlertRules(t *testing.T) {
	w := mustWorld(t)
	jobs, _ := monitoringJobs(t, w)
	raw := readDeployFile(t, "prometheus/alerts.yml")
	names, problems := checkRules(w, raw, jobs)
	reportProblems(t, problems)
	for _, a := range wantAlerts {
		if !slices.Contains(names, a) {
			t.Errorf("alert rules: no %s", a)
		}
	}

	// The PrometheusRule for Kubernetes carries the same groups.
	docs, err := yamlDocs(readDeployFile(t, "k8s/monitoring.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rules := byKind(docs, "PrometheusRule")
	if len(rules) != 1 {
		t.Fatalf("k8s/monitoring.yaml: %d PrometheusRules, want 1", len(rules))
	}
	file, err := yamlDoc(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(get(rules[0], "spec", "groups"), file["groups"]) {
		t.Error("k8s/monitoring.yaml: the PrometheusRule's groups differ from prometheus/alerts.yml's")
	}
}

// failingCollector reports an error, as the archive-lag and
// open-escalation collectors do when NATS or PostgreSQL does not answer.
type failingCollector struct{ desc *prometheus.Desc }

func (c failingCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }
func (c failingCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.NewInvalidMetric(c.desc, errors.New("database unreachable"))
}

// readinessProblems checks that each readiness check of the server has an
// alert on watchpost_ready with its check label, and that no rule selects
// a check the server does not have.
func readinessProblems(w *world, raw []byte) []string {
	var rf ruleFile
	if err := yaml.Unmarshal(raw, &rf); err != nil {
		return []string{"alert rules: " + err.Error()}
	}
	alerted := map[string]bool{}
	var problems []string
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			q, err := readQuery(r.Expr)
			if err != nil {
				continue // checkRules reports it
			}
			for _, sel := range q.selections {
				if sel.metric != "watchpost_ready" {
					continue
				}
				for _, m := range sel.matchers {
					if m.label != "check" {
						continue
					}
					if m.op != "=" || !slices.Contains(w.readyChecks, m.value) {
						problems = append(problems, fmt.Sprintf("rule %s: check %s%q is no readiness check of the server (%v)", r.Alert, m.op, m.value, w.readyChecks))
						continue
					}
					alerted[m.value] = true
				}
			}
		}
	}
	for _, c := range w.readyChecks {
		if !alerted[c] {
			problems = append(problems, fmt.Sprintf("no alert on watchpost_ready{check=%q}", c))
		}
	}
	return problems
}

// TestScrapeSurvivesDependency holds up the rules' premise: /metrics is
// served with ContinueOnError, so a collector that cannot reach NATS or
// PostgreSQL drops its own series and the rest of the scrape is served
// (up stays 1); which dependency is out of reach is watchpost_ready's
// check label, one value per readiness check, each with an alert.
func TestScrapeSurvivesDependency(t *testing.T) {
	w := mustWorld(t)
	if len(w.scrapeHandlers) != 1 {
		t.Fatalf("%d promhttp.HandlerOpts literals in the server, want the one of /metrics", len(w.scrapeHandlers))
	}
	if h := w.scrapeHandlers[0]; h != "ContinueOnError" {
		t.Fatalf("/metrics is served with ErrorHandling %q: a failing collector fails the whole scrape, and up{} no longer tells a replica that is down from one whose database is", h)
	}
	ready, ok := w.series["watchpost_ready"]
	if !ok || !ready.labels["check"] {
		t.Fatalf("the server exports no watchpost_ready{check}")
	}
	if want := []string{"nats", "postgres", "archiver"}; !slices.Equal(w.readyChecks, want) {
		t.Errorf("the readiness checks are %v, want %v", w.readyChecks, want)
	}
	reportProblems(t, readinessProblems(w, readDeployFile(t, "prometheus/alerts.yml")))

	// What ContinueOnError does: the failing collector's series are left
	// out, the others are served, with 200.
	reg := prometheus.NewRegistry()
	reg.MustRegister(failingCollector{prometheus.NewDesc("x_lag", "", nil, nil)})
	good := prometheus.NewGauge(prometheus.GaugeOpts{Name: "x_ready"})
	good.Set(1)
	reg.MustRegister(good)
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "x_ready 1") || strings.Contains(rec.Body.String(), "x_lag") {
		t.Errorf("a failing collector beside a good one is scraped with %d:\n%s", rec.Code, rec.Body.String())
	}
}
