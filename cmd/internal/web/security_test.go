package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/watchpost/watchpost/cmd/internal/auth"
)

// The complainant's distinctive personal data, and the monitoring point
// that reported: no page a department or a monitoring point can load may
// show the personal data, nor a department the point without consent.
var (
	secrets = []string{"诸葛孔明7731", "13912345678", "330802199001011234", "衢州市柯城区隐巷88号", "kongming7731@example.cn"}
	point   = "mp-zhuge-7731"
)

// leaks lists the secrets a page shows.
func leaks(page string, withPoint bool) []string {
	var out []string
	for _, s := range secrets {
		if strings.Contains(page, s) {
			out = append(out, s)
		}
	}
	if withPoint && strings.Contains(page, point) {
		out = append(out, point)
	}
	return out
}

// visitor is a person using the pages without a browser: a cookie jar and
// the CSRF token of the last page read.
type visitor struct {
	t      *testing.T
	s      *server
	client *http.Client
	csrf   string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// newVisitor logs a person in over HTTP.
func newVisitor(t *testing.T, s *server, token string) *visitor {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	v := &visitor{t: t, s: s, client: &http.Client{Jar: jar}}
	v.get("/login", http.StatusOK)
	if token != "" {
		if status, _ := v.post("/login", url.Values{"token": {token}}); status != http.StatusOK {
			t.Fatalf("login: %d", status)
		}
	}
	return v
}

// get reads a page, checking its status.
func (v *visitor) get(path string, want int) string {
	v.t.Helper()
	res, err := v.client.Get(v.s.url + path)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		v.t.Fatalf("GET %s: %d, want %d: %s", path, res.StatusCode, want, b)
	}
	if m := csrfField.FindSubmatch(b); m != nil {
		v.csrf = string(m[1])
	}
	return string(b)
}

// post sends a form with the CSRF token of the last page (unless the form
// has its own) and follows the redirect.
func (v *visitor) post(path string, form url.Values) (int, string) {
	v.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", v.csrf)
	}
	res, err := v.client.PostForm(v.s.url+path, form)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(b); m != nil {
		v.csrf = string(m[1])
	}
	return res.StatusCode, string(b)
}

// TestPagesLeakNothing files complaints with distinctive personal data
// through a monitoring point, refers them, and reads every page the
// department and the point can load.
func TestPagesLeakNothing(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	handler := s.token(t, auth.Spec{Role: auth.RoleHandler})
	file := func(consent bool) string {
		id := s.api(t, handler, "POST", "/api/v1/cases", map[string]any{
			"channel": "monitoring_point", "monitoringPointId": point, "categories": []string{"integrity"}, "issueTypes": []string{"graft"},
			"title": "窗口人员索要好处费", "description": "办理执照时被要求另付费用",
			"complainant": map[string]any{"name": secrets[0], "phone": secrets[1], "idNumber": secrets[2], "address": secrets[3],
				"contact": secrets[4], "consentToDisclose": consent}}, http.StatusCreated)["id"].(string)
		s.api(t, handler, "POST", "/api/v1/cases/"+id+"/referrals", map[string]any{"departmentId": "city-construction"}, http.StatusOK)
		return id
	}
	private, consented := file(false), file(true)
	dept := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "city-construction"}))
	for _, id := range []string{private, consented} {
		if status, body := dept.post("/cases/"+id+"/steps/acknowledge", url.Values{}); status != http.StatusOK || len(leaks(body, id == private)) > 0 {
			t.Fatalf("acknowledge: %d %v", status, leaks(body, id == private))
		}
	}
	pages := []string{"/inbox", "/cases", "/cases?status=in_progress", "/cases/" + private, "/cases/" + consented,
		"/timeliness", "/board", "/board/fragment", "/board?level=0", "/board/fragment?level=1", "/dashboard", "/track"}
	for _, path := range pages {
		body := dept.get(path, http.StatusOK)
		if got := leaks(body, !strings.Contains(path, consented)); len(got) > 0 {
			t.Errorf("the department's %s shows %v", path, got)
		}
	}
	// A form the department sends wrong shows the case page again.
	if status, body := dept.post("/cases/"+private+"/steps/respond", url.Values{"summary": {""}}); status != http.StatusUnprocessableEntity || len(leaks(body, true)) > 0 {
		t.Errorf("a refused step: %d %v", status, leaks(body, true))
	}
	// The department cannot select cases by the monitoring point.
	if body := dept.get("/cases?monitoringPoint="+point, http.StatusOK); len(leaks(body, true)) > 0 || !strings.Contains(body, "alert error") {
		t.Errorf("selecting by point: %v", leaks(body, true))
	}
	// Nor have the complainant disclosed without consent.
	if status, body := dept.post("/cases/"+private+"/disclosure", url.Values{"reason": {"核实"}}); status != http.StatusForbidden || len(leaks(body, true)) > 0 {
		t.Errorf("disclosure without consent: %d %v", status, leaks(body, true))
	}
	// With consent the department sees the point, and may ask for the
	// complainant, which is recorded.
	if body := dept.get("/cases/"+consented, http.StatusOK); !strings.Contains(body, point) {
		t.Error("the consented case does not show the reporting point")
	}

	pt := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RolePoint, PointID: point}))
	for _, path := range []string{"/cases", "/cases/new", "/cases/" + private, "/cases/" + consented, "/track"} {
		if got := leaks(pt.get(path, http.StatusOK), false); len(got) > 0 {
			t.Errorf("the point's %s shows %v", path, got)
		}
	}
	// Other pages are refused, without anything of the case.
	for _, path := range []string{"/board", "/board?level=1", "/timeliness", "/admin/tokens"} {
		if got := leaks(pt.get(path, http.StatusForbidden), false); len(got) > 0 {
			t.Errorf("the point's %s shows %v", path, got)
		}
	}
}

