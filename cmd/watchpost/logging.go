package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/watchpost/watchpost/cmd/internal/reqlog"
)

// newLogger makes the service's logger: text for people, or JSON (one
// object a line) for a log collector. Either way a line written with a
// request's context carries its request_id and, once known, its case_id.
func newLogger(format string, w io.Writer, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch format {
	case "text", "":
		h = slog.NewTextHandler(w, opts)
	case "json":
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, fmt.Errorf("--log-format: text or json, not %q", format)
	}
	return slog.New(reqlog.Handler(h)), nil
}
