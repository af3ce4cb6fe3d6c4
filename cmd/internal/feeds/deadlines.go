package feeds

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/audit"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// A department's deadline feed is an iCalendar document of the open
// deadlines of the cases referred to it, at an address with a token of its
// own: calendar programs subscribe to a URL and send no credentials, so the
// token is in it. It reads one department's deadlines and nothing else,
// and is revoked on its own.

// feedTokenPrefix marks feed tokens, to tell them from API tokens in a leak
// scan.
const feedTokenPrefix = "wpf_"

// FeedInfo is a feed address without its secret.
type FeedInfo struct {
	ID           string     `json:"id"`
	DepartmentID string     `json:"departmentId"`
	Name         string     `json:"name,omitempty"`
	CreatedAt    time.Time  `json:"createdAt"`
	CreatedBy    string     `json:"createdBy"`
	RevokedAt    *time.Time `json:"revokedAt,omitempty"`
}

// maxFeedName bounds a feed's name.
const maxFeedName = 100

// scope refuses a department's liaison another department's feeds, and
// an unknown department.
func (s *Service) scope(ctx context.Context, p access.Principal, departmentID string) (department.Department, error) {
	if err := access.Permit(p, access.ManageFeeds); err != nil {
		return department.Department{}, err
	}
	if p.Role == access.RoleDepartment && p.DepartmentID != departmentID {
		return department.Department{}, domain.Forbidden("a department manages only its own deadline feeds (%s)", p.DepartmentID)
	}
	if !department.ValidID(departmentID) {
		return department.Department{}, domain.NotFound("id", "no department %s", departmentID)
	}
	return projections.GetDepartment(ctx, s.d.Pool, departmentID)
}

