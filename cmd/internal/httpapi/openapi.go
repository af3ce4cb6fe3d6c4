package httpapi

import (
	"encoding"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/domain/ladder"
)

// doc describes a route for the OpenAPI document.
type doc struct {
	summary  string
	body     any     // a value of the request body type; nil: no body
	response any     // a value of the success response type; nil: no body
	status   int     // success status; 0: 200
	query    []param // query parameters
}

// param is a query parameter.
type param struct {
	name, description string
	kind              string // "string", "integer", "boolean", "date-time"
	repeat            bool
}

// openAPI builds the OpenAPI 3.1 document of the routes. The codes that are
// data (channels, categories, issue types, outcomes) are those of tax, the
// taxonomy in force.
func (s *Server) openAPI(tax complaint.Taxonomy) map[string]any {
	g := &schemaGen{defs: map[string]any{}, enums: enumerations(tax)}
	paths := map[string]map[string]any{}
	for _, rt := range s.allRoutes() {
		op := map[string]any{
			"summary":     rt.doc.summary,
			"operationId": operationID(rt.method, rt.pattern),
			"responses":   g.responses(rt),
		}
		if allowed := rt.roles(); len(allowed) > 0 {
			op["security"] = []any{map[string]any{"bearer": []string{}}}
			roles := make([]string, len(allowed))
			for i, r := range allowed {
				roles[i] = string(r)
			}
			op["x-roles"] = roles
		}
		var params []any
		for _, name := range pathParams(rt.pattern) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if rt.idempotent() {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
				"description": "Sending a command again with the same key has one effect; reusing a key for another request is refused.",
				"schema":      map[string]any{"type": "string", "maxLength": maxIdempotencyKey}})
		}
		for _, q := range rt.doc.query {
			schema := map[string]any{"type": q.kind}
			if q.kind == "date-time" {
				schema = map[string]any{"type": "string", "format": "date-time"}
			}
			if q.repeat {
				schema = map[string]any{"type": "array", "items": schema}
			}
			params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.description, "schema": schema})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.doc.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.doc.body))},
			}}
		}
		if paths[rt.pattern] == nil {
			paths[rt.pattern] = map[string]any{}
		}
		paths[rt.pattern][strings.ToLower(rt.method)] = op
	}
	g.defs["Error"] = g.schema(reflect.TypeOf(errorBody{}))
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Watchpost API",
			"version":     "1",
			"description": "Complaint case tracking: every step of a case is an event; deadlines run on the official working-day calendar.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas":         g.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

// idempotent reports whether a route is a command that takes an
// Idempotency-Key.
func (rt route) idempotent() bool {
	return rt.method == http.MethodPost || rt.method == http.MethodPatch
}

func (g *schemaGen) responses(rt route) map[string]any {
	status := rt.doc.status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	if rt.doc.response != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.doc.response))}}
	}
	out := map[string]any{strconv.Itoa(status): ok}
	if rt.idempotent() {
		out["202"] = map[string]any{"description": storedMeaning,
			"content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(storedView{}))}}}
		ok["description"] = http.StatusText(status) + ": the command's events are in the log on disk and in the archive, and the read models show them; the body is the result as it now stands"
	}
	errRef := map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}
	codes := []int{http.StatusInternalServerError, http.StatusServiceUnavailable}
	if len(rt.roles()) > 0 {
		codes = append(codes, http.StatusUnauthorized, http.StatusForbidden)
	}
	if rt.doc.body != nil {
		codes = append(codes, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity)
	}
	if strings.Contains(rt.pattern, "{") {
		codes = append(codes, http.StatusNotFound)
	}
	if rt.idempotent() {
		codes = append(codes, http.StatusConflict)
	}
	if len(rt.doc.query) > 0 {
		codes = append(codes, http.StatusBadRequest, http.StatusUnprocessableEntity)
	}
	slices.Sort(codes)
	for _, c := range slices.Compact(codes) {
		out[strconv.Itoa(c)] = map[string]any{"description": http.StatusText(c), "content": errRef}
	}
	return out
}

func pathParams(pattern string) []string {
	var out []string
	for _, part := range strings.Split(pattern, "/") {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			out = append(out, strings.TrimSuffix(strings.Trim(part, "{}"), "..."))
		}
	}
	return out
}

