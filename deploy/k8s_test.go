package deploy

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// k8sInputs are the files the Kubernetes deployment is made of.
type k8sInputs struct {
	service, postgres, natsValues, monitoring, kustomization, readme []byte
}

func readK8sInputs(t *testing.T) k8sInputs {
	return k8sInputs{
		service:       readDeployFile(t, "k8s/watchpost.yaml"),
		postgres:      readDeployFile(t, "k8s/postgres-cluster.yaml"),
		natsValues:    readDeployFile(t, "k8s/nats-values.yaml"),
		monitoring:    readDeployFile(t, "k8s/monitoring.yaml"),
		kustomization: readDeployFile(t, "k8s/kustomization.yaml"),
		readme:        readDeployFile(t, "README.md"),
	}
}

func byKind(docs []map[string]any, kind string) []map[string]any {
	var out []map[string]any
	for _, d := range docs {
		if str(d["kind"]) == kind {
			out = append(out, d)
		}
	}
	return out
}

// selects reports whether every label of selector is on labels.
func selects(selector, labels map[string]any) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if str(labels[k]) != str(v) {
			return false
		}
	}
	return true
}

var (
	helmNATS   = regexp.MustCompile(`helm upgrade --install (\S+) nats/nats\b.*-f deploy/k8s/nats-values\.yaml`)
	keySecret  = regexp.MustCompile(`kubectl (?:-n \S+ )?create secret generic (\S+) --from-file=([^=\s]+)=`)
	kubectlApp = regexp.MustCompile(`kubectl (?:-n \S+ )?apply -k deploy/k8s`)
)

// k8sFacts are what the Kubernetes files give the monitoring checks.
type k8sFacts struct {
	job string // the scrape job: the Service's name
}

