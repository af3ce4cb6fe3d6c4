package app

import (
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
)

// The domain's upcasters are registered in every program that assembles
// the service (the server, each subcommand, the benchmark), before any
// event is read.
func init() {
	eventstore.RegisterUpcasters(complaint.AggregateType, complaint.Upcasters)
}
