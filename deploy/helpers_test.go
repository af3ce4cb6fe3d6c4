package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"gopkg.in/yaml.v3"
)

// mustWorld returns the world derived from the source, failing the test if
// the derivation failed or could not follow something.
func mustWorld(t *testing.T) *world {
	t.Helper()
	w, err := theWorld()
	if err != nil {
		t.Fatalf("reading the server's source: %v", err)
	}
	return w
}

// readDeployFile reads a file of deploy/ (the test's directory).
func readDeployFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// yamlDocs decodes every document of a YAML stream.
func yamlDocs(b []byte) ([]map[string]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []map[string]any
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if m != nil {
			docs = append(docs, m)
		}
	}
}

func yamlDoc(b []byte) (map[string]any, error) {
	docs, err := yamlDocs(b)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 {
		return nil, fmt.Errorf("%d YAML documents, want 1", len(docs))
	}
	return docs[0], nil
}

// get walks maps by keys; nil when a step is missing.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return ""
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func strings_(v any) []string {
	var out []string
	for _, e := range list(v) {
		out = append(out, str(e))
	}
	return out
}

// argv reads a command given as a list or as one string.
func argv(v any) []string {
	if s, ok := v.(string); ok {
		return strings.Fields(s)
	}
	return strings_(v)
}

// serveArgs checks a `watchpost serve ...` command line (without the
// program) against the binary's flags and returns the port it listens on.
func serveArgs(w *world, args []string, where string) (port int, problems []string) {
	if !w.hasServe {
		problems = append(problems, "the binary has no serve command")
	}
	if len(args) == 0 || args[0] != "serve" {
		return 0, append(problems, fmt.Sprintf("%s: runs %q, not watchpost serve", where, args))
	}
	addr := ""
	for i := 1; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			problems = append(problems, fmt.Sprintf("%s: stray argument %q", where, a))
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !w.serveFlags[name] {
			problems = append(problems, fmt.Sprintf("%s: watchpost serve has no flag --%s", where, name))
			continue
		}
		if !hasValue && i+1 < len(args) {
			i++
			value = args[i]
		}
		if name == "addr" {
			addr = value
		}
	}
	if addr == "" {
		return 0, append(problems, fmt.Sprintf("%s: no --addr: serve listens on 127.0.0.1, out of reach from outside the container", where))
	}
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, append(problems, fmt.Sprintf("%s: --addr %q: %v", where, addr, err))
	}
	if host != "0.0.0.0" && host != "" && host != "::" {
		problems = append(problems, fmt.Sprintf("%s: --addr %q listens on %s only, out of reach from outside the container", where, addr, host))
	}
	port, err = strconv.Atoi(p)
	if err != nil {
		problems = append(problems, fmt.Sprintf("%s: --addr %q: bad port", where, addr))
	}
	return port, problems
}

// publicGET reports a problem unless path is a GET route served without a
// token (probes and scrapes carry none).
func publicGET(w *world, path, what string) []string {
	r, ok := w.route("GET", path)
	switch {
	case !ok:
		return []string{fmt.Sprintf("%s: GET %s is not a route of the server", what, path)}
	case !r.public:
		return []string{fmt.Sprintf("%s: GET %s needs a token, which a probe does not send", what, path)}
	}
	return nil
}

// probeURL checks an http://host:port/path a health check asks.
func probeURL(w *world, raw string, port int, wantPath, what string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", what, err)}
	}
	var problems []string
	if u.Port() != strconv.Itoa(port) {
		problems = append(problems, fmt.Sprintf("%s: asks port %q, the server listens on %d", what, u.Port(), port))
	}
	if u.Path != wantPath {
		problems = append(problems, fmt.Sprintf("%s: asks %s, want %s", what, u.Path, wantPath))
	}
	return append(problems, publicGET(w, u.Path, what)...)
}

// The configuration a production replica must have: the cluster and the
// database (without them serve starts embedded ones, which the image cannot
// run), a replicated stream, and the master key (refused at start without
// it when the database is external).
var requiredEnv = []string{"WATCHPOST_NATS_URL", "WATCHPOST_DATABASE_URL", "WATCHPOST_STREAM_REPLICAS"}

var masterKeyEnv = []string{"WATCHPOST_MASTER_KEY_FILE", "WATCHPOST_MASTER_KEY"}

// otherEnv are variables the deployment may set that are not Watchpost's:
// pgx reads the PostgreSQL ones (pgconn.ParseConfig), the Go runtime its
// own.
var otherEnv = set("PGUSER", "PGPASSWORD", "PGPASSFILE", "PGSSLROOTCERT", "GOMEMLIMIT", "GOMAXPROCS", "GOGC", "GODEBUG")

