package pgcluster

import "time"

// WithBackoff returns opt with a restart policy of the given bounds, so
// that tests see a cluster give up in moments.
func WithBackoff(opt Options, attempts int, first, max time.Duration) Options {
	opt.backoff = backoff{attempts: attempts, first: first, max: max, stableAfter: time.Minute}
	return opt
}

// RestartDelays lists the default policy's waits before each attempt.
func RestartDelays() []time.Duration {
	var ds []time.Duration
	for n := 1; n <= defaultBackoff.attempts; n++ {
		ds = append(ds, defaultBackoff.delay(n))
	}
	return ds
}

// FallbackName is fallbackName, for tests.
var FallbackName = fallbackName
