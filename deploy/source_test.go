package deploy

// What the deployment files are checked against, read from the server's
// source rather than kept by hand: the environment variables the binary
// reads, the flags of `watchpost serve`, the HTTP routes, and the metrics
// it exports. The source is every non-test file of the module's packages
// that cmd/watchpost imports, directly or not.

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

const (
	promPath       = "github.com/prometheus/client_golang/prometheus"
	collectorsPath = "github.com/prometheus/client_golang/prometheus/collectors"
	promhttpPath   = "github.com/prometheus/client_golang/prometheus/promhttp"
	// binaryPkg is the package of the watchpost binary, relative to the
	// module root; httpapiPkg the one whose routes are the HTTP surface.
	binaryPkg  = "cmd/watchpost"
	httpapiPkg = "cmd/internal/httpapi"
)

type metricKind string

const (
	kindCounter   metricKind = "counter"
	kindGauge     metricKind = "gauge"
	kindHistogram metricKind = "histogram"
	kindSummary   metricKind = "summary"
)

// family is one metric the server exports, as its source declares it.
type family struct {
	name    string
	kind    metricKind
	labels  []string
	buckets []float64 // histograms whose buckets the source states
	where   string
}

// series is a name a PromQL selector can use: a family's own name, or a
// histogram's or summary's _bucket, _sum and _count.
type series struct {
	family      *family
	counterLike bool            // only meaningful under rate() and the like
	labels      map[string]bool // the labels the server puts on it
	bucket      bool            // a histogram's _bucket series (le)
}

type route struct {
	method, pattern string
	public          bool // served without a token (probes and scrapes can use it)
}

// world is everything derived from the source.
type world struct {
	root       string
	module     string
	envRead    map[string]string // variable -> where it is read
	serveFlags map[string]bool
	hasServe   bool
	routes     []route
	families   map[string]*family
	series     map[string]series
	// scrapeHandlers are the ErrorHandling values of the promhttp.HandlerOpts
	// literals ("" for the default); invalidMetrics the packages whose
	// collectors report an error instead of a value.
	scrapeHandlers []string
	invalidMetrics map[string]bool
	// readyChecks are the names of the readiness checks (httpapi.Check
	// literals), the values of watchpost_ready's check label.
	readyChecks []string
	// unreadable are places the derivation could not follow (a name that is
	// not a constant, say): the checks would be blind there, so they fail.
	unreadable []string
}

var (
	worldOnce sync.Once
	worldVal  *world
	worldErr  error
)

// theWorld derives the world once per test binary.
func theWorld() (*world, error) {
	worldOnce.Do(func() { worldVal, worldErr = deriveWorld("..") })
	return worldVal, worldErr
}

// srcPackage is one parsed package of the module.
type srcPackage struct {
	rel    string // directory relative to the module root
	files  []*ast.File
	consts map[string]string // package-level string constants
}

type source struct {
	fset     *token.FileSet
	module   string
	packages map[string]*srcPackage // by import path
}

