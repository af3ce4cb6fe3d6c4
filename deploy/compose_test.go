package deploy

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// dockerStage is one FROM ... of a Dockerfile and its instructions.
type dockerStage struct {
	from, name string
	instrs     []dockerInstr
}

type dockerInstr struct {
	cmd, args string
}

// parseDockerfile splits a Dockerfile into stages and instructions,
// joining continued lines and dropping comments.
func parseDockerfile(b []byte) []dockerStage {
	var stages []dockerStage
	var logical []string
	cur := ""
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur == "") {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur += strings.TrimSuffix(trimmed, "\\") + " "
			continue
		}
		logical = append(logical, cur+trimmed)
		cur = ""
	}
	for _, l := range logical {
		cmd, args, _ := strings.Cut(l, " ")
		cmd = strings.ToUpper(cmd)
		args = strings.TrimSpace(args)
		if cmd == "FROM" {
			f := strings.Fields(args)
			st := dockerStage{}
			for i := 0; i < len(f); i++ {
				if strings.HasPrefix(f[i], "--") {
					continue
				}
				if st.from == "" {
					st.from = f[i]
				} else if strings.EqualFold(f[i], "AS") && i+1 < len(f) {
					st.name = f[i+1]
					break
				}
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].instrs = append(stages[len(stages)-1].instrs, dockerInstr{cmd, args})
		}
	}
	return stages
}

// execForm reads an instruction's JSON array; shell form needs a shell,
// which the runtime image does not have.
func execForm(args string) ([]string, bool) {
	var out []string
	if err := json.Unmarshal([]byte(args), &out); err != nil {
		return nil, false
	}
	return out, true
}

// imageFacts are what the image gives the manifests that run it.
type imageFacts struct {
	entrypoint, cmd []string
	port            int
}

