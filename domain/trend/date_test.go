package trend

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		y       int
		m       time.Month
		d       int
		want    string
		weekday time.Weekday
	}{
		{1970, 1, 1, "1970-01-01", time.Thursday},
		{1969, 12, 31, "1969-12-31", time.Wednesday},
		{2024, 2, 29, "2024-02-29", time.Thursday},
		{2026, 4, 31, "2026-05-01", time.Friday}, // normalised
		{2025, 1, 6, "2025-01-06", time.Monday},
	}
	for _, tc := range tests {
		d := DateOf(tc.y, tc.m, tc.d)
		if got := d.String(); got != tc.want {
			t.Errorf("DateOf(%d, %d, %d) = %s, want %s", tc.y, tc.m, tc.d, got, tc.want)
		}
		if got := d.Weekday(); got != tc.weekday {
			t.Errorf("%s is a %s, want %s", d, got, tc.weekday)
		}
		p, err := ParseDate(tc.want)
		if err != nil || p != d {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tc.want, p, err, d)
		}
	}
	if DateOf(2025, 1, 6) != day0 || DateOf(1970, 1, 1) != 0 || DateOf(1970, 1, 2) != 1 || DateOf(1969, 12, 31) != -1 {
		t.Error("day numbers")
	}
}

func TestDateJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(struct{ D Date }{DateOf(2026, 3, 1)})
	if err != nil || string(b) != `{"D":"2026-03-01"}` {
		t.Fatalf("marshal: %s, %v", b, err)
	}
	var v struct{ D Date }
	if err := json.Unmarshal([]byte(`{"D":"2025-12-31"}`), &v); err != nil || v.D != DateOf(2025, 12, 31) {
		t.Fatalf("unmarshal: %v, %v", v.D, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"31/12/2025"}`), &v); err == nil {
		t.Fatal("a date in another format is accepted")
	}
	var perr *time.ParseError
	if _, err := ParseDate("2025-13-01"); !errors.As(err, &perr) {
		t.Fatalf("ParseDate of a bad month: %v", err)
	}
}
