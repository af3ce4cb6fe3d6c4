package httpapi

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	l := newLimiter(6, 3) // one every 10 s, three at once
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if !l.allow("a", now) {
			t.Fatalf("request %d refused within the burst", i)
		}
	}
	if l.allow("a", now) {
		t.Fatal("a fourth request at once was allowed")
	}
	if !l.allow("b", now) {
		t.Fatal("another address was refused")
	}
	if l.allow("a", now.Add(9*time.Second)) {
		t.Fatal("a token came back early")
	}
	if !l.allow("a", now.Add(10*time.Second)) {
		t.Fatal("no token after 10 s")
	}
	// Idle addresses are forgotten.
	l.allow("c", now.Add(2*time.Minute))
	if _, ok := l.buckets["b"]; ok {
		t.Fatal("an idle address was kept")
	}
}
