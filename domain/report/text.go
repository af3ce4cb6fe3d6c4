package report

import (
	"strings"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// text checks a text field: valid UTF-8, trimmed, present when required,
// no longer than max characters, no control characters but line breaks
// and tabs.
func text(field, v string, max int, required bool) (string, error) {
	if !utf8.ValidString(v) {
		return "", domain.Invalid(field, "is not valid UTF-8")
	}
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", domain.Invalid(field, "is required")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return "", domain.Invalid(field, "is %d characters long; at most %d are allowed", n, max)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f }) {
		return "", domain.Invalid(field, "contains a control character")
	}
	return v, nil
}
