package complaint

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// Text limits, in characters.
const (
	MaxTitle       = 200
	MaxDescription = 10000
	MaxShortText   = 200
	MaxNote        = 4000
	MaxListItems   = 10
)

// text validates a free-text field and returns it trimmed. Single-line text
// may contain no control characters; multi-line text may contain newlines
// and tabs.
func text(field, value string, max int, required, multiline bool) (string, error) {
	if !utf8.ValidString(value) {
		return "", domain.Invalid(field, "is not valid UTF-8")
	}
	value = strings.TrimSpace(value)
	if value == "" {
		if required {
			return "", domain.Invalid(field, "is required")
		}
		return "", nil
	}
	if n := utf8.RuneCountInString(value); n > max {
		return "", domain.Invalid(field, "is %d characters long; at most %d are allowed", n, max)
	}
	for _, r := range value {
		if multiline && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) {
			return "", domain.Invalid(field, "contains a control character")
		}
	}
	return value, nil
}

// codes validates a list of classification codes against terms: at least one
// when required, no unknown ones, no repeats.
func codes(field string, values []string, terms []Term, required bool) ([]string, error) {
	if len(values) == 0 {
		if required {
			return nil, domain.Invalid(field, "needs at least one entry")
		}
		return []string{}, nil
	}
	if len(values) > MaxListItems {
		return nil, domain.Invalid(field, "has %d entries; at most %d are allowed", len(values), MaxListItems)
	}
	out := make([]string, 0, len(values))
	for _, v := range values {
		if !has(terms, v) {
			return nil, domain.Invalid(field, "%q is not a known code", v)
		}
		for _, seen := range out {
			if seen == v {
				return nil, domain.Invalid(field, "%q is listed twice", v)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// identifier validates a reference to another record (a department, a
// monitoring point): short, printable, no spaces.
func identifier(field, value string, required bool) (string, error) {
	v, err := text(field, value, 64, required, false)
	if err != nil || v == "" {
		return v, err
	}
	for _, r := range v {
		if !(r == '-' || r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return "", domain.Invalid(field, "may contain only letters, digits, '-', '_' and '.'")
		}
	}
	return v, nil
}
