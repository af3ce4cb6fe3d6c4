package reqlog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// TestLinesCarryTheRequest: lines logged with a request's context carry its
// id, and its case once set; lines without one carry neither; attributes
// and groups of the logger are kept.
func TestLinesCarryTheRequest(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewJSONHandler(&buf, nil))).With("replica", "r1")
	ctx := With(context.Background(), "req-1")
	log.InfoContext(ctx, "before the case")
	SetCase(ctx, "case-7")
	SetCase(ctx, "case-8") // the first stays
	log.WarnContext(ctx, "after", "n", 2)
	log.Info("outside a request")
	log.WithGroup("g").InfoContext(ctx, "grouped", "x", 1)

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines: %s", len(lines), buf.String())
	}
	var got []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		got = append(got, m)
	}
	if got[0]["request_id"] != "req-1" || got[0]["case_id"] != nil || got[0]["replica"] != "r1" {
		t.Errorf("first line: %v", got[0])
	}
	if got[1]["request_id"] != "req-1" || got[1]["case_id"] != "case-7" || got[1]["n"] != 2.0 {
		t.Errorf("second line: %v", got[1])
	}
	if got[2]["request_id"] != nil || got[2]["case_id"] != nil {
		t.Errorf("a line outside a request: %v", got[2])
	}
	if g, _ := got[3]["g"].(map[string]any); g["request_id"] != "req-1" || g["x"] != 1.0 {
		t.Errorf("grouped line: %v", got[3])
	}
	if RequestID(context.Background()) != "" || CaseID(ctx) != "case-7" {
		t.Error("RequestID or CaseID")
	}
}
