package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/eventstore"
)

// Current returns the principal of the token with this id while the token
// is neither revoked nor expired: a session opened with a token lasts no
// longer than the token, and sees a change of its scope at once.
func (t *Tokens) Current(ctx context.Context, id string) (Principal, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Principal{}, ErrUnauthenticated
	}
	var (
		p           Principal
		dept, point *string
	)
	err := t.pool.QueryRow(ctx, `SELECT id::text, role, department_id, point_id, name FROM api_tokens
		WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`, id, t.clock()).
		Scan(&p.TokenID, &p.Role, &dept, &point, &p.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, fmt.Errorf("%w: auth: %w", eventstore.ErrUnavailable, err)
	}
	if dept != nil {
		p.DepartmentID = *dept
	}
	if point != nil {
		p.PointID = *point
	}
	return p, nil
}