// checkDockerfile checks the image: a Go 1.26 builder making a static
// binary of cmd/watchpost, a runtime stage that is not the builder, a
// non-root user, the serve command on a port it exposes, and a health check
// on /readyz that its image can run.
func checkDockerfile(w *world, b []byte) (imageFacts, []string) {
	var facts imageFacts
	var problems []string
	stages := parseDockerfile(b)
	if len(stages) < 2 {
		return facts, []string{"Dockerfile: not a multi-stage build"}
	}
	build, final := stages[0], stages[len(stages)-1]
	if !strings.HasPrefix(build.from, "golang:1.26") {
		problems = append(problems, fmt.Sprintf("Dockerfile: the builder is %s, want golang:1.26", build.from))
	}
	static, builds := false, false
	for _, in := range build.instrs {
		if (in.cmd == "ENV" || in.cmd == "ARG" || in.cmd == "RUN") && strings.Contains(in.args, "CGO_ENABLED=0") {
			static = true
		}
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") && strings.Contains(in.args, "./"+binaryPkg) {
			builds = true
		}
	}
	if !static {
		problems = append(problems, "Dockerfile: the builder does not set CGO_ENABLED=0 (a static binary)")
	}
	if !builds {
		problems = append(problems, "Dockerfile: the builder does not go build ./"+binaryPkg)
	}
	if strings.HasPrefix(final.from, "golang") {
		problems = append(problems, "Dockerfile: the runtime image is the Go toolchain")
	}
	stageNames := map[string]bool{}
	for i, s := range stages {
		stageNames[s.name] = true
		stageNames[strconv.Itoa(i)] = true
	}
	copied := map[string]bool{}
	user := ""
	var healthcheck, exposed string
	for _, in := range final.instrs {
		switch in.cmd {
		case "COPY":
			f := strings.Fields(in.args)
			from := ""
			var paths []string
			for _, a := range f {
				if v, ok := strings.CutPrefix(a, "--from="); ok {
					from = v
				} else if !strings.HasPrefix(a, "--") {
					paths = append(paths, a)
				}
			}
			if from != "" && !stageNames[from] {
				problems = append(problems, fmt.Sprintf("Dockerfile: COPY --from=%s names no stage", from))
			}
			if len(paths) >= 2 {
				copied[paths[len(paths)-1]] = true
			}
		case "USER":
			user = in.args
		case "ENTRYPOINT":
			var ok bool
			if facts.entrypoint, ok = execForm(in.args); !ok {
				problems = append(problems, "Dockerfile: ENTRYPOINT in shell form needs a shell")
			}
		case "CMD":
			var ok bool
			if facts.cmd, ok = execForm(in.args); !ok {
				problems = append(problems, "Dockerfile: CMD in shell form needs a shell")
			}
		case "HEALTHCHECK":
			healthcheck = in.args
		case "EXPOSE":
			exposed += " " + in.args
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	if uid == "" || uid == "0" || uid == "root" {
		problems = append(problems, fmt.Sprintf("Dockerfile: the runtime user is %q, want a non-root one", user))
	}
	if len(facts.entrypoint) == 0 || !copied[facts.entrypoint[0]] {
		problems = append(problems, fmt.Sprintf("Dockerfile: the entrypoint %v is not a file copied into the image", facts.entrypoint))
	}
	port, p := serveArgs(w, facts.cmd, "Dockerfile CMD")
	problems = append(problems, p...)
	facts.port = port
	if !slices.Contains(strings.Fields(exposed), strconv.Itoa(port)) {
		problems = append(problems, fmt.Sprintf("Dockerfile: does not EXPOSE %d", port))
	}
	// HEALTHCHECK [--options] CMD [...]
	hc := strings.TrimSpace(healthcheck)
	for strings.HasPrefix(hc, "--") {
		_, hc, _ = strings.Cut(hc, " ")
		hc = strings.TrimSpace(hc)
	}
	rest, isCmd := strings.CutPrefix(hc, "CMD")
	if !isCmd {
		return facts, append(problems, "Dockerfile: no HEALTHCHECK CMD")
	}
	probe, ok := execForm(strings.TrimSpace(rest))
	if !ok || len(probe) == 0 {
		return facts, append(problems, "Dockerfile: the HEALTHCHECK is in shell form, and the runtime image has no shell")
	}
	if !copied[probe[0]] {
		problems = append(problems, fmt.Sprintf("Dockerfile: the health check runs %s, which is not copied into the runtime image", probe[0]))
	}
	asked := ""
	for _, a := range probe {
		if strings.HasPrefix(a, "http://") {
			asked = a
		}
	}
	if asked == "" {
		return facts, append(problems, "Dockerfile: the health check asks no http:// URL")
	}
	if u, err := url.Parse(asked); err == nil && u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" {
		problems = append(problems, "Dockerfile: the health check asks "+u.Hostname()+", not the container itself")
	}
	return facts, append(problems, probeURL(w, asked, port, "/readyz", "Dockerfile HEALTHCHECK")...)
}

func TestDockerfile(t *testing.T) {
	w := mustWorld(t)
	_, problems := checkDockerfile(w, readDeployFile(t, "Dockerfile"))
	reportProblems(t, problems)
	ignore := string(readDeployFile(t, "Dockerfile.dockerignore"))
	for _, p := range []string{".git", "var", "deploy/secrets"} {
		if !slices.Contains(strings.Fields(ignore), p) {
			t.Errorf("Dockerfile.dockerignore: %s is sent to the build", p)
		}
	}
}

// composeEnv reads a service's environment (a map or KEY=VALUE lines).
func composeEnv(svc map[string]any) map[string]string {
	env := map[string]string{}
	switch e := svc["environment"].(type) {
	case map[string]any:
		for k, v := range e {
			env[k] = str(v)
		}
	case []any:
		for _, kv := range e {
			k, v, _ := strings.Cut(str(kv), "=")
			env[k] = v
		}
	}
	return env
}

