package rating_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/rating"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// Without a zone database, a fixed UTC+8 is the same zone.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

func TestPeriodText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p     rating.Period
		text  string
		label string
	}{
		{rating.Month(2026, time.March), "2026-03", "2026年3月"},
		{rating.Quarter(2026, 4), "2026-Q4", "2026年第4季度"},
		{rating.Year(2026), "2026", "2026年"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.text {
			t.Errorf("%+v: %q, want %q", tt.p, got, tt.text)
		}
		if got := tt.p.Label(); got != tt.label {
			t.Errorf("%+v: %q, want %q", tt.p, got, tt.label)
		}
		back, err := rating.ParsePeriod("p", tt.text)
		if err != nil || back != tt.p {
			t.Errorf("parse %q: %+v, %v", tt.text, back, err)
		}
		b, err := json.Marshal(tt.p)
		if err != nil || string(b) != `"`+tt.text+`"` {
			t.Errorf("json %s, %v", b, err)
		}
	}
	for _, bad := range []string{"", "26-03", "2026-3", "2026-13", "2026-00", "2026-Q0", "2026-Q5", "2026-Qx", "1999", "2026-03-01", "abcd"} {
		if _, err := rating.ParsePeriod("period", bad); err == nil {
			t.Errorf("%q accepted", bad)
		} else if f := invalidField(t, err); f != "period" {
			t.Errorf("%q: field %q", bad, f)
		}
	}
	for _, bad := range []rating.Period{{}, {Kind: "week", Year: 2026, Index: 1}, {Kind: rating.PeriodYear, Year: 2026, Index: 1}} {
		if err := bad.Validate("period"); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestPeriodSpans(t *testing.T) {
	t.Parallel()
	loc := shanghai(t)
	q1 := rating.Quarter(2026, 1)
	if got := q1.Start(loc); !got.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, loc)) {
		t.Errorf("start %v", got)
	}
	if got := q1.End(loc); !got.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, loc)) {
		t.Errorf("end %v", got)
	}
	if got := rating.Month(2026, time.December).End(loc); !got.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, loc)) {
		t.Errorf("december ends %v", got)
	}
	ms := rating.Quarter(2026, 3).Months()
	if len(ms) != 3 || ms[0] != rating.Month(2026, 7) || ms[2] != rating.Month(2026, 9) {
		t.Errorf("months %v", ms)
	}
	if n := len(rating.Year(2026).Months()); n != 12 {
		t.Errorf("%d months in a year", n)
	}
	if !rating.Year(2026).Includes(q1) || !q1.Includes(rating.Month(2026, 3)) || q1.Includes(rating.Month(2026, 4)) ||
		!q1.Includes(q1) || q1.Includes(rating.Year(2026)) || rating.Year(2025).Includes(rating.Month(2026, 1)) {
		t.Error("Includes is wrong")
	}
	for p, next := range map[rating.Period]rating.Period{
		rating.Month(2026, 12):  rating.Month(2027, 1),
		rating.Month(2026, 3):   rating.Month(2026, 4),
		rating.Quarter(2026, 4): rating.Quarter(2027, 1),
		rating.Year(2026):       rating.Year(2027),
	} {
		if got := p.Next(); got != next {
			t.Errorf("%s.Next() = %s, want %s", p, got, next)
		}
	}
	// 2026-03-31 20:00 UTC is already 1 April in Shanghai.
	late := time.Date(2026, 3, 31, 20, 0, 0, 0, time.UTC)
	if got := rating.PeriodOf(rating.PeriodMonth, late, loc); got != rating.Month(2026, 4) {
		t.Errorf("month of %v: %s", late, got)
	}
	if got := rating.PeriodOf(rating.PeriodQuarter, late, loc); got != rating.Quarter(2026, 2) {
		t.Errorf("quarter of %v: %s", late, got)
	}
	if !rating.Month(2026, 3).Contains(late, time.UTC) || rating.Month(2026, 3).Contains(late, loc) {
		t.Error("Contains ignores the zone")
	}
}

func conflict(t *testing.T, err error) {
	t.Helper()
	if domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("want a state conflict, got %v", err)
	}
}

func TestCanClose(t *testing.T) {
	t.Parallel()
	loc := shanghai(t)
	mar := rating.Month(2026, 3)
	// Still running on 31 March 23:59 in Shanghai; closable from 1 April.
	conflict(t, rating.CanClose(mar, time.Date(2026, 3, 31, 23, 59, 0, 0, loc), loc, nil))
	if err := rating.CanClose(mar, time.Date(2026, 4, 1, 0, 0, 0, 0, loc), loc, nil); err != nil {
		t.Fatal(err)
	}
	conflict(t, rating.CanClose(mar, time.Date(2026, 4, 2, 0, 0, 0, 0, loc), loc, []rating.Period{mar}))
	// A quarter closes only once its three months are.
	after := time.Date(2026, 4, 10, 0, 0, 0, 0, loc)
	q1 := rating.Quarter(2026, 1)
	conflict(t, rating.CanClose(q1, after, loc, []rating.Period{rating.Month(2026, 1), mar}))
	if err := rating.CanClose(q1, after, loc, []rating.Period{rating.Month(2026, 1), rating.Month(2026, 2), mar}); err != nil {
		t.Fatal(err)
	}
	if f := invalidField(t, rating.CanClose(rating.Period{}, after, loc, nil)); f != "period" {
		t.Errorf("field %q", f)
	}
}

func TestAdmitRating(t *testing.T) {
	t.Parallel()
	loc := shanghai(t)
	dealt := time.Date(2026, 3, 15, 10, 0, 0, 0, loc)
	got, err := rating.AdmitRating(dealt, loc, nil)
	if err != nil || got != rating.Month(2026, 3) {
		t.Fatalf("%s, %v", got, err)
	}
	// Refused, not moved, once March is closed, or the quarter or the year
	// holding it.
	for _, closed := range []rating.Period{rating.Month(2026, 3), rating.Quarter(2026, 1), rating.Year(2026)} {
		_, err := rating.AdmitRating(dealt, loc, []rating.Period{closed})
		conflict(t, err)
	}
	// A closed February does not touch March.
	if _, err := rating.AdmitRating(dealt, loc, []rating.Period{rating.Month(2026, 2)}); err != nil {
		t.Fatal(err)
	}
	// The dealing's date in the zone decides: 31 March 20:00 UTC is April in
	// Shanghai, so a closed March does not refuse it.
	if got, err := rating.AdmitRating(time.Date(2026, 3, 31, 20, 0, 0, 0, time.UTC), loc, []rating.Period{rating.Month(2026, 3)}); err != nil || got != rating.Month(2026, 4) {
		t.Fatalf("%s, %v", got, err)
	}
	if _, err := rating.AdmitRating(time.Time{}, loc, nil); invalidField(t, err) != "dealtAt" {
		t.Error("a zero time must be refused")
	}
}
