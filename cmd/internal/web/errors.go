package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/eventstore"
)

// problem is an error as a person is told it: the status of the page, the
// message, and the form field it concerns.
type problem struct {
	status  int
	message domain.Message
	field   string
}

// classify maps an error to what the page says. It is the pages' one place
// where errors become statuses.
func classify(err error) problem {
	p := func(status int, m domain.Message) problem { return problem{status: status, message: m} }
	var (
		de      *domain.Error
		missing *calendar.MissingYearError
		stored  *cases.Stored
	)
	switch {
	case errors.As(err, &de):
		d := problem{message: de.Message, field: de.Field}
		switch de.Code {
		case domain.CodeNotFound:
			d.status = http.StatusNotFound
		case domain.CodeStateConflict:
			d.status = http.StatusConflict
		case domain.CodeForbidden:
			d.status = http.StatusForbidden
		default:
			d.status = http.StatusUnprocessableEntity
		}
		return d
	case errors.Is(err, errForgedForm):
		return p(http.StatusForbidden, domain.Msg("This form did not come from this session's page (it may be old); open the page again and resend it."))
	case errors.As(err, &stored):
		return p(http.StatusAccepted, domain.Msg("Saved in the log; the pages will show it in a moment: reload the page."))
	case errors.As(err, &missing):
		return p(http.StatusUnprocessableEntity, domain.Msg("no working-day schedule is loaded for %d; an administrator loads it on the calendar page", missing.Year))
	case errors.Is(err, calendar.ErrInvalidArgument):
		return problem{status: http.StatusUnprocessableEntity, message: domain.Msg("%s", err.Error())}
	case errors.Is(err, privacy.ErrShredded):
		return p(http.StatusGone, domain.Msg("the complainant's personal data was destroyed"))
	case errors.Is(err, auth.ErrUnauthenticated):
		return p(http.StatusUnauthorized, domain.Msg("This token is unknown, expired or revoked."))
	case errors.Is(err, eventstore.ErrConflict):
		return p(http.StatusConflict, domain.Msg("the case kept changing while the command was decided; try again"))
	case errors.Is(err, eventstore.ErrUnknownOutcome):
		return p(http.StatusServiceUnavailable, domain.Msg("The event log did not confirm in time; send the form again (it is counted once)."))
	case errors.Is(err, eventstore.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return p(http.StatusServiceUnavailable, domain.Msg("a dependency is unavailable; try again shortly"))
	}
	return p(http.StatusInternalServerError, domain.Msg("internal error"))
}

// fail answers with the error page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, sess *session, err error) {
	pr := classify(err)
	if pr.status >= 500 {
		s.Logger.Error("page failed", "method", r.Method, "path", r.URL.Path, "status", pr.status, "err", err)
	}
	if pr.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	v := s.view(r, sess, "出错了")
	v.Error = s.Catalog.Message(zh, pr.message)
	s.render(w, r, pr.status, "error.html", v)
}
