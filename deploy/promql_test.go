package deploy

// A reader of PromQL that finds what a query selects: the metric names,
// their label matchers, the functions around them, and the labels its
// aggregations and vector matches name. It is not a full parser (the
// expressions are checked by Prometheus when it loads them); it knows
// enough of the grammar to tell a metric from a function, a keyword or a
// label, which is what the checks need.

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

type matcher struct {
	label, op, value string
}

type selection struct {
	metric   string
	matchers []matcher
	funcs    []string // the calls around it, outermost first
}

type query struct {
	selections []selection
	// grouping are the labels of by, without, on, ignoring, group_left and
	// group_right clauses.
	grouping []string
}

type tokenKind int

const (
	tokIdent tokenKind = iota
	tokString
	tokNumber
	tokVar // a Grafana variable: $__rate_interval, ${x}
	tokPunct
)

type tok struct {
	kind tokenKind
	text string
}

var (
	aggregations = set("sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk",
		"quantile", "count_values", "group", "limitk", "limit_ratio")
	groupingWords = set("by", "without", "on", "ignoring", "group_left", "group_right")
	otherWords    = set("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end")
)

func set(words ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[w] = true
	}
	return m
}

func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func lexPromQL(s string) ([]tok, error) {
	var out []tok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '[':
			// A range or a subquery: durations and Grafana variables only.
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed [ at %d", i)
			}
			out = append(out, tok{tokPunct, "[]"})
			i += j + 1
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' && c != '`' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unclosed string at %d", i)
			}
			raw := s[i : j+1]
			v := raw[1 : len(raw)-1]
			if c == '"' {
				if u, err := strconv.Unquote(raw); err == nil {
					v = u
				}
			}
			out = append(out, tok{tokString, v})
			i = j + 1
		case c == '$':
			j := i + 1
			if j < len(s) && s[j] == '{' {
				k := strings.IndexByte(s[j:], '}')
				if k < 0 {
					return nil, fmt.Errorf("unclosed ${ at %d", i)
				}
				j += k + 1
			} else {
				for j < len(s) && isIdentChar(s[j]) {
					j++
				}
			}
			out = append(out, tok{tokVar, s[i:j]})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i
			for j < len(s) && (isIdentChar(s[j]) && s[j] != ':' || s[j] == '.') {
				j++
			}
			out = append(out, tok{tokNumber, s[i:j]})
			i = j
		case isIdentStart(c):
			j := i
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			out = append(out, tok{tokIdent, s[i:j]})
			i = j
		default:
			two := ""
			if i+1 < len(s) {
				two = s[i : i+2]
			}
			switch two {
			case "==", "!=", "=~", "!~", ">=", "<=":
				out = append(out, tok{tokPunct, two})
				i += 2
				continue
			}
			if !strings.ContainsRune("(){},+-*/%^<>=@", rune(c)) {
				return nil, fmt.Errorf("unexpected %q at %d", c, i)
			}
			out = append(out, tok{tokPunct, string(c)})
			i++
		}
	}
	return out, nil
}

// readQuery finds what expr selects.
func readQuery(expr string) (query, error) {
	toks, err := lexPromQL(expr)
	if err != nil {
		return query{}, err
	}
	var q query
	// The open parentheses: a call's name, or "" for a plain group.
	var stack []string
	peek := func(i int) tok {
		if i < len(toks) {
			return toks[i]
		}
		return tok{kind: tokPunct}
	}
	// labelList reads "( a, b )" at i and returns the index after it.
	labelList := func(i int) (int, error) {
		if peek(i).text != "(" {
			return i, nil // group_left without labels
		}
		for i++; i < len(toks); i++ {
			switch t := toks[i]; {
			case t.text == ")":
				return i + 1, nil
			case t.text == ",":
			case t.kind == tokIdent:
				q.grouping = append(q.grouping, t.text)
			default:
				return i, fmt.Errorf("unexpected %q in a label list", t.text)
			}
		}
		return i, fmt.Errorf("unclosed label list")
	}
	// matchers reads "{ l op "v", ... }" at i (the brace) into sel.
	matchers := func(i int, sel *selection) (int, error) {
		for i++; i < len(toks); {
			t := toks[i]
			switch {
			case t.text == "}":
				return i + 1, nil
			case t.text == ",":
				i++
			case t.kind == tokIdent || t.kind == tokString:
				op, v := peek(i+1), peek(i+2)
				if !slices3(op.text, "=", "!=", "=~", "!~") || v.kind != tokString {
					return i, fmt.Errorf("bad matcher after %q", t.text)
				}
				sel.matchers = append(sel.matchers, matcher{t.text, op.text, v.text})
				i += 3
			default:
				return i, fmt.Errorf("unexpected %q in a selector", t.text)
			}
		}
		return i, fmt.Errorf("unclosed selector")
	}
	calls := func() []string {
		var out []string
		for _, s := range stack {
			if s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	for i := 0; i < len(toks); {
		t := toks[i]
		switch {
		case t.kind == tokIdent && groupingWords[t.text]:
			if i, err = labelList(i + 1); err != nil {
				return q, err
			}
		case t.kind == tokIdent && aggregations[t.text] && peek(i+1).kind == tokIdent && (peek(i+1).text == "by" || peek(i+1).text == "without"):
			// sum by (x) (...): the clause first, then the call.
			j, err := labelList(i + 2)
			if err != nil {
				return q, err
			}
			if peek(j).text != "(" {
				return q, fmt.Errorf("%s by (...) without its argument", t.text)
			}
			stack = append(stack, t.text)
			i = j + 1
		case t.kind == tokIdent && otherWords[t.text]:
			i++
		case t.kind == tokIdent && peek(i+1).text == "(":
			stack = append(stack, t.text)
			i += 2
		case t.kind == tokIdent:
			sel := selection{metric: t.text, funcs: calls()}
			i++
			if peek(i).text == "{" {
				if i, err = matchers(i, &sel); err != nil {
					return q, err
				}
			}
			q.selections = append(q.selections, sel)
		case t.text == "{":
			var sel selection
			if i, err = matchers(i, &sel); err != nil {
				return q, err
			}
			for _, m := range sel.matchers {
				if m.label == "__name__" && m.op == "=" {
					sel.metric = m.value
				}
			}
			if sel.metric == "" {
				return q, fmt.Errorf("a selector without a metric name")
			}
			sel.funcs = calls()
			q.selections = append(q.selections, sel)
		case t.text == "(":
			stack = append(stack, "")
			i++
		case t.text == ")":
			if len(stack) == 0 {
				return q, fmt.Errorf("unbalanced )")
			}
			stack = stack[:len(stack)-1]
			i++
		default:
			i++
		}
	}
	if len(stack) != 0 {
		return q, fmt.Errorf("unbalanced (")
	}
	return q, nil
}

func slices3(s string, options ...string) bool {
	for _, o := range options {
		if s == o {
			return true
		}
	}
	return false
}

// rateFuncs are the functions that make sense of a counter.
var rateFuncs = set("rate", "irate", "increase", "resets", "absent", "absent_over_time", "present_over_time")

// targetLabels are the labels Prometheus puts on every scraped series.
var targetLabels = set("job", "instance")

// checkQuery lists what is wrong with expr against the server's metrics:
// an unknown metric, a label the metric does not have, a counter read
// without rate(), a bucket that does not exist, a job that is not scraped.
func checkQuery(w *world, jobs map[string]bool, expr string) []string {
	q, err := readQuery(expr)
	if err != nil {
		return []string{fmt.Sprintf("cannot read %q: %v", expr, err)}
	}
	if len(q.selections) == 0 {
		return []string{fmt.Sprintf("%q selects no metric", expr)}
	}
	var problems []string
	all := map[string]bool{}
	for l := range targetLabels {
		all[l] = true
	}
	for _, sel := range q.selections {
		labels, known := seriesLabels(w, sel.metric)
		if !known {
			problems = append(problems, fmt.Sprintf("%s: no metric the server exports (in %q)", sel.metric, expr))
			continue
		}
		for l := range labels {
			all[l] = true
		}
		if s, ok := w.series[sel.metric]; ok && s.counterLike && !hasAny(sel.funcs, rateFuncs) {
			problems = append(problems, fmt.Sprintf("%s is a counter, read without rate() or increase() (in %q)", sel.metric, expr))
		}
		for _, m := range sel.matchers {
			if m.label == "__name__" {
				continue
			}
			if !labels[m.label] && !targetLabels[m.label] {
				problems = append(problems, fmt.Sprintf("%s has no label %s (in %q)", sel.metric, m.label, expr))
			}
			if m.label == "job" && m.op == "=" && !jobs[m.value] {
				problems = append(problems, fmt.Sprintf("job %q is not a scrape job (in %q)", m.value, expr))
			}
			if s, ok := w.series[sel.metric]; ok && s.bucket && m.label == "le" && m.op == "=" && !s.family.bucketBound(m.value) {
				problems = append(problems, fmt.Sprintf("%s has no bucket le=%q (in %q)", sel.metric, m.value, expr))
			}
		}
	}
	for _, l := range q.grouping {
		if !all[l] {
			problems = append(problems, fmt.Sprintf("no metric in %q has the label %s", expr, l))
		}
	}
	return problems
}

// seriesLabels returns the labels of a series the server exports, or of
// up, which Prometheus records for every target.
func seriesLabels(w *world, name string) (map[string]bool, bool) {
	if name == "up" {
		return map[string]bool{}, true
	}
	s, ok := w.series[name]
	return s.labels, ok
}

func hasAny(names []string, in map[string]bool) bool {
	for _, n := range names {
		if in[n] {
			return true
		}
	}
	return false
}

func TestReadQuery(t *testing.T) {
	for _, c := range []struct {
		expr     string
		metrics  []string
		funcs    string // of the first selection
		grouping []string
	}{
		{`up{job="watchpost"} == 0`, []string{"up"}, "", nil},
		{`sum by (outcome) (rate(a_total{job="w", outcome!~"ok|x"}[$__rate_interval]))`, []string{"a_total"}, "sum rate", []string{"outcome"}},
		{`histogram_quantile(0.99, sum(rate(h_bucket[5m])) by (le)) > 5`, []string{"h_bucket"}, "histogram_quantile sum rate", []string{"le"}},
		{`max(g) < 1 and on(instance) absent(b offset 5m)`, []string{"g", "b"}, "max", []string{"instance"}},
		{`{__name__="named", x="y"}`, []string{"named"}, "", nil},
		{`rate(c_total[5m:1m]) / ignoring(code) group_left sum without (a, b) (d)`, []string{"c_total", "d"}, "rate", []string{"code", "a", "b"}},
		{"# a comment\nmin_over_time(x[1h])", []string{"x"}, "min_over_time", nil},
	} {
		q, err := readQuery(c.expr)
		if err != nil {
			t.Errorf("%q: %v", c.expr, err)
			continue
		}
		var metrics []string
		for _, s := range q.selections {
			metrics = append(metrics, s.metric)
		}
		if fmt.Sprint(metrics) != fmt.Sprint(c.metrics) {
			t.Errorf("%q selects %v, want %v", c.expr, metrics, c.metrics)
		}
		if len(q.selections) > 0 && strings.Join(q.selections[0].funcs, " ") != c.funcs {
			t.Errorf("%q: the first selection is inside %v, want %q", c.expr, q.selections[0].funcs, c.funcs)
		}
		if fmt.Sprint(q.grouping) != fmt.Sprint(c.grouping) {
			t.Errorf("%q groups by %v, want %v", c.expr, q.grouping, c.grouping)
		}
	}
	for _, bad := range []string{`sum(rate(x[5m])`, `x{a=}`, `{a="b"}`, `x{a="b"`} {
		if _, err := readQuery(bad); err == nil {
			t.Errorf("%q read without an error", bad)
		}
	}
}
