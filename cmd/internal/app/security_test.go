package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
	"github.com/watchpost/watchpost/projections"
)

// The complainant's distinctive personal data: none of it may reach a
// department that was not given consent, nor rest in clear anywhere.
var secrets = []string{"诸葛孔明7731", "13912345678", "330802199001011234", "衢州市柯城区隐巷88号", "kongming7731@example.cn"}

// raw calls the API and returns the status and body.
func (c client) raw(method, path string, body any) (int, string) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func leaks(s string) []string {
	var out []string
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			out = append(out, secret)
		}
	}
	return out
}

func fileSecret(t *testing.T, w *world, consent bool) (string, string) {
	t.Helper()
	v := w.handler.as(t).do("POST", "/api/v1/cases", map[string]any{
		"channel": "hotline", "categories": []string{"integrity"}, "issueTypes": []string{"graft"},
		"title": "窗口人员索要好处费", "description": "办理执照时被要求另付费用",
		"complainant": map[string]any{"name": secrets[0], "phone": secrets[1], "idNumber": secrets[2], "address": secrets[3],
			"contact": secrets[4], "consentToDisclose": consent},
	}, http.StatusCreated)
	return v["id"].(string), v["trackingCode"].(string)
}

// TestNoPersonalDataReachesDepartments files complaints with distinctive
// personal data, walks them with the department, and searches every answer
// the department can get, the archive, the read models and the stream.
func TestNoPersonalDataReachesDepartments(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	private, _ := fileSecret(t, w, false)
	consented, _ := fileSecret(t, w, true)
	var seen []string
	get := func(path string) {
		status, body := w.dept.as(t).raw("GET", path, nil)
		if status >= 500 {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		seen = append(seen, path+" "+body)
	}
	post := func(id, path string, body map[string]any) {
		status, out := w.dept.as(t).raw("POST", "/api/v1/cases/"+id+path, body)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, status, out)
		}
		seen = append(seen, path+" "+out)
	}
	// A complaint a monitoring point files itself: which point it is stays
	// confidential too.
	point := client{t, w.m.URL, token(t, w.m, auth.Spec{Role: auth.RolePoint, PointID: "mp-zhuge-7731"})}
	fromPoint := point.do("POST", "/api/v1/cases", map[string]any{"categories": []string{"integrity"}, "title": "监测点反映",
		"description": "入点检查未登记", "complainant": map[string]any{"name": secrets[0], "phone": secrets[1]}}, http.StatusCreated)["id"].(string)
	if status, _ := w.dept.as(t).raw("GET", "/api/v1/cases?monitoringPoint=mp-zhuge-7731", nil); status != http.StatusForbidden {
		t.Fatalf("a department selected cases by monitoring point: %d", status)
	}
	for _, id := range []string{private, consented, fromPoint} {
		step(t, w.handler, id, "/referrals", map[string]any{"departmentId": "city-construction"}, "referred")
		post(id, "/acknowledgements", map[string]any{})
		post(id, "/responses", map[string]any{"summary": "已核查"})
		post(id, "/findings", map[string]any{"finding": "substantiated", "summary": "属实"})
		get("/api/v1/cases/" + id)
		get("/api/v1/cases/" + id + "/events")
	}
	get("/api/v1/cases")
	get("/api/v1/cases?status=in_progress&sort=updatedAt")
	get("/api/v1/escalations")
	get("/api/v1/timeliness")
	post(private, "/resolution", map[string]any{"outcome": "resolved", "summary": "已退还费用"})
	for _, s := range seen {
		if l := leaks(s); len(l) > 0 || strings.Contains(s, "mp-zhuge-7731") {
			t.Fatalf("a department got %v (or the monitoring point) in %.300s", l, s)
		}
	}
	// Disclosure: refused without consent, given with it, and recorded.
	if status, body := w.dept.as(t).raw("POST", "/api/v1/cases/"+private+"/complainant/disclosure", map[string]any{"reason": "核实情况"}); status != http.StatusForbidden || len(leaks(body)) > 0 {
		t.Fatalf("disclosure without consent: %d %s", status, body)
	}
	w.dept.as(t).do("POST", "/api/v1/cases/"+consented+"/complainant/disclosure", map[string]any{"reason": ""}, http.StatusUnprocessableEntity)
	status, body := w.dept.as(t).raw("POST", "/api/v1/cases/"+consented+"/complainant/disclosure", map[string]any{"reason": "需当面核实"})
	if status != http.StatusOK || len(leaks(body)) != len(secrets) {
		t.Fatalf("disclosure with consent: %d %s", status, body)
	}
	trail := w.admin.as(t).do("GET", "/api/v1/audit?action=personal_data_disclosed&subject="+consented, nil, http.StatusOK)
	entries := trail["items"].([]any)
	if len(entries) != 1 || entries[0].(map[string]any)["reason"] != "需当面核实" || entries[0].(map[string]any)["actorRole"] != "department" ||
		entries[0].(map[string]any)["remote"] != "127.0.0.1" {
		t.Fatalf("audit trail: %v", trail)
	}
	// The handler may have it disclosed too, and it is recorded.
	if _, body := w.handler.as(t).raw("POST", "/api/v1/cases/"+private+"/complainant/disclosure", map[string]any{"reason": "回访"}); len(leaks(body)) != len(secrets) {
		t.Fatalf("handler's disclosure: %s", body)
	}

	// Nothing rests in clear: not in the archive, the read models or the
	// stream.
	ctx := context.Background()
	pool := w.m.Env().Pool
	var dump string
	if err := pool.QueryRow(ctx, `SELECT string_agg(data::text || metadata::text, ' ') FROM events`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	if l := leaks(dump); len(l) > 0 {
		t.Fatalf("the archive holds %v in clear", l)
	}
	for _, table := range []string{"cases", "case_clocks", "deadlines", "audit_log"} {
		var rows string
		if err := pool.QueryRow(ctx, `SELECT coalesce(string_agg(t::text, ' '), '') FROM proj.`+table+` t`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if l := leaks(rows); len(l) > 0 {
			t.Fatalf("proj.%s holds %v in clear", table, l)
		}
	}
	history, err := w.m.Env().Log.Load(ctx, "case", private)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range history.Events {
		if l := leaks(string(e.Data)); len(l) > 0 {
			t.Fatalf("the stream holds %v in clear in %s", l, e.Type)
		}
	}
}

// TestShredding: after shredding, the personal data is unreadable through
// every route and in a rebuilt projection, and the log verifies.
func TestShredding(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, _ := fileSecret(t, w, true)
	step(t, w.handler, id, "/referrals", map[string]any{"departmentId": "city-construction"}, "referred")
	w.handler.as(t).do("POST", "/api/v1/cases/"+id+"/shredding", map[string]any{"reason": "x"}, http.StatusForbidden)
	w.admin.as(t).do("POST", "/api/v1/cases/"+id+"/shredding", map[string]any{"reason": ""}, http.StatusUnprocessableEntity)
	v := w.admin.as(t).do("POST", "/api/v1/cases/"+id+"/shredding", map[string]any{"reason": "投诉人要求删除个人信息"}, http.StatusOK)
	if v["complainant"].(map[string]any)["removed"] != true {
		t.Fatalf("after shredding: %v", v["complainant"])
	}
	w.admin.as(t).do("POST", "/api/v1/cases/"+id+"/shredding", map[string]any{"reason": "again"}, http.StatusConflict)
	for _, c := range []client{w.handler, w.supervisor, w.dept} {
		if status, body := c.as(t).raw("POST", "/api/v1/cases/"+id+"/complainant/disclosure", map[string]any{"reason": "查看"}); status != http.StatusGone && status != http.StatusForbidden || len(leaks(body)) > 0 {
			t.Fatalf("disclosure after shredding: %d %s", status, body)
		}
	}
	ctx := context.Background()
	rep, err := projections.Rebuild(ctx, w.m.Env().Pool, testProjections(), projections.RebuildOptions{Keep: true})
	if err != nil || rep.Differences() != 0 {
		t.Fatalf("rebuild: %+v %v", rep, err)
	}
	var rebuilt string
	if err := w.m.Env().Pool.QueryRow(ctx, `SELECT state::text FROM proj_rebuild.cases WHERE id = $1`, id).Scan(&rebuilt); err != nil {
		t.Fatal(err)
	}
	if l := leaks(rebuilt); len(l) > 0 || !strings.Contains(rebuilt, `"personalDataRemoved": true`) {
		t.Fatalf("rebuilt case: %s", rebuilt)
	}
	verified, err := eventstore.Verify(ctx, w.m.Env().Pool, w.m.Env().Log)
	if err != nil || verified.Mismatch != "" {
		t.Fatalf("verify after shredding: %+v %v", verified, err)
	}
	trail := w.admin.as(t).do("GET", "/api/v1/audit?action=personal_data_shredded", nil, http.StatusOK)
	if len(trail["items"].([]any)) != 1 {
		t.Fatalf("audit: %v", trail)
	}
}

// TestTrackingCode: the complainant follows the case with the code; unknown
// and malformed codes get the same answer; lookups are rate-limited.
func TestTrackingCode(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, code := fileSecret(t, w, false)
	w.referAndAcknowledge(t, id)
	step(t, w.dept, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "内部处理意见"}, "resolved")
	step(t, w.handler, id, "/replies", map[string]any{"message": "您反映的问题已查实并处理", "method": "sms"}, "replied")
	status, body := w.anon.as(t).raw("GET", "/api/v1/public/cases/"+strings.ToLower(strings.ReplaceAll(code, "-", " ")), nil)
	if status != http.StatusOK || !strings.Contains(body, `"status":"replied"`) || !strings.Contains(body, "您反映的问题已查实并处理") {
		t.Fatalf("lookup: %d %s", status, body)
	}
	for _, internal := range []string{"city-construction", "内部处理意见", id, "departmentId"} {
		if strings.Contains(body, internal) || len(leaks(body)) > 0 {
			t.Fatalf("the public view shows %q: %s", internal, body)
		}
	}
	s1, unknown := w.anon.as(t).raw("GET", "/api/v1/public/cases/0000-0000-0000-0000", nil)
	s2, malformed := w.anon.as(t).raw("GET", "/api/v1/public/cases/not-a-code", nil)
	// The same answer but for the request's own id.
	requestIDs := regexp.MustCompile(`"requestId":"[^"]*"`)
	if s1 != http.StatusNotFound || s1 != s2 || requestIDs.ReplaceAllString(unknown, "") != requestIDs.ReplaceAllString(malformed, "") {
		t.Fatalf("unknown %d %s, malformed %d %s", s1, unknown, s2, malformed)
	}
	limited := false
	for range 40 {
		if status, _ := w.anon.as(t).raw("GET", "/api/v1/public/cases/0000-0000-0000-0000", nil); status == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("40 lookups in a row were not limited")
	}
}

