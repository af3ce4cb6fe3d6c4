package httpapi

import (
	"net/http"
	"unicode"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// maxQueryValue bounds a query parameter.
const maxQueryValue = 200

// The checks of query parameters: every value is checked before it reaches
// a query, and a bad one is refused naming the parameter.

// plainText refuses what is not printable UTF-8 of a sane length.
func plainText(name, v string) error {
	if len(v) > maxQueryValue {
		return badParam(name, "%s: at most %d bytes", name, maxQueryValue)
	}
	if !utf8.ValidString(v) {
		return badParam(name, "%s: is not valid UTF-8", name)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return badParam(name, "%s: contains a control character", name)
		}
	}
	return nil
}

// identifier refuses what cannot be the id of a case, department or point.
func identifier(name, v string) error {
	if err := plainText(name, v); err != nil {
		return err
	}
	if !eventstore.ValidToken(v) {
		return badParam(name, "%s: an id of letters, digits, '-' and '_'", name)
	}
	return nil
}

// code refuses what cannot be a code of the classification (channel,
// category, issue type, audit action): lowercase letters, digits and '_'.
func code(name, v string) error {
	if err := plainText(name, v); err != nil {
		return err
	}
	if len(v) > 64 {
		return badParam(name, "%s: a code of at most 64 characters", name)
	}
	for _, r := range v {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return badParam(name, "%s: a code of lowercase letters, digits and '_'", name)
		}
	}
	return nil
}

// status refuses what is not a case status.
func status(name, v string) error {
	for _, s := range complaint.Statuses() {
		if s != complaint.StatusNone && string(s) == v {
			return nil
		}
	}
	if err := plainText(name, v); err != nil {
		return err
	}
	return badParam(name, "%s: %q is not a status", name, v)
}

// cursor refuses what is not a cursor a list gave out.
func cursor(name, v string) error {
	if err := plainText(name, v); err != nil {
		return err
	}
	if !projections.ValidCursor(v) {
		return badParam(name, "%s: is not a cursor this list gave out", name)
	}
	return nil
}

// queryParams reads single-valued query parameters, each checked by its
// rule, and refuses parameters without one.
func queryParams(r *http.Request, rules map[string]func(name, v string) error) (map[string]string, error) {
	out := map[string]string{}
	for name, vals := range r.URL.Query() {
		check, ok := rules[name]
		if !ok {
			if err := plainText("query", name); err != nil {
				return nil, err
			}
			return nil, badParam(name, "%s: unknown query parameter", name)
		}
		if len(vals) != 1 {
			return nil, badParam(name, "%s: give it once", name)
		}
		if err := check(name, vals[0]); err != nil {
			return nil, err
		}
		out[name] = vals[0]
	}
	return out, nil
}
