package eventstore

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// TestStartupTransient: OpenLog waits through the errors of a JetStream
// that is not ready yet, and gives up at once on the others.
func TestStartupTransient(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"cluster unavailable", &jetstream.APIError{Code: 503, ErrorCode: 10008}, true},
		{"no meta leader", &jetstream.APIError{Code: 500, ErrorCode: 10009}, true},
		{"peers not known yet", &jetstream.APIError{Code: 503, ErrorCode: 10023}, true},
		{"no stream leader", fmt.Errorf("wrapped: %w", errNoStreamLeader), true},
		{"attempt timed out", context.DeadlineExceeded, true},
		{"no responders", nats.ErrNoResponders, true},
		{"stream name in use with another configuration", &jetstream.APIError{Code: 400, ErrorCode: 10058}, false},
		{"subjects overlap", &jetstream.APIError{Code: 400, ErrorCode: 10065}, false},
		{"other", errors.New("permissions violation"), false},
	} {
		if got := startupTransient(c.err); got != c.want {
			t.Errorf("%s: transient %v, want %v", c.name, got, c.want)
		}
	}
}
