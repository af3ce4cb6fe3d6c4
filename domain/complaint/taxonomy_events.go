package complaint

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// The classification is extended by events on its own aggregate, so every
// replica and every rebuild knows the same terms.
const (
	TaxonomyAggregateType = "taxonomy"
	TaxonomyID            = "default"
	TypeTermAdded         = "TaxonomyTermAdded"
)

// The lists an administrator may extend. Outcomes are not among them: each
// carries a meaning the lifecycle relies on.
const (
	KindChannels   = "channels"
	KindCategories = "categories"
	KindIssueTypes = "issueTypes"
)

// TermAdded adds a term to one list of the classification.
type TermAdded struct {
	Kind  string    `json:"kind"`
	Code  string    `json:"code"`
	Label string    `json:"label"`
	At    time.Time `json:"at"`
}

// EventType names the event.
func (TermAdded) EventType() string { return TypeTermAdded }

// DecodeTermAdded turns a stored payload back into its event.
func DecodeTermAdded(eventType string, data []byte) (TermAdded, error) {
	var e TermAdded
	if eventType != TypeTermAdded {
		return e, fmt.Errorf("complaint: unknown taxonomy event %q", eventType)
	}
	if err := json.Unmarshal(data, &e); err != nil {
		return e, fmt.Errorf("complaint: decode %s: %w", eventType, err)
	}
	return e, nil
}

// list returns the list of a kind.
func (t *Taxonomy) list(kind string) *[]Term {
	switch kind {
	case KindChannels:
		return &t.Channels
	case KindCategories:
		return &t.Categories
	case KindIssueTypes:
		return &t.IssueTypes
	}
	return nil
}

// ApplyTerm records an added term.
func (t *Taxonomy) ApplyTerm(e TermAdded) error {
	l := t.list(e.Kind)
	if l == nil {
		return fmt.Errorf("complaint: taxonomy has no list %q", e.Kind)
	}
	if !has(*l, e.Code) {
		*l = append(*l, Term{Code: e.Code, Label: e.Label})
	}
	return nil
}

// AddTerm returns the event of adding a term to a list.
func (t Taxonomy) AddTerm(kind, code, label string, now time.Time) ([]TermAdded, error) {
	l := t.list(kind)
	if l == nil {
		return nil, domain.NotFound("kind", "no list %q; the lists are channels, categories and issueTypes", kind)
	}
	if !validCode(code) {
		return nil, domain.Invalid("code", "use 2 to 40 lowercase letters, digits and '_', starting with a letter")
	}
	label, err := text("label", label, 40, true, false)
	if err != nil {
		return nil, err
	}
	if has(*l, code) {
		return nil, domain.StateConflict("%s already has the code %q", kind, code)
	}
	return []TermAdded{{Kind: kind, Code: code, Label: label, At: now}}, nil
}

func validCode(s string) bool {
	if n := utf8.RuneCountInString(s); n < 2 || n > 40 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
