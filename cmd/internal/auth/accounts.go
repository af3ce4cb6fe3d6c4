package auth

import (
	"context"
	"log/slog"

	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/audit"
)

// Accounts is the administration of tokens: creating, listing and revoking
// them, each change recorded in the audit trail.
type Accounts struct {
	tokens *Tokens
	trail  *auditlog.Trail
	// department refuses a department that is not in the register, naming
	// the field; point likewise for monitoring points (nil: any id).
	department, point func(ctx context.Context, field, id string) error
	logger            *slog.Logger
}

// NewAccounts returns the service.
func NewAccounts(tokens *Tokens, trail *auditlog.Trail, department, point func(ctx context.Context, field, id string) error,
	logger *slog.Logger) *Accounts {
	return &Accounts{tokens: tokens, trail: trail, department: department, point: point, logger: logger}
}

// Create makes a token for p and returns it in clear text, the only time it
// is seen. A token that could not be recorded in the audit trail is revoked
// at once: it must not exist.
//
// Who: administrators.
func (a *Accounts) Create(ctx context.Context, p access.Principal, from auditlog.Origin, s Spec) (string, Principal, error) {
	if err := access.Permit(p, access.ManageTokens); err != nil {
		return "", Principal{}, err
	}
	if len([]rune(s.Name)) > 200 {
		return "", Principal{}, domain.Invalid("name", "at most 200 characters")
	}
	if s.Role == RoleDepartment && s.DepartmentID != "" && a.department != nil {
		if err := a.department(ctx, "departmentId", s.DepartmentID); err != nil {
			return "", Principal{}, err
		}
	}
	if s.Role == RolePoint && s.PointID != "" && a.point != nil {
		if err := a.point(ctx, "pointId", s.PointID); err != nil {
			return "", Principal{}, err
		}
	}
	s.CreatedBy = p.TokenID
	token, info, err := a.tokens.Create(ctx, s)
	if err != nil {
		return "", Principal{}, err
	}
	if err := a.trail.Record(ctx, audit.Recorded{Action: audit.ActionTokenCreated, Actor: p.TokenID, ActorRole: string(p.Role),
		Subject: info.TokenID, Reason: "role " + string(info.Role), Remote: from.Remote, UserAgent: from.UserAgent}); err != nil {
		if rerr := a.tokens.Revoke(ctx, info.TokenID); rerr != nil {
			a.logger.Error("could not revoke an unaudited token", "token", info.TokenID, "err", rerr)
		}
		return "", Principal{}, err
	}
	return token, info, nil
}

// List returns every token, without secrets, newest first.
//
// Who: administrators.
func (a *Accounts) List(ctx context.Context, p access.Principal) ([]Info, error) {
	if err := access.Permit(p, access.ManageTokens); err != nil {
		return nil, err
	}
	return a.tokens.List(ctx)
}

// Revoke ends a token now and records it.
//
// Who: administrators.
func (a *Accounts) Revoke(ctx context.Context, p access.Principal, from auditlog.Origin, id string) error {
	if err := access.Permit(p, access.ManageTokens); err != nil {
		return err
	}
	if err := a.tokens.Revoke(ctx, id); err != nil {
		return err
	}
	return a.trail.Record(ctx, audit.Recorded{Action: audit.ActionTokenRevoked, Actor: p.TokenID, ActorRole: string(p.Role),
		Subject: id, Remote: from.Remote, UserAgent: from.UserAgent})
}