func deriveWorld(root string) (*world, error) {
	module, err := modulePath(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	src := &source{fset: token.NewFileSet(), module: module, packages: map[string]*srcPackage{}}
	if err := src.load(root, module+"/"+binaryPkg); err != nil {
		return nil, err
	}
	w := &world{root: root, module: module, envRead: map[string]string{}, serveFlags: map[string]bool{},
		families: map[string]*family{}, series: map[string]series{}, invalidMetrics: map[string]bool{}}
	usesGo, usesProcess := false, false
	for _, path := range src.sortedPaths() {
		p := src.packages[path]
		for _, f := range p.files {
			w.readEnv(src, p, f)
			g, pr := w.readMetrics(src, p, f)
			w.readScrape(p, f)
			w.readReadyChecks(src, p, f)
			usesGo, usesProcess = usesGo || g, usesProcess || pr
			if p.rel == httpapiPkg {
				w.readRoutes(src, p, f)
			}
			if p.rel == binaryPkg {
				w.readFlags(f)
			}
		}
	}
	if err := w.addRuntimeCollectors(usesGo, usesProcess); err != nil {
		return nil, err
	}
	w.expandSeries()
	return w, nil
}

func modulePath(gomod string) (string, error) {
	b, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("%s: no module line", gomod)
}

// load parses the package at importPath and every package of the module it
// imports, transitively.
func (s *source) load(root, importPath string) error {
	if _, ok := s.packages[importPath]; ok {
		return nil
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(importPath, s.module), "/")
	dir := filepath.Join(root, filepath.FromSlash(rel))
	entries, err := os.ReadDir(dir)
	if err != nil {
		if importPath == s.module+"/"+binaryPkg {
			return err
		}
		// An import of a package being moved in the working tree: the
		// build reports it; the checks read what is there.
		return nil
	}
	p := &srcPackage{rel: rel, consts: map[string]string{}}
	s.packages[importPath] = p
	var imports []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(s.fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		p.files = append(p.files, f)
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if strings.HasPrefix(path, s.module+"/") {
				imports = append(imports, path)
			}
		}
	}
	for _, f := range p.files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							p.consts[n.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	for _, im := range imports {
		if err := s.load(root, im); err != nil {
			return err
		}
	}
	return nil
}

func (s *source) sortedPaths() []string {
	paths := make([]string, 0, len(s.packages))
	for p := range s.packages {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

func (s *source) where(n ast.Node) string {
	pos := s.fset.Position(n.Pos())
	rel, err := filepath.Rel("..", pos.Filename)
	if err != nil {
		rel = pos.Filename
	}
	return fmt.Sprintf("%s:%d", filepath.ToSlash(rel), pos.Line)
}

// importNames maps the names a file gives its imports to their paths.
func importNames(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		m[name] = path
	}
	return m
}

// stringValue evaluates a string literal, a string constant (of this
// package or, qualified, of another of the module), or a sum of them.
func (s *source) stringValue(e ast.Expr, p *srcPackage, imports map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			v, err := strconv.Unquote(e.Value)
			return v, err == nil
		}
	case *ast.Ident:
		v, ok := p.consts[e.Name]
		return v, ok
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			if other, ok := s.packages[imports[x.Name]]; ok {
				v, ok := other.consts[e.Sel.Name]
				return v, ok
			}
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, ok1 := s.stringValue(e.X, p, imports)
			b, ok2 := s.stringValue(e.Y, p, imports)
			return a + b, ok1 && ok2
		}
	case *ast.ParenExpr:
		return s.stringValue(e.X, p, imports)
	}
	return "", false
}

// isCall reports whether c calls pkgPath.name (through the file's name for
// the import).
func isCall(c *ast.CallExpr, imports map[string]string, pkgPath string, names ...string) (string, bool) {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || imports[x.Name] != pkgPath {
		return "", false
	}
	if len(names) > 0 && !slices.Contains(names, sel.Sel.Name) {
		return "", false
	}
	return sel.Sel.Name, true
}

// readEnv records the variables read with os.Getenv or os.LookupEnv: a
// constant name, or the field of a range over a literal table of them.
func (w *world) readEnv(s *source, p *srcPackage, f *ast.File) {
	imports := importNames(f)
	var ranges []*ast.RangeStmt
	ast.Inspect(f, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok {
			ranges = append(ranges, r)
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if _, ok := isCall(c, imports, "os", "Getenv", "LookupEnv"); !ok || len(c.Args) != 1 {
			return true
		}
		if name, ok := s.stringValue(c.Args[0], p, imports); ok {
			w.envRead[name] = s.where(c)
			return true
		}
		names, ok := s.rangeTableValues(c, c.Args[0], ranges, p, imports)
		if !ok {
			w.unreadable = append(w.unreadable, s.where(c)+": an environment variable whose name the check cannot read")
			return true
		}
		for _, name := range names {
			w.envRead[name] = s.where(c)
		}
		return true
	})
}

