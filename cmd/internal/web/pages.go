package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/locale"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/ladder"
)

// zh is the language of every page.
const zh = locale.ZH

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

//go:embed migrations/*.sql
var migrations embed.FS

// The shared templates, parsed into every page.
var shared = []string{"templates/layout.html", "templates/partials.html", "templates/forms.html", "templates/charts.html"}

// pages are the parsed templates: one set per page, each the layout, the
// partials and the page's own file. They are parsed once, at New.
type pages struct {
	sets map[string]*template.Template
}

func parsePages(c *locale.Catalog) (*pages, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	funcs := templateFuncs(c)
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range names {
		if slices.Contains(shared, name) {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, append(slices.Clone(shared), name)...)
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		p.sets[strings.TrimPrefix(name, "templates/")] = t
	}
	return p, nil
}

// templateFuncs are the functions the templates call: labels, dates and
// messages in Chinese, from the catalog.
func templateFuncs(c *locale.Catalog) template.FuncMap {
	return template.FuncMap{
		"label":    func(kind, code string) string { return c.Label(zh, kind, code) },
		"status":   func(code any) string { return c.Label(zh, "status", fmt.Sprint(code)) },
		"step":     func(code any) string { return c.Label(zh, "step", fmt.Sprint(code)) },
		"role":     func(code any) string { return c.Label(zh, "role", fmt.Sprint(code)) },
		"msg":      func(m domain.Message) string { return c.Message(zh, m) },
		"date":     func(t time.Time) string { return dateOrDash(c, t, c.Date) },
		"datetime": func(t time.Time) string { return dateOrDash(c, t, c.Time) },
		"level":    func(rank int) string { return ladder.Level(rank).Label() },
		"levelOf": func(code string) string {
			if l, ok := ladder.ParseLevel(code); ok {
				return l.Label()
			}
			return code
		},
		"alarm": func(code string) string {
			if st := ladder.Step(code); st.Valid() {
				return st.Label()
			}
			return code
		},
		"percent": func(r *float64) string {
			if r == nil {
				return "—"
			}
			return fmt.Sprintf("%.0f%%", *r*100)
		},
		"inputDate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(c.Zone()).Format(time.DateOnly)
		},
		"isoDate":  func(s string) string { return isoDate(c, s) },
		"has":      func(list []string, v string) bool { return slices.Contains(list, v) },
		"terms":    termChoices,
		"blank":    blank,
		"termList": func(title string, terms []complaint.Term) termList { return termList{title, terms} },
		"dueDate":  func(t *time.Time) string { return c.Date(zh, t.Add(-time.Nanosecond)) },
		"depts":    departmentChoices,
		"term":     complaint.Label,
		"choice": func(cs []choice, code string) string {
			for _, c := range cs {
				if c.Code == code {
					return c.Label
				}
			}
			return code
		},
		"join": strings.Join,
		"add":  func(a, b int) int { return a + b },
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i
			}
			return out
		},
	}
}

func dateOrDash(_ *locale.Catalog, t time.Time, f func(locale.Lang, time.Time) string) string {
	if t.IsZero() {
		return "—"
	}
	return f(zh, t)
}

// isoDate writes a date given as YYYY-MM-DD (a due date) in Chinese.
func isoDate(c *locale.Catalog, s string) string {
	d, err := time.ParseInLocation(time.DateOnly, s, c.Zone())
	if err != nil {
		return s
	}
	return c.Date(zh, d)
}

// view is what every page template gets: the person, the navigation, the
// form state (the values sent and the messages per field) and the page's
// own data in Body.
type view struct {
	Title    string
	Sess     *session
	Nav      []navLink
	Path     string
	Flash    string
	Error    string            // a message about the whole form or page
	Errors   map[string]string // field → message
	Values   url.Values        // the values sent, to fill the form again
	Body     any
	depts    map[string]string // department id → name
	roleName func(access.Role) string
}

type navLink struct {
	Href, Label string
	Current     bool
}

// CSRF is the token the session's forms carry.
func (v *view) CSRF() string {
	if v.Sess == nil {
		return ""
	}
	return v.Sess.CSRF
}

