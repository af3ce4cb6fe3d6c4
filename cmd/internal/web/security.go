package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// contentSecurityPolicy allows scripts, styles and connections only from
// this server's own files and routes: no inline script or style, no
// plugins, no framing, forms posted only here.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// maxForm bounds a form's body (a year's schedule is the largest).
const maxForm = 256 << 10

// headers sets the security headers of every answer. Pages are not stored
// by the browser or a proxy (they show case data); static files set their
// own caching.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cache-Control", "no-store")
		if s.secure(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("page panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				http.Error(w, "内部错误", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// page wraps a route's handler: the session, the CSRF check of a form, a
// bounded time, and the error page.
func (s *Server) page(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !rt.stream {
			ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		sess, err := s.sessions.get(r.Context(), r, !rt.passive)
		if errors.Is(err, errNoSession) {
			s.clearSessionCookie(w, r)
			if r.Method == http.MethodGet && !rt.passive {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.renderLogin(w, r, http.StatusUnauthorized, "", domain.Msg("Your session has ended; log in again."))
			return
		}
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := s.checkForm(r, sess.CSRF); err != nil {
				s.fail(w, r, sess, err)
				return
			}
		}
		if err := rt.handle(w, r, sess); err != nil {
			s.fail(w, r, sess, err)
		}
	})
}

// errForgedForm: a form without this session's CSRF token, or sent from
// another site.
var errForgedForm = errors.New("web: the form did not carry this session's CSRF token")

// checkForm refuses a form that another site made the browser send: one
// from a cross-site context (Sec-Fetch-Site, Origin) or without the
// expected CSRF token.
func (s *Server) checkForm(r *http.Request, want string) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return errForgedForm
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return errForgedForm
		}
	}
	got := r.PostFormValue("csrf")
	if want == "" || len(got) != len(want) || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errForgedForm
	}
	return nil
}

// clientAddr is the connection's peer (forwarding headers are not trusted).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// localPath keeps a "next" address to a path of this server.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// limiter is a token bucket per client address.
type limiter struct {
	mu      sync.Mutex
	perMin  float64
	burst   float64
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(perMinute, burst int) *limiter {
	return &limiter{perMin: float64(perMinute), burst: float64(burst), buckets: map[string]*bucket{}}
}

// allow takes a token from the address's bucket.
func (l *limiter) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.buckets) > 10000 {
		clear(l.buckets)
	}
	b := l.buckets[addr]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[addr] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Minutes()*l.perMin)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
