package calendar_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
)

// marshalDocument writes years as a reference-style document.
func marshalDocument(t testing.TB, years []calendar.Year) []byte {
	t.Helper()
	data, err := json.Marshal(struct {
		Years []calendar.Year `json:"years"`
	}{years})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseYearsReference(t *testing.T) {
	t.Parallel()
	years, err := calendar.ParseYears(mustReadReference(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, y := range years {
		got = append(got, y.Year)
	}
	if !slices.Equal(got, []int{2024, 2025, 2026}) {
		t.Fatalf("years = %v, want [2024 2025 2026]", got)
	}
	y2026 := years[2]
	if y2026.Notice == "" {
		t.Error("2026 lost its notice")
	}
	want := calendar.Day{Date: "2026-02-28", IsOffDay: false, Name: "春节"}
	if !slices.Contains(y2026.Days, want) {
		t.Errorf("2026 does not contain %+v", want)
	}
	if first := y2026.Days[0]; first != (calendar.Day{Date: "2026-01-01", IsOffDay: true, Name: "元旦"}) {
		t.Errorf("first day of 2026 = %+v", first)
	}
}

func TestParseYearsShapes(t *testing.T) {
	t.Parallel()
	const one = `{"year": 2027, "notice": "fixture", "days": [{"date": "2027-01-01", "isOffDay": true, "name": "元旦"}]}`
	want := []calendar.Year{year2027()}
	want[0].Notice = "fixture"
	tests := []struct {
		name string
		data string
	}{
		{"single year", one},
		{"array", "[" + one + "]"},
		{"document", `{"description": "x", "years": [` + one + `]}`},
		{"surrounding space", "\n\t " + one + " \n"},
		{"byte order mark", "\ufeff" + one},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := calendar.ParseYears([]byte(tt.data))
			if err != nil {
				t.Fatalf("ParseYears: %v", err)
			}
			if len(got) != 1 || got[0].Year != want[0].Year || got[0].Notice != want[0].Notice || !slices.Equal(got[0].Days, want[0].Days) {
				t.Errorf("ParseYears = %+v, want %+v", got, want)
			}
		})
	}
}

func TestParseYearsRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data string
	}{
		{"empty input", ""},
		{"null", "null"},
		{"empty object", "{}"},
		{"empty document", `{"years": []}`},
		{"truncated", `{"years": [{"year": 2027`},
		{"trailing data", `{"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": true}]} {}`},
		{"trailing bracket", `{"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": true}]}]`},
		{"unknown field in a day", `{"year": 2027, "days": [{"date": "2027-01-01", "offDay": true}]}`},
		{"unknown top-level field", `{"years": [], "version": 3}`},
		{"mixed shapes", `{"years": [], "year": 2027}`},
		{"single year with a description", `{"description": "x", "year": 2027, "days": [{"date": "2027-01-01", "isOffDay": true}]}`},
		{"days without a year", `{"days": [{"date": "2027-01-01", "isOffDay": true}]}`},
		{"year as a string", `{"year": "2027", "days": [{"date": "2027-01-01", "isOffDay": true}]}`},
		{"missing isOffDay on a holiday", `{"year": 2027, "days": [{"date": "2027-01-01"}]}`}, // defaults to a make-up day on a Friday
		{"invalid day inside a document", `{"years": [{"year": 2027, "days": [{"date": "2027-01-03", "isOffDay": true}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := calendar.ParseYears([]byte(tt.data))
			if !errors.Is(err, calendar.ErrInvalidSchedule) {
				t.Errorf("ParseYears(%q) = %+v, %v; want an error matching ErrInvalidSchedule", tt.data, got, err)
			}
		})
	}
}

// FuzzParseYears checks that ParseYears never panics, that its errors match
// ErrInvalidSchedule, and that whatever it accepts New accepts and answers
// as the data says.
func FuzzParseYears(f *testing.F) {
	// The seeds are in testdata/fuzz/FuzzParseYears. They are kept small:
	// the fuzzer spends its time minimising large inputs instead of fuzzing.
	f.Fuzz(func(t *testing.T, data []byte) {
		years, err := calendar.ParseYears(data)
		if err != nil {
			if !errors.Is(err, calendar.ErrInvalidSchedule) {
				t.Fatalf("ParseYears error %v does not match ErrInvalidSchedule", err)
			}
			return
		}
		c, err := calendar.New(time.UTC, years...)
		if err != nil {
			t.Fatalf("ParseYears accepted %q but New refused it: %v", data, err)
		}
		if len(c.Years()) != len(years) {
			t.Fatalf("New holds years %v, ParseYears gave %d", c.Years(), len(years))
		}
		for _, y := range years {
			for _, d := range y.Days {
				date, err := time.Parse("2006-01-02", d.Date)
				if err != nil {
					t.Fatalf("accepted date %q does not parse: %v", d.Date, err)
				}
				ok, err := c.IsWorkday(date.Date())
				if err != nil || ok == d.IsOffDay {
					t.Fatalf("IsWorkday(%s) = %v, %v; the data says isOffDay=%v", d.Date, ok, err, d.IsOffDay)
				}
			}
		}
		again, err := calendar.ParseYears(marshalDocument(t, years))
		if err != nil {
			t.Fatalf("re-encoded years refused: %v", err)
		}
		c2, err := calendar.New(time.UTC, again...)
		if err != nil {
			t.Fatalf("re-encoded years refused by New: %v", err)
		}
		if c2.Version() != c.Version() {
			t.Fatalf("re-encoded years give version %q, want %q", c2.Version(), c.Version())
		}
	})
}