// checkK8s checks the manifests against the server, the image and each
// other: the Deployment's command, port, probes and environment; the NATS
// release and the PostgreSQL cluster it connects to; the Service, the
// disruption budget and the ServiceMonitor that select its pods.
func checkK8s(w *world, image imageFacts, in k8sInputs) (k8sFacts, []string) {
	var facts k8sFacts
	var problems []string
	docs, err := yamlDocs(in.service)
	if err != nil {
		return facts, []string{"k8s/watchpost.yaml: " + err.Error()}
	}
	deps := byKind(docs, "Deployment")
	if len(deps) != 1 {
		return facts, []string{fmt.Sprintf("k8s/watchpost.yaml: %d Deployments, want 1", len(deps))}
	}
	dep := deps[0]
	where := "k8s Deployment " + str(get(dep, "metadata", "name"))
	if r := str(get(dep, "spec", "replicas")); r != "2" {
		problems = append(problems, fmt.Sprintf("%s: %s replicas, want 2", where, r))
	}
	podLabels := mapOf(get(dep, "spec", "template", "metadata", "labels"))
	if !selects(mapOf(get(dep, "spec", "selector", "matchLabels")), podLabels) {
		problems = append(problems, where+": the selector does not match the pod template's labels")
	}
	pod := mapOf(get(dep, "spec", "template", "spec"))
	containers := list(pod["containers"])
	if len(containers) != 1 {
		return facts, append(problems, fmt.Sprintf("%s: %d containers, want 1", where, len(containers)))
	}
	c := mapOf(containers[0])

	// The command and the port.
	args := image.cmd
	if a := argv(c["args"]); len(a) > 0 {
		args = a
	}
	if cmd := argv(c["command"]); len(cmd) > 0 {
		problems = append(problems, where+": replaces the image's entrypoint")
	}
	port, p := serveArgs(w, args, where)
	problems = append(problems, p...)
	ports := map[string]int{}
	for _, cp := range list(c["ports"]) {
		n, _ := strconv.Atoi(str(get(cp, "containerPort")))
		ports[str(get(cp, "name"))] = n
		if n != port {
			problems = append(problems, fmt.Sprintf("%s: containerPort %d, the server listens on %d", where, n, port))
		}
	}
	resolve := func(v any) int {
		if n, err := strconv.Atoi(str(v)); err == nil {
			return n
		}
		return ports[str(v)]
	}

	// The probes: readiness on /readyz, liveness (and start-up) on /healthz.
	for _, pr := range []struct{ key, path string }{{"readinessProbe", "/readyz"}, {"livenessProbe", "/healthz"}, {"startupProbe", "/healthz"}} {
		probe := mapOf(c[pr.key])
		if probe == nil {
			if pr.key != "startupProbe" {
				problems = append(problems, fmt.Sprintf("%s: no %s", where, pr.key))
			}
			continue
		}
		hp := get(probe, "httpGet")
		if hp == nil {
			problems = append(problems, fmt.Sprintf("%s: %s is not an HTTP probe", where, pr.key))
			continue
		}
		p := str(get(hp, "path"))
		if p != pr.path {
			problems = append(problems, fmt.Sprintf("%s: %s asks %s, want %s", where, pr.key, p, pr.path))
		}
		problems = append(problems, publicGET(w, p, where+" "+pr.key)...)
		if got := resolve(get(hp, "port")); got != port {
			problems = append(problems, fmt.Sprintf("%s: %s asks port %v, the server listens on %d", where, pr.key, get(hp, "port"), port))
		}
	}
	if get(c, "resources", "requests", "cpu") == nil || get(c, "resources", "requests", "memory") == nil {
		problems = append(problems, where+": no cpu and memory requests")
	}

	// The environment.
	env := map[string]string{}
	literal := map[string]bool{}
	fromSecret := map[string][2]string{} // name -> secret, key
	for _, e := range list(c["env"]) {
		name := str(get(e, "name"))
		env[name] = str(get(e, "value"))
		if get(e, "value") != nil {
			literal[name] = true
		}
		if ref := get(e, "valueFrom", "secretKeyRef"); ref != nil {
			fromSecret[name] = [2]string{str(get(ref, "name")), str(get(ref, "key"))}
		}
	}
	problems = append(problems, envProblems(w, env, literal, where)...)

	// The volumes the files come from.
	volumes := map[string]map[string]any{}
	for _, v := range list(pod["volumes"]) {
		volumes[str(get(v, "name"))] = mapOf(v)
	}
	// fileSecret returns the secret and key a file path in the container
	// comes from.
	fileSecret := func(file string) (secret, key string, ok bool) {
		for _, m := range list(c["volumeMounts"]) {
			dir := str(get(m, "mountPath"))
			rel, found := strings.CutPrefix(file, strings.TrimSuffix(dir, "/")+"/")
			if !found {
				continue
			}
			sv := get(volumes[str(get(m, "name"))], "secret")
			if sv == nil {
				return "", "", false
			}
			items := list(get(sv, "items"))
			if len(items) == 0 {
				return str(get(sv, "secretName")), rel, true
			}
			for _, it := range items {
				if str(get(it, "path")) == rel {
					return str(get(sv, "secretName")), str(get(it, "key")), true
				}
			}
		}
		return "", "", false
	}
	if f, ok := env["WATCHPOST_MASTER_KEY_FILE"]; ok {
		secret, key, ok := fileSecret(f)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: WATCHPOST_MASTER_KEY_FILE %s is not a file of a secret volume", where, f))
		}
		m := keySecret.FindSubmatch(in.readme)
		if m == nil {
			problems = append(problems, "README.md: no kubectl create secret generic command for the master key")
		} else if string(m[1]) != secret || string(m[2]) != key {
			problems = append(problems, fmt.Sprintf("README.md makes the secret %s with the key %s; the Deployment reads %s, key %s", m[1], m[2], secret, key))
		}
	}

	// NATS: every node of the chart's StatefulSet, by its stable name.
	nv, err := yamlDoc(in.natsValues)
	if err != nil {
		return facts, append(problems, "k8s/nats-values.yaml: "+err.Error())
	}
	problems = append(problems, checkNATSValues(nv)...)
	release := ""
	if m := helmNATS.FindSubmatch(in.readme); m != nil {
		release = string(m[1])
	} else {
		problems = append(problems, "README.md: no helm upgrade --install ... nats/nats -f deploy/k8s/nats-values.yaml command")
	}
	if v, ok := env["WATCHPOST_NATS_URL"]; ok && release != "" {
		nodes, _ := strconv.Atoi(str(get(nv, "config", "cluster", "replicas")))
		clientPort := str(get(nv, "config", "nats", "port"))
		if clientPort == "" {
			clientPort = "4222" // the chart's default
		}
		var want []string
		for i := range nodes {
			want = append(want, fmt.Sprintf("%s-%d.%s-headless:%s", release, i, release, clientPort))
		}
		got, err := natsURLs(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: WATCHPOST_NATS_URL: %v", where, err))
		} else if !slices.Equal(got, want) {
			problems = append(problems, fmt.Sprintf("%s: WATCHPOST_NATS_URL names %v; the release %q has the nodes %v", where, got, release, want))
		}
	}

	// PostgreSQL: the CloudNativePG cluster's -rw service, its app
	// credentials, its CA.
	pgDocs, err := yamlDocs(in.postgres)
	if err != nil {
		return facts, append(problems, "k8s/postgres-cluster.yaml: "+err.Error())
	}
	clusters := byKind(pgDocs, "Cluster")
	if len(clusters) != 1 || !strings.HasPrefix(str(clusters[0]["apiVersion"]), "postgresql.cnpg.io/") {
		return facts, append(problems, "k8s/postgres-cluster.yaml: want one CloudNativePG Cluster")
	}
	cl := clusters[0]
	clName := str(get(cl, "metadata", "name"))
	if n := str(get(cl, "spec", "instances")); n != "3" {
		problems = append(problems, fmt.Sprintf("CloudNativePG cluster %s: %s instances, want 3", clName, n))
	}
	if v, ok := env["WATCHPOST_DATABASE_URL"]; ok {
		problems = append(problems, k8sDatabase(v, clName, str(get(cl, "spec", "bootstrap", "initdb", "database")), fromSecret, fileSecret, where)...)
	}

	// The Service, the budget, the ServiceMonitor.
	services := byKind(docs, "Service")
	if len(services) != 1 {
		return facts, append(problems, fmt.Sprintf("k8s/watchpost.yaml: %d Services, want 1", len(services)))
	}
	svc := services[0]
	facts.job = str(get(svc, "metadata", "name"))
	// Service links would put WATCHPOST_SERVICE_HOST, WATCHPOST_PORT and
	// the like in the replicas' environment, beside the configuration.
	links := strings.ToUpper(strings.ReplaceAll(facts.job, "-", "_")) + "_"
	if strings.HasPrefix(links, "WATCHPOST_") && str(pod["enableServiceLinks"]) != "false" {
		problems = append(problems, fmt.Sprintf("%s: enableServiceLinks is not false: the Service %s would set %s* variables", where, facts.job, links))
	}
	if !selects(mapOf(get(svc, "spec", "selector")), podLabels) {
		problems = append(problems, "k8s Service: its selector does not match the pods")
	}
	portNames := map[string]bool{}
	for _, sp := range list(get(svc, "spec", "ports")) {
		portNames[str(get(sp, "name"))] = true
		if got := resolve(get(sp, "targetPort")); got != port {
			problems = append(problems, fmt.Sprintf("k8s Service: targetPort %v, the server listens on %d", get(sp, "targetPort"), port))
		}
	}
	pdbs := byKind(docs, "PodDisruptionBudget")
	if len(pdbs) != 1 {
		problems = append(problems, fmt.Sprintf("k8s/watchpost.yaml: %d PodDisruptionBudgets, want 1", len(pdbs)))
	} else {
		pdb := pdbs[0]
		if !selects(mapOf(get(pdb, "spec", "selector", "matchLabels")), podLabels) {
			problems = append(problems, "k8s PodDisruptionBudget: its selector does not match the pods")
		}
		min, _ := strconv.Atoi(str(get(pdb, "spec", "minAvailable")))
		reps, _ := strconv.Atoi(str(get(dep, "spec", "replicas")))
		if min < 1 || min >= reps {
			problems = append(problems, fmt.Sprintf("k8s PodDisruptionBudget: minAvailable %d of %d replicas either protects nothing or blocks every drain", min, reps))
		}
	}
	mon, err := yamlDocs(in.monitoring)
	if err != nil {
		return facts, append(problems, "k8s/monitoring.yaml: "+err.Error())
	}
	for _, sm := range byKind(mon, "ServiceMonitor") {
		if !selects(mapOf(get(sm, "spec", "selector", "matchLabels")), mapOf(get(svc, "metadata", "labels"))) {
			problems = append(problems, "k8s ServiceMonitor: its selector does not match the Service")
		}
		if get(sm, "spec", "jobLabel") != nil {
			problems = append(problems, "k8s ServiceMonitor: a jobLabel changes the job the dashboard and the rules select")
		}
		for _, ep := range list(get(sm, "spec", "endpoints")) {
			if !portNames[str(get(ep, "port"))] {
				problems = append(problems, fmt.Sprintf("k8s ServiceMonitor: port %q is no port of the Service", str(get(ep, "port"))))
			}
			p := str(get(ep, "path"))
			if p == "" {
				p = "/metrics"
			}
			problems = append(problems, publicGET(w, p, "k8s ServiceMonitor")...)
		}
	}

	// kubectl apply -k applies what the kustomization lists.
	kz, err := yamlDoc(in.kustomization)
	if err != nil {
		return facts, append(problems, "k8s/kustomization.yaml: "+err.Error())
	}
	listed := strings_(kz["resources"])
	for _, f := range []string{"watchpost.yaml", "postgres-cluster.yaml"} {
		if !slices.Contains(listed, f) {
			problems = append(problems, "k8s/kustomization.yaml: does not list "+f)
		}
	}
	for _, f := range listed {
		if _, err := os.Stat(path.Join("k8s", f)); err != nil {
			problems = append(problems, "k8s/kustomization.yaml: "+err.Error())
		}
	}
	if !kubectlApp.Match(in.readme) {
		problems = append(problems, "README.md: no kubectl apply -k deploy/k8s command")
	}
	return facts, problems
}