// Dept names a department.
func (v *view) Dept(id string) string {
	if n, ok := v.depts[id]; ok && n != "" {
		return n
	}
	return id
}

// Val is a value sent with the form.
func (v *view) Val(name string) string { return v.Values.Get(name) }

// Vals are the values of a field sent several times (checkboxes).
func (v *view) Vals(name string) []string { return v.Values[name] }

// Err is the message about a field.
func (v *view) Err(name string) string { return v.Errors[name] }

// Role is the person's role.
func (v *view) Role() string {
	if v.Sess == nil {
		return ""
	}
	return string(v.Sess.Principal.Role)
}

// navigation lists the pages the person's role reaches, by asking the
// access rules which actions the role may take.
func navigation(p access.Principal, path string) []navLink {
	var out []navLink
	add := func(href, label string, ok bool) {
		if ok {
			out = append(out, navLink{Href: href, Label: label, Current: path == href || strings.HasPrefix(path, href+"/")})
		}
	}
	may := func(a access.Action) bool { return access.Permit(p, a) == nil }
	add("/inbox", "待办案件", p.Role == access.RoleDepartment)
	add("/cases", "案件列表", may(access.ReadCases))
	add("/cases/new", "登记投诉", may(access.FileCase))
	add("/board", "督办看板", may(access.ReadBoard) && p.Role != access.RoleDepartment)
	add("/timeliness", "办理时效", may(access.ReadBoard))
	add("/dashboard", "领导驾驶舱", may(access.ReadBoard) && p.Role != access.RoleDepartment)
	add("/network", "监测网络", may(access.ReadNetwork))
	add("/network/registrations", "入点登记", may(access.RegisterEntry))
	add("/ratings", "测评", may(access.RateDealing) || may(access.ReadRankings))
	add("/findings", "趋势发现", may(access.ReadTrendFindings))
	add("/reports", "专报", may(access.ReadSpecialReports))
	add("/admin/departments", "部门", may(access.ManageDepartments))
	add("/admin/tokens", "令牌", may(access.ManageTokens))
	add("/admin/calendar", "工作日历", may(access.ManageCalendar))
	add("/admin/taxonomy", "分类目录", may(access.ManageTaxonomy))
	return out
}

// view starts the data of a page.
func (s *Server) view(r *http.Request, sess *session, title string) *view {
	v := &view{Title: title, Sess: sess, Path: r.URL.Path, Errors: map[string]string{}, Values: url.Values{},
		roleName: func(r access.Role) string { return s.Catalog.Label(zh, "role", string(r)) }}
	if sess != nil {
		v.Nav = navigation(sess.Principal, r.URL.Path)
		if ds, err := s.Registry.Departments(r.Context(), sess.Principal, true); err == nil {
			v.depts = make(map[string]string, len(ds))
			for _, d := range ds {
				v.depts[d.ID] = d.Name
			}
		}
	}
	return v
}

// render writes a page. The page is rendered to a buffer first, so a
// template error is an error page, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	s.renderTemplate(w, status, page, "layout.html", v)
}

// renderTemplate writes one named template of a page's set.
func (s *Server) renderTemplate(w http.ResponseWriter, status int, page, name string, data any) {
	t, ok := s.pages.sets[page]
	if !ok {
		s.Logger.Error("no such page template", "page", page)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		s.Logger.Error("template", "page", page, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// formError puts an error on the page: next to its field when it names
// one the form has, at the top of the form otherwise. It returns the
// page's status.
func (s *Server) formError(v *view, err error, fields ...string) int {
	pr := classify(err)
	m := s.Catalog.Message(zh, pr.message)
	if pr.field != "" && (len(fields) == 0 || slices.Contains(fields, pr.field)) {
		v.Errors[pr.field] = m
	} else {
		v.Error = m
	}
	return pr.status
}

// static serves the embedded stylesheets and script.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := staticFiles.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(name, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case strings.HasSuffix(name, ".svg"):
		w.Header().Set("Content-Type", "image/svg+xml")
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(b)
}
