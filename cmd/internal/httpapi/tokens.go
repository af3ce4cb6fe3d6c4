package httpapi

import (
	"net/http"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
)

type createTokenRequest struct {
	Role         string `json:"role" rule:"required,enum=roles" desc:"The token's role" example:"handler"`
	DepartmentID string `json:"departmentId" rule:"max=64" desc:"Required for a department token: the registered department it is scoped to; refused for other roles"`
	PointID      string `json:"pointId" rule:"max=64" desc:"Required for a monitoring point token: the point it is scoped to; refused for other roles"`
	Name         string `json:"name" rule:"max=200" desc:"Who or what the token is for" example:"intake desk"`
	TTLHours     int    `json:"ttlHours" desc:"Lifetime in hours, 0 (no expiry) to 8784"`
}

// createToken: POST /api/v1/tokens.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var req createTokenRequest
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	role, err := access.ParseRole(req.Role)
	if err != nil {
		return err
	}
	if req.TTLHours < 0 || req.TTLHours > 24*366 {
		return domain.Invalid("ttlHours", "from 0 (no expiry) to %d", 24*366)
	}
	token, info, err := s.Accounts.Create(r.Context(), p, origin(r), auth.Spec{
		Role: role, DepartmentID: req.DepartmentID, PointID: req.PointID, Name: req.Name,
		TTL: time.Duration(req.TTLHours) * time.Hour,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, createdToken{Token: token, Principal: info})
	return nil
}

// listTokens: GET /api/v1/tokens.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	list, err := s.Accounts.List(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenList{Items: list})
	return nil
}

// revokeToken: DELETE /api/v1/tokens/{id}.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := s.Accounts.Revoke(r.Context(), p, origin(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