// mounts maps a service's mount targets to their sources.
func mounts(svc map[string]any) map[string]string {
	m := map[string]string{}
	for _, v := range list(svc["volumes"]) {
		if s, ok := v.(string); ok {
			parts := strings.Split(s, ":")
			if len(parts) >= 2 {
				m[parts[1]] = parts[0]
			}
			continue
		}
		m[str(get(v, "target"))] = str(get(v, "source"))
	}
	return m
}

func serviceSecrets(svc map[string]any) map[string]bool {
	m := map[string]bool{}
	for _, s := range list(svc["secrets"]) {
		if name, ok := s.(string); ok {
			m[name] = true
		} else {
			m[str(get(s, "source"))] = true
		}
	}
	return m
}

// secretFile checks that path is where compose mounts one of the service's
// secrets.
func secretFile(top map[string]any, svc map[string]any, path, what string) []string {
	name, ok := strings.CutPrefix(path, "/run/secrets/")
	if !ok {
		return []string{fmt.Sprintf("%s=%s is not a compose secret (/run/secrets/...)", what, path)}
	}
	if !serviceSecrets(svc)[name] {
		return []string{fmt.Sprintf("%s names the secret %s, which the service does not get", what, name)}
	}
	if get(top, "secrets", name) == nil {
		return []string{fmt.Sprintf("%s names the secret %s, which compose does not define", what, name)}
	}
	if f := str(get(top, "secrets", name, "file")); !strings.HasPrefix(f, "./secrets/") {
		return []string{fmt.Sprintf("the secret %s comes from %q, outside deploy/secrets (kept out of git and of the image)", name, f)}
	}
	return nil
}

func isWatchpost(svc map[string]any) bool {
	return str(get(svc, "build", "dockerfile")) == "deploy/Dockerfile"
}

// composeFacts are what the compose file gives the monitoring checks.
type composeFacts struct {
	jobs map[string]bool // Prometheus scrape jobs
	// datasource is the uid of the Grafana datasource the dashboard must use.
	datasource string
}

