package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/reqlog"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

// sendRaw makes a request with the given headers and returns the answer.
func sendRaw(t *testing.T, method, u string, body io.Reader, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, raw
}

// keysOf lists a JSON object's keys, sorted.
func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// open311Errors decodes the spec's error list and checks its shape.
func open311Errors(t *testing.T, raw []byte, status int) string {
	t.Helper()
	var errs []map[string]any
	if err := json.Unmarshal(raw, &errs); err != nil || len(errs) != 1 || errs[0]["code"] != float64(status) ||
		fmt.Sprint(keysOf(errs[0])) != "[code description]" {
		t.Fatalf("an Open311 error: %s, want [{code: %d, description}]", raw, status)
	}
	return errs[0]["description"].(string)
}

var (
	geoServiceKeys = "[description group keywords metadata service_code service_name type]"
	geoRequestKeys = "[address address_id agency_responsible description expected_datetime lat long media_url requested_datetime " +
		"service_code service_name service_notice service_request_id status status_notes updated_datetime zipcode]"
	w3Time = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$`)
)

// TestOpen311 files a complaint as an Open311 client does (the spec's form
// fields, form-encoded, the api_key in the body), sees it arrive at the
// handler's intake as a complaint on the channel web with its submitter
// sealed, follows it by its service_request_id until the center closes it,
// and meets the errors in the spec's shape.
func TestOpen311(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	key := token(t, w.m, auth.Spec{Role: "open311", Name: "市民 app"})
	base := w.m.URL + "/open311/v2"

	// GET Service List: no key.
	res, raw := sendRaw(t, "GET", base+"/services.json?jurisdiction_id=city.gov", nil, nil)
	var services []map[string]any
	if err := json.Unmarshal(raw, &services); res.StatusCode != http.StatusOK || err != nil || len(services) != 8 {
		t.Fatalf("services.json: %d %s", res.StatusCode, raw)
	}
	var slow map[string]any
	for _, s := range services {
		if got := fmt.Sprint(keysOf(s)); got != geoServiceKeys {
			t.Fatalf("a service has the fields %s, want %s", got, geoServiceKeys)
		}
		if s["service_code"] == "slow_action" {
			slow = s
		}
	}
	if slow["service_name"] != "慢作为" || slow["group"] != "办事效率" || slow["type"] != "realtime" || slow["metadata"] != false {
		t.Fatalf("the service slow_action: %v", slow)
	}

	// POST Service Request, as the spec's example writes it.
	form := url.Values{
		"api_key": {key}, "jurisdiction_id": {"city.gov"}, "service_code": {"slow_action"},
		"lat": {"28.9700"}, "long": {"118.8590"}, "address_string": {"衢州市柯城区市民中心三楼"},
		"email": {"smit333@example.org"}, "device_id": {"tt222111"}, "account_id": {"123456"},
		"first_name": {"john"}, "last_name": {"smith"}, "phone": {"111111111"},
		"description": {"营业执照申请材料齐全，二十个工作日仍未办结\n窗口说等领导签字"},
		"media_url":   {"http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"}, "attribute[WHISPAWN]": {"123456"},
	}
	formType := map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
	res, raw = sendRaw(t, "POST", base+"/requests.json", strings.NewReader(form.Encode()), formType)
	var filed []map[string]any
	if err := json.Unmarshal(raw, &filed); res.StatusCode != http.StatusOK || err != nil || len(filed) != 1 ||
		fmt.Sprint(keysOf(filed[0])) != "[account_id service_notice service_request_id]" {
		t.Fatalf("POST requests.json: %d %s", res.StatusCode, raw)
	}
	code := filed[0]["service_request_id"].(string)

	// The handler's intake sees it, by the code, like any complaint.
	found := w.handler.as(t).do("GET", "/api/v1/cases?trackingCode="+url.QueryEscape(code), nil, http.StatusOK)
	items := found["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("the handler finds %d cases with the code", len(items))
	}
	id := items[0].(map[string]any)["id"].(string)
	c := w.handler.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
	if c["status"] != "filed" || c["channel"] != "web" || fmt.Sprint(c["issueTypes"]) != "[slow_action]" || fmt.Sprint(c["categories"]) != "[efficiency]" {
		t.Fatalf("the filed case: %v", c)
	}
	for _, want := range []string{"二十个工作日仍未办结", "衢州市柯城区市民中心三楼", "28.97, 118.859", "2212426634_5ed477a060.jpg"} {
		if !strings.Contains(c["description"].(string), want) {
			t.Errorf("the description %q does not say %q", c["description"], want)
		}
	}
	if !strings.HasPrefix(c["title"].(string), "慢作为：营业执照申请") {
		t.Errorf("title %q", c["title"])
	}
	who := w.handler.as(t).do("POST", "/api/v1/cases/"+id+"/complainant/disclosure", map[string]any{"reason": "回访"}, http.StatusOK)
	if s := fmt.Sprint(who); !strings.Contains(s, "john smith") || !strings.Contains(s, "111111111") || !strings.Contains(s, "smit333@example.org") {
		t.Errorf("the complainant: %v", who)
	}
	var role string
	if err := w.m.Env().Pool.QueryRow(context.Background(), `SELECT metadata->>'actorRole' FROM events WHERE aggregate_id = $1 AND version = 1`, id).Scan(&role); err != nil || role != "open311" {
		t.Errorf("the filing's actor role is %q (%v), want open311", role, err)
	}

	// GET Service Request: open while it waits for the intake decision.
	res, raw = sendRaw(t, "GET", base+"/requests/"+code+".json", nil, nil)
	var got []map[string]any
	if err := json.Unmarshal(raw, &got); res.StatusCode != http.StatusOK || err != nil || len(got) != 1 {
		t.Fatalf("GET requests/%s.json: %d %s", code, res.StatusCode, raw)
	}
	r := got[0]
	if k := fmt.Sprint(keysOf(r)); k != geoRequestKeys {
		t.Fatalf("a request has the fields %s, want %s", k, geoRequestKeys)
	}
	if r["service_request_id"] != code || r["status"] != "open" || r["service_code"] != "slow_action" || r["service_name"] != "慢作为" ||
		!w3Time.MatchString(r["requested_datetime"].(string)) || !w3Time.MatchString(r["updated_datetime"].(string)) {
		t.Fatalf("the request: %v", r)
	}
	if strings.Contains(string(raw), "john") || strings.Contains(string(raw), "111111111") {
		t.Fatalf("the public request shows the submitter: %s", raw)
	}

	// The center decides not to accept it and answers: closed, with the answer.
	step(t, w.handler, id, "/non-acceptance", map[string]any{"reason": "不属本中心受理范围"}, "not_accepted")
	step(t, w.handler, id, "/replies", map[string]any{"message": "您反映的问题请向市场监管部门反映", "method": "sms"}, "replied")
	res, raw = sendRaw(t, "GET", base+"/requests.json?service_request_id="+url.QueryEscape(code+",0000-0000-0000-0000"), nil, nil)
	if err := json.Unmarshal(raw, &got); res.StatusCode != http.StatusOK || err != nil || len(got) != 1 ||
		got[0]["status"] != "closed" || got[0]["status_notes"] != "您反映的问题请向市场监管部门反映" || got[0]["expected_datetime"] != nil {
		t.Fatalf("GET requests.json after the answer: %d %s", res.StatusCode, raw)
	}

	// The key in the query, and as a bearer token, files too.
	minimal := url.Values{"service_code": {"graft"}, "address_id": {"QZ-0001"}, "description": {"办证窗口索要好处费"}}
	res, raw = sendRaw(t, "POST", base+"/requests.json?api_key="+url.QueryEscape(key), strings.NewReader(minimal.Encode()), formType)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("api_key in the query: %d %s", res.StatusCode, raw)
	}
	bearer := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Bearer " + key}
	if res, raw = sendRaw(t, "POST", base+"/requests.json", strings.NewReader(minimal.Encode()), bearer); res.StatusCode != http.StatusOK {
		t.Fatalf("a bearer key: %d %s", res.StatusCode, raw)
	}

	// Errors, in the spec's shape.
	for _, tt := range []struct {
		name    string
		body    url.Values
		headers map[string]string
		status  int
	}{
		{"no key", url.Values{"service_code": {"graft"}, "address_id": {"x"}, "description": {"x"}}, formType, http.StatusUnauthorized},
		{"a wrong key", url.Values{"api_key": {"wpt_" + strings.Repeat("a", 52)}, "service_code": {"graft"}}, formType, http.StatusUnauthorized},
		{"an unknown service", url.Values{"api_key": {key}, "service_code": {"potholes"}, "address_id": {"x"}, "description": {"x"}}, formType, http.StatusNotFound},
		{"no service", url.Values{"api_key": {key}, "address_id": {"x"}, "description": {"x"}}, formType, http.StatusBadRequest},
		{"no location", url.Values{"api_key": {key}, "service_code": {"graft"}, "description": {"x"}}, formType, http.StatusBadRequest},
		{"lat without long", url.Values{"api_key": {key}, "service_code": {"graft"}, "lat": {"28.9"}, "description": {"x"}}, formType, http.StatusBadRequest},
		{"no description", url.Values{"api_key": {key}, "service_code": {"graft"}, "address_id": {"x"}}, formType, http.StatusBadRequest},
		{"JSON", nil, map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + key}, http.StatusUnsupportedMediaType},
	} {
		res, raw := sendRaw(t, "POST", base+"/requests.json", strings.NewReader(tt.body.Encode()), tt.headers)
		if res.StatusCode != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, res.StatusCode, raw, tt.status)
			continue
		}
		open311Errors(t, raw, tt.status)
	}
	res, raw = sendRaw(t, "GET", base+"/requests.json", nil, nil)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(open311Errors(t, raw, http.StatusBadRequest), "service_request_id is required") {
		t.Errorf("GET requests.json without ids: %d %s", res.StatusCode, raw)
	}
	res, raw = sendRaw(t, "GET", base+"/requests/0000-0000-0000-0000.json", nil, map[string]string{"Accept-Language": "zh-CN"})
	if res.StatusCode != http.StatusNotFound || open311Errors(t, raw, http.StatusNotFound) != "没有该 service_request_id 对应的诉求" {
		t.Errorf("an unknown request: %d %s", res.StatusCode, raw)
	}
	// An app's server following its users' requests with its key is not
	// limited like an address without one.
	for i := range 35 {
		if res, raw := sendRaw(t, "GET", base+"/requests/"+code+".json?api_key="+url.QueryEscape(key), nil, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("keyed lookup %d: %d %s", i+1, res.StatusCode, raw)
		}
	}
	limited := false
	for range 35 {
		if res, raw := sendRaw(t, "GET", base+"/requests/"+code+".json", nil, nil); res.StatusCode == http.StatusTooManyRequests {
			open311Errors(t, raw, http.StatusTooManyRequests)
			limited = true
			break
		}
	}
	if !limited {
		t.Error("35 lookups without a key in a row were not limited")
	}
	// The discovery document names the endpoint.
	res, raw = sendRaw(t, "GET", w.m.URL+"/open311/discovery.json", nil, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(raw), `"url":"`+base+`"`) {
		t.Errorf("discovery: %d %s", res.StatusCode, raw)
	}
}

// TestOpen311KeyConfined: an Open311 key is refused, by its role, every
// route but its own, and the pages and their forms too.
func TestOpen311KeyConfined(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	key := client{t, w.m.URL, token(t, w.m, auth.Spec{Role: "open311"})}
	var doc struct {
		Paths map[string]map[string]struct {
			Roles []string `json:"x-roles"`
		} `json:"paths"`
	}
	_, body := w.anon.as(t).raw("GET", "/api/v1/openapi.json", nil)
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	id := w.file(t, "Open311 权限")
	checked := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if len(op.Roles) == 0 || slices.Contains(op.Roles, "open311") {
				continue
			}
			p := strings.NewReplacer("{id}", id, "{rid}", "r1", "{kind}", "issueTypes", "{code}", "0000-0000-0000-0000").Replace(path)
			var b any
			if method == "post" || method == "patch" {
				b = map[string]any{}
			}
			status, out := key.raw(strings.ToUpper(method), p, b)
			if status != http.StatusForbidden || !strings.Contains(out, "the role open311 may not") {
				t.Errorf("%s %s with an Open311 key: %d %.200s", method, path, status, out)
			}
			checked++
		}
	}
	if checked < 40 {
		t.Fatalf("checked %d routes", checked)
	}
}

// icsComponent is a parsed iCalendar component.
type icsComponent struct {
	name  string
	props map[string][]string // name (without parameters) -> values, unescaped
	subs  []*icsComponent
}

// parseICS reads an iCalendar document as RFC 5545 writes it: CRLF line
// ends, lines of at most 75 octets folded with a leading space, TEXT
// escapes, nested BEGIN/END components.
func parseICS(t *testing.T, raw []byte) *icsComponent {
	t.Helper()
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Fatal("the calendar does not end with CRLF")
	}
	for _, l := range bytes.Split(bytes.TrimSuffix(raw, []byte("\r\n")), []byte("\r\n")) {
		if len(l) > 75 {
			t.Fatalf("a line of %d octets: %q", len(l), l)
		}
		if bytes.ContainsAny(l, "\r\n") {
			t.Fatalf("a bare CR or LF in %q", l)
		}
	}
	unfolded := strings.ReplaceAll(string(raw), "\r\n ", "")
	unescape := strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n")
	var stack []*icsComponent
	var root *icsComponent
	for _, line := range strings.Split(strings.TrimSuffix(unfolded, "\r\n"), "\r\n") {
		nameParams, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("a content line without a value: %q", line)
		}
		name, _, _ := strings.Cut(nameParams, ";")
		switch name {
		case "BEGIN":
			c := &icsComponent{name: value, props: map[string][]string{}}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.subs = append(top.subs, c)
			} else {
				root = c
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].name != value {
				t.Fatalf("END:%s does not close what began", value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				t.Fatalf("%q outside a component", line)
			}
			top := stack[len(stack)-1]
			top.props[name] = append(top.props[name], unescape.Replace(value))
		}
	}
	if root == nil || root.name != "VCALENDAR" || len(stack) != 0 {
		t.Fatal("not one VCALENDAR")
	}
	return root
}

func (c *icsComponent) prop(name string) string {
	if v := c.props[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// feedEvents fetches a feed and returns its events by UID.
func feedEvents(t *testing.T, u string) map[string]*icsComponent {
	t.Helper()
	res, raw := sendRaw(t, "GET", u, nil, nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("the feed: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), raw)
	}
	cal := parseICS(t, raw)
	if cal.prop("VERSION") != "2.0" || cal.prop("PRODID") == "" {
		t.Fatalf("VERSION %q PRODID %q", cal.prop("VERSION"), cal.prop("PRODID"))
	}
	out := map[string]*icsComponent{}
	for _, e := range cal.subs {
		if e.name != "VEVENT" {
			continue
		}
		for _, required := range []string{"UID", "DTSTAMP", "DTSTART"} {
			if e.prop(required) == "" {
				t.Fatalf("a VEVENT without %s", required)
			}
		}
		out[e.prop("UID")] = e
	}
	return out
}

// TestDeadlineFeed: a department's liaison makes a feed address; the feed,
// read by a calendar parser, holds a VEVENT at each open deadline of the
// cases referred to the department (and none of another's); when the
// deadlines move the same events come with a higher SEQUENCE; a revoked
// address answers 404.
func TestDeadlineFeed(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.file(t, "营业执照迟迟不批")
	w.referAndAcknowledge(t, id)
	elsewhere := w.file(t, "税务登记拖延")
	step(t, w.handler, elsewhere, "/referrals", map[string]any{"departmentId": "tax-bureau"}, "referred")

	w.other.as(t).do("POST", "/api/v1/departments/city-construction/feeds", map[string]any{}, http.StatusForbidden)
	w.handler.as(t).do("POST", "/api/v1/departments/city-construction/feeds", map[string]any{}, http.StatusForbidden)
	created := w.dept.as(t).do("POST", "/api/v1/departments/city-construction/feeds", map[string]any{"name": "科室日历"}, http.StatusCreated)
	path := created["path"].(string)
	if !strings.HasPrefix(path, "/feeds/wpf_") || !strings.HasSuffix(path, ".ics") || created["url"] != w.m.URL+path {
		t.Fatalf("created: %v", created)
	}

	deadlines := func() map[string]map[string]any {
		t.Helper()
		v := w.handler.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
		out := map[string]map[string]any{}
		for _, d := range v["deadlines"].([]any) {
			d := d.(map[string]any)
			if d["open"] == true && d["dueAt"] != nil {
				out[id+"."+d["clock"].(string)+"@watchpost"] = d
			}
		}
		return out
	}
	check := func(events map[string]*icsComponent, want map[string]map[string]any) {
		t.Helper()
		if len(events) != len(want) || len(want) < 2 {
			t.Fatalf("the feed has %d events, the case %d open deadlines", len(events), len(want))
		}
		for uid, d := range want {
			e, ok := events[uid]
			if !ok {
				t.Fatalf("no event %s", uid)
			}
			due, _ := time.Parse(time.RFC3339, d["dueAt"].(string))
			if e.prop("DTSTART") != due.UTC().Format("20060102T150405Z") || e.prop("SEQUENCE") != fmt.Sprint(d["version"]) ||
				!strings.Contains(e.prop("SUMMARY"), "营业执照迟迟不批") || !strings.Contains(e.prop("SUMMARY"), "时限") {
				t.Errorf("event %s: DTSTART %s SEQUENCE %s SUMMARY %q; the deadline is due %s, version %v",
					uid, e.prop("DTSTART"), e.prop("SEQUENCE"), e.prop("SUMMARY"), d["dueAt"], d["version"])
			}
		}
	}
	before := deadlines()
	first := feedEvents(t, w.m.URL+path)
	check(first, before)

	// A suspension during working hours adds a working day to each clock:
	// the same events, moved, with a higher SEQUENCE.
	step(t, w.handler, id, "/suspensions", map[string]any{"reason": "等待投诉人补充材料"}, "suspended")
	if during := feedEvents(t, w.m.URL+path); len(during) != 0 {
		t.Errorf("while suspended the feed has %d events (the clocks have no due instant)", len(during))
	}
	step(t, w.handler, id, "/resumptions", map[string]any{"note": "材料已补齐"}, "in_progress")
	after := deadlines()
	moved := feedEvents(t, w.m.URL+path)
	check(moved, after)
	for uid, e := range moved {
		if atoi(e.prop("SEQUENCE")) <= atoi(first[uid].prop("SEQUENCE")) || e.prop("DTSTART") <= first[uid].prop("DTSTART") {
			t.Errorf("%s did not move: SEQUENCE %s -> %s, DTSTART %s -> %s", uid, first[uid].prop("SEQUENCE"), e.prop("SEQUENCE"),
				first[uid].prop("DTSTART"), e.prop("DTSTART"))
		}
	}

	// Revoked: 404, at once; the list says so.
	feed := created["feed"].(map[string]any)
	w.other.as(t).do("DELETE", "/api/v1/departments/city-construction/feeds/"+feed["id"].(string), nil, http.StatusForbidden)
	w.dept.as(t).do("DELETE", "/api/v1/departments/city-construction/feeds/"+feed["id"].(string), nil, http.StatusNoContent)
	if res, _ := sendRaw(t, "GET", w.m.URL+path, nil, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a revoked feed answers %d", res.StatusCode)
	}
	list := w.admin.as(t).do("GET", "/api/v1/departments/city-construction/feeds", nil, http.StatusOK)
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["revokedAt"] == nil || strings.Contains(fmt.Sprint(items), "wpf_") {
		t.Errorf("the feeds: %v", list)
	}
	trail := w.admin.as(t).do("GET", "/api/v1/audit?subject="+feed["id"].(string), nil, http.StatusOK)
	if n := len(trail["items"].([]any)); n != 2 {
		t.Errorf("the audit trail has %d entries for the feed, want its creation and revocation", n)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// syncBuffer is a log sink several goroutines write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines() []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(b.buf.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// TestRequestIDs: every answer carries a request id (the caller's sane
// X-Request-Id, else a new one), error bodies quote it, and the JSON log
// lines of a request carry it and the case.
func TestRequestIDs(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	cfg := testConfig(t, testenv.Postgres(t), "", testenv.NewClock().Now)
	cfg.Logger = slog.New(reqlog.Handler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	w := worldOf(t, start(t, cfg))
	id := w.file(t, "请求编号")

	res, raw := sendRaw(t, "GET", w.m.URL+"/api/v1/cases/"+id, nil, map[string]string{"Authorization": "Bearer " + w.handler.token, "X-Request-Id": "trace-42"})
	if res.StatusCode != http.StatusOK || res.Header.Get("X-Request-Id") != "trace-42" {
		t.Fatalf("a sane X-Request-Id: %d %q", res.StatusCode, res.Header.Get("X-Request-Id"))
	}
	res, raw = sendRaw(t, "POST", w.m.URL+"/api/v1/cases/"+id+"/closure", strings.NewReader(`{}`),
		map[string]string{"Authorization": "Bearer " + w.handler.token, "Content-Type": "application/json", "X-Request-Id": "not sane"})
	generated := res.Header.Get("X-Request-Id")
	var body struct {
		Error struct {
			RequestID string `json:"requestId"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || res.StatusCode != http.StatusConflict || generated == "" || generated == "not sane" ||
		body.Error.RequestID != generated {
		t.Fatalf("a refused step: %d header %q body %s", res.StatusCode, generated, raw)
	}
	res, _ = sendRaw(t, "GET", w.m.URL+"/healthz", nil, nil)
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("/healthz answers without a request id")
	}
	// The access log lines of both requests: their ids and the case.
	seen := map[string]bool{}
	for _, l := range logs.lines() {
		if l["msg"] != "http" {
			continue
		}
		if rid, _ := l["request_id"].(string); rid == "trace-42" || rid == generated {
			if l["case_id"] != id {
				t.Errorf("the log line of request %s names case %v, want %s", rid, l["case_id"], id)
			}
			seen[rid] = true
		}
	}
	if !seen["trace-42"] || !seen[generated] {
		t.Errorf("access log lines for %v of trace-42 and %s", seen, generated)
	}
	// The command's events carry the request id as their correlation id.
	var correlation string
	if err := w.m.Env().Pool.QueryRow(context.Background(), `SELECT metadata->>'correlationId' FROM events WHERE aggregate_id = $1 AND version = 1`, id).Scan(&correlation); err != nil || correlation == "" {
		t.Errorf("the filing's correlation id: %q %v", correlation, err)
	}
}