// TestCSRF: a form without the session's CSRF token, with another one, or
// sent from another site is refused and changes nothing; the same form
// with the token is taken.
func TestCSRF(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	token := s.token(t, auth.Spec{Role: auth.RoleHandler})
	id := s.api(t, token, "POST", "/api/v1/cases", map[string]any{"channel": "web", "complainant": map[string]any{"anonymous": true},
		"categories": []string{"efficiency"}, "title": "网上办事系统长期无法登录", "description": "连续三天无法提交材料"}, http.StatusCreated)["id"].(string)
	v := newVisitor(t, s, token)
	page := v.get("/cases/"+id, http.StatusOK)
	if !strings.Contains(page, `action="/cases/`+id+`/steps/accept"`) {
		t.Fatal("no acceptance form")
	}
	accept := func(csrf string, header http.Header) int {
		form := url.Values{"mode": {"self"}, "csrf": {csrf}}
		req, _ := http.NewRequest("POST", s.url+"/cases/"+id+"/steps/accept", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, vs := range header {
			req.Header[k] = vs
		}
		res, err := v.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for name, tt := range map[string]struct {
		csrf   string
		header http.Header
	}{
		"no token":          {"", nil},
		"another token":     {strings.Repeat("A", len(v.csrf)), nil},
		"from another site": {v.csrf, http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		"another origin":    {v.csrf, http.Header{"Origin": {"http://evil.example"}}},
	} {
		if status := accept(tt.csrf, tt.header); status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, status)
		}
	}
	if st := s.api(t, token, "GET", "/api/v1/cases/"+id, nil, http.StatusOK)["status"]; st != "filed" {
		t.Fatalf("a forged form changed the case: %v", st)
	}
	if status := accept(v.csrf, nil); status != http.StatusOK {
		t.Fatalf("the real form: %d", status)
	}
	if st := s.api(t, token, "GET", "/api/v1/cases/"+id, nil, http.StatusOK)["status"]; st != "in_progress" {
		t.Fatalf("after the real form: %v", st)
	}
	// The login form has its token too.
	anon := newVisitor(t, s, "")
	if status, _ := anon.post("/login", url.Values{"token": {token}, "csrf": {"forged"}}); status != http.StatusForbidden {
		t.Errorf("login without its token: %d", status)
	}
	// Logging out ends the session.
	if status, _ := v.post("/logout", url.Values{}); status != http.StatusOK {
		t.Fatalf("logout: %d", status)
	}
	if body := v.get("/cases", http.StatusOK); !strings.Contains(body, `id="token"`) {
		t.Error("still logged in after logout")
	}
}

// TestHeaders: every page carries the policy and is not stored; the
// session cookie is HttpOnly and SameSite=Strict.
func TestHeaders(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	v := newVisitor(t, s, "")
	form := url.Values{"token": {s.admin}, "csrf": {v.csrf}}
	client := &http.Client{Jar: v.client.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(s.url+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var cookie string
	for _, c := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "wp_session=") {
			cookie = c
		}
	}
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") || strings.Contains(cookie, "Secure") {
		t.Errorf("session cookie %q", cookie)
	}
	res, err = v.client.Get(s.url + "/admin/tokens")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	h := res.Header
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
		!strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if h.Get("X-Frame-Options") != "DENY" || h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", h)
	}
}

