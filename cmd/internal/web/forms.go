package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/eventstore"
)

// formKey is the hidden field that makes a form's command idempotent: each
// rendering of a form gets a new key, so sending the same form twice (a
// double click, a resend after a timeout) is one command.
const formKey = "key"

// newFormKey is a key for a form about to be rendered.
func newFormKey() string {
	id, err := uuid.NewV7()
	if err != nil {
		return ""
	}
	return id.String()
}

// commandMeta derives a command's metadata from a form: its id from the
// form's key, scoped to the person, as the API derives it from the
// Idempotency-Key.
func commandMeta(r *http.Request, p access.Principal) eventstore.Metadata {
	meta := eventstore.Metadata{Actor: p.TokenID, ActorRole: string(p.Role)}
	key := r.PostFormValue(formKey)
	if key == "" || len(key) > 64 {
		key = newFormKey()
	}
	k := sha256.Sum256([]byte(p.TokenID + "\x00web\x00" + r.URL.Path + "\x00" + key))
	meta.CommandID = "w" + hex.EncodeToString(k[:16])
	return meta
}

// origin is where a request came from, for the audit trail.
func origin(r *http.Request) auditlog.Origin {
	return auditlog.Origin{Remote: clientAddr(r), UserAgent: r.UserAgent()}
}

// field is a form value without surrounding space.
func field(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }

// lines are a textarea's non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// localTime reads a datetime-local value in the service's zone; empty is
// the zero time.
func localTime(name, v string, zone *time.Location) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, domain.Invalid(name, "is not a date and time")
}

// localDate reads a date value as the start of that day in the service's
// zone; end gives the start of the next day instead.
func localDate(name, v string, zone *time.Location, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, zone)
	if err != nil {
		return time.Time{}, domain.Invalid(name, "is not a date")
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}