// checkCompose checks deploy/compose.yaml, the NATS node files it mounts,
// and the Prometheus and Grafana configuration it mounts.
func checkCompose(w *world, image imageFacts, b []byte, readFile func(string) ([]byte, error)) (composeFacts, []string) {
	facts := composeFacts{jobs: map[string]bool{}}
	top, err := yamlDoc(b)
	if err != nil {
		return facts, []string{"compose.yaml: " + err.Error()}
	}
	var problems []string
	services := mapOf(top["services"])
	if len(services) == 0 {
		return facts, []string{"compose.yaml: no services"}
	}
	names := make([]string, 0, len(services))
	for n := range services {
		names = append(names, n)
	}
	slices.Sort(names)

	// The NATS nodes: their client addresses, from their own files.
	natsClients := map[string]bool{}
	var natsNodes []string
	for _, name := range names {
		svc := mapOf(services[name])
		if !strings.HasPrefix(str(svc["image"]), "nats:2.") {
			continue
		}
		natsNodes = append(natsNodes, name)
		where := "compose.yaml " + name
		cmd := argv(svc["command"])
		i := slices.Index(cmd, "--config")
		if i < 0 || i+1 >= len(cmd) {
			problems = append(problems, where+": no --config")
			continue
		}
		m := mounts(svc)
		src, ok := m[cmd[i+1]]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: --config %s is not a mounted file", where, cmd[i+1]))
			continue
		}
		conf, err := readFile(src)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", where, err))
			continue
		}
		node, p := checkNATSConf(string(conf), src)
		problems = append(problems, p...)
		if node.name != name {
			problems = append(problems, fmt.Sprintf("%s: %s names the node %q; routes and WATCHPOST_NATS_URL reach it by its service name", where, src, node.name))
		}
		natsClients[fmt.Sprintf("%s:%d", name, node.clientPort)] = true
		underVolume := false
		for target, source := range m {
			if !strings.HasPrefix(source, ".") && strings.HasPrefix(node.storeDir+"/", strings.TrimSuffix(target, "/")+"/") {
				underVolume = true
			}
		}
		if !underVolume {
			problems = append(problems, fmt.Sprintf("%s: the store %s is on no volume: the stream would go with the container", where, node.storeDir))
		}
		hc := strings.Join(argv(get(svc, "healthcheck", "test")), " ")
		if !strings.Contains(hc, fmt.Sprintf(":%d/healthz", node.httpPort)) {
			problems = append(problems, fmt.Sprintf("%s: the health check does not ask the node's /healthz on port %d", where, node.httpPort))
		}
		for _, r := range node.routes {
			host, _, _ := strings.Cut(r, ":")
			if get(services, host) == nil {
				problems = append(problems, fmt.Sprintf("%s: route %s names no service", src, r))
			}
		}
	}
	if len(natsNodes) != 3 {
		problems = append(problems, fmt.Sprintf("compose.yaml: %d NATS nodes, want 3", len(natsNodes)))
	}

	// PostgreSQL.
	pgName := ""
	for _, name := range names {
		img := str(get(services, name, "image"))
		if v, ok := strings.CutPrefix(img, "postgres:"); ok {
			pgName = name
			major, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
			if major < 15 {
				problems = append(problems, fmt.Sprintf("compose.yaml %s: %s, want PostgreSQL 15 or newer", name, img))
			}
			pw := composeEnv(mapOf(services[name]))["POSTGRES_PASSWORD_FILE"]
			problems = append(problems, secretFile(top, mapOf(services[name]), pw, "compose.yaml "+name+" POSTGRES_PASSWORD_FILE")...)
		}
	}
	if pgName == "" {
		problems = append(problems, "compose.yaml: no PostgreSQL service")
	}
	pgEnv := composeEnv(mapOf(services[pgName]))

	// The Watchpost replicas.
	replicas := map[string]int{} // service -> port
	for _, name := range names {
		svc := mapOf(services[name])
		if !isWatchpost(svc) {
			continue
		}
		where := "compose.yaml " + name
		if ctx := str(get(svc, "build", "context")); ctx != ".." {
			problems = append(problems, fmt.Sprintf("%s: build context %q, want the repository root (..)", where, ctx))
		}
		args := image.cmd
		if c := argv(svc["command"]); len(c) > 0 {
			args = c
		}
		port, p := serveArgs(w, args, where)
		problems = append(problems, p...)
		replicas[name] = port
		env := composeEnv(svc)
		literal := map[string]bool{}
		for k := range env {
			literal[k] = true
		}
		problems = append(problems, envProblems(w, env, literal, where)...)
		problems = append(problems, secretFile(top, svc, env["WATCHPOST_MASTER_KEY_FILE"], where+" WATCHPOST_MASTER_KEY_FILE")...)
		if pf, ok := env["PGPASSFILE"]; ok {
			problems = append(problems, secretFile(top, svc, pf, where+" PGPASSFILE")...)
		}
		if v, ok := env["WATCHPOST_NATS_URL"]; ok {
			hosts, err := natsURLs(v)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: WATCHPOST_NATS_URL: %v", where, err))
			}
			got := map[string]bool{}
			for _, h := range hosts {
				got[h] = true
				if !natsClients[h] {
					problems = append(problems, fmt.Sprintf("%s: WATCHPOST_NATS_URL names %s, which is no NATS node's client address", where, h))
				}
			}
			for h := range natsClients {
				if !got[h] {
					problems = append(problems, fmt.Sprintf("%s: WATCHPOST_NATS_URL leaves out the node %s", where, h))
				}
			}
		}
		if v, ok := env["WATCHPOST_DATABASE_URL"]; ok {
			problems = append(problems, composeDatabase(v, pgName, pgEnv, where)...)
		}
		for _, dep := range append(slices.Clone(natsNodes), pgName) {
			if str(get(svc, "depends_on", dep, "condition")) != "service_healthy" {
				problems = append(problems, fmt.Sprintf("%s: does not wait for %s to be healthy", where, dep))
			}
		}
		for _, pm := range strings_(svc["ports"]) {
			parts := strings.Split(pm, ":")
			if parts[len(parts)-1] != strconv.Itoa(port) {
				problems = append(problems, fmt.Sprintf("%s: publishes container port %s, the server listens on %d", where, parts[len(parts)-1], port))
			}
		}
		if hc := argv(get(svc, "healthcheck", "test")); len(hc) > 0 {
			asked := ""
			for _, a := range hc {
				if strings.HasPrefix(a, "http://") {
					asked = a
				}
			}
			problems = append(problems, probeURL(w, asked, port, "/readyz", where+" healthcheck")...)
		}
	}
	if len(replicas) != 2 {
		problems = append(problems, fmt.Sprintf("compose.yaml: %d Watchpost replicas, want 2", len(replicas)))
	}

	// Prometheus scrapes every replica.
	promName := ""
	for _, name := range names {
		if strings.HasPrefix(str(get(services, name, "image")), "prom/prometheus:") {
			promName = name
		}
	}
	if promName == "" {
		return facts, append(problems, "compose.yaml: no Prometheus")
	}
	prom := mapOf(services[promName])
	pm := mounts(prom)
	configPath := "/etc/prometheus/prometheus.yml"
	for _, a := range argv(prom["command"]) {
		if v, ok := strings.CutPrefix(a, "--config.file="); ok {
			configPath = v
		}
	}
	src, ok := pm[configPath]
	if !ok {
		return facts, append(problems, "compose.yaml prometheus: its configuration file is not mounted")
	}
	raw, err := readFile(src)
	if err != nil {
		return facts, append(problems, err.Error())
	}
	pcfg, err := yamlDoc(raw)
	if err != nil {
		return facts, append(problems, src+": "+err.Error())
	}
	for _, rf := range strings_(pcfg["rule_files"]) {
		if s, ok := pm[rf]; !ok {
			problems = append(problems, fmt.Sprintf("%s: the rule file %s is not mounted", src, rf))
		} else if _, err := readFile(s); err != nil {
			problems = append(problems, err.Error())
		}
	}
	scraped := map[string]bool{}
	for _, sc := range list(pcfg["scrape_configs"]) {
		job := str(get(sc, "job_name"))
		facts.jobs[job] = true
		metricsPath := str(get(sc, "metrics_path"))
		if metricsPath == "" {
			metricsPath = "/metrics"
		}
		for _, stc := range list(get(sc, "static_configs")) {
			for _, target := range strings_(get(stc, "targets")) {
				host, port, _ := strings.Cut(target, ":")
				want, ok := replicas[host]
				if !ok {
					problems = append(problems, fmt.Sprintf("%s: job %s scrapes %s, which is no Watchpost replica", src, job, target))
					continue
				}
				if port != strconv.Itoa(want) {
					problems = append(problems, fmt.Sprintf("%s: scrapes %s, the server listens on %d", src, target, want))
				}
				scraped[host] = true
				problems = append(problems, publicGET(w, metricsPath, src+" metrics_path")...)
			}
		}
	}
	for r := range replicas {
		if !scraped[r] {
			problems = append(problems, fmt.Sprintf("%s: the replica %s is not scraped", src, r))
		}
	}

	// Grafana: the datasource is this Prometheus, the dashboards are mounted
	// where the provider reads them.
	grafName := ""
	for _, name := range names {
		if strings.HasPrefix(str(get(services, name, "image")), "grafana/grafana") {
			grafName = name
		}
	}
	if grafName == "" {
		return facts, append(problems, "compose.yaml: no Grafana")
	}
	gm := mounts(mapOf(services[grafName]))
	prov, ok := gm["/etc/grafana/provisioning"]
	if !ok {
		return facts, append(problems, "compose.yaml grafana: no provisioning mounted")
	}
	dsRaw, err := readFile(path.Join(prov, "datasources/prometheus.yaml"))
	if err != nil {
		return facts, append(problems, err.Error())
	}
	ds, err := yamlDoc(dsRaw)
	if err != nil {
		return facts, append(problems, err.Error())
	}
	for _, d := range list(ds["datasources"]) {
		if str(get(d, "type")) != "prometheus" {
			continue
		}
		u, err := url.Parse(str(get(d, "url")))
		if err != nil || u.Hostname() != promName || u.Port() != "9090" {
			problems = append(problems, fmt.Sprintf("grafana datasource %q: not the compose Prometheus (%s:9090)", str(get(d, "url")), promName))
		}
		facts.datasource = str(get(d, "uid"))
	}
	if facts.datasource == "" {
		problems = append(problems, "grafana: no Prometheus datasource with a uid")
	}
	provRaw, err := readFile(path.Join(prov, "dashboards/watchpost.yaml"))
	if err != nil {
		return facts, append(problems, err.Error())
	}
	pv, err := yamlDoc(provRaw)
	if err != nil {
		return facts, append(problems, err.Error())
	}
	for _, p := range list(pv["providers"]) {
		dir := str(get(p, "options", "path"))
		src, ok := gm[dir]
		if !ok {
			problems = append(problems, fmt.Sprintf("grafana dashboard provider reads %s, where nothing is mounted", dir))
			continue
		}
		if _, err := readFile(path.Join(src, "watchpost.json")); err != nil {
			problems = append(problems, "grafana: the dashboard is not in the provider's directory: "+err.Error())
		}
	}
	return facts, problems
}