// rangeTableValues follows os.Getenv(v.field) inside `for _, v := range
// []struct{...}{...}` to the field's values in the table.
func (s *source) rangeTableValues(call *ast.CallExpr, arg ast.Expr, ranges []*ast.RangeStmt, p *srcPackage, imports map[string]string) ([]string, bool) {
	sel, ok := arg.(*ast.SelectorExpr)
	if !ok {
		return nil, false
	}
	v, ok := sel.X.(*ast.Ident)
	if !ok {
		return nil, false
	}
	for _, r := range ranges {
		val, ok := r.Value.(*ast.Ident)
		if !ok || val.Name != v.Name || call.Pos() < r.Body.Pos() || call.End() > r.Body.End() {
			continue
		}
		table, ok := r.X.(*ast.CompositeLit)
		if !ok {
			return nil, false
		}
		index := -1
		if at, ok := table.Type.(*ast.ArrayType); ok {
			if st, ok := at.Elt.(*ast.StructType); ok {
				i := 0
				for _, fld := range st.Fields.List {
					for _, n := range fld.Names {
						if n.Name == sel.Sel.Name {
							index = i
						}
						i++
					}
				}
			}
		}
		var out []string
		for _, elt := range table.Elts {
			row, ok := elt.(*ast.CompositeLit)
			if !ok {
				return nil, false
			}
			found := false
			for i, e := range row.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == sel.Sel.Name {
						e, found = kv.Value, true
					} else {
						continue
					}
				} else if i == index {
					found = true
				} else {
					continue
				}
				name, ok := s.stringValue(e, p, imports)
				if !ok {
					return nil, false
				}
				out = append(out, name)
				break
			}
			if !found {
				return nil, false
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}

// readFlags records the flags `watchpost serve` defines, its own and the
// common ones every command registers.
func (w *world) readFlags(f *ast.File) {
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		isServe := fd.Recv == nil && fd.Name.Name == "serve"
		isCommon := fd.Recv != nil && fd.Name.Name == "register" && recvName(fd) == "common"
		if isServe {
			w.hasServe = true
		}
		if !isServe && !isCommon {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			i := 0
			switch sel.Sel.Name {
			case "String", "Bool", "Int", "Int64", "Uint", "Uint64", "Float64", "Duration", "Func", "BoolFunc":
			case "StringVar", "BoolVar", "IntVar", "Int64Var", "UintVar", "Uint64Var", "Float64Var", "DurationVar", "TextVar", "Var":
				i = 1
			default:
				return true
			}
			if len(c.Args) > i {
				if lit, ok := c.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					name, _ := strconv.Unquote(lit.Value)
					w.serveFlags[name] = true
				}
			}
			return true
		})
	}
}

func recvName(fd *ast.FuncDecl) string {
	t := fd.Recv.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// readRoutes records the route table's entries: literals with a method and
// a pattern; public ones have a handler that needs no token.
func (w *world) readRoutes(s *source, p *srcPackage, f *ast.File) {
	imports := importNames(f)
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		var r route
		var haveMethod, havePattern bool
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			k, ok := kv.Key.(*ast.Ident)
			if !ok {
				continue
			}
			switch k.Name {
			case "method":
				r.method, haveMethod = s.stringValue(kv.Value, p, imports)
			case "pattern":
				r.pattern, havePattern = s.stringValue(kv.Value, p, imports)
			case "public":
				r.public = true
			}
		}
		if haveMethod && havePattern {
			w.routes = append(w.routes, r)
		}
		return true
	})
}

// readScrape records how /metrics answers when a collector fails.
func (w *world) readScrape(p *srcPackage, f *ast.File) {
	imports := importNames(f)
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CompositeLit:
			sel, ok := n.Type.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "HandlerOpts" {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || imports[x.Name] != promhttpPath {
				return true
			}
			handling := ""
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "ErrorHandling" {
						handling = "?"
						if v, ok := kv.Value.(*ast.SelectorExpr); ok {
							handling = v.Sel.Name
						}
					}
				}
			}
			w.scrapeHandlers = append(w.scrapeHandlers, handling)
		case *ast.CallExpr:
			if _, ok := isCall(n, imports, promPath, "NewInvalidMetric"); ok {
				w.invalidMetrics[p.rel] = true
			}
		}
		return true
	})
}

// readReadyChecks records the names of httpapi.Check literals.
func (w *world) readReadyChecks(s *source, p *srcPackage, f *ast.File) {
	imports := importNames(f)
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		arr, ok := lit.Type.(*ast.ArrayType)
		if !ok {
			return true
		}
		sel, ok := arr.Elt.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Check" {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || imports[x.Name] != s.module+"/"+httpapiPkg {
			return true
		}
		for _, e := range lit.Elts {
			c, ok := e.(*ast.CompositeLit)
			if !ok {
				continue
			}
			for _, ce := range c.Elts {
				kv, ok := ce.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Name" {
					name, ok := s.stringValue(kv.Value, p, imports)
					if !ok {
						w.unreadable = append(w.unreadable, s.where(kv)+": a readiness check whose name the check cannot read")
						continue
					}
					w.readyChecks = append(w.readyChecks, name)
				}
			}
		}
		return true
	})
}

// optsKinds are the client library's option types and the kind of metric
// each declares.
var optsKinds = map[string]metricKind{
	"CounterOpts": kindCounter, "GaugeOpts": kindGauge, "HistogramOpts": kindHistogram,
	"SummaryOpts": kindSummary, "UntypedOpts": kindGauge,
}

