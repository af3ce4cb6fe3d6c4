package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/department"
)

// tokensPage lists the tokens and has the form to create one; right after
// creating, it shows the new token once.
type tokensPage struct {
	Tokens      []auth.Info
	Roles       []access.Role
	Departments []department.Department
	Created     string // the token just created, shown this once
	CreatedFor  auth.Principal
}

var tokenFields = []string{"role", "departmentId", "pointId", "name", "ttlHours"}

// tokensPage: GET /admin/tokens.
func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return s.renderTokens(w, r, s.view(r, sess, "访问令牌"), http.StatusOK, tokensPage{})
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, v *view, status int, body tokensPage) error {
	list, err := s.Accounts.List(r.Context(), v.Sess.Principal)
	if err != nil {
		return err
	}
	if body.Departments, err = s.Registry.Departments(r.Context(), v.Sess.Principal, false); err != nil {
		return err
	}
	body.Tokens, body.Roles = list, access.Roles()
	v.Body = body
	s.render(w, r, status, "tokens.html", v)
	return nil
}

// createToken: POST /admin/tokens. The page that answers shows the token
// once; it is not stored by the browser (no-store).
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, sess *session) error {
	v := s.view(r, sess, "访问令牌")
	v.Values = r.PostForm
	token, info, err := s.newToken(r, sess.Principal)
	if err != nil {
		if pr := classify(err); pr.status != http.StatusUnprocessableEntity {
			return err
		}
		return s.renderTokens(w, r, v, s.formError(v, err, tokenFields...), tokensPage{})
	}
	v.Values = nil
	return s.renderTokens(w, r, v, http.StatusCreated, tokensPage{Created: token, CreatedFor: info})
}

func (s *Server) newToken(r *http.Request, p access.Principal) (string, auth.Principal, error) {
	role, err := access.ParseRole(field(r, "role"))
	if err != nil {
		return "", auth.Principal{}, err
	}
	ttl := 0
	if t := field(r, "ttlHours"); t != "" {
		if ttl, err = strconv.Atoi(t); err != nil || ttl < 0 || ttl > 24*366 {
			return "", auth.Principal{}, domain.Invalid("ttlHours", "from 0 (no expiry) to %d", 24*366)
		}
	}
	spec := auth.Spec{Role: role, Name: field(r, "name"), TTL: time.Duration(ttl) * time.Hour}
	// The scope fields belong to their roles; the other one is ignored.
	switch role {
	case access.RoleDepartment:
		spec.DepartmentID = field(r, "departmentId")
	case access.RolePoint:
		spec.PointID = field(r, "pointId")
	}
	return s.Accounts.Create(r.Context(), p, origin(r), spec)
}
