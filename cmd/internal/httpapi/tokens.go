package httpapi

import (
	"net/http"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/audit"
)

type createTokenRequest struct {
	Role         string `json:"role"`
	DepartmentID string `json:"departmentId"`
	PointID      string `json:"pointId"`
	Name         string `json:"name"`
	TTLHours     int    `json:"ttlHours"`
}

// createToken: POST /api/v1/tokens.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var req createTokenRequest
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	role, err := auth.ParseRole(req.Role)
	if err != nil {
		return err
	}
	if req.TTLHours < 0 || req.TTLHours > 24*366 {
		return domain.Invalid("ttlHours", "from 0 (no expiry) to %d", 24*366)
	}
	if len(req.Name) > 200 {
		return domain.Invalid("name", "at most 200 characters")
	}
	token, info, err := s.tokens.Create(r.Context(), auth.Spec{
		Role: role, DepartmentID: req.DepartmentID, PointID: req.PointID, Name: req.Name,
		TTL: time.Duration(req.TTLHours) * time.Hour, CreatedBy: p.TokenID,
	})
	if err != nil {
		return err
	}
	if err := s.trail.Record(r.Context(), audit.Recorded{Action: audit.ActionTokenCreated, Actor: p.TokenID, ActorRole: string(p.Role),
		Subject: info.TokenID, Reason: "role " + string(info.Role), Remote: clientAddr(r), UserAgent: r.UserAgent()}); err != nil {
		// A token that is not in the audit trail must not exist.
		if rerr := s.tokens.Revoke(r.Context(), info.TokenID); rerr != nil {
			s.logger.Error("could not revoke an unaudited token", "token", info.TokenID, "err", rerr)
		}
		return err
	}
	writeJSON(w, http.StatusCreated, createdToken{Token: token, Principal: info})
	return nil
}

// listTokens: GET /api/v1/tokens.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	list, err := s.tokens.List(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenList{Items: list})
	return nil
}

// revokeToken: DELETE /api/v1/tokens/{id}.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	id := r.PathValue("id")
	if err := s.tokens.Revoke(r.Context(), id); err != nil {
		return err
	}
	if err := s.trail.Record(r.Context(), audit.Recorded{Action: audit.ActionTokenRevoked, Actor: p.TokenID, ActorRole: string(p.Role),
		Subject: id, Remote: clientAddr(r), UserAgent: r.UserAgent()}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