// composeDatabase checks WATCHPOST_DATABASE_URL against the PostgreSQL
// service, and that pgx finds the password in a pgpass file of the form the
// README gives.
func composeDatabase(v, pgName string, pgEnv map[string]string, where string) []string {
	u, err := url.Parse(v)
	if err != nil {
		return []string{fmt.Sprintf("%s: WATCHPOST_DATABASE_URL: %v", where, err)}
	}
	var problems []string
	user, db := u.User.Username(), strings.TrimPrefix(u.Path, "/")
	if u.Hostname() != pgName || u.Port() != "5432" {
		problems = append(problems, fmt.Sprintf("%s: WATCHPOST_DATABASE_URL names %s, not the PostgreSQL service %s:5432", where, u.Host, pgName))
	}
	if user != pgEnv["POSTGRES_USER"] || db != pgEnv["POSTGRES_DB"] {
		problems = append(problems, fmt.Sprintf("%s: WATCHPOST_DATABASE_URL is user %q, database %q; PostgreSQL makes %q, %q", where, user, db, pgEnv["POSTGRES_USER"], pgEnv["POSTGRES_DB"]))
	}
	if _, set := u.User.Password(); set {
		problems = append(problems, where+": WATCHPOST_DATABASE_URL carries the password")
	}
	dir, err := os.MkdirTemp("", "pgpass")
	if err != nil {
		return append(problems, err.Error())
	}
	defer os.RemoveAll(dir)
	pass := filepath.Join(dir, "pgpass")
	line := fmt.Sprintf("%s:5432:%s:%s:secret\n", pgName, pgEnv["POSTGRES_DB"], pgEnv["POSTGRES_USER"])
	if err := os.WriteFile(pass, []byte(line), 0o600); err != nil {
		return append(problems, err.Error())
	}
	withPass := *u
	q := withPass.Query()
	q.Set("passfile", pass)
	withPass.RawQuery = q.Encode()
	cfg, err := pgconn.ParseConfig(withPass.String())
	if err != nil {
		return append(problems, fmt.Sprintf("%s: WATCHPOST_DATABASE_URL: %v", where, err))
	}
	if cfg.Password != "secret" {
		problems = append(problems, fmt.Sprintf("%s: pgx finds no password in a pgpass line %q for WATCHPOST_DATABASE_URL", where, strings.TrimSpace(line)))
	}
	return problems
}

