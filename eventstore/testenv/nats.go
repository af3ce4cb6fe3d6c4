package testenv

import (
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/watchpost/watchpost/eventstore/natsembed"
)

// NATSServer starts an in-process NATS server with JetStream in a temporary
// directory, shut down when the test ends.
func NATSServer(t testing.TB) *natsembed.Server {
	t.Helper()
	return startNATS(t, false)
}

// ListeningNATS starts an in-process NATS server that also listens on a
// loopback port, for tests that run several service instances against one
// server (reach it at its URL).
func ListeningNATS(t testing.TB) *natsembed.Server {
	t.Helper()
	return startNATS(t, true)
}

func startNATS(t testing.TB, listen bool) *natsembed.Server {
	t.Helper()
	srv, err := natsembed.Start(natsembed.Options{Dir: t.TempDir(), Listen: listen})
	if err != nil {
		t.Fatalf("testenv: start NATS: %v", err)
	}
	t.Cleanup(srv.Shutdown)
	return srv
}

// NATS returns a connection to a fresh in-process NATS server, closed when
// the test ends.
func NATS(t testing.TB) *nats.Conn {
	t.Helper()
	nc, err := NATSServer(t).Connect(t.Name())
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}