// readMetrics records the metrics declared with prometheus.*Opts literals
// (their Namespace, Subsystem and Name; the label names of a *Vec) and with
// prometheus.NewDesc, and whether the Go and process collectors are used.
func (w *world) readMetrics(s *source, p *srcPackage, f *ast.File) (goCollector, processCollector bool) {
	imports := importNames(f)
	consumed := map[*ast.CompositeLit]bool{}
	optsOf := func(e ast.Expr) (*ast.CompositeLit, metricKind) {
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
			e = u.X
		}
		lit, ok := e.(*ast.CompositeLit)
		if !ok {
			return nil, ""
		}
		sel, ok := lit.Type.(*ast.SelectorExpr)
		if !ok {
			return nil, ""
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok || imports[x.Name] != promPath {
			return nil, ""
		}
		return lit, optsKinds[sel.Sel.Name]
	}
	ast.Inspect(f, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if name, ok := isCall(c, imports, collectorsPath); ok {
			goCollector = goCollector || name == "NewGoCollector"
			processCollector = processCollector || name == "NewProcessCollector"
		}
		if _, ok := isCall(c, imports, promPath, "NewDesc"); ok && len(c.Args) >= 3 {
			name, ok := s.stringValue(c.Args[0], p, imports)
			if !ok {
				w.unreadable = append(w.unreadable, s.where(c)+": a metric whose name the check cannot read")
				return true
			}
			kind := kindGauge
			if strings.HasSuffix(name, "_total") {
				kind = kindCounter
			}
			labels, _ := s.stringList(c.Args[2], p, imports)
			if len(c.Args) >= 4 {
				labels = append(labels, mapKeys(s, c.Args[3], p, imports)...)
			}
			w.addFamily(&family{name: name, kind: kind, labels: labels, where: s.where(c)})
			return true
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok || !strings.HasPrefix(sel.Sel.Name, "New") || len(c.Args) == 0 {
			return true
		}
		lit, kind := optsOf(c.Args[0])
		if lit == nil || kind == "" {
			return true
		}
		consumed[lit] = true
		var labels []string
		if strings.HasSuffix(sel.Sel.Name, "Vec") && len(c.Args) >= 2 {
			var ok bool
			if labels, ok = s.stringList(c.Args[1], p, imports); !ok {
				w.unreadable = append(w.unreadable, s.where(c)+": label names the check cannot read")
			}
		}
		w.addOpts(s, p, imports, lit, kind, labels)
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, kind := optsOf(asExpr(n)); lit != nil && kind != "" && !consumed[lit] {
			w.addOpts(s, p, imports, lit, kind, nil)
		}
		return true
	})
	return goCollector, processCollector
}

func asExpr(n ast.Node) ast.Expr {
	e, _ := n.(ast.Expr)
	return e
}

func (w *world) addOpts(s *source, p *srcPackage, imports map[string]string, lit *ast.CompositeLit, kind metricKind, labels []string) {
	var ns, sub, name string
	var buckets []float64
	nameOK := false
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		k, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		switch k.Name {
		case "Namespace":
			ns, _ = s.stringValue(kv.Value, p, imports)
		case "Subsystem":
			sub, _ = s.stringValue(kv.Value, p, imports)
		case "Name":
			name, nameOK = s.stringValue(kv.Value, p, imports)
		case "ConstLabels":
			labels = append(labels, mapKeys(s, kv.Value, p, imports)...)
		case "Buckets":
			buckets = bucketValues(kv.Value, imports)
		}
	}
	if !nameOK {
		w.unreadable = append(w.unreadable, s.where(lit)+": a metric whose name the check cannot read")
		return
	}
	full := prometheus.BuildFQName(ns, sub, name)
	if kind == kindHistogram && buckets == nil && !hasKey(lit, "Buckets") {
		buckets = prometheus.DefBuckets
	}
	w.addFamily(&family{name: full, kind: kind, labels: labels, buckets: buckets, where: s.where(lit)})
}

func hasKey(lit *ast.CompositeLit, key string) bool {
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == key {
				return true
			}
		}
	}
	return false
}

func (w *world) addFamily(f *family) {
	if old, ok := w.families[f.name]; ok && old.kind != f.kind {
		w.unreadable = append(w.unreadable, fmt.Sprintf("%s: metric %s declared again, as a %s (a %s at %s)", f.where, f.name, f.kind, old.kind, old.where))
		return
	}
	w.families[f.name] = f
}

// stringList reads []string{...} (nil: no labels).
func (s *source) stringList(e ast.Expr, p *srcPackage, imports map[string]string) ([]string, bool) {
	if id, ok := e.(*ast.Ident); ok && id.Name == "nil" {
		return nil, true
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, false
	}
	var out []string
	for _, elt := range lit.Elts {
		v, ok := s.stringValue(elt, p, imports)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// mapKeys reads the keys of a prometheus.Labels{...} literal.
func mapKeys(s *source, e ast.Expr, p *srcPackage, imports map[string]string) []string {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	var out []string
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if k, ok := s.stringValue(kv.Key, p, imports); ok {
				out = append(out, k)
			}
		}
	}
	return out
}