func operationID(method, pattern string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.Split(strings.TrimPrefix(pattern, "/api/v1"), "/") {
		part = strings.Trim(part, "{}")
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// schemaGen turns Go types into JSON Schemas, naming the structs in
// components.
type schemaGen struct {
	defs  map[string]any
	enums map[string][]string // the codes of each enumeration a rule tag names
}

// enumerations are the lists of codes rule tags name: the fixed ones of the
// case's vocabulary and the taxonomy's, as "taxonomy:<list>".
func enumerations(tax complaint.Taxonomy) map[string][]string {
	out := complaint.Enumerations()
	for name, terms := range map[string][]complaint.Term{"channels": tax.Channels, "categories": tax.Categories,
		"issueTypes": tax.IssueTypes, "outcomes": tax.Outcomes} {
		codes := make([]string, len(terms))
		for i, t := range terms {
			codes[i] = t.Code
		}
		out["taxonomy:"+name] = codes
	}
	out["departmentCategories"] = []string{string(department.CategoryEnforcement), string(department.CategoryManagement)}
	for _, r := range access.Roles() {
		out["roles"] = append(out["roles"], string(r))
	}
	maps.Copy(out, ratingEnumerations())
	return out
}

// typeEnums are the coded types whose values are a closed list.
func typeEnums() map[reflect.Type][]string {
	str := func(vs ...string) []string { return vs }
	statuses, steps, roles, ladderSteps := str(), str(), str(), str()
	for _, s := range complaint.Statuses() {
		if s != complaint.StatusNone {
			statuses = append(statuses, string(s))
		}
	}
	for _, s := range complaint.Steps() {
		steps = append(steps, string(s))
	}
	for _, r := range access.Roles() {
		roles = append(roles, string(r))
	}
	for _, s := range ladder.Steps() {
		ladderSteps = append(ladderSteps, string(s))
	}
	out := map[reflect.Type][]string{
		reflect.TypeOf(complaint.Status("")): statuses, reflect.TypeOf(complaint.Step("")): steps,
		reflect.TypeOf(access.Role("")): roles, reflect.TypeOf(ladder.Step("")): ladderSteps,
	}
	maps.Copy(out, ratingTypeEnums())
	return out
}

// fieldRule is what a field's rule tag says: `rule:"required,max=200,enum=modes,format=date,maxItems=10,maxLength=500"`.
type fieldRule struct {
	required bool
	max      int // characters of a string; of each item of a list (maxLength)
	maxItems int
	enum     string
	format   string
	desc, ex string
}

func ruleOf(f reflect.StructField) fieldRule {
	r := fieldRule{desc: f.Tag.Get("desc"), ex: f.Tag.Get("example")}
	for _, part := range strings.Split(f.Tag.Get("rule"), ",") {
		k, v, _ := strings.Cut(part, "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "required":
			r.required = true
		case "max", "maxLength":
			r.max = n
		case "maxItems":
			r.maxItems = n
		case "enum":
			r.enum = v
		case "format":
			r.format = v
		}
	}
	return r
}

// apply puts a field's rule on its schema.
func (g *schemaGen) apply(schema map[string]any, r fieldRule) map[string]any {
	item := schema
	if schema["type"] == "array" {
		item = map[string]any{}
		for k, v := range schema["items"].(map[string]any) {
			item[k] = v
		}
		schema = map[string]any{"type": "array", "items": item}
		if r.maxItems > 0 {
			schema["maxItems"] = r.maxItems
		}
	} else if _, ref := schema["$ref"]; !ref {
		copied := map[string]any{}
		for k, v := range schema {
			copied[k] = v
		}
		schema, item = copied, copied
	}
	if r.max > 0 {
		item["maxLength"] = r.max
	}
	if codes, ok := g.enums[r.enum]; ok {
		item["enum"] = codes
	}
	switch r.format {
	case "date":
		item["format"] = "date"
	case "date-time":
		item["format"] = "date-time"
	case "id":
		item["maxLength"] = 64 // letters, digits, '-', '_' and '.'
	}
	if r.desc != "" {
		schema["description"] = r.desc
	}
	if r.ex != "" {
		if schema["type"] == "array" {
			schema["examples"] = []any{[]string{r.ex}}
		} else if schema["type"] == "boolean" {
			schema["examples"] = []any{r.ex == "true"}
		} else {
			schema["examples"] = []any{r.ex}
		}
	}
	return schema
}

var (
	timeType      = reflect.TypeOf(time.Time{})
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	if t.Kind() == reflect.Pointer {
		return g.schema(t.Elem())
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if t.Kind() == reflect.Struct && t.Implements(textMarshaler) { // exact numbers, periods: written as text
		return map[string]any{"type": "string"}
	}
	if codes, ok := typeEnums()[t]; ok {
		return map[string]any{"type": "string", "enum": codes}
	}
	if t.Kind() == reflect.Struct {
		name := schemaName(t)
		if _, done := g.defs[name]; !done && name != "" {
			g.defs[name] = map[string]any{} // placeholder against recursion
			g.defs[name] = g.object(t)
		}
		if name == "" {
			return g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	}
	return map[string]any{}
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		if f.Anonymous && tag == "" {
			sub := g.object(f.Type)
			if p, ok := sub["properties"].(map[string]any); ok {
				for k, v := range p {
					props[k] = v
				}
			}
			if req, ok := sub["required"].([]string); ok {
				required = append(required, req...)
			}
			continue
		}
		r := ruleOf(f)
		props[name] = g.apply(g.schema(f.Type), r)
		if r.required {
			required = append(required, name)
		}
	}
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		slices.Sort(required)
		out["required"] = required
	}
	return out
}

// schemaName names a struct type for components: its Go name made public
// ("caseView" becomes "CaseView"); anonymous structs stay inline.
func schemaName(t reflect.Type) string {
	name := t.Name()
	if name == "" {
		return ""
	}
	pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
	r := []rune(strings.TrimSuffix(strings.TrimSuffix(name, "Request"), "Response"))
	r[0] = unicode.ToUpper(r[0])
	out := string(r)
	if strings.HasSuffix(name, "Request") {
		out += "Request"
	}
	if pkg != "httpapi" && !strings.HasPrefix(out, strings.ToUpper(pkg[:1])+pkg[1:]) {
		out = strings.ToUpper(pkg[:1]) + pkg[1:] + out
	}
	return out
}
