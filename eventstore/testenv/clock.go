package testenv

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// StartEnv names the environment variable that moves the instant the tests'
// clocks start at (RFC 3339), so the suite can be run as if on another date:
//
//	WATCHPOST_TEST_START=2025-03-11T10:00:00+08:00 go test ./...
const StartEnv = "WATCHPOST_TEST_START"

// defaultStart is a Tuesday morning in Beijing in a year whose official
// schedule ships with the program.
const defaultStart = "2026-11-24T10:00:00+08:00"

// Start is the instant a test's clock reads when it starts: never the wall
// clock, so the suite does not depend on the day it runs. It must fall in a
// year whose official schedule ships with the program, on a working day at
// least ten working days before the end of its year, so that a test's
// deadlines stay in that year.
func Start() time.Time {
	s := os.Getenv(StartEnv)
	if s == "" {
		s = defaultStart
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(fmt.Sprintf("%s: an RFC 3339 time, like %s: %v", StartEnv, defaultStart, err))
	}
	return t
}

// Clock is a test's clock: it starts at an instant the test chooses and
// then runs with real time, and the test can move it.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// ClockAt returns a clock that reads t now.
func ClockAt(t time.Time) *Clock { return &Clock{offset: time.Until(t)} }

// NewClock returns a clock that reads Start now.
func NewClock() *Clock { return ClockAt(Start()) }

// Now reads the clock, at the precision the archive keeps.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset).UTC().Truncate(time.Microsecond)
}

// Set moves the clock to read t now.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(t)
}
