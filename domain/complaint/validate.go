package complaint

import (
	"fmt"
	"strings"
	"time"
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
	MaxReply       = 10000 // the answer to the complainant
	MaxItems       = 20    // rectification items
	MaxItem        = 500   // characters per rectification item
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

// oneOf validates an enumerated field: the value must be one of choices.
// The error lists the allowed values.
func oneOf(field, value string, choices []choice, required bool) (string, error) {
	if value == "" && !required {
		return "", nil
	}
	for _, c := range choices {
		if c.code == value {
			return value, nil
		}
	}
	allowed := make([]string, len(choices))
	for i, c := range choices {
		allowed[i] = c.code
	}
	if value == "" {
		return "", domain.Invalid(field, "is required; one of: %s", strings.Join(allowed, ", "))
	}
	return "", domain.Invalid(field, "%q is not allowed; one of: %s", value, strings.Join(allowed, ", "))
}

// DateLayout is the layout of the calendar dates in commands and events.
const DateLayout = "2006-01-02"

// MaxDueAhead is how far ahead a due date may lie; anything later is a typo.
const MaxDueAhead = 366 * 24 * time.Hour

// dueDate validates a due date: a calendar date "YYYY-MM-DD" after the day
// of now (in the calendar's zone) and at most about a year ahead.
func dueDate(field, value string, env Env) (string, error) {
	now := env.Now
	value = strings.TrimSpace(value)
	if value == "" {
		return "", domain.Invalid(field, "is required (YYYY-MM-DD)")
	}
	d, err := time.Parse(DateLayout, value)
	if err != nil || len(value) != len(DateLayout) {
		return "", domain.Invalid(field, "%q is not a date (YYYY-MM-DD)", value)
	}
	y, m, day := now.In(env.zone()).Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	if !d.After(today) {
		return "", domain.Invalid(field, "must lie after today (%s)", today.Format(DateLayout))
	}
	if d.Sub(today) > MaxDueAhead {
		return "", domain.Invalid(field, "lies more than a year ahead")
	}
	return value, nil
}

// extensionDate validates the new closure date of an extension: a due date
// that is a working day (a deadline ends with a working day; a rest day is
// refused, naming the next working day) and whose end lies after the
// closure deadline it replaces.
func extensionDate(field, value string, env Env) (string, error) {
	due, err := dueDate(field, value, env)
	if err != nil || env.Calendar == nil {
		return due, err
	}
	d, _ := time.ParseInLocation(DateLayout, due, env.zone())
	work, err := env.Calendar.IsWorkday(d.Year(), d.Month(), d.Day())
	if err != nil {
		return "", err
	}
	if !work {
		next, err := env.Calendar.Deadline(d, 1)
		if err != nil {
			return "", err
		}
		return "", domain.Invalid(field, "%s is not a working day; the next working day is %s", due, domain.Day{Time: next.Add(-time.Nanosecond)})
	}
	if end := d.AddDate(0, 0, 1); !env.ClosureDue.IsZero() && !end.After(env.ClosureDue) {
		return "", domain.Invalid(field, "must end after the closure deadline it replaces (%s)", domain.Day{Time: env.ClosureDue.Add(-time.Nanosecond)})
	}
	return due, nil
}

// lines validates a list of single-line texts: between 1 and maxItems
// entries, none empty, each at most maxLen characters. An entry's error
// names it by index, "items[2]".
func lines(field string, values []string, maxItems, maxLen int) ([]string, error) {
	if len(values) == 0 {
		return nil, domain.Invalid(field, "needs at least one entry")
	}
	if len(values) > maxItems {
		return nil, domain.Invalid(field, "has %d entries; at most %d are allowed", len(values), maxItems)
	}
	out := make([]string, len(values))
	for i, v := range values {
		var err error
		if out[i], err = text(fmt.Sprintf("%s[%d]", field, i), v, maxLen, true, false); err != nil {
			return nil, err
		}
	}
	return out, nil
}
