package httpapi

import (
	"testing"
	"time"
)

func allowed(l *limiter, addr string, now time.Time) bool {
	ok, _ := l.allow(addr, now)
	return ok
}

// TestPublicAllowance: a minute's allowance of lookups may be used at once,
// and the refusal says when the next one is possible.
func TestPublicAllowance(t *testing.T) {
	t.Parallel()
	l := newLimiter(publicLookups, publicLookups)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for i := range publicLookups {
		if ok, _ := l.allow("a", now.Add(time.Duration(i)*time.Millisecond)); !ok {
			t.Fatalf("lookup %d of a minute's allowance refused", i+1)
		}
	}
	ok, wait := l.allow("a", now.Add(time.Second))
	if ok || wait <= 0 || wait > 2*time.Second {
		t.Fatalf("lookup %d: allowed %v, wait %s", publicLookups+1, ok, wait)
	}
	if ok, _ := l.allow("a", now.Add(time.Second+wait)); !ok {
		t.Fatalf("refused again after waiting %s", wait)
	}
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	l := newLimiter(6, 3) // one every 10 s, three at once
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if !allowed(l, "a", now) {
			t.Fatalf("request %d refused within the burst", i)
		}
	}
	if allowed(l, "a", now) {
		t.Fatal("a fourth request at once was allowed")
	}
	if !allowed(l, "b", now) {
		t.Fatal("another address was refused")
	}
	if allowed(l, "a", now.Add(9*time.Second)) {
		t.Fatal("a token came back early")
	}
	if !allowed(l, "a", now.Add(10*time.Second)) {
		t.Fatal("no token after 10 s")
	}
	// Idle addresses are forgotten.
	allowed(l, "c", now.Add(2*time.Minute))
	if _, ok := l.buckets["b"]; ok {
		t.Fatal("an idle address was kept")
	}
}