// envProblems checks the environment a replica gets: literal holds the
// variables with a literal value (the others come from a secret).
func envProblems(w *world, env map[string]string, literal map[string]bool, where string) []string {
	var problems []string
	names := make([]string, 0, len(env))
	for n := range env {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, "WATCHPOST_"):
			if _, ok := w.envRead[n]; !ok {
				problems = append(problems, fmt.Sprintf("%s: sets %s, which the binary does not read", where, n))
			}
		case !otherEnv[n]:
			problems = append(problems, fmt.Sprintf("%s: sets %s, read neither by the binary nor by its PostgreSQL driver", where, n))
		}
	}
	for _, n := range append(slices.Clone(requiredEnv), masterKeyEnv...) {
		if _, ok := w.envRead[n]; !ok {
			problems = append(problems, fmt.Sprintf("the binary no longer reads %s, which a production replica needs", n))
		}
	}
	for _, n := range requiredEnv {
		if _, ok := env[n]; !ok {
			problems = append(problems, fmt.Sprintf("%s: %s is not set", where, n))
		}
	}
	if _, ok := env["WATCHPOST_MASTER_KEY_FILE"]; !ok {
		if _, ok := env["WATCHPOST_MASTER_KEY"]; !ok {
			problems = append(problems, fmt.Sprintf("%s: no master key (WATCHPOST_MASTER_KEY_FILE)", where))
		}
	}
	if literal["WATCHPOST_MASTER_KEY"] {
		problems = append(problems, fmt.Sprintf("%s: the master key is written in the file; read it from a secret", where))
	}
	if v, ok := env["WATCHPOST_STREAM_REPLICAS"]; ok && v != "3" {
		problems = append(problems, fmt.Sprintf("%s: WATCHPOST_STREAM_REPLICAS=%q, want 3 on a three-node cluster", where, v))
	}
	return problems
}

// natsURLs splits WATCHPOST_NATS_URL into host:port pairs.
func natsURLs(v string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(v, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		if u.Scheme != "nats" && u.Scheme != "tls" {
			return nil, fmt.Errorf("%q: scheme %q", part, u.Scheme)
		}
		out = append(out, u.Host)
	}
	return out, nil
}

// parseNATSConf reads the NATS server configuration format as far as the
// node files use it: key/value pairs (":", "=" or a space between), blocks
// in braces, arrays in brackets, quoted or bare values, # and // comments.
func parseNATSConf(s string) (map[string]any, error) {
	p := &confParser{s: s}
	m, err := p.block(false)
	if err != nil {
		return nil, fmt.Errorf("line %d: %w", p.line(), err)
	}
	return m, nil
}

type confParser struct {
	s string
	i int
}

func (p *confParser) line() int { return strings.Count(p.s[:p.i], "\n") + 1 }

// skip passes spaces, comments and, with newlines, line ends and commas.
func (p *confParser) skip(newlines bool) {
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '#' || strings.HasPrefix(p.s[p.i:], "//"):
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		case c == ' ' || c == '\t' || c == '\r':
			p.i++
		case newlines && (c == '\n' || c == ',' || c == ';'):
			p.i++
		default:
			return
		}
	}
}

func (p *confParser) block(braced bool) (map[string]any, error) {
	m := map[string]any{}
	for {
		p.skip(true)
		if p.i >= len(p.s) {
			if braced {
				return nil, errors.New("unclosed {")
			}
			return m, nil
		}
		if p.s[p.i] == '}' {
			if !braced {
				return nil, errors.New("unexpected }")
			}
			p.i++
			return m, nil
		}
		key := p.word()
		if key == "" {
			return nil, fmt.Errorf("expected a key at %q", p.rest())
		}
		p.skip(false)
		if p.i < len(p.s) && (p.s[p.i] == ':' || p.s[p.i] == '=') {
			p.i++
			p.skip(false)
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
}

func (p *confParser) rest() string {
	end := min(p.i+20, len(p.s))
	return p.s[p.i:end]
}

func (p *confParser) word() string {
	if p.i < len(p.s) && (p.s[p.i] == '"' || p.s[p.i] == '\'') {
		v, _ := p.quoted()
		return v
	}
	start := p.i
	for p.i < len(p.s) {
		c := rune(p.s[p.i])
		if unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '$' {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

func (p *confParser) quoted() (string, error) {
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unclosed quote")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

func (p *confParser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, errors.New("missing value")
	}
	switch p.s[p.i] {
	case '{':
		p.i++
		return p.block(true)
	case '[':
		p.i++
		var l []any
		for {
			p.skip(true)
			if p.i >= len(p.s) {
				return nil, errors.New("unclosed [")
			}
			if p.s[p.i] == ']' {
				p.i++
				return l, nil
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
	case '"', '\'':
		return p.quoted()
	}
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune("\n,;}]#", rune(p.s[p.i])) {
		p.i++
	}
	return strings.TrimSpace(p.s[start:p.i]), nil
}

// hostPort reads a listen address ("0.0.0.0:4222", or a port alone).
func portOf(addr string) (int, error) {
	if !strings.Contains(addr, ":") {
		return strconv.Atoi(addr)
	}
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(p)
}

func hasProblem(problems []string, substr string) bool {
	for _, p := range problems {
		if strings.Contains(p, substr) {
			return true
		}
	}
	return false
}

func reportProblems(t *testing.T, problems []string) {
	t.Helper()
	for _, p := range problems {
		t.Error(p)
	}
}