// CreateFeed makes a feed address for a department's deadlines and
// returns its token, shown this once (the store keeps a digest). The audit
// trail records it.
//
// Who: administrators, and a department's liaison for its own department.
func (s *Service) CreateFeed(ctx context.Context, p access.Principal, from auditlog.Origin, departmentID, name string) (string, FeedInfo, error) {
	if _, err := s.scope(ctx, p, departmentID); err != nil {
		return "", FeedInfo{}, err
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > maxFeedName {
		return "", FeedInfo{}, domain.Invalid("name", "at most %d characters", maxFeedName)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", FeedInfo{}, err
	}
	token := feedTokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret))
	id, err := uuid.NewV7()
	if err != nil {
		return "", FeedInfo{}, err
	}
	info := FeedInfo{ID: id.String(), DepartmentID: departmentID, Name: name, CreatedAt: s.d.Clock(), CreatedBy: p.TokenID}
	digest := sha256.Sum256([]byte(token))
	if _, err := s.d.Pool.Exec(ctx, `INSERT INTO feed_tokens (id, hash, department_id, name, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
		info.ID, digest[:], departmentID, name, info.CreatedAt, info.CreatedBy); err != nil {
		return "", FeedInfo{}, eventstore.Database("feeds: create a feed", err)
	}
	if err := s.d.Trail.Record(ctx, audit.Recorded{Action: audit.ActionTokenCreated, Actor: p.TokenID, ActorRole: string(p.Role),
		Subject: info.ID, Reason: "deadline feed of department " + departmentID, Remote: from.Remote, UserAgent: from.UserAgent}); err != nil {
		// Unaudited, the feed must not work.
		if _, rerr := s.d.Pool.Exec(context.WithoutCancel(ctx), `UPDATE feed_tokens SET revoked_at = $2 WHERE id = $1`, info.ID, s.d.Clock()); rerr != nil {
			return "", FeedInfo{}, errors.Join(err, rerr)
		}
		return "", FeedInfo{}, err
	}
	return token, info, nil
}

// Feeds lists a department's feed addresses, revoked ones included.
//
// Who: as CreateFeed.
func (s *Service) Feeds(ctx context.Context, p access.Principal, departmentID string) ([]FeedInfo, error) {
	if _, err := s.scope(ctx, p, departmentID); err != nil {
		return nil, err
	}
	rows, err := s.d.Pool.Query(ctx, `SELECT id::text, department_id, name, created_at, created_by, revoked_at
		FROM feed_tokens WHERE department_id = $1 ORDER BY created_at, id`, departmentID)
	if err != nil {
		return nil, eventstore.Database("feeds: list feeds", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (FeedInfo, error) {
		var f FeedInfo
		err := r.Scan(&f.ID, &f.DepartmentID, &f.Name, &f.CreatedAt, &f.CreatedBy, &f.RevokedAt)
		return f, err
	})
	if err != nil {
		return nil, eventstore.Database("feeds: list feeds", err)
	}
	return out, nil
}

// RevokeFeed revokes a feed address at once; the audit trail records it.
//
// Who: as CreateFeed.
func (s *Service) RevokeFeed(ctx context.Context, p access.Principal, from auditlog.Origin, departmentID, feedID string) error {
	if _, err := s.scope(ctx, p, departmentID); err != nil {
		return err
	}
	if _, err := uuid.Parse(feedID); err != nil {
		return domain.NotFound("feedId", "no feed %s", feedID)
	}
	tag, err := s.d.Pool.Exec(ctx, `UPDATE feed_tokens SET revoked_at = $3 WHERE id = $1 AND department_id = $2 AND revoked_at IS NULL`,
		feedID, departmentID, s.d.Clock())
	if err != nil {
		return eventstore.Database("feeds: revoke a feed", err)
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFound("feedId", "no feed %s of department %s that is not revoked", feedID, departmentID)
	}
	return s.d.Trail.Record(ctx, audit.Recorded{Action: audit.ActionTokenRevoked, Actor: p.TokenID, ActorRole: string(p.Role),
		Subject: feedID, Reason: "deadline feed of department " + departmentID, Remote: from.Remote, UserAgent: from.UserAgent})
}

// FeedDeadline is one open deadline of a department's feed.
type FeedDeadline struct {
	CaseID          string
	Title           string
	ClockID         string
	Kind            string // response, closure, rectification
	Round           int
	Version         int // counts every change of the due instant
	DueAt           time.Time
	StartedAt       time.Time
	CalendarVersion string
}

// Feed is a department's open deadlines.
type Feed struct {
	Department department.Department
	Deadlines  []FeedDeadline
}

// ErrNoFeed: no feed has this token, or it was revoked.
var ErrNoFeed = domain.NotFound("token", "no deadline feed at this address")

// maxFeedDeadlines bounds a feed: a department with more open deadlines
// sees the most urgent ones.
const maxFeedDeadlines = 2000

// Deadlines reads the feed a token opens: the open deadlines of the cases
// referred to its department, soonest first. A suspended clock is left
// out until it runs again (its due instant moves when it resumes), and so
// is one whose due instant cannot be computed (a year with no schedule).
//
// Who: whoever holds the token.
func (s *Service) Deadlines(ctx context.Context, token string) (Feed, error) {
	if !strings.HasPrefix(token, feedTokenPrefix) || len(token) > 128 {
		return Feed{}, ErrNoFeed
	}
	digest := sha256.Sum256([]byte(token))
	var dept string
	err := s.d.Pool.QueryRow(ctx, `SELECT department_id FROM feed_tokens WHERE hash = $1 AND revoked_at IS NULL`, digest[:]).Scan(&dept)
	if errors.Is(err, pgx.ErrNoRows) {
		return Feed{}, ErrNoFeed
	}
	if err != nil {
		return Feed{}, eventstore.Database("feeds: read a feed", err)
	}
	f := Feed{}
	if f.Department, err = projections.GetDepartment(ctx, s.d.Pool, dept); err != nil {
		return Feed{}, err
	}
	rows, err := s.d.Pool.Query(ctx, `SELECT d.case_id, c.title, d.clock_id, d.kind, d.round, d.version, d.due_at, d.started_at,
			coalesce(d.calendar_version, '')
		FROM proj.deadlines d JOIN proj.cases c ON c.id = d.case_id
		WHERE d.department_id = $1 AND d.open AND NOT d.suspended AND d.due_at IS NOT NULL
		ORDER BY d.due_at, d.case_id, d.clock_id LIMIT $2`, dept, maxFeedDeadlines)
	if err != nil {
		return Feed{}, eventstore.Database("feeds: read a feed", err)
	}
	f.Deadlines, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (FeedDeadline, error) {
		var d FeedDeadline
		err := r.Scan(&d.CaseID, &d.Title, &d.ClockID, &d.Kind, &d.Round, &d.Version, &d.DueAt, &d.StartedAt, &d.CalendarVersion)
		return d, err
	})
	if err != nil {
		return Feed{}, eventstore.Database("feeds: read a feed", err)
	}
	return f, nil
}
