// Package domain holds what every Watchpost aggregate shares: the coded error
// type that the HTTP layer maps to status codes in one place. The aggregates
// live in the subpackages (complaint, calendar, ...); none of them imports
// anything but the standard library.
package domain

import (
	"errors"
	"fmt"
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

// Error is a domain error with a code, the field it concerns (if any) and a
// message meant for the person who sent the request.
type Error struct {
	Code    Code
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Invalid reports input that breaks a rule, naming the field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports a missing thing, naming the field that referred to it.
func NotFound(field, format string, args ...any) *Error {
	return &Error{Code: CodeNotFound, Field: field, Message: fmt.Sprintf(format, args...)}
}

// StateConflict reports a step that the aggregate's state does not allow.
func StateConflict(format string, args ...any) *Error {
	return &Error{Code: CodeStateConflict, Message: fmt.Sprintf(format, args...)}
}

// Forbidden reports an action the caller may not take.
func Forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
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
