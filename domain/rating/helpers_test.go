package rating_test

import (
	"errors"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/rating"
)

// num parses an exact value written as a decimal or a fraction.
func num(t *testing.T, s string) rating.Number {
	t.Helper()
	n, err := rating.ParseNumber(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// compute scores the input and checks that the drill-down adds up.
func compute(t *testing.T, s rating.Scheme, in rating.ScoreInput) rating.Score {
	t.Helper()
	sc, err := rating.Compute(s, in)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	if err := sc.Verify(); err != nil {
		t.Fatalf("the drill-down does not add up: %v", err)
	}
	return sc
}

// wantNumber fails unless got is exactly want (a decimal or a fraction).
func wantNumber(t *testing.T, what string, got rating.Number, want string) {
	t.Helper()
	if !got.Equal(num(t, want)) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// invalidField is the field an invalid-input error names, or fails.
func invalidField(t *testing.T, err error) string {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.CodeInvalid {
		t.Fatalf("want an invalid-input error, got %v", err)
	}
	return e.Field
}

// method finds a method's line of the drill-down.
func method(t *testing.T, sc rating.Score, m rating.Method) rating.MethodScore {
	t.Helper()
	for _, ms := range sc.Methods {
		if ms.Method == m {
			return ms
		}
	}
	t.Fatalf("no line for %s", m)
	return rating.MethodScore{}
}

var (
	march  = rating.Month(2026, 3)
	police = rating.Unit{ID: "police-permits", Kind: rating.UnitOffice, Category: rating.CategoryEnforcement}
)

func timeMonth(m int) time.Month { return time.Month(m) }