// TestRoleMatrix calls every route with every role, without a token, and
// with an expired and a revoked token. The matrix below is the access
// policy; a route missing from it fails the test.
func TestRoleMatrix(t *testing.T) {
	t.Parallel()
	const (
		H = "handler"
		D = "department"
		S = "supervisor"
		L = "leader"
		P = "point"
		A = "admin"
	)
	all := []string{H, D, S, L, P, A}
	matrix := map[string][]string{}
	// Each capability keeps its part of the policy in a file of its own.
	for _, part := range []map[string][]string{reportsMatrix, networkMatrix, ratingsMatrix, operationsMatrix} {
		for route, roles := range part {
			if _, dup := matrix[route]; dup {
				t.Fatalf("%s is in two parts of the matrix", route)
			}
			matrix[route] = roles
		}
	}
	for route, roles := range map[string][]string{
		"GET /healthz":                                              nil,
		"GET /readyz":                                               nil,
		"GET /metrics":                                              nil,
		"GET /api/v1/openapi.json":                                  nil,
		"GET /api/v1/public/cases/{code}":                           nil,
		"GET /api/v1/whoami":                                        all,
		"GET /api/v1/taxonomy":                                      all,
		"POST /api/v1/taxonomy/{kind}":                              {A},
		"POST /api/v1/cases":                                        {H, P},
		"GET /api/v1/cases":                                         {H, S, L, D, P},
		"GET /api/v1/cases/{id}":                                    {H, S, L, D, P},
		"GET /api/v1/cases/{id}/events":                             {H, S, L, D, P},
		"POST /api/v1/cases/{id}/complainant/disclosure":            {H, S, D, P},
		"POST /api/v1/cases/{id}/shredding":                         {A},
		"GET /api/v1/audit":                                         {A},
		"GET /api/v1/escalations":                                   {S, H, L, D},
		"GET /api/v1/timeliness":                                    {S, H, L, D},
		"GET /api/v1/departments":                                   all,
		"GET /api/v1/departments/{id}":                              all,
		"POST /api/v1/departments":                                  {A},
		"PATCH /api/v1/departments/{id}":                            {A},
		"POST /api/v1/departments/{id}/deactivation":                {A},
		"POST /api/v1/departments/{id}/activation":                  {A},
		"GET /api/v1/calendar":                                      all,
		"POST /api/v1/calendar/years":                               {A},
		"GET /api/v1/calendar/due":                                  all,
		"GET /api/v1/calendar/workdays":                             all,
		"POST /api/v1/tokens":                                       {A},
		"GET /api/v1/tokens":                                        {A},
		"DELETE /api/v1/tokens/{id}":                                {A},
		"POST /api/v1/cases/{id}/acceptance":                        {H},
		"POST /api/v1/cases/{id}/non-acceptance":                    {H},
		"POST /api/v1/cases/{id}/referrals":                         {H},
		"POST /api/v1/cases/{id}/acknowledgements":                  {D, H},
		"POST /api/v1/cases/{id}/returns":                           {D},
		"POST /api/v1/cases/{id}/responses":                         {D, H},
		"POST /api/v1/cases/{id}/extension-requests":                {D, H},
		"POST /api/v1/cases/{id}/extension-requests/{rid}/decision": {S, H},
		"POST /api/v1/cases/{id}/suspensions":                       {H, S},
		"POST /api/v1/cases/{id}/resumptions":                       {H, S},
		"POST /api/v1/cases/{id}/supervision-orders":                {S},
		"POST /api/v1/cases/{id}/findings":                          {D, H, S},
		"POST /api/v1/cases/{id}/rectifications":                    {S, H},
		"POST /api/v1/cases/{id}/rectifications/{rid}/report":       {D, H},
		"POST /api/v1/cases/{id}/rectifications/{rid}/verification": {S, H},
		"POST /api/v1/cases/{id}/accountability":                    {S},
		"POST /api/v1/cases/{id}/resolution":                        {D, H},
		"POST /api/v1/cases/{id}/replies":                           {H},
		"POST /api/v1/cases/{id}/satisfaction":                      {H},
		"POST /api/v1/cases/{id}/reopening":                         {H, S},
		"POST /api/v1/cases/{id}/closure":                           {H},
	} {
		matrix[route] = roles
	}

	w := newWorld(t)
	m := w.m
	tokens := auth.NewTokens(m.Env().Pool, m.Now)
	byRole := map[string]client{}
	for _, r := range all {
		spec := auth.Spec{Role: auth.Role(r)}
		switch r {
		case D:
			spec.DepartmentID = "city-construction"
		case P:
			spec.PointID = "mp-1"
		}
		byRole[r] = client{t, m.URL, token(t, m, spec)}
	}
	expired, _, err := tokens.Create(context.Background(), auth.Spec{Role: auth.RoleAdmin, TTL: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	revoked, p, err := tokens.Create(context.Background(), auth.Spec{Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if err := tokens.Revoke(context.Background(), p.TokenID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)

	// The matrix covers exactly the documented routes, which are exactly
	// the served ones (see the OpenAPI test), with the same roles.
	var doc struct {
		Paths map[string]map[string]struct {
			Roles []string `json:"x-roles"`
		} `json:"paths"`
	}
	_, body := w.anon.as(t).raw("GET", "/api/v1/openapi.json", nil)
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	documented := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			want, ok := matrix[key]
			if !ok {
				t.Errorf("%s is served but not in the access matrix", key)
				continue
			}
			got := slices.Clone(op.Roles)
			slices.Sort(got)
			sorted := slices.Clone(want)
			slices.Sort(sorted)
			if !slices.Equal(got, sorted) {
				t.Errorf("%s: served to %v, the matrix says %v", key, got, sorted)
			}
			documented++
		}
	}
	if documented != len(matrix) {
		t.Errorf("the matrix has %d routes, %d are served", len(matrix), documented)
	}

	id := w.file(t, "矩阵测试")
	for key, allowed := range matrix {
		method, pattern, _ := strings.Cut(key, " ")
		path := strings.NewReplacer("{id}", id, "{rid}", "ext-1", "{kind}", "issueTypes", "{code}", "0000-0000-0000-0000", "{iid}", "i1").Replace(pattern)
		if strings.HasPrefix(pattern, "/api/v1/departments/{id}") || strings.HasPrefix(pattern, "/api/v1/tokens/{id}") {
			path = strings.Replace(pattern, "{id}", "no-such-thing", 1)
		}
		var body any
		if method == "POST" || method == "PATCH" {
			body = map[string]any{}
		}
		if allowed == nil {
			if status, out := w.anon.as(t).raw(method, path, body); status == http.StatusUnauthorized || status == http.StatusForbidden {
				t.Errorf("%s is public but answered %d %s", key, status, out)
			}
			continue
		}
		for _, anon := range []struct {
			name, token string
		}{{"no token", ""}, {"an expired token", expired}, {"a revoked token", revoked}, {"a made-up token", "wpt_" + strings.Repeat("a", 52)}} {
			if status, _ := (client{t, m.URL, anon.token}).raw(method, path, body); status != http.StatusUnauthorized {
				t.Errorf("%s with %s: %d, want 401", key, anon.name, status)
			}
		}
		for _, r := range all {
			status, out := byRole[r].raw(method, path, body)
			refusedByRole := status == http.StatusForbidden && strings.Contains(out, "the role "+r+" may not")
			switch {
			case slices.Contains(allowed, r) && (status == http.StatusUnauthorized || refusedByRole):
				t.Errorf("%s as %s: %d %s", key, r, status, out)
			case !slices.Contains(allowed, r) && !refusedByRole:
				t.Errorf("%s as %s: %d, want 403 for the role (%.200s)", key, r, status, out)
			case status >= 500:
				t.Errorf("%s as %s: %d %s", key, r, status, out)
			}
		}
	}
}

// TestRetention: the retention rule destroys the personal data of a case
// closed more than the configured years ago, and not of one closed since.
func TestRetention(t *testing.T) {
	t.Parallel()
	clock := testenv.NewClock()
	db, nats := testenv.Postgres(t), testenv.ListeningNATS(t).URL()
	cfg := testConfig(t, db, nats, clock.Now)
	cfg.RetentionYears = 5
	w := worldOf(t, start(t, cfg))
	old, _ := fileSecret(t, w, false)
	step(t, w.handler, old, "/non-acceptance", map[string]any{"reason": "不属受理范围"}, "not_accepted")
	step(t, w.handler, old, "/replies", map[string]any{"message": "已告知", "method": "phone"}, "replied")
	step(t, w.handler, old, "/satisfaction", map[string]any{"level": "satisfied"}, "replied")
	step(t, w.handler, old, "/closure", map[string]any{}, "closed")

	// Five years and a day later a replica starts; its first sweep destroys
	// the old case's data. A case closed then is kept.
	later := testenv.ClockAt(clock.Now().AddDate(5, 0, 1))
	swept := make(chan app.Swept, 16)
	cfg2 := testConfig(t, db, nats, later.Now)
	cfg2.RetentionYears, cfg2.Signals.Retention = 5, swept
	start(t, cfg2)
	select {
	case s := <-swept:
		if s.Err != nil || s.Destroyed != 1 {
			t.Fatalf("the sweep destroyed %d cases (%v), want 1", s.Destroyed, s.Err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no retention sweep")
	}
	v := w.handler.as(t).do("GET", "/api/v1/cases/"+old, nil, http.StatusOK)
	if v["complainant"].(map[string]any)["removed"] != true {
		t.Fatalf("after the retention sweep: %v", v["complainant"])
	}
	if status, body := w.handler.as(t).raw("POST", "/api/v1/cases/"+old+"/complainant/disclosure", map[string]any{"reason": "回访"}); status != http.StatusGone || len(leaks(body)) > 0 {
		t.Fatalf("disclosure after the retention sweep: %d %s", status, body)
	}
	trail := w.admin.as(t).do("GET", "/api/v1/audit?action=personal_data_shredded&subject="+old, nil, http.StatusOK)
	if items := trail["items"].([]any); len(items) != 1 || !strings.Contains(items[0].(map[string]any)["reason"].(string), "retention") {
		t.Fatalf("audit of the retention sweep: %v", trail)
	}
}