// TestReadinessAndOperationsMetrics: from 1 November, next year's schedule
// missing is a warning on /readyz (still 200) and the calendar gauge says
// the last loaded year; loading it clears the warning; before November
// there is none. /metrics carries the readiness gauge per check and the
// asynchronous projections' lag.
func TestReadinessAndOperationsMetrics(t *testing.T) {
	t.Parallel()
	clock := testenv.ClockAt(time.Date(2026, 11, 24, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	w := worldOf(t, start(t, testConfig(t, testenv.Postgres(t), "", clock.Now)))
	ready := func() (int, map[string]any) {
		t.Helper()
		res, raw := sendRaw(t, "GET", w.m.URL+"/readyz", nil, nil)
		var v map[string]any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, v
	}
	status, v := ready()
	warning, _ := v["warnings"].(map[string]any)["calendar"].(string)
	if status != http.StatusOK || v["ready"] != true || !strings.Contains(warning, "2027") {
		t.Fatalf("readyz in November without 2027: %d %v", status, v)
	}
	metrics := func() string {
		t.Helper()
		_, raw := sendRaw(t, "GET", w.m.URL+"/metrics", nil, nil)
		return string(raw)
	}
	m := metrics()
	for _, want := range []string{"\nwatchpost_calendar_last_year 2026\n", "\nwatchpost_ready{check=\"nats\"} 1\n", "\nwatchpost_ready{check=\"postgres\"} 1\n",
		"\nwatchpost_ready{check=\"archiver\"} 1\n", "watchpost_projection_lag_events{projection=\"daily_intake\"}", "watchpost_projection_lag_seconds{projection=\"daily_intake\"}"} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics has no %q", strings.TrimSpace(want))
		}
	}
	w.admin.do("POST", "/api/v1/calendar/years", map[string]any{"year": 2027, "notice": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
		"days": []map[string]any{{"date": "2027-01-01", "isOffDay": true, "name": "元旦"}}}, http.StatusOK)
	if status, v := ready(); status != http.StatusOK || v["warnings"] != nil {
		t.Errorf("readyz with 2027 loaded: %d %v", status, v)
	}
	if m := metrics(); !strings.Contains(m, "\nwatchpost_calendar_last_year 2027\n") {
		t.Error("the calendar gauge does not say 2027")
	}

	// Before November nothing is missing yet.
	october := testenv.ClockAt(time.Date(2026, 10, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	early := start(t, testConfig(t, testenv.Postgres(t), "", october.Now))
	res, raw := sendRaw(t, "GET", early.URL+"/readyz", nil, nil)
	if res.StatusCode != http.StatusOK || strings.Contains(string(raw), "warnings") {
		t.Errorf("readyz in October: %d %s", res.StatusCode, raw)
	}
}