// checkNATSValues checks the Helm values: a three-node cluster, JetStream
// on file storage with a volume per node, an fsync per acknowledgement.
func checkNATSValues(nv map[string]any) []string {
	var problems []string
	for _, c := range []struct {
		path []string
		want string
	}{
		{[]string{"config", "cluster", "enabled"}, "true"},
		{[]string{"config", "cluster", "replicas"}, "3"},
		{[]string{"config", "jetstream", "enabled"}, "true"},
		{[]string{"config", "jetstream", "fileStore", "enabled"}, "true"},
		{[]string{"config", "jetstream", "fileStore", "pvc", "enabled"}, "true"},
		{[]string{"config", "jetstream", "merge", "sync_interval"}, "always"},
	} {
		if got := str(get(nv, c.path...)); got != c.want {
			problems = append(problems, fmt.Sprintf("k8s/nats-values.yaml: %s is %q, want %s", strings.Join(c.path, "."), got, c.want))
		}
	}
	return problems
}

// k8sDatabase checks WATCHPOST_DATABASE_URL: the cluster's -rw service and
// database, the user and password from its -app secret (pgx reads PGUSER
// and PGPASSWORD), TLS checked against the cluster's CA.
func k8sDatabase(v, cluster, database string, fromSecret map[string][2]string,
	fileSecret func(string) (string, string, bool), where string) []string {
	var problems []string
	u, err := url.Parse(v)
	if err != nil {
		return []string{fmt.Sprintf("%s: WATCHPOST_DATABASE_URL: %v", where, err)}
	}
	if u.Hostname() != cluster+"-rw" {
		problems = append(problems, fmt.Sprintf("%s: WATCHPOST_DATABASE_URL names %s, not the primary's service %s-rw", where, u.Hostname(), cluster))
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != database {
		problems = append(problems, fmt.Sprintf("%s: WATCHPOST_DATABASE_URL names the database %q, the cluster makes %q", where, db, database))
	}
	if u.User != nil {
		problems = append(problems, where+": WATCHPOST_DATABASE_URL carries credentials; take them from the cluster's secret")
	}
	for _, e := range []struct{ env, key string }{{"PGUSER", "username"}, {"PGPASSWORD", "password"}} {
		if got := fromSecret[e.env]; got != [2]string{cluster + "-app", e.key} {
			problems = append(problems, fmt.Sprintf("%s: %s comes from %v, want the secret %s-app, key %s", where, e.env, got, cluster, e.key))
		}
	}
	q := u.Query()
	if q.Get("sslmode") != "verify-full" {
		problems = append(problems, fmt.Sprintf("%s: sslmode=%q, want verify-full", where, q.Get("sslmode")))
	}
	if secret, key, ok := fileSecret(q.Get("sslrootcert")); !ok || secret != cluster+"-ca" || key != "ca.crt" {
		problems = append(problems, fmt.Sprintf("%s: sslrootcert %q is not ca.crt of the secret %s-ca", where, q.Get("sslrootcert"), cluster))
	}
	// pgx takes the user and password the URL leaves out from the
	// environment (the certificate file exists only in the pod).
	q.Set("sslmode", "disable")
	q.Del("sslrootcert")
	plain := *u
	plain.RawQuery = q.Encode()
	restore := setEnv(map[string]string{"PGUSER": "from-secret", "PGPASSWORD": "from-secret-too"})
	cfg, err := pgconn.ParseConfig(plain.String())
	restore()
	if err != nil {
		return append(problems, fmt.Sprintf("%s: WATCHPOST_DATABASE_URL: %v", where, err))
	}
	if cfg.User != "from-secret" || cfg.Password != "from-secret-too" || cfg.Host != cluster+"-rw" {
		problems = append(problems, fmt.Sprintf("%s: pgx connects as %q to %s with WATCHPOST_DATABASE_URL, not with PGUSER and PGPASSWORD", where, cfg.User, cfg.Host))
	}
	return problems
}

// setEnv sets variables for the duration of a check and returns the undo.
func setEnv(vars map[string]string) func() {
	old := map[string]*string{}
	for k, v := range vars {
		if prev, ok := os.LookupEnv(k); ok {
			old[k] = &prev
		} else {
			old[k] = nil
		}
		os.Setenv(k, v)
	}
	return func() {
		for k, v := range old {
			if v == nil {
				os.Unsetenv(k)
			} else {
				os.Setenv(k, *v)
			}
		}
	}
}

func TestKubernetes(t *testing.T) {
	w := mustWorld(t)
	image, _ := checkDockerfile(w, readDeployFile(t, "Dockerfile"))
	_, problems := checkK8s(w, image, readK8sInputs(t))
	reportProblems(t, problems)
}
