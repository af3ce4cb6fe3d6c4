package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// maxBody bounds a request body.
const maxBody = 64 << 10

// readBody reads a JSON request body: bounded, valid UTF-8, declared as JSON.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return nil, &requestError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
				message: domain.Msg("the body must be application/json")}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &requestError{status: http.StatusRequestEntityTooLarge, code: "body_too_large",
			message: domain.Msg("the body is larger than 64 KiB")}
	}
	if err != nil {
		return nil, badRequest("could not read the body")
	}
	if !utf8.Valid(body) {
		return nil, badRequest("the body is not valid UTF-8")
	}
	return body, nil
}

// decodeStrict decodes one JSON object into v, refusing unknown fields,
// wrong types and trailing data, with a message that names the field.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("the body is empty; a JSON object is expected")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("the body holds more than one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return badRequest("the body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("the body must be a JSON object")
		}
		return badRequest("%s: must be %s", typ.Field, jsonType(typ.Type.Kind().String()))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the body ends in the middle of a JSON value")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return badRequest("%s: unknown field", strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
	case strings.Contains(err.Error(), "parsing time"):
		return badRequest("a time must be written as RFC 3339, like 2026-11-24T09:30:00+08:00")
	}
	return badRequest("the body could not be read as the expected JSON object")
}

func jsonType(kind string) domain.Term {
	switch kind {
	case "string":
		return domain.Term{Code: "string", ZH: "字符串", EN: "a string"}
	case "slice", "array":
		return domain.Term{Code: "array", ZH: "数组", EN: "an array"}
	case "bool":
		return domain.Term{Code: "boolean", ZH: "true 或 false", EN: "true or false"}
	case "struct", "map", "ptr":
		return domain.Term{Code: "object", ZH: "对象", EN: "an object"}
	case "int", "int64", "uint64", "float64":
		return domain.Term{Code: "number", ZH: "数字", EN: "a number"}
	}
	return domain.Term{Code: "other", ZH: "其他类型", EN: "of another type"}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
