// Package domain holds what every Watchpost aggregate shares: the coded error
// type that the HTTP layer maps to status codes in one place. The aggregates
// live in the subpackages (complaint, calendar, ...); none of them imports
// anything but the standard library.
package domain

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error for callers; the HTTP layer maps each code to a
// status exactly once.
type Code string

// The error codes.
const (
	// CodeInvalid: the input breaks a rule of its own (a required field is
	// empty, a value is out of range). HTTP 422.
	CodeInvalid Code = "invalid"
	// CodeNotFound: the named thing does not exist. HTTP 404.
	CodeNotFound Code = "not_found"
	// CodeStateConflict: the step is not allowed in the current state of the
	// aggregate (a lifecycle violation). HTTP 409.
	CodeStateConflict Code = "state_conflict"
	// CodeForbidden: the caller may not do this. HTTP 403.
	CodeForbidden Code = "forbidden"
)

// Message is a message for a person, kept as its English format and its
// arguments: it is written out in the reader's language at the edge (the
// API and the pages look the format up in their catalog), with codes and
// dates among the arguments shown in that language too.
type Message struct {
	Format string
	Args   []any
}

// Msg makes a message.
func Msg(format string, args ...any) Message { return Message{Format: format, Args: args} }

// String writes the message in English, the arguments as they are.
func (m Message) String() string {
	if len(m.Args) == 0 {
		return m.Format
	}
	return fmt.Sprintf(m.Format, m.Args...)
}

// Day is an argument of a message that stands for the calendar day an
// instant falls on, shown in the service's time zone.
type Day struct{ time.Time }

// String writes the day as an ISO date, in the instant's own zone.
func (d Day) String() string { return d.Format(time.DateOnly) }

// Term is an argument of a message that names a code of the vocabulary,
// with its Chinese and English names.
type Term struct {
	Code, ZH, EN string
}

// String writes the term in English.
func (t Term) String() string { return t.EN }

// Error is a domain error with a code, the field it concerns (if any) and a
// message meant for the person who sent the request.
type Error struct {
	Code    Code
	Field   string
	Message Message
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message.String()
	}
	return e.Message.String()
}

// Invalid reports input that breaks a rule, naming the field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: Msg(format, args...)}
}

// NotFound reports a missing thing, naming the field that referred to it.
func NotFound(field, format string, args ...any) *Error {
	return &Error{Code: CodeNotFound, Field: field, Message: Msg(format, args...)}
}

// StateConflict reports a step that the aggregate's state does not allow.
func StateConflict(format string, args ...any) *Error {
	return &Error{Code: CodeStateConflict, Message: Msg(format, args...)}
}

// Forbidden reports an action the caller may not take.
func Forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Message: Msg(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or "" when
// there is none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
