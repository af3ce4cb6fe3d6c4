package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/cmd/internal/reqlog"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/eventstore"
)

// requestError is a request the server cannot read: malformed JSON, a wrong
// type, an unknown field, a bad header.
type requestError struct {
	status  int
	code    string
	message domain.Message
	field   string // the parameter or header it concerns, if any
}

func (e *requestError) Error() string { return e.message.String() }

func badRequest(format string, args ...any) error {
	return &requestError{status: http.StatusBadRequest, code: "bad_request", message: domain.Msg(format, args...)}
}

// badParam refuses a query parameter (or header), naming it.
func badParam(name, format string, args ...any) error {
	return &requestError{status: http.StatusBadRequest, code: "bad_request", message: domain.Msg(format, args...), field: name}
}

// errorBody is the shape of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"requestId,omitempty"` // the X-Request-Id of the answer, to quote when reporting it
}

// problem is an error as the caller is told it: status, code, message and
// the field it concerns.
type problem struct {
	status  int
	code    string
	message domain.Message
	field   string
}

// classify maps an error to its HTTP status and public code and message.
// It is the one place where errors become statuses.
func classify(err error) problem {
	p := func(status int, code, format string, args ...any) problem {
		return problem{status: status, code: code, message: domain.Msg(format, args...)}
	}
	var (
		re      *requestError
		de      *domain.Error
		missing *calendar.MissingYearError
	)
	switch {
	case errors.As(err, &re):
		return problem{status: re.status, code: re.code, message: re.message, field: re.field}
	case errors.As(err, &de):
		d := problem{code: string(de.Code), message: de.Message, field: de.Field}
		switch de.Code {
		case domain.CodeInvalid:
			d.status = http.StatusUnprocessableEntity
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
	case errors.As(err, &missing):
		return p(http.StatusUnprocessableEntity, "no_schedule",
			"no working-day schedule is loaded for %d; an administrator loads it with POST /api/v1/calendar/years or watchpost calendar load", missing.Year)
	case errors.Is(err, calendar.ErrInvalidArgument):
		return problem{status: http.StatusUnprocessableEntity, code: "invalid", message: domain.Msg("%s", err.Error())}
	case errors.Is(err, privacy.ErrShredded):
		return p(http.StatusGone, "personal_data_removed", "the complainant's personal data was destroyed")
	case errors.Is(err, auth.ErrUnauthenticated):
		return p(http.StatusUnauthorized, "unauthenticated", "a valid bearer token is required")
	case errors.Is(err, eventstore.ErrIdempotencyMismatch):
		d := p(http.StatusUnprocessableEntity, "idempotency_key_reused", "this Idempotency-Key was already used for a different request")
		d.field = "Idempotency-Key"
		return d
	case errors.Is(err, eventstore.ErrConflict):
		return p(http.StatusConflict, "concurrent_modification", "the case kept changing while the command was decided; try again")
	case errors.Is(err, eventstore.ErrNotProjected):
		return p(http.StatusAccepted, "not_visible_yet", "the command was stored but the read models have not caught up yet; read again shortly")
	case errors.Is(err, eventstore.ErrUnknownOutcome):
		return p(http.StatusServiceUnavailable, "outcome_unknown",
			"the event log did not confirm in time; send the request again with the same Idempotency-Key")
	case errors.Is(err, eventstore.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// A dependency that did not answer within the request's time (or
		// a client that left) is no fault of the request.
		return p(http.StatusServiceUnavailable, "unavailable", "a dependency is unavailable; try again shortly")
	}
	return p(http.StatusInternalServerError, "internal", "internal error")
}

// writeError answers with an error, logging what the caller is not told. A
// command stored in the log but not yet visible is not an error to the
// caller: it answers 202 with where the command stands.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var stored *cases.Stored
	if errors.As(err, &stored) {
		writeJSON(w, http.StatusAccepted, storedView{ID: stored.ID, Position: stored.Position, TrackingCode: stored.TrackingCode,
			Message: s.Catalog.Message(s.lang(r), domain.Msg("stored in the log on disk and not lost; the read models do not show it yet: read again shortly (resending with the same Idempotency-Key is harmless)"))})
		return
	}
	pr := classify(err)
	status := pr.status
	if status >= 500 {
		s.Logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	d := errorDetail{Code: pr.code, Message: s.Catalog.Message(s.lang(r), pr.message), Field: pr.field, RequestID: reqlog.RequestID(r.Context())}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="watchpost"`)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	if s.writeOpen311Error(w, r, status, d.Message) { // the GeoReport shape on /open311/
		return
	}
	writeJSON(w, status, errorBody{Error: d})
}
