// Package audit is the record of sensitive actions: every reading of a
// complainant's personal data, every token created or revoked, every
// destruction of personal data. Each entry is an event of its own.
package audit

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// AggregateType names audit entries in the log; each entry is its own
// aggregate, so recording never waits on another.
const AggregateType = "audit"

// TypeRecorded is the type of an audit event.
const TypeRecorded = "AuditRecorded"

// SchemaVersion is the version of the event's shape.
const SchemaVersion = 1

// The audited actions.
const (
	ActionDisclose = "personal_data_disclosed" // someone read a complainant's personal data
	// ActionDiscloseRefused: someone asked for a complainant's personal data
	// and was refused (Refusal says why).
	ActionDiscloseRefused = "personal_data_disclosure_refused"
	ActionShred           = "personal_data_shredded"
	ActionTokenCreated    = "token_created"
	ActionTokenRevoked    = "token_revoked"
	// ActionTrackingLookup: a member of the center's staff looked a case
	// up by its tracking code (a complainant on the telephone quotes it).
	ActionTrackingLookup = "tracking_code_looked_up"
)

// Recorded is one audit entry: who did what, when, from where and why.
type Recorded struct {
	Action    string    `json:"action"`
	Actor     string    `json:"actor"` // the token id, or "system" or a command-line tool
	ActorRole string    `json:"actorRole"`
	Subject   string    `json:"subject,omitempty"` // what it was done to: a case id, a token id
	Reason    string    `json:"reason,omitempty"`
	Refusal   string    `json:"refusal,omitempty"` // why the action was refused, for a refused attempt
	Remote    string    `json:"remote,omitempty"`  // the client's address
	UserAgent string    `json:"userAgent,omitempty"`
	At        time.Time `json:"at"`
}

// EventType names the event.
func (Recorded) EventType() string { return TypeRecorded }

// Decode turns a stored payload back into its event.
func Decode(eventType string, data []byte) (Recorded, error) {
	var e Recorded
	if eventType != TypeRecorded {
		return e, fmt.Errorf("audit: unknown event type %q", eventType)
	}
	if err := json.Unmarshal(data, &e); err != nil {
		return e, fmt.Errorf("audit: decode: %w", err)
	}
	return e, nil
}

// New checks an entry before it is recorded. Disclosing personal data needs
// a reason.
func New(e Recorded) (Recorded, error) {
	switch e.Action {
	case ActionDiscloseRefused:
		if e.Refusal == "" {
			return e, fmt.Errorf("audit: a refused attempt needs the reason it was refused")
		}
	case ActionDisclose, ActionShred:
		if e.Reason == "" {
			return e, domain.Invalid("reason", "is required to %s", map[string]string{
				ActionDisclose: "read a complainant's personal data", ActionShred: "destroy personal data"}[e.Action])
		}
	case ActionTokenCreated, ActionTokenRevoked, ActionTrackingLookup:
	default:
		return e, fmt.Errorf("audit: unknown action %q", e.Action)
	}
	if !utf8.ValidString(e.Reason) || utf8.RuneCountInString(e.Reason) > 500 {
		return e, domain.Invalid("reason", "at most 500 characters of valid UTF-8")
	}
	if utf8.RuneCountInString(e.UserAgent) > 200 {
		e.UserAgent = string([]rune(e.UserAgent)[:200])
	}
	if e.Actor == "" || e.At.IsZero() {
		return e, fmt.Errorf("audit: an entry needs an actor and a time")
	}
	return e, nil
}