// bucketValues reads a bucket list: literal numbers, or the library's
// linear and exponential constructors with literal arguments.
func bucketValues(e ast.Expr, imports map[string]string) []float64 {
	switch e := e.(type) {
	case *ast.CompositeLit:
		var out []float64
		for _, elt := range e.Elts {
			v, ok := numberValue(elt)
			if !ok {
				return nil
			}
			out = append(out, v)
		}
		return out
	case *ast.CallExpr:
		name, ok := isCall(e, imports, promPath, "ExponentialBuckets", "LinearBuckets")
		if !ok || len(e.Args) != 3 {
			return nil
		}
		a, ok1 := numberValue(e.Args[0])
		b, ok2 := numberValue(e.Args[1])
		n, ok3 := numberValue(e.Args[2])
		if !ok1 || !ok2 || !ok3 {
			return nil
		}
		if name == "ExponentialBuckets" {
			return prometheus.ExponentialBuckets(a, b, int(n))
		}
		return prometheus.LinearBuckets(a, b, int(n))
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && imports[x.Name] == promPath && e.Sel.Name == "DefBuckets" {
			return prometheus.DefBuckets
		}
	}
	return nil
}

func numberValue(e ast.Expr) (float64, bool) {
	neg := false
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.SUB {
		neg, e = true, u.X
	}
	lit, ok := e.(*ast.BasicLit)
	if !ok || (lit.Kind != token.INT && lit.Kind != token.FLOAT) {
		return 0, false
	}
	v, err := strconv.ParseFloat(lit.Value, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// addRuntimeCollectors adds what the Go and process collectors export, by
// asking them (their metrics depend on the library's version and the
// platform, not on this module's source).
func (w *world) addRuntimeCollectors(goCollector, processCollector bool) error {
	reg := prometheus.NewRegistry()
	if goCollector {
		reg.MustRegister(collectors.NewGoCollector())
	}
	if processCollector {
		reg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	mfs, err := reg.Gather()
	if err != nil {
		return err
	}
	for _, mf := range mfs {
		kind := kindGauge
		switch mf.GetType().String() {
		case "COUNTER":
			kind = kindCounter
		case "HISTOGRAM", "GAUGE_HISTOGRAM":
			kind = kindHistogram
		case "SUMMARY":
			kind = kindSummary
		}
		labels := map[string]bool{}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = true
			}
		}
		var names []string
		for l := range labels {
			names = append(names, l)
		}
		w.addFamily(&family{name: mf.GetName(), kind: kind, labels: names, where: "the client library's collectors"})
	}
	return nil
}

// expandSeries turns families into the series names a query can select.
func (w *world) expandSeries() {
	for _, f := range w.families {
		base := map[string]bool{}
		for _, l := range f.labels {
			base[l] = true
		}
		with := func(extra string) map[string]bool {
			m := map[string]bool{extra: true}
			for l := range base {
				m[l] = true
			}
			return m
		}
		switch f.kind {
		case kindCounter:
			w.series[f.name] = series{family: f, counterLike: true, labels: base}
		case kindGauge:
			w.series[f.name] = series{family: f, labels: base}
		case kindHistogram:
			w.series[f.name+"_bucket"] = series{family: f, counterLike: true, labels: with("le"), bucket: true}
			w.series[f.name+"_sum"] = series{family: f, counterLike: true, labels: base}
			w.series[f.name+"_count"] = series{family: f, counterLike: true, labels: base}
		case kindSummary:
			w.series[f.name] = series{family: f, labels: with("quantile")}
			w.series[f.name+"_sum"] = series{family: f, counterLike: true, labels: base}
			w.series[f.name+"_count"] = series{family: f, counterLike: true, labels: base}
		}
	}
}

// bucketBound reports whether le names one of the histogram's buckets.
func (f *family) bucketBound(le string) bool {
	if f.buckets == nil || le == "+Inf" {
		return true
	}
	v, err := strconv.ParseFloat(le, 64)
	if err != nil {
		return false
	}
	for _, b := range f.buckets {
		if math.Abs(b-v) <= 1e-9*math.Max(1, math.Abs(b)) {
			return true
		}
	}
	return false
}

func (w *world) route(method, path string) (route, bool) {
	for _, r := range w.routes {
		if r.method == method && r.pattern == path {
			return r, true
		}
	}
	return route{}, false
}