// natsNode is what a node's configuration says.
type natsNode struct {
	name                          string
	clientPort, httpPort, cluster int
	storeDir                      string
	routes                        []string // host:port
}

// checkNATSConf checks a node's file: JetStream with an fsync per
// acknowledgement, file storage, a cluster that routes to every node.
func checkNATSConf(s, where string) (natsNode, []string) {
	var n natsNode
	m, err := parseNATSConf(s)
	if err != nil {
		return n, []string{where + ": " + err.Error()}
	}
	var problems []string
	n.name = str(m["server_name"])
	if n.name == "" {
		problems = append(problems, where+": no server_name (JetStream in a cluster needs one)")
	}
	if n.clientPort, err = portOf(str(m["listen"])); err != nil {
		problems = append(problems, where+": listen: "+err.Error())
	}
	if n.httpPort, err = portOf(str(m["http"])); err != nil {
		problems = append(problems, where+": http: "+err.Error())
	}
	js := mapOf(m["jetstream"])
	if js == nil {
		problems = append(problems, where+": JetStream is not enabled")
	}
	if v := str(js["sync_interval"]); v != "always" {
		problems = append(problems, fmt.Sprintf("%s: sync_interval is %q, want always (an fsync before every acknowledgement)", where, v))
	}
	n.storeDir = str(js["store_dir"])
	if n.storeDir == "" {
		problems = append(problems, where+": no store_dir")
	}
	cl := mapOf(m["cluster"])
	if cl == nil {
		return n, append(problems, where+": no cluster")
	}
	if n.cluster, err = portOf(str(cl["listen"])); err != nil {
		problems = append(problems, where+": cluster listen: "+err.Error())
	}
	for _, r := range strings_(cl["routes"]) {
		u, err := url.Parse(r)
		if err != nil || u.Scheme != "nats-route" {
			problems = append(problems, fmt.Sprintf("%s: route %q", where, r))
			continue
		}
		n.routes = append(n.routes, u.Host)
	}
	if !slices.Contains(n.routes, fmt.Sprintf("%s:%d", n.name, n.cluster)) {
		problems = append(problems, fmt.Sprintf("%s: the routes leave out the node itself (%s:%d): the three files should list the same routes", where, n.name, n.cluster))
	}
	if len(n.routes) != 3 {
		problems = append(problems, fmt.Sprintf("%s: %d routes, want the three nodes", where, len(n.routes)))
	}
	return n, problems
}

func TestCompose(t *testing.T) {
	w := mustWorld(t)
	image, _ := checkDockerfile(w, readDeployFile(t, "Dockerfile"))
	_, problems := checkCompose(w, image, readDeployFile(t, "compose.yaml"), deployFiles)
	reportProblems(t, problems)
}

// deployFiles reads a path the compose file names, relative to deploy/.
func deployFiles(p string) ([]byte, error) { return os.ReadFile(filepath.FromSlash(p)) }

func TestNATSNodeFiles(t *testing.T) {
	nodes := map[string]natsNode{}
	for _, f := range []string{"nats/node1.conf", "nats/node2.conf", "nats/node3.conf"} {
		n, problems := checkNATSConf(string(readDeployFile(t, f)), f)
		reportProblems(t, problems)
		nodes[fmt.Sprintf("%s:%d", n.name, n.cluster)] = n
	}
	for _, n := range nodes {
		for _, r := range n.routes {
			if _, ok := nodes[r]; !ok {
				t.Errorf("node %s routes to %s, which is no node's cluster address", n.name, r)
			}
		}
	}
}
