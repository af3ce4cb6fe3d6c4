package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/eventstore"
)

// requestError is a request the server cannot read: malformed JSON, a wrong
// type, an unknown field, a bad header.
type requestError struct {
	status  int
	code    string
	message string
}

func (e *requestError) Error() string { return e.message }

func badRequest(format string, args ...any) error {
	return &requestError{status: http.StatusBadRequest, code: "bad_request", message: fmt.Sprintf(format, args...)}
}

// errorBody is the shape of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// classify maps an error to its HTTP status and public code and message.
// It is the one place where errors become statuses.
func classify(err error) (int, errorDetail) {
	var (
		re *requestError
		de *domain.Error
	)
	switch {
	case errors.As(err, &re):
		return re.status, errorDetail{Code: re.code, Message: re.message}
	case errors.As(err, &de):
		d := errorDetail{Code: string(de.Code), Message: de.Error(), Field: de.Field}
		switch de.Code {
		case domain.CodeInvalid:
			return http.StatusUnprocessableEntity, d
		case domain.CodeNotFound:
			return http.StatusNotFound, d
		case domain.CodeStateConflict:
			return http.StatusConflict, d
		case domain.CodeForbidden:
			return http.StatusForbidden, d
		}
	case errors.Is(err, calendar.ErrNoSchedule):
		return http.StatusUnprocessableEntity, errorDetail{Code: "no_schedule", Message: err.Error() +
			"; an administrator loads it with POST /api/v1/calendar/years or watchpost calendar load"}
	case errors.Is(err, calendar.ErrInvalidArgument):
		return http.StatusUnprocessableEntity, errorDetail{Code: "invalid", Message: err.Error()}
	case errors.Is(err, privacy.ErrShredded):
		return http.StatusGone, errorDetail{Code: "personal_data_removed", Message: "the complainant's personal data was destroyed"}
	case errors.Is(err, auth.ErrUnauthenticated):
		return http.StatusUnauthorized, errorDetail{Code: "unauthenticated", Message: "a valid bearer token is required"}
	case errors.Is(err, eventstore.ErrIdempotencyMismatch):
		return http.StatusUnprocessableEntity, errorDetail{Code: "idempotency_key_reused",
			Message: "this Idempotency-Key was already used for a different request", Field: "Idempotency-Key"}
	case errors.Is(err, eventstore.ErrConflict):
		return http.StatusConflict, errorDetail{Code: "concurrent_modification",
			Message: "the case kept changing while the command was decided; try again"}
	case errors.Is(err, eventstore.ErrNotProjected):
		return http.StatusAccepted, errorDetail{Code: "not_visible_yet",
			Message: "the command was stored but the read models have not caught up yet; read again shortly"}
	case errors.Is(err, eventstore.ErrUnknownOutcome):
		return http.StatusServiceUnavailable, errorDetail{Code: "outcome_unknown",
			Message: "the event log did not confirm in time; send the request again with the same Idempotency-Key"}
	case errors.Is(err, eventstore.ErrUnavailable):
		return http.StatusServiceUnavailable, errorDetail{Code: "unavailable", Message: "a dependency is unavailable; try again shortly"}
	}
	return http.StatusInternalServerError, errorDetail{Code: "internal", Message: "internal error"}
}

// writeError answers with an error, logging what the caller is not told. A
// command stored in the log but not yet visible is not an error to the
// caller: it answers 202 with where the command stands.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var stored *cases.Stored
	if errors.As(err, &stored) {
		writeJSON(w, http.StatusAccepted, storedView{ID: stored.ID, Position: stored.Position, TrackingCode: stored.TrackingCode,
			Message: "stored in the log; not yet visible to queries"})
		return
	}
	status, d := classify(err)
	if status >= 500 {
		s.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="watchpost"`)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, status, errorBody{Error: d})
}
