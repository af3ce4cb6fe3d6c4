package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/eventstore"
)

func shred(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shred", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	reason := fs.String("reason", "", "why the personal data is destroyed (required; recorded)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: watchpost shred --reason REASON CASE-ID")
		fs.PrintDefaults()
	}
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		args = append(args[1:], args[0]) // the case id may come first
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitCode(0) // the flag package printed the usage
		}
		return exitCode(2)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitCode(2)
	}
	s, err := c.open(ctx, stderr, true)
	if err != nil {
		return err
	}
	defer s.Close()
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	const tool = "watchpost shred"
	meta := eventstore.Metadata{Actor: tool, ActorRole: string(access.RoleAdmin), CommandID: id.String()}
	_, err = s.svc.Cases.Shred(ctx, access.Tool(tool), auditlog.Origin{Remote: "command line"}, meta, fs.Arg(0), *reason)
	switch {
	case errors.Is(err, eventstore.ErrNotProjected):
		fmt.Fprintf(stdout, "the key of case %s is destroyed; the record takes effect when the server archives it\n", fs.Arg(0))
	case err != nil:
		return err
	default:
		fmt.Fprintf(stdout, "the personal data of case %s is destroyed\n", fs.Arg(0))
	}
	return nil
}