// TestXSS: a complaint whose title and description are markup is shown as
// text; nothing of it runs.
func TestXSS(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	token := s.token(t, auth.Spec{Role: auth.RoleHandler})
	const title = `<script>window.pwned=1</script><img src=x onerror="window.pwned=2">`
	ctx := browser(t, 1280, 900)
	login(t, ctx, s, token)
	do(t, ctx, chromedp.Navigate(s.url+"/cases/new"), chromedp.WaitVisible(chromedp.ID("f-title")),
		chromedp.SetValue(chromedp.ID("f-channel"), "web"),
		chromedp.Click(chromedp.CSS("input[name='complainant.anonymous']")),
		chromedp.Click(chromedp.CSS("input[name=categories][value=transparency]")),
		chromedp.SetValue(chromedp.ID("f-title"), title),
		chromedp.SetValue(chromedp.ID("f-description"), `"><svg onload="window.pwned=3">`),
		chromedp.Click(chromedp.CSS("form.intake button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("a.button")),
		chromedp.Click(chromedp.CSS("a.button")), chromedp.WaitVisible(chromedp.ID("case-status")))
	if got := text(t, ctx, "h1"); got != title {
		t.Fatalf("title shown as %q", got)
	}
	if got := text(t, ctx, "#case-description"); got != `"><svg onload="window.pwned=3">` {
		t.Fatalf("description shown as %q", got)
	}
	pwned, err := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof window.pwned`))
	if err != nil || pwned != "undefined" {
		t.Fatalf("the markup ran: %v %v", pwned, err)
	}
	do(t, ctx, chromedp.Navigate(s.url+"/cases"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	if got := text(t, ctx, "table.list a"); got != title {
		t.Fatalf("worklist shows %q", got)
	}
	if pwned, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof window.pwned`)); pwned != "undefined" {
		t.Fatal("the markup ran in the worklist")
	}
}

// TestPointFilesOnPhone: a monitoring point files on a 375 px screen and
// sees its own case and its status.
func TestPointFilesOnPhone(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := browser(t, 375, 812)
	login(t, ctx, s, s.token(t, auth.Spec{Role: auth.RolePoint, PointID: "mp-kecheng-01", Name: "柯城区监测点"}))
	do(t, ctx, chromedp.Navigate(s.url+"/cases/new"), chromedp.WaitVisible(chromedp.ID("f-title")),
		chromedp.SendKeys(chromedp.CSS("[name='complainant.name']"), "李四"),
		chromedp.Click(chromedp.CSS("input[name=categories][value=service_attitude]")),
		chromedp.SendKeys(chromedp.ID("f-title"), "窗口工作人员态度生硬"),
		chromedp.SendKeys(chromedp.ID("f-description"), "咨询政策时被不耐烦打断"),
		chromedp.Click(chromedp.CSS("form.intake button[type=submit]")), chromedp.WaitVisible(chromedp.ID("tracking-code")))
	shot(t, ctx, "point-filed")
	do(t, ctx, chromedp.Navigate(s.url+"/cases"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	if got := text(t, ctx, "table.list"); !strings.Contains(got, "窗口工作人员态度生硬") || !strings.Contains(got, "已登记") {
		t.Fatalf("the point's cases: %s", got)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > 375 {
		t.Fatalf("the page is %d px wide on a 375 px screen (%v)", width, err)
	}
	shot(t, ctx, "point-cases")
}
