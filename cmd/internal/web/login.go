package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
)

// loginCookie carries the login form's CSRF token before there is a
// session (a double-submit token: the form and the cookie must agree).
const loginCookie = "wp_login"

// loginPage is the login form's data.
type loginPage struct {
	Next    string
	Message string
}

// loginForm: GET /login.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, http.StatusOK, r.URL.Query().Get("next"), domain.Message{})
}

// renderLogin shows the login form with a fresh CSRF token.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, next string, m domain.Message) {
	csrf, err := randomToken()
	if err != nil {
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: csrf, Path: "/login", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
	v := s.view(r, nil, "登录")
	v.Sess = &session{CSRF: csrf}
	lp := loginPage{Next: localPath(next)}
	if m.Format != "" {
		lp.Message = s.Catalog.Message(zh, m)
	}
	v.Body = lp
	s.render(w, r, status, "login.html", v)
}

// login: POST /login. The token is exchanged for a session; the token
// itself is not kept.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	c, err := r.Cookie(loginCookie)
	next := localPath(r.PostFormValue("next"))
	if err != nil || s.checkForm(r, c.Value) != nil {
		s.renderLogin(w, r, http.StatusForbidden, next, domain.Msg("The login form had expired; enter the token again."))
		return
	}
	p, err := s.Tokens.Authenticate(r.Context(), strings.TrimSpace(r.PostFormValue("token")))
	if errors.Is(err, auth.ErrUnauthenticated) {
		s.renderLogin(w, r, http.StatusUnauthorized, next, domain.Msg("This token is unknown, expired or revoked."))
		return
	}
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	id, err := s.sessions.create(r.Context(), p)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	s.setSessionCookie(w, r, id)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/login", MaxAge: -1})
	if next == "/" {
		next = home(p.Role)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
