package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// maxBody bounds a request body.
const maxBody = 64 << 10

// readBody reads a JSON request body: bounded, valid UTF-8, declared as JSON.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, &requestError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			message: domain.Msg("the body must be application/json, declared with Content-Type: application/json"), field: "Content-Type"}
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
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return badRequest("the body is empty; a JSON object is expected")
	}
	if trimmed[0] != '{' {
		return badRequest("the body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if field := failingField(body, v); field != "" && !isUnknownField(err) {
			return badParam(field, "%s: %s", field, valueProblem(err))
		}
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

// failingField finds the top-level field of body whose value does not fit
// v's field of that name, decoding the fields one by one ("" if none does).
func failingField(body []byte, v any) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return ""
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for i := range t.NumField() {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag != name && !(tag == "" && strings.EqualFold(f.Name, name)) {
				continue
			}
			if json.Unmarshal(fields[name], reflect.New(f.Type).Interface()) != nil {
				return name
			}
		}
	}
	return ""
}

func isUnknownField(err error) bool { return strings.HasPrefix(err.Error(), "json: unknown field ") }

// valueProblem says what is wrong with a value that does not fit its field.
func valueProblem(err error) domain.Term {
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		t := jsonType(typ.Type.Kind().String())
		return domain.Term{Code: t.Code, ZH: "须为" + t.ZH, EN: "must be " + t.EN}
	case strings.Contains(err.Error(), "time") || strings.Contains(err.Error(), "Time"):
		return domain.Term{Code: "time", ZH: "须为 RFC 3339 时间，如 2026-11-24T09:30:00+08:00", EN: "must be an RFC 3339 time, like 2026-11-24T09:30:00+08:00"}
	}
	return domain.Term{Code: "value", ZH: "取值类型不符", EN: "has a value of the wrong type"}
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
